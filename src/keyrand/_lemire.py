"""Exact bounded integers on the CPU: Lemire's method with per-element retries (§6.12).

``integers`` draws its words with the BITS kernel; the kernels here turn them
into integers in ``[low, low + r)``, exactly uniform for every ``r`` from 1 to
2^64. Element ``i`` takes one word (dtypes of at most 32 bits) or two (64-bit
dtypes) and Lemire's nearly-divisionless test; a rejected element draws again
from counters of its own, ``T(T(key, (INTS_RETRY, a)), (i >> 32, i mod 2^32))``
for attempt ``a = 1, 2, …``, so its value depends only on (key, its index,
its bounds), whatever block it is computed in. These functions are the one
CPU definition; ``kernels.cu`` transliterates them for the GPU.
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit, prange

from . import (
    _numba_cache,  # noqa: F401  (Numba's cache locator, before any @njit)
    _threads,
)
from ._codes import INTS_RETRY
from ._threefry import threefry2x32

#: Elements per task of the parallel kernel.
CHUNK = 1 << 14
#: Retry keys ``R_a`` computed once per call (an attempt beyond them, probability below
#: 2^-15 per element, computes its own).
RETRY_KEYS = 16

_U32 = np.uint32
_U64 = np.uint64
_LOW32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


@njit(cache=True, inline="always")
def mul128(a, b):
    """``(hi, lo)``: the 128-bit product of uint64 ``a`` and ``b`` from four 32×32 products."""
    a0 = a & _LOW32
    a1 = a >> _SHIFT
    b0 = b & _LOW32
    b1 = b >> _SHIFT
    p00 = a0 * b0
    p01 = a0 * b1
    p10 = a1 * b0
    p11 = a1 * b1
    mid = (p00 >> _SHIFT) + (p01 & _LOW32) + (p10 & _LOW32)
    lo = (mid << _SHIFT) | (p00 & _LOW32)
    hi = p11 + (p01 >> _SHIFT) + (p10 >> _SHIFT) + (mid >> _SHIFT)
    return hi, lo


@njit(cache=True, inline="always")
def lemire32(x, r):
    """Lemire's test of 32-bit ``x`` for ``r ≤ 2^32`` values: ``(accepted, x·r >> 32)``."""
    m = _U64(x) * r
    low = m & _LOW32
    if low < r:
        t = (_U64(1 << 32) - r) % r
        if low < t:
            return False, _U64(0)
    return True, m >> _SHIFT


@njit(cache=True, inline="always")
def lemire64(x, rm1):
    """Lemire's test of 64-bit ``x`` for ``r = rm1 + 1 ≤ 2^64`` values: ``(ok, x·r >> 64)``."""
    if rm1 == _U64(0xFFFFFFFFFFFFFFFF):
        return True, x  # r = 2^64: every x is a value
    r = rm1 + _U64(1)
    hi, lo = mul128(x, r)
    if lo < r:
        t = (_U64(0) - r) % r
        if lo < t:
            return False, _U64(0)
    return True, hi


@njit(cache=True)
def retry_keys(k0, k1, count):
    """Row 0 the key, row ``a`` (``1 ≤ a < count``) ``R_a = T(key, (INTS_RETRY, a))``."""
    keys = np.empty((count, 2), np.uint32)
    keys[0, 0] = k0
    keys[0, 1] = k1
    for a in range(1, count):
        keys[a, 0], keys[a, 1] = threefry2x32(k0, k1, _U32(INTS_RETRY), _U32(a))
    return keys


@njit(cache=True, inline="always")
def retry_words(keys, i, attempt):
    """Element ``i``'s words at retry ``a``: ``T(R_a, (i >> 32, i mod 2^32))`` (R_a: ``keys``)."""
    if attempt < keys.shape[0]:
        s0, s1 = keys[attempt, 0], keys[attempt, 1]
    else:
        s0, s1 = threefry2x32(keys[0, 0], keys[0, 1], _U32(INTS_RETRY), _U32(attempt))
    return threefry2x32(s0, s1, _U32(i >> 32), _U32(i & 0xFFFFFFFF))


@njit(cache=True, inline="always")
def _x(v, wide):
    # An element's x from its slot: its word, or its two words read as one little-endian
    # uint64 (the first word, the high half, is then the low half of v).
    if wide:
        return (v << _SHIFT) | (v >> _SHIFT)
    return _U64(v)


@njit(cache=True, inline="always")
def _product(x, r, wide):
    # The first attempt's ``(⌊x·r / 2^B⌋, x·r mod 2^B)``; r = 0 stands for 2^64 (value x).
    if wide:
        hi, lo = mul128(x, r)
        return (x if r == _U64(0) else hi), lo
    m = x * r
    return m >> _SHIFT, m & _LOW32


@njit(cache=True, inline="always")
def _one_bound(buf, off, r, lim, first, stop, wide):
    # Slots first .. stop-1 under one bound: if no first attempt is rejected (x·r mod 2^B
    # < lim), write every value (both loops vectorize) and return False.
    bad = False
    for k in range(first, stop):
        bad |= _product(_x(buf[k], wide), r, wide)[1] < lim
    if not bad:
        for k in range(first, stop):
            buf[k] = off + _product(_x(buf[k], wide), r, wide)[0]
    return bad


