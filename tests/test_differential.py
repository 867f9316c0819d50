"""Differential tests: keyrand against MLX 0.32.4 (the oracle), bit for bit.

Every test draws a full 64-bit seed, builds the same key in both libraries and
compares raw bit patterns (bfloat16 through ``from_mlx``). multivariate_normal
is compared within the tolerance of docs/algorithms.md §6.11. The per-sampler counts of
cases and elements compared are printed at the end of the module (``-s``) and
written as JSON to ``$KEYRAND_DIFF_REPORT`` when that variable is set.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections import defaultdict
from functools import partial

import numpy as np
import pytest
from conftest import from_mlx, mx, needs_mlx, raw
from conftest import to_mlx_dtype as _to_mlx_dtype
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import keyrand as kr

pytestmark = needs_mlx
# Without MLX the module is skipped once, before anything below touches ``mx``.
pytest.importorskip("mlx.core", reason="mlx (the oracle) is not installed")
from mlx_oracle import mlx_bits  # noqa: E402 - needs mlx, imported after the skip

BF16 = kr.bfloat16
F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
C64 = np.dtype(np.complex64)
NARROW_AND_F32 = (F32, F16, BF16)
INT_DTYPES = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8,
                                         np.uint16, np.uint32, np.uint64, np.bool_))
MAX_ELEMS = 3000
INF = math.inf

SEEDS = st.integers(0, 2**64 - 1)
#: Multiplies every test's ``max_examples`` (e.g. ``KEYRAND_DIFF_SCALE=10`` for a long run).
SCALE = float(os.environ.get("KEYRAND_DIFF_SCALE", "1"))
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow,
                                                         HealthCheck.filter_too_much]}



def ex(n: int) -> int:
    return max(1, round(n * SCALE))


# (function, variant) -> [cases, elements, bit-exact elements, bit-exact cases]
STATS: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    rows = {f"{fn} | {variant}": {"cases": s[0], "elements": s[1], "exact_elements": s[2],
                                   "exact_cases": s[3]}
            for (fn, variant), s in sorted(STATS.items())}
    path = os.environ.get("KEYRAND_DIFF_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(rows, f, indent=1)
    print("\nkeyrand vs MLX (cases, elements, bit-exact elements):")
    for name, r in rows.items():
        print(f"  {name:42s} {r['exact_cases']}/{r['cases']} cases  "
              f"{r['exact_elements']}/{r['elements']} elements")


def to_mlx_dtype(d):
    return mx.bool_ if np.dtype(d) == np.bool_ else _to_mlx_dtype(d)


def _name(d) -> str:
    return "bfloat16" if np.dtype(d) == BF16 else np.dtype(d).name


def check(fn: str, variant: str, got, want) -> None:
    """Record and assert that keyrand's ``got`` has MLX's ``want`` bits, dtype and shape."""
    want = from_mlx(want) if isinstance(want, mx.array) else np.asarray(want)
    got = np.asarray(got)
    s = STATS[(fn, variant)]
    s[0] += 1
    s[1] += want.size
    same = got.dtype == want.dtype and got.shape == want.shape
    got_bits, want_bits = raw(got).reshape(got.shape), raw(want).reshape(want.shape)
    exact = int((got_bits == want_bits).sum()) if same else 0
    s[2] += exact
    s[3] += int(same and exact == want.size)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if exact != want.size:
        bad = np.argwhere(got_bits != want_bits)[0]
        raise AssertionError(f"{fn}[{variant}]: {want.size - exact} of {want.size} elements "
                             f"differ; first at {bad.tolist()}: got {got[tuple(bad)]!r} "
                             f"want {want[tuple(bad)]!r}")


def _outcome(thunk):
    """``(result, None)``, or ``(None, exception)`` if the call raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return thunk(), None
    except Exception as e:  # noqa: BLE001 - any exception is recorded and compared
        return None, e


def compare(fn: str, variant: str, kfn, mfn) -> None:
    """Run keyrand's ``kfn`` and MLX's ``mfn``: same bits, or the same exception class."""
    want, merr = _outcome(mfn)
    got, kerr = _outcome(kfn)
    if merr is None and kerr is None:
        check(fn, variant, got, want)
        return
    s = STATS[(fn, "error cases (same class as MLX)")]
    s[0] += 1
    if type(kerr) is not type(merr):
        raise AssertionError(f"{fn}[{variant}]: MLX raised {merr!r}, keyrand {kerr!r}") from kerr
    s[3] += 1


def keys(seed: int):
    return kr.key(seed), mx.random.key(seed)


def mxa(a: np.ndarray):
    """A NumPy array as an ``mx.array`` with the same dtype and bits (bfloat16 included).

    keyrand treats a NumPy array as MLX treats an ``mx.array``: it keeps its
    dtype. (MLX's binding itself turns a NumPy float64 array into float32
    unless the parameter has a dtype hint, as normal's loc/scale do.)
    """
    a = np.asarray(a)
    if a.dtype == BF16:
        return mx.array(a.view(np.uint16)).view(mx.bfloat16)
    if a.dtype == F64:
        return mx.array(a, dtype=mx.float64)
    return mx.array(a)


def mx_param(v):
    """A scalar-or-array parameter for MLX: Python scalars pass through, arrays convert."""
    return mxa(v) if isinstance(v, np.ndarray) else v


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ---------------------------------------------------------------------------- strategies

