"""Benchmark streaming generation with a block-causal Wan DiT: the time of each chunk with the KV cache against
recomputing the past (`Stream(use_cache=False)`), and the first-chunk latency.

Prints figures; asserts nothing. On the CPU: the toy network (48-channel 8x8 latents, one latent frame per chunk, 4
steps + the cache write), ratios only: how chunk 8 and chunk 32 compare with chunk 1, with and without the cache
(process CPU time, which other processes on the cores do not inflate). On a GPU, also Wan2.1-T2V-1.3B with random
weights streamed at 480x832 for 81 frames (21 latent frames in chunks of 3, 4 steps, bf16): the denoising loop's
frames per second, first-chunk latency, per-chunk p50/p99 (CUDA events, warm-up excluded), peak memory, and end to end
with the Wan VAE (random weights) decoding the video; with SDPA, and with flash-attn when it is installed.
Usage: python bench/bench_streaming.py [--device cpu|cuda] [--chunks N] [--rounds N] [--skip-full]
"""
import contextlib, time

import torch

from bench_model import bench_device, bench_parser   # the model benchmark's helpers (same folder)

import wan_repro.model as wm
from wan_repro.model import WanDiT
from wan_repro.streaming import Stream
from wan_repro.teacher import model_config


def chunk_times(model, frame_shape, chunks, device, use_cache=True, text=(16, 32)):
    "Seconds of each chunk of one stream (process CPU time on the CPU, CUDA events on a GPU)."
    ctx = torch.randn(1, *text, device=device)
    st = Stream(model, ctx, [0], frame_shape, chunks * model.config.chunk_frames, use_cache=use_cache)
    times = []
    for _ in range(chunks):
        if device.type == "cuda":
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record(); st.next_chunk(); end.record(); torch.cuda.synchronize()
            times.append(start.elapsed_time(end) / 1000)
        else:
            t0 = time.process_time(); st.next_chunk(); times.append(time.process_time() - t0)
    return times, st


def toy(a, device):
    torch.manual_seed(0)
    model = WanDiT(model_config("toy-t2v", chunk_frames=1)).to(device).eval()
    n = a.chunks
    with torch.no_grad():
        for c in (True, False): chunk_times(model, (48, 8, 8), 2, device, c)                   # warm-up
        runs = {c: [chunk_times(model, (48, 8, 8), n, device, c)[0] for _ in range(a.rounds)] for c in (True, False)}
    med = {c: [sorted(r[i] for r in runs[c])[len(runs[c]) // 2] for i in range(n)] for c in runs}
    for c, name in ((True, "with the KV cache"), (False, "recomputing the past")):
        t = med[c]
        print(f"toy-t2v {name:22s}: chunk 1 {t[0] * 1e3:6.1f} ms; chunk 8 / chunk 1 = {t[7] / t[0]:5.2f}; "
              f"chunk {n} / chunk 1 = {t[n - 1] / t[0]:5.2f}")
    print(f"toy-t2v recomputing / cached: chunk 8 {med[False][7] / med[True][7]:.2f}x, chunk {n} "
          f"{med[False][n - 1] / med[True][n - 1]:.2f}x (median of {a.rounds} streams, {torch.get_num_threads()} thread(s))")


@contextlib.contextmanager
def flash(enabled:bool):
    "Let model.attention use flash-attn (when installed) or force SDPA."
    old = wm._FLASH
    wm._FLASH = None if enabled else False
    try: yield
    finally: wm._FLASH = old


def full(a, device):
    torch.manual_seed(0)
    model = WanDiT(model_config("wan2.1-t2v-1.3b", chunk_frames=3)).to(device, torch.bfloat16).eval()   # bf16 weights,
    amp = torch.autocast("cuda", torch.bfloat16)                                   # bf16 compute (latents stay fp32)
    frames, shape = 21, (16, 60, 104)
    try:
        from diffusers import AutoencoderKLWan
        vae = AutoencoderKLWan().to(device, torch.bfloat16).eval()
    except Exception as e: vae, why = None, e
    has_flash = wm._flash_attn_func() is not False
    for use_flash in ([False, True] if has_flash else [False]):
        with torch.no_grad(), amp, flash(use_flash):
            chunk_times(model, shape, 2, device, text=(512, 4096))                                 # warm-up
            torch.cuda.reset_peak_memory_stats()
            t, st = chunk_times(model, shape, frames // 3, device, text=(512, 4096))
            mem = torch.cuda.max_memory_allocated() / 2**30
            loop = sum(t)
            p = sorted(t)
            name = "flash-attn" if use_flash else "SDPA"
            print(f"1.3B 480x832 81 frames, 4 steps, bf16, {name}: denoising loop {loop:.2f} s = {81 / loop:.1f} FPS; "
                  f"first chunk {t[0]:.3f} s; per chunk p50 {p[len(p) // 2]:.3f} s, p99 {p[-1]:.3f} s; peak {mem:.1f} GiB")
            if vae is not None:
                lat = st.past().to(torch.bfloat16)                                              # (1, 16, 21, 60, 104)
                torch.cuda.synchronize(); t0 = time.perf_counter()
                vae.decode(lat[:, :, :1]); torch.cuda.synchronize(); first = time.perf_counter() - t0
                t0 = time.perf_counter(); vae.decode(lat); torch.cuda.synchronize(); dec = time.perf_counter() - t0
                print(f"  + Wan VAE decode: whole video {dec:.2f} s -> end to end {81 / (loop + dec):.1f} FPS; "
                      f"first chunk with its first latent frame decoded {t[0] + first:.3f} s")
    if vae is None: print(f"  (no end-to-end figure: AutoencoderKLWan unavailable: {why})")
    if not has_flash: print("  (flash-attn not installed: SDPA only)")


def main():
    ap = bench_parser(__doc__.split("\n\n")[0], rounds=3)
    ap.add_argument("--chunks", type=int, default=32, help="chunks per toy stream (ratios at chunk 8 and the last)")
    a = ap.parse_args()
    device = bench_device(a)
    toy(a, device)
    if device.type == "cuda" and not a.skip_full: full(a, device)


if __name__ == "__main__":
    main()
