"""Keys and the per-thread global key sequence (docs/algorithms.md §2).

``key(s)`` is ``(s >> 32, s & 0xFFFFFFFF)``. Each thread keeps a state key
``S``; a sampler called without ``key=`` takes one subkey with
``(A, B) = split(S); S = A; return B``, exactly as MLX does. ``seed(s)`` sets
the calling thread's state to ``key(s)``.

Deviation from MLX: MLX starts every unseeded thread from the same
time-based key, so unseeded threads draw identical numbers. keyrand derives
each thread's starting key from the process's time-based key and a
per-thread serial number through the hash, so no two unseeded threads share a
starting key. A thread that calls ``seed`` gets exactly MLX's sequence.
"""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np

from ._checks import as_index

_U64_MAX = (1 << 64) - 1
#: Counter word that separates per-thread starting keys from ordinary draws ("thrd").
_THREAD_TAG = 0x74687264


def _check_seed(seed: object, fn: str) -> int:
    # Anything with __index__ is an int to MLX's binding: a bool (key(True) == key(1)),
    # a NumPy integer, a 0-d integer array.
    s = as_index(seed)
    if s is None:
        raise TypeError(f"[{fn}] seed must be an int in [0, 2**64), not {type(seed).__name__}.")
    if not 0 <= s <= _U64_MAX:
        raise TypeError(f"[{fn}] seed must be in [0, 2**64), got {s}.")
    return s


def key(seed: int) -> np.ndarray:
    """Make a PRNG key from a seed.

    Args:
        seed: Integer in ``[0, 2**64)`` (anything with ``__index__``, e.g. a NumPy
            integer or a 0-d integer array).

    Returns:
        uint32 array ``[seed >> 32, seed & 0xFFFFFFFF]`` of shape (2,).

    Raises:
        TypeError: ``seed`` is not an int or lies outside ``[0, 2**64)`` (as in MLX).
    """
    s = _check_seed(seed, "key")
    return np.array([s >> 32, s & 0xFFFFFFFF], dtype=np.uint32)


def fold_in(key: object, data: int) -> object:
    """Fold an integer into a key: a new key that depends on both.

    As JAX's legacy ``fold_in``, the new key is the hash of ``key`` at counter
    ``(data >> 32, data & 0xFFFFFFFF)`` (docs/algorithms.md §2.1)::

        fold_in(k, d) = T(k, (⌊d / 2^32⌋, d mod 2^32))

    so ``fold_in(k, i)`` for ``i = 0, 1, 2, …`` gives distinct, independent
    keys without a split: one per step, worker or layer. ``key`` itself is
    not consumed (keep folding other data into it), and for ``data < 2**32``
    the result equals ``jax.random.fold_in`` on a legacy (threefry) key.

    Args:
        key: uint32 key of shape (2,), or a batch of keys of shape (..., 2)
            (each folded with ``data``). A CuPy key gives a CuPy result.
        data: Integer in ``[0, 2**64)``.

    Returns:
        uint32 array of ``key``'s shape.

    Raises:
        TypeError: ``data`` is not an int in ``[0, 2**64)``.
        ValueError: ``key`` has the wrong dtype or shape.
    """
    from ._backend import on_device
    from ._threefry import hash_keys

    fn = "fold_in"
    d = as_index(data)
    if d is None or isinstance(data, (bool, np.bool_)):
        raise TypeError(f"[{fn}] data must be an int in [0, 2**64), not {type(data).__name__}.")
    if not 0 <= d <= _U64_MAX:
        raise TypeError(f"[{fn}] data must be in [0, 2**64), got {d}.")
    k = check_key(key, fn, batch=True)
    out = hash_keys(k.reshape(-1, 2), d >> 32, d & 0xFFFFFFFF).reshape(k.shape)
    if on_device(key):
        import cupy

        with cupy.cuda.Device(key.device.id):
            return cupy.asarray(out)
    return out


def split2(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``split(k, 2)``: the 4-word stream of ``k`` in MLX's layout, as two subkeys.

    Words 0-1 (the first outputs of counter pairs (0, 2), (1, 3)) are subkey 0,
    words 2-3 (their second outputs) subkey 1.
    """
    from ._threefry import hash_pairs, layout

    h, off = layout(4)
    first, second = np.empty(h, np.uint32), np.empty(h, np.uint32)
    hash_pairs(k[0], k[1], 0, h, off, first, second)
    return first, second


class _State(threading.local):
    """The calling thread's state key: None until ``seed`` sets it or a draw needs it."""

    key: np.ndarray | None = None


def _current() -> np.ndarray:
    """The calling thread's state key, made from the process's root key on first use."""
    if _state.key is None:
        from ._threefry import threefry2x32

        root = _process_root()
        x0, x1 = threefry2x32(root[0], root[1], next(_thread_serial), _THREAD_TAG)
        _state.key = np.array([x0, x1], np.uint32)
    return _state.key


_thread_serial = itertools.count()
_root_lock = threading.Lock()
_root: list[np.ndarray] = []


def _process_root() -> np.ndarray:
    # key(T_ms), taken once per process like MLX's initial state.
    with _root_lock:
        if not _root:
            _root.append(key(time.time_ns() // 1_000_000))
        return _root[0]


_state = _State()


def seed(seed: int) -> None:
    """Seed the calling thread's global key sequence: its state becomes ``key(seed)``.

    Raises:
        TypeError: ``seed`` is not an int in ``[0, 2**64)``.
    """
    _state.key = key(_check_seed(seed, "seed"))


def next_key() -> np.ndarray:
    """Take the next subkey of the calling thread's sequence: ``S, k = split(S)``."""
    _state.key, sub = split2(_current())
    return sub


def state() -> np.ndarray:
    """A copy of the calling thread's current state key (MLX's ``random.state[0]``)."""
    return _current().copy()


def check_key(k: object, fn: str, batch: bool = False, device: bool = False) -> np.ndarray:
    """Validate a key argument and return it as a NumPy uint32 array.

    Args:
        k: The key: uint32 array of shape (2,), or (..., 2) when ``batch``.
        fn: Name of the calling function, for messages.
        batch: Accept batches of keys (``bits`` only, as under MLX's vmap).
        device: Keep a CuPy key on its device (validated from its metadata, so
            the host never waits for the GPU); NumPy keys stay NumPy.

    Raises:
        ValueError: wrong dtype or shape (as MLX's ``[bits] Expected key ...``).
    """
    from ._backend import on_device
    from ._dtypes import to_numpy

    if not (hasattr(k, "__array__") or hasattr(k, "__dlpack__")):
        raise TypeError(f"[{fn}] key must be a uint32 array of shape (2,), "
                        f"not {type(k).__name__}.")
    arr = k if (device and on_device(k)) else to_numpy(k)
    if arr.dtype != np.uint32:
        raise ValueError(f"[{fn}] key: expected dtype uint32 but received {arr.dtype}.")
    if not (arr.shape == (2,) or (batch and arr.ndim >= 1 and arr.shape[-1] == 2)):
        want = "(..., 2)" if batch else "(2,)"
        raise ValueError(f"[{fn}] key: expected shape {want} but received {arr.shape}.")
    if arr is k and on_device(k):
        return k if k.flags.c_contiguous else k.copy()
    return np.ascontiguousarray(arr)