FIXED_SHAPES = [(), (0,), (3, 0), (0, 5), (1,), (2,), (3,), (5,), (7,), (1001, 3), (4, 4),
                (2, 3, 5), (1, 1, 1), (2047,), (2049,), (3, 1, 4)]


def shapes(max_elems: int = MAX_ELEMS, min_dims: int = 0):
    return st.one_of(
        st.sampled_from([s for s in FIXED_SHAPES if math.prod(s) <= max_elems
                         and len(s) >= min_dims]),
        hnp.array_shapes(min_dims=max(min_dims, 0), max_dims=3, min_side=0, max_side=14),
        hnp.array_shapes(min_dims=max(min_dims, 1), max_dims=4, min_side=1, max_side=6),
        st.integers(0, max_elems).map(lambda n: (n,)),
    ).filter(lambda s: math.prod(s) <= max_elems and len(s) >= min_dims)


@st.composite
def sub_shape(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape`` without enlarging it."""
    nd = draw(st.integers(0, len(shape)))
    tail = shape[len(shape) - nd:]
    return tuple(draw(st.sampled_from([1, d])) for d in tail)


@st.composite
def enlarging_shape(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape broadcast-compatible with ``shape`` that may make the result larger (§6.2)."""
    base = draw(sub_shape(shape))
    base = tuple(draw(st.sampled_from([1, 2, 3])) if s == 1 and d == 1 else s
                 for s, d in zip(base, shape[len(shape) - len(base):], strict=True))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    out = lead + (1,) * (len(shape) - len(base)) + base if lead else base
    full = np.broadcast_shapes(out, shape)
    return out if math.prod(full) <= 2 * MAX_ELEMS else base


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-3, -7.25, 100.0, 65504.0, 7e4, 1e30, -1e30,
           3e38, INF, -INF, 1e-40, 2.0**24 + 1, 1 + 2.0**-11 + 2.0**-30]


def float_values(allow_nan: bool = False, allow_inf: bool = True):
    vals = [v for v in SPECIAL if allow_inf or math.isfinite(v)]
    if allow_nan:
        vals.append(math.nan)
    return st.one_of(st.sampled_from(vals), st.floats(-10, 10), st.floats(-1e6, 1e6),
                     st.floats(allow_nan=allow_nan, allow_infinity=allow_inf))


def float_array(dtype, shape, values):
    """A float array of ``dtype`` (bfloat16 included) whose entries come from ``values``."""
    return hnp.arrays(F64, shape, elements=values).map(lambda a: quiet(a.astype, dtype))


def int_array(dtype, shape, lo=None, hi=None):
    info = np.iinfo(dtype) if np.dtype(dtype) != np.bool_ else None
    if info is None:
        return hnp.arrays(np.bool_, shape)
    lo = info.min if lo is None else max(lo, info.min)
    hi = info.max if hi is None else min(hi, info.max)
    return hnp.arrays(dtype, shape, elements=st.integers(lo, hi))


@st.composite
def bound(draw, shape, allow_nan=False, array_dtypes=(F64, F32, F16, BF16, "int32", "int8",
                                                      "bool", "int64", "uint8")):
    """A "scalar or array" argument: Python float/int, or an array broadcasting to ``shape``."""
    kind = draw(st.sampled_from(["float", "int", "array", "array"]))
    if kind == "float":
        return draw(float_values(allow_nan))
    if kind == "int":
        return draw(st.one_of(st.integers(-100, 100), st.integers(-(2**40), 2**40)))
    dtype = np.dtype(draw(st.sampled_from(array_dtypes)))
    pshape = draw(sub_shape(shape))
    if dtype.kind == "f" or dtype == BF16:
        return draw(float_array(dtype, pshape, float_values(allow_nan)))
    return draw(int_array(dtype, pshape, -1000, 1000))


# ---------------------------------------------------------------------------- keys / bits

@settings(max_examples=ex(60), **SETTINGS)
@given(seed=SEEDS, num=st.integers(0, 50))
def test_split(seed, num):
    k, mk = keys(seed)
    check("split", "uint32", kr.split(k, num), mx.random.split(mk, num))
    check("split", "uint32", kr.split(k), mx.random.split(mk))


@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS)
def test_key(seed):
    check("key", "uint32", kr.key(seed), mx.random.key(seed))


@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS, shape=shapes(), width=st.sampled_from([1, 2, 4]))
def test_bits_against_mlx(seed, shape, width):
    """Every width against MLX's own words, recovered exactly (tests/mlx_oracle.py)."""
    k = kr.key(seed)
    check("bits", f"width {width}", kr.bits(shape, width=width, key=k),
          mlx_bits(shape, width, k))


@pytest.mark.parametrize("width", [1, 2, 4])
@pytest.mark.parametrize("n", [4097, 4099, 4101, 8191, 12289])
def test_bits_large_odd_sizes_against_mlx(n, width):
    """Odd sizes above 4096 elements: odd word counts, several threefry blocks."""
    k = kr.key(0xC0FFEE + n)
    check("bits", f"width {width} (large odd)", kr.bits((n,), width=width, key=k),
          mlx_bits((n,), width, k))


