"""Parallel kernel launches that are safe under fork and under threads.

Numba runs ``parallel=True`` kernels on one of three threading layers, chosen
at the first parallel launch of the process:

- ``tbb`` (Intel oneTBB): safe after ``fork()`` and when several threads launch
  at once. keyrand depends on the ``tbb`` wheel where one exists and loads its
  library before the first launch, so that Numba's default choice finds it even
  in a virtual environment (whose ``lib`` folder the loader does not search).
- ``omp`` (GNU OpenMP): thread-safe, but Numba terminates a child forked from a
  process that has used it as soon as the child launches a parallel kernel. In
  such a child keyrand runs the serial twin of every kernel instead.
- ``workqueue``: fork-safe, but the process aborts when two threads launch at
  once. keyrand then holds a process-wide lock around each launch.

An explicit choice (``NUMBA_THREADING_LAYER``, ``numba.config.THREADING_LAYER``)
is respected; the rules above keep every layer safe. Serial and parallel
kernels compute the same values, so results never depend on the path taken.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable
from importlib import metadata

#: Shared-library names of oneTBB's runtime (Linux, macOS, Windows).
_TBB_LIBRARIES = ("libtbb.so.12", "libtbb.12.dylib", "tbb12.dll")

_lock = threading.Lock()
#: The layer Numba chose (None before the first parallel launch of the process).
_layer: str | None = None
#: True in a child forked from a process that used GNU OpenMP: parallel launches would kill it.
_serial_only = False


def launch(parallel: Callable, serial: Callable, *args: object) -> object:
    """Call the parallel kernel ``parallel(*args)`` where that is safe, else ``serial(*args)``.

    ``serial`` must compute exactly what ``parallel`` computes, on the calling thread.
    """
    if _serial_only:
        return serial(*args)
    if _layer is not None and _layer != "workqueue":
        return parallel(*args)
    with _lock:
        if _layer is None:
            _load_tbb()
        result = parallel(*args)
        _learn_layer()
    return result


def _load_tbb() -> None:
    # Load the tbb wheel's library by its path; Numba's own lookup by name then finds it.
    if _current_layer() is not None:
        return
    try:
        files = metadata.distribution("tbb").files or ()
    except metadata.PackageNotFoundError:
        return
    for f in files:
        if f.name in _TBB_LIBRARIES:
            try:
                ctypes.CDLL(str(f.locate()), mode=ctypes.RTLD_GLOBAL)
            except OSError:
                pass
            return


def _current_layer() -> str | None:
    # The layer of this process's Numba, if any parallel kernel (keyrand's or not) has run.
    numba = sys.modules.get("numba")
    if numba is None:
        return None
    try:
        return numba.threading_layer()
    except ValueError:
        return None


def _learn_layer() -> None:
    global _layer
    _layer = _current_layer()


def _gnu_openmp() -> bool:
    omppool = sys.modules.get("numba.np.ufunc.omppool")
    return omppool is None or getattr(omppool, "openmp_vendor", "GNU") == "GNU"


def _after_fork_in_child() -> None:
    global _lock, _serial_only
    # A thread of the parent may have held the lock at the fork; the child has no such thread.
    _lock = threading.Lock()
    if _current_layer() == "omp" and _gnu_openmp():
        _serial_only = True


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
