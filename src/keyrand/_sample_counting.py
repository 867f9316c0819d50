"""The counting distributions: geometric, rademacher, hypergeometric, logseries, zipf, ….

Also multivariate_hypergeometric.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §5.6–§5.10, §6.5): each checks its parameters and
describes its draw with :func:`keyrand._dist_spec.draw` (the sample functions are in
``_dists_counting``); multivariate_hypergeometric finishes its colours one
after another with the hypergeometric sampler.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from ._backend import Runs
from ._checks import check_fits
from ._codes import Dist
from ._dist_spec import (
    Checks,
    ShapeLike,
    _to_integer,
    check,
    draw,
    elementwise,
    integer_outputs,
    not_nan,
    output_dtype,
    output_shape,
    parameter,
    store_dtype,
    within,
)
from ._dtypes import to_numpy
from ._registry import Start, sampler
from ._spec import Block, DrawSpec

#: Smallest geometric ``p``: from it on every sample is below 2^63 (the largest
#: 53-bit ``−log u`` is 37.43, and 37.43·2^57 < 2^63).
GEOMETRIC_MIN_P = 2.0**-57
#: NumPy's limit on hypergeometric's counts and multivariate_hypergeometric's total.
MAX_COUNT = 10**9
#: Signed integer dtypes (rademacher's −1).
SIGNED = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))


def _count(x: np.ndarray, fn: str, name: str, limit: int = MAX_COUNT) -> None:
    """Refuse values that are not integers in ``[0, limit)`` (ValueError naming ``name``)."""
    not_nan(x, fn, name)
    within(x, fn, name, f"a non-negative integer below {limit:.0e}", 0.0, limit,
           open_high=True, integer=True)


def _geometric_p(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    within(x, fn, name, "in [2^-57, 1]", GEOMETRIC_MIN_P, 1.0)


def _logseries_p(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    within(x, fn, name, "in [0, 1)", 0.0, 1.0, open_high=True)


def _zipf_a(x: np.ndarray, fn: str, name: str) -> None:
    not_nan(x, fn, name)
    within(x, fn, name, "greater than 1", 1.0, open_low=True)


#: hypergeometric's checks: ``nsample`` may reach twice the limit of the counts.
_HYPERGEOMETRIC: Checks = {"ngood": _count, "nbad": _count,
                           "nsample": functools.partial(_count, limit=2 * MAX_COUNT)}


def _enough(fn: str, d: np.dtype, ngood: np.ndarray, nbad: np.ndarray,
            nsample: np.ndarray) -> None:
    """Refuse ``nsample > ngood + nbad`` (ValueError)."""
    check(nsample <= ngood + nbad, fn, "nsample", "at most ngood + nbad")


@sampler("geometric", arrays=("p",), broadcasts="shape, p", cli=True)
def geometric(p: object, shape: ShapeLike | None = None, dtype: object = np.int32,
              key: object = None, stream: object = None) -> DrawSpec:
    """Geometric samples: the number of Bernoulli(p) trials up to the first success.

    ``P(k) = (1 − p)^(k−1)·p`` for k = 1, 2, … (JAX's ``geometric``, NumPy's
    support). Inversion: ``⌊log u / log1p(−p)⌋ + 1`` for a 53-bit uniform
    ``u``, as JAX computes it (docs/distributions.md §5.6). ``p = 1`` gives 1.

    Args:
        p: Success probability in [2^-57, 1] (scalar or array); below 2^-57
            samples could exceed the largest int64.
        shape: Output shape; None for the shape of ``p``.
        dtype: A signed or unsigned integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``p`` is not a real number or array.
        ValueError: ``p`` outside [2^-57, 1] or NaN, a non-integer dtype, ``p`` does not
            broadcast to ``shape``, or a sample does not fit ``dtype``.
    """
    return draw("geometric", Dist.GEOMETRIC, shape, dtype, key, stream, {"p": _geometric_p},
                integer=True, p=p)


@sampler("rademacher", cli=True)
def rademacher(shape: ShapeLike = (), dtype: object = np.int32, key: object = None,
               stream: object = None) -> DrawSpec:
    """Rademacher samples: −1 or +1, each with probability ½ (JAX's ``rademacher``).

    −1 when the element's first 32-bit uniform is below ½ (its word's top bit
    is 0), +1 otherwise (docs/distributions.md §5.7).

    Args:
        shape: Output shape.
        dtype: int8, int16, int32 (default) or int64.
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: another dtype, or negative dimensions.
    """
    fn = "rademacher"
    d = output_dtype(dtype, fn, SIGNED)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn)
    return elementwise(call, dims, d, Dist.RADEMACHER, {})


@sampler("hypergeometric", arrays=("ngood", "nbad", "nsample"),
         broadcasts="shape, ngood, nbad, nsample", cli=True)
def hypergeometric(ngood: object, nbad: object, nsample: object,
                   shape: ShapeLike | None = None, dtype: object = np.int32,
                   key: object = None, stream: object = None) -> DrawSpec:
    """Hypergeometric samples: good items among ``nsample`` drawn without replacement.

    ``P(k) = C(g, k)·C(b, n − k) / C(g + b, n)`` for ``max(0, n − b) ≤ k ≤
    min(g, n)`` (NumPy's ``hypergeometric``). NumPy's methods
    (docs/distributions.md §5.8): with 10 ≤ n ≤ g + b − 10, Stadlober's
    ratio-of-uniforms with the table-mountain hat ("HRUA", Stadlober 1989,
    *J. Comput. Appl. Math.* 31); otherwise the urn, drawing
    ``min(n, g + b − n) < 10`` items one at a time.

    Args:
        ngood: Good items ``g``: integers in [0, 10^9) (scalar or array).
        nbad: Bad items ``b``: integers in [0, 10^9).
        nsample: Items drawn ``n``: integers in [0, g + b].
        shape: Output shape; None for the parameters' broadcast shape.
        dtype: A signed or unsigned integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: a parameter is not a real number or array.
        ValueError: a parameter that is NaN, negative, not an integer or too large,
            ``nsample > ngood + nbad``, a non-integer dtype, or parameters that do not
            broadcast to ``shape``.
    """
    return draw("hypergeometric", Dist.HYPERGEOMETRIC, shape, dtype, key, stream,
                _HYPERGEOMETRIC, integer=True, across=_enough, across_blocks=True,
                ngood=ngood, nbad=nbad, nsample=nsample)


@sampler("logseries", arrays=("p",), broadcasts="shape, p", cli=True)
def logseries(p: object, shape: ShapeLike | None = None, dtype: object = np.int32,
              key: object = None, stream: object = None) -> DrawSpec:
    """Logarithmic series samples (NumPy's ``logseries``).

    ``P(k) = −p^k / (k·log(1 − p))`` for k = 1, 2, …; ``p = 0`` gives 1.
    Kemp's second accelerated generator (Kemp 1981, *Applied Statistics* 30,
    "LK"), as NumPy: with uniforms ``V, U`` and ``q = 1 − (1 − p)^U``,
    1 when ``V ≥ p``, ``⌊1 + log V / log q⌋`` when ``V ≤ q²``, else 1 or 2 as
    ``V ≥ q`` (docs/distributions.md §5.9).

    Args:
        p: Shape parameter in [0, 1) (scalar or array).
        shape: Output shape; None for the shape of ``p``.
        dtype: A signed or unsigned integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``p`` is not a real number or array.
        ValueError: ``p`` outside [0, 1) or NaN, a non-integer dtype, ``p`` does not
            broadcast to ``shape``, or a sample does not fit ``dtype``.
    """
    return draw("logseries", Dist.LOGSERIES, shape, dtype, key, stream, {"p": _logseries_p},
                integer=True, p=p)


@sampler("zipf", arrays=("a",), broadcasts="shape, a", cli=True)
def zipf(a: object, shape: ShapeLike | None = None, dtype: object = np.int32,
         key: object = None, stream: object = None) -> DrawSpec:
    """Zipf (zeta) samples truncated below 2^63, as NumPy's ``zipf``.

    ``P(k) ∝ k^(−a)`` for k = 1, 2, …, ``a > 1``. Devroye's rejection
    ("Non-Uniform Random Variate Generation", 1986, §X.6), as NumPy: the
    candidate ``⌊U^(−1/(a−1))⌋`` with ``U`` uniform on ``(2^(−63(a−1)), 1]``,
    accepted when ``V·X·(T − 1)/(b − 1) ≤ T/b`` with ``b = 2^(a−1)``,
    ``T = (1 + 1/X)^(a−1)``; candidates of 2^63 or more are rejected, so the
    distribution is conditioned on ``k < 2^63``. keyrand computes ``U`` and
    the differences ``T − 1``, ``b − 1`` with log1p/expm1, so ``a`` near 1
    keeps its precision. ``a ≥ 1025`` gives 1 (docs/distributions.md §5.10).

    Samples of ``a`` near 1 are often larger than int32 (``P(k ≥ 2^31)`` is
    0.81 at ``a = 1.01``): draw ``dtype=np.int64`` there.

    Args:
        a: Exponent, ``a > 1`` (scalar or array; inf gives 1).
        shape: Output shape; None for the shape of ``a``.
        dtype: A signed or unsigned integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``a`` is not a real number or array.
        ValueError: ``a ≤ 1`` or NaN, a non-integer dtype, ``a`` does not broadcast to
            ``shape``, or a sample does not fit ``dtype``.
    """
    return draw("zipf", Dist.ZIPF, shape, dtype, key, stream, {"a": _zipf_a}, integer=True, a=a)


@sampler("multivariate_hypergeometric", broadcasts="shape")
def multivariate_hypergeometric(colors: Sequence[int], nsample: int, shape: ShapeLike = (),
                                dtype: object = np.int32, key: object = None,
                                stream: object = None, method: str = "marginals") -> DrawSpec:
    """Counts of each colour among ``nsample`` items drawn without replacement.

    ``P(x) = Π_j C(c_j, x_j) / C(Σc, n)`` over ``x`` with ``Σx = n`` (NumPy's
    ``multivariate_hypergeometric``). NumPy's "marginals" method
    (docs/distributions.md §6.5): colour ``j`` is
    ``hypergeometric(c_j, Σ_{l>j} c_l, n − Σ_{l<j} x_l)`` and the last colour
    takes what is left; when ``n > Σc/2`` the complement's ``Σc − n`` items are
    drawn and subtracted from ``colors``. NumPy's "count" method is not
    offered.

    Args:
        colors: Items of each colour: a 1-D sequence of non-negative integers,
            ``Σc < 10^9``.
        nsample: Items drawn, an integer in [0, Σc].
        shape: Leading shape of the output (the variates' batch shape).
        dtype: A signed or unsigned integer dtype (int32 by default).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.
        method: "marginals".

    Returns:
        Array of shape ``shape + (len(colors),)`` and ``dtype``.

    Raises:
        TypeError: ``colors`` or ``nsample`` is not numeric.
        ValueError: ``colors`` not 1-D and non-empty, counts that are negative or not
            integers, a total of 10^9 or more, ``nsample`` outside [0, Σc] or not an
            integer, another ``method``, or a non-integer dtype.
    """
    fn = "multivariate_hypergeometric"
    c = parameter(colors, fn, "colors")
    n = parameter(nsample, fn, "nsample")
    d = integer_outputs(fn, dtype)
    call = Start(fn, key, stream)
    if method != "marginals":
        raise ValueError(f"[{fn}] method must be 'marginals'; got {method!r}.")
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"[{fn}] colors must be a non-empty 1-D sequence; got shape "
                         f"{c.shape}.")
    _count(c, fn, "colors")
    total = int(c.sum())
    check(np.array(total < MAX_COUNT), fn, "colors", "of total below 1e+09")
    if n.ndim != 0:
        raise ValueError(f"[{fn}] nsample must be a single integer; got shape {n.shape}.")
    not_nan(n, fn, "nsample")
    within(n, fn, "nsample", "an integer in [0, sum(colors)]", 0.0, total, integer=True)
    dims = (*output_shape(shape, fn), c.size)
    call.ready()
    check_fits(dims, d, fn)
    key = call.checked_key()
    step = functools.partial(_marginals, fn, key, tuple(int(v) for v in c), int(n))
    return call.spec(dims, d, None, key=key, finish=step, whole_axes=(len(dims) - 1,),
                     why="each variate's colours are drawn one after another")


def _marginals(fn: str, key: object, colors: tuple[int, ...], nsample: int, block: Block,
               values: None) -> object:
    """A block's variates: colour ``j`` of every row is one hypergeometric draw of ``j``'s column.

    Element ``(r, j)`` (flat index ``r·K + j`` of the output) draws from its own
    element stream; each column's ``nsample`` is computed on the host, so CPU
    and GPU compute the same numbers.
    """
    b, runs, k = block.backend, block.runs, len(colors)
    flat = (runs.starts[:, None] + np.arange(runs.run)).reshape(-1, k)
    total = sum(colors)
    flip = nsample > total // 2
    left = np.full(flat.shape[0], float(total - nsample if flip else nsample))
    out = np.empty(flat.shape, np.int64)
    rest = total
    for j in range(k - 1):
        rest -= colors[j]
        column = Runs(runs.total, np.ascontiguousarray(flat[:, j]), 1)
        params = (np.array([float(colors[j])]), np.array([float(rest)]), left)
        x = to_numpy(b.dist(key, column, int(Dist.HYPERGEOMETRIC), True, params,
                            store_dtype(np.dtype(np.int64))))
        out[:, j] = x
        left = left - x
    out[:, k - 1] = left
    if flip:
        out = np.array(colors, np.int64) - out
    out = out.reshape(block.shape)
    if block.dtype != out.dtype:
        out = _to_integer(out, block.dtype, fn)
    return b.asarray(out)
