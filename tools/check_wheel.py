"""Check the package as a user gets it (issue 47): the wheel and sdist hold code, not the zoo, and the wheel, installed
into a fresh virtual environment outside the repository, loads toy models through the zoo's places with no network.

    .venv/bin/python tools/check_wheel.py [--max-mb 5] [--keep]

Steps, each in a temporary folder:
1. the files a fresh clone would have (git's tracked and untracked-but-not-ignored files, hard-linked) are built into
   a wheel and an sdist, without build isolation (no registry needed); both must be under --max-mb;
2. the wheel goes into a new venv, with no dependencies: the running environment's site-packages are appended to the
   venv's path by a .pth file, so torch and the rest come from there while wan_repro comes from the wheel;
3. from a folder outside the repository, with PYTHONPATH unset, huggingface_hub offline and its cache a folder laid out
   here (blobs, snapshots of symlinks, refs/main), the installed package must load `t2v-teacher` from that cache,
   `i2v-teacher` from $WAN_REPRO_ZOO, encode prompts with the shipped text encoder and then (shipped copy removed)
   with the cached one, and name where it looked and how to get a model that is nowhere (`t2v-dmd4`).
"""
import argparse, hashlib, os, shutil, subprocess, sys, sysconfig, tempfile, zipfile, tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB_MODEL, FOLDER_MODEL, ABSENT_MODEL = "t2v-teacher", "i2v-teacher", "t2v-dmd4"
SHIPPED = {"wan_repro/zoo/text_encoder.safetensors", "wan_repro/zoo/text_encoder.json"}  # setup.py's package_data

CHILD = r'''
import json, os, sys, torch
from pathlib import Path
from safetensors.torch import load_file
import wan_repro, wan_repro.toy as toy
repo, hub, folder = map(Path, sys.argv[1:4])
assert repo not in Path(wan_repro.__file__).parents, wan_repro.__file__  # the wheel's copy, not the checkout
assert sorted(p.name for p in toy.zoo_dir().iterdir()) == ["text_encoder.json", "text_encoder.safetensors"]

def same(model, name):  # the model holds the committed file's weights (float16 files load into float32 models)
    for k, v in load_file(repo / "wan_repro" / "zoo" / f"{name}.safetensors").items():
        assert torch.equal(model.state_dict()[k], v.to(model.state_dict()[k].dtype)), (name, k)
    print(f"{name}: loaded from {toy.zoo_files(name + '.safetensors')[0]}")

same(toy.zoo(sys.argv[4]), sys.argv[4])                                            # huggingface_hub's cache
assert hub in toy.zoo_files(sys.argv[4] + ".safetensors")[0].parents
os.environ["WAN_REPRO_ZOO"] = str(folder)
same(toy.zoo(sys.argv[5]), sys.argv[5])                                            # $WAN_REPRO_ZOO
try: toy.zoo(sys.argv[6]); raise AssertionError("a model that is nowhere loaded")
except FileNotFoundError as err: msg = str(err)
assert "\n" not in msg and "looked in" in msg and "retrain=True" in msg and "wan-train" in msg and toy.ZOO_REPO in msg, msg
print("missing:", msg)
ctx = toy.encode_text(["a red square moving up", ""])                             # the text encoder the wheel ships
for p in toy.zoo_dir().iterdir(): p.unlink()
toy.load_text_encoder.cache_clear()
assert hub in toy.zoo_files("text_encoder.safetensors")[0].parents
assert torch.equal(toy.encode_text(["a red square moving up", ""]), ctx)           # the same file, through the hub cache
print("text encoder: shipped, then through the hub cache")
'''


def run(*cmd, **kw):
    print("$", " ".join(str(c) if len(str(c)) < 100 else "<script>" for c in cmd), flush=True)
    subprocess.run(list(map(str, cmd)), check=True, **kw)


def fresh_clone(dst:Path):
    "Hard-link (else copy) the files a clone of this working tree holds: tracked and untracked-but-not-ignored."
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, names):
        src, out = REPO / name, dst / name
        if not src.is_file(): continue  # deleted in the working tree
        out.parent.mkdir(parents=True, exist_ok=True)
        try: os.link(src, out)
        except OSError: shutil.copy2(src, out)


