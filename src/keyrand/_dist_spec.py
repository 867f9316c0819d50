"""What the prepare functions of the distributions beyond MLX share (docs/distributions.md).

A distribution's prepare function converts and checks its parameters with
:func:`parameter` and the ``check_*`` helpers, then describes its draw with
:func:`elementwise`: a DrawSpec without a kernel, whose finishing step draws
every element of a block from its own element stream on the block's backend
(:meth:`keyrand._backend.Backend.dist`). Parameters that are arrays are cut
with the output by :mod:`keyrand.dask`; scalars travel inside the finishing
step.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._checks import broadcast_shapes, check_fits, check_nonnegative, check_shape, check_within
from ._codes import Dist
from ._dtypes import as_dtype, bfloat16, float16, float32, float64, to_numpy
from ._registry import Start, aligned, host_values
from ._spec import Block, DrawSpec, Param, StandIn, stand_in

ShapeLike = Sequence[int]

#: Float output dtypes of the continuous distributions.
FLOATS = (float16, bfloat16, float32, float64)
#: Integer output dtypes of the discrete distributions.
INTEGERS = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8,
                                       np.uint16, np.uint32, np.uint64))


def parameter(value: object, fn: str, name: str) -> np.ndarray:
    """A real parameter (number or array, NumPy or CuPy) as a float64 host array.

    Raises:
        TypeError: ``value`` is None, a string, complex, or not numeric.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"[{fn}] {name} must be a real number or an array, not "
                        f"{type(value).__name__}.")
    arr = to_numpy(value)
    if arr.dtype == bfloat16:
        arr = arr.astype(np.float32)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"[{fn}] {name} must be a real number or an array of real numbers, "
                        f"not {arr.dtype}.")
    if isinstance(value, StandIn):  # its value: 0, or the sampler's valid stand-in value
        return stand_in(np.float64, arr.shape, float(arr.flat[0]) if arr.size else 0.0)
    return arr.astype(np.float64)


def block_checks(fn: str, checks: Sequence[tuple[str, Callable[..., None]]]
                 ) -> Callable[[str, Any], None]:
    """A DrawSpec's ``check_param``: the value checks of ``checks`` run on a parameter block.

    ``checks`` pairs a parameter name with a ``test(x, fn, name)`` (e.g.
    :func:`positive`); :mod:`keyrand.dask` runs them on each block of a Dask
    array parameter, whose values the prepare function could not check.
    """
    return functools.partial(_check_block, fn, tuple(checks))


def _check_block(fn: str, checks: tuple, name: str, value: object) -> None:
    for n, test in checks:
        if n == name:
            test(parameter(value, fn, n), fn, n)


def check(ok: np.ndarray, fn: str, name: str, what: str) -> None:
    """Refuse parameter values where ``ok`` is False (NaN counts as allowed: it gives NaN).

    A check of a Dask stand-in (:class:`~keyrand._spec.StandIn`) passes: its
    blocks are checked when computed (:func:`block_checks`).

    Raises:
        ValueError: naming the function, the argument and ``what`` it must be.
    """
    if not isinstance(ok, StandIn) and not np.all(ok):
        raise ValueError(f"[{fn}] {name} must be {what}.")


