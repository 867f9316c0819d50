"""geometric, rademacher, hypergeometric, logseries, zipf, multivariate_hypergeometric.

Goodness of fit (marked ``gof``, tests/dist_check.py's budget): chi-square
against scipy.stats' pmf, or against an independent cdf (mpmath's Hurwitz
zeta for zipf truncated below 2^63, Euler–Maclaurin tails for logseries)
over bins of at least 100 expected draws where the support is too wide to
list. Also: log1p/expm1 against mpmath, the int64-only extremes of the CUDA
source against the CPU kernels, multivariate moments, errors and shapes.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st
from conftest import assert_same_bits
from dist_check import ALPHA, N, Recorder, chi2, host_dist, host_library, key_of

import keyrand as kr
from keyrand import _dists_counting

mpmath.mp.dps = 40


def chi2_cdf(x: np.ndarray, cdf, candidates, tag: str) -> None:
    """Chi-square over integer bins ``[e_i, e_{i+1})`` chosen from ``candidates``.

    ``cdf(k)`` is ``P(X ≤ k)`` (float64 array in, out); ``candidates[0]`` is the
    support's least value. Bins are merged until each expects at least 100 draws.
    """
    x = np.asarray(x, np.int64).reshape(-1)
    n = x.size
    cand = np.unique(np.asarray(candidates, np.int64))
    assert (x >= cand[0]).all(), f"{tag}: a sample below the support"
    below = np.concatenate([[0.0], np.asarray(cdf(cand[1:] - 1), np.float64)])
    edges, last = [cand[0]], 0.0
    for e, f in zip(cand[1:], below[1:], strict=True):
        if (f - last) * n >= 100 and (1.0 - f) * n >= 100:
            edges.append(e)
            last = f
    edges = np.array(edges, np.int64)
    probs = np.diff(np.concatenate([[0.0], np.asarray(cdf(edges[1:] - 1), np.float64), [1.0]]))
    obs = np.bincount(np.searchsorted(edges, x, side="right") - 1, minlength=edges.size)
    assert edges.size >= 2, f"{tag}: too few bins"
    p = st.chisquare(obs, probs / probs.sum() * n).pvalue
    assert p > ALPHA, f"{tag}: chi-square p-value {p:.3g} below {ALPHA:.1g}"


# ----------------------------------------------------------------- log1p, expm1

def _ulps(got: float, want) -> float:
    w = float(want)
    return 0.0 if got == w else abs(got - w) / float(np.spacing(abs(w)))


def test_log1p_within_four_ulps():
    rng = np.random.default_rng(7)
    xs = [*(-np.exp(rng.uniform(-745, 0, 3000))), *np.exp(rng.uniform(-745, 700, 3000)),
          -1 + 2**-53, -0.5, 1e-300, 2**-52, 1.0]
    worst = max(_ulps(_dists_counting.log1p(float(x)), mpmath.log1p(mpmath.mpf(float(x))))
                for x in xs)
    assert worst <= 4.0, worst
    assert _dists_counting.log1p(-1.0) == -math.inf
    assert _dists_counting.log1p(math.inf) == math.inf


def test_expm1_within_four_ulps():
    rng = np.random.default_rng(8)
    xs = [*rng.uniform(-40, 700, 3000), *(np.exp(rng.uniform(-745, 0, 3000))
                                          * rng.choice([-1, 1], 3000)), 1e-300, -1e-17]
    worst = max(_ulps(_dists_counting.expm1(float(x)), mpmath.expm1(mpmath.mpf(float(x))))
                for x in xs)
    assert worst <= 4.0, worst
    assert _dists_counting.expm1(-800.0) == -1.0
    assert _dists_counting.expm1(800.0) == math.inf


# ----------------------------------------------------------------- geometric

GEOMETRIC_P = [2.0**-57, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.9, 1 - 1e-6]


@pytest.mark.gof
@pytest.mark.parametrize("p", GEOMETRIC_P)
def test_geometric_fits(p):
    x = kr.geometric(p, shape=(N,), dtype=np.int64, key=key_of(f"geometric-{p}"))
    assert x.dtype == np.int64 and x.min() >= 1
    dist = st.geom(p)
    if p >= 1e-3:
        chi2(x, dist.pmf, f"geometric({p})", low=1)
        return
    q = np.linspace(0.0, 1.0, 400)[1:-1]
    cdf = lambda k: -np.expm1(k * np.log1p(-p))  # noqa: E731
    chi2_cdf(x, cdf, [1, *np.ceil(-np.log1p(-q) / -np.log1p(-p))], f"geometric({p})")


def test_geometric_p_one_and_int32():
    assert (kr.geometric(1.0, shape=(1000,), key=key_of("geo-1")) == 1).all()
    x = kr.geometric(0.25, shape=(1000,), key=key_of("geo-32"))
    assert x.dtype == np.int32
    np.testing.assert_array_equal(
        x, kr.geometric(0.25, shape=(1000,), dtype=np.int64, key=key_of("geo-32")))


def test_geometric_sample_too_large_for_dtype():
    with pytest.raises(ValueError, match=r"\[geometric\] dtype"):
        kr.geometric(2.0**-57, shape=(100,), dtype=np.int32, key=key_of("geo-big"))


# ----------------------------------------------------------------- rademacher

@pytest.mark.gof
def test_rademacher_fits():
    x = kr.rademacher((N,), key=key_of("rademacher"))
    assert x.dtype == np.int32 and set(np.unique(x)) == {-1, 1}
    assert st.binomtest(int((x == 1).sum()), N, 0.5).pvalue > ALPHA


def test_rademacher_dtypes():
    k = key_of("rademacher-dtypes")
    x = kr.rademacher((100,), dtype=np.int8, key=k)
    np.testing.assert_array_equal(x, kr.rademacher((100,), dtype=np.int64, key=k))
    with pytest.raises(ValueError, match=r"\[rademacher\] dtype"):
        kr.rademacher((3,), dtype=np.uint8, key=k)


# ----------------------------------------------------------------- hypergeometric

HYPER = [(5, 5, 3), (3, 20, 9), (10, 10, 15), (50, 50, 95), (1_000_000, 1_000_000, 5),
         (999_999_999, 5, 7),  # the urn
         (20, 30, 10), (100, 50, 40), (40, 60, 80), (500, 500, 990), (1000, 10_000, 500),
         (15, 999_999_984, 100_000), (100_000_000, 30, 60),
         (999_999_999, 999_999_999, 1_000_000_000)]  # HRUA


@pytest.mark.gof
@pytest.mark.parametrize("g, b, n", HYPER)
def test_hypergeometric_fits(g, b, n):
    x = kr.hypergeometric(g, b, n, shape=(N,), dtype=np.int64,
                          key=key_of(f"hyper-{g}-{b}-{n}"))
    assert x.min() >= max(0, n - b) and x.max() <= min(g, n)
    chi2(x, st.hypergeom(g + b, g, n).pmf, f"hypergeometric({g}, {b}, {n})",
         low=int(x.min()))


def test_hypergeometric_degenerate():
    k = key_of("hyper-degenerate")
    assert (kr.hypergeometric(7, 0, 4, shape=(50,), key=k) == 4).all()
    assert (kr.hypergeometric(0, 7, 3, shape=(50,), key=k) == 0).all()
    assert (kr.hypergeometric(30, 12, 42, shape=(50,), key=k) == 30).all()
    assert (kr.hypergeometric(0, 0, 0, shape=(50,), key=k) == 0).all()


def test_hypergeometric_broadcasts():
    k = key_of("hyper-broadcast")
    x = kr.hypergeometric(np.array([[5], [50]]), 40, np.array([3, 20, 30]), key=k)
    assert x.shape == (2, 3)
    for r, g in enumerate((5, 50)):
        for c, n in enumerate((3, 20, 30)):
            one = kr.hypergeometric(g, 40, n, shape=(2, 3), key=k)[r, c]
            assert x[r, c] == one


# ----------------------------------------------------------------- logseries

def logseries_cdf(p: float):
    """``P(X ≤ k)``: exact sums to 1000, Euler–Maclaurin for the tail beyond."""
    lam, norm = -math.log(p), -math.log1p(-p)
    j = np.arange(1, 1001, dtype=np.float64)
    head = np.cumsum(np.exp(j * math.log(p)) / j) / norm

    def cdf(k):
        k = np.asarray(k, np.float64)
        big = np.maximum(k, 1000.0)
        f = np.exp(-lam * big) / big
        df = -f * (lam + 1.0 / big)
        tail = (sp.exp1(lam * big) - f / 2 - df / 12) / norm
        small = head[np.clip(k, 1, 1000).astype(np.int64) - 1]
        return np.where(k < 1, 0.0, np.where(k <= 1000, small, 1.0 - tail))

    return cdf


LOGSERIES_P = [1e-3, 0.1, 0.5, 0.9, 0.99, 0.999999, 1 - 2.0**-40]


@pytest.mark.gof
@pytest.mark.parametrize("p", LOGSERIES_P)
def test_logseries_fits(p):
    x = kr.logseries(p, shape=(N,), dtype=np.int64, key=key_of(f"logseries-{p}"))
    assert x.min() >= 1
    if p <= 0.99:
        chi2(x, st.logser(p).pmf, f"logseries({p})", low=1)
        return
    cand = [1, *range(2, 50), *np.geomspace(50, 2 / -math.log(p) * 40, 300)]
    chi2_cdf(x, logseries_cdf(p), np.round(cand), f"logseries({p})")


def test_logseries_zero():
    assert (kr.logseries(0.0, shape=(100,), key=key_of("logser-0")) == 1).all()


# ----------------------------------------------------------------- zipf

def zipf_cdf(a: float):
    """``P(X ≤ k | X < 2^63)`` from Hurwitz's zeta (mpmath)."""
    s = mpmath.mpf(a)
    total = mpmath.zeta(s)
    kept = total - mpmath.zeta(s, 2**63)

    def cdf(k):
        return np.array([float((total - mpmath.zeta(s, int(v) + 1)) / kept)
                         for v in np.atleast_1d(k)])

    return cdf


