"""MLX 0.32.4's float32 elementary functions, bit for bit, as Numba scalar kernels.

Every function here takes and returns float32 and reproduces, for all 2^32
inputs, what MLX's CPU backend computes (docs/algorithms.md §4.2, §5). This
module owns MLX's own polynomials and the array entry points; it re-exports the
rest, so ``keyrand._mathf32`` is the one place to import them from:

* :func:`fmaf` -- exactly rounded fused multiply-add (:mod:`keyrand._intrinsics`),
* :func:`mlx_exp`, :func:`mlx_erf`, :func:`mlx_erfinv` -- MLX's own polynomials (here),
* :func:`logf`, :func:`log1pf` -- the glibc algorithms MLX reaches through the
  host C library (:mod:`keyrand._logf`),
* :func:`round_f16`, :func:`round_bf16`, :func:`f16_bits`, :func:`bf16_bits` --
  rounding to the narrow float types with MLX's NaN encodings (:mod:`keyrand._narrow`).

Every constant lives in :mod:`keyrand._mathconst`. Rules kept throughout:
float32 operations are separate IEEE operations (no ``fastmath``, so LLVM never
contracts ``a*b + c``); 32-bit integer arithmetic is wrapped back to 32 bits
explicitly, because Numba types ``uint32 + uint32`` as a 64-bit integer;
special cases are selects rather than early returns, so a loop that calls these
functions can be vectorized by LLVM; divisions go through an intrinsic, so
callers compiled with Numba's default ``error_model="python"`` neither raise
ZeroDivisionError nor lose vectorization to the zero check.

The array entry points (:func:`apply_f32` and the ``*_array`` / ``to_*``
helpers) run one parallel Numba loop per operation (and a serial twin, for where
parallel launches are unsafe: see :mod:`keyrand._threads`), generated from a
single definition with the operation code as a closure constant.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from . import (
    _numba_cache,  # noqa: F401  (Numba's cache locator, before any @njit)
    _threads,
)
from ._intrinsics import as_f32, as_u32, fdiv_f32, fmaf, llvm_fma
from ._logf import log1pf, logf, logf_block
from ._mathconst import (
    ERF_A,
    ERF_POLY,
    ERFINV_CENTRAL,
    ERFINV_SPLIT,
    ERFINV_TAIL,
    EXP_LIMIT,
    EXP_POLY,
    LOG2E,
    f32,
)
from ._narrow import bf16_bits, f16_bits, round_bf16, round_f16

__all__ = [
    "OPS",
    "apply_f32",
    "as_f32",
    "as_u32",
    "bf16_bits",
    "erf_array",
    "erfinv_array",
    "exp_array",
    "f16_bits",
    "fmaf",
    "llvm_fma",
    "log1pf",
    "log1pf_array",
    "logf",
    "logf_array",
    "logf_block",
    "mlx_erf",
    "mlx_erfinv",
    "mlx_exp",
    "round_bf16",
    "round_f16",
    "to_bfloat16",
    "to_float16",
]

_U32 = np.uint32
_I32 = np.int32
_F32 = np.float32
_F64 = np.float64
_ZERO = f32(0x00000000)
_ONE = f32(0x3F800000)
_INF = f32(0x7F800000)


@njit(cache=True, inline="always")
def _horner(coeffs, x):
    """Return ``fma(...fma(fma(c0, x, c1), x, c2)..., x, cn)`` for float32 coefficients."""
    p = coeffs[0]
    for i in range(1, len(coeffs)):
        p = fmaf(p, x, coeffs[i])
    return p


# --------------------------------------------------------------------------------------------
# MLX's own functions (§5.2-§5.4)
# --------------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def mlx_exp(x: np.float32) -> np.float32:
    """MLX's float32 ``exp`` (docs/algorithms.md §5.2).

    With ``t = f32(x·log2 e)`` and ``n = floor(t + 0.5)`` (the sum in float64, so
    that ``t = 0.49999997`` would give ``n = 0``; no float32 ``x`` produces that
    ``t``, but MLX's order is kept), ``f = t − n`` is exact and

        exp(x) = 2^n · P(f),   P = degree-6 polynomial in fma/Horner form.

    ``2^n`` is built from its bit pattern ``(n + 127) << 23`` (so ``n = −127``
    gives 0, never a subnormal). NaN returns ``x``; ``x > 88`` gives +inf and
    ``x < −88`` gives +0.
    """
    x = _F32(x)
    t = x * LOG2E
    n = _F32(np.floor(_F64(t) + 0.5))
    f = t - n
    p = _horner(EXP_POLY, f)
    # Out-of-range n (|x| > 88, NaN) is replaced below; keep the int conversion defined.
    n_int = _I32(n) if (n > -128.0) & (n < 129.0) else _I32(0)
    s = as_f32(_U32((n_int + 127) << 23))
    r = s * p
    r = x if x != x else r
    r = _INF if x > EXP_LIMIT else r
    return _ZERO if x < -EXP_LIMIT else r


@njit(cache=True, inline="always")
def mlx_erf(x: np.float32) -> np.float32:
    """MLX's float32 ``erf`` (docs/algorithms.md §5.3), Abramowitz-Stegun 7.1.26 in float32.

        t = 1 / (1 + 0.3275911·|x|),   erf(|x|) ≈ 1 − t·R(t)·exp(−x²)

    evaluated as ``fma(f32(−exp(−x·x)·t), R(t), 1)`` with MLX's exp. The sign is
    applied as ``y if x > 0 else −y``: ``x = ±0`` and NaN take the ``−y`` branch.
    """
    x = _F32(x)
    t = fdiv_f32(_ONE, fmaf(ERF_A, abs(x), _ONE))
    r = _horner(ERF_POLY, t)
    e = -mlx_exp(-x * x)
    y = fmaf(e * t, r, _ONE)
    return y if x > _ZERO else -y


@njit(cache=True, inline="always")
def mlx_erfinv(a: np.float32) -> np.float32:
    """MLX's float32 ``erfinv`` (docs/algorithms.md §5.4), Giles' single-precision approximation.

    With ``t = logf(fma(a, 0 − a, 1))`` (``log(1 − a²)``, one rounding before
    the log), ``erfinv(a) = a · P(t)`` where ``P`` is a degree-8 tail polynomial
    when ``|t| > 6.125`` and a degree-9 central one otherwise (NaN ``t`` takes
    the central one). Both are evaluated and one is selected, so loops vectorize.
    ``erfinv(±1) = ±inf``; ``|a| > 1`` gives NaN.
    """
    a = _F32(a)
    t = logf(fmaf(a, _ZERO - a, _ONE))
    p_tail = _horner(ERFINV_TAIL, t)
    p_central = _horner(ERFINV_CENTRAL, t)
    p = p_tail if abs(t) > ERFINV_SPLIT else p_central
    return a * p


# --------------------------------------------------------------------------------------------
# Array entry points
# --------------------------------------------------------------------------------------------

#: Operation names accepted by :func:`apply_f32`, with the result dtype of each.
OPS = {
    "exp": np.float32,
    "erf": np.float32,
    "erfinv": np.float32,
    "log": np.float32,
    "log1p": np.float32,
    "round_f16": np.float32,
    "round_bf16": np.float32,
    "f16_bits": np.uint16,
    "bf16_bits": np.uint16,
}
_OP_CODES = {name: code for code, name in enumerate(OPS)}


@njit(cache=True, inline="always")
def _op_at(op, x, out, i):
    # out[i] = operation ``op`` of x[i]; ``op`` is a kernel's closure constant, so only its
    # branch survives once this is inlined into the kernel.
    v = x[i]
    if op == 0:
        out[i] = mlx_exp(v)
    elif op == 1:
        out[i] = mlx_erf(v)
    elif op == 2:
        out[i] = mlx_erfinv(v)
    elif op == 3:
        out[i] = logf(v)
    elif op == 4:
        out[i] = log1pf(v)
    elif op == 5:
        out[i] = round_f16(v)
    elif op == 6:
        out[i] = round_bf16(v)
    elif op == 7:
        out[i] = f16_bits(v)
    else:
        out[i] = bf16_bits(v)


def _make_kernels(op: int):
    """Elementwise loops for operation code ``op``: (parallel, serial).

    ``op`` is a closure constant: Numba prunes the other branches of the inlined
    body, and the kernels cache (an int cell pickles stably).
    """

    @njit(cache=True, parallel=True)
    def kernel(x, out):
        for i in prange(x.size):
            _op_at(op, x, out, i)

    @njit(cache=True)
    def serial_kernel(x, out):
        for i in range(x.size):
            _op_at(op, x, out, i)

    return kernel, serial_kernel


_KERNELS = tuple(_make_kernels(code) for code in range(len(OPS)))
#: Below this many elements an operation runs on the calling thread (no thread-pool launch).
SERIAL_SIZE = 1 << 14


def apply_f32(name: str, x: npt.ArrayLike) -> np.ndarray:
    """Apply the float32 function ``name`` (a key of :data:`OPS`) elementwise.

    Args:
        name: one of ``exp, erf, erfinv, log, log1p`` (MLX's float32 ops),
            ``round_f16, round_bf16`` (float32 results) or ``f16_bits, bf16_bits``
            (uint16 bit patterns).
        x: values, converted to float32 (float16/bfloat16 widen exactly; float64
            rounds to nearest, like MLX's cast).

    Returns:
        A new array of ``x``'s shape, dtype ``OPS[name]``.

    """
    if name not in _OP_CODES:
        raise ValueError(f"[apply_f32] unknown operation {name!r}; expected one of {list(OPS)}")
    xa = np.asarray(x, dtype=np.float32)
    out = np.empty(xa.shape, dtype=OPS[name])
    parallel, serial = _KERNELS[_OP_CODES[name]]
    if xa.size < SERIAL_SIZE:
        serial(xa.ravel(), out.reshape(-1))
    else:
        _threads.launch(parallel, serial, xa.ravel(), out.reshape(-1))
    return out


def exp_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_exp` over a float32 array."""
    return apply_f32("exp", x)


def erf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_erf` over a float32 array."""
    return apply_f32("erf", x)


def erfinv_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`mlx_erfinv` over a float32 array."""
    return apply_f32("erfinv", x)


def logf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`logf` over a float32 array."""
    return apply_f32("log", x)


def log1pf_array(x: npt.ArrayLike) -> np.ndarray:
    """Elementwise :func:`log1pf` over a float32 array."""
    return apply_f32("log1p", x)


def to_float16(x: npt.ArrayLike) -> np.ndarray:
    """Convert to ``np.float16`` as MLX does (RNE; NaN → ``sign | 0x7D00``)."""
    return apply_f32("f16_bits", x).view(np.float16)


def to_bfloat16(x: npt.ArrayLike) -> np.ndarray:
    """Convert to ``ml_dtypes.bfloat16`` as MLX does (RNE; NaN → ``0x7FC0``)."""
    return apply_f32("bf16_bits", x).view(ml_dtypes.bfloat16)

