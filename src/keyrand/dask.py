"""Dask arrays of keyrand samples whose values do not depend on chunking or workers.

``keyrand.dask.<sampler>(..., chunks=...)`` has the in-memory sampler's
signature plus ``chunks`` and returns a :class:`dask.array.Array` equal, bit
for bit, to ``keyrand.<sampler>(...)`` for every chunking, scheduler and
number of workers. Element ``i`` of a draw depends only on (key, size of the
draw, ``i``) (docs/algorithms.md §3.2), so each block computes its own elements with no
communication: its task runs the real sampler on the block's shape and
parameter blocks inside :func:`keyrand.samplers.word_view`, which makes the
draw take the block's flat indices of the whole draw. A block of an N-d array
is a set of equally long contiguous runs of flat C-order indices
(:func:`block_runs`).

A task holds only the key, the size of the draw, the block's slices and the
parameters, so the graph is O(blocks), not O(data), and names are
deterministic: the same call with the same key gives the same Dask name. With
``key=None`` the calling thread's global key is drawn once, when the graph is
built (one key per call, as in memory). Blocks are NumPy arrays, or CuPy
arrays on the workers' GPUs with a GPU ``stream`` (or a GPU default device at
construction time).

Arguments are validated when the graph is built, by the in-memory sampler
itself (run once on a zero-size probe) and by the shape checks it uses, so
errors are the in-memory API's. Draws that need a global operation are
refused with an explanation: ``permutation`` over more than one block, a
chunked class axis in ``categorical``, a chunked event axis in
``multivariate_normal``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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

from . import _keys, samplers
from ._checks import broadcast_shapes, check_nonnegative, check_shape, check_within, check_words
from ._codes import words_needed
from ._devices import Stream, resolve
from ._dtypes import float32, promote, to_numpy
from .samplers import word_view

__all__ = [
    "bernoulli",
    "bits",
    "block_runs",
    "categorical",
    "gumbel",
    "laplace",
    "multivariate_normal",
    "normal",
    "permutation",
    "randint",
    "split",
    "truncated_normal",
    "uniform",
]

Chunks = object
_VERSION = "keyrand-dask-1"


# ----------------------------------------------------------------------------- block layout

def block_runs(slices: Sequence[slice], shape: tuple[int, ...]) -> tuple[np.ndarray, int]:
    """Flat C-order indices of block ``slices`` of ``shape``, as equally long runs.

    Trailing axes the block covers entirely merge into the run, so a block of
    whole rows is one run. Returns ``(starts, run)``: the block's ``r·run + t``-th
    element (C order) is element ``starts[r] + t`` of the flattened array; an
    empty block gives no runs.
    """
    ext = [s.stop - s.start for s in slices]
    if not shape:
        return np.zeros(1, np.int64), 1
    if 0 in ext:
        return np.zeros(0, np.int64), 0
    strides = [math.prod(shape[k + 1:]) for k in range(len(shape))]
    m = len(shape) - 1
    while m > 0 and ext[m] == shape[m]:
        m -= 1
    run = ext[m] * strides[m]
    starts = np.array([slices[m].start * strides[m]], np.int64)
    for k in range(m - 1, -1, -1):
        axis = np.arange(slices[k].start, slices[k].stop, dtype=np.int64) * strides[k]
        starts = (axis[:, None] + starts[None, :]).ravel()
    return starts, run


def _extent(slices: Sequence[slice]) -> tuple[int, ...]:
    return tuple(s.stop - s.start for s in slices)


def _inner_slices(slices: Sequence[slice], out_shape: tuple[int, ...],
                  inner: tuple[int, ...]) -> tuple[slice, ...]:
    """The slices of ``inner`` (right-aligned, broadcast into ``out_shape``) an out block reads.

    An axis that broadcasting stretches (size 1 in ``inner``) reads its one
    element: samples repeat along it (docs/algorithms.md §6.2).
    """
    lead = len(out_shape) - len(inner)
    return tuple(slices[lead + k] if d == out_shape[lead + k] else slice(0, d)
                 for k, d in enumerate(inner))


def _on_like(template: object, a: object) -> object:
    """``a`` as an array of ``template``'s library (CuPy blocks on a GPU stream)."""
    if isinstance(template, np.ndarray):
        return np.asarray(a)
    from . import _gpu

    return _gpu.asarray(a)


# ----------------------------------------------------------------------------- block tasks
# Each class is one kind of task: a small picklable object holding the key, the draw's
# size and the sampler's constant arguments; called with a block's slices and parameter
# blocks, it runs the in-memory sampler inside word_view.

@dataclass(frozen=True, eq=False)
class _Elementwise:
    """A block of an elementwise sampler (bits width 4, uniform, normal, …)."""

    fn: str
    key: np.ndarray
    out_shape: tuple[int, ...]
    dims: tuple[int, ...]
    consts: tuple[tuple[str, object], ...]
    names: tuple[str, ...]
    stream: Stream

    def kwargs(self, arrays: tuple) -> dict:
        kw = dict(self.consts)
        kw.update(zip(self.names, arrays, strict=True))
        return kw

    def __call__(self, slices: tuple[slice, ...], *arrays: object) -> object:
        inner = _inner_slices(slices, self.out_shape, self.dims)
        starts, run = block_runs(inner, self.dims)
        with word_view(math.prod(self.dims), starts, run):
            return getattr(samplers, self.fn)(shape=_extent(inner), key=self.key,
                                              stream=self.stream, **self.kwargs(arrays))


