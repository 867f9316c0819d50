"""Compare keyrand's word → value transforms with MLX 0.32.4 on every uint32 word.

For each case (a sampler with fixed arguments) keyrand's side is exactly what a
draw of that sampler runs per word: the :class:`keyrand._spec.DrawSpec` of the
call gives the transform code, rounding/integer code and parameters, the words
go through ``keyrand._cpu._map`` (the compiled transform loop every CPU kernel
uses) and then through the plan's finishing step (narrowing to float16 /
bfloat16, randint's clamp). MLX's side rebuilds the sampler from its bits with
MLX's own ops, in the order of docs/algorithms.md §6 (and of MLX's random.cpp), on the
same words. Results are compared bit for bit (NaN payloads included).

The sweep is case-major: each case runs all its blocks before the next one
starts (``all`` orders the cases by priority: float32 uniform, normal, gumbel,
laplace, bernoulli, randint, truncated_normal first), so a run stopped by
``--max-seconds`` or Ctrl-C still reports the cases it completed.

Before sweeping, every MLX-side reconstruction is checked against the real
``mx.random.<sampler>`` on random keys: the key's words (``keyrand.bits``,
which equal MLX's bits; mlx's Python API exposes no ``bits``) are fed through
the reconstruction and must reproduce MLX's sampler output exactly. keyrand's
own ``keyrand.<sampler>`` is compared with ``mx.random.<sampler>`` as well.

    PYTHONPATH=src python scripts/exhaustive_samplers.py                     # all cases, 2^32 words
    PYTHONPATH=src python scripts/exhaustive_samplers.py --limit-blocks 4    # quick run
    PYTHONPATH=src python scripts/exhaustive_samplers.py --samplers normal,uniform_f16 --start 0x80
    PYTHONPATH=src python scripts/exhaustive_samplers.py --list              # the cases
    nice -n 19 env PYTHONPATH=src python scripts/exhaustive_samplers.py \
        --samplers all --max-seconds 2520 > /tmp/exhaustive_samplers.log 2>&1 &

``--samplers`` takes case names or family prefixes (``uniform`` selects every
``uniform_*`` case). Exit status 1 if any mismatch was found (or a
reconstruction failed validation).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numba.core.errors import NumbaIRAssumptionWarning

from keyrand import _cpu, _dtypes, bits, samplers
from keyrand._dtypes import bfloat16
from keyrand._registry import SAMPLERS
from keyrand._spec import DrawSpec

try:
    import mlx.core as mx
except ImportError:  # pragma: no cover - depends on the host
    sys.exit("mlx is not importable: install mlx[cpu]==0.32.4 to run this comparison")

INF = math.inf
#: MLX's uniform upper clamp per dtype (random.cpp get_upper, §6.1), as float32 values.
_UPPER = {
    mx.float32: float(np.uint32(0x3F7FFFFF).view(np.float32)),
    mx.float16: float(np.uint16(0x3BFF).view(np.float16)),
    mx.bfloat16: float(np.uint32(0x3F7F0000).view(np.float32)),
}
_NP_OF = {mx.float32: np.float32, mx.float16: np.float16, mx.bfloat16: bfloat16,
          mx.int32: np.int32, mx.uint8: np.uint8}


# ---------------------------------------------------------------------------------------------
# MLX-side reconstructions: mx ops on a uint32 mx.array of words ``b``, as MLX builds each
# sampler from ``bits`` (§6, MLX 0.32.4 random.cpp). Python scalars become arrays the way
# MLX's Python binding converts them (§4.4): int → int32, float → float32.
# ---------------------------------------------------------------------------------------------


def mx_uniform(b: mx.array, low: mx.array, high: mx.array, dtype: mx.Dtype) -> mx.array:
    """§6.1: ``range·astype(min(b / f32(2^32−1), upper), D) + lo`` with lo, range in D."""
    lo = low.astype(dtype)
    hi = high.astype(dtype)
    rng = mx.subtract(hi, lo)
    u = mx.divide(b, mx.array(4294967295, mx.float32))  # uint32 / float32 → float32
    u = mx.minimum(u, mx.array(_UPPER[dtype], mx.float32)).astype(dtype)
    return mx.add(mx.multiply(rng, u), lo)


def mx_sym(b: mx.array) -> mx.array:
    """SYM: uniform(nextafter(−1, 0), 1, float32) (§6)."""
    low = mx.array(float(np.nextafter(np.float32(-1.0), np.float32(0.0))), mx.float32)
    return mx_uniform(b, low, mx.array(1.0, mx.float32), mx.float32)


def mx_normal(b: mx.array, dtype: mx.Dtype = mx.float32, loc: float | None = None,
              scale: float | None = None) -> mx.array:
    """§6.2: ``loc + (√2·scale)·astype(erfinv(SYM), D)``."""
    samples = mx_sym(b)
    applied = mx.array(math.sqrt(2.0), dtype)
    if scale is not None:
        applied = mx.multiply(applied, mx.array(scale, dtype))
    samples = mx.erfinv(samples).astype(dtype)
    samples = mx.multiply(applied, samples)
    if loc is not None:
        samples = mx.add(mx.array(loc, dtype), samples)
    return samples


def mx_truncated_normal(b: mx.array, lower: float, upper: float,
                        dtype: mx.Dtype = mx.float32) -> mx.array:
    """§6.4: ``max(min(U, √2·erfinv(uniform(erf(L/√2), erf(U/√2)))), L)``."""
    sqrt2 = mx.array(math.sqrt(2.0), dtype)
    lower_t = mx.array(lower).astype(dtype)
    upper_t = mx.array(upper).astype(dtype)
    a = mx.erf(mx.divide(lower_t, sqrt2))
    bb = mx.erf(mx.divide(upper_t, sqrt2))
    u = mx_uniform(b, a, bb, dtype)
    out = mx.multiply(sqrt2, mx.erfinv(u))
    return mx.maximum(mx.minimum(upper_t, out), lower_t)


def mx_gumbel(b: mx.array, dtype: mx.Dtype = mx.float32) -> mx.array:
    """§6.5: ``−log(−log(uniform(0, 1, D)))``."""
    u = mx_uniform(b, mx.array(0.0, dtype), mx.array(1.0, dtype), dtype)
    return mx.negative(mx.log(mx.negative(mx.log(u))))


def mx_laplace(b: mx.array, dtype: mx.Dtype = mx.float32, loc: float = 0.0,
               scale: float = 1.0) -> mx.array:
    """§6.6: ``loc + scale·astype(sign(s)·log1p(−|s|), D)``, each step only when needed."""
    s = mx_sym(b)
    v = mx.multiply(mx.sign(s), mx.log1p(mx.negative(mx.abs(s)))).astype(dtype)
    scale32, loc32 = np.float32(scale), np.float32(loc)
    if scale32 != 1:
        v = mx.multiply(mx.array(float(scale32), dtype), v)
    if loc32 != 0:
        v = mx.add(mx.array(float(loc32), dtype), v)
    return v


def mx_bernoulli(b: mx.array, p: float) -> mx.array:
    """§6.7: ``b < p·nextafter(f32(2^32−1), +inf)`` with float32 p (uint32 < float32 → float32)."""
    upper = mx.array(float(np.uint32(0x4F800001).view(np.float32)), mx.float32)
    return mx.less(b, mx.multiply(mx.array(p), upper))


def mx_randint(b: mx.array, low: int, high: int, dtype: mx.Dtype = mx.int32) -> mx.array:
    """§6.8: ``max(min(astype(floor(uniform(low, high, f32)), D), astype(high−1, D)), low_D)``."""
    lo = mx.array(low)
    hi = mx.array(high)
    u = mx_uniform(b, lo, hi, mx.float32)
    r = mx.floor(u).astype(dtype)
    hm1 = mx.subtract(hi, mx.array(1, hi.dtype)).astype(dtype)
    return mx.maximum(mx.minimum(r, hm1), lo.astype(dtype))


# ---------------------------------------------------------------------------------------------
# Cases.
# ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One sampler with fixed arguments.

    ``kwargs`` are keyrand's arguments, ``mx_kwargs`` MLX's (dtypes differ), ``rebuild`` maps
    the words to MLX's result and ``real`` draws with ``mx.random`` for validation.
    """

    name: str
    sampler: str
    kwargs: dict
    mx_kwargs: dict
    rebuild: Callable[[mx.array], mx.array]
    priority: int
    spec: DrawSpec | None = field(default=None, repr=False)

    def real(self, shape: tuple[int, ...], key: mx.array) -> mx.array:
        return getattr(mx.random, self.sampler)(shape=shape, key=key, **self.mx_kwargs)


