"""The gamma family's sample functions, and the element draws of dirichlet, choice, permuted.

Each function ``f(keys, key, i, wide, a, b, c) -> float64`` is element ``i``'s
sample from its own element stream (docs/distributions.md §3.3–§3.10, §6.1–§6.3),
built from the gamma variates of :mod:`keyrand._dists_base`. Two-variate
distributions take their variates from separate lanes: lane 0 the first
(beta's ``G(a)``, t's normal, f's numerator), lane 1 the second. ``dists_gamma.cu``
transliterates every function operation by operation.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import Dist
from ._dists_base import log_gamma, marsaglia_tsang, standard_gamma
from ._element_stream import normal, pair, uniforms
from ._fmath import exp, log
from ._mathconst import DIST_GAMMA

_U64 = np.uint64
_F64 = np.float64
_DIRECT_MAX = DIST_GAMMA["direct_max"]


@njit(cache=True, error_model="numpy", forceinline=True)
def _beta_tiny(keys, key, i, a, b, wide):
    """Beta when both log-gammas are −inf (a, b < 1e-308): 1 when ``log u_a/a > log u_b/b``."""
    sa = marsaglia_tsang(keys, key, 0, i, a + 1.0, wide)[1]
    sb = marsaglia_tsang(keys, key, 1, i, b + 1.0, wide)[1]
    return 1.0 if log(sa) * b > log(sb) * a else 0.0


@njit(cache=True, error_model="numpy", forceinline=True)
def _beta(keys, key, i, wide, a, b, c):
    # G(a) from lane 0, G(b) from lane 1: G_a / (G_a + G_b) (docs/distributions.md §3.3).
    if a != a or b != b:
        return a + b
    if a == math.inf:
        return 1.0 if b < math.inf else math.nan
    if b == math.inf:
        return 0.0
    if a >= 1.0 and b >= 1.0 and a < _DIRECT_MAX and b < _DIRECT_MAX:
        x = standard_gamma(keys, key, 0, i, a, wide)
        y = standard_gamma(keys, key, 1, i, b, wide)
        return x / (x + y)
    la = log_gamma(keys, key, 0, i, a, wide)
    lb = log_gamma(keys, key, 1, i, b, wide)
    if la == -math.inf and lb == -math.inf:
        return _beta_tiny(keys, key, i, a, b, wide)
    m = la if la > lb else lb
    x = exp(la - m)
    y = exp(lb - m)
    return x / (x + y)


@njit(cache=True, error_model="numpy", forceinline=True)
def _chisquare(keys, key, i, wide, a, b, c):
    # 2·G(df/2) from lane 0 (§3.4).
    return 2.0 * standard_gamma(keys, key, 0, i, 0.5 * a, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _t(keys, key, i, wide, a, b, c):
    # z·√(h / G(h)), h = df/2: z from lane 0, G from lane 1; in log space for h < 1 (§3.5).
    z = normal(keys, key, 0, i, 0, wide)
    if a != a:
        return a
    if a == math.inf:
        return z
    h = 0.5 * a
    if h >= 1.0:
        return z * np.sqrt(h / standard_gamma(keys, key, 1, i, h, wide))
    return z * exp(0.5 * (log(h) - log_gamma(keys, key, 1, i, h, wide)))


@njit(cache=True, error_model="numpy", forceinline=True)
def _f(keys, key, i, wide, a, b, c):
    # (G(h_n)/h_n) / (G(h_d)/h_d), h = df/2: numerator lane 0, denominator lane 1 (§3.6).
    if a != a or b != b:
        return a + b
    hn = 0.5 * a
    hd = 0.5 * b
    if hn >= 1.0 and hd >= 1.0 and hn < math.inf and hd < math.inf:
        x = standard_gamma(keys, key, 0, i, hn, wide) / hn
        y = standard_gamma(keys, key, 1, i, hd, wide) / hd
        return x / y
    ln = 0.0 if hn == math.inf else log_gamma(keys, key, 0, i, hn, wide) - log(hn)
    ld = 0.0 if hd == math.inf else log_gamma(keys, key, 1, i, hd, wide) - log(hd)
    return exp(ln - ld)


@njit(cache=True, error_model="numpy", forceinline=True)
def _loggamma(keys, key, i, wide, a, b, c):
    # log G(a) from lane 0, without underflow (§3.7).
    return log_gamma(keys, key, 0, i, a, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _sign(keys, key, i, wide):
    """+1 or −1 from uniform 0 of lane 1 (+1 when it is below ½)."""
    return 1.0 if uniforms(keys, key, 1, i, 0, wide)[0] < 0.5 else -1.0


@njit(cache=True, error_model="numpy", forceinline=True)
def _generalized_normal(keys, key, i, wide, a, b, c):
    # ±exp(log G(1/p) / p): G from lane 0, the sign from lane 1 (§3.8).
    if a != a:
        return a
    return _sign(keys, key, i, wide) * exp(log_gamma(keys, key, 0, i, 1.0 / a, wide) / a)


@njit(cache=True, error_model="numpy", forceinline=True)
def _maxwell_norm(keys, key, i, wide):
    """√(x² + y² + z²) of the normals from uniforms 0–5 of lane 0."""
    x = normal(keys, key, 0, i, 0, wide)
    y = normal(keys, key, 0, i, 1, wide)
    z = normal(keys, key, 0, i, 2, wide)
    return np.sqrt(x * x + y * y + z * z)


@njit(cache=True, error_model="numpy", forceinline=True)
def _maxwell(keys, key, i, wide, a, b, c):
    # The norm of three normals (§3.9).
    return _maxwell_norm(keys, key, i, wide)


@njit(cache=True, error_model="numpy", forceinline=True)
def _double_sided_maxwell(keys, key, i, wide, a, b, c):
    # sign·maxwell·scale + loc: maxwell from lane 0, the sign from lane 1 (§3.10).
    return _sign(keys, key, i, wide) * _maxwell_norm(keys, key, i, wide) * b + a


@njit(cache=True, error_model="numpy", forceinline=True)
def _dirichlet_exp(keys, key, i, wide, a, b, c):
    # exp(a)/b: a log-gamma less its row's largest, over the row's sum (dirichlet, §6.1); no words.
    return exp(a) / b


@njit(cache=True, error_model="numpy", forceinline=True)
def _choice_index(keys, key, i, wide, a, b, c):
    # A uniform index below n = a (< 2^53): attempt t masks the 64 bits of pair t of lane 0
    # to the next power of two and accepts a value below n (§6.2).
    n = _U64(a)
    m = n - _U64(1)
    for s in (1, 2, 4, 8, 16, 32):
        m |= m >> _U64(s)
    t = 0
    while True:
        w0, w1 = pair(keys, key, 0, i, t)
        t += 1
        x = ((_U64(w0) << _U64(32)) | _U64(w1)) & m
        if x < n:
            return _F64(x)


@njit(cache=True, error_model="numpy", forceinline=True)
def _choice_key(keys, key, i, wide, a, b, c):
    # The exponential race key −log(u)/p of population item i (choice without replacement, §6.2).
    return -log(uniforms(keys, key, 0, i, 0, wide)[0]) / a


@njit(cache=True, error_model="numpy", forceinline=True)
def _permuted_word(keys, key, i, wide, a, b, c):
    # Word a (0 or 1) of pair 0 of lane 0: the two halves of element i's 64-bit sort key (§6.3).
    w0, w1 = pair(keys, key, 0, i, 0)
    return _F64(w0) if a == 0.0 else _F64(w1)


#: This module's distributions: code → sample function ``f(keys, key, i, wide, a, b, c)``.
SAMPLES = {
    Dist.BETA: _beta,
    Dist.CHISQUARE: _chisquare,
    Dist.T: _t,
    Dist.F: _f,
    Dist.LOGGAMMA: _loggamma,
    Dist.GENERALIZED_NORMAL: _generalized_normal,
    Dist.MAXWELL: _maxwell,
    Dist.DOUBLE_SIDED_MAXWELL: _double_sided_maxwell,
    Dist.DIRICHLET_EXP: _dirichlet_exp,
    Dist.CHOICE_INDEX: _choice_index,
    Dist.CHOICE_KEY: _choice_key,
    Dist.PERMUTED_WORD: _permuted_word,
}
