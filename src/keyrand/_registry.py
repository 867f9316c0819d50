"""The samplers' registry and what their prepare functions share.

A sampler is written once, as a prepare function returning a
:class:`~keyrand._spec.DrawSpec` and decorated with :func:`sampler`; the
registry then gives the public function (``execute(prepare(...))``),
:mod:`keyrand.dask`'s builder, the CLI's list and the names in broadcasting
errors. Adding a distribution is one prepare function (and, if it needs a new
word map, one transform).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _checks, _codes, _reuse
from ._backend import Kernel, on_device
from ._devices import DeviceType, Stream, require, resolve
from ._dtypes import float32, float64, is_float, is_numeric, rounding_code, to_numpy
from ._keys import check_key, next_key
from ._spec import DrawSpec, execute


@dataclass(frozen=True)
class Sampler:
    """A registered sampler.

    Attributes:
        name: Its public name.
        prepare: ``prepare(*args, **kwargs) -> DrawSpec`` with the public signature.
        arrays: Arguments that may be arrays broadcast into the output
            (:mod:`keyrand.dask` cuts them into the output's blocks).
        cli: Offered by ``keyrand sample`` (its other arguments are plain numbers).
        hint: What to do instead, when an argument cannot be a Dask array.
    """

    name: str
    prepare: Callable[..., DrawSpec]
    arrays: tuple[str, ...]
    cli: bool
    hint: str


#: Every sampler by name, in the order they are registered.
SAMPLERS: dict[str, Sampler] = {}


def sampler(name: str, *, arrays: tuple[str, ...] = (), broadcasts: str = "shape",
            cli: bool = False, hint: str = ""
            ) -> Callable[[Callable[..., DrawSpec]], Callable[..., Any]]:
    """Register prepare function ``name`` and return its public function.

    Args:
        name: The sampler's name.
        arrays: Arguments that may be arrays broadcast into the output.
        broadcasts: The arguments named in its broadcasting errors.
        cli: Offer it in ``keyrand sample``.
        hint: What to do instead, when an argument cannot be a Dask array.
    """

    def register(prepare: Callable[..., DrawSpec]) -> Callable[..., Any]:
        SAMPLERS[name] = Sampler(name, prepare, arrays, cli, hint)
        _checks.BROADCAST_ARGS[name] = broadcasts

        @functools.wraps(prepare)
        def public(*args: object, out: Any = None, **kwargs: object) -> Any:
            return execute(prepare(*args, **kwargs), out)

        sig = inspect.signature(prepare)
        public.__signature__ = sig.replace(parameters=[*sig.parameters.values(), _OUT],
                                           return_annotation="np.ndarray")
        public.__annotations__ = {**prepare.__annotations__, "out": "Any",
                                  "return": "np.ndarray"}
        public.__doc__ = _with_out(prepare.__doc__ or "")
        public.prepare = prepare
        return public

    return register


#: The keyword-only ``out=`` every public sampler takes (not its prepare function).
_OUT = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Any")

_OUT_DOC = """\
        out: An array to write the draw into and return (keyword-only), as NumPy's
            ``Generator.random(out=...)``: of the draw's device (a NumPy array for
            the cpu, a CuPy array on the draw's gpu), dtype and shape, C-contiguous
            and writeable. Refilling one buffer saves allocating (and page-faulting)
            a new array per call; the values are those the call returns without it.
"""


def _with_out(doc: str) -> str:
    """``doc`` with ``out`` added as the last entry of its Args section."""
    lines = doc.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Args:")
    except StopIteration:
        return doc
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith("        ")):
        end += 1
    while lines[end - 1].strip() == "":
        end -= 1
    return "".join([*lines[:end], _OUT_DOC, *lines[end:]])


class Start:
    """A call's stream and key, resolved in MLX's order.

    Argument conversion (TypeError) happens before the global key is drawn;
    every later failure still uses up that key. A gpu stream is checked by
    :meth:`ready` after the key is drawn, where MLX's op first needs the
    stream, so a call on a machine without a usable gpu uses a key as MLX's does.
    An explicit key is consumed, for the key-reuse check, when the call's
    DrawSpec is made (:meth:`spec`).
    """

    def __init__(self, fn: str, key: object, stream: object) -> None:
        self.fn = fn
        self.stream: Stream = resolve(stream, fn)
        self.explicit = key is not None
        self.key = key if self.explicit else next_key()

    def ready(self) -> None:
        """Refuse a gpu stream that cannot run (ValueError)."""
        if self.stream.device.type is DeviceType.gpu:
            require(self.stream.device, self.fn, "stream")

    @property
    def on_gpu(self) -> bool:
        return self.stream.device.type is DeviceType.gpu

    def checked_key(self, batch: bool = False) -> Any:
        return check_key(self.key, self.fn, batch=batch, device=self.on_gpu)

    def spec(self, shape: tuple[int, ...], dtype: np.dtype, kernel: Kernel,
             **fields: Any) -> DrawSpec:
        """The DrawSpec of this call (the key checked now)."""
        key = fields.pop("key", None)
        key = self.checked_key() if key is None else key
        if _reuse.mode and self.explicit:
            _reuse.consume(key, self.fn)
        fields.setdefault("elements", shape)
        return DrawSpec(self.fn, key, self.stream, tuple(shape), np.dtype(dtype), kernel,
                        **fields)


def kernel(transform: int, dtype: np.dtype, params: tuple = (), rounding: int = 0,
           int_type: int = 0) -> Kernel:
    """A :class:`~keyrand._backend.Kernel` writing ``dtype`` values.

    Raises:
        TypeError: ``params`` do not fit the transform's parameter record.
    """
    return Kernel(transform, rounding, int_type, _codes.params_of(transform, params),
                  np.dtype(dtype))


def clamp_of(dtype: np.dtype) -> float:
    """U01's clamp for ``dtype``'s rounding (docs/algorithms.md §6.1)."""
    return _codes.UNIFORM_CLAMP[rounding_code(dtype)]


def unit_kernel(dtype: np.dtype) -> Kernel:
    """``cast(min(U01, C_D), D)``: uniform(0, 1) rounded to ``dtype`` (§6.1), as float32 values."""
    return kernel(_codes.UNIFORM, float32, (clamp_of(dtype), 1.0, 0.0), rounding_code(dtype))


def is_scalar(*arrays: np.ndarray) -> bool:
    """True when every array is 0-d (its value known now)."""
    return all(np.ndim(a) == 0 for a in arrays)


def float_dtype(d: np.dtype, fn: str, message: str) -> np.dtype:
    """Refuse a non-float dtype (ValueError, MLX's message ``message``)."""
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: {message}, got {d}.")
    return d


def no_float64(d: np.dtype, fn: str) -> None:
    """Refuse float64 where MLX's uniform would (RuntimeError)."""
    if d == float64:
        raise RuntimeError(f"[{fn}] dtype: float64 is not supported (MLX has no float64 "
                           "uniform).")


def numeric_array(value: object, fn: str, name: str) -> np.ndarray:
    """logits, mean, cov: MLX takes only an ``mx.array``; keyrand any numeric array.

    Raises:
        TypeError: ``value`` is not an array of a numeric dtype.
    """
    if hasattr(value, "__array__") or hasattr(value, "__dlpack__"):
        arr = to_numpy(value)
        if is_numeric(arr.dtype):
            return arr
        raise TypeError(f"[{fn}] {name} must be a numeric array, not one of {arr.dtype}.")
    raise TypeError(f"[{fn}] {name} must be an array, not {type(value).__name__}.")


def aligned(arg: str, value: np.ndarray, out_ndim: int) -> tuple[str, Any, tuple[int, ...]]:
    """A parameter right-aligned into an output of ``out_ndim`` axes."""
    lead = out_ndim - np.ndim(value)
    return arg, value, tuple(range(lead, out_ndim))


def mlx_min(a: Any, b: Any) -> Any:
    """MLX ``minimum(a, b)``: a NaN ``a`` wins (§4.6)."""
    return np.where(np.isnan(a) | (a < b), a, b)


def mlx_max(a: Any, b: Any) -> Any:
    """MLX ``maximum(a, b)``: a NaN ``a`` wins (§4.6)."""
    return np.where(np.isnan(a) | (a > b), a, b)


def host_values(x: Any) -> np.ndarray:
    """A parameter block on the host (parameters are prepared on the host)."""
    return to_numpy(x) if on_device(x) else np.asarray(x)