ZIPF_A = [1 + 1e-12, 1.0001, 1.01, 1.1, 1.5, 2.0, 3.5, 6.0, 10.0]


@pytest.mark.gof
@pytest.mark.parametrize("a", ZIPF_A)
def test_zipf_fits(a):
    x = kr.zipf(a, shape=(N,), dtype=np.int64, key=key_of(f"zipf-{a}"))
    assert x.min() >= 1
    cand = [1, *range(2, 64), *np.geomspace(64, 2.0**52, 200)]
    chi2_cdf(x, zipf_cdf(a), np.round(cand), f"zipf({a})")


def test_zipf_large_a_and_int32_overflow():
    k = key_of("zipf-large")
    assert (kr.zipf(np.array([50.0, 1000.0, 1025.0, np.inf]), shape=(50, 4), key=k) == 1).all()
    with pytest.raises(ValueError, match=r"\[zipf\] dtype"):
        kr.zipf(1.01, shape=(100,), key=k)


# ----------------------------------------------------------------- the int64-only extremes

EXTREMES = [("geometric", {"p": 2.0**-57}), ("geometric", {"p": 1e-15}),
            ("zipf", {"a": 1 + 1e-15}), ("zipf", {"a": 1.001}),
            ("zipf", {"a": np.array([1 + 1e-9, 1.05, 1.5])}),
            ("logseries", {"p": 1 - 2.0**-53}), ("logseries", {"p": 1 - 1e-12})]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return host_library(str(tmp_path_factory.mktemp("counting_host")))


