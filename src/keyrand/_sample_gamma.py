"""The gamma family: ``gamma`` and the distributions built from gamma variates.

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §3): each describes its draw with
:func:`keyrand._dist_spec.elementwise`; the sample functions are in
:mod:`keyrand._dists_base` and ``_dists_gamma``.
"""

from __future__ import annotations

from ._codes import Dist
from ._dist_spec import ShapeLike, elementwise, float_outputs, nonnegative, output_shape, parameter
from ._dtypes import float32
from ._registry import Start, sampler
from ._spec import DrawSpec


@sampler("gamma", arrays=("a",), broadcasts="shape, a", cli=True)
def gamma(a: object, shape: ShapeLike | None = None, dtype: object = float32,
          key: object = None, stream: object = None) -> DrawSpec:
    """Gamma samples with shape ``a`` and unit scale (NumPy's ``standard_gamma``).

    Density ``x^(a−1)·e^(−x) / Γ(a)`` on x > 0. Marsaglia and Tsang's method
    (2000) for ``a ≥ 1``: with ``d = a − 1/3``, ``k = 1/√(9d)``, a normal ``x``
    and a uniform ``u``, accept ``d·(1 + k·x)³`` when ``log u < x²/2 + d − d·v +
    d·log v``; for ``a < 1``, ``G(a + 1)·u^(1/a)`` (docs/distributions.md §3.2).
    JAX and NumPy use the same method. ``a = 0`` gives 0; a NaN ``a`` gives NaN.

    Args:
        a: Shape parameter, ``a ≥ 0`` (scalar or array).
        shape: Output shape; None for the shape of ``a``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 53-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape`` and ``dtype``.

    Raises:
        TypeError: ``a`` is not a real number or array.
        ValueError: ``a < 0``, an unsupported dtype, or ``a`` does not broadcast to ``shape``.
    """
    fn = "gamma"
    a_in = parameter(a, fn, "a")
    d = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn, a_in)
    nonnegative(a_in, fn, "a")
    return elementwise(call, dims, d, Dist.GAMMA, {"a": a_in})
