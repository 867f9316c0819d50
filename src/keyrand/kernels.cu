// keyrand's GPU kernels (CUDA C++17, compiled at run time by NVRTC).
//
// This file is a template: keyrand/_cuda.py fills each placeholder (a dollar sign and
// a NAME in braces) from the Python definitions: transform and rounding codes, the
// threefry rotations, every polynomial and table constant as an exact hexadecimal
// literal. The result is compiled with --fmad=false and no fast-math, so every
// a*b + c is two rounded operations and __fmaf_rn / __fma_rn appear exactly where the
// CPU code has an fma. The device functions transliterate the Numba ones
// (keyrand/_transforms.py, keyrand/_mathf32.py, keyrand/_mathf64.py) operation by
// operation.
//
// NaN bit patterns: x86 arithmetic returns the first NaN operand (quieted) or, for an
// invalid operation, the "default NaN" 0xFFC00000; CUDA returns 0x7FFFFFFF. The
// kr_x86_* helpers re-encode a NaN result as x86 would, so NaN-producing parameters
// (inf bounds, NaN loc...) give the CPU's bits.
typedef unsigned int kr_u32;
typedef unsigned long long kr_u64;
typedef long long kr_i64;

${CONSTANTS}

// ---------------------------------------------------------------- threefry (docs/algorithms.md §3.1)
${THREEFRY}

// ---------------------------------------------------------------- x86 NaN encodings
__device__ __forceinline__ float kr_quiet(float a) { return __uint_as_float(__float_as_uint(a) | KR_F32_QUIET_BIT); }
__device__ __forceinline__ double kr_quiet(double a) {
    return __longlong_as_double(__double_as_longlong(a) | 0x0008000000000000ll);
}
__device__ __forceinline__ float kr_default_nan(float) { return __uint_as_float(KR_F32_DEFAULT_NAN); }
__device__ __forceinline__ double kr_default_nan(double) { return __longlong_as_double((kr_i64)0xFFF8000000000000ull); }
// Result r of an operation on a (and b): a NaN r becomes the NaN x86 would return.
template <typename F> __device__ __forceinline__ F kr_nan1(F r, F a) {
    return r == r ? r : (a != a ? kr_quiet(a) : kr_default_nan(a));
}
template <typename F> __device__ __forceinline__ F kr_nan2(F r, F a, F b) {
    return r == r ? r : (a != a ? kr_quiet(a) : (b != b ? kr_quiet(b) : kr_default_nan(a)));
}
template <typename F> __device__ __forceinline__ F kr_x86_add(F a, F b) { return kr_nan2<F>(a + b, a, b); }
template <typename F> __device__ __forceinline__ F kr_x86_sub(F a, F b) { return kr_nan2<F>(a - b, a, b); }
template <typename F> __device__ __forceinline__ F kr_x86_mul(F a, F b) { return kr_nan2<F>(a * b, a, b); }
template <typename F> __device__ __forceinline__ F kr_x86_div(F a, F b) { return kr_nan2<F>(a / b, a, b); }

// ---------------------------------------------------------------- float16 / bfloat16 (docs/algorithms.md §4.2)
__device__ __forceinline__ kr_u32 kr_f16_magnitude_bits(float x) {
    const kr_u32 ax = __float_as_uint(x) & 0x7FFFFFFFu;
    const kr_u32 rn = (ax + 0x0FFFu + ((ax >> 13) & 1u)) & 0xFFFFE000u;
    const kr_u32 hn = rn >= KR_F16_OVERFLOW ? KR_F16_INF_BITS : ((rn - KR_F16_REBIAS) >> 13);
    const kr_u32 hs = __float_as_uint(fabsf(x) + 0.5f) - 0x3F000000u;
    return ax < KR_F16_MIN_NORMAL ? hs : hn;
}
__device__ __forceinline__ unsigned short kr_f16_bits(float x) {
    const kr_u32 sign = (__float_as_uint(x) >> 16) & 0x8000u;
    const kr_u32 mag = x != x ? KR_F16_NAN_BITS : kr_f16_magnitude_bits(x);
    return (unsigned short)(sign | mag);
}
__device__ __forceinline__ float kr_round_f16(float x) {
    const kr_u32 h = kr_f16_magnitude_bits(x);
    const float m = (float)(int)h * KR_F16_SUBNORMAL_STEP;
    const kr_u32 full = h == KR_F16_INF_BITS ? 0x7F800000u : ((h << 13) + KR_F16_REBIAS);
    const float mag = h < KR_F16_MIN_NORMAL_BITS ? m : __uint_as_float(full);
    const float r = __float_as_uint(x) >= 0x80000000u ? -mag : mag;
    return x != x ? x : r;
}
__device__ __forceinline__ unsigned short kr_bf16_bits(float x) {
    const kr_u32 u = __float_as_uint(x);
    const kr_u32 r = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
    return (unsigned short)(x != x ? KR_BF16_NAN_BITS : r);
}
__device__ __forceinline__ float kr_round_bf16(float x) {
    const kr_u32 u = __float_as_uint(x);
    const float r = __uint_as_float((u + 0x7FFFu + ((u >> 16) & 1u)) & 0xFFFF0000u);
    return x != x ? x : r;
}
// Narrow bit patterns to float32, exactly (NaN sign and payload kept).
__device__ __forceinline__ float kr_widen_f16(unsigned short h) {
    const kr_u32 sign = ((kr_u32)h & 0x8000u) << 16;
    const kr_u32 e = ((kr_u32)h >> 10) & 0x1Fu;
    const kr_u32 mant = (kr_u32)h & 0x3FFu;
    if (e == 0x1Fu) return __uint_as_float(sign | 0x7F800000u | (mant << 13));
    const float mag = e == 0 ? (float)(int)mant * 0x1p-24f : __uint_as_float(((e + 112u) << 23) | (mant << 13));
    return __uint_as_float(sign | __float_as_uint(mag));
}
__device__ __forceinline__ float kr_widen_bf16(unsigned short h) { return __uint_as_float((kr_u32)h << 16); }