@njit(cache=True, inline="always")
def _own_bounds(buf, off, rm1, lim, first, stop, wide):
    # As _one_bound, each slot with its own bounds.
    bad = False
    for k in range(first, stop):
        bad |= _product(_x(buf[k], wide), rm1[k] + _U64(1), wide)[1] < lim[k]
    if not bad:
        for k in range(first, stop):
            buf[k] = off[k] + _product(_x(buf[k], wide), rm1[k] + _U64(1), wide)[0]
    return bad


@njit(cache=True, inline="always")
def _one_by_one(buf, off, rm1, lim, each, keys, starts, run, first, stop, wide):
    # Slots first .. stop-1 one at a time, rejected elements drawing again until accepted;
    # slot k is element starts[k // run] + k % run of the draw.
    q = first // run
    t = first - q * run
    for k in range(first, stop):
        j = k if each else 0
        r = rm1[j] + _U64(1)
        v, low = _product(_x(buf[k], wide), r, wide)
        if low < lim[j]:
            i = starts[q] + t
            attempt = 1
            ok = False
            while not ok:
                x0, x1 = retry_words(keys, i, attempt)
                if wide:
                    ok, v = lemire64((_U64(x0) << _SHIFT) | _U64(x1), rm1[j])
                else:
                    ok, v = lemire32(x0, r)
                attempt += 1
        buf[k] = off[j] + v  # the dtype's bits: low + offset modulo 2^32 or 2^64
        t += 1
        if t == run:
            t = 0
            q += 1


@functools.cache
def _kernels(wide: int):
    """(parallel, serial) kernels for one or two words per element (``wide`` a closure constant)."""

    @njit(cache=True)
    def chunk(buf, off, rm1, lim, each, keys, starts, run, first, stop):
        if each:
            bad = _own_bounds(buf, off, rm1, lim, first, stop, wide)
        else:
            bad = _one_bound(buf, off[0], rm1[0] + _U64(1), lim[0], first, stop, wide)
        if bad:
            _one_by_one(buf, off, rm1, lim, each, keys, starts, run, first, stop, wide)

    @njit(cache=True, parallel=True)
    def parallel(buf, off, rm1, lim, each, keys, starts, run):
        n = buf.size
        for c in prange((n + CHUNK - 1) // CHUNK):
            chunk(buf, off, rm1, lim, each, keys, starts, run, c * CHUNK,
                  min(n, (c + 1) * CHUNK))

    @njit(cache=True)
    def serial(buf, off, rm1, lim, each, keys, starts, run):
        n = buf.size
        for c in range((n + CHUNK - 1) // CHUNK):
            chunk(buf, off, rm1, lim, each, keys, starts, run, c * CHUNK,
                  min(n, (c + 1) * CHUNK))

    return parallel, serial


def rejection_limit(rm1: np.ndarray, wide: bool) -> np.ndarray:
    """``t = (2^B − r) mod r`` for ``r = rm1 + 1`` (0 for ``r = 2^B``).

    A first product whose low half is below ``t`` is rejected; Lemire's
    ``l < r`` pretest changes nothing, as ``t < r``.
    """
    r = rm1 + np.uint64(1)  # 0 for r = 2^64
    if not wide:
        return (np.uint64(1 << 32) - r) % r
    safe = np.where(r == 0, np.uint64(1), r)
    return np.where(r == 0, np.uint64(0), np.negative(safe) % safe)


def bounded(words: np.ndarray, key: np.ndarray, starts: np.ndarray, run: int, off: np.ndarray,
            rm1: np.ndarray, wide: bool) -> np.ndarray:
    """The values ``low + offset`` of the elements, modulo 2^32 or 2^64, over their words.

    Two kernels only (one per word count), so a fresh install compiles little.
    Each chunk of elements first tests every first attempt in a vectorizable
    pass; a chunk with a rejection then goes one element at a time.

    Args:
        words: Flat uint32 words of the ``n`` elements, one each, or two (``wide``);
            overwritten by the results.
        key: The draw's key, uint32 (2,).
        starts: int64 first element (in the draw) of each run of the block.
        run: Elements per run (``n = starts.size · run``).
        off: ``low mod 2^64`` (uint64), one value or one per element.
        rm1: ``r − 1`` (uint64, the number of values minus one), one value or one per element.
        wide: Two words per element (64-bit dtypes).

    Returns:
        ``words`` viewed as ``n`` uint64 (``wide``) or uint32 values.
    """
    buf = words.view(np.uint64) if wide else words
    n = buf.size
    if n == 0:
        return buf
    each = off.size > 1 or rm1.size > 1
    if each:
        off = np.ascontiguousarray(np.broadcast_to(off, (n,)))
        rm1 = np.ascontiguousarray(np.broadcast_to(rm1, (n,)))
    parallel, serial = _kernels(int(wide))
    _threads.launch(parallel, serial, buf, off, rm1, rejection_limit(rm1, wide), each,
                    retry_keys(_U32(key[0]), _U32(key[1]), RETRY_KEYS), starts.astype(np.int64),
                    int(run))
    return buf
