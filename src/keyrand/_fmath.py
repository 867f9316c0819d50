"""keyrand's own float64 elementary functions: the arithmetic of the distributions.

The distributions beyond MLX (docs/distributions.md) compute in float64 with
these functions only, never with the host's C library or CUDA's libdevice,
so a sample is the same bits on every CPU and GPU. Each function uses IEEE
additions, multiplications, divisions, square roots and exact bit operations,
in an order the CUDA source (``dists.cu``) repeats operation by operation
(compiled without multiply-add contraction).

- :func:`log`: ``x = 2^k·(1 + f)`` with ``√2/2 ≤ 1 + f < √2``, ``s = f/(2 + f)``,
  ``log(1 + f) = f − (f²/2 − s·(f²/2 + R(s²)))`` with fdlibm's degree-7
  polynomial ``R`` (the ``Lp`` coefficients), plus ``k·ln 2`` in two parts.
- :func:`exp`: ``x = k·ln 2 + r``, ``|r| ≤ ln2/2``, ``exp(r) = 1 + 2r/(2 − c)``
  with ``c = r − r²·P(r²)`` (fdlibm's degree-5 ``P``), scaled by ``2^k``.
- :func:`sinpi`, :func:`cospi`: ``x`` reduced exactly to ``n/2 + r``,
  ``|r| ≤ 1/4``, then fdlibm's kernel polynomials at ``t = π·r``.
- :func:`lgamma`: ``log Γ(x)`` for ``x > 0``: Stirling's series with five
  correction terms at ``y = x + n ≥ 12``, less ``log(x·(x+1)···(x+n−1))``.

Accuracy (measured against mpmath in tests/test_fmath.py): log, exp, sinpi
and cospi within 1 ulp; lgamma within 2e-14 absolute where
``|log Γ(x)| < 1`` and 1e-15 relative elsewhere (the samplers use it in
acceptance tests and in differences of lgamma values).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import _numba_cache  # noqa: F401  (Numba's cache locator, before any @njit)
from ._mathconst import FMATH
from ._mathf64 import _bits, _from_bits

_F64 = np.float64
_I64 = np.int64
_LN2_HI = FMATH["ln2_hi"]
_LN2_LO = FMATH["ln2_lo"]
_INV_LN2 = FMATH["inv_ln2"]
_LG1, _LG2, _LG3, _LG4, _LG5, _LG6, _LG7 = (FMATH[f"lg{i}"] for i in range(1, 8))
_P1, _P2, _P3, _P4, _P5 = (FMATH[f"p{i}"] for i in range(1, 6))
_S1, _S2, _S3, _S4, _S5, _S6 = (FMATH[f"s{i}"] for i in range(1, 7))
_C1, _C2, _C3, _C4, _C5, _C6 = (FMATH[f"c{i}"] for i in range(1, 7))
_PI = FMATH["pi"]
_EXP_MAX = FMATH["exp_max"]
_EXP_MIN = FMATH["exp_min"]
_HALF_LOG_2PI = FMATH["half_log_2pi"]
_TWO54 = FMATH["two54"]
_MANTISSA = 0x000FFFFFFFFFFFFF
#: High 32 bits of √2's mantissa, less 1 (0x6A09E): 1 + f above √2 moves to the next binade.
_SQRT2_MANT = 0x6A09E
_STIRLING = FMATH["stirling"]


@njit(cache=True, error_model="numpy", forceinline=True)
def _scale(y, k):
    # y·2^k for the exp result y in [0.7, 1.5] and any k: two factors, so that the steps
    # below and above the normal exponents stay exact (the second is 1 for normal results).
    e1 = _I64(2046) if k > 1023 else (k + 2023 if k < -1021 else k + 1023)
    e2 = k if k > 1023 else (_I64(23) if k < -1021 else _I64(1023))
    return y * _from_bits(e1 << 52) * _from_bits(e2 << 52)


# log and exp compute their main path for every input and pick special results by selects
# at the end, without branches: LLVM then vectorizes the loops that call them.


@njit(cache=True, error_model="numpy", forceinline=True)
def log(x):
    """Natural logarithm of float64 ``x`` (NaN below 0, −inf at 0, inf at inf)."""
    sub = x < 2.2250738585072014e-308
    b = _bits(x * _TWO54 if sub else x)
    hi = b >> 32
    up = (hi & 0xFFFFF) > _SQRT2_MANT
    k = (hi >> 20) - (_I64(1077) if sub else _I64(1023)) + (_I64(1) if up else _I64(0))
    m = _from_bits((b & _MANTISSA) | ((_I64(1022) if up else _I64(1023)) << 52))
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    r = z * (_LG1 + z * (_LG2 + z * (_LG3 + z * (_LG4 + z * (_LG5 + z * (_LG6 + z * _LG7))))))
    hfsq = 0.5 * f * f
    dk = _F64(k)
    y = dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    y = x if x == math.inf else y
    special = -math.inf if x == 0.0 else (x if x != x else math.nan)
    return y if x > 0.0 else special


@njit(cache=True, error_model="numpy", forceinline=True)
def exp(x):
    """``e^x`` of float64 ``x`` (0 below −745.14, inf above 709.78)."""
    inside = x >= _EXP_MIN and x <= _EXP_MAX
    xs = x if inside else 0.0
    k = math.floor(xs * _INV_LN2 + 0.5)
    hi = xs - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = _scale(1.0 - ((lo - (r * c) / (2.0 - c)) - hi), _I64(k))
    outside = x if x != x else (math.inf if x > _EXP_MAX else 0.0)
    return y if inside else outside


@njit(cache=True, error_model="numpy", forceinline=True)
def _sin_kernel(t):
    z = t * t
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    return t + t * z * (_S1 + z * r)


@njit(cache=True, error_model="numpy", forceinline=True)
def _cos_kernel(t):
    z = t * t
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    return 1.0 - (0.5 * z - z * r)


@njit(cache=True, error_model="numpy", forceinline=True)
def _quadrant(x):
    # (n mod 4, r): x = 2j + n/2 + r exactly, |r| ≤ 1/4 (|x| < 2^52). The quadrant stays
    # a float (0.0 to 3.0): no float-to-integer conversion, so callers' loops vectorize.
    x = x - 2.0 * math.floor(x * 0.5)
    n = math.floor(x * 2.0 + 0.5)
    return n - 4.0 * math.floor(n * 0.25), x - n * 0.5


@njit(cache=True, error_model="numpy", forceinline=True)
def _by_quadrant(q, v, w):
    # v, w, −v, −w for quadrants 0 to 3, by selects: random quadrants cost no branch misses.
    out = v if q == 0.0 else w
    out = -v if q == 2.0 else out
    return -w if q == 3.0 else out


@njit(cache=True, error_model="numpy", forceinline=True)
def sinpi(x):
    """``sin(π·x)`` for finite float64 ``x`` with ``|x| < 2^52``."""
    q, r = _quadrant(x)
    t = _PI * r
    return _by_quadrant(q, _sin_kernel(t), _cos_kernel(t))


@njit(cache=True, error_model="numpy", forceinline=True)
def cospi(x):
    """``cos(π·x)`` for finite float64 ``x`` with ``|x| < 2^52``."""
    q, r = _quadrant(x)
    t = _PI * r
    return _by_quadrant(q, _cos_kernel(t), -_sin_kernel(t))


@njit(cache=True, error_model="numpy", forceinline=True)
def lgamma(x):
    """``log Γ(x)`` for float64 ``x > 0`` (inf at 0 and inf, NaN for NaN)."""
    if x != x:
        return x
    if x == 0.0 or x == math.inf:
        return math.inf
    prod = 1.0
    y = x
    while y < _STIRLING:
        prod = prod * y
        y = y + 1.0
    w = 1.0 / y
    w2 = w * w
    series = w * (1.0 / 12.0 - w2 * (1.0 / 360.0 - w2 * (1.0 / 1260.0 - w2 * (
        1.0 / 1680.0 - w2 * (1.0 / 1188.0)))))
    out = (y - 0.5) * log(y) - y + _HALF_LOG_2PI + series
    if prod != 1.0:
        out = out - log(prod)
    return out
