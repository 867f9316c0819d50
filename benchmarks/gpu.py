"""keyrand on one GPU against torch, JAX and CuPy: n = 2^28 float32, one run.

Prints milliseconds per call, GB/s of output written, and each figure as a
fraction of the write-only fill bandwidth (cupy ``fill`` / ``cudaMemsetAsync``,
whichever is faster), then the ratios the GPU issue asks for.

    python benchmarks/gpu.py [--log2n 28] [--json results.json]

Each library is timed the same way: two warm-up calls (compilation), then
five rounds of ``--reps`` back-to-back calls, each round ended by a device
synchronisation; the median round gives the time per call. keyrand is timed
through its public API (allocation and argument handling included) and as
the bare kernel writing into a preallocated array.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import cupy as cp  # noqa: E402
import numpy as np  # noqa: E402

import keyrand as kr  # noqa: E402
from keyrand import _codes, _gpu  # noqa: E402


def _device_sync(_result=None):
    cp.cuda.runtime.deviceSynchronize()


def timed(fn, sync=_device_sync, reps=20, rounds=5):
    """Median seconds per call of ``fn`` over ``rounds`` rounds of ``reps`` calls."""
    for _ in range(2):
        sync(fn())
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = None
        for _ in range(reps):
            r = fn()
        sync(r)
        times.append((time.perf_counter() - t0) / reps)
        del r
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log2n", type=int, default=28)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--json", default=None, help="also write the results here")
    ap.add_argument("--sweep", action="store_true", help="time blocks-per-SM settings first")
    args = ap.parse_args()
    n = 1 << args.log2n
    reps = args.reps
    dev = cp.cuda.Device(0)
    props = cp.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    print(f"device: {name}, {dev.attributes['MultiProcessorCount']} SMs; n = 2^{args.log2n} "
          f"= {n} elements; CuPy {cp.__version__}")
    rows = []  # (name, seconds, bytes written)

    def add(label, seconds, nbytes):
        rows.append((label, seconds, nbytes))
        print(f"  {label:44s} {seconds * 1e3:8.3f} ms  {nbytes / seconds / 1e9:8.1f} GB/s",
              flush=True)

    # -- the bandwidth limit: write-only fills
    a = cp.empty(n, cp.float32)
    add("fill: cupy ndarray.fill", timed(lambda: a.fill(1.0), reps=reps), 4 * n)
    add("fill: cudaMemsetAsync", timed(lambda: a.data.memset_async(0, a.nbytes), reps=reps),
        4 * n)
    fill_bw = max(r[2] / r[1] for r in rows)

    # -- keyrand, bare kernels (preallocated output), optionally sweeping the grid size
    key = kr.key(0)
    kernels = [
        ("bits", _codes.BITS, 0, (), np.uint32),
        ("uniform", _codes.UNIFORM, 0, (_codes.ONE_MINUS_ULP, 1.0, 0.0), np.float32),
        ("normal", _codes.NORMAL, 0, (float(np.float32(np.sqrt(2))), 0.0, 0.0), np.float32),
    ]
    if args.sweep:
        def sweep(setting: str) -> None:
            for label, kind, rd, params, dt in kernels:
                out = cp.empty(n, dt)
                s = timed(lambda out=out, kind=kind, rd=rd, params=params:
                          _gpu.fill(out, key, kind, rd, params), reps=reps)
                print(f"  sweep {setting:22s} {label:8s} {s * 1e3:8.3f} ms "
                      f"{out.nbytes / s / 1e9:8.1f} GB/s", flush=True)
                del out

        for bps in (8, 16, 32, 64):
            _gpu.BLOCKS_PER_SM = bps
            sweep(f"blocks/SM={bps}")
        _gpu.BLOCKS_PER_SM = int(os.environ.get("KEYRAND_GPU_BLOCKS_PER_SM", "32"))
        base = _gpu.OPTIONS
        variants = {
            "default": base,
            "pairs=8": tuple("-DKR_PAIRS=8" if o.startswith("-DKR_PAIRS=") else o for o in base),
            "erfinv select": base + ("-DKR_ERFINV_SELECT",),
        }
        for vname, opts in variants.items():
            _gpu.OPTIONS = opts
            sweep(f"variant {vname}")
        _gpu.OPTIONS = base
    for label, kind, rd, params, dt in kernels:
        out = cp.empty(n, dt)
        add(f"keyrand kernel {label} (preallocated)",
            timed(lambda out=out, kind=kind, rd=rd, params=params:
                  _gpu.fill(out, key, kind, rd, params), reps=reps), out.nbytes)
        del out

    # -- keyrand, public API
    g = kr.Device(kr.gpu, 0)
    add("keyrand bits uint32", timed(lambda: kr.bits((n,), key=key, stream=g), reps=reps), 4 * n)
    add("keyrand uniform float32",
        timed(lambda: kr.uniform(shape=(n,), key=key, stream=g), reps=reps), 4 * n)
    add("keyrand normal float32", timed(lambda: kr.normal((n,), key=key, stream=g), reps=reps),
        4 * n)
    add("keyrand randint int32 [0, 1000)",
        timed(lambda: kr.randint(0, 1000, (n,), key=key, stream=g), reps=reps), 4 * n)
    add("keyrand bernoulli(0.5) bool (1 B/elem)",
        timed(lambda: kr.bernoulli(0.5, (n,), key=key, stream=g), reps=reps), n)
    cp.get_default_memory_pool().free_all_blocks()

    # -- torch (Philox)
    try:
        import torch
    except ImportError:
        torch = None
        print("  torch: not installed")
    if torch is not None:
        tsync = lambda _r=None: torch.cuda.synchronize()  # noqa: E731
        add("torch.rand float32", timed(lambda: torch.rand(n, device="cuda"), tsync, reps), 4 * n)
        add("torch.randn float32", timed(lambda: torch.randn(n, device="cuda"), tsync, reps),
            4 * n)
        add("torch.randint int32 [0, 1000)",
            timed(lambda: torch.randint(0, 1000, (n,), dtype=torch.int32, device="cuda"),
                  tsync, reps), 4 * n)
        torch.cuda.empty_cache()

    # -- JAX (threefry), both layouts
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        jax = None
        print("  jax: not installed")
    if jax is not None:
        jsync = lambda r: r.block_until_ready()  # noqa: E731
        for part in (False, True):
            jax.config.update("jax_threefry_partitionable", part)
            k = jax.random.PRNGKey(0)
            fu = jax.jit(lambda k: jax.random.uniform(k, (n,), jnp.float32))
            fn_ = jax.jit(lambda k: jax.random.normal(k, (n,), jnp.float32))
            add(f"jax uniform float32 (partitionable={part})",
                timed(lambda fu=fu, k=k: fu(k), jsync, reps), 4 * n)
            add(f"jax normal float32 (partitionable={part})",
                timed(lambda fn_=fn_, k=k: fn_(k), jsync, reps), 4 * n)
            jax.clear_caches()

    # -- CuPy's default_rng (XORWOW/Philox bit generator)
    rng = cp.random.default_rng(0)
    add("cupy default_rng.random float32",
        timed(lambda: rng.random(n, dtype=cp.float32), reps=reps), 4 * n)
    add("cupy default_rng.standard_normal float32",
        timed(lambda: rng.standard_normal(n, dtype=cp.float32), reps=reps), 4 * n)

    # -- table
    bw = {label: nbytes / s / 1e9 for label, s, nbytes in rows}
    print()
    print(f"{'':46s}{'ms':>9s}{'GB/s':>9s}{'/fill':>8s}")
    for label, s, nbytes in rows:
        print(f"{label:46s}{s * 1e3:9.3f}{nbytes / s / 1e9:9.1f}{nbytes / s / fill_bw:8.3f}")

    def ratio(a, b):
        return bw[a] / bw[b] if a in bw and b in bw else float("nan")

    checks = [
        ("keyrand bits / fill", bw["keyrand bits uint32"] / (fill_bw / 1e9), 0.8),
        ("keyrand uniform / fill", bw["keyrand uniform float32"] / (fill_bw / 1e9), 0.8),
        ("keyrand uniform / torch.rand",
         ratio("keyrand uniform float32", "torch.rand float32"), 1.0),
        ("keyrand uniform / jax uniform (partitionable=False)",
         ratio("keyrand uniform float32", "jax uniform float32 (partitionable=False)"), 1.5),
        ("keyrand uniform / jax uniform (partitionable=True)",
         ratio("keyrand uniform float32", "jax uniform float32 (partitionable=True)"), None),
        ("keyrand normal / fill", bw["keyrand normal float32"] / (fill_bw / 1e9), None),
        ("keyrand normal / torch.randn",
         ratio("keyrand normal float32", "torch.randn float32"), 1.0),
        ("keyrand normal / jax normal (partitionable=False)",
         ratio("keyrand normal float32", "jax normal float32 (partitionable=False)"), 2.5),
        ("keyrand normal / jax normal (partitionable=True)",
         ratio("keyrand normal float32", "jax normal float32 (partitionable=True)"), None),
        ("keyrand randint / torch.randint",
         ratio("keyrand randint int32 [0, 1000)", "torch.randint int32 [0, 1000)"), None),
        ("keyrand uniform / cupy random",
         ratio("keyrand uniform float32", "cupy default_rng.random float32"), None),
        ("keyrand normal / cupy standard_normal",
         ratio("keyrand normal float32", "cupy default_rng.standard_normal float32"), None),
    ]
    print()
    for label, value, target in checks:
        verdict = "" if target is None else (f"  (target >= {target}: "
                                             f"{'met' if value >= target else 'MISSED'})")
        print(f"{label:56s}{value:7.3f}{verdict}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": name, "n": n, "fill_GBps": fill_bw / 1e9,
                       "rows": [{"name": r[0], "ms": r[1] * 1e3, "GBps": r[2] / r[1] / 1e9}
                                for r in rows],
                       "ratios": {c[0]: c[1] for c in checks}}, f, indent=1)


if __name__ == "__main__":
    main()
