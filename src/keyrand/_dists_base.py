"""The distributions' shared building blocks (gamma variates) and ``exponential``, ``gamma``.

Every distribution beyond MLX is one sample function (docs/distributions.md):
``f(keys, key, i, wide, a, b, c) -> float64`` returns element ``i``'s sample
from its own element stream (:mod:`keyrand._element_stream`): ``keys`` is the
pair-key table, ``key`` the draw's key, ``wide`` true for float64 draws (52-bit
uniforms) and ``a, b, c`` the element's parameters (float64; unused ones 0).
Discrete distributions return their integer values as float64 (exact below
2^53). Rejection loops draw attempt after attempt from the element's own
pairs, so they never touch another element's counters.

The sample functions live in family modules (``_dists_*.py``), each with a
``SAMPLES`` table that :mod:`keyrand._distributions` gathers. They are the one
definition of each sampler's arithmetic; the CUDA templates (``dists*.cu``)
transliterate them operation by operation, and tests/test_dists_cuda.py
compiles those for the host and compares bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import Dist
from ._element_stream import normal, uniforms
from ._fmath import exp, log
from ._mathconst import DIST_CONST

_F64 = np.float64
_THIRD = DIST_CONST["third"]
_SQUEEZE = DIST_CONST["squeeze"]


@njit(cache=True, error_model="numpy", forceinline=True)
def _exponential(keys, key, i, wide, a, b, c):
    # −log u (docs/distributions.md §3.1).
    return -log(uniforms(keys, key, 0, i, 0, wide)[0])


@njit(cache=True, error_model="numpy", forceinline=True)
def marsaglia_tsang(keys, key, lane, i, a, wide):
    """``(d·v, u')``: a Gamma(a) sample for ``a ≥ 1`` and the spare uniform of its attempt.

    Attempt ``t`` takes its normal ``x`` from uniforms ``4t, 4t+1`` and ``u, u'``
    from ``4t+2, 4t+3`` of lane ``lane``: with ``d = a − 1/3``, ``k = 1/√(9d)``
    and ``v = (1 + k·x)³``, it accepts when ``v > 0`` and ``u < 1 − 0.0331·x⁴``
    or ``log u < x²/2 + d − d·v + d·log v`` (Marsaglia & Tsang, 2000).
    """
    d = a - _THIRD
    k = 1.0 / np.sqrt(9.0 * d)
    t = 0
    while True:
        x = normal(keys, key, lane, i, 2 * t, wide)
        u, spare = uniforms(keys, key, lane, i, 2 * t + 1, wide)
        t += 1
        y = 1.0 + k * x
        if y <= 0.0:
            continue
        v = y * y * y
        x2 = x * x
        if u < 1.0 - _SQUEEZE * (x2 * x2):
            return d * v, spare
        if log(u) < 0.5 * x2 + d - d * v + d * log(v):
            return d * v, spare


@njit(cache=True, error_model="numpy", forceinline=True)
def standard_gamma(keys, key, lane, i, a, wide):
    """Gamma(a) with unit scale from lane ``lane`` (docs/distributions.md §3.2).

    ``a < 1`` boosts: ``G(a+1)·u'^(1/a)``; ``a = 0`` gives 0, NaN and inf themselves.
    """
    if not (a > 0.0) or a == math.inf:
        return a if a != 0.0 else 0.0
    boost = a < 1.0
    g, spare = marsaglia_tsang(keys, key, lane, i, a + 1.0 if boost else a, wide)
    return g * exp(log(spare) / a) if boost else g


@njit(cache=True, error_model="numpy", forceinline=True)
def log_gamma(keys, key, lane, i, a, wide):
    """``log G`` for G ~ Gamma(a), in log space for ``a < 1``: ``log G(a+1) + log(u')/a``."""
    if not (a > 0.0) or a == math.inf:
        return log(a) if a == a else a
    boost = a < 1.0
    g, spare = marsaglia_tsang(keys, key, lane, i, a + 1.0 if boost else a, wide)
    return log(g) + log(spare) / a if boost else log(g)


@njit(cache=True, error_model="numpy", forceinline=True)
def _gamma(keys, key, i, wide, a, b, c):
    return standard_gamma(keys, key, 0, i, a, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _uniform(keys, key, i, wide, a, b, c):
    return uniforms(keys, key, 0, i, 0, wide)[0]


@njit(cache=True, error_model="numpy", forceinline=True)
def _normal(keys, key, i, wide, a, b, c):
    return normal(keys, key, 0, i, 0, wide)


#: This module's distributions: code → sample function ``f(keys, key, i, wide, a, b, c)``.
SAMPLES = {
    Dist.EXPONENTIAL: _exponential,
    Dist.GAMMA: _gamma,
    Dist.UNIFORM: _uniform,
    Dist.NORMAL: _normal,
}
