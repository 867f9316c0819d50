"""The samplers of ``mlx.core.random``: validate → shapes and dtypes → backend → finish.

Each public function mirrors MLX's signature and consumes one key of the
calling thread's global sequence when called without ``key=`` (docs/algorithms.md §2.3). The
element arithmetic lives in :mod:`keyrand._transforms`; scalar parameters are
fused into the backend kernel, array parameters are broadcast afterwards in
the target dtype's arithmetic, exactly as MLX orders the operations.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from . import _codes
from ._checks import (
    broadcast_shapes,
    check_fits,
    check_int,
    check_nonnegative,
    check_shape,
    check_within,
    check_words,
)
from ._devices import DeviceType, require, resolve
from ._dtypes import (
    arith,
    as_dtype,
    bfloat16,
    cast,
    check_given,
    complex64,
    complex_mul,
    convert_scalar_or_array,
    float16,
    float32,
    float64,
    is_float,
    is_numeric,
    promote,
    rounding_code,
    to_narrow,
    to_numpy,
)
from ._keys import check_key, next_key

ShapeLike = Sequence[int]
_SQRT2 = math.sqrt(2.0)
#: Elements finished per step where a finishing pass runs in chunks (bounded temporaries).
_CHUNK = 1 << 16
#: float32 just above 2^32: bernoulli's threshold scale (§6.7).
_BERNOULLI_SCALE = float(np.uint32(0x4F800001).view(np.float32))


#: Set by :func:`plan`: fused samplers return their :class:`Plan` instead of running it.
_DEFER = contextvars.ContextVar("keyrand_defer_plan", default=False)
#: Set by :func:`word_view`: ``(total, starts, run)`` in elements, see there.
_VIEW: contextvars.ContextVar[tuple[int, np.ndarray, int] | None] = contextvars.ContextVar(
    "keyrand_word_view", default=None)


@contextlib.contextmanager
def word_view(total: int, starts: np.ndarray, run: int) -> Iterator[None]:
    """Make sampler calls in this block draw a piece of a larger draw.

    Inside the block, a call whose draw has ``len(starts)·run`` elements
    takes element ``r·run + t`` from element ``starts[r] + t`` of a draw of
    ``total`` elements with the same key (words scale with the elements, so
    complex64 works too). Because element ``i`` of a draw depends only on
    (key, size, i), an elementwise sampler called on a block's shape and the
    block's parameters returns exactly that block of the whole result. This is
    how :mod:`keyrand.dask` computes chunks.
    """
    token = _VIEW.set((int(total), np.asarray(starts, np.int64), int(run)))
    try:
        yield
    finally:
        _VIEW.reset(token)


class _Call:
    """One sampler call: its stream, backend and key, resolved in MLX's order.

    Argument conversion (TypeError) happens before the global key is drawn;
    every later failure still uses up that key. A gpu stream is checked by
    :meth:`ready` after the key is drawn, where MLX's op first needs the
    stream, so a call on a machine without a usable gpu uses a key as MLX's does.
    """

    def __init__(self, fn: str, key: object, stream: object) -> None:
        self.fn = fn
        self.stream = resolve(stream, fn)
        self.on_gpu = self.stream.device.type is DeviceType.gpu
        self._backend = None if self.on_gpu else _cpu_backend()
        self.key = next_key() if key is None else key
        self.deferred = _DEFER.get()

    def ready(self):
        """The backend module, checking on first use that a gpu stream can run.

        Raises:
            ValueError: a gpu stream without CuPy, a CUDA driver or the GPU.
        """
        if self._backend is None:
            require(self.stream.device, self.fn, "stream")
            from . import _gpu

            _enter_scope(_gpu.activate(self.stream))
            self._backend = _gpu
        return self._backend

    @property
    def backend(self):
        """The backend module: :mod:`keyrand._cpu`, or :mod:`keyrand._gpu` (see :meth:`ready`)."""
        return self.ready()

    @property
    def xp(self):
        """Array module of the results: NumPy on the cpu, CuPy on a gpu."""
        return self.ready().xp() if self.on_gpu else np

    def checked_key(self) -> np.ndarray:
        return check_key(self.key, self.fn, device=self.on_gpu)

    def empty_result(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """The result of a draw with no elements, its key checked as a draw's would be.

        Paths that finish array parameters in a wider dtype than the output use
        this, so no intermediate larger than the output is ever shaped like it
        (see :func:`~keyrand._checks.check_fits`).
        """
        self.checked_key()
        with self.placed():
            return self.xp.empty(shape, dtype)

    def placed(self) -> contextlib.AbstractContextManager:
        """Make this call's device and stream current (a no-op on the cpu)."""
        return self.backend.activate(self.stream) if self.on_gpu else contextlib.nullcontext()

    def empty(self, n: int, dtype: np.dtype) -> np.ndarray:
        """A new flat array of this call's backend (a CuPy array on a gpu stream)."""
        with self.placed():
            return self.xp.empty(n, dtype)

    def on(self, a: np.ndarray) -> np.ndarray:
        """A host parameter array moved to this call's device (unchanged on the cpu)."""
        return self.backend.asarray(a) if self.on_gpu else a

    def generate(self, num_words: int, kind: int, rd: int, params: tuple,
                 dtype: np.dtype) -> np.ndarray:
        """Flat array: transform ``kind`` of each of the key's ``num_words`` words."""
        view = _VIEW.get()
        key = self.checked_key()
        if view is None:
            check_words(num_words, self.fn)
            out = self.empty(num_words, dtype)
            with self.placed():
                self.backend.fill(out, key, kind, rd, params)
            return out
        total, starts, run = view
        per = num_words // max(1, starts.size * run)
        if per * starts.size * run != num_words:
            raise ValueError(f"[{self.fn}] a word view of {starts.size}x{run} elements does "
                             f"not match a draw of {num_words} words.")
        check_words(total * per, self.fn)
        out = self.empty(num_words, dtype)
        with self.placed():
            self.backend.fill_runs(out, key, total * per, starts * per, run * per, kind, rd,
                                   params)
        return out

    def fused(self, shape: tuple[int, ...], kind: int, rd: int, params: tuple,
              kernel_dtype: np.dtype, dtype: np.dtype,
              post: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Run (or, under :func:`plan`, return) an elementwise draw of ``shape``."""
        p = Plan(self, shape, kind, rd, params, np.dtype(kernel_dtype), np.dtype(dtype), post)
        return p if self.deferred else p.run()


class Plan:
    """An elementwise draw: transform ``kind`` of word ``i`` gives element ``i``.

    Element ``i`` depends only on (key, number of elements, i), so any range
    of elements can be computed on its own (:meth:`block`) and equals the same
    range of the whole draw (:meth:`run`).
    """

    def __init__(self, call: _Call, shape: tuple[int, ...], kind: int, rd: int, params: tuple,
                 kernel_dtype: np.dtype, dtype: np.dtype,
                 post: Callable[[np.ndarray], np.ndarray] | None) -> None:
        self.call, self.shape, self.kind, self.rd, self.params = call, shape, kind, rd, params
        self.kernel_dtype, self.dtype = kernel_dtype, dtype
        #: What the backend writes: the CPU kernels store float16/bfloat16 themselves.
        self.out_dtype = dtype if dtype in (float16, bfloat16) and not call.on_gpu else kernel_dtype
        self._post = post
        self.size = _size(shape)
        check_words(self.size, call.fn)

    def _finish(self, flat: np.ndarray) -> np.ndarray:
        if self.out_dtype != self.dtype:
            flat = to_narrow(flat, self.dtype)
        return self._post(flat) if self._post is not None else flat

    def run(self) -> np.ndarray:
        """The whole draw, with the paired-counter kernel."""
        flat = self.call.generate(self.size, self.kind, self.rd, self.params, self.out_dtype)
        return self._finish(flat).reshape(self.shape)

    def block(self, start: int, stop: int) -> np.ndarray:
        """Flat elements ``start:stop`` of the draw, computed on their own."""
        out = self.call.empty(stop - start, self.out_dtype)
        self.call.backend.fill_runs(out, self.call.checked_key(), self.size,
                                    np.array([start], np.int64), stop - start, self.kind,
                                    self.rd, self.params)
        return self._finish(out)


def _cpu_backend():
    # The backends load Numba or CuPy, so they are imported by the first draw, not by
    # ``import keyrand``.
    from . import _cpu

    return _cpu


def _cpu_math():
    """:mod:`keyrand._mathf32`, MLX's float32 functions as Numba kernels, loaded on first use."""
    from . import _mathf32

    return _mathf32


_scopes = threading.local()


def _enter_scope(cm: contextlib.AbstractContextManager) -> None:
    # Keep ``cm`` (a gpu stream made current) entered until the public sampler returns.
    stack = getattr(_scopes, "stack", None)
    if stack is not None:
        stack.enter_context(cm)


def _placed(fn: Callable) -> Callable:
    """Run a public sampler with its gpu device and stream current.

    The CuPy operations that finish array parameters then run on the op's stream.
    """

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        previous = getattr(_scopes, "stack", None)
        with contextlib.ExitStack() as stack:
            _scopes.stack = stack
            try:
                return fn(*args, **kwargs)
            finally:
                _scopes.stack = previous

    return wrapper


def _size(shape: tuple[int, ...]) -> int:
    return math.prod(shape)


def _scalar(a: np.ndarray) -> bool:
    return a.ndim == 0


def _clamp_of(dtype: np.dtype) -> float:
    return _codes.UNIFORM_CLAMP[rounding_code(dtype)]


def _unit(call: _Call, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``cast(min(U01, C_D), D)``: uniform(0, 1) in ``dtype`` (§6.1)."""
    params = (_clamp_of(dtype), 1.0, 0.0)
    return Plan(call, shape, _codes.UNIFORM, rounding_code(dtype), params, float32, dtype,
                None).run()


def _mlx_min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MLX ``minimum(a, b)``: a NaN ``a`` wins (§4.6)."""
    return np.where(np.isnan(a) | (a < b), a, b)


def _mlx_max(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MLX ``maximum(a, b)``: a NaN ``a`` wins (§4.6)."""
    return np.where(np.isnan(a) | (a > b), a, b)


def _float_dtype(dtype: object, fn: str, message: str) -> np.dtype:
    d = as_dtype(dtype, fn)
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: {message}, got {d}.")
    return d


def _no_float64(d: np.dtype, fn: str) -> None:
    if d == float64:
        raise RuntimeError(f"[{fn}] dtype: float64 is not supported (MLX has no float64 "
                           "uniform).")


def _uniform_in(call: _Call, lo: np.ndarray, rng: np.ndarray, shape: tuple[int, ...],
                d: np.dtype) -> np.ndarray:
    """``(range·U) + lo`` in ``d`` arithmetic, U = uniform(0, 1) in ``d`` (§6.1)."""
    if _scalar(rng) and _scalar(lo):
        params = (_clamp_of(d), float(rng), float(lo))
        return call.fused(shape, _codes.UNIFORM, rounding_code(d), params, float32, d)
    if _size(shape) == 0:
        return call.empty_result(shape, d)
    u = _unit(call, shape, d)
    return call.xp.broadcast_to(arith(np.add, arith(np.multiply, rng, u, d), lo, d),
                                shape).copy()


@_placed
def bits(shape: ShapeLike = (), width: int = 4, key: object = None,
         stream: object = None) -> np.ndarray:
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
    call = _Call(fn, key, stream)
    if width not in (1, 2, 4):
        raise ValueError(f"[{fn}] width must be 1, 2 or 4 bytes, got {width!r}.")
    check_nonnegative(dims, fn)
    call.ready()
    keys = check_key(call.key, fn, batch=True, device=call.on_gpu)
    num_bytes = _size(dims) * width
    num_words = _codes.words_needed(_size(dims), width)
    check_words(num_words, fn)
    batch = keys.shape[:-1]
    check_fits(batch + dims, np.dtype(f"uint{8 * width}"), fn)
    if width == 4 and batch == ():
        return call.fused(dims, _codes.BITS, 0, (), np.uint32, np.uint32)
    flat_keys = keys.reshape(-1, 2)
    words = call.xp.empty((flat_keys.shape[0], num_words), np.uint32)
    for row, k in zip(words, flat_keys, strict=True):
        call.backend.fill(row, k, _codes.BITS, 0, ())
    out = words.view(np.uint8)[:, :num_bytes]
    if num_bytes != 4 * num_words:
        out = call.xp.ascontiguousarray(out)
    return out.view(np.dtype(f"uint{8 * width}")).reshape(batch + dims)


@_placed
def split(key: object, num: int = 2, stream: object = None) -> np.ndarray:
    """Split a key into ``num`` independent subkeys.

    ``split(key, num)`` is ``bits((num, 2), key=key)``: row ``i`` is subkey ``i``
    (docs/algorithms.md §2.1).

    Args:
        key: uint32 key of shape (2,).
        num: Number of subkeys (≥ 0).
        stream: Stream or device to run on.

    Returns:
        uint32 array of shape ``(num, 2)``.

    Raises:
        TypeError: ``num`` is not an int.
        ValueError: ``num`` is negative or ``key`` is malformed.
    """
    num = check_int(num, "split", "num")
    if key is None:
        raise TypeError("[split] key must be a uint32 array of shape (2,), not None.")
    call = _Call("split", key, stream)
    check_nonnegative((num,), "split", "num")
    flat = call.generate(2 * num, _codes.BITS, 0, (), np.dtype(np.uint32))
    return flat.reshape(num, 2)


@_placed
def uniform(low: object = 0, high: object = 1, shape: ShapeLike = (),
            dtype: object = float32, key: object = None, stream: object = None) -> np.ndarray:
    """Uniform samples on ``[low, high)``.

    With ``b`` the key's words, ``u = min(f32(b)·2^-32, 1 − ulp)`` rounded to
    ``dtype``, and the result is ``(high − low)·u + low`` in ``dtype``
    arithmetic (docs/algorithms.md §6.1). ``low > high`` is allowed.

    Args:
        low: Lower bound, scalar or array broadcastable to ``shape``.
        high: Upper bound, scalar or array broadcastable to ``shape``.
        shape: Output shape; ``low``/``high`` may not enlarge it.
        dtype: float32, float16 or bfloat16.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, bounds that do not broadcast to ``shape``,
            negative dimensions or a bad key.
        RuntimeError: dtype float64 (MLX has no float64 uniform).
    """
    fn = "uniform"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    check_given(low, fn, "low")
    check_given(high, fn, "high")
    call = _Call(fn, key, stream)
    lo_in = convert_scalar_or_array(low, fn, "low")
    hi_in = convert_scalar_or_array(high, fn, "high")
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: can only generate uniform numbers with real floating "
                         f"point type, got {d}.")
    call.ready()
    lo = cast(lo_in, d)
    rng = arith(np.subtract, cast(hi_in, d), lo, d)
    check_within(fn, dims, rng.shape, lo.shape)
    _no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    return _uniform_in(call, lo, rng, dims, d)


@_placed
def normal(shape: ShapeLike = (), dtype: object = float32, loc: object = None,
           scale: object = None, key: object = None, stream: object = None) -> np.ndarray:
    """Normal samples with mean ``loc`` and standard deviation ``scale``.

    ``e = erfinv(s)`` for the symmetric uniform ``s`` on (−1, 1), and the
    result is ``loc + (√2·scale)·e`` in ``dtype`` arithmetic (docs/algorithms.md §6.2). For
    complex64 the real and imaginary parts are consecutive ``e`` values with no
    √2 factor, so each part is N(0, 1/2), then ``loc + scale·z`` (§6.3).

    Args:
        shape: Sample shape; ``loc``/``scale`` may broadcast it larger.
        dtype: float16, bfloat16, float32, float64 or complex64.
        loc: Mean (scalar or array), or None for 0 (no addition).
        scale: Standard deviation (scalar or array), or None for 1.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of shape ``broadcast(shape, loc.shape, scale.shape)`` and ``dtype``.

    Raises:
        ValueError: unsupported dtype, shapes that do not broadcast, negative
            dimensions or a bad key.
    """
    fn = "normal"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = _Call(fn, key, stream)
    loc_in = None if loc is None else _hinted(loc, d, fn, "loc")
    scale_in = None if scale is None else _hinted(scale, d, fn, "scale")
    if d != complex64 and not is_float(d):
        raise ValueError(f"[{fn}] dtype: only floating point and complex64 types are "
                         f"supported, got {d}.")
    call.ready()
    check_nonnegative(dims, fn)
    extra = [a.shape for a in (loc_in, scale_in) if a is not None]
    out_shape = broadcast_shapes(fn, dims, *extra)
    check_fits(out_shape, d, fn)
    if d == complex64:
        return _complex_normal(call, dims, loc_in, scale_in)
    c = cast(np.asarray(_SQRT2, float64), d) if d == float64 else cast(
        np.asarray(_SQRT2, np.float32), d)
    if scale_in is not None:
        c = arith(np.multiply, c, cast(scale_in, d), d)
    if d != float64 and _scalar(c) and (loc_in is None or _scalar(loc_in)):
        has_loc = loc_in is not None
        params = (float(c), float(loc_in) if has_loc else 0.0, float(has_loc))
        return call.fused(dims, _codes.NORMAL, rounding_code(d), params, float32, d)
    if _size(out_shape) == 0:
        return call.empty_result(out_shape, d)
    if d == float64 and out_shape == dims and not call.on_gpu:
        # In place in the output: the kernel writes each float32 e exactly as a float64.
        z = call.generate(_size(dims), _codes.ERFINV_SYM, 0, (), float64).reshape(dims)
        np.multiply(c, z, out=z)
        if loc_in is not None:
            np.add(cast(loc_in, d), z, out=z)
        return z
    e = call.generate(_size(dims), _codes.ERFINV_SYM, 0, (), float32).reshape(dims)
    z = arith(np.multiply, c, cast(e, d), d)
    if loc_in is not None:
        z = arith(np.add, cast(loc_in, d), z, d)
    return call.xp.broadcast_to(z, out_shape).copy()


def _hinted(value: object, d: np.dtype, fn: str, name: str) -> np.ndarray:
    """Convert normal's loc/scale with dtype hint ``d`` (§4.4).

    Raises:
        RuntimeError: a Python int outside int64 (MLX's "std::bad_cast").
    """
    numeric = is_float(d) or d == complex64
    if isinstance(value, int):
        # D(v) straight from the int64 (a bool is 0 or 1), no detour through float64.
        v = convert_scalar_or_array(value, fn, name).astype(np.int64)
        return cast(v, d) if numeric else v
    if isinstance(value, (float, np.floating)) and not isinstance(value, np.ndarray):
        if d == float64:
            return np.asarray(float(value), float64)
        v = np.asarray(value, np.float32)
        return v if d == complex64 else cast(v, d)
    arr = convert_scalar_or_array(value, fn, name)  # complex: complex64, cast to D below
    return cast(arr, d) if numeric else arr


def _complex_normal(call: _Call, dims: tuple[int, ...], loc: np.ndarray | None,
                    scale: np.ndarray | None) -> np.ndarray:
    """complex64 normal (§6.3): ``loc + scale·(e[2i] + i·e[2i+1])``, products without fma."""
    e = call.generate(2 * _size(dims), _codes.ERFINV_SYM, 0, (), float32).reshape(dims + (2,))
    parts = []
    if scale is not None:
        s = np.asarray(scale).astype(complex64)
        parts.append((call.on(s.real.astype(np.float32)), call.on(s.imag.astype(np.float32))))
    if loc is not None:
        c = np.asarray(loc).astype(complex64)
        parts.append((call.on(c.real.astype(np.float32)), call.on(c.imag.astype(np.float32))))
    if not call.on_gpu and all(_scalar(a) for pair in parts for a in pair):
        # (re, im) pairs are complex64's layout: finish them in place, a chunk at a time.
        pairs = e.reshape(-1, 2)
        for c0 in range(0, pairs.shape[0] if parts else 0, _CHUNK):
            chunk = pairs[c0:c0 + _CHUNK]
            chunk[:, 0], chunk[:, 1] = _complex_finish(chunk[:, 0], chunk[:, 1], scale, loc,
                                                       parts)
        return e.view(complex64).reshape(dims)
    re, im = _complex_finish(e[..., 0], e[..., 1], scale, loc, parts)
    xp = call.xp
    re, im = xp.broadcast_arrays(re, im)
    out = xp.empty(re.shape, complex64)
    out.real[...], out.imag[...] = re, im
    return out


def _complex_finish(re: np.ndarray, im: np.ndarray, scale: np.ndarray | None,
                    loc: np.ndarray | None, parts: list) -> tuple[np.ndarray, np.ndarray]:
    """``loc + scale·(re + i·im)`` in float32 parts; ``parts`` holds (real, imag) of each given."""
    if scale is not None:
        re, im = complex_mul(*parts[0], re, im)
    if loc is not None:
        cr, ci = parts[-1]
        re, im = arith(np.add, cr, re, float32), arith(np.add, ci, im, float32)
    return re, im


@_placed
def truncated_normal(lower: object, upper: object, shape: ShapeLike | None = None,
                     dtype: object = float32, key: object = None,
                     stream: object = None) -> np.ndarray:
    """Normal samples truncated to ``[lower, upper]``.

    With ``c = √2``, ``a = erf(lower/c)`` and ``b = erf(upper/c)``, the result
    is ``max(min(upper, c·erfinv(u)), lower)`` for ``u`` uniform on
    ``[a, b)`` (docs/algorithms.md §6.4).

    Args:
        lower: Lower bound, scalar or array.
        upper: Upper bound, scalar or array.
        shape: Output shape; defaults to the bounds' broadcast shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, bounds that do not broadcast to ``shape``.
        RuntimeError: dtype float64 (as MLX's uniform).
    """
    fn = "truncated_normal"
    dims = None if shape is None else check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    check_given(lower, fn, "lower")
    check_given(upper, fn, "upper")
    call = _Call(fn, key, stream)
    lower_in = convert_scalar_or_array(lower, fn, "lower")
    upper_in = convert_scalar_or_array(upper, fn, "upper")
    if dims is None:
        dims = broadcast_shapes(fn, lower_in.shape, upper_in.shape)
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: truncated_normal only accepts floating point dtypes, "
                         f"got {d}.")
    call.ready()
    c = cast(np.asarray(_SQRT2, np.float32), d)
    lo_b, hi_b = cast(lower_in, d), cast(upper_in, d)
    a = _erf_d(arith(np.divide, lo_b, c, d), d)
    b = _erf_d(arith(np.divide, hi_b, c, d), d)
    rng = arith(np.subtract, b, a, d)
    check_within(fn, dims, rng.shape, a.shape)
    _no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    if all(_scalar(x) for x in (a, rng, lo_b, hi_b)):
        params = (_clamp_of(d), float(rng), float(a), float(c), float(hi_b), float(lo_b))
        return call.fused(dims, _codes.TRUNCATED_NORMAL, rounding_code(d), params, float32, d)
    if _size(dims) == 0:
        return call.empty_result(dims, d)
    x = _uniform_in(call, a, rng, dims, d)
    x32 = cast(x, np.float32)
    e = call.backend.erfinv(x32) if call.on_gpu else _cpu_math().erfinv_array(x32)
    y = arith(np.multiply, c, cast(e, d), d)
    hi_f, lo_f = call.on(hi_b.astype(np.float32)), call.on(lo_b.astype(np.float32))
    out = _mlx_max(_mlx_min(hi_f, cast(y, np.float32)), lo_f)
    return cast(call.xp.broadcast_to(out, dims), d)


def _erf_d(x: np.ndarray, d: np.dtype) -> np.ndarray:
    return cast(_cpu_math().erf_array(np.asarray(x).astype(np.float32)), d)


@_placed
def gumbel(shape: ShapeLike = (), dtype: object = float32, key: object = None,
           stream: object = None) -> np.ndarray:
    """Standard Gumbel samples: ``−log(−log(u))`` for ``u`` uniform on [0, 1) (§6.5).

    Args:
        shape: Output shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, negative dimensions or a bad key.
        RuntimeError: dtype float64 (as MLX's uniform).
    """
    fn = "gumbel"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = _Call(fn, key, stream)
    call.ready()
    d = _float_dtype(d, fn, "can only generate gumbel numbers with real floating point type")
    _no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    return call.fused(dims, _codes.GUMBEL, rounding_code(d), (_clamp_of(d),), float32, d)


@_placed
def laplace(shape: ShapeLike = (), dtype: object = float32, loc: float = 0.0,
            scale: float = 1.0, key: object = None, stream: object = None) -> np.ndarray:
    """Laplace samples: ``loc + scale·sign(s)·log1p(−|s|)`` for ``s`` uniform on (−1, 1).

    docs/algorithms.md §6.6: the scale multiply is skipped when ``scale == 1`` and the loc
    addition when ``loc == 0``, which keeps MLX's −0.0 results.

    Args:
        shape: Output shape.
        dtype: float16, bfloat16, float32 or float64.
        loc: Location, a Python number (rounded to float32).
        scale: Scale, a Python number (rounded to float32).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``loc`` or ``scale`` is not a real number.
        ValueError: non-float dtype, negative dimensions or a bad key.
    """
    fn = "laplace"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    loc32, scale32 = (_plain_float(v, fn, n) for v, n in ((loc, "loc"), (scale, "scale")))
    call = _Call(fn, key, stream)
    d = _float_dtype(d, fn, "only real floating point types are supported")
    call.ready()
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    has_scale, has_loc = scale32 != 1, loc32 != 0
    if d == float64:
        params = (float(scale32), float(loc32), float(has_scale), float(has_loc))
        return call.fused(dims, _codes.LAPLACE64, 0, params, float64, float64)
    scale_d = float(cast(scale32, d).astype(np.float32))
    loc_d = float(cast(loc32, d).astype(np.float32))
    params = (scale_d, loc_d, float(has_scale), float(has_loc))
    return call.fused(dims, _codes.LAPLACE, rounding_code(d), params, float32, d)


def _plain_float(v: object, fn: str, name: str) -> np.float32:
    """Convert laplace's loc/scale: what MLX's binding takes as a C float, then float32 (§4.4).

    That is anything ``float()`` converts without parsing text: Python and
    NumPy reals, bools, one-element arrays.

    Raises:
        TypeError: anything else (str, complex, None, an int beyond float range, ...).
    """
    try:
        if isinstance(v, (str, bytes, bytearray, complex, np.complexfloating)):
            raise TypeError
        with warnings.catch_warnings():
            # NumPy deprecates float() of a 1-d one-element array; MLX refuses it.
            warnings.simplefilter("error", DeprecationWarning)
            f = float(v)
    except (TypeError, ValueError, OverflowError, DeprecationWarning):
        raise TypeError(f"[{fn}] {name} must be a Python float, not {type(v).__name__}.") from None
    with np.errstate(over="ignore"):
        return np.float32(f)


@_placed
def bernoulli(p: object = 0.5, shape: ShapeLike | None = None, key: object = None,
              stream: object = None) -> np.ndarray:
    """Bernoulli samples: True with probability ``p``.

    With ``b`` the key's words, the result is ``f32(b) < p·(2^32 + 512)``,
    the threshold computed in p's float type (float64 p compares the exact
    word), docs/algorithms.md §6.7.

    Args:
        p: Probability, a float scalar or float array.
        shape: Output shape; defaults to ``p``'s shape.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        bool array of ``shape``.

    Raises:
        ValueError: ``p`` is not of a float type, or does not broadcast to ``shape``.
    """
    fn = "bernoulli"
    dims = None if shape is None else check_shape(shape, fn)
    check_given(p, fn, "p")
    call = _Call(fn, key, stream)
    p_in = convert_scalar_or_array(p, fn, "p")
    if not is_float(p_in.dtype):
        raise ValueError(f"[{fn}] p: bernoulli probability must be a float type, "
                         f"got {p_in.dtype}.")
    call.ready()
    if dims is None:
        dims = p_in.shape
    check_nonnegative(dims, fn)
    check_fits(dims, np.dtype(np.bool_), fn)
    wide = p_in.dtype == float64
    if wide:
        t = p_in * _BERNOULLI_SCALE
    else:
        t = p_in.astype(np.float32) * np.float32(_BERNOULLI_SCALE)
    full = broadcast_shapes(fn, dims, t.shape)
    if full != dims:
        raise ValueError(f"[{fn}] p: shape {t.shape} is incompatible with argument shape "
                         f"{dims}.")
    n = _size(dims)
    if _scalar(t):
        kind = _codes.BERNOULLI64 if wide else _codes.BERNOULLI
        return call.fused(dims, kind, 0, (float(t),), np.bool_, np.bool_)
    if n == 0:
        return call.empty_result(dims, np.dtype(np.bool_))
    kind, dtype = (_codes.WORD_F64, float64) if wide else (_codes.WORD_F32, float32)
    return call.generate(n, kind, 0, (), dtype).reshape(dims) < call.on(t)


@_placed
def randint(low: object, high: object, shape: ShapeLike = (), dtype: object = np.int32,
            key: object = None, stream: object = None) -> np.ndarray:
    """Integer samples on ``[low, high)``, as MLX draws them.

    ``u = (f32(high) − f32(low))·U01 + f32(low)`` in float32, then
    ``max(min(astype(floor(u), dtype), high − 1), low)`` with MLX's C++
    float-to-integer conversions (docs/algorithms.md §6.8, §4.5). Ranges beyond 2^24 are
    therefore not exactly uniform (docs/algorithms.md §8).

    Args:
        low: Lower bound (inclusive), scalar or array.
        high: Upper bound (exclusive), scalar or array.
        shape: Output shape; the bounds may not enlarge it.
        dtype: Any integer dtype or bool.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: float or complex dtype, bounds that do not broadcast to ``shape``.
        RuntimeError: an int bound outside int64 (MLX's ``std::bad_cast``).
    """
    fn = "randint"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn, np.dtype(np.int32))
    check_given(low, fn, "low")
    check_given(high, fn, "high")
    call = _Call(fn, key, stream)
    lo_in = convert_scalar_or_array(low, fn, "low")
    hi_in = convert_scalar_or_array(high, fn, "high")
    if d not in _codes.INT_CODES:
        raise ValueError(f"[{fn}] dtype: randint only accepts integer dtypes and bool, got {d}.")
    call.ready()
    check_nonnegative(dims, fn)
    lo32 = cast(lo_in, float32)
    rng = cast(hi_in, float32) - lo32
    check_within(fn, dims, rng.shape, lo32.shape)
    check_fits(dims, d, fn)
    hm1 = _int_cast(_minus_one(hi_in), d)
    lo_d = _int_cast(lo_in, d)
    hm1_host, lo_host = hm1, lo_d
    hm1, lo_d = call.on(hm1), call.on(lo_d)
    # uint32's two conversion rules (§4.5) agree on [-2^31, 2^32]; u lies between low and
    # high, in either order (low > high is allowed).
    safe = d != np.uint32 or all(np.all((e >= -(2.0**31)) & (e <= 2.0**32))
                                 for e in (lo32, lo32 + rng))

    def clamp(out: np.ndarray) -> np.ndarray:
        np.minimum(out, hm1, out=out)
        return np.maximum(out, lo_d, out=out)

    if _scalar(rng) and _scalar(lo32) and safe:
        params = (float(rng), float(lo32))
        if _scalar(hm1_host) and _scalar(lo_host):
            # The kernel clamps in the same pass (no two more passes over the output).
            from ._transforms import randint_clamped_params

            params = randint_clamped_params(params, hm1_host, lo_host)
            return call.fused(dims, _codes.RANDINT_CLAMPED, _codes.INT_CODES[d], params, d, d)
        return call.fused(dims, _codes.RANDINT, _codes.INT_CODES[d], params, d, d, clamp)
    if _size(dims) == 0:
        return call.empty_result(dims, d)
    u = _unit(call, dims, float32)
    r = call.backend.convert_int(np.floor((call.on(rng) * u) + call.on(lo32)), d)
    return clamp(r.reshape(dims))


def _minus_one(high: np.ndarray) -> np.ndarray:
    """``high − 1`` in high's own dtype: integers wrap, narrow floats round (§6.8 step 4)."""
    if high.dtype == np.bool_:
        return ~high  # bool arithmetic: False − True is True, True − True is False
    if high.dtype.kind in "iu":
        with np.errstate(over="ignore"):
            return np.subtract(high, np.ones((), high.dtype), dtype=high.dtype)
    return arith(np.subtract, high, np.ones((), high.dtype), high.dtype)


#: MLX's float → uint32 ``astype`` of a contiguous array takes the vector rule for its
#: first ``n − n mod block`` elements, ``block`` by source dtype; float16 never does (§4.5).
_UINT32_BLOCK = {float32: 4, float64: 4, bfloat16: 8, float16: 0}


def _int_cast(x: np.ndarray, d: np.dtype) -> np.ndarray:
    """MLX's ``astype`` of a bound to integer ``d`` (§4.5).

    Integers wrap. Floats convert by C++'s rules, float64 in double precision
    (narrow floats are exact in float32), uint32 by position.
    """
    if x.dtype.kind in "iub":
        return x.astype(d)
    src = np.array(x, float64 if x.dtype == float64 else np.float32, order="C")
    block = _UINT32_BLOCK.get(x.dtype, 4) if d == np.uint32 else 0
    out = np.empty(src.shape, d)
    from ._transforms import to_int_array

    to_int_array(src.reshape(-1), out.reshape(-1), _codes.INT_CODES[d],
                 src.size - src.size % block if block else 0)
    return out


@_placed
def categorical(logits: object, axis: int = -1, shape: ShapeLike | None = None,
                num_samples: int | None = None, key: object = None,
                stream: object = None) -> np.ndarray:
    """Sample class indices from unnormalized log-probabilities.

    Two algorithms, chosen as MLX chooses (docs/algorithms.md §6.9): the Gumbel-max trick
    ``argmax(logits + gumbel)`` along ``axis``, or, for effectively 1-D logits
    with a non-empty output shape, inverse-CDF sampling
    ``searchsorted(cumsum(exp(x − max x)), u·Σ, 'right') − 1``.

    Args:
        logits: Array of log-probabilities (float or int).
        axis: The class axis.
        shape: Output shape (broadcast-compatible with the logits minus ``axis``).
        num_samples: Draws per distribution; exclusive with ``shape``.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        uint32 array of class indices.

    Raises:
        TypeError: ``logits`` is not an array.
        ValueError: both ``shape`` and ``num_samples``, an incompatible shape, or no classes.
        IndexError: ``axis`` out of range (0-d logits included).
    """
    fn = "categorical"
    L = _numeric_array(logits, fn, "logits")
    dims = None if shape is None else check_shape(shape, fn)
    axis = check_int(axis, fn, "axis")
    if num_samples is not None:
        num_samples = check_int(num_samples, fn, "num_samples")
    call = _Call(fn, key, stream)
    if dims is not None and num_samples is not None:
        raise ValueError(f"[{fn}] At most one of shape or num_samples can be specified.")
    a = axis + L.ndim if axis < 0 else axis
    if not 0 <= a < L.ndim:
        raise IndexError(f"[{fn}] axis: invalid axis {axis} for logits with {L.ndim} "
                         "dimensions.")
    reduced = L.shape[:a] + L.shape[a + 1:]
    if dims is not None:
        check_nonnegative(dims, fn)
        if broadcast_shapes(fn, dims, reduced) != dims:
            raise ValueError(f"[{fn}] shape: requested shape {dims} is not broadcast "
                             f"compatible with reduced logits shape {reduced}.")
        S = dims
    elif num_samples is not None:
        k = num_samples
        check_nonnegative((k,), fn, "num_samples")
        L = L[..., None]
        S = L.shape[:a] + L.shape[a + 1:-1] + (k,)
    else:
        S = reduced
    call.ready()
    check_fits(S, np.dtype(np.uint32), fn)
    n = L.shape[a]
    if n > 0 and L.size == n and len(S) > 0:
        return _categorical_icdf(call, L.reshape(-1), S)
    off = a + len(S) - L.ndim + 1
    gshape = S[:off] + (n,) + S[off:]
    check_words(_size(gshape), fn)
    v = gumbel(gshape, key=call.checked_key(), stream=call.stream) + call.on(
        L.astype(promote(float32, L.dtype)))
    if v.size == 0:
        raise ValueError(f"[{fn}] logits: cannot sample from zero classes (argmax of a "
                         "zero-size array).")
    return np.argmax(v, axis=off).astype(np.uint32)


def _numeric_array(value: object, fn: str, name: str) -> np.ndarray:
    """logits, mean, cov: MLX takes only an ``mx.array``; keyrand any numeric array.

    Raises:
        TypeError: ``value`` is not an array of a numeric dtype.
    """
    if hasattr(value, "__array__") or hasattr(value, "__dlpack__"):
        arr = to_numpy(value)
        if is_numeric(arr.dtype):
            return arr
        raise TypeError(f"[{fn}] {name} must be a numeric array, not one of {arr.dtype}.")
    raise TypeError(f"[{fn}] {name} must be an array, not {type(value).__name__}.")


def _categorical_icdf(call: _Call, x: np.ndarray, S: tuple[int, ...]) -> np.ndarray:
    """Inverse-CDF categorical for 1-D logits ``x`` (§6.9)."""
    if _size(S) == 0:
        return call.empty_result(S, np.dtype(np.uint32))
    x = x.astype(float64 if x.dtype == float64 else float32)
    m = x.max()
    if np.isinf(m):
        w = (x == m).astype(x.dtype)
    else:
        w = _cpu_math().exp_array((x - m).astype(np.float32)).astype(x.dtype)
    acc = np.cumsum(w, dtype=w.dtype)
    cdf = np.concatenate([np.zeros(1, w.dtype), acc[:-1]])
    u = _unit(call, S, float32)
    if call.on_gpu:
        u = u.astype(w.dtype) * acc[-1]
        return (call.xp.searchsorted(call.on(cdf), u, side="right") - 1).astype(np.uint32)
    out = np.empty(S, np.uint32)
    flat_u, flat_out = u.reshape(-1), out.reshape(-1)
    for c0 in range(0, flat_u.size, _CHUNK):
        part = flat_u[c0:c0 + _CHUNK].astype(w.dtype) * acc[-1]
        flat_out[c0:c0 + _CHUNK] = (np.searchsorted(cdf, part, side="right") - 1).astype(np.uint32)
    return out


@_placed
def permutation(x: object, axis: int = 0, key: object = None,
                stream: object = None) -> np.ndarray:
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
    call = _Call(fn, key, stream)
    if is_int:
        n = int(x)
        if not -(2**31) <= n < 2**31:
            # MLX converts x to a C int after drawing the key.
            raise RuntimeError(f"[{fn}] x: {n} does not fit in int32 (std::bad_cast).")
        check_nonnegative((n,), fn, "x")
        call.ready()
        return _argsort(call, n)
    shape = np.shape(x)
    a = axis + len(shape) if axis < 0 else axis
    if not 0 <= a < len(shape):
        raise IndexError(f"[{fn}] axis: {axis} is out of range for an array with {len(shape)} "
                         "dimensions.")
    call.ready()
    arr = call.on(x) if call.on_gpu else to_numpy(x)
    return np.take(arr, _argsort(call, shape[a]), axis=a)


def _argsort(call: _Call, n: int) -> np.ndarray:
    words = call.generate(n, _codes.BITS, 0, (), np.dtype(np.uint32))
    if call.on_gpu:
        return call.xp.argsort(words).astype(np.uint32)
    return call.backend.argsort_stable(words)


@_placed
def multivariate_normal(mean: object, cov: object, shape: ShapeLike = (),
                        dtype: object = float32, key: object = None,
                        stream: object = None) -> np.ndarray:
    """Multivariate normal samples ``mean + z @ std`` with ``std`` the SVD square root of ``cov``.

    ``U Σ Vᵀ = svd(cov)``, ``std = (U·√Σ) Vᵀ`` and ``z`` standard normal of
    the output shape (docs/algorithms.md §6.11). The normals ``z`` are bit-identical to
    MLX's; the SVD and matrix product are LAPACK/BLAS's, so results match MLX
    to about 2e-5·√max(cov_ii) on well-conditioned covariances.

    Non-finite covariances: a ``cov`` with a NaN entry raises RuntimeError at
    every output shape, after the global key is drawn. MLX 0.32.4 raises
    RuntimeError (``[SVD::eval_cpu] SVD failed``) for such a ``cov`` only on
    some runs and otherwise returns NaNs, zeros or finite numbers, varying from
    call to call at any shape. A covariance matrix with an infinite entry (and
    no NaN) gives NaN samples for its batch element, as MLX's do.

    Args:
        mean: Array (..., n).
        cov: Array (..., n, n), symmetric positive semi-definite.
        shape: Batch shape, broadcast with the batch shapes of mean and cov.
        dtype: float32 only.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        float32 array of shape ``broadcast(cov.shape[:-2], mean.shape[:-1], shape) + (n,)``.

    Raises:
        ValueError: dtype not float32, or mean/cov of wrong or incompatible shapes.
        RuntimeError: the SVD of ``cov`` fails (a NaN entry), as MLX's ``SVD failed``.
    """
    fn = "multivariate_normal"
    mu, sigma = _numeric_array(mean, fn, "mean"), _numeric_array(cov, fn, "cov")
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = _Call(fn, key, stream)
    call.ready()
    if d != float32:
        raise ValueError(f"[{fn}] dtype must be float32, got {d}.")
    if mu.ndim < 1:
        raise ValueError(f"[{fn}] mean must have at least one dimension.")
    if sigma.ndim < 2:
        raise ValueError(f"[{fn}] cov must have at least two dimensions.")
    if sigma.shape[-1] != sigma.shape[-2]:
        raise ValueError(f"[{fn}] cov: the last two dimensions must be equal, got "
                         f"{sigma.shape}.")
    if mu.shape[-1] != sigma.shape[-1]:
        raise ValueError(f"[{fn}] mean and cov must have compatible shapes, got {mu.shape} "
                         f"and {sigma.shape}.")
    check_nonnegative(dims, fn)
    batch = broadcast_shapes(fn, broadcast_shapes(fn, sigma.shape[:-2], mu.shape[:-1]), dims)
    out_shape = batch + (mu.shape[-1],)
    check_words(_size(out_shape), fn)
    check_fits(out_shape, promote(mu.dtype, float32), fn)
    std = _svd_sqrt(sigma.astype(np.float32), fn)
    z = normal(out_shape, float32, loc=0.0, scale=1.0, key=call.checked_key(), stream=call.stream)
    y = (z[..., None, :] @ call.on(std))[..., 0, :]
    return (call.on(mu) + y).astype(promote(mu.dtype, float32))


def _svd_sqrt(cov: np.ndarray, fn: str) -> np.ndarray:
    """``(U·√Σ) Vᵀ`` of each float32 matrix; NaN for a matrix with an infinite entry.

    Raises:
        RuntimeError: ``cov`` has a NaN entry, or LAPACK's SVD does not converge.
    """
    if np.isnan(cov).any():
        raise RuntimeError(f"[{fn}] cov: SVD failed: cov has NaN entries (MLX raises "
                           "\"[SVD::eval_cpu] SVD failed\" for such a cov).")
    infinite = np.isinf(cov).any(axis=(-2, -1))
    try:
        u, s, vt = np.linalg.svd(np.where(infinite[..., None, None], np.float32(0), cov))
    except np.linalg.LinAlgError as err:
        raise RuntimeError(f"[{fn}] cov: SVD failed ({err}).") from None
    std = (u * np.sqrt(s)[..., None, :]) @ vt
    std[infinite] = np.nan
    return std


def sample(name: str, shape: ShapeLike, key: object, **params: object) -> np.ndarray:
    """Call sampler ``name`` with ``shape``, ``key`` and keyword ``params``."""
    if name not in _ELEMENTWISE:
        raise ValueError(f"[sample] unknown sampler {name!r}; choose from {sorted(_ELEMENTWISE)}.")
    return _ELEMENTWISE[name](shape=shape, key=key, **params)


def plan(name: str, shape: ShapeLike, key: object, **params: object) -> Plan:
    """The :class:`Plan` of an elementwise draw, to compute it block by block.

    Raises:
        ValueError: the draw is not elementwise (array parameters, complex64,
            bits of width 1 or 2), so it cannot be cut into blocks.
    """
    token = _DEFER.set(True)
    try:
        result = sample(name, shape, key, **params)
    finally:
        _DEFER.reset(token)
    if not isinstance(result, Plan):
        raise ValueError(f"[{name}] this draw is not elementwise in its words (array "
                         "parameters, complex64 or narrow bits), so it cannot be generated "
                         "in blocks.")
    return result


def sample_range(name: str, shape: ShapeLike, key: object, start: int, stop: int,
                 **params: object) -> np.ndarray:
    """Flat elements ``start:stop`` of ``sample(name, shape, key, **params)``, drawn alone.

    With scalar parameters, element ``i`` of a draw of ``N`` elements depends
    only on (key, N, i), so the range is the sampler run on ``stop − start``
    elements inside :func:`word_view` (on one thread; the whole draw runs as
    :func:`sample`); memory is that of the range, whatever ``N``. Two draws
    need more than their own words:

    - ``bits`` of width ``w`` in (1, 2) is the first ``N·w`` bytes of a
      ``⌈N·w/4⌉``-word stream, so the range takes bytes ``start·w`` to
      ``stop·w`` of the words ``⌊start·w/4⌋`` to ``⌈stop·w/4⌉`` that hold them;
    - ``randint`` to uint32 converts its first ``N − N mod 4`` elements with
      MLX's vector rule and the rest with the scalar rule, and a call applies
      that split to its own size, so the range is drawn in two parts, the
      first widened to multiples of 4.

    Args:
        name: A sampler of :func:`sample`.
        shape: Shape of the whole draw.
        key: uint32 key of shape (2,).
        start: First flat (C-order) element.
        stop: One past the last element.
        **params: The sampler's other keyword arguments (scalars).

    Returns:
        A 1-D array of ``stop − start`` elements.

    Raises:
        ValueError: ``start:stop`` is not a range of the draw, or as the sampler.
    """
    dims = check_shape(shape, name)
    check_nonnegative(dims, name)
    key = check_key(key, name)
    total = _size(dims)
    if not 0 <= start <= stop <= total:
        raise ValueError(f"[{name}] elements {start}:{stop} are not a range of a draw of "
                         f"{total} elements.")
    if start == 0 and stop == total:
        return sample(name, dims, key, **params).reshape(-1)  # the whole draw, multithreaded
    width = params.get("width", 4)
    narrow = isinstance(width, (int, np.integer)) and not isinstance(width, bool)
    if name == "bits" and narrow and width in (1, 2):
        num_words = _codes.words_needed(total, width)
        check_words(num_words, name)
        first, end = start * width // 4, _codes.words_needed(stop, width)
        with word_view(num_words, np.array([first], np.int64), end - first):
            words = bits((end - first,), key=key)
        raw = words.view(np.uint8)[start * width - 4 * first:stop * width - 4 * first]
        return raw.view(np.dtype(f"uint{8 * width}"))
    if name == "randint" and as_dtype(params.get("dtype"), name, np.dtype(np.int32)) == np.uint32:
        head = total - total % 4
        parts = []
        if start < min(stop, head):
            lo, hi = start - start % 4, min(stop, head)
            part = _viewed(name, total, key, lo, hi + (-hi) % 4, params)
            parts.append(part[start - lo:hi - lo])
        if max(start, head) < stop:
            parts.append(_viewed(name, total, key, max(start, head), stop, params))
        if len(parts) == 2:
            return np.concatenate(parts)
        return parts[0] if parts else _viewed(name, total, key, start, stop, params)
    return _viewed(name, total, key, start, stop, params)


def _viewed(name: str, total: int, key: np.ndarray, start: int, stop: int,
            params: dict) -> np.ndarray:
    """Elements ``start:stop`` of a ``total``-element draw, as one call under :func:`word_view`."""
    with word_view(total, np.array([start], np.int64), stop - start):
        return sample(name, (stop - start,), key, **params).reshape(-1)


_ELEMENTWISE = {
    "bits": bits,
    "uniform": uniform,
    "normal": normal,
    "truncated_normal": truncated_normal,
    "gumbel": gumbel,
    "laplace": laplace,
    "bernoulli": bernoulli,
    "randint": randint,
}
