"""The CUDA C++ source of the GPU backend: ``kernels.cu`` with its placeholders filled.

``kernels.cu`` (package data next to this module) holds the device code; what
it shares with the CPU is printed into it here. The threefry round sequence is
unrolled from :mod:`keyrand._threefry`'s ``ROTATIONS``/``PARITY``/``BLOCKS``,
the transform and rounding codes come from :mod:`keyrand._codes`, and every
constant of MLX's erfinv, glibc's ``logf``/``log1pf`` and the float16
rounding is printed (as an exact hexadecimal literal) from
:mod:`keyrand._mathf32`, and those of glibc's double ``log1p`` from
:mod:`keyrand._mathf64`.
"""

from __future__ import annotations

import string
from importlib import resources

import numpy as np

from . import _codes
from . import _mathf32 as m
from . import _mathf64 as m64
from . import _threefry as tf


def _f32(x: object) -> str:
    """Exact C literal of a float32 value."""
    return float(np.float32(x)).hex() + "f"


def _f64(x: object) -> str:
    """Exact C literal of a float64 value."""
    return float(x).hex()


def _threefry_body() -> str:
    """The 20 rounds and key injections, unrolled (docs/algorithms.md §3.1)."""
    lines = []
    for i in range(tf.BLOCKS):
        for r in range(4):
            rot = tf.ROTATIONS[(i & 1) * 4 + r]
            lines.append(f"    x0 += x1; x1 = __funnelshift_l(x1, x1, {rot}); x1 ^= x0;")
        lines.append(f"    x0 += ks[{(i + 1) % 3}]; x1 += ks[{(i + 2) % 3}] + {i + 1}u;")
    return "\n".join(lines)


def _horner_fma(name: str, coeffs: tuple, x: str) -> str:
    """``p = c0; p = fma(p, x, c_i)…`` with exact constants (docs/algorithms.md §5.4)."""
    out = [f"    float {name} = {_f32(coeffs[0])};"]
    out += [f"    {name} = __fmaf_rn({name}, {x}, {_f32(c)});" for c in coeffs[1:]]
    return "\n".join(out)


def _table(values) -> str:
    return ", ".join(_f64(v) for v in values)


def _log1p64_consts() -> str:
    """The constants and high-word thresholds of ``kr_log1p64``, from :mod:`keyrand._mathf64`."""
    doubles = ", ".join(f"{name} = {_f64(v)}" for name, v in m64.LOG1P.items())
    ints = ", ".join(f"hi_{name} = (int){v & 0xFFFFFFFF:#010x}u"
                     for name, v in m64.LOG1P_HI.items())
    return f"    const double {doubles};\n    const int {ints};"


def _log1pf_poly() -> str:
    """``r = Lp7; r = Lp_j + z·r …; r = z·r`` (fdlibm order, docs/algorithms.md §5.6)."""
    out = [f"    float r = {_f32(m._LP[0])};"]
    out += [f"    r = {_f32(c)} + z * r;" for c in m._LP[1:]]
    out.append("    r = z * r;")
    return "\n".join(out)


# GPU-only transform codes: exact reformulations chosen by keyrand._gpu.fill.
#: uniform(0, 1): UNIFORM with range 1 and low +0.
UNIT_UNIFORM = 100
#: bernoulli as an integer comparison of the word with a host-computed bound.
BERNOULLI_INT = 101

_CODES = {
    "KR_BITS": _codes.BITS,
    "KR_UNIFORM": _codes.UNIFORM,
    "KR_NORMAL": _codes.NORMAL,
    "KR_GUMBEL": _codes.GUMBEL,
    "KR_LAPLACE": _codes.LAPLACE,
    "KR_TRUNCATED_NORMAL": _codes.TRUNCATED_NORMAL,
    "KR_BERNOULLI": _codes.BERNOULLI,
    "KR_BERNOULLI64": _codes.BERNOULLI64,
    "KR_WORD_F32": _codes.WORD_F32,
    "KR_ERFINV_SYM": _codes.ERFINV_SYM,
    "KR_WORD_F64": _codes.WORD_F64,
    "KR_RANDINT": _codes.RANDINT,
    "KR_LAPLACE64": _codes.LAPLACE64,
    "KR_RD_F16": _codes.RD_F16,
    "KR_RD_BF16": _codes.RD_BF16,
    "KR_UINT32_VECTOR": _codes.UINT32_VECTOR,
    "KR_UNIT_UNIFORM": UNIT_UNIFORM,
    "KR_BERNOULLI_INT": BERNOULLI_INT,
    "KR_RANDINT_CLAMPED": _codes.RANDINT_CLAMPED,
}


def _defines() -> str:
    return "\n".join(f"#define {k} {int(v)}" for k, v in _CODES.items())


#: The template's name inside the keyrand package.
TEMPLATE = "kernels.cu"


def template() -> str:
    """The text of ``kernels.cu``, the CUDA template shipped with the package."""
    return resources.files(__package__).joinpath(TEMPLATE).read_text(encoding="utf-8")


def source() -> str:
    """The complete CUDA C++ source of the GPU backend."""
    subs = {
        "DEFINES": _defines(),
        "NUM_PARAMS": str(_codes.NUM_PARAMS),
        "PARITY": f"0x{tf.PARITY:08X}",
        "THREEFRY": _threefry_body(),
        "F16_OVERFLOW": f"0x{m._F16_OVERFLOW:08X}",
        "F16_MIN_NORMAL": f"0x{m._F16_MIN_NORMAL:08X}",
        "LOG_INVC": _table(m._LOG_INVC),
        "LOG_LOGC": _table(m._LOG_LOGC),
        "TWO23": _f32(m._TWO23),
        "LN2": _f64(m._LN2),
        "LOG_A0": _f64(m._LOG_A0),
        "LOG_A1": _f64(m._LOG_A1),
        "LOG_A2": _f64(m._LOG_A2),
        "TWO_THIRDS": _f32(m._TWO_THIRDS),
        "LN2_HI": _f32(m._LN2_HI),
        "LN2_LO": _f32(m._LN2_LO),
        "LOG1P_POLY": _log1pf_poly(),
        "LOG1P64_CONSTS": _log1p64_consts(),
        "ERFINV_TAIL": _horner_fma("p_tail", m._ERFINV_TAIL, "t"),
        "ERFINV_CENTRAL": _horner_fma("p_central", m._ERFINV_CENTRAL, "t"),
        "ERFINV_SPLIT": _f32(m._ERFINV_SPLIT),
        "ONE_MINUS_ULP": _f32(_codes.ONE_MINUS_ULP),
        "CLAMP_F16": _f32(_codes.UNIFORM_CLAMP[_codes.RD_F16]),
        "CLAMP_BF16": _f32(_codes.UNIFORM_CLAMP[_codes.RD_BF16]),
    }
    return string.Template(template()).substitute(subs)


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

