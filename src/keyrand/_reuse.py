"""The opt-in key-reuse check (docs/algorithms.md §2.4).

While the check is on, every explicit key a call consumes (the ``key=`` of a
sampler, ``split``'s key, each key of a key batch in ``bits``,
``bit_generator``'s key) is remembered with the place in the user's code that
consumed it; consuming a remembered key again warns (:class:`KeyReuseWarning`)
or raises (:class:`KeyReuseError`) naming both places. ``fold_in`` does not
consume its key, and keys taken from the global key sequence are never
checked.

Off by default. When off, a call pays one test of the module attribute
:data:`mode`; a CuPy key is read to the host only while the check is on. The
environment variable ``KEYRAND_CHECK_KEY_REUSE`` (``warn``, ``raise`` or
``0``) sets the mode at import.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from pathlib import Path
from types import TracebackType

import numpy as np

from ._dtypes import to_numpy

#: Environment variable that sets the mode at import.
ENV = "KEYRAND_CHECK_KEY_REUSE"

#: The current mode: None (off), "warn" or "raise". Read without the lock on every call.
mode: str | None = None

_lock = threading.Lock()
#: Consumed keys (``k0 << 32 | k1``) -> (file, line) of the first use.
_seen: dict[int, tuple[str, int]] = {}
_PACKAGE = str(Path(__file__).resolve().parent) + os.sep


class KeyReuseWarning(UserWarning):
    """A key was consumed twice while the key-reuse check warns."""


class KeyReuseError(ValueError):
    """A key was consumed twice while the key-reuse check raises."""


def _parse(value: object, what: str) -> str | None:
    """The mode a ``check_key_reuse`` argument or the environment variable names.

    Raises:
        TypeError: ``value`` is neither a bool nor a string.
        ValueError: an unknown string.
    """
    if isinstance(value, (bool, np.bool_)):
        return "warn" if value else None
    if not isinstance(value, str):
        raise TypeError(f"[check_key_reuse] {what} must be True, False, 'warn' or 'raise', "
                        f"not {type(value).__name__}.")
    name = value.strip().lower()
    if name in ("warn", "1", "true"):
        return "warn"
    if name == "raise":
        return name
    if name in ("0", "", "false", "off"):
        return None
    raise ValueError(f"[check_key_reuse] {what} must be 'warn', 'raise' or '0', "
                     f"got {value!r}.")


def _set(new: str | None) -> str | None:
    """Set the mode (forgetting every key when off); return the previous one."""
    global mode
    with _lock:
        previous, mode = mode, new
        if new is None:
            _seen.clear()
    return previous


class KeyReuseCheck:
    """What :func:`check_key_reuse` returns: the previous mode, restored on ``with`` exit."""

    def __init__(self, previous: str | None) -> None:
        self.previous = previous

    def __enter__(self) -> KeyReuseCheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        _set(self.previous)


def check_key_reuse(mode: bool | str = True) -> KeyReuseCheck:
    """Turn the key-reuse check on or off; as a context manager, only inside the block.

    While on, a call that consumes an explicit key already consumed (since the
    check was turned on) warns or raises with the file and line, in the
    calling code, of both uses. Consumers are the ``key=`` of every sampler,
    ``split``'s key, each key of a key batch given to ``bits``, and
    ``bit_generator``'s key; in :mod:`keyrand.dask` the key is consumed when
    the graph is built, not when it is computed. ``fold_in`` never consumes
    its key: folding many data into one key is what it is for. Keys taken
    from the global key sequence (``key=None``) are never checked.

    The check remembers each consumed key (8 bytes and a call site), so it is
    meant for tests and debugging. The environment variable
    ``KEYRAND_CHECK_KEY_REUSE=warn|raise|0`` sets the mode at import.

    Args:
        mode: True or ``"warn"`` to warn (:class:`KeyReuseWarning`), ``"raise"``
            to raise :class:`KeyReuseError` (a ValueError), False to turn the
            check off and forget every key seen.

    Returns:
        A context manager that restores the previous mode on exit (the
        call itself already set the new one).

    Raises:
        TypeError: ``mode`` is neither a bool nor a string.
        ValueError: ``mode`` is an unknown string.
    """
    return KeyReuseCheck(_set(_parse(mode, "mode")))


def _call_site() -> tuple[tuple[str, int], int]:
    """The first frame outside keyrand, as (file, line), and its stack level from the caller."""
    frame = sys._getframe(2)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    return (frame.f_code.co_filename, frame.f_lineno), level


def consume(key: object, fn: str) -> None:
    """Remember the explicit key(s) ``key`` (shape (..., 2), checked) that ``fn`` consumes.

    Call only while :data:`mode` is set.

    Raises:
        KeyReuseError: a key was consumed before and the mode is ``"raise"``.
    """
    words = to_numpy(key).reshape(-1, 2)
    if len(words) == 1:
        ids = [int(words[0, 0]) << 32 | int(words[0, 1])]
    else:
        ids = (words[:, 0].astype(np.uint64) << np.uint64(32) | words[:, 1]).tolist()
    site, level = _call_site()
    with _lock:
        if mode is None:
            return
        raising = mode == "raise"
        first = None
        new: dict[int, tuple[str, int]] = {}
        for i, key_id in enumerate(ids):
            earlier = _seen.get(key_id) or new.get(key_id)
            if earlier is not None:
                first = (i, earlier)
                break
            new[key_id] = site
        if first is None or not raising:
            for key_id in ids:
                _seen.setdefault(key_id, site)
    if first is None:
        return
    i, (file, line) = first
    k0, k1 = (int(w) for w in words[i])
    message = (f"[{fn}] key [{k0:#010x}, {k1:#010x}] was already consumed at {file}:{line} "
               f"and is consumed again at {site[0]}:{site[1]}: the two draws are not "
               "independent. Derive a fresh key for each use with keyrand.split or "
               "keyrand.fold_in.")
    if raising:
        raise KeyReuseError(message)
    warnings.warn(message, KeyReuseWarning, stacklevel=level)


_set(_parse(os.environ.get(ENV, "0"), ENV))
