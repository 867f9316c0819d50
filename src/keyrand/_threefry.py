"""Threefry-2x32-20 and MLX's counter layout: the only source of randomness.

Every number keyrand returns is word ``w`` of the ``W``-word stream of a key,
where (docs/algorithms.md §3.1, §3.2)::

    h = W // 2,  off = h + (W mod 2)
    word[j]       = T(key, (j, j + off)).x0      for j < h
    word[j + off] = T(key, (j, j + off)).x1      for j < h
    word[h]       = T(key, (h, 0)).x0            if W is odd

``T`` is threefry2x32 with 20 rounds. The rotation table and key-schedule
constant below are the single definition; the GPU kernel source is generated
from them too.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)

#: Rotation amounts, rounds 0-3 of even blocks then rounds 0-3 of odd blocks.
ROTATIONS = (13, 15, 26, 6, 17, 29, 16, 24)
#: Key-schedule parity constant (Threefish's C240 for 32-bit words).
PARITY = 0x1BD11BDA
#: Number of four-round blocks (5 × 4 = 20 rounds).
BLOCKS = 5

_U32 = np.uint32


@njit(cache=True, inline="always")
def _rotl(x, r):
    return _U32((x << _U32(r)) | (x >> _U32(32 - r)))


@njit(cache=True, inline="always")
def threefry2x32(k0, k1, c0, c1):
    """Hash counter ``(c0, c1)`` under key ``(k0, k1)`` (all uint32).

    Implements the 20-round Threefry-2x32 of Salmon et al. (2011): five
    blocks of four ``x0 += x1; x1 = rotl(x1, R) ^ x0`` rounds, each block
    followed by injection of the key schedule ``(k0, k1, k0 ^ k1 ^ C240)``.

    Returns:
        The pair ``(x0, x1)`` of uint32 words.
    """
    k0 = _U32(k0)
    k1 = _U32(k1)
    ks = (k0, k1, _U32(k0 ^ k1 ^ _U32(PARITY)))
    x0 = _U32(_U32(c0) + k0)
    x1 = _U32(_U32(c1) + k1)
    for i in range(BLOCKS):
        for r in range(4):
            x0 = _U32(x0 + x1)
            x1 = _rotl(x1, ROTATIONS[(i & 1) * 4 + r])
            x1 = _U32(x1 ^ x0)
        x0 = _U32(x0 + ks[(i + 1) % 3])
        x1 = _U32(x1 + ks[(i + 2) % 3] + _U32(i + 1))
    return x0, x1


@njit(cache=True)
def layout(total_words):
    """Return ``(h, off)``: the number of counter pairs and the second word's offset."""
    h = total_words // 2
    return h, h + (total_words & 1)


@njit(cache=True)
def hash_pairs(k0, k1, j0, n, off, first, second):
    """Hash counter pairs ``(j, j + off)`` for ``j0 <= j < j0 + n`` into two buffers.

    ``first[t]`` and ``second[t]`` become words ``j0 + t`` and ``j0 + t + off``
    of the stream. The loop vectorizes (AVX2/AVX-512 rotates).
    """
    k0 = _U32(k0)
    k1 = _U32(k1)
    for t in range(n):
        c0 = _U32(j0 + t)
        x0, x1 = threefry2x32(k0, k1, c0, _U32(c0 + _U32(off)))
        first[t] = x0
        second[t] = x1


@njit(cache=True)
def hash_keys(keys, c0, c1):
    """Hash one counter ``(c0, c1)`` under each key of ``keys`` (uint32, shape (n, 2)).

    Returns:
        uint32 array of shape (n, 2): row ``i`` is ``T(keys[i], (c0, c1))``.
    """
    out = np.empty(keys.shape, np.uint32)
    for i in range(keys.shape[0]):
        out[i, 0], out[i, 1] = threefry2x32(keys[i, 0], keys[i, 1], c0, c1)
    return out
