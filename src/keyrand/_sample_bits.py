"""Raw words: ``bits``, ``split`` and ``permutation`` (docs/algorithms.md §2.1, §3.2, §6.10).

Prepare functions (see :mod:`keyrand._registry`) over the BITS kernel: the
words themselves, their bytes, subkeys, or the stable argsort of the words.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from . import _codes
from ._checks import as_index, check_fits, check_int, check_nonnegative, check_shape
from ._dtypes import to_numpy
from ._registry import Start, kernel, sampler
from ._spec import Block, DrawSpec, Param

ShapeLike = Sequence[int]
_WORDS = kernel(_codes.BITS, np.uint32)
#: The most subkeys ``split`` gives (2^61 words, the longest stream of one key).
_MAX_SUBKEYS = _codes.MAX_STREAM_WORDS // 2
_DASK_HINT = ("a permutation is a global sort. Use dask.array.take(x, keyrand.permutation("
              "x.shape[axis], key=k), axis=axis): the indices are only n uint32 values.")


@sampler("bits", cli=True)
def bits(shape: ShapeLike = (), width: int = 4, key: object = None,
         stream: object = None) -> DrawSpec:
    """Raw random bits in MLX's counter layout.

    Element ``i`` of the ``W = ceil(size·width/4)``-word stream is word ``i``
    of threefry2x32 in MLX's pairing (docs/algorithms.md §3.2); for width 1 and 2 the words
    are laid out as little-endian bytes and the first ``size·width`` are kept.

    Args:
        shape: Output shape.
        width: Bytes per element: 1, 2 or 4 (uint8, uint16, uint32).
        key: uint32 key of shape (2,), or a batch of keys of shape (..., 2)
            giving one block per key (as under MLX's vmap, §3.5).
        stream: Stream or device to run on.

    Returns:
        Array of shape ``key.shape[:-1] + shape`` and dtype uint8/16/32.

    Raises:
        ValueError: bad width, negative dimensions, bad key, or more than 2^32 words per key.
    """
    fn = "bits"
    dims = check_shape(shape, fn)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)):
        raise TypeError(f"[{fn}] width must be an int, not {type(width).__name__}.")
    call = Start(fn, key, stream)
    if width not in (1, 2, 4):
        raise ValueError(f"[{fn}] width must be 1, 2 or 4 bytes, got {width!r}.")
    check_nonnegative(dims, fn)
    call.ready()
    keys = call.checked_key(batch=True)
    width = int(width)
    check_fits(keys.shape[:-1] + dims, np.dtype(f"uint{8 * width}"), fn)
    return call.spec(dims, np.dtype(f"uint{8 * width}"), _WORDS, key=keys,
                     width=0 if width == 4 else width)


@sampler("split")
def split(key: object, num: int = 2, stream: object = None) -> DrawSpec:
    """Split a key into ``num`` independent subkeys.

    ``split(key, num)`` is ``bits((num, 2), key=key)``: row ``i`` is subkey ``i``
    (docs/algorithms.md §2.1).

    Args:
        key: uint32 key of shape (2,).
        num: Number of subkeys, 0 to 2^60 (MLX: up to 2^31 − 1). Past 2^31
            subkeys the words follow JAX's rule for long streams (§3.3).
        stream: Stream or device to run on.

    Returns:
        uint32 array of shape ``(num, 2)``.

    Raises:
        TypeError: ``num`` is not an int, or is more than 2^60.
        ValueError: ``num`` is negative or ``key`` is malformed.
    """
    big = as_index(num)
    if big is not None and big >= 2**31:
        # Past MLX's int32: a long stream by JAX's rule (§3.3), up to 2^61 words.
        if big > _MAX_SUBKEYS:
            raise TypeError(f"[split] num: {big} is more than the 2**60 subkeys one key gives.")
        num = big
    else:
        num = check_int(num, "split", "num")
    if key is None:
        raise TypeError("[split] key must be a uint32 array of shape (2,), not None.")
    call = Start("split", key, stream)
    check_nonnegative((num,), "split", "num")
    return call.spec((num, 2), np.uint32, _WORDS, whole_axes=(1,),
                     why="each block must hold whole keys (rows of 2 words).")


@sampler("permutation", hint=_DASK_HINT)
def permutation(x: object, axis: int = 0, key: object = None,
                stream: object = None) -> DrawSpec:
    """A random permutation of ``range(x)``, or of an array along ``axis``.

    The order is the stable argsort of ``bits((n,))``, ties kept in index
    order (docs/algorithms.md §6.10).

    Args:
        x: An int ``n`` or an array.
        axis: Axis of the array to permute.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        uint32 permutation of ``range(n)``, or the permuted array (its own dtype).

    Raises:
        ValueError: negative ``n``.
        IndexError: ``axis`` out of range or a 0-d array.
    """
    fn = "permutation"
    is_int = isinstance(x, (int, np.integer, bool, np.bool_))
    if not is_int and not (hasattr(x, "__array__") or hasattr(x, "__dlpack__")):
        raise TypeError(f"[{fn}] x must be an int or an array, not {type(x).__name__}.")
    axis = check_int(axis, fn, "axis")
    call = Start(fn, key, stream)
    if is_int:
        n = int(x)
        if not -(2**31) <= n < 2**31:
            # MLX converts x to a C int after drawing the key.
            raise RuntimeError(f"[{fn}] x: {n} does not fit in int32 (std::bad_cast).")
        check_nonnegative((n,), fn, "x")
        call.ready()
        return call.spec((n,), np.uint32, _WORDS, finish=_finish_argsort, whole_axes=(0,),
                         why=_WHY_WHOLE)
    arr = x if type(x).__module__.startswith("cupy") else to_numpy(x)
    a = axis + arr.ndim if axis < 0 else axis
    if not 0 <= a < arr.ndim:
        raise IndexError(f"[{fn}] axis: {axis} is out of range for an array with {arr.ndim} "
                         "dimensions.")
    call.ready()
    return call.spec(arr.shape, arr.dtype, _WORDS, elements=(arr.shape[a],),
                     finish=functools.partial(_finish_take, a),
                     params={"x": Param("x", arr, (None,) * arr.ndim)},
                     whole_axes=tuple(range(arr.ndim)), why=_WHY_WHOLE)


_WHY_WHOLE = ("a permutation is the stable argsort of all n words: every position depends "
              "on every word, so no block can be computed without the others.")


def _finish_argsort(block: Block, words: object) -> object:
    """The stable argsort of the words (§6.10)."""
    return block.backend.argsort(words)


def _finish_take(axis: int, block: Block, words: object, x: object) -> object:
    """``x`` permuted along ``axis`` by the argsort of the words (§6.10)."""
    return block.backend.xp.take(block.backend.asarray(x), block.backend.argsort(words),
                                 axis=axis)
