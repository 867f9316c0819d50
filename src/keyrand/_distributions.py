"""Every distribution's sample function by code, and the literal dispatch the kernels use.

The family modules (``_dists_*.py``) each define their sample functions and a
``SAMPLES`` table; this module gathers them (docs/distributions.md).
"""

from __future__ import annotations

import numpy as np
from numba import errors, types
from numba.extending import overload

from . import _dists_base, _dists_continuous, _dists_counting, _dists_discrete, _dists_gamma

#: Distribution code → sample function ``f(keys, key, i, wide, a, b, c) -> float64``.
SAMPLES = {**_dists_base.SAMPLES, **_dists_gamma.SAMPLES, **_dists_continuous.SAMPLES,
           **_dists_discrete.SAMPLES, **_dists_counting.SAMPLES}


def sample(kind: int, keys: np.ndarray, key: np.ndarray, i: int, wide: bool, a: float,
           b: float, c: float) -> float:
    """Element ``i``'s sample of distribution ``kind`` (a literal inside kernels)."""
    return SAMPLES[kind](keys, key, i, wide, a, b, c)


@overload(sample, prefer_literal=True, inline="always")
def _sample_literal(kind, keys, key, i, wide, a, b, c):
    if not isinstance(kind, types.IntegerLiteral):
        raise errors.TypingError("keyrand: the distribution code must be a literal integer")
    impl_of_kind = SAMPLES[kind.literal_value]

    def impl(kind, keys, key, i, wide, a, b, c):
        return impl_of_kind(keys, key, i, wide, a, b, c)

    return impl
