"""Compare keyrand's GPU backend with its CPU backend on every uint32 word, bit for bit.

The CPU kernels (Numba) and the CUDA kernels (``src/keyrand/kernels.cu``) are two
sources of the same arithmetic; this script proves them equal over all 2^32 inputs.
Both sides run the production transform code on the words themselves
(``w = 0 … 2^32 − 1``, in chunks), not on a threefry stream (whose words need not
cover every value):

* **transforms** (one configuration = transform code, rounding or integer code,
  parameters, output dtype). GPU: ``kr_map_words<KIND, RD, T>`` stores
  ``kr_value`` of each word, the function ``kr_fill``/``kr_fill_runs`` store, after
  :mod:`keyrand._gpu`'s own parameter packing and GPU-only reformulations
  (``_specialize``: uniform(0, 1) and bernoulli); float16/bfloat16 outputs are
  finished by ``keyrand._gpu.to_narrow`` as on a GPU draw. CPU: ``keyrand._cpu._map``,
  the transform loop every CPU kernel runs (block forms such as gumbel's and the
  narrow float16/bfloat16 store included).
  The parameters are those the samplers pass for the arguments of
  ``scripts/exhaustive_samplers.py`` (plus each float transform in float16 and
  bfloat16, and randint over a range wide enough to reach every branch of every
  float32 → integer conversion).
* **float16/bfloat16 stores**: every float32 bit pattern through
  ``keyrand._gpu.to_narrow`` and ``keyrand._dtypes.to_narrow`` (the CPU's, which runs
  ``_mathf32.f16_bits``/``bf16_bits``).
* **device functions**: every float32 bit pattern through ``kr_logf``, ``kr_log1pf``,
  ``kr_erfinv``, ``kr_round_f16``, ``kr_round_bf16`` and their Numba definitions.

Each configuration runs in a worker process of its own on one core (Numba compiles
one kernel per configuration, which a single process would do one after another),
with its own CUDA context. Outputs are compared as unsigned integers of their width
(NaN payloads included).
The table lists configuration → mismatches (and the first mismatching inputs);
the exit status is 1 on any mismatch.

    PYTHONPATH=src python3 scripts/exhaustive_gpu_cpu.py                 # all 2^32 inputs
    PYTHONPATH=src python3 scripts/exhaustive_gpu_cpu.py --words 2**24   # quick
    PYTHONPATH=src python3 scripts/exhaustive_gpu_cpu.py --only gumbel,f16_store --list
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
from numba.core.errors import NumbaIRAssumptionWarning

from keyrand import _cpu, _cuda, _dtypes, _gpu, _mathf32
from keyrand._codes import (
    INT_CODES,
    ONE_MINUS_ULP,
    UNIFORM_CLAMP,
    IntType,
    Rounding,
    Transform,
    randint_clamped_params,
)
from keyrand._dtypes import bfloat16, float16, float32, float64

#: bernoulli's threshold scale: p·nextafter(f32(2^32 − 1), +inf) (§6.7).
BERNOULLI_SCALE = float(np.uint32(0x4F800001).view(np.float32))
SQRT2_F32 = np.float32(math.sqrt(2.0))


@dataclass
class Config:
    """One comparison: a transform (``kind`` set) or a function of float32 patterns (``op``)."""

    name: str
    out: np.dtype
    kind: int = -1
    code: int = 0
    params: tuple = ()
    op: str = ""


def _count(text: str) -> int:
    """An input count written as ``N`` (decimal or 0x…) or ``A**B``."""
    base, _, power = text.partition("**")
    return int(base, 0) ** int(power) if power else int(base, 0)


def _f32(x: float) -> float:
    return float(np.float32(x))


def _narrow(x: float, dtype: np.dtype) -> float:
    """``x`` rounded to float16/bfloat16 (MLX's cast), as a float."""
    return float(_dtypes.cast(np.asarray(x, np.float32), dtype).astype(np.float32))


def _configs() -> list[Config]:
    out: list[Config] = []

    def add(name, kind, code, params, dtype):
        out.append(Config(name, np.dtype(dtype), int(kind), int(code), tuple(params)))

    rd_of = {float32: Rounding.F32, float16: Rounding.F16, bfloat16: Rounding.BF16}
    tag = {float32: "f32", float16: "f16", bfloat16: "bf16"}
    add("bits", Transform.BITS, 0, (), np.uint32)
    for d in (float32, float16, bfloat16):
        rd, clamp = rd_of[d], UNIFORM_CLAMP[rd_of[d]]
        add(f"uniform_{tag[d]}", Transform.UNIFORM, rd, (clamp, 1.0, 0.0), d)
        rng = _narrow(_narrow(7.0, d) - _narrow(-2.5, d), d) if d != float32 else 9.5
        add(f"uniform_{tag[d]}_-2.5_7", Transform.UNIFORM, rd, (clamp, rng, -2.5), d)
        c = float(SQRT2_F32) if d == float32 else _narrow(float(SQRT2_F32), d)
        add(f"normal_{tag[d]}", Transform.NORMAL, rd, (c, 0.0, 0.0), d)
        add(f"gumbel_{tag[d]}", Transform.GUMBEL, rd, (clamp,), d)
        add(f"laplace_{tag[d]}", Transform.LAPLACE, rd, (1.0, 0.0, 0.0, 0.0), d)
    add("normal_f32_loc1.5_scale0.7", Transform.NORMAL, Rounding.F32,
        (float(SQRT2_F32 * np.float32(0.7)), 1.5, 1.0), float32)
    add("laplace_f32_loc0.5_scale2", Transform.LAPLACE, Rounding.F32, (2.0, 0.5, 1.0, 1.0),
        float32)
    add("laplace_f64", Transform.LAPLACE64, 0, (1.0, 0.0, 0.0, 0.0), float64)
    add("laplace_f64_loc0.5_scale2", Transform.LAPLACE64, 0, (2.0, 0.5, 1.0, 1.0), float64)
    for lo, hi in ((-1.0, 1.0), (0.5, 2.0), (-math.inf, math.inf)):
        a, b = _mathf32.erf_array(np.float32([lo, hi]) / SQRT2_F32)
        add(f"truncated_normal_{lo}_{hi}", Transform.TRUNCATED_NORMAL, Rounding.F32,
            (ONE_MINUS_ULP, _f32(b - a), float(a), float(SQRT2_F32), hi, lo), float32)
    for d in (float16, bfloat16):
        c = _narrow(float(SQRT2_F32), d)
        a = _narrow(float(_mathf32.erf_array(np.float32(_narrow(-1.0 / c, d)))), d)
        add(f"truncated_normal_{tag[d]}_-1.0_1.0", Transform.TRUNCATED_NORMAL, rd_of[d],
            (UNIFORM_CLAMP[rd_of[d]], _narrow(-2 * a, d), a, c, 1.0, -1.0), d)
    for p in (0.5, 0.3):
        add(f"bernoulli_p{p}", Transform.BERNOULLI, 0,
            (float(np.float32(p) * np.float32(BERNOULLI_SCALE)),), np.bool_)
    add("bernoulli64_p0.3", Transform.BERNOULLI64, 0, (0.3 * BERNOULLI_SCALE,), np.bool_)
    add("word_f32", Transform.WORD_F32, 0, (), float32)
    add("word_f64", Transform.WORD_F64, 0, (), float64)
    add("erfinv_sym_f32", Transform.ERFINV_SYM, 0, (), float32)
    add("erfinv_sym_f64", Transform.ERFINV_SYM, 0, (), float64)
    for lo, hi, dt in ((0, 10, np.int32), (-5, 5, np.int32), (0, 200, np.uint8)):
        dt = np.dtype(dt)
        base = (_f32(hi) - _f32(lo), _f32(lo))
        add(f"randint_{lo}_{hi}_{dt.name}", Transform.RANDINT, INT_CODES[dt], base, dt)
        clamped = randint_clamped_params(base, np.asarray(hi - 1, dt), np.asarray(lo, dt))
        add(f"randint_clamped_{lo}_{hi}_{dt.name}", Transform.RANDINT_CLAMPED, INT_CODES[dt],
            clamped, dt)
    wide = (_f32(2.0**65), _f32(-(2.0**64)))  # floor(u) over [-2^64, 2^64): every branch
    for dt, code in (*INT_CODES.items(), (np.dtype(np.uint32), IntType.UINT32_VECTOR)):
        add(f"randint_wide_{code.name.lower()}", Transform.RANDINT, code, wide, dt)
    for name in ("f16", "bf16"):
        out.append(Config(f"{name}_store", np.dtype(float16 if name == "f16" else bfloat16),
                          op=f"{name}_store"))
    for op in _cuda.PatternOp:
        out.append(Config(f"pattern_{op.name.lower()}", float32, op=op.name))
    return out


# ----------------------------------------------------------------------------- CPU side

_CPU_OPS = {"LOGF": "log", "LOG1PF": "log1p", "ERFINV": "erfinv", "ROUND_F16": "round_f16",
            "ROUND_BF16": "round_bf16"}


def _cpu_side(cfg: Config, words: np.ndarray) -> np.ndarray:
    """The CPU's outputs for ``words`` (on this process's one core)."""
    if cfg.op.endswith("_store"):
        return _dtypes.to_narrow(words.view(np.float32), cfg.out)
    if cfg.op:
        return _mathf32.apply_f32(_CPU_OPS[cfg.op], words.view(np.float32))
    out = np.empty(words.size, cfg.out)
    narrow = int(cfg.out in (float16, bfloat16))
    target = out.view(np.uint16) if narrow else out
    scratch = np.empty(words.size if narrow else 1, np.float32)
    with warnings.catch_warnings():
        # As keyrand._cpu._launch: Numba's pedantic IR check warns when compiling the inlined
        # transform; the compiled code is unaffected.
        warnings.simplefilter("ignore", NumbaIRAssumptionWarning)
        _cpu._map(target, words, cfg.kind, cfg.code, narrow, _cpu._padded(cfg.kind, cfg.params),
                  scratch)
    return out


# ----------------------------------------------------------------------------- GPU side

def _gpu_expr(cfg: Config) -> str:
    if cfg.op.endswith("_store"):
        return "kr_ew_f16_bits" if cfg.out == float16 else "kr_ew_bf16_bits"
    if cfg.op:
        return f"kr_ew_pattern_op<{int(_cuda.PatternOp[cfg.op])}>"
    kind, _, _ = _gpu._specialize(cfg.kind, cfg.code, cfg.params)
    store = float32 if cfg.out in (float16, bfloat16) else cfg.out
    return f"kr_map_words<{int(kind)}, {cfg.code}, {_gpu._ctype(store)}>"


def _gpu_side(cfg: Config, first: int, n: int):
    """Launch the GPU computation of inputs ``first … first + n − 1`` (asynchronously)."""
    import cupy

    grid, threads = (_gpu._grid(n),), (_gpu.THREADS,)
    if cfg.op.endswith("_store"):
        x = cupy.arange(first, first + n, dtype=np.uint32).view(np.float32)
        return _gpu.to_narrow(x, cfg.out)
    if cfg.op:
        y = cupy.empty(n, np.float32)
        _gpu._function(_gpu_expr(cfg))(grid, threads, (y, np.uint32(first), np.uint64(n)))
        return y
    kind, params, fbits = _gpu._specialize(cfg.kind, cfg.code, cfg.params)
    store = float32 if cfg.out in (float16, bfloat16) else cfg.out
    out = cupy.empty(n, store)
    _gpu._function(_gpu_expr(cfg))(grid, threads, (out, np.uint32(first), np.uint64(n))
                                   + _gpu._param_args(params, fbits))
    return _gpu.to_narrow(out, cfg.out) if store != cfg.out else out


# ----------------------------------------------------------------------------- driver

def _as_uint(a: np.ndarray) -> np.ndarray:
    return a.view(f"u{a.dtype.itemsize}")


def compare(cfg: Config, total: int, chunk: int, examples: int) -> tuple:
    """Compare one configuration on inputs ``0 … total − 1``: (name, mismatches, inputs, s)."""
    import cupy

    t0 = time.perf_counter()
    bad, shown = 0, []
    for first in range(0, total, chunk):
        n = min(chunk, total - first)
        gpu = _gpu_side(cfg, first, n)  # runs while the CPU computes
        words = np.arange(first, first + n, dtype=np.uint32)
        cpu = _as_uint(_cpu_side(cfg, words))
        got = _as_uint(cupy.asnumpy(gpu))
        diff = cpu != got
        count = int(np.count_nonzero(diff))
        if count:
            bad += count
            for i in np.flatnonzero(diff)[:max(0, examples - len(shown))]:
                shown.append(f"0x{first + i:08X} (cpu 0x{int(cpu[i]):X}, gpu 0x{int(got[i]):X})")
        del gpu, words, cpu, got, diff
    return cfg.name, bad, shown, time.perf_counter() - t0


def _worker_init() -> None:
    warnings.simplefilter("ignore", NumbaIRAssumptionWarning)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", type=_count, default=1 << 32,
                    help="inputs 0 .. WORDS-1 (default 2**32: all)")
    ap.add_argument("--chunk-log2", type=int, default=26, help="log2 of inputs per chunk (26)")
    ap.add_argument("--workers", type=int, default=os.cpu_count(),
                    help="processes, one configuration at a time each (default: one per core)")
    ap.add_argument("--only", default="", help="comma-separated name prefixes of configurations")
    ap.add_argument("--examples", type=int, default=5, help="mismatching inputs listed (5)")
    ap.add_argument("--list", action="store_true", help="list the configurations and exit")
    args = ap.parse_args(argv)

    configs = _configs()
    if args.only:
        prefixes = [p for p in args.only.split(",") if p]
        configs = [c for c in configs if any(c.name.startswith(p) for p in prefixes)]
    if args.list:
        for c in configs:
            what = c.op or f"kind {c.kind} code {c.code} params {c.params}"
            print(f"{c.name:34s} {c.out.name:9s} {what}  gpu {_gpu_expr(c)}")
        return 0
    try:
        import cupy  # noqa: F401
    except ImportError:
        sys.exit("CuPy is not importable: this comparison needs an NVIDIA GPU")
    total = min(args.words, 1 << 32)
    chunk = 1 << args.chunk_log2

    # Each worker runs whole configurations on one core (one Numba thread) with its own
    # CUDA context; "spawn", because neither CUDA nor GNU OpenMP survives a fork.
    os.environ["NUMBA_NUM_THREADS"] = "1"
    t0 = time.perf_counter()
    results = {}
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(args.workers, initializer=_worker_init) as pool:
        # The slowest (logarithm- and erfinv-bound) configurations start first.
        slow = ("normal", "truncated", "erfinv", "gumbel", "laplace", "pattern")
        order = sorted(configs, key=lambda c: not c.name.startswith(slow))
        jobs = [pool.apply_async(compare, (c, total, chunk, args.examples)) for c in order]
        for job in jobs:
            name, bad, shown, seconds = job.get()
            results[name] = (bad, shown, seconds)
            print(f"{name:34s} mismatches {bad} ({seconds:.0f} s; {time.perf_counter() - t0:.0f}"
                  " s elapsed)", flush=True)

    print()
    print(f"inputs 0 .. 0x{total - 1:08X} ({total} per configuration, {total / 2**32:.2%} of "
          f"2^32); {len(configs)} configurations, {args.workers} workers, "
          f"{time.perf_counter() - t0:.0f} s")
    print(f"{'configuration':34s} {'output':9s} {'mismatches':>10s} {'seconds':>8s}  "
          "first mismatching inputs")
    for c in configs:
        bad, shown, seconds = results[c.name]
        print(f"{c.name:34s} {c.out.name:9s} {bad:10d} {seconds:8.1f}  {'; '.join(shown) or '-'}")
    total_bad = sum(r[0] for r in results.values())
    print(f"total mismatches: {total_bad}")
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