@pytest.mark.parametrize("name, kw", EXTREMES)
def test_extremes_host_cuda_equals_cpu(lib, monkeypatch, name, kw):
    rec = Recorder(monkeypatch)
    shape = (3001, *np.shape(kw.get("a", 0.0)))
    getattr(kr, name)(**kw, shape=shape, dtype=np.int64, key=key_of(f"cuda-x-{name}"))
    for key, runs, kind, wide, params, store, out in rec.calls:
        assert_same_bits(out, host_dist(lib, key, runs, kind, wide, params, store))


# ----------------------------------------------------------------- multivariate_hypergeometric

MVHG = [([3, 5, 7], 6), ([100, 200, 300, 400], 700),
        ([100_000_000, 200_000_000, 300_000_000, 5], 250_000_000)]


@pytest.mark.gof
@pytest.mark.parametrize("colors, n", MVHG)
def test_multivariate_hypergeometric_marginals_fit(colors, n):
    x = kr.multivariate_hypergeometric(colors, n, shape=(N,), dtype=np.int64,
                                       key=key_of(f"mvhg-{colors}-{n}"))
    assert x.shape == (N, len(colors))
    assert (x.sum(axis=-1) == n).all() and (x >= 0).all() and (x <= colors).all()
    total = sum(colors)
    for j, c in enumerate(colors):
        col = x[:, j]
        chi2(col, st.hypergeom(total, c, n).pmf, f"mvhg{colors} colour {j}",
             low=int(col.min()))


