// The distributions beyond MLX on the GPU (docs/distributions.md): the shared building
// blocks, exponential and gamma. keyrand/_cuda.py appends this file to kernels.cu, then
// the family templates (dists_*.cu), the generated dispatch kr_dist_sample<KIND> and
// dist_kernels.cu.
//
// Every function transliterates its Numba twin operation by operation: keyrand/_fmath.py
// (float64 log, exp, sinpi, cospi, lgamma), keyrand/_element_stream.py (pair keys,
// pairs, uniforms, normals) and keyrand/_dists_base.py (gamma variates, exponential,
// gamma). Compiled without multiply-add contraction, each gives the CPU's bits. The
// functions are host-compilable too (KR_HD): tests/test_dists_cuda.py compiles them with
// the host's C++ compiler and compares them with the Numba kernels on any machine.

#ifdef __CUDACC__
#define KR_HD __device__ __forceinline__
__device__ __forceinline__ kr_i64 kr_f64_bits(double x) { return __double_as_longlong(x); }
__device__ __forceinline__ double kr_f64_from(kr_i64 b) { return __longlong_as_double(b); }
#else
#define KR_HD inline
inline kr_i64 kr_f64_bits(double x) { kr_i64 b; __builtin_memcpy(&b, &x, 8); return b; }
inline double kr_f64_from(kr_i64 b) { double x; __builtin_memcpy(&x, &b, 8); return x; }
#endif

KR_HD double kr_sqrt64(double x) {
#ifdef __CUDACC__
    return sqrt(x);
#else
    return __builtin_sqrt(x);
#endif
}
KR_HD double kr_floor64(double x) {
#ifdef __CUDACC__
    return floor(x);
#else
    return __builtin_floor(x);
#endif
}
KR_HD double kr_inf64() { return kr_f64_from(0x7FF0000000000000ll); }
KR_HD double kr_nan64() { return kr_f64_from((kr_i64)0x7FF8000000000000ull); }

