"""The CUDA C++ source of the GPU backend: ``kernels.cu`` with its placeholders filled.

``kernels.cu`` (package data next to this module) holds the device code. What
it shares with the CPU is printed into it here, from the one Python definition
of each: a ``#define KR_<NAME>`` per code (the :mod:`keyrand._codes` enums,
printed as ints) and per constant of :mod:`keyrand._mathconst` (exact
hexadecimal literals), the threefry round sequence unrolled from
:mod:`keyrand._threefry`'s ``ROTATIONS``/``PARITY``/``BLOCKS``, and the
polynomial evaluations written out coefficient by coefficient.
"""

from __future__ import annotations

import string
from enum import IntEnum
from importlib import resources
from typing import NamedTuple

import numpy as np

from . import _codes
from . import _mathconst as c
from . import _threefry as tf
from ._codes import IntType, Rounding, Transform


class GpuTransform(IntEnum):
    """GPU-only transform codes: exact reformulations chosen by :func:`keyrand._gpu.fill`."""

    #: uniform(0, 1): UNIFORM with range 1 and low +0.
    UNIT_UNIFORM = 100
    #: bernoulli as an integer comparison of the word with a host-computed bound.
    BERNOULLI_INT = 101


class BernoulliIntParams(NamedTuple):
    """BERNOULLI_INT: true for the words ``w ≤ last`` when ``any`` ≠ 0 (raw 32-bit patterns)."""

    last: int
    any: int


#: The parameter records of the GPU-only transforms (UNIT_UNIFORM reads none).
GPU_PARAMS = {GpuTransform.BERNOULLI_INT: BernoulliIntParams}


class PatternOp(IntEnum):
    """Device functions ``kr_ew_pattern_op<OP>`` applies to float32 bit patterns (checks only)."""

    LOGF = 0
    LOG1PF = 1
    ERFINV = 2
    ROUND_F16 = 3
    ROUND_BF16 = 4


def _f32(x: object) -> str:
    """Exact C literal of a float32 value."""
    return float(np.float32(x)).hex() + "f"


def _f64(x: object) -> str:
    """Exact C literal of a float64 value."""
    return float(x).hex()


def _u32(x: int) -> str:
    """C literal of an unsigned 32-bit bit pattern."""
    return f"0x{x:08X}u"


def _i32(x: int) -> str:
    """C literal of a signed 32-bit threshold (negative ones in decimal, parenthesized)."""
    return f"0x{x:X}" if x >= 0 else f"({x})"


def _table(values) -> str:
    return ", ".join(_f64(v) for v in values)