def _cases() -> list[Case]:
    f32, f16, bf16 = mx.float32, mx.float16, mx.bfloat16
    out = []

    def add(name, sampler, kwargs, mx_kwargs, rebuild, priority):
        out.append(Case(name, sampler, kwargs, mx_kwargs, rebuild, priority))

    add("uniform_f32", "uniform", {}, {}, lambda b: mx_uniform(
        b, mx.array(0), mx.array(1), f32), 0)
    add("normal_f32", "normal", {}, {}, mx_normal, 0)
    add("gumbel_f32", "gumbel", {}, {}, mx_gumbel, 0)
    add("laplace_f32", "laplace", {}, {}, mx_laplace, 0)
    for p, pr in ((0.5, 0), (0.3, 1)):
        add(f"bernoulli_p{p}", "bernoulli", {"p": p}, {"p": p},
            lambda b, p=p: mx_bernoulli(b, p), pr)
    for lo, hi, dt, mdt, pr in ((0, 10, np.int32, mx.int32, 0), (-5, 5, np.int32, mx.int32, 1),
                                (0, 200, np.uint8, mx.uint8, 1)):
        add(f"randint_{lo}_{hi}_{np.dtype(dt).name}", "randint",
            {"low": lo, "high": hi, "dtype": dt}, {"low": lo, "high": hi, "dtype": mdt},
            lambda b, lo=lo, hi=hi, mdt=mdt: mx_randint(b, lo, hi, mdt), pr)
    for lo, hi, pr in ((-1.0, 1.0, 0), (0.5, 2.0, 1), (-INF, INF, 1)):
        add(f"truncated_normal_{lo}_{hi}", "truncated_normal", {"lower": lo, "upper": hi},
            {"lower": lo, "upper": hi}, lambda b, lo=lo, hi=hi: mx_truncated_normal(b, lo, hi), pr)
    add("normal_f32_loc1.5_scale0.7", "normal", {"loc": 1.5, "scale": 0.7},
        {"loc": 1.5, "scale": 0.7}, lambda b: mx_normal(b, f32, 1.5, 0.7), 1)
    add("uniform_f16", "uniform", {"dtype": np.float16}, {"dtype": f16},
        lambda b: mx_uniform(b, mx.array(0), mx.array(1), f16), 2)
    add("uniform_bf16", "uniform", {"dtype": bfloat16}, {"dtype": bf16},
        lambda b: mx_uniform(b, mx.array(0), mx.array(1), bf16), 2)
    add("uniform_f32_-2.5_7", "uniform", {"low": -2.5, "high": 7}, {"low": -2.5, "high": 7},
        lambda b: mx_uniform(b, mx.array(-2.5), mx.array(7), f32), 3)
    add("uniform_f16_-2.5_7", "uniform", {"low": -2.5, "high": 7, "dtype": np.float16},
        {"low": -2.5, "high": 7, "dtype": f16},
        lambda b: mx_uniform(b, mx.array(-2.5), mx.array(7), f16), 3)
    add("laplace_f32_loc0.5_scale2", "laplace", {"loc": 0.5, "scale": 2.0},
        {"loc": 0.5, "scale": 2.0}, lambda b: mx_laplace(b, f32, 0.5, 2.0), 3)
    add("gumbel_bf16", "gumbel", {"dtype": bfloat16}, {"dtype": bf16},
        lambda b: mx_gumbel(b, bf16), 3)
    add("gumbel_f16", "gumbel", {"dtype": np.float16}, {"dtype": f16},
        lambda b: mx_gumbel(b, f16), 3)
    add("normal_f16", "normal", {"dtype": np.float16}, {"dtype": f16},
        lambda b: mx_normal(b, f16), 3)
    return out


