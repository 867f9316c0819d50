"""The counting distributions: geometric, rademacher, hypergeometric, logseries, zipf.

Sample functions ``f(keys, key, i, wide, a, b, c) -> float64`` over element
streams (docs/distributions.md §5.6–§5.10), returning exact integers as
float64. Every one draws from lane 0. Except rademacher, they read 53-bit
uniforms whatever the output dtype (``wide`` is ignored): an integer sample
is a function of its uniforms far from 0 and 1, where 32-bit uniforms would
leave gaps (geometric with ``p = 1e-9`` would skip most integers).

- geometric: ``⌊log u / log1p(−p)⌋ + 1`` from uniform 0.
- rademacher: −1 when uniform 0 (32-bit) is below ½, else +1.
- hypergeometric: NumPy's two methods; the urn for fewer than 10 draws (or
  fewer than 10 left), step ``t`` reading uniform ``t``; otherwise
  Stadlober's ratio-of-uniforms (HRUA), attempt ``t`` reading uniforms
  ``2t, 2t+1``.
- logseries: Kemp's second accelerated method (as NumPy) from uniforms 0, 1.
- zipf: Devroye's rejection (as NumPy), attempt ``t`` reading uniforms
  ``2t, 2t+1``, its candidate computed in log space.

:func:`log1p` and :func:`expm1` are float64 functions of these samplers,
built on :func:`keyrand._fmath.log` and :func:`keyrand._fmath.exp`
(``dists_counting.cu`` transliterates the module).
"""

from __future__ import annotations

import math

from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._codes import Dist
from ._element_stream import uniforms
from ._fmath import exp, lgamma, log
from ._mathconst import DIST_COUNTING

_D1 = DIST_COUNTING["hrua_d1"]
_D2 = DIST_COUNTING["hrua_d2"]
_URN = DIST_COUNTING["hrua_urn"]
_TAIL = DIST_COUNTING["hrua_tail"]
_LOG_TOP = DIST_COUNTING["zipf_log_top"]
_TOP = DIST_COUNTING["zipf_top"]
_ONE = DIST_COUNTING["zipf_one"]
_LN2 = DIST_COUNTING["ln2"]


@njit(cache=True, error_model="numpy", forceinline=True)
def log1p(x):
    """``log(1 + x)`` for float64 ``x ≥ −1``: ``log(u)·(x/(u − 1))`` with ``u = 1 + x``.

    The quotient ``x/(u − 1)`` corrects the rounding of ``u`` (Goldberg, 1991,
    "What every computer scientist should know about floating-point
    arithmetic", Theorem 4); ``x`` itself where ``u`` rounds to 1.
    """
    u = 1.0 + x
    if u == 1.0 or u == math.inf:
        return x
    return log(u) * (x / (u - 1.0))


@njit(cache=True, error_model="numpy", forceinline=True)
def expm1(x):
    """``e^x − 1`` for float64 ``x``: ``(u − 1)·(x/log u)`` with ``u = e^x`` (Kahan's method).

    ``x`` itself where ``u`` rounds to 1, −1 where ``u − 1`` is −1, inf above
    exp's range.
    """
    u = exp(x)
    if u == 1.0:
        return x
    um1 = u - 1.0
    if um1 == -1.0 or u == math.inf:
        return um1
    return um1 * (x / log(u))


@njit(cache=True, error_model="numpy", forceinline=True)
def _geometric(keys, key, i, wide, a, b, c):
    # ⌊log u / log1p(−p)⌋ + 1 (docs/distributions.md §5.6); p = 1 gives 1.
    u = uniforms(keys, key, 0, i, 0, True)[0]
    return math.floor(log(u) / log1p(-a)) + 1.0


@njit(cache=True, error_model="numpy", forceinline=True)
def _rademacher(keys, key, i, wide, a, b, c):
    # −1 or +1 with probability ½ each: the top bit of word 0 (docs/distributions.md §5.7).
    u = uniforms(keys, key, 0, i, 0, False)[0]
    return -1.0 if u < 0.5 else 1.0


@njit(cache=True, error_model="numpy", forceinline=True)
def _log_factorial(k):
    return lgamma(k + 1.0)


