// The continuous distributions not built from gamma variates, and ball's coordinates
// (docs/distributions.md §4, §6.11): the transliteration of keyrand/_dists_continuous.py,
// operation by operation, after dists.cu. Host-compilable (KR_HD).

// ---------------------------------------------------------------- elementary functions
KR_HD double kr_log1p_ct(double x) {
    const double w = 1.0 + x;
    if (w == 1.0 || w == kr_inf64()) return w == 1.0 ? x : w;
    return kr_log64(w) * (x / (w - 1.0));
}
KR_HD double kr_atan64(double x) {
    if (x != x) return x;
    const bool neg = x < 0.0;
    double t = neg ? -x : x;
    if (t >= KR_CT_ATAN_BIG) {
        const double r = KR_CT_ATAN_HI3 + KR_CT_ATAN_LO3;
        return neg ? -r : r;
    }
    int part = -1;
    if (t < 0.4375) {
        if (t < KR_CT_ATAN_TINY) return x;
    } else if (t < 1.1875) {
        if (t < 0.6875) {
            part = 0;
            t = (2.0 * t - 1.0) / (2.0 + t);
        } else {
            part = 1;
            t = (t - 1.0) / (t + 1.0);
        }
    } else if (t < 2.4375) {
        part = 2;
        t = (t - 1.5) / (1.0 + 1.5 * t);
    } else {
        part = 3;
        t = -1.0 / t;
    }
    const double z = t * t;
    const double w = z * z;
    const double s1 = z * (KR_CT_AT0 + w * (KR_CT_AT2 + w * (KR_CT_AT4 + w * (KR_CT_AT6
                      + w * (KR_CT_AT8 + w * KR_CT_AT10)))));
    const double s2 = w * (KR_CT_AT1 + w * (KR_CT_AT3 + w * (KR_CT_AT5 + w * (KR_CT_AT7
                      + w * KR_CT_AT9))));
    if (part < 0) {
        const double r = t - t * (s1 + s2);
        return neg ? -r : r;
    }
    double hi, lo;
    if (part == 0) { hi = KR_CT_ATAN_HI0; lo = KR_CT_ATAN_LO0; }
    else if (part == 1) { hi = KR_CT_ATAN_HI1; lo = KR_CT_ATAN_LO1; }
    else if (part == 2) { hi = KR_CT_ATAN_HI2; lo = KR_CT_ATAN_LO2; }
    else { hi = KR_CT_ATAN_HI3; lo = KR_CT_ATAN_LO3; }
    const double r = hi - ((t * (s1 + s2) - lo) - t);
    return neg ? -r : r;
}
KR_HD double kr_wrap_ct(double x) {
    if (!(x >= -KR_CT_PI && x <= KR_CT_PI)) {
        const double k = kr_floor64((x + KR_CT_PI) / KR_CT_TWO_PI_HI);
        x = (x - k * KR_CT_TWO_PI_HI) - k * KR_CT_TWO_PI_LO;
        if (x < -KR_CT_PI) x = -KR_CT_PI;
        if (x > KR_CT_PI) x = KR_CT_PI;
    }
    return x;
}
KR_HD double kr_uniform0_ct(const KrStream &s, int lane) {
    double u0, u1;
    kr_uniforms(s, lane, 0, u0, u1);
    return u0;
}

