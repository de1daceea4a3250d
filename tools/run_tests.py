"""The test suite: notebooks and package in sync, then every notebook's tests, then one summary line.

Usage: python tools/run_tests.py [--flags "slow gpu"] [--workers N] [notebook-name-substring ...]
"""
import argparse, hashlib, os, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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


def run_one(args):
    fn, skip_flags, force_flags, threads = args
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
    ap.add_argument("--no-sync", action="store_true", help="skip the notebook/package sync check")
    ap.add_argument("only", nargs="*", help="run only notebooks whose name contains one of these")
    a = ap.parse_args()

    t0 = time.time()
    sync_ok = True if a.no_sync else check_sync()
    from nbdev.config import get_config
    skip = get_config().tst_flags.split()
    nbs = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith("_"))
    if a.only: nbs = [p for p in nbs if any(s in p.name for s in a.only)]
    threads = max(1, (os.cpu_count() or 1) // max(1, a.workers))
    jobs = [(p, skip, a.flags.split(), threads) for p in nbs]
    results = []
    # One fresh process per notebook: a notebook's IPython shell takes over the worker's __main__ module.
    with ProcessPoolExecutor(max_workers=max(1, a.workers), mp_context=get_context("spawn"), max_tasks_per_child=1) as ex:
        for name, ok, secs in ex.map(run_one, jobs):
            print(f"{'ok  ' if ok else 'FAIL'} {name:<32} {secs:7.1f} s", flush=True)
            results.append(ok)
    passed = sum(results) + (1 if sync_ok else 0)
    failed = len(results) - sum(results) + (0 if sync_ok else 1)
    print(f"(notebooks and the sync check, {time.time() - t0:.0f} s in all)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
