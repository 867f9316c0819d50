"""Word → sample maps, exactly as MLX 0.32.4 computes them (docs/algorithms.md §4, §6).

Each transform takes one uint32 word of the key's stream and a tuple of
float64 parameters and returns one value. Narrow float dtypes are handled by
"dtype arithmetic" (docs/algorithms.md §1): every operation runs in float32 and its result
is rounded to float16 or bfloat16 (rounding code ``rd``) before the next one,
so the float32 returned holds a value exactly representable in that dtype.

These are the only definitions of the sampler arithmetic; every backend
composes them. The transform and rounding codes are defined in
:mod:`keyrand._codes`, which the samplers read without loading Numba.
"""

from __future__ import annotations

import math

import numpy as np
from numba import errors, njit, types
from numba.extending import overload

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import (
    ONE_MINUS_ULP,
    BernoulliParams,
    GumbelParams,
    IntType,
    LaplaceParams,
    NormalParams,
    RandintClampedParams,
    RandintParams,
    Rounding,
    Transform,
    TruncatedNormalParams,
    UniformParams,
    positions,
)
from ._mathf32 import (
    bf16_bits,
    f16_bits,
    log1pf,
    logf_block,
    mlx_erfinv,
    round_bf16,
    round_f16,
)
from ._mathf64 import log1p

# Codes compared inside kernels, as plain ints (Numba folds them as constants).
_F16 = int(Rounding.F16)
_BF16 = int(Rounding.BF16)
_TO_INT64 = int(IntType.INT64)
_TO_UINT64 = int(IntType.UINT64)
_TO_UINT32 = int(IntType.UINT32)
_TO_BOOL = int(IntType.BOOL)
_TO_UINT32_VECTOR = int(IntType.UINT32_VECTOR)

_TWO63 = 2.0**63
_TWO31 = 2.0**31
_INT64_MIN = np.int64(-(2**63))

_F32 = np.float32
#: float32(2^-32): f32(b) · 2^-32 is MLX's exact ``b / float32(2^32 - 1)`` (§6.1).
_INV_2_32 = _F32(2.0**-32)
#: Elements per chunk of a block transform: its scratch arrays stay in L1 (a multiple of 8).
BLOCK_CHUNK = 512


def rnd(rd: int, x: np.float32) -> np.float32:
    """Round a float32 result to the dtype of rounding code ``rd`` (§4.2).

    In a kernel ``rd`` is a literal and only the one rounding is compiled.
    """
    return _ROUNDINGS[rd](x)


def _identity(x):
    return x


_ROUNDINGS = {Rounding.F32: _identity, Rounding.F16: round_f16, Rounding.BF16: round_bf16}


@overload(rnd, prefer_literal=True, inline="always")
def _rnd_literal(rd, x):
    if not isinstance(rd, types.IntegerLiteral):
        raise errors.TypingError("keyrand: the rounding code must be a literal integer")
    if rd.literal_value == Rounding.F16:
        return lambda rd, x: round_f16(x)
    if rd.literal_value == Rounding.BF16:
        return lambda rd, x: round_bf16(x)
    return lambda rd, x: x


@njit(cache=True, inline="always")
def store_bits(rd, dst, src):
    """Store float32 ``src`` into ``dst`` as float16 (``rd`` = F16) or bfloat16 bit patterns.

    MLX's cast (§4.2): round to nearest even; NaN becomes ``sign | 0x7D00``
    (float16) or ``0x7FC0`` (bfloat16). ``dst`` is a uint16 view of the output.
    """
    for t in range(src.size):
        dst[t] = f16_bits(src[t]) if rd == _F16 else bf16_bits(src[t])


@njit(cache=True, inline="always")
def _min(a, b):
    # MLX minimum (§4.6): a NaN first argument wins.
    return a if (a != a or a < b) else b


@njit(cache=True, inline="always")
def _max(a, b):
    # MLX maximum (§4.6).
    return a if (a != a or a > b) else b


@njit(cache=True, inline="always")
def u01(w, clamp):
    """``min(f32(w) · 2^-32, clamp)``: MLX's [0, 1) uniform (§6)."""
    return _min(_F32(w) * _INV_2_32, _F32(clamp))


