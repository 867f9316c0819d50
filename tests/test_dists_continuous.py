"""The continuous distributions of docs/distributions.md §4, orthogonal (§6.10) and ball (§6.11).

Goodness of fit (marked ``gof``, tests/dist_check.py: fixed keys, KS against
scipy.stats at ``N`` draws, a per-test level that keeps the suite's
false-alarm rate at or below 1e-3) for a spread of parameters in float32 and
float64; atan and log1p against mpmath; special values, NaN, errors and
broadcasting; QᵀQ = I and Haar statistics for orthogonal; the radius law
r^d ~ Uniform(0, 1) for ball; chunk invariance of the two in keyrand.dask.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.stats as st
from conftest import assert_same_bits
from dist_check import ALPHA, N, key_of, ks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import keyrand as kr
from keyrand import _dists_continuous as dc

DTYPES = [np.float32, np.float64]
PI = math.pi


def _tag(*parts) -> str:
    return "-".join(str(p) for p in parts)


def _name(dtype) -> str:
    return np.dtype(dtype).name


# ---------------------------------------------------------------- atan and log1p vs mpmath

mpmath.mp.prec = 120


def _ulps(got: float, want: mpmath.mpf) -> float:
    w = float(want)
    if w == 0.0:
        return 0.0 if got == 0.0 else math.inf
    return abs(got - w) / float(np.spacing(abs(w)))


def _worst(f, ref, xs) -> float:
    return max(_ulps(f(float(x)), ref(mpmath.mpf(float(x)))) for x in xs)


def test_atan_within_one_ulp():
    rng = np.random.default_rng(7)
    xs = [*rng.uniform(-3, 3, 3000), *np.exp(rng.uniform(-700, 700, 2000)),
          *(-np.exp(rng.uniform(-40, 40, 1000))), 0.4375, 0.6875, 1.1875, 2.4375, 1.0, 0.5, 1.5,
          2.0**-29, 2.0**-30, 2.0**66, 1e300, 5e-324, -1.0]
    assert _worst(dc.atan, mpmath.atan, xs) <= 1.0


def test_atan_special_values():
    assert dc.atan(math.inf) == pytest.approx(PI / 2, rel=1e-16)
    assert dc.atan(-math.inf) == pytest.approx(-PI / 2, rel=1e-16)
    assert math.isnan(dc.atan(math.nan))
    assert dc.atan(0.0) == 0.0 and math.copysign(1.0, dc.atan(-0.0)) == -1.0


def test_log1p_within_two_ulps():
    rng = np.random.default_rng(8)
    xs = [*rng.uniform(-1, 1, 4000), *(-np.exp(rng.uniform(-745, 0, 1000))),
          *np.exp(rng.uniform(-745, 0, 1000)), -1 + 2.0**-53, -0.5, 0.5, 2.0**-53, -2.0**-54]
    assert _worst(dc.log1p, mpmath.log1p, xs) <= 2.0


def test_log1p_special_values():
    assert dc.log1p(-1.0) == -math.inf
    assert math.isnan(dc.log1p(-2.0)) and math.isnan(dc.log1p(math.nan))
    assert dc.log1p(math.inf) == math.inf
    assert dc.log1p(0.0) == 0.0


# ---------------------------------------------------------------- goodness of fit (§4)

@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, dist", [("cauchy", st.cauchy), ("logistic", st.logistic)])
def test_standard_fits(name, dist, dtype):
    x = getattr(kr, name)((N,), dtype=dtype, key=key_of(_tag(name, _name(dtype))))
    assert x.dtype == dtype
    ks(x, dist.cdf, name)


def _fits(name: str, kw: dict, dist, dtype) -> np.ndarray:
    x = getattr(kr, name)(**kw, shape=(N,), dtype=dtype,
                          key=key_of(_tag(name, *kw.values(), _name(dtype))))
    assert x.dtype == dtype
    ks(x, dist.cdf, f"{name}{kw}")
    return x


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sigma", [1e-3, 0.5, 1.0, 4.0])
def test_lognormal_fits(sigma, dtype):
    _fits("lognormal", {"sigma": sigma}, st.lognorm(sigma), dtype)


@pytest.mark.gof
@pytest.mark.parametrize("b, dtype", [(0.1, np.float64)] + [(b, d) for b in (0.5, 1.0, 3.0, 100.0)
                                                             for d in DTYPES])
def test_pareto_fits(b, dtype):
    x = _fits("pareto", {"b": b}, st.pareto(b), dtype)
    assert (x >= 1).all()


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a", [0.1, 0.5, 1.0, 2.5, 1e3])
def test_power_fits(a, dtype):
    x = _fits("power", {"a": a}, st.powerlaw(a), dtype)
    assert ((x >= 0) & (x <= 1)).all()


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale", [1e-3, 1.0, 50.0])
def test_rayleigh_fits(scale, dtype):
    _fits("rayleigh", {"scale": scale}, st.rayleigh(scale=scale), dtype)


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scale, k", [(1.0, 0.1), (1.0, 0.5), (2.0, 1.0), (1.0, 3.5), (0.5, 50.0)])
def test_weibull_min_fits(scale, k, dtype):
    _fits("weibull_min", {"scale": scale, "concentration": k},
          st.weibull_min(k, scale=scale), dtype)


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("left, mode, right", [(0.0, 1.0, 3.0), (-1.0, -1.0, 1.0),
                                               (0.0, 2.0, 2.0), (-1e3, 0.0, 5e3)])
def test_triangular_fits(left, mode, right, dtype):
    x = _fits("triangular", {"left": left, "mode": mode, "right": right},
              st.triang((mode - left) / (right - left), loc=left, scale=right - left), dtype)
    assert ((x >= left) & (x <= right)).all()


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mean, scale", [(1.0, 2.0), (1e-3, 1e3), (1e3, 1e-3), (5.0, 5.0),
                                         (0.1, 100.0)])
def test_wald_fits(mean, scale, dtype):
    x = _fits("wald", {"mean": mean, "scale": scale}, st.invgauss(mean / scale, scale=scale),
              dtype)
    assert (x > 0).all()


VONMISES = [(0.0, 0.0), (1.0, 1e-9), (-2.0, 1e-6), (0.5, 1e-3), (3.0, 0.5), (0.0, 4.0),
            (-3.0, 50.0), (2.0, 1e4), (0.0, 1e6), (3.1, 1e7)]


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mu, kappa", VONMISES)
def test_vonmises_fits(mu, kappa, dtype):
    # The angle from mu, wrapped into [−π, π), against von Mises(kappa) centred at 0.
    x = kr.vonmises(mu, kappa, shape=(N,), dtype=dtype,
                    key=key_of(_tag("vonmises", mu, kappa, _name(dtype))))
    assert x.dtype == dtype
    x = x.astype(np.float64)
    top = float(np.float32(PI)) if dtype == np.float32 else PI
    assert ((x >= -top) & (x <= top)).all()
    y = np.mod(x - mu + PI, 2 * PI) - PI
    dist = st.uniform(-PI, 2 * PI) if kappa == 0 else st.vonmises(kappa)
    ks(y, dist.cdf, f"vonmises({mu}, {kappa})")


# ---------------------------------------------------------------- special values, NaN, errors

def test_special_parameter_values():
    k = key_of("special")
    assert (kr.lognormal(0.0, shape=(5,), key=k) == 1).all()
    assert (kr.pareto(np.inf, shape=(5,), key=k) == 1).all()
    assert (kr.power(np.inf, shape=(5,), key=k) == 1).all()
    assert (kr.rayleigh(0.0, shape=(5,), key=k) == 0).all()
    assert (kr.weibull_min(0.0, 0.5, shape=(5,), key=k) == 0).all()
    assert (kr.weibull_min(3.0, np.inf, shape=(5,), key=k) == 3).all()
    assert (kr.vonmises(1.5, np.inf, shape=(5,), dtype=np.float64, key=k) == 1.5).all()
    assert (kr.triangular(2.0, 2.0, 2.0 + 1e-9, shape=(5,), dtype=np.float64, key=k) >= 2).all()


def test_vonmises_wraps_any_mu_into_the_circle():
    for mu in (100.0, -1e6, 3.14159, -PI, 7.0):
        for kappa in (0.0, 1.0, 1e7):
            x = kr.vonmises(mu, kappa, shape=(1000,), dtype=np.float64,
                            key=key_of(_tag("wrap", mu, kappa)))
            assert ((x >= -PI) & (x <= PI)).all()
    x = kr.vonmises(np.pi - 1e-3, 1e4, shape=(20000,), dtype=np.float64, key=key_of("seam"))
    assert (x < 0).any() and (x > 3).any()  # both sides of the seam at ±π


NAN_CASES = [
    (kr.lognormal, {"sigma": np.nan}),
    (kr.pareto, {"b": np.nan}),
    (kr.power, {"a": np.nan}),
    (kr.rayleigh, {"scale": np.nan}),
    (kr.weibull_min, {"scale": np.nan, "concentration": 1.0}),
    (kr.weibull_min, {"scale": 1.0, "concentration": np.nan}),
    (kr.triangular, {"left": np.nan, "mode": 0.5, "right": 1.0}),
    (kr.triangular, {"left": 0.0, "mode": np.nan, "right": 1.0}),
    (kr.triangular, {"left": 0.0, "mode": 0.5, "right": np.nan}),
    (kr.wald, {"mean": np.nan, "scale": 1.0}),
    (kr.wald, {"mean": 1.0, "scale": np.nan}),
    (kr.vonmises, {"mu": np.nan, "kappa": 1.0}),
    (kr.vonmises, {"mu": 0.0, "kappa": np.nan}),
    (kr.ball, {"d": 3, "p": np.nan}),
]


@pytest.mark.parametrize("fn, kw", NAN_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_parameters_give_nan(fn, kw, dtype):
    x = fn(**kw, shape=(7,), dtype=dtype, key=key_of("nan"))
    assert np.isnan(x).all()


BAD = [
    (kr.lognormal, {"sigma": -1.0}, "sigma"), (kr.lognormal, {"sigma": np.inf}, "sigma"),
    (kr.pareto, {"b": 0.0}, "b"), (kr.pareto, {"b": np.array([1.0, -2.0])}, "b"),
    (kr.power, {"a": 0.0}, "a"), (kr.power, {"a": -np.inf}, "a"),
    (kr.rayleigh, {"scale": -1.0}, "scale"), (kr.rayleigh, {"scale": np.inf}, "scale"),
    (kr.weibull_min, {"scale": -1.0, "concentration": 1.0}, "scale"),
    (kr.weibull_min, {"scale": 1.0, "concentration": 0.0}, "concentration"),
    (kr.triangular, {"left": 0.0, "mode": -1.0, "right": 1.0}, "mode"),
    (kr.triangular, {"left": 0.0, "mode": 2.0, "right": 1.0}, "mode"),
    (kr.triangular, {"left": 1.0, "mode": 1.0, "right": 1.0}, "left"),
    (kr.triangular, {"left": 0.0, "mode": 0.0, "right": 0.0}, "left"),
    (kr.triangular, {"left": -np.inf, "mode": 0.0, "right": 1.0}, "left"),
    (kr.wald, {"mean": 0.0, "scale": 1.0}, "mean"),
    (kr.wald, {"mean": 1.0, "scale": -1.0}, "scale"),
    (kr.wald, {"mean": np.inf, "scale": 1.0}, "mean"),
    (kr.vonmises, {"mu": 0.0, "kappa": -1.0}, "kappa"),
    (kr.vonmises, {"mu": np.inf, "kappa": 1.0}, "mu"),
    (kr.orthogonal, {"n": -1}, "n"),
    (kr.ball, {"d": -1}, "d"), (kr.ball, {"d": 2, "p": 0.0}, "p"),
    (kr.ball, {"d": 2, "p": np.inf}, "p"), (kr.ball, {"d": 2, "p": np.ones(2)}, "p"),
]


@pytest.mark.parametrize("fn, kw, arg", BAD)
def test_bad_parameters_name_the_argument(fn, kw, arg):
    with pytest.raises(ValueError, match=rf"\[{fn.__name__}\] {arg}"):
        fn(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw, arg", [c for c in BAD if c[0] not in (kr.orthogonal, kr.ball)])
def test_bad_zero_stride_parameters_are_refused(fn, kw, arg):
    """A read-only zero-stride array (``np.broadcast_to``) is checked as any array.

    Only keyrand.dask's own placeholder for a Dask array skips the check.
    """
    strided = {k: np.broadcast_to(v, (2,)) for k, v in kw.items()}
    with pytest.raises(ValueError, match=rf"\[{fn.__name__}\] {arg}"):
        fn(**strided, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn, kw, arg", [
    (kr.pareto, {"b": "2"}, "b"), (kr.vonmises, {"mu": None, "kappa": 1.0}, "mu"),
    (kr.wald, {"mean": 1.0, "scale": 1j}, "scale"), (kr.orthogonal, {"n": 2.5}, "n"),
    (kr.orthogonal, {"n": True}, "n"), (kr.ball, {"d": "3"}, "d"),
])
def test_bad_types_name_the_argument(fn, kw, arg):
    with pytest.raises(TypeError, match=rf"\[{fn.__name__}\] {arg}"):
        fn(**kw, shape=(2,), key=kr.key(0))


@pytest.mark.parametrize("fn", [kr.cauchy, kr.logistic, kr.ball, kr.orthogonal])
def test_bad_dtype(fn):
    kw = {"d": 2} if fn is kr.ball else {"n": 2} if fn is kr.orthogonal else {}
    with pytest.raises(ValueError, match="dtype"):
        fn(**kw, shape=(2,), dtype=np.int32, key=kr.key(0))


def test_broadcasting_and_shape_errors():
    k = key_of("broadcast")
    x = kr.weibull_min(np.ones(3), np.full((2, 1), 2.0), key=k)
    assert x.shape == (2, 3)
    with pytest.raises(ValueError, match=r"\[weibull_min\] shape, scale, concentration"):
        kr.weibull_min(np.ones(3), 1.0, shape=(2,), key=k)
    with pytest.raises(ValueError, match=r"\[triangular\] shape, left, mode, right"):
        kr.triangular(np.zeros(3), np.ones(2), 2.0, key=k)


def test_array_parameters_match_scalar_draws():
    kappa = np.array([1e-9, 1e-3, 2.0, 1e7])
    k = key_of("vonmises-array")
    x = kr.vonmises(0.5, kappa, shape=(50, 4), dtype=np.float64, key=k)
    for j, kj in enumerate(kappa):
        np.testing.assert_array_equal(x[:, j], kr.vonmises(0.5, kj, shape=(50, 4),
                                                           dtype=np.float64, key=k)[:, j])


@pytest.mark.parametrize("dtype", [np.float16, kr.bfloat16])
def test_narrow_dtypes_round_the_float32_samples(dtype):
    k = key_of("narrow")
    wide = kr.wald(1.0, 2.0, shape=(1000,), key=k)
    np.testing.assert_array_equal(kr.wald(1.0, 2.0, shape=(1000,), dtype=dtype, key=k)
                                  .astype(np.float32), wide.astype(dtype).astype(np.float32))


# ---------------------------------------------------------------- orthogonal (§6.10)

@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-5), (np.float64, 1e-13)])
@pytest.mark.parametrize("n", [1, 2, 5, 17])
def test_orthogonal_is_orthogonal(n, dtype, tol):
    q = kr.orthogonal(n, shape=(3, 4), dtype=dtype, key=key_of(_tag("orth", n)))
    assert q.shape == (3, 4, n, n) and q.dtype == dtype
    qq = np.swapaxes(q, -1, -2).astype(np.float64) @ q.astype(np.float64)
    np.testing.assert_allclose(qq, np.broadcast_to(np.eye(n), qq.shape), atol=tol)


def test_orthogonal_shapes():
    assert kr.orthogonal(3, key=kr.key(0)).shape == (3, 3)
    assert kr.orthogonal(0, shape=(2,), key=kr.key(0)).shape == (2, 0, 0)
    assert kr.orthogonal(2, shape=(0,), key=kr.key(0)).shape == (0, 2, 2)
    assert kr.orthogonal(3, dtype=np.float16, key=kr.key(0)).dtype == np.float16


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, row, col", [(2, 0, 0), (3, 1, 2), (6, 5, 0)])
def test_orthogonal_entry_law(n, row, col, dtype):
    # Under Haar measure on O(n) one entry q has (q + 1)/2 ~ Beta((n − 1)/2, (n − 1)/2).
    q = kr.orthogonal(n, shape=(N // 2,), dtype=dtype,
                      key=key_of(_tag("orth-entry", n, _name(dtype))))
    h = (n - 1) / 2
    ks((q[:, row, col].astype(np.float64) + 1) / 2, st.beta(h, h).cdf, f"orthogonal({n}) entry")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_orthogonal_rotation_angles(dtype):
    # Haar O(3): det ±1 with probability ½ each; the rotations (det +1) are Haar on SO(3),
    # whose rotation angle θ (trace 1 + 2 cos θ) has density (1 − cos θ)/π on [0, π].
    q = kr.orthogonal(3, shape=(N,), dtype=dtype, key=key_of(_tag("orth-angle", _name(dtype))))
    q = q.astype(np.float64)
    det = np.linalg.det(q)
    rot = det > 0
    assert st.binomtest(int(rot.sum()), N, 0.5).pvalue > ALPHA / 2
    cos = np.clip((np.trace(q[rot], axis1=-2, axis2=-1) - 1) / 2, -1, 1)
    ks(np.arccos(cos), lambda t: (t - np.sin(t)) / PI, "SO(3) rotation angle")


@pytest.mark.gof
def test_orthogonal_trace_moments():
    # Haar O(n), n ≥ 4: the trace has mean 0, E[tr²] = 1 and E[tr⁴] = 3 (Diaconis–Shahshahani).
    q = kr.orthogonal(5, shape=(N,), dtype=np.float64, key=key_of("orth-trace"))
    t = np.trace(q, axis1=-2, axis2=-1)
    for stat, mean, var in ((t, 0.0, 1.0), (t * t, 1.0, 2.0)):
        z = (stat.mean() - mean) / math.sqrt(var / N)
        assert 2 * st.norm.sf(abs(z)) > ALPHA / 2


# ---------------------------------------------------------------- ball (§6.11)

BALLS = [(1, 2.0), (2, 2.0), (3, 2.0), (3, 1.0), (5, 0.5), (4, 50.0), (10, 2.0), (2, 3.5)]


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("d, p", BALLS)
def test_ball_radius_law(d, p, dtype):
    # Uniform in the unit Lp ball of R^d: the norm r has P(r ≤ t) = t^d, so r^d ~ U(0, 1).
    x = kr.ball(d, p, shape=(N,), dtype=dtype, key=key_of(_tag("ball", d, p, _name(dtype))))
    assert x.shape == (N, d) and x.dtype == dtype
    r = (np.abs(x.astype(np.float64)) ** p).sum(-1) ** (1 / p)
    slack = 1e-5 if dtype == np.float32 else 1e-12
    assert (r <= 1 + slack).all()
    ks(np.minimum(r, 1.0) ** d, st.uniform.cdf, f"ball({d}, {p}) radius")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_ball_direction_l2(dtype):
    # Uniform in the 3-ball: a coordinate of x/|x| is uniform on [−1, 1] (Archimedes).
    x = kr.ball(3, shape=(N,), dtype=dtype, key=key_of(_tag("ball-dir", _name(dtype))))
    x = x.astype(np.float64)
    ks(x[:, 2] / np.sqrt((x * x).sum(-1)), st.uniform(-1, 2).cdf, "ball(3) direction")


@pytest.mark.gof
@pytest.mark.parametrize("dtype", DTYPES)
def test_ball_l1_marginal(dtype):
    # Uniform in the L1 ball of R^2 (a square): a coordinate has density 1 − |x| on [−1, 1].
    x = kr.ball(2, 1.0, shape=(N,), dtype=dtype, key=key_of(_tag("ball-l1", _name(dtype))))
    ks(x[:, 0], st.triang(0.5, loc=-1, scale=2).cdf, "ball(2, 1) marginal")


def test_ball_large_p_coordinates_do_not_underflow():
    # p = 500: the coordinates fill the cube, |x_j| uniform on (0, 1), none flushed to 0.
    x = kr.ball(3, 500.0, shape=(20000,), dtype=np.float64, key=key_of("ball-p500"))
    assert (x != 0).all()
    assert np.abs(x).min() < 1e-3 and np.abs(x).max() > 0.999


def test_ball_shapes():
    assert kr.ball(4, key=kr.key(0)).shape == (4,)
    assert kr.ball(2, shape=(3, 5), key=kr.key(0)).shape == (3, 5, 2)
    assert kr.ball(0, shape=(3,), key=kr.key(0)).shape == (3, 0)
    assert kr.ball(2, shape=(3,), dtype=kr.bfloat16, key=kr.key(0)).dtype == kr.bfloat16


# ---------------------------------------------------------------- Dask (event axes whole)

da = pytest.importorskip("dask.array")
import keyrand.dask as kd  # noqa: E402


def _chunks(draw, n: int) -> tuple[int, ...]:
    sizes, left = [], n
    while left:
        s = draw(hs.integers(1, left))
        sizes.append(s)
        left -= s
    return tuple(sizes)


@pytest.mark.parametrize("name, kw, event", [("orthogonal", {"n": 4}, 2),
                                             ("ball", {"d": 3, "p": 1.5}, 1)])
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=hs.data())
def test_multivariate_chunk_invariance(name, kw, event, data):
    batch = (11, 7)
    chunks = (_chunks(data.draw, batch[0]), _chunks(data.draw, batch[1])) + (-1,) * event
    dtype = data.draw(hs.sampled_from([np.float32, np.float64]))
    key = key_of(f"dask-{name}")
    want = getattr(kr, name)(**kw, shape=batch, dtype=dtype, key=key)
    got = getattr(kd, name)(**kw, shape=batch, dtype=dtype, key=key, chunks=chunks).compute()
    assert_same_bits(got, want)


@pytest.mark.parametrize("name, kw, chunks", [("orthogonal", {"n": 4}, (2, 2, 4)),
                                              ("ball", {"d": 6}, (2, 3))])
def test_dask_refuses_to_cut_the_event_axes(name, kw, chunks):
    with pytest.raises(ValueError, match=rf"\[{name}\] chunks"):
        getattr(kd, name)(**kw, shape=(4,), key=kr.key(0), chunks=chunks)


def test_dask_blocks_check_their_parameters():
    b = da.from_array(np.array([1.0, 2.0, -1.0, 3.0]), chunks=2)
    lazy = kd.pareto(b, shape=(5, 4), key=kr.key(0), chunks=2)
    with pytest.raises(ValueError, match=r"\[pareto\] b must be positive"):
        lazy.compute()
    right = da.from_array(np.array([1.0, 2.0, -1.0]), chunks=1)
    x = kd.triangular(0.0, 0.0, right, shape=(2, 3), key=kr.key(0), chunks=1).compute()
    assert np.isnan(x[:, 2]).all() and not np.isnan(x[:, :2]).any()
