"""MLX's ``bits``, recovered exactly through documented MLX ops (its Python API has no ``bits``).

``mx.random.bernoulli(p, shape, key)`` draws ``b = bits(shape)`` (width 4)
and returns ``b < p·4294967808.0``; for a float64 ``p`` the comparison is
in double precision, where every uint32 is exact. With
``p = (m − ½)/4294967808`` the answer is ``b < m``, so 32 bisection steps
give every word exactly; ``mx.vmap`` over the key gives batched keys (one
block per key). Widths 1 and 2 are the first ``size·width`` little-endian
bytes of the ``ceil(size·width/4)`` width-4 words (MLX's ``RandomBits``).
Used by ``scripts/record_golden.py`` and the differential tests.
"""

from __future__ import annotations

import math

import mlx.core as mx
import numpy as np

#: bernoulli's threshold scale: the float32 just above 2^32.
BERNOULLI_SCALE = 4294967808.0


def _bisect(draw, shape: tuple[int, ...]) -> np.ndarray:
    """Each element's uint32 ``b`` from ``draw(p) = (b < p·scale)``, 32 halvings."""
    lo = np.zeros(shape, np.float64)
    hi = np.full(shape, 2.0**32)
    for _ in range(32):
        mid = np.floor((lo + hi) / 2)
        below = np.array(draw(mx.array((mid - 0.5) / BERNOULLI_SCALE, dtype=mx.float64)))
        hi, lo = np.where(below, mid, hi), np.where(below, lo, mid)
    assert np.array_equal(lo + 1, hi)
    return lo.astype(np.uint32)


def mlx_words(num: int, keys: np.ndarray) -> np.ndarray:
    """MLX's ``bits((num,), 4, k)`` for each key of ``keys`` (uint32, shape (..., 2))."""
    keys = np.asarray(keys, np.uint32)
    flat = mx.array(keys.reshape(-1, 2))
    batched = mx.vmap(lambda k, p: mx.random.bernoulli(p, (num,), key=k))
    words = _bisect(lambda p: batched(flat, p), (flat.shape[0], num))
    return words.reshape(keys.shape[:-1] + (num,))


def mlx_bits(shape: tuple[int, ...], width: int, keys: np.ndarray) -> np.ndarray:
    """MLX's ``bits(shape, width, key)``; keys of shape (..., 2) give one block per key."""
    keys = np.asarray(keys, np.uint32)
    shape = tuple(shape)
    size = math.prod(shape)
    words = mlx_words(-(-size * width // 4), keys)
    batch = keys.shape[:-1]
    flat = words.reshape(math.prod(batch), words.shape[-1]).astype("<u4")
    rows = [np.frombuffer(r.tobytes()[: size * width], f"<u{width}") for r in flat]
    return np.stack(rows).astype(f"uint{8 * width}").reshape(batch + shape)