def check_archive(path:Path, names:list, sizes:list, max_mb:float):
    "An archive is small and holds no zoo file beyond the shipped text encoder."
    mb = path.stat().st_size / 2**20
    zoo = sorted(n for n in names if "/zoo/" in n and not any(n.endswith(s) for s in SHIPPED))
    print(f"{path.name}: {mb:.2f} MB, {len(names)} files, largest: "
          + ", ".join(f"{n} {s / 1024:.0f} KB" for s, n in sorted(zip(sizes, names))[-3:]))
    assert not zoo, f"{path.name} holds zoo files: {zoo[:5]}"
    assert mb < max_mb, f"{path.name} is {mb:.1f} MB, over {max_mb} MB"


def hub_cache(root:Path, repo_id:str, files:list)->Path:
    "A huggingface_hub cache as the library writes it: blobs named by hash, a snapshot of symlinks, refs/main."
    repo = root / ("models--" + repo_id.replace("/", "--"))
    rev = hashlib.sha1(repo_id.encode()).hexdigest()  # any 40-hex commit id
    (repo / "blobs").mkdir(parents=True); (repo / "snapshots" / rev).mkdir(parents=True); (repo / "refs").mkdir()
    for f in files:
        blob = repo / "blobs" / hashlib.sha256(f.read_bytes()).hexdigest()
        shutil.copy(f, blob)
        (repo / "snapshots" / rev / f.name).symlink_to(os.path.relpath(blob, repo / "snapshots" / rev))
    (repo / "refs" / "main").write_text(rev)
    return root


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-mb", type=float, default=5.0)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wan-wheel-"))
    try:
        fresh_clone(tmp / "src")
        run(sys.executable, "-m", "pip", "wheel", tmp / "src", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist")
        run(sys.executable, "setup.py", "-q", "sdist", "-d", tmp / "dist", cwd=tmp / "src", stderr=subprocess.DEVNULL)
        wheel, = (tmp / "dist").glob("*.whl"); sdist, = (tmp / "dist").glob("*.tar.gz")
        with zipfile.ZipFile(wheel) as z:
            check_archive(wheel, [i.filename for i in z.infolist()], [i.file_size for i in z.infolist()], args.max_mb)
        with tarfile.open(sdist) as t:
            check_archive(sdist, [m.name for m in t.getmembers()], [m.size for m in t.getmembers()], args.max_mb)

        run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv")
        py = tmp / "venv" / "bin" / "python"
        run(sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", "-q", wheel)
        site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True,
                              capture_output=True, text=True).stdout.strip()
        deps = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}  # this environment's packages, after the venv's own
        Path(site, "_deps_from_dev_env.pth").write_text("\n".join(sorted(deps)) + "\n")
        assert (tmp / "venv" / "bin" / "wan-train").exists(), "the console scripts were not installed"

        zoo = REPO / "wan_repro" / "zoo"
        hub = hub_cache(tmp / "hub", "wan-repro/toy-zoo",
                        [zoo / f"{HUB_MODEL}.{s}" for s in ("json", "safetensors")] + [zoo / "text_encoder.safetensors"])
        (tmp / "folder").mkdir()
        for s in ("json", "safetensors"): shutil.copy(zoo / f"{FOLDER_MODEL}.{s}", tmp / "folder")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "WAN_REPRO_", "HF_", "VIRTUAL_ENV"))}
        env.update(HF_HUB_CACHE=str(hub), HF_HUB_OFFLINE="1", WAN_REPRO_CACHE=str(tmp / "cache"))
        (tmp / "elsewhere").mkdir()
        run(py, "-c", CHILD, REPO, hub, tmp / "folder", HUB_MODEL, FOLDER_MODEL, ABSENT_MODEL, cwd=tmp / "elsewhere", env=env)
        print("wheel check passed")
    finally:
        if args.keep: print("kept", tmp)
        else: shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__": main()
