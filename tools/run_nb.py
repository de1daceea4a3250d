"""Execute notebooks in place so their outputs (tables, plots, videos) are stored for readers.

Cells flagged with a test flag (`#| slow`, `#| gpu`) are skipped unless named with --flags, as in the test run.
Usage: python tools/run_nb.py nbs/00_wan_model.ipynb [...] [--flags "slow"] [--skip "retrain"]
"""
import argparse, os, sys
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.process import NBProcessor


def run(path: Path, run_flags: set, skip_flags: set = frozenset()):
    skip = (set(get_config().tst_flags.split()) - run_flags) | skip_flags
    proc = NBProcessor(path, procs=[], process=True, rm_directives=False)   # parses each cell's `#| ...` directives
    def preproc(cell):
        if cell.cell_type != "code": return True
        if "nbdev_export(" in cell.source: return True   # the export cell runs in tools, not here
        return bool(skip & set(getattr(cell, "directives_", {}) or {}))
    shell = CaptureShell(path)
    with working_directory(path.parent):
        try: shell.run_all(proc.nb, exc_stop=True, preproc=preproc)
        except Exception: pass   # shell.exc holds it
    if shell.exc:   # nothing is stored: show what the cells printed before the failure, then the traceback
        for cell in proc.nb.cells:
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream": print("".join(o.get("text", "")), end="", file=sys.stderr)
        sys.exit(shell.prettytb(fname=path))
    write_nb(proc.nb, path)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--flags", default="", help="test flags whose cells should run too")
    ap.add_argument("--skip", default="", help="directives whose cells are skipped even so (e.g. 'retrain')")
    a = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for nb in a.notebooks: run(Path(nb).resolve(), set(a.flags.split()), set(a.skip.split())); print("executed", nb)
