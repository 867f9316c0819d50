"""keyrand's float64 log, exp, sinpi, cospi and lgamma against mpmath (the oracle).

docs/distributions.md §2 states their accuracy; these tests measure it on
random and special arguments, and check the special values.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from keyrand import _fmath

mpmath.mp.prec = 120


def _ulps(got: float, want: mpmath.mpf) -> float:
    w = float(want)
    if w == 0.0:
        return 0.0 if got == 0.0 else math.inf
    return abs(got - float(want)) / float(np.spacing(abs(w)))


def _args(seed: int, lo: float, hi: float, n: int = 4000, log: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, n)
    return np.exp(x) if log else x


def _worst(f, ref, xs) -> tuple[float, float]:
    """The largest error in ulps of ``f`` against ``ref`` over ``xs``, and where."""
    errs = [(_ulps(f(float(x)), ref(mpmath.mpf(float(x)))), float(x)) for x in xs]
    return max(errs)


def test_log_within_one_ulp():
    xs = [*_args(1, -744, 709, log=True), *_args(2, 0.5, 2.0), 5e-324, 2.2250738585072014e-308,
          1.0, 2.0, 0.7071067811865476, 1.4142135623730951, 1.7976931348623157e308]
    assert _worst(_fmath.log, mpmath.log, xs)[0] <= 1.0


def test_exp_within_one_ulp():
    xs = [*_args(3, -708, 709), *_args(4, -1, 1), 0.0, 1e-300, 709.78, -708.39]
    assert _worst(_fmath.exp, mpmath.exp, xs)[0] <= 1.0


def test_exp_subnormal_results_and_limits():
    for x in _args(5, -745.1, -708.4, 400):
        want = float(mpmath.exp(mpmath.mpf(float(x))))
        assert abs(_fmath.exp(float(x)) - want) <= 5e-324
    assert _fmath.exp(710.0) == math.inf
    assert _fmath.exp(-746.0) == 0.0
    assert math.isnan(_fmath.exp(math.nan))


def test_log_special_values():
    assert _fmath.log(0.0) == -math.inf
    assert _fmath.log(math.inf) == math.inf
    assert math.isnan(_fmath.log(-1.0))
    assert math.isnan(_fmath.log(math.nan))


def test_sinpi_cospi():
    for x in [*_args(6, -4, 4, 3000), 0.0, 0.25, 0.5, 1.0, 1.5, -0.5]:
        x = float(x)
        assert abs(_fmath.sinpi(x) - float(mpmath.sinpi(x))) <= 1.2e-16, x
        assert abs(_fmath.cospi(x) - float(mpmath.cospi(x))) <= 1.2e-16, x


def test_lgamma():
    for x in [*_args(7, 0.01, 3.0, 2000), *_args(8, -30, 30, 2000, log=True), 1.0, 2.0, 12.0,
              1e-300, 1e300]:
        x = float(x)
        want = float(mpmath.loggamma(x))
        assert abs(_fmath.lgamma(x) - want) <= max(2e-14, 1e-15 * abs(want)), x


def test_lgamma_special_values():
    assert _fmath.lgamma(0.0) == math.inf
    assert _fmath.lgamma(math.inf) == math.inf
    assert math.isnan(_fmath.lgamma(math.nan))
