"""The Gumbel family: ``gumbel``, ``laplace``, ``categorical`` (algorithms §6.5, §6.6, §6.9).

Prepare functions (see :mod:`keyrand._registry`). ``categorical`` uses the
Gumbel words: the Gumbel-max trick over the class axis, or inverse-CDF
sampling of uniforms for effectively 1-D logits.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Sequence

import numpy as np

from . import _backend, _codes
from ._checks import (
    broadcast_shapes,
    check_fits,
    check_int,
    check_nonnegative,
    check_shape,
    check_words,
)
from ._dtypes import as_dtype, cast, float32, float64, promote, rounding_code
from ._registry import (
    Start,
    clamp_of,
    float_dtype,
    host_values,
    kernel,
    no_float64,
    numeric_array,
    sampler,
    unit_kernel,
)
from ._spec import Block, DrawSpec, Param

ShapeLike = Sequence[int]


@sampler("gumbel", cli=True)
def gumbel(shape: ShapeLike = (), dtype: object = float32, key: object = None,
           stream: object = None) -> DrawSpec:
    """Standard Gumbel samples: ``−log(−log(u))`` for ``u`` uniform on [0, 1) (§6.5).

    Args:
        shape: Output shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, negative dimensions or a bad key.
        RuntimeError: dtype float64 (as MLX's uniform).
    """
    fn = "gumbel"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = Start(fn, key, stream)
    call.ready()
    d = float_dtype(d, fn, "can only generate gumbel numbers with real floating point type")
    no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    return call.spec(dims, d, _gumbel_kernel(d))


def _gumbel_kernel(d: np.dtype):
    return kernel(_codes.GUMBEL, float32, (clamp_of(d),), rounding_code(d))


@sampler("laplace", cli=True)
def laplace(shape: ShapeLike = (), dtype: object = float32, loc: float = 0.0,
            scale: float = 1.0, key: object = None, stream: object = None) -> DrawSpec:
    """Laplace samples: ``loc + scale·sign(s)·log1p(−|s|)`` for ``s`` uniform on (−1, 1).

    docs/algorithms.md §6.6: the scale multiply is skipped when ``scale == 1`` and the loc
    addition when ``loc == 0``, which keeps MLX's −0.0 results.

    Args:
        shape: Output shape.
        dtype: float16, bfloat16, float32 or float64.
        loc: Location, a Python number (rounded to float32).
        scale: Scale, a Python number (rounded to float32).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``loc`` or ``scale`` is not a real number.
        ValueError: non-float dtype, negative dimensions or a bad key.
    """
    fn = "laplace"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    loc32, scale32 = (_plain_float(v, fn, n) for v, n in ((loc, "loc"), (scale, "scale")))
    call = Start(fn, key, stream)
    d = float_dtype(d, fn, "only real floating point types are supported")
    call.ready()
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    has_scale, has_loc = float(scale32 != 1), float(loc32 != 0)
    if d == float64:
        params = (float(scale32), float(loc32), has_scale, has_loc)
        return call.spec(dims, d, kernel(_codes.LAPLACE64, float64, params))
    scale_d = float(cast(scale32, d).astype(np.float32))
    loc_d = float(cast(loc32, d).astype(np.float32))
    params = (scale_d, loc_d, has_scale, has_loc)
    return call.spec(dims, d, kernel(_codes.LAPLACE, float32, params, rounding_code(d)))


def _plain_float(v: object, fn: str, name: str) -> np.float32:
    """Convert laplace's loc/scale: what MLX's binding takes as a C float, then float32 (§4.4).

    That is anything ``float()`` converts without parsing text: Python and
    NumPy reals, bools, one-element arrays.

    Raises:
        TypeError: anything else (str, complex, None, an int beyond float range, ...).
    """
    try:
        if isinstance(v, (str, bytes, bytearray, complex, np.complexfloating)):
            raise TypeError
        with warnings.catch_warnings():
            # NumPy deprecates float() of a 1-d one-element array; MLX refuses it.
            warnings.simplefilter("error", DeprecationWarning)
            f = float(v)
    except (TypeError, ValueError, OverflowError, DeprecationWarning):
        raise TypeError(f"[{fn}] {name} must be a Python float, not {type(v).__name__}.") from None
    with np.errstate(over="ignore"):
        return np.float32(f)


@sampler("categorical", arrays=("logits",), broadcasts="shape, logits")
def categorical(logits: object, axis: int = -1, shape: ShapeLike | None = None,
                num_samples: int | None = None, key: object = None,
                stream: object = None) -> DrawSpec:
    """Sample class indices from unnormalized log-probabilities.

    Two algorithms, chosen as MLX chooses (docs/algorithms.md §6.9): the Gumbel-max trick
    ``argmax(logits + gumbel)`` along ``axis``, or, for effectively 1-D logits
    with a non-empty output shape, inverse-CDF sampling
    ``searchsorted(cumsum(exp(x − max x)), u·Σ, 'right') − 1``.

    Args:
        logits: Array of log-probabilities (float or int).
        axis: The class axis.
        shape: Output shape (broadcast-compatible with the logits minus ``axis``).
        num_samples: Draws per distribution; exclusive with ``shape``.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        uint32 array of class indices.

    Raises:
        TypeError: ``logits`` is not an array.
        ValueError: both ``shape`` and ``num_samples``, an incompatible shape, or no classes.
        IndexError: ``axis`` out of range (0-d logits included).
    """
    fn = "categorical"
    L = numeric_array(logits, fn, "logits")
    dims = None if shape is None else check_shape(shape, fn)
    axis = check_int(axis, fn, "axis")
    if num_samples is not None:
        num_samples = check_int(num_samples, fn, "num_samples")
    call = Start(fn, key, stream)
    if dims is not None and num_samples is not None:
        raise ValueError(f"[{fn}] At most one of shape or num_samples can be specified.")
    a = axis + L.ndim if axis < 0 else axis
    if not 0 <= a < L.ndim:
        raise IndexError(f"[{fn}] axis: invalid axis {axis} for logits with {L.ndim} "
                         "dimensions.")
    reduced = L.shape[:a] + L.shape[a + 1:]
    full = L.shape
    if dims is not None:
        check_nonnegative(dims, fn)
        if broadcast_shapes(fn, dims, reduced) != dims:
            raise ValueError(f"[{fn}] shape: requested shape {dims} is not broadcast "
                             f"compatible with reduced logits shape {reduced}.")
        samples = dims
    elif num_samples is not None:
        check_nonnegative((num_samples,), fn, "num_samples")
        full = L.shape + (1,)
        samples = full[:a] + full[a + 1:-1] + (num_samples,)
    else:
        samples = reduced
    call.ready()
    check_fits(samples, np.dtype(np.uint32), fn)
    n = L.shape[a]
    if n > 0 and L.size == n and len(samples) > 0:
        check_words(math.prod(samples), fn)
        return call.spec(samples, np.uint32, unit_kernel(float32), finish=_finish_icdf,
                         params={"logits": Param("logits", L, (None,) * L.ndim)})
    off = a + len(samples) - len(full) + 1
    gshape = samples[:off] + (n,) + samples[off:]
    check_fits(gshape, float32, fn)
    if math.prod(gshape) == 0:
        raise ValueError(f"[{fn}] logits: cannot sample from zero classes (argmax of a "
                         "zero-size array).")
    check_words(math.prod(gshape), fn)
    lead = len(gshape) - len(full)
    axes = tuple(None if lead + i == off else lead + i - (lead + i > off)
                 for i in range(L.ndim))
    param = Param("logits", L, axes, "the class axis {axis} is cut into {blocks} blocks, but "
                  "each sample is the argmax over all classes of its row (Gumbel-max), so a "
                  "block needs the whole axis. Rechunk the logits with "
                  "logits.rechunk({{{axis}: -1}}).")
    return call.spec(samples, np.uint32, _gumbel_kernel(float32), elements=gshape,
                     finish=functools.partial(_finish_gumbel_max, off, len(full) > L.ndim),
                     params={"logits": param},
                     word_slices=functools.partial(_with_class_axis, off, n))


def _with_class_axis(off: int, n: int, out_slices: tuple[slice, ...]) -> tuple[slice, ...]:
    """The Gumbel words of an output block: its rows, with every class."""
    return out_slices[:off] + (slice(0, n),) + out_slices[off:]


def _finish_gumbel_max(off: int, new_axis: bool, block: Block, g: object,
                       logits: object) -> object:
    """``argmax(gumbel + logits)`` over the class axis ``off`` (§6.9)."""
    L = host_values(logits)
    if new_axis:
        L = L[..., None]
    v = g + block.backend.asarray(L.astype(promote(float32, L.dtype)))
    return np.argmax(v, axis=off).astype(np.uint32)


def _finish_icdf(block: Block, u: object, logits: object) -> object:
    """Inverse-CDF categorical for 1-D logits (§6.9): ``searchsorted(cdf, u·Σ, 'right') − 1``."""
    x = host_values(logits).reshape(-1)
    x = x.astype(float64 if x.dtype == float64 else float32)
    m = x.max()
    if np.isinf(m):
        w = (x == m).astype(x.dtype)
    else:
        w = _backend.host().exp((x - m).astype(np.float32)).astype(x.dtype)
    acc = np.cumsum(w, dtype=w.dtype)
    b = block.backend
    cdf = b.asarray(np.concatenate([np.zeros(1, w.dtype), acc[:-1]]))
    out = b.empty(u.shape, np.uint32)
    flat_u, flat_out = u.reshape(-1), out.reshape(-1)
    step = b.chunk or max(flat_u.size, 1)
    for c0 in range(0, flat_u.size, step):
        part = flat_u[c0:c0 + step].astype(w.dtype) * acc[-1]
        flat_out[c0:c0 + step] = (b.xp.searchsorted(cdf, part, side="right") - 1
                                  ).astype(np.uint32)
    return out
