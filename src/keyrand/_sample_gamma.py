"""The gamma family: ``gamma`` and the distributions built from gamma variates.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §3): each checks its parameters and describes its draw
with :func:`keyrand._dist_spec.draw` (``dirichlet`` with its own finishing
step); the sample functions are in
:mod:`keyrand._dists_base` and ``_dists_gamma``.
"""

from __future__ import annotations

import functools

import numpy as np

from ._backend import Runs
from ._checks import check_fits
from ._codes import Dist
from ._dist_spec import (
    ShapeLike,
    block_checks,
    check_now,
    draw,
    finite,
    float_outputs,
    nonnegative,
    output_shape,
    parameter,
    positive,
    store_dtype,
)
from ._dtypes import bfloat16, float16, float32, float64, to_numpy
from ._registry import Start, aligned, host_values, sampler
from ._spec import Block, DrawSpec, Param


@sampler("gamma", arrays=("a",), broadcasts="shape, a", cli=True)
def gamma(a: object, shape: ShapeLike | None = None, dtype: object = float32,
          key: object = None, stream: object = None) -> DrawSpec:
    """Gamma samples with shape ``a`` and unit scale (NumPy's ``standard_gamma``).

    Density ``x^(a−1)·e^(−x) / Γ(a)`` on x > 0. Marsaglia and Tsang's method
    (2000) for ``a ≥ 1``: with ``d = a − 1/3``, ``k = 1/√(9d)``, a normal ``x``
    and a uniform ``u``, accept ``d·(1 + k·x)³`` when ``log u < x²/2 + d − d·v +
    d·log v``; for ``a < 1``, ``G(a + 1)·u^(1/a)`` (docs/distributions.md §3.2).
    JAX and NumPy use the same method. ``a = 0`` gives 0; a NaN ``a`` gives NaN.

    Args:
        a: Shape parameter, ``a ≥ 0`` (scalar or array).
        shape: Output shape; None for the shape of ``a``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``a`` is not a real number or array.
        ValueError: ``a < 0``, an unsupported dtype, or ``a`` does not broadcast to ``shape``.
    """
    return draw("gamma", Dist.GAMMA, shape, dtype, key, stream, {"a": nonnegative}, a=a)


@sampler("beta", arrays=("a", "b"), broadcasts="shape, a, b", cli=True)
def beta(a: object, b: object, shape: ShapeLike | None = None, dtype: object = float32,
         key: object = None, stream: object = None) -> DrawSpec:
    """Beta samples: ``G_a / (G_a + G_b)`` for independent gammas (JAX's ``beta``).

    Density ``x^(a−1)·(1−x)^(b−1) / B(a, b)`` on (0, 1). ``G_a`` comes from lane 0
    and ``G_b`` from lane 1 of each element (docs/distributions.md §3.3). When
    ``a`` or ``b`` is below 1 (or above 1e300) the ratio is formed in log space,
    ``e^(la−m) / (e^(la−m) + e^(lb−m))`` with ``la = log G_a``, ``m = max(la, lb)``,
    as JAX always does: small shapes underflow ``G`` but not ``log G``.
    ``a = inf`` gives 1, ``b = inf`` 0, NaN NaN.

    Args:
        a: First shape parameter, ``a > 0``.
        b: Second shape parameter, ``b > 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype`` in [0, 1].

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: ``a ≤ 0`` or ``b ≤ 0``, an unsupported dtype, or a bad shape.
    """
    return draw("beta", Dist.BETA, shape, dtype, key, stream, {"a": positive, "b": positive},
                a=a, b=b)


@sampler("chisquare", arrays=("df",), broadcasts="shape, df", cli=True)
def chisquare(df: object, shape: ShapeLike | None = None, dtype: object = float32,
              key: object = None, stream: object = None) -> DrawSpec:
    """Chi-square samples with ``df`` degrees of freedom: ``2·G(df/2)`` (JAX's ``chisquare``).

    Density ``x^(df/2−1)·e^(−x/2) / (2^(df/2)·Γ(df/2))`` on x > 0; the gamma
    variate is lane 0's (docs/distributions.md §3.4). NumPy's ``chisquare``
    draws the same ``2·G(df/2)``. ``df = inf`` gives inf, NaN NaN.

    Args:
        df: Degrees of freedom, ``df > 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``df`` is not a real number or array.
        ValueError: ``df ≤ 0``, an unsupported dtype, or a bad shape.
    """
    return draw("chisquare", Dist.CHISQUARE, shape, dtype, key, stream, {"df": positive}, df=df)


