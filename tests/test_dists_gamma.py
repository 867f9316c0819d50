"""The gamma family (beta … double_sided_maxwell), dirichlet, choice and permuted.

Goodness of fit (marked ``gof``) follows tests/dist_check.py: fixed keys, KS
or chi-square against scipy.stats or exact probabilities at ``N`` draws, a
per-test level ALPHA (a test making m comparisons requires m·p > ALPHA).
Also: errors naming the function and argument, NaN parameters, broadcasting,
Dask chunking and its refusals, and the host-compiled CUDA source for the
draws tests/dist_cases.py cannot express (permuted, choice without
replacement with weights).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st
from conftest import assert_same_bits
from dist_check import ALPHA, N, Recorder, host_dist, host_library, key_of, ks

import keyrand as kr

DTYPES = [np.float32, np.float64]


def _tag(*parts) -> str:
    return "-".join(str(p) for p in parts)


def _dt(dtype) -> str:
    return np.dtype(dtype).name


def _ks_all(samples: list, cdfs: list, tag: str) -> None:
    """KS of several samples with a Bonferroni level: ``m·min p > ALPHA``."""
    ps = [st.kstest(np.asarray(x, np.float64), c).pvalue for x, c in zip(samples, cdfs,
                                                                          strict=True)]
    assert len(ps) * min(ps) > ALPHA, f"{tag}: KS p-values {ps}"


def _chi2_probs(counts: np.ndarray, probs: np.ndarray, tag: str) -> None:
    """Chi-square of ``counts`` against exact cell probabilities ``probs``."""
    counts = np.asarray(counts, np.float64)
    assert counts[probs == 0].sum() == 0, f"{tag}: a cell of probability 0 was drawn"
    keep = probs > 0
    p = st.chisquare(counts[keep], probs[keep] / probs[keep].sum() * counts.sum()).pvalue
    assert p > ALPHA, f"{tag}: chi-square p-value {p:.3g}"


# ----------------------------------------------------------------- goodness of fit

BETA = [(2.0, 3.0), (0.5, 0.5), (0.1, 5.0), (1e4, 2e4)]


@pytest.mark.gof
@pytest.mark.parametrize("a, b", BETA)
@pytest.mark.parametrize("dtype", DTYPES)
def test_beta_fits(a, b, dtype):
    x = kr.beta(a, b, shape=(N,), dtype=dtype, key=key_of(_tag("beta", a, b, _dt(dtype))))
    assert x.dtype == dtype and ((x >= 0) & (x <= 1)).all()
    ks(x, st.beta(a, b).cdf, f"beta({a}, {b})")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_beta_tiny_shapes_split_their_mass(dtype):
    # Beta(a, b) with a, b → 0 puts mass b/(a+b) near 0 and a/(a+b) near 1.
    a, b = 1e-3, 3e-3
    x = kr.beta(a, b, shape=(N,), dtype=dtype, key=key_of(_tag("beta-tiny", _dt(dtype))))
    assert ((x >= 0) & (x <= 1)).all()
    high = int((x > 0.5).sum())
    exact = st.beta(a, b).sf(0.5)
    assert st.binomtest(high, N, exact).pvalue > ALPHA


def test_beta_subnormal_shapes_give_zero_or_one():
    x = kr.beta(1e-310, 3e-310, shape=(1000,), dtype=np.float64, key=key_of("beta-sub"))
    assert set(np.unique(x)) <= {0.0, 1.0} and 0 < x.sum() < 1000


CHI2 = [0.5, 3.0, 1e4]


@pytest.mark.gof
@pytest.mark.parametrize("df", CHI2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_chisquare_fits(df, dtype):
    x = kr.chisquare(df, shape=(N,), dtype=dtype, key=key_of(_tag("chi2", df, _dt(dtype))))
    pos = np.asarray(x, np.float64)
    # df = 0.5 underflows below float32's subnormals with probability ~1e-23: none here.
    ks(pos, st.chi2(df).cdf, f"chisquare({df})")


T_DF = [0.5, 1.0, 4.0, 1e5]


@pytest.mark.gof
@pytest.mark.parametrize("df", T_DF)
@pytest.mark.parametrize("dtype", DTYPES)
def test_t_fits(df, dtype):
    x = kr.t(df, shape=(N,), dtype=dtype, key=key_of(_tag("t", df, _dt(dtype))))
    ks(x, st.t(df).cdf, f"t({df})")


F_DF = [(3.0, 7.0), (0.5, 20.0), (40.0, 0.7)]


@pytest.mark.gof
@pytest.mark.parametrize("dfnum, dfden", F_DF)
@pytest.mark.parametrize("dtype", DTYPES)
def test_f_fits(dfnum, dfden, dtype):
    x = kr.f(dfnum, dfden, shape=(N,), dtype=dtype,
             key=key_of(_tag("f", dfnum, dfden, _dt(dtype))))
    ks(x, st.f(dfnum, dfden).cdf, f"f({dfnum}, {dfden})")


def _loggamma_cdf(a: float):
    """P(log G ≤ x) = P(a, e^x); below e^x = 1e-300, P(a, y) = y^a/Γ(a+1)·(1 − a·y/(a+1) …)."""
    def cdf(x):
        x = np.asarray(x, np.float64)
        deep = x < -690.0
        out = np.empty_like(x)
        out[~deep] = sp.gammainc(a, np.exp(x[~deep]))
        out[deep] = np.exp(a * x[deep] - sp.gammaln(a + 1.0))
        return out
    return cdf


LOGGAMMA = [1e-3, 0.5, 5.0, 1e4]


@pytest.mark.gof
@pytest.mark.parametrize("a", LOGGAMMA)
@pytest.mark.parametrize("dtype", DTYPES)
def test_loggamma_fits(a, dtype):
    x = kr.loggamma(a, shape=(N,), dtype=dtype, key=key_of(_tag("loggamma", a, _dt(dtype))))
    ks(x, _loggamma_cdf(a), f"loggamma({a})")


GENNORM = [0.5, 2.0, 8.0, 200.0]


@pytest.mark.gof
@pytest.mark.parametrize("p", GENNORM)
@pytest.mark.parametrize("dtype", DTYPES)
def test_generalized_normal_fits(p, dtype):
    x = kr.generalized_normal(p, shape=(N,), dtype=dtype,
                              key=key_of(_tag("gennorm", p, _dt(dtype))))
    # scipy's gennorm.cdf underflows |x|^p for large p: the same CDF, 0.5 ± 0.5·P(1/p, |x|^p),
    # with |x|^p in log space.
    log_g = _loggamma_cdf(1.0 / p)

    def cdf(v):
        v = np.asarray(v, np.float64)
        with np.errstate(divide="ignore"):
            return 0.5 + 0.5 * np.sign(v) * log_g(p * np.log(np.abs(v)))

    ks(x, cdf, f"generalized_normal({p})")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_maxwell_fits(dtype):
    x = kr.maxwell((N,), dtype=dtype, key=key_of(_tag("maxwell", _dt(dtype))))
    assert (x > 0).all()
    ks(x, st.maxwell.cdf, "maxwell")


@pytest.mark.gof
@pytest.mark.parametrize("loc, scale", [(0.0, 1.0), (3.0, 0.5)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_double_sided_maxwell_fits(loc, scale, dtype):
    x = kr.double_sided_maxwell(loc, scale, shape=(N,), dtype=dtype,
                                key=key_of(_tag("dsmaxwell", loc, scale, _dt(dtype))))

    def cdf(v):
        z = (np.asarray(v) - loc) / scale
        return 0.5 + 0.5 * np.sign(z) * st.maxwell.cdf(np.abs(z))

    ks(x, cdf, f"double_sided_maxwell({loc}, {scale})")


DIRICHLET = [np.array([0.3, 1.0, 5.0]), np.array([0.05, 2.0, 2.0, 40.0])]


@pytest.mark.gof
@pytest.mark.parametrize("j", range(len(DIRICHLET)))
@pytest.mark.parametrize("dtype", DTYPES)
def test_dirichlet_marginals_fit(j, dtype):
    # Component k of Dirichlet(α) is Beta(α_k, Σα − α_k).
    alpha = DIRICHLET[j]
    x = kr.dirichlet(alpha, shape=(N // 2,), dtype=dtype, key=key_of(_tag("dir", j, _dt(dtype))))
    assert x.shape == (N // 2, alpha.size) and x.dtype == dtype
    np.testing.assert_allclose(np.asarray(x, np.float64).sum(-1), 1.0,
                               rtol=4 * np.finfo(dtype).eps)
    s = alpha.sum()
    _ks_all([x[:, k] for k in range(alpha.size)],
            [st.beta(a, s - a).cdf for a in alpha], f"dirichlet({alpha})")


def test_dirichlet_moments():
    alpha = np.array([0.5, 1.5, 3.0])
    x = kr.dirichlet(alpha, shape=(4 * N,), dtype=np.float64, key=key_of("dir-moments"))
    s = alpha.sum()
    mean = alpha / s
    cov = (np.diag(mean) - np.outer(mean, mean)) / (s + 1)
    se = np.sqrt(np.diag(cov) / x.shape[0])
    assert (np.abs(x.mean(0) - mean) < 6 * se).all()
    np.testing.assert_allclose(np.cov(x.T), cov, rtol=0.05, atol=5e-4)


@pytest.mark.gof
def test_dirichlet_tiny_alphas_pick_a_vertex():
    # With every α_k → 0, a sample is near vertex k with probability α_k/Σα.
    alpha = np.array([1e-4, 3e-4, 2e-4])
    x = kr.dirichlet(alpha, shape=(N // 4,), dtype=np.float64, key=key_of("dir-tiny"))
    assert np.isfinite(x).all()
    np.testing.assert_allclose(x.sum(-1), 1.0, rtol=1e-15)
    _chi2_probs(np.bincount(x.argmax(-1), minlength=3), alpha / alpha.sum(), "dirichlet-tiny")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_choice_uniform_fits(dtype):
    x = kr.choice(7, shape=(N,), dtype=dtype, key=key_of(_tag("choice-u", _dt(dtype))))
    assert x.dtype == dtype
    _chi2_probs(np.bincount(x, minlength=7), np.full(7, 1 / 7), "choice uniform")


@pytest.mark.gof
def test_choice_large_population_fits():
    # n just above a power of two: half of the masked values are rejected.
    n = 2**40 + 3
    x = kr.choice(n, shape=(N,), dtype=np.int64, key=key_of("choice-big"))
    assert ((x >= 0) & (x < n)).all()
    ks(x / n, st.uniform.cdf, "choice 2^40 + 3")


@pytest.mark.gof
def test_choice_weighted_fits():
    p = np.array([0.1, 0.0, 0.25, 0.6, 0.05])
    x = kr.choice(5, shape=(N,), p=p * 3.0, key=key_of("choice-p"))
    _chi2_probs(np.bincount(x, minlength=5), p, "choice p")


def _orders(n: int, k: int, p: np.ndarray, draws: int, tag: str, **kw) -> np.ndarray:
    """Counts of every ordered k-tuple in ``draws`` calls, one key each."""
    index = {t: j for j, t in enumerate(itertools.permutations(range(n), k))}
    keys = kr.split(key_of(tag), draws)
    counts = np.zeros(len(index))
    for key in keys:
        counts[index[tuple(int(v) for v in kr.choice(n, shape=(k,), replace=False, p=p,
                                                     key=key, **kw))]] += 1
    return counts, index


@pytest.mark.gof
def test_choice_without_replacement_is_uniform_over_orders():
    counts, index = _orders(5, 3, None, 12_000, "choice-norepl")
    _chi2_probs(counts, np.full(len(index), 1 / len(index)), "choice without replacement")


@pytest.mark.gof
def test_choice_without_replacement_weighted_is_successive_sampling():
    # P(i, j) = p_i · p_j / (1 − p_i): weighted draws one after another.
    p = np.array([0.5, 0.2, 0.2, 0.1])
    counts, index = _orders(4, 2, p, 12_000, "choice-norepl-p")
    probs = np.zeros(len(index))
    for (i, j), c in index.items():
        probs[c] = p[i] * p[j] / (1 - p[i])
    _chi2_probs(counts, probs, "choice without replacement, weighted")


@pytest.mark.gof
def test_permuted_rows_are_uniform_permutations():
    rows = 24_000
    x = np.tile(np.arange(4), (rows, 1))
    y = kr.permuted(x, axis=1, key=key_of("permuted-rows"))
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    code = y @ np.array([64, 16, 4, 1])
    perms = [sum(v * m for v, m in zip(pp, (64, 16, 4, 1), strict=True))
             for pp in itertools.permutations(range(4))]
    counts = np.array([(code == c).sum() for c in perms])
    _chi2_probs(counts, np.full(24, 1 / 24), "permuted rows")


@pytest.mark.gof
def test_permuted_whole_array_is_a_shuffle():
    # axis=None: the values at the first positions are a sample without replacement of all
    # (KS against the uniform is conservative for it).
    n = 10 * N
    x = np.arange(n, dtype=np.int64).reshape(-1, 10)
    y = kr.permuted(x, key=key_of("permuted-all"))
    assert y.shape == x.shape
    np.testing.assert_array_equal(np.sort(y.reshape(-1)), np.arange(n))
    ks((y.reshape(-1)[:N] + 0.5) / n, st.uniform.cdf, "permuted None")


# ----------------------------------------------------------------- parameters and errors

FLOAT_FNS = {
    "beta": {"a": 2.0, "b": 3.0},
    "chisquare": {"df": 3.0},
    "t": {"df": 3.0},
    "f": {"dfnum": 3.0, "dfden": 4.0},
    "loggamma": {"a": 2.0},
    "generalized_normal": {"p": 2.0},
    "double_sided_maxwell": {"loc": 0.0, "scale": 1.0},
}

BAD = [("beta", "a", 0.0), ("beta", "b", -1.0), ("chisquare", "df", 0.0), ("t", "df", -2.0),
       ("f", "dfnum", 0.0), ("f", "dfden", -1.0), ("loggamma", "a", -0.5),
       ("generalized_normal", "p", 0.0), ("generalized_normal", "p", np.inf),
       ("double_sided_maxwell", "scale", -1.0)]


@pytest.mark.parametrize("name, arg, bad", BAD)
def test_bad_parameters_name_the_argument(name, arg, bad):
    kw = dict(FLOAT_FNS[name])
    kw[arg] = np.array([1.0, bad])
    with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
        getattr(kr, name)(**kw, key=kr.key(0))


@pytest.mark.parametrize("name, arg, bad", BAD)
def test_bad_zero_stride_parameters_are_refused(name, arg, bad):
    """A read-only zero-stride array (``np.broadcast_to``) is checked as any array."""
    kw = dict(FLOAT_FNS[name])
    kw[arg] = np.broadcast_to(bad, (2,))
    with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
        getattr(kr, name)(**kw, key=kr.key(0))


@pytest.mark.parametrize("name", sorted(FLOAT_FNS))
@pytest.mark.parametrize("bad, err", [("2", TypeError), (None, TypeError), (1j, TypeError)])
def test_non_real_parameters(name, bad, err):
    kw = dict(FLOAT_FNS[name])
    arg = next(iter(kw))
    kw[arg] = bad
    with pytest.raises(err, match=rf"\[{name}\] {arg}"):
        getattr(kr, name)(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("name", sorted(FLOAT_FNS))
def test_nan_parameters_give_nan(name):
    kw = dict(FLOAT_FNS[name])
    for arg in kw:
        if name == "double_sided_maxwell" and arg == "scale":
            continue  # NaN·M is NaN too, but loc carries the case
        one = {**kw, arg: np.array([np.nan, kw[arg]])}
        x = getattr(kr, name)(**one, shape=(3, 2), dtype=np.float64, key=key_of("nan"))
        assert np.isnan(x[:, 0]).all() and np.isfinite(x[:, 1]).all(), (name, arg)


@pytest.mark.parametrize("name", sorted(FLOAT_FNS))
def test_shape_broadcasting(name):
    kw = {k: np.full((2, 1), v) for k, v in FLOAT_FNS[name].items()}
    fn = getattr(kr, name)
    assert fn(**kw, key=kr.key(0)).shape == (2, 1)
    assert fn(**kw, shape=(3, 2, 4), key=kr.key(0)).shape == (3, 2, 4)
    with pytest.raises(ValueError, match=rf"\[{name}\] shape"):
        fn(**kw, shape=(3,), key=kr.key(0))


def test_infinite_parameters():
    k = key_of("inf")
    np.testing.assert_array_equal(kr.beta(np.inf, 2.0, shape=(4,), key=k), 1.0)
    np.testing.assert_array_equal(kr.beta(2.0, np.inf, shape=(4,), key=k), 0.0)
    assert np.isnan(kr.beta(np.inf, np.inf, shape=(2,), key=k)).all()
    np.testing.assert_array_equal(kr.chisquare(np.inf, shape=(2,), key=k), np.inf)
    np.testing.assert_array_equal(kr.f(np.inf, np.inf, shape=(2,), key=k), 1.0)
    assert np.isfinite(kr.t(np.inf, shape=(50,), key=k)).all()
    assert np.isneginf(kr.loggamma(0.0, shape=(2,), key=k)).all()


def test_double_sided_maxwell_zero_scale_is_loc():
    np.testing.assert_array_equal(kr.double_sided_maxwell(2.5, 0.0, shape=(5,), key=kr.key(1)),
                                  2.5)


def test_dirichlet_shapes_and_errors():
    k = kr.key(0)
    assert kr.dirichlet(np.ones(3), key=k).shape == (3,)
    assert kr.dirichlet(np.ones((2, 3)), shape=(4, 2), key=k).shape == (4, 2, 3)
    with pytest.raises(ValueError, match=r"\[dirichlet\] alpha"):
        kr.dirichlet(1.0, key=k)
    with pytest.raises(ValueError, match=r"\[dirichlet\] alpha"):
        kr.dirichlet(np.array([1.0, 0.0]), key=k)
    with pytest.raises(ValueError, match=r"\[dirichlet\] alpha"):
        kr.dirichlet(np.array([1.0, np.inf]), key=k)
    with pytest.raises(ValueError, match=r"\[dirichlet\] shape"):
        kr.dirichlet(np.ones((2, 3)), shape=(3,), key=k)
    x = kr.dirichlet(np.array([[1.0, np.nan], [1.0, 2.0]]), dtype=np.float64, key=k)
    assert np.isnan(x[0]).all() and np.isfinite(x[1]).all()


def test_choice_shapes_and_arrays():
    k = kr.key(3)
    a = np.arange(20.0).reshape(4, 5)
    assert kr.choice(6, key=k).shape == () and kr.choice(6, key=k).dtype == np.int32
    y = kr.choice(a, shape=(2, 3), axis=1, key=k)
    assert y.shape == (4, 2, 3) and y.dtype == a.dtype
    idx = kr.choice(5, shape=(2, 3), key=k)
    np.testing.assert_array_equal(y, a[:, idx])
    z = kr.choice(a, shape=(4,), replace=False, key=k)
    np.testing.assert_array_equal(np.sort(z[:, 0]), a[:, 0])
    w = kr.choice(1000, shape=(1000,), replace=False, key=k)
    np.testing.assert_array_equal(np.sort(w), np.arange(1000))
    p = np.array([0.0, 1.0, 0.0, 2.0])
    v = kr.choice(4, shape=(2,), replace=False, p=p, key=k)
    assert sorted(v.tolist()) == [1, 3]


@pytest.mark.parametrize("kw, err, match", [
    ({"a": 0, "shape": (2,)}, ValueError, r"\[choice\] a"),
    ({"a": "x"}, TypeError, r"\[choice\] a"),
    ({"a": np.float64(3.0)}, ValueError, r"\[choice\] a"),
    ({"a": 3, "p": np.ones(4)}, ValueError, r"\[choice\] p"),
    ({"a": 3, "p": np.array([1.0, -1.0, 1.0])}, ValueError, r"\[choice\] p"),
    ({"a": 3, "p": np.array([1.0, np.nan, 1.0])}, ValueError, r"\[choice\] p"),
    ({"a": 3, "p": np.zeros(3), "shape": (1,)}, ValueError, r"\[choice\] p"),
    ({"a": 3, "shape": (4,), "replace": False}, ValueError, r"\[choice\] shape"),
    ({"a": 3, "shape": (2,), "replace": False, "p": np.array([0.0, 0.0, 1.0])}, ValueError,
     r"\[choice\] shape"),
    ({"a": np.ones((2, 3)), "axis": 2}, IndexError, r"\[choice\] axis"),
    ({"a": np.ones(3), "dtype": np.int64}, ValueError, r"\[choice\] dtype"),
    ({"a": 300, "dtype": np.int8}, ValueError, r"\[choice\] a"),
    ({"a": 3, "dtype": np.float32}, ValueError, r"\[choice\] dtype"),
    ({"a": 3, "replace": 1}, TypeError, r"\[choice\] replace"),
])
def test_choice_errors(kw, err, match):
    with pytest.raises(err, match=match):
        kr.choice(**kw, key=kr.key(0))


def test_permuted_shapes_and_errors():
    x = np.arange(24.0).reshape(2, 3, 4)
    k = kr.key(5)
    for axis in (0, 1, -1, None):
        y = kr.permuted(x, axis=axis, key=k)
        assert y.shape == x.shape and y.dtype == x.dtype
    y = kr.permuted(x, axis=1, key=k)
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    with pytest.raises(IndexError, match=r"\[permuted\] axis"):
        kr.permuted(x, axis=3, key=k)
    with pytest.raises(TypeError, match=r"\[permuted\] x"):
        kr.permuted(None, key=k)


# ----------------------------------------------------------------- the CUDA source on the host

@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return host_library(str(tmp_path_factory.mktemp("dists_gamma_host")))


@pytest.mark.parametrize("draw", [
    lambda k: kr.permuted(np.arange(3000.0).reshape(60, 50), axis=1, key=k),
    lambda k: kr.permuted(np.arange(3000), key=k),
    lambda k: kr.choice(np.arange(40.0), shape=(30,), replace=False,
                        p=np.linspace(0.0, 1.0, 40), key=k),
], ids=["permuted-axis", "permuted-all", "choice-norepl-p"])
def test_host_cuda_equals_cpu(lib, monkeypatch, draw):
    rec = Recorder(monkeypatch)
    draw(key_of("cuda-gamma"))
    assert rec.calls
    for key, runs, kind, wide, params, store, out in rec.calls:
        assert_same_bits(out, host_dist(lib, key, runs, kind, wide, params, store))


# ----------------------------------------------------------------- Dask

def test_dask_choice_and_dirichlet_chunk_invariance():
    pytest.importorskip("dask.array")
    import keyrand.dask as kd

    k = key_of("dask-gamma")
    p = np.array([0.1, 0.0, 0.9])
    for kw in ({"a": 1000}, {"a": 3, "p": p}):
        want = kr.choice(**kw, shape=(37, 29), key=k)
        got = kd.choice(**kw, shape=(37, 29), key=k, chunks=(10, 7)).compute()
        assert_same_bits(got, want)
    alpha = np.array([[0.5, 2.0, 3.0], [1e-3, 1.0, 1.0]])
    want = kr.dirichlet(alpha, shape=(11, 2), key=k)
    got = kd.dirichlet(alpha, shape=(11, 2), key=k, chunks=(4, 1, -1)).compute()
    assert_same_bits(got, want)
    import dask.array as da

    lazy = da.from_array(np.broadcast_to(alpha, (11, 2, 3)), chunks=(3, 1, 3))
    assert_same_bits(kd.dirichlet(lazy, key=k, chunks=(3, 1, -1)).compute(),
                     kr.dirichlet(np.broadcast_to(alpha, (11, 2, 3)), key=k))


def test_dask_permuted_cuts_the_other_axes():
    da = pytest.importorskip("dask.array")
    import keyrand.dask as kd

    k = key_of("dask-permuted")
    x = np.arange(37 * 29).reshape(37, 29)
    want = kr.permuted(x, axis=1, key=k)
    assert_same_bits(kd.permuted(x, axis=1, key=k, chunks=(5, -1)).compute(), want)
    lazy = da.from_array(x, chunks=(8, 29))
    assert_same_bits(kd.permuted(lazy, axis=1, key=k, chunks=(8, -1)).compute(), want)
    with pytest.raises(ValueError, match=r"\[permuted\] chunks: axis 1"):
        kd.permuted(x, axis=1, key=k, chunks=(5, 10))


def test_dask_refuses_cuts_it_cannot_compute():
    da = pytest.importorskip("dask.array")
    import keyrand.dask as kd

    k = key_of("dask-refuse")
    with pytest.raises(ValueError, match=r"\[choice\] chunks"):
        kd.choice(100, shape=(50,), replace=False, key=k, chunks=10)
    with pytest.raises(ValueError, match=r"\[dirichlet\] chunks: axis 1"):
        kd.dirichlet(np.ones(4), shape=(6,), key=k, chunks=(3, 2))
    with pytest.raises(TypeError, match=r"\[choice\] a"):
        kd.choice(da.arange(5, chunks=2), shape=(3,), key=k, chunks=-1)
    lazy = da.from_array(np.array([1.0, -1.0, 2.0, 3.0]), chunks=2)
    with pytest.raises(ValueError, match=r"\[beta\] a must be positive"):
        kd.beta(lazy, 1.0, key=k, chunks=2).compute()
    alpha = da.from_array(np.array([[1.0, 2.0], [0.0, 1.0], [1.0, np.inf]]), chunks=(1, 2))
    for row in (1, 2):
        with pytest.raises(ValueError, match=r"\[dirichlet\] alpha"):
            kd.dirichlet(alpha[[0, row]], key=k, chunks=(1, -1)).compute()
    assert_same_bits(kd.choice(100, shape=(50,), replace=False, key=k, chunks=-1).compute(),
                     kr.choice(100, shape=(50,), replace=False, key=k))


# ----------------------------------------------------------------- the GPU

def _gpu():
    from keyrand import _gpu as g

    if g.cupy is None:
        pytest.skip("CuPy is not installed")
    try:
        if g.cupy.cuda.runtime.getDeviceCount() == 0:
            pytest.skip("CUDA reports no GPU")
    except Exception as err:  # no driver / no device
        pytest.skip(f"no usable CUDA GPU ({type(err).__name__})")
    return g.cupy


@pytest.mark.parametrize("draw", [
    lambda k, s: kr.permuted(np.arange(200_000.0).reshape(400, 500), axis=0, key=k, stream=s),
    lambda k, s: kr.permuted(np.arange(100_000), key=k, stream=s),
    lambda k, s: kr.choice(np.arange(4000.0), shape=(3000,), replace=False,
                           p=np.linspace(0.0, 1.0, 4000), key=k, stream=s),
    lambda k, s: kr.choice(np.arange(40.0).reshape(8, 5), shape=(7, 3), axis=1, key=k,
                           stream=s),
], ids=["permuted-axis", "permuted-all", "choice-norepl-p", "choice-array"])
def test_gpu_equals_cpu(draw):
    cp = _gpu()
    k = key_of("gpu-gamma")
    want = draw(k, kr.cpu)
    got = draw(k, kr.Device(kr.gpu, 0))
    assert isinstance(got, cp.ndarray)
    assert_same_bits(cp.asnumpy(got), want)
