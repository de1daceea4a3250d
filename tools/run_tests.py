"""The test suite: notebooks and package in sync, the docs' notebook processing, every notebook's tests, one summary line.

Usage: python tools/run_tests.py [--flags "slow gpu"] [--workers N] [--no-sync] [--no-docs] [--generic-cpu auto|yes|no]
                                [notebook-name-substring ...]

The whole suite also runs the notebooks whose tests compare floats across batch shapes, seeds drawn by vectorised
kernels, or committed weights once more under ATEN_CPU_CAPABILITY=default: torch's scalar kernels instead of this CPU's
AVX2/AVX-512 ones, a cheap stand-in for another machine (WanDiT's outputs move by about 5e-6).
"""
import argparse, hashlib, os, shutil, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# the notebooks whose tolerances depend on the kernels: per-sample seeds in batches (01), random weights drawn here
# against committed ones (02), metrics of rendered and degraded videos with float thresholds (02a), a batch against its
# slice (12)
GENERIC_CPU_NBS = ("01_flow_matching", "02_toy_world", "02a_metrics", "12_consistency")


def snapshot():
    "Hash of every file nbdev_export / nbdev_clean may touch."
    files = sorted([*ROOT.glob("nbs/**/*.ipynb"), *ROOT.glob("wan_repro/**/*.py"), ROOT / "README.md"])
    return {p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.exists()}


def check_sync():
    "Fail when a notebook was not exported or not cleaned: the tools would change files."
    before = snapshot()
    for tool in ("nbdev_export", "nbdev_clean"):
        subprocess.run([str(BIN / tool)], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "tools/make_readme.py"], cwd=ROOT, check=True)
    after = snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        print("FAIL sync: nbdev_export / nbdev_clean / tools/make_readme.py changed these files (they are now fixed; review and commit):")
        for f in changed: print("   ", f)
    return not changed


# The docs' notebook processing, one notebook at a time, in a fresh interpreter: nbdev's proc_nbs (the step of
# nbdev_docs before Quarto renders) runs every notebook's export and import cells and writes _proc/. It is called
# directly: the nbdev_proc_nbs command first tries to install Quarto and, failing that, pip-installs the package (and a
# CUDA torch) into whatever Python is first on the PATH.
PROC_NBS = r"""
import re, sys, time, traceback
from nbdev.quarto import proc_nbs
ok = True
for name in sys.argv[1:]:
    others = rf"^[_.]|^(?!{re.escape(name)}$).*[.]ipynb$"     # every other notebook is skipped (other files are copied)
    t0 = time.time()
    try: proc_nbs(n_workers=1, skip_file_re=others); print(f"ok   docs {name:<27} {time.time() - t0:7.1f} s", flush=True)
    except Exception as e:   # one line: the notebook's own error, then the cell nbdev names
        ok = False
        text = "".join(traceback.format_exception(e))
        errors = re.findall(r"^(?:\w+\.)*\w*(?:Error|Exception|Exit|Interrupt): .*$", text, re.M) or text.strip().splitlines()[-1:]
        cell = next((l.split(": ", 1)[1].rstrip(" :") for l in errors if " in cell " in l), "")
        print(f"FAIL docs {name}: {errors[0]}" + (f" ({cell})" if cell and cell not in errors[0] else ""), flush=True)
sys.exit(0 if ok else 1)
"""


def check_docs(threads:int) -> bool:
    "Run nbdev's proc_nbs on every notebook (from scratch: _proc/ is removed first); True when all pass."
    shutil.rmtree(ROOT / "_proc", ignore_errors=True)
    names = sorted(p.name for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith(("_", ".")))
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), "MPLBACKEND": "Agg"}
    t0 = time.time()
    with subprocess.Popen([sys.executable, "-c", PROC_NBS, *names], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as p:
        for line in p.stdout:                      # nbdev's warnings are left out: one line per notebook
            if line.startswith(("ok   docs", "FAIL docs")): print(line.rstrip(), flush=True)
    if p.returncode: print(f"FAIL docs: nbdev's proc_nbs failed ({time.time() - t0:.0f} s); nbdev_docs would fail the same way")
    return p.returncode == 0


def run_one(args):
    fn, skip_flags, force_flags, threads, env = args
    os.environ.update(env)                         # before torch is imported: ATEN_CPU_CAPABILITY is read once
    # Parallel notebooks must not oversubscribe the cores: OpenMP threads that wait on each other across
    # processes made a forward pass 20x slower on 2 cores. Set before torch is first imported in this worker.
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
    os.environ.setdefault("MPLBACKEND", "Agg")
    # A spawned worker inherits "spawn" as its default; notebooks' own subprocesses (DataLoader workers) need fork,
    # since classes defined in a notebook live in its __main__ and cannot be pickled by reference.
    import multiprocessing
    multiprocessing.set_start_method("fork", force=True)
    import torch
    torch.set_num_threads(threads)
    from nbdev.test import test_nb
    ok, secs = test_nb(fn, skip_flags=skip_flags, force_flags=force_flags, basepath=str(ROOT))
    return fn.name, ok, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flags", default="", help="space-separated test flags to run (e.g. 'slow gpu')")
    ap.add_argument("--workers", type=int, default=2, help="notebooks run in parallel")
    ap.add_argument("--no-sync", action="store_true",
                    help="skip the whole-repository checks: notebook/package sync and the docs' notebook processing")
    ap.add_argument("--no-docs", action="store_true", help="skip the docs' notebook processing (nbdev's proc_nbs)")
    ap.add_argument("--generic-cpu", choices=("auto", "yes", "no"), default="auto",
                    help="run the kernel-sensitive notebooks once more under ATEN_CPU_CAPABILITY=default "
                         "(auto: with the whole suite, not with a subset)")
    ap.add_argument("only", nargs="*", help="run only notebooks whose name contains one of these")
    a = ap.parse_args()

    t0 = time.time()
    sync_ok = None if a.no_sync else check_sync()
    threads = max(1, (os.cpu_count() or 1) // max(1, a.workers))
    docs_ok = None if a.no_sync or a.no_docs else check_docs(threads)
    from nbdev.config import get_config
    skip = get_config().tst_flags.split()
    nbs = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
    if a.only: nbs = [p for p in nbs if any(s in p.name for s in a.only)]
    jobs = [(p, skip, a.flags.split(), threads, {}) for p in nbs]
    if a.generic_cpu == "yes" or (a.generic_cpu == "auto" and not a.only):
        jobs += [(p, skip, a.flags.split(), threads, {"ATEN_CPU_CAPABILITY": "default"}) for p in nbs
                 if p.stem in GENERIC_CPU_NBS]
    results = []
    # One fresh process per notebook: a notebook's IPython shell takes over the worker's __main__ module.
    with ProcessPoolExecutor(max_workers=max(1, a.workers), mp_context=get_context("spawn"), max_tasks_per_child=1) as ex:
        for (*_, env), (name, ok, secs) in zip(jobs, ex.map(run_one, jobs)):
            name += " (ATEN_CPU_CAPABILITY=default)" if env else ""
            print(f"{'ok  ' if ok else 'FAIL'} {name:<32} {secs:7.1f} s", flush=True)
            results.append(ok)
    checks = [c for c in (sync_ok, docs_ok) if c is not None]          # the whole-repository checks that ran
    passed = sum(results) + sum(checks)
    failed = len(results) - sum(results) + len(checks) - sum(checks)
    print(f"({time.time() - t0:.0f} s in all)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
