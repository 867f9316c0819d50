"""The Poisson and binomial family of samplers.

``poisson``, ``binomial``, ``negative_binomial``, ``noncentral_chisquare``,
``noncentral_f`` and ``multinomial``.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §5.1–§5.5, §6.4): the elementwise ones check their
parameters and describe their draw with :func:`keyrand._dist_spec.draw`;
``multinomial`` checks its own and finishes its
blocks with one conditional binomial draw per category. The sample functions
are in :mod:`keyrand._dists_discrete`.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ._backend import Runs
from ._codes import Dist
from ._dist_spec import (
    Checks,
    ShapeLike,
    block_checks,
    check,
    check_now,
    draw,
    finite,
    integer_outputs,
    nonnegative,
    not_nan,
    output_shape,
    parameter,
    positive,
    probability,
    within,
)
from ._dtypes import float32, to_numpy
from ._registry import Start, aligned, host_values, sampler
from ._spec import Block, DrawSpec, Param

#: Largest Poisson mean any integer dtype is drawn with: 2^50, where float64 still holds
#: the samples and PTRS's arithmetic exactly (int64's limit).
MAX_MEAN = 2.0**50
#: Largest binomial ``n``: float64 holds every integer up to 2^53.
MAX_TRIALS = 2.0**53


def max_mean(d: np.dtype) -> float:
    """The largest mean λ whose Poisson samples fit ``d``: ``λ + 20·√λ ≤ max(d)``, at most 2^50.

    A sample lies above ``λ + 20√λ`` with probability below 1e-80; int32 allows
    λ ≤ 2 146 557 027.98, int64 λ ≤ 2^50.
    """
    top = float(np.iinfo(d).max)
    root = (-20.0 + np.sqrt(400.0 + 4.0 * top)) / 2.0
    return min(root * root, MAX_MEAN)


def _count(x: np.ndarray, fn: str, name: str, d: np.dtype) -> None:
    """Refuse NaN, negative, non-integral or too large trial counts (ValueError)."""
    not_nan(x, fn, name)
    nonnegative(x, fn, name)
    within(x, fn, name, "an integer", integer=True)
    top = min(MAX_TRIALS, float(np.iinfo(d).max))
    within(x, fn, name, f"at most {top:.0f} for dtype {d}", high=top)


def _lam(x: np.ndarray, fn: str, name: str, d: np.dtype) -> None:
    not_nan(x, fn, name)
    nonnegative(x, fn, name)
    top = max_mean(d)
    within(x, fn, name, f"at most {top:.6g} for dtype {d}", high=top)


def _probability(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    probability(x, fn, name)


def _successes(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    positive(x, fn, name)
    finite(x, fn, name)


def _success_probability(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    within(x, fn, name, "in (0, 1]", 0.0, 1.0, open_low=True)


def _categories(x: np.ndarray, fn: str, name: str) -> None:
    _probability(x, fn, name)
    check(x.sum(axis=-1) > 0, fn, name, "of positive sum along its last axis")


def _trials(d: np.dtype) -> Checks:
    """The checks of ``binomial`` and ``multinomial`` drawing dtype ``d``."""
    return {"n": functools.partial(_count, d=d), "p": _probability}


def _mean(d: np.dtype) -> Checks:
    """The check of ``poisson``'s mean drawing dtype ``d``."""
    return {"lam": functools.partial(_lam, d=d)}


def _fits(fn: str, d: np.dtype, n: np.ndarray, p: np.ndarray) -> None:
    """Refuse negative binomial parameters whose samples may not fit ``d`` (in memory)."""
    top = max_mean(d)
    with np.errstate(over="ignore", divide="ignore"):
        bound = (1.0 - p) / p * (n + 10.0 * np.sqrt(n) + 40.0)
    check(bound <= top, fn, "n, p", f"such that (1 − p)/p·(n + 10√n + 40) ≤ {top:.6g} "
          f"for dtype {d}")


@sampler("poisson", arrays=("lam",), broadcasts="shape, lam", cli=True)
def poisson(lam: object, shape: ShapeLike | None = None, dtype: object = np.int32,
            key: object = None, stream: object = None) -> DrawSpec:
    """Poisson samples with mean ``lam``: ``P(k) = λ^k·e^(−λ) / k!``.

    Below λ = 10, inversion by sequential search from one uniform (Devroye
    1986, §X.3); from λ = 10, Hörmann's transformed rejection with squeeze
    PTRS (1993), as NumPy and JAX, with the acceptance test's log probability
    in Loader's saddle-point form ``−½·log(2πk) − δ(k) − (k·log(k/λ) + λ − k)``
    (δ the Stirling error), exact for every λ (docs/distributions.md §5.1).

    Args:
        lam: Mean, ``0 ≤ λ ≤`` :func:`max_mean` of the dtype (int32: about 2.1466e9;
            int64: 2^50) (scalar or array).
        shape: Output shape; None for the shape of ``lam``.
        dtype: An integer dtype (int32 by default, JAX's).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``lam`` is not a real number or array.
        ValueError: ``lam`` negative, NaN or above the dtype's limit, a float dtype, or
            ``lam`` does not broadcast to ``shape``.
    """
    return draw("poisson", Dist.POISSON, shape, dtype, key, stream, _mean, integer=True,
                lam=lam)