// ---------------------------------------------------------------- float64 functions (§2)
KR_HD double kr_scale64(double y, kr_i64 k) {
    if (k > 1023) return y * kr_f64_from((kr_i64)2046 << 52) * kr_f64_from(k << 52);
    if (k < -1021) return y * kr_f64_from((k + 2023) << 52) * kr_f64_from((kr_i64)23 << 52);
    return y * kr_f64_from((k + 1023) << 52);
}
KR_HD double kr_log64(double x) {
    if (!(x > 0.0)) {
        if (x == 0.0) return -kr_inf64();
        return x != x ? x : kr_nan64();
    }
    if (x == kr_inf64()) return x;
    kr_i64 k = 0;
    if (x < 2.2250738585072014e-308) { x = x * KR_FM_TWO54; k = -54; }
    const kr_i64 b = kr_f64_bits(x);
    const kr_i64 hi = b >> 32;
    k += (hi >> 20) - 1023;
    double m;
    if ((hi & 0xFFFFF) > 0x6A09E) {
        k += 1;
        m = kr_f64_from((b & 0x000FFFFFFFFFFFFFll) | ((kr_i64)1022 << 52));
    } else {
        m = kr_f64_from((b & 0x000FFFFFFFFFFFFFll) | ((kr_i64)1023 << 52));
    }
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double r = z * (KR_FM_LG1 + z * (KR_FM_LG2 + z * (KR_FM_LG3 + z * (KR_FM_LG4
                     + z * (KR_FM_LG5 + z * (KR_FM_LG6 + z * KR_FM_LG7))))));
    const double hfsq = 0.5 * f * f;
    const double dk = (double)k;
    return dk * KR_FM_LN2_HI - ((hfsq - (s * (hfsq + r) + dk * KR_FM_LN2_LO)) - f);
}
KR_HD double kr_exp64(double x) {
    if (x != x) return x;
    if (x > KR_FM_EXP_MAX) return kr_inf64();
    if (x < KR_FM_EXP_MIN) return 0.0;
    const double k = kr_floor64(x * KR_FM_INV_LN2 + 0.5);
    const double hi = x - k * KR_FM_LN2_HI;
    const double lo = k * KR_FM_LN2_LO;
    const double r = hi - lo;
    const double t = r * r;
    const double c = r - t * (KR_FM_P1 + t * (KR_FM_P2 + t * (KR_FM_P3 + t * (KR_FM_P4
                     + t * KR_FM_P5))));
    const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    return kr_scale64(y, (kr_i64)k);
}
KR_HD double kr_sin_kernel(double t) {
    const double z = t * t;
    const double r = KR_FM_S2 + z * (KR_FM_S3 + z * (KR_FM_S4 + z * (KR_FM_S5 + z * KR_FM_S6)));
    return t + t * z * (KR_FM_S1 + z * r);
}
KR_HD double kr_cos_kernel(double t) {
    const double z = t * t;
    const double r = z * (KR_FM_C1 + z * (KR_FM_C2 + z * (KR_FM_C3 + z * (KR_FM_C4
                     + z * (KR_FM_C5 + z * KR_FM_C6)))));
    return 1.0 - (0.5 * z - z * r);
}
KR_HD int kr_quadrant(double x, double &r) {
    x = x - 2.0 * kr_floor64(x * 0.5);
    const double n = kr_floor64(x * 2.0 + 0.5);
    r = x - n * 0.5;
    return (int)((kr_i64)n & 3);
}
KR_HD double kr_sinpi(double x) {
    double r;
    const int q = kr_quadrant(x, r);
    const double t = KR_FM_PI * r;
    if (q == 0) return kr_sin_kernel(t);
    if (q == 1) return kr_cos_kernel(t);
    if (q == 2) return -kr_sin_kernel(t);
    return -kr_cos_kernel(t);
}
KR_HD double kr_cospi(double x) {
    double r;
    const int q = kr_quadrant(x, r);
    const double t = KR_FM_PI * r;
    if (q == 0) return kr_cos_kernel(t);
    if (q == 1) return -kr_sin_kernel(t);
    if (q == 2) return -kr_cos_kernel(t);
    return kr_sin_kernel(t);
}
KR_HD double kr_lgamma64(double x) {
    if (x != x) return x;
    if (x == 0.0 || x == kr_inf64()) return kr_inf64();
    double prod = 1.0;
    double y = x;
    while (y < KR_FM_STIRLING) { prod = prod * y; y = y + 1.0; }
    const double w = 1.0 / y;
    const double w2 = w * w;
    const double series = w * (1.0 / 12.0 - w2 * (1.0 / 360.0 - w2 * (1.0 / 1260.0 - w2 * (
        1.0 / 1680.0 - w2 * (1.0 / 1188.0)))));
    double out = (y - 0.5) * kr_log64(y) - y + KR_FM_HALF_LOG_2PI + series;
    if (prod != 1.0) out = out - kr_log64(prod);
    return out;
}

