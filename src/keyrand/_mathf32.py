"""MLX 0.32.4's float32 elementary functions, bit for bit, as Numba scalar kernels.

Every function here takes and returns float32 and reproduces, for all 2^32
inputs, what MLX's CPU backend computes (docs/algorithms.md §4.2, §5):

* :func:`fmaf` -- exactly rounded fused multiply-add (LLVM ``llvm.fma.f32``),
* :func:`mlx_exp`, :func:`mlx_erf`, :func:`mlx_erfinv` -- MLX's own polynomials,
* :func:`logf`, :func:`log1pf` -- the glibc algorithms MLX reaches through the
  host C library,
* :func:`round_f16`, :func:`round_bf16`, :func:`f16_bits`, :func:`bf16_bits` --
  rounding to the narrow float types with MLX's NaN encodings.

Rules kept throughout: float32 operations are separate IEEE operations (no
``fastmath``, so LLVM never contracts ``a*b + c``); 32-bit integer arithmetic
is wrapped back to 32 bits explicitly, because Numba types ``uint32 + uint32``
as a 64-bit integer; special cases are selects rather than early returns, so a
loop that calls these functions can be vectorized by LLVM; divisions go through
an intrinsic, so callers compiled with Numba's default ``error_model="python"``
neither raise ZeroDivisionError nor lose vectorization to the zero check.

The array entry points (:func:`apply_f32` and the ``*_array`` / ``to_*``
helpers) run one parallel Numba loop per operation (and a serial twin, for where
parallel launches are unsafe: see :mod:`keyrand._threads`), generated from a
single definition with the operation code as a closure constant. :func:`logf_block`
is ``logf`` over a block of positive normal floats with its table entries
looked up in bulk (register permutes on AVX-512), for transforms dominated by
logarithms.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import (
    _numba_cache,  # noqa: F401  (Numba's cache locator, before any @njit)
    _threads,
)

__all__ = [
    "OPS",
    "apply_f32",
    "as_f32",
    "as_u32",
    "bf16_bits",
    "erf_array",
    "erfinv_array",
    "exp_array",
    "f16_bits",
    "fmaf",
    "log1pf",
    "log1pf_array",
    "logf",
    "logf_array",
    "logf_block",
    "mlx_erf",
    "mlx_erfinv",
    "mlx_exp",
    "round_bf16",
    "round_f16",
    "to_bfloat16",
    "to_float16",
]

_U32 = np.uint32
_I32 = np.int32
_F32 = np.float32
_F64 = np.float64


def _f32(bits: int) -> np.float32:
    """Return the float32 whose IEEE-754 bit pattern is ``bits`` (e.g. ``0x3F800000`` -> 1.0)."""
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


def _f32s(*bits: int) -> tuple[np.float32, ...]:
    """Return :func:`_f32` of each pattern, as a tuple (a compile-time constant in Numba)."""
    return tuple(_f32(b) for b in bits)


# --------------------------------------------------------------------------------------------
# Intrinsics: exact fma and bit casts
# --------------------------------------------------------------------------------------------


@intrinsic
def llvm_fma(typingctx, a, b, c):
    """``llvm.fma`` of three float32 or three float64: ``a*b + c`` rounded once.

    The hardware ``vfmadd`` where the CPU has it, else the C library's exact ``fma``.
    """
    if not (a == b == c and a in (types.float32, types.float64)):
        return None
    width = 32 if a == types.float32 else 64
    sig = a(a, a, a)

    def codegen(context, builder, signature, args):
        flt = ir.FloatType() if width == 32 else ir.DoubleType()
        fnty = ir.FunctionType(flt, (flt, flt, flt))
        fn = cgutils.get_or_insert_function(builder.module, fnty, f"llvm.fma.f{width}")
        return builder.call(fn, args)

    return sig, codegen


@intrinsic
def _bitcast_to_f32(typingctx, u):
    """Reinterpret a 32-bit integer's bits as a float32."""
    if not (isinstance(u, types.Integer) and u.bitwidth == 32):
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return types.float32(u), codegen


@intrinsic
def _bitcast_to_u32(typingctx, x):
    """Reinterpret a float32's bits as a uint32."""
    if x != types.float32:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))

    return types.uint32(x), codegen


def _has_avx512f() -> bool:
    """Whether Numba compiles for a CPU with AVX-512F (its target features)."""
    from llvmlite import binding
    from numba.core import config

    features = config.CPU_FEATURES
    if features is None:
        features = binding.get_host_cpu_features().flatten()
    return "+avx512f" in features.split(",")


