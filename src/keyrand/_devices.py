"""Placement: devices and streams with MLX's names (no ``device=`` argument anywhere).

An op runs on the stream given by its ``stream=`` argument (a :class:`Stream`,
a :class:`Device` or a :class:`DeviceType`) or, without one, on the default
stream of the default device. ``cpu`` returns NumPy arrays; ``gpu`` returns
CuPy arrays.

As in MLX, placing work on a gpu that cannot be used (:func:`gpu_unavailable`
says why: no CuPy, no CUDA driver, no such GPU) raises ValueError at once in
:func:`set_default_device`, :func:`default_stream`, :func:`new_stream` and on
entering :func:`stream`; a sampler given such a ``stream=`` raises after it
has drawn its global key.
"""

from __future__ import annotations

import contextlib
import enum
import threading
from collections.abc import Iterator
from dataclasses import dataclass


class DeviceType(enum.Enum):
    """Kind of device: ``cpu`` or ``gpu``."""

    cpu = 0
    gpu = 1


cpu = DeviceType.cpu
gpu = DeviceType.gpu


@dataclass(frozen=True)
class Device:
    """A device: a type and an index (the CUDA device number for ``gpu``)."""

    type: DeviceType
    index: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.type, DeviceType):
            raise TypeError(f"[Device] type must be a DeviceType, not {type(self.type).__name__}.")
        if not isinstance(self.index, int) or self.index < 0:
            raise ValueError(f"[Device] index must be a non-negative int, got {self.index!r}.")

    def __repr__(self) -> str:
        return f"Device({self.type.name}, {self.index})"


@dataclass(frozen=True)
class Stream:
    """A stream of work on a device; stream 0 is the device's default stream."""

    device: Device
    index: int = 0

    def __repr__(self) -> str:
        return f"Stream({self.device!r}, {self.index})"


_lock = threading.Lock()
_default_device = Device(cpu)
#: Per thread: the devices of the ``with stream(...)`` blocks the thread is inside, innermost last.
_scoped = threading.local()
_stream_counts: dict[Device, int] = {}

#: CUDA runtime error codes that say which part is missing.
_CUDA_INSUFFICIENT_DRIVER = 35
_CUDA_NO_DEVICE = 100


def gpu_unavailable(index: int = 0) -> str | None:
    """Why gpu device ``index`` cannot be used (CuPy, a CUDA driver or the GPU missing), or None.

    Asked afresh on every gpu placement; CuPy is imported here, on first use of
    the gpu, never when keyrand is imported.
    """
    try:
        import cupy
    except ImportError as err:
        if getattr(err, "name", None) == "cupy":
            return ("CuPy is not installed; install it with `pip install keyrand[gpu]` (or the "
                    "cupy-cuda12x / cupy-cuda13x wheel matching your CUDA)")
        return f"CuPy is installed but cannot be imported ({err})"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDARuntimeError: no driver, no device, ...
        status = getattr(err, "status", None)
        if status == _CUDA_NO_DEVICE:
            return f"CUDA finds no GPU on this machine ({err})"
        if status == _CUDA_INSUFFICIENT_DRIVER:
            return f"no NVIDIA driver, or one too old for CuPy's CUDA, is installed ({err})"
        return f"CUDA cannot be initialised ({type(err).__name__}: {err})"
    if count == 0:
        return "CUDA finds no GPU on this machine"
    if index >= count:
        return f"there is no gpu device {index}: CUDA sees {count} GPU(s), indices 0 to {count - 1}"
    return None


def require(device: Device, fn: str, name: str) -> None:
    """Refuse a gpu ``device`` that cannot be used (MLX: "Cannot ... without gpu backend.").

    Raises:
        ValueError: ``device`` is a gpu and :func:`gpu_unavailable` says why it cannot be used.
    """
    if device.type is gpu:
        reason = gpu_unavailable(device.index)
        if reason is not None:
            raise ValueError(f"[{fn}] {name}: cannot use {device!r}: {reason}.")


def _as_device(d: Device | DeviceType, fn: str) -> Device:
    if isinstance(d, DeviceType):
        return Device(d)
    if isinstance(d, Device):
        return d
    raise TypeError(f"[{fn}] device must be a Device or DeviceType, not {type(d).__name__}.")


def default_device() -> Device:
    """Return the device ops use when no ``stream=`` is given.

    Inside a ``with stream(s)`` block that is ``s``'s device, for the thread
    that entered the block only; elsewhere the process-wide default of
    :func:`set_default_device`.
    """
    scopes = getattr(_scoped, "devices", None)
    return scopes[-1] if scopes else _default_device


def _set_default(device: Device) -> None:
    global _default_device
    with _lock:
        _default_device = device


def set_default_device(device: Device | DeviceType) -> None:
    """Make ``device`` the default for ops called without ``stream=``.

    Raises:
        TypeError: ``device`` is not a Device or DeviceType.
        ValueError: a gpu device that cannot be used (no CuPy, no CUDA driver, no such GPU).
    """
    fn = "set_default_device"
    device = _as_device(device, fn)
    require(device, fn, "device")
    _set_default(device)


def default_stream(device: Device | DeviceType) -> Stream:
    """Return the default stream of ``device``.

    Raises:
        TypeError: ``device`` is not a Device or DeviceType.
        ValueError: a gpu device that cannot be used.
    """
    fn = "default_stream"
    device = _as_device(device, fn)
    require(device, fn, "device")
    return Stream(device, 0)


def new_stream(device: Device | DeviceType) -> Stream:
    """Create a new stream on ``device`` (on ``gpu``, a new CUDA stream).

    Raises:
        TypeError: ``device`` is not a Device or DeviceType.
        ValueError: a gpu device that cannot be used.
    """
    fn = "new_stream"
    device = _as_device(device, fn)
    require(device, fn, "device")
    with _lock:
        n = _stream_counts.get(device, 0) + 1
        _stream_counts[device] = n
    return Stream(device, n)


@contextlib.contextmanager
def stream(s: Stream | Device | DeviceType) -> Iterator[None]:
    """Run the ops of a ``with`` block on ``s``'s device by default, as ``mlx.core.stream``.

    The scope is the calling thread's, as MLX's: other threads keep their default.

    Raises:
        TypeError: ``s`` is not a Stream, Device or DeviceType.
        ValueError: on entering the block, a gpu device that cannot be used.
    """
    fn = "stream"
    device = s.device if isinstance(s, Stream) else _as_device(s, fn)
    require(device, fn, "s")
    scopes = _scoped.__dict__.setdefault("devices", [])
    scopes.append(device)
    try:
        yield
    finally:
        scopes.pop()


def resolve(s: Stream | Device | DeviceType | None, fn: str) -> Stream:
    """The stream an op runs on, from its ``stream=`` argument.

    Whether a gpu can be used is not checked here: a sampler draws its global
    key first and then calls :func:`require`, as MLX uses the key before it
    finds that it has no gpu backend.

    Raises:
        TypeError: ``s`` is not a Stream, Device, DeviceType or None.
    """
    if s is None:
        return Stream(default_device(), 0)
    if isinstance(s, Stream):
        return s
    if isinstance(s, (Device, DeviceType)):
        return Stream(_as_device(s, fn), 0)
    raise TypeError(f"[{fn}] stream must be a Stream, Device or DeviceType, "
                    f"not {type(s).__name__}.")
