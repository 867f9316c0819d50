// The counting distributions on the GPU (docs/distributions.md §5.6-§5.10): geometric,
// rademacher, hypergeometric, logseries, zipf. Each function transliterates its Numba twin
// in keyrand/_dists_counting.py operation by operation (host-compilable, KR_HD).

KR_HD double kr_log1p_cn(double x) {
    const double u = 1.0 + x;
    if (u == 1.0 || u == kr_inf64()) return x;
    return kr_log64(u) * (x / (u - 1.0));
}
KR_HD double kr_expm1_cn(double x) {
    const double u = kr_exp64(x);
    if (u == 1.0) return x;
    const double um1 = u - 1.0;
    if (um1 == -1.0 || u == kr_inf64()) return um1;
    return um1 * (x / kr_log64(u));
}
KR_HD double kr_dist_geometric(const KrStream &s, double a, double b, double c) {
    KrStream w = s;
    w.wide = true;
    double u, spare;
    kr_uniforms(w, 0, 0, u, spare);
    return kr_floor64(kr_log64(u) / kr_log1p_cn(-a)) + 1.0;
}
KR_HD double kr_dist_rademacher(const KrStream &s, double a, double b, double c) {
    KrStream w = s;
    w.wide = false;
    double u, spare;
    kr_uniforms(w, 0, 0, u, spare);
    return u < 0.5 ? -1.0 : 1.0;
}
KR_HD double kr_log_factorial(double k) { return kr_lgamma64(k + 1.0); }
KR_HD double kr_hyper_urn(const KrStream &w, double good, double bad, double sample) {
    const double total = good + bad;
    const bool half = sample > total * 0.5;
    double m = half ? total - sample : sample;
    double left = total;
    double good_left = good;
    kr_u64 t = 0;
    double u = 0.0, spare = 0.0;
    while (m > 0.0 && good_left > 0.0 && left > good_left) {
        if (t % 2 == 0) {
            kr_uniforms(w, 0, t / 2, u, spare);
        } else {
            u = spare;
        }
        if (u * left < good_left) good_left = good_left - 1.0;
        left = left - 1.0;
        m = m - 1.0;
        ++t;
    }
    if (left == good_left) good_left = good_left - m;
    return half ? good_left : good - good_left;
}
KR_HD double kr_min64(double x, double y) { return y < x ? y : x; }
KR_HD double kr_max64(double x, double y) { return y > x ? y : x; }
KR_HD double kr_hyper_hrua(const KrStream &w, double good, double bad, double sample) {
    const double total = good + bad;
    const double n = kr_min64(sample, total - sample);
    const double small = kr_min64(good, bad);
    const double large = kr_max64(good, bad);
    const double p = small / total;
    const double q = large / total;
    const double a = n * p + 0.5;
    const double var = (total - n) * n * p * q / (total - 1.0);
    const double s = kr_sqrt64(var + 0.5);
    const double h = KR_CN_HRUA_D1 * s + KR_CN_HRUA_D2;
    const double mode = kr_floor64((n + 1.0) * (small + 1.0) / (total + 2.0));
    const double g = (kr_log_factorial(mode) + kr_log_factorial(small - mode)
                      + kr_log_factorial(n - mode) + kr_log_factorial(large - n + mode));
    const double top = kr_min64(kr_min64(n, small) + 1.0, kr_floor64(a + KR_CN_HRUA_TAIL * s));
    double k = 0.0;
    for (kr_u64 t = 0;; ++t) {
        double u, v;
        kr_uniforms(w, 0, t, u, v);
        const double x = a + h * (v - 0.5) / u;
        if (x < 0.0 || x >= top) continue;
        k = kr_floor64(x);
        const double gk = (kr_log_factorial(k) + kr_log_factorial(small - k)
                           + kr_log_factorial(n - k) + kr_log_factorial(large - n + k));
        const double d = g - gk;
        if (u * (4.0 - u) - 3.0 <= d) break;
        if (u * (u - d) >= 1.0) continue;
        if (2.0 * kr_log64(u) <= d) break;
    }
    if (good > bad) k = n - k;
    if (n < sample) k = good - k;
    return k;
}
KR_HD double kr_dist_hypergeometric(const KrStream &s, double a, double b, double c) {
    KrStream w = s;
    w.wide = true;
    if (c >= KR_CN_HRUA_URN && c <= a + b - KR_CN_HRUA_URN) return kr_hyper_hrua(w, a, b, c);
    return kr_hyper_urn(w, a, b, c);
}
KR_HD double kr_dist_logseries(const KrStream &s, double a, double b, double c) {
    KrStream w = s;
    w.wide = true;
    double v, u;
    kr_uniforms(w, 0, 0, v, u);
    if (v >= a) return 1.0;
    const double q = -kr_expm1_cn(kr_log1p_cn(-a) * u);
    if (v <= q * q) return kr_floor64(1.0 + kr_log64(v) / kr_log64(q));
    if (v >= q) return 1.0;
    return 2.0;
}
KR_HD double kr_dist_zipf(const KrStream &s, double a, double b, double c) {
    if (a >= KR_CN_ZIPF_ONE) return 1.0;
    KrStream w = s;
    w.wide = true;
    const double am1 = a - 1.0;
    const double mass = -kr_expm1_cn(-am1 * KR_CN_ZIPF_LOG_TOP);
    const double bm1 = kr_expm1_cn(am1 * KR_CN_LN2);
    const double b2 = 1.0 + bm1;
    for (kr_u64 t = 0;; ++t) {
        double u, v;
        kr_uniforms(w, 0, t, u, v);
        const double x = kr_floor64(kr_exp64(-kr_log1p_cn(-u * mass) / am1));
        if (x >= KR_CN_ZIPF_TOP || x < 1.0) continue;
        const double tm1 = kr_expm1_cn(am1 * kr_log1p_cn(1.0 / x));
        if (v * x * tm1 / bm1 <= (1.0 + tm1) / b2) return x;
    }
}
