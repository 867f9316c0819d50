"""``out=``: every public sampler writes its draw into a caller's array.

The values written must be those the same call returns without ``out``, bit
for bit; a kernel that writes the output dtype fills the array directly (no
temporary), and a wrong array is refused with the error naming ``[fn] out``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_same_bits
from dist_cases import CASES, DISCRETE
from hypothesis import given, settings
from hypothesis import strategies as hs

import keyrand as kr
from keyrand import _gpu, _spec
from keyrand._registry import SAMPLERS

#: MLX's samplers, bits, split and the samplers tests/dist_cases.py leaves out.
MLX_CALLS: dict[str, list[dict]] = {
    "bits": [{"shape": (5, 7)}, {"shape": (9,), "width": 2}, {"shape": (6,), "width": 1}],
    "uniform": [{"shape": (4, 6)}, {"shape": (3,), "dtype": kr.bfloat16},
                {"low": np.array([0.0, 1.0, 2.0]), "high": 5.0, "shape": (2, 3)}],
    "normal": [{"shape": (11,)}, {"shape": (3, 2), "dtype": np.float16},
               {"shape": (4,), "loc": 1.0, "scale": 2.0}],
    "truncated_normal": [{"lower": -1.0, "upper": 2.0, "shape": (10,)}],
    "gumbel": [{"shape": (8,)}],
    "laplace": [{"shape": (8,)}],
    "bernoulli": [{"p": 0.3, "shape": (12,)}],
    "randint": [{"low": 0, "high": 100, "shape": (10,)},
                {"low": 0, "high": 9, "shape": (5,), "dtype": np.int8}],
    "categorical": [{"logits": np.log(np.array([[0.2, 0.3, 0.5]] * 4))}],
    "permutation": [{"x": 20}, {"x": np.arange(12).reshape(3, 4), "axis": 1}],
    "multivariate_normal": [{"mean": np.zeros(2), "cov": np.eye(2), "shape": (3,)}],
    "split": [{"num": 3}],
    "integers": [{"low": 0, "high": 1000, "shape": (9,)}, {"low": -5, "high": 5, "shape": (4,),
                                                           "dtype": np.int16}],
    "permuted": [{"x": np.arange(12).reshape(3, 4), "axis": 1}],
}


def _calls():
    for name in SAMPLERS:
        if name in MLX_CALLS:
            for j, kw in enumerate(MLX_CALLS[name]):
                yield pytest.param(name, kw, id=f"{name}-{j}")
        else:
            kw = dict(CASES[name][0])
            if name in DISCRETE:
                kw["dtype"] = np.int32
            if name not in ("orthogonal", "ball", "multivariate_hypergeometric"):
                kw["shape"] = (2, 3) if name != "dirichlet" and name != "multinomial" else (4,)
            yield pytest.param(name, kw, id=f"{name}-0")


def test_every_sampler_has_a_call():
    names = {p.values[0] for p in _calls()}
    assert names == set(SAMPLERS)


@pytest.mark.parametrize("name, kw", list(_calls()))
def test_out_receives_the_draw(name, kw):
    fn = getattr(kr, name)
    key = kr.key(11)
    want = fn(**kw, key=key)
    out = np.full(want.shape, 7, want.dtype)
    got = fn(**kw, key=key, out=out)
    assert got is out
    assert_same_bits(out, want)


@pytest.mark.parametrize("name, kw", [
    ("uniform", {"shape": (1000,)}), ("normal", {"shape": (33, 3)}),
    ("bits", {"shape": (257,)}), ("gumbel", {"shape": (40,)}),
])
def test_direct_kernels_fill_out_without_a_temporary(name, kw, monkeypatch):
    # These draws are their kernel's values in the output dtype: with out= no block runs.
    want = getattr(kr, name)(**kw, key=kr.key(3))

    def no_block(*args, **kwargs):
        raise AssertionError("out= went through a temporary")

    monkeypatch.setattr(_spec, "run_block", no_block)
    out = np.empty_like(want)
    getattr(kr, name)(**kw, key=kr.key(3), out=out)
    assert_same_bits(out, want)


@settings(max_examples=30, deadline=None)
@given(shape=hs.lists(hs.integers(0, 6), max_size=3).map(tuple), seed=hs.integers(0, 2**32 - 1),
       name=hs.sampled_from(["uniform", "normal", "bits", "exponential", "poisson"]))
def test_out_any_shape(shape, seed, name):
    kw = {"lam": 3.0} if name == "poisson" else {}
    want = getattr(kr, name)(**kw, shape=shape, key=kr.key(seed))
    out = np.empty(shape, want.dtype)
    assert getattr(kr, name)(**kw, shape=shape, key=kr.key(seed), out=out) is out
    assert_same_bits(out, want)


def test_out_with_a_key_batch():
    keys = kr.split(kr.key(5), 3)
    want = kr.bits((4,), key=keys)
    out = np.empty((3, 4), np.uint32)
    kr.bits((4,), key=keys, out=out)
    assert_same_bits(out, want)


@pytest.mark.parametrize("bad, error, words", [
    (np.empty((3, 4), np.float64), TypeError, "dtype float64"),
    (np.empty((4, 3), np.float32), ValueError, "shape (4, 3)"),
    (np.empty(12, np.float32), ValueError, "shape (12,)"),
    (np.empty((3, 8), np.float32)[:, ::2], ValueError, "C-contiguous"),
    (np.empty((4, 3), np.float32).T, ValueError, "C-contiguous"),
    ([[0.0] * 4] * 3, TypeError, "a NumPy array"),
])
def test_bad_out(bad, error, words):
    with pytest.raises(error, match=r"\[uniform\] out") as err:
        kr.uniform(shape=(3, 4), key=kr.key(1), out=bad)
    assert words in str(err.value)


def test_read_only_out():
    out = np.empty(5, np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match=r"\[normal\] out must be C-contiguous and writeable"):
        kr.normal(shape=(5,), key=kr.key(1), out=out)


def test_out_is_keyword_only_and_documented():
    import inspect

    for name in SAMPLERS:
        fn = getattr(kr, name)
        p = inspect.signature(fn).parameters["out"]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None
        assert "out: An array to write the draw into" in fn.__doc__, name
    with pytest.raises(TypeError):
        kr.uniform(0, 1, (3,), np.float32, kr.key(0), None, np.empty(3, np.float32))


def _gpu_ready() -> bool:
    try:
        return _gpu.cupy is not None and _gpu.cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no driver / no device
        return False


@pytest.mark.gpu
@pytest.mark.skipif(not _gpu_ready(), reason="needs CuPy and a CUDA GPU")
@pytest.mark.parametrize("name, kw", [("uniform", {"shape": (1000,)}), ("bits", {"shape": (77,)}),
                                      ("gamma", {"a": 2.0, "shape": (50,)}),
                                      ("normal", {"shape": (9,), "dtype": np.float16})])
def test_out_on_the_gpu(name, kw):
    cp = _gpu.cupy
    gpu = kr.Device(kr.gpu, 0)
    want = getattr(kr, name)(**kw, key=kr.key(2), stream=kr.cpu)
    out = cp.empty(want.shape, want.dtype)
    assert getattr(kr, name)(**kw, key=kr.key(2), stream=gpu, out=out) is out
    assert_same_bits(cp.asnumpy(out), want)
    with pytest.raises(TypeError, match=rf"\[{name}\] out must be a CuPy array on gpu 0"):
        getattr(kr, name)(**kw, key=kr.key(2), stream=gpu, out=np.empty_like(want))
