"""keyrand._mathf32 against MLX 0.32.4, the host C library, exact oracles and NumPy casts."""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import re
import warnings
from fractions import Fraction
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from keyrand import _logf
from keyrand import _mathconst as consts
from keyrand import _mathf32 as m

try:
    import mlx.core as mx
except ImportError:
    mx = None

needs_mlx = pytest.mark.skipif(mx is None, reason="mlx[cpu]==0.32.4 (the oracle) is not importable")

N_RANDOM = 1 << 22
FUNCS = ("exp", "erf", "erfinv", "log", "log1p")
MLX_OPS = {name: name for name in FUNCS}
SCALAR = {
    "exp": m.mlx_exp,
    "erf": m.mlx_erf,
    "erfinv": m.mlx_erfinv,
    "log": m.logf,
    "log1p": m.log1pf,
}


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def f32(patterns) -> np.ndarray:
    """float32 array from uint32 bit patterns."""
    return np.asarray(patterns, dtype=np.uint64).astype(np.uint32).view(np.float32)


def u32(x) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)


def pattern(v: float) -> int:
    return int(np.float32(v).view(np.uint32))


def around(centers, radius: int) -> np.ndarray:
    """All patterns within ``radius`` of each center's magnitude, with both signs."""
    c = np.asarray(centers, dtype=np.int64)[:, None] + np.arange(-radius, radius + 1)
    c = c.ravel() & 0x7FFFFFFF
    return np.concatenate([c, c | 0x80000000]).astype(np.uint32)


def assert_bits_equal(got, want, x, what: str, nan_bits: bool = True) -> None:
    """Bit-identical float32 results, NaN sign and payload included.

    ``nan_bits=False`` only for oracles that define no NaN encoding (NumPy's float64
    arithmetic, rational arithmetic): any NaN then matches any NaN.
    """
    got = np.asarray(got, dtype=np.float32)
    want = np.asarray(want, dtype=np.float32)
    differ = u32(got) != u32(want)
    if not nan_bits:
        differ &= ~(np.isnan(got) & np.isnan(want))
    if differ.any():
        idx = np.flatnonzero(differ)[:8]
        rows = "\n".join(
            f"  x=0x{u32(x)[i]:08X} ({x[i]!r}): got 0x{u32(got)[i]:08X} want 0x{u32(want)[i]:08X}"
            for i in idx
        )
        pytest.fail(f"{what}: {differ.sum()} of {differ.size} differ\n{rows}")


SPECIALS = [
    0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
    0xFF800001, 0x7FBFFFFF, 0xFFFFFFFF, 0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF,
    0x00800000, 0x80800000, 0x00400000, 0x3F800000, 0xBF800000, 0x7F7FFFFF, 0xFF7FFFFF,
]  # fmt: skip


def edge_patterns() -> np.ndarray:
    """Hand-picked inputs: specials, subnormals, branch and table boundaries of every function."""
    parts = [np.array(SPECIALS, dtype=np.uint32)]
    parts.append(around([0x00000001, 0x00400000, 0x007FFFFF, 0x00800000, 0x3F800000], 64))
    # exp: overflow/underflow limits, the n = -127 region, neighbours of t = 0.49999997
    exp_c = [pattern(88), pattern(87.68), pattern(88.3762626647949), pattern(0.34657356)]
    parts.append(around(exp_c, 256))
    # erfinv: |a| -> 1, and the |log(1 - a^2)| = 6.125 polynomial switch
    parts.append(around([0x3F800000, pattern(0.998906)], 4096))
    # logf: every table-index boundary of every exponent (tmp = ix - 0x3F330000 = j * 2^19)
    j = (0x3F330000 + (np.arange(1 << 13, dtype=np.int64) << 19)) & 0xFFFFFFFF
    parts.append(((j[:, None] + np.array([-1, 0, 1])) & 0xFFFFFFFF).ravel().astype(np.uint32))
    # log1pf: branch thresholds, 1 + x a power of two (hu == 0), the 0x3504F7 split
    l1p = [0x3ED413D7, 0x3E95F61F, 0x31000000, 0x24800000, 0x5A000000, 0x3F800000]
    l1p += [pattern(2.0**k - 1) for k in range(-24, 64) if k != 0]
    l1p += [pattern(float(f32([e << 23 | 0x3504F7])[0]) - 1) for e in range(100, 160)]
    parts.append(around(l1p, 4))
    return np.unique(np.concatenate(parts))


