"""Combinatorial samplers over element streams: ``choice`` and ``permuted``.

Prepare functions (see :mod:`keyrand._registry`), docs/distributions.md §6.2–§6.3.
Their element draws (uniform indices, race keys, 64-bit sort keys) are sample
functions of :mod:`keyrand._dists_gamma`; the sorting and gathering that follow
are exact (comparisons only), so every backend gives the same result.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._backend import Runs
from ._checks import check_fits, check_int, check_nonnegative, check_shape
from ._codes import Dist
from ._dist_spec import ShapeLike, check, elementwise, integer_outputs, parameter
from ._dtypes import to_numpy
from ._registry import Start, host_values, sampler
from ._spec import Block, DrawSpec, Param

_CHOICE_HINT = ("a population array a and the weights p are needed whole by every block: pass "
                "them as NumPy or CuPy arrays (a.compute()).")
_CHOICE_WHY = ("the samples are drawn from the whole population at once (without replacement, "
               "or gathered from an array a), so the output is one block.")
_PERMUTED_WHY = ("each slice along the permuted axis is sorted by the keys of all its "
                 "elements, so a block needs the whole axis.")
_ZERO = np.zeros(1, np.float64)
#: Largest population ``choice`` draws indices from (exact float64 parameters).
_MAX_POPULATION = 1 << 53


def _array(value: object) -> object:
    """A CuPy array as it is, anything else as a NumPy array."""
    return value if type(value).__module__.startswith("cupy") else to_numpy(value)


def _axis(axis: int, ndim: int, fn: str) -> int:
    """``axis`` normalised for ``ndim`` axes (IndexError outside them)."""
    a = axis + ndim if axis < 0 else axis
    if not 0 <= a < ndim:
        raise IndexError(f"[{fn}] axis: {axis} is out of range for an array with {ndim} "
                         "dimensions.")
    return a


@sampler("choice", broadcasts="shape", hint=_CHOICE_HINT)
def choice(a: object, shape: ShapeLike = (), replace: bool = True, p: object = None,
           axis: int = 0, dtype: object = None, key: object = None,
           stream: object = None) -> DrawSpec:
    """Random samples from ``range(a)`` or from an array along ``axis`` (JAX's ``choice``).

    Three constructions (docs/distributions.md §6.2), each exact and the same on
    every backend:

    - with replacement, no ``p``: output element ``i`` is a uniform index below
      ``n`` by rejection from 64 bits of its own stream (attempt ``t`` masks pair
      ``t`` of lane 0 to the next power of two; fewer than 2 attempts on average);
    - with replacement and ``p``: inverse CDF, ``searchsorted(c, u·c[n−1], 'right')``
      with ``c`` the cumulative sum of ``p`` (computed on the host, in index
      order) and ``u`` element ``i``'s 52-bit uniform, as JAX does (``p`` need
      not sum to 1; zero weights are never drawn);
    - without replacement: an exponential race (the Gumbel top-k trick JAX uses):
      population item ``j`` gets the key ``E_j / p_j`` (``E_j = −log u_j`` from
      its own stream; ``p_j = 1`` without ``p``), and the sample is the items of
      the ``prod(shape)`` smallest keys in increasing order (a stable sort, ties
      in index order).

    Dask: ``keyrand.dask.choice`` chunks the output freely for an int ``a`` with
    replacement; otherwise the output must be one block (refused when cut).

    Args:
        a: An int ``n`` (sample from ``range(n)``) or an array (sample its slices
            along ``axis``).
        shape: Shape of the samples.
        replace: Sample with replacement.
        p: Weights of the ``n`` items (1-d, finite, non-negative, positive sum);
            None for uniform.
        axis: The axis of an array ``a`` to sample along.
        dtype: Integer dtype of the indices for an int ``a`` (default int32,
            JAX's default); an array ``a`` keeps its own dtype.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Indices of ``shape`` (int ``a``), or ``a.shape[:axis] + shape + a.shape[axis+1:]``
        values of ``a``.

    Raises:
        TypeError: ``a`` is neither an int nor an array, ``replace`` is not a bool,
            or ``p`` is not real.
        ValueError: an empty population with samples to draw, bad ``p``, more samples
            than items (or than positive weights) without replacement, or a bad dtype.
        IndexError: ``axis`` out of range for ``a``.
    """
    fn = "choice"
    is_int = isinstance(a, (int, np.integer)) and not isinstance(a, (bool, np.bool_))
    if not is_int and not (hasattr(a, "__array__") or hasattr(a, "__dlpack__")):
        raise TypeError(f"[{fn}] a must be an int or an array, not {type(a).__name__}.")
    dims = check_shape(shape, fn)
    axis = check_int(axis, fn, "axis")
    if not isinstance(replace, (bool, np.bool_)):
        raise TypeError(f"[{fn}] replace must be a bool, not {type(replace).__name__}.")
    w = None if p is None else parameter(p, fn, "p")
    call = Start(fn, key, stream)
    check_nonnegative(dims, fn)
    k = math.prod(dims)
    arr, ax = None, 0
    if is_int:
        n = int(a)
        d = integer_outputs(fn, np.int32 if dtype is None else dtype)
        if n > _MAX_POPULATION or n - 1 > np.iinfo(d).max:
            raise ValueError(f"[{fn}] a: {n} items do not fit the dtype {d} (or 2^53).")
        out_dims = dims
    else:
        arr = _array(a)
        if arr.ndim == 0:
            raise ValueError(f"[{fn}] a must be an int or an array of at least one axis.")
        if dtype is not None:
            raise ValueError(f"[{fn}] dtype: applies to an int a only; an array a keeps its "
                             f"dtype ({arr.dtype}).")
        ax = _axis(axis, arr.ndim, fn)
        n, d = arr.shape[ax], arr.dtype
        out_dims = (*arr.shape[:ax], *dims, *arr.shape[ax + 1:])
    if k and n <= 0:
        raise ValueError(f"[{fn}] a: cannot draw {k} samples from a population of {n}.")
    if w is not None:
        _check_p(w, n, k, fn)
    if not replace and k > (n if w is None else int(np.count_nonzero(w))):
        raise ValueError(f"[{fn}] shape: cannot draw {k} samples without replacement from "
                         f"{n} items{'' if w is None else ' with positive weights'}.")
    if is_int and replace and w is None:
        return elementwise(call, dims, d, Dist.CHOICE_INDEX, {"a": np.array(float(n))})
    call.ready()
    check_fits(out_dims, d, fn)
    params = {}
    if w is not None:
        params["p"] = Param("p", w, (None,))
    if arr is not None:
        params["a"] = Param("a", arr, (None,) * arr.ndim)
    whole = () if is_int and replace else tuple(range(len(out_dims)))
    key_ = call.checked_key()
    return call.spec(out_dims, d, None, key=key_, elements=dims,
                     finish=functools.partial(_finish_choice, key_, bool(replace), n, ax),
                     params=params, whole_axes=whole, why=_CHOICE_WHY)


def _check_p(w: np.ndarray, n: int, k: int, fn: str) -> None:
    """Refuse weights that are not ``n`` finite non-negative values with a positive sum."""
    if w.shape != (n,):
        raise ValueError(f"[{fn}] p must be a 1-d array of the {n} items' weights, got shape "
                         f"{w.shape}.")
    check(np.isfinite(w) & (w >= 0), fn, "p", "finite and non-negative")
    if k and not w.sum() > 0:
        raise ValueError(f"[{fn}] p must have a positive sum.")


def _finish_choice(key: object, replace: bool, n: int, axis: int, block: Block, values: None,
                   p: object = None, a: object = None) -> object:
    """The block's indices (inverse CDF or race, §6.2), or the slices of ``a`` they pick."""
    b = block.backend
    if replace and p is None:
        idx = b.dist(key, block.runs, Dist.CHOICE_INDEX, False,
                     (np.array([float(n)]), _ZERO, _ZERO), np.int64)
    elif replace:
        w = host_values(p).astype(np.float64)
        c = np.cumsum(w)
        last = int(np.flatnonzero(w)[-1])
        u = b.dist(key, block.runs, Dist.UNIFORM, True, (_ZERO, _ZERO, _ZERO), np.float64)
        idx = b.xp.minimum(b.xp.searchsorted(b.asarray(c), u * c[-1], side="right"), last)
    else:
        w = np.ones(1) if p is None else host_values(p).astype(np.float64)
        race = b.dist(key, Runs.whole(n), Dist.CHOICE_KEY, True, (w, _ZERO, _ZERO), np.float64)
        idx = b.xp.argsort(race, kind="stable")[:block.runs.size]
    idx = idx.reshape(block.shape)
    if a is None:
        return idx.astype(block.dtype)
    return b.xp.take(b.asarray(a), idx, axis=axis)


@sampler("permuted", arrays=("x",), broadcasts="x")
def permuted(x: object, axis: int | None = None, key: object = None,
             stream: object = None) -> DrawSpec:
    """``x`` with each slice along ``axis`` shuffled independently (NumPy's ``Generator.permuted``).

    Element ``i`` of ``x`` (flat C-order index) gets the 64-bit key
    ``w0·2^32 + w1`` of pair 0 of lane 0 of its stream; each slice along ``axis``
    is reordered by the stable argsort of its keys (docs/distributions.md §6.3).
    With 64 bits two keys of a slice of ``m`` elements tie with probability
    below ``m²/2^65`` (ties keep index order), so the permutations are uniform
    to that accuracy. ``axis=None`` shuffles the flattened array and keeps its
    shape.

    Dask: ``keyrand.dask.permuted`` chunks every axis but ``axis`` (all of them
    when it is None) and refuses chunks that cut it.

    Args:
        x: The array to shuffle.
        axis: The axis whose slices are shuffled; None for the whole array.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``x``'s shape and dtype.

    Raises:
        TypeError: ``x`` is not an array, or ``axis`` not an int.
        IndexError: ``axis`` out of range.
    """
    fn = "permuted"
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"[{fn}] x must be an array, not {type(x).__name__}.")
    arr = _array(x)
    ax = None if axis is None else check_int(axis, fn, "axis")
    call = Start(fn, key, stream)
    if ax is not None:
        ax = _axis(ax, arr.ndim, fn)
    call.ready()
    key_ = call.checked_key()
    whole = tuple(range(arr.ndim)) if ax is None else (ax,)
    return call.spec(arr.shape, arr.dtype, None, key=key_,
                     finish=functools.partial(_finish_permuted, key_, ax),
                     params={"x": Param("x", arr, tuple(range(arr.ndim)))},
                     whole_axes=whole, why=_PERMUTED_WHY)


def _finish_permuted(key: object, axis: int | None, block: Block, values: None,
                     x: object) -> object:
    """The block of ``x`` reordered by the stable argsort of its elements' 64-bit keys (§6.3)."""
    b = block.backend
    hi = b.dist(key, block.runs, Dist.PERMUTED_WORD, False, (_ZERO, _ZERO, _ZERO), np.int64)
    lo = b.dist(key, block.runs, Dist.PERMUTED_WORD, False, (np.ones(1), _ZERO, _ZERO),
                np.int64)
    keys = (hi.astype(np.uint64) << np.uint64(32)) | lo.astype(np.uint64)
    xs = b.asarray(x)
    if axis is None:
        order = b.xp.argsort(keys, kind="stable")
        return b.xp.take(xs.reshape(-1), order).reshape(block.shape)
    order = b.xp.argsort(keys.reshape(block.shape), axis=axis, kind="stable")
    return b.xp.take_along_axis(xs, order, axis=axis)
