"""The word stream of :func:`keyrand.bit_generator` as C callbacks (docs/algorithms.md §3.6).

The state is one uint32 array: a header of :data:`HEAD` words, then a buffer
of :data:`WORDS` words holding one block of the stream::

    s[0], s[1]   the root key R = fold_in(key, BITGEN_TAG)
    s[2], s[3]   low and high word of the number of the next block to fill
    s[4]         position of the next word in the buffer (WORDS: buffer used up)
    s[HEAD:]     the buffer

Block ``b`` is ``bits((WORDS,), key=fold_in(R, b))``: with ``WORDS`` even, its
counter pairs are ``(j, j + WORDS/2)`` for ``j < WORDS/2`` (§3.2), hashed by
:func:`~keyrand._threefry.hash_pairs`. The three callbacks are Numba ``cfunc``
functions with the signatures of NumPy's ``bitgen_t``; they hold no Python
object, so NumPy calls them without the GIL.
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
_HALF = WORDS // 2
_POS = 4
_U32 = np.uint32
_U64 = np.uint64


def new_state() -> np.ndarray:
    """A zeroed state array (header and buffer)."""
    return np.zeros(HEAD + WORDS, np.uint32)


@njit(cache=True)
def fill(s):
    """Hash the next block into the buffer of state ``s`` and count it.

    The block's key is ``fold_in(R, b) = T(R, (b >> 32, b mod 2^32))`` (§3.6).
    """
    lo = s[2]
    hi = s[3]
    k0, k1 = threefry2x32(s[0], s[1], hi, lo)
    hash_pairs(k0, k1, 0, _HALF, _HALF, s[HEAD:HEAD + _HALF], s[HEAD + _HALF:])
    lo = _U32(lo + _U32(1))
    s[2] = lo
    if lo == 0:
        s[3] = _U32(hi + _U32(1))
    s[_POS] = 0


@njit(cache=True)
def _refill_word(state):
    """The first word of the next block (the buffer is used up)."""
    s = carray(state, (HEAD + WORDS,))
    fill(s)
    s[_POS] = 1
    return s[HEAD]


@njit(cache=True)
def _refill_pair(state):
    """The next two words when they do not both lie in the buffer, as ``w0 | (w1 << 32)``."""
    s = carray(state, (HEAD + WORDS,))
    if s[_POS] == WORDS - 1:
        w0 = s[HEAD + WORDS - 1]
        fill(s)
        s[_POS] = 1
        return _U64(w0) | (_U64(s[HEAD]) << _U64(32))
    fill(s)
    s[_POS] = 2
    return _U64(s[HEAD]) | (_U64(s[HEAD + 1]) << _U64(32))


@njit(cache=True, inline="always")
def _word(state):
    pos = state[_POS]
    if pos < WORDS:
        state[_POS] = pos + 1
        return state[HEAD + pos]
    return _refill_word(state)


@njit(cache=True, inline="always")
def _pair(state):
    pos = state[_POS]
    if pos <= WORDS - 2:
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