#: 16-entry float64 tables are read by register permutes (``vpermi2pd``) where possible.
_PERMUTE_TABLES = _has_avx512f()


@intrinsic
def _logf_tables8(typingctx, idx, invc, logc, s):
    """``invc[s+t], logc[s+t] = _LOG_INVC[idx[s+t]], _LOG_LOGC[idx[s+t]]`` for ``t < 8``.

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
        for name, table, arr in (("keyrand.logf_invc", _LOG_INVC, arrays[1]),
                                 ("keyrand.logf_logc", _LOG_LOGC, arrays[2])):
            values = [ir.Constant(f64, float(v)) for v in table]
            if _PERMUTE_TABLES:
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


@intrinsic
def _fdiv_f32(typingctx, a, b):
    """IEEE float32 division ``a / b`` with no ZeroDivisionError check (any error model)."""
    if not (a == types.float32 and b == types.float32):
        return None

    def codegen(context, builder, signature, args):
        return builder.fdiv(args[0], args[1])

    return types.float32(types.float32, types.float32), codegen


@njit(cache=True, inline="always")
def fmaf(a: np.float32, b: np.float32, c: np.float32) -> np.float32:
    """Fused multiply-add ``f32(a·b + c)`` with a single rounding (C's ``fmaf``, §5.1).

    Arguments are converted to float32 first; pass float32 values.
    """
    return llvm_fma(_F32(a), _F32(b), _F32(c))


@njit(cache=True, inline="always")
def as_f32(u) -> np.float32:
    """Return the float32 whose bit pattern is the low 32 bits of the integer ``u``."""
    return _bitcast_to_f32(_U32(u))


@njit(cache=True, inline="always")
def as_u32(x: np.float32) -> np.uint32:
    """Return the IEEE-754 bit pattern of float32 ``x`` as a uint32."""
    return _bitcast_to_u32(_F32(x))


# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

_ZERO = _f32(0x00000000)
_HALF = _f32(0x3F000000)
_ONE = _f32(0x3F800000)
_TWO = _f32(0x40000000)
_INF = _f32(0x7F800000)
_NINF = _f32(0xFF800000)

# §5.2 exp
_LOG2E = _f32(0x3FB8AA3B)
_EXP_LIMIT = _f32(0x42B00000)  # 88
_EXP_P = _f32s(0x3920FDDE, 0x3AAF9F29, 0x3C1D96A6, 0x3D635774, 0x3E75FDEE, 0x3F317218, 0x3F800000)

# §5.3 erf
_ERF_A = _f32(0x3EA7BA05)
_ERF_P = _f32s(0x3F87DC22, 0xBFBA00E3, 0x3FB5F0E3, 0xBE91A98E, 0x3E827906)

# §5.4 erfinv: tail (|t| > 6.125) and central polynomials, highest degree first
_ERFINV_SPLIT = _f32(0x40C40000)  # 6.125
_ERFINV_TAIL = _f32s(
    0x2FA6F5A2, 0x32FBE4D7, 0x35A3F289, 0x37EE53EF, 0x39CE55C9,
    0x3B46606F, 0x3B9E5490, 0xBE877FB3, 0x3F570B52,
)  # fmt: skip
_ERFINV_CENTRAL = _f32s(
    0x31BAE000, 0x3419DA01, 0x35A4C919, 0x33F29669, 0xB86B85E8,
    0xB91ADF48, 0x3B17B200, 0x3C3D0F28, 0xBE6D9577, 0x3F62DFC4,
)  # fmt: skip

# §5.5 logf (float64 arithmetic)
_TWO23 = _f32(0x4B000000)  # 2^23
_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_LOG_A0 = float.fromhex("-0x1.00ea348b88334p-2")
_LOG_A1 = float.fromhex("0x1.5575b0be00b6ap-2")
_LOG_A2 = float.fromhex("-0x1.ffffef20a4123p-2")
#: glibc's OFF: z = x / 2^k lies in [OFF, 2·OFF) as a bit pattern.
_LOG_OFF = 0x3F330000
_LOG_INVC = np.array(
    [
        float.fromhex(h)
        for h in (
            "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
            "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
            "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0",
            "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
            "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1",
            "0x1.767dcf5534862p-1",
        )
    ]
)  # fmt: skip
_LOG_LOGC = np.array(
    [
        float.fromhex(h)
        for h in (
            "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
            "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
            "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5",
            "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
            "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2",
            "0x1.4043057b6ee09p-2",
        )
    ]
)  # fmt: skip

# §5.6 log1pf (float32 arithmetic)
_LN2_HI = _f32(0x3F317180)
_LN2_LO = _f32(0x3717F7D1)
_TWO_THIRDS = _f32(0x3F2AAAAB)
_LP = _f32s(0x3E178897, 0x3E1CD04F, 0x3E3A3325, 0x3E638E29, 0x3E924925, 0x3ECCCCCD, 0x3F2AAAAB)


@njit(cache=True, inline="always")
def _horner(coeffs, x):
    """Return ``fma(...fma(fma(c0, x, c1), x, c2)..., x, cn)`` for float32 coefficients."""
    p = coeffs[0]
    for i in range(1, len(coeffs)):
        p = fmaf(p, x, coeffs[i])
    return p


# --------------------------------------------------------------------------------------------
# MLX's own functions (§5.2-§5.4)
# --------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def mlx_exp(x: np.float32) -> np.float32:
    """MLX's float32 ``exp`` (docs/algorithms.md §5.2).

    With ``t = f32(x·log2 e)`` and ``n = floor(t + 0.5)`` (the sum in float64, so
    that ``t = 0.49999997`` would give ``n = 0``; no float32 ``x`` produces that
    ``t``, but MLX's order is kept), ``f = t − n`` is exact and

        exp(x) = 2^n · P(f),   P = degree-6 polynomial in fma/Horner form.

    ``2^n`` is built from its bit pattern ``(n + 127) << 23`` (so ``n = −127``
    gives 0, never a subnormal). NaN returns ``x``; ``x > 88`` gives +inf and
    ``x < −88`` gives +0.
    """
    x = _F32(x)
    t = x * _LOG2E
    n = _F32(np.floor(_F64(t) + 0.5))
    f = t - n
    p = _horner(_EXP_P, f)
    # Out-of-range n (|x| > 88, NaN) is replaced below; keep the int conversion defined.
    n_int = _I32(n) if (n > -128.0) & (n < 129.0) else _I32(0)
    s = as_f32(_U32((n_int + 127) << 23))
    r = s * p
    r = x if x != x else r
    r = _INF if x > _EXP_LIMIT else r
    return _ZERO if x < -_EXP_LIMIT else r


@njit(cache=True, inline="always")
def mlx_erf(x: np.float32) -> np.float32:
    """MLX's float32 ``erf`` (docs/algorithms.md §5.3), Abramowitz-Stegun 7.1.26 in float32.

        t = 1 / (1 + 0.3275911·|x|),   erf(|x|) ≈ 1 − t·R(t)·exp(−x²)

    evaluated as ``fma(f32(−exp(−x·x)·t), R(t), 1)`` with MLX's exp. The sign is
    applied as ``y if x > 0 else −y``: ``x = ±0`` and NaN take the ``−y`` branch.
    """
    x = _F32(x)
    t = _fdiv_f32(_ONE, fmaf(_ERF_A, abs(x), _ONE))
    r = _horner(_ERF_P, t)
    e = -mlx_exp(-x * x)
    y = fmaf(e * t, r, _ONE)
    return y if x > _ZERO else -y


@njit(cache=True, inline="always")
def mlx_erfinv(a: np.float32) -> np.float32:
    """MLX's float32 ``erfinv`` (docs/algorithms.md §5.4), Giles' single-precision approximation.

    With ``t = logf(fma(a, 0 − a, 1))`` (``log(1 − a²)``, one rounding before
    the log), ``erfinv(a) = a · P(t)`` where ``P`` is a degree-8 tail polynomial
    when ``|t| > 6.125`` and a degree-9 central one otherwise (NaN ``t`` takes
    the central one). Both are evaluated and one is selected, so loops vectorize.
    ``erfinv(±1) = ±inf``; ``|a| > 1`` gives NaN.
    """
    a = _F32(a)
    t = logf(fmaf(a, _ZERO - a, _ONE))
    p_tail = _horner(_ERFINV_TAIL, t)
    p_central = _horner(_ERFINV_CENTRAL, t)
    p = p_tail if abs(t) > _ERFINV_SPLIT else p_central
    return a * p


# --------------------------------------------------------------------------------------------
# glibc's logf and log1pf (§5.5, §5.6)
# --------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _logf_reduce(x):
    # (bits of x, special?, bits the table method works on) of §5.5.
    ix0 = as_u32(x)
    # x < 2^-126 (including 0 and all negatives), +-inf or NaN
    special = _U32(ix0 - 0x00800000) >= _U32(0x7F800000 - 0x00800000)
    ix_sub = _U32(as_u32(x * _TWO23) - (23 << 23))  # subnormal: x·2^23, exponent minus 23
    return ix0, special, ix_sub if special else ix0


@njit(cache=True, inline="always")
def _logf_index(ix):
    # The table index i of the reduced bits ix: 4 mantissa bits of z (§5.5).
    return (_U32(ix - _LOG_OFF) >> 19) & 15


@njit(cache=True, inline="always")
def _logf_core(ix, invc, logc):
    # The table method for the bits ix of a positive normal float32, given the entries
    # invc = 1/c_i and logc = log(c_i) of i = _logf_index(ix).
    tmp = _U32(ix - _LOG_OFF)
    k = _I32(tmp) >> 23  # arithmetic shift
    iz = _U32(ix - (tmp & _U32(0x1FF << 23)))
    z = _F64(as_f32(iz))
    r = z * invc - 1.0
    y0 = logc + _F64(k) * _LN2
    r2 = r * r
    y = _LOG_A1 * r + _LOG_A2
    y = _LOG_A0 * r2 + y
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
    res = _logf_core(ix, _LOG_INVC[i], _LOG_LOGC[i])

    twice = _U32(ix0 << 1)
    invalid = special & ((ix0 >= _U32(0x80000000)) | (twice >= _U32(0xFF000000)))
    # glibc returns (x - x) / (x - x): x quieted if x is a NaN, else x86's default NaN.
    nan = as_f32(ix0 | _U32(0x00400000)) if x != x else as_f32(_U32(0xFFC00000))
    res = nan if invalid else res
    res = x if ix0 == _U32(0x7F800000) else res
    return _NINF if twice == 0 else res


@njit(cache=True)
def logf_block(x, out, idx, invc, logc):
    """``out[t] = logf(x[t])`` for float32 ``x`` that are positive normal numbers below +inf.

    Other ``x`` give unspecified values: the caller replaces them. A vectorized
    :func:`logf` gathers its two table entries per element; here the indices
    are computed in one loop, the entries fetched eight at a time by register
    permutes (:func:`_logf_tables8`), and the table method runs in a second
    loop. ``idx`` (uint32), ``invc`` and ``logc`` (float64) are scratch arrays
    of at least ``x.size`` rounded up to a multiple of 8.
    """
    n = x.size
    for t in range(n):
        idx[t] = _logf_index(as_u32(_F32(x[t])))
    for s in range(0, n, 8):
        _logf_tables8(idx, invc, logc, s)
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
    huge = hx >= 0x5A000000
    u1 = _ONE + x
    u = x if huge else u1
    hu = _I32(as_u32(u))
    k = _I32((hu >> 23) - 127)
    c = (_ONE - (u1 - x)) if k > 0 else (x - (u1 - _ONE))
    c = _ZERO if huge else _fdiv_f32(c, u1)
    hu = _I32(hu & 0x007FFFFF)
    upper = hu >= 0x3504F7
    u = as_f32(hu | (0x3F000000 if upper else 0x3F800000))
    k = _I32(k + 1) if upper else k
    hu = _I32((0x00800000 - hu) >> 2) if upper else hu
    f = u - _ONE

    # k == 0 path: -0.2929 < x < 0.41422 uses f = x directly.
    direct = (hx < 0x3ED413D7) & ((hx > 0) | (hx <= -1097468385))  # int32(0xBE95F61F)
    f = x if direct else f
    k = _I32(0) if direct else k
    hu = _I32(1) if direct else hu

    kf = _F32(k)
    hfsq = (_HALF * f) * f
    # hu == 0: 1 + f is a power of two times (1 + f) with an exactly representable f
    r0 = hfsq * (_ONE - _TWO_THIRDS * f)
    res_f0 = _ZERO if k == 0 else kf * _LN2_HI + (c + kf * _LN2_LO)
    res_hu0 = (f - r0) if k == 0 else kf * _LN2_HI - ((r0 - (kf * _LN2_LO + c)) - f)
    res_hu0 = res_f0 if f == _ZERO else res_hu0
    # general case
    s = _fdiv_f32(f, _TWO + f)
    z = s * s
    r = _LP[0]
    for j in range(1, len(_LP)):
        r = _LP[j] + z * r
    r = z * r
    res = (
        f - (hfsq - s * (hfsq + r))
        if k == 0
        else kf * _LN2_HI - ((hfsq - (s * (hfsq + r) + (kf * _LN2_LO + c))) - f)
    )
    res = res_hu0 if hu == 0 else res

    # specials, lowest priority first
    res = (x - (x * x) * _HALF) if ax < _U32(0x31000000) else res  # |x| < 2^-29
    res = x if ax < _U32(0x24800000) else res  # |x| < 2^-54
    res = x + x if hx >= 0x7F800000 else res  # +inf, +NaN
    le_minus_one = (hx < 0x3ED413D7) & (ax >= _U32(0x3F800000))  # x <= -1, -inf, -NaN
    sx = x - x
    res = (_NINF if x == -_ONE else _fdiv_f32(sx, sx)) if le_minus_one else res
    return res


# --------------------------------------------------------------------------------------------
# float16 / bfloat16 rounding (§4.2)
# --------------------------------------------------------------------------------------------

_F16_MIN_NORMAL = 0x38800000  # 2^-14, float32 bits
_F16_OVERFLOW = 0x47800000  # 2^16, float32 bits: first magnitude that is inf after rounding
_TWO_M24 = _f32(0x33800000)  # 2^-24, the float16 subnormal spacing


@njit(cache=True, inline="always")
def _f16_magnitude_bits(x: np.float32) -> np.uint32:
    """float16 bit pattern of ``|x|`` rounded to nearest even (NaN not handled)."""
    ax = as_u32(x) & _U32(0x7FFFFFFF)
    # normal: round the 23-bit mantissa to 10 bits on the pattern, then rebias 127 -> 15
    rn = _U32(ax + 0x0FFF + ((ax >> 13) & 1)) & _U32(0xFFFFE000)
    hn = _U32(0x7C00) if rn >= _U32(_F16_OVERFLOW) else _U32((rn - (112 << 23)) >> 13)
    # subnormal: |x| + 0.5 has ulp 2^-24, the float16 subnormal spacing; RNE in float32
    hs = _U32(as_u32(abs(x) + _HALF) - 0x3F000000)
    return hs if ax < _U32(_F16_MIN_NORMAL) else hn


@njit(cache=True, inline="always")
def f16_bits(x: np.float32) -> np.uint16:
    """float16 bit pattern of float32 ``x`` as MLX converts it (docs/algorithms.md §4.2).

    Round to nearest even, including float16 subnormals (multiples of 2^-24) and
    overflow to ±inf at ``|x| ≥ 65520``. A NaN becomes ``sign | 0x7D00``.
    """
    x = _F32(x)
    sign = (as_u32(x) >> 16) & _U32(0x8000)
    mag = _U32(0x7D00) if x != x else _f16_magnitude_bits(x)
    return np.uint16(sign | mag)


@njit(cache=True, inline="always")
def round_f16(x: np.float32) -> np.float32:
    """Round float32 ``x`` to the nearest float16 value (RNE, §4.2), returned as float32.

    The result is exactly representable in float16 (or ±inf, ±0); a NaN stays
    the same NaN. Use :func:`f16_bits` for the stored bit pattern.
    """
    x = _F32(x)
    h = _f16_magnitude_bits(x)
    # float16 -> float32 pattern: subnormals (h < 0x400) via h·2^-24, others by rebiasing.
    m = _F32(_I32(h)) * _TWO_M24  # exact
    full = _U32(0x7F800000) if h == _U32(0x7C00) else _U32((h << 13) + (112 << 23))
    mag = m if h < _U32(0x400) else as_f32(full)
    r = -mag if as_u32(x) >= _U32(0x80000000) else mag
    return x if x != x else r


@njit(cache=True, inline="always")
def bf16_bits(x: np.float32) -> np.uint16:
    """bfloat16 bit pattern of float32 ``x`` as MLX converts it (docs/algorithms.md §4.2).

    ``(u + 0x7FFF + ((u >> 16) & 1)) >> 16`` on the pattern ``u`` (round to
    nearest even, overflow to ±inf); a NaN becomes ``0x7FC0`` (sign dropped).
    """
    x = _F32(x)
    u = as_u32(x)
    r = _U32(u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return np.uint16(0x7FC0 if x != x else r)


@njit(cache=True, inline="always")
def round_bf16(x: np.float32) -> np.float32:
    """Round float32 ``x`` to the nearest bfloat16 value (RNE, §4.2), returned as float32.

    A NaN stays the same NaN. Use :func:`bf16_bits` for the stored bit pattern.
    """
    x = _F32(x)
    u = as_u32(x)
    r = as_f32(_U32(u + 0x7FFF + ((u >> 16) & 1)) & _U32(0xFFFF0000))
    return x if x != x else r


# --------------------------------------------------------------------------------------------
# Array entry points
# --------------------------------------------------------------------------------------------

#: Operation names accepted by :func:`apply_f32`, with the result dtype of each.
OPS = {
    "exp": np.float32,
    "erf": np.float32,
    "erfinv": np.float32,
    "log": np.float32,
    "log1p": np.float32,
    "round_f16": np.float32,
    "round_bf16": np.float32,
    "f16_bits": np.uint16,
    "bf16_bits": np.uint16,
}
_OP_CODES = {name: code for code, name in enumerate(OPS)}


@njit(cache=True, inline="always")
def _op_at(op, x, out, i):
    # out[i] = operation ``op`` of x[i]; ``op`` is a kernel's closure constant, so only its
    # branch survives once this is inlined into the kernel.
    v = x[i]
    if op == 0:
        out[i] = mlx_exp(v)
    elif op == 1:
        out[i] = mlx_erf(v)
    elif op == 2:
        out[i] = mlx_erfinv(v)
    elif op == 3:
        out[i] = logf(v)
    elif op == 4:
        out[i] = log1pf(v)
    elif op == 5:
        out[i] = round_f16(v)
    elif op == 6:
        out[i] = round_bf16(v)
    elif op == 7:
        out[i] = f16_bits(v)
    else:
        out[i] = bf16_bits(v)


def _make_kernels(op: int):
    """Elementwise loops for operation code ``op``: (parallel, serial).

    ``op`` is a closure constant: Numba prunes the other branches of the inlined
    body, and the kernels cache (an int cell pickles stably).
    """

    @njit(cache=True, parallel=True)
    def kernel(x, out):
        for i in prange(x.size):
            _op_at(op, x, out, i)

    @njit(cache=True)
    def serial_kernel(x, out):
        for i in range(x.size):
            _op_at(op, x, out, i)

    return kernel, serial_kernel


_KERNELS = tuple(_make_kernels(code) for code in range(len(OPS)))


def apply_f32(name: str, x: npt.ArrayLike) -> np.ndarray:
    """Apply the float32 function ``name`` (a key of :data:`OPS`) elementwise.

    Args:
        name: one of ``exp, erf, erfinv, log, log1p`` (MLX's float32 ops),
            ``round_f16, round_bf16`` (float32 results) or ``f16_bits, bf16_bits``
            (uint16 bit patterns).
        x: values, converted to float32 (float16/bfloat16 widen exactly; float64
            rounds to nearest, like MLX's cast).

    Returns:
        A new array of ``x``'s shape, dtype ``OPS[name]``.

    """
    if name not in _OP_CODES:
        raise ValueError(f"[apply_f32] unknown operation {name!r}; expected one of {list(OPS)}")
    xa = np.asarray(x, dtype=np.float32)
    out = np.empty(xa.shape, dtype=OPS[name])
    _threads.launch(*_KERNELS[_OP_CODES[name]], xa.ravel(), out.reshape(-1))
    return out


def exp_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_exp` over a float32 array."""
    return apply_f32("exp", x)


def erf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_erf` over a float32 array."""
    return apply_f32("erf", x)


def erfinv_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_erfinv` over a float32 array."""
    return apply_f32("erfinv", x)


def logf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`logf` over a float32 array."""
    return apply_f32("log", x)


def log1pf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`log1pf` over a float32 array."""
    return apply_f32("log1p", x)


def to_float16(x: npt.ArrayLike) -> np.ndarray:
    """Convert to ``np.float16`` as MLX does (RNE; NaN → ``sign | 0x7D00``)."""
    return apply_f32("f16_bits", x).view(np.float16)


def to_bfloat16(x: npt.ArrayLike) -> np.ndarray:
    """Convert to ``ml_dtypes.bfloat16`` as MLX does (RNE; NaN → ``0x7FC0``)."""
    return apply_f32("bf16_bits", x).view(ml_dtypes.bfloat16)