CASES = {c.name: c for c in _cases()}


def select(spec: str) -> list[Case]:
    """Cases named by a comma-separated list of names, family prefixes or ``all``."""
    chosen: list[Case] = []
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        if token == "all":
            matched = sorted(CASES.values(), key=lambda c: c.priority)
        elif token.startswith("priority<="):
            matched = sorted((c for c in CASES.values() if c.priority <= int(token.split("=")[1])),
                             key=lambda c: c.priority)
        elif token in CASES:
            matched = [CASES[token]]
        else:
            matched = [c for c in CASES.values() if c.name.startswith(token + "_")]
        if not matched:
            raise SystemExit(f"unknown case {token!r}; see --list")
        chosen += [c for c in matched if c not in chosen]
    return chosen


# ---------------------------------------------------------------------------------------------
# The two sides.
# ---------------------------------------------------------------------------------------------


def keyrand_side(case: Case, words: np.ndarray) -> np.ndarray:
    """keyrand's values for ``words``: the spec's kernel via ``_cpu._map``, rounded as stored."""
    spec = case.spec
    k = spec.kernel
    out = np.empty(words.size, k.dtype)
    with warnings.catch_warnings():
        # As keyrand._cpu._launch: Numba's pedantic IR check warns when compiling the inlined
        # transform; the compiled code is unaffected.
        warnings.simplefilter("ignore", NumbaIRAssumptionWarning)
        _cpu._map(out, words, k.transform, k.mode, 0, _cpu._padded(k.transform, k.params),
                  np.empty(0, np.float32))
    return out if spec.dtype == k.dtype else _dtypes.to_narrow(out, spec.dtype)