template <int RD> __device__ __forceinline__ float kr_rnd(float x) {
    if constexpr (RD == KR_RD_F16) return kr_round_f16(x);
    else if constexpr (RD == KR_RD_BF16) return kr_round_bf16(x);
    else return x;
}

// ---------------------------------------------------------------- glibc logf (docs/algorithms.md §5.5)
// Global memory read through the read-only cache: the index diverges across a warp,
// which constant memory would serialize.
__device__ const double kr_log_invc[16] = {KR_LOG_INVC};
__device__ const double kr_log_logc[16] = {KR_LOG_LOGC};

// (double)k without the conversion unit: the bits of 2^52 + 2^31 + k, minus 2^52 + 2^31 (exact).
__device__ __forceinline__ double kr_int_to_double(int k) {
    return __hiloint2double(0x43300000, (int)((kr_u32)k ^ 0x80000000u)) - 4503601774854144.0;
}
// (double) of the positive normal float32 with bits iz, by moving its fields (exact).
__device__ __forceinline__ double kr_pos_f32_to_double(kr_u32 iz) {
    return __hiloint2double((int)((iz >> 3) + (896u << 20)), (int)(iz << 29));
}

// The table method of §5.5 for the bit pattern ix of a positive normal x (after the
// subnormal rescaling), in float64 with one final rounding.
__device__ __forceinline__ float kr_logf_core(kr_u32 ix) {
    const kr_u32 tmp = ix - KR_LOG_OFF;
    const int i = (int)((tmp >> 19) & 15u);
    const int k = ((int)tmp) >> 23;
    const kr_u32 iz = ix - (tmp & (0x1FFu << 23));
    const double z = kr_pos_f32_to_double(iz);
    const double r = z * __ldg(&kr_log_invc[i]) - 1.0;
    const double y0 = __ldg(&kr_log_logc[i]) + kr_int_to_double(k) * KR_LN2;
    const double r2 = r * r;
    double y = KR_LOG_A1 * r + KR_LOG_A2;
    y = KR_LOG_A0 * r2 + y;
    y = y * r2 + (y0 + r);
    return (float)y;
}

// logf for x known to be a positive normal float32 below +inf (no special cases).
__device__ __forceinline__ float kr_logf_pos(float x) { return kr_logf_core(__float_as_uint(x)); }

__device__ __forceinline__ float kr_logf(float x) {
    const kr_u32 ix0 = __float_as_uint(x);
    const bool special = (ix0 - 0x00800000u) >= (0x7F800000u - 0x00800000u);
    const kr_u32 ix_sub = __float_as_uint(x * KR_TWO23) - (23u << 23);
    float res = kr_logf_core(special ? ix_sub : ix0);
    const kr_u32 twice = ix0 << 1;
    const bool invalid = special && ((ix0 >= 0x80000000u) || (twice >= 0xFF000000u));
    // glibc returns (x - x) / (x - x) here: a NaN, re-encoded as x86 does by kr_nan1.
    res = invalid ? __int_as_float(0x7FFFFFFF) : res;
    res = ix0 == 0x7F800000u ? x : res;
    res = twice == 0u ? -__int_as_float(0x7F800000) : res;
    return kr_nan1<float>(res, x);
}

