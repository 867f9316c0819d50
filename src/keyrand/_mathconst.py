"""Every constant of keyrand's elementary functions, declared once and without Numba.

The Numba kernels (:mod:`keyrand._mathf32`, :mod:`keyrand._logf`,
:mod:`keyrand._narrow`, :mod:`keyrand._mathf64`) compute with these values and
the CUDA generator (:mod:`keyrand._cuda`) prints them into ``kernels.cu``, so
the two backends cannot disagree on a coefficient. Float32 constants are
numpy float32 values built from their IEEE-754 bit patterns; thresholds on bit
patterns are Python ints. Sections (§) are those of docs/algorithms.md.
"""

from __future__ import annotations

import math

import numpy as np


def f32(bits: int) -> np.float32:
    """Return the float32 whose IEEE-754 bit pattern is ``bits`` (e.g. ``0x3F800000`` -> 1.0)."""
    return np.array(bits, dtype=np.uint32).view(np.float32)[()]


def f32s(*bits: int) -> tuple[np.float32, ...]:
    """Return :func:`f32` of each pattern, as a tuple (a compile-time constant in Numba)."""
    return tuple(f32(b) for b in bits)


def _f64s(*hexes: str) -> np.ndarray:
    return np.array([float.fromhex(h) for h in hexes])


# ------------------------------------------------------------------ float32 encodings (§4.2)

#: Quiet bit of a float32 NaN: x86 sets it on a NaN operand it returns.
F32_QUIET_BIT = 0x00400000
#: x86's "default NaN", the result of an invalid operation on non-NaN operands.
F32_DEFAULT_NAN = 0xFFC00000

# ------------------------------------------------------------------ MLX exp (§5.2)

#: float32(log2 e).
LOG2E = f32(0x3FB8AA3B)
#: |x| above this (88): exp(x) is +inf (x > 0) or +0 (x < 0).
EXP_LIMIT = f32(0x42B00000)
#: The degree-6 polynomial P(f) ≈ 2^f, highest degree first (fma/Horner).
EXP_POLY = f32s(0x3920FDDE, 0x3AAF9F29, 0x3C1D96A6, 0x3D635774, 0x3E75FDEE, 0x3F317218,
                0x3F800000)

# ------------------------------------------------------------------ MLX erf (§5.3)

#: Abramowitz-Stegun 7.1.26's p (0.3275911): t = 1 / (1 + p·|x|).
ERF_A = f32(0x3EA7BA05)
#: R(t), highest degree first.
ERF_POLY = f32s(0x3F87DC22, 0xBFBA00E3, 0x3FB5F0E3, 0xBE91A98E, 0x3E827906)

# ------------------------------------------------------------------ MLX erfinv (§5.4)

#: |t| above this (6.125) takes the tail polynomial.
ERFINV_SPLIT = f32(0x40C40000)
#: Tail polynomial in t = log(1 − a²), highest degree first.
ERFINV_TAIL = f32s(
    0x2FA6F5A2, 0x32FBE4D7, 0x35A3F289, 0x37EE53EF, 0x39CE55C9,
    0x3B46606F, 0x3B9E5490, 0xBE877FB3, 0x3F570B52,
)  # fmt: skip
#: Central polynomial, highest degree first.
ERFINV_CENTRAL = f32s(
    0x31BAE000, 0x3419DA01, 0x35A4C919, 0x33F29669, 0xB86B85E8,
    0xB91ADF48, 0x3B17B200, 0x3C3D0F28, 0xBE6D9577, 0x3F62DFC4,
)  # fmt: skip

# ------------------------------------------------------------------ glibc logf (§5.5)

#: 2^23: positive subnormals are rescaled by it (and their exponent lowered by 23).
TWO23 = f32(0x4B000000)
#: ln 2 in float64.
LN2 = float.fromhex("0x1.62e42fefa39efp-1")
#: log1p(r) ≈ r + A2·r² + A1·r³ + A0·r⁴ (float64).
LOG_A0 = float.fromhex("-0x1.00ea348b88334p-2")
LOG_A1 = float.fromhex("0x1.5575b0be00b6ap-2")
LOG_A2 = float.fromhex("-0x1.ffffef20a4123p-2")
#: glibc's OFF: z = x / 2^k lies in [OFF, 2·OFF) as a bit pattern.
LOG_OFF = 0x3F330000
#: 1/c_i for the 16 subintervals (float64).
LOG_INVC = _f64s(
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0",
    "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
    "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1",
    "0x1.767dcf5534862p-1",
)  # fmt: skip
#: log(c_i) for the 16 subintervals (float64).
LOG_LOGC = _f64s(
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5",
    "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
    "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2",
    "0x1.4043057b6ee09p-2",
)  # fmt: skip

