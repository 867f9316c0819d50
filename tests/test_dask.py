"""keyrand.dask: Dask arrays equal, bit for bit, to in-memory keyrand for any chunking.

The distributed tests share one two-process LocalCluster (module scope) and run last.
"""

from __future__ import annotations

import os
import pickle
import time

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from conftest import assert_same_bits, from_mlx, mx, needs_mlx  # noqa: E402
from dask.array.core import normalize_chunks  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import keyrand as kr  # noqa: E402
import keyrand.dask as krd  # noqa: E402
from keyrand import samplers  # noqa: E402

BF16, F16, F32, F64 = kr.bfloat16, np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
C64 = np.dtype(np.complex64)
SETTINGS = {"deadline": None, "max_examples": 20,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


# ----------------------------------------------------------------------------- strategies

@st.composite
def partitions(draw, d: int) -> tuple[int, ...]:
    """Irregular block sizes of an axis of length ``d`` (single elements included)."""
    if d == 0:
        return (0,)
    cuts = sorted(draw(st.sets(st.integers(1, d - 1), max_size=d - 1))) if d > 1 else []
    edges = [0, *cuts, d]
    return tuple(b - a for a, b in zip(edges, edges[1:], strict=False))


@st.composite
def shapes_and_chunks(draw, max_ndim: int = 3, max_dim: int = 6, min_ndim: int = 0):
    ndim = draw(st.integers(min_ndim, max_ndim))
    shape = tuple(draw(st.lists(st.integers(0, max_dim), min_size=ndim, max_size=ndim)))
    return shape, tuple(draw(partitions(d)) for d in shape)


def sub(shape: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape``: maybe fewer leading axes, some axes 1."""
    s = shape[rng.integers(0, len(shape) + 1):]
    return tuple(1 if rng.random() < 0.4 else d for d in s)


def f32(rng, shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


# name -> (shape, rng) -> (function, kwargs, output shape)
CASES = {
    "bits4": lambda s, r: ("bits", {"shape": s}, s),
    "bits2": lambda s, r: ("bits", {"shape": s, "width": 2}, s),
    "bits1": lambda s, r: ("bits", {"shape": s, "width": 1}, s),
    "uniform": lambda s, r: ("uniform", {"shape": s}, s),
    "uniform_bf16_arrays": lambda s, r: ("uniform", {"low": f32(r, sub(s, r)), "high": 3.0,
                                                     "shape": s, "dtype": BF16}, s),
    "uniform_f16_both": lambda s, r: ("uniform", {"low": f32(r, sub(s, r)),
                                                  "high": f32(r, sub(s, r), 2, 4), "shape": s,
                                                  "dtype": F16}, s),
    "normal": lambda s, r: ("normal", {"shape": s}, s),
    "normal_f16_loc_scale": lambda s, r: ("normal", {"shape": s, "dtype": F16, "loc": 0.5,
                                                     "scale": 2.0}, s),
    "normal_f64_scale": lambda s, r: ("normal", {"shape": s, "dtype": F64,
                                                 "scale": r.uniform(0.5, 2, sub(s, r))}, s),
    "normal_c64": lambda s, r: ("normal", {"shape": s, "dtype": C64}, s),
    "normal_c64_arrays": lambda s, r: ("normal", {
        "shape": s, "dtype": C64,
        "loc": (r.standard_normal(sub(s, r)) + 1j * r.standard_normal(sub(s, r))).astype(C64),
        "scale": f32(r, sub(s, r))}, s),
    # loc broadcasts the output beyond ``shape``: samples repeat along those axes (§6.2).
    "normal_broadcast": lambda s, r: ("normal", {"shape": sub(s, r), "loc": f32(r, s)}, s),
    "normal_bf16_broadcast": lambda s, r: ("normal", {"shape": sub(s, r), "dtype": BF16,
                                                      "scale": f32(r, s, 0.5, 2)}, s),
    "truncated_normal": lambda s, r: ("truncated_normal", {
        "lower": f32(r, sub(s, r), -2, 0), "upper": f32(r, sub(s, r), 0.1, 2), "shape": s}, s),
    "truncated_normal_noshape": lambda s, r: ("truncated_normal", {
        "lower": f32(r, s, -2, 0), "upper": 1.5, "dtype": BF16}, s),
    "truncated_normal_scalars": lambda s, r: ("truncated_normal", {
        "lower": -0.5, "upper": 1.0, "shape": s, "dtype": F16}, s),
    "gumbel_bf16": lambda s, r: ("gumbel", {"shape": s, "dtype": BF16}, s),
    "laplace": lambda s, r: ("laplace", {"shape": s}, s),
    "laplace_f64": lambda s, r: ("laplace", {"shape": s, "dtype": F64, "loc": 0.5,
                                             "scale": 2.0}, s),
    "bernoulli": lambda s, r: ("bernoulli", {"p": f32(r, sub(s, r), 0, 1), "shape": s}, s),
    "bernoulli_f64_noshape": lambda s, r: ("bernoulli", {"p": r.uniform(0, 1, s)}, s),
    "bernoulli_scalar": lambda s, r: ("bernoulli", {"p": 0.3, "shape": s}, s),
    "randint_i8": lambda s, r: ("randint", {"low": -5, "high": r.integers(0, 100, sub(s, r)),
                                            "shape": s, "dtype": np.int8}, s),
    "randint_bool": lambda s, r: ("randint", {"low": 0, "high": 2, "shape": s,
                                              "dtype": np.bool_}, s),
    # uint32's cast depends on the position in the whole draw (§4.5): out-of-range bounds.
    "randint_u32_wide": lambda s, r: ("randint", {"low": -2**33, "high": 2**33, "shape": s,
                                                  "dtype": np.uint32}, s),
    "randint_u32_int_arrays": lambda s, r: ("randint", {
        "low": r.integers(-2**40, 0, sub(s, r)), "high": 2**40, "shape": s,
        "dtype": np.uint32}, s),
    "randint_u32_float_arrays": lambda s, r: ("randint", {
        "low": f32(r, sub(s, r), -2**31, 0), "high": 2.0**32, "shape": s,
        "dtype": np.uint32}, s),
}


def check_same(fn: str, kwargs: dict, chunks, key, dask_kwargs: dict | None = None):
    """``keyrand.dask.fn(..., chunks).compute()`` is ``keyrand.fn(...)``, or both raise."""
    try:
        want = getattr(kr, fn)(**kwargs, key=key)
    except Exception as err:  # noqa: BLE001 - the same class must come from keyrand.dask
        with pytest.raises(type(err)):
            getattr(krd, fn)(**(dask_kwargs or kwargs), key=key, chunks=chunks)
        return None
    x = getattr(krd, fn)(**(dask_kwargs or kwargs), key=key, chunks=chunks)
    assert x.shape == want.shape and x.dtype == want.dtype
    assert x.chunks == normalize_chunks(chunks, want.shape)
    assert_same_bits(x.compute(scheduler="sync"), want)
    return x


# ----------------------------------------------------------------------------- chunk invariance

@pytest.mark.parametrize("case", sorted(CASES))
@settings(**SETTINGS)
@given(sc=shapes_and_chunks(), seed=st.integers(0, 2**64 - 1), pseed=st.integers(0, 2**32))
def test_equals_in_memory(case, sc, seed, pseed):
    shape, chunks = sc
    fn, kwargs, out_shape = CASES[case](shape, np.random.default_rng(pseed))
    assert out_shape == shape
    check_same(fn, kwargs, chunks, kr.key(seed))


@pytest.mark.parametrize("case", sorted(CASES))
def test_single_element_and_whole_chunks(case):
    shape = (3, 4, 5)
    fn, kwargs, _ = CASES[case](shape, np.random.default_rng(1))
    for chunks in (1, -1, (2, 3, 4), ((1, 2), (4,), (2, 1, 1, 1))):
        check_same(fn, kwargs, chunks, kr.key(11))


@pytest.mark.parametrize("case", ["uniform_f16_both", "normal_c64_arrays", "normal_broadcast",
                                  "truncated_normal", "bernoulli", "randint_i8"])
@settings(**{**SETTINGS, "max_examples": 15})
@given(sc=shapes_and_chunks(min_ndim=1), pseed=st.integers(0, 2**32), pc=st.integers(1, 3))
def test_dask_array_parameters(case, sc, pseed, pc):
    """Parameters given as Dask arrays, chunked unlike the output, are cut to its blocks."""
    shape, chunks = sc
    fn, kwargs, _ = CASES[case](shape, np.random.default_rng(pseed))
    dk = {k: da.from_array(v, chunks=pc) if isinstance(v, np.ndarray) and v.ndim else v
          for k, v in kwargs.items()}
    check_same(fn, kwargs, chunks, kr.key(pseed), dk)


@st.composite
def categorical_cases(draw):
    S, chunks = draw(shapes_and_chunks(max_ndim=3, max_dim=5))
    n = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([F32, F16, F64, np.dtype(np.int32)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32)))
    kind = draw(st.sampled_from(["last", "first", "icdf", "shape", "num_samples"]))

    def logits(shape):
        return (rng.standard_normal(shape) * 3).astype(dtype)

    if kind == "last":
        return {"logits": logits(S + (n,))}, chunks
    if kind == "first":
        return {"logits": logits((n,) + S), "axis": 0}, chunks
    if kind == "icdf":
        return {"logits": logits((n,)), "shape": S}, chunks
    if kind == "shape":
        r = sub(S, rng)
        return {"logits": logits(r[:1] + (n,) + r[1:]), "axis": min(1, len(r)), "shape": S}, \
            chunks
    if not S:
        return {"logits": logits((n,)), "num_samples": 3}, 2
    return {"logits": logits(S[:-1] + (n,)), "num_samples": S[-1]}, chunks


@settings(**{**SETTINGS, "max_examples": 60})
@given(case=categorical_cases(), seed=st.integers(0, 2**64 - 1))
def test_categorical(case, seed):
    kwargs, chunks = case
    check_same("categorical", kwargs, chunks, kr.key(seed))


def test_categorical_dask_logits_and_chunked_class_axis():
    L = np.random.default_rng(0).standard_normal((7, 5, 9)).astype(np.float32)
    k = kr.key(5)
    got = krd.categorical(da.from_array(L, chunks=(2, 3, -1)), key=k, chunks=(3, 2))
    assert_same_bits(got.compute(), kr.categorical(L, key=k))
    with pytest.raises(ValueError, match=r"class axis 2 is cut into 3 blocks.*rechunk"):
        krd.categorical(da.from_array(L, chunks=(2, 3, 3)), key=k, chunks=2)
    with pytest.raises(ValueError, match="class axis 0"):
        krd.categorical(da.from_array(L, chunks=(4, 3, 3)), axis=0, key=k, chunks=2)


@settings(**SETTINGS)
@given(num=st.integers(0, 40), data=st.data(), seed=st.integers(0, 2**64 - 1))
def test_split(num, data, seed):
    rows = data.draw(partitions(num))
    k = kr.key(seed)
    for chunks in (rows, (rows,), (rows, -1), (rows, (2,))):
        x = krd.split(k, num, chunks=chunks)
        assert x.chunks == (rows, (2,))
        assert_same_bits(x.compute(scheduler="sync"), kr.split(k, num))


def test_split_errors():
    with pytest.raises(TypeError, match=r"\[split\] key"):
        krd.split(None, 4)
    with pytest.raises(ValueError, match=r"\[split\] chunks: axis 1 is cut"):
        krd.split(kr.key(0), 4, chunks=(2, 1))
    with pytest.raises(ValueError, match=r"\[split\].*negative"):
        krd.split(kr.key(0), -1)


def test_multivariate_normal_batch_blocks():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((4, 3, 3)).astype(np.float32)
    cov = A @ A.transpose(0, 2, 1) / 3 + 0.1 * np.eye(3, dtype=np.float32)
    mean = rng.standard_normal((5, 1, 3)).astype(np.float32)
    k = kr.key(8)
    want = kr.multivariate_normal(mean, cov, (2, 5, 4), key=k)
    for chunks in (1, (1, 2, 3, -1), "auto"):
        x = krd.multivariate_normal(mean, cov, (2, 5, 4), key=k, chunks=chunks)
        assert_same_bits(x.compute(scheduler="sync"), want)
    x = krd.multivariate_normal(da.from_array(mean, chunks=(2, 1, 3)), cov, (2, 5, 4), key=k,
                                chunks=2)
    assert_same_bits(x.compute(scheduler="sync"), want)
    with pytest.raises(ValueError, match=r"\[multivariate_normal\] chunks: axis 3 is cut.*z @"):
        krd.multivariate_normal(mean, cov, (2, 5, 4), key=k, chunks=(1, 1, 1, 2))


def test_permutation_is_one_block():
    k = kr.key(4)
    assert_same_bits(krd.permutation(50, key=k).compute(), kr.permutation(50, key=k))
    x = np.arange(12).reshape(3, 4)
    assert_same_bits(krd.permutation(x, axis=1, key=k).compute(),
                     kr.permutation(x, axis=1, key=k))
    with pytest.raises(ValueError, match=r"\[permutation\] chunks:.*argsort of all n words"):
        krd.permutation(50, key=k, chunks=10)
    with pytest.raises(TypeError, match=r"dask.array.take"):
        krd.permutation(da.arange(10, chunks=5), key=k)


def test_zero_size_and_scalar():
    k = kr.key(1)
    for fn, kw in [("uniform", {}), ("normal", {"dtype": C64}), ("bits", {"width": 1}),
                   ("randint", {"low": 0, "high": 9, "dtype": np.uint32})]:
        for shape, chunks in [((), ()), ((0,), 3), ((4, 0, 3), (2, 1, 3)), ((0, 0), -1)]:
            check_same(fn, {**kw, "shape": shape}, chunks, k)


def test_auto_chunks():
    k = kr.key(6)
    x = krd.uniform(shape=(3000, 5000), key=k)
    assert x.chunks == normalize_chunks("auto", (3000, 5000), dtype=np.float32)
    y = krd.uniform(shape=(3000, 5000), key=k, chunks=(700, 900))
    assert_same_bits(x[1234:1300, 4000:4100].compute(), y[1234:1300, 4000:4100].compute())


# ----------------------------------------------------------------------------- keys and names

def test_global_key_drawn_once_at_construction():
    kr.seed(123)
    x = krd.normal(shape=(10, 10), chunks=3)
    after_x = kr.state()
    y = krd.uniform(shape=(4,), chunks=1)
    kr.seed(123)
    want_x = kr.normal(shape=(10, 10))
    assert np.array_equal(kr.state(), after_x)
    want_y = kr.uniform(shape=(4,))
    state = kr.state()
    assert_same_bits(x.compute(), want_x)
    assert_same_bits(x.compute(), want_x)  # computing twice uses no key and changes nothing
    assert_same_bits(y.compute(), want_y)
    assert np.array_equal(kr.state(), state)


def test_key_use_on_errors_matches_in_memory():
    # A conversion TypeError uses no key; a later ValueError uses one, as in memory
    # (docs/algorithms.md §2.3).
    for call, cls in ((lambda m: m.uniform(shape=2), TypeError),
                      (lambda m: m.uniform(shape=(-1,)), ValueError),
                      (lambda m: m.randint(0, 9, (3,), dtype=np.float32), ValueError),
                      (lambda m: m.categorical(np.zeros((3, 0))), ValueError)):
        states = []
        for module in (kr, krd):
            kr.seed(9)
            with pytest.raises(cls) as info:
                call(module)
            assert type(info.value) is cls
            states.append((kr.state(), str(info.value)))
        assert np.array_equal(states[0][0], states[1][0])
        assert states[0][1] == states[1][1]


def test_deterministic_names():
    k = kr.key(77)
    loc = np.arange(6.0)
    a = krd.normal((4, 6), loc=loc, key=k, chunks=(2, 3))
    b = krd.normal((4, 6), loc=loc.copy(), key=k.copy(), chunks=((2, 2), (3, 3)))
    assert a.name == b.name
    assert krd.normal((4, 6), loc=loc, key=kr.key(78), chunks=(2, 3)).name != a.name
    assert krd.normal((4, 6), loc=loc + 1, key=k, chunks=(2, 3)).name != a.name
    assert krd.normal((4, 6), loc=loc, key=k, chunks=(4, 3)).name != a.name
    assert krd.normal((4, 6), key=k, dtype=F16, chunks=2).name != krd.normal(
        (4, 6), key=k, chunks=2).name
    kr.seed(0)
    c = krd.gumbel((5,), chunks=2)
    kr.seed(0)
    assert krd.gumbel((5,), chunks=2).name == c.name


# ----------------------------------------------------------------------------- graph size

def test_overlapping_byte_runs_are_not_the_whole_stream():
    """Regression: a block of narrow bits whose word runs overlap (and so cover as many words as
    the stream has) must not be taken for the whole stream (found by hypothesis)."""
    k = kr.key(0)
    x = krd.bits((3, 5), width=1, key=k, chunks=((2, 1), (1, 4)))
    assert_same_bits(x.compute(scheduler="sync"), kr.bits((3, 5), width=1, key=k))


def test_graph_of_2_to_32_elements_is_small():
    """O(blocks) graphs: 2**32 elements in 256 blocks, and 4096 small blocks, stay small."""
    k = kr.key(1)
    shape = (2**16, 2**16)  # 2**32 elements: the most one key covers (§3.3)
    x = krd.normal(shape, key=k, chunks=(2**8, -1))  # 256 blocks of 2**24
    assert x.npartitions == 256
    graph = dict(x.__dask_graph__())
    assert len(graph) == 256
    size = len(pickle.dumps(graph))
    assert size < 1_000_000, size
    y = krd.uniform(0, np.ones(2**16, np.float32), shape, key=k, chunks=(2**10, 2**10))
    assert y.npartitions == 4096
    assert len(pickle.dumps(dict(y.__dask_graph__()))) < 5_000_000


def test_more_than_2_to_32_words_builds_blocks_of_its_own():
    """Past 2**32 words per key the stream continues (§3.3): graphs build, blocks compute."""
    k = kr.key(0)
    shape = (641, 6700417)  # 2**32 + 1 elements
    x = krd.normal(shape, key=k, chunks=(64, 2**20))
    want = samplers.sample_range("normal", shape, k, 639 * shape[1], 641 * shape[1])
    np.testing.assert_array_equal(x[-2:, -3:].compute(), want.reshape(2, -1)[:, -3:])
    assert krd.normal((2**16, 2**15 + 1), dtype=C64, key=k, chunks=2**20).size == 2**31 + 2**16
    assert krd.bits((2**17, 2**17 + 1), width=1, key=k, chunks=(2**10, -1)).npartitions == 128
    with pytest.raises(ValueError, match=r"\[categorical\] shape: .* at most 2\*\*32"):
        krd.categorical(np.zeros(3, np.float32), shape=shape, key=k, chunks=2**20)


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("chunks, exc, match", [
    ((2, 2), ValueError, r"\[uniform\] chunks: the blocks of axis 0 \(2, 2\) sum to 4"),
    (((3, 3), (5,)), ValueError, "2 entries for an array of 1 dimensions"),
    (2.5, TypeError, r"\[uniform\] chunks must be 'auto', an int"),
    ((2.0,), TypeError, r"\[uniform\] chunks must be"),
    (((2.0, 8),), TypeError, r"\[uniform\] chunks: explicit block sizes must be ints"),
    (True, TypeError, r"\[uniform\] chunks must contain ints, not bool"),
    (None, TypeError, r"\[uniform\] chunks must be"),
    (0, ValueError, r"\[uniform\] chunks: block size 0 for axis 0 must be positive"),
    (-2, ValueError, r"\[uniform\] chunks: block size -2"),
    ("big", ValueError, r"\[uniform\] chunks: unknown chunk spec 'big'"),
    (((12, -2),), ValueError, r"\[uniform\] chunks: negative block size"),
    ({0: 2}, TypeError, r"\[uniform\] chunks must be"),
])
def test_bad_chunks(chunks, exc, match):
    with pytest.raises(exc, match=match):
        krd.uniform(shape=(10,), key=kr.key(0), chunks=chunks)


def test_bad_chunks_nd():
    with pytest.raises(ValueError, match=r"\[normal\] chunks: 3 entries for an array of 2"):
        krd.normal((4, 5), key=kr.key(0), chunks=(2, 2, 2))
    with pytest.raises(ValueError, match=r"\[normal\] chunks: the blocks of axis 1 \(2, 2\)"):
        krd.normal((4, 5), key=kr.key(0), chunks=(2, (2, 2)))
    with pytest.raises(ValueError, match=r"\[gumbel\] chunks"):
        krd.gumbel((), key=kr.key(0), chunks=(1,))


#: (function, arguments, the class MLX 0.32.4 raises for it)
BAD_CALLS = [
    ("uniform", {"shape": (3,), "dtype": np.int32}, ValueError),
    ("uniform", {"shape": (3,), "dtype": np.float64}, RuntimeError),
    ("uniform", {"low": np.zeros((2, 3)), "shape": (3,)}, ValueError),
    ("uniform", {"low": np.zeros(4), "high": np.ones(3), "shape": (3,)}, ValueError),
    ("uniform", {"low": None, "shape": (3,)}, TypeError),
    ("randint", {"low": np.zeros(4, np.int32), "high": np.ones(3, np.int32), "shape": (3,)},
     ValueError),
    ("truncated_normal", {"lower": np.zeros(4), "upper": np.ones(3), "shape": (3,)}, ValueError),
    ("normal", {"shape": (-1, 3), "loc": np.zeros(3)}, ValueError),
    ("categorical", {"logits": np.zeros((2, 3)), "shape": (-4, 5)}, ValueError),
    ("uniform", {"low": [0, 1], "shape": (2,)}, ValueError),
    ("uniform", {"shape": (3,), "dtype": "nonsense"}, TypeError),
    ("uniform", {"shape": (-3, 2)}, ValueError),
    ("uniform", {"shape": 3}, TypeError),
    ("normal", {"shape": (3,), "dtype": np.int8}, ValueError),
    ("normal", {"shape": (3,), "loc": np.zeros(4)}, ValueError),
    ("normal", {"shape": (3,), "key_override": np.zeros(2, np.int32)}, ValueError),
    ("normal", {"shape": (3,), "key_override": np.zeros(3, np.uint32)}, ValueError),
    ("normal", {"shape": (3,), "stream": "cpu"}, TypeError),
    ("truncated_normal", {"lower": np.zeros(3), "upper": np.ones(4)}, ValueError),
    ("truncated_normal", {"lower": 0.0, "upper": 1.0, "shape": (2,), "dtype": np.int32},
     ValueError),
    ("laplace", {"shape": (3,), "loc": np.zeros(3)}, TypeError),
    ("laplace", {"shape": (3,), "dtype": np.int32}, ValueError),
    ("bernoulli", {"p": 1, "shape": (3,)}, ValueError),
    ("bernoulli", {"p": np.full(4, 0.5), "shape": (3,)}, ValueError),
    ("bernoulli", {"p": np.full((2, 3), 0.5), "shape": (3,)}, ValueError),
    ("randint", {"low": 0, "high": 2**64, "shape": (3,)}, RuntimeError),
    ("randint", {"low": 0, "high": 5, "shape": (3,), "dtype": np.float32}, ValueError),
    ("randint", {"low": np.zeros((2, 3), np.int32), "high": 5, "shape": (3,)}, ValueError),
    ("gumbel", {"shape": (3,), "dtype": np.float64}, RuntimeError),
    ("bits", {"shape": (3,), "width": 3}, ValueError),
    ("categorical", {"logits": np.zeros((2, 3)), "axis": 2}, IndexError),
    ("categorical", {"logits": np.zeros((2, 3)), "shape": (4,)}, ValueError),
    ("categorical", {"logits": np.zeros((2, 3)), "shape": (2,), "num_samples": 2}, ValueError),
    ("categorical", {"logits": np.zeros((2, 0))}, ValueError),
    ("categorical", {"logits": np.zeros((3, 5)), "shape": (0, 3)}, ValueError),
    ("categorical", {"logits": [1.0, 2.0]}, TypeError),
    ("multivariate_normal", {"mean": np.zeros(3), "cov": np.eye(4)}, ValueError),
    ("multivariate_normal", {"mean": np.zeros(3), "cov": np.eye(3), "dtype": np.float16},
     ValueError),
]


@pytest.mark.parametrize("fn, kwargs, cls", BAD_CALLS)
def test_errors_match_in_memory(fn, kwargs, cls):
    kwargs = dict(kwargs)
    key = kwargs.pop("key_override", kr.key(0))
    with pytest.raises(cls) as want:
        getattr(kr, fn)(**kwargs, key=key)
    with pytest.raises(cls) as got:
        getattr(krd, fn)(**kwargs, key=key, chunks="auto")
    assert type(want.value) is cls and type(got.value) is cls
    assert str(got.value) == str(want.value)


def test_uint32_randint_with_out_of_range_float_bounds_is_refused():
    k = kr.key(0)
    with pytest.raises(ValueError, match=r"\[randint\] low: with dtype uint32.*position"):
        krd.randint(np.full(4, -3e9), 5, (4,), dtype=np.uint32, key=k)
    x = krd.randint(da.full(4, -3e9, chunks=2), 5, (4,), dtype=np.uint32, key=k)
    with pytest.raises(ValueError, match="position"):
        x.compute(scheduler="sync")
    with pytest.raises(ValueError, match=r"\[bits\] key: keyrand.dask draws from one key"):
        krd.bits((3,), key=np.zeros((2, 2), np.uint32))


# ----------------------------------------------------------------------------- MLX

@needs_mlx
def test_equals_mlx():
    x = krd.normal((37, 53), key=kr.key(2024), chunks=(10, 7)).compute()
    want = from_mlx(mx.random.normal((37, 53), key=mx.random.key(2024)))
    assert_same_bits(x, want)
    b = krd.uniform(0, 10, (5, 9, 4), dtype=BF16, key=kr.key(3), chunks=(2, 3, 1)).compute()
    assert_same_bits(b, from_mlx(mx.random.uniform(0, 10, (5, 9, 4), dtype=mx.bfloat16,
                                                   key=mx.random.key(3))))


# ----------------------------------------------------------------------------- distributed

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        c.wait_for_workers(2)
        yield c


def test_local_cluster_equals_local(client):
    assert len(client.scheduler_info()["workers"]) == 2
    k = kr.key(31)
    loc = np.linspace(-1, 1, 300)
    x = krd.normal((500, 300), loc=loc, key=k, chunks=(70, 110))
    y = krd.randint(-2**33, 2**33, (333, 7), dtype=np.uint32, key=k, chunks=(50, 3))
    z = krd.categorical(np.random.default_rng(0).standard_normal((40, 30, 6)), key=k,
                        chunks=(7, 11))
    got = client.compute([x, y, z], sync=True)
    local = [a.compute(scheduler="threads") for a in (x, y, z)]
    want = [kr.normal((500, 300), loc=loc, key=k),
            kr.randint(-2**33, 2**33, (333, 7), dtype=np.uint32, key=k),
            kr.categorical(np.random.default_rng(0).standard_normal((40, 30, 6)), key=k)]
    for g, loc_, w in zip(got, local, want, strict=True):
        assert_same_bits(g, w)
        assert_same_bits(loc_, w)
    # Work spread over both workers.
    assert sum(1 for v in client.run(lambda: 1).values()) == 2


def test_worker_loss_gives_identical_result(client):
    distributed = pytest.importorskip("distributed")
    k = kr.key(2025)
    shape = (64, 4096)
    x = krd.normal(shape, key=k, chunks=(4, -1))  # 16 blocks
    gate = distributed.Event("keyrand-worker-loss-gate")
    gate.clear()

    def gated(block, block_info=None):
        # The first half finishes at once; the second half waits until a worker is lost,
        # so the computation is certainly unfinished when the crash comes (no timing).
        if block_info[0]["chunk-location"][0] >= 8:
            distributed.Event("keyrand-worker-loss-gate").wait(timeout=120)
        return block

    y = x.map_blocks(gated, dtype=x.dtype)
    pids = client.run(os.getpid)
    fut = client.compute(y)
    holders: list[str] = []
    for _ in range(6000):  # poll until some worker holds finished blocks (at most ~2 min)
        holders = sorted(w for w, keys in client.has_what().items() if keys)
        if holders:
            break
        time.sleep(0.02)
    assert holders, "no block finished"
    victim = holders[0]
    assert not fut.done()

    async def crash():  # a crash, not a clean retirement (wait=False needs a coroutine)
        os._exit(1)

    client.run(crash, workers=[victim], wait=False)
    gate.set()
    got = fut.result(timeout=120)
    assert_same_bits(got, kr.normal(shape, key=k))
    client.wait_for_workers(2, timeout=60)
    assert pids[victim] not in client.run(os.getpid).values(), "no worker was lost"