// ---------------------------------------------------------------- distributions (§4)
KR_HD double kr_dist_cauchy(const KrStream &s, double a, double b, double c) {
    const double h = kr_uniform0_ct(s, 0) - 0.5;
    return kr_sinpi(h) / kr_cospi(h);
}
KR_HD double kr_dist_logistic(const KrStream &s, double a, double b, double c) {
    const double u = kr_uniform0_ct(s, 0);
    return kr_log64(u) - kr_log1p_ct(-u);
}
KR_HD double kr_dist_lognormal(const KrStream &s, double a, double b, double c) {
    return kr_exp64(kr_normal64(s, 0, 0) * a);
}
KR_HD double kr_dist_pareto(const KrStream &s, double a, double b, double c) {
    return kr_exp64(-kr_log64(kr_uniform0_ct(s, 0)) / a);
}
KR_HD double kr_dist_power(const KrStream &s, double a, double b, double c) {
    return kr_exp64(kr_log64(kr_uniform0_ct(s, 0)) / a);
}
KR_HD double kr_dist_rayleigh(const KrStream &s, double a, double b, double c) {
    return a * kr_sqrt64(-2.0 * kr_log64(kr_uniform0_ct(s, 0)));
}
KR_HD double kr_dist_weibull_min(const KrStream &s, double a, double b, double c) {
    if (a == 0.0) return 0.0;
    const double e = -kr_log64(kr_uniform0_ct(s, 0));
    return a * kr_exp64(kr_log64(e) / b);
}
KR_HD double kr_dist_triangular(const KrStream &s, double a, double b, double c) {
    if (!(a <= b && b <= c && a < c)) return kr_nan64();
    const double u = kr_uniform0_ct(s, 0);
    const double span = c - a;
    if (u < (b - a) / span) return a + kr_sqrt64(u * span * (b - a));
    return c - kr_sqrt64((1.0 - u) * span * (c - b));
}
KR_HD double kr_dist_wald(const KrStream &s, double a, double b, double c) {
    const double z = kr_normal64(s, 0, 0);
    double u, spare;
    kr_uniforms(s, 0, 1, u, spare);
    const double y = a * (z * z);
    const double t = kr_sqrt64(b) / (0.5 * kr_sqrt64(y) + kr_sqrt64(b + 0.25 * y));
    const double t2 = t * t;
    if (u <= 1.0 / (1.0 + t2)) return a * t2;
    return a / t2;
}
KR_HD double kr_dist_vonmises(const KrStream &s, double a, double b, double c) {
    if (a != a || b != b) return kr_nan64();
    if (b < KR_CT_VM_UNIFORM) return KR_CT_PI * (2.0 * kr_uniform0_ct(s, 0) - 1.0);
    if (b > KR_CT_VM_NORMAL) return kr_wrap_ct(a + kr_normal64(s, 0, 0) / kr_sqrt64(b));
    const double h = kr_sqrt64(1.0 + 4.0 * b * b);
    const double tau = 1.0 + h;
    const double g = kr_sqrt64(2.0 * tau);
    const double den = tau + g;
    const double rho = 2.0 * b / den;
    const double one_m = (1.0 + 1.0 / (h + 2.0 * b) + g) / den;
    const double one_p = 1.0 + rho;
    const double rm1 = one_m * one_m / (2.0 * rho);
    const double rp1 = one_p * one_p / (2.0 * rho);
    const double ratio = one_m / one_p;
    double sz, cz;
    for (kr_u64 t = 0;; ++t) {
        double u, v;
        kr_uniforms(s, 0, t, u, v);
        sz = kr_sinpi(0.5 * u);
        cz = kr_cospi(0.5 * u);
        const double y = b * (rm1 * rp1 / (rm1 + 2.0 * (cz * cz)));
        if (y * (2.0 - y) - v >= 0.0 || kr_log64(y / v) + 1.0 - y >= 0.0) break;
    }
    double theta = 2.0 * kr_atan64(ratio * (sz / cz));
    if (kr_uniform0_ct(s, 1) < 0.5) theta = -theta;
    return kr_wrap_ct(a + theta);
}

// ---------------------------------------------------------------- ball (§6.11)
KR_HD double kr_dist_ball_exp(const KrStream &s, double a, double b, double c) {
    return -kr_log64(kr_uniform0_ct(s, 2));
}
KR_HD double kr_dist_ball(const KrStream &s, double a, double b, double c) {
    const double x = kr_exp64((kr_log_gamma(s, 0, b) - kr_log64(a)) / c);
    return kr_uniform0_ct(s, 1) < 0.5 ? -x : x;
}
