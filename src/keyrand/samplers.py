"""The samplers of ``mlx.core.random``, gathered from their families, and draws by name.

Each sampler is defined once, as a prepare function in its family module
(``_sample_bits``, ``_sample_uniform``, ``_sample_normal``,
``_sample_gumbel``, ``_sample_integers``) registered in :mod:`keyrand._registry`; the functions
here are ``execute(prepare(...))``. Called without ``key=``, each consumes one
key of the calling thread's global sequence (docs/algorithms.md §2.3).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import check_nonnegative, check_shape
from ._keys import check_key
from ._registry import SAMPLERS
from ._sample_bits import bits, permutation, split
from ._sample_choice import choice, permuted
from ._sample_continuous import (
    cauchy,
    exponential,
    logistic,
    lognormal,
    pareto,
    power,
    rayleigh,
    triangular,
    vonmises,
    wald,
    weibull_min,
)
from ._sample_counting import (
    geometric,
    hypergeometric,
    logseries,
    multivariate_hypergeometric,
    rademacher,
    zipf,
)
from ._sample_discrete import (
    binomial,
    multinomial,
    negative_binomial,
    noncentral_chisquare,
    noncentral_f,
    poisson,
)
from ._sample_gamma import (
    beta,
    chisquare,
    dirichlet,
    double_sided_maxwell,
    f,
    gamma,
    generalized_normal,
    loggamma,
    maxwell,
    t,
)
from ._sample_geometry import ball, orthogonal
from ._sample_gumbel import categorical, gumbel, laplace
from ._sample_integers import integers
from ._sample_normal import multivariate_normal, normal, truncated_normal
from ._sample_uniform import bernoulli, randint, uniform
from ._spec import execute, execute_range

__all__ = [
    "ball",
    "bernoulli",
    "beta",
    "binomial",
    "bits",
    "categorical",
    "cauchy",
    "chisquare",
    "choice",
    "dirichlet",
    "double_sided_maxwell",
    "exponential",
    "f",
    "gamma",
    "generalized_normal",
    "geometric",
    "gumbel",
    "hypergeometric",
    "integers",
    "laplace",
    "loggamma",
    "logistic",
    "lognormal",
    "maxwell",
    "multinomial",
    "logseries",
    "multivariate_hypergeometric",
    "multivariate_normal",
    "negative_binomial",
    "noncentral_chisquare",
    "noncentral_f",
    "normal",
    "orthogonal",
    "pareto",
    "permutation",
    "permuted",
    "poisson",
    "power",
    "rademacher",
    "randint",
    "rayleigh",
    "sample",
    "sample_range",
    "split",
    "t",
    "triangular",
    "truncated_normal",
    "uniform",
    "vonmises",
    "wald",
    "weibull_min",
    "zipf",
]

#: Samplers drawn by name with a shape and plain-number parameters (``keyrand sample``).
BY_NAME = tuple(name for name, s in SAMPLERS.items() if s.cli)


def _prepare(name: str, shape: Sequence[int], key: object, params: dict):
    if name not in BY_NAME:
        raise ValueError(f"[sample] unknown sampler {name!r}; choose from {sorted(BY_NAME)}.")
    return SAMPLERS[name].prepare(shape=shape, key=key, **params)


def sample(name: str, shape: Sequence[int], key: object, **params: object) -> np.ndarray:
    """Call sampler ``name`` with ``shape``, ``key`` and keyword ``params``."""
    return execute(_prepare(name, shape, key, params))


def sample_range(name: str, shape: Sequence[int], key: object, start: int, stop: int,
                 **params: object) -> np.ndarray:
    """Flat elements ``start:stop`` of ``sample(name, shape, key, **params)``, drawn alone.

    Element ``i`` of a draw of ``N`` elements depends only on (key, N, i)
    (``bits`` of width 1 or 2: on the words that hold its bytes; randint to
    uint32: also on whether ``i < 4·⌊N/4⌋``), so a range is computed from its
    own words, in memory of the range whatever ``N``; the whole draw runs as
    :func:`sample`.

    Args:
        name: A sampler of :data:`BY_NAME`.
        shape: Shape of the whole draw.
        key: uint32 key of shape (2,).
        start: First flat (C-order) element.
        stop: One past the last element.
        **params: The sampler's other keyword arguments (scalars).

    Returns:
        A 1-D array of ``stop − start`` elements.

    Raises:
        ValueError: ``start:stop`` is not a range of the draw, or as the sampler.
    """
    dims = check_shape(shape, name)
    check_nonnegative(dims, name)
    key = check_key(key, name)
    total = int(np.prod(dims, dtype=object))
    if not 0 <= start <= stop <= total:
        raise ValueError(f"[{name}] elements {start}:{stop} are not a range of a draw of "
                         f"{total} elements.")
    spec = _prepare(name, dims, key, params)
    if start == 0 and stop == total:
        return execute(spec).reshape(-1)  # the whole draw, multithreaded
    return execute_range(spec, start, stop)
