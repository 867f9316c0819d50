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
from typing import NamedTuple

import numpy as np

#: Largest number of 32-bit words one key can produce before MLX's counters wrap (§3.3).
MAX_WORDS = 1 << 32
#: Largest stream keyrand draws from one key (past MLX's limit, JAX's rule, §3.3).
MAX_STREAM_WORDS = 1 << 61


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

# One parameter record per transform: the meaning of each float64 parameter, by name. The
# samplers build them, the CPU transforms read ``p[<Record>_AT.<field>]`` and the CUDA
# source ``p.f[KR_P_<TRANSFORM>_<FIELD>]`` (float32) or ``p.d[...]`` (float64), both
# positions generated from these classes.


class NoParams(NamedTuple):
    """BITS, WORD_F32, WORD_F64, ERFINV_SYM: the word alone."""


class UniformParams(NamedTuple):
    """UNIFORM: ``rnd(scale·rnd(min(U01, clamp)) + offset)`` in the rounding's dtype (§6.1)."""

    clamp: float
    scale: float
    offset: float


class NormalParams(NamedTuple):
    """NORMAL: ``loc + scale·erfinv(s)`` (the loc addition only when ``has_loc`` ≠ 0, §6.2)."""

    scale: float
    loc: float
    has_loc: float


class GumbelParams(NamedTuple):
    """GUMBEL: ``−log(−log(min(U01, clamp)))`` (§6.5)."""

    clamp: float


class LaplaceParams(NamedTuple):
    """LAPLACE, LAPLACE64: ``loc + scale·v``, each step only when its flag is set (§6.6)."""

    scale: float
    loc: float
    has_scale: float
    has_loc: float


class TruncatedNormalParams(NamedTuple):
    """TRUNCATED_NORMAL: ``max(min(upper, sqrt2·erfinv(scale·U + offset)), lower)`` (§6.4)."""

    clamp: float
    scale: float
    offset: float
    sqrt2: float
    upper: float
    lower: float


class BernoulliParams(NamedTuple):
    """BERNOULLI, BERNOULLI64: ``f32(w) < threshold`` (float64: the exact word, §6.7)."""

    threshold: float


class RandintParams(NamedTuple):
    """RANDINT: ``to_int(floor(scale·U01 + offset))`` (§6.8)."""

    scale: float
    offset: float


class RandintClampedParams(NamedTuple):
    """RANDINT_CLAMPED: RANDINT clamped to [low, high − 1] in the output type (§6.8).

    The clamp bounds travel as the four exact 32-bit halves of their 64-bit patterns.
    """

    scale: float
    offset: float
    high_minus_one_low: float
    high_minus_one_high: float
    low_low: float
    low_high: float


def randint_clamped_params(params: tuple, high_minus_one: np.ndarray,
                           low: np.ndarray) -> RandintClampedParams:
    """RANDINT_CLAMPED's parameters: randint's ``(range, low)`` and the clamp bounds.

    ``high_minus_one`` and ``low`` are 0-d arrays of the output integer dtype; their
    64-bit two's-complement patterns travel as four exact 32-bit halves.
    """
    halves = []
    for v in (high_minus_one, low):
        v = np.asarray(v)
        b = int(v.astype(np.uint64 if v.dtype.kind == "u" else np.int64).astype(np.uint64))
        halves += [float(b & 0xFFFFFFFF), float(b >> 32)]
    return RandintClampedParams(float(params[0]), float(params[1]), *halves)


#: The parameter record of each transform.
PARAMS: dict[Transform, type] = {
    Transform.BITS: NoParams,
    Transform.UNIFORM: UniformParams,
    Transform.NORMAL: NormalParams,
    Transform.GUMBEL: GumbelParams,
    Transform.LAPLACE: LaplaceParams,
    Transform.TRUNCATED_NORMAL: TruncatedNormalParams,
    Transform.BERNOULLI: BernoulliParams,
    Transform.BERNOULLI64: BernoulliParams,
    Transform.WORD_F32: NoParams,
    Transform.ERFINV_SYM: NoParams,
    Transform.WORD_F64: NoParams,
    Transform.RANDINT: RandintParams,
    Transform.LAPLACE64: LaplaceParams,
    Transform.RANDINT_CLAMPED: RandintClampedParams,
}


def positions(record: type) -> tuple:
    """An instance of ``record`` whose fields hold their own positions in the parameter tuple."""
    return record(*range(len(record._fields)))