# ------------------------------------------------------------------ glibc log1pf (§5.6)

#: ln 2 split so that k·LN2_HI is exact (float32).
LOG1PF_LN2_HI = f32(0x3F317180)
LOG1PF_LN2_LO = f32(0x3717F7D1)
#: 2/3: the exactly-representable-f series f²/2·(1 − 2f/3).
LOG1PF_TWO_THIRDS = f32(0x3F2AAAAB)
#: R(z) = Lp1·z + … + Lp7·z⁷, coefficients Lp7 … Lp1 (fdlibm's evaluation order).
LOG1PF_POLY = f32s(0x3E178897, 0x3E1CD04F, 0x3E3A3325, 0x3E638E29, 0x3E924925, 0x3ECCCCCD,
                   0x3F2AAAAB)
#: Signed bit pattern ``hx`` of x: below this, x < √2 − 1 ≈ 0.41422.
LOG1PF_SQRT2_M1 = 0x3ED413D7
#: ``hx`` at or below this (signed, int32 of 0xBE95F61F): x ≤ −0.29289 (1 − √2/2).
LOG1PF_ONE_M_SQRT2_2 = 0xBE95F61F - (1 << 32)
#: ``hx`` at or above this: x ≥ 2^53, where 1 + x is x.
LOG1PF_TWO53 = 0x5A000000
#: Mantissa of √2: 1 + x's mantissa at or above it is halved (k + 1).
LOG1PF_SQRT2_MANT = 0x3504F7
#: |x| below 2^-29 (bit pattern): log1p(x) = x − x²/2.
LOG1PF_TINY = 0x31000000
#: |x| below 2^-54 (bit pattern): log1p(x) = x.
LOG1PF_NEGLIGIBLE = 0x24800000

# ------------------------------------------------------------------ glibc log1p, float64

#: The constants of glibc's double ``__log1p`` (their bit patterns in fdlibm's comments).
LOG1P = {
    "ln2_hi": 6.93147180369123816490e-01,  # 0x3FE62E42 FEE00000
    "ln2_lo": 1.90821492927058770002e-10,  # 0x3DEA39EF 35793C76
    "two_thirds": 0.66666666666666666,  # the |f| < 2^-20 series: f²/2·(1 − 2f/3)
    "Lp1": 6.666666666666735130e-01,  # 0x3FE55555 55555593
    "Lp2": 3.999999999940941908e-01,  # 0x3FD99999 9997FA04
    "Lp3": 2.857142874366239149e-01,  # 0x3FD24924 94229359
    "Lp4": 2.222219843214978396e-01,  # 0x3FCC71C5 1D8E78AF
    "Lp5": 1.818357216161805012e-01,  # 0x3FC74664 96CB03DE
    "Lp6": 1.531383769920937332e-01,  # 0x3FC39A09 D078C69F
    "Lp7": 1.479819860511658591e-01,  # 0x3FC2F112 DF3E5244
}

#: Thresholds on the signed high word ``hx`` of ``x`` (or ``ax = hx & 0x7FFFFFFF``).
LOG1P_HI = {
    "sqrt2_m1": 0x3FDA827A,  # hx < this: x < √2 − 1 ≈ 0.41422
    "one": 0x3FF00000,  # ax ≥ this (with x < 0.41422): x ≤ −1
    "tiny": 0x3E200000,  # ax < this: |x| < 2^-29
    "negligible": 0x3C900000,  # ax < this: |x| < 2^-54
    "one_m_sqrt2_2": 0xBFD2BEC3 - (1 << 32),  # hx ≤ this (signed): x < −0.29289 (1 − √2/2)
    "inf": 0x7FF00000,  # hx ≥ this: +inf or a NaN with the sign bit clear
    "two54": 0x43400000,  # hx ≥ this: x ≥ 2^53, 1 + x is x
    "sqrt2_mant": 0x6A09E,  # mantissa of √2's high word: which half 1 + f lands in
}

# ---------------------------------------------- float64 functions (docs/distributions.md §2)

