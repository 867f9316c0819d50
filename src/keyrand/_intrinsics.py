"""Numba intrinsics of keyrand's float arithmetic: exact fma, bit casts, unchecked division.

Kernels compiled with Numba's default ``error_model="python"`` check every
division for zero; :func:`fdiv_f32` is the bare IEEE division, so a loop that
divides neither raises ZeroDivisionError nor loses vectorization. ``fmaf`` is
LLVM's ``llvm.fma`` (the hardware ``vfmadd`` or the C library's exact ``fma``).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)

__all__ = ["as_f32", "as_u32", "fdiv_f32", "fmaf", "llvm_fma"]

_U32 = np.uint32
_F32 = np.float32


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


@intrinsic
def fdiv_f32(typingctx, a, b):
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

