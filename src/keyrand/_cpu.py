"""CPU backend: fused, parallel Numba kernels that write NumPy arrays.

A kernel hashes a block of counter pairs into two small local buffers
(vectorizable), then maps each buffer through the transform of
:mod:`keyrand._transforms` straight into the output: one pass over memory,
no temporaries the size of the output. float16 and bfloat16 outputs get their
bit patterns written by the kernel too (through a float32 buffer of one block).
Each (transform, rounding, store) triple gets its own kernels, built once by
:func:`_kernels` with the codes as closure constants, so every specialisation
compiles alone and is cached on disk. Parallel kernels are launched through
:mod:`keyrand._threads`, which keeps them safe under fork and threads.
"""

from __future__ import annotations

import contextlib
import functools
import warnings

import numpy as np
from numba import literally, njit, prange
from numba.core.errors import NumbaIRAssumptionWarning

from . import (
    _elements,
    _numba_cache,  # noqa: F401  (Numba's cache locator, before any @njit)
    _threads,
)
from ._codes import INT_CODES, NUM_PARAMS, IntType, params_of, uint32_vector_head
from ._dtypes import arith, bfloat16, cast, float16, to_narrow, to_numpy
from ._lemire import bounded
from ._mathf32 import erf_array, erfinv_array, exp_array
from ._threefry import hash_pairs, layout, threefry2x32
from ._transforms import apply_block, store_bits, to_int, to_int_array

#: Counter pairs hashed per block; two uint32 buffers of this size stay in L1.
BLOCK = 2048
#: Below this many words a draw runs on the calling thread (no thread-pool launch).
SERIAL_WORDS = 1 << 16


@njit(cache=True)
def _map(dst, src, kind, rd, narrow, p, scratch):
    # The transform loop: the only place a transform is compiled into, once per
    # (kind, rd, narrow). With ``narrow`` set, dst holds float16/bfloat16 bit patterns
    # (rounding code rd) and the float32 results pass through scratch.
    literally(kind)
    literally(rd)
    literally(narrow)
    if narrow:
        apply_block(kind, rd, scratch[:src.size], src, p)
        store_bits(rd, dst, scratch[:src.size])
    else:
        apply_block(kind, rd, dst, src, p)


@njit(cache=True)
def _block(out, k0, k1, j0, n, off, kind, rd, narrow, p, first, second, scratch):
    # Counter pairs j0 .. j0+n-1, both halves, and (in the first block) the odd word.
    literally(kind)
    literally(rd)
    literally(narrow)
    hash_pairs(k0, k1, j0, n, off, first, second)
    _map(out[j0:j0 + n], first[:n], kind, rd, narrow, p, scratch)
    _map(out[j0 + off:j0 + off + n], second[:n], kind, rd, narrow, p, scratch)
    h = out.size // 2
    if off > h and j0 == 0:
        first[0] = threefry2x32(k0, k1, h, 0)[0]
        _map(out[h:h + 1], first[:1], kind, rd, narrow, p, scratch)


@njit(cache=True)
def _run(dst, k0, k1, total, start, kind, rd, narrow, p, first, second, scratch):
    # Words start .. start+dst.size-1 of a total-word stream: the part below h comes from the
    # first outputs of pairs (w, w+off), the part from off on from their second outputs.
    literally(kind)
    literally(rd)
    literally(narrow)
    h, off = layout(total)
    stop = start + dst.size
    w = start
    while w < min(stop, h):
        m = min(BLOCK, min(stop, h) - w)
        hash_pairs(k0, k1, w, m, off, first, second)
        _map(dst[w - start:w - start + m], first[:m], kind, rd, narrow, p, scratch)
        w += m
    if off > h and start <= h < stop:
        first[0] = threefry2x32(k0, k1, h, 0)[0]
        _map(dst[h - start:h - start + 1], first[:1], kind, rd, narrow, p, scratch)
    w = max(start, off)
    while w < stop:
        m = min(BLOCK, stop - w)
        hash_pairs(k0, k1, w - off, m, off, first, second)
        _map(dst[w - start:w - start + m], second[:m], kind, rd, narrow, p, scratch)
        w += m