@sampler("t", arrays=("df",), broadcasts="shape, df", cli=True)
def t(df: object, shape: ShapeLike | None = None, dtype: object = float32, key: object = None,
      stream: object = None) -> DrawSpec:
    """Student's t samples: ``z·√(h / G(h))`` with ``h = df/2`` (JAX's ``t``).

    That is ``z / √(χ²_df / df)``. The normal ``z`` is lane 0's, the gamma lane
    1's (docs/distributions.md §3.5); for ``df < 2`` the root is formed in log
    space, ``z·exp((log h − log G(h))/2)``, so a gamma that underflows still
    gives a finite sample. ``df = inf`` gives the normal ``z``, NaN NaN.

    Args:
        df: Degrees of freedom, ``df > 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``df`` is not a real number or array.
        ValueError: ``df ≤ 0``, an unsupported dtype, or a bad shape.
    """
    return draw("t", Dist.T, shape, dtype, key, stream, {"df": positive}, df=df)


@sampler("f", arrays=("dfnum", "dfden"), broadcasts="shape, dfnum, dfden", cli=True)
def f(dfnum: object, dfden: object, shape: ShapeLike | None = None, dtype: object = float32,
      key: object = None, stream: object = None) -> DrawSpec:
    """F samples: ``(χ²_n / dfnum) / (χ²_d / dfden)`` (JAX's ``f``).

    Computed as ``(G(h_n)/h_n) / (G(h_d)/h_d)`` with ``h = df/2``: the numerator's
    gamma from lane 0, the denominator's from lane 1 (docs/distributions.md
    §3.6); in log space when either ``h < 1``. An infinite ``df`` makes its
    ratio exactly 1; NaN gives NaN.

    Args:
        dfnum: Numerator degrees of freedom, ``> 0``.
        dfden: Denominator degrees of freedom, ``> 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: a parameter ≤ 0, an unsupported dtype, or a bad shape.
    """
    return draw("f", Dist.F, shape, dtype, key, stream, {"dfnum": positive, "dfden": positive},
                dfnum=dfnum, dfden=dfden)


@sampler("loggamma", arrays=("a",), broadcasts="shape, a", cli=True)
def loggamma(a: object, shape: ShapeLike | None = None, dtype: object = float32,
             key: object = None, stream: object = None) -> DrawSpec:
    """``log G`` for G ~ Gamma(a), without underflow (JAX's ``loggamma``).

    For ``a ≥ 1``, ``log`` of lane 0's Marsaglia–Tsang gamma; for ``a < 1``,
    ``log G(a+1) + log(u)/a`` (the boost in log space, docs/distributions.md §3.7),
    as JAX does: finite wherever ``gamma`` would underflow to 0. ``a = 0``
    gives −inf, ``a = inf`` inf, NaN NaN.

    Args:
        a: Shape parameter, ``a ≥ 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``a`` is not a real number or array.
        ValueError: ``a < 0``, an unsupported dtype, or a bad shape.
    """
    return draw("loggamma", Dist.LOGGAMMA, shape, dtype, key, stream, {"a": nonnegative}, a=a)


@sampler("generalized_normal", arrays=("p",), broadcasts="shape, p", cli=True)
def generalized_normal(p: object, shape: ShapeLike | None = None, dtype: object = float32,
                       key: object = None, stream: object = None) -> DrawSpec:
    """Generalized normal samples: ``±G(1/p)^(1/p)`` (JAX's ``generalized_normal``).

    Density ``p·e^(−|x|^p) / (2·Γ(1/p))``; ``p = 2`` is a normal of variance
    ½, ``p = 1`` the Laplace distribution. The power is ``exp(log G(1/p)/p)``
    with lane 0's log-gamma (no underflow for large ``p``), the sign ``+`` when
    uniform 0 of lane 1 is below ½ (docs/distributions.md §3.8). JAX draws the
    same construction. NaN gives NaN.

    Args:
        p: Shape (power), ``0 < p < inf``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``p`` is not a real number or array.
        ValueError: ``p ≤ 0`` or infinite, an unsupported dtype, or a bad shape.
    """
    return draw("generalized_normal", Dist.GENERALIZED_NORMAL, shape, dtype, key, stream,
                {"p": (positive, finite)}, p=p)


@sampler("maxwell", cli=True)
def maxwell(shape: ShapeLike = (), dtype: object = float32, key: object = None,
            stream: object = None) -> DrawSpec:
    """Maxwell samples: the norm ``√(x² + y² + z²)`` of three standard normals (JAX's ``maxwell``).

    Density ``√(2/π)·x²·e^(−x²/2)`` on x > 0. The normals are Box–Muller normals
    from uniforms 0–5 of lane 0 (docs/distributions.md §3.9): no rejection, so
    every element costs the same; JAX draws the same three-normal norm.

    Args:
        shape: Output shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: an unsupported dtype or negative dimensions.
    """
    return draw("maxwell", Dist.MAXWELL, shape, dtype, key, stream, {})


@sampler("double_sided_maxwell", arrays=("loc", "scale"), broadcasts="shape, loc, scale",
         cli=True)
