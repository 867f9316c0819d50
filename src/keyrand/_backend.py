"""The backend interface: what a sampler may ask of the CPU or the GPU.

A backend owns its arrays (NumPy on the cpu, CuPy on a gpu), the generating
kernels and the finishing arithmetic in MLX's rounding. The samplers
(:mod:`keyrand._spec` and the ``_sample_*`` modules) talk to a backend only
through :class:`Backend`; :func:`for_stream` picks and loads one. Both
implementations, :class:`keyrand._cpu.CpuBackend` and
:class:`keyrand._gpu.GpuBackend`, are loaded on the first draw, so ``import
keyrand`` loads neither Numba nor CuPy.
"""

from __future__ import annotations

import contextlib
from typing import Any, NamedTuple, Protocol

import numpy as np

from ._codes import RANDINT, RANDINT_CLAMPED
from ._devices import DeviceType, Stream, require

Array = Any


class Kernel(NamedTuple):
    """What a generating kernel makes of each word of the key's stream.

    Attributes:
        transform: Transform code of :mod:`keyrand._codes` (the word → value map).
        rounding: Rounding code: the float dtype whose arithmetic the transform imitates.
        int_type: randint's integer conversion code (``INT_CODES``), 0 for other transforms.
        params: The transform's parameter record (``keyrand._codes.PARAMS``).
        dtype: The dtype the values have (the kernel's output, before any narrow store).
    """

    transform: int
    rounding: int
    int_type: int
    params: tuple
    dtype: np.dtype

    @property
    def mode(self) -> int:
        """The kernel's second specialisation: randint's integer type, else the rounding."""
        return self.int_type if self.transform in (RANDINT, RANDINT_CLAMPED) else self.rounding


class Runs(NamedTuple):
    """Words ``starts[r] + t`` (``t < run``) of a ``total``-word stream, in that order."""

    total: int
    starts: np.ndarray
    run: int

    @classmethod
    def whole(cls, total: int) -> Runs:
        """All ``total`` words."""
        return cls(total, np.zeros(1, np.int64), total)

    @property
    def size(self) -> int:
        """Number of words covered."""
        return int(self.starts.size) * self.run

    def is_whole(self) -> bool:
        """True when the runs are the whole stream, in order (overlapping runs never are)."""
        if self.size != self.total:
            return False
        if self.total == 0 or self.starts.size == 1:
            return self.total == 0 or int(self.starts[0]) == 0
        return bool(np.array_equal(self.starts, np.arange(0, self.total, self.run)))

    def scaled(self, factor: int) -> Runs:
        """The runs of a stream with ``factor`` words per element of this one."""
        if factor == 1:
            return self
        return Runs(self.total * factor, self.starts * factor, self.run * factor)

    def count_below(self, limit: int) -> int:
        """How many of the covered positions are below ``limit`` (they come first)."""
        starts = self.starts
        return int(np.clip(limit - starts, 0, self.run).sum()) if self.run else 0


class Backend(Protocol):
    """Everything the samplers do with arrays, on one kind of device.

    Arrays passed in may be host (NumPy) arrays; results are the backend's own.
    """

    #: The array module of the results (NumPy or CuPy).
    xp: Any
    #: True when :meth:`fill` can store float16/bfloat16 bit patterns itself.
    stores_narrow: bool
    #: Elements per step where a finishing pass runs in chunks; 0 for one step.
    chunk: int

    def placed(self) -> contextlib.AbstractContextManager:
        """Make the stream's device and stream current."""

    def empty(self, shape: int | tuple[int, ...], dtype: np.dtype) -> Array:
        """A new array of the backend."""

    def holds(self, x: object) -> str | None:
        """None when ``x`` is an array of this backend's device, else what it must be."""

    def asarray(self, x: object) -> Array:
        """``x`` as an array of the backend (host arrays are copied over)."""

    def fill(self, out: Array, key: Array, kernel: Kernel, runs: Runs) -> None:
        """Write ``kernel`` of the words ``runs`` of ``key``'s stream into flat ``out``."""

    def convert_int(self, x: Array, dtype: np.dtype, vector_head: int) -> Array:
        """MLX's float32 → integer cast (uint32: vector rule for the first ``vector_head``)."""

    def cast(self, x: Array, dtype: np.dtype) -> Array:
        """MLX's ``astype`` (narrow floats through float32)."""

    def arith(self, op: np.ufunc, a: Array, b: Array, dtype: np.dtype,
              out: Array | None = None) -> Array:
        """``op(a, b)`` in ``dtype`` arithmetic, narrow dtypes rounded once (maybe into ``out``)."""

    def to_narrow(self, x: Array, dtype: np.dtype) -> Array:
        """float32 values rounded to float16/bfloat16 as MLX casts them."""

    def erfinv(self, x: Array) -> Array:
        """MLX's float32 erfinv."""

    def argsort(self, words: Array) -> Array:
        """Stable ascending argsort of uint32 ``words`` as uint32 indices."""

    def bounded(self, words: Array, key: Array, runs: Runs, off: np.ndarray, rm1: np.ndarray,
                dtype: np.dtype) -> Array:
        """``integers``' values of the elements ``runs`` from their flat uint32 ``words`` (§6.12).

        ``off`` is ``low mod 2^64`` and ``rm1`` the number of values minus one, both
        uint64 host arrays of one value or one per element; elements of 64-bit
        ``dtype`` own two words each. Returns a flat array of ``dtype`` (which may
        reuse the memory of ``words``).
        """


    def dist(self, key: Array, runs: Runs, kind: int, wide: bool, params: tuple,
             dtype: np.dtype) -> Array:
        """Samples of distribution ``kind`` for the elements ``runs`` (docs/distributions.md).

        ``params`` are three float64 host arrays of one value or one per
        element; ``wide`` selects 52-bit uniforms (float64 draws). Returns a flat
        array of ``dtype`` (float64, float32 or int64).
        """


class Host(Protocol):
    """MLX's float32 functions on host arrays: the arithmetic of parameters."""

    def erf(self, x: np.ndarray) -> np.ndarray:
        """MLX's float32 erf."""

    def exp(self, x: np.ndarray) -> np.ndarray:
        """MLX's float32 exp."""

    def to_int(self, x: np.ndarray, dtype: np.dtype, vector_head: int) -> np.ndarray:
        """MLX's C++ float → integer casts of float32 or float64 ``x``."""


def for_stream(stream: Stream, fn: str) -> Backend:
    """The backend that runs on ``stream``.

    Raises:
        ValueError: a gpu stream without CuPy, a CUDA driver or the GPU.
    """
    if stream.device.type is DeviceType.gpu:
        require(stream.device, fn, "stream")
        from ._gpu import GpuBackend

        return GpuBackend(stream)
    return cpu()


def cpu() -> Backend:
    """The CPU backend (loads Numba on first use)."""
    if not _loaded:
        from ._cpu import BACKEND

        _loaded.append(BACKEND)
    return _loaded[0]


_loaded: list = []


def host() -> Host:
    """MLX's float32 functions for parameter arithmetic, on the host."""
    from ._cpu import HOST

    return HOST


def on_device(x: object) -> bool:
    """True for a CuPy array (checked without importing CuPy)."""
    return type(x).__module__.startswith("cupy")