@dataclass(frozen=True, eq=False)
class _RandintUint32(_Elementwise):
    """randint with dtype uint32: MLX's cast depends on the element's position (§4.5).

    The conversion of the whole contiguous draw uses the vector rule for its
    first ``4·⌊N/4⌋`` elements and the scalar rule for the rest; a block call
    applies that rule to the block's own size. Blocks whose size is a multiple
    of 4 and that hold none of the last ``N mod 4`` elements agree as they are;
    other blocks are drawn in two calls whose sizes select the right rule
    (a multiple of 4, padded, then at most 3 elements).
    """

    def __call__(self, slices: tuple[slice, ...], *arrays: object) -> object:
        for name, a in zip(self.names, arrays, strict=True):
            _check_uint32_bound(a, name)
        starts, run = block_runs(slices, self.dims)
        n = starts.size * run
        total = math.prod(self.dims)
        vector_end = total - total % 4
        if n % 4 == 0 and (n == 0 or starts[-1] + run <= vector_end):
            return super().__call__(slices, *arrays)
        shape = _extent(slices)
        index = (starts[:, None] + np.arange(run, dtype=np.int64)[None, :]).ravel()
        flat = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
        nv = int(np.searchsorted(index, vector_end))
        parts = []
        for lo, hi, pad in ((0, nv, -nv % 4), (nv, n, 0)):
            if hi == lo:
                continue
            idx = index[lo:hi]
            params = [p[lo:hi] for p in flat]
            if pad:
                idx = np.concatenate([idx, np.repeat(idx[-1:], pad)])
                params = [np.concatenate([p, np.repeat(p[-1:], pad)]) for p in params]
            with word_view(total, idx, 1):
                r = samplers.randint(shape=(idx.size,), key=self.key, stream=self.stream,
                                     **self.kwargs(tuple(params)))
            parts.append(r[:hi - lo])
        return np.concatenate(parts).reshape(shape)


def _check_uint32_bound(a: object, name: str) -> None:
    """Refuse float bounds on which MLX's two uint32 casts differ (docs/algorithms.md §4.5).

    The in-memory sampler casts float bound arrays with the vector rule for the
    first ``4·⌊size/4⌋`` elements of the bound array and the scalar rule for
    the rest; the rules agree on [−2^31, 2^32], outside it (and for NaN) the
    result depends on where the bound sits in its array, which a block cannot see.

    Raises:
        ValueError: a float bound outside [−2^31, 2^32] or NaN.
    """
    if getattr(a, "dtype", None) is None or a.dtype.kind != "f" or a.size == 0:
        return
    x = a.astype(np.float32)
    if not bool(((x >= -(2.0**31)) & (x <= 2.0**32)).all()):
        raise ValueError(
            f"[randint] {name}: with dtype uint32, float bounds outside [-2**31, 2**32] (or NaN) "
            "are cast by MLX with a rule that depends on the element's position in the bound "
            "array, which a block cannot reproduce. Use integer bounds (e.g. "
            "int64), bounds within that range, or keyrand.randint in memory.")


