"""Exact integers: ``integers``, NumPy's ``Generator.integers`` on keyrand keys (§6.12).

Not an MLX sampler: MLX's ``randint`` goes through float32 (§8.2). The words
are the BITS kernel's (one per element, two for 64-bit dtypes); the finishing
step maps them to ``[low, high)`` with Lemire's method, exactly uniform for any
range, and redraws a rejected element from counters of its own, so every
value depends only on (key, its index, its bounds) and blocks of a draw
(``keyrand.dask``, the CLI) equal the whole draw.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Sequence

import numpy as np

from . import _codes
from ._checks import (
    as_index,
    broadcast_shapes,
    check_fits,
    check_nonnegative,
    check_shape,
    check_within,
)
from ._dtypes import bfloat16, to_numpy
from ._registry import Start, aligned, host_values, kernel, sampler
from ._spec import Block, DrawSpec, Param

ShapeLike = Sequence[int]
_FN = "integers"
_WORDS = kernel(_codes.BITS, np.uint32)
_TWO63 = 2**63


@sampler("integers", arrays=("low", "high"), broadcasts="shape, low, high", cli=True)
def integers(low: object, high: object = None, shape: ShapeLike | int | None = None,
             dtype: object = np.int64, endpoint: bool = False, key: object = None,
             stream: object = None) -> DrawSpec:
    """Exactly uniform integers on ``[low, high)`` (``[low, high]`` with ``endpoint``).

    NumPy's ``Generator.integers`` on keyrand keys (docs/algorithms.md §6.12).
    Element ``i`` (C order) has ``r = high − low (+1)`` admissible values,
    ``1 ≤ r ≤ 2^64``. For dtypes of at most 32 bits it takes word ``i`` of
    ``bits(shape)``, ``x``; for 64-bit dtypes words ``2i`` and ``2i+1`` of
    ``bits(shape + (2,))``, ``x = w_{2i}·2^32 + w_{2i+1}``. With ``B`` = 32 or 64
    (by dtype alone), Lemire's test takes ``m = x·r``: if ``m mod 2^B <
    (2^B − r) mod r`` the element is rejected, else its value is
    ``low + ⌊m / 2^B⌋`` (``x`` itself when ``r = 2^B``). A rejected element
    retries with ``(x0, x1) = T(T(key, (0x696E7473, a)), (i >> 32, i mod 2^32))``
    for ``a = 1, 2, …`` (``x = x0``, or ``x0·2^32 + x1`` for ``B = 64``) until
    accepted. Every value in range therefore has probability exactly ``1/r``.

    Float bounds are truncated toward zero as Python's ``int`` does; array
    bounds are checked against each other where the values are finished (so a
    ``keyrand.dask`` array with Dask bounds checks them when it is computed).

    Args:
        low: Lowest value (inclusive), an integer or array; with ``high`` None,
            the exclusive upper bound and ``low`` is 0.
        high: Upper bound (exclusive; inclusive with ``endpoint``), or None.
        shape: Output shape (an int is a 1-D shape); None gives the broadcast
            shape of ``low`` and ``high``, which may never enlarge ``shape``.
        dtype: int8, int16, int32, int64, uint8, uint16, uint32, uint64 or bool.
        endpoint: Include ``high``.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: an unsupported dtype, or a bound that is not a real number.
        ValueError: a bound outside the dtype's range, ``low ≥ high`` (``low >
            high`` with ``endpoint``), a NaN bound, a non-native byte order,
            bounds that do not broadcast to ``shape``, negative dimensions.
        OverflowError: an infinite bound.
    """
    dims = _shape(shape)
    d = _dtype(dtype)
    if high is None:  # NumPy's integers(high): low is 0, the one bound given is high
        lo_in, hi_in, args = np.zeros((), np.int64), _bound(low, "low"), {"high": "low"}
    else:
        lo_in, hi_in, args = _bound(low, "low"), _bound(high, "high"), {"low": "low",
                                                                      "high": "high"}
    call = Start(_FN, key, stream)
    call.ready()
    lo_in, hi_in = _integral(lo_in, "low"), _integral(hi_in, args["high"])
    if dims is None:
        dims = broadcast_shapes(_FN, lo_in.shape, hi_in.shape)
    check_nonnegative(dims, _FN)
    check_within(_FN, dims, lo_in.shape, hi_in.shape)
    check_fits(dims, d, _FN)
    endpoint = bool(endpoint)
    if math.prod(dims):  # an empty draw checks nothing, as NumPy's
        if lo_in.ndim == hi_in.ndim == 0:
            _offsets(lo_in, hi_in, d, endpoint)
        else:  # the order of array bounds is checked where they are finished
            _check_range(lo_in, hi_in, d, endpoint)
    values = {"low": lo_in, "high": hi_in}
    params = {n: Param(*aligned(arg, values[n], len(dims))) for n, arg in args.items()}
    key = call.checked_key()
    return call.spec(dims, d, _WORDS, key=key, per_element=2 if d.itemsize == 8 else 1,
                     finish=functools.partial(_finish, key, endpoint), params=params)


def _shape(shape: object) -> tuple[int, ...] | None:
    """NumPy's ``size``: None, an int, or a sequence of ints."""
    if shape is None:
        return None
    n = as_index(shape)
    return (n,) if n is not None else check_shape(shape, _FN)