#: The constants of keyrand's float64 log, exp, sinpi, cospi and lgamma (:mod:`keyrand._fmath`):
#: fdlibm's published coefficients (log's ``Lg``, exp's ``P``, the sin/cos kernels' ``S``
#: and ``C``) and the exact limits of exp.
FMATH = {
    "ln2_hi": LOG1P["ln2_hi"],
    "ln2_lo": LOG1P["ln2_lo"],
    "inv_ln2": 1.44269504088896338700e+00,  # 0x3FF71547 652B82FE
    **{f"lg{i}": LOG1P[f"Lp{i}"] for i in range(1, 8)},
    "p1": 1.66666666666666019037e-01,  # 0x3FC55555 5555553E
    "p2": -2.77777777770155933842e-03,  # 0xBF66C16C 16BEBD93
    "p3": 6.61375632143793436117e-05,  # 0x3F11566A AF25DE2C
    "p4": -1.65339022054652515390e-06,  # 0xBEBBBD41 C5D26BF1
    "p5": 4.13813679705723846039e-08,  # 0x3E663769 72BEA4D0
    "s1": -1.66666666666666324348e-01,  # 0xBFC55555 55555549
    "s2": 8.33333333332248946124e-03,  # 0x3F811111 1110F8A6
    "s3": -1.98412698298579493134e-04,  # 0xBF2A01A0 19C161D5
    "s4": 2.75573137070700676789e-06,  # 0x3EC71DE3 57B1FE7D
    "s5": -2.50507602534068634195e-08,  # 0xBE5AE5E6 8A2B9CEB
    "s6": 1.58969099521155010221e-10,  # 0x3DE5D93A 5ACFD57C
    "c1": 4.16666666666666019037e-02,  # 0x3FA55555 5555554C
    "c2": -1.38888888888741095749e-03,  # 0xBF56C16C 16C15177
    "c3": 2.48015872894767294178e-05,  # 0x3EFA01A0 19CB1590
    "c4": -2.75573143513906633035e-07,  # 0xBE927E4F 809C52AD
    "c5": 2.08757232129817482790e-09,  # 0x3E21EE9E BDB4B1C4
    "c6": -1.13596475577881948265e-11,  # 0xBDA8FAE9 BE8838D4
    "pi": math.pi,
    "exp_max": 7.09782712893383973096e+02,  # 0x40862E42 FEFA39EF: above it e^x overflows
    "exp_min": -7.45133219101941108420e+02,  # 0xC0874910 D52D3051: below it e^x is 0
    "half_log_2pi": 0.91893853320467274178,  # log(2π)/2, Stirling's constant term
    "two54": 2.0**54,
    "stirling": 12.0,  # lgamma shifts x up to at least this before Stirling's series
}

#: Constants of the distributions' sample functions (:mod:`keyrand._distributions`).
DIST_CONST = {
    "third": 1.0 / 3.0,
    "squeeze": 0.0331,  # Marsaglia–Tsang: accept at once when u < 1 − 0.0331·x⁴
}

#: The gamma family's constants (docs/distributions.md §3.3): beta draws its two gammas
#: directly when both shapes lie in [1, direct_max) (their sum cannot overflow).
DIST_GAMMA = {
    "direct_max": 1e300,
}

#: Constants of the discrete family (:mod:`keyrand._dists_discrete`, docs/distributions.md §5):
#: Hörmann's PTRS (Poisson) and BTRS (binomial) hat parameters as published, the switches
#: between inversion and transformed rejection, and the Stirling-error switch.
DIST_DISCRETE = {
    "ptrs_b0": 0.931,  # PTRS: b = 0.931 + 2.53·√λ
    "ptrs_b1": 2.53,
    "ptrs_a0": -0.059,  # a = −0.059 + 0.02483·b
    "ptrs_a1": 0.02483,
    "ptrs_ia0": 1.1239,  # 1/α = 1.1239 + 1.1328/(b − 3.4)
    "ptrs_ia1": 1.1328,
    "ptrs_ia2": 3.4,
    "ptrs_vr0": 0.9277,  # v_r = 0.9277 − 3.6224/(b − 2)
    "ptrs_vr1": 3.6224,
    "ptrs_shift": 0.43,  # k = ⌊(2a/u_s + b)·u + λ + 0.43⌋
    "btrs_b0": 1.15,  # BTRS: b = 1.15 + 2.53·√(npq)
    "btrs_b1": 2.53,
    "btrs_a0": -0.0873,  # a = −0.0873 + 0.0248·b + 0.01·p
    "btrs_a1": 0.0248,
    "btrs_a2": 0.01,
    "btrs_vr0": 0.92,  # v_r = 0.92 − 4.2/b
    "btrs_vr1": 4.2,
    "btrs_al0": 2.83,  # α = (2.83 + 5.1/b)·√(npq)
    "btrs_al1": 5.1,
    "squeeze_us": 0.07,  # both: accept at once when u_s ≥ 0.07 and v ≤ v_r
    "tail_us": 0.013,  # PTRS: reject at once when u_s < 0.013 and v > u_s
    "switch": 10.0,  # inversion below λ = 10 (Poisson) and n·min(p, 1 − p) = 10 (binomial)
    "stirling": 12.0,  # the Stirling error by its series from k = 12, by lgamma below
    "lam_clip": 2.0**52,  # negative_binomial's gamma-mixed λ is clipped here (P < 1e-17)
}

