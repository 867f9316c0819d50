"""Continuous distributions beyond MLX that are not built from gamma variates.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §4): each describes its draw with
:func:`keyrand._dist_spec.elementwise`; the sample functions are in
:mod:`keyrand._dists_base` and ``_dists_continuous``.
"""

from __future__ import annotations

from ._codes import Dist
from ._dist_spec import ShapeLike, elementwise, float_outputs, output_shape
from ._dtypes import float32
from ._registry import Start, sampler
from ._spec import DrawSpec


@sampler("exponential", cli=True)
def exponential(shape: ShapeLike = (), dtype: object = float32, key: object = None,
                stream: object = None) -> DrawSpec:
    """Standard exponential samples: ``−log u`` for ``u`` uniform on (0, 1).

    Density ``e^(−x)`` on x ≥ 0 (docs/distributions.md §3.1). JAX's
    ``exponential`` (scale 1; multiply for another scale).

    Args:
        shape: Output shape.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        ValueError: an unsupported dtype or negative dimensions.
    """
    fn = "exponential"
    d = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn)
    return elementwise(call, dims, d, Dist.EXPONENTIAL, {})