@pytest.mark.parametrize("colors, n", MVHG)
def test_multivariate_hypergeometric_moments(colors, n):
    x = kr.multivariate_hypergeometric(colors, n, shape=(N,), dtype=np.int64,
                                       key=key_of(f"mvhg-moments-{colors}-{n}")).astype(float)
    c = np.array(colors, float)
    total = c.sum()
    p = c / total
    mean = n * p
    cov = n * (total - n) / (total - 1) * (np.diag(p) - np.outer(p, p))
    se = np.sqrt(np.diag(cov) / N)
    assert (np.abs(x.mean(axis=0) - mean) <= 6 * se + 1e-12).all()
    got = np.cov(x, rowvar=False)
    sd = np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    # The sample covariance's standard error is about sd·√(2/N); 6 of them.
    assert (np.abs(got - cov) <= 6 * sd * math.sqrt(2 / N) + 1e-9).all()


def test_multivariate_hypergeometric_shapes_and_edge_colours():
    k = key_of("mvhg-shape")
    x = kr.multivariate_hypergeometric([0, 5, 0, 40, 2], 30, shape=(4, 6), key=k)
    assert x.shape == (4, 6, 5) and x.dtype == np.int32
    assert (x[..., [0, 2]] == 0).all() and (x.sum(-1) == 30).all()
    one = kr.multivariate_hypergeometric([4], 2, key=k)
    assert one.shape == (1,) and one[0] == 2
    full = kr.multivariate_hypergeometric([3, 4], 7, shape=(5,), key=k)
    assert (full == [3, 4]).all()


def test_multivariate_hypergeometric_rows_do_not_depend_on_the_batch():
    k = key_of("mvhg-rows")
    a = kr.multivariate_hypergeometric([30, 20, 50], 40, shape=(60,), key=k)
    b = kr.multivariate_hypergeometric([30, 20, 50], 40, shape=(6, 10), key=k)
    np.testing.assert_array_equal(a, b.reshape(60, 3))


def test_multivariate_hypergeometric_dask_chunks():
    kd = pytest.importorskip("keyrand.dask")
    k = key_of("mvhg-dask")
    want = kr.multivariate_hypergeometric([30, 20, 50], 60, shape=(13, 7), key=k)
    got = kd.multivariate_hypergeometric([30, 20, 50], 60, shape=(13, 7), key=k,
                                         chunks=(4, 3, 3)).compute()
    assert_same_bits(got, want)
    with pytest.raises(ValueError):
        kd.multivariate_hypergeometric([30, 20, 50], 60, shape=(13, 7), key=k,
                                       chunks=(4, 3, 2))


@pytest.mark.parametrize("kw, arg", [
    ({"colors": [3, -1], "nsample": 1}, "colors"), ({"colors": [3, 1.5], "nsample": 1}, "colors"),
    ({"colors": [600_000_000, 600_000_000], "nsample": 1}, "colors"),
    ({"colors": [[1, 2]], "nsample": 1}, "colors"), ({"colors": [], "nsample": 0}, "colors"),
    ({"colors": [3, 4], "nsample": 8}, "nsample"), ({"colors": [3, 4], "nsample": -1}, "nsample"),
    ({"colors": [3, 4], "nsample": np.nan}, "nsample"),
    ({"colors": [3, 4], "nsample": 2.5}, "nsample"),
    ({"colors": [3, 4], "nsample": 2, "method": "count"}, "method")])
def test_multivariate_hypergeometric_bad(kw, arg):
    with pytest.raises(ValueError, match=rf"\[multivariate_hypergeometric\] {arg}"):
        kr.multivariate_hypergeometric(**kw, key=kr.key(0))


# ----------------------------------------------------------------- parameters and errors

BAD = [
    (kr.geometric, {"p": 0.0}, "p"), (kr.geometric, {"p": 1e-18}, "p"),
    (kr.geometric, {"p": 1.5}, "p"), (kr.geometric, {"p": np.nan}, "p"),
    (kr.geometric, {"p": np.array([0.5, np.nan])}, "p"),
    (kr.hypergeometric, {"ngood": -1, "nbad": 3, "nsample": 1}, "ngood"),
    (kr.hypergeometric, {"ngood": 2.5, "nbad": 3, "nsample": 1}, "ngood"),
    (kr.hypergeometric, {"ngood": 1e9, "nbad": 3, "nsample": 1}, "ngood"),
    (kr.hypergeometric, {"ngood": 2, "nbad": np.nan, "nsample": 1}, "nbad"),
    (kr.hypergeometric, {"ngood": 2, "nbad": np.inf, "nsample": 1}, "nbad"),
    (kr.hypergeometric, {"ngood": 2, "nbad": 3, "nsample": 6}, "nsample"),
    (kr.hypergeometric, {"ngood": 2, "nbad": 3, "nsample": -1}, "nsample"),
    (kr.logseries, {"p": 1.0}, "p"), (kr.logseries, {"p": -0.1}, "p"),
    (kr.logseries, {"p": np.nan}, "p"),
    (kr.zipf, {"a": 1.0}, "a"), (kr.zipf, {"a": 0.5}, "a"), (kr.zipf, {"a": np.nan}, "a"),
]


