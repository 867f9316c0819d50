"""NumPy's ``Generator`` on a keyrand key: :func:`bit_generator` (docs/algorithms.md §3.6)."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from . import _reuse
from ._keys import check_key, fold_in, next_key

#: "bitgen" as an integer: the datum folded into the key to make the stream's root.
BITGEN_TAG = 0x62697467656E
_U64_LIMIT = 1 << 64
_FN = "bit_generator"


class _BitgenT(ctypes.Structure):
    """NumPy's ``bitgen_t`` (numpy/random/bitgen.h): a state pointer and four callbacks."""

    _fields_ = [("state", ctypes.c_void_p), ("next_uint64", ctypes.c_void_p),
                ("next_uint32", ctypes.c_void_p), ("next_double", ctypes.c_void_p),
                ("next_raw", ctypes.c_void_p)]


_capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))


class KeyrandBitGenerator(np.random.BitGenerator):
    """A NumPy bit generator whose words are keyrand's stream of one key.

    Made by :func:`bit_generator`; see there for the stream. ``state`` is
    ``{"bit_generator": "KeyrandBitGenerator", "state": {"key", "block",
    "position"}}``: the key, the block the next word comes from and its
    position in the block. Instances pickle, and every use through NumPy
    holds ``lock`` as NumPy's own bit generators do.
    """

    def __init__(self, key: object = None) -> None:
        self._attach()
        k = next_key() if key is None else check_key(key, _FN)
        if key is not None and _reuse.mode:
            _reuse.consume(k, _FN)
        self._start(k, 0, 0)

    def _attach(self) -> None:
        """Make NumPy's ``bitgen_t`` of this object point at a new state and the callbacks."""
        from . import _bitstream as bs

        # The base class makes the lock and the capsule; seed 0 only spares it OS entropy.
        np.random.BitGenerator.__init__(self, 0)
        self._words = bs.new_state()
        self._key = np.zeros(2, np.uint32)
        bitgen = _BitgenT.from_address(_capsule_pointer(self.capsule, b"BitGenerator"))
        bitgen.state = self._words.ctypes.data
        bitgen.next_uint64 = bs.next_uint64.address
        bitgen.next_uint32 = bs.next_uint32.address
        bitgen.next_double = bs.next_double.address
        bitgen.next_raw = bs.next_raw.address

    def _start(self, key: np.ndarray, block: int, position: int) -> None:
        """Position the stream of ``key`` at word ``position`` of block ``block``."""
        from . import _bitstream as bs

        s = self._words
        s[0:2] = fold_in(key, BITGEN_TAG)
        s[2], s[3] = block & 0xFFFFFFFF, block >> 32
        s[4] = s[5] = bs.WORDS
        if position:
            bs.fill(s)
            s[4] = position
        self._key = np.array(key, np.uint32)

    @property
    def state(self) -> dict[str, Any]:
        """The key, the block the next word comes from, and the word's position in it."""
        from ._bitstream import WORDS

        with self.lock:
            lo, hi, pos = (int(w) for w in self._words[2:5])
            key = self._key.copy()
        following = hi << 32 | lo
        block, position = (following, 0) if pos >= WORDS else ((following - 1) % _U64_LIMIT,
                                                                pos)
        return {"bit_generator": type(self).__name__,
                "state": {"key": key, "block": block, "position": position}}

    @state.setter
    def state(self, value: dict[str, Any]) -> None:
        from ._bitstream import WORDS

        name = type(self).__name__
        if not isinstance(value, dict):
            raise TypeError(f"[{_FN}] state must be a dict, not {type(value).__name__}.")
        if value.get("bit_generator") != name:
            raise ValueError(f"[{_FN}] state must be for a {name}, got "
                             f"{value.get('bit_generator')!r}.")
        inner = value.get("state")
        if not isinstance(inner, dict) or not {"key", "block", "position"} <= inner.keys():
            raise ValueError(f"[{_FN}] state['state'] must be a dict with 'key', 'block' and "
                             "'position'.")
        key = check_key(inner["key"], _FN)
        block = _index(inner["block"], "block", _U64_LIMIT)
        position = _index(inner["position"], "position", WORDS)
        with self.lock:
            self._start(key, block, position)

    @property
    def seed_seq(self) -> None:
        """None: the stream comes from a key, not from a SeedSequence."""
        return None

    def spawn(self, n_children: int) -> list[KeyrandBitGenerator]:
        """Refused: child streams come from child keys.

        Raises:
            TypeError: always; use ``[bit_generator(k) for k in keyrand.split(key, n)]``.
        """
        raise TypeError(f"[{_FN}] spawn: a keyrand bit generator has no SeedSequence; make "
                        "children from keys: [keyrand.bit_generator(k) for k in "
                        "keyrand.split(key, n)].")

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        return _restore, (self.state,)


def _index(value: object, name: str, limit: int) -> int:
    """An int state field in ``[0, limit)``.

    Raises:
        ValueError: not an int in range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or not 0 <= int(value) < limit:
        raise ValueError(f"[{_FN}] state {name} must be an int in [0, {limit}), got "
                         f"{value!r}.")
    return int(value)


def _restore(state: dict[str, Any]) -> KeyrandBitGenerator:
    """A bit generator in ``state`` (unpickling; the key is not consumed again)."""
    bg = KeyrandBitGenerator.__new__(KeyrandBitGenerator)
    bg._attach()
    bg.state = state
    return bg


def bit_generator(key: object = None) -> KeyrandBitGenerator:
    """A ``numpy.random.BitGenerator`` whose output is keyrand's word stream of ``key``.

    ``numpy.random.Generator(bit_generator(k))`` gives every NumPy
    distribution, reproducibly from a keyrand key. The stream is fixed
    (docs/algorithms.md §3.6): with the root key ``R = fold_in(key,
    0x62697467656E)`` ("bitgen"), block ``b = 0, 1, 2, …`` is
    ``bits((2**16,), key=fold_in(R, b))`` and the stream is block 0, block 1,
    … one after the other. Then

    - ``next_uint32`` is the next word ``w``;
    - ``next_uint64`` takes the next two words as ``w0 | (w1 << 32)``;
    - ``next_double`` is ``(next_uint64 >> 11) · 2^-53``;
    - ``random_raw`` returns words (``next_uint32``, as uint64).

    Block keys are distinct hashes of distinct counters under ``R``, and each
    block hashes each of its counters once, so no (key, counter) pair repeats
    within the 2^80-word stream.

    The object is a real subclass of ``numpy.random.BitGenerator``: the base
    class makes its lock and the capsule of its ``bitgen_t``, and keyrand
    fills that ``bitgen_t`` (NumPy's documented C interface) with Numba
    ``cfunc`` callbacks over its own state. This route needs no package
    beyond NumPy and Numba, unlike ``randomgen``'s ``UserBitGenerator``, and
    its callbacks run without the GIL. Blocks are hashed by keyrand's
    vectorized threefry loop, 4096 counter pairs at a time just before their
    words are read.

    Args:
        key: uint32 key of shape (2,) (a CuPy key is read to the host); the
            next key of the calling thread's global sequence if None. It is
            consumed, for the key-reuse check.

    Returns:
        A :class:`KeyrandBitGenerator` at the start of the stream.

    Raises:
        TypeError: ``key`` is not an array.
        ValueError: ``key`` has the wrong dtype or shape.
    """
    return KeyrandBitGenerator(key)