@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS, shape=shapes())
def test_bits_width4_against_mlx_samplers(seed, shape):
    """Width-4 bits are the words behind MLX's permutation (argsort) and split."""
    k, mk = keys(seed)
    b = kr.bits(shape, key=k)
    assert b.dtype == np.uint32 and b.shape == tuple(shape)
    n = b.size
    check("bits", "width 4 (via permutation)", np.argsort(b.reshape(-1), kind="stable")
          .astype(np.uint32), mx.random.permutation(n, key=mk))
    if n % 2 == 0:
        check("bits", "width 4 (via split)", b.reshape(-1, 2),
              mx.random.split(mk, n // 2))


@settings(max_examples=ex(30), **SETTINGS)
@given(seed=SEEDS, batch=hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4),
       shape=shapes(max_elems=200), width=st.sampled_from([1, 2, 4]))
def test_bits_batched_keys(seed, batch, shape, width):
    """bits with keys (..., 2): one block per key, as MLX's bits under vmap."""
    ks = kr.split(kr.key(seed), math.prod(batch)).reshape(batch + (2,))
    check("bits", f"width {width} (batched keys)", kr.bits(shape, width=width, key=ks),
          mlx_bits(shape, width, ks))


@pytest.mark.parametrize("width", [1, 2, 4])
def test_bits_batched_keys_large_odd(width):
    ks = kr.split(kr.key(404), 3)
    check("bits", f"width {width} (batched keys, large odd)",
          kr.bits((4097,), width=width, key=ks), mlx_bits((4097,), width, ks))


# ---------------------------------------------------------------------------- uniform

@st.composite
def uniform_case(draw):
    shape = draw(shapes())
    low = draw(bound(shape))
    high = draw(bound(shape))
    return shape, low, high


@pytest.mark.parametrize("dtype", NARROW_AND_F32 + (F64,), ids=_name)  # float64: MLX refuses
@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS, case=uniform_case())
def test_uniform(dtype, seed, case):
    shape, low, high = case
    k, mk = keys(seed)
    compare("uniform", _name(dtype), lambda: kr.uniform(low, high, shape, dtype, key=k),
            lambda: mx.random.uniform(mx_param(low), mx_param(high), shape,
                                      to_mlx_dtype(dtype), key=mk))


@settings(max_examples=ex(30), **SETTINGS)
@given(seed=SEEDS, shape=shapes(), dtype=st.sampled_from(NARROW_AND_F32))
def test_uniform_defaults(seed, shape, dtype):
    k, mk = keys(seed)
    check("uniform", _name(dtype), kr.uniform(shape=shape, dtype=dtype, key=k),
          mx.random.uniform(shape=shape, dtype=to_mlx_dtype(dtype), key=mk))


# ---------------------------------------------------------------------------- normal

@st.composite
def loc_scale(draw, shape, dtype):
    kind = draw(st.sampled_from(["none", "float", "int", "complex", "array", "array"]))
    if kind == "none":
        return None
    if kind == "complex":  # a real dtype keeps the real part, as MLX's cast does
        return complex(draw(float_values(allow_inf=False)), draw(float_values(allow_inf=False)))
    if kind == "float":
        return draw(float_values())
    if kind == "int":
        return draw(st.one_of(st.integers(-5, 5), st.integers(-(2**62), 2**62)))
    pshape = draw(enlarging_shape(shape))
    if dtype == C64:
        adt = draw(st.sampled_from([C64, F32]))
        if adt == C64:
            re = draw(float_array(F32, pshape, float_values(allow_inf=False)))
            im = draw(float_array(F32, pshape, float_values(allow_inf=False)))
            out = np.empty(np.shape(re), C64)  # no re + 1j·im: 0·inf would add NaNs
            out.real, out.imag = re, im
            return out
        return draw(float_array(F32, pshape, float_values()))
    adt = np.dtype(draw(st.sampled_from([F64, F32, F16, BF16, "int32"])))
    if adt.kind == "i":
        return draw(int_array(adt, pshape, -100, 100))
    return draw(float_array(adt, pshape, float_values()))


@st.composite
def normal_case(draw, dtype):
    shape = draw(shapes())
    loc = draw(loc_scale(shape, dtype))
    scale = draw(loc_scale(shape, dtype))
    if dtype == C64 and draw(st.booleans()):
        loc = complex(draw(float_values(allow_inf=False)), draw(float_values(allow_inf=False)))
    return shape, loc, scale


@pytest.mark.parametrize("dtype", [F32, F16, BF16, F64, C64], ids=_name)
@settings(max_examples=ex(40), **SETTINGS)
@given(data=st.data(), seed=SEEDS)
def test_normal(dtype, data, seed):
    shape, loc, scale = data.draw(normal_case(dtype))
    k, mk = keys(seed)
    compare("normal", _name(dtype), lambda: kr.normal(shape, dtype, loc, scale, key=k),
            lambda: mx.random.normal(shape, to_mlx_dtype(dtype), mx_param(loc),
                                     mx_param(scale), key=mk))


SPECIAL_COMPLEX = [complex(a, b) for a in (math.nan, INF, -INF, 0.0, -0.0, 1.5, 3e38)
                   for b in (math.nan, INF, -INF, 0.0, -0.0, -2.0, 3e38)]