@njit(cache=True, inline="always")
def sym(w):
    """SYM: ``f32(2·u + (−0.99999994))``, MLX's uniform(−0x3F7FFFFF, 1) (§6)."""
    return _F32(_F32(2.0) * u01(w, ONE_MINUS_ULP) - _F32(ONE_MINUS_ULP))


@njit(cache=True, inline="always")
def _sign(x):
    if x < 0:
        return _F32(-1.0)
    if x > 0:
        return _F32(1.0)
    return _F32(0.0)


@njit(cache=True, inline="always")
def _trunc64(x):
    # C++ float → int64 on x86-64: NaN and out-of-range give INT64_MIN.
    if x >= -_TWO63 and x < _TWO63:
        return np.int64(x)
    return _INT64_MIN


@njit(cache=True, inline="always")
def _trunc32(x):
    # C++ float → int32 on x86-64: NaN and out-of-range give INT32_MIN.
    if x >= -_TWO31 and x < _TWO31:
        return np.int64(x)
    return np.int64(-(2**31))


@njit(cache=True, inline="always")
def to_int(code, x):
    """MLX's float32 → integer conversion of ``x`` for :class:`~keyrand._codes.IntType` ``code``.

    Returns the int64 whose low bits are the target's bit pattern (§4.5).
    ``UINT32`` is uint32's scalar rule and ``UINT32_VECTOR`` its vector rule; they agree on
    [−2^31, 2^32] and MLX applies the vector rule to the first 4·⌊n/4⌋
    elements of a contiguous conversion.
    """
    if code == _TO_INT64:
        return _trunc64(x)
    if code == _TO_UINT64:
        if x >= _TWO63:
            return _trunc64(x - _TWO63) ^ _INT64_MIN
        return _trunc64(x)
    if code == _TO_UINT32:
        return _trunc64(x) if (x >= -_TWO63 and x < _TWO63) else np.int64(0)
    if code == _TO_BOOL:
        return np.int64(x != 0)
    if code == _TO_UINT32_VECTOR:
        if x >= _TWO31:
            return _trunc32(x - _TWO31) ^ np.int64(-(2**31))
        return _trunc32(x)
    return _trunc32(x)


@njit(cache=True)
def _to_int_array(x, out, code, head):
    for i in range(x.size):
        out[i] = to_int(_TO_UINT32_VECTOR if i < head else code, x[i])


def to_int_array(x: np.ndarray, out: np.ndarray, code: int, head: int) -> None:
    """``out[i] = to_int(code, x[i])``, but uint32's vector rule for ``i < head`` (§4.5).

    For randint's bounds, whose float32 or float64 values MLX converts as one
    contiguous array each (float64 in double precision).
    """
    _to_int_array(x, out, int(code), int(head))


# Positions of each transform's parameters in the tuple a kernel receives (constants to Numba).
_UNIFORM = positions(UniformParams)
_NORMAL = positions(NormalParams)
_GUMBEL = positions(GumbelParams)
_LAPLACE = positions(LaplaceParams)
_TRUNCATED_NORMAL = positions(TruncatedNormalParams)
_BERNOULLI = positions(BernoulliParams)
_RANDINT = positions(RandintParams)
_RANDINT_CLAMPED = positions(RandintClampedParams)


@njit(cache=True, inline="always")
def _bits(rd, w, p):
    return w


@njit(cache=True, inline="always")
def _uniform(rd, w, p):
    # (scale·u) + offset in dtype arithmetic (§6.1).
    u = rnd(rd, u01(w, p[_UNIFORM.clamp]))
    return rnd(rd, rnd(rd, _F32(p[_UNIFORM.scale]) * u) + _F32(p[_UNIFORM.offset]))


@njit(cache=True, inline="always")
def _normal(rd, w, p):
    # scale = √2·σ: loc + scale·erfinv(SYM) (§6.2).
    z = rnd(rd, _F32(p[_NORMAL.scale]) * rnd(rd, mlx_erfinv(sym(w))))
    return rnd(rd, _F32(p[_NORMAL.loc]) + z) if p[_NORMAL.has_loc] != 0.0 else z


@njit(cache=True, inline="always")
def _gumbel_u(rd, w, p):
    # gumbel's uniform, u = rnd(U01) in the dtype (§6.5).
    return rnd(rd, u01(w, p[_GUMBEL.clamp]))


