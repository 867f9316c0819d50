"""Random geometry: ``orthogonal`` (Haar-random orthogonal matrices), ``ball`` (Lp balls).

Prepare functions (see :mod:`keyrand._registry`) over element streams
(docs/distributions.md §6.10, §6.11). Both add event axes at the end of the
output (``orthogonal`` two, ``ball`` one) that a Dask block holds whole.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import numpy as np

from ._backend import Runs
from ._checks import check_fits
from ._codes import Dist
from ._dist_spec import (
    ShapeLike,
    check,
    elementwise,
    float_outputs,
    output_shape,
    parameter,
    positive,
    store_dtype,
)
from ._dtypes import bfloat16, float16, float32, float64
from ._registry import Start, sampler
from ._spec import Block, DrawSpec


def _count(value: object, fn: str, name: str) -> int:
    """A non-negative integer argument.

    Raises:
        TypeError: ``value`` is not an integer.
        ValueError: ``value < 0``.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"[{fn}] {name} must be an integer, not bool.")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"[{fn}] {name} must be an integer, not "
                        f"{type(value).__name__}.") from None
    if n < 0:
        raise ValueError(f"[{fn}] {name} must be non-negative, got {n}.")
    return n


@sampler("orthogonal")
def orthogonal(n: int, shape: ShapeLike = (), dtype: object = float32, key: object = None,
               stream: object = None) -> DrawSpec:
    """Haar-random (uniformly distributed) orthogonal ``n × n`` matrices.

    Each matrix is ``Q·diag(sign(diag R))`` for the QR decomposition ``Z = QR``
    of an ``n × n`` matrix of independent standard normals (Mezzadri, 2007):
    the sign correction makes the factorisation unique and ``Q`` exactly Haar
    distributed (docs/distributions.md §6.10). JAX's ``orthogonal`` (the same
    construction). The normals are element streams (element ``i`` of the output
    draws the normal of its lane 0), so they are identical on every backend; the
    QR is LAPACK's on the CPU and cuSOLVER's on the GPU, computed in float64 for
    every dtype and rounded once, so GPU matrices equal the CPU's to rounding
    (about 1e-15 before the final rounding, at most one ulp of a narrower dtype),
    not bit for bit.

    Args:
        n: Matrix size, ``n ≥ 0``.
        shape: Batch shape; the output is ``shape + (n, n)``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms;
            every dtype factors in float64).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape + (n, n)`` and ``dtype`` whose matrices satisfy ``QᵀQ = I``.

    Raises:
        TypeError: ``n`` is not an integer.
        ValueError: ``n < 0``, an unsupported dtype or negative dimensions.
    """
    fn = "orthogonal"
    size = _count(n, fn, "n")
    d = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn) + (size, size)
    last = len(dims) - 1
    return elementwise(call, dims, d, Dist.NORMAL, {}, finish=_finish_orthogonal,
                       whole_axes=(last - 1, last),
                       why="each matrix is the QR factor of all its n² normals.")


def _finish_orthogonal(block: Block, z: Any) -> Any:
    """``Q·diag(sign(diag R))`` of each ``n × n`` matrix of normals (the block's last two axes)."""
    xp = block.backend.xp
    q, r = xp.linalg.qr(z.astype(xp.float64))
    diag = xp.diagonal(r, axis1=-2, axis2=-1)
    return (q * xp.where(diag < 0, -1.0, 1.0)[..., None, :]).astype(z.dtype)


@sampler("ball")
def ball(d: int, p: float = 2.0, shape: ShapeLike = (), dtype: object = float32,
         key: object = None, stream: object = None) -> DrawSpec:
    """Points uniformly distributed in the unit Lp ball of ``R^d``: ``{x : Σ|x_j|^p ≤ 1}``.

    Barthe, Guédon, Mendelson and Naor (2005), as JAX: with ``d`` independent
    generalized-normal coordinates ``g_j = ±G_j^(1/p)`` (``G_j ~ Gamma(1/p)``,
    density ∝ ``e^(−|g|^p)``) and an independent standard exponential ``E``,
    ``x_j = g_j / (Σ_k |g_k|^p + E)^(1/p) = ±(G_j / S)^(1/p)`` with ``S = Σ_k G_k + E``
    (docs/distributions.md §6.11). The sum runs over the coordinates in order,
    then adds ``E``; the power is ``exp((log G_j − log S)/p)`` with ``log G_j`` drawn
    in log space, so coordinates of large ``p`` do not underflow. JAX's ``ball``
    (event axis last).

    Args:
        d: Dimension, ``d ≥ 0``.
        p: The norm's exponent, finite and ``> 0`` (a scalar).
        shape: Batch shape; the output is ``shape + (d,)``.
        dtype: float16, bfloat16, float32 or float64 (float64 draws 52-bit uniforms).
        key: uint32 key of shape (2,); the global sequence if None.
        stream: Stream or device to run on.

    Returns:
        Array of ``shape + (d,)`` and ``dtype``; NaN where ``p`` is NaN.

    Raises:
        TypeError: ``d`` is not an integer or ``p`` not a real number.
        ValueError: ``d < 0``, ``p`` not a finite positive scalar, an unsupported dtype or
            negative dimensions.
    """
    fn = "ball"
    size = _count(d, fn, "d")
    pv = parameter(p, fn, "p")
    dt = float_outputs(fn, dtype)
    call = Start(fn, key, stream)
    dims = output_shape(shape, fn) + (size,)
    if pv.ndim:
        raise ValueError(f"[{fn}] p must be a scalar, got an array of shape {pv.shape}.")
    positive(pv, fn, "p")
    check(~np.isinf(pv), fn, "p", "finite")
    call.ready()
    check_fits(dims, dt, fn)
    k = call.checked_key()
    step = functools.partial(_finish_ball, k, float(pv), size)
    return call.spec(dims, dt, None, key=k, finish=step, whole_axes=(len(dims) - 1,),
                     why="each point is normalised by the sum over its d coordinates.")


def _finish_ball(key: Any, p: float, d: int, block: Block, values: None) -> Any:
    """The block's points: Gamma(1/p) coordinates, exponentials, sums, then ±(G/S)^(1/p)."""
    b, runs = block.backend, block.runs
    wide = block.dtype == float64
    inv = 1.0 / p
    one = np.array([inv])
    unused = np.zeros(1)
    g = b.dist(key, runs, Dist.GAMMA, wide, (one, unused, unused), float64).reshape(-1, d)
    firsts = (runs.starts[:, None] + np.arange(0, runs.run, d)[None, :]).reshape(-1)
    e = b.dist(key, Runs(runs.total, firsts, 1), Dist.BALL_EXP, wide, (unused,) * 3, float64)
    s = g[:, 0].copy()
    for j in range(1, d):
        s = s + g[:, j]
    s = b.xp.repeat(s + e, d)
    out = b.dist(key, runs, Dist.BALL, wide, (s, one, np.array([p])),
                 store_dtype(block.dtype)).reshape(block.shape)
    if block.dtype in (float16, bfloat16):
        return b.to_narrow(out, block.dtype)
    return out
