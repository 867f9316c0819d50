"""The goodness-of-fit cases of ``keyrand check``: each sampler, its parameters, its law.

Every sampler keyrand registers has cases here (a test of the package checks
that none is missing). A case draws ``n`` values of a sampler with given
parameters, reduces them to a one-dimensional sample where the draw is
multivariate (a marginal, a projection, a position), and names the law that
sample follows as a frozen :mod:`scipy.stats` distribution. Continuous samples
are tested by Kolmogorov–Smirnov, discrete ones by a chi-square over pooled
bins. ``quick`` keeps the first parameter set of each sampler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Float dtypes tried for every continuous sampler (those it refuses are left out).
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
#: Float dtypes of a quick run.
QUICK_FLOAT_DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Case:
    """One goodness-of-fit case.

    Attributes:
        name: The sampler.
        label: The parameters as shown in the report.
        draw: ``draw(sampler, n, key, dtype, stream) -> array`` calls the sampler.
        law: The frozen scipy.stats distribution of the reduced sample.
        discrete: Chi-square (True) or Kolmogorov–Smirnov (False).
        reduce: Turns the draw into the tested one-dimensional sample.
        dtypes: The dtypes to try (``None``: the sampler's own output dtype).
    """

    name: str
    label: str
    draw: Callable[..., object]
    law: object
    discrete: bool
    reduce: Callable[[np.ndarray], np.ndarray] = np.ravel
    dtypes: tuple[str | None, ...] = FLOAT_DTYPES


def _scalar(name: str, **params: object) -> Callable[..., object]:
    """A draw of ``n`` values of sampler ``name`` with keyword ``params``."""

    def draw(fn, n: int, key, dtype, stream):
        kwargs = dict(params)
        if dtype is not None:
            kwargs["dtype"] = dtype
        return fn(shape=(n,), key=key, stream=stream, **kwargs)

    draw.__qualname__ = f"draw_{name}"
    return draw


def _label(params: dict) -> str:
    shown = []
    for k, v in params.items():
        shown.append(f"{k}={np.array2string(np.asarray(v), precision=3, separator=',')}"
                     if isinstance(v, np.ndarray | list) else f"{k}={v:g}"
                     if isinstance(v, float) else f"{k}={v}")
    return ", ".join(shown) or "—"


def _continuous(name: str, law_of: Callable[..., object], spread: list[dict],
                dtypes: tuple[str | None, ...] = FLOAT_DTYPES) -> list[Case]:
    return [Case(name, _label(p), _scalar(name, **p), law_of(**p), False, np.ravel, dtypes)
            for p in spread]


def _discrete(name: str, law_of: Callable[..., object], spread: list[dict],
              dtypes: tuple[str | None, ...] = (None,)) -> list[Case]:
    return [Case(name, _label(p), _scalar(name, **p), law_of(**p), True, np.ravel, dtypes)
            for p in spread]


def _column(j: int) -> Callable[[np.ndarray], np.ndarray]:
    def reduce(x: np.ndarray) -> np.ndarray:
        return np.asarray(x)[..., j].reshape(-1)

    return reduce


def _wrapped(mu: float) -> Callable[[np.ndarray], np.ndarray]:
    def reduce(x: np.ndarray) -> np.ndarray:
        d = np.asarray(x, np.float64).reshape(-1) - mu
        return (d + np.pi) % (2.0 * np.pi) - np.pi

    return reduce


def _cases() -> list[Case]:
    from scipy import stats as st

    c: list[Case] = []
    # ------------------------------------------------------------------ MLX's samplers
    c += _continuous("uniform", lambda low, high: st.uniform(low, high - low),
                     [{"low": 0.0, "high": 1.0}, {"low": -3.0, "high": 5.0}])
    c += _continuous("normal", lambda loc=0.0, scale=1.0: st.norm(loc, scale),
                     [{}, {"loc": 2.0, "scale": 3.0}])
    c += _continuous("truncated_normal", lambda lower, upper: st.truncnorm(lower, upper),
                     [{"lower": -1.0, "upper": 1.0}, {"lower": 0.5, "upper": 3.0}])
    c += _continuous("gumbel", lambda: st.gumbel_r(), [{}])
    c += _continuous("laplace", lambda loc=0.0, scale=1.0: st.laplace(loc, scale),
                     [{}, {"loc": 1.0, "scale": 2.0}])
    c += _discrete("bernoulli", lambda p: st.bernoulli(p), [{"p": 0.3}, {"p": 0.5}])
    c += _discrete("randint", lambda low, high: st.randint(low, high),
                   [{"low": 0, "high": 10}, {"low": -5, "high": 1000}])
    c += _discrete("integers", lambda low, high: st.randint(low, high),
                   [{"low": 0, "high": 10}, {"low": -1000, "high": 1000}])
    probs = np.array([0.1, 0.2, 0.3, 0.4])

    def categorical(fn, n, key, dtype, stream):
        return fn(np.log(probs), num_samples=n, key=key, stream=stream)

    c.append(Case("categorical", "p=[0.1,0.2,0.3,0.4]", categorical,
                  st.rv_discrete(values=(np.arange(4), probs)), True, np.ravel, (None,)))

    def bits(fn, n, key, dtype, stream):
        return fn(shape=(n,), key=key, stream=stream)

    c.append(Case("bits", "width=4, low byte", bits, st.randint(0, 256), True,
                  lambda x: np.asarray(x) & 0xFF, (None,)))
    c.append(Case("bits", "width=4, high byte", bits, st.randint(0, 256), True,
                  lambda x: np.asarray(x) >> 24, (None,)))

    def permutation(fn, n, key, dtype, stream):
        return fn(n, key=key, stream=stream)

    # The values at the first tenth of a permutation of n are a uniform sample without
    # replacement: their 100 equal bins are (nearly) multinomial.
    c.append(Case("permutation", "n, values of the first tenth in 100 bins", permutation,
                  st.randint(0, 100), True,
                  lambda x: (np.asarray(x)[: x.size // 10] * 100) // x.size, (None,)))

    def permuted(fn, n, key, dtype, stream):
        rows = np.tile(np.arange(10), (max(n // 10, 1), 1))
        return fn(rows, axis=1, key=key, stream=stream)

    c.append(Case("permuted", "rows of 10, position of 0", permuted, st.randint(0, 10), True,
                  lambda x: np.argmax(np.asarray(x) == 0, axis=1), (None,)))
    mean, cov, w = np.array([1.0, -1.0]), np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([0.6, 0.8])

    def mvn(fn, n, key, dtype, stream):
        return fn(mean, cov, shape=(n,), dtype=dtype, key=key, stream=stream)

    c.append(Case("multivariate_normal", "mean=[1,-1], cov=[[2,.5],[.5,1]], x·[.6,.8]", mvn,
                  st.norm(w @ mean, np.sqrt(w @ cov @ w)), False,
                  lambda x: np.asarray(x, np.float64) @ w, ("float32", "float64")))
    # ------------------------------------------------------------------ the additions
    c += _continuous("exponential", lambda: st.expon(), [{}])
    c += _continuous("cauchy", lambda: st.cauchy(), [{}])
    c += _continuous("logistic", lambda: st.logistic(), [{}])
    c += _continuous("lognormal", lambda sigma: st.lognorm(sigma),
                     [{"sigma": 0.5}, {"sigma": 2.0}])
    c += _continuous("pareto", lambda b: st.pareto(b), [{"b": 3.0}, {"b": 0.7}])
    c += _continuous("power", lambda a: st.powerlaw(a), [{"a": 2.0}, {"a": 0.3}])
    c += _continuous("rayleigh", lambda scale: st.rayleigh(scale=scale),
                     [{"scale": 2.0}, {"scale": 0.5}])
    c += _continuous("weibull_min", lambda scale, concentration:
                     st.weibull_min(concentration, scale=scale),
                     [{"scale": 1.0, "concentration": 0.8}, {"scale": 2.0, "concentration": 3.0}])
    c += _continuous("triangular", lambda left, mode, right:
                     st.triang((mode - left) / (right - left), loc=left, scale=right - left),
                     [{"left": 0.0, "mode": 1.0, "right": 3.0},
                      {"left": -1.0, "mode": -1.0, "right": 1.0}])
    c += _continuous("wald", lambda mean, scale: st.invgauss(mean / scale, scale=scale),
                     [{"mean": 1.0, "scale": 2.0}, {"mean": 3.0, "scale": 0.5}])
    # von Mises draws lie in [-π, π]: their offset from mu, wrapped into [-π, π), follows
    # scipy's vonmises(kappa) (whose loc shifts the support instead of wrapping).
    for p in ({"mu": 0.0, "kappa": 4.0}, {"mu": 1.0, "kappa": 0.5}):
        c.append(Case("vonmises", _label(p) + ", x − mu wrapped", _scalar("vonmises", **p),
                      st.vonmises(p["kappa"]), False, _wrapped(p["mu"])))
    c += _continuous("gamma", lambda a: st.gamma(a), [{"a": 2.5}, {"a": 0.3}, {"a": 30.0}])
    c += _continuous("beta", lambda a, b: st.beta(a, b),
                     [{"a": 2.0, "b": 3.0}, {"a": 0.5, "b": 0.5}])
    c += _continuous("chisquare", lambda df: st.chi2(df), [{"df": 3.0}, {"df": 0.5}])
    c += _continuous("t", lambda df: st.t(df), [{"df": 4.0}, {"df": 1.5}])
    c += _continuous("f", lambda dfnum, dfden: st.f(dfnum, dfden),
                     [{"dfnum": 3.0, "dfden": 7.0}, {"dfnum": 0.5, "dfden": 20.0}])
    c += _continuous("loggamma", lambda a: st.loggamma(a), [{"a": 2.0}, {"a": 0.5}])
    c += _continuous("generalized_normal", lambda p: st.gennorm(p), [{"p": 2.0}, {"p": 0.5}])
    c += _continuous("maxwell", lambda: st.maxwell(), [{}])
    c += _continuous("double_sided_maxwell", lambda loc, scale: _double_sided_maxwell(loc, scale),
                     [{"loc": 0.0, "scale": 1.0}, {"loc": -2.0, "scale": 0.5}])
    c += _continuous("noncentral_chisquare", lambda df, nonc: st.ncx2(df, nonc),
                     [{"df": 3.0, "nonc": 2.0}, {"df": 0.5, "nonc": 2.0}])
    c += _continuous("noncentral_f", lambda dfnum, dfden, nonc: st.ncf(dfnum, dfden, nonc),
                     [{"dfnum": 3.0, "dfden": 20.0, "nonc": 2.0}])
    alpha = np.array([1.0, 2.0, 3.0])

    def dirichlet(fn, n, key, dtype, stream):
        return fn(alpha, shape=(n,), dtype=dtype, key=key, stream=stream)

    c.append(Case("dirichlet", "alpha=[1,2,3], component 0", dirichlet,
                  st.beta(1.0, 5.0), False, _column(0)))

    def orthogonal(fn, n, key, dtype, stream):
        return fn(3, shape=(max(n // 3, 1),), dtype=dtype, key=key, stream=stream)

    # An entry of a Haar-random orthogonal 3×3 matrix: (q + 1) / 2 ~ Beta(1, 1).
    c.append(Case("orthogonal", "n=3, (q[0,0] + 1) / 2", orthogonal, st.beta(1.0, 1.0), False,
                  lambda x: (np.asarray(x, np.float64)[:, 0, 0] + 1.0) / 2.0))

    def ball(fn, n, key, dtype, stream):
        return fn(3, shape=(n,), dtype=dtype, key=key, stream=stream)

    # A uniform point of the unit 3-ball: its radius cubed is uniform.
    c.append(Case("ball", "d=3, radius³", ball, st.uniform(), False,
                  lambda x: (np.linalg.norm(np.asarray(x, np.float64), axis=-1)) ** 3))
    c += _discrete("poisson", lambda lam: st.poisson(lam),
                   [{"lam": 4.0}, {"lam": 37.5}, {"lam": 0.5}])
    c += _discrete("binomial", lambda n, p: st.binom(n, p),
                   [{"n": 40.0, "p": 0.3}, {"n": 1000.0, "p": 0.6}])
    c += _discrete("negative_binomial", lambda n, p: st.nbinom(n, p),
                   [{"n": 2.0, "p": 0.4}, {"n": 30.0, "p": 0.8}])
    c += _discrete("geometric", lambda p: st.geom(p), [{"p": 0.3}, {"p": 0.01}])
    c += _discrete("rademacher", lambda: st.rv_discrete(values=([-1, 1], [0.5, 0.5])), [{}])
    c += _discrete("hypergeometric", lambda ngood, nbad, nsample:
                   st.hypergeom(ngood + nbad, ngood, nsample),
                   [{"ngood": 100, "nbad": 50, "nsample": 40},
                    {"ngood": 5, "nbad": 5, "nsample": 3}])
    c += _discrete("logseries", lambda p: st.logser(p), [{"p": 0.9}, {"p": 0.3}])
    c += _discrete("zipf", lambda a: st.zipf(a), [{"a": 2.0}, {"a": 3.5}])
    p3 = np.array([0.2, 0.3, 0.5])

    def multinomial(fn, n, key, dtype, stream):
        return fn(100.0, p3, shape=(n,), key=key, stream=stream)

    c.append(Case("multinomial", "n=100, p=[0.2,0.3,0.5], count 0", multinomial,
                  st.binom(100, 0.2), True, _column(0), (None,)))

    def mvhg(fn, n, key, dtype, stream):
        return fn([3, 5, 7], 6, shape=(n,), key=key, stream=stream)

    c.append(Case("multivariate_hypergeometric", "colors=[3,5,7], nsample=6, colour 1", mvhg,
                  st.hypergeom(15, 5, 6), True, _column(1), (None,)))

    def choice(fn, n, key, dtype, stream):
        return fn(7, shape=(n,), key=key, stream=stream)

    c.append(Case("choice", "a=7", choice, st.randint(0, 7), True, np.ravel, (None,)))

    def choice_p(fn, n, key, dtype, stream):
        return fn(3, shape=(n,), p=np.array([0.2, 0.0, 0.8]), key=key, stream=stream)

    c.append(Case("choice", "a=3, p=[0.2,0,0.8]", choice_p,
                  st.rv_discrete(values=([0, 1, 2], [0.2, 0.0, 0.8])), True, np.ravel, (None,)))
    return c


class _DoubleSidedMaxwell:
    """The double-sided Maxwell law: ``loc + scale·S·M`` with S = ±1 and M Maxwell."""

    def __init__(self, loc: float, scale: float) -> None:
        from scipy import stats as st

        self.loc, self.scale, self._m = loc, scale, st.maxwell()

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """F(x) = ½ + ½·sign(z)·F_M(|z|), z = (x − loc) / scale."""
        z = (np.asarray(x, np.float64) - self.loc) / self.scale
        return 0.5 + 0.5 * np.sign(z) * self._m.cdf(np.abs(z))

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """f(x) = f_M(|z|) / (2·scale)."""
        z = (np.asarray(x, np.float64) - self.loc) / self.scale
        return self._m.pdf(np.abs(z)) / (2.0 * self.scale)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`cdf`."""
        q = np.asarray(q, np.float64)
        z = np.sign(q - 0.5) * self._m.ppf(np.abs(2.0 * q - 1.0))
        return self.loc + self.scale * z


def _double_sided_maxwell(loc: float, scale: float) -> _DoubleSidedMaxwell:
    return _DoubleSidedMaxwell(loc, scale)


def cases(quick: bool) -> list[Case]:
    """The goodness-of-fit cases: all of them, or the first of each sampler when ``quick``.

    Args:
        quick: Keep one parameter set per sampler.

    Returns:
        The cases, in the order of the report.
    """
    every = _cases()
    if not quick:
        return every
    seen: set[str] = set()
    first = []
    for case in every:
        if case.name not in seen:
            seen.add(case.name)
            first.append(case)
    return first