def _dtype(dtype: object) -> np.dtype:
    """An integer dtype or bool (TypeError otherwise, ValueError for a non-native byte order)."""
    try:
        d = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"[{_FN}] dtype: {dtype!r} is not a dtype.") from err
    if d.kind in "biu" and not d.isnative:
        raise ValueError(f"[{_FN}] dtype: {d} has a non-native byte order; draw the native "
                         "dtype and byteswap.")
    if d not in _codes.INT_CODES:
        raise TypeError(f"[{_FN}] dtype: integers draws integer dtypes and bool, not {d}.")
    return d


def _bound(value: object, name: str) -> np.ndarray:
    """A bound as an array of integers (any width), floats or Python ints.

    Raises:
        TypeError: not a real number (or array of them).
    """
    if value is None:
        raise TypeError(f"[{_FN}] {name} must be an integer or an array, not None.")
    arr = to_numpy(value)
    if arr.dtype == bfloat16:
        return arr.astype(np.float32)
    kind = arr.dtype.kind
    if kind == "b":
        return arr.astype(np.int64)
    if kind in "iuf":
        return arr
    if kind == "O":
        try:
            return np.asarray(np.frompyfunc(operator.index, 1, 1)(arr), dtype=object)
        except TypeError:
            pass
    raise TypeError(f"[{_FN}] {name} must be a real number or an array of real numbers, "
                    f"not {type(value).__name__} of {arr.dtype}.")


def _integral(arr: np.ndarray, name: str) -> np.ndarray:
    """A converted bound with floats truncated toward zero, as Python's ``int`` does.

    Raises:
        ValueError: a NaN.
        OverflowError: an infinity.
    """
    if arr.dtype.kind != "f":
        return arr
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"[{_FN}] {name}: a NaN bound has no integer value.")
    if np.isinf(arr).any():
        raise OverflowError(f"[{_FN}] {name}: an infinite bound has no integer value.")
    return np.trunc(arr)


def _compare(x: np.ndarray, op: Callable, c: int) -> np.ndarray:
    """``op(x, c)`` elementwise and exactly, for integer-valued ``x`` and ``c`` 0 or ±2^k.

    Such ``c`` are exact float64s; an integer ``x`` is compared in its own
    dtype, or is on one side of ``c`` entirely when ``c`` lies outside it.
    """
    kind = x.dtype.kind
    if kind == "f":
        return op(x, float(c))
    if kind == "O":
        return np.asarray(op(x, c), bool)
    info = np.iinfo(x.dtype)
    if info.min <= c <= info.max:
        return op(x, x.dtype.type(c))
    return np.full(x.shape, op(int(info.min), c))


