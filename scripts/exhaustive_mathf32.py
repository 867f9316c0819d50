"""Compare keyrand._mathf32 with MLX 0.32.4 on every float32 bit pattern.

Runs the 2^32 patterns in blocks of 2^BLOCK_BITS and, for each function, counts
results whose bits differ (two NaNs count as equal unless --strict-nan). The
oracles are MLX's own ops on the CPU: exp, erf, erfinv, log, log1p, and the
float16 / bfloat16 casts (for f16_bits / bf16_bits).

    PYTHONPATH=src python scripts/exhaustive_mathf32.py                 # all 2^32
    PYTHONPATH=src python scripts/exhaustive_mathf32.py --limit 4       # 4 blocks
    PYTHONPATH=src python scripts/exhaustive_mathf32.py --funcs log,log1p --start 0x3F0

Exit status 1 if any mismatch was found.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from keyrand import _mathf32

try:
    import mlx.core as mx
except ImportError:  # pragma: no cover - depends on the host
    sys.exit("mlx is not importable: install mlx[cpu]==0.32.4 to run this comparison")

ORACLES = {
    "exp": lambda a: mx.exp(a),
    "erf": lambda a: mx.erf(a),
    "erfinv": lambda a: mx.erfinv(a),
    "log": lambda a: mx.log(a),
    "log1p": lambda a: mx.log1p(a),
    "f16_bits": lambda a: a.astype(mx.float16).view(mx.uint16),
    "bf16_bits": lambda a: a.astype(mx.bfloat16).view(mx.uint16),
}


def mismatches(got: np.ndarray, want: np.ndarray, strict_nan: bool) -> np.ndarray:
    """Boolean mask of positions whose bits differ (NaN == NaN unless ``strict_nan``)."""
    if got.dtype == np.uint16:
        return got != want
    differ = got.view(np.uint32) != want.view(np.uint32)
    if not strict_nan:
        differ &= ~(np.isnan(got) & np.isnan(want))
    return differ


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--block-bits", type=int, default=24, help="log2 of the block size (24)")
    p.add_argument("--start", type=lambda s: int(s, 0), default=0, help="first block index")
    p.add_argument("--limit", type=int, default=None, help="number of blocks (default: all)")
    p.add_argument("--funcs", default=",".join(ORACLES), help="comma-separated subset")
    p.add_argument("--strict-nan", action="store_true", help="compare NaN payloads too")
    p.add_argument("--examples", type=int, default=3, help="mismatches printed per function")
    args = p.parse_args(argv)

    funcs = [f.strip() for f in args.funcs.split(",") if f.strip()]
    unknown = set(funcs) - set(ORACLES)
    if unknown:
        p.error(f"unknown functions {sorted(unknown)}; choose from {list(ORACLES)}")
    size = 1 << args.block_bits
    n_blocks = (1 << 32) // size
    stop = n_blocks if args.limit is None else min(n_blocks, args.start + args.limit)

    totals = dict.fromkeys(funcs, 0)
    shown = dict.fromkeys(funcs, 0)
    t_start = time.perf_counter()
    for block in range(args.start, stop):
        bits = np.arange(block * size, (block + 1) * size, dtype=np.uint64).astype(np.uint32)
        x = bits.view(np.float32)
        xm = mx.array(x)
        counts = []
        for name in funcs:
            got = _mathf32.apply_f32(name, x)
            want = np.array(ORACLES[name](xm))
            bad = np.flatnonzero(mismatches(got, want, args.strict_nan))
            totals[name] += bad.size
            counts.append(f"{name}={bad.size}")
            g = got.view(f"u{got.itemsize}")
            w = want.view(f"u{want.itemsize}")
            for i in bad[: max(0, args.examples - shown[name])]:
                print(f"  {name}: x=0x{bits[i]:08X} keyrand=0x{g[i]:X} mlx=0x{w[i]:X}")
                shown[name] += 1
        elapsed = time.perf_counter() - t_start
        print(
            f"block {block:#05x} [0x{block * size:08X}, 0x{(block + 1) * size - 1:08X}] "
            f"{' '.join(counts)}  ({elapsed:.1f} s)",
            flush=True,
        )

    done = (stop - args.start) * size
    print(f"checked {done} inputs ({done / (1 << 32):.2%} of all float32) per function")
    for name in funcs:
        print(f"{name:10s} mismatches: {totals[name]}")
    return 1 if any(totals.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