@njit(cache=True, inline="always")
def _gumbel_block(rd, dst, src, p):
    # gumbel's only definition (§6.5): −rnd(log(−rnd(log(u)))), each log pass over a chunk
    # through logf_block, which looks its table entries up in bulk. Both logf arguments are
    # positive normal floats except for u = 0 (the inner log's argument), whose
    # −log(−log 0) = −inf is set at the end. The CUDA kernel (KR_GUMBEL in kernels.cu)
    # takes the same steps per element; scripts/exhaustive_gpu_cpu.py checks all 2^32 words.
    x = np.empty(BLOCK_CHUNK, np.float32)
    y = np.empty(BLOCK_CHUNK, np.float32)
    idx = np.empty(BLOCK_CHUNK, np.uint32)
    invc = np.empty(BLOCK_CHUNK, np.float64)
    logc = np.empty(BLOCK_CHUNK, np.float64)
    for c in range(0, src.size, BLOCK_CHUNK):
        n = min(BLOCK_CHUNK, src.size - c)
        words, out = src[c:c + n], dst[c:c + n]
        for t in range(n):
            x[t] = _gumbel_u(rd, words[t], p)
        logf_block(x[:n], y[:n], idx, invc, logc)
        for t in range(n):
            x[t] = -rnd(rd, y[t])
        logf_block(x[:n], y[:n], idx, invc, logc)
        for t in range(n):
            g = -rnd(rd, y[t])
            out[t] = g if _gumbel_u(rd, words[t], p) != 0.0 else -math.inf


@njit(cache=True, inline="always")
def _laplace(rd, w, p):
    # loc + scale·sign(s)·log1p(−|s|) (§6.6).
    s = sym(w)
    v = rnd(rd, _sign(s) * log1pf(-abs(s)))
    v = rnd(rd, _F32(p[_LAPLACE.scale]) * v) if p[_LAPLACE.has_scale] != 0.0 else v
    return rnd(rd, _F32(p[_LAPLACE.loc]) + v) if p[_LAPLACE.has_loc] != 0.0 else v


@njit(cache=True, inline="always")
def _laplace64(rd, w, p):
    # float64 laplace (§6.6 step 3): glibc's double log1p, ported (no host C library call).
    s = sym(w)
    v = np.float64(_sign(s)) * log1p(-np.float64(abs(s)))
    v = p[_LAPLACE.scale] * v if p[_LAPLACE.has_scale] != 0.0 else v
    return p[_LAPLACE.loc] + v if p[_LAPLACE.has_loc] != 0.0 else v


@njit(cache=True, inline="always")
def _truncated_normal(rd, w, p):
    # max(min(upper, sqrt2·erfinv(scale·u + offset)), lower) (§6.4).
    t = _TRUNCATED_NORMAL
    u = rnd(rd, u01(w, p[t.clamp]))
    x = rnd(rd, rnd(rd, _F32(p[t.scale]) * u) + _F32(p[t.offset]))
    y = rnd(rd, _F32(p[t.sqrt2]) * rnd(rd, mlx_erfinv(x)))
    return _max(_min(_F32(p[t.upper]), y), _F32(p[t.lower]))


@njit(cache=True, inline="always")
def _bernoulli(rd, w, p):
    # f32(w) < threshold (§6.7).
    return _F32(w) < _F32(p[_BERNOULLI.threshold])


@njit(cache=True, inline="always")
def _bernoulli64(rd, w, p):
    # f64(w) < threshold for float64 p (§6.7).
    return np.float64(w) < p[_BERNOULLI.threshold]


@njit(cache=True, inline="always")
def _word_f32(rd, w, p):
    return _F32(w)


@njit(cache=True, inline="always")
def _word_f64(rd, w, p):
    return np.float64(w)


@njit(cache=True, inline="always")
def _erfinv_sym(rd, w, p):
    return mlx_erfinv(sym(w))


@njit(cache=True, inline="always")
def _randint(rd, w, p):
    # floor((scale·u) + offset) in float32, then integer conversion rd (§6.8, §4.5); the
    # clamped form's first two parameters are the same.
    u = u01(w, ONE_MINUS_ULP)
    return to_int(rd, np.floor(_F32(_F32(p[_RANDINT.scale]) * u) + _F32(p[_RANDINT.offset])))


