"""Element streams: the words each element of a distribution draws, and nothing else.

The distributions beyond MLX (docs/distributions.md) give every output
element its own counters, so a sample depends only on (key, its flat index
``i``, its parameters), however many attempts its rejection loop takes and
whichever block of the array computes it. With the pair keys
``K_c = T(key, (DIST_STREAM, c))``, pair ``c`` of lane ``l`` of element ``i``
is ``T(K_c, ((l << 29) | (i >> 32), i mod 2^32))``; lanes are independent
streams of one element (beta's two gammas, t's normal and chi-square).

Uniforms come two at a time from pair ``c`` (:func:`uniforms`): draws of at
most float32 precision read one word each, ``u = (w + ½)·2^-32``; float64
draws read a whole pair each, ``u = (⌊w0·2^20⌋ + ⌊w1/2^12⌋ + ½)·2^-52`` from
pairs ``2c`` and ``2c + 1``. Both lie strictly inside (0, 1) and are exact
float64 values. ``dists.cu`` transliterates these functions.

The functions of the distributions are compiled with ``forceinline`` (LLVM's
``alwaysinline``): a sample function then becomes one loop body with its hash
and its arithmetic, which LLVM can vectorize, at a compile cost of seconds
(Numba's IR-level ``inline="always"`` would take minutes).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import DIST_KEYS, DIST_STREAM
from ._fmath import cospi, log
from ._threefry import threefry2x32

_U32 = np.uint32
_U64 = np.uint64
_F64 = np.float64
_TWO_M32 = 2.0**-32
_TWO_M52 = 2.0**-52


@njit(cache=True)
def pair_keys(k0, k1):
    """Row ``c`` of the table: ``K_c = T(key, (DIST_STREAM, c))`` for ``c < DIST_KEYS``."""
    keys = np.empty((DIST_KEYS, 2), np.uint32)
    for c in range(DIST_KEYS):
        keys[c, 0], keys[c, 1] = threefry2x32(_U32(k0), _U32(k1), _U32(DIST_STREAM), _U32(c))
    return keys


@njit(cache=True, forceinline=True)
def pair(keys, key, lane, i, c):
    """Pair ``c`` of lane ``lane`` of element ``i`` (``keys`` the table, ``key`` the draw's key)."""
    e = _U64(i)
    hi = _U32((_U64(lane) << _U64(29)) | (e >> _U64(32)))
    lo = _U32(e & _U64(0xFFFFFFFF))
    # One hash site (a smaller loop body to compile): past the table, a first pass
    # derives K_c = T(key, (DIST_STREAM, c)) and a second hashes the counter under it.
    far = c >= DIST_KEYS
    if far:
        s0, s1, x0, x1 = key[0], key[1], _U32(DIST_STREAM), _U32(c)
    else:
        s0, s1, x0, x1 = keys[c, 0], keys[c, 1], hi, lo
    while True:
        y0, y1 = threefry2x32(s0, s1, x0, x1)
        if not far:
            return y0, y1
        far = False
        s0, s1, x0, x1 = y0, y1, hi, lo


@njit(cache=True, inline="always")
def _open52(w0, w1):
    # 52 bits: (x + ½)·2^-52 ≤ 1 − 2^-53 is exact (53 bits would round the top one to 1).
    x = (_U64(w0) << _U64(20)) | (_U64(w1) >> _U64(12))
    return (_F64(x) + 0.5) * _TWO_M52


@njit(cache=True, forceinline=True)
def uniforms(keys, key, lane, i, c, wide):
    """Uniforms ``2c`` and ``2c + 1`` of lane ``lane`` of element ``i``, both in (0, 1)."""
    w0, w1 = pair(keys, key, lane, i, 2 * c if wide else c)
    if wide:
        b0, b1 = pair(keys, key, lane, i, 2 * c + 1)
        return _open52(w0, w1), _open52(b0, b1)
    return (_F64(w0) + 0.5) * _TWO_M32, (_F64(w1) + 0.5) * _TWO_M32


@njit(cache=True, error_model="numpy", forceinline=True)
def normal(keys, key, lane, i, c, wide):
    """A standard normal from uniforms ``2c, 2c+1`` (Box–Muller): ``√(−2 log u₀)·cos(2π u₁)``."""
    u0, u1 = uniforms(keys, key, lane, i, c, wide)
    return np.sqrt(-2.0 * log(u0)) * cospi(2.0 * u1)