def params_of(transform: int, params: tuple) -> tuple:
    """``params`` as the parameter record of ``transform`` (checks the count).

    Raises:
        TypeError: the wrong number of parameters for the transform.
    """
    record = PARAMS[transform]  # an IntEnum hashes as its int
    return params if type(params) is record else record(*(float(x) for x in params))


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
#: First counter word of ``integers``' retries, "ints" in ASCII: attempt ``a`` of
#: element ``i`` hashes ``(i >> 32, i mod 2^32)`` under ``threefry(key, (INTS_RETRY, a))`` (§6.12).
INTS_RETRY = 0x696E7473


class Dist(IntEnum):
    """Distribution codes of the element-stream kernels (docs/distributions.md).

    Each code names one sample function of :mod:`keyrand._distributions` and its
    transliteration ``kr_dist_<name>`` in ``dists.cu``; the kernels receive it as
    a literal (Numba) or a template argument (CUDA), so each compiles alone.
    Codes are grouped by family: 0–9 the shared module (``_dists_base``), 10–29
    the gamma family, 30–49 the other continuous ones (with ball's steps), 50–69
    the Poisson and binomial family, 70–89 the counting ones (geometric … zipf).
    """

    EXPONENTIAL = 0
    GAMMA = 1
    #: Uniform 0 of lane 0, on (0, 1): for samplers that finish it themselves (choice, …).
    UNIFORM = 2
    #: The Box–Muller normal of lane 0 (uniforms 0 and 1): for orthogonal and friends.
    NORMAL = 3
    BETA = 10
    CHISQUARE = 11
    T = 12
    F = 13
    LOGGAMMA = 14
    GENERALIZED_NORMAL = 15
    MAXWELL = 16
    DOUBLE_SIDED_MAXWELL = 17
    #: ``exp(a) / b`` of parameters (dirichlet's normalisation): keyrand's exp on every backend.
    DIRICHLET_EXP = 18
    #: A uniform index below ``a`` (choice with replacement).
    CHOICE_INDEX = 19
    #: ``−log(u)/a``: an item's exponential race key (choice without replacement).
    CHOICE_KEY = 20
    #: Word ``a`` of pair 0 of lane 0: half of an element's 64-bit sort key (permuted).
    PERMUTED_WORD = 21
    CAUCHY = 30
    LOGISTIC = 31
    LOGNORMAL = 32
    PARETO = 33
    POWER = 34
    RAYLEIGH = 35
    WEIBULL_MIN = 36
    TRIANGULAR = 37
    WALD = 38
    VONMISES = 39
    #: ball's exponential of a point: −log u for uniform 0 of lane 2.
    BALL_EXP = 40
    #: ball's coordinate given its point's sum S: ±(G/S)^(1/p), G the Gamma(1/p) of lane 0.
    BALL = 41
    POISSON = 50
    BINOMIAL = 51
    NEGATIVE_BINOMIAL = 52
    NONCENTRAL_CHISQUARE = 53
    NONCENTRAL_F = 54
    #: The counting distributions (``_dists_counting``, docs/distributions.md §5.6–§5.10).
    GEOMETRIC = 70
    RADEMACHER = 71
    HYPERGEOMETRIC = 72
    LOGSERIES = 73
    ZIPF = 74


#: Straight-line sample functions (a fixed number of hashes, no rejection loop): their CPU
#: kernels are compiled once per uniform width, so that LLVM vectorizes the element loop.
STRAIGHT = frozenset({
    Dist.EXPONENTIAL, Dist.UNIFORM, Dist.NORMAL, Dist.MAXWELL, Dist.DOUBLE_SIDED_MAXWELL,
    Dist.DIRICHLET_EXP, Dist.CHOICE_KEY, Dist.PERMUTED_WORD, Dist.CAUCHY,
    Dist.LOGISTIC, Dist.LOGNORMAL, Dist.PARETO, Dist.POWER, Dist.RAYLEIGH, Dist.WEIBULL_MIN,
    Dist.TRIANGULAR, Dist.WALD, Dist.BALL_EXP, Dist.GEOMETRIC, Dist.RADEMACHER,
})

#: First counter word of the element streams, "dist" in ASCII: pair ``c`` of lane ``l`` of
#: element ``i`` hashes ``((l << 29) | (i >> 32), i mod 2^32)`` under ``T(key, (DIST_STREAM, c))``.
DIST_STREAM = 0x64697374
#: Lanes of an element (independent streams, 3 bits of the counter's high word).
DIST_LANES = 8
#: Largest element count of an element-stream draw: ``i >> 32`` keeps 29 bits.
MAX_DIST_ELEMENTS = 1 << 61
#: Pair keys ``T(key, (DIST_STREAM, c))`` computed once per draw (later ones on the fly).
DIST_KEYS = 64
#: Parameters per element of an element-stream draw (one value, or one per element).
DIST_PARAMS = 3