@pytest.mark.parametrize("value", SPECIAL_COMPLEX, ids=str)
def test_normal_complex_special_parameters(value):
    """complex64 products recover infinities from NaN + NaN·i as C's complex multiply does."""
    k, mk = keys(31)
    v = np.asarray(value, C64)
    for loc, scale in ((None, v), (v, None), (v, v)):
        compare("normal", "complex64 (special loc/scale)",
                partial(kr.normal, (7,), C64, loc, scale, key=k),
                partial(mx.random.normal, (7,), mx.complex64, mx_param(loc), mx_param(scale),
                        key=mk))


def test_normal_loc_enlarges_output():
    k, mk = keys(12345)
    loc = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    got = kr.normal((3, 4), loc=loc, key=k)
    assert got.shape == (2, 3, 4)
    check("normal", "float32", got, mx.random.normal((3, 4), loc=mxa(loc), key=mk))


# ---------------------------------------------------------------------------- truncated_normal

@st.composite
def truncated_case(draw):
    shape = draw(shapes())
    lower = draw(bound(shape))
    upper = draw(bound(shape))
    if draw(st.booleans()):
        lower, upper = -abs(draw(st.floats(0, 8))), abs(draw(st.floats(0, 8)))
    given_shape = draw(st.booleans())
    if not given_shape:
        lshape = np.shape(lower)
        ushape = np.shape(upper)
        shape = None if math.prod(np.broadcast_shapes(lshape, ushape)) <= MAX_ELEMS else shape
    return shape, lower, upper


@pytest.mark.parametrize("dtype", NARROW_AND_F32 + (F64,), ids=_name)  # float64: MLX refuses
@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS, case=truncated_case())
def test_truncated_normal(dtype, seed, case):
    shape, lower, upper = case
    k, mk = keys(seed)
    compare("truncated_normal", _name(dtype),
            lambda: kr.truncated_normal(lower, upper, shape, dtype, key=k),
            lambda: mx.random.truncated_normal(mx_param(lower), mx_param(upper), shape,
                                               to_mlx_dtype(dtype), key=mk))


@pytest.mark.parametrize("bounds", [(-INF, INF), (2.0, -1.0), (5.0, 6.0), (-INF, -3.0),
                                    (0.0, 0.0), (-0.5, INF)])
@pytest.mark.parametrize("dtype", NARROW_AND_F32, ids=_name)
def test_truncated_normal_edges(bounds, dtype):
    k, mk = keys(2**63 + 17)
    got = kr.truncated_normal(*bounds, (2001,), dtype, key=k)
    want = mx.random.truncated_normal(*bounds, (2001,), to_mlx_dtype(dtype), key=mk)
    check("truncated_normal", _name(dtype), got, want)


# ---------------------------------------------------------------------------- gumbel, laplace

@pytest.mark.parametrize("dtype", NARROW_AND_F32, ids=_name)
@settings(max_examples=ex(25), **SETTINGS)
@given(seed=SEEDS, shape=shapes())
def test_gumbel(dtype, seed, shape):
    k, mk = keys(seed)
    check("gumbel", _name(dtype), kr.gumbel(shape, dtype, key=k),
          mx.random.gumbel(shape, to_mlx_dtype(dtype), key=mk))


LAPLACE_PARAMS = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 0, 1, 2, -1.5, 1e-30, 3e38, 1e39,
                                            INF, -INF, 1 + 2.0**-30]),
                           st.floats(-100, 100), st.integers(-1000, 1000))


@pytest.mark.parametrize("dtype", [F32, F16, BF16, F64], ids=_name)
@settings(max_examples=ex(30), **SETTINGS)
@given(seed=SEEDS, shape=shapes(), loc=LAPLACE_PARAMS, scale=LAPLACE_PARAMS)
def test_laplace(dtype, seed, shape, loc, scale):
    k, mk = keys(seed)
    compare("laplace", _name(dtype), lambda: kr.laplace(shape, dtype, loc, scale, key=k),
            lambda: mx.random.laplace(shape, to_mlx_dtype(dtype), loc, scale, key=mk))


# ---------------------------------------------------------------------------- bernoulli

P_VALUES = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.5, -0.5, 1.5, 1e-10, 2.0**-32,
                                                       1 - 2.0**-25, INF, -INF, math.nan]),
                     st.floats(-2, 3))


@st.composite
def bernoulli_case(draw, p_dtype):
    shape = draw(shapes())
    if p_dtype is None:
        return shape, draw(P_VALUES)
    p = draw(float_array(p_dtype, draw(sub_shape(shape)), P_VALUES))
    return (shape if draw(st.booleans()) else None), p


@pytest.mark.parametrize("p_dtype", [None, F32, F16, BF16, F64],
                         ids=lambda d: "python float" if d is None else _name(d))
@settings(max_examples=ex(25), **SETTINGS)
@given(data=st.data(), seed=SEEDS)
def test_bernoulli(p_dtype, data, seed):
    shape, p = data.draw(bernoulli_case(p_dtype))
    k, mk = keys(seed)
    variant = "p:float(python)" if not isinstance(p, np.ndarray) else f"p:{_name(p.dtype)}"
    compare("bernoulli", variant, lambda: kr.bernoulli(p, shape, key=k),
            lambda: mx.random.bernoulli(mx_param(p), shape, key=mk))


# ---------------------------------------------------------------------------- randint

