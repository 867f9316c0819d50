"""Placement: devices and streams with MLX's names (no ``device=`` argument anywhere).

An op runs on the stream given by its ``stream=`` argument (a :class:`Stream`,
a :class:`Device` or a :class:`DeviceType`) or, without one, on the default
stream of the default device. ``cpu`` returns NumPy arrays; ``gpu`` returns
CuPy arrays.
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
_stream_counts: dict[Device, int] = {}


def _as_device(d: Device | DeviceType) -> Device:
    if isinstance(d, DeviceType):
        return Device(d)
    if isinstance(d, Device):
        return d
    raise TypeError(f"expected a Device or DeviceType, not {type(d).__name__}.")


def default_device() -> Device:
    """Return the device ops use when no ``stream=`` is given."""
    return _default_device


def set_default_device(device: Device | DeviceType) -> None:
    """Make ``device`` the default for ops called without ``stream=``."""
    global _default_device
    device = _as_device(device)
    with _lock:
        _default_device = device


def default_stream(device: Device | DeviceType) -> Stream:
    """Return the default stream of ``device``."""
    return Stream(_as_device(device), 0)


def new_stream(device: Device | DeviceType) -> Stream:
    """Create a new stream on ``device`` (on ``gpu``, a new CUDA stream)."""
    device = _as_device(device)
    with _lock:
        n = _stream_counts.get(device, 0) + 1
        _stream_counts[device] = n
    return Stream(device, n)


@contextlib.contextmanager
def stream(s: Stream | Device | DeviceType) -> Iterator[None]:
    """Run the ops of a ``with`` block on ``s``'s device by default, as ``mlx.core.stream``."""
    device = s.device if isinstance(s, Stream) else _as_device(s)
    previous = default_device()
    set_default_device(device)
    try:
        yield
    finally:
        set_default_device(previous)


def resolve(s: Stream | Device | DeviceType | None, fn: str) -> Stream:
    """The stream an op runs on, from its ``stream=`` argument.

    Raises:
        TypeError: ``s`` is not a Stream, Device, DeviceType or None.
    """
    if s is None:
        return default_stream(default_device())
    if isinstance(s, Stream):
        return s
    if isinstance(s, (Device, DeviceType)):
        return default_stream(s)
    raise TypeError(f"[{fn}] stream must be a Stream, Device or DeviceType, "
                    f"not {type(s).__name__}.")
