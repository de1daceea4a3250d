"""Benchmark one DMD training step (the two updates of the `dmd` technique): a critic update (backward simulation +
the critic's flow loss) and a generator update (backward simulation + the teacher's CFG and the critic's x0 + the DMD
loss), with three models in memory as in the full recipe (teacher, critic, generator; only the last two train).

Prints figures; asserts nothing. On the CPU: the toy size (seconds per update, for ratios between them only). On a
GPU, also three Wan2.1-T2V-1.3B models (the teacher at 1.3B so that all three fit one GPU) at 480x832, 81 frames,
one sample, bf16 autocast and gradient checkpointing, with absolute times and the peak memory.
Usage: python bench/bench_dmd.py [--device cpu|cuda] [--rounds N] [--loss dmd|sid] [--skip-full]
"""
import copy

import torch

from bench_model import bench_device, bench_parser, timed   # the model benchmark's helpers (same folder)

from wan_repro.dmd import critic_loss, generator_loss
from wan_repro.model import WanConfig, WanDiT
from wan_repro.teacher import model_config
from wan_repro.train import enable_grad_checkpointing, make_config


def step_timer(config:WanConfig, latent:tuple, text:tuple, batch:int, loss:str, device, bf16:bool, ckpt:bool):
    "Closures that run one critic update and one generator update; the models and optimizers they share."
    torch.manual_seed(0)
    teacher = WanDiT(config).to(device).eval().requires_grad_(False)
    critic, gen = copy.deepcopy(teacher).requires_grad_(True).train(), copy.deepcopy(teacher).requires_grad_(True).train()
    if ckpt: enable_grad_checkpointing(critic); enable_grad_checkpointing(gen)
    opts = {m: torch.optim.AdamW(m.parameters(), lr=1e-6, betas=(0.0, 0.999)) for m in (critic, gen)}
    cfg = make_config("dmd", "toy", dict(loss=loss, real_guidance=4.0))
    b = {"latents": torch.randn(batch, *latent, device=device), "context": torch.randn(batch, *text, device=device),
         "seed": torch.arange(batch)}
    neg = torch.randn(1, *text, device=device)
    amp = torch.autocast(device.type, torch.bfloat16, enabled=bf16)
    def update(model, f):
        opts[model].zero_grad(set_to_none=True)
        with amp: out = f()
        out["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opts[model].step()
    critic_step = lambda: update(critic, lambda: critic_loss(gen, critic, b, cfg))
    generator_step = lambda: update(gen, lambda: generator_loss(gen, teacher, critic, b, neg, cfg))
    return critic_step, generator_step


def report(name, config, latent, text, batch, loss, rounds, device, bf16=False, ckpt=False):
    if device.type == "cuda": torch.cuda.reset_peak_memory_stats()
    critic_step, generator_step = step_timer(config, latent, text, batch, loss, device, bf16, ckpt)
    tc, tg = timed(critic_step, rounds, device), timed(generator_step, rounds, device)
    mem = f", peak memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB" if device.type == "cuda" else ""
    print(f"{name}, batch {batch}, {loss}: critic update {tc:.3f} s, generator update {tg:.3f} s; one generator update "
          f"with its 5 critic updates {5 * tc + tg:.2f} s (median of {rounds}){mem}")


def main():
    ap = bench_parser(__doc__.split("\n\n")[0])
    ap.add_argument("--loss", default="dmd", choices=("dmd", "sid"))
    a = ap.parse_args()
    device = bench_device(a)
    report("toy-t2v", model_config("toy-t2v"), (48, 4, 8, 8), (16, 32), 8, a.loss, a.rounds, device)
    if device.type == "cuda" and not a.skip_full:
        # Wan2.1-T2V-1.3B at 480x832, 81 frames: latents (16, 21, 60, 104), 512 text tokens of width 4096
        report("3 x Wan2.1-T2V-1.3B bf16", WanConfig.preset("wan2.1-t2v-1.3b"), (16, 21, 60, 104), (512, 4096), 1,
               a.loss, max(2, a.rounds // 2), device, bf16=True, ckpt=True)


if __name__ == "__main__":
    main()
