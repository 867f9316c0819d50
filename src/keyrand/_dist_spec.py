"""What the prepare functions of the distributions beyond MLX share (docs/distributions.md).

A distribution's prepare function (most through :func:`draw`) converts its
parameters with :func:`parameter`, checks them with :func:`check_now` (value
checks such as :func:`positive`, :func:`within` and :func:`not_nan`, by
parameter name), then describes its draw with :func:`elementwise`: a DrawSpec
without a kernel, whose finishing step draws every element of a block from
its own element stream on the block's backend
(:meth:`keyrand._backend.Backend.dist`). Parameters that are arrays are cut
with the output by :mod:`keyrand.dask`; scalars travel inside the finishing
step. A Dask array reaches the prepare function as a placeholder
(:func:`placeholder`) whose values :func:`check_now` leaves alone: the same
checks run on each of its blocks, through the DrawSpec's ``check_param``
(:func:`block_checks`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
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


#: A value check ``test(x, fn, name)``: raises ValueError ``[fn] name must be …`` where ``x``
#: (a float64 array) holds a value the parameter may not take.
Check = Callable[[np.ndarray, str, str], None]
#: The checks of a draw's parameters: by parameter name, one check or a tuple of them (run
#: in order). Checks that need more (an output dtype) have it bound with functools.partial,
#: so the DrawSpec stays picklable (dask.distributed sends it to its workers).
Checks = Mapping[str, Check | tuple[Check, ...]]


def placeholder(value: object) -> bool:
    """True for keyrand.dask's stand-in of a Dask array (:class:`~keyrand._spec.StandIn`).

    Its values are not the parameter's: the Dask array's blocks are checked as
    they are computed (:func:`block_checks`).
    """
    return isinstance(value, StandIn)


def check_now(fn: str, checks: Checks, params: Mapping[str, np.ndarray]) -> bool:
    """Run ``checks`` on the parameters whose values are known now (all but placeholders).

    Args:
        fn: The sampler's name, for messages.
        checks: The checks by parameter name.
        params: The converted parameters (:func:`parameter`) by name.

    Returns:
        True when no parameter is a placeholder, so checks across parameters can run.

    Raises:
        ValueError: from the first check that fails.
    """
    for name, tests in checks.items():
        if not placeholder(params[name]):
            for test in _each(tests):
                test(params[name], fn, name)
    return not any(placeholder(v) for v in params.values())


def block_checks(fn: str, checks: Checks) -> Callable[[str, Any], None]:
    """A DrawSpec's ``check_param``: ``checks[name]`` run on a block of parameter ``name``.

    :mod:`keyrand.dask` runs it on each block of a Dask array parameter, whose
    values the prepare function could not check (and on in-memory array
    parameters when it builds the graph). Picklable when the checks are.
    """
    return functools.partial(_check_block, fn, dict(checks))


def _check_block(fn: str, checks: dict[str, Check | tuple[Check, ...]], name: str,
                 value: object) -> None:
    if name in checks:
        x = parameter(value, fn, name)
        for test in _each(checks[name]):
            test(x, fn, name)


def _each(tests: Check | tuple[Check, ...]) -> tuple[Check, ...]:
    return tests if isinstance(tests, tuple) else (tests,)


def check(ok: np.ndarray, fn: str, name: str, what: str) -> None:
    """Refuse parameter values where ``ok`` is False.

    Raises:
        ValueError: ``[fn] name must be what.``
    """
    if not np.all(ok):
        raise ValueError(f"[{fn}] {name} must be {what}.")


def within(x: np.ndarray, fn: str, name: str, what: str, low: float = -math.inf,
           high: float = math.inf, *, open_low: bool = False, open_high: bool = False,
           integer: bool = False) -> None:
    """Refuse values of ``x`` outside the interval from ``low`` to ``high`` (NaN passes).

    The interval is closed at each end unless ``open_low`` / ``open_high``; with
    ``integer``, values that are not integers are refused too. NaN passes (a NaN
    parameter gives NaN samples); where it may not, :func:`not_nan` refuses it first.

    Raises:
        ValueError: ``[fn] name must be what.``
    """
    below = x <= low if open_low else x < low
    above = x >= high if open_high else x > high
    bad = below | above
    if integer:
        bad |= (np.floor(x) != x) & ~np.isnan(x)
    check(~bad, fn, name, what)


def not_nan(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse NaN (ValueError): an integer sample cannot be NaN."""
    check(~np.isnan(x), fn, name, "a number (not NaN): integer samples have no NaN")


def positive(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x ≤ 0`` (ValueError)."""
    within(x, fn, name, "positive", 0.0, open_low=True)


def nonnegative(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x < 0`` (ValueError)."""
    within(x, fn, name, "non-negative", 0.0)


def probability(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x`` outside [0, 1] (ValueError)."""
    within(x, fn, name, "in [0, 1]", 0.0, 1.0)


def finite(x: np.ndarray, fn: str, name: str) -> None:
    """Refuse ``x = ±inf`` (ValueError)."""
    within(x, fn, name, "finite", open_low=True, open_high=True)


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


def draw(fn: str, kind: Dist, shape: ShapeLike | None, dtype: object, key: object,
         stream: object, checks: Checks | Callable[[np.dtype], Checks], *,
         integer: bool = False, across: Callable[..., None] | None = None,
         across_blocks: bool = False, **raw: object) -> DrawSpec:
    """The DrawSpec of elementwise distribution ``kind``, parameters ``raw`` in ``a, b, c`` order.

    Converts each parameter (TypeError), checks the dtype (a float, or an integer
    with ``integer``), takes the key, then checks the output shape, the parameters
    (``checks``, or ``checks(d)`` for checks that depend on the output dtype
    ``d``) and ``across(fn, d, **params)``, the checks across parameters
    (ValueError). A Dask array parameter is checked block by block as its blocks
    are computed; ``across`` runs when every parameter is in memory, and with
    ``across_blocks`` on every block too (otherwise a block that fails it gives
    what the sample function gives).
    """
    params = {name: parameter(v, fn, name) for name, v in raw.items()}
    d = integer_outputs(fn, dtype) if integer else float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn, *params.values())
    if callable(checks):
        checks = checks(d)
    if check_now(fn, checks, params) and across is not None:
        across(fn, d, **params)
    finish = functools.partial(_across_block, fn, across, params) if across_blocks else None
    return elementwise(call, dims, d, kind, params, finish=finish,
                       check_param=block_checks(fn, checks))


def _across_block(fn: str, across: Callable[..., None], params: dict[str, np.ndarray],
                  block: Block, values: Any, **arrays: Any) -> Any:
    """``across`` on a block's parameters (its array parameters' blocks, the scalars), then pass."""
    blocks = {n: parameter(v, fn, n) for n, v in arrays.items()}
    across(fn, block.dtype, **{**params, **blocks})
    return values


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

