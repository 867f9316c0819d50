// The Poisson and binomial family on the GPU (docs/distributions.md §5): poisson, binomial,
// negative_binomial, noncentral_chisquare, noncentral_f. Each function transliterates its
// twin in keyrand/_dists_discrete.py operation by operation (same order, same
// parenthesisation, no multiply-add contraction), so the CPU and the GPU give the same bits.
// The helpers carry the family prefix kr_dd_ (kr_dd_log1p is _dists_discrete.log1p, ...).

KR_HD double kr_dd_log1p(double x) {
    const double w = 1.0 + x;
    if (w == 1.0) return x;
    return kr_log64(w) - ((w - 1.0) - x) / w;
}
KR_HD double kr_dd_stirling_error(double k) {
    if (k < KR_DD_STIRLING) {
        return kr_lgamma64(k + 1.0) - (k + 0.5) * kr_log64(k) + k - KR_FM_HALF_LOG_2PI;
    }
    const double w = 1.0 / k;
    const double w2 = w * w;
    return w * (1.0 / 12.0 - w2 * (1.0 / 360.0 - w2 * (1.0 / 1260.0 - w2 * (
        1.0 / 1680.0 - w2 * (1.0 / 1188.0)))));
}
KR_HD double kr_dd_deviance(double x, double m) {
    const double t = (x - m) / m;
    return m * ((1.0 + t) * kr_dd_log1p(t) - t);
}
KR_HD double kr_dd_poisson_log_pmf(double k, double lam) {
    if (k == 0.0) return -lam;
    return -KR_FM_HALF_LOG_2PI - 0.5 * kr_log64(k) - kr_dd_stirling_error(k) - kr_dd_deviance(k, lam);
}
KR_HD double kr_dd_poisson_inversion(const KrStream &s, int lane, double lam) {
    double u, unused;
    kr_uniforms(s, lane, 0, u, unused);
    double p = kr_exp64(-lam);
    double f = p;
    double k = 0.0;
    while (u > f) {
        k = k + 1.0;
        p = p * lam / k;
        const double g = f + p;
        if (g == f) break;
        f = g;
    }
    return k;
}
KR_HD double kr_dd_ptrs(const KrStream &s, int lane, double lam) {
    const double slam = kr_sqrt64(lam);
    const double b = KR_DD_PTRS_B0 + KR_DD_PTRS_B1 * slam;
    const double a = KR_DD_PTRS_A0 + KR_DD_PTRS_A1 * b;
    const double log_inv_alpha = kr_log64(KR_DD_PTRS_IA0 + KR_DD_PTRS_IA1 / (b - KR_DD_PTRS_IA2));
    const double vr = KR_DD_PTRS_VR0 - KR_DD_PTRS_VR1 / (b - 2.0);
    for (kr_u64 t = 0;; ++t) {
        double u0, v;
        kr_uniforms(s, lane, t, u0, v);
        const double u = u0 - 0.5;
        const double us = 0.5 - (u >= 0.0 ? u : -u);
        const double k = kr_floor64((2.0 * a / us + b) * u + lam + KR_DD_PTRS_SHIFT);
        if (us >= KR_DD_SQUEEZE_US && v <= vr) return k;
        if (k < 0.0 || (us < KR_DD_TAIL_US && v > us)) continue;
        if (kr_log64(v) + log_inv_alpha - kr_log64(a / (us * us) + b)
            <= kr_dd_poisson_log_pmf(k, lam)) return k;
    }
}
KR_HD double kr_dd_poisson_lane(const KrStream &s, int lane, double lam) {
    if (!(lam < kr_inf64())) return lam;
    if (lam < KR_DD_SWITCH) return kr_dd_poisson_inversion(s, lane, lam);
    return kr_dd_ptrs(s, lane, lam);
}
KR_HD double kr_dist_poisson(const KrStream &s, double a, double b, double c) {
    return kr_dd_poisson_lane(s, 0, a);
}
KR_HD double kr_dd_binomial_inversion(const KrStream &s, double n, double p) {
    double u, unused;
    kr_uniforms(s, 0, 0, u, unused);
    const double r = p / (1.0 - p);
    double pk = kr_exp64(n * kr_dd_log1p(-p));
    double f = pk;
    double k = 0.0;
    while (u > f && k < n) {
        pk = pk * r * (n - k) / (k + 1.0);
        k = k + 1.0;
        const double g = f + pk;
        if (g == f) break;
        f = g;
    }
    return k;
}
KR_HD double kr_dd_binomial_log_pmf(double k, double n, double p, double q) {
    if (k == 0.0) return n * kr_dd_log1p(-p) - kr_dd_stirling_error(n) + KR_FM_HALF_LOG_2PI;
    if (k == n) return n * kr_log64(p) - kr_dd_stirling_error(n) + KR_FM_HALF_LOG_2PI;
    const double j = n - k;
    return (-kr_dd_stirling_error(k) - kr_dd_stirling_error(j) - kr_dd_deviance(k, n * p)
            - kr_dd_deviance(j, n * q) - 0.5 * kr_log64(k * j / n));
}
KR_HD double kr_dd_btrs(const KrStream &s, double n, double p) {
    const double q = 1.0 - p;
    const double spq = kr_sqrt64(n * p * q);
    const double b = KR_DD_BTRS_B0 + KR_DD_BTRS_B1 * spq;
    const double a = KR_DD_BTRS_A0 + KR_DD_BTRS_A1 * b + KR_DD_BTRS_A2 * p;
    const double c = n * p + 0.5;
    const double vr = KR_DD_BTRS_VR0 - KR_DD_BTRS_VR1 / b;
    const double alpha = (KR_DD_BTRS_AL0 + KR_DD_BTRS_AL1 / b) * spq;
    const double m = kr_floor64((n + 1.0) * p);
    const double log_m = kr_dd_binomial_log_pmf(m, n, p, q);
    for (kr_u64 t = 0;; ++t) {
        double u0, v;
        kr_uniforms(s, 0, t, u0, v);
        const double u = u0 - 0.5;
        const double us = 0.5 - (u >= 0.0 ? u : -u);
        const double k = kr_floor64((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > n) continue;
        if (us >= KR_DD_SQUEEZE_US && v <= vr) return k;
        if (kr_log64(v * alpha / (a / (us * us) + b)) <= kr_dd_binomial_log_pmf(k, n, p, q) - log_m)
            return k;
    }
}
KR_HD double kr_dist_binomial(const KrStream &s, double a, double b, double c) {
    const double n = a, p = b;
    if (!(n >= 0.0 && n < kr_inf64() && kr_floor64(n) == n && p >= 0.0 && p <= 1.0))
        return kr_nan64();
    if (n == 0.0 || p == 0.0) return 0.0;
    if (p == 1.0) return n;
    const bool flip = p > 0.5;
    const double sp = flip ? 1.0 - p : p;
    const double k = n * sp < KR_DD_SWITCH ? kr_dd_binomial_inversion(s, n, sp) : kr_dd_btrs(s, n, sp);
    return flip ? n - k : k;
}
KR_HD double kr_dist_negative_binomial(const KrStream &s, double a, double b, double c) {
    const double n = a, p = b;
    if (!(n > 0.0 && n < kr_inf64() && p > 0.0 && p <= 1.0)) return kr_nan64();
    if (p == 1.0) return 0.0;
    double lam = kr_standard_gamma(s, 0, n) * ((1.0 - p) / p);
    if (lam > KR_DD_LAM_CLIP) lam = KR_DD_LAM_CLIP;
    return kr_dd_poisson_lane(s, 1, lam);
}
KR_HD double kr_dd_noncentral_chisquare_lanes(const KrStream &s, double df, double nonc) {
    if (df != df || nonc != nonc) return kr_nan64();
    if (nonc == 0.0) return 2.0 * kr_standard_gamma(s, 0, df * 0.5);
    if (nonc == kr_inf64()) return kr_inf64();
    if (df > 1.0) {
        const double chi = 2.0 * kr_standard_gamma(s, 0, (df - 1.0) * 0.5);
        const double z = kr_normal64(s, 1, 0) + kr_sqrt64(nonc);
        return chi + z * z;
    }
    const double j = kr_dd_poisson_lane(s, 1, nonc * 0.5);
    return 2.0 * kr_standard_gamma(s, 0, df * 0.5 + j);
}
KR_HD double kr_dist_noncentral_chisquare(const KrStream &s, double a, double b, double c) {
    return kr_dd_noncentral_chisquare_lanes(s, a, b);
}
KR_HD double kr_dist_noncentral_f(const KrStream &s, double a, double b, double c) {
    const double num = kr_dd_noncentral_chisquare_lanes(s, a, c) * b;
    return num / (2.0 * kr_standard_gamma(s, 2, b * 0.5) * a);
}
