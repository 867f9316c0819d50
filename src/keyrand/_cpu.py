"""CPU backend: fused, parallel Numba kernels that write NumPy arrays.

A kernel hashes a block of counter pairs into two small local buffers
(vectorizable), then maps each buffer through the transform of
:mod:`keyrand._transforms` straight into the output: one pass over memory,
no temporaries the size of the output. The transform is chosen by a literal
integer, so each (transform, rounding, output dtype) combination compiles to
its own specialised, cached machine code.
"""

from __future__ import annotations

import numpy as np
from numba import literally, njit, prange

from ._threefry import hash_pairs, layout, threefry2x32, word_at
from ._transforms import INT_CODES, NUM_PARAMS, UINT32_VECTOR, apply, to_int

#: Counter pairs hashed per block; two uint32 buffers of this size stay in L1.
BLOCK = 2048


@njit(cache=True)
def _block(out, k0, k1, j0, n, off, kind, rd, p, first, second):
    # One block: hash n counter pairs, then map both halves. A separate function so LLVM
    # vectorizes its loops (the parallel loop's body does not).
    literally(kind)
    literally(rd)
    hash_pairs(k0, k1, j0, n, off, first, second)
    low = out[j0:j0 + n]
    high = out[j0 + off:j0 + off + n]
    for t in range(n):
        low[t] = apply(kind, rd, first[t], p)
    for t in range(n):
        high[t] = apply(kind, rd, second[t], p)


@njit(cache=True, parallel=True)
def _fill_all(out, k0, k1, kind, rd, p):
    literally(kind)
    literally(rd)
    h, off = layout(out.size)
    for b in prange((h + BLOCK - 1) // BLOCK):
        first = np.empty(BLOCK, np.uint32)
        second = np.empty(BLOCK, np.uint32)
        j0 = b * BLOCK
        _block(out, k0, k1, j0, min(BLOCK, h - j0), off, kind, rd, p, first, second)
    if off > h:
        out[h] = apply(kind, rd, threefry2x32(k0, k1, h, 0)[0], p)


@njit(cache=True, parallel=True)
def _fill_runs(out, k0, k1, total, starts, run, kind, rd, p):
    literally(kind)
    literally(rd)
    for r in prange(starts.size):
        s = starts[r]
        for t in range(run):
            out[r * run + t] = apply(kind, rd, word_at(k0, k1, total, s + t), p)


def fill(out: np.ndarray, key: np.ndarray, kind: int, rd: int, params: tuple) -> None:
    """Write transform ``kind`` of every word of ``key``'s ``out.size``-word stream into ``out``.

    Args:
        out: Flat, contiguous output; its size is the stream's word count ``W``.
        key: uint32 array of shape (2,).
        kind: Transform code from :mod:`keyrand._transforms`.
        rd: Rounding code (0 float32, 1 float16, 2 bfloat16) for narrow dtype arithmetic.
        params: Tuple of float64 transform parameters.
    """
    if out.size:
        _fill_all(out, key[0], key[1], kind, rd, _padded(params))


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
        _fill_runs(out, key[0], key[1], total, starts.astype(np.int64), run, kind, rd,
                   _padded(params))


def _padded(params: tuple) -> tuple:
    # Every transform takes the same parameter tuple type, so kernels compile once per kind.
    return tuple(float(x) for x in params) + (0.0,) * (NUM_PARAMS - len(params))


@njit(cache=True, parallel=True)
def _convert_int(x, out, code):
    literally(code)
    for i in prange(x.size):
        out[i] = to_int(code, x[i])


def convert_int(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """MLX's float32 → integer ``astype`` of a contiguous array (§6.5), uint32's rule included."""
    x = np.ascontiguousarray(x, np.float32)
    out = np.empty(x.shape, dtype)
    flat_in, flat_out = x.reshape(-1), out.reshape(-1)
    code = INT_CODES[np.dtype(dtype)]
    if code == INT_CODES[np.dtype(np.uint32)]:
        head = flat_in.size - flat_in.size % 4
        if head:
            _convert_int(flat_in[:head], flat_out[:head], UINT32_VECTOR)
        flat_in, flat_out = flat_in[head:], flat_out[head:]
    if flat_in.size:
        _convert_int(flat_in, flat_out, code)
    return out
