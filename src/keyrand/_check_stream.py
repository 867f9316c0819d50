"""The raw 32-bit stream that ``keyrand check`` feeds to the bit-level batteries.

The stream of seed ``s`` is the concatenation, for ``i = 0, 1, 2, …``, of
the blocks

    block_i = bits(shape=(BLOCK_WORDS,), key=fold_in(key(s), i))

Block ``i`` hashes the counters ``0 … BLOCK_WORDS − 1`` under its own key
``fold_in(key(s), i)``, and the keys of distinct ``i < 2**32`` are distinct
hashes of ``key(s)``, so no (key, counter) pair is used twice: the stream
holds ``2**32`` blocks (``2**52`` words) before its block index would wrap,
far beyond what any battery reads. Each block can be drawn on its own, so a
stream can start at any block, and the GPU draws the same words
(``stream=keyrand.gpu``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import _keys
from ._sample_bits import bits

#: 32-bit words per block of the stream (4 MiB).
BLOCK_WORDS = 1 << 20
#: Blocks the stream holds before its block index would repeat.
MAX_BLOCKS = 1 << 32


def block(seed: int, index: int, stream: object = None) -> np.ndarray:
    """Block ``index`` of the stream of ``seed``: ``BLOCK_WORDS`` uint32 words.

    Args:
        seed: The stream's seed (``keyrand.key(seed)``).
        index: The block, ``0 <= index < MAX_BLOCKS``.
        stream: Where to draw (``None``: the default, ``keyrand.gpu``: CuPy).

    Returns:
        The block's words (a CuPy array when drawn on the GPU).

    Raises:
        ValueError: ``index`` is outside the stream.
    """
    if not 0 <= index < MAX_BLOCKS:
        raise ValueError(f"[check] block {index} is outside the stream (0 <= block < 2**32).")
    sub = _keys.fold_in(_keys.key(seed), index)
    return bits(shape=(BLOCK_WORDS,), key=sub, stream=stream)


def blocks(seed: int, start: int = 0, stream: object = None) -> Iterator[np.ndarray]:
    """The stream's blocks from ``start`` on, as NumPy arrays, until the stream ends.

    Args:
        seed: The stream's seed.
        start: The first block.
        stream: Where to draw (CuPy blocks are copied to the host).

    Yields:
        uint32 arrays of ``BLOCK_WORDS`` words.
    """
    for index in range(start, MAX_BLOCKS):
        out = block(seed, index, stream)
        yield out if isinstance(out, np.ndarray) else out.get()


def words(seed: int, count: int, stream: object = None) -> np.ndarray:
    """The first ``count`` words of the stream of ``seed``.

    Args:
        seed: The stream's seed.
        count: How many uint32 words.
        stream: Where to draw.

    Returns:
        A uint32 NumPy array of ``count`` words.
    """
    parts: list[np.ndarray] = []
    have = 0
    for part in blocks(seed, 0, stream):
        if have >= count:
            break
        parts.append(part[: count - have])
        have += parts[-1].size
    return np.concatenate(parts) if parts else np.empty(0, np.uint32)


def bit_array(seed: int, count: int, stream: object = None) -> np.ndarray:
    """The first ``count`` bits of the stream, most significant bit of each word first.

    Args:
        seed: The stream's seed.
        count: How many bits.
        stream: Where to draw.

    Returns:
        An int64 array of zeros and ones (the form NIST SP 800-22 tests read).
    """
    w = words(seed, -(-count // 32), stream)
    as_bytes = w.astype(">u4").view(np.uint8)
    return np.unpackbits(as_bytes)[:count].astype(np.int64)
