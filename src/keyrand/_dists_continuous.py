"""Continuous distributions not built from gamma variates, and ``ball``'s coordinates.

Sample functions ``f(keys, key, i, wide, a, b, c) -> float64`` (see
:mod:`keyrand._dists_base`) of docs/distributions.md §4 and §6.11, and the two
elementary functions they add to :mod:`keyrand._fmath`:

- :func:`log1p`: ``log(1 + x)`` by Goldberg's compensation: with ``w = 1 ⊕ x``,
  ``log(w)·(x / (w − 1))`` (``w − 1`` is exact), ``x`` itself when ``w = 1``.
- :func:`atan`: fdlibm's method: ``|x|`` reduced to ``[0, 7/16]`` around
  ``atan(½)``, ``atan(1)``, ``atan(3/2)`` or ``π/2`` (each in two parts), then
  the odd degree-23 polynomial split into its even and odd coefficients.

Accuracy against mpmath (tests/test_dists_continuous.py): atan within 1 ulp,
log1p within 2 ulps on ``[−1, 1]``. ``dists_continuous.cu`` transliterates
every function of this module operation by operation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import Dist
from ._dists_base import log_gamma
from ._element_stream import normal, uniforms
from ._fmath import cospi, exp, log, sinpi
from ._mathconst import DIST_CONTINUOUS as _C

_AT_HI0, _AT_HI1, _AT_HI2, _AT_HI3 = (_C[f"atan_hi{k}"] for k in range(4))
_AT_LO0, _AT_LO1, _AT_LO2, _AT_LO3 = (_C[f"atan_lo{k}"] for k in range(4))
_AT0, _AT1, _AT2, _AT3, _AT4, _AT5, _AT6, _AT7, _AT8, _AT9, _AT10 = (
    _C[f"at{k}"] for k in range(11))
_AT_BIG = _C["atan_big"]
_AT_TINY = _C["atan_tiny"]
_PI = _C["pi"]
_TWO_PI_HI = _C["two_pi_hi"]
_TWO_PI_LO = _C["two_pi_lo"]
_VM_UNIFORM = _C["vm_uniform"]
_VM_NORMAL = _C["vm_normal"]


# ---------------------------------------------------------------- elementary functions

@njit(cache=True, error_model="numpy", forceinline=True)
def log1p(x):
    """``log(1 + x)`` for float64 ``x ≥ −1`` (−inf at −1, NaN below, inf at inf)."""
    w = 1.0 + x
    if w == 1.0 or w == math.inf:
        return x if w == 1.0 else w
    return log(w) * (x / (w - 1.0))


@njit(cache=True, error_model="numpy", forceinline=True)
def atan(x):
    """Arctangent of float64 ``x``, in ``[−π/2, π/2]`` (NaN for NaN)."""
    if x != x:
        return x
    neg = x < 0.0
    t = -x if neg else x
    if t >= _AT_BIG:
        r = _AT_HI3 + _AT_LO3
        return -r if neg else r
    part = -1
    if t < 0.4375:
        if t < _AT_TINY:
            return x
    elif t < 1.1875:
        if t < 0.6875:
            part = 0
            t = (2.0 * t - 1.0) / (2.0 + t)
        else:
            part = 1
            t = (t - 1.0) / (t + 1.0)
    elif t < 2.4375:
        part = 2
        t = (t - 1.5) / (1.0 + 1.5 * t)
    else:
        part = 3
        t = -1.0 / t
    z = t * t
    w = z * z
    s1 = z * (_AT0 + w * (_AT2 + w * (_AT4 + w * (_AT6 + w * (_AT8 + w * _AT10)))))
    s2 = w * (_AT1 + w * (_AT3 + w * (_AT5 + w * (_AT7 + w * _AT9))))
    if part < 0:
        r = t - t * (s1 + s2)
        return -r if neg else r
    if part == 0:
        hi, lo = _AT_HI0, _AT_LO0
    elif part == 1:
        hi, lo = _AT_HI1, _AT_LO1
    elif part == 2:
        hi, lo = _AT_HI2, _AT_LO2
    else:
        hi, lo = _AT_HI3, _AT_LO3
    r = hi - ((t * (s1 + s2) - lo) - t)
    return -r if neg else r


@njit(cache=True, error_model="numpy", forceinline=True)
def wrap(x):
    """``x`` reduced by whole turns into ``[−π, π]`` (NaN for NaN and ±inf)."""
    if not (x >= -_PI and x <= _PI):
        k = np.floor((x + _PI) / _TWO_PI_HI)
        x = (x - k * _TWO_PI_HI) - k * _TWO_PI_LO
        if x < -_PI:
            x = -_PI
        if x > _PI:
            x = _PI
    return x


# ---------------------------------------------------------------- distributions (§4)

@njit(cache=True, error_model="numpy", forceinline=True)
def _cauchy(keys, key, i, wide, a, b, c):
    # tan(π(u − ½)) = sinpi(u − ½)/cospi(u − ½), u uniform 0 of lane 0 (u − ½ is exact).
    h = uniforms(keys, key, 0, i, 0, wide)[0] - 0.5
    return sinpi(h) / cospi(h)


@njit(cache=True, error_model="numpy", forceinline=True)
def _logistic(keys, key, i, wide, a, b, c):
    # log(u/(1 − u)) = log u − log1p(−u), u uniform 0 of lane 0.
    u = uniforms(keys, key, 0, i, 0, wide)[0]
    return log(u) - log1p(-u)


@njit(cache=True, error_model="numpy", forceinline=True)
def _lognormal(keys, key, i, wide, a, b, c):
    # exp(σ·z), z the normal of lane 0 (uniforms 0, 1); a = σ.
    return exp(normal(keys, key, 0, i, 0, wide) * a)


@njit(cache=True, error_model="numpy", forceinline=True)
def _pareto(keys, key, i, wide, a, b, c):
    # exp(E/b) with E = −log u, u uniform 0 of lane 0; a = b.
    return exp(-log(uniforms(keys, key, 0, i, 0, wide)[0]) / a)


@njit(cache=True, error_model="numpy", forceinline=True)
def _power(keys, key, i, wide, a, b, c):
    # u^(1/a) = exp(log(u)/a), u uniform 0 of lane 0.
    return exp(log(uniforms(keys, key, 0, i, 0, wide)[0]) / a)


@njit(cache=True, error_model="numpy", forceinline=True)
def _rayleigh(keys, key, i, wide, a, b, c):
    # scale·√(−2 log u), u uniform 0 of lane 0; a = scale.
    return a * np.sqrt(-2.0 * log(uniforms(keys, key, 0, i, 0, wide)[0]))


@njit(cache=True, error_model="numpy", forceinline=True)
def _weibull_min(keys, key, i, wide, a, b, c):
    # scale·E^(1/k) = scale·exp(log(E)/k), E = −log u (u uniform 0 of lane 0); a = scale, b = k.
    # (Selects, not early returns, keep the loop branch-free, so it vectorizes.)
    e = -log(uniforms(keys, key, 0, i, 0, wide)[0])
    x = a * exp(log(e) / b)
    return 0.0 if a == 0.0 else x


@njit(cache=True, error_model="numpy", forceinline=True)
def _triangular(keys, key, i, wide, a, b, c):
    # Inversion (a = left, b = mode, c = right), u uniform 0 of lane 0; NaN out of order.
    u = uniforms(keys, key, 0, i, 0, wide)[0]
    span = c - a
    lower = a + np.sqrt(u * span * (b - a))
    upper = c - np.sqrt((1.0 - u) * span * (c - b))
    x = lower if u < (b - a) / span else upper
    return x if a <= b and b <= c and a < c else math.nan


@njit(cache=True, error_model="numpy", forceinline=True)
def _wald(keys, key, i, wide, a, b, c):
    # Michael–Schucany–Haas with y = μz² (z: uniforms 0, 1 of lane 0) and
    # t = √λ / (√y/2 + √(λ + y/4)): the smaller root is μt², the larger μ/t²,
    # the smaller chosen when uniform 2 of lane 0 is at most 1/(1 + t²).
    z = normal(keys, key, 0, i, 0, wide)
    u = uniforms(keys, key, 0, i, 1, wide)[0]
    y = a * (z * z)
    t = np.sqrt(b) / (0.5 * np.sqrt(y) + np.sqrt(b + 0.25 * y))
    t2 = t * t
    if u <= 1.0 / (1.0 + t2):
        return a * t2
    return a / t2


@njit(cache=True, error_model="numpy", forceinline=True)
def _vonmises(keys, key, i, wide, a, b, c):
    # a = μ, b = κ (docs/distributions.md §4.10).
    if a != a or b != b:
        return math.nan
    if b < _VM_UNIFORM:
        return _PI * (2.0 * uniforms(keys, key, 0, i, 0, wide)[0] - 1.0)
    if b > _VM_NORMAL:
        return wrap(a + normal(keys, key, 0, i, 0, wide) / np.sqrt(b))
    h = np.sqrt(1.0 + 4.0 * b * b)
    tau = 1.0 + h
    g = np.sqrt(2.0 * tau)
    den = tau + g
    rho = 2.0 * b / den
    one_m = (1.0 + 1.0 / (h + 2.0 * b) + g) / den
    one_p = 1.0 + rho
    rm1 = one_m * one_m / (2.0 * rho)
    rp1 = one_p * one_p / (2.0 * rho)
    ratio = one_m / one_p
    t = 0
    while True:
        u, v = uniforms(keys, key, 0, i, t, wide)
        t += 1
        sz = sinpi(0.5 * u)
        cz = cospi(0.5 * u)
        y = b * (rm1 * rp1 / (rm1 + 2.0 * (cz * cz)))
        if y * (2.0 - y) - v >= 0.0 or log(y / v) + 1.0 - y >= 0.0:
            break
    theta = 2.0 * atan(ratio * (sz / cz))
    if uniforms(keys, key, 1, i, 0, wide)[0] < 0.5:
        theta = -theta
    return wrap(a + theta)


# ---------------------------------------------------------------- ball (§6.11)

@njit(cache=True, error_model="numpy", forceinline=True)
def _ball_exp(keys, key, i, wide, a, b, c):
    # The point's exponential: −log u, u uniform 0 of lane 2 of the point's first coordinate.
    return -log(uniforms(keys, key, 2, i, 0, wide)[0])


@njit(cache=True, error_model="numpy", forceinline=True)
def _ball(keys, key, i, wide, a, b, c):
    # ±exp((log G − log S)/p): G the Gamma(1/p) of lane 0 (in log space), the sign from
    # uniform 0 of lane 1; a = S (the point's sum), b = 1/p, c = p.
    x = exp((log_gamma(keys, key, 0, i, b, wide) - log(a)) / c)
    return -x if uniforms(keys, key, 1, i, 0, wide)[0] < 0.5 else x


#: This module's distributions: code → sample function ``f(keys, key, i, wide, a, b, c)``.
SAMPLES = {
    Dist.CAUCHY: _cauchy,
    Dist.LOGISTIC: _logistic,
    Dist.LOGNORMAL: _lognormal,
    Dist.PARETO: _pareto,
    Dist.POWER: _power,
    Dist.RAYLEIGH: _rayleigh,
    Dist.WEIBULL_MIN: _weibull_min,
    Dist.TRIANGULAR: _triangular,
    Dist.WALD: _wald,
    Dist.VONMISES: _vonmises,
    Dist.BALL_EXP: _ball_exp,
    Dist.BALL: _ball,
}