@njit(cache=True, inline="always")
def _pattern(low_half, high_half):
    # The 64-bit pattern whose 32-bit halves are the (exact) float64 values given.
    return (np.uint64(high_half) << np.uint64(32)) | np.uint64(low_half)


@njit(cache=True, inline="always")
def _randint_clamped_block(rd, dst, src, p):
    # randint, then max(min(r, high − 1), low) in dst's integer type, as NumPy's
    # minimum/maximum; the bounds' bit patterns travel as 32-bit halves.
    c = _RANDINT_CLAMPED
    bounds = np.empty(2, dst.dtype)
    bounds[0] = _pattern(p[c.high_minus_one_low], p[c.high_minus_one_high])
    bounds[1] = _pattern(p[c.low_low], p[c.low_high])
    hi, lo = bounds[0], bounds[1]
    for t in range(src.size):
        dst[t] = _randint(rd, src[t], p)
        r = dst[t]
        r = r if r < hi else hi
        dst[t] = r if r > lo else lo


#: Transform code → implementation ``f(rd, word, params)``.
TRANSFORMS = {
    Transform.BITS: _bits,
    Transform.UNIFORM: _uniform,
    Transform.NORMAL: _normal,
    Transform.LAPLACE: _laplace,
    Transform.TRUNCATED_NORMAL: _truncated_normal,
    Transform.BERNOULLI: _bernoulli,
    Transform.BERNOULLI64: _bernoulli64,
    Transform.WORD_F32: _word_f32,
    Transform.WORD_F64: _word_f64,
    Transform.ERFINV_SYM: _erfinv_sym,
    Transform.LAPLACE64: _laplace64,
    Transform.RANDINT: _randint,
}
#: Transforms defined over a block of words, ``f(rd, dst, src, params)``: GUMBEL, whose two
#: logarithms look their table entries up in bulk, and RANDINT_CLAMPED, whose clamp happens
#: in the output dtype.
BLOCK_TRANSFORMS = {Transform.GUMBEL: _gumbel_block,
                    Transform.RANDINT_CLAMPED: _randint_clamped_block}


def apply(kind: int, rd: int, w: np.uint32, p: tuple) -> object:
    """Map word ``w`` through transform ``kind`` with rounding code ``rd`` and parameters ``p``.

    Callable from Python and from Numba kernels; in a kernel ``kind`` must be
    a literal, and the call compiles to that transform alone, inlined into the
    kernel so its loop vectorizes.
    """
    return TRANSFORMS[kind](rd, w, p)


@overload(apply, prefer_literal=True, inline="always")
def _apply_literal(kind, rd, w, p):
    if not isinstance(kind, types.IntegerLiteral):
        raise errors.TypingError("keyrand: the transform code must be a literal integer")
    impl_of_kind = TRANSFORMS[kind.literal_value]

    def impl(kind, rd, w, p):
        return impl_of_kind(rd, w, p)

    return impl


def apply_block(kind: int, rd: int, dst: np.ndarray, src: np.ndarray, p: tuple) -> None:
    """Map the 1-d word array ``src`` through transform ``kind`` into ``dst``.

    The kernels' transform loop: ``dst[t] = apply(kind, rd, src[t], p)``, or a
    transform's block form (``BLOCK_TRANSFORMS``) where it has one. In a kernel
    ``kind`` and ``rd`` must be literals. Called from Python it maps element
    by element, so it serves only the transforms of ``TRANSFORMS``.
    """
    for t in range(src.size):
        dst[t] = apply(kind, rd, src[t], p)


@overload(apply_block, prefer_literal=True, inline="always")
def _apply_block_literal(kind, rd, dst, src, p):
    if not isinstance(kind, types.IntegerLiteral):
        raise errors.TypingError("keyrand: the transform code must be a literal integer")
    block = BLOCK_TRANSFORMS.get(kind.literal_value)
    if block is not None:
        def impl(kind, rd, dst, src, p):
            block(rd, dst, src, p)

        return impl

    def impl(kind, rd, dst, src, p):
        for t in range(src.size):
            dst[t] = apply(kind, rd, src[t], p)

    return impl
