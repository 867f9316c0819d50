"""The normal family: ``normal`` (complex64 too), ``truncated_normal``, ``multivariate_normal``.

docs/algorithms.md §6.2–§6.4 and §6.11. Prepare functions (see
:mod:`keyrand._registry`): scalar parameters are fused into the kernel, array
parameters are applied by the finishing step in MLX's order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import _backend, _codes
from ._checks import (
    broadcast_shapes,
    check_fits,
    check_nonnegative,
    check_shape,
    check_within,
    check_words,
    numpy_broadcast,
)
from ._dtypes import (
    arith,
    as_dtype,
    cast,
    check_given,
    complex64,
    complex_mul,
    convert_scalar_or_array,
    float32,
    float64,
    is_float,
    promote,
    rounding_code,
)
from ._registry import (
    Start,
    aligned,
    clamp_of,
    host_values,
    is_scalar,
    kernel,
    mlx_max,
    mlx_min,
    no_float64,
    numeric_array,
    sampler,
    unit_kernel,
)
from ._spec import Block, DrawSpec, Param

ShapeLike = Sequence[int]
_SQRT2 = math.sqrt(2.0)


@sampler("normal", arrays=("loc", "scale"), broadcasts="shape, loc, scale", cli=True)
def normal(shape: ShapeLike = (), dtype: object = float32, loc: object = None,
           scale: object = None, key: object = None, stream: object = None) -> DrawSpec:
    """Normal samples with mean ``loc`` and standard deviation ``scale``.

    ``e = erfinv(s)`` for the symmetric uniform ``s`` on (−1, 1), and the
    result is ``loc + (√2·scale)·e`` in ``dtype`` arithmetic (docs/algorithms.md §6.2). For
    complex64 the real and imaginary parts are consecutive ``e`` values with no
    √2 factor, so each part is N(0, 1/2), then ``loc + scale·z`` (§6.3).

    Args:
        shape: Sample shape; ``loc``/``scale`` may broadcast it larger.
        dtype: float16, bfloat16, float32, float64 or complex64.
        loc: Mean (scalar or array), or None for 0 (no addition).
        scale: Standard deviation (scalar or array), or None for 1.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of shape ``broadcast(shape, loc.shape, scale.shape)`` and ``dtype``.

    Raises:
        ValueError: unsupported dtype, shapes that do not broadcast, negative
            dimensions or a bad key.
    """
    fn = "normal"
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = Start(fn, key, stream)
    given = {n: _hinted(v, d, fn, n) for n, v in (("loc", loc), ("scale", scale))
             if v is not None}
    if d != complex64 and not is_float(d):
        raise ValueError(f"[{fn}] dtype: only floating point and complex64 types are "
                         f"supported, got {d}.")
    call.ready()
    check_nonnegative(dims, fn)
    out_shape = broadcast_shapes(fn, dims, *(v.shape for v in given.values()))
    check_fits(out_shape, d, fn)
    params = {n: Param(*aligned(n, v, len(out_shape))) for n, v in given.items()}
    if d == complex64:
        return call.spec(out_shape, d, kernel(_codes.ERFINV_SYM, float32), elements=dims,
                         per_element=2, finish=_finish_complex, params=params)
    if d != float64 and is_scalar(*given.values()):
        loc_d = given.get("loc")
        params_k = (float(_scaled_sqrt2(given.get("scale"), d)),
                    0.0 if loc_d is None else float(loc_d), float(loc_d is not None))
        return call.spec(out_shape, d, kernel(_codes.NORMAL, float32, params_k,
                                              rounding_code(d)), elements=dims)
    values = float64 if d == float64 and out_shape == dims else float32
    return call.spec(out_shape, d, kernel(_codes.ERFINV_SYM, values), elements=dims,
                     finish=_finish_normal, params=params)


def _hinted(value: object, d: np.dtype, fn: str, name: str) -> np.ndarray:
    """Convert normal's loc/scale with dtype hint ``d`` (§4.4); arrays are cast when finished.

    Raises:
        RuntimeError: a Python int outside int64 (MLX's "std::bad_cast").
    """
    if isinstance(value, int):
        # D(v) straight from the int64 (a bool is 0 or 1), no detour through float64.
        return _as_hinted(convert_scalar_or_array(value, fn, name).astype(np.int64), d)
    if isinstance(value, (float, np.floating)) and not isinstance(value, np.ndarray):
        if d == float64:
            return np.asarray(float(value), float64)
        v = np.asarray(value, np.float32)
        return v if d == complex64 else cast(v, d)
    arr = convert_scalar_or_array(value, fn, name)  # complex: complex64, cast to D below
    return _as_hinted(arr, d) if arr.ndim == 0 else arr


def _as_hinted(arr: np.ndarray, d: np.dtype) -> np.ndarray:
    """``arr`` cast to the float dtype ``d`` (complex64 is cast where it is used)."""
    return cast(arr, d) if is_float(d) else arr


def _scaled_sqrt2(scale: np.ndarray | None, d: np.dtype) -> np.ndarray:
    """``√2·scale`` in ``d`` arithmetic, √2 rounded to float32 (float64: exact) first."""
    c = cast(np.asarray(_SQRT2, float64 if d == float64 else np.float32), d)
    return c if scale is None else arith(np.multiply, c, _as_hinted(scale, d), d)


def _finish_normal(block: Block, e: object, loc: object = None, scale: object = None) -> object:
    """``loc + (√2·scale)·e`` in the output dtype (§6.2); float64 in place."""
    d, b = block.dtype, block.backend
    c = _scaled_sqrt2(None if scale is None else host_values(scale), d)
    loc_d = None if loc is None else _as_hinted(host_values(loc), d)
    fits = all(np.broadcast_shapes(np.shape(v), e.shape) == e.shape for v in (c, loc_d)
               if v is not None)
    out = e if e.dtype == d and fits else None
    z = b.arith(np.multiply, c, e if out is not None else b.cast(e, d), d, out=out)
    if loc_d is not None:
        z = b.arith(np.add, loc_d, z, d, out=out)
    return z


def _finish_complex(block: Block, e: object, loc: object = None, scale: object = None) -> object:
    """complex64 normal (§6.3): ``loc + scale·(e[2i] + i·e[2i+1])``, products without fma."""
    b = block.backend
    parts = [_complex_parts(b, v) for v in (scale, loc) if v is not None]
    has_scale, has_loc = scale is not None, loc is not None
    if all(p.ndim == 0 for pair in parts for p in pair):
        # (re, im) pairs are complex64's layout: finish them in place, a chunk at a time.
        pairs = e.reshape(-1, 2)
        step = b.chunk or max(pairs.shape[0], 1)
        for c0 in range(0, pairs.shape[0] if parts else 0, step):
            chunk = pairs[c0:c0 + step]
            chunk[:, 0], chunk[:, 1] = _complex_finish(b, chunk[:, 0], chunk[:, 1], has_scale,
                                                       has_loc, parts)
        return e.view(complex64).reshape(e.shape[:-1])
    re, im = _complex_finish(b, e[..., 0], e[..., 1], has_scale, has_loc, parts)
    re, im = b.xp.broadcast_arrays(re, im)
    out = b.empty(re.shape, complex64)
    out.real[...], out.imag[...] = re, im
    return out


def _complex_parts(b: _backend.Backend, v: object) -> tuple[object, object]:
    """The float32 real and imaginary parts of a complex64 parameter, on the backend."""
    c = host_values(v).astype(complex64)
    return b.asarray(c.real.astype(np.float32)), b.asarray(c.imag.astype(np.float32))


def _complex_finish(b: _backend.Backend, re: object, im: object, has_scale: bool,
                    has_loc: bool, parts: list) -> tuple[object, object]:
    """``loc + scale·(re + i·im)`` in float32 parts; ``parts`` holds (real, imag) of each given."""
    if has_scale:
        re, im = complex_mul(*parts[0], re, im, arith=b.arith)
    if has_loc:
        cr, ci = parts[-1]
        re, im = b.arith(np.add, cr, re, float32), b.arith(np.add, ci, im, float32)
    return re, im


@sampler("truncated_normal", arrays=("lower", "upper"), broadcasts="shape, lower, upper",
         cli=True)
def truncated_normal(lower: object, upper: object, shape: ShapeLike | None = None,
                     dtype: object = float32, key: object = None,
                     stream: object = None) -> DrawSpec:
    """Normal samples truncated to ``[lower, upper]``.

    With ``c = √2``, ``a = erf(lower/c)`` and ``b = erf(upper/c)``, the result
    is ``max(min(upper, c·erfinv(u)), lower)`` for ``u`` uniform on
    ``[a, b)`` (docs/algorithms.md §6.4).

    Args:
        lower: Lower bound, scalar or array.
        upper: Upper bound, scalar or array.
        shape: Output shape; defaults to the bounds' broadcast shape.
        dtype: float16, bfloat16 or float32.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: non-float dtype, bounds that do not broadcast to ``shape``.
        RuntimeError: dtype float64 (as MLX's uniform).
    """
    fn = "truncated_normal"
    dims = None if shape is None else check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    check_given(lower, fn, "lower")
    check_given(upper, fn, "upper")
    call = Start(fn, key, stream)
    lower_in = convert_scalar_or_array(lower, fn, "lower")
    upper_in = convert_scalar_or_array(upper, fn, "upper")
    if dims is None:
        dims = broadcast_shapes(fn, lower_in.shape, upper_in.shape)
    if not is_float(d):
        raise ValueError(f"[{fn}] dtype: truncated_normal only accepts floating point dtypes, "
                         f"got {d}.")
    call.ready()
    check_within(fn, dims, numpy_broadcast(upper_in.shape, lower_in.shape), lower_in.shape)
    no_float64(d, fn)
    check_nonnegative(dims, fn)
    check_fits(dims, d, fn)
    if is_scalar(lower_in, upper_in):
        c, lo_b, hi_b, a, rng = _erf_bounds(lower_in, upper_in, d)
        params = (clamp_of(d), float(rng), float(a), float(c), float(hi_b), float(lo_b))
        return call.spec(dims, d, kernel(_codes.TRUNCATED_NORMAL, float32, params,
                                         rounding_code(d)))
    return call.spec(dims, d, unit_kernel(d), finish=_finish_truncated,
                     params={"lower": Param(*aligned("lower", lower_in, len(dims))),
                             "upper": Param(*aligned("upper", upper_in, len(dims)))})


def _erf_bounds(lower: np.ndarray, upper: np.ndarray, d: np.dtype) -> tuple:
    """``(c, lower, upper, a, b − a)`` in ``d``: ``a = erf(lower/c)``, ``b = erf(upper/c)``."""
    c = cast(np.asarray(_SQRT2, np.float32), d)
    lo_b, hi_b = cast(lower, d), cast(upper, d)
    host = _backend.host()
    a = cast(host.erf(arith(np.divide, lo_b, c, d)), d)
    b = cast(host.erf(arith(np.divide, hi_b, c, d)), d)
    return c, lo_b, hi_b, a, arith(np.subtract, b, a, d)


def _finish_truncated(block: Block, u: object, lower: object, upper: object) -> object:
    """``max(min(upper, c·erfinv(rng·u + a)), lower)`` in the output dtype (§6.4)."""
    d, b = block.dtype, block.backend
    c, lo_b, hi_b, a, rng = _erf_bounds(host_values(lower), host_values(upper), d)
    x = b.arith(np.add, b.arith(np.multiply, rng, u, d), a, d)
    x = b.xp.broadcast_to(x, np.broadcast_shapes(x.shape, u.shape))
    y = b.arith(np.multiply, c, b.cast(b.erfinv(b.cast(x, np.float32)), d), d)
    hi_f, lo_f = b.asarray(hi_b.astype(np.float32)), b.asarray(lo_b.astype(np.float32))
    return b.cast(mlx_max(mlx_min(hi_f, b.cast(y, np.float32)), lo_f), d)


@sampler("multivariate_normal", arrays=("mean", "cov"), broadcasts="shape, mean, cov")
def multivariate_normal(mean: object, cov: object, shape: ShapeLike = (),
                        dtype: object = float32, key: object = None,
                        stream: object = None) -> DrawSpec:
    """Multivariate normal samples ``mean + z @ std`` with ``std`` the SVD square root of ``cov``.

    ``U Σ Vᵀ = svd(cov)``, ``std = (U·√Σ) Vᵀ`` and ``z`` standard normal of
    the output shape (docs/algorithms.md §6.11). The normals ``z`` are bit-identical to
    MLX's; the SVD and matrix product are LAPACK/BLAS's, so results match MLX
    to about 2e-5·√max(cov_ii) on well-conditioned covariances.

    Non-finite covariances: a ``cov`` with a NaN entry raises RuntimeError at
    every output shape, after the global key is drawn. MLX 0.32.4 raises
    RuntimeError (``[SVD::eval_cpu] SVD failed``) for such a ``cov`` only on
    some runs and otherwise returns NaNs, zeros or finite numbers, varying from
    call to call at any shape. A covariance matrix with an infinite entry (and
    no NaN) gives NaN samples for its batch element, as MLX's do.

    Args:
        mean: Array (..., n).
        cov: Array (..., n, n), symmetric positive semi-definite.
        shape: Batch shape, broadcast with the batch shapes of mean and cov.
        dtype: float32 only.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        float32 array of shape ``broadcast(cov.shape[:-2], mean.shape[:-1], shape) + (n,)``.

    Raises:
        ValueError: dtype not float32, or mean/cov of wrong or incompatible shapes.
        RuntimeError: the SVD of ``cov`` fails (a NaN entry), as MLX's ``SVD failed``.
    """
    fn = "multivariate_normal"
    mu, sigma = numeric_array(mean, fn, "mean"), numeric_array(cov, fn, "cov")
    dims = check_shape(shape, fn)
    d = as_dtype(dtype, fn)
    call = Start(fn, key, stream)
    call.ready()
    if d != float32:
        raise ValueError(f"[{fn}] dtype must be float32, got {d}.")
    if mu.ndim < 1:
        raise ValueError(f"[{fn}] mean must have at least one dimension.")
    if sigma.ndim < 2:
        raise ValueError(f"[{fn}] cov must have at least two dimensions.")
    if sigma.shape[-1] != sigma.shape[-2]:
        raise ValueError(f"[{fn}] cov: the last two dimensions must be equal, got "
                         f"{sigma.shape}.")
    if mu.shape[-1] != sigma.shape[-1]:
        raise ValueError(f"[{fn}] mean and cov must have compatible shapes, got {mu.shape} "
                         f"and {sigma.shape}.")
    check_nonnegative(dims, fn)
    batch = broadcast_shapes(fn, broadcast_shapes(fn, sigma.shape[:-2], mu.shape[:-1]), dims)
    out_shape = batch + (mu.shape[-1],)
    check_words(math.prod(out_shape), fn)
    out_dtype = promote(mu.dtype, float32)
    check_fits(out_shape, out_dtype, fn)
    if np.isnan(sigma).any():
        _svd_sqrt(sigma, fn)
    nb = len(batch)
    params = {"mean": Param(*aligned("mean", mu, len(out_shape))),
              "cov": Param("cov", sigma, tuple(range(nb - (sigma.ndim - 2), nb)) + (None, None))}
    normal01 = kernel(_codes.NORMAL, float32, (float(np.float32(_SQRT2)), 0.0, 1.0))
    return call.spec(out_shape, out_dtype, normal01, finish=_finish_mvn, params=params,
                     whole_axes=(len(out_shape) - 1,),
                     why="each sample mixes its whole event axis (z @ std).")


def _finish_mvn(block: Block, z: object, mean: object, cov: object) -> object:
    """``mean + z @ std`` (§6.11)."""
    b = block.backend
    std = _svd_sqrt(host_values(cov).astype(np.float32), "multivariate_normal")
    y = (z[..., None, :] @ b.asarray(std))[..., 0, :]
    return (b.asarray(mean) + y).astype(block.dtype)


def _svd_sqrt(cov: np.ndarray, fn: str) -> np.ndarray:
    """``(U·√Σ) Vᵀ`` of each float32 matrix; NaN for a matrix with an infinite entry.

    Raises:
        RuntimeError: ``cov`` has a NaN entry, or LAPACK's SVD does not converge.
    """
    if np.isnan(cov).any():
        raise RuntimeError(f"[{fn}] cov: SVD failed: cov has NaN entries (MLX raises "
                           "\"[SVD::eval_cpu] SVD failed\" for such a cov).")
    infinite = np.isinf(cov).any(axis=(-2, -1))
    try:
        u, s, vt = np.linalg.svd(np.where(infinite[..., None, None], np.float32(0), cov))
    except np.linalg.LinAlgError as err:
        raise RuntimeError(f"[{fn}] cov: SVD failed ({err}).") from None
    std = (u * np.sqrt(s)[..., None, :]) @ vt
    std[infinite] = np.nan
    return std