// ---------------------------------------------------------------- glibc log1pf (docs/algorithms.md §5.6)
__device__ __forceinline__ float kr_log1pf(float x) {
    const kr_u32 ux = __float_as_uint(x);
    const int hx = (int)ux;
    const kr_u32 ax = ux & 0x7FFFFFFFu;
    const bool huge = hx >= KR_LOG1PF_TWO53;
    const float u1 = 1.0f + x;
    float u = huge ? x : u1;
    int hu = (int)__float_as_uint(u);
    int k = (hu >> 23) - 127;
    float c = k > 0 ? (1.0f - (u1 - x)) : (x - (u1 - 1.0f));
    c = huge ? 0.0f : c / u1;
    hu = hu & 0x007FFFFF;
    const bool upper = hu >= KR_LOG1PF_SQRT2_MANT;
    u = __uint_as_float((kr_u32)(hu | (upper ? 0x3F000000 : 0x3F800000)));
    k = upper ? k + 1 : k;
    hu = upper ? ((0x00800000 - hu) >> 2) : hu;
    float f = u - 1.0f;
    const bool direct = (hx < KR_LOG1PF_SQRT2_M1) && ((hx > 0) || (hx <= KR_LOG1PF_ONE_M_SQRT2_2));
    f = direct ? x : f;
    k = direct ? 0 : k;
    hu = direct ? 1 : hu;
    const float kf = (float)k;
    const float hfsq = (0.5f * f) * f;
    const float r0 = hfsq * (1.0f - KR_LOG1PF_TWO_THIRDS * f);
    float res_f0 = k == 0 ? 0.0f : kf * KR_LOG1PF_LN2_HI + (c + kf * KR_LOG1PF_LN2_LO);
    float res_hu0 = k == 0 ? (f - r0) : kf * KR_LOG1PF_LN2_HI - ((r0 - (kf * KR_LOG1PF_LN2_LO + c)) - f);
    res_hu0 = f == 0.0f ? res_f0 : res_hu0;
    const float s = f / (2.0f + f);
    const float z = s * s;
${LOG1P_POLY}
    float res = k == 0 ? f - (hfsq - s * (hfsq + r))
                       : kf * KR_LOG1PF_LN2_HI - ((hfsq - (s * (hfsq + r) + (kf * KR_LOG1PF_LN2_LO + c))) - f);
    res = hu == 0 ? res_hu0 : res;
    res = ax < KR_LOG1PF_TINY ? (x - (x * x) * 0.5f) : res;
    res = ax < KR_LOG1PF_NEGLIGIBLE ? x : res;
    res = hx >= 0x7F800000 ? x + x : res;
    const bool le_minus_one = (hx < KR_LOG1PF_SQRT2_M1) && (ax >= 0x3F800000u);
    // glibc's (x - x) / (x - x) for x < -1 is a NaN, re-encoded as x86 does by kr_nan1.
    res = le_minus_one ? (x == -1.0f ? -__int_as_float(0x7F800000) : __int_as_float(0x7FFFFFFF)) : res;
    return kr_nan1<float>(res, x);
}

// ---------------------------------------------------------------- glibc log1p, double (laplace float64)
// keyrand._mathf64.log1p transliterated, its constants and thresholds printed from that
// module's tables: fdlibm's log1p as glibc 2.36 ships it for x86-64 with FMA.
__device__ __forceinline__ double kr_log1p64(double x) {
${LOG1P64_CONSTS}
    const int hx = __double2hiint(x);
    const int ax = hx & 0x7fffffff;
    int k = 1, hu = 0;
    double f = 0.0, c = 0.0;
    if (hx < hi_sqrt2_m1) {
        if (ax >= hi_one) {
            if (x == -1.0) return -__longlong_as_double(0x7FF0000000000000ll);
            const double sx = x - x;
            return kr_nan1<double>(sx / sx, x);
        }
        if (ax < hi_tiny) {
            if (ax < hi_negligible) return x;
            return __fma_rn(-(x * x), 0.5, x);
        }
        if (hx > 0 || hx <= hi_one_m_sqrt2_2) { k = 0; f = x; hu = 1; }
    } else if (hx >= hi_inf) {
        return kr_nan1<double>(x + x, x);
    }
    if (k != 0) {
        double u;
        if (hx < hi_two54) {
            u = 1.0 + x;
            hu = __double2hiint(u);
            k = (hu >> 20) - 1023;
            c = (k > 0) ? 1.0 - (u - x) : x - (u - 1.0);
            c = c / u;
        } else {
            u = x;
            hu = __double2hiint(u);
            k = (hu >> 20) - 1023;
            c = 0.0;
        }
        hu &= 0x000fffff;
        if (hu < hi_sqrt2_mant) {
            u = __hiloint2double(hu | 0x3ff00000, __double2loint(u));
        } else {
            k += 1;
            u = __hiloint2double(hu | 0x3fe00000, __double2loint(u));
            hu = (0x00100000 - hu) >> 2;
        }
        f = u - 1.0;
    }
    const double hfsq = (0.5 * f) * f;
    const double dk = (double)k;
    if (hu == 0) {
        if (f == 0.0) {
            if (k == 0) return 0.0;
            c = __fma_rn(dk, ln2_lo, c);
            return __fma_rn(dk, ln2_hi, c);
        }
        const double R = hfsq * __fma_rn(-two_thirds, f, 1.0);
        if (k == 0) return f - R;
        return __fma_rn(dk, ln2_hi, -((R - __fma_rn(dk, ln2_lo, c)) - f));
    }
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double R2 = __fma_rn(z, Lp3, Lp2);
    const double R3 = __fma_rn(z, Lp5, Lp4);
    const double R4 = __fma_rn(z, Lp7, Lp6);
    const double z2 = z * z;
    const double z4 = z2 * z2;
    const double z6 = z4 * z2;
    const double R = __fma_rn(z6, R4, __fma_rn(z4, R3, __fma_rn(z, Lp1, z2 * R2)));
    const double sr = s * (hfsq + R);
    if (k == 0) return f - (hfsq - sr);
    return __fma_rn(dk, ln2_hi, -((hfsq - (sr + __fma_rn(dk, ln2_lo, c))) - f));
}

