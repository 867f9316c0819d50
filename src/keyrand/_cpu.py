"""CPU backend: fused, parallel Numba kernels that write NumPy arrays.

A kernel hashes a block of counter pairs into two small local buffers
(vectorizable), then maps each buffer through the transform of
:mod:`keyrand._transforms` straight into the output: one pass over memory,
no temporaries the size of the output. Each (transform, rounding) pair gets
its own kernels, built once by :func:`_kernels` with the codes as closure
constants, so every specialisation compiles alone and is cached on disk.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
from numba import literally, njit, prange
from numba.core.errors import NumbaIRAssumptionWarning

from ._codes import INT_CODES, NUM_PARAMS, UINT32_VECTOR
from ._threefry import hash_pairs, layout, threefry2x32
from ._transforms import apply_block, to_int

#: Counter pairs hashed per block; two uint32 buffers of this size stay in L1.
BLOCK = 2048
#: Below this many words a draw runs on the calling thread (no thread-pool launch).
SERIAL_WORDS = 1 << 16


@njit(cache=True)
def _map(dst, src, kind, rd, p):
    # The transform loop: the only place a transform is compiled into, once per (kind, rd).
    literally(kind)
    literally(rd)
    apply_block(kind, rd, dst, src, p)


@njit(cache=True)
def _block(out, k0, k1, j0, n, off, kind, rd, p, first, second):
    # Counter pairs j0 .. j0+n-1, both halves, and (in the first block) the odd word.
    literally(kind)
    literally(rd)
    hash_pairs(k0, k1, j0, n, off, first, second)
    _map(out[j0:j0 + n], first[:n], kind, rd, p)
    _map(out[j0 + off:j0 + off + n], second[:n], kind, rd, p)
    h = out.size // 2
    if off > h and j0 == 0:
        first[0] = threefry2x32(k0, k1, h, 0)[0]
        _map(out[h:h + 1], first[:1], kind, rd, p)


@njit(cache=True)
def _run(dst, k0, k1, total, start, kind, rd, p, first, second):
    # Words start .. start+dst.size-1 of a total-word stream: the part below h comes from the
    # first outputs of pairs (w, w+off), the part from off on from their second outputs.
    literally(kind)
    literally(rd)
    h, off = layout(total)
    stop = start + dst.size
    w = start
    while w < min(stop, h):
        m = min(BLOCK, min(stop, h) - w)
        hash_pairs(k0, k1, w, m, off, first, second)
        _map(dst[w - start:w - start + m], first[:m], kind, rd, p)
        w += m
    if off > h and start <= h < stop:
        first[0] = threefry2x32(k0, k1, h, 0)[0]
        _map(dst[h - start:h - start + 1], first[:1], kind, rd, p)
    w = max(start, off)
    while w < stop:
        m = min(BLOCK, stop - w)
        hash_pairs(k0, k1, w - off, m, off, first, second)
        _map(dst[w - start:w - start + m], second[:m], kind, rd, p)
        w += m


@functools.cache
def _kernels(kind: int, rd: int):
    """The kernels of transform ``kind`` with rounding code ``rd``: (paired, serial, runs).

    ``kind`` and ``rd`` are closure constants (integers pickle stably, so the
    kernels are cached on disk); they reach the transform as literals.
    """

    @njit(cache=True, parallel=True)
    def paired(out, k0, k1, p):
        h, off = layout(out.size)
        for b in prange(max(1, (h + BLOCK - 1) // BLOCK)):
            first = np.empty(BLOCK, np.uint32)
            second = np.empty(BLOCK, np.uint32)
            j0 = b * BLOCK
            _block(out, k0, k1, j0, min(BLOCK, h - j0), off, kind, rd, p, first, second)

    @njit(cache=True)
    def serial(out, k0, k1, p):
        h, off = layout(out.size)
        first = np.empty(BLOCK, np.uint32)
        second = np.empty(BLOCK, np.uint32)
        for j0 in range(0, max(h, 1), BLOCK):
            _block(out, k0, k1, j0, min(BLOCK, h - j0), off, kind, rd, p, first, second)

    @njit(cache=True, parallel=True)
    def runs(out, k0, k1, total, starts, run, p):
        for r in prange(starts.size):
            first = np.empty(BLOCK, np.uint32)
            second = np.empty(BLOCK, np.uint32)
            _run(out[r * run:(r + 1) * run], k0, k1, total, starts[r], kind, rd, p, first, second)

    return paired, serial, runs


def fill(out: np.ndarray, key: np.ndarray, kind: int, rd: int, params: tuple) -> None:
    """Write transform ``kind`` of every word of ``key``'s ``out.size``-word stream into ``out``.

    Args:
        out: Flat, contiguous output; its size is the stream's word count ``W``.
        key: uint32 array of shape (2,).
        kind: Transform code from :mod:`keyrand._codes`.
        rd: Rounding code (0 float32, 1 float16, 2 bfloat16) for narrow dtype arithmetic.
        params: Tuple of float64 transform parameters.
    """
    if out.size:
        paired, serial, _ = _kernels(kind, rd)
        kernel = serial if out.size < SERIAL_WORDS else paired
        _launch(kernel, out, key[0], key[1], _padded(params))


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
    the array is cut.
    """
    if out.size:
        _launch(_kernels(kind, rd)[2], out, key[0], key[1], total, starts.astype(np.int64),
                run, _padded(params))