def _constants() -> dict[str, str]:
    """``KR_<NAME>`` → C text of every code and constant the device code reads."""
    out = {f"KR_{t.name}": str(int(t)) for t in (*Transform, *GpuTransform)}
    out |= {f"KR_RD_{r.name}": str(int(r)) for r in Rounding}
    out |= {f"KR_INT_{t.name}": str(int(t)) for t in IntType}
    out |= {f"KR_OP_{op.name}": str(int(op)) for op in PatternOp}
    # Parameter positions from each transform's record: p.f[KR_P_UNIFORM_CLAMP], ...
    records = {**_codes.PARAMS, **GPU_PARAMS}
    out |= {f"KR_P_{t.name}_{field.upper()}": str(i) for t, record in records.items()
            for i, field in enumerate(record._fields)}
    out |= {
        "KR_NUM_PARAMS": str(_codes.NUM_PARAMS),
        "KR_THREEFRY_PARITY": _u32(tf.PARITY),
        "KR_INTS_RETRY": _u32(_codes.INTS_RETRY),
        "KR_F32_QUIET_BIT": _u32(c.F32_QUIET_BIT),
        "KR_F32_DEFAULT_NAN": _u32(c.F32_DEFAULT_NAN),
        "KR_ONE_MINUS_ULP": _f32(_codes.ONE_MINUS_ULP),
        "KR_CLAMP_F16": _f32(_codes.UNIFORM_CLAMP[Rounding.F16]),
        "KR_CLAMP_BF16": _f32(_codes.UNIFORM_CLAMP[Rounding.BF16]),
        "KR_F16_MIN_NORMAL": _u32(c.F16_MIN_NORMAL),
        "KR_F16_OVERFLOW": _u32(c.F16_OVERFLOW),
        "KR_F16_REBIAS": _u32(c.F16_REBIAS),
        "KR_F16_SUBNORMAL_STEP": _f32(c.F16_SUBNORMAL_STEP),
        "KR_F16_INF_BITS": _u32(c.F16_INF_BITS),
        "KR_F16_MIN_NORMAL_BITS": _u32(c.F16_MIN_NORMAL_BITS),
        "KR_F16_NAN_BITS": _u32(c.F16_NAN_BITS),
        "KR_BF16_NAN_BITS": _u32(c.BF16_NAN_BITS),
        "KR_LOG_INVC": _table(c.LOG_INVC),
        "KR_LOG_LOGC": _table(c.LOG_LOGC),
        "KR_LOG_OFF": _u32(c.LOG_OFF),
        "KR_TWO23": _f32(c.TWO23),
        "KR_LN2": _f64(c.LN2),
        "KR_LOG_A0": f"({_f64(c.LOG_A0)})",
        "KR_LOG_A1": _f64(c.LOG_A1),
        "KR_LOG_A2": f"({_f64(c.LOG_A2)})",
        "KR_LOG1PF_LN2_HI": _f32(c.LOG1PF_LN2_HI),
        "KR_LOG1PF_LN2_LO": _f32(c.LOG1PF_LN2_LO),
        "KR_LOG1PF_TWO_THIRDS": _f32(c.LOG1PF_TWO_THIRDS),
        "KR_LOG1PF_SQRT2_M1": _i32(c.LOG1PF_SQRT2_M1),
        "KR_LOG1PF_ONE_M_SQRT2_2": _i32(c.LOG1PF_ONE_M_SQRT2_2),
        "KR_LOG1PF_TWO53": _i32(c.LOG1PF_TWO53),
        "KR_LOG1PF_SQRT2_MANT": _i32(c.LOG1PF_SQRT2_MANT),
        "KR_LOG1PF_TINY": _u32(c.LOG1PF_TINY),
        "KR_LOG1PF_NEGLIGIBLE": _u32(c.LOG1PF_NEGLIGIBLE),
        "KR_ERFINV_SPLIT": _f32(c.ERFINV_SPLIT),
        "KR_DIST_STREAM": _u32(_codes.DIST_STREAM),
        "KR_DIST_KEYS": str(_codes.DIST_KEYS),
    }
    out |= {f"KR_DIST_{d.name}": str(int(d)) for d in _codes.Dist}
    out |= {f"KR_FM_{name.upper()}": f"({_f64(v)})" for name, v in c.FMATH.items()}
    out |= {f"KR_DC_{name.upper()}": f"({_f64(v)})" for name, v in c.DIST_CONST.items()}
    out |= {f"KR_DG_{name.upper()}": f"({_f64(v)})" for name, v in c.DIST_GAMMA.items()}
    out |= {f"KR_DD_{name.upper()}": f"({_f64(v)})" for name, v in c.DIST_DISCRETE.items()}
    out |= {f"KR_CT_{name.upper()}": f"({_f64(v)})" for name, v in c.DIST_CONTINUOUS.items()}
    out |= {f"KR_CN_{name.upper()}": f"({_f64(v)})" for name, v in c.DIST_COUNTING.items()}
    return out


def _defines() -> str:
    return "\n".join(f"#define {name} {text}" for name, text in _constants().items())


def _threefry() -> str:
    """``kr_threefry``: the 20 rounds and key injections, unrolled (docs/algorithms.md §3.1)."""
    lines = ["__device__ __forceinline__ void kr_threefry(kr_u32 k0, kr_u32 k1, kr_u32 c0, "
             "kr_u32 c1, kr_u32 &o0, kr_u32 &o1) {",
             "    const kr_u32 ks[3] = {k0, k1, k0 ^ k1 ^ KR_THREEFRY_PARITY};",
             "    kr_u32 x0 = c0 + k0;",
             "    kr_u32 x1 = c1 + k1;"]
    for i in range(tf.BLOCKS):
        for r in range(4):
            rot = tf.ROTATIONS[(i & 1) * 4 + r]
            lines.append(f"    x0 += x1; x1 = __funnelshift_l(x1, x1, {rot}); x1 ^= x0;")
        lines.append(f"    x0 += ks[{(i + 1) % 3}]; x1 += ks[{(i + 2) % 3}] + {i + 1}u;")
    lines += ["    o0 = x0;", "    o1 = x1;", "}"]
    return "\n".join(lines)


def _horner_fma(name: str, coeffs: tuple, x: str) -> str:
    """``p = c0; p = fma(p, x, c_i)…`` with exact constants (docs/algorithms.md §5.4)."""
    out = [f"    float {name} = {_f32(coeffs[0])};"]
    out += [f"    {name} = __fmaf_rn({name}, {x}, {_f32(k)});" for k in coeffs[1:]]
    return "\n".join(out)


def _log1p64_consts() -> str:
    """The constants and high-word thresholds of ``kr_log1p64`` (glibc's double log1p)."""
    doubles = ", ".join(f"{name} = {_f64(v)}" for name, v in c.LOG1P.items())
    ints = ", ".join(f"hi_{name} = (int){v & 0xFFFFFFFF:#010x}u"
                     for name, v in c.LOG1P_HI.items())
    return f"    const double {doubles};\n    const int {ints};"


def _log1pf_poly() -> str:
    """``r = Lp7; r = Lp_j + z·r …; r = z·r`` (fdlibm order, docs/algorithms.md §5.6)."""
    out = [f"    float r = {_f32(c.LOG1PF_POLY[0])};"]
    out += [f"    r = {_f32(k)} + z * r;" for k in c.LOG1PF_POLY[1:]]
    out.append("    r = z * r;")
    return "\n".join(out)