def positive(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x ≤ 0`` (ValueError)."""
    check(~(x <= 0), fn, name, "positive")


def nonnegative(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x < 0`` (ValueError)."""
    check(~(x < 0), fn, name, "non-negative")


def probability(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x`` outside [0, 1] (ValueError)."""
    check(~((x < 0) | (x > 1)), fn, name, "in [0, 1]")


def output_dtype(dtype: object, fn: str, allowed: tuple[np.dtype, ...]) -> np.dtype:
    """The output dtype, one of ``allowed``.

    Raises:
        ValueError: any other dtype.
    """
    d = as_dtype(dtype, fn)
    if d not in allowed:
        names = ", ".join(str(np.dtype(a)) for a in allowed)
        raise ValueError(f"[{fn}] dtype: {fn} draws {names}; got {d}.")
    return d


def output_shape(shape: ShapeLike | None, fn: str, *params: np.ndarray) -> tuple[int, ...]:
    """``shape``, or the parameters' broadcast shape when it is None.

    Raises:
        TypeError: ``shape`` is not a sequence of ints.
        ValueError: negative dimensions, or parameters that do not broadcast to ``shape``.
    """
    if shape is None:
        return broadcast_shapes(fn, *(p.shape for p in params))
    dims = check_shape(shape, fn)
    check_nonnegative(dims, fn)
    check_within(fn, dims, *(p.shape for p in params))
    return dims


def elementwise(call: Start, dims: tuple[int, ...], d: np.dtype, kind: Dist,
                params: dict[str, np.ndarray], finish: Callable[..., Any] | None = None,
                **fields: Any) -> DrawSpec:
    """The DrawSpec of a draw whose element ``i`` is sample ``i`` of distribution ``kind``.

    Args:
        call: The call's stream and key.
        dims: Output shape (the parameters broadcast to it).
        d: Output dtype: a float of :data:`FLOATS` or an integer of :data:`INTEGERS`.
        kind: The distribution code.
        params: Up to three float64 parameters, in the order the sample function
            reads them (``a``, ``b``, ``c``), by argument name.
        finish: An optional last step ``finish(block, values, **params)`` on the samples
            of a block (e.g. ``dirichlet``'s normalisation), given the samples in the
            store dtype (float64 or float32 for floats, int64 for integers).
        **fields: Further DrawSpec fields (``whole_axes``, ``why``).
    """
    call.ready()
    check_fits(dims, d, call.fn)
    names = tuple(params)
    arrays = {n: Param(*aligned(n, v, len(dims))) for n, v in params.items() if v.ndim}
    scalars = tuple(float(v) if v.ndim == 0 else None for v in params.values())
    key = call.checked_key()
    step = functools.partial(_finish, call.fn, key, int(kind), names, scalars, finish)
    return call.spec(dims, d, None, key=key, finish=step, params=arrays, **fields)


def store_dtype(d: np.dtype) -> np.dtype:
    """The dtype the kernels write for output dtype ``d``."""
    if d == float64:
        return float64
    if d in (float32, float16, bfloat16):
        return float32
    return np.dtype(np.int64)


def _finish(fn: str, key: Any, kind: int, names: tuple[str, ...], scalars: tuple,
            after: Callable | None, block: Block, values: None, **arrays: object) -> object:
    """Draw the block's elements (``values`` is None: the spec has no kernel)."""
    b, d, extent = block.backend, block.dtype, block.shape
    flat = []
    for name, s in zip(names, scalars, strict=True):
        if s is not None:
            flat.append(np.array([s], np.float64))
        else:
            v = np.broadcast_to(host_values(arrays[name]).astype(np.float64), extent)
            flat.append(np.ascontiguousarray(v).reshape(-1))
    flat += [np.zeros(1, np.float64)] * (3 - len(flat))
    out = b.dist(key, block.runs, kind, d == float64, tuple(flat), store_dtype(d))
    out = out.reshape(extent)
    if after is not None:
        out = after(block, out, **arrays)
    if d in (float16, bfloat16):
        return b.to_narrow(out, d)
    if out.dtype != d:
        return _to_integer(out, d, fn)
    return out


def _to_integer(x: Any, d: np.dtype, fn: str) -> Any:
    """int64 samples as dtype ``d`` (ValueError when one does not fit)."""
    if x.size:
        info = np.iinfo(d)
        lo, hi = int(x.min()), int(x.max())
        if lo < info.min or hi > info.max:
            bad = lo if lo < info.min else hi
            raise ValueError(f"[{fn}] dtype: a sample ({bad}) does not fit the output dtype "
                             f"{d}; draw a wider integer dtype (dtype=np.int64).")
    return x.astype(d)


def float_outputs(fn: str, dtype: object) -> np.dtype:
    """A continuous distribution's dtype: float16, bfloat16, float32 or float64."""
    return output_dtype(dtype, fn, FLOATS)


def integer_outputs(fn: str, dtype: object) -> np.dtype:
    """A discrete distribution's dtype: a signed or unsigned integer type."""
    return output_dtype(dtype, fn, INTEGERS)