def as_bits(a: np.ndarray | mx.array) -> np.ndarray:
    """The values' bit patterns as unsigned integers (bool as uint8)."""
    if isinstance(a, mx.array):
        if a.dtype in (mx.float16, mx.bfloat16):
            a = a.view(mx.uint16)
        elif a.dtype == mx.float32:
            a = a.view(mx.uint32)
        return np.array(a).view(f"u{a.itemsize}")
    a = np.asarray(a)
    return a.view(f"u{a.dtype.itemsize}")


def show(bits_: int, dtype: np.dtype) -> str:
    """A value from its bit pattern: ``value (0xBITS)``."""
    dtype = np.dtype(dtype)
    v = np.array([bits_], f"u{dtype.itemsize}").view(dtype)[0]
    return f"{v!r} (0x{bits_:0{2 * dtype.itemsize}X})"


def validate(cases: list[Case], n: int, seeds: tuple[int, ...]) -> bool:
    """Check each reconstruction against the real ``mx.random`` sampler on random keys."""
    ok = True
    for seed in seeds:
        key = mx.random.key(seed)
        k_np = np.array(key)
        b_kr = bits((n,), key=k_np)  # equals MLX's bits (MLX's Python API has no bits)
        for c in cases:
            want = as_bits(c.real((n,), key))
            got = as_bits(c.rebuild(mx.array(b_kr)))
            kr = as_bits(getattr(samplers, c.sampler)(shape=(n,), key=k_np, **c.kwargs))
            bad = np.flatnonzero(got != want)
            bad_kr = np.flatnonzero(kr != want)
            if bad.size or bad_kr.size:
                ok = False
                print(f"  VALIDATION {c.name} seed {seed}: reconstruction≠mx.random at "
                      f"{bad.size} of {n}, keyrand.{c.sampler}≠mx.random at {bad_kr.size}")
                for i in bad[:3]:
                    print(f"    word 0x{b_kr[i]:08X}: rebuilt 0x{got[i]:X}, "
                          f"mx.random 0x{want[i]:X}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samplers", default="all",
                    help="comma-separated case names or family prefixes (uniform, normal, ...), "
                         "'all' or 'priority<=K' (default: all)")
    ap.add_argument("--block-log2", type=int, default=22,
                    help="log2 of words per block (22: faster than 24 here, less page faulting)")
    ap.add_argument("--start", type=lambda s: int(s, 0), default=0, help="first block index (0)")
    ap.add_argument("--limit-blocks", type=int, default=None,
                    help="number of blocks (default: up to the last block)")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="stop after the block that passes this much time (reported as partial)")
    ap.add_argument("--examples", type=int, default=5, help="mismatches listed per case (5)")
    ap.add_argument("--validate-size", type=int, default=1 << 16,
                    help="elements per mx.random validation draw (65536)")
    ap.add_argument("--no-validate", action="store_true", help="skip the mx.random validation")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)

    if args.list:
        for c in CASES.values():
            print(f"{c.name:32s} priority {c.priority}  keyrand.{c.sampler}(**{c.kwargs})")
        return 0
    if not 8 <= args.block_log2 <= 32:
        ap.error("--block-log2 must be in [8, 32]")
    cases = select(args.samplers)
    mx.set_default_device(mx.cpu)
    size = 1 << args.block_log2
    n_blocks = (1 << 32) // size
    stop = n_blocks if args.limit_blocks is None else min(n_blocks, args.start + args.limit_blocks)
    if not 0 <= args.start < stop:
        ap.error(f"--start must be below {stop} (there are {n_blocks} blocks)")

    dummy_key = np.array([0, 0], np.uint32)
    for c in cases:
        c.spec = SAMPLERS[c.sampler].prepare(shape=(size,), key=dummy_key, **c.kwargs)
        if c.spec.finish is not None:
            raise SystemExit(f"{c.name}: not a one-word draw (it has a finishing step)")
        k = c.spec.kernel
        print(f"{c.name}: transform {k.transform} code {k.mode} params {k.params} "
              f"-> {c.spec.dtype}", flush=True)

    t0 = time.perf_counter()
    valid = True
    if not args.no_validate:
        valid = validate(cases, args.validate_size, (0, 1234, 2**63 + 99))
        print(f"validation of the MLX-side reconstructions against mx.random: "
              f"{'ok' if valid else 'FAILED'} ({time.perf_counter() - t0:.1f} s)", flush=True)

    # Case-major: each case sweeps its blocks before the next starts, so a run cut short
    # (--max-seconds, Ctrl-C) leaves the earlier cases (see --samplers order) complete.
    counts = {c.name: 0 for c in cases}
    checked = {c.name: 0 for c in cases}
    seconds = {c.name: 0.0 for c in cases}
    examples: dict[str, list[str]] = {c.name: [] for c in cases}
    t_sweep = time.perf_counter()
    out_of_time = False
    try:
        for c in cases:
            if out_of_time:
                break
            t_case = time.perf_counter()
            for block in range(args.start, stop):
                words = np.arange(size, dtype=np.uint32) + np.uint32(block * size)
                got = as_bits(keyrand_side(c, words))
                want = as_bits(c.rebuild(mx.array(words)))
                bad = np.flatnonzero(got != want)
                counts[c.name] += bad.size
                checked[c.name] += size
                for i in bad[: max(0, args.examples - len(examples[c.name]))]:
                    examples[c.name].append(f"0x{words[i]:08X}")
                    print(f"  {c.name}: word 0x{words[i]:08X}: keyrand {show(got[i], c.plan.dtype)}"
                          f" mlx {show(want[i], c.plan.dtype)}", flush=True)
                del got, want, bad, words
                el = time.perf_counter() - t_case
                seconds[c.name] = el
                done = block - args.start + 1
                print(f"{c.name} block {block:#05x} [0x{block * size:08X}, "
                      f"0x{(block + 1) * size - 1:08X}] mismatches {counts[c.name]}  "
                      f"({el:.1f} s, ~{(stop - block - 1) * el / done / 60:.1f} min left for "
                      f"this case; total {time.perf_counter() - t_sweep:.0f} s)", flush=True)
                total = time.perf_counter() - t_sweep
                if args.max_seconds is not None and total > args.max_seconds:
                    print(f"stopping: --max-seconds {args.max_seconds} reached", flush=True)
                    out_of_time = True
                    break
    except KeyboardInterrupt:
        print("interrupted", flush=True)

    el = time.perf_counter() - t_sweep
    full = (stop - args.start) * size
    print()
    print(f"blocks {args.start:#x}..{stop - 1:#x} of 2^{args.block_log2} words "
          f"(words 0x{args.start * size:08X}..0x{stop * size - 1:08X}, {full} per case, "
          f"{full / 2**32:.2%} of 2^32); sweep {el:.1f} s")
    print(f"{'case':32s} {'words checked':>14s} {'of 2^32':>8s} {'mismatches':>11s} "
          f"{'seconds':>8s}  first mismatching words")
    for c in cases:
        n = checked[c.name]
        status = "" if n == full else ("  (partial)" if n else "  (not run)")
        print(f"{c.name:32s} {n:14d} {n / 2**32:8.2%} {counts[c.name]:11d} "
              f"{seconds[c.name]:8.1f}  {', '.join(examples[c.name]) or '-'}{status}")
    return 1 if (any(counts.values()) or not valid) else 0


if __name__ == "__main__":
    sys.exit(main())
