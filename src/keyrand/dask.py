"""Dask arrays of keyrand samples whose values do not depend on chunking or workers.

``keyrand.dask.<sampler>(..., chunks=...)`` has the in-memory sampler's
signature plus ``chunks`` and returns a :class:`dask.array.Array` equal, bit
for bit, to ``keyrand.<sampler>(...)`` for every chunking, scheduler and
number of workers. Every function here is one builder over the sampler's
:class:`~keyrand._spec.DrawSpec`: the graph is built from ``prepare(...)``
(the in-memory sampler's own conversions, checks and key use), and each block
executes the spec on its own word range with its parameter blocks
(:func:`keyrand._spec.execute_block`). Element ``i`` of a draw depends only on
(key, size of the draw, ``i``) (docs/algorithms.md §3.2), so blocks need no
communication.

A task holds only the DrawSpec (key, sizes, kernel) and the block's slices,
so the graph is O(blocks), not O(data), and names are deterministic: the same
call with the same key gives the same Dask name. With ``key=None`` the calling
thread's global key is drawn once, when the graph is built (one key per call,
as in memory). Blocks are NumPy arrays, or CuPy arrays on the workers' GPUs
with a GPU ``stream`` (or a GPU default device at construction time).

Dask array parameters enter ``prepare`` as zero-stride stand-ins of their
shape and dtype (0-d ones are computed), so every error is the in-memory
API's; value checks skip a stand-in, and the blocks' values are checked by the
DrawSpec's ``check_param`` as they are computed. Axes a draw
needs whole (a permutation, the class axis of
``categorical``'s Gumbel-max, the event axis of ``multivariate_normal``, a
key's two words in ``split``) cannot be cut, and chunks that cut them are
refused with the reason.
"""

from __future__ import annotations

import functools
import inspect
import math
from dataclasses import dataclass

import numpy as np

try:
    import dask.array as da
    from dask.array.core import normalize_chunks
    from dask.array.utils import meta_from_array
    from dask.base import tokenize
    from dask.layers import ArraySliceDep
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError("keyrand.dask needs Dask: pip install 'keyrand[dask]' "
                      "(dask[array,distributed]).") from err

from . import _backend
from ._dtypes import to_numpy
from ._registry import SAMPLERS, Sampler
from ._spec import DrawSpec, Param, block_runs, execute, execute_block, stand_in

__all__ = ["block_runs", *SAMPLERS]

Chunks = object
_VERSION = "keyrand-dask-2"


# ----------------------------------------------------------------------------- chunks

def _check_chunks_type(fn: str, chunks: object) -> None:
    """Refuse chunks of the wrong type before anything else (no key is used).

    Raises:
        TypeError: ``chunks`` is not ``"auto"``, an int or a sequence of per-axis entries.
    """
    def entry(c: object, nested: bool) -> None:
        if isinstance(c, (bool, np.bool_)):
            raise TypeError(f"[{fn}] chunks must contain ints, not bool.")
        if isinstance(c, (int, np.integer)) or c is None:
            return
        if isinstance(c, str):
            return
        if nested and isinstance(c, (tuple, list, np.ndarray)):
            for x in c:
                if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
                    raise TypeError(f"[{fn}] chunks: explicit block sizes must be ints, "
                                    f"not {type(x).__name__}.")
            return
        raise TypeError(f"[{fn}] chunks must be 'auto', an int, or a tuple with one entry per "
                        f"axis (an int, -1, 'auto' or a tuple of block sizes), not "
                        f"{type(c).__name__}.")

    if isinstance(chunks, (tuple, list)):
        for c in chunks:
            entry(c, True)
    elif chunks is None:
        raise TypeError(f"[{fn}] chunks must be 'auto', an int, or a tuple with one entry per "
                        "axis, not None.")
    else:
        entry(chunks, False)


def _chunks(fn: str, chunks: object, shape: tuple[int, ...], dtype: np.dtype
            ) -> tuple[tuple[int, ...], ...]:
    """Validate and normalize ``chunks`` for an array of ``shape``.

    Raises:
        ValueError: chunks that do not fit ``shape``, non-positive block sizes
            (other than -1) or an unknown string.
    """
    _check_chunks_type(fn, chunks)
    ndim = len(shape)

    def bad(msg: str) -> ValueError:
        return ValueError(f"[{fn}] chunks: {msg} (shape {shape}).")

    def size(c: object, axis: int) -> None:
        if isinstance(c, str):
            if c != "auto":
                raise bad(f"unknown chunk spec {c!r} for axis {axis}; use 'auto', an int or -1")
        elif c is not None and not (int(c) >= 1 or int(c) == -1):
            raise bad(f"block size {int(c)} for axis {axis} must be positive (or -1 for the "
                      "whole axis)")

    if isinstance(chunks, (tuple, list)):
        entries = list(chunks)
        flat_ints = all(isinstance(c, (int, np.integer)) for c in entries)
        if ndim == 1 and flat_ints and len(entries) != 1:
            entries = [tuple(entries)]
        if len(entries) != ndim:
            raise bad(f"{len(entries)} entries for an array of {ndim} dimensions")
        for axis, c in enumerate(entries):
            if isinstance(c, (tuple, list, np.ndarray)):
                sizes = [int(x) for x in c]
                if any(x < 0 for x in sizes):
                    raise bad(f"negative block size in {tuple(sizes)} for axis {axis}")
                if sum(sizes) != shape[axis]:
                    raise bad(f"the blocks of axis {axis} {tuple(sizes)} sum to {sum(sizes)}, "
                              f"not to its length {shape[axis]}")
            else:
                size(c, axis)
        chunks = tuple(tuple(int(x) for x in c) if isinstance(c, (tuple, list, np.ndarray))
                       else c for c in entries)
    else:
        size(chunks, 0)
    try:
        return normalize_chunks(chunks, shape, dtype=dtype)
    except (ValueError, TypeError, NotImplementedError) as err:
        raise bad(str(err)) from None