// ---------------------------------------------------------------- MLX erfinv (docs/algorithms.md §5.4)
// POS: |a| <= 0.99999994 (SYM's range), so 1 - a^2 is a positive normal and nothing is NaN.
// The tail polynomial (|t| > 6.125, |a| > 0.9989, 0.1% of draws) is only evaluated by the
// warps that need it (measured 13% faster on an H100 than evaluating both and selecting,
// which -DKR_ERFINV_SELECT builds).
template <bool POS> __device__ __forceinline__ float kr_erfinv_t(float a) {
    const float w = __fmaf_rn(a, 0.0f - a, 1.0f);
    const float t = POS ? kr_logf_pos(w) : kr_logf(w);
    float p;
#ifdef KR_ERFINV_SELECT
    {
${ERFINV_TAIL}
${ERFINV_CENTRAL}
        p = fabsf(t) > KR_ERFINV_SPLIT ? p_tail : p_central;
    }
#else
    if (fabsf(t) > KR_ERFINV_SPLIT) {
${ERFINV_TAIL}
        p = p_tail;
    } else {
${ERFINV_CENTRAL}
        p = p_central;
    }
#endif
    return POS ? a * p : kr_nan1<float>(a * p, a);
}
__device__ __forceinline__ float kr_erfinv(float a) { return kr_erfinv_t<false>(a); }

// ---------------------------------------------------------------- float32 -> integer (docs/algorithms.md §4.5)
// Comparisons of a float32 with ±2^63, ±2^31 are exact in float32, and so are the
// subtractions x - 2^63 (x in [2^63, 2^64)) and x - 2^31 (x in [2^31, 2^32)) where their
// results are used, so no float64 is needed.
__device__ __forceinline__ kr_i64 kr_trunc64(float x) {
    return (x >= -0x1p63f && x < 0x1p63f) ? (kr_i64)x : (kr_i64)0x8000000000000000ull;
}
__device__ __forceinline__ kr_i64 kr_trunc32(float x) {
    return (x >= -0x1p31f && x < 0x1p31f) ? (kr_i64)(int)x : -(kr_i64)2147483648ll;
}
__device__ __forceinline__ kr_i64 kr_to_int(int code, float x) {
    switch (code) {
    case KR_INT_INT64: return kr_trunc64(x);
    case KR_INT_UINT64: return x >= 0x1p63f ? (kr_trunc64(x - 0x1p63f) ^ (kr_i64)0x8000000000000000ull) : kr_trunc64(x);
    case KR_INT_UINT32: return (x >= -0x1p63f && x < 0x1p63f) ? kr_trunc64(x) : (kr_i64)0;
    case KR_INT_BOOL: return (kr_i64)(x != 0.0f);
    case KR_INT_UINT32_VECTOR:
        return x >= 0x1p31f ? (kr_trunc32(x - 0x1p31f) ^ -(kr_i64)2147483648ll) : kr_trunc32(x);
    default: return kr_trunc32(x);
    }
}

// ---------------------------------------------------------------- transforms (docs/algorithms.md §6)
struct KrParams {
    float f[KR_NUM_PARAMS];   // float32(p_i), bit patterns from the host (cvtsd2ss)
    double d[KR_NUM_PARAMS];  // p_i as float64
    kr_u64 hi, lo;            // RANDINT_CLAMPED: high - 1 and low (from their 32-bit halves in d)
};

__device__ __forceinline__ float kr_min(float a, float b) { return (a != a || a < b) ? a : b; }
__device__ __forceinline__ float kr_max(float a, float b) { return (a != a || a > b) ? a : b; }
__device__ __forceinline__ float kr_u01(kr_u32 w, float clamp) {
    const float u = __uint2float_rn(w) * 0x1p-32f;  // never NaN: MLX's minimum is a plain min
    return u < clamp ? u : clamp;
}
// kr_u01(w, 0x3F7FFFFF) with the clamp on the word: f32(w) = 2^32 exactly when
// w >= 0xFFFFFF80, and f32(0xFFFFFF7F)·2^-32 is the clamp 1 - 2^-24 itself.
__device__ __forceinline__ float kr_u01_f32(kr_u32 w) {
    return __uint2float_rn(min(w, 0xFFFFFF7Fu)) * 0x1p-32f;
}
__device__ __forceinline__ float kr_sym(kr_u32 w) {
    return 2.0f * kr_u01_f32(w) - KR_ONE_MINUS_ULP;
}
__device__ __forceinline__ float kr_sign(float x) { return x < 0.0f ? -1.0f : (x > 0.0f ? 1.0f : 0.0f); }