#: The templates' names inside the keyrand package: MLX's samplers, the distributions'
#: device functions (host-compilable; the shared building blocks first, then one file per
#: family), and the distributions' kernels.
TEMPLATE = "kernels.cu"
DIST_TEMPLATES = ("dists.cu", "dists_gamma.cu", "dists_continuous.cu", "dists_discrete.cu",
                  "dists_counting.cu")
DIST_KERNELS = "dist_kernels.cu"


def template(name: str = TEMPLATE) -> str:
    """The text of a CUDA template shipped with the package (``kernels.cu`` by default)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


#: What the host's C++ compiler needs to compile the device functions of ``dists.cu``.
_HOST_PRELUDE = """\
#define __device__
#define __forceinline__ inline
typedef unsigned int kr_u32;
typedef unsigned long long kr_u64;
typedef long long kr_i64;
static inline kr_u32 __funnelshift_l(kr_u32 lo, kr_u32 hi, unsigned s) {
    return (hi << s) | (lo >> (32u - s));
}
"""


def _dist_dispatch() -> str:
    """``kr_dist_sample<KIND>``: distribution code → ``kr_dist_<name>`` (docs/distributions.md)."""
    lines = ["template <int KIND>",
             "KR_HD double kr_dist_sample(const KrStream &s, double a, double b, double c) {"]
    for d in _codes.Dist:
        lines.append(f"    if constexpr (KIND == KR_DIST_{d.name}) "
                     f"return kr_dist_{d.name.lower()}(s, a, b, c);")
    lines += ["    return kr_nan64();", "}"]
    return "\n".join(lines)


def _dist_functions() -> str:
    """The distributions' device functions and their dispatch (host-compilable)."""
    return "\n".join([*(template(name) for name in DIST_TEMPLATES), _dist_dispatch()])


def host_source() -> str:
    """The distributions' device functions as host C++ (their kernels left out), with a C entry.

    ``kr_host_dist(kind, out, keys, starts, run, n, wide, a, sa, b, sb, c, sc)``
    is ``kr_dist<kind, double>`` as a host loop over the ``n`` elements of a
    block: the functions the GPU runs, compiled by the host's C++ compiler, so
    the CPU kernels can be compared with them on a machine without a GPU.
    ``keys`` holds the pair keys, then the key (as ``kr_dist_keys`` writes them).
    """
    cases = "\n".join(f"        case {int(d)}: v = kr_dist_sample<{int(d)}>(s, x, y, z); break;"
                      for d in _codes.Dist)
    entry = f"""
extern "C" void kr_host_dist(int kind, double *out, const kr_u32 *keys, const kr_i64 *starts,
                             kr_u64 run, kr_u64 n, int wide, const double *a, kr_u64 sa,
                             const double *b, kr_u64 sb, const double *c, kr_u64 sc) {{
    KrStream s;
    s.keys = keys;
    s.k0 = keys[2 * KR_DIST_KEYS];
    s.k1 = keys[2 * KR_DIST_KEYS + 1];
    s.wide = wide != 0;
    for (kr_u64 k = 0; k < n; ++k) {{
        const kr_u64 r = k / run;
        s.i = (kr_u64)starts[r] + (k - r * run);
        const double x = a[k * sa], y = b[k * sb], z = c[k * sc];
        double v = 0.0;
        switch (kind) {{
{cases}
        default: v = kr_nan64();
        }}
        out[k] = v;
    }}
}}
"""
    return "\n".join((_HOST_PRELUDE, _defines(), _threefry(), _dist_functions(), entry))


def source() -> str:
    """The complete CUDA C++ source of the GPU backend."""
    subs = {
        "CONSTANTS": _defines(),
        "THREEFRY": _threefry(),
        "LOG1P_POLY": _log1pf_poly(),
        "LOG1P64_CONSTS": _log1p64_consts(),
        "ERFINV_TAIL": _horner_fma("p_tail", c.ERFINV_TAIL, "t"),
        "ERFINV_CENTRAL": _horner_fma("p_central", c.ERFINV_CENTRAL, "t"),
    }
    return "\n".join((string.Template(template()).substitute(subs), _dist_functions(),
                      template(DIST_KERNELS)))


#: C++ type of each output dtype a kernel can store.
CTYPES = {
    np.dtype(np.bool_): "bool",
    np.dtype(np.int8): "signed char",
    np.dtype(np.int16): "short",
    np.dtype(np.int32): "int",
    np.dtype(np.int64): "long long",
    np.dtype(np.uint8): "unsigned char",
    np.dtype(np.uint16): "unsigned short",
    np.dtype(np.uint32): "unsigned int",
    np.dtype(np.uint64): "unsigned long long",
    np.dtype(np.float32): "float",
    np.dtype(np.float64): "double",
}

