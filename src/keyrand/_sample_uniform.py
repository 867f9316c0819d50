"""The uniform family: ``uniform``, ``randint``, ``bernoulli`` (algorithms §6.1, §6.7, §6.8).

Each is a prepare function (see :mod:`keyrand._registry`): scalar parameters
are fused into the kernel, array parameters are combined with the kernel's
values by the finishing step, in the target dtype's arithmetic, exactly as
MLX orders the operations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import _backend, _codes
from ._checks import (
    broadcast_shapes,
    check_fits,
    check_nonnegative,
    check_shape,
    check_within,
    numpy_broadcast,
)
from ._dtypes import (
    arith,
    as_dtype,
    bfloat16,
    cast,
    check_given,
    convert_scalar_or_array,
    float16,
    float32,
    float64,
    is_float,
    rounding_code,
)
from ._registry import (
    Start,
    aligned,
    clamp_of,
    host_values,
    is_scalar,
    kernel,
    no_float64,
    sampler,
    unit_kernel,
)
from ._spec import Block, DrawSpec, Param

ShapeLike = Sequence[int]
#: float32 just above 2^32: bernoulli's threshold scale (§6.7).
_BERNOULLI_SCALE = float(np.uint32(0x4F800001).view(np.float32))


@sampler("uniform", arrays=("low", "high"), broadcasts="shape, low, high", cli=True)
def uniform(low: object = 0, high: object = 1, shape: ShapeLike = (),
            dtype: object = float32, key: object = None, stream: object = None) -> DrawSpec:
    """Uniform samples on ``[low, high)``.

    With ``b`` the key's words, ``u = min(f32(b)·2^-32, 1 − ulp)`` rounded to
    ``dtype``, and the result is ``(high − low)·u + low`` in ``dtype``
    arithmetic (docs/algorithms.md §6.1). ``low > high`` is allowed.

    Args:
        low: Lower bound, scalar or array broadcastable to ``shape``.
        high: Upper bound, scalar or array broadcastable to ``shape``.
        shape: Output shape; ``low``/``high`` may not enlarge it.
        dtype: float32, float16 or bfloat16.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, bounds that do not broadcast to ``shape``,
            negative dimensions or a bad key.
        RuntimeError: dtype float64 (MLX has no float64 uniform).
    """
    fn = "uniform"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    check_given(low, fn, "low")
    check_given(high, fn, "high")
    call = Start(fn, key, stream)
    lo_in = convert_scalar_or_array(low, fn, "low")
    hi_in = convert_scalar_or_array(high, fn, "high")
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: can only generate uniform numbers with real floating "
                         f"point type, got {d}.")
    call.ready()
    check_within(fn, dims, numpy_broadcast(hi_in.shape, lo_in.shape), lo_in.shape)
    no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    if is_scalar(lo_in, hi_in):
        lo = cast(lo_in, d)
        rng = arith(np.subtract, cast(hi_in, d), lo, d)
        params = (clamp_of(d), float(rng), float(lo))
        return call.spec(dims, d, kernel(_codes.UNIFORM, float32, params, rounding_code(d)))
    return call.spec(dims, d, unit_kernel(d), finish=_finish_uniform,
                     params={"low": Param(*aligned("low", lo_in, len(dims))),
                             "high": Param(*aligned("high", hi_in, len(dims)))})


def _finish_uniform(block: Block, u: object, low: object, high: object) -> object:
    """``(high − low)·u + low`` in ``u``'s target dtype (§6.1)."""
    d = block.dtype
    lo = cast(host_values(low), d)
    rng = arith(np.subtract, cast(host_values(high), d), lo, d)
    b = block.backend
    return b.arith(np.add, b.arith(np.multiply, rng, u, d), lo, d)


