"""glibc's float32 ``logf`` and ``log1pf``, bit for bit, as Numba scalar kernels (§5.5, §5.6).

MLX reaches both through the host C library; keyrand computes them itself with
glibc's algorithms (≥ 2.28 ``logf``: a 16-entry table and a float64
polynomial; fdlibm's ``log1pf``: float32 with one rounding per operation), so
its numbers do not depend on the host. Special cases are selects rather than
early returns, so loops that call these functions vectorize. :func:`logf_block`
is ``logf`` over a block of positive normal floats with its table entries
looked up in bulk (register permutes on AVX-512), for transforms dominated by
logarithms. Every constant comes from :mod:`keyrand._mathconst`.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._intrinsics import as_f32, as_u32, fdiv_f32
from ._mathconst import (
    F32_DEFAULT_NAN,
    F32_QUIET_BIT,
    LN2,
    LOG1PF_LN2_HI,
    LOG1PF_LN2_LO,
    LOG1PF_NEGLIGIBLE,
    LOG1PF_ONE_M_SQRT2_2,
    LOG1PF_POLY,
    LOG1PF_SQRT2_M1,
    LOG1PF_SQRT2_MANT,
    LOG1PF_TINY,
    LOG1PF_TWO53,
    LOG1PF_TWO_THIRDS,
    LOG_A0,
    LOG_A1,
    LOG_A2,
    LOG_INVC,
    LOG_LOGC,
    LOG_OFF,
    TWO23,
    f32,
)

__all__ = ["PERMUTE_TABLES", "log1pf", "logf", "logf_block", "logf_tables8"]

_U32 = np.uint32
_I32 = np.int32
_F32 = np.float32
_F64 = np.float64
_ZERO = f32(0x00000000)
_HALF = f32(0x3F000000)
_ONE = f32(0x3F800000)
_TWO = f32(0x40000000)
_NINF = f32(0xFF800000)


def _has_avx512f() -> bool:
    """Whether Numba compiles for a CPU with AVX-512F (its target features)."""
    from llvmlite import binding
    from numba.core import config

    features = config.CPU_FEATURES
    if features is None:
        features = binding.get_host_cpu_features().flatten()
    return "+avx512f" in features.split(",")


#: 16-entry float64 tables are read by register permutes (``vpermi2pd``) where possible.
PERMUTE_TABLES = _has_avx512f()


@intrinsic
def logf_tables8(typingctx, idx, invc, logc, s):
    """``invc[s+t], logc[s+t] = LOG_INVC[idx[s+t]], LOG_LOGC[idx[s+t]]`` for ``t < 8``.

    With AVX-512F each table lives in two registers and one ``vpermi2pd`` looks
    up eight entries (the index's low 4 bits); otherwise the eight entries are
    loaded one by one from constant arrays. Arrays must be contiguous.
    """
    sig = types.void(idx, invc, logc, s)

    def codegen(context, builder, signature, args):
        i32, i64, f64 = ir.IntType(32), ir.IntType(64), ir.DoubleType()
        v8i32, v8i64, v8f64 = ir.VectorType(i32, 8), ir.VectorType(i64, 8), ir.VectorType(f64, 8)
        arrays = [context.make_array(t)(context, builder, a)
                  for t, a in zip(signature.args[:3], args[:3], strict=True)]
        start = args[3]
        ptr = builder.gep(arrays[0].data, [start])
        lanes = builder.zext(builder.load(builder.bitcast(ptr, v8i32.as_pointer()), align=4),
                             v8i64)
        lanes = builder.and_(lanes, ir.Constant(v8i64, [15] * 8))
        for name, table, arr in (("keyrand.logf_invc", LOG_INVC, arrays[1]),
                                 ("keyrand.logf_logc", LOG_LOGC, arrays[2])):
            values = [ir.Constant(f64, float(v)) for v in table]
            if PERMUTE_TABLES:
                fnty = ir.FunctionType(v8f64, (v8f64, v8i64, v8f64))
                fn = cgutils.get_or_insert_function(
                    builder.module, fnty, "llvm.x86.avx512.vpermi2var.pd.512")
                got = builder.call(fn, (ir.Constant(v8f64, values[:8]), lanes,
                                        ir.Constant(v8f64, values[8:])))
            else:
                const = ir.Constant(ir.ArrayType(f64, 16), values)
                glob = builder.module.globals.get(name)
                if glob is None:
                    glob = cgutils.global_constant(builder.module, name, const)
                got = ir.Constant(v8f64, ir.Undefined)
                for t in range(8):
                    lane = builder.extract_element(lanes, ir.Constant(i32, t))
                    at = builder.gep(glob, [ir.Constant(i32, 0), lane])
                    got = builder.insert_element(got, builder.load(at), ir.Constant(i32, t))
            out = builder.bitcast(builder.gep(arr.data, [start]), v8f64.as_pointer())
            builder.store(got, out, align=8)
        return context.get_dummy_value()

    return sig, codegen




@njit(cache=True, inline="always")
def _logf_reduce(x):
    # (bits of x, special?, bits the table method works on) of §5.5.
    ix0 = as_u32(x)
    # x < 2^-126 (including 0 and all negatives), +-inf or NaN
    special = _U32(ix0 - 0x00800000) >= _U32(0x7F800000 - 0x00800000)
    ix_sub = _U32(as_u32(x * TWO23) - (23 << 23))  # subnormal: x·2^23, exponent minus 23
    return ix0, special, ix_sub if special else ix0


@njit(cache=True, inline="always")
def _logf_index(ix):
    # The table index i of the reduced bits ix: 4 mantissa bits of z (§5.5).
    return (_U32(ix - LOG_OFF) >> 19) & 15


@njit(cache=True, inline="always")
def _logf_core(ix, invc, logc):
    # The table method for the bits ix of a positive normal float32, given the entries
    # invc = 1/c_i and logc = log(c_i) of i = _logf_index(ix).
    tmp = _U32(ix - LOG_OFF)
    k = _I32(tmp) >> 23  # arithmetic shift
    iz = _U32(ix - (tmp & _U32(0x1FF << 23)))
    z = _F64(as_f32(iz))
    r = z * invc - 1.0
    y0 = logc + _F64(k) * LN2
    r2 = r * r
    y = LOG_A1 * r + LOG_A2
    y = LOG_A0 * r2 + y
    y = y * r2 + (y0 + r)
    return _F32(y)


@njit(cache=True, inline="always")
def logf(x: np.float32) -> np.float32:
    """Natural log of float32 ``x`` exactly as glibc ≥ 2.28 ``logf`` computes it (§5.5).

    Writing ``x = 2^k · z`` with ``z`` in ``[0x1.66p-1, 0x1.66p0)`` and using a
    16-entry table indexed by the top 4 mantissa bits of ``z``,

        log(x) = k·ln2 + log(c_i) + log1p(r),   r = z·(1/c_i) − 1,
        log1p(r) ≈ r + A2·r² + A1·r³ + A0·r⁴,

    all in float64 with one final rounding to float32. Specials: ``±0 → −inf``,
    ``+inf → +inf``, ``x < 0`` and NaN give NaN (``(x − x)/(x − x)``, like
    glibc: ``x`` quieted, or the default NaN ``0xFFC00000``), ``1 → +0``;
    positive subnormals are rescaled by ``2^23`` first.
    """
    x = _F32(x)
    ix0, special, ix = _logf_reduce(x)
    i = _logf_index(ix)
    res = _logf_core(ix, LOG_INVC[i], LOG_LOGC[i])

    twice = _U32(ix0 << 1)
    invalid = special & ((ix0 >= _U32(0x80000000)) | (twice >= _U32(0xFF000000)))
    # glibc returns (x - x) / (x - x): x quieted if x is a NaN, else x86's default NaN.
    nan = as_f32(ix0 | _U32(F32_QUIET_BIT)) if x != x else as_f32(_U32(F32_DEFAULT_NAN))
    res = nan if invalid else res
    res = x if ix0 == _U32(0x7F800000) else res
    return _NINF if twice == 0 else res


@njit(cache=True)
def logf_block(x, out, idx, invc, logc):
    """``out[t] = logf(x[t])`` for float32 ``x`` that are positive normal numbers below +inf.

    Other ``x`` give unspecified values: the caller replaces them. A vectorized
    :func:`logf` gathers its two table entries per element; here the indices
    are computed in one loop, the entries fetched eight at a time by register
    permutes (:func:`logf_tables8`), and the table method runs in a second
    loop. ``idx`` (uint32), ``invc`` and ``logc`` (float64) are scratch arrays
    of at least ``x.size`` rounded up to a multiple of 8.
    """
    n = x.size
    for t in range(n):
        idx[t] = _logf_index(as_u32(_F32(x[t])))
    for s in range(0, n, 8):
        logf_tables8(idx, invc, logc, s)
    for t in range(n):
        out[t] = _logf_core(as_u32(_F32(x[t])), invc[t], logc[t])


@njit(cache=True, inline="always")
def log1pf(x: np.float32) -> np.float32:
    """``log(1 + x)`` for float32 ``x`` exactly as glibc's ``log1pf`` (fdlibm) computes it (§5.6).

    With ``1 + x = 2^k · (1 + f)``, ``sqrt(2)/2 ≤ 1 + f < sqrt(2)``, and ``c`` the
    rounding error of ``1 + x`` divided by it,

        log1p(x) = k·ln2_hi + (f − (hfsq − s·(hfsq + R(s²))) + k·ln2_lo + c),

    where ``s = f/(2 + f)``, ``hfsq = f²/2`` and ``R`` is a degree-7 polynomial
    in ``z = s²``, all float32 with one rounding per operation and no fma.
    ``|x| < 0.41422`` (on the positive side) or ``> −0.2929`` uses ``f = x``,
    ``k = 0``. Every branch of fdlibm is computed and the right result selected.
    """
    x = _F32(x)
    ux = as_u32(x)
    hx = _I32(ux)
    ax = ux & _U32(0x7FFFFFFF)

    # k != 0 path: reduce 1 + x (or x itself when x >= 2^53 where 1 + x == x).
    huge = hx >= LOG1PF_TWO53
    u1 = _ONE + x
    u = x if huge else u1
    hu = _I32(as_u32(u))
    k = _I32((hu >> 23) - 127)
    c = (_ONE - (u1 - x)) if k > 0 else (x - (u1 - _ONE))
    c = _ZERO if huge else fdiv_f32(c, u1)
    hu = _I32(hu & 0x007FFFFF)
    upper = hu >= LOG1PF_SQRT2_MANT
    u = as_f32(hu | (0x3F000000 if upper else 0x3F800000))
    k = _I32(k + 1) if upper else k
    hu = _I32((0x00800000 - hu) >> 2) if upper else hu
    f = u - _ONE

    # k == 0 path: -0.2929 < x < 0.41422 uses f = x directly.
    direct = (hx < LOG1PF_SQRT2_M1) & ((hx > 0) | (hx <= LOG1PF_ONE_M_SQRT2_2))
    f = x if direct else f
    k = _I32(0) if direct else k
    hu = _I32(1) if direct else hu

    kf = _F32(k)
    hfsq = (_HALF * f) * f
    # hu == 0: 1 + f is a power of two times (1 + f) with an exactly representable f
    r0 = hfsq * (_ONE - LOG1PF_TWO_THIRDS * f)
    res_f0 = _ZERO if k == 0 else kf * LOG1PF_LN2_HI + (c + kf * LOG1PF_LN2_LO)
    res_hu0 = (f - r0) if k == 0 else kf * LOG1PF_LN2_HI - ((r0 - (kf * LOG1PF_LN2_LO + c)) - f)
    res_hu0 = res_f0 if f == _ZERO else res_hu0
    # general case
    s = fdiv_f32(f, _TWO + f)
    z = s * s
    r = LOG1PF_POLY[0]
    for j in range(1, len(LOG1PF_POLY)):
        r = LOG1PF_POLY[j] + z * r
    r = z * r
    res = (
        f - (hfsq - s * (hfsq + r))
        if k == 0
        else kf * LOG1PF_LN2_HI - ((hfsq - (s * (hfsq + r) + (kf * LOG1PF_LN2_LO + c))) - f)
    )
    res = res_hu0 if hu == 0 else res

    # specials, lowest priority first
    res = (x - (x * x) * _HALF) if ax < _U32(LOG1PF_TINY) else res
    res = x if ax < _U32(LOG1PF_NEGLIGIBLE) else res
    res = x + x if hx >= 0x7F800000 else res  # +inf, +NaN
    le_minus_one = (hx < LOG1PF_SQRT2_M1) & (ax >= _U32(0x3F800000))  # x <= -1, -inf, -NaN
    sx = x - x
    res = (_NINF if x == -_ONE else fdiv_f32(sx, sx)) if le_minus_one else res
    return res

