"""Benchmark WanDiT: eager speed against diffusers' WanTransformer3DModel, forward throughput and KV-cache streaming
at toy scale; the full 1.3B model where a GPU is present.

Prints figures; asserts nothing about speed. CPU figures are for ratios (WanDiT / diffusers, cache vs recompute),
absolute times only on a GPU. Usage: python bench/bench_model.py [--device cpu|cuda] [--repeats N] [--skip-full]
[--only diffusers|toy|cache|full] [--threads N]
"""
import argparse, time

import torch

from wan_repro.model import WanConfig, WanDiT, config_to_diffusers, diffusers_key


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


def bench_parser(doc:str, rounds:int=5) -> argparse.ArgumentParser:
    "The options the technique benchmarks share: --device, --rounds, --threads, --skip-full."
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--rounds", type=int, default=rounds)
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's)")
    ap.add_argument("--skip-full", action="store_true", help="no 1.3B run even on a GPU")
    return ap


def bench_device(a) -> torch.device:
    "Apply --threads, say where the benchmark runs, and return the device."
    if a.threads: torch.set_num_threads(a.threads)
    print(f"device {a.device}, {torch.get_num_threads()} CPU thread(s)")
    return torch.device(a.device)


def paired(fn_a, fn_b, rounds, device):
    """Median over rounds of time(fn_a) / time(fn_b), each round timing both back to back (in alternating order), so a
    load that drifts on a shared machine hits both alike; also the median seconds of each. On the CPU the time is the
    process's CPU time, which other processes competing for the cores do not inflate."""
    clock = time.perf_counter if device.type == "cuda" else time.process_time
    def once(fn):
        if device.type == "cuda": torch.cuda.synchronize()
        t0 = clock(); fn()
        if device.type == "cuda": torch.cuda.synchronize()
        return clock() - t0
    fn_a(); fn_b()
    ta, tb = [], []
    for i in range(rounds):
        if i % 2: tb.append(once(fn_b)); ta.append(once(fn_a))
        else: ta.append(once(fn_a)); tb.append(once(fn_b))
    med = lambda v: sorted(v)[len(v) // 2]
    return med([a / b for a, b in zip(ta, tb)]), med(ta), med(tb)


def vs_diffusers(device, rounds):
    "WanDiT against diffusers' WanTransformer3DModel with the same weights (38 M parameters, 2 samples of 1024 tokens)."
    from diffusers import WanTransformer3DModel
    cfg = WanConfig(dim=512, ffn_dim=2048, num_heads=8, num_layers=8, text_dim=4096, freq_dim=256)
    g = torch.Generator().manual_seed(0)
    ours = WanDiT(cfg)
    with torch.no_grad():   # random weights everywhere (norm weights near 1), so no path is a no-op
        for n, p in ours.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05 + (1.0 if "norm" in n and n.endswith("weight") else 0.0))
    d = {k: v for k, v in config_to_diffusers(cfg).items() if not k.startswith("_") and k != "wan_repro"}
    ref = WanTransformer3DModel(**d)
    ref.load_state_dict({diffusers_key(k): v for k, v in ours.state_dict().items()}, strict=True)
    ours, ref = ours.to(device).eval(), ref.to(device).eval()
    x = torch.randn(2, 16, 4, 32, 32, generator=g).to(device)               # 4 x 16 x 16 = 1024 tokens per sample
    ctx = torch.randn(2, 64, cfg.text_dim, generator=g).to(device)
    t = torch.tensor([700.0, 30.0], device=device)
    run_ours = lambda: ours(x, t, ctx)
    run_ref = lambda: ref(x, t, ctx, return_dict=False)[0]
    with torch.no_grad():
        diff = (run_ours().float() - run_ref().float()).abs().max().item()
        ratio, a, b = paired(run_ours, run_ref, rounds, device)
    n_params = sum(p.numel() for p in ours.parameters())
    print(f"WanDiT vs diffusers WanTransformer3DModel ({n_params / 1e6:.0f} M params, float32, 2 x 1024 tokens, "
          f"{torch.get_num_threads()} thread(s), on {device}): max |difference| {diff:.1e}")
    print(f"  eager forward: WanDiT / diffusers = {ratio:.3f} (median of {rounds} paired rounds)"
          + (f"  ({a * 1e3:.0f} ms vs {b * 1e3:.0f} ms)" if device.type == "cuda" else ""))
    return ratio


def toy_throughput(device, repeats):
    "Forward and forward+backward of the toy teacher (toy-t2v) on 4 latent frames of 8x8 with 48 channels."
    from wan_repro.teacher import model_config
    cfg = model_config("toy-t2v")
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
    ap.add_argument("--only", choices=["diffusers", "toy", "cache", "full"], help="run only this benchmark")
    ap.add_argument("--threads", type=int, help="torch CPU threads (default: torch's choice)")
    a = ap.parse_args()
    dev = torch.device(a.device)
    if a.threads: torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    want = lambda name: a.only in (None, name)
    if want("diffusers"): vs_diffusers(dev, max(a.repeats, 21))
    if want("toy"): toy_throughput(dev, a.repeats)
    if want("cache"): cache_vs_recompute(dev, a.repeats)
    if dev.type == "cuda" and not a.skip_full and want("full"): full_size(dev, a.repeats)
    elif dev.type != "cuda" and want("full"): print("no GPU: full-size (1.3B, 480x832, 21 latent frames, bf16) figures skipped")
