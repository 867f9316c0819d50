"""float16 and bfloat16 rounding as MLX does it, bit for bit, as Numba scalar kernels (§4.2).

Round to nearest even on the float32 bit pattern, with MLX's NaN encodings:
a float16 NaN becomes ``sign | 0x7D00``, a bfloat16 NaN ``0x7FC0``.
:func:`f16_bits`/:func:`bf16_bits` give the stored bit patterns and
:func:`round_f16`/:func:`round_bf16` the same values as float32 (for dtype
arithmetic). They are checked against MLX on all 2^32 float32 inputs
(scripts/exhaustive_mathf32.py), and are the only float16/bfloat16 conversion
on the CPU: :func:`keyrand._dtypes.to_narrow` runs them over arrays. The CUDA
source transliterates them (``kr_f16_bits`` … in ``kernels.cu``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._intrinsics import as_f32, as_u32
from ._mathconst import (
    BF16_NAN_BITS,
    F16_INF_BITS,
    F16_MIN_NORMAL,
    F16_MIN_NORMAL_BITS,
    F16_NAN_BITS,
    F16_OVERFLOW,
    F16_REBIAS,
    F16_SUBNORMAL_STEP,
    f32,
)

__all__ = ["bf16_bits", "f16_bits", "round_bf16", "round_f16"]

_U32 = np.uint32
_I32 = np.int32
_F32 = np.float32
_HALF = f32(0x3F000000)


@njit(cache=True, inline="always")
def _f16_magnitude_bits(x: np.float32) -> np.uint32:
    """float16 bit pattern of ``|x|`` rounded to nearest even (NaN not handled)."""
    ax = as_u32(x) & _U32(0x7FFFFFFF)
    # normal: round the 23-bit mantissa to 10 bits on the pattern, then rebias 127 -> 15
    rn = _U32(ax + 0x0FFF + ((ax >> 13) & 1)) & _U32(0xFFFFE000)
    hn = _U32(F16_INF_BITS) if rn >= _U32(F16_OVERFLOW) else _U32((rn - F16_REBIAS) >> 13)
    # subnormal: |x| + 0.5 has ulp 2^-24, the float16 subnormal spacing; RNE in float32
    hs = _U32(as_u32(abs(x) + _HALF) - 0x3F000000)
    return hs if ax < _U32(F16_MIN_NORMAL) else hn


@njit(cache=True, inline="always")
def f16_bits(x: np.float32) -> np.uint16:
    """float16 bit pattern of float32 ``x`` as MLX converts it (docs/algorithms.md §4.2).

    Round to nearest even, including float16 subnormals (multiples of 2^-24) and
    overflow to ±inf at ``|x| ≥ 65520``. A NaN becomes ``sign | 0x7D00``.
    """
    x = _F32(x)
    sign = (as_u32(x) >> 16) & _U32(0x8000)
    mag = _U32(F16_NAN_BITS) if x != x else _f16_magnitude_bits(x)
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
    m = _F32(_I32(h)) * F16_SUBNORMAL_STEP  # exact
    full = _U32(0x7F800000) if h == _U32(F16_INF_BITS) else _U32((h << 13) + F16_REBIAS)
    mag = m if h < _U32(F16_MIN_NORMAL_BITS) else as_f32(full)
    r = -mag if as_u32(x) >= _U32(0x80000000) else mag
    return x if x != x else r


@njit(cache=True, inline="always")
def _bf16_rounded(u: np.uint32) -> np.uint32:
    """``u + 0x7FFF + ((u >> 16) & 1)``: the float32 pattern ``u`` with its top half RNE-rounded."""
    return _U32(u + 0x7FFF + ((u >> 16) & 1))


@njit(cache=True, inline="always")
def bf16_bits(x: np.float32) -> np.uint16:
    """bfloat16 bit pattern of float32 ``x`` as MLX converts it (docs/algorithms.md §4.2).

    ``(u + 0x7FFF + ((u >> 16) & 1)) >> 16`` on the pattern ``u`` (round to
    nearest even, overflow to ±inf); a NaN becomes ``0x7FC0`` (sign dropped).
    """
    x = _F32(x)
    r = _bf16_rounded(as_u32(x)) >> 16
    return np.uint16(BF16_NAN_BITS if x != x else r)


@njit(cache=True, inline="always")
def round_bf16(x: np.float32) -> np.float32:
    """Round float32 ``x`` to the nearest bfloat16 value (RNE, §4.2), returned as float32.

    A NaN stays the same NaN. Use :func:`bf16_bits` for the stored bit pattern.
    """
    x = _F32(x)
    r = as_f32(_bf16_rounded(as_u32(x)) & _U32(0xFFFF0000))
    return x if x != x else r