@functools.cache
def _kernels(kind: int, rd: int, narrow: int):
    """The kernels of transform ``kind``, rounding code ``rd``, narrow store ``narrow`` (0/1).

    Returns (paired, serial, runs, serial_runs): the whole stream in parallel and
    on one thread, and runs of a larger stream in parallel and on one thread.
    ``kind``, ``rd`` and ``narrow`` are closure constants (plain ints, never enum
    members: ints pickle stably, so the kernels are cached on disk, and reach
    the transform as integer literals).
    """

    @njit(cache=True, parallel=True)
    def paired(out, k0, k1, p):
        h, off = layout(out.size)
        for b in prange(max(1, (h + BLOCK - 1) // BLOCK)):
            first = np.empty(BLOCK, np.uint32)
            second = np.empty(BLOCK, np.uint32)
            scratch = np.empty(BLOCK, np.float32)
            j0 = b * BLOCK
            _block(out, k0, k1, j0, min(BLOCK, h - j0), off, kind, rd, narrow, p, first, second,
                   scratch)

    @njit(cache=True)
    def serial(out, k0, k1, p):
        h, off = layout(out.size)
        first = np.empty(BLOCK, np.uint32)
        second = np.empty(BLOCK, np.uint32)
        scratch = np.empty(BLOCK, np.float32)
        for j0 in range(0, max(h, 1), BLOCK):
            _block(out, k0, k1, j0, min(BLOCK, h - j0), off, kind, rd, narrow, p, first, second,
                   scratch)

    @njit(cache=True, parallel=True)
    def runs(out, k0, k1, total, starts, run, p):
        for r in prange(starts.size):
            first = np.empty(BLOCK, np.uint32)
            second = np.empty(BLOCK, np.uint32)
            scratch = np.empty(BLOCK, np.float32)
            _run(out[r * run:(r + 1) * run], k0, k1, total, starts[r], kind, rd, narrow, p,
                 first, second, scratch)

    @njit(cache=True)
    def serial_runs(out, k0, k1, total, starts, run, p):
        first = np.empty(BLOCK, np.uint32)
        second = np.empty(BLOCK, np.uint32)
        scratch = np.empty(BLOCK, np.float32)
        for r in range(starts.size):
            _run(out[r * run:(r + 1) * run], k0, k1, total, starts[r], kind, rd, narrow, p,
                 first, second, scratch)

    return paired, serial, runs, serial_runs


def _words(out: np.ndarray) -> tuple[np.ndarray, int]:
    # The array the kernels write and their narrow-store flag: float16 and bfloat16
    # outputs are written as uint16 bit patterns.
    if out.dtype in (float16, bfloat16):
        return out.view(np.uint16), 1
    return out, 0


def fill(out: np.ndarray, key: np.ndarray, kind: int, rd: int, params: tuple) -> None:
    """Write transform ``kind`` of every word of ``key``'s ``out.size``-word stream into ``out``.

    Args:
        out: Flat, contiguous output; its size is the stream's word count ``W``.
            A float16 or bfloat16 ``out`` receives the float32 results rounded as
            MLX casts them (the transform's own ``rd`` rounding makes that exact).
        key: uint32 array of shape (2,).
        kind: Transform code from :mod:`keyrand._codes`.
        rd: Rounding code (0 float32, 1 float16, 2 bfloat16) for narrow dtype arithmetic.
        params: Tuple of float64 transform parameters.
    """
    if out.size:
        words, narrow = _words(out)
        paired, serial, _, _ = _kernels(int(kind), int(rd), narrow)
        args = (words, key[0], key[1], _padded(kind, params))
        if out.size < SERIAL_WORDS:
            _launch(serial, *args)
        else:
            _launch(paired, *args, serial=serial)


def fill_runs(
    out: np.ndarray,
    key: np.ndarray,
    total: int,
    starts: np.ndarray,
    run: int,
    kind: int,
    rd: int,
    params: tuple,
) -> None:
    """Write words ``starts[r] + t`` (``t < run``) of a ``total``-word stream to ``out[r*run + t]``.

    This is the entry point for blocks of a larger array (Dask chunks): a
    block of an N-d array is a set of equally long contiguous runs of flat
    indices. Each word is computed on its own, so values never depend on how
    the array is cut. ``out`` may be float16 or bfloat16, as for :func:`fill`.
    """
    if out.size:
        words, narrow = _words(out)
        _, _, runs, serial_runs = _kernels(int(kind), int(rd), narrow)
        _launch(runs, words, key[0], key[1], total, starts.astype(np.int64), run,
                _padded(kind, params), serial=serial_runs)


def _launch(kernel, *args, serial=None) -> None:
    # A parallel kernel (``serial`` given) goes through _threads, which may run ``serial``.
    # The transforms are inlined into the kernels at Numba-IR level, which makes Numba's
    # internal pedantic IR check warn at compile time; the compiled code is unaffected.
    if serial is None:
        run = functools.partial(kernel, *args)
    else:
        run = functools.partial(_threads.launch, kernel, serial, *args)
    # The output array's dtype fixes the kernels' signature (the other arguments' types do
    # not vary); a kernel run once for it is compiled, parallel and serial forms alike.
    compiled = (kernel, args[0].dtype)
    if compiled in _compiled:
        run()
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaIRAssumptionWarning)
        run()
    if kernel.signatures and (serial is None or serial.signatures):
        _compiled.add(compiled)


_compiled: set = set()


def _padded(kind: int, params: tuple) -> tuple:
    # ``params`` checked against the transform's record, then padded: every transform takes
    # the same parameter tuple type, so kernels compile once per kind.
    record = params_of(kind, params)
    return tuple(record) + (0.0,) * (NUM_PARAMS - len(record))


@functools.cache
def _converter(code: int):
    """MLX's float32 → integer conversion ``code`` over an array: (parallel, serial) kernels."""

    @njit(cache=True, parallel=True)
    def convert(x, out):
        for i in prange(x.size):
            out[i] = to_int(code, x[i])

    @njit(cache=True)
    def serial_convert(x, out):
        for i in range(x.size):
            out[i] = to_int(code, x[i])

    return convert, serial_convert


def convert_int(x: np.ndarray, dtype: np.dtype, vector_head: int | None = None) -> np.ndarray:
    """MLX's float32 → integer ``astype`` of a contiguous array, uint32's rule included.

    uint32 takes MLX's vector rule for the first ``vector_head`` elements
    (default ``4·⌊n/4⌋``, a whole contiguous conversion) and the scalar rule
    for the rest (docs/algorithms.md §4.5).
    """
    x = np.ascontiguousarray(x, np.float32)
    out = np.empty(x.shape, dtype)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    code = INT_CODES[np.dtype(dtype)]
    head = uint32_vector_head(code, flat_in.size)
    if vector_head is not None and code == IntType.UINT32:
        head = vector_head
    if head:
        _threads.launch(*_converter(int(IntType.UINT32_VECTOR)), flat_in[:head], flat_out[:head])
    flat_in, flat_out = flat_in[head:], flat_out[head:]
    if flat_in.size:
        _threads.launch(*_converter(int(code)), flat_in, flat_out)
    return out


@njit(cache=True)
def _bucket_argsort(keys):
    # Stable argsort in one index array: scatter the indices into 2^16 buckets by the keys'
    # high 16 bits (index order kept), then sort each bucket by (low 16 bits, index), packed
    # into unique uint64s, so the sort's own (in)stability cannot matter.
    n = keys.size
    starts = np.zeros(65537, np.int64)
    for i in range(n):
        starts[(keys[i] >> 16) + 1] += 1
    largest = 0
    for d in range(65536):
        largest = max(largest, starts[d + 1])
        starts[d + 1] += starts[d]
    order = np.empty(n, np.uint32)
    pos = starts[:-1].copy()
    for i in range(n):
        d = keys[i] >> 16
        order[pos[d]] = i
        pos[d] += 1
    packed = np.empty(largest, np.uint64)
    for d in range(65536):
        a, m = starts[d], starts[d + 1] - starts[d]
        if m < 2:
            continue
        for t in range(m):
            i = order[a + t]
            packed[t] = (np.uint64(keys[i] & 0xFFFF) << np.uint64(32)) | np.uint64(i)
        packed[:m].sort()
        for t in range(m):
            order[a + t] = np.uint32(packed[t] & np.uint64(0xFFFFFFFF))
    return order


def argsort_stable(keys: np.ndarray) -> np.ndarray:
    """Stable ascending argsort of uint32 ``keys`` as uint32 indices (ties keep index order).

    Besides ``keys`` it needs one uint32 index array (the result) and a small buffer.
    """
    if keys.size < 1 << 12:
        return np.argsort(keys, kind="stable").astype(np.uint32)
    return _bucket_argsort(np.ascontiguousarray(keys, np.uint32))


class CpuBackend:
    """The :class:`keyrand._backend.Backend` of the cpu: NumPy arrays, Numba kernels."""

    xp = np
    stores_narrow = True
    #: Elements per step of chunked finishing passes (bounded temporaries).
    chunk = 1 << 16

    def placed(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()

    def empty(self, shape: int | tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        return np.empty(shape, dtype)

    def holds(self, x: object) -> str | None:
        return None if isinstance(x, np.ndarray) else "a NumPy array (the draw is on the cpu)"

    def asarray(self, x: object) -> np.ndarray:
        return to_numpy(x)

    def fill(self, out: np.ndarray, key: np.ndarray, kernel, runs) -> None:
        if runs.is_whole():
            fill(out, key, kernel.transform, kernel.mode, kernel.params)
        else:
            fill_runs(out, key, runs.total, runs.starts, runs.run, kernel.transform,
                      kernel.mode, kernel.params)

    def convert_int(self, x: np.ndarray, dtype: np.dtype, vector_head: int) -> np.ndarray:
        return convert_int(x, dtype, vector_head)

    def cast(self, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return cast(x, dtype)

    def arith(self, op: np.ufunc, a: np.ndarray, b: np.ndarray, dtype: np.dtype,
              out: np.ndarray | None = None) -> np.ndarray:
        if out is not None and dtype not in (float16, bfloat16):
            return op(np.asarray(a, dtype), np.asarray(b, dtype), out=out)
        return arith(op, a, b, dtype)

    def to_narrow(self, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        return to_narrow(x, dtype)

    def erfinv(self, x: np.ndarray) -> np.ndarray:
        return erfinv_array(x)

    def argsort(self, words: np.ndarray) -> np.ndarray:
        return argsort_stable(words)

    def dist(self, key: np.ndarray, runs, kind: int, wide: bool, params: tuple,
             dtype: np.dtype) -> np.ndarray:
        # float32 samples are float64 ones rounded (as the GPU's float kernel stores them):
        # one compiled kernel per distribution for both float dtypes.
        store = np.float64 if np.dtype(dtype) == np.float32 else dtype
        out = np.empty(runs.size, store)
        _elements.fill(out, key, runs.starts, runs.run, kind, wide, params)
        if store == dtype:
            return out
        with np.errstate(over="ignore"):  # past float32's range the rounding gives ±inf
            return out.astype(dtype)

    def bounded(self, words: np.ndarray, key: np.ndarray, runs, off: np.ndarray,
                rm1: np.ndarray, dtype: np.dtype) -> np.ndarray:
        values = bounded(np.ascontiguousarray(words).reshape(-1), key, runs.starts, runs.run,
                         off, rm1, dtype.itemsize == 8)
        if dtype.itemsize < 4:
            return values.astype(dtype)  # the low bits (0 or 1 for bool)
        return values.view(dtype)


class HostMath:
    """The :class:`keyrand._backend.Host` functions: MLX's float32 math on NumPy arrays."""

    def erf(self, x: np.ndarray) -> np.ndarray:
        return erf_array(np.asarray(x).astype(np.float32))

    def exp(self, x: np.ndarray) -> np.ndarray:
        return exp_array(np.asarray(x).astype(np.float32))

    def to_int(self, x: np.ndarray, dtype: np.dtype, vector_head: int) -> np.ndarray:
        src = np.array(x, np.float64 if x.dtype == np.float64 else np.float32, order="C")
        out = np.empty(src.shape, dtype)
        to_int_array(src.reshape(-1), out.reshape(-1), INT_CODES[np.dtype(dtype)], vector_head)
        return out


#: The cpu backend and the host math, one of each per process.
BACKEND = CpuBackend()
HOST = HostMath()
