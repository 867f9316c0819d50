"""Continuous distributions beyond MLX that are not built from gamma variates.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §4): each checks its parameters and describes its draw
with :func:`keyrand._dist_spec.draw`; the sample functions are in
:mod:`keyrand._dists_base` and ``_dists_continuous``.
"""

from __future__ import annotations

import numpy as np

from ._codes import Dist
from ._dist_spec import (
    ShapeLike,
    check,
    draw,
    elementwise,
    finite,
    float_outputs,
    nonnegative,
    output_shape,
    positive,
)
from ._dtypes import float32
from ._registry import Start, sampler
from ._spec import DrawSpec


@sampler("exponential", cli=True)
def exponential(shape: ShapeLike = (), dtype: object = float32, key: object = None,
                stream: object = None) -> DrawSpec:
    """Standard exponential samples: ``−log u`` for ``u`` uniform on (0, 1).

    Density ``e^(−x)`` on x ≥ 0 (docs/distributions.md §3.1). JAX's
    ``exponential`` (scale 1; multiply for another scale).

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
    fn = "exponential"
    d = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn)
    return elementwise(call, dims, d, Dist.EXPONENTIAL, {})


@sampler("cauchy", cli=True)
def cauchy(shape: ShapeLike = (), dtype: object = float32, key: object = None,
           stream: object = None) -> DrawSpec:
    """Standard Cauchy samples: ``tan(π(u − ½))`` for ``u`` uniform on (0, 1).

    Density ``1 / (π(1 + x²))`` (docs/distributions.md §4.1): ``sinpi(u − ½) /
    cospi(u − ½)`` with keyrand's own float64 sinpi and cospi. JAX's
    ``cauchy``, the same inversion.

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
    return draw("cauchy", Dist.CAUCHY, shape, dtype, key, stream, {})


