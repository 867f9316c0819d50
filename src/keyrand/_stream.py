"""A key's word stream of any length: MLX's layout, then JAX's rule past 2^32 words.

Up to ``2^32`` words a key's ``W``-word stream is MLX's counter layout
(:mod:`keyrand._threefry`, docs/algorithms.md §3.2). MLX's 32-bit counters end
there. A longer stream follows JAX's non-partitionable threefry rule
(docs/algorithms.md §3.3)::

    nblocks, rem = divmod(W, 2^32 − 1)
    K = split(key, nblocks + 1)              # itself the 2·(nblocks + 1)-word stream
    word[b·(2^32 − 1) + t] = word t of K[b]'s (2^32 − 1)-word stream   (b < nblocks)
    word[nblocks·(2^32 − 1) + t] = word t of K[nblocks]'s rem-word stream

Every word is still a function of (key, ``W``, its index) alone, so blocks of
a long draw are computed on their own: :func:`fill` cuts a set of word runs at
the block boundaries and computes only the subkeys of the blocks it touches.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._backend import Backend, Kernel, Runs
from ._codes import BITS, MAX_WORDS, Rounding
from ._dtypes import to_numpy

#: Words per block of a stream longer than 2^32 words (JAX's ``iinfo(uint32).max``).
BLOCK_WORDS = MAX_WORDS - 1
#: The raw words: the kernel that computes subkeys.
_WORDS = Kernel(BITS, int(Rounding.F32), 0, (), np.dtype(np.uint32))


class Piece(NamedTuple):
    """Output positions ``lo:hi`` of a fill: runs of one block's stream.

    Attributes:
        lo: First output position.
        hi: One past the last output position.
        block: The block (index of its subkey).
        runs: The runs, as positions in that block's own stream.
    """

    lo: int
    hi: int
    block: int
    runs: Runs


def block_size(total: int, block: int) -> int:
    """Words in ``block`` of a ``total``-word stream longer than 2^32 words."""
    nblocks, rem = divmod(total, BLOCK_WORDS)
    return BLOCK_WORDS if block < nblocks else rem


def pieces(runs: Runs) -> list[Piece]:
    """Cut ``runs`` of a stream longer than 2^32 words at its block boundaries.

    Consecutive runs inside one block stay together (one kernel launch); a run
    that crosses boundaries becomes one piece per block it touches.
    """
    total, run = runs.total, runs.run
    if runs.is_whole():
        out, lo, block = [], 0, 0
        while lo < total:
            n = block_size(total, block)
            out.append(Piece(lo, lo + n, block, Runs.whole(n)))
            lo, block = lo + n, block + 1
        return out
    starts = np.asarray(runs.starts, np.int64)
    if starts.size == 0 or run == 0:
        return []
    first = starts // BLOCK_WORDS
    last = (starts + (run - 1)) // BLOCK_WORDS
    inside = first == last
    change = (first[1:] != first[:-1]) | ~inside[1:] | ~inside[:-1]
    bounds = np.concatenate([[0], np.flatnonzero(change) + 1, [starts.size]])
    out = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        blk = int(first[a])
        if inside[a]:
            local = Runs(block_size(total, blk), starts[a:b] - blk * BLOCK_WORDS, run)
            out.append(Piece(a * run, b * run, blk, local))
            continue
        w, stop = int(starts[a]), int(starts[a]) + run
        while w < stop:
            blk = w // BLOCK_WORDS
            n = min(stop, (blk + 1) * BLOCK_WORDS) - w
            local = Runs(block_size(total, blk), np.array([w - blk * BLOCK_WORDS]), n)
            pos = a * run + (w - int(starts[a]))
            out.append(Piece(pos, pos + n, blk, local))
            w += n
    return out


def block_keys(key: np.ndarray, total: int, blocks: np.ndarray) -> np.ndarray:
    """Subkeys ``K[blocks]`` of a ``total``-word stream: words ``2b, 2b + 1`` of ``split``'s stream.

    Returns:
        uint32 array of shape ``(len(blocks), 2)``.
    """
    from ._cpu import BACKEND

    nsub = 2 * (total // BLOCK_WORDS + 1)
    out = np.empty(2 * blocks.size, np.uint32)
    fill(BACKEND, out, key, _WORDS, Runs(nsub, 2 * np.asarray(blocks, np.int64), 2))
    return out.reshape(-1, 2)


def fill(backend: Backend, out: Any, key: Any, kernel: Kernel, runs: Runs) -> None:
    """Write ``kernel`` of words ``runs`` of ``key``'s ``runs.total``-word stream into flat ``out``.

    Streams of at most 2^32 words go to the backend's kernels as they are;
    longer ones are cut into pieces, each filled under its block's subkey.
    """
    if runs.total <= MAX_WORDS:
        backend.fill(out, key, kernel, runs)
        return
    parts = pieces(runs)
    if not parts:
        return
    keys = block_keys(to_numpy(key), runs.total, np.array([p.block for p in parts], np.int64))
    for part, k in zip(parts, keys, strict=True):
        backend.fill(out[part.lo:part.hi], k, kernel, part.runs)
