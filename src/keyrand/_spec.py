"""DrawSpec: a draw described once, executed whole, by blocks or by ranges.

Every sampler is split in two (docs/algorithms.md §3.2 gives the layout):

- ``prepare(args) → DrawSpec`` converts and checks the arguments in MLX's
  order, takes the key as MLX does, and describes the draw: output shape and
  dtype, the kernel that maps each word (transform, rounding, parameters),
  the word-owning elements, and an optional elementwise finishing step with
  its array parameters;
- :func:`execute` runs a DrawSpec on the backend of its stream.

Element ``i`` of the word-owning elements depends only on (key, their
number, ``i``), so any set of runs of them can be computed on its own
(:func:`run_block`): :mod:`keyrand.dask` computes a chunk, the CLI a range of
a file, with the same code as the whole draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from . import _backend, _stream
from ._backend import Backend, Kernel, Runs
from ._checks import check_stream_words
from ._codes import words_needed
from ._devices import Stream


class Param(NamedTuple):
    """An array parameter of the finishing step.

    Attributes:
        arg: The sampler argument it comes from (``keyrand.dask`` cuts that argument).
        value: Its converted value: a host array, or in a block its block.
        axes: For each axis of ``value``, the output axis it runs along, or
            None for an axis every block needs whole.
        why: The message (a ``str.format`` template of ``axis`` and ``blocks``)
            refusing a Dask parameter cut along an axis marked None, when it
            must be refused rather than gathered; empty to gather it.
    """

    arg: str
    value: Any
    axes: tuple[int | None, ...]
    why: str = ""


class StandIn(np.ndarray):
    """A parameter known by its shape and dtype alone: a Dask array in :mod:`keyrand.dask`.

    Value checks skip it; the blocks of the Dask array are checked as they are
    computed, through the DrawSpec's ``check_param``.
    """


def stand_in(dtype: np.dtype, shape: tuple[int, ...], value: float = 0) -> StandIn:
    """A :class:`StandIn` of ``dtype`` and ``shape`` (zero strides) holding ``value``."""
    return np.broadcast_to(np.asarray(value, dtype), shape).view(StandIn)


class Block(NamedTuple):
    """Where a finishing step runs.

    Attributes:
        backend: The backend of the draw.
        runs: The word-owning elements of the block, as runs of the whole set.
        whole: True when the block is the whole draw.
        dtype: The draw's output dtype.
        shape: The shape of the block's word-owning elements.
    """

    backend: Backend
    runs: Runs
    whole: bool
    dtype: np.dtype
    shape: tuple[int, ...] = ()


#: ``finish(block, values, **params) -> array``: values of the block's word-owning
#: elements (shaped as they are) and its parameters, to the block's output.
Finish = Callable[..., Any]


def _right_aligned(out_slices: Sequence[slice], shape: tuple[int, ...],
                   inner: tuple[int, ...]) -> tuple[slice, ...]:
    """The slices of ``inner`` (right-aligned, broadcast into ``shape``) an output block reads.

    An axis that broadcasting stretches (size 1 in ``inner``) reads its one
    element: samples repeat along it (docs/algorithms.md §6.2).
    """
    lead = len(shape) - len(inner)
    return tuple(out_slices[lead + k] if d == shape[lead + k] else slice(0, d)
                 for k, d in enumerate(inner))


@dataclass(frozen=True, eq=False)
class DrawSpec:
    """One draw, described before any word is generated.

    Attributes:
        name: The sampler's name (error messages, Dask names).
        key: The checked key: uint32 (2,), or (..., 2) for ``bits``' key batches.
        stream: The stream the draw runs on.
        shape: Output shape (without a key batch's leading axes).
        dtype: Output dtype.
        kernel: The map of each word to a value, or None for a draw whose finishing
            step draws every element from its own element stream (docs/distributions.md).
        elements: Shape of the word-owning elements; the output is their
            finishing, broadcast to ``shape``.
        per_element: Words per word-owning element (2 for complex64).
        width: For ``bits`` of width 1 or 2: each element is ``width`` bytes of
            the word stream (0 otherwise).
        finish: The finishing step, or None when the values are the output.
        params: The finishing step's parameters by name.
        whole_axes: Output axes a block must hold whole, and ``why`` it must.
        why: The reason for ``whole_axes``, for messages.
        word_slices: Maps an output block's slices to the slices of
            ``elements`` it needs (default: right-aligned broadcasting).
        check_param: ``check_param(name, value)`` refuses parameter values a
            block cannot finish as the whole draw would (ValueError).
    """

    name: str
    key: Any
    stream: Stream
    shape: tuple[int, ...]
    dtype: np.dtype
    kernel: Kernel | None
    elements: tuple[int, ...]
    per_element: int = 1
    width: int = 0
    finish: Finish | None = None
    params: Mapping[str, Param] = field(default_factory=dict)
    whole_axes: tuple[int, ...] = ()
    why: str = ""
    word_slices: Callable[[tuple[slice, ...]], tuple[slice, ...]] | None = None
    check_param: Callable[[str, Any], None] | None = None

    def __post_init__(self) -> None:
        check_stream_words(self.num_words, self.name)

    @property
    def size(self) -> int:
        """Number of word-owning elements."""
        return math.prod(self.elements)

    @property
    def num_words(self) -> int:
        """Length of the key's word stream."""
        if self.width:
            return words_needed(self.size, self.width)
        return self.size * self.per_element

    def slices_of_elements(self, out_slices: tuple[slice, ...]) -> tuple[slice, ...]:
        """The slices of :attr:`elements` that output block ``out_slices`` needs."""
        if self.word_slices is not None:
            return self.word_slices(out_slices)
        return _right_aligned(out_slices, self.shape, self.elements)

    def with_params(self, **values: object) -> DrawSpec:
        """This spec with the values of some parameters replaced (a block's parameters)."""
        params = {n: p._replace(value=values[n]) if n in values else p
                  for n, p in self.params.items()}
        return replace(self, params=params)


def execute(spec: DrawSpec, out: Any = None) -> Any:
    """The whole draw of ``spec``: an array of ``spec.shape`` (plus a key batch's axes).

    Args:
        spec: The draw.
        out: None, or an array of the draw's device, dtype and shape (C-contiguous,
            writeable) that receives the values and is returned. A kernel that
            writes the output dtype fills it directly; other draws are copied in.

    Raises:
        TypeError: ``out`` is not an array of the draw's device, or of the wrong dtype.
        ValueError: ``out`` has the wrong shape, or is not C-contiguous and writeable.
    """
    backend = _backend.for_stream(spec.stream, spec.name)
    shape = spec.key.shape[:-1] + spec.shape
    with backend.placed():
        if out is not None:
            _check_out(spec, backend, out, shape)
        if math.prod(spec.shape) == 0:
            # No finishing step runs: its temporaries could be larger than NumPy allows.
            return backend.empty(shape, spec.dtype) if out is None else out
        if out is not None and spec.key.ndim == 1 and _writes_output(spec):
            _stream.fill(backend, out.reshape(-1), spec.key, spec.kernel, Runs.whole(spec.size))
            return out
        if spec.key.ndim > 1:
            values = _key_batch(spec, backend)
        else:
            values = _broadcast(backend, run_block(spec, backend, Runs.whole(spec.size),
                                                   spec.elements), spec.shape)
        if out is None:
            return values
        out[...] = values
        return out


def _writes_output(spec: DrawSpec) -> bool:
    """True when the draw is its kernel's words mapped straight to the output dtype."""
    k = spec.kernel
    return (k is not None and spec.finish is None and not spec.width
            and spec.per_element == 1 and k.dtype == spec.dtype
            and spec.elements == spec.shape)


def _check_out(spec: DrawSpec, backend: Backend, out: Any, shape: tuple[int, ...]) -> None:
    need = backend.holds(out)
    if need is not None:
        raise TypeError(f"[{spec.name}] out must be {need}, not {type(out).__name__}.")
    if out.dtype != spec.dtype:
        raise TypeError(f"[{spec.name}] out has dtype {out.dtype}; this draw gives "
                        f"{spec.dtype}.")
    if tuple(out.shape) != tuple(shape):
        raise ValueError(f"[{spec.name}] out has shape {tuple(out.shape)}; this draw gives "
                         f"{tuple(shape)}.")
    if not (out.flags.c_contiguous and _writeable(out)):
        raise ValueError(f"[{spec.name}] out must be C-contiguous and writeable.")


def _writeable(x: Any) -> bool:
    # CuPy arrays have no writeable flag: device memory is always writeable.
    return bool(getattr(x.flags, "writeable", True))


def execute_range(spec: DrawSpec, start: int, stop: int) -> Any:
    """Flat output elements ``start:stop`` of a draw whose output is its elements.

    Raises:
        ValueError: the output broadcasts its elements (array parameters).
    """
    if spec.shape != spec.elements:
        raise ValueError(f"[{spec.name}] this draw broadcasts its samples to a larger shape, "
                         "so it has no flat ranges of its own.")
    backend = _backend.for_stream(spec.stream, spec.name)
    with backend.placed():
        runs = Runs(spec.size, np.array([start], np.int64), stop - start)
        return run_block(spec, backend, runs, (stop - start,)).reshape(-1)


def execute_block(spec: DrawSpec, out_slices: tuple[slice, ...]) -> Any:
    """Output block ``out_slices`` of the draw (its parameters already the block's)."""
    backend = _backend.for_stream(spec.stream, spec.name)
    with backend.placed():
        inner = spec.slices_of_elements(out_slices)
        runs = block_runs(inner, spec.elements)
        extent = tuple(s.stop - s.start for s in inner)
        out_extent = tuple(s.stop - s.start for s in out_slices)
        return _broadcast(backend, run_block(spec, backend, runs, extent), out_extent)


def run_block(spec: DrawSpec, backend: Backend, runs: Runs, extent: tuple[int, ...]) -> Any:
    """The finished values of word-owning elements ``runs``, shaped ``extent``.

    A spec without a kernel draws no words here: its finishing step receives
    None and draws the elements of ``runs`` from their element streams.
    """
    values = None
    if spec.kernel is not None:
        values = _generate(spec, backend, runs)
        if spec.per_element > 1:
            extent = extent + (spec.per_element,)
        values = values.reshape(extent)
        if spec.finish is None:
            return values
    params = {n: p.value for n, p in spec.params.items()}
    if spec.check_param is not None and not runs.is_whole():
        for n, v in params.items():
            spec.check_param(n, v)
    block = Block(backend, runs, runs.is_whole(), spec.dtype, tuple(extent))
    return spec.finish(block, values, **params)


def _generate(spec: DrawSpec, backend: Backend, runs: Runs) -> Any:
    """The kernel's values of ``runs`` (flat), narrow outputs rounded."""
    kernel = spec.kernel
    if spec.width:
        return _bytes(spec, backend, runs)
    narrow = spec.finish is None and spec.dtype != kernel.dtype
    store = spec.dtype if narrow and backend.stores_narrow else kernel.dtype
    out = backend.empty(runs.size * spec.per_element, store)
    if out.size:
        _stream.fill(backend, out, spec.key, kernel, runs.scaled(spec.per_element))
    if narrow and store != spec.dtype:
        out = backend.to_narrow(out, spec.dtype)
    return out


def _bytes(spec: DrawSpec, backend: Backend, runs: Runs) -> Any:
    """``bits`` of width 1 or 2: the bytes of the word stream that hold elements ``runs``.

    Element ``i`` is bytes ``i·w`` to ``(i+1)·w`` (little-endian) of the
    ``⌈N·w/4⌉``-word stream (docs/algorithms.md §3.2 step 3). Each run of elements draws
    the run of words that covers its bytes.
    """
    w, total = spec.width, spec.num_words
    dtype = np.dtype(f"uint{8 * w}")
    if runs.size == 0:
        return backend.empty(0, dtype)
    if runs.is_whole():
        words = backend.empty(total, np.uint32)
        _stream.fill(backend, words, spec.key, spec.kernel, Runs.whole(total))
        return backend.xp.ascontiguousarray(words.view(np.uint8)[:runs.size * w]).view(dtype)
    span = min(-(-runs.run * w // 4) + 1, total)
    first = np.minimum(runs.starts * w // 4, total - span)
    words = backend.empty(first.size * span, np.uint32)
    _stream.fill(backend, words, spec.key, spec.kernel, Runs(total, first, span))
    raw = words.reshape(first.size, span).view(np.uint8)
    offset = runs.starts * w - 4 * first
    if first.size == 1:
        part = raw[0, int(offset[0]):int(offset[0]) + runs.run * w]
        return backend.xp.ascontiguousarray(part).view(dtype)
    take = offset[:, None] + np.arange(runs.run * w, dtype=np.int64)[None, :]
    picked = backend.xp.take_along_axis(raw, backend.asarray(take), axis=1)
    return backend.xp.ascontiguousarray(picked).reshape(-1).view(dtype)


def _key_batch(spec: DrawSpec, backend: Backend) -> Any:
    """One draw per key of a batch (``bits`` under MLX's vmap, docs/algorithms.md §3.5)."""
    keys = spec.key.reshape(-1, 2)
    batch = spec.key.shape[:-1]
    out = backend.empty((keys.shape[0], spec.size), spec.dtype)
    for row, k in zip(out, keys, strict=True):
        row[...] = run_block(replace(spec, key=k), backend, Runs.whole(spec.size), (spec.size,))
    return out.reshape(batch + spec.shape)


def _broadcast(backend: Backend, x: Any, shape: tuple[int, ...]) -> Any:
    if tuple(x.shape) == tuple(shape):
        return x
    return backend.xp.broadcast_to(x, shape).copy()


def block_runs(slices: Sequence[slice], shape: tuple[int, ...]) -> Runs:
    """Flat C-order indices of block ``slices`` of ``shape``, as equally long runs.

    Trailing axes the block covers entirely merge into the run, so a block of
    whole rows is one run; an empty block gives no runs.
    """
    total = math.prod(shape)
    ext = [s.stop - s.start for s in slices]
    if not shape:
        return Runs(total, np.zeros(1, np.int64), 1)
    if 0 in ext:
        return Runs(total, np.zeros(0, np.int64), 0)
    strides = [math.prod(shape[k + 1:]) for k in range(len(shape))]
    m = len(shape) - 1
    while m > 0 and ext[m] == shape[m]:
        m -= 1
    run = ext[m] * strides[m]
    starts = np.array([slices[m].start * strides[m]], np.int64)
    for k in range(m - 1, -1, -1):
        axis = np.arange(slices[k].start, slices[k].stop, dtype=np.int64) * strides[k]
        starts = (axis[:, None] + starts[None, :]).ravel()
    return Runs(total, starts, run)
