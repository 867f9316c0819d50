"""Dtypes, MLX's argument conversions, type promotion and dtype arithmetic (spec §6)."""

from __future__ import annotations

import ml_dtypes
import numpy as np

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


def rounding_code(dtype: np.dtype) -> int:
    """Rounding code of :mod:`keyrand._transforms` for a float dtype (float64 → 0)."""
    return {float16: 1, bfloat16: 2}.get(dtype, 0)


def to_narrow(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Round float32 values to ``dtype`` as MLX does, NaN encodings included (§6.2).

    float16 NaNs become ``sign | 0x7D00``; bfloat16 NaNs become ``0x7FC0``.
    Other dtypes are a plain cast. CuPy arrays are converted on their device.
    """
    if _on_device(x):
        from . import _gpu

        return _gpu.to_narrow(x, dtype)
    out = np.asarray(x).astype(dtype)
    if dtype in (float16, bfloat16):
        nan = np.isnan(out)
        if nan.any():
            bits = out.view(np.uint16)
            if dtype == float16:
                sign = (np.asarray(x, np.float32).view(np.uint32) >> 16).astype(np.uint16)
                bits[nan] = (sign[nan] & 0x8000) | 0x7D00
            else:
                bits[nan] = 0x7FC0
    return out


def cast(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """MLX's ``astype``: to float16/bfloat16 through float32 (§6.2), otherwise NumPy's cast."""
    if _on_device(x):
        from . import _gpu

        return _gpu.cast(x, dtype)
    x = np.asarray(x)
    if dtype in (float16, bfloat16):
        if x.dtype == dtype:
            return x
        return to_narrow(x.astype(np.float32), dtype)
    return x.astype(dtype)


def arith(op: np.ufunc, a: np.ndarray, b: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``op(a, b)`` in ``dtype`` arithmetic (§1): narrow types compute in float32, round once.

    If either operand is a CuPy array the operation runs on its device (x86 NaN results).
    """
    if _on_device(a) or _on_device(b):
        from . import _gpu

        return _gpu.arith(op, a, b, dtype)
    if dtype in (float16, bfloat16):
        r = op(np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32))
        return to_narrow(r, dtype)
    return op(np.asarray(a, dtype), np.asarray(b, dtype))


def convert_scalar_or_array(value: object, fn: str, name: str) -> np.ndarray:
    """Convert a "scalar or array" argument with no dtype hint, as MLX's binding does (§6.4).

    bool → bool, int → int32 (int64 if it does not fit), float → float32,
    complex → complex64, arrays keep their dtype.

    Raises:
        ValueError: ``value`` is a list or tuple.
        RuntimeError: an int outside int64 (MLX's "std::bad_cast").
        TypeError: anything else that is not a number or array.
    """
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
    if isinstance(value, (list, tuple)):
        raise ValueError(f"[{fn}] {name}: invalid type {type(value).__name__} received in array "
                         "initialization; pass a scalar or an array.")
    if hasattr(value, "__array__") or hasattr(value, "__dlpack__"):
        return to_numpy(value)
    raise TypeError(f"[{fn}] {name} must be a scalar or an array, not {type(value).__name__}.")


def _on_device(x: object) -> bool:
    """True for a CuPy array (checked without importing CuPy)."""
    return type(x).__module__.startswith("cupy")


def to_numpy(value: object) -> np.ndarray:
    """Bring an array-like (NumPy, CuPy, anything with ``__array__``) to a NumPy array."""
    get = getattr(value, "get", None)
    if callable(get) and type(value).__module__.startswith("cupy"):
        return get()
    return np.asarray(value)


def promote(a: np.dtype, b: np.dtype) -> np.dtype:
    """MLX's type promotion for the pairs the samplers meet (§6.3)."""
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