template <int KIND, int RD>
__device__ __forceinline__ auto kr_apply(kr_u32 w, const KrParams &p) {
    if constexpr (KIND == KR_BITS) {
        return w;
    } else if constexpr (KIND == KR_UNIFORM) {
        const float u = kr_rnd<RD>(kr_u01(w, p.f[KR_P_UNIFORM_CLAMP]));
        return kr_rnd<RD>(kr_x86_add(kr_rnd<RD>(kr_x86_mul(p.f[KR_P_UNIFORM_SCALE], u)),
                                     p.f[KR_P_UNIFORM_OFFSET]));
    } else if constexpr (KIND == KR_NORMAL) {
        const float e = kr_rnd<RD>(kr_erfinv_t<true>(kr_sym(w)));
        const float z = kr_rnd<RD>(kr_x86_mul(p.f[KR_P_NORMAL_SCALE], e));
        return p.d[KR_P_NORMAL_HAS_LOC] != 0.0 ? kr_rnd<RD>(kr_x86_add(p.f[KR_P_NORMAL_LOC], z))
                                               : z;
    } else if constexpr (KIND == KR_GUMBEL) {
        // The steps of keyrand/_transforms.py's _gumbel_block (gumbel's one definition), per
        // element: logf(0) = -inf gives -inf here without its special case.
        const float u = kr_rnd<RD>(kr_u01(w, p.f[KR_P_GUMBEL_CLAMP]));
        return -kr_rnd<RD>(kr_logf(-kr_rnd<RD>(kr_logf(u))));
    } else if constexpr (KIND == KR_LAPLACE) {
        const float s = kr_sym(w);
        float v = kr_rnd<RD>(kr_sign(s) * kr_log1pf(-fabsf(s)));
        v = p.d[KR_P_LAPLACE_HAS_SCALE] != 0.0 ? kr_rnd<RD>(kr_x86_mul(p.f[KR_P_LAPLACE_SCALE], v)) : v;
        return p.d[KR_P_LAPLACE_HAS_LOC] != 0.0 ? kr_rnd<RD>(kr_x86_add(p.f[KR_P_LAPLACE_LOC], v)) : v;
    } else if constexpr (KIND == KR_LAPLACE64) {
        const float s = kr_sym(w);
        double v = (double)kr_sign(s) * kr_log1p64(-(double)fabsf(s));
        v = p.d[KR_P_LAPLACE64_HAS_SCALE] != 0.0 ? kr_x86_mul(p.d[KR_P_LAPLACE64_SCALE], v) : v;
        return p.d[KR_P_LAPLACE64_HAS_LOC] != 0.0 ? kr_x86_add(p.d[KR_P_LAPLACE64_LOC], v) : v;
    } else if constexpr (KIND == KR_TRUNCATED_NORMAL) {
        const float u = kr_rnd<RD>(kr_u01(w, p.f[KR_P_TRUNCATED_NORMAL_CLAMP]));
        const float x = kr_rnd<RD>(kr_x86_add(
            kr_rnd<RD>(kr_x86_mul(p.f[KR_P_TRUNCATED_NORMAL_SCALE], u)),
            p.f[KR_P_TRUNCATED_NORMAL_OFFSET]));
        const float y = kr_rnd<RD>(
            kr_x86_mul(p.f[KR_P_TRUNCATED_NORMAL_SQRT2], kr_rnd<RD>(kr_erfinv(x))));
        return kr_max(kr_min(p.f[KR_P_TRUNCATED_NORMAL_UPPER], y),
                      p.f[KR_P_TRUNCATED_NORMAL_LOWER]);
    } else if constexpr (KIND == KR_BERNOULLI) {
        return __uint2float_rn(w) < p.f[KR_P_BERNOULLI_THRESHOLD];
    } else if constexpr (KIND == KR_BERNOULLI64) {
        return (double)w < p.d[KR_P_BERNOULLI64_THRESHOLD];
    } else if constexpr (KIND == KR_WORD_F32) {
        return __uint2float_rn(w);
    } else if constexpr (KIND == KR_WORD_F64) {
        return (double)w;
    } else if constexpr (KIND == KR_ERFINV_SYM) {
        return kr_erfinv_t<true>(kr_sym(w));
    } else if constexpr (KIND == KR_RANDINT) {
        // RD is the integer conversion code here.
        const float u = kr_u01_f32(w);
        return kr_to_int(RD, floorf(p.f[KR_P_RANDINT_SCALE] * u + p.f[KR_P_RANDINT_OFFSET]));
    } else if constexpr (KIND == KR_UNIT_UNIFORM) {
        // uniform with range 1 and low +0: rnd(rnd(1·u) + 0) is rnd(u) exactly; the clamp
        // is the dtype's own (§6.1), known here from RD.
        if constexpr (RD == KR_RD_F16) return kr_round_f16(kr_u01(w, KR_CLAMP_F16));
        else if constexpr (RD == KR_RD_BF16) return kr_round_bf16(kr_u01(w, KR_CLAMP_BF16));
        else return kr_u01_f32(w);
    } else if constexpr (KIND == KR_BERNOULLI_INT) {
        // f32(w) < t (or f64(w) < t) holds exactly for the words w <= last (none if !any):
        // the conversion is monotonic, so the host turns the threshold into a word count.
        return __float_as_uint(p.f[KR_P_BERNOULLI_INT_ANY]) != 0u
            && w <= __float_as_uint(p.f[KR_P_BERNOULLI_INT_LAST]);
    } else if constexpr (KIND == KR_RANDINT_CLAMPED) {
        // randint with scalar bounds: max(min(r, high - 1), low) in the output type, fused.
        const float u = kr_u01_f32(w);
        return kr_to_int(RD, floorf(p.f[KR_P_RANDINT_CLAMPED_SCALE] * u
                                    + p.f[KR_P_RANDINT_CLAMPED_OFFSET]));
    }
}