RNG = np.random.default_rng(20260325)
EDGES = edge_patterns()
RANDOM = RNG.integers(0, 1 << 32, size=N_RANDOM, dtype=np.uint64).astype(np.uint32)
UNIFORM = (RNG.random(1 << 20, dtype=np.float32) * 2 - 1).astype(np.float32)  # erfinv's domain
INPUTS = f32(np.concatenate([EDGES, RANDOM]))


# ------------------------------------------------------------------------------------------
# vs MLX
# ------------------------------------------------------------------------------------------


def test_t_half_case_is_unreachable_from_float32_x():
    # §5.2 evaluates t + 0.5 in float64 because f32(0.49999997 + 0.5) = 1 would give n = 1.
    # No float32 x has f32(x·log2 e) = 0.49999997 (the products skip it), so the edge set
    # holds its neighbours instead; this documents why a float32 sum would also pass.
    assert np.float32(np.float32(0.49999997) + np.float32(0.5)) == 1.0
    centre = pattern(0.34657356)
    x = f32(np.arange(centre - 4096, centre + 4097))
    t = x * consts.LOG2E
    assert t.min() < np.float32(0.49999997) < t.max()
    assert not np.any(t == np.float32(0.49999997))


@needs_mlx
@pytest.mark.parametrize("name", FUNCS)
def test_matches_mlx(name):
    x = np.concatenate([INPUTS, UNIFORM]) if name == "erfinv" else INPUTS
    want = np.array(getattr(mx, MLX_OPS[name])(mx.array(x)))
    assert_bits_equal(m.apply_f32(name, x), want, x, f"{name} vs mx.{name}")


@needs_mlx
@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(width=32), min_size=1, max_size=32))
def test_scalar_functions_match_mlx(values):
    x = np.array(values, dtype=np.float32)
    xm = mx.array(x)
    for name, fn in SCALAR.items():
        got = np.array([fn(v) for v in x], dtype=np.float32)
        want = np.array(getattr(mx, MLX_OPS[name])(xm))
        assert_bits_equal(got, want, x, f"scalar {name}")


# ------------------------------------------------------------------------------------------
# vs the host C library (what MLX itself calls for log / log1p)
# ------------------------------------------------------------------------------------------


def _host_kernel(symbol: str):
    lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    fn = getattr(lib, symbol)
    fn.argtypes = [ctypes.c_float]
    fn.restype = ctypes.c_float

    @njit
    def run(x, out):
        for i in range(x.size):
            out[i] = fn(x[i])

    return run


@pytest.mark.parametrize(("symbol", "name"), [("logf", "log"), ("log1pf", "log1p")])
def test_matches_host_libm(symbol, name):
    x = INPUTS
    want = np.empty_like(x)
    _host_kernel(symbol)(x, want)
    got = m.apply_f32(name, x)
    differ = (u32(got) != u32(want)) & ~(np.isnan(got) & np.isnan(want))
    libc, version = platform.libc_ver()
    n = int(differ.sum())
    print(f"host {libc or 'unknown libc'} {version}: {symbol} disagrees on {n} of {x.size} inputs")
    if n and libc == "glibc":
        assert_bits_equal(got, want, x, f"{name} vs host {symbol} (glibc {version})")
    elif n:
        warnings.warn(
            f"host {symbol} ({libc or 'non-glibc'}) differs from glibc's on {n} inputs: "
            "MLX on this host would not match keyrand",
            stacklevel=1,
        )