@dataclass(frozen=True, eq=False)
class _NarrowBits:
    """A block of ``bits`` with width 1 or 2: bytes of the word stream (§3.2 step 3).

    Each run of elements is a run of bytes; the block draws, per run, a run of
    words of the ``W``-word stream that covers them (as width-4 bits under
    word_view) and keeps the run's bytes, little-endian as the sampler lays them out.
    """

    key: np.ndarray
    dims: tuple[int, ...]
    width: int
    stream: Stream

    def __call__(self, slices: tuple[slice, ...]) -> object:
        starts, run = block_runs(slices, self.dims)
        shape = _extent(slices)
        if starts.size * run == 0:
            return samplers.bits(shape, self.width, key=self.key, stream=self.stream)
        w = self.width
        total = words_needed(math.prod(self.dims), w)
        span = min(-(-run * w // 4) + 1, total)
        first = np.minimum(starts * w // 4, total - span)
        with word_view(total, first, span):
            words = samplers.bits((first.size * span,), 4, key=self.key, stream=self.stream)
        raw = words.reshape(first.size, span).view(np.uint8)
        offset = starts * w - 4 * first
        take = offset[:, None] + np.arange(run * w, dtype=np.int64)[None, :]
        picked = np.take_along_axis(raw, _on_like(raw, take), axis=1)
        out = np.ascontiguousarray(picked).reshape(-1).view(np.dtype(f"uint{8 * w}"))
        return out.reshape(shape)


@dataclass(frozen=True, eq=False)
class _Split:
    """A block of whole keys of ``split(key, num)``, that is of ``bits((num, 2))`` (§2.1)."""

    key: np.ndarray
    num: int
    stream: Stream

    def __call__(self, slices: tuple[slice, ...]) -> object:
        starts, run = block_runs(slices, (self.num, 2))
        with word_view(2 * self.num, starts, run):
            return samplers.split(self.key, slices[0].stop - slices[0].start, stream=self.stream)


@dataclass(frozen=True, eq=False)
class _CategoricalGumbel:
    """A block of categorical's Gumbel path (§6.9): ``argmax(gumbel + logits)`` per row.

    The Gumbel draw has the output shape with the class axis inserted at
    ``off``; the block draws its rows (all classes) under word_view over that
    index space and reduces them as the in-memory sampler does.
    """

    key: np.ndarray
    gshape: tuple[int, ...]
    off: int
    logits_dtype: np.dtype
    stream: Stream

    def __call__(self, slices: tuple[slice, ...], logits: object) -> object:
        gsl = slices[:self.off] + (slice(0, self.gshape[self.off]),) + slices[self.off:]
        starts, run = block_runs(gsl, self.gshape)
        with word_view(math.prod(self.gshape), starts, run):
            g = samplers.gumbel(_extent(gsl), key=self.key, stream=self.stream)
        if g.size == 0:
            return _on_like(g, np.zeros(_extent(slices), np.uint32))
        v = g + _on_like(g, logits.astype(self.logits_dtype))
        return np.argmax(v, axis=self.off).astype(np.uint32)


@dataclass(frozen=True, eq=False)
class _CategoricalICDF:
    """A block of categorical's inverse-CDF path (§6.9): elementwise in the uniforms."""

    key: np.ndarray
    sshape: tuple[int, ...]
    axis: int
    stream: Stream

    def __call__(self, slices: tuple[slice, ...], logits: object) -> object:
        starts, run = block_runs(slices, self.sshape)
        with word_view(math.prod(self.sshape), starts, run):
            return samplers.categorical(logits, axis=self.axis, shape=_extent(slices),
                                        key=self.key, stream=self.stream)


@dataclass(frozen=True, eq=False)
class _MultivariateNormal:
    """A block of whole events of multivariate_normal: its normals under word_view (§6.11)."""

    key: np.ndarray
    out_shape: tuple[int, ...]
    dims: tuple[int, ...]
    dtype: object
    stream: Stream

    def __call__(self, slices: tuple[slice, ...], mean: object, cov: object) -> object:
        starts, run = block_runs(slices, self.out_shape)
        inner = _inner_slices(slices[:-1], self.out_shape[:-1], self.dims)
        with word_view(math.prod(self.out_shape), starts, run):
            return samplers.multivariate_normal(mean, cov, shape=_extent(inner), dtype=self.dtype,
                                                key=self.key, stream=self.stream)


@dataclass(frozen=True, eq=False)
class _Whole:
    """The only block of a draw that cannot be cut (permutation): the in-memory sampler."""

    fn: str
    args: tuple
    key: np.ndarray
    stream: Stream

    def __call__(self, slices: tuple[slice, ...]) -> object:
        return getattr(samplers, self.fn)(*self.args, key=self.key, stream=self.stream)


# ----------------------------------------------------------------------------- arguments

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
                       whole: int, why: str) -> tuple[tuple[int, ...], ...]:
    """Chunks whose trailing ``whole`` axes are single blocks.

    A bare int or ``"auto"`` applies to the leading axes only.

    Raises:
        ValueError: explicit chunks that cut one of the trailing axes (``why`` says why not).
    """
    _check_chunks_type(fn, chunks)
    lead = len(shape) - whole
    if not isinstance(chunks, (tuple, list)):
        chunks = (chunks,) * lead + (-1,) * whole
    norm = _chunks(fn, chunks, shape, dtype)
    for axis in range(lead, len(shape)):
        if len(norm[axis]) > 1:
            raise ValueError(f"[{fn}] chunks: axis {axis} is cut into {len(norm[axis])} blocks, "
                             f"but {why} Give -1 for it (one block).")
    return norm


def _is_array(v: object) -> bool:
    if isinstance(v, da.Array):
        return True
    if v is None or isinstance(v, (list, tuple, str, bytes)):
        return False
    nd = getattr(v, "ndim", None)
    return isinstance(nd, int) and nd >= 1 and (hasattr(v, "__array__")
                                                or hasattr(v, "__dlpack__"))


def _as_param(v: object, fn: str, name: str) -> object:
    """A parameter as a Dask array (array-valued) or unchanged (scalars, lists, None)."""
    if isinstance(v, da.Array):
        if any(math.isnan(d) for d in v.shape):
            raise ValueError(f"[{fn}] {name}: a Dask array of unknown shape; call "
                             f"compute_chunk_sizes() first.")
        return v
    if not _is_array(v):
        return v
    if not isinstance(v, np.ndarray) and not type(v).__module__.startswith("cupy"):
        v = to_numpy(v)
    return da.from_array(v, chunks=-1)


def _probe_value(v: object) -> object:
    """The stand-in of a parameter in the zero-size probe: 0-d of the same dtype."""
    return np.zeros((), v.dtype) if isinstance(v, da.Array) else v


def _shape_of(v: object) -> tuple[int, ...]:
    return tuple(v.shape) if isinstance(v, da.Array) else np.shape(v)


def _key_and_probe(fn: str, key: object, probe) -> tuple[np.ndarray, object]:
    """Validate the call with ``probe(key)`` (the in-memory sampler on a tiny draw).

    With ``key=None`` the probe itself takes the global key, exactly when the
    in-memory call would (after argument conversion, even if it then fails,
    docs/algorithms.md §2.3): that key is the one this graph uses.

    Returns:
        The key as a NumPy uint32 array of shape (2,) and the probe's result.
    """
    if key is not None:
        result = probe(key)
        return np.ascontiguousarray(to_numpy(key), np.uint32), result
    before = _keys.state()
    result = probe(None)
    state, sub = _keys.split2(before)
    if not np.array_equal(_keys.state(), state):  # pragma: no cover - a sampler invariant
        raise RuntimeError(f"[{fn}] the probe did not take exactly one global key.")
    return sub, result


def _aligned(a: object, out_shape: tuple[int, ...],
             chunks: tuple[tuple[int, ...], ...]) -> tuple[object, tuple[int, ...]]:
    """Rechunk parameter ``a`` (right-aligned in ``out_shape``) to the output's blocks."""
    lead = len(out_shape) - a.ndim
    target = tuple((1,) if d == 1 else chunks[lead + k] for k, d in enumerate(a.shape))
    return a.rechunk(target), tuple(range(lead, len(out_shape)))


def _build(fn: str, block: object, out_shape: tuple[int, ...],
           chunks: tuple[tuple[int, ...], ...], meta: object, params: Sequence[tuple],
           token: tuple) -> da.Array:
    """The Dask array whose block ``b`` is ``block(slices of b, *parameter blocks)``."""
    out_ind = tuple(range(len(out_shape)))
    args: list = [ArraySliceDep(chunks), out_ind]
    for arr, ind in params:
        args += [arr, ind]
    name = f"{fn}-{tokenize(_VERSION, fn, token, chunks, [a.name for a, _ in params])}"
    meta = meta_from_array(meta, ndim=len(out_shape))
    out = da.blockwise(block, out_ind, *args, name=name, dtype=meta.dtype, meta=meta,
                       concatenate=True, align_arrays=False)
    if out.chunks != chunks:  # pragma: no cover - a Dask contract
        raise RuntimeError(f"[{fn}] internal error: blocks {out.chunks} instead of {chunks}.")
    return out


def _token(key: np.ndarray, *parts: object) -> tuple:
    return (key.tobytes(),) + tuple(_tokenable(p) for p in parts)


def _tokenable(p: object) -> object:
    if isinstance(p, da.Array):
        return ("dask", p.name)
    if isinstance(p, dict):
        return tuple(sorted((k, _tokenable(v)) for k, v in p.items()))
    if isinstance(p, (tuple, list)):
        return tuple(_tokenable(v) for v in p)
    if isinstance(p, type) or isinstance(p, np.dtype):
        return ("dtype", str(np.dtype(p)))
    if isinstance(p, (Stream,)):
        return repr(p)
    return p


def _zero(dims: tuple[int, ...]) -> tuple[int, ...]:
    """A zero-size stand-in shape of the same rank; a shape with negative entries is kept.

    The sampler refuses negative dimensions before it allocates anything, and
    its message then shows the real shape.
    """
    return dims if any(d < 0 for d in dims) else tuple(min(d, 0) for d in dims)


def _numpy_broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a NumPy operation on arrays of ``shapes``, or NumPy's own error.

    Some samplers combine their bounds with a NumPy operation before their
    shape checks, so a mismatch raises NumPy's message; it is reproduced
    here on zero-stride stand-ins (nothing is allocated).
    """
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        z = [np.broadcast_to(np.zeros((), np.int8), s) for s in shapes]
        np.subtract(*z)  # raises NumPy's "operands could not be broadcast together" error
        raise


def _elementwise(fn: str, key: object, stream: object, chunks: object,
                 shape: tuple[int, ...] | None, params: dict, consts: dict,
                 full_checks, cls: type = _Elementwise) -> da.Array:
    """Build an elementwise sampler's Dask array (the common path of most samplers).

    ``params`` are the array-capable arguments (Dask/NumPy arrays or scalars),
    ``consts`` the others. ``full_checks(param shapes) -> (dims, out_shape,
    words)`` runs the sampler's shape checks on the real shapes.
    """
    _check_chunks_type(fn, chunks)
    st = resolve(stream, fn)
    params = {k: _as_param(v, fn, k) for k, v in params.items()}

    def probe(k: object) -> object:
        probe_params = {n: _probe_value(v) for n, v in params.items()}
        shp = None if shape is None else _zero(shape)
        return getattr(samplers, fn)(shape=shp, key=k, stream=st, **probe_params, **consts)

    k, meta = _key_and_probe(fn, key, probe)
    dims, out_shape, words = full_checks({n: _shape_of(v) for n, v in params.items()})
    check_words(words, fn)
    norm = _chunks(fn, chunks, out_shape, meta.dtype)
    arrays = {n: v for n, v in params.items() if isinstance(v, da.Array)}
    scalars = {n: v for n, v in params.items() if not isinstance(v, da.Array)}
    aligned = [_aligned(v, out_shape, norm) for v in arrays.values()]
    block = cls(fn, k, out_shape, dims, tuple({**scalars, **consts}.items()), tuple(arrays),
                st)
    token = _token(k, dims, out_shape, {**scalars, **consts}, st)
    return _build(fn, block, out_shape, norm, meta, aligned, token)


# ----------------------------------------------------------------------------- samplers

def bits(shape: Sequence[int] = (), width: int = 4, key: object = None, stream: object = None,
         *, chunks: Chunks = "auto") -> da.Array:
    """Raw random bits as a Dask array, equal to :func:`keyrand.bits` for any chunking.

    Width 1 and 2 blocks take their bytes from the words that hold them
    (docs/algorithms.md §3.2 step 3), so they too match for every chunking.

    Args:
        shape: Output shape.
        width: Bytes per element: 1, 2 or 4.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on (GPU: CuPy blocks).
        chunks: Block shape: ``"auto"``, an int, or one entry per axis (an int,
            -1 for the whole axis, or a tuple of block sizes).

    Returns:
        A Dask array of ``shape`` and dtype uint8/16/32.

    Raises:
        ValueError: as :func:`keyrand.bits`, bad ``chunks``, or a batch of keys
            (draw each key's array and stack them instead).
    """
    fn = "bits"
    dims = check_shape(shape, fn)
    _check_chunks_type(fn, chunks)
    st = resolve(stream, fn)
    k, meta = _key_and_probe(fn, key, lambda kk: samplers.bits(_zero(dims), width, key=kk,
                                                                stream=st))
    if k.shape != (2,):
        raise ValueError(f"[{fn}] key: keyrand.dask draws from one key of shape (2,), got "
                         f"{k.shape}; draw one array per key and stack them (dask.array.stack).")
    check_nonnegative(dims, fn)
    check_words(words_needed(math.prod(dims), width), fn)
    norm = _chunks(fn, chunks, dims, meta.dtype)
    token = _token(k, dims, width, st)
    if width == 4:
        block = _Elementwise(fn, k, dims, dims, (("width", 4),), (), st)
    else:
        block = _NarrowBits(k, dims, width, st)
    return _build(fn, block, dims, norm, meta, (), token)


def split(key: object, num: int = 2, stream: object = None, *,
          chunks: Chunks = "auto") -> da.Array:
    """``num`` subkeys as a Dask array of shape ``(num, 2)``, equal to :func:`keyrand.split`.

    Args:
        key: uint32 key of shape (2,).
        num: Number of subkeys.
        stream: Stream or device the blocks run on.
        chunks: Blocks of rows: an int, ``"auto"``, or a tuple of row counts
            (summing to ``num``); or one entry per axis of ``(num, 2)`` whose
            second is -1 or 2: each block holds whole keys.

    Returns:
        A uint32 Dask array of shape ``(num, 2)``.

    Raises:
        TypeError: ``num`` is not an int, or ``key`` is None.
        ValueError: as :func:`keyrand.split`, or bad ``chunks``.
    """
    fn = "split"
    _check_chunks_type(fn, chunks)
    st = resolve(stream, fn)
    probe_num = num if isinstance(num, bool) or not isinstance(num, (int, np.integer)) \
        else min(int(num), 0)
    meta = samplers.split(key, probe_num, stream=st)
    k = np.ascontiguousarray(to_numpy(key), np.uint32)
    num = int(num)
    check_words(2 * num, fn)
    if isinstance(chunks, (tuple, list)):
        ints = all(isinstance(c, (int, np.integer)) and not isinstance(c, (bool, np.bool_))
                   for c in chunks)
        if ints and sum(int(c) for c in chunks) == num:
            chunks = (tuple(chunks), -1)  # row counts
        elif len(chunks) == 1:
            chunks = (chunks[0], -1)  # the rows' entry
        elif ints and len(chunks) != 2:
            chunks = (tuple(chunks), -1)  # row counts (that do not sum to num: refused)
    norm = _chunks_with_whole(fn, chunks, (num, 2), meta.dtype, 1,
                              "each block must hold whole keys (rows of 2 words).")
    return _build(fn, _Split(k, num, st), (num, 2), norm, meta, (), _token(k, num, st))


def uniform(low: object = 0, high: object = 1, shape: Sequence[int] = (),
            dtype: object = float32, key: object = None, stream: object = None, *,
            chunks: Chunks = "auto") -> da.Array:
    """Uniform samples on ``[low, high)`` as a Dask array, equal to :func:`keyrand.uniform`.

    ``low`` and ``high`` may be scalars, NumPy arrays or Dask arrays; array
    bounds are cut into the output's blocks (broadcast axes stay whole).

    Args:
        low: Lower bound.
        high: Upper bound.
        shape: Output shape.
        dtype: float32, float16 or bfloat16.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A Dask array of ``shape`` and ``dtype``.

    Raises:
        ValueError, TypeError, RuntimeError: as :func:`keyrand.uniform`, or bad ``chunks``.
    """
    fn = "uniform"
    dims = check_shape(shape, fn)

    def checks(s: dict) -> tuple:  # as keyrand.uniform, in its order
        check_within(fn, dims, _numpy_broadcast(s["high"], s["low"]), s["low"])
        check_nonnegative(dims, fn)
        return dims, dims, math.prod(dims)

    return _elementwise(fn, key, stream, chunks, dims, {"low": low, "high": high},
                        {"dtype": dtype}, checks)


def normal(shape: Sequence[int] = (), dtype: object = float32, loc: object = None,
           scale: object = None, key: object = None, stream: object = None, *,
           chunks: Chunks = "auto") -> da.Array:
    """Normal samples as a Dask array, equal to :func:`keyrand.normal` (complex64 included).

    When ``loc``/``scale`` broadcast the output beyond ``shape``, the samples
    repeat along the new axes as in memory (docs/algorithms.md §6.2): the words come from
    ``shape``, and ``chunks`` describes the output.

    Args:
        shape: Sample shape.
        dtype: float16, bfloat16, float32, float64 or complex64.
        loc: Mean: None, a scalar, a NumPy or a Dask array.
        scale: Standard deviation: None, a scalar, a NumPy or a Dask array.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape of the output (see :func:`bits`).

    Returns:
        A Dask array of shape ``broadcast(shape, loc.shape, scale.shape)``.

    Raises:
        ValueError, TypeError: as :func:`keyrand.normal`, or bad ``chunks``.
    """
    fn = "normal"
    dims = check_shape(shape, fn)
    params = {n: v for n, v in (("loc", loc), ("scale", scale)) if v is not None}
    try:
        per = 2 if np.dtype(dtype) == np.complex64 else 1  # complex64: two words an element
    except TypeError:
        per = 1  # the probe reports the bad dtype

    def checks(s: dict) -> tuple:  # as keyrand.normal
        check_nonnegative(dims, fn)
        out_shape = broadcast_shapes(fn, dims, *s.values())
        return dims, out_shape, math.prod(dims) * per

    return _elementwise(fn, key, stream, chunks, dims, params, {"dtype": dtype}, checks)


def truncated_normal(lower: object, upper: object, shape: Sequence[int] | None = None,
                     dtype: object = float32, key: object = None, stream: object = None, *,
                     chunks: Chunks = "auto") -> da.Array:
    """Truncated normal samples as a Dask array, equal to :func:`keyrand.truncated_normal`.

    Args:
        lower: Lower bound: a scalar, a NumPy or a Dask array.
        upper: Upper bound: a scalar, a NumPy or a Dask array.
        shape: Output shape; defaults to the bounds' broadcast shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A Dask array of ``shape`` and ``dtype``.

    Raises:
        ValueError, RuntimeError: as :func:`keyrand.truncated_normal`, or bad ``chunks``.
    """
    fn = "truncated_normal"
    dims = None if shape is None else check_shape(shape, fn)

    def checks(s: dict) -> tuple:  # as keyrand.truncated_normal, in its order
        d = dims if dims is not None else broadcast_shapes(fn, s["lower"], s["upper"])
        rng = _numpy_broadcast(s["upper"], s["lower"])
        check_within(fn, d, rng, s["lower"])
        check_nonnegative(d, fn)
        return d, d, math.prod(d)

    return _elementwise(fn, key, stream, chunks, dims, {"lower": lower, "upper": upper},
                        {"dtype": dtype}, checks)


def _shape_only_checks(fn: str, dims: tuple[int, ...]):
    """The checks of a sampler with no array parameters: non-negative ``dims``."""

    def checks(s: dict) -> tuple:
        check_nonnegative(dims, fn)
        return dims, dims, math.prod(dims)

    return checks


def gumbel(shape: Sequence[int] = (), dtype: object = float32, key: object = None,
           stream: object = None, *, chunks: Chunks = "auto") -> da.Array:
    """Gumbel samples as a Dask array, equal to :func:`keyrand.gumbel`.

    Args:
        shape: Output shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A Dask array of ``shape`` and ``dtype``.

    Raises:
        ValueError, RuntimeError: as :func:`keyrand.gumbel`, or bad ``chunks``.
    """
    fn = "gumbel"
    dims = check_shape(shape, fn)
    checks = _shape_only_checks(fn, dims)
    return _elementwise(fn, key, stream, chunks, dims, {}, {"dtype": dtype}, checks)


def laplace(shape: Sequence[int] = (), dtype: object = float32, loc: float = 0.0,
            scale: float = 1.0, key: object = None, stream: object = None, *,
            chunks: Chunks = "auto") -> da.Array:
    """Laplace samples as a Dask array, equal to :func:`keyrand.laplace`.

    Args:
        shape: Output shape.
        dtype: float16, bfloat16, float32 or float64.
        loc: Location, a Python number.
        scale: Scale, a Python number.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A Dask array of ``shape`` and ``dtype``.

    Raises:
        ValueError, TypeError: as :func:`keyrand.laplace`, or bad ``chunks``.
    """
    fn = "laplace"
    dims = check_shape(shape, fn)
    checks = _shape_only_checks(fn, dims)
    return _elementwise(fn, key, stream, chunks, dims, {},
                        {"dtype": dtype, "loc": loc, "scale": scale}, checks)


def bernoulli(p: object = 0.5, shape: Sequence[int] | None = None, key: object = None,
              stream: object = None, *, chunks: Chunks = "auto") -> da.Array:
    """Bernoulli samples as a Dask array, equal to :func:`keyrand.bernoulli`.

    Args:
        p: Probability: a float scalar, a NumPy or a Dask float array.
        shape: Output shape; defaults to ``p``'s shape.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A bool Dask array of ``shape``.

    Raises:
        ValueError: as :func:`keyrand.bernoulli`, or bad ``chunks``.
    """
    fn = "bernoulli"
    dims = None if shape is None else check_shape(shape, fn)

    def checks(s: dict) -> tuple:  # as keyrand.bernoulli
        d = dims if dims is not None else s["p"]
        check_nonnegative(d, fn)
        if broadcast_shapes(fn, d, s["p"]) != d:
            raise ValueError(f"[{fn}] p: shape {s['p']} is incompatible with argument shape "
                             f"{d}.")
        return d, d, math.prod(d)

    return _elementwise(fn, key, stream, chunks, dims, {"p": p}, {}, checks)


def randint(low: object, high: object, shape: Sequence[int] = (), dtype: object = np.int32,
            key: object = None, stream: object = None, *,
            chunks: Chunks = "auto") -> da.Array:
    """Random integers on ``[low, high)`` as a Dask array, equal to :func:`keyrand.randint`.

    uint32 keeps MLX's position-dependent cast (docs/algorithms.md §4.5) across blocks.

    Args:
        low: Lower bound: a scalar, a NumPy or a Dask array.
        high: Upper bound: a scalar, a NumPy or a Dask array.
        shape: Output shape.
        dtype: Any integer dtype or bool.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape (see :func:`bits`).

    Returns:
        A Dask array of ``shape`` and ``dtype``.

    Raises:
        ValueError, RuntimeError: as :func:`keyrand.randint`, or bad ``chunks``.
    """
    fn = "randint"
    dims = check_shape(shape, fn)

    def checks(s: dict) -> tuple:  # as keyrand.randint
        check_nonnegative(dims, fn)
        check_within(fn, dims, _numpy_broadcast(s["high"], s["low"]), s["low"])
        return dims, dims, math.prod(dims)

    cls = _Elementwise
    try:
        if np.dtype(dtype) == np.uint32:
            cls = _RandintUint32
            for name, v in (("low", low), ("high", high)):
                if isinstance(v, np.ndarray) and v.ndim:
                    _check_uint32_bound(v, name)  # early, for bounds already in memory
    except TypeError:
        pass  # the probe reports the bad dtype
    return _elementwise(fn, key, stream, chunks, dims, {"low": low, "high": high},
                        {"dtype": dtype}, checks, cls)


def categorical(logits: object, axis: int = -1, shape: Sequence[int] | None = None,
                num_samples: int | None = None, key: object = None, stream: object = None, *,
                chunks: Chunks = "auto") -> da.Array:
    """Class indices as a Dask array, equal to :func:`keyrand.categorical`.

    ``chunks`` describes the output (the logits' shape without the class
    axis, or ``shape``, or ``(..., num_samples)``). The class axis of the
    logits must be one block: the Gumbel-max trick takes the argmax over all
    classes of a row (docs/algorithms.md §6.9). NumPy logits are cut accordingly; Dask
    logits chunked along the class axis are refused (rechunk them with
    ``logits.rechunk({axis: -1})``).

    Args:
        logits: Unnormalized log-probabilities: a NumPy or Dask array.
        axis: The class axis.
        shape: Output shape.
        num_samples: Draws per distribution; exclusive with ``shape``.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Block shape of the output (see :func:`bits`).

    Returns:
        A uint32 Dask array.

    Raises:
        TypeError, ValueError, IndexError: as :func:`keyrand.categorical`, or
            bad ``chunks``, or Dask logits whose class axis is cut into blocks.
    """
    fn = "categorical"
    _check_chunks_type(fn, chunks)
    st = resolve(stream, fn)
    dims = None if shape is None else check_shape(shape, fn)
    is_dask = isinstance(logits, da.Array)
    arrayish = is_dask or hasattr(logits, "__array__") or hasattr(logits, "__dlpack__")
    lshape = tuple(logits.shape) if arrayish else ()
    ndim = len(lshape)
    a = None
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        a = int(axis) + ndim if axis < 0 else int(axis)
        a = a if 0 <= a < ndim else None

    def probe(k: object) -> object:
        # Sizes above 2 become 2: which path is taken, zero sizes and the rank are kept.
        if not arrayish:
            return samplers.categorical(logits, axis, shape, num_samples, key=k, stream=st)
        small = tuple(d if i == a else min(d, 2) for i, d in enumerate(lshape))
        ns = num_samples
        if isinstance(ns, (int, np.integer)) and not isinstance(ns, bool):
            ns = min(int(ns), 2)
        shp = None if dims is None else dims if any(d < 0 for d in dims) else tuple(
            min(d, 2) for d in dims)
        return samplers.categorical(np.zeros(small, logits.dtype), axis, shp, ns, key=k,
                                    stream=st)

    k, probe_out = _key_and_probe(fn, key, probe)
    reduced = lshape[:a] + lshape[a + 1:]
    if dims is not None:  # as keyrand.categorical
        check_nonnegative(dims, fn)
        if broadcast_shapes(fn, dims, reduced) != dims:
            raise ValueError(f"[{fn}] shape: requested shape {dims} is not broadcast "
                             f"compatible with reduced logits shape {reduced}.")
        S, lfull = dims, lshape
    elif num_samples is not None:
        lfull = lshape + (1,)
        S = lfull[:a] + lfull[a + 1:-1] + (int(num_samples),)
    else:
        S, lfull = reduced, lshape
    n = lshape[a]
    icdf = n > 0 and math.prod(lfull) == n and len(S) > 0
    off = a + len(S) - len(lfull) + 1
    gshape = S[:off] + (n,) + S[off:]
    check_words(math.prod(S) if icdf else math.prod(gshape), fn)
    norm = _chunks(fn, chunks, S, np.dtype(np.uint32))
    L = logits if is_dask else da.from_array(
        logits if isinstance(logits, np.ndarray) or type(logits).__module__.startswith("cupy")
        else to_numpy(logits), chunks=-1)
    token = _token(k, "icdf" if icdf else "gumbel", a, S, st)
    if icdf:
        L = L.rechunk(-1)
        ind = tuple(range(len(S), len(S) + L.ndim))
        block = _CategoricalICDF(k, S, a, st)
        return _build(fn, block, S, norm, probe_out, [(L, ind)], token)
    if L.numblocks[a] > 1:
        raise ValueError(f"[{fn}] logits: the class axis {a} is cut into {L.numblocks[a]} "
                         "blocks, but each sample is the argmax over all classes of its row "
                         "(Gumbel-max), so a block needs the whole axis. Rechunk "
                         f"the logits with logits.rechunk({{{a}: -1}}).")
    if len(lfull) > len(lshape):
        L = L[..., None]
    lead = len(gshape) - len(lfull)
    target, ind = [], []
    for i, d in enumerate(lfull):
        g = lead + i
        if g == off:
            target.append((n,))
            ind.append(len(S))
        else:
            s_axis = g if g < off else g - 1
            target.append((1,) if d == 1 else norm[s_axis])
            ind.append(s_axis)
    block = _CategoricalGumbel(k, gshape, off, promote(float32, np.dtype(logits.dtype)), st)
    return _build(fn, block, S, norm, probe_out, [(L.rechunk(tuple(target)), tuple(ind))],
                  token)


def multivariate_normal(mean: object, cov: object, shape: Sequence[int] = (),
                        dtype: object = float32, key: object = None, stream: object = None,
                        *, chunks: Chunks = "auto") -> da.Array:
    """Multivariate normal samples as a Dask array, cut along the batch axes only.

    Each block holds whole events: ``z @ std`` mixes the last axis
    (docs/algorithms.md §6.11), so that axis cannot be cut. The normals ``z`` are the in-memory
    sampler's, bit for bit; the SVD and product are LAPACK/BLAS's, per block.

    Args:
        mean: Array (..., n): NumPy or Dask.
        cov: Array (..., n, n): NumPy or Dask.
        shape: Batch shape.
        dtype: float32 only.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the blocks run on.
        chunks: Blocks of the batch axes (an int or ``"auto"``), or one entry
            per output axis with -1 for the last.

    Returns:
        A float32 Dask array of shape ``broadcast(batch shapes, shape) + (n,)``.

    Raises:
        ValueError, TypeError: as :func:`keyrand.multivariate_normal`, or
            ``chunks`` that cut the event axis.
    """
    fn = "multivariate_normal"
    _check_chunks_type(fn, chunks)
    dims = check_shape(shape, fn)
    st = resolve(stream, fn)
    mean_p, cov_p = _as_param(mean, fn, "mean"), _as_param(cov, fn, "cov")

    def small(v: object, event: int) -> object:
        if not isinstance(v, da.Array):
            return v
        s = tuple(min(d, 1) for d in v.shape[:max(v.ndim - event, 0)]) + \
            tuple(v.shape[max(v.ndim - event, 0):])
        return np.zeros(s, v.dtype)

    k, meta = _key_and_probe(fn, key, lambda kk: samplers.multivariate_normal(
        small(mean_p, 1), small(cov_p, 2), _zero(dims), dtype, key=kk, stream=st))
    check_nonnegative(dims, fn)  # as keyrand.multivariate_normal
    batch = broadcast_shapes(fn, broadcast_shapes(fn, cov_p.shape[:-2], mean_p.shape[:-1]),
                             dims)
    out_shape = batch + (mean_p.shape[-1],)
    check_words(math.prod(out_shape), fn)
    norm = _chunks_with_whole(fn, chunks, out_shape, np.dtype(np.float32), 1,
                              "each sample mixes its whole event axis (z @ std).")
    mean_d, mean_ind = _aligned(mean_p, out_shape, norm)
    nb = len(batch)
    cov_lead = nb - (cov_p.ndim - 2)
    cov_target = tuple((1,) if d == 1 else norm[cov_lead + i]
                       for i, d in enumerate(cov_p.shape[:-2])) + ((cov_p.shape[-2],),
                                                                   (cov_p.shape[-1],))
    cov_ind = tuple(range(cov_lead, nb)) + (nb, nb + 1)
    block = _MultivariateNormal(k, out_shape, dims, dtype, st)
    token = _token(k, dims, out_shape, dtype, st)
    return _build(fn, block, out_shape, norm, meta,
                  [(mean_d, mean_ind), (cov_p.rechunk(cov_target), cov_ind)], token)


def permutation(x: object, axis: int = 0, key: object = None, stream: object = None, *,
                chunks: Chunks = -1) -> da.Array:
    """A random permutation as a one-block Dask array (a permutation cannot be cut).

    The permutation is the stable argsort of all ``n`` words (docs/algorithms.md §6.10):
    every position depends on every word, so no block can be computed
    without the others. Only one block is allowed; to permute a large Dask
    array, compute the ``n`` indices in memory and take them lazily:
    ``dask.array.take(x, keyrand.permutation(x.shape[axis], key=k), axis)``.

    Args:
        x: An int ``n`` or a NumPy array.
        axis: Axis of the array to permute.
        key: uint32 key of shape (2,); the global sequence if None (drawn now, once).
        stream: Stream or device the block runs on.
        chunks: Must describe one block (-1, the default).

    Returns:
        A one-block Dask array equal to :func:`keyrand.permutation`.

    Raises:
        ValueError: ``chunks`` with more than one block, or as :func:`keyrand.permutation`.
        TypeError: a Dask ``x`` (use the recipe above), or as :func:`keyrand.permutation`.
    """
    fn = "permutation"
    _check_chunks_type(fn, chunks)
    if isinstance(x, da.Array):
        raise TypeError(f"[{fn}] x: a Dask array cannot be permuted block by block (a "
                        "permutation is a global sort). Use dask.array.take(x, "
                        "keyrand.permutation(x.shape[axis], key=k), axis=axis): the indices "
                        "are only n uint32 values.")
    st = resolve(stream, fn)
    is_int = isinstance(x, (int, np.integer, bool, np.bool_))
    arg = x if is_int or not (hasattr(x, "__array__") or hasattr(x, "__dlpack__")) \
        else to_numpy(x)

    def probe(kk: object) -> object:
        if is_int:
            return samplers.permutation(min(int(x), 0), axis, key=kk, stream=st)
        return samplers.permutation(arg, axis, key=kk, stream=st)

    k, out = _key_and_probe(fn, key, probe)
    out_shape = (int(x),) if is_int else tuple(out.shape)
    check_words(out_shape[0] if is_int else arg.shape[axis], fn)
    norm = _chunks(fn, chunks, out_shape, out.dtype)
    if math.prod(len(c) for c in norm) > 1:
        raise ValueError(f"[{fn}] chunks: {norm} gives more than one block, but a permutation "
                         "is the stable argsort of all n words: every position "
                         "depends on every word, so no block can be computed without the "
                         "others. Use chunks=-1 and rechunk the result, or permute a Dask "
                         "array with dask.array.take(x, keyrand.permutation(n, key=k), axis).")
    args = (int(x),) if is_int else (arg, axis)
    token = _token(k, args, st)
    return _build(fn, _Whole(fn, args, k, st), out_shape, norm, out, (), token)