// The stored value of word w: the transform, converted to the output type (and, for
// RANDINT_CLAMPED, clamped in it as NumPy's minimum/maximum would).
template <int KIND, int RD, typename T>
__device__ __forceinline__ T kr_value(kr_u32 w, const KrParams &p) {
    T v = (T)kr_apply<KIND, RD>(w, p);
    if constexpr (KIND == KR_RANDINT_CLAMPED) {
        const T hi = (T)p.hi, lo = (T)p.lo;
        v = v < hi ? v : hi;
        v = v > lo ? v : lo;
    }
    return v;
}

template <typename T> struct alignas(4 * sizeof(T)) KrVec4 { T v[4]; };

#define KR_PARAM_ARGS kr_u32 f0, kr_u32 f1, kr_u32 f2, kr_u32 f3, kr_u32 f4, kr_u32 f5, \
    double d0, double d1, double d2, double d3, double d4, double d5
#define KR_LOAD_PARAMS(p) \
    p.f[0] = __uint_as_float(f0); p.f[1] = __uint_as_float(f1); p.f[2] = __uint_as_float(f2); \
    p.f[3] = __uint_as_float(f3); p.f[4] = __uint_as_float(f4); p.f[5] = __uint_as_float(f5); \
    p.d[0] = d0; p.d[1] = d1; p.d[2] = d2; p.d[3] = d3; p.d[4] = d4; p.d[5] = d5; \
    if constexpr (KIND == KR_RANDINT_CLAMPED) { \
        p.hi = (kr_u64)p.d[KR_P_RANDINT_CLAMPED_HIGH_MINUS_ONE_LOW] \
            | ((kr_u64)p.d[KR_P_RANDINT_CLAMPED_HIGH_MINUS_ONE_HIGH] << 32); \
        p.lo = (kr_u64)p.d[KR_P_RANDINT_CLAMPED_LOW_LOW] \
            | ((kr_u64)p.d[KR_P_RANDINT_CLAMPED_LOW_HIGH] << 32); }

// Every word of a W-word stream (docs/algorithms.md §3.2): h = W/2 pairs (j, j + off), off = h + W%2.
// Each thread hashes KR_PAIRS consecutive pairs and writes words j.. and j+off.., four at a
// time as one vector store where ``vec`` says the address is aligned (bit 0: first half,
// bit 1: second half). Grid-stride over groups; the tail pairs and the odd word go to the
// first threads.
#ifndef KR_PAIRS
#define KR_PAIRS 4
#endif
template <int KIND, int RD, typename T>
__global__ void __launch_bounds__(256) kr_fill(T *__restrict__ out, kr_u32 k0, kr_u32 k1,
                                               const kr_u32 *__restrict__ keyp, kr_u64 h, kr_u64 off,
                                               int vec, KR_PARAM_ARGS) {
    static_assert(KR_PAIRS % 4 == 0, "KR_PAIRS must be a multiple of 4");
    if (keyp != nullptr) { k0 = keyp[0]; k1 = keyp[1]; }
    KrParams p;
    KR_LOAD_PARAMS(p)
    const kr_u64 groups = h / KR_PAIRS;
    const kr_u64 tid = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x;
    const kr_u64 stride = (kr_u64)gridDim.x * blockDim.x;
    for (kr_u64 g = tid; g < groups; g += stride) {
        const kr_u64 j = g * KR_PAIRS;
        kr_u32 a[KR_PAIRS], b[KR_PAIRS];
#pragma unroll
        for (int t = 0; t < KR_PAIRS; ++t)
            kr_threefry(k0, k1, (kr_u32)(j + t), (kr_u32)(j + t + off), a[t], b[t]);
#pragma unroll
        for (int q = 0; q < KR_PAIRS; q += 4) {
            KrVec4<T> va, vb;
#pragma unroll
            for (int t = 0; t < 4; ++t) {
                va.v[t] = kr_value<KIND, RD, T>(a[q + t], p);
                vb.v[t] = kr_value<KIND, RD, T>(b[q + t], p);
            }
            if (vec & 1) {
                *reinterpret_cast<KrVec4<T> *>(out + j + q) = va;
            } else {
#pragma unroll
                for (int t = 0; t < 4; ++t) out[j + q + t] = va.v[t];
            }
            if (vec & 2) {
                *reinterpret_cast<KrVec4<T> *>(out + j + q + off) = vb;
            } else {
#pragma unroll
                for (int t = 0; t < 4; ++t) out[j + q + off + t] = vb.v[t];
            }
        }
    }
    const kr_u64 rest = h - groups * KR_PAIRS;
    if (tid < rest) {
        const kr_u64 j = groups * KR_PAIRS + tid;
        kr_u32 x, y;
        kr_threefry(k0, k1, (kr_u32)j, (kr_u32)(j + off), x, y);
        out[j] = kr_value<KIND, RD, T>(x, p);
        out[j + off] = kr_value<KIND, RD, T>(y, p);
    }
    if (tid == 0 && off > h) {
        kr_u32 x, y;
        kr_threefry(k0, k1, (kr_u32)h, 0u, x, y);
        out[h] = kr_value<KIND, RD, T>(x, p);
    }
}