@sampler("binomial", arrays=("n", "p"), broadcasts="shape, n, p", cli=True)
def binomial(n: object, p: object, shape: ShapeLike | None = None, dtype: object = np.int32,
             key: object = None, stream: object = None) -> DrawSpec:
    """Binomial samples: successes in ``n`` trials of probability ``p``.

    ``P(k) = C(n, k)·p^k·(1 − p)^(n−k)``. For ``p > ½`` the sample is ``n −
    Binomial(n, 1 − p)``; with ``p ≤ ½``, inversion by sequential search from
    one uniform while ``n·p < 10``, otherwise Hörmann's BTRS (1993), as JAX
    (NumPy uses BTPE), with the log probabilities in Loader's saddle-point
    form (docs/distributions.md §5.2).

    Args:
        n: Number of trials, an integer ``0 ≤ n ≤ 2^53`` that fits the dtype.
        p: Success probability in [0, 1].
        shape: Output shape; None for the broadcast shape of ``n`` and ``p``.
        dtype: An integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``n`` or ``p`` is not a real number or array.
        ValueError: ``n`` not an integer in range, ``p`` outside [0, 1], a NaN parameter,
            a float dtype, or parameters that do not broadcast to ``shape``.
    """
    return draw("binomial", Dist.BINOMIAL, shape, dtype, key, stream, _trials, integer=True,
                n=n, p=p)


@sampler("negative_binomial", arrays=("n", "p"), broadcasts="shape, n, p", cli=True)
def negative_binomial(n: object, p: object, shape: ShapeLike | None = None,
                      dtype: object = np.int32, key: object = None,
                      stream: object = None) -> DrawSpec:
    """Negative binomial samples: failures before the ``n``-th success (NumPy's definition).

    ``P(k) = Γ(n + k)/(k!·Γ(n))·p^n·(1 − p)^k`` for real ``n > 0``. Drawn as
    NumPy does, a gamma–Poisson mixture: ``Poisson(G·(1 − p)/p)`` with ``G ~
    Gamma(n)`` (docs/distributions.md §5.3).

    Args:
        n: Number of successes, ``n > 0`` and finite (real).
        p: Success probability in (0, 1].
        shape: Output shape; None for the broadcast shape of ``n`` and ``p``.
        dtype: An integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``n`` or ``p`` is not a real number or array.
        ValueError: ``n ≤ 0`` or infinite, ``p`` outside (0, 1], a NaN parameter, a mean
            so large that samples may not fit the dtype (``(1 − p)/p·(n + 10√n + 40)``
            above :func:`max_mean`), or parameters that do not broadcast to ``shape``.
    """
    return draw("negative_binomial", Dist.NEGATIVE_BINOMIAL, shape, dtype, key, stream,
                {"n": _successes, "p": _success_probability}, integer=True, across=_fits,
                n=n, p=p)


@sampler("noncentral_chisquare", arrays=("df", "nonc"), broadcasts="shape, df, nonc",
         cli=True)
def noncentral_chisquare(df: object, nonc: object, shape: ShapeLike | None = None,
                         dtype: object = float32, key: object = None,
                         stream: object = None) -> DrawSpec:
    """Noncentral chi-square samples with ``df`` degrees of freedom and noncentrality ``nonc``.

    The law of ``Σ (Z_j + μ_j)²`` over ``df`` standard normals with ``Σ μ_j² =
    nonc``. As NumPy: ``nonc = 0`` gives ``χ²(df) = 2·Gamma(df/2)``; ``df > 1``
    gives ``χ²(df − 1) + (Z + √nonc)²``; ``df ≤ 1`` the Poisson mixture
    ``χ²(df + 2J)``, ``J ~ Poisson(nonc/2)`` (docs/distributions.md §5.4).
    NaN parameters give NaN.

    Args:
        df: Degrees of freedom, ``df > 0``.
        nonc: Noncentrality, ``nonc ≥ 0``.
        shape: Output shape; None for the broadcast shape of ``df`` and ``nonc``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``df`` or ``nonc`` is not a real number or array.
        ValueError: ``df ≤ 0``, ``nonc < 0``, an unsupported dtype, or parameters that
            do not broadcast to ``shape``.
    """
    return draw("noncentral_chisquare", Dist.NONCENTRAL_CHISQUARE, shape, dtype, key, stream,
                {"df": positive, "nonc": nonnegative}, df=df, nonc=nonc)


@sampler("noncentral_f", arrays=("dfnum", "dfden", "nonc"),
         broadcasts="shape, dfnum, dfden, nonc", cli=True)
