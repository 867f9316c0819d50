"""CPU kernels of the element-stream distributions (docs/distributions.md).

One parallel kernel per (distribution, output dtype): element ``k`` of a block
is element ``i = starts[k // run] + k % run`` of the draw, and
``out[k] = sample(kind, …, i, …)`` rounded to the output dtype (an integer
dtype receives the exact integer value). The kernels are built once per
distribution code by :func:`_kernels` with the code as a closure constant, and
launched through :mod:`keyrand._threads` (fork- and thread-safe).
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit, prange

from . import (
    _numba_cache,  # noqa: F401  (Numba's cache locator, before any @njit)
    _threads,
)
from ._codes import STRAIGHT
from ._distributions import sample
from ._element_stream import pair_keys

#: Elements per task of the parallel kernel.
CHUNK = 1 << 12


@njit(cache=True, inline="always", error_model="numpy")
def _elements(kind, out, keys, key, starts, run, wide, a, b, c, first, stop):
    # Elements first .. stop-1 of the block, run by run: the inner loop's element
    # indices are consecutive, so a branch-free sample function vectorizes.
    sa, sb, sc = a.size > 1, b.size > 1, c.size > 1
    k = first
    while k < stop:
        q = k // run
        t0 = k - q * run
        m = min(run - t0, stop - k)
        i0 = starts[q] + t0
        for t in range(m):
            j = k + t
            out[j] = sample(kind, keys, key, i0 + t, wide, a[j if sa else 0],
                            b[j if sb else 0], c[j if sc else 0])
        k += m


@njit(cache=True, inline="always", error_model="numpy")
def _by_width(kind, out, keys, key, starts, run, wide, a, b, c, first, stop):
    # A straight-line sampler's loop once per uniform width (a constant in each), so
    # its body has no branch on the width and vectorizes.
    if wide:
        _elements(kind, out, keys, key, starts, run, True, a, b, c, first, stop)
    else:
        _elements(kind, out, keys, key, starts, run, False, a, b, c, first, stop)


@functools.cache
def _kernels(kind: int):
    """(parallel, serial) kernels of distribution ``kind``.

    Their closure constants are ``kind`` and ``straight``, a plain int and bool
    (they pickle stably, so every process finds the kernels again in Numba's disk
    cache); ``kind`` reaches the sample function as a literal. Straight-line
    samplers (``STRAIGHT``) get a loop per uniform width; the others one loop
    (each copy costs compile time).
    """
    straight = kind in STRAIGHT

    @njit(cache=True, parallel=True, error_model="numpy")
    def parallel(out, keys, key, starts, run, wide, a, b, c):
        n = out.size
        for t in prange((n + CHUNK - 1) // CHUNK):
            first, stop = t * CHUNK, min(n, (t + 1) * CHUNK)
            if straight:  # a closure constant: Numba prunes the other branch
                _by_width(kind, out, keys, key, starts, run, wide, a, b, c, first, stop)
            else:
                _elements(kind, out, keys, key, starts, run, wide, a, b, c, first, stop)

    @njit(cache=True, error_model="numpy")
    def serial(out, keys, key, starts, run, wide, a, b, c):
        if straight:
            _by_width(kind, out, keys, key, starts, run, wide, a, b, c, 0, out.size)
        else:
            _elements(kind, out, keys, key, starts, run, wide, a, b, c, 0, out.size)

    return parallel, serial

    @njit(cache=True, parallel=True, error_model="numpy")
    def parallel(out, keys, key, starts, run, wide, a, b, c):
        n = out.size
        for t in prange((n + CHUNK - 1) // CHUNK):
            _elements(kind, out, keys, key, starts, run, wide, a, b, c, t * CHUNK,
                      min(n, (t + 1) * CHUNK))

    @njit(cache=True, error_model="numpy")
    def serial(out, keys, key, starts, run, wide, a, b, c):
        _elements(kind, out, keys, key, starts, run, wide, a, b, c, 0, out.size)

    return parallel, serial


def fill(out: np.ndarray, key: np.ndarray, starts: np.ndarray, run: int, kind: int,
         wide: bool, params: tuple[np.ndarray, ...]) -> None:
    """Write the samples of elements ``starts[r] + t`` (``t < run``) into flat ``out``.

    Args:
        out: Flat contiguous float64, float32 or int64 output of ``starts.size·run`` elements.
        key: The draw's key, uint32 (2,).
        starts: First element (in the draw) of each run.
        run: Elements per run.
        kind: Distribution code (:class:`keyrand._codes.Dist`).
        wide: Draw 52-bit uniforms (float64 output).
        params: Three contiguous float64 arrays, each of one value or one per element.
    """
    if out.size == 0:
        return
    key = np.ascontiguousarray(key, np.uint32)
    keys = pair_keys(key[0], key[1])
    parallel, serial = _kernels(int(kind))
    _threads.launch(parallel, serial, out, keys, key, starts.astype(np.int64), int(run),
                    bool(wide), *params)
