"""The Poisson and binomial family: sample functions (docs/distributions.md §5).

``poisson``, ``binomial``, ``negative_binomial`` (a gamma–Poisson mixture),
``noncentral_chisquare`` and ``noncentral_f`` (Poisson or normal mixtures of
chi-squares); ``multinomial`` draws conditional binomials
(:mod:`keyrand._sample_discrete`). Small means use inversion by sequential
search from one uniform; larger ones Hörmann's transformed rejection with
squeeze, PTRS for Poisson and BTRS for binomial (Hörmann 1993), whose
acceptance tests evaluate the log probabilities in Loader's saddle-point form
(a Stirling error plus a deviance term, Loader 2000), which stays exact where
``k·log λ − log Γ(k + 1)`` would cancel (λ or n ≥ 10^7). ``dists_discrete.cu``
transliterates every function here.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import Dist
from ._dists_base import standard_gamma
from ._element_stream import normal, uniforms
from ._fmath import exp, lgamma, log
from ._mathconst import DIST_DISCRETE, FMATH

_HALF_LOG_2PI = FMATH["half_log_2pi"]
_PB0, _PB1 = DIST_DISCRETE["ptrs_b0"], DIST_DISCRETE["ptrs_b1"]
_PA0, _PA1 = DIST_DISCRETE["ptrs_a0"], DIST_DISCRETE["ptrs_a1"]
_PIA0, _PIA1, _PIA2 = (DIST_DISCRETE[f"ptrs_ia{j}"] for j in range(3))
_PVR0, _PVR1 = DIST_DISCRETE["ptrs_vr0"], DIST_DISCRETE["ptrs_vr1"]
_PSHIFT = DIST_DISCRETE["ptrs_shift"]
_BB0, _BB1 = DIST_DISCRETE["btrs_b0"], DIST_DISCRETE["btrs_b1"]
_BA0, _BA1, _BA2 = (DIST_DISCRETE[f"btrs_a{j}"] for j in range(3))
_BVR0, _BVR1 = DIST_DISCRETE["btrs_vr0"], DIST_DISCRETE["btrs_vr1"]
_BAL0, _BAL1 = DIST_DISCRETE["btrs_al0"], DIST_DISCRETE["btrs_al1"]
_SQUEEZE_US = DIST_DISCRETE["squeeze_us"]
_TAIL_US = DIST_DISCRETE["tail_us"]
_SWITCH = DIST_DISCRETE["switch"]
_STIRLING = DIST_DISCRETE["stirling"]
_LAM_CLIP = DIST_DISCRETE["lam_clip"]


@njit(cache=True, error_model="numpy", forceinline=True)
def log1p(x):
    """``log(1 + x)`` for ``x > −1``: ``log w − ((w − 1) − x)/w`` with ``w = 1 + x`` rounded.

    The correction restores what rounding ``1 + x`` lost (first order), so
    the result is accurate to a few ulps also for tiny ``x`` (``x`` itself
    when ``1 + x`` rounds to 1).
    """
    w = 1.0 + x
    if w == 1.0:
        return x
    return log(w) - ((w - 1.0) - x) / w


@njit(cache=True, error_model="numpy", forceinline=True)
def stirling_error(k):
    """``log Γ(k + 1) − (k + ½)·log k + k − ½·log 2π`` for integral ``k ≥ 1``.

    By its series ``1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) + 1/(1188k⁹)``
    from ``k = 12`` (truncation below 1e-14), by lgamma below.
    """
    if k < _STIRLING:
        return lgamma(k + 1.0) - (k + 0.5) * log(k) + k - _HALF_LOG_2PI
    w = 1.0 / k
    w2 = w * w
    return w * (1.0 / 12.0 - w2 * (1.0 / 360.0 - w2 * (1.0 / 1260.0 - w2 * (
        1.0 / 1680.0 - w2 * (1.0 / 1188.0)))))


@njit(cache=True, error_model="numpy", forceinline=True)
def deviance(x, m):
    """``x·log(x/m) + m − x`` for ``x, m > 0``: ``m·((1 + t)·log1p(t) − t)``, ``t = (x − m)/m``."""
    t = (x - m) / m
    return m * ((1.0 + t) * log1p(t) - t)


@njit(cache=True, error_model="numpy", forceinline=True)
def poisson_log_pmf(k, lam):
    """Poisson ``log P(k) = −λ + k·log λ − log k!``.

    As ``−½·log(2πk) − stirling_error(k) − deviance(k, λ)`` (``−λ`` at ``k = 0``).
    """
    if k == 0.0:
        return -lam
    return -_HALF_LOG_2PI - 0.5 * log(k) - stirling_error(k) - deviance(k, lam)


@njit(cache=True, error_model="numpy", forceinline=True)
def _poisson_inversion(keys, key, lane, i, lam, wide):
    # Sequential search from 0 with uniform 0: p_k = p_(k−1)·λ/k until u ≤ F(k).
    u = uniforms(keys, key, lane, i, 0, wide)[0]
    p = exp(-lam)
    f = p
    k = 0.0
    while u > f:
        k = k + 1.0
        p = p * lam / k
        g = f + p
        if g == f:
            break
        f = g
    return k


@njit(cache=True, error_model="numpy", forceinline=True)
def _ptrs(keys, key, lane, i, lam, wide):
    # Hörmann's PTRS; attempt t reads uniforms 2t (u) and 2t + 1 (v).
    slam = np.sqrt(lam)
    b = _PB0 + _PB1 * slam
    a = _PA0 + _PA1 * b
    log_inv_alpha = log(_PIA0 + _PIA1 / (b - _PIA2))
    vr = _PVR0 - _PVR1 / (b - 2.0)
    t = 0
    while True:
        u0, v = uniforms(keys, key, lane, i, t, wide)
        t += 1
        u = u0 - 0.5
        us = 0.5 - (u if u >= 0.0 else -u)
        k = math.floor((2.0 * a / us + b) * u + lam + _PSHIFT)
        if us >= _SQUEEZE_US and v <= vr:
            return k
        if k < 0.0 or (us < _TAIL_US and v > us):
            continue
        if log(v) + log_inv_alpha - log(a / (us * us) + b) <= poisson_log_pmf(k, lam):
            return k


@njit(cache=True, error_model="numpy", forceinline=True)
def poisson_lane(keys, key, lane, i, lam, wide):
    """A Poisson(λ) variate from lane ``lane``: inversion below λ = 10, PTRS from there.

    ``λ = 0`` gives 0; NaN and inf give themselves.
    """
    if not (lam < math.inf):
        return lam
    if lam < _SWITCH:
        return _poisson_inversion(keys, key, lane, i, lam, wide)
    return _ptrs(keys, key, lane, i, lam, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _poisson(keys, key, i, wide, a, b, c):
    return poisson_lane(keys, key, 0, i, a, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _binomial_inversion(keys, key, i, n, p, wide):
    # Sequential search from 0 with uniform 0: p_k = p_(k−1)·(n − k + 1)/k·p/(1 − p).
    u = uniforms(keys, key, 0, i, 0, wide)[0]
    r = p / (1.0 - p)
    pk = exp(n * log1p(-p))
    f = pk
    k = 0.0
    while u > f and k < n:
        pk = pk * r * (n - k) / (k + 1.0)
        k = k + 1.0
        g = f + pk
        if g == f:
            break
        f = g
    return k


@njit(cache=True, error_model="numpy", forceinline=True)
def binomial_log_pmf(k, n, p, q):
    """``log P(K = k) − stirling_error(n) + ½·log 2π`` for Binomial(n, p), ``q = 1 − p``.

    Inside the support's ends: ``−stirling_error(k) − stirling_error(n − k)
    − deviance(k, np) − deviance(n − k, nq) − ½·log(k(n − k)/n)``.
    """
    if k == 0.0:
        return n * log1p(-p) - stirling_error(n) + _HALF_LOG_2PI
    if k == n:
        return n * log(p) - stirling_error(n) + _HALF_LOG_2PI
    j = n - k
    return (-stirling_error(k) - stirling_error(j) - deviance(k, n * p) - deviance(j, n * q)
            - 0.5 * log(k * j / n))


@njit(cache=True, error_model="numpy", forceinline=True)
def _btrs(keys, key, i, n, p, wide):
    # Hörmann's BTRS for p ≤ ½; attempt t reads uniforms 2t (u) and 2t + 1 (v).
    q = 1.0 - p
    spq = np.sqrt(n * p * q)
    b = _BB0 + _BB1 * spq
    a = _BA0 + _BA1 * b + _BA2 * p
    c = n * p + 0.5
    vr = _BVR0 - _BVR1 / b
    alpha = (_BAL0 + _BAL1 / b) * spq
    m = math.floor((n + 1.0) * p)
    log_m = binomial_log_pmf(m, n, p, q)
    t = 0
    while True:
        u0, v = uniforms(keys, key, 0, i, t, wide)
        t += 1
        u = u0 - 0.5
        us = 0.5 - (u if u >= 0.0 else -u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0.0 or k > n:
            continue
        if us >= _SQUEEZE_US and v <= vr:
            return k
        if log(v * alpha / (a / (us * us) + b)) <= binomial_log_pmf(k, n, p, q) - log_m:
            return k


@njit(cache=True, error_model="numpy", forceinline=True)
def _binomial(keys, key, i, wide, a, b, c):
    # a = n (integral, ≥ 0), b = p in [0, 1] (NaN otherwise); p > ½: n − Binomial(n, 1 − p).
    n, p = a, b
    if not (n >= 0.0 and n < math.inf and math.floor(n) == n and p >= 0.0 and p <= 1.0):
        return math.nan
    if n == 0.0 or p == 0.0:
        return 0.0
    if p == 1.0:
        return n
    flip = p > 0.5
    s = 1.0 - p if flip else p
    if n * s < _SWITCH:
        k = _binomial_inversion(keys, key, i, n, s, wide)
    else:
        k = _btrs(keys, key, i, n, s, wide)
    return n - k if flip else k


@njit(cache=True, error_model="numpy", forceinline=True)
def _negative_binomial(keys, key, i, wide, a, b, c):
    # Poisson (lane 1) of λ = G·(1 − p)/p, G ~ Gamma(n) (lane 0); λ clipped at 2^52; NaN
    # outside n > 0, p in (0, 1].
    n, p = a, b
    if not (n > 0.0 and n < math.inf and p > 0.0 and p <= 1.0):
        return math.nan
    if p == 1.0:
        return 0.0
    lam = standard_gamma(keys, key, 0, i, n, wide) * ((1.0 - p) / p)
    if lam > _LAM_CLIP:
        lam = _LAM_CLIP
    return poisson_lane(keys, key, 1, i, lam, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def noncentral_chisquare_lanes(keys, key, i, df, nonc, wide):
    """Noncentral χ²(df, nonc) from lanes 0 (the gamma) and 1 (the normal or the Poisson)."""
    if df != df or nonc != nonc:
        return math.nan
    if nonc == 0.0:
        return 2.0 * standard_gamma(keys, key, 0, i, df * 0.5, wide)
    if nonc == math.inf:
        return math.inf
    if df > 1.0:
        chi = 2.0 * standard_gamma(keys, key, 0, i, (df - 1.0) * 0.5, wide)
        z = normal(keys, key, 1, i, 0, wide) + np.sqrt(nonc)
        return chi + z * z
    j = poisson_lane(keys, key, 1, i, nonc * 0.5, wide)
    return 2.0 * standard_gamma(keys, key, 0, i, df * 0.5 + j, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _noncentral_chisquare(keys, key, i, wide, a, b, c):
    return noncentral_chisquare_lanes(keys, key, i, a, b, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _noncentral_f(keys, key, i, wide, a, b, c):
    # (χ²'(dfnum, nonc)·dfden) / (χ²(dfden)·dfnum): lanes 0 and 1, then lane 2.
    num = noncentral_chisquare_lanes(keys, key, i, a, c, wide) * b
    return num / (2.0 * standard_gamma(keys, key, 2, i, b * 0.5, wide) * a)


#: This module's distributions: code → sample function ``f(keys, key, i, wide, a, b, c)``.
SAMPLES = {
    Dist.POISSON: _poisson,
    Dist.BINOMIAL: _binomial,
    Dist.NEGATIVE_BINOMIAL: _negative_binomial,
    Dist.NONCENTRAL_CHISQUARE: _noncentral_chisquare,
    Dist.NONCENTRAL_F: _noncentral_f,
}