def _limits(d: np.dtype) -> tuple[int, int]:
    """The dtype's smallest value and one past its largest."""
    if d == np.bool_:
        return 0, 2
    info = np.iinfo(d)
    return int(info.min), int(info.max) + 1


def _check_range(low: np.ndarray, high: np.ndarray, d: np.dtype, endpoint: bool) -> None:
    """Each bound alone within the dtype's range, as NumPy checks them (ValueError)."""
    least, top = _limits(d)
    if _compare(low, operator.lt, least).any():
        raise ValueError(f"[{_FN}] low: out of bounds for {d} (its smallest value is {least}).")
    if _compare(high, operator.ge if endpoint else operator.gt, top).any():
        most = f"at most {top - 1}" if endpoint else f"at most {top}, exclusive"
        raise ValueError(f"[{_FN}] high: out of bounds for {d} ({most}).")


def _wrap64(x: np.ndarray) -> np.ndarray:
    """``x mod 2^64`` as uint64, for integer values in ``[−2^63, 2^64]``."""
    kind = x.dtype.kind
    if kind == "i":
        return x.astype(np.int64).view(np.uint64)
    if kind == "u":
        return x.astype(np.uint64)
    if kind == "O":
        return np.array([int(v) % 2**64 for v in x.flat], np.uint64).reshape(x.shape)
    out = np.empty(x.shape, np.uint64)
    big = x >= float(_TWO63)
    out[~big] = x[~big].astype(np.int64).view(np.uint64)
    out[big] = (x[big] - float(_TWO63)).astype(np.uint64) + np.uint64(_TWO63)
    return out


def _offsets(low: np.ndarray, high: np.ndarray, d: np.dtype, endpoint: bool
             ) -> tuple[np.ndarray, np.ndarray]:
    """``(low mod 2^64, r − 1)`` as uint64 arrays (low's shape, the bounds' broadcast shape).

    The bounds are checked first, in NumPy's order: low's range, high's range,
    then their order.

    ``r − 1 = high − low (− 1 unless endpoint)`` lies in ``[0, 2^64)``, so it
    is exact modulo 2^64 once the bounds are known to be in range and ordered.

    Raises:
        ValueError: a bound out of the dtype's range, or an empty range.
    """
    _check_range(low, high, d, endpoint)
    least, top = _limits(d)
    empty = (_compare(low, operator.ge, top).any()
             or _compare(high, operator.lt if endpoint else operator.le, least).any())
    off = hi = None
    if not empty:  # both in [least, top): their patterns order as the dtype's values do
        off = _wrap64(low)
        hi = _wrap64(high) - np.uint64(0 if endpoint else 1)
        signed = np.int64 if least < 0 else np.uint64
        empty = bool((off.view(signed) > hi.view(signed)).any())
    if empty:
        raise ValueError(f"[{_FN}] high: low {'>' if endpoint else '>='} high leaves no "
                         "value to draw.")
    return off, hi - off


def _per_element(a: np.ndarray, extent: tuple[int, ...]) -> np.ndarray:
    """One value (flat, size 1) or the values of every element of ``extent`` (flat)."""
    if a.size == 1:
        return a.reshape(1)
    return np.ascontiguousarray(np.broadcast_to(a, extent)).reshape(-1)


def _finish(key: object, endpoint: bool, block: Block, words: object, high: object,
            low: object = None) -> object:
    """Lemire's method and the retries on the block's words (§6.12)."""
    d = block.dtype
    extent = tuple(words.shape[:-1]) if d.itemsize == 8 else tuple(words.shape)
    if 0 in extent:
        return block.backend.empty(extent, d)
    lo = np.zeros((), np.int64) if low is None else _integral(_bound(host_values(low), "low"),
                                                              "low")
    hi = _integral(_bound(host_values(high), "high"), "high")
    off, rm1 = _offsets(lo, hi, d, endpoint)
    out = block.backend.bounded(words.reshape(-1), key, block.runs, _per_element(off, extent),
                                _per_element(rm1, extent), d)
    return out.reshape(extent)
