"""The Poisson and binomial family: goodness of fit, moments, helpers, parameters and errors.

Goodness-of-fit tests (marked ``gof``) follow tests/dist_check.py: fixed keys,
``N`` draws, chi-square against scipy.stats' pmf for the integer samplers (by
single values where the support is narrow, by equiprobable bins of scipy's
cdf where it spans millions of values) and KS for the noncentral ones, at a
per-test level that keeps the whole suite's false-alarm rate at or below 1e-3.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import scipy.stats as st
from dist_check import ALPHA, N, chi2, key_of, ks

import keyrand as kr
from keyrand import _dists_discrete as dd
from keyrand._sample_discrete import max_mean

mpmath.mp.prec = 120
INTS = [np.int32, np.int64]
FLOATS = [np.float32, np.float64]


def chi2_binned(sample: np.ndarray, dist, tag: str, bins: int = 200) -> None:
    """Chi-square over ``bins`` integer intervals of about equal probability under ``dist``.

    The edges are normal quantiles of ``dist``'s mean and standard deviation
    (scipy's discrete ppf fails at 10^12 and beyond); interval ``[e_j,
    e_(j+1))`` expects ``cdf(e_(j+1) − 1) − cdf(e_j − 1)`` of the draws, from
    scipy's exact cdf (tails pooled at the ends).
    """
    x = np.asarray(sample).reshape(-1).astype(np.float64)
    q = st.norm.ppf(np.linspace(0, 1, bins + 1)[1:-1])
    edges = np.unique(np.round(dist.mean() + dist.std() * q))
    cdf = dist.cdf(edges - 1)
    probs = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    counts = np.bincount(np.searchsorted(edges, x, side="right"), minlength=probs.size)
    keep = probs * x.size >= 20
    assert keep.sum() > 10, f"{tag}: too few bins"
    obs, exp = counts[keep], probs[keep] * x.size
    if not keep.all():
        obs = np.append(obs, counts[~keep].sum())
        exp = np.append(exp, probs[~keep].sum() * x.size)
    p = st.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue
    assert p > ALPHA, f"{tag}: binned chi-square p-value {p:.3g} below {ALPHA:.1g}"


def fit(x: np.ndarray, dist, tag: str) -> None:
    """chi2 by values when the sample lies below 20 000, by binned intervals otherwise."""
    x = np.asarray(x)
    if int(x.max()) < 20_000:
        chi2(x, dist.pmf, tag)
    else:
        chi2_binned(x, dist, tag)


# ----------------------------------------------------------------------------- poisson (§5.1)

POISSON = [(1e-3, np.int32), (0.3, np.int32), (1.0, np.int64), (5.0, np.int32),
           (9.99, np.int32), (10.0, np.int64), (37.5, np.int32), (1e3, np.int32),
           (1e6, np.int64), (2e9, np.int32), (1e12, np.int64), (2.0**50, np.int64)]


@pytest.mark.gof
@pytest.mark.parametrize("lam, dtype", POISSON)
def test_poisson_fits(lam, dtype):
    x = kr.poisson(lam, shape=(N,), dtype=dtype, key=key_of(f"poisson-{lam}"))
    assert x.dtype == dtype and x.shape == (N,) and (x >= 0).all()
    fit(x, st.poisson(lam), f"poisson({lam})")


def test_poisson_tiny_lam_is_almost_always_zero():
    x = kr.poisson(1e-300, shape=(1000,), key=key_of("poisson-tiny"))
    assert (x == 0).all()
    assert (kr.poisson(0.0, shape=(1000,), key=key_of("poisson-zero")) == 0).all()


def test_poisson_largest_lam_per_dtype():
    # λ + 20√λ = 2^31 − 1 solved for √λ; int64 stops at 2^50.
    root = (-20 + np.sqrt(400 + 4 * (2.0**31 - 1))) / 2
    assert max_mean(np.dtype(np.int32)) == pytest.approx(root**2, rel=1e-12)
    assert max_mean(np.dtype(np.int64)) == 2.0**50
    with pytest.raises(ValueError, match=r"\[poisson\] lam must be at most"):
        kr.poisson(2.2e9, shape=(2,), key=kr.key(0))
    assert kr.poisson(2.2e9, shape=(2,), dtype=np.int64, key=kr.key(0)).dtype == np.int64
    with pytest.raises(ValueError, match=r"\[poisson\] lam"):
        kr.poisson(2.0**51, shape=(2,), dtype=np.int64, key=kr.key(0))


# ----------------------------------------------------------------------------- binomial (§5.2)

BINOMIAL = [(20, 0.3), (100, 0.05), (1000, 1e-3), (40, 0.3), (100, 0.5), (100, 0.9),
            (30, 0.7), (1, 0.5), (1e6, 9.9e-6), (1e6, 1e-5), (1e9, 1e-9), (1e9, 0.5),
            (1e12, 0.3), (2.0**52, 1 - 2.0**-40)]


@pytest.mark.gof
@pytest.mark.parametrize("n, p", BINOMIAL)
def test_binomial_fits(n, p):
    d = np.int64 if n > 2**31 else np.int32
    x = kr.binomial(n, p, shape=(N,), dtype=d, key=key_of(f"binomial-{n}-{p}"))
    assert x.dtype == d and (x >= 0).all() and (x <= n).all()
    if p > 0.5 and n > 2**31:
        # scipy's binom fails with p this close to 1: n − X is Binomial(n, 1 − p).
        fit(np.int64(n) - x.astype(np.int64), st.binom(n, 1 - p), f"binomial({n}, {p})")
    else:
        fit(x, st.binom(n, p), f"binomial({n}, {p})")


def test_binomial_degenerate():
    k = key_of("binomial-degenerate")
    assert (kr.binomial(0, 0.3, shape=(100,), key=k) == 0).all()
    assert (kr.binomial(7, 0.0, shape=(100,), key=k) == 0).all()
    assert (kr.binomial(7, 1.0, shape=(100,), key=k) == 7).all()


def test_binomial_symmetry_is_exact_complement():
    # p > ½ draws n − Binomial(n, 1 − p) from the same uniforms: an exact mirror image.
    k = key_of("binomial-mirror")
    for n, p in [(30, 0.25), (100, 0.25)]:
        lo = kr.binomial(n, p, shape=(1000,), key=k)
        hi = kr.binomial(n, 1 - p, shape=(1000,), key=k)
        np.testing.assert_array_equal(hi, n - lo)


# ----------------------------------------------------------------------- negative binomial (§5.3)

NEGATIVE_BINOMIAL = [(1.0, 0.5), (0.01, 0.3), (5.0, 0.9), (30.0, 0.05), (1e3, 0.01),
                     (0.5, 1e-3)]


@pytest.mark.gof
@pytest.mark.parametrize("n, p", NEGATIVE_BINOMIAL)
def test_negative_binomial_fits(n, p):
    x = kr.negative_binomial(n, p, shape=(N,), dtype=np.int64,
                             key=key_of(f"negative-binomial-{n}-{p}"))
    fit(x, st.nbinom(n, p), f"negative_binomial({n}, {p})")


def test_negative_binomial_p_one_is_zero():
    assert (kr.negative_binomial(3.0, 1.0, shape=(50,), key=kr.key(1)) == 0).all()


# ----------------------------------------------------------------- noncentral chi-square and F

NONCENTRAL_CHISQUARE = [(3.0, 2.0), (0.5, 2.0), (1.0, 0.0), (1.0, 40.0), (1.0001, 0.5),
                        (2.0, 1e4), (0.3, 1e-3)]


@pytest.mark.gof
@pytest.mark.parametrize("df, nonc", NONCENTRAL_CHISQUARE)
@pytest.mark.parametrize("dtype", FLOATS)
def test_noncentral_chisquare_fits(df, nonc, dtype):
    x = kr.noncentral_chisquare(df, nonc, shape=(N,), dtype=dtype,
                                key=key_of(f"ncx2-{df}-{nonc}-{np.dtype(dtype).name}"))
    assert x.dtype == dtype
    dist = st.chi2(df) if nonc == 0 else st.ncx2(df, nonc)
    x = np.asarray(x, np.float64)
    zero = dist.cdf(float(np.finfo(dtype).smallest_subnormal) / 2)
    assert st.binomtest(int((x == 0).sum()), x.size, max(zero, 1e-300)).pvalue > ALPHA
    pos = x[x > 0]
    ks(pos, lambda v: (dist.cdf(v) - zero) / (1 - zero), f"noncentral_chisquare({df}, {nonc})")


NONCENTRAL_F = [(3.0, 20.0, 2.0), (0.5, 5.0, 30.0), (10.0, 50.0, 1e-3), (1.0, 1.0, 5.0)]


@pytest.mark.gof
@pytest.mark.parametrize("dfnum, dfden, nonc", NONCENTRAL_F)
@pytest.mark.parametrize("dtype", FLOATS)
def test_noncentral_f_fits(dfnum, dfden, nonc, dtype):
    x = kr.noncentral_f(dfnum, dfden, nonc, shape=(N,), dtype=dtype,
                        key=key_of(f"ncf-{dfnum}-{dfden}-{nonc}-{np.dtype(dtype).name}"))
    x = np.asarray(x, np.float64)
    dist = st.ncf(dfnum, dfden, nonc)
    zero = dist.cdf(float(np.finfo(dtype).smallest_subnormal) / 2)
    assert st.binomtest(int((x == 0).sum()), x.size, max(zero, 1e-300)).pvalue > ALPHA
    pos = x[x > 0]
    ks(pos, lambda v: (dist.cdf(v) - zero) / (1 - zero), f"noncentral_f({dfnum}, {dfden}, {nonc})")


def test_noncentral_nan_and_inf_parameters():
    k = key_of("noncentral-special")
    x = kr.noncentral_chisquare(np.array([np.nan, 1.0, 0.5, np.inf]),
                                np.array([1.0, np.nan, np.inf, 1.0]), key=k, dtype=np.float64)
    assert np.isnan(x[0]) and np.isnan(x[1]) and x[2] == np.inf and x[3] == np.inf
    y = kr.noncentral_f(np.array([np.nan, 2.0, 2.0]), np.array([3.0, np.nan, 3.0]),
                        np.array([1.0, 1.0, np.nan]), key=k)
    assert np.isnan(y).all()


# ----------------------------------------------------------------------------- multinomial (§6.4)

def test_multinomial_moments():
    n, p = 50, np.array([0.1, 0.2, 0.3, 0.4])
    x = kr.multinomial(n, p, shape=(N,), dtype=np.int64, key=key_of("multinomial-moments"))
    assert x.shape == (N, 4) and (x.sum(axis=1) == n).all()
    mean = n * p
    cov = n * (np.diag(p) - np.outer(p, p))
    # Standard errors of the sample mean and covariance entries (4th moments bounded by n²).
    np.testing.assert_allclose(x.mean(axis=0), mean, atol=6 * np.sqrt(np.diag(cov) / N).max())
    np.testing.assert_allclose(np.cov(x.T), cov, atol=6 * n / np.sqrt(N))


@pytest.mark.gof
@pytest.mark.parametrize("j", [0, 2, 3])
def test_multinomial_marginals_are_binomial(j):
    n, p = 1000.0, np.array([0.002, 0.0, 0.6, 0.398])
    x = kr.multinomial(n, p, shape=(N,), dtype=np.int32, key=key_of("multinomial-marginal"))
    fit(x[:, j], st.binom(n, p[j]), f"multinomial marginal {j}")


def test_multinomial_zero_category_and_normalisation():
    x = kr.multinomial(20, np.array([0.5, 0.0, 0.5]), shape=(1000,), key=key_of("mn-zero"))
    assert (x[:, 1] == 0).all() and (x.sum(axis=1) == 20).all()
    # JAX normalises p: [1, 1] is [½, ½].
    k = key_of("mn-norm")
    np.testing.assert_array_equal(kr.multinomial(9, np.array([0.3, 0.3]), shape=(50,), key=k),
                                  kr.multinomial(9, np.array([0.5, 0.5]), shape=(50,), key=k))


def test_multinomial_shapes_and_array_n():
    k = key_of("mn-shapes")
    p = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])
    assert kr.multinomial(5, p, key=k).shape == (3, 2)
    n = np.array([[1.0], [10.0]])
    x = kr.multinomial(n, p, key=k)
    assert x.shape == (2, 3, 2)
    np.testing.assert_array_equal(x.sum(axis=-1), np.broadcast_to(n, (2, 3)))
    assert kr.multinomial(5, np.array([1.0]), shape=(4,), key=k).tolist() == [[5]] * 4


def test_multinomial_dask_matches_memory():
    da = pytest.importorskip("dask.array")
    import keyrand.dask as kd

    k = key_of("mn-dask")
    n = np.array([3.0, 30.0, 300.0, 3000.0, 30000.0])
    p = np.array([0.25, 0.5, 0.25])
    want = kr.multinomial(n, p, shape=(7, 5), key=k)
    got = kd.multinomial(da.from_array(n, chunks=2), p, shape=(7, 5), key=k,
                         chunks=(3, 2, -1)).compute()
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r"\[multinomial\] chunks"):
        kd.multinomial(n, p, shape=(7, 5), key=k, chunks=(3, 2, 1))


# --------------------------------------------------------------------- the log-pmf arithmetic

@pytest.mark.parametrize("x", [1e-300, 1e-17, 1e-9, -0.3, 0.5, 3.0, 1e10, -1e-12])
def test_log1p_against_mpmath(x):
    want = float(mpmath.log1p(mpmath.mpf(x)))
    assert abs(dd.log1p(x) - want) <= 4 * np.spacing(abs(want))


@pytest.mark.parametrize("k", [1, 2, 5, 11, 12, 13, 100, 1e6, 1e15])
def test_stirling_error_against_mpmath(k):
    with mpmath.workdps(80):
        k_ = mpmath.mpf(k)
        want = float(mpmath.loggamma(k_ + 1) - (k_ + mpmath.mpf(0.5)) * mpmath.log(k_) + k_
                     - mpmath.log(2 * mpmath.pi) / 2)
    # lgamma's absolute error below 12, the series' truncation (2.6e-15 at k = 12) above.
    tol = 3e-14 if k < 12 else 3e-15
    assert abs(dd.stirling_error(float(k)) - want) <= tol


def _mp_log_poisson(k: float, lam: float) -> float:
    with mpmath.workdps(80):
        lam_ = mpmath.mpf(lam)
        return float(-lam_ + k * mpmath.log(lam_) - mpmath.loggamma(mpmath.mpf(k) + 1))


@pytest.mark.parametrize("lam", [10.0, 1e3, 1e9, 1e15])
def test_poisson_log_pmf_against_mpmath(lam):
    # scipy's logpmf cancels at λ = 1e15 (its values are off by units there).
    ks_ = np.round(lam + np.sqrt(lam) * np.array([-5.0, -1.0, 0.0, 0.3, 2.0, 6.0]))
    ks_ = np.concatenate([[0.0, 1.0], ks_[ks_ > 1]])
    got = np.array([dd.poisson_log_pmf(k, lam) for k in ks_])
    want = np.array([_mp_log_poisson(k, lam) for k in ks_])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-7)
    if lam <= 1e3:
        np.testing.assert_allclose(got, st.poisson.logpmf(ks_, lam), rtol=1e-11, atol=1e-9)


@pytest.mark.parametrize("n, p", [(40.0, 0.3), (1e6, 1e-3), (1e12, 0.3), (1e15, 0.5)])
def test_binomial_log_pmf_against_scipy(n, p):
    sd = np.sqrt(n * p * (1 - p))
    ks_ = np.round(n * p + sd * np.array([-4.0, -1.0, 0.0, 0.5, 3.0]))
    ks_ = np.concatenate([[0.0, n], ks_])
    got = np.array([dd.binomial_log_pmf(k, n, p, 1 - p) for k in ks_])
    with mpmath.workdps(80):
        n_ = mpmath.mpf(n)
        base = (mpmath.loggamma(n_ + 1) - (n_ + mpmath.mpf(0.5)) * mpmath.log(n_) + n_
                - mpmath.log(2 * mpmath.pi))
        want = np.array([float(mpmath.loggamma(n_ + 1) - mpmath.loggamma(k + 1)
                               - mpmath.loggamma(n_ - k + 1) + k * mpmath.log(p)
                               + (n_ - k) * mpmath.log1p(-p) - base) for k in ks_])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-7)


# --------------------------------------------------------------------------- parameters, errors

@pytest.mark.parametrize("fn, kw, arg", [
    (kr.poisson, {"lam": -1.0}, "lam"),
    (kr.poisson, {"lam": np.nan}, "lam"),
    (kr.poisson, {"lam": np.array([1.0, np.inf])}, "lam"),
    (kr.binomial, {"n": -1.0, "p": 0.5}, "n"),
    (kr.binomial, {"n": 2.5, "p": 0.5}, "n"),
    (kr.binomial, {"n": np.nan, "p": 0.5}, "n"),
    (kr.binomial, {"n": 3.0e9, "p": 0.5}, "n"),
    (kr.binomial, {"n": 10.0, "p": 1.5}, "p"),
    (kr.binomial, {"n": 10.0, "p": np.array([0.2, np.nan])}, "p"),
    (kr.negative_binomial, {"n": 0.0, "p": 0.5}, "n"),
    (kr.negative_binomial, {"n": np.inf, "p": 0.5}, "n"),
    (kr.negative_binomial, {"n": 1.0, "p": 0.0}, "p"),
    (kr.negative_binomial, {"n": 1.0, "p": np.nan}, "p"),
    (kr.negative_binomial, {"n": 1e3, "p": 1e-7}, "n, p"),
    (kr.noncentral_chisquare, {"df": 0.0, "nonc": 1.0}, "df"),
    (kr.noncentral_chisquare, {"df": 1.0, "nonc": -1.0}, "nonc"),
    (kr.noncentral_f, {"dfnum": -1.0, "dfden": 1.0, "nonc": 1.0}, "dfnum"),
    (kr.noncentral_f, {"dfnum": 1.0, "dfden": 0.0, "nonc": 1.0}, "dfden"),
    (kr.noncentral_f, {"dfnum": 1.0, "dfden": 1.0, "nonc": -2.0}, "nonc"),
    (kr.multinomial, {"n": 5.0, "p": np.array([0.5, -0.1])}, "p"),
    (kr.multinomial, {"n": 5.0, "p": np.array([0.0, 0.0])}, "p"),
    (kr.multinomial, {"n": 5.0, "p": np.array([0.5, np.nan])}, "p"),
    (kr.multinomial, {"n": 5.0, "p": 0.5}, "p"),
    (kr.multinomial, {"n": -5.0, "p": np.array([0.5, 0.5])}, "n"),
    (kr.multinomial, {"n": 0.5, "p": np.array([0.5, 0.5])}, "n"),
])
def test_bad_parameters_name_the_argument(fn, kw, arg):
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
        fn(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("name, kw, arg", [
    ("negative_binomial", {"n": 0.0, "p": 0.5}, "n"),
    ("negative_binomial", {"n": 1.0, "p": 0.0}, "p"),
    ("noncentral_chisquare", {"df": 0.0, "nonc": 1.0}, "df"),
    ("noncentral_f", {"dfnum": 0.0, "dfden": 1.0, "nonc": 1.0}, "dfnum"),
    ("noncentral_f", {"dfnum": 1.0, "dfden": 0.0, "nonc": 1.0}, "dfden"),
    ("multinomial", {"n": 5.0, "p": 0.0}, "p"),
])
def test_bad_zero_stride_parameters_are_refused_when_the_draw_is_built(name, kw, arg):
    """``np.broadcast_to(0.0, …)`` is refused as soon as ``np.zeros(…)`` is: before any draw.

    keyrand.dask checks in-memory parameters when it builds the graph; only its
    own placeholder for a Dask array waits for the blocks.
    """
    kd = pytest.importorskip("keyrand.dask")
    for wrap in (np.copy, lambda v: v):
        given = {k: wrap(np.broadcast_to(v, (2,))) for k, v in kw.items()}
        with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
            getattr(kd, name)(**given, shape=(2,), key=kr.key(0), chunks=-1)
        with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
            getattr(kr, name)(**given, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw", [(kr.poisson, {"lam": "1"}), (kr.binomial, {"n": 3, "p": None})])
def test_non_numeric_parameters(fn, kw):
    with pytest.raises(TypeError, match=rf"\[{fn.__name__}\]"):
        fn(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw, dtype", [
    (kr.poisson, {"lam": 1.0}, np.float32), (kr.binomial, {"n": 3, "p": 0.5}, np.float64),
    (kr.noncentral_chisquare, {"df": 1.0, "nonc": 1.0}, np.int32),
    (kr.multinomial, {"n": 3, "p": np.array([0.5, 0.5])}, np.float32)])
def test_bad_dtype(fn, kw, dtype):
    with pytest.raises(ValueError, match="dtype"):
        fn(**kw, shape=(2,), dtype=dtype, key=kr.key(0))


def test_dask_checks_lazy_parameters_per_block():
    da = pytest.importorskip("dask.array")
    import keyrand.dask as kd

    lam = da.from_array(np.array([1.0, -1.0, 2.0]), chunks=1)
    lazy = kd.poisson(lam, shape=(4, 3), key=kr.key(0), chunks=2)
    with pytest.raises(ValueError, match=r"\[poisson\] lam"):
        lazy.compute()


def test_broadcasting_and_array_parameters():
    k = key_of("discrete-broadcast")
    lam = np.array([0.5, 20.0, 1e4])
    x = kr.poisson(lam, shape=(5, 3), key=k)
    for j, v in enumerate(lam):
        np.testing.assert_array_equal(x[:, j], kr.poisson(v, shape=(5, 3), key=k)[:, j])
    assert kr.binomial(np.array([[10.0], [20.0]]), np.array([0.1, 0.5, 0.9]), key=k).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\[binomial\] shape, n, p"):
        kr.binomial(np.ones(3), 0.5, shape=(2,), key=k)


def test_values_depend_on_the_index_not_the_shape():
    k = key_of("discrete-index")
    for fn, kw in [(kr.poisson, {"lam": 30.0}), (kr.binomial, {"n": 100, "p": 0.4}),
                   (kr.negative_binomial, {"n": 2.0, "p": 0.3}),
                   (kr.noncentral_f, {"dfnum": 2.0, "dfden": 3.0, "nonc": 1.0})]:
        a = fn(**kw, shape=(100,), key=k)
        np.testing.assert_array_equal(a, fn(**kw, shape=(10, 10), key=k).reshape(-1))
        np.testing.assert_array_equal(a, fn(**kw, shape=(300,), key=k)[:100])