# ------------------------------------------------------------------------------------------
# fmaf
# ------------------------------------------------------------------------------------------


@njit
def _fma_loop(a, b, c, out):
    for i in range(a.size):
        out[i] = m.fmaf(a[i], b[i], c[i])


def fma_round_to_odd(a, b, c) -> np.ndarray:
    """Exact fma oracle (docs/algorithms.md §5.1): exact product, round-to-odd sum, one rounding."""
    c64 = c.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        p = a.astype(np.float64) * b.astype(np.float64)
        s = p + c64
        bb = s - p
        err = (p - (s - bb)) + (c64 - bb)
        fix = np.isfinite(s) & (err != 0) & ((s.view(np.uint64) & 1) == 0)
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, np.inf, -np.inf))
        return s.astype(np.float32)


def fma_fraction(a: np.float32, b: np.float32, c: np.float32) -> np.float32:
    """Exact fma of finite float32 values with rational arithmetic and explicit RNE."""
    q = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    if q == 0:
        return np.float32(float(a) * float(b) + float(c))  # exact; IEEE sign of zero
    mag = abs(q)
    e = mag.numerator.bit_length() - mag.denominator.bit_length()
    if mag < Fraction(2) ** e:
        e -= 1
    scale = Fraction(2) ** (23 - max(e, -126))
    n, rem = divmod(mag * scale, 1)
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    v = n / scale
    r = np.float32(np.inf) if v >= 2**128 else np.float32(float(v))
    return r if q > 0 else -r


def adversarial_fma_inputs(n: int, rng: np.random.Generator):
    def rand_f32(k, lo, hi):
        mant = rng.integers(0, 1 << 23, size=k, dtype=np.uint32)
        exp = rng.integers(lo, hi, size=k).astype(np.uint32)
        sign = rng.integers(0, 2, size=k).astype(np.uint32) << 31
        return (sign | (exp << 23) | mant).view(np.float32)

    k = n // 5
    a, b = rand_f32(5 * k, 60, 190), rand_f32(5 * k, 60, 190)
    c = rand_f32(5 * k, 1, 254)
    with np.errstate(over="ignore", under="ignore"):
        prod = (a.astype(np.float64) * b.astype(np.float64)).astype(np.float32)
        # 1: cancellation, c = -f32(a·b) ± a few ulps
        c[:k] = -prod[:k] + (rng.integers(-3, 4, size=k) * np.spacing(prod[:k]))
        # 2: c far below the product (only the sticky bit)
        c[k : 2 * k] = prod[k : 2 * k] * np.float32(2.0**-30) * rng.choice([-1, 1], k)
        # 3: products exactly halfway between float32s (12- and 13-bit mantissas), tiny c
        a12 = rng.integers(1 << 11, 1 << 12, size=k) * 2.0 ** rng.integers(-20, 20, size=k)
        b13 = (rng.integers(1 << 12, 1 << 13, size=k) | 1) * 2.0 ** rng.integers(-20, 20, size=k)
        a[2 * k : 3 * k], b[2 * k : 3 * k] = a12.astype(np.float32), b13.astype(np.float32)
        p3 = a12 * b13
        c[2 * k : 3 * k] = (p3 * 2.0**-40 * rng.choice([-1, 0, 1], k)).astype(np.float32)
        # 4: results in the subnormal range
        a[3 * k : 4 * k] = rand_f32(k, 50, 70)
        b[3 * k : 4 * k] = rand_f32(k, 50, 70)
        c[3 * k : 4 * k] = rand_f32(k, 0, 3)
    specials = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, 3e38], np.float32)
    g = np.array(np.meshgrid(specials, specials, specials)).reshape(3, -1)
    return [np.concatenate([v, s]) for v, s in zip((a, b, c), g, strict=True)]