def _launch(kernel, *args) -> None:
    # The transforms are inlined into the kernels at Numba-IR level, which makes Numba's
    # internal pedantic IR check warn at compile time; the compiled code is unaffected.
    if kernel.signatures:
        kernel(*args)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaIRAssumptionWarning)
        kernel(*args)


def _padded(params: tuple) -> tuple:
    # Every transform takes the same parameter tuple type, so kernels compile once per kind.
    return tuple(float(x) for x in params) + (0.0,) * (NUM_PARAMS - len(params))


@functools.cache
def _converter(code: int):
    @njit(cache=True, parallel=True)
    def convert(x, out):
        for i in prange(x.size):
            out[i] = to_int(code, x[i])

    return convert


def convert_int(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """MLX's float32 → integer ``astype`` of a contiguous array, uint32's rule included.

    See docs/algorithms.md §4.5.
    """
    x = np.ascontiguousarray(x, np.float32)
    out = np.empty(x.shape, dtype)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    code = INT_CODES[np.dtype(dtype)]
    if code == INT_CODES[np.dtype(np.uint32)]:
        head = flat_in.size - flat_in.size % 4
        if head:
            _converter(UINT32_VECTOR)(flat_in[:head], flat_out[:head])
        flat_in, flat_out = flat_in[head:], flat_out[head:]
    if flat_in.size:
        _converter(code)(flat_in, flat_out)
    return out


@njit(cache=True)
def _radix_argsort(keys):
    # LSD radix sort of (key, index) by key in two stable 16-bit passes.
    n = keys.size
    order = np.arange(n).astype(np.uint32)
    scratch = np.empty(n, np.uint32)
    for shift in (0, 16):
        counts = np.zeros(65537, np.int64)
        for i in range(n):
            counts[((keys[order[i]] >> shift) & 0xFFFF) + 1] += 1
        for d in range(65536):
            counts[d + 1] += counts[d]
        for i in range(n):
            digit = (keys[order[i]] >> shift) & 0xFFFF
            scratch[counts[digit]] = order[i]
            counts[digit] += 1
        order, scratch = scratch, order
    return order


def argsort_stable(keys: np.ndarray) -> np.ndarray:
    """Stable ascending argsort of uint32 ``keys`` as uint32 indices (ties keep index order)."""
    if keys.size < 1 << 12:
        return np.argsort(keys, kind="stable").astype(np.uint32)
    return _radix_argsort(np.ascontiguousarray(keys, np.uint32))