// ---------------------------------------------------------------- element streams (docs/distributions.md §1)
struct KrStream {
    const kr_u32 *keys;  // the pair keys K_c = T(key, (DIST_STREAM, c)), c < KR_DIST_KEYS
    kr_u32 k0, k1;       // the draw's key
    kr_u64 i;            // the element
    bool wide;           // 52-bit uniforms (float64 draws)
};
KR_HD void kr_pair(const KrStream &s, int lane, kr_u64 c, kr_u32 &w0, kr_u32 &w1) {
    const kr_u32 hi = (kr_u32)(((kr_u64)lane << 29) | (s.i >> 32));
    const kr_u32 lo = (kr_u32)(s.i & 0xFFFFFFFFull);
    // One hash site: past the table, a first pass derives K_c = T(key, (DIST_STREAM, c)).
    bool far = c >= KR_DIST_KEYS;
    kr_u32 s0 = far ? s.k0 : s.keys[2 * c], s1 = far ? s.k1 : s.keys[2 * c + 1];
    kr_u32 x0 = far ? (kr_u32)KR_DIST_STREAM : hi, x1 = far ? (kr_u32)c : lo;
    for (;;) {
        kr_threefry(s0, s1, x0, x1, w0, w1);
        if (!far) return;
        far = false;
        s0 = w0; s1 = w1; x0 = hi; x1 = lo;
    }
}
KR_HD double kr_open52(kr_u32 w0, kr_u32 w1) {
    const kr_u64 x = ((kr_u64)w0 << 20) | ((kr_u64)w1 >> 12);
    return ((double)x + 0.5) * 0x1p-52;
}
KR_HD void kr_uniforms(const KrStream &s, int lane, kr_u64 c, double &u0, double &u1) {
    kr_u32 a0, a1;
    kr_pair(s, lane, s.wide ? 2 * c : c, a0, a1);
    if (s.wide) {
        kr_u32 b0, b1;
        kr_pair(s, lane, 2 * c + 1, b0, b1);
        u0 = kr_open52(a0, a1);
        u1 = kr_open52(b0, b1);
        return;
    }
    u0 = ((double)a0 + 0.5) * 0x1p-32;
    u1 = ((double)a1 + 0.5) * 0x1p-32;
}
KR_HD double kr_normal64(const KrStream &s, int lane, kr_u64 c) {
    double u0, u1;
    kr_uniforms(s, lane, c, u0, u1);
    return kr_sqrt64(-2.0 * kr_log64(u0)) * kr_cospi(2.0 * u1);
}

// ---------------------------------------------------------------- distributions (docs/distributions.md §3-§5)
KR_HD double kr_dist_exponential(const KrStream &s, double a, double b, double c) {
    double u0, u1;
    kr_uniforms(s, 0, 0, u0, u1);
    return -kr_log64(u0);
}
KR_HD double kr_marsaglia_tsang(const KrStream &s, int lane, double a, double &spare) {
    const double d = a - KR_DC_THIRD;
    const double k = 1.0 / kr_sqrt64(9.0 * d);
    for (kr_u64 t = 0;; ++t) {
        const double x = kr_normal64(s, lane, 2 * t);
        double u;
        kr_uniforms(s, lane, 2 * t + 1, u, spare);
        const double y = 1.0 + k * x;
        if (y <= 0.0) continue;
        const double v = y * y * y;
        const double x2 = x * x;
        if (u < 1.0 - KR_DC_SQUEEZE * (x2 * x2)) return d * v;
        if (kr_log64(u) < 0.5 * x2 + d - d * v + d * kr_log64(v)) return d * v;
    }
}
KR_HD double kr_standard_gamma(const KrStream &s, int lane, double a) {
    if (!(a > 0.0) || a == kr_inf64()) return a != 0.0 ? a : 0.0;
    double spare;
    const bool boost = a < 1.0;  // one Marsaglia-Tsang site, as the Numba source
    const double g = kr_marsaglia_tsang(s, lane, boost ? a + 1.0 : a, spare);
    return boost ? g * kr_exp64(kr_log64(spare) / a) : g;
}
KR_HD double kr_log_gamma(const KrStream &s, int lane, double a) {
    if (!(a > 0.0) || a == kr_inf64()) return a == a ? kr_log64(a) : a;
    double spare;
    const bool boost = a < 1.0;
    const double g = kr_marsaglia_tsang(s, lane, boost ? a + 1.0 : a, spare);
    return boost ? kr_log64(g) + kr_log64(spare) / a : kr_log64(g);
}
KR_HD double kr_dist_gamma(const KrStream &s, double a, double b, double c) {
    return kr_standard_gamma(s, 0, a);
}
KR_HD double kr_dist_uniform(const KrStream &s, double a, double b, double c) {
    double u0, u1;
    kr_uniforms(s, 0, 0, u0, u1);
    return u0;
}
KR_HD double kr_dist_normal(const KrStream &s, double a, double b, double c) {
    return kr_normal64(s, 0, 0);
}