def test_fmaf_exact_on_adversarial_inputs():
    a, b, c = adversarial_fma_inputs(1 << 20, np.random.default_rng(7))
    got = np.empty_like(a)
    _fma_loop(a, b, c, got)
    # fma(±inf, 0, c) is invalid: the float64 oracle's NaN encoding is NumPy's, not MLX's.
    assert_bits_equal(got, fma_round_to_odd(a, b, c), a, "fmaf vs round-to-odd oracle",
                      nan_bits=False)
    # the oracle itself, against rational arithmetic, on a sample of the finite cases
    idx = np.random.default_rng(8).choice(np.flatnonzero(np.isfinite(got)), 3000, replace=False)
    want = np.array([fma_fraction(a[i], b[i], c[i]) for i in idx], dtype=np.float32)
    assert_bits_equal(got[idx], want, a[idx], "fmaf vs Fraction oracle")


@settings(max_examples=300, deadline=None)
@given(*(st.floats(width=32, allow_nan=False, allow_infinity=False),) * 3)
def test_fmaf_property(a, b, c):
    a, b, c = np.float32(a), np.float32(b), np.float32(c)
    assert_bits_equal([m.fmaf(a, b, c)], [fma_fraction(a, b, c)], np.array([a]), "fmaf")


def _has_cpu_flag(flag: str) -> bool:
    try:
        return flag in Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False


@pytest.mark.skipif(not _has_cpu_flag("fma"), reason="no FMA unit reported in /proc/cpuinfo")
def test_fmaf_compiles_to_vfmadd():
    a = np.ones(4, np.float32)
    _fma_loop(a, a, a, a.copy())
    assert "vfmadd" in _fma_loop.inspect_asm(_fma_loop.signatures[0])


@pytest.mark.skipif(not _has_cpu_flag("avx2"), reason="no AVX2: vectorization not expected")
@pytest.mark.parametrize("name", ["erfinv", "log", "log1p", "exp", "erf"])
def test_loops_vectorize(name):
    fn = SCALAR[name]

    @njit
    def loop(x, out):
        for i in range(x.size):
            out[i] = fn(x[i])

    x = np.ones(64, np.float32)
    loop(x, x.copy())
    asm = loop.inspect_asm(loop.signatures[0])
    # packed float ops on ymm/zmm registers: the loop body was not left scalar
    assert re.search(r"v(mul|add|fmadd\w*|div)p[sd]\s+%[yz]mm", asm), f"{name} loop is scalar"


POSITIVE_NORMAL = INPUTS[(INPUTS > 0) & np.isfinite(INPUTS) & (INPUTS >= np.float32(2.0**-126))]


@njit
def _logf_blocks(x, out, chunk):
    # logf_block over x in chunks of ``chunk`` elements (sizes that are not multiples of 8).
    idx = np.empty(chunk + 8, np.uint32)
    invc = np.empty(chunk + 8, np.float64)
    logc = np.empty(chunk + 8, np.float64)
    for c in range(0, x.size, chunk):
        m.logf_block(x[c:c + chunk], out[c:c + chunk], idx, invc, logc)


@pytest.mark.parametrize("chunk", [1, 13, 256])
def test_logf_block_equals_logf(chunk):
    # logf_block's contract: equal to logf on positive normal finite float32.
    x = POSITIVE_NORMAL
    out = np.empty_like(x)
    _logf_blocks(x, out, chunk)
    assert_bits_equal(out, m.logf_array(x), x, f"logf_block (chunks of {chunk})")


@pytest.mark.parametrize("permute", [True, False])
def test_logf_table_lookup_paths(monkeypatch, permute):
    # Both code paths of the bulk table lookup: register permutes (AVX-512F hosts) and
    # element-wise loads from constant arrays (any host).
    if permute and not _logf.PERMUTE_TABLES:
        pytest.skip("Numba's target CPU has no AVX-512F")
    monkeypatch.setattr(_logf, "PERMUTE_TABLES", permute)

    @njit
    def lookup(idx, invc, logc):
        for s in range(0, idx.size, 8):
            _logf.logf_tables8(idx, invc, logc, s)

    idx = RNG.integers(0, 16, 1 << 12).astype(np.uint32)
    invc, logc = np.empty(idx.size), np.empty(idx.size)
    lookup(idx, invc, logc)
    np.testing.assert_array_equal(invc, consts.LOG_INVC[idx])
    np.testing.assert_array_equal(logc, consts.LOG_LOGC[idx])
    asm = lookup.inspect_asm(lookup.signatures[0])
    assert bool(re.search(r"vperm[it]2pd", asm)) == permute