@pytest.mark.parametrize("fn, kw, arg", BAD)
def test_bad_parameters(fn, kw, arg):
    with pytest.raises(ValueError, match=rf"\[{fn.__name__}\] {arg}"):
        fn(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw, arg", BAD)
def test_bad_zero_stride_parameters_are_refused(fn, kw, arg):
    """Read-only zero-stride arrays (``np.broadcast_to``) are checked as any array."""
    strided = {k: np.broadcast_to(v, (2,)) for k, v in kw.items()}
    with pytest.raises(ValueError, match=rf"\[{fn.__name__}\] {arg}"):
        fn(**strided, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw", [(kr.geometric, {"p": 0.5}), (kr.logseries, {"p": 0.5}),
                                    (kr.zipf, {"a": 2.0}),
                                    (kr.hypergeometric, {"ngood": 2, "nbad": 3, "nsample": 1})])
def test_float_dtype_refused_and_shapes(fn, kw):
    with pytest.raises(ValueError, match="dtype"):
        fn(**kw, shape=(2,), dtype=np.float32, key=kr.key(0))
    with pytest.raises(TypeError, match=rf"\[{fn.__name__}\]"):
        fn(**{k: "1" for k in kw}, shape=(2,), key=kr.key(0))
    with pytest.raises(ValueError, match=rf"\[{fn.__name__}\] shape"):
        fn(**{k: np.full(3, v) for k, v in kw.items()}, shape=(2,), key=kr.key(0))
    assert fn(**{k: np.full((2, 1), v) for k, v in kw.items()}, key=kr.key(0)).shape == (2, 1)
    assert fn(**kw, shape=(4, 3), dtype=np.uint16, key=kr.key(0)).dtype == np.uint16


def test_dask_blocks_are_checked():
    kd = pytest.importorskip("keyrand.dask")
    da = pytest.importorskip("dask.array")
    k = key_of("dask-checks")
    good = kd.zipf(da.from_array(np.array([2.0, 3.0, 1.5, 4.0]), chunks=2), shape=(5, 4),
                   key=k, chunks=2).compute()
    assert_same_bits(good, kr.zipf(np.array([2.0, 3.0, 1.5, 4.0]), shape=(5, 4), key=k))
    bad = kd.geometric(da.from_array(np.array([0.5, 0.5, 0.0, 0.5]), chunks=2), shape=(5, 4),
                       key=k, chunks=2)
    with pytest.raises(ValueError, match=r"\[geometric\] p"):
        bad.compute()
    n = da.from_array(np.array([1, 2, 9, 3]), chunks=2)
    with pytest.raises(ValueError, match=r"\[hypergeometric\] nsample"):
        kd.hypergeometric(4, 4, n, shape=(5, 4), key=k, chunks=2).compute()


def test_dask_counts_are_checked_together_on_the_blocks():
    """``nsample ≤ ngood + nbad`` waits for the blocks when a count is a Dask array."""
    kd = pytest.importorskip("keyrand.dask")
    da = pytest.importorskip("dask.array")
    k = key_of("dask-hyper-across")
    good = np.array([5.0, 6.0, 7.0, 8.0])
    want = kr.hypergeometric(good, 1, 3, shape=(5, 4), key=k)
    lazy = kd.hypergeometric(da.from_array(good, chunks=2), 1, 3, shape=(5, 4), key=k, chunks=2)
    assert_same_bits(lazy.compute(), want)
    few = da.from_array(np.array([5.0, 6.0, 1.0, 8.0]), chunks=2)
    lazy = kd.hypergeometric(few, 1, 3, shape=(5, 4), key=k, chunks=2)
    with pytest.raises(ValueError, match=r"\[hypergeometric\] nsample"):
        lazy.compute()