@sampler("logistic", cli=True)
def logistic(shape: ShapeLike = (), dtype: object = float32, key: object = None,
             stream: object = None) -> DrawSpec:
    """Standard logistic samples: ``log(u / (1 − u))`` for ``u`` uniform on (0, 1).

    Density ``e^(−x) / (1 + e^(−x))²`` (docs/distributions.md §4.2), computed
    as ``log u − log1p(−u)``. JAX's ``logistic``, the same inversion.

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
    return draw("logistic", Dist.LOGISTIC, shape, dtype, key, stream, {})


@sampler("lognormal", arrays=("sigma",), broadcasts="shape, sigma", cli=True)
def lognormal(sigma: object = 1.0, shape: ShapeLike | None = None, dtype: object = float32,
              key: object = None, stream: object = None) -> DrawSpec:
    """Log-normal samples ``exp(σ·z)`` for a standard normal ``z``.

    Density ``exp(−(log x)² / (2σ²)) / (xσ√(2π))`` on x > 0 (docs/distributions.md
    §4.3); ``z`` is a Box–Muller normal of the element's stream. JAX's
    ``lognormal`` (NumPy's with ``mean = 0``). ``σ = 0`` gives 1.

    Args:
        sigma: Standard deviation of ``log x``, finite and ``≥ 0`` (scalar or array).
        shape: Output shape; None for the shape of ``sigma``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where ``sigma`` is NaN.

    Raises:
        TypeError: ``sigma`` is not a real number or array.
        ValueError: ``sigma`` negative or infinite, an unsupported dtype, or ``sigma``
            does not broadcast to ``shape``.
    """
    return draw("lognormal", Dist.LOGNORMAL, shape, dtype, key, stream,
                {"sigma": (nonnegative, finite)}, sigma=sigma)


@sampler("pareto", arrays=("b",), broadcasts="shape, b", cli=True)
def pareto(b: object, shape: ShapeLike | None = None, dtype: object = float32,
           key: object = None, stream: object = None) -> DrawSpec:
    """Pareto samples on x ≥ 1: ``exp(E / b)`` for a standard exponential ``E``.

    Density ``b / x^(b+1)`` on x ≥ 1 (docs/distributions.md §4.4), with
    ``E = −log u``. JAX's ``pareto`` (NumPy's ``pareto`` is this minus 1).
    ``b = inf`` gives 1.

    Args:
        b: Shape, ``b > 0`` (scalar or array).
        shape: Output shape; None for the shape of ``b``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where ``b`` is NaN.

    Raises:
        TypeError: ``b`` is not a real number or array.
        ValueError: ``b ≤ 0``, an unsupported dtype, or ``b`` does not broadcast to ``shape``.
    """
    return draw("pareto", Dist.PARETO, shape, dtype, key, stream, {"b": positive}, b=b)


@sampler("power", arrays=("a",), broadcasts="shape, a", cli=True)
def power(a: object, shape: ShapeLike | None = None, dtype: object = float32,
          key: object = None, stream: object = None) -> DrawSpec:
    """Power-function samples on [0, 1]: ``u^(1/a)`` for ``u`` uniform on (0, 1).

    Density ``a·x^(a−1)`` on [0, 1] (docs/distributions.md §4.5), computed as
    ``exp(log(u) / a)``. NumPy's ``power`` (which inverts the same CDF ``x^a``;
    JAX has no power distribution). ``a = inf`` gives 1.

    Args:
        a: Shape, ``a > 0`` (scalar or array).
        shape: Output shape; None for the shape of ``a``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where ``a`` is NaN.

    Raises:
        TypeError: ``a`` is not a real number or array.
        ValueError: ``a ≤ 0``, an unsupported dtype, or ``a`` does not broadcast to ``shape``.
    """
    return draw("power", Dist.POWER, shape, dtype, key, stream, {"a": positive}, a=a)


@sampler("rayleigh", arrays=("scale",), broadcasts="shape, scale", cli=True)
def rayleigh(scale: object = 1.0, shape: ShapeLike | None = None, dtype: object = float32,
             key: object = None, stream: object = None) -> DrawSpec:
    """Rayleigh samples ``scale·√(−2 log u)`` for ``u`` uniform on (0, 1).

    Density ``x e^(−x²/(2s²)) / s²`` on x ≥ 0 for scale ``s`` (docs/distributions.md
    §4.6). JAX's and NumPy's ``rayleigh``, the same inversion.

    Args:
        scale: Scale, finite and ``≥ 0`` (scalar or array).
        shape: Output shape; None for the shape of ``scale``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where ``scale`` is NaN.

    Raises:
        TypeError: ``scale`` is not a real number or array.
        ValueError: ``scale`` negative or infinite, an unsupported dtype, or ``scale``
            does not broadcast to ``shape``.
    """
    return draw("rayleigh", Dist.RAYLEIGH, shape, dtype, key, stream,
                {"scale": (nonnegative, finite)}, scale=scale)


@sampler("weibull_min", arrays=("scale", "concentration"),
         broadcasts="shape, scale, concentration", cli=True)
def weibull_min(scale: object, concentration: object, shape: ShapeLike | None = None,
                dtype: object = float32, key: object = None, stream: object = None) -> DrawSpec:
    """Weibull samples ``scale·E^(1/k)`` for a standard exponential ``E``, ``k`` the concentration.

    Density ``(k/s)(x/s)^(k−1) e^(−(x/s)^k)`` on x ≥ 0 (docs/distributions.md
    §4.7), with ``E = −log u`` and the power as ``exp(log(E)/k)``. JAX's
    ``weibull_min`` (NumPy's ``weibull`` with ``scale = 1``). ``scale = 0`` gives 0,
    ``concentration = inf`` gives ``scale``.

    Args:
        scale: Scale, finite and ``≥ 0`` (scalar or array).
        concentration: Shape ``k > 0`` (scalar or array).
        shape: Output shape; None for the broadcast shape of the parameters.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where a parameter is NaN.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: a parameter out of range, an unsupported dtype, or parameters that
            do not broadcast to ``shape``.
    """
    return draw("weibull_min", Dist.WEIBULL_MIN, shape, dtype, key, stream,
                {"scale": (nonnegative, finite), "concentration": positive},
                scale=scale, concentration=concentration)


@sampler("triangular", arrays=("left", "mode", "right"),
         broadcasts="shape, left, mode, right", cli=True)
def triangular(left: object, mode: object, right: object, shape: ShapeLike | None = None,
               dtype: object = float32, key: object = None, stream: object = None) -> DrawSpec:
    """Triangular samples on [left, right] with peak at ``mode``, by inversion.

    With ``f = (mode − left)/(right − left)`` and ``u`` uniform on (0, 1): ``left +
    √(u(right − left)(mode − left))`` when ``u < f``, else ``right − √((1 − u)(right −
    left)(right − mode))`` (docs/distributions.md §4.8). JAX's and NumPy's
    ``triangular``, the same inversion.

    Args:
        left: Lower limit, finite (scalar or array).
        mode: Peak, ``left ≤ mode ≤ right`` (scalar or array).
        right: Upper limit, finite and ``> left`` (scalar or array).
        shape: Output shape; None for the broadcast shape of the parameters.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where a parameter is NaN.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: infinite limits, ``mode`` outside [left, right], ``left ≥ right``, an
            unsupported dtype, or parameters that do not broadcast to ``shape``. (Dask
            arrays of limits are checked block by block, except their order: a block
            whose limits are out of order gives NaN.)
    """
    return draw("triangular", Dist.TRIANGULAR, shape, dtype, key, stream,
                {"left": finite, "mode": finite, "right": finite}, across=_in_order,
                left=left, mode=mode, right=right)


def _in_order(fn: str, d: np.dtype, left: np.ndarray, mode: np.ndarray,
              right: np.ndarray) -> None:
    """Refuse limits out of order (in memory only: a Dask block out of order gives NaN)."""
    check(~(mode < left), fn, "mode", "at least left")
    check(~(mode > right), fn, "mode", "at most right")
    check(~(left >= right), fn, "left", "below right")


@sampler("wald", arrays=("mean", "scale"), broadcasts="shape, mean, scale", cli=True)
def wald(mean: object, scale: object, shape: ShapeLike | None = None, dtype: object = float32,
         key: object = None, stream: object = None) -> DrawSpec:
    """Wald (inverse Gaussian) samples with mean ``μ`` and scale (shape) ``λ``.

    Density ``√(λ/(2πx³)) exp(−λ(x − μ)²/(2μ²x))`` on x > 0 (docs/distributions.md
    §4.9). Michael, Schucany and Haas (1976), as NumPy: with ``y = μz²`` for a
    standard normal ``z``, the roots of the transformation are ``μt²`` and
    ``μ/t²`` with ``t = √λ / (√y/2 + √(λ + y/4))`` (a cancellation-free form of
    ``μ + μ(y − √(4λy + y²))/(2λ)``); the first is taken when a uniform ``u ≤
    1/(1 + t²)``. NumPy's ``wald`` (JAX has none).

    Args:
        mean: Mean ``μ``, finite and ``> 0`` (scalar or array).
        scale: Shape ``λ``, finite and ``> 0`` (scalar or array).
        shape: Output shape; None for the broadcast shape of the parameters.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where a parameter is NaN.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: a parameter out of range, an unsupported dtype, or parameters that
            do not broadcast to ``shape``.
    """
    return draw("wald", Dist.WALD, shape, dtype, key, stream,
                {"mean": (positive, finite), "scale": (positive, finite)},
                mean=mean, scale=scale)


@sampler("vonmises", arrays=("mu", "kappa"), broadcasts="shape, mu, kappa", cli=True)
def vonmises(mu: object, kappa: object, shape: ShapeLike | None = None,
             dtype: object = float32, key: object = None, stream: object = None) -> DrawSpec:
    """Von Mises samples on [−π, π] with mode ``mu`` and concentration ``kappa``.

    Density ``exp(κ cos(x − μ)) / (2π I₀(κ))`` (docs/distributions.md §4.10), with
    NumPy's parameterisation and branches: ``κ < 1e-8`` is uniform on the circle,
    ``κ > 1e6`` the wrapped normal ``μ + z/√κ``, and in between Best and Fisher's
    (1979) wrapped-Cauchy rejection, as NumPy, with ``ρ`` and ``1 − ρ`` computed
    without cancellation (so no Taylor branch is needed for small ``κ``) and the
    angle as ``2·atan(((1 − ρ)/(1 + ρ))·tan(πU/2))``. Results are reduced into
    [−π, π] by whole turns. JAX has ``vonmises`` too (another algorithm).

    Args:
        mu: Mode, finite (scalar or array; any real, the result is wrapped).
        kappa: Concentration ``≥ 0``; ``inf`` gives ``mu`` (scalar or array).
        shape: Output shape; None for the broadcast shape of the parameters.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``; NaN where a parameter is NaN.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: ``mu`` infinite, ``kappa < 0``, an unsupported dtype, or parameters
            that do not broadcast to ``shape``.
    """
    return draw("vonmises", Dist.VONMISES, shape, dtype, key, stream,
                {"mu": finite, "kappa": nonnegative}, mu=mu, kappa=kappa)
