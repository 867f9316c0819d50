"""Dtypes, MLX's argument conversions, type promotion and dtype arithmetic.

See docs/algorithms.md §4; section numbers (§) below refer to that file.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ._codes import Rounding

bfloat16 = np.dtype(ml_dtypes.bfloat16)
float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
complex64 = np.dtype(np.complex64)

#: Float dtypes MLX samples, narrowest first.
FLOATS = (float16, bfloat16, float32, float64)
#: Integer dtypes randint accepts (plus bool).
INTEGERS = tuple(
    np.dtype(t)
    for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)
)
_INT32 = np.iinfo(np.int32)
_INT64 = np.iinfo(np.int64)


def as_dtype(dtype: object, fn: str, default: np.dtype = float32) -> np.dtype:
    """Turn a dtype argument (None, string, NumPy dtype, ``keyrand.bfloat16``) into a dtype.

    Raises:
        TypeError: ``dtype`` names no dtype.
    """
    if dtype is None:
        return default
    try:
        return np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"[{fn}] dtype: {dtype!r} is not a dtype.") from err


def is_float(dtype: np.dtype) -> bool:
    """True for float16, bfloat16, float32 and float64."""
    return dtype in FLOATS


def is_numeric(dtype: np.dtype) -> bool:
    """True for the dtypes MLX has: bool, integers, floats (bfloat16 too) and complex."""
    return dtype.kind in "biufc" or dtype == bfloat16


def rounding_code(dtype: np.dtype) -> Rounding:
    """Rounding code of :mod:`keyrand._codes` for a float dtype (float64 → ``Rounding.F32``)."""
    return {float16: Rounding.F16, bfloat16: Rounding.BF16}.get(dtype, Rounding.F32)


def to_narrow(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Round float32 values to ``dtype`` as MLX does, NaN encodings included (§4.2).

    float16 NaNs become ``sign | 0x7D00``; bfloat16 NaNs become ``0x7FC0``.
    Other dtypes are a plain cast. float16 and bfloat16 go through
    :func:`keyrand._narrow.f16_bits` / ``bf16_bits`` (through
    :mod:`keyrand._mathf32`'s array entry points, loaded on first use so that
    ``import keyrand`` does not load Numba), the conversion checked against MLX
    on all 2^32 float32 inputs.
    """
    if dtype not in (float16, bfloat16):
        return np.asarray(x).astype(dtype)
    from . import _mathf32

    return _mathf32.to_float16(x) if dtype == float16 else _mathf32.to_bfloat16(x)


