"""Benchmark WanDiT: forward throughput and KV-cache streaming at toy scale; the full 1.3B model where a GPU is present.

Prints figures; asserts nothing about speed. CPU figures are for ratios (cache vs recompute), absolute times only on
a GPU. Usage: python bench/bench_model.py [--device cpu|cuda] [--repeats N] [--skip-full]
"""
import argparse, time

import torch

from wan_repro.model import WanConfig, WanDiT


def timed(fn, repeats, device):
    "Median seconds of fn() over `repeats` runs after one warm-up."
    fn()
    times = []
    for _ in range(repeats):
        if device.type == "cuda": torch.cuda.synchronize()
        t0 = time.perf_counter(); fn()
        if device.type == "cuda": torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def toy_throughput(device, repeats):
    "Forward and forward+backward of the toy teacher (preset toy-t2v) on 4 latent frames of 8x8 with 48 channels."
    cfg = WanConfig.preset("toy-t2v")
    model = WanDiT(cfg).to(device)
    B = 32
    x, ctx = torch.randn(B, 48, 4, 8, 8, device=device), torch.randn(B, 16, cfg.text_dim, device=device)
    t = torch.rand(B, device=device) * 1000
    n_params = sum(p.numel() for p in model.parameters())
    with torch.no_grad(): fwd = timed(lambda: model(x, t, ctx), repeats, device)
    def train_step():
        model.zero_grad(set_to_none=True); model(x, t, ctx).square().mean().backward()
    step = timed(train_step, repeats, device)
    tokens = B * 4 * (8 // cfg.patch_size[1]) * (8 // cfg.patch_size[2])   # a token per 1x2x2 latent patch
    print(f"toy WanDiT ({n_params / 1e6:.2f} M params, {tokens // B} tokens/sample, batch {B}) on {device}:")
    print(f"  forward          {B / fwd:8.1f} samples/s  {tokens / fwd:10.0f} tokens/s")
    print(f"  forward+backward {B / step:8.1f} samples/s  {tokens / step:10.0f} tokens/s")


def cache_vs_recompute(device, repeats, frames=24, chunk=3):
    "Per-chunk cost of streaming with the KV cache against recomputing the whole prefix under the causal mask."
    cfg = WanConfig(dim=128, ffn_dim=512, num_heads=4, num_layers=6, text_dim=64, freq_dim=64, in_channels=16,
                    out_channels=16, chunk_frames=chunk)
    model = WanDiT(cfg).to(device).eval()
    x, ctx = torch.randn(1, 16, frames, 16, 16, device=device), torch.randn(1, 8, 64, device=device)
    t = torch.full((1, frames), 500.0, device=device)
    cached, recomputed = [], []
    with torch.no_grad():
        for s in range(0, frames, chunk):
            def with_cache():
                cache = model.new_kv_cache(1, 16, 16, max_frames=frames)
                for p in range(0, s, chunk):   # fill the cache with the prefix (not timed below)
                    model(x[:, :, p:p + chunk], t[:, p:p + chunk], ctx, kv_cache=cache, update_cache=True)
                return cache
            cache = with_cache()
            cached.append(timed(lambda: model(x[:, :, s:s + chunk], t[:, s:s + chunk], ctx, kv_cache=cache), repeats, device))
            recomputed.append(timed(lambda: model(x[:, :, :s + chunk], t[:, :s + chunk], ctx), repeats, device))
    print(f"KV cache vs recomputing the prefix (chunks of {chunk} latent frames of 8x8 tokens, {frames} frames):")
    for i in (0, len(cached) // 2, len(cached) - 1):
        print(f"  chunk {i + 1:2d}: recompute / cached = {recomputed[i] / cached[i]:5.2f}x")
    print(f"  whole stream: recompute / cached = {sum(recomputed) / sum(cached):5.2f}x "
          f"(ideal for attention-free cost: {sum(range(1, len(cached) + 1)) / len(cached):.2f}x)")


def full_size(device, repeats):
    "Wan2.1-T2V-1.3B, random weights, bf16: one forward at 480x832 x 81 frames (21 latent frames), and streaming."
    cfg = WanConfig.preset("wan2.1-t2v-1.3b")
    with torch.device(device): model = WanDiT(cfg).to(torch.bfloat16).eval()
    x = torch.randn(1, 16, 21, 60, 104, device=device, dtype=torch.bfloat16)
    ctx = torch.randn(1, 512, 4096, device=device, dtype=torch.bfloat16)
    t = torch.tensor([500.0], device=device)
    torch.cuda.reset_peak_memory_stats()
    with torch.no_grad(): sec = timed(lambda: model(x, t, ctx), repeats, device)
    print(f"Wan2.1-1.3B bf16 forward, 32,760 tokens: {sec * 1000:.0f} ms, peak memory "
          f"{torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")
    causal = WanDiT(cfg.replace(chunk_frames=3)).to(device, torch.bfloat16).eval()
    causal.load_state_dict(model.state_dict()); del model
    def stream():   # Self-Forcing inference: 4 denoising steps per chunk, then one pass to write the clean chunk
        cache = causal.new_kv_cache(1, 60, 104, max_frames=21)
        for s in range(0, 21, 3):
            xc = x[:, :, s:s + 3]
            for step in (1000.0, 937.5, 833.3, 625.0): causal(xc, torch.tensor([step], device=device), ctx, kv_cache=cache)
            causal(xc, torch.tensor([0.0], device=device), ctx, kv_cache=cache, update_cache=True)
    with torch.no_grad(): sec = timed(stream, max(1, repeats // 2), device)
    print(f"Wan2.1-1.3B causal streaming, 4 steps/chunk: {sec:.2f} s for 21 latent frames = {81 / sec:.1f} video frames/s")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--skip-full", action="store_true", help="skip the full-size GPU figures")
    a = ap.parse_args()
    dev = torch.device(a.device)
    torch.manual_seed(0)
    toy_throughput(dev, a.repeats)
    cache_vs_recompute(dev, a.repeats)
    if dev.type == "cuda" and not a.skip_full: full_size(dev, a.repeats)
    elif dev.type != "cuda": print("no GPU: full-size (1.3B, 480x832, 21 latent frames, bf16) figures skipped")