def _chunks_with_whole(fn: str, chunks: object, shape: tuple[int, ...], dtype: np.dtype,
                       whole: tuple[int, ...], why: str) -> tuple[tuple[int, ...], ...]:
    """Chunks whose axes ``whole`` are single blocks.

    A bare int or ``"auto"`` applies to the other axes only (to every axis
    when all are whole, so that a request for blocks is refused).

    Raises:
        ValueError: chunks that cut one of the ``whole`` axes (``why`` says why not).
    """
    _check_chunks_type(fn, chunks)
    if not isinstance(chunks, (tuple, list)) and len(whole) < len(shape):
        chunks = tuple(-1 if axis in whole else chunks for axis in range(len(shape)))
    norm = _chunks(fn, chunks, shape, dtype)
    for axis in whole:
        if len(norm[axis]) > 1:
            raise ValueError(f"[{fn}] chunks: axis {axis} is cut into {len(norm[axis])} blocks, "
                             f"but {why} Give -1 for it (one block).")
    return norm


def _is_array(v: object) -> bool:
    if v is None or isinstance(v, (list, tuple, str, bytes)):
        return False
    nd = getattr(v, "ndim", None)
    return isinstance(nd, int) and nd >= 1 and (hasattr(v, "__array__")
                                                or hasattr(v, "__dlpack__"))


# ----------------------------------------------------------------------------- blocks

@dataclass(frozen=True, eq=False)
class _Blocks:
    """The task of every block: the DrawSpec, executed on a block with its parameter blocks."""

    spec: DrawSpec
    names: tuple[str, ...]

    def __call__(self, slices: tuple[slice, ...], *blocks: object) -> object:
        values = dict(zip(self.names, blocks, strict=True))
        if self.spec.check_param is not None:
            for name, value in values.items():  # whatever the chunking, as for in-memory arrays
                self.spec.check_param(name, value)
        spec = self.spec.with_params(**values)
        if all(s.start == 0 and s.stop == d for s, d in zip(slices, spec.shape, strict=True)):
            return execute(spec)  # the whole draw, as in memory
        return execute_block(spec, slices)


# ----------------------------------------------------------------------------- the builder

def _stand_ins(fn: str, sampler: Sampler, bound: inspect.BoundArguments
               ) -> tuple[dict, set]:
    """Replace Dask arguments by what ``prepare`` sees.

    Returns:
        The Dask arrays of the array arguments by name (in-memory ones wrapped
        as one block), and the names of those that were given as Dask arrays.
    """
    arrays, lazy = {}, set()
    for arg, v in bound.arguments.items():
        if isinstance(v, da.Array):
            if arg not in sampler.arrays:
                raise TypeError(f"[{fn}] {arg}: a Dask array cannot be cut into blocks here: "
                                f"{sampler.hint}")
            if any(math.isnan(d) for d in v.shape):
                raise ValueError(f"[{fn}] {arg}: a Dask array of unknown shape; call "
                                 "compute_chunk_sizes() first.")
            if v.ndim == 0:
                bound.arguments[arg] = v.compute()
                continue
            arrays[arg] = v
            lazy.add(arg)
            bound.arguments[arg] = stand_in(v.dtype, v.shape)
        elif arg in sampler.arrays and _is_array(v):
            arrays[arg] = da.from_array(v if isinstance(v, np.ndarray) or type(
                v).__module__.startswith("cupy") else to_numpy(v), chunks=-1)
    return arrays, lazy


def _param_blocks(fn: str, spec: DrawSpec, p: Param, arr: da.Array, lazy: bool,
                  norm: tuple[tuple[int, ...], ...], label: list[int]) -> tuple:
    """``(rechunked array, index)`` of parameter ``p`` for the output blocks ``norm``."""
    target, ind = [], []
    for i, (d, axis) in enumerate(zip(arr.shape, p.axes, strict=True)):
        if axis is None:
            if lazy and p.why and arr.numblocks[i] > 1:
                raise ValueError(f"[{fn}] {p.arg}: " + p.why.format(axis=i,
                                                                   blocks=arr.numblocks[i]))
            target.append((d,))
            ind.append(label[0])
            label[0] += 1
        else:
            target.append((1,) if d == 1 else norm[axis])
            ind.append(axis)
    return arr.rechunk(tuple(target)), tuple(ind)


