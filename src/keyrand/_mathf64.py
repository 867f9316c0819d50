"""glibc's double ``log1p``, bit for bit, as a Numba scalar kernel (float64 laplace).

MLX's float64 laplace calls the C library's ``log1p``. keyrand computes it
itself, so its numbers do not depend on the host's C library: this is fdlibm's
algorithm as glibc 2.36 ships it for x86-64 CPUs with FMA, where GCC fused the
products marked ``fma`` below into their sums (the build MLX 0.32.4's Linux CPU
backend reaches on such a CPU).

With ``1 + x = 2^k·(1 + f)``, ``√2/2 ≤ 1 + f < √2``, ``s = f/(2 + f)`` and
``z = s²``, ``log1p(x) = k·ln2_hi + (f − (hfsq − s·(hfsq + R(z))) + k·ln2_lo + c)``
with ``hfsq = f²/2``, ``R`` the degree-7 polynomial ``Lp1·z + … + Lp7·z⁷`` and
``c`` the rounding error of ``1 + x`` divided by ``1 + x``.

:data:`LOG1P` holds every constant and :data:`LOG1P_HI` every threshold on the
high 32 bits of ``x`` (both declared in :mod:`keyrand._mathconst`); the Numba
function below and the CUDA source (:mod:`keyrand._cuda`) are both written from
these tables.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._intrinsics import llvm_fma
from ._mathconst import LOG1P, LOG1P_HI

__all__ = ["LOG1P", "LOG1P_HI", "log1p"]

_LN2_HI = LOG1P["ln2_hi"]
_LN2_LO = LOG1P["ln2_lo"]
_TWO_THIRDS = LOG1P["two_thirds"]
_LP1, _LP2, _LP3, _LP4, _LP5, _LP6, _LP7 = (LOG1P[f"Lp{i}"] for i in range(1, 8))
_H_SQRT2_M1 = LOG1P_HI["sqrt2_m1"]
_H_ONE = LOG1P_HI["one"]
_H_TINY = LOG1P_HI["tiny"]
_H_NEGLIGIBLE = LOG1P_HI["negligible"]
_H_LOWER = LOG1P_HI["one_m_sqrt2_2"]
_H_INF = LOG1P_HI["inf"]
_H_TWO54 = LOG1P_HI["two54"]
_H_SQRT2_MANT = LOG1P_HI["sqrt2_mant"]
_LOW32 = 0xFFFFFFFF
_F64 = np.float64
_I64 = np.int64


@intrinsic
def _div(typingctx, a, b):
    """IEEE float64 division with no ZeroDivisionError check (x86's NaN for 0/0)."""
    if not (a == types.float64 and b == types.float64):
        return None

    def codegen(context, builder, signature, args):
        return builder.fdiv(args[0], args[1])

    return types.float64(types.float64, types.float64), codegen


@intrinsic
def _bits(typingctx, x):
    """The IEEE-754 bit pattern of a float64, as an int64."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(x), codegen


@intrinsic
def _from_bits(typingctx, i):
    """The float64 whose bit pattern is the int64 ``i``."""
    if i != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(i), codegen


@njit(cache=True, inline="always")
def _with_high(u, high):
    # SET_HIGH_WORD: ``u`` with its high 32 bits replaced by ``high`` (non-negative).
    return _from_bits((_I64(high) << 32) | (_bits(u) & _LOW32))


@njit(cache=True)
def log1p(x: float) -> float:
    """``log(1 + x)`` in float64, bit for bit as glibc 2.36's ``log1p`` on an x86-64 FMA CPU.

    Every input is covered: ``log1p(−1) = −inf``, ``x < −1`` and NaN give
    x86's NaN results, ``+inf`` gives ``+inf``, ``±0`` and ``|x| < 2^-54``
    give ``x``.
    """
    x = _F64(x)
    hx = _bits(x) >> 32  # the signed high word
    ax = hx & 0x7FFFFFFF
    k = 1
    hu = 0
    f = 0.0
    c = 0.0
    if hx < _H_SQRT2_M1:
        if ax >= _H_ONE:
            if x == -1.0:
                return -np.inf
            return _div(x - x, x - x)
        if ax < _H_TINY:
            if ax < _H_NEGLIGIBLE:
                return x
            return llvm_fma(-(x * x), 0.5, x)
        if hx > 0 or hx <= _H_LOWER:
            k = 0
            f = x
            hu = 1
    elif hx >= _H_INF:
        return x + x
    if k != 0:
        if hx < _H_TWO54:
            u = 1.0 + x
            hu = _bits(u) >> 32
            k = (hu >> 20) - 1023
            c = 1.0 - (u - x) if k > 0 else x - (u - 1.0)
            c = _div(c, u)
        else:
            u = x
            hu = _bits(u) >> 32
            k = (hu >> 20) - 1023
            c = 0.0
        hu &= 0x000FFFFF
        if hu < _H_SQRT2_MANT:
            u = _with_high(u, hu | 0x3FF00000)
        else:
            k += 1
            u = _with_high(u, hu | 0x3FE00000)
            hu = (0x00100000 - hu) >> 2
        f = u - 1.0
    hfsq = (0.5 * f) * f
    dk = _F64(k)
    if hu == 0:
        if f == 0.0:
            if k == 0:
                return 0.0
            c = llvm_fma(dk, _LN2_LO, c)
            return llvm_fma(dk, _LN2_HI, c)
        r = hfsq * llvm_fma(-_TWO_THIRDS, f, 1.0)
        if k == 0:
            return f - r
        return llvm_fma(dk, _LN2_HI, -((r - llvm_fma(dk, _LN2_LO, c)) - f))
    s = _div(f, 2.0 + f)
    z = s * s
    r2 = llvm_fma(z, _LP3, _LP2)
    r3 = llvm_fma(z, _LP5, _LP4)
    r4 = llvm_fma(z, _LP7, _LP6)
    z2 = z * z
    z4 = z2 * z2
    z6 = z4 * z2
    r = llvm_fma(z6, r4, llvm_fma(z4, r3, llvm_fma(z, _LP1, z2 * r2)))
    sr = s * (hfsq + r)
    if k == 0:
        return f - (hfsq - sr)
    return llvm_fma(dk, _LN2_HI, -((hfsq - (sr + llvm_fma(dk, _LN2_LO, c))) - f))
