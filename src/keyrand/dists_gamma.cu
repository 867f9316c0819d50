// The gamma family on the GPU (docs/distributions.md §3.3-§3.10) and the element draws of
// dirichlet, choice and permuted (§6.1-§6.3). keyrand/_cuda.py appends this file after
// dists.cu. Every function transliterates its Numba twin in keyrand/_dists_gamma.py
// operation by operation; host-compilable (KR_HD) for tests/test_dists_cuda.py.

KR_HD double kr_beta_tiny(const KrStream &s, double a, double b) {
    double sa, sb;
    kr_marsaglia_tsang(s, 0, a + 1.0, sa);
    kr_marsaglia_tsang(s, 1, b + 1.0, sb);
    return kr_log64(sa) * b > kr_log64(sb) * a ? 1.0 : 0.0;
}
KR_HD double kr_dist_beta(const KrStream &s, double a, double b, double c) {
    if (a != a || b != b) return a + b;
    if (a == kr_inf64()) return b < kr_inf64() ? 1.0 : kr_nan64();
    if (b == kr_inf64()) return 0.0;
    if (a >= 1.0 && b >= 1.0 && a < KR_DG_DIRECT_MAX && b < KR_DG_DIRECT_MAX) {
        const double x = kr_standard_gamma(s, 0, a);
        const double y = kr_standard_gamma(s, 1, b);
        return x / (x + y);
    }
    const double la = kr_log_gamma(s, 0, a);
    const double lb = kr_log_gamma(s, 1, b);
    if (la == -kr_inf64() && lb == -kr_inf64()) return kr_beta_tiny(s, a, b);
    const double m = la > lb ? la : lb;
    const double x = kr_exp64(la - m);
    const double y = kr_exp64(lb - m);
    return x / (x + y);
}
KR_HD double kr_dist_chisquare(const KrStream &s, double a, double b, double c) {
    return 2.0 * kr_standard_gamma(s, 0, 0.5 * a);
}
KR_HD double kr_dist_t(const KrStream &s, double a, double b, double c) {
    const double z = kr_normal64(s, 0, 0);
    if (a != a) return a;
    if (a == kr_inf64()) return z;
    const double h = 0.5 * a;
    if (h >= 1.0) return z * kr_sqrt64(h / kr_standard_gamma(s, 1, h));
    return z * kr_exp64(0.5 * (kr_log64(h) - kr_log_gamma(s, 1, h)));
}
KR_HD double kr_dist_f(const KrStream &s, double a, double b, double c) {
    if (a != a || b != b) return a + b;
    const double hn = 0.5 * a;
    const double hd = 0.5 * b;
    if (hn >= 1.0 && hd >= 1.0 && hn < kr_inf64() && hd < kr_inf64()) {
        const double x = kr_standard_gamma(s, 0, hn) / hn;
        const double y = kr_standard_gamma(s, 1, hd) / hd;
        return x / y;
    }
    const double ln = hn == kr_inf64() ? 0.0 : kr_log_gamma(s, 0, hn) - kr_log64(hn);
    const double ld = hd == kr_inf64() ? 0.0 : kr_log_gamma(s, 1, hd) - kr_log64(hd);
    return kr_exp64(ln - ld);
}
KR_HD double kr_dist_loggamma(const KrStream &s, double a, double b, double c) {
    return kr_log_gamma(s, 0, a);
}
KR_HD double kr_sign(const KrStream &s) {
    double u0, u1;
    kr_uniforms(s, 1, 0, u0, u1);
    return u0 < 0.5 ? 1.0 : -1.0;
}
KR_HD double kr_dist_generalized_normal(const KrStream &s, double a, double b, double c) {
    if (a != a) return a;
    return kr_sign(s) * kr_exp64(kr_log_gamma(s, 0, 1.0 / a) / a);
}
KR_HD double kr_maxwell_norm(const KrStream &s) {
    const double x = kr_normal64(s, 0, 0);
    const double y = kr_normal64(s, 0, 1);
    const double z = kr_normal64(s, 0, 2);
    return kr_sqrt64(x * x + y * y + z * z);
}
KR_HD double kr_dist_maxwell(const KrStream &s, double a, double b, double c) {
    return kr_maxwell_norm(s);
}
KR_HD double kr_dist_double_sided_maxwell(const KrStream &s, double a, double b, double c) {
    return kr_sign(s) * kr_maxwell_norm(s) * b + a;
}
KR_HD double kr_dist_dirichlet_exp(const KrStream &s, double a, double b, double c) {
    return kr_exp64(a) / b;
}
KR_HD double kr_dist_choice_index(const KrStream &s, double a, double b, double c) {
    const kr_u64 n = (kr_u64)a;
    kr_u64 m = n - 1;
    for (int sh = 1; sh <= 32; sh *= 2) m |= m >> sh;
    for (kr_u64 t = 0;; ++t) {
        kr_u32 w0, w1;
        kr_pair(s, 0, t, w0, w1);
        const kr_u64 x = (((kr_u64)w0 << 32) | (kr_u64)w1) & m;
        if (x < n) return (double)x;
    }
}
KR_HD double kr_dist_choice_key(const KrStream &s, double a, double b, double c) {
    double u0, u1;
    kr_uniforms(s, 0, 0, u0, u1);
    return -kr_log64(u0) / a;
}
KR_HD double kr_dist_permuted_word(const KrStream &s, double a, double b, double c) {
    kr_u32 w0, w1;
    kr_pair(s, 0, 0, w0, w1);
    return a == 0.0 ? (double)w0 : (double)w1;
}