INT_BOUNDS = st.one_of(st.integers(-100, 100), st.integers(-(2**31), 2**31 - 1),
                       st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 2**31, 2**32, 2**40,
                                        -(2**40), 2**62, 2**63 - 1, -(2**63)]),
                       st.integers(-(2**63), 2**63 - 1))


@st.composite
def randint_case(draw):
    shape = draw(shapes())

    def one():
        kind = draw(st.sampled_from(["int", "int", "float", "array"]))
        if kind == "int":
            return draw(INT_BOUNDS)
        if kind == "float":
            return draw(float_values(allow_nan=True))
        adt = np.dtype(draw(st.sampled_from(["int32", "int64", "uint8", "int8", "bool",
                                             "float32", "float16", "float64"])))
        pshape = draw(sub_shape(shape))
        if adt.kind == "f":
            return draw(float_array(adt, pshape, float_values()))
        return draw(int_array(adt, pshape))

    return shape, one(), one()


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=_name)
@settings(max_examples=ex(25), **SETTINGS)
@given(seed=SEEDS, case=randint_case())
def test_randint(dtype, seed, case):
    shape, low, high = case
    k, mk = keys(seed)
    compare("randint", _name(dtype), lambda: kr.randint(low, high, shape, dtype, key=k),
            lambda: mx.random.randint(mx_param(low), mx_param(high), shape,
                                      to_mlx_dtype(dtype), key=mk))


@pytest.mark.parametrize("n", [1, 3, 4, 5, 7, 8, 1001])
@pytest.mark.parametrize("bounds", [(-(2**33), 2**34), (-(2**40), -(2**35)), (2**32, 2**33),
                                    (-5, 2**32 + 2**31), (0, 2**40), (2**40, 0),
                                    (2**32 + 2**31, -5), (3e9, -3e9)])
def test_randint_uint32_position_rule(n, bounds):
    """uint32 with out-of-range bounds: vector rule for the first 4·⌊n/4⌋ elements (§4.5)."""
    k, mk = keys(99 + n)
    got = kr.randint(*bounds, (n,), np.uint32, key=k)
    check("randint", "uint32", got, mx.random.randint(*bounds, (n,), mx.uint32, key=mk))


@pytest.mark.parametrize("src", [F16, BF16, F32, F64], ids=_name)
@pytest.mark.parametrize("dtype", INT_DTYPES, ids=_name)
def test_randint_float_bound_conversions(src, dtype):
    """Bounds converted as MLX's astype does: float64 in double, uint32 by source and position.

    uint32's vector rule covers the first 4·⌊n/4⌋ elements of a float32 or
    float64 array, 8·⌊n/8⌋ of a bfloat16 array and none of a float16 array.
    """
    pairs = [(0.0, -INF), (math.nan, 3.0), (1e10 + 1.0, 0.0), (-3e9, 5e9), (5e9, 2.0),
             (2.0**40 + 3, 2.0**40 + 2**16 + 5), (-(2.0**31) - 5, -(2.0**31) - 5),
             (-INF, math.nan), (3.0, 2.0**31 + 7)]
    for n in (1, 3, 4, 5, 8, 9, 17):
        for i, (lo, hi) in enumerate(pairs):
            low, high = (quiet(np.full(n, v).astype, src) for v in (lo, hi))
            k, mk = keys(1000 * n + i)
            compare("randint", f"{_name(dtype)} (float bounds)",
                    partial(kr.randint, low, high, (n,), dtype, key=k),
                    partial(mx.random.randint, mxa(low), mxa(high), (n,), to_mlx_dtype(dtype),
                            key=mk))


def test_randint_bool_high():
    """high − 1 in bool arithmetic: False − True is True (§6.8 step 4)."""
    for high in (False, True, np.array([False, True, False])):
        for dtype in INT_DTYPES:
            k, mk = keys(77)
            compare("randint", f"{_name(dtype)} (bool high)",
                    partial(kr.randint, -3, high, (3,), dtype, key=k),
                    partial(mx.random.randint, -3, mx_param(high), (3,), to_mlx_dtype(dtype),
                            key=mk))


# ---------------------------------------------------------------------------- categorical

LOGIT_VALUES = st.one_of(st.floats(-10, 10), st.sampled_from([0.0, -INF, 3.0, -30.0, 50.0]))


LOGIT_DTYPES = [F32, F16, BF16, np.dtype(np.int32)]


@st.composite
def logits_array(draw, shape, dtype, allow_special=True):
    if dtype.kind == "i":
        return draw(int_array(dtype, shape, -20, 20))
    vals = LOGIT_VALUES
    if allow_special and draw(st.integers(0, 4)) == 0:
        vals = st.one_of(vals, st.sampled_from([math.nan, INF]))
    return draw(float_array(dtype, shape, vals))


@st.composite
def categorical_gumbel_case(draw, dtype):
    lshape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=8))
    logits = draw(logits_array(lshape, dtype))
    axis = draw(st.integers(-len(lshape), len(lshape) - 1))
    a = axis % len(lshape)
    reduced = lshape[:a] + lshape[a + 1:]
    mode = draw(st.sampled_from(["none", "shape", "num_samples"]))
    kw = {}
    if mode == "shape":
        lead = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
        kw["shape"] = lead + reduced
    elif mode == "num_samples":
        kw["num_samples"] = draw(st.integers(0, 12))
    return logits, axis, kw