@sampler("randint", arrays=("low", "high"), broadcasts="shape, low, high", cli=True)
def randint(low: object, high: object, shape: ShapeLike = (), dtype: object = np.int32,
            key: object = None, stream: object = None) -> DrawSpec:
    """Integer samples on ``[low, high)``, as MLX draws them.

    ``u = (f32(high) − f32(low))·U01 + f32(low)`` in float32, then
    ``max(min(astype(floor(u), dtype), high − 1), low)`` with MLX's C++
    float-to-integer conversions (docs/algorithms.md §6.8, §4.5). Ranges beyond 2^24 are
    therefore not exactly uniform (docs/algorithms.md §8).

    Args:
        low: Lower bound (inclusive), scalar or array.
        high: Upper bound (exclusive), scalar or array.
        shape: Output shape; the bounds may not enlarge it.
        dtype: Any integer dtype or bool.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: float or complex dtype, bounds that do not broadcast to ``shape``.
        RuntimeError: an int bound outside int64 (MLX's ``std::bad_cast``).
    """
    fn = "randint"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn, np.dtype(np.int32))
    check_given(low, fn, "low")
    check_given(high, fn, "high")
    call = Start(fn, key, stream)
    lo_in = convert_scalar_or_array(low, fn, "low")
    hi_in = convert_scalar_or_array(high, fn, "high")
    if d not in _codes.INT_CODES:
        raise ValueError(f"[{fn}] dtype: randint only accepts integer dtypes and bool, got {d}.")
    call.ready()
    check_nonnegative(dims, fn)
    check_within(fn, dims, numpy_broadcast(hi_in.shape, lo_in.shape), lo_in.shape)
    check_fits(dims, d, fn)
    if is_scalar(lo_in, hi_in):
        lo32 = cast(lo_in, float32)
        rng = cast(hi_in, float32) - lo32
        if _uint32_safe(d, lo32, rng):
            params = _codes.randint_clamped_params((float(rng), float(lo32)),
                                            _int_cast(_minus_one(hi_in), d, True),
                                            _int_cast(lo_in, d, True))
            return call.spec(dims, d, kernel(_codes.RANDINT_CLAMPED, d, params,
                                             int_type=_codes.INT_CODES[d]))
    return call.spec(dims, d, unit_kernel(float32), finish=_finish_randint,
                     params={"low": Param(*aligned("low", lo_in, len(dims))),
                             "high": Param(*aligned("high", hi_in, len(dims)))},
                     check_param=_check_uint32_bound if d == np.uint32 else None)


def _uint32_safe(d: np.dtype, lo32: np.ndarray, rng: np.ndarray) -> bool:
    """True unless uint32's two conversion rules may differ on u = rng·U + lo32 (§4.5).

    The rules agree on [−2^31, 2^32]; u lies between low and high = lo32 + rng,
    in either order (low > high is allowed).
    """
    if d != np.uint32:
        return True
    with np.errstate(invalid="ignore", over="ignore"):
        return all(bool(np.all((e >= -(2.0**31)) & (e <= 2.0**32))) for e in (lo32, lo32 + rng))


def _finish_randint(block: Block, u: object, low: object, high: object) -> object:
    """``max(min(astype(floor(rng·u + lo), D), high − 1), low)`` (§6.8)."""
    d = block.dtype
    lo_in, hi_in = host_values(low), host_values(high)
    lo32 = cast(lo_in, float32)
    rng = cast(hi_in, float32) - lo32
    b = block.backend
    x = b.xp.floor((b.asarray(rng) * u) + b.asarray(lo32))
    total = block.runs.total
    out = b.convert_int(x, d, block.runs.count_below(total - total % 4)).reshape(u.shape)
    np.minimum(out, b.asarray(_int_cast(_minus_one(hi_in), d, block.whole)), out=out)
    return np.maximum(out, b.asarray(_int_cast(lo_in, d, block.whole)), out=out)


def _check_uint32_bound(name: str, a: object) -> None:
    """Refuse float bounds on which MLX's two uint32 casts differ, in a block of a draw (§4.5).

    The in-memory sampler casts float bound arrays with the vector rule for the
    first ``4·⌊size/4⌋`` elements of the bound array and the scalar rule for
    the rest; the rules agree on [−2^31, 2^32], outside it (and for NaN) the
    result depends on where the bound sits in its array, which a block cannot see.

    Raises:
        ValueError: a float bound outside [−2^31, 2^32] or NaN.
    """
    a = host_values(a)
    if a.dtype.kind != "f" or a.ndim == 0 or a.size == 0:
        return  # a scalar bound converts by the scalar rule in memory too
    x = a.astype(np.float32)
    if not bool(((x >= -(2.0**31)) & (x <= 2.0**32)).all()):
        raise ValueError(
            f"[randint] {name}: with dtype uint32, float bounds outside [-2**31, 2**32] (or NaN) "
            "are cast by MLX with a rule that depends on the element's position in the bound "
            "array, which a block cannot reproduce. Use integer bounds (e.g. "
            "int64), bounds within that range, or keyrand.randint in memory.")


