"""The project's main job at toy scale on the CPU (`bash tools/dev.sh demo`).

1. benchmark the Wan DiT (forward throughput, KV cache vs recomputing the prefix; full size on a GPU) and streaming
   (the cost of each chunk with and without the cache; the 1.3B student at 480x832 on a GPU);
2. sample from the toy text-to-video teacher, score the videos against their captions, and write them to outputs/;
3. stream toy videos from the committed Self-Forcing student (`causal-sf`), 3x its training length, chunk by chunk,
   print each chunk's metrics and write outputs/stream.mp4 (`wan-stream`, nbs/14_self_forcing).
"""
import argparse, subprocess, sys, time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent


def sample_teacher(out_dir: Path, n: int):
    from wan_repro import metrics, toy
    from wan_repro.teacher import T2V_TEACHER, all_captions, sample_videos, write_videos
    teacher = toy.zoo(T2V_TEACHER)
    captions = all_captions()[::max(1, 48 // n)][:n]
    for steps in (50, 4):
        t0 = time.time()
        videos = sample_videos(teacher, captions, steps=steps, guidance=5.0, progress=True)
        r = metrics.evaluate(videos, captions)
        print(f"toy teacher, {steps:2d} Euler steps + CFG 5 ({2 * steps} forwards, {time.time() - t0:.1f} s for {n} videos): "
              f"all right {r['all']:.2f} (colour {r['colour']:.2f}, shape {r['shape']:.2f}, direction {r['direction']:.2f}), "
              f"median shape IoU {r['shape_iou']:.2f}, cleanliness {r['cleanliness']:.3f}")
        if steps == 50: best = videos
    write_videos(best, out_dir / "teacher_samples.mp4", scale=4)
    print(f"wrote {out_dir / 'teacher_samples.mp4'} ({', '.join(captions)})")


def stream_student(out_dir: Path, n: int):
    from wan_repro.self_forcing import stream_main
    from wan_repro.teacher import all_captions
    out_dir.mkdir(parents=True, exist_ok=True)
    prompts = out_dir / "stream_prompts.txt"
    prompts.write_text("\n".join(all_captions()[::max(1, 48 // n)][:n]) + "\n")
    print(f"streaming {n} toy videos of 12 latent frames (48 video frames, 3x the training length) from causal-sf:")
    stream_main(["--zoo", "causal-sf", "--prompts", str(prompts), "--out", str(out_dir), "--frames", "12"])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--videos", type=int, default=8, help="toy videos to sample")
    ap.add_argument("--out", default=str(ROOT / "outputs"))
    ap.add_argument("--skip-bench", action="store_true")
    a = ap.parse_args()
    if not a.skip_bench:
        for bench in ("bench_model.py", "bench_streaming.py"):
            subprocess.run([sys.executable, str(ROOT / "bench" / bench)], check=True, cwd=ROOT / "bench")
    sample_teacher(Path(a.out), a.videos)
    stream_student(Path(a.out), a.videos)