@pytest.mark.parametrize("dtype", LOGIT_DTYPES, ids=_name)
@settings(max_examples=ex(25), **SETTINGS)
@given(data=st.data(), seed=SEEDS)
def test_categorical(dtype, data, seed):
    logits, axis, kw = data.draw(categorical_gumbel_case(dtype))
    k, mk = keys(seed)
    variant = f"logits:{_name(logits.dtype)}"
    compare("categorical", variant, lambda: kr.categorical(logits, axis, key=k, **kw),
            lambda: mx.random.categorical(mxa(logits), axis, key=mk, **kw))


@st.composite
def categorical_icdf_case(draw, dtype):
    n = draw(st.integers(1, 40))
    lshape = draw(st.sampled_from([(n,), (1, n), (n, 1)]))
    logits = draw(logits_array(lshape, dtype))
    axis = {(n,): draw(st.sampled_from([0, -1])), (1, n): draw(st.sampled_from([1, -1])),
            (n, 1): draw(st.sampled_from([0, -2]))}[lshape]
    if n == 1:
        axis = draw(st.sampled_from([0, -1]))
        if len(lshape) == 2:
            axis = draw(st.sampled_from([0, 1, -1, -2]))
    if draw(st.booleans()):
        reduced = lshape[:axis % len(lshape)] + lshape[axis % len(lshape) + 1:]
        kw = {"shape": draw(shapes(max_elems=1000, min_dims=1)) + reduced}
    else:
        kw = {"num_samples": draw(st.integers(0, 1000))}
    return logits, axis, kw


@pytest.mark.parametrize("dtype", LOGIT_DTYPES, ids=_name)
@settings(max_examples=ex(25), **SETTINGS)
@given(data=st.data(), seed=SEEDS)
def test_categorical_inverse_cdf(dtype, data, seed):
    logits, axis, kw = data.draw(categorical_icdf_case(dtype))
    k, mk = keys(seed)
    variant = f"logits:{_name(logits.dtype)} (inverse CDF)"
    compare("categorical", variant, lambda: kr.categorical(logits, axis, key=k, **kw),
            lambda: mx.random.categorical(mxa(logits), axis, key=mk, **kw))


@pytest.mark.parametrize("logits", [[-INF, -INF, -INF], [0.0, INF, 1.0, INF], [1.0, math.nan, 2.0],
                                    [math.nan, math.nan], [-INF, 0.0]])
@pytest.mark.parametrize("kw", [{}, {"shape": (500,)}, {"num_samples": 300}])
def test_categorical_special_logits(logits, kw):
    x = np.array(logits, np.float32)
    k, mk = keys(2**64 - 1)
    compare("categorical", "logits:float32", lambda: kr.categorical(x, key=k, **kw),
            lambda: mx.random.categorical(mx.array(x), key=mk, **kw))


# ---------------------------------------------------------------------------- permutation

@settings(max_examples=ex(60), **SETTINGS)
@given(seed=SEEDS, n=st.one_of(st.integers(0, 3000), st.booleans()))
def test_permutation_int(seed, n):
    k, mk = keys(seed)
    check("permutation", "int", kr.permutation(n, key=k), mx.random.permutation(n, key=mk))


@st.composite
def permutation_case(draw):
    shape = draw(shapes(min_dims=1))
    dtype = np.dtype(draw(st.sampled_from([F32, F16, BF16, "int32", "int64", "uint8", "bool"])))
    x = draw(float_array(dtype, shape, st.floats(-100, 100)) if dtype.kind == "f"
             or dtype == BF16 else int_array(dtype, shape))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return x, axis


@settings(max_examples=ex(60), **SETTINGS)
@given(seed=SEEDS, case=permutation_case())
def test_permutation_array(seed, case):
    x, axis = case
    k, mk = keys(seed)
    check("permutation", f"array {_name(x.dtype)}", kr.permutation(x, axis, key=k),
          mx.random.permutation(mxa(x), axis, key=mk))


# ---------------------------------------------------------------------------- multivariate_normal