def build(name: str, args: tuple, kwargs: dict, chunks: Chunks) -> da.Array:
    """The Dask array of sampler ``name`` called with ``args``, ``kwargs``, cut into ``chunks``."""
    sampler = SAMPLERS[name]
    _check_chunks_type(name, chunks)
    bound = inspect.signature(sampler.prepare).bind(*args, **kwargs)
    arrays, lazy = _stand_ins(name, sampler, bound)
    spec = sampler.prepare(*bound.args, **bound.kwargs)
    if spec.key.shape != (2,):
        raise ValueError(f"[{name}] key: keyrand.dask draws from one key of shape (2,), got "
                         f"{spec.key.shape}; draw one array per key and stack them "
                         "(dask.array.stack).")
    shape = spec.shape
    if spec.whole_axes:
        norm = _chunks_with_whole(name, chunks, shape, spec.dtype, spec.whole_axes, spec.why)
    else:
        norm = _chunks(name, chunks, shape, spec.dtype)
    label = [len(shape)]
    blockwise, names = [], []
    for pname, p in spec.params.items():
        if p.arg not in arrays:
            continue
        given = bound.arguments[p.arg]
        if spec.check_param is not None and p.arg not in lazy:
            spec.check_param(pname, given)  # bounds already in memory: refused now
        blockwise += _param_blocks(name, spec, p, arrays[p.arg], p.arg in lazy, norm, label)
        names.append(pname)
    spec = spec.with_params(**dict.fromkeys(names))
    out_ind = tuple(range(len(shape)))
    token = tokenize(_VERSION, name, to_numpy(spec.key).tobytes(), repr(spec.stream), shape,
                     str(spec.dtype), spec.kernel, spec.elements, spec.per_element, spec.width,
                     _finish_name(spec), {n: p.value for n, p in spec.params.items()}, norm,
                     [a.name for a in blockwise[::2]])
    meta = meta_from_array(_backend.for_stream(spec.stream, name).empty(
        (0,) * len(shape), spec.dtype), ndim=len(shape))
    out = da.blockwise(_Blocks(spec, tuple(names)), out_ind, ArraySliceDep(norm), out_ind,
                       *blockwise, name=f"{name}-{token}", dtype=spec.dtype, meta=meta,
                       concatenate=True, align_arrays=False)
    if out.chunks != norm:  # pragma: no cover - a Dask contract
        raise RuntimeError(f"[{name}] internal error: blocks {out.chunks} instead of {norm}.")
    return out


def _finish_name(spec: DrawSpec) -> str:
    f = spec.finish
    if f is None:
        return ""
    if isinstance(f, functools.partial):
        return f"{f.func.__qualname__}{f.args}"
    return f.__qualname__


# ----------------------------------------------------------------------------- samplers

def _split_chunks(num: object, chunks: Chunks) -> Chunks:
    """The chunks of ``split``: also a tuple of row counts (summing to ``num``), or one entry."""
    if isinstance(chunks, (tuple, list)) and isinstance(num, (int, np.integer)):
        ints = all(isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_))
                   for c in chunks)
        if ints and sum(int(c) for c in chunks) == num:
            return (tuple(chunks), -1)
        if len(chunks) == 1:
            return (chunks[0], -1)
        if ints and len(chunks) != 2:
            return (tuple(chunks), -1)
    return chunks


def _dask_function(name: str):
    prepare = SAMPLERS[name].prepare
    default = -1 if name == "permutation" else "auto"

    def sampler(*args: object, chunks: Chunks = default, **kwargs: object) -> da.Array:
        if name == "split":
            chunks = _split_chunks(inspect.signature(prepare).bind_partial(
                *args, **kwargs).arguments.get("num", 2), chunks)
        return build(name, args, kwargs, chunks)

    sig = inspect.signature(prepare)
    chunks_param = inspect.Parameter("chunks", inspect.Parameter.KEYWORD_ONLY, default=default,
                                     annotation="Chunks")
    sampler.__signature__ = sig.replace(parameters=[*sig.parameters.values(), chunks_param],
                                        return_annotation="da.Array")
    sampler.__name__ = sampler.__qualname__ = name
    summary = (prepare.__doc__ or "").strip().splitlines()[0]
    sampler.__doc__ = (
        f"{summary}\n\n"
        f"As a Dask array equal, bit for bit, to :func:`keyrand.{name}` for every chunking: "
        f"the same arguments plus ``chunks`` (``\"auto\"``, an int, or one entry per axis: "
        f"an int, -1 for the whole axis, or a tuple of block sizes). Array arguments "
        f"(NumPy, CuPy or Dask) are cut into the output's blocks. With ``key=None`` the "
        f"global key is drawn once, now.\n\n"
        f"Raises:\n"
        f"    ValueError: As :func:`keyrand.{name}`, or bad ``chunks`` (a block size, or a cut "
        f"of an axis the draw needs whole).\n"
        f"    TypeError: As :func:`keyrand.{name}`, or ``chunks`` of the wrong type.\n")
    return sampler


for _name in SAMPLERS:
    globals()[_name] = _dask_function(_name)
