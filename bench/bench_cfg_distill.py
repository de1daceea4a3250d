"""Benchmark CFG distillation's claim "2x faster": the wall-clock time of N sampler steps of a teacher with CFG (one
forward of 2B rows per step, as `flow.sample_euler` batches the conditional and unconditional branches) against its
guidance-embedding student (one forward of B rows per step), with the same weights.

Prints figures; asserts nothing. On the CPU: the ratio of process CPU times (paired rounds, so load from other
processes hits both alike), at the toy teacher's size. On a GPU, also Wan2.1-T2V-1.3B at 480x832, 81 frames (21 latent
frames), bf16, with absolute times. Usage: python bench/bench_cfg_distill.py [--device cpu|cuda] [--rounds N]
[--steps N] [--batch B ...] [--threads N] [--skip-full]
"""
import torch

from bench_model import bench_device, bench_parser, paired   # the model benchmark's helpers (same folder)
from wan_repro import flow
from wan_repro.cfg_distill import with_guidance
from wan_repro.model import WanConfig, WanDiT
from wan_repro.teacher import model_config


def sampler_pair(config:WanConfig, latent:tuple, text:tuple, batch:int, steps:int, device, dtype):
    "Two closures: the teacher's N-step Euler sampler with CFG 5, and the student's at w = 5 without CFG."
    torch.manual_seed(0)
    student = WanDiT(config.replace(guidance_embed=True)).to(device, dtype).eval()
    teacher = WanDiT(config).to(device, dtype).eval()
    teacher.load_state_dict(student.state_dict(), strict=False)            # the same weights but the embedding
    noise = torch.randn(batch, *latent, device=device, dtype=dtype)         # (B, C, F, H, W)
    ctx, neg = torch.randn(batch, *text, device=device, dtype=dtype), torch.randn(1, *text, device=device, dtype=dtype)
    run = dict(num_steps=steps, shift=5.0, progress=False)
    with_cfg = lambda: flow.sample_euler(teacher, noise, ctx, guidance=5.0, negative_context=neg, **run)
    distilled = lambda: flow.sample_euler(with_guidance(student, 5.0), noise, ctx, guidance=1.0, **run)
    return with_cfg, distilled


def report(name, config, latent, text, batches, steps, rounds, device, dtype):
    for b in batches:
        with_cfg, distilled = sampler_pair(config, latent, text, b, steps, device, dtype)
        with torch.no_grad(): ratio, t_cfg, t_student = paired(with_cfg, distilled, rounds, device)
        extra = f"  ({t_cfg:.2f} s vs {t_student:.2f} s)" if device.type == "cuda" else ""
        print(f"{name}, batch {b}, {steps} Euler steps: teacher+CFG / student = {ratio:.2f}x "
              f"(median of {rounds} paired rounds){extra}")


def main():
    ap = bench_parser(__doc__.split("\n\n")[0], rounds=7)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 16])
    a = ap.parse_args()
    device = bench_device(a)
    # the toy teacher: 48 latent channels, 4 x 8 x 8 latents, 16 text tokens of width 32
    report("toy-t2v", model_config("toy-t2v"), (48, 4, 8, 8), (16, 32), a.batch, a.steps, a.rounds, device, torch.float32)
    if device.type == "cuda" and not a.skip_full:
        # Wan2.1-T2V-1.3B at 480x832, 81 frames: latents (16, 21, 60, 104), 512 text tokens of width 4096
        report("Wan2.1-T2V-1.3B bf16", WanConfig.preset("wan2.1-t2v-1.3b"), (16, 21, 60, 104), (512, 4096), [1],
               min(a.steps, 4), max(3, a.rounds // 2), device, torch.bfloat16)


if __name__ == "__main__":
    main()