#: Constants of the continuous distributions (:mod:`keyrand._dists_continuous`): fdlibm's
#: arctangent (``atan_hi``/``atan_lo``: atan(0.5), atan(1), atan(1.5), atan(inf) in two parts;
#: ``at0``…``at10``: its polynomial), π and 2π in two parts, von Mises' branch thresholds.
DIST_CONTINUOUS = {
    "atan_hi0": 4.63647609000806093515e-01,  # 0x3FDDAC67 0561BB4F
    "atan_hi1": 7.85398163397448278999e-01,  # 0x3FE921FB 54442D18
    "atan_hi2": 9.82793723247329054082e-01,  # 0x3FEF730B D281F69B
    "atan_hi3": 1.57079632679489655800e+00,  # 0x3FF921FB 54442D18
    "atan_lo0": 2.26987774529616870924e-17,  # 0x3C7A2B7F 222F65E2
    "atan_lo1": 3.06161699786838301793e-17,  # 0x3C81A626 33145C07
    "atan_lo2": 1.39033110312309984516e-17,  # 0x3C700788 7AF0CBBD
    "atan_lo3": 6.12323399573676603587e-17,  # 0x3C91A626 33145C07
    "at0": 3.33333333333329318027e-01,  # 0x3FD55555 5555550D
    "at1": -1.99999999998764832476e-01,  # 0xBFC99999 9998EBC4
    "at2": 1.42857142725034663711e-01,  # 0x3FC24924 920083FF
    "at3": -1.11111104054623557880e-01,  # 0xBFBC71C6 FE231671
    "at4": 9.09088713343650656196e-02,  # 0x3FB745CD C54C206E
    "at5": -7.69187620504482999495e-02,  # 0xBFB3B0F2 AF749A6D
    "at6": 6.66107313738753120669e-02,  # 0x3FB10D66 A0D03D51
    "at7": -5.83357013379057348645e-02,  # 0xBFADDE2D 52DEFD9A
    "at8": 4.97687799461593236017e-02,  # 0x3FA97B4B 24760DEB
    "at9": -3.65315727442169155270e-02,  # 0xBFA2B444 2C6A6C2F
    "at10": 1.62858201153657823623e-02,  # 0x3F90AD3A E322DA11
    "atan_big": 2.0**66,  # |x| at or above it: atan(x) = ±π/2 in two parts
    "atan_tiny": 2.0**-29,  # |x| below it: atan(x) = x
    "pi": math.pi,
    "two_pi_hi": 2.0 * math.pi,
    "two_pi_lo": 2.4492935982947064e-16,  # 2π − two_pi_hi
    "vm_uniform": 1e-8,  # von Mises: kappa below it is uniform on the circle (as NumPy)
    "vm_normal": 1e6,  # von Mises: kappa above it is the wrapped normal (as NumPy)
}

#: Constants of the counting distributions (``keyrand._dists_counting``).
DIST_COUNTING = {
    "hrua_d1": 1.7155277699214135,  # Stadlober's 2·√(2/e): the table mountain's width per sd
    "hrua_d2": 0.8989161620588988,  # Stadlober's 3 − 2·√(3/e): its width at sd 0
    "hrua_urn": 10.0,  # hypergeometric: the urn below this many draws, else HRUA
    "hrua_tail": 16.0,  # HRUA's candidates stop 16 standard deviations above the mean
    "zipf_log_top": 43.66827237527655,  # log(2^63): zipf's candidates stay below 2^63
    "zipf_top": 2.0**63,  # zipf rejects candidates from here (truncated to int64, as NumPy)
    "zipf_one": 1025.0,  # zipf gives 1 from this a on (P(X > 1) < 3e-309)
    "ln2": 0.6931471805599453,
}

# ------------------------------------------------------------------ float16 / bfloat16 (§4.2)

#: 2^-14, the smallest normal float16, as float32 bits: smaller magnitudes round as subnormals.
F16_MIN_NORMAL = 0x38800000
#: 2^16 as float32 bits: the first magnitude whose rounded mantissa overflows to inf.
F16_OVERFLOW = 0x47800000
#: Exponent bias difference 127 − 15, in float32 exponent position.
F16_REBIAS = 112 << 23
#: 2^-24, the float16 subnormal spacing.
F16_SUBNORMAL_STEP = f32(0x33800000)
#: float16 bit patterns: +inf, the smallest normal, MLX's NaN (sign added).
F16_INF_BITS = 0x7C00
F16_MIN_NORMAL_BITS = 0x0400
F16_NAN_BITS = 0x7D00
#: bfloat16 bit pattern MLX gives every NaN (sign dropped).
BF16_NAN_BITS = 0x7FC0