@njit(cache=True, error_model="numpy", forceinline=True)
def _urn(keys, key, i, good, bad, sample):
    """Draw ``m = min(sample, total − sample)`` items one at a time (``m < 10``).

    Step ``t`` takes a good item when ``⌊u_t·T⌋ < G`` for the ``T`` items and
    ``G`` good ones left; more than half the urn is the complement's draw.
    """
    total = good + bad
    half = sample > total * 0.5
    m = total - sample if half else sample
    left = total
    good_left = good
    t = 0
    u = 0.0
    spare = 0.0
    while m > 0.0 and good_left > 0.0 and left > good_left:
        if t % 2 == 0:
            u, spare = uniforms(keys, key, 0, i, t // 2, True)
        else:
            u = spare
        if u * left < good_left:
            good_left = good_left - 1.0
        left = left - 1.0
        m = m - 1.0
        t += 1
    if left == good_left:
        good_left = good_left - m
    return good_left if half else good - good_left


@njit(cache=True, error_model="numpy", forceinline=True)
def _hrua(keys, key, i, good, bad, sample):
    """Stadlober's ratio-of-uniforms with the table-mountain hat (NumPy's HRUA).

    Attempt ``t`` reads ``U, V`` from uniforms ``2t, 2t+1``, proposes
    ``X = a + h·(V − ½)/U`` and accepts ``K = ⌊X⌋`` when ``2·log U ≤ g − g_K``
    (two quick tests first) with ``g_K`` the log-factorials of ``K``'s term.
    """
    total = good + bad
    n = min(sample, total - sample)
    small = min(good, bad)
    large = max(good, bad)
    p = small / total
    q = large / total
    a = n * p + 0.5
    var = (total - n) * n * p * q / (total - 1.0)
    s = math.sqrt(var + 0.5)
    h = _D1 * s + _D2
    mode = math.floor((n + 1.0) * (small + 1.0) / (total + 2.0))
    g = (_log_factorial(mode) + _log_factorial(small - mode) + _log_factorial(n - mode)
         + _log_factorial(large - n + mode))
    top = min(min(n, small) + 1.0, math.floor(a + _TAIL * s))
    t = 0
    k = 0.0
    while True:
        u, v = uniforms(keys, key, 0, i, t, True)
        t += 1
        x = a + h * (v - 0.5) / u
        if x < 0.0 or x >= top:
            continue
        k = math.floor(x)
        gk = (_log_factorial(k) + _log_factorial(small - k) + _log_factorial(n - k)
              + _log_factorial(large - n + k))
        d = g - gk
        if u * (4.0 - u) - 3.0 <= d:
            break
        if u * (u - d) >= 1.0:
            continue
        if 2.0 * log(u) <= d:
            break
    if good > bad:
        k = n - k
    if n < sample:
        k = good - k
    return k


@njit(cache=True, error_model="numpy", forceinline=True)
def _hypergeometric(keys, key, i, wide, a, b, c):
    # ngood a, nbad b, nsample c (docs/distributions.md §5.8): NumPy's choice of method.
    if c >= _URN and c <= a + b - _URN:
        return _hrua(keys, key, i, a, b, c)
    return _urn(keys, key, i, a, b, c)


@njit(cache=True, error_model="numpy", forceinline=True)
def _logseries(keys, key, i, wide, a, b, c):
    # Kemp's method (docs/distributions.md §5.9): V from uniform 0, U from uniform 1.
    v, u = uniforms(keys, key, 0, i, 0, True)
    if v >= a:
        return 1.0
    q = -expm1(log1p(-a) * u)
    if v <= q * q:
        return math.floor(1.0 + log(v) / log(q))
    if v >= q:
        return 1.0
    return 2.0


@njit(cache=True, error_model="numpy", forceinline=True)
def _zipf(keys, key, i, wide, a, b, c):
    # Devroye's rejection (docs/distributions.md §5.10), truncated below 2^63 as NumPy.
    if a >= _ONE:
        return 1.0
    am1 = a - 1.0
    mass = -expm1(-am1 * _LOG_TOP)
    bm1 = expm1(am1 * _LN2)
    b2 = 1.0 + bm1
    t = 0
    while True:
        u, v = uniforms(keys, key, 0, i, t, True)
        t += 1
        x = math.floor(exp(-log1p(-u * mass) / am1))
        if x >= _TOP or x < 1.0:
            continue
        tm1 = expm1(am1 * log1p(1.0 / x))
        if v * x * tm1 / bm1 <= (1.0 + tm1) / b2:
            return x


#: This module's distributions: code → sample function ``f(keys, key, i, wide, a, b, c)``.
SAMPLES = {
    Dist.GEOMETRIC: _geometric,
    Dist.RADEMACHER: _rademacher,
    Dist.HYPERGEOMETRIC: _hypergeometric,
    Dist.LOGSERIES: _logseries,
    Dist.ZIPF: _zipf,
}