def double_sided_maxwell(loc: object = 0.0, scale: object = 1.0,
                         shape: ShapeLike | None = None, dtype: object = float32,
                         key: object = None, stream: object = None) -> DrawSpec:
    """Double-sided Maxwell samples: ``s·M·scale + loc`` (JAX's ``double_sided_maxwell``).

    ``M`` is :func:`maxwell`'s norm (lane 0), ``s = ±1`` (``+`` when uniform 0
    of lane 1 is below ½, docs/distributions.md §3.10). Density
    ``x²·e^(−x²/2)/√(2π)`` for ``loc = 0``, ``scale = 1``.

    Args:
        loc: Location.
        scale: Scale, ``scale ≥ 0``.
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: ``scale < 0``, an unsupported dtype, or a bad shape.
    """
    return draw("double_sided_maxwell", Dist.DOUBLE_SIDED_MAXWELL, shape, dtype, key, stream,
                {"scale": nonnegative}, loc=loc, scale=scale)



_DIRICHLET_WHY = ("each sample is normalised over its whole event axis (the last), so a block "
                  "needs all of it.")


@sampler("dirichlet", arrays=("alpha",), broadcasts="shape, alpha")
def dirichlet(alpha: object, shape: ShapeLike | None = None, dtype: object = float32,
              key: object = None, stream: object = None) -> DrawSpec:
    """Dirichlet samples: ``G_k / Σ_j G_j`` along the event axis (JAX's ``dirichlet``).

    Density ``Π x_k^(α_k−1) / B(α)`` on the simplex. The event axis is last, of
    length ``K = alpha.shape[-1]``. Element ``(…, k)`` draws ``l_k = log G(α_k)``
    from its own stream (lane 0, as :func:`loggamma`); the finishing step forms
    ``e^(l_k − m) / Σ_j e^(l_j − m)`` with ``m = max_j l_j`` (keyrand's exp; the
    sum added in index order, so every backend gets the same bits). JAX uses the
    same log-space softmax, which keeps small ``α`` from underflowing
    (docs/distributions.md §6.1). A NaN ``α`` gives a row of NaN.

    Args:
        alpha: Concentrations, ``0 < α < inf``, with the event axis last (≥ 1 axis).
        shape: Batch shape (the output is ``shape + (K,)``); None for
            ``alpha.shape[:-1]``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape + (K,)`` and ``dtype``; each row sums to 1 (to rounding).

    Raises:
        TypeError: ``alpha`` is not a real array.
        ValueError: ``alpha`` is 0-d, has a value ≤ 0 or inf, its batch shape does not
            broadcast to ``shape``, or an unsupported dtype.
    """
    fn = "dirichlet"
    al = parameter(alpha, fn, "alpha")
    d = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    if al.ndim == 0:
        raise ValueError(f"[{fn}] alpha must have at least one axis (the event axis last), "
                         "got a scalar.")
    batch = output_shape(shape, fn, np.broadcast_to(al, al.shape)[..., 0])
    checks = {"alpha": (positive, finite)}
    check_now(fn, checks, {"alpha": al})
    dims = (*batch, al.shape[-1])
    call.ready()
    check_fits(dims, d, fn)
    k = call.checked_key()
    return call.spec(dims, d, None, key=k, finish=functools.partial(_finish_dirichlet, k),
                     params={"alpha": Param(*aligned("alpha", al, len(dims)))},
                     whole_axes=(len(dims) - 1,), why=_DIRICHLET_WHY,
                     check_param=block_checks(fn, checks))


def _finish_dirichlet(key: object, block: Block, values: None, alpha: object) -> object:
    """The block's rows: log-gammas, then the softmax along the last axis (§6.1).

    The exponentials and the division run as element kernels (``DIRICHLET_EXP``,
    ``exp(a)/b``), which also round to the output's store dtype: the same bits on
    every backend (an array library's float64 → float32 cast may flush subnormals).
    """
    b, d, extent = block.backend, block.dtype, block.shape
    a = np.ascontiguousarray(np.broadcast_to(host_values(alpha), extent)).reshape(-1)
    zero, one = np.zeros(1, np.float64), np.ones(1, np.float64)
    logs = b.dist(key, block.runs, Dist.LOGGAMMA, d == float64, (a, zero, zero), np.float64)
    logs = logs.reshape(extent)
    shifted = to_numpy(logs - logs.max(axis=-1, keepdims=True)).reshape(-1)
    runs = Runs.whole(shifted.size)
    e = b.dist(key, runs, Dist.DIRICHLET_EXP, False, (shifted, one, zero), np.float64)
    e = e.reshape(extent)
    total = e[..., 0].copy()
    for k in range(1, extent[-1]):
        total = total + e[..., k]
    per_element = np.ascontiguousarray(np.broadcast_to(to_numpy(total)[..., None], extent))
    out = b.dist(key, runs, Dist.DIRICHLET_EXP, False, (shifted, per_element.reshape(-1), zero),
                 store_dtype(d)).reshape(extent)
    return b.to_narrow(out, d).reshape(extent) if d in (float16, bfloat16) else out
