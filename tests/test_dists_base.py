"""exponential and gamma: goodness of fit, moments, parameters and errors.

Goodness-of-fit tests (marked ``gof``) follow tests/dist_check.py: fixed keys,
KS against scipy.stats at ``N`` draws, a per-test level that keeps the whole
suite's false-alarm rate at or below 1e-3.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st
from dist_check import ALPHA, N, key_of, ks

import keyrand as kr

DTYPES = [np.float32, np.float64]


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_exponential_fits(dtype):
    x = kr.exponential((N,), dtype=dtype, key=key_of(f"exp-{np.dtype(dtype).name}"))
    assert x.dtype == dtype and (x > 0).all()
    ks(x, st.expon.cdf, "exponential")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", [np.float16, kr.bfloat16])
def test_exponential_narrow_fits_rounded(dtype):
    # A narrow dtype rounds each float32 sample: compare against the rounded distribution.
    x = kr.exponential((N,), dtype=dtype, key=key_of(f"exp-{np.dtype(dtype).name}"))
    vals, counts = np.unique(np.asarray(x, np.float64), return_counts=True)
    edges = np.concatenate([[0.0], (vals[:-1] + vals[1:]) / 2, [np.inf]])
    probs = np.diff(st.expon.cdf(edges))
    keep = probs * N >= 20
    obs = np.append(counts[keep], counts[~keep].sum())
    exp = np.append(probs[keep], probs[~keep].sum()) * N
    assert st.chisquare(obs, exp).pvalue > ALPHA


GAMMA_SHAPES = [1e-3, 0.05, 0.3, 0.999, 1.0, 2.5, 10.0, 1e3, 1e6]


@pytest.mark.gof
@pytest.mark.parametrize("a", GAMMA_SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gamma_fits(a, dtype):
    x = kr.gamma(a, shape=(N,), dtype=dtype, key=key_of(f"gamma-{a}-{np.dtype(dtype).name}"))
    ks_with_underflow(x, st.gamma(a), f"gamma({a})", st.loggamma(a))


def ks_with_underflow(x: np.ndarray, dist, tag: str, log_dist=None) -> None:
    """KS where samples may underflow to 0: the zeros' share, then the positive samples.

    A sample rounds to 0 when it lies below half the dtype's smallest subnormal;
    the share of zeros must match that probability (binomial test) and the
    positive samples the distribution conditioned above it. ``log_dist`` is the
    distribution of ``log x``, for float64's threshold 2^-1075 (not a float64).
    """
    log_t0 = np.log(float(np.finfo(x.dtype).smallest_subnormal)) - np.log(2.0)
    x = np.asarray(x, np.float64)
    zero = (x == 0).sum()
    f0 = log_dist.cdf(log_t0) if log_dist is not None else dist.cdf(np.exp(log_t0))
    assert st.binomtest(int(zero), x.size, min(max(f0, 1e-300), 1.0)).pvalue > ALPHA, tag
    pos = x[x > 0]
    if pos.size:
        ks(pos, lambda v: (dist.cdf(v) - f0) / (1.0 - f0), tag)


def test_gamma_array_parameter_matches_scalar_draws():
    a = np.array([0.5, 2.0, 7.0])
    k = key_of("gamma-array")
    x = kr.gamma(a, shape=(4, 3), key=k)
    for j, aj in enumerate(a):
        col = kr.gamma(aj, shape=(4, 3), key=k)[:, j]
        np.testing.assert_array_equal(x[:, j], col)


def test_gamma_moments_large_sample():
    x = kr.gamma(2.5, shape=(4 * N,), dtype=np.float64, key=key_of("gamma-moments"))
    se = np.sqrt(2.5 / x.size)
    assert abs(x.mean() - 2.5) < 6 * se
    assert abs(x.var() / 2.5 - 1) < 6 * np.sqrt(2 / x.size) * 2


def test_gamma_special_values():
    x = kr.gamma(np.array([0.0, np.nan, np.inf]), key=key_of("gamma-special"))
    assert x[0] == 0 and np.isnan(x[1]) and x[2] == np.inf


@pytest.mark.parametrize("bad, err", [(-1.0, ValueError), (np.array([1.0, -0.5]), ValueError),
                                      ("2", TypeError), (None, TypeError), (1j, TypeError)])
def test_gamma_bad_a(bad, err):
    with pytest.raises(err, match=r"\[gamma\] a"):
        kr.gamma(bad, shape=(2,), key=kr.key(0))


def test_gamma_shape_must_hold_a():
    with pytest.raises(ValueError, match=r"\[gamma\] shape, a"):
        kr.gamma(np.ones(3), shape=(2,), key=kr.key(0))
    assert kr.gamma(np.ones(3), shape=(2, 3), key=kr.key(0)).shape == (2, 3)
    assert kr.gamma(np.ones((2, 1)), key=kr.key(0)).shape == (2, 1)


@pytest.mark.parametrize("fn, kw", [(kr.exponential, {}), (kr.gamma, {"a": 1.0})])
def test_bad_dtype(fn, kw):
    with pytest.raises(ValueError, match="dtype"):
        fn(**kw, shape=(2,), dtype=np.int32, key=kr.key(0))


def test_values_depend_on_the_index_not_the_shape():
    k = key_of("index")
    a = kr.gamma(1.5, shape=(100,), key=k)
    b = kr.gamma(1.5, shape=(10, 10), key=k).reshape(-1)
    c = kr.gamma(1.5, shape=(1000,), key=k)[:100]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


def test_global_key_sequence_is_used():
    kr.seed(5)
    a = kr.exponential((3,))
    kr.seed(5)
    np.testing.assert_array_equal(a, kr.exponential((3,)))