// Words starts[r] + t (t < run) of a ``total``-word stream into out[r*run + t]: blocks
// of a larger array (Dask chunks). Each word is hashed on its own (docs/algorithms.md §3.2).
template <int KIND, int RD, typename T>
__global__ void __launch_bounds__(256) kr_fill_runs(T *__restrict__ out, kr_u32 k0, kr_u32 k1,
                                                    const kr_u32 *__restrict__ keyp, kr_u64 total,
                                                    const kr_i64 *__restrict__ starts, kr_u64 nruns,
                                                    kr_u64 run, KR_PARAM_ARGS) {
    if (keyp != nullptr) { k0 = keyp[0]; k1 = keyp[1]; }
    KrParams p;
    KR_LOAD_PARAMS(p)
    const kr_u64 h = total >> 1, off = h + (total & 1);
    const kr_u64 n = nruns * run;
    const kr_u64 stride = (kr_u64)gridDim.x * blockDim.x;
    for (kr_u64 i = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        const kr_u64 r = i / run;
        const kr_u64 w = (kr_u64)starts[r] + (i - r * run);
        kr_u32 x, y, word;
        if (w < h) {
            kr_threefry(k0, k1, (kr_u32)w, (kr_u32)(w + off), x, y);
            word = x;
        } else if (w < off) {
            kr_threefry(k0, k1, (kr_u32)h, 0u, x, y);
            word = x;
        } else {
            kr_threefry(k0, k1, (kr_u32)(w - off), (kr_u32)w, x, y);
            word = y;
        }
        out[i] = kr_value<KIND, RD, T>(word, p);
    }
}

// ---------------------------------------------------------------- element-wise finishing kernels
// Flat, contiguous arrays of n elements (array parameters are combined after the draw).
#define KR_EW_LOOP for (kr_u64 i = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; \
                        i += (kr_u64)gridDim.x * blockDim.x)
template <int OP, typename F>
__global__ void kr_ew_arith(const F *__restrict__ a, const F *__restrict__ b, F *__restrict__ r,
                            kr_u64 n) {
    KR_EW_LOOP {
        if constexpr (OP == 0) r[i] = kr_x86_add<F>(a[i], b[i]);
        else if constexpr (OP == 1) r[i] = kr_x86_sub<F>(a[i], b[i]);
        else if constexpr (OP == 2) r[i] = kr_x86_mul<F>(a[i], b[i]);
        else r[i] = kr_x86_div<F>(a[i], b[i]);
    }
}
__global__ void kr_ew_f16_bits(const float *__restrict__ x, unsigned short *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = kr_f16_bits(x[i]);
}
__global__ void kr_ew_bf16_bits(const float *__restrict__ x, unsigned short *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = kr_bf16_bits(x[i]);
}
__global__ void kr_ew_widen_f16(const unsigned short *__restrict__ h, float *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = kr_widen_f16(h[i]);
}
__global__ void kr_ew_widen_bf16(const unsigned short *__restrict__ h, float *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = kr_widen_bf16(h[i]);
}
__global__ void kr_ew_erfinv(const float *__restrict__ x, float *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = kr_erfinv(x[i]);
}
// Every float32 bit pattern first + i (i < n) through one scalar device function, and
// every word first + i through one transform (kr_value, exactly what kr_fill stores for
// that word): scripts/exhaustive_gpu_cpu.py compares these with the CPU over all 2^32
// inputs.
template <int OP>
__global__ void kr_ew_pattern_op(float *__restrict__ y, kr_u32 first, kr_u64 n) {
    KR_EW_LOOP {
        const float x = __uint_as_float((kr_u32)(first + i));
        if constexpr (OP == KR_OP_LOGF) y[i] = kr_logf(x);
        else if constexpr (OP == KR_OP_LOG1PF) y[i] = kr_log1pf(x);
        else if constexpr (OP == KR_OP_ERFINV) y[i] = kr_erfinv(x);
        else if constexpr (OP == KR_OP_ROUND_F16) y[i] = kr_round_f16(x);
        else y[i] = kr_round_bf16(x);
    }
}
template <int KIND, int RD, typename T>
__global__ void kr_map_words(T *__restrict__ out, kr_u32 first, kr_u64 n, KR_PARAM_ARGS) {
    KrParams p;
    KR_LOAD_PARAMS(p)
    KR_EW_LOOP out[i] = kr_value<KIND, RD, T>((kr_u32)(first + i), p);
}
// float32 <-> float64 with subnormals kept (round to nearest; NaN sign kept).
__global__ void kr_ew_f32_to_f64(const float *__restrict__ x, double *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = (double)x[i];
}
__global__ void kr_ew_f64_to_f32(const double *__restrict__ x, float *__restrict__ y, kr_u64 n) {
    KR_EW_LOOP y[i] = (float)x[i];
}