def noncentral_f(dfnum: object, dfden: object, nonc: object, shape: ShapeLike | None = None,
                 dtype: object = float32, key: object = None,
                 stream: object = None) -> DrawSpec:
    """Noncentral F samples: ``(χ²'(dfnum, nonc)/dfnum) / (χ²(dfden)/dfden)``.

    As NumPy: the noncentral chi-square of :func:`noncentral_chisquare` over an
    independent chi-square ``2·Gamma(dfden/2)`` (docs/distributions.md §5.5).
    NaN parameters give NaN.

    Args:
        dfnum: Numerator degrees of freedom, ``dfnum > 0``.
        dfden: Denominator degrees of freedom, ``dfden > 0``.
        nonc: Noncentrality, ``nonc ≥ 0``.
        shape: Output shape; None for the broadcast shape of the parameters.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: ``dfnum ≤ 0``, ``dfden ≤ 0``, ``nonc < 0``, an unsupported dtype, or
            parameters that do not broadcast to ``shape``.
    """
    return draw("noncentral_f", Dist.NONCENTRAL_F, shape, dtype, key, stream,
                {"dfnum": positive, "dfden": positive, "nonc": nonnegative},
                dfnum=dfnum, dfden=dfden, nonc=nonc)


@sampler("multinomial", arrays=("n", "p"), broadcasts="shape, n, p")
def multinomial(n: object, p: object, shape: ShapeLike | None = None,
                dtype: object = np.int32, key: object = None,
                stream: object = None) -> DrawSpec:
    """Multinomial counts of ``n`` trials over the categories of ``p``'s last axis.

    ``P(x) = n!/(x_1!···x_K!)·q_1^x_1···q_K^x_K`` with ``q = p/Σp`` (JAX's
    normalisation). Drawn by conditional binomials, as NumPy and JAX: count
    ``k < K − 1`` is ``Binomial(n − Σ_(j<k) x_j, p_k/Σ_(j≥k) p_j)`` and the last
    category takes the remaining trials (docs/distributions.md §6.4). Count
    ``k`` of row ``r`` is element ``r·K + k`` of the draw, so every count has
    its own element stream; the conditional probabilities are computed on the
    host in float64, so every backend and chunking gives the same counts.

    Args:
        n: Number of trials per row, an integer ``0 ≤ n ≤ 2^53`` that fits the dtype;
            broadcasts with ``p.shape[:-1]``.
        p: Category probabilities in [0, 1] along the last axis, with a positive sum.
        shape: The batch shape (JAX's): the output is ``shape + (K,)``; None for the
            broadcast shape of ``n`` and ``p.shape[:-1]``.
        dtype: An integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of shape ``shape + (K,)`` and ``dtype``.

    Raises:
        TypeError: ``n`` or ``p`` is not a real number or array.
        ValueError: ``p`` without a category axis, outside [0, 1], NaN or summing to 0;
            ``n`` not an integer in range; parameters that do not broadcast to ``shape``.
    """
    fn = "multinomial"
    n_in = parameter(n, fn, "n")
    p_in = parameter(p, fn, "p")
    d = integer_outputs(fn, dtype)
    call = Start(fn, key, stream)
    if p_in.ndim == 0 or p_in.shape[-1] == 0:
        raise ValueError(f"[{fn}] p must have a last axis of at least one category.")
    dims = (*output_shape(shape, fn, n_in, p_in[..., 0]), p_in.shape[-1])
    checks = {**_trials(d), "p": _categories}
    check_now(fn, checks, {"n": n_in, "p": p_in})
    call.ready()
    key_ = call.checked_key()
    batch = len(dims) - 1
    arrays = {"n": Param("n", n_in, tuple(range(batch - n_in.ndim, batch))),
              "p": Param(*aligned("p", p_in, len(dims)))}
    step = functools.partial(_multinomial_finish, key_, d)
    return call.spec(dims, d, None, key=key_, finish=step, params=arrays,
                     whole_axes=(len(dims) - 1,),
                     why="multinomial draws the categories of a row one after another",
                     check_param=block_checks(fn, checks))


def _multinomial_finish(key: Any, d: np.dtype, block: Block, values: None, n: Any,
                        p: Any) -> Any:
    """Counts of the block's rows: conditional binomials column by column."""
    b, extent, runs = block.backend, block.shape, block.runs
    k = extent[-1]
    index = (runs.starts[:, None] + np.arange(runs.run)[None, :]).reshape(-1, k)
    rows = index.shape[0]
    left = np.broadcast_to(host_values(n), extent[:-1]).reshape(rows).astype(np.float64)
    probs = np.broadcast_to(host_values(p), extent).reshape(rows, k).astype(np.float64)
    tail = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        cond = np.where(probs > 0, probs / tail, 0.0)
    counts = np.empty((rows, k), np.int64)
    zero = np.zeros(1, np.float64)
    for j in range(k - 1):
        cols = Runs(runs.total, np.ascontiguousarray(index[:, j]), 1)
        x = to_numpy(b.dist(key, cols, int(Dist.BINOMIAL), False,
                            (left, np.ascontiguousarray(cond[:, j]), zero), np.int64))
        counts[:, j] = x
        left = left - x
    counts[:, k - 1] = left
    return b.asarray(counts.reshape(extent).astype(d))
