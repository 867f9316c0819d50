"""The numbers the samplers and the kernels agree on, defined once and without Numba.

The samplers describe a draw by a transform code, a rounding code and a
tuple of float64 parameters; the CPU kernels (:mod:`keyrand._transforms`,
:mod:`keyrand._cpu`) and the CUDA source (:mod:`keyrand._cuda`) read the same
codes from here. Keeping them in a module that imports only NumPy lets
``import keyrand``, ``key`` and ``seed`` run without loading Numba, which the
backends load on the first draw. Sections (§) are those of docs/algorithms.md.
"""

from __future__ import annotations

import numpy as np

#: Largest number of 32-bit words one key can produce before MLX's counters wrap (§3.3).
MAX_WORDS = 1 << 32


def words_needed(num_elements: int, width: int) -> int:
    """Number of 32-bit words behind ``num_elements`` values of ``width`` bytes (§3.2)."""
    return (num_elements * width + 3) // 4


# Transform codes: which word → value map a kernel applies (§6).
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

# Rounding codes: the dtype whose arithmetic a transform imitates (§1, §4.2).
RD_F32 = 0
RD_F16 = 1
RD_BF16 = 2

#: Integer conversion codes for RANDINT (MLX's float32 → integer casts, §4.5).
INT_CODES = {
    np.dtype(np.int64): 0,
    np.dtype(np.int32): 1,
    np.dtype(np.int16): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.uint64): 4,
    np.dtype(np.uint32): 5,
    np.dtype(np.uint16): 6,
    np.dtype(np.uint8): 7,
    np.dtype(np.bool_): 8,
}
#: uint32's vector conversion rule (§4.5).
UINT32_VECTOR = 9

#: Largest float32 below 1 (0x3F7FFFFF): U01's clamp and SYM's lower bound.
ONE_MINUS_ULP = float(np.uint32(0x3F7FFFFF).view(np.float32))
#: U01's clamp for each rounding code (§6).
UNIFORM_CLAMP = {RD_F32: ONE_MINUS_ULP, RD_F16: 0.99951171875, RD_BF16: 0.99609375}
#: Number of float64 parameters every transform receives (unused ones are 0).
NUM_PARAMS = 6