// MLX's float32 -> integer astype over a contiguous array; the first ``head`` elements
// use uint32's vector rule when ``code`` is uint32's (docs/algorithms.md §4.5).
template <typename T>
__global__ void kr_convert_int(const float *__restrict__ x, T *__restrict__ out, kr_u64 n, int code,
                               kr_u64 head) {
    const kr_u64 stride = (kr_u64)gridDim.x * blockDim.x;
    for (kr_u64 i = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = (T)kr_to_int(i < head ? KR_INT_UINT32_VECTOR : code, x[i]);
    }
}

// ---------------------------------------------------------------- integers (docs/algorithms.md §6.12)
// keyrand/_lemire.py transliterated: Lemire's test of one word (r <= 2^32 values) or of two
// (64-bit dtypes, r <= 2^64), a rejected element retrying from its own counters
// T(T(key, (KR_INTS_RETRY, a)), (i >> 32, i mod 2^32)) for a = 1, 2, ...
__device__ __forceinline__ bool kr_lemire32(kr_u32 x, kr_u64 r, kr_u64 &v) {
    const kr_u64 m = (kr_u64)x * r;
    const kr_u64 low = m & 0xFFFFFFFFull;
    if (low < r) {
        const kr_u64 t = ((1ull << 32) - r) % r;
        if (low < t) return false;
    }
    v = m >> 32;
    return true;
}
__device__ __forceinline__ bool kr_lemire64(kr_u64 x, kr_u64 rm1, kr_u64 &v) {
    if (rm1 == ~0ull) { v = x; return true; }  // r = 2^64: every x is a value
    const kr_u64 r = rm1 + 1ull;
    const kr_u64 low = x * r;
    if (low < r) {
        const kr_u64 t = (0ull - r) % r;
        if (low < t) return false;
    }
    v = __umul64hi(x, r);
    return true;
}
__device__ __forceinline__ void kr_retry_words(kr_u32 k0, kr_u32 k1, kr_u64 i, kr_u32 attempt,
                                               kr_u32 &x0, kr_u32 &x1) {
    kr_u32 s0, s1;
    kr_threefry(k0, k1, KR_INTS_RETRY, attempt, s0, s1);
    kr_threefry(s0, s1, (kr_u32)(i >> 32), (kr_u32)i, x0, x1);
}
// Element k of a block (element starts[k / run] + k % run of the draw): out[k] = off + its
// offset in [0, rm1], modulo 2^bits of U (the dtype's unsigned twin). ``so``/``sr`` are 1 for
// per-element bounds, 0 for one bound.
template <typename U, int WIDE>
__global__ void kr_integers(const kr_u32 *__restrict__ words, U *__restrict__ out,
                            const kr_u64 *__restrict__ off, kr_u64 so,
                            const kr_u64 *__restrict__ rm1, kr_u64 sr, kr_u32 k0, kr_u32 k1,
                            const kr_u32 *__restrict__ keyp, const kr_i64 *__restrict__ starts,
                            kr_u64 run, kr_u64 n) {
    if (keyp != nullptr) { k0 = keyp[0]; k1 = keyp[1]; }
    const kr_u64 stride = (kr_u64)gridDim.x * blockDim.x;
    for (kr_u64 k = (kr_u64)blockIdx.x * blockDim.x + threadIdx.x; k < n; k += stride) {
        const kr_u64 r = k / run;
        const kr_u64 i = (kr_u64)starts[r] + (k - r * run);
        const kr_u64 m1 = rm1[k * sr];
        kr_u64 v = 0;
        kr_u32 x0, x1;
        if constexpr (WIDE) {
            bool ok = kr_lemire64(((kr_u64)words[2 * k] << 32) | words[2 * k + 1], m1, v);
            for (kr_u32 a = 1; !ok; ++a) {
                kr_retry_words(k0, k1, i, a, x0, x1);
                ok = kr_lemire64(((kr_u64)x0 << 32) | x1, m1, v);
            }
        } else {
            bool ok = kr_lemire32(words[k], m1 + 1ull, v);
            for (kr_u32 a = 1; !ok; ++a) {
                kr_retry_words(k0, k1, i, a, x0, x1);
                ok = kr_lemire32(x0, m1 + 1ull, v);
            }
        }
        out[k] = (U)(off[k * so] + v);
    }
}
