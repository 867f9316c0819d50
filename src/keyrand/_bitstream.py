"""The word stream of :func:`keyrand.bit_generator` as C callbacks (docs/algorithms.md §3.6).

The state is one uint32 array: a header of :data:`HEAD` words, then a buffer
of :data:`WORDS` words holding one block of the stream::

    s[0], s[1]   the root key R = fold_in(key, BITGEN_TAG)
    s[2], s[3]   low and high word of the number of the next block to start
    s[4]         position of the next word in the buffer (WORDS: block used up)
    s[5]         words of the buffer ready, from its start (WORDS: all)
    s[6], s[7]   the current block's key fold_in(R, b)
    s[HEAD:]     the buffer

Block ``b`` is ``bits((WORDS,), key=fold_in(R, b))``: with ``WORDS`` even, its
counter pairs are ``(j, j + WORDS/2)`` for ``j < WORDS/2`` (§3.2), hashed by
:func:`~keyrand._threefry.hash_pairs` into words ``j`` and ``j + WORDS/2``.
Words are read in order, so the pairs are hashed :data:`CHUNK` at a time, just
before the first half reaches them: the words about to be read are still in
the CPU's cache. The callbacks are Numba ``cfunc`` functions with the
signatures of NumPy's ``bitgen_t``; they hold no Python object, so NumPy calls
them without the GIL.
"""

from __future__ import annotations

import numpy as np
from numba import carray, cfunc, njit, types

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._threefry import hash_pairs, threefry2x32

#: Words per block: one ``bits((2**16,))`` draw.
WORDS = 1 << 16
#: Header words before the buffer.
HEAD = 8
#: Counter pairs hashed at a time.
CHUNK = 1 << 12
_HALF = WORDS // 2
_POS = 4
_READY = 5
_U32 = np.uint32
_U64 = np.uint64


def new_state() -> np.ndarray:
    """A zeroed state array (header and buffer)."""
    return np.zeros(HEAD + WORDS, np.uint32)


@njit(cache=True)
def _start_block(s):
    """Make the next block current: its key ``fold_in(R, b) = T(R, (b >> 32, b mod 2^32))``."""
    lo = s[2]
    hi = s[3]
    s[6], s[7] = threefry2x32(s[0], s[1], hi, lo)
    lo = _U32(lo + _U32(1))
    s[2] = lo
    if lo == 0:
        s[3] = _U32(hi + _U32(1))
    s[_POS] = 0
    s[_READY] = 0


@njit(cache=True)
def _hash_chunk(s):
    """Hash the next CHUNK counter pairs of the current block into both halves."""
    a = s[_READY]
    hash_pairs(s[6], s[7], a, CHUNK, _HALF, s[HEAD + a:HEAD + a + CHUNK],
               s[HEAD + _HALF + a:HEAD + _HALF + a + CHUNK])
    a += CHUNK
    s[_READY] = a if a < _HALF else WORDS


@njit(cache=True)
def fill(s):
    """Start the next block and hash all of it (used when a state is set)."""
    _start_block(s)
    while s[_READY] < WORDS:
        _hash_chunk(s)


@njit(cache=True)
def _take(s):
    """The next word, hashing (and starting a block) first if it is not ready."""
    pos = s[_POS]
    if pos >= s[_READY]:
        if pos >= WORDS:
            _start_block(s)
            pos = 0
        _hash_chunk(s)
    s[_POS] = pos + 1
    return s[HEAD + pos]


@njit(cache=True)
def _refill_word(state):
    return _take(carray(state, (HEAD + WORDS,)))


@njit(cache=True)
def _refill_pair(state):
    s = carray(state, (HEAD + WORDS,))
    w0 = _take(s)
    return _U64(w0) | (_U64(_take(s)) << _U64(32))


@njit(cache=True, inline="always")
def _word(state):
    pos = state[_POS]
    if pos < state[_READY]:
        state[_POS] = pos + 1
        return state[HEAD + pos]
    return _refill_word(state)


@njit(cache=True, inline="always")
def _pair(state):
    pos = state[_POS]
    if pos + 2 <= state[_READY]:
        state[_POS] = pos + 2
        return _U64(state[HEAD + pos]) | (_U64(state[HEAD + pos + 1]) << _U64(32))
    return _refill_pair(state)


_STATE = types.CPointer(types.uint32)


@cfunc(types.uint32(_STATE), cache=True)
def next_uint32(state):
    """The next word of the stream."""
    return _word(state)


@cfunc(types.uint64(_STATE), cache=True)
def next_uint64(state):
    """The next two words ``w0``, ``w1`` as ``w0 | (w1 << 32)``."""
    return _pair(state)


@cfunc(types.uint64(_STATE), cache=True)
def next_raw(state):
    """The next word, widened to uint64 (NumPy's raw output of a 32-bit generator)."""
    return _U64(_word(state))


@cfunc(types.float64(_STATE), cache=True)
def next_double(state):
    """``(next_uint64 >> 11) · 2^-53``: the top 53 bits of two words, in [0, 1)."""
    return np.float64(_pair(state) >> _U64(11)) * (1.0 / 9007199254740992.0)