@st.composite
def mvn_case(draw):
    n = draw(st.integers(1, 6))
    cov_batch = draw(st.sampled_from([(), (), (2,), (1, 3)]))
    mean_batch = draw(st.sampled_from([(), (), (3,), (2, 1)]))
    try:
        batch = np.broadcast_shapes(cov_batch, mean_batch)
    except ValueError:
        cov_batch, batch = (), mean_batch
    shape = draw(st.sampled_from([(), batch, (4,) + batch, (2, 2) + tuple(batch)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = rng.standard_normal(cov_batch + (n, n))
    scale = 10.0 ** draw(st.integers(-2, 2))
    cov = ((a @ np.swapaxes(a, -1, -2)) / n + 0.1 * np.eye(n)) * scale
    mean = rng.uniform(-10, 10, mean_batch + (n,))
    return mean.astype(np.float32), cov.astype(np.float32), shape


@settings(max_examples=ex(40), **SETTINGS)
@given(seed=SEEDS, case=mvn_case())
def test_multivariate_normal(seed, case):
    mean, cov, shape = case
    k, mk = keys(seed)
    got = kr.multivariate_normal(mean, cov, shape, key=k)
    want = np.array(mx.random.multivariate_normal(mx.array(mean), mx.array(cov), shape, key=mk))
    assert got.dtype == want.dtype and got.shape == want.shape
    diag = np.diagonal(cov, axis1=-2, axis2=-1)
    tol = 2e-5 * math.sqrt(float(diag.max())) + 4 * np.spacing(np.abs(want))
    s = STATS[("multivariate_normal", "float32 (within tolerance)")]
    s[0] += 1
    s[1] += want.size
    ok = np.abs(got - want) <= tol
    s[2] += int(ok.sum())
    s[3] += int(ok.all())
    assert ok.all(), float(np.max(np.abs(got - want) - tol))


# ---------------------------------------------------------------------------- global sequence

def _step_strategy():
    """One call without ``key=``: (name, keyrand thunk, MLX thunk)."""
    f32 = np.zeros((3,), np.float32)

    def both(name, kfn, mfn):
        return st.just((name, kfn, mfn))

    R = mx.random
    return st.one_of(
        shapes(max_elems=50).map(lambda s: (f"uniform{s}", lambda: kr.uniform(shape=s),
                                            lambda: R.uniform(shape=s))),
        st.tuples(shapes(max_elems=50), st.sampled_from([F32, F16, BF16, F64, C64])).map(
            lambda a: (f"normal{a}", lambda: kr.normal(a[0], a[1]),
                       lambda: R.normal(a[0], to_mlx_dtype(a[1])))),
        shapes(max_elems=50).map(lambda s: (f"gumbel{s}", lambda: kr.gumbel(s),
                                            lambda: R.gumbel(s))),
        shapes(max_elems=50).map(lambda s: (f"laplace{s}", lambda: kr.laplace(s, F64, 1.0),
                                            lambda: R.laplace(s, mx.float64, 1.0))),
        st.floats(0, 1).map(lambda p: (f"bernoulli({p})", lambda: kr.bernoulli(p, (7,)),
                                       lambda: R.bernoulli(p, (7,)))),
        st.integers(-50, 50).map(lambda lo: (f"randint({lo})", lambda: kr.randint(lo, 60, (5,)),
                                             lambda: R.randint(lo, 60, (5,)))),
        st.integers(0, 40).map(lambda n: (f"permutation({n})", lambda: kr.permutation(n),
                                          lambda: R.permutation(n))),
        both("truncated_normal", lambda: kr.truncated_normal(-1.0, 2.0, (4,)),
             lambda: R.truncated_normal(-1.0, 2.0, (4,))),
        both("categorical", lambda: kr.categorical(np.array([[0.0, 1.0], [2.0, -1.0]],
                                                            np.float32)),
             lambda: R.categorical(mx.array([[0.0, 1.0], [2.0, -1.0]]))),
        both("categorical icdf", lambda: kr.categorical(f32, num_samples=4),
             lambda: R.categorical(mx.array(f32), num_samples=4)),
        both("multivariate_normal", lambda: kr.multivariate_normal(f32[:2], np.eye(2, dtype=F32)),
             lambda: R.multivariate_normal(mx.array(f32[:2]), mx.eye(2))),
        both("split (no key use)", lambda: kr.split(kr.key(1)), lambda: R.split(R.key(1))),
        SEEDS.map(lambda s: (f"seed({s})", lambda: kr.seed(s), lambda: R.seed(s))),
        # Failures after the key is drawn (§2.3, §7): each uses up one key.
        both("uniform int dtype", lambda: kr.uniform(dtype=np.int32),
             lambda: R.uniform(dtype=mx.int32)),
        both("uniform float64", lambda: kr.uniform(dtype=F64), lambda: R.uniform(dtype=mx.float64)),
        both("gumbel float64 (-1,)", lambda: kr.gumbel((-1,), F64),
             lambda: R.gumbel((-1,), mx.float64)),
        both("normal negative", lambda: kr.normal((2, -1)), lambda: R.normal((2, -1))),
        both("uniform list bound", lambda: kr.uniform([0.0], 1.0), lambda: R.uniform([0.0], 1.0)),
        both("uniform str bound", lambda: kr.uniform("a", 1.0), lambda: R.uniform("a", 1.0)),
        both("normal huge loc", lambda: kr.normal(loc=2**70), lambda: R.normal(loc=2**70)),
        both("bernoulli list", lambda: kr.bernoulli([0.5]), lambda: R.bernoulli([0.5])),
        both("bernoulli int p", lambda: kr.bernoulli(1), lambda: R.bernoulli(1)),
        both("truncated_normal tuple", lambda: kr.truncated_normal((0.0,), 1.0),
             lambda: R.truncated_normal((0.0,), 1.0)),
        both("randint 2**63", lambda: kr.randint(0, 2**63), lambda: R.randint(0, 2**63)),
        both("randint float dtype", lambda: kr.randint(0, 5, dtype=F32),
             lambda: R.randint(0, 5, dtype=mx.float32)),
        both("categorical bad axis", lambda: kr.categorical(f32, axis=3),
             lambda: R.categorical(mx.array(f32), axis=3)),
        both("permutation 0-d", lambda: kr.permutation(np.float32(1.0).reshape(())),
             lambda: R.permutation(mx.array(1.0))),
        both("permutation 2**31", lambda: kr.permutation(2**31), lambda: R.permutation(2**31)),
        both("laplace int dtype", lambda: kr.laplace(dtype=np.int32),
             lambda: R.laplace(dtype=mx.int32)),
        both("multivariate_normal 0-d mean", lambda: kr.multivariate_normal(
            np.float32(0).reshape(()), np.eye(2, dtype=F32)),
            lambda: R.multivariate_normal(mx.array(0.0), mx.eye(2))),
        both("truncated_normal bad bcast", lambda: kr.truncated_normal(f32, 1.0, (2,)),
             lambda: R.truncated_normal(mx.array(f32), 1.0, (2,))),
        # TypeErrors of argument conversion: no key used.
        both("uniform shape=2", lambda: kr.uniform(shape=2), lambda: R.uniform(shape=2)),
        both("uniform low=None", lambda: kr.uniform(None), lambda: R.uniform(None)),
        both("categorical axis=0.5", lambda: kr.categorical(f32, axis=0.5),
             lambda: R.categorical(mx.array(f32), axis=0.5)),
        both("permutation axis=0.5", lambda: kr.permutation(f32, axis=0.5),
             lambda: R.permutation(mx.array(f32), axis=0.5)),
        both("laplace loc='a'", lambda: kr.laplace(loc="a"), lambda: R.laplace(loc="a")),
    )


@settings(max_examples=ex(30), **SETTINGS)
@given(seed=SEEDS, steps=st.lists(_step_strategy(), min_size=1, max_size=12))
def test_global_sequence_replay(seed, steps):
    """seed, then a mixed sequence without key=: same outputs, same errors, same state (§2.2)."""
    kr.seed(seed)
    mx.random.seed(seed)
    for name, kfn, mfn in steps:
        got, kerr = _outcome(kfn)
        want, merr = _outcome(mfn)
        assert type(kerr) is type(merr), (name, kerr, merr)
        if name == "multivariate_normal":
            np.testing.assert_allclose(got, np.array(want), atol=1e-4)
        elif want is not None:
            check("global sequence", "mixed", got, want)
        assert np.array_equal(kr.state(), np.array(mx.random.state[0])), name


# ---------------------------------------------------------------------------- large draws

LARGE = (2**17 + 3,)  # odd word count, many blocks of the CPU kernels


def _large_cases():
    R = mx.random
    p32 = np.linspace(-0.1, 1.1, LARGE[0], dtype=F32)
    cases = []
    for d in NARROW_AND_F32:
        m = to_mlx_dtype(d)
        cases += [
            ("uniform", d, lambda k, d=d: kr.uniform(-3.0, 5.0, LARGE, d, key=k),
             lambda k, m=m: R.uniform(-3.0, 5.0, LARGE, m, key=k)),
            ("truncated_normal", d, lambda k, d=d: kr.truncated_normal(-2.0, 1.5, LARGE, d, key=k),
             lambda k, m=m: R.truncated_normal(-2.0, 1.5, LARGE, m, key=k)),
            ("gumbel", d, lambda k, d=d: kr.gumbel(LARGE, d, key=k),
             lambda k, m=m: R.gumbel(LARGE, m, key=k)),
        ]
    for d in (F32, F16, BF16, F64, C64):
        m = to_mlx_dtype(d)
        cases.append(("normal", d, lambda k, d=d: kr.normal(LARGE, d, 1.0, 2.0, key=k),
                      lambda k, m=m: R.normal(LARGE, m, 1.0, 2.0, key=k)))
    for d in (F32, F16, BF16, F64):
        m = to_mlx_dtype(d)
        cases.append(("laplace", d, lambda k, d=d: kr.laplace(LARGE, d, 0.5, 3.0, key=k),
                      lambda k, m=m: R.laplace(LARGE, m, 0.5, 3.0, key=k)))
        p = p32.astype(d)
        cases.append(("bernoulli", d, lambda k, p=p: kr.bernoulli(p, key=k),
                      lambda k, p=p: R.bernoulli(mx_param(p), key=k)))
    for d in INT_DTYPES:
        m = to_mlx_dtype(d)
        cases.append(("randint", d, lambda k, d=d: kr.randint(-1000, 2**31 - 1, LARGE, d, key=k),
                      lambda k, m=m: R.randint(-1000, 2**31 - 1, LARGE, m, key=k)))
    logits = np.linspace(-5, 5, 7, dtype=F32)
    cases += [
        ("categorical", "inverse CDF", lambda k: kr.categorical(logits, shape=LARGE, key=k),
         lambda k: R.categorical(mx.array(logits), shape=LARGE, key=k)),
        ("categorical", "gumbel", lambda k: kr.categorical(logits.reshape(1, 7), shape=(9000, 1),
                                                            key=k),
         lambda k: R.categorical(mx.array(logits.reshape(1, 7)), shape=(9000, 1), key=k)),
        ("permutation", "int", lambda k: kr.permutation(LARGE[0], key=k),
         lambda k: R.permutation(LARGE[0], key=k)),
        ("split", "uint32", lambda k: kr.split(k, LARGE[0]), lambda k: R.split(k, LARGE[0])),
    ]
    return cases


@pytest.mark.parametrize("case", _large_cases(), ids=lambda c: f"{c[0]}-{_label(c[1])}")
def test_large_draw(case):
    fn, d, kfn, mfn = case
    k, mk = keys(0xDEADBEEF12345678)
    check(fn, f"{_label(d)} (large)", kfn(k), mfn(mk))


def _label(d) -> str:
    return d if isinstance(d, str) else _name(d)