def _minus_one(high: np.ndarray) -> np.ndarray:
    """``high − 1`` in high's own dtype: integers wrap, narrow floats round (§6.8 step 4)."""
    if high.dtype == np.bool_:
        return ~high  # bool arithmetic: False − True is True, True − True is False
    if high.dtype.kind in "iu":
        with np.errstate(over="ignore"):
            return np.subtract(high, np.ones((), high.dtype), dtype=high.dtype)
    return arith(np.subtract, high, np.ones((), high.dtype), high.dtype)


#: MLX's float → uint32 ``astype`` of a contiguous array takes the vector rule for its
#: first ``n − n mod block`` elements, ``block`` by source dtype; float16 never does (§4.5).
_UINT32_BLOCK = {float32: 4, float64: 4, bfloat16: 8, float16: 0}


def _int_cast(x: np.ndarray, d: np.dtype, whole: bool) -> np.ndarray:
    """MLX's ``astype`` of a bound to integer ``d`` (§4.5).

    Integers wrap. Floats convert by C++'s rules, float64 in double precision
    (narrow floats are exact in float32), uint32 by position in the bound
    array (``whole``: the array is the whole bound, not a block of it).
    """
    if x.dtype.kind in "iub":
        return x.astype(d)
    block = _UINT32_BLOCK.get(x.dtype, 4) if d == np.uint32 and whole else 0
    return _backend.host().to_int(x, d, x.size - x.size % block if block else 0)


@sampler("bernoulli", arrays=("p",), broadcasts="shape, p", cli=True)
def bernoulli(p: object = 0.5, shape: ShapeLike | None = None, key: object = None,
              stream: object = None) -> DrawSpec:
    """Bernoulli samples: True with probability ``p``.

    With ``b`` the key's words, the result is ``f32(b) < p·(2^32 + 512)``,
    the threshold computed in p's float type (float64 p compares the exact
    word), docs/algorithms.md §6.7.

    Args:
        p: Probability, a float scalar or float array.
        shape: Output shape; defaults to ``p``'s shape.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        bool array of ``shape``.

    Raises:
        ValueError: ``p`` is not of a float type, or does not broadcast to ``shape``.
    """
    fn = "bernoulli"
    dims = None if shape is None else check_shape(shape, fn)
    check_given(p, fn, "p")
    call = Start(fn, key, stream)
    p_in = convert_scalar_or_array(p, fn, "p")
    if not is_float(p_in.dtype):
        raise ValueError(f"[{fn}] p: bernoulli probability must be a float type, "
                         f"got {p_in.dtype}.")
    call.ready()
    if dims is None:
        dims = p_in.shape
    check_nonnegative(dims, fn)
    check_fits(dims, np.dtype(np.bool_), fn)
    if broadcast_shapes(fn, dims, p_in.shape) != dims:
        raise ValueError(f"[{fn}] p: shape {p_in.shape} is incompatible with argument shape "
                         f"{dims}.")
    wide = p_in.dtype == float64
    if is_scalar(p_in):
        transform = _codes.BERNOULLI64 if wide else _codes.BERNOULLI
        return call.spec(dims, np.bool_, kernel(transform, np.bool_, (float(_threshold(p_in)),)))
    word = kernel(_codes.WORD_F64, float64) if wide else kernel(_codes.WORD_F32, float32)
    return call.spec(dims, np.bool_, word, finish=_finish_bernoulli,
                     params={"p": Param(*aligned("p", p_in, len(dims)))})


def _threshold(p: np.ndarray) -> np.ndarray:
    """``p·(2^32 + 512)`` in p's float type (float64 stays float64, others float32)."""
    if p.dtype == float64:
        return p * _BERNOULLI_SCALE
    return p.astype(np.float32) * np.float32(_BERNOULLI_SCALE)


def _finish_bernoulli(block: Block, words: object, p: object) -> object:
    """``word < threshold(p)`` (§6.7)."""
    return words < block.backend.asarray(_threshold(host_values(p)))