def test_no_zero_division_errors_in_python_error_model():
    @njit  # default error_model="python": a bare `/` would raise ZeroDivisionError on 0/0
    def call(x):
        return m.logf(x), m.log1pf(x), m.mlx_erfinv(x)

    assert all(np.isnan(v) for v in call(np.float32(-2.0)))
    assert call(np.float32(0.0))[0] == -np.inf


# ------------------------------------------------------------------------------------------
# float16 / bfloat16
# ------------------------------------------------------------------------------------------


def narrow_inputs() -> np.ndarray:
    f16 = [
        0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001, 0x47800000, 0x38800000, 0x387FC000,
        0x387FE000, 0x33800000, 0x33000000, 0x33000001, 0x33400000, 0x33C00000, 0x7F7FFFFF,
    ]  # fmt: skip
    sweep = np.arange(0x32000000, 0x48000000, 0x1000, dtype=np.int64)  # halfway points
    sweep = (sweep[:, None] + np.array([-1, 0, 1])).ravel()
    bf16 = [0x7F7F7FFF, 0x7F7F8000, 0x7F7FFFFF, 0x00008000, 0x00018000, 0x3F808000, 0x3F818000]
    parts = [around(f16 + bf16, 3), sweep.astype(np.uint32) | np.uint32(0), EDGES, RANDOM]
    parts.append(sweep.astype(np.uint32) | np.uint32(0x80000000))
    return f32(np.concatenate(parts))


NARROW = narrow_inputs()


def test_float16_rounding_matches_numpy():
    x = NARROW
    nan = np.isnan(x)
    with np.errstate(over="ignore"):
        want = x.astype(np.float16)
    got_bits = m.apply_f32("f16_bits", x)
    assert np.array_equal(got_bits[~nan], want.view(np.uint16)[~nan])
    expected_nan = (u32(x[nan]) >> 16 & 0x8000) | 0x7D00
    assert np.array_equal(got_bits[nan], expected_nan)
    got = m.apply_f32("round_f16", x)
    assert np.array_equal(u32(got)[~nan], u32(want.astype(np.float32))[~nan])
    assert np.array_equal(u32(got)[nan], u32(x)[nan])  # a NaN stays the same NaN
    assert np.array_equal(m.to_float16(x).view(np.uint16), got_bits)


def test_bfloat16_rounding_matches_ml_dtypes():
    x = NARROW
    nan = np.isnan(x)
    with np.errstate(invalid="ignore"):
        want = x.astype(ml_dtypes.bfloat16)
    got_bits = m.apply_f32("bf16_bits", x)
    assert np.array_equal(got_bits[~nan], want.view(np.uint16)[~nan])
    assert np.all(got_bits[nan] == 0x7FC0)
    got = m.apply_f32("round_bf16", x)
    assert np.array_equal(u32(got)[~nan], u32(want.astype(np.float32))[~nan])
    assert np.array_equal(u32(got)[nan], u32(x)[nan])
    out = m.to_bfloat16(x)
    assert out.dtype == ml_dtypes.bfloat16
    assert np.array_equal(out.view(np.uint16), got_bits)


@needs_mlx
def test_narrow_casts_match_mlx():
    x = NARROW
    xm = mx.array(x)
    f16 = np.array(xm.astype(mx.float16).view(mx.uint16))
    bf16 = np.array(xm.astype(mx.bfloat16).view(mx.uint16))
    assert np.array_equal(m.apply_f32("f16_bits", x), f16)
    assert np.array_equal(m.apply_f32("bf16_bits", x), bf16)