def cast(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """MLX's ``astype``: to float16/bfloat16 through float32 (§4.2), otherwise NumPy's cast."""
    x = np.asarray(x)
    if dtype in (float16, bfloat16):
        if x.dtype == dtype:
            return x
        return to_narrow(x.astype(np.float32), dtype)
    return x.astype(dtype)


def arith(op: np.ufunc, a: np.ndarray, b: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``op(a, b)`` in ``dtype`` arithmetic (§1): narrow types compute in float32, round once."""
    if dtype in (float16, bfloat16):
        r = op(np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32))
        return to_narrow(r, dtype)
    return op(np.asarray(a, dtype), np.asarray(b, dtype))


def complex_mul(ar: np.ndarray, ai: np.ndarray, br: np.ndarray, bi: np.ndarray,
                arith=arith) -> tuple[np.ndarray, np.ndarray]:
    """``(ar + i·ai)·(br + i·bi)`` in float32 as MLX's C++ complex64 product computes it (§4.2).

    Four float32 products, ``(ac − bd) + (ad + bc)i``, no fma; like C's
    complex multiply (libgcc ``__mulsc3``, C99 Annex G), a NaN + NaN·i result
    with an infinite factor or an overflowing product is recomputed as an
    infinity. Returns the real and imaginary parts, broadcast. Each float32
    operation is ``arith``'s (a backend's, e.g. the GPU's with x86's NaN results).
    """

    def mul(a, b):
        return arith(np.multiply, a, b, float32)

    with np.errstate(all="ignore"):
        ac, bd, ad, bc = mul(ar, br), mul(ai, bi), mul(ar, bi), mul(ai, br)
        x, y = arith(np.subtract, ac, bd, float32), arith(np.add, ad, bc, float32)
        redo = np.isnan(x) & np.isnan(y)
        if not redo.any():
            return x, y
        one, zero = np.float32(1), np.float32(0)

        def box(v):  # an infinity becomes ±1, anything else ±0
            return np.copysign(np.where(np.isinf(v), one, zero), v)

        def unnan(v):  # a NaN becomes ±0
            return np.where(np.isnan(v), np.copysign(zero, v), v)

        inf_a, inf_b = np.isinf(ar) | np.isinf(ai), np.isinf(br) | np.isinf(bi)
        big = ~inf_a & ~inf_b & (np.isinf(ac) | np.isinf(bd) | np.isinf(ad) | np.isinf(bc))
        ar, ai = np.where(inf_a, box(ar), ar), np.where(inf_a, box(ai), ai)
        br, bi = np.where(inf_a, unnan(br), br), np.where(inf_a, unnan(bi), bi)
        br, bi = np.where(inf_b, box(br), br), np.where(inf_b, box(bi), bi)
        ar, ai = np.where(inf_b, unnan(ar), ar), np.where(inf_b, unnan(ai), ai)
        ar, ai, br, bi = (np.where(big, unnan(v), v) for v in (ar, ai, br, bi))
        redo &= inf_a | inf_b | big
        inf = np.float32(np.inf)
        x = np.where(redo, mul(inf, arith(np.subtract, mul(ar, br), mul(ai, bi), float32)), x)
        y = np.where(redo, mul(inf, arith(np.add, mul(ar, bi), mul(ai, br), float32)), y)
        return x.astype(np.float32), y.astype(np.float32)


def convert_scalar_or_array(value: object, fn: str, name: str) -> np.ndarray:
    """Convert a "scalar or array" argument with no dtype hint, as MLX's binding does (§4.4).

    bool → bool, int → int32 (int64 if it does not fit), float → float32,
    complex → complex64, arrays keep their dtype.

    MLX draws the global key before this conversion, so only
    :func:`check_given` runs earlier.

    Raises:
        TypeError: ``value`` is None.
        ValueError: anything else that is not a number or array (a list, tuple,
            str, ...), as MLX's "Invalid type ... received in array initialization.".
        RuntimeError: an int outside int64 (MLX's "std::bad_cast").
    """
    check_given(value, fn, name)
    if isinstance(value, (bool, np.bool_)):
        return np.asarray(value, np.bool_)
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.ndarray):
        if isinstance(value, np.integer):
            return np.asarray(value)
        if _INT32.min <= value <= _INT32.max:
            return np.asarray(value, np.int32)
        if _INT64.min <= value <= _INT64.max:
            return np.asarray(value, np.int64)
        raise RuntimeError(f"[{fn}] {name}: integer {value} does not fit in int64 (std::bad_cast).")
    if isinstance(value, (float, np.floating)) and not isinstance(value, np.ndarray):
        if isinstance(value, (float, np.float64)):
            return np.asarray(value, np.float32)
        return np.asarray(value)
    if isinstance(value, (complex, np.complexfloating)):
        return np.asarray(value, np.complex64)
    if hasattr(value, "__array__") or hasattr(value, "__dlpack__"):
        arr = to_numpy(value)
        if is_numeric(arr.dtype):
            return arr
        what = f"{type(value).__name__} of {arr.dtype}"
    else:
        what = type(value).__name__
    raise ValueError(f"[{fn}] {name}: invalid type {what} received in array "
                     "initialization; pass a number or a numeric array.")


def check_given(value: object, fn: str, name: str) -> None:
    """Refuse None for a "scalar or array" argument, as MLX's binding does before any key is drawn.

    Raises:
        TypeError: ``value`` is None.
    """
    if value is None:
        raise TypeError(f"[{fn}] {name} must be a scalar or an array, not None.")


def to_numpy(value: object) -> np.ndarray:
    """Bring an array-like (NumPy, CuPy, anything with ``__array__``) to a NumPy array."""
    get = getattr(value, "get", None)
    if callable(get) and type(value).__module__.startswith("cupy"):
        return get()
    return np.asarray(value)


def promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """MLX's type promotion for the pairs the samplers meet (§4.3)."""
    if a == b:
        return a
    if a == np.bool_:
        return b
    if b == np.bool_:
        return a
    if complex64 in (a, b):
        return complex64
    if a.kind in "iu" and b.kind in "iu":
        if a.kind == b.kind:
            return a if a.itemsize >= b.itemsize else b
        signed, unsigned = (a, b) if a.kind == "i" else (b, a)
        if signed.itemsize > unsigned.itemsize:
            return signed
        if unsigned.itemsize >= 8:
            return float32
        return np.dtype(f"int{unsigned.itemsize * 16}")
    if a.kind in "iu":
        return b
    if b.kind in "iu":
        return a
    if float64 in (a, b):
        return float64
    return float32
