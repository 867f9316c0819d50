"""The numbers the samplers and the kernels agree on, defined once and without Numba.

The samplers describe a draw by a transform code, a rounding code and a
tuple of float64 parameters; the CPU kernels (:mod:`keyrand._transforms`,
:mod:`keyrand._cpu`) and the CUDA source (:mod:`keyrand._cuda`) read the same
codes from here. Keeping them in a module that imports only NumPy lets
``import keyrand``, ``key`` and ``seed`` run without loading Numba, which the
backends load on the first draw. Sections (§) are those of docs/algorithms.md.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

#: Largest number of 32-bit words one key can produce before MLX's counters wrap (§3.3).
MAX_WORDS = 1 << 32


def words_needed(num_elements: int, width: int) -> int:
    """Number of 32-bit words behind ``num_elements`` values of ``width`` bytes (§3.2)."""
    return (num_elements * width + 3) // 4


class Transform(IntEnum):
    """Transform codes: which word → value map a kernel applies (§6).

    A code reaches a Numba kernel as a plain ``int`` (a closure constant, so the
    kernel compiles that transform alone) and the CUDA source as ``KR_<name>``.
    """

    BITS = 0
    UNIFORM = 1
    NORMAL = 2
    GUMBEL = 3
    LAPLACE = 4
    TRUNCATED_NORMAL = 5
    BERNOULLI = 6
    BERNOULLI64 = 7
    WORD_F32 = 8
    ERFINV_SYM = 9
    WORD_F64 = 10
    RANDINT = 11
    LAPLACE64 = 12
    RANDINT_CLAMPED = 13


class Rounding(IntEnum):
    """Rounding codes: the dtype whose arithmetic a transform imitates (§1, §4.2)."""

    F32 = 0
    F16 = 1
    BF16 = 2


class IntType(IntEnum):
    """MLX's float32 → integer conversion codes for RANDINT (§4.5).

    ``UINT32_VECTOR`` is uint32's vector rule, which MLX applies to the first
    4·⌊n/4⌋ elements of a contiguous conversion (``UINT32`` is its scalar rule).
    """

    INT64 = 0
    INT32 = 1
    INT16 = 2
    INT8 = 3
    UINT64 = 4
    UINT32 = 5
    UINT16 = 6
    UINT8 = 7
    BOOL = 8
    UINT32_VECTOR = 9


# The transform codes under their module-level names, as the samplers spell them.
(BITS, UNIFORM, NORMAL, GUMBEL, LAPLACE, TRUNCATED_NORMAL, BERNOULLI, BERNOULLI64, WORD_F32,
 ERFINV_SYM, WORD_F64, RANDINT, LAPLACE64, RANDINT_CLAMPED) = tuple(Transform)

#: Conversion code of each integer dtype randint produces (§4.5).
INT_CODES = {
    np.dtype(np.int64): IntType.INT64,
    np.dtype(np.int32): IntType.INT32,
    np.dtype(np.int16): IntType.INT16,
    np.dtype(np.int8): IntType.INT8,
    np.dtype(np.uint64): IntType.UINT64,
    np.dtype(np.uint32): IntType.UINT32,
    np.dtype(np.uint16): IntType.UINT16,
    np.dtype(np.uint8): IntType.UINT8,
    np.dtype(np.bool_): IntType.BOOL,
}


def uint32_vector_head(code: int, size: int) -> int:
    """Number of leading elements of a ``size``-element conversion that use uint32's vector rule.

    MLX converts a contiguous float32 array to uint32 four elements at a time
    with the vector rule and the remaining ``size mod 4`` with the scalar rule
    (§4.5); every other integer type has one rule (0 leading elements).
    """
    return size - size % 4 if code == IntType.UINT32 else 0


#: Largest float32 below 1 (0x3F7FFFFF): U01's clamp and SYM's lower bound.
ONE_MINUS_ULP = float(np.uint32(0x3F7FFFFF).view(np.float32))
#: U01's clamp for each rounding code (§6).
UNIFORM_CLAMP = {Rounding.F32: ONE_MINUS_ULP, Rounding.F16: 0.99951171875,
                 Rounding.BF16: 0.99609375}
#: Number of float64 parameters every transform receives (unused ones are 0).
NUM_PARAMS = 6