def test_scalar_narrow_functions():
    assert m.f16_bits(np.float32(65519.996)) == 0x7BFF
    assert m.f16_bits(np.float32(65520.0)) == 0x7C00
    assert m.f16_bits(np.float32(-np.nan)) == 0xFD00
    assert m.f16_bits(np.float32(2.0**-25)) == 0  # tie to even
    assert m.f16_bits(np.float32(3 * 2.0**-25)) == 2
    assert m.round_f16(np.float32(1 + 2.0**-11)) == 1.0
    assert m.bf16_bits(np.float32(-np.nan)) == 0x7FC0
    assert m.round_bf16(np.float32(1 + 2.0**-8)) == 1.0
    assert m.round_bf16(np.float32(1 + 3 * 2.0**-8)) == np.float32(1 + 2.0**-6)


# ------------------------------------------------------------------------------------------
# array API
# ------------------------------------------------------------------------------------------


def test_apply_f32_api():
    x = np.linspace(-0.9, 0.9, 12, dtype=np.float32).reshape(3, 4)
    y = m.apply_f32("erfinv", x)
    assert y.shape == (3, 4) and y.dtype == np.float32
    assert np.array_equal(m.erfinv_array(x), y)
    assert np.array_equal(
        m.apply_f32("log", x.astype(np.float16)),
        m.logf_array(x.astype(np.float16).astype(np.float32)),
        equal_nan=True,
    )
    assert np.array_equal(m.exp_array([0.0, 1.0]), [1.0, np.float32(np.e)])
    assert m.log1pf_array(np.float32(0.5)).shape == ()
    assert np.array_equal(m.erf_array(x[:0]), np.empty(0, np.float32).reshape(0, 4))
    assert np.array_equal(m.apply_f32("exp", x.T), m.apply_f32("exp", x).T)  # non-contiguous
    assert m.apply_f32("f16_bits", x).dtype == np.uint16
    assert m.to_float16(x).dtype == np.float16
    with pytest.raises(ValueError, match="unknown operation"):
        m.apply_f32("sin", x)


def test_scalar_constants_and_bitcasts():
    assert m.as_u32(np.float32(1.0)) == 0x3F800000
    assert m.as_f32(0x3F800000) == 1.0
    assert m.as_f32(-1) != m.as_f32(-1)  # 0xFFFFFFFF is a NaN
    assert consts.f32(0x3FB8AA3B) == np.float32(1.442695)
    assert m.logf(np.float32(1.0)) == 0.0 and not np.signbit(m.logf(np.float32(1.0)))
    assert m.mlx_erfinv(np.float32(1.0)) == np.inf
    assert m.mlx_erfinv(np.float32(-1.0)) == -np.inf
    assert m.mlx_exp(np.float32(-87.9)) == 0.0


@needs_mlx
@pytest.mark.parametrize("size", [7, 4096, None])
def test_host_narrowing_is_mlx_cast(size):
    # keyrand._dtypes.to_narrow (every host float16/bfloat16 result goes through it) runs
    # the exhaustively checked f16_bits/bf16_bits, serially below SERIAL_SIZE elements.
    from keyrand import _dtypes

    x = NARROW if size is None else NARROW[-size:]
    grid = x[: x.size - x.size % 7].reshape(-1, 7)[:, ::2]  # 2-d and not contiguous
    for arr in (x, grid, x[:1].reshape(())):
        xm = mx.array(np.ascontiguousarray(arr))
        for dt, mdt in ((np.float16, mx.float16), (ml_dtypes.bfloat16, mx.bfloat16)):
            got = _dtypes.to_narrow(arr, np.dtype(dt))
            want = np.array(xm.astype(mdt).view(mx.uint16)).reshape(arr.shape)
            assert got.dtype == dt and got.shape == arr.shape
            assert np.array_equal(got.view(np.uint16), want)
