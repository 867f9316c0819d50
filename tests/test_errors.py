"""Errors: the same exception classes as MLX 0.32.4, clear messages, no crashes.

``test_error_parity`` runs every row of docs/algorithms.md §7 (its table) in both libraries. The
fuzz tests throw random bad arguments at every public function and require a
clean exception of an expected class, quickly, and never a silent result.
"""

from __future__ import annotations

import functools
import math
import subprocess
import sys
import tracemalloc
import types
import warnings

import numpy as np
import pytest
from conftest import assert_same_bits, from_mlx, mx, needs_mlx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import keyrand as kr
from keyrand._checks import check_words

EXPECTED = (ValueError, TypeError, IndexError, OverflowError, RuntimeError)
F32 = np.float32
K = kr.key(7)


def _mk():
    return mx.random.key(7)


def _z(*shape, dtype=F32):
    return np.zeros(shape, dtype)


def _mz(*shape, dtype=None):
    return mx.zeros(shape, dtype=dtype or mx.float32)


# (id, keyrand call, MLX call, keyrand function, argument named in the message)
PARITY = [
    # key validation
    ("key dtype int32", lambda: kr.uniform(key=np.array([1, 2], np.int32)),
     lambda: mx.random.uniform(key=mx.array([1, 2])), "uniform", "key"),
    ("key dtype float32", lambda: kr.normal(key=np.array([1, 2], F32)),
     lambda: mx.random.normal(key=mx.array([1.0, 2.0])), "normal", "key"),
    ("key shape (3,)", lambda: kr.gumbel(key=np.zeros(3, np.uint32)),
     lambda: mx.random.gumbel(key=mx.zeros((3,), mx.uint32)), "gumbel", "key"),
    ("key shape (1, 2)", lambda: kr.laplace(key=np.zeros((1, 2), np.uint32)),
     lambda: mx.random.laplace(key=mx.zeros((1, 2), mx.uint32)), "laplace", "key"),
    ("key batch (4, 2)", lambda: kr.uniform(key=np.zeros((4, 2), np.uint32)),
     lambda: mx.random.uniform(key=mx.zeros((4, 2), mx.uint32)), "uniform", "key"),
    ("split key dtype", lambda: kr.split(np.array([1, 2], np.int32)),
     lambda: mx.random.split(mx.array([1, 2])), "split", "key"),
    ("split key shape", lambda: kr.split(np.zeros(3, np.uint32)),
     lambda: mx.random.split(mx.zeros((3,), mx.uint32)), "split", "key"),
    ("randint key 0-d", lambda: kr.randint(0, 5, key=np.uint32(3)),
     lambda: mx.random.randint(0, 5, key=mx.array(3, mx.uint32)), "randint", "key"),
    # negative dimensions
    ("uniform negative", lambda: kr.uniform(shape=(-1,)),
     lambda: mx.random.uniform(shape=(-1,)), "uniform", "shape"),
    ("normal negative", lambda: kr.normal((2, -3)), lambda: mx.random.normal((2, -3)),
     "normal", "shape"),
    ("normal complex negative", lambda: kr.normal((-2,), np.complex64),
     lambda: mx.random.normal((-2,), mx.complex64), "normal", "shape"),
    ("gumbel negative", lambda: kr.gumbel((-1, 0)), lambda: mx.random.gumbel((-1, 0)),
     "gumbel", "shape"),
    ("laplace negative", lambda: kr.laplace((-5,)), lambda: mx.random.laplace((-5,)),
     "laplace", "shape"),
    ("bernoulli negative", lambda: kr.bernoulli(0.5, (-1,)),
     lambda: mx.random.bernoulli(0.5, (-1,)), "bernoulli", "shape"),
    ("randint negative", lambda: kr.randint(0, 3, (-1,)),
     lambda: mx.random.randint(0, 3, (-1,)), "randint", "shape"),
    ("truncated_normal negative", lambda: kr.truncated_normal(0.0, 1.0, (-1,)),
     lambda: mx.random.truncated_normal(0.0, 1.0, (-1,)), "truncated_normal", "shape"),
    ("split negative", lambda: kr.split(K, -1), lambda: mx.random.split(_mk(), -1),
     "split", "num"),
    ("permutation negative", lambda: kr.permutation(-1), lambda: mx.random.permutation(-1),
     "permutation", "x"),
    ("categorical num_samples negative", lambda: kr.categorical(_z(3), num_samples=-2),
     lambda: mx.random.categorical(_mz(3), num_samples=-2), "categorical", "num_samples"),
    ("multivariate_normal negative", lambda: kr.multivariate_normal(_z(2), np.eye(2, dtype=F32),
                                                                    (-1,)),
     lambda: mx.random.multivariate_normal(_mz(2), mx.eye(2), (-1,)),
     "multivariate_normal", "shape"),
    # shape conversion (before any key is drawn)
    ("shape bare int", lambda: kr.uniform(shape=2), lambda: mx.random.uniform(shape=2),
     "uniform", "shape"),
    ("shape None", lambda: kr.normal(None), lambda: mx.random.normal(None), "normal", "shape"),
    ("shape floats", lambda: kr.gumbel((2.0,)), lambda: mx.random.gumbel((2.0,)),
     "gumbel", "shape"),
    ("shape str", lambda: kr.laplace("ab"), lambda: mx.random.laplace("ab"), "laplace",
     "shape"),
    ("shape element > int32", lambda: kr.uniform(shape=(2**31,)),
     lambda: mx.random.uniform(shape=(2**31,)), "uniform", "shape"),
    ("shape element < int32", lambda: kr.randint(0, 1, (-(2**31) - 1,)),
     lambda: mx.random.randint(0, 1, (-(2**31) - 1,)), "randint", "shape"),
    # dtypes
    ("uniform int dtype", lambda: kr.uniform(dtype=np.int32),
     lambda: mx.random.uniform(dtype=mx.int32), "uniform", "dtype"),
    ("uniform complex dtype", lambda: kr.uniform(dtype=np.complex64),
     lambda: mx.random.uniform(dtype=mx.complex64), "uniform", "dtype"),
    ("gumbel int dtype", lambda: kr.gumbel(dtype=np.uint8),
     lambda: mx.random.gumbel(dtype=mx.uint8), "gumbel", "dtype"),
    ("uniform float64", lambda: kr.uniform(dtype=np.float64),
     lambda: mx.random.uniform(dtype=mx.float64), "uniform", "dtype"),
    ("gumbel float64", lambda: kr.gumbel(dtype=np.float64),
     lambda: mx.random.gumbel(dtype=mx.float64), "gumbel", "dtype"),
    ("truncated_normal float64", lambda: kr.truncated_normal(0.0, 1.0, dtype=np.float64),
     lambda: mx.random.truncated_normal(0.0, 1.0, dtype=mx.float64), "truncated_normal",
     "dtype"),
    ("gumbel float64 negative shape", lambda: kr.gumbel((-1,), np.float64),
     lambda: mx.random.gumbel((-1,), mx.float64), "gumbel", "dtype"),
    ("uniform float64 negative shape", lambda: kr.uniform(shape=(-1,), dtype=np.float64),
     lambda: mx.random.uniform(shape=(-1,), dtype=mx.float64), "uniform", "dtype"),
    ("normal int dtype", lambda: kr.normal(dtype=np.int32),
     lambda: mx.random.normal(dtype=mx.int32), "normal", "dtype"),
    ("normal bool dtype", lambda: kr.normal(dtype=np.bool_),
     lambda: mx.random.normal(dtype=mx.bool_), "normal", "dtype"),
    ("laplace int dtype", lambda: kr.laplace(dtype=np.int32),
     lambda: mx.random.laplace(dtype=mx.int32), "laplace", "dtype"),
    ("laplace complex dtype", lambda: kr.laplace(dtype=np.complex64),
     lambda: mx.random.laplace(dtype=mx.complex64), "laplace", "dtype"),
    ("truncated_normal int dtype", lambda: kr.truncated_normal(0.0, 1.0, dtype=np.int32),
     lambda: mx.random.truncated_normal(0.0, 1.0, dtype=mx.int32), "truncated_normal",
     "dtype"),
    ("randint float dtype", lambda: kr.randint(0, 3, dtype=F32),
     lambda: mx.random.randint(0, 3, dtype=mx.float32), "randint", "dtype"),
    ("randint complex dtype", lambda: kr.randint(0, 3, dtype=np.complex64),
     lambda: mx.random.randint(0, 3, dtype=mx.complex64), "randint", "dtype"),
    ("multivariate_normal dtype", lambda: kr.multivariate_normal(
        _z(2), np.eye(2, dtype=F32), dtype=np.float16),
     lambda: mx.random.multivariate_normal(_mz(2), mx.eye(2), dtype=mx.float16),
     "multivariate_normal", "dtype"),
    # bernoulli's p
    ("bernoulli int p", lambda: kr.bernoulli(1), lambda: mx.random.bernoulli(1),
     "bernoulli", "p"),
    ("bernoulli bool p", lambda: kr.bernoulli(True), lambda: mx.random.bernoulli(True),
     "bernoulli", "p"),
    ("bernoulli int array p", lambda: kr.bernoulli(np.zeros(3, np.int32)),
     lambda: mx.random.bernoulli(mx.zeros((3,), mx.int32)), "bernoulli", "p"),
    ("bernoulli complex p", lambda: kr.bernoulli(0.5 + 0j),
     lambda: mx.random.bernoulli(0.5 + 0j), "bernoulli", "p"),
    # broadcasting
    ("uniform not broadcastable", lambda: kr.uniform(_z(3), 1.0, (2,)),
     lambda: mx.random.uniform(_mz(3), 1.0, (2,)), "uniform", "low"),
    ("normal not broadcastable", lambda: kr.normal((2,), loc=_z(3)),
     lambda: mx.random.normal((2,), loc=_mz(3)), "normal", "loc"),
    ("normal scale not broadcastable", lambda: kr.normal((2,), np.complex64, scale=_z(3)),
     lambda: mx.random.normal((2,), mx.complex64, scale=_mz(3)), "normal", "scale"),
    ("bernoulli not broadcastable", lambda: kr.bernoulli(_z(3), (2,)),
     lambda: mx.random.bernoulli(_mz(3), (2,)), "bernoulli", "p"),
    ("randint not broadcastable", lambda: kr.randint(np.zeros(3, np.int32), 5, (2,)),
     lambda: mx.random.randint(mx.zeros((3,), mx.int32), 5, (2,)), "randint", "low"),
    ("truncated_normal bounds", lambda: kr.truncated_normal(_z(3), _z(2)),
     lambda: mx.random.truncated_normal(_mz(3), _mz(2)), "truncated_normal", "lower"),
    ("truncated_normal shape", lambda: kr.truncated_normal(_z(3), 1.0, (2,)),
     lambda: mx.random.truncated_normal(_mz(3), 1.0, (2,)), "truncated_normal", "lower"),
    ("categorical shape not broadcastable", lambda: kr.categorical(_z(2, 3), shape=(3,)),
     lambda: mx.random.categorical(_mz(2, 3), shape=(3,)), "categorical", "shape"),
    ("multivariate_normal batch", lambda: kr.multivariate_normal(_z(3, 2), _z(4, 2, 2)),
     lambda: mx.random.multivariate_normal(_mz(3, 2), _mz(4, 2, 2)), "multivariate_normal",
     "shape"),
    # parameters that would enlarge the output
    ("uniform enlarges", lambda: kr.uniform(_z(3), 1.0, (1,)),
     lambda: mx.random.uniform(_mz(3), 1.0, (1,)), "uniform", "low"),
    ("uniform enlarges ndim", lambda: kr.uniform(0.0, _z(2, 3), (3,)),
     lambda: mx.random.uniform(0.0, _mz(2, 3), (3,)), "uniform", "high"),
    ("randint enlarges", lambda: kr.randint(0, np.ones(3, np.int32), ()),
     lambda: mx.random.randint(0, mx.ones((3,), mx.int32), ()), "randint", "high"),
    ("truncated_normal enlarges", lambda: kr.truncated_normal(_z(3), 1.0, (1,)),
     lambda: mx.random.truncated_normal(_mz(3), 1.0, (1,)), "truncated_normal", "lower"),
    ("bernoulli enlarges", lambda: kr.bernoulli(_z(3), (1,)),
     lambda: mx.random.bernoulli(_mz(3), (1,)), "bernoulli", "p"),
    # categorical
    ("categorical shape and num_samples", lambda: kr.categorical(_z(3), shape=(2,),
                                                                  num_samples=2),
     lambda: mx.random.categorical(_mz(3), shape=(2,), num_samples=2), "categorical",
     "num_samples"),
    ("categorical bad axis", lambda: kr.categorical(_z(3), axis=1),
     lambda: mx.random.categorical(_mz(3), axis=1), "categorical", "axis"),
    ("categorical bad negative axis", lambda: kr.categorical(_z(2, 3), axis=-3),
     lambda: mx.random.categorical(_mz(2, 3), axis=-3), "categorical", "axis"),
    ("categorical 0-d logits", lambda: kr.categorical(_z()),
     lambda: mx.random.categorical(_mz()), "categorical", "axis"),
    ("categorical shape smaller", lambda: kr.categorical(_z(2, 3), shape=(1,)),
     lambda: mx.random.categorical(_mz(2, 3), shape=(1,)), "categorical", "shape"),
    ("categorical zero classes", lambda: kr.categorical(_z(2, 0)),
     lambda: mx.random.categorical(_mz(2, 0)), "categorical", "logits"),
    ("categorical zero-size logits", lambda: kr.categorical(_z(0, 3)),
     lambda: mx.random.categorical(_mz(0, 3)), "categorical", "logits"),
    ("categorical no classes 1-d", lambda: kr.categorical(_z(0), num_samples=3),
     lambda: mx.random.categorical(_mz(0), num_samples=3), "categorical", "logits"),
    ("categorical axis float", lambda: kr.categorical(_z(3), axis=0.0),
     lambda: mx.random.categorical(_mz(3), axis=0.0), "categorical", "axis"),
    ("categorical num_samples float", lambda: kr.categorical(_z(3), num_samples=2.0),
     lambda: mx.random.categorical(_mz(3), num_samples=2.0), "categorical", "num_samples"),
    ("categorical logits list", lambda: kr.categorical([0.0, 1.0]),
     lambda: mx.random.categorical([0.0, 1.0]), "categorical", "logits"),
    # permutation
    ("permutation bad axis", lambda: kr.permutation(_z(3), axis=1),
     lambda: mx.random.permutation(_mz(3), axis=1), "permutation", "axis"),
    ("permutation bad negative axis", lambda: kr.permutation(_z(3, 2), axis=-3),
     lambda: mx.random.permutation(_mz(3, 2), axis=-3), "permutation", "axis"),
    ("permutation 0-d", lambda: kr.permutation(_z()), lambda: mx.random.permutation(_mz()),
     "permutation", "axis"),
    ("permutation axis float", lambda: kr.permutation(_z(3), axis=0.0),
     lambda: mx.random.permutation(_mz(3), axis=0.0), "permutation", "axis"),
    ("permutation float x", lambda: kr.permutation(3.0), lambda: mx.random.permutation(3.0),
     "permutation", "x"),
    ("permutation x > int32", lambda: kr.permutation(2**31),
     lambda: mx.random.permutation(2**31), "permutation", "x"),
    # multivariate_normal
    ("multivariate_normal 0-d mean", lambda: kr.multivariate_normal(_z(), np.eye(2, dtype=F32)),
     lambda: mx.random.multivariate_normal(_mz(), mx.eye(2)), "multivariate_normal", "mean"),
    ("multivariate_normal 1-d cov", lambda: kr.multivariate_normal(_z(2), _z(2)),
     lambda: mx.random.multivariate_normal(_mz(2), _mz(2)), "multivariate_normal", "cov"),
    ("multivariate_normal non-square", lambda: kr.multivariate_normal(_z(2), _z(2, 3)),
     lambda: mx.random.multivariate_normal(_mz(2), _mz(2, 3)), "multivariate_normal", "cov"),
    ("multivariate_normal mismatch", lambda: kr.multivariate_normal(_z(3), _z(2, 2)),
     lambda: mx.random.multivariate_normal(_mz(3), _mz(2, 2)), "multivariate_normal", "mean"),
    # Python values for scalar-or-array parameters
    ("uniform list", lambda: kr.uniform([0.0, 1.0], 2.0),
     lambda: mx.random.uniform([0.0, 1.0], 2.0), "uniform", "low"),
    ("uniform tuple", lambda: kr.uniform(0.0, (1.0,)), lambda: mx.random.uniform(0.0, (1.0,)),
     "uniform", "high"),
    ("uniform str", lambda: kr.uniform("0", 1.0), lambda: mx.random.uniform("0", 1.0),
     "uniform", "low"),
    ("uniform None", lambda: kr.uniform(None, 1.0), lambda: mx.random.uniform(None, 1.0),
     "uniform", "low"),
    ("normal list loc", lambda: kr.normal(loc=[0.0]), lambda: mx.random.normal(loc=[0.0]),
     "normal", "loc"),
    ("normal dict scale", lambda: kr.normal(scale={}), lambda: mx.random.normal(scale={}),
     "normal", "scale"),
    ("bernoulli list", lambda: kr.bernoulli([0.5]), lambda: mx.random.bernoulli([0.5]),
     "bernoulli", "p"),
    ("truncated_normal list", lambda: kr.truncated_normal([0.0], 1.0),
     lambda: mx.random.truncated_normal([0.0], 1.0), "truncated_normal", "lower"),
    ("randint list", lambda: kr.randint(0, [3]), lambda: mx.random.randint(0, [3]),
     "randint", "high"),
    ("randint object", lambda: kr.randint(object(), 3), lambda: mx.random.randint(object(), 3),
     "randint", "low"),
    ("laplace str loc", lambda: kr.laplace(loc="1"), lambda: mx.random.laplace(loc="1"),
     "laplace", "loc"),
    ("laplace complex scale", lambda: kr.laplace(scale=1j), lambda: mx.random.laplace(scale=1j),
     "laplace", "scale"),
    ("laplace array loc", lambda: kr.laplace(loc=_z(2)), lambda: mx.random.laplace(loc=_mz(2)),
     "laplace", "loc"),
    ("laplace None scale", lambda: kr.laplace(scale=None),
     lambda: mx.random.laplace(scale=None), "laplace", "scale"),
    ("laplace huge int loc", lambda: kr.laplace(loc=2**1100),
     lambda: mx.random.laplace(loc=2**1100), "laplace", "loc"),
    # ints beyond int64
    ("randint high 2**63", lambda: kr.randint(0, 2**63), lambda: mx.random.randint(0, 2**63),
     "randint", "high"),
    ("randint low -2**63-1", lambda: kr.randint(-(2**63) - 1, 0),
     lambda: mx.random.randint(-(2**63) - 1, 0), "randint", "low"),
    ("uniform high 2**64", lambda: kr.uniform(0, 2**64), lambda: mx.random.uniform(0, 2**64),
     "uniform", "high"),
    ("truncated_normal 2**70", lambda: kr.truncated_normal(0, 2**70),
     lambda: mx.random.truncated_normal(0, 2**70), "truncated_normal", "upper"),
    ("bernoulli 2**64", lambda: kr.bernoulli(2**64), lambda: mx.random.bernoulli(2**64),
     "bernoulli", "p"),
    ("normal loc 2**70", lambda: kr.normal(loc=2**70), lambda: mx.random.normal(loc=2**70),
     "normal", "loc"),
    # seeds and split's num
    ("seed negative", lambda: kr.seed(-1), lambda: mx.random.seed(-1), "seed", "seed"),
    ("seed 2**64", lambda: kr.seed(2**64), lambda: mx.random.seed(2**64), "seed", "seed"),
    ("seed float", lambda: kr.seed(1.0), lambda: mx.random.seed(1.0), "seed", "seed"),
    ("seed str", lambda: kr.seed("1"), lambda: mx.random.seed("1"), "seed", "seed"),
    ("seed None", lambda: kr.seed(None), lambda: mx.random.seed(None), "seed", "seed"),
    ("key negative", lambda: kr.key(-5), lambda: mx.random.key(-5), "key", "seed"),
    ("key 2**64", lambda: kr.key(2**64), lambda: mx.random.key(2**64), "key", "seed"),
    ("key float", lambda: kr.key(0.5), lambda: mx.random.key(0.5), "key", "seed"),
    ("split num float", lambda: kr.split(K, 2.0), lambda: mx.random.split(_mk(), 2.0),
     "split", "num"),
    ("split num > 2**60", lambda: kr.split(K, 2**61), lambda: mx.random.split(_mk(), 2**61),
     "split", "num"),
    ("split key None", lambda: kr.split(None), lambda: mx.random.split(None), "split", "key"),
    ("split key list", lambda: kr.split([0, 1]), lambda: mx.random.split([0, 1]),
     "split", "key"),
    # ints beyond int64 are no ints to MLX's binding; between int32 and int64 they overflow
    ("shape element 2**64", lambda: kr.uniform(shape=(2**64,)),
     lambda: mx.random.uniform(shape=(2**64,)), "uniform", "shape"),
    ("shape element 2**63", lambda: kr.normal((2, 2**63)), lambda: mx.random.normal((2, 2**63)),
     "normal", "shape"),
    ("shape element -2**63-1", lambda: kr.gumbel((-(2**63) - 1,)),
     lambda: mx.random.gumbel((-(2**63) - 1,)), "gumbel", "shape"),
    ("shape uint64 2**63", lambda: kr.laplace((np.uint64(2**63),)),
     lambda: mx.random.laplace((np.uint64(2**63),)), "laplace", "shape"),
    ("shape int64 > int32", lambda: kr.uniform(shape=(np.int64(2**40),)),
     lambda: mx.random.uniform(shape=(np.int64(2**40),)), "uniform", "shape"),
    ("shape 0-d int array > int32", lambda: kr.uniform(shape=(np.array(2**40),)),
     lambda: mx.random.uniform(shape=(np.array(2**40),)), "uniform", "shape"),
    # what has no __index__ is no int: 1-d, float and bool arrays, NumPy bools
    ("shape 0-d array", lambda: kr.uniform(shape=np.array(3)),
     lambda: mx.random.uniform(shape=np.array(3)), "uniform", "shape"),
    ("shape 1-element array entry", lambda: kr.normal((np.array([3]),)),
     lambda: mx.random.normal((np.array([3]),)), "normal", "shape"),
    ("shape 0-d float array entry", lambda: kr.normal((np.array(3.0),)),
     lambda: mx.random.normal((np.array(3.0),)), "normal", "shape"),
    ("shape 0-d bool array entry", lambda: kr.normal((np.array(True),)),
     lambda: mx.random.normal((np.array(True),)), "normal", "shape"),
    ("key 0-d float array", lambda: kr.key(np.array(3.0)), lambda: mx.random.key(np.array(3.0)),
     "key", "seed"),
    ("key 0-d negative array", lambda: kr.key(np.array(-1)), lambda: mx.random.key(np.array(-1)),
     "key", "seed"),
    ("key NumPy bool", lambda: kr.key(np.bool_(True)), lambda: mx.random.key(np.bool_(True)),
     "key", "seed"),
    ("seed 1-d array", lambda: kr.seed(np.array([3])), lambda: mx.random.seed(np.array([3])),
     "seed", "seed"),
    ("split num 1-d array", lambda: kr.split(K, np.array([3])),
     lambda: mx.random.split(_mk(), np.array([3])), "split", "num"),
    ("split num uint64 > 2**60", lambda: kr.split(K, np.uint64(2**61)),
     lambda: mx.random.split(_mk(), np.uint64(2**61)), "split", "num"),
    ("categorical axis 0-d float array", lambda: kr.categorical(_z(3), axis=np.array(0.0)),
     lambda: mx.random.categorical(_mz(3), axis=np.array(0.0)), "categorical", "axis"),
]


def _raised(thunk) -> BaseException | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            thunk()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return e
    return None


@needs_mlx
@pytest.mark.parametrize("row", PARITY, ids=[r[0] for r in PARITY])
def test_error_parity(row):
    """Same exception class as MLX; the message names the function and the argument."""
    _, kfn, mfn, fn, arg = row
    want = _raised(mfn)
    got = _raised(kfn)
    assert want is not None, "MLX accepted this input; the row is wrong"
    assert got is not None, f"keyrand accepted an input MLX refuses with {want!r}"
    assert type(got) is type(want), f"MLX raised {want!r}, keyrand raised {got!r}"
    msg = str(got)
    assert f"[{fn}]" in msg, msg
    assert arg in msg, msg


@needs_mlx
@pytest.mark.parametrize("row", PARITY, ids=[r[0] for r in PARITY])
def test_error_key_consumption(row):
    """A failing call without key= uses a global key exactly when MLX's does (§2.3, §7)."""
    _, kfn, mfn, _, _ = row
    kr.seed(11)
    mx.random.seed(11)
    _raised(kfn)
    _raised(mfn)
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))


@needs_mlx
@pytest.mark.parametrize("value", [True, False, np.uint64(2**64 - 1), np.int64(5), 2**64 - 1])
def test_seed_values_mlx_accepts(value):
    """Python bools are ints to MLX's binding; NumPy ints in range are accepted too."""
    assert np.array_equal(kr.key(value), np.array(mx.random.key(value)))


@needs_mlx
def test_bool_shapes_and_num_are_ints():
    k, mk = kr.key(3), mx.random.key(3)
    assert np.array_equal(kr.uniform(shape=(True, 2), key=k),
                          np.array(mx.random.uniform(shape=(True, 2), key=mk)))
    assert np.array_equal(kr.split(k, True), np.array(mx.random.split(mk, True)))
    assert np.array_equal(kr.permutation(True, key=k), np.array(mx.random.permutation(True,
                                                                                      key=mk)))


@needs_mlx
@pytest.mark.parametrize("loc", [np.float32(1.5), np.array(2.5), True, 3, 1e39])
def test_laplace_accepts_what_mlx_converts_to_float(loc):
    k, mk = kr.key(3), mx.random.key(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = kr.laplace((4,), loc=loc, key=k)
    want = np.array(mx.random.laplace((4,), loc=loc, key=mk))
    np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------------------- counter range

HUGE = [(2**30, 8), (2**31 - 1, 3), (65536, 65537), (2**31 - 1, 2**31 - 1), (3, 2**30, 2)]
#: Past the 2**61 words one key covers (elementwise samplers continue past 2**32 words).
BEYOND = [(2**31 - 1, 2**31 - 1), (2**21, 2**20, 2**21), (2**30, 2**30, 4)]
#: The samplers that keep MLX's 2**32-word limit.
MLX_LIMITED = ("categorical", "multivariate_normal")


def _huge_calls(shape):
    z3 = np.zeros(3, F32)
    return {
        "bits": lambda: kr.bits(shape, key=K),
        "bits width 1": lambda: kr.bits(shape + (4,), width=1, key=K),
        "bits width 2": lambda: kr.bits(shape + (2,), width=2, key=K),
        "uniform": lambda: kr.uniform(shape=shape, key=K),
        "uniform array bounds": lambda: kr.uniform(np.zeros(1, F32), 1.0, shape, key=K),
        "uniform float16": lambda: kr.uniform(shape=shape, dtype=np.float16, key=K),
        "normal": lambda: kr.normal(shape, key=K),
        "normal loc array": lambda: kr.normal(shape, loc=np.zeros(1, F32), key=K),
        "normal float64": lambda: kr.normal(shape, np.float64, key=K),
        "normal complex64": lambda: kr.normal(shape, np.complex64, key=K),
        "truncated_normal": lambda: kr.truncated_normal(-1.0, 1.0, shape, key=K),
        "truncated_normal array": lambda: kr.truncated_normal(
            np.zeros(1, F32), 1.0, shape, key=K),
        "gumbel": lambda: kr.gumbel(shape, key=K),
        "laplace": lambda: kr.laplace(shape, key=K),
        "laplace float64": lambda: kr.laplace(shape, np.float64, key=K),
        "bernoulli": lambda: kr.bernoulli(0.5, shape, key=K),
        "bernoulli array p": lambda: kr.bernoulli(np.full(1, 0.5, F32), shape, key=K),
        "randint": lambda: kr.randint(0, 10, shape, key=K),
        "randint int8": lambda: kr.randint(0, 10, shape, np.int8, key=K),
        "randint array bounds": lambda: kr.randint(np.zeros(1, np.int32), 10, shape,
                                                   key=K),
        "categorical inverse CDF": lambda: kr.categorical(z3, shape=shape, key=K),
        "categorical gumbel": lambda: kr.categorical(np.zeros((2, 3), F32), shape=shape + (2,),
                                                     key=K),
        "categorical num_samples": lambda: kr.categorical(np.zeros((4, 3), F32),
                                                          num_samples=2**31 - 1, key=K),
        "multivariate_normal": lambda: kr.multivariate_normal(np.zeros(2, F32),
                                                              np.eye(2, dtype=F32), shape, key=K),
    }


def _refused_before_allocating(call, match):
    with pytest.raises(ValueError, match=match):
        call()  # once untraced: what a first call sets up (kernels, caches) is not the draw's
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"{peak} bytes allocated before refusing"


@pytest.mark.parametrize("shape", BEYOND, ids=str)
@pytest.mark.parametrize("name", [n for n in _huge_calls((1, 1))
                                  if not n.startswith(MLX_LIMITED)])
def test_stream_range_refused_before_allocating(name, shape):
    """More than 2**61 words per key: ValueError at once, before any large allocation (§3.3)."""
    _refused_before_allocating(_huge_calls(shape)[name], "2\\*\\*61")


@pytest.mark.parametrize("shape", HUGE, ids=str)
@pytest.mark.parametrize("name", [n for n in _huge_calls((1, 1)) if n.startswith(MLX_LIMITED)])
def test_mlx_counter_range_kept_by_categorical_and_mvn(name, shape):
    """categorical and multivariate_normal keep MLX's 2**32 words (§3.3)."""
    _refused_before_allocating(_huge_calls(shape)[name], "2\\*\\*32")


def test_counter_range_global_key_used():
    """Exactly one global key is used up by the refused call, as by any sampler call."""
    kr.seed(5)
    with pytest.raises(ValueError):
        kr.uniform(shape=(2**31 - 1, 2**31 - 1))
    after_error = kr.state()
    kr.seed(5)
    kr.uniform(shape=(1,))
    assert np.array_equal(after_error, kr.state())


def test_counter_limit_is_exactly_two_to_the_32_words():
    check_words(2**32, "uniform")
    with pytest.raises(ValueError, match=r"\[uniform\] shape"):
        check_words(2**32 + 1, "uniform")


# ---------------------------------------------------------------------------- fuzzing

class _Weird:
    def __repr__(self) -> str:
        return "<weird>"


class _BadArray:
    """An object that claims to be an array but fails when converted."""

    def __array__(self, *args, **kwargs):
        raise TypeError("no array here")


JUNK = st.sampled_from([
    None, "abc", "", b"xy", "float32", [], [1, 2], [[1, [2]]], (1, "a"), {}, {"a": [1]},
    {1, 2}, object(), _Weird(), 1j, math.nan, -math.inf, 2**70, -(2**70), 1e300, print,
    [None], ({},), np.array(["a", "b"]), np.array([object()], dtype=object), _BadArray(),
])
NEG_OR_HUGE = st.one_of(st.integers(-(2**70), -1), st.integers(2**31, 2**70))


def bad_shapes(min_words_factor: int = 1):
    element = st.one_of(st.floats(allow_nan=True), st.text(max_size=2), st.none(),
                        st.just(np.bool_(True)), st.just([2]), st.just(2.0), NEG_OR_HUGE,
                        st.just(np.float32(3)))
    huge = st.lists(st.integers(2**21, 2**31 - 1), min_size=3, max_size=3).map(tuple)  # > 2**61
    return st.one_of(
        JUNK.filter(lambda v: not isinstance(v, (list, tuple)) or v == [[1, [2]]]
                    or v == (1, "a") or v == [None] or v == ({},)),
        st.integers(-5, 5),
        st.lists(st.one_of(st.integers(0, 4), element), min_size=1, max_size=4).filter(
            lambda s: any(not isinstance(d, int) or d < 0 or d >= 2**31 for d in s)).map(
            tuple),
        huge,
    )


INVALID_FLOAT_DTYPES = st.sampled_from([np.int32, np.uint8, np.bool_, np.complex64, "int64",
                                        "foo", object(), 3.5, "U5", np.int16])
BAD_KEYS = st.one_of(  # key=None is valid: the global sequence
    JUNK.filter(lambda v: v is not None),
    st.sampled_from([np.array([1, 2], np.int32), np.array([1, 2], F32), np.zeros(2, np.uint64),
                     np.zeros(3, np.uint32), np.zeros((1, 2), np.uint32), np.zeros((), np.uint32),
                     np.zeros((2, 2), np.uint32), np.zeros(0, np.uint32), [0, 1], (0, 1), 5]),
)
BAD_BATCH_KEYS = st.sampled_from([np.array([1, 2], np.int32), np.zeros(3, np.uint32),
                                  np.zeros((2, 3), np.uint32), np.zeros((), np.uint32),
                                  np.zeros((4, 1), np.uint32), "key", [0, 1], 3.0])
BAD_SCALAR_OR_ARRAY = st.one_of(
    JUNK.filter(lambda v: not isinstance(v, (complex, float))),
    st.sampled_from([np.zeros(5, F32), np.zeros((2, 4), F32)]),  # never broadcast to (3,)
)


def _valid():
    """Valid calls, one per public function: (function, kwargs)."""
    z3 = np.zeros(3, F32)
    return {
        "key": (kr.key, {"seed": 3}),
        "seed": (kr.seed, {"seed": 3}),
        "split": (kr.split, {"key": K, "num": 3}),
        "bits": (kr.bits, {"shape": (3,), "width": 4, "key": K}),
        "uniform": (kr.uniform, {"low": 0.0, "high": 1.0, "shape": (3,), "dtype": F32,
                                 "key": K}),
        "normal": (kr.normal, {"shape": (3,), "dtype": F32, "loc": 0.0, "scale": 1.0,
                               "key": K}),
        "truncated_normal": (kr.truncated_normal, {"lower": -1.0, "upper": 1.0, "shape": (3,),
                                                   "dtype": F32, "key": K}),
        "gumbel": (kr.gumbel, {"shape": (3,), "dtype": F32, "key": K}),
        "laplace": (kr.laplace, {"shape": (3,), "dtype": F32, "loc": 0.0, "scale": 1.0,
                                 "key": K}),
        "bernoulli": (kr.bernoulli, {"p": 0.5, "shape": (3,), "key": K}),
        "randint": (kr.randint, {"low": 0, "high": 5, "shape": (3,), "dtype": np.int32,
                                 "key": K}),
        "categorical": (kr.categorical, {"logits": np.zeros((2, 3), F32), "axis": -1,
                                         "shape": (4, 2), "key": K}),
        "permutation": (kr.permutation, {"x": z3, "axis": 0, "key": K}),
        "multivariate_normal": (kr.multivariate_normal, {"mean": z3[:2],
                                                         "cov": np.eye(2, dtype=F32),
                                                         "shape": (3,), "dtype": F32,
                                                         "key": K}),
    }


def _bad_values():
    """For every public function, a strategy for each argument's invalid values."""
    shapes = bad_shapes()
    return {
        "key": {"seed": st.one_of(JUNK, NEG_OR_HUGE.filter(lambda v: v < 0 or v >= 2**64),
                                  st.floats(), st.just(np.float64(3)))},
        "seed": {"seed": st.one_of(JUNK, st.integers(2**64, 2**80), st.integers(-(2**70), -1),
                                   st.floats())},
        "split": {"key": st.one_of(BAD_KEYS, st.none()),
                  # split takes num up to 2**60 (past MLX's int32, §3.3)
                  "num": st.one_of(JUNK, NEG_OR_HUGE.filter(lambda v: v < 0 or v > 2**60),
                                   st.floats())},
        "bits": {"shape": shapes, "width": st.one_of(JUNK, st.sampled_from(
            [0, 3, 5, 8, -4, 4.0, "4"])), "key": BAD_BATCH_KEYS},
        "uniform": {"low": BAD_SCALAR_OR_ARRAY, "high": BAD_SCALAR_OR_ARRAY, "shape": shapes,
                    "dtype": st.one_of(INVALID_FLOAT_DTYPES, st.just(np.float64)),
                    "key": BAD_KEYS},
        "normal": {"shape": shapes, "dtype": INVALID_FLOAT_DTYPES.filter(
            lambda d: d is not np.complex64), "loc": BAD_SCALAR_OR_ARRAY.filter(
            lambda v: v is not None), "scale": BAD_SCALAR_OR_ARRAY.filter(
            lambda v: v is not None), "key": BAD_KEYS},
        "truncated_normal": {"lower": BAD_SCALAR_OR_ARRAY, "upper": BAD_SCALAR_OR_ARRAY,
                             "shape": shapes.filter(lambda s: s is not None),
                             "dtype": st.one_of(INVALID_FLOAT_DTYPES, st.just(np.float64)),
                             "key": BAD_KEYS},
        "gumbel": {"shape": shapes, "dtype": st.one_of(INVALID_FLOAT_DTYPES,
                                                       st.just(np.float64)), "key": BAD_KEYS},
        "laplace": {"shape": shapes, "dtype": INVALID_FLOAT_DTYPES,
                    "loc": st.one_of(JUNK.filter(lambda v: not isinstance(v, (float, int))),
                                     st.just(np.zeros(2, F32))),
                    "scale": st.one_of(JUNK.filter(lambda v: not isinstance(v, (float, int))),
                                       st.just(np.zeros(2, F32))),
                    "key": BAD_KEYS},
        "bernoulli": {"p": st.one_of(BAD_SCALAR_OR_ARRAY, st.sampled_from(
            [1, True, 0, np.zeros(3, np.int32), 0.5 + 0j])),
            "shape": shapes.filter(lambda s: s is not None), "key": BAD_KEYS},
        "randint": {"low": BAD_SCALAR_OR_ARRAY, "high": BAD_SCALAR_OR_ARRAY, "shape": shapes,
                    "dtype": st.sampled_from([F32, np.float16, np.complex64, np.float64, "foo",
                                              object(), "U3"]), "key": BAD_KEYS},
        "categorical": {"logits": st.one_of(JUNK, st.sampled_from(
            [np.zeros((), F32), np.zeros((0,), F32), np.zeros((3, 0), F32)])),
            "axis": st.one_of(JUNK, st.integers(2, 2**70), st.integers(-(2**70), -3),
                              st.floats()),
            "shape": st.one_of(shapes.filter(lambda s: s is not None),
                               st.sampled_from([(4,), (2, 4), (3, 1)])),
            "num_samples": st.one_of(JUNK.filter(lambda v: v is not None), NEG_OR_HUGE),
            "key": BAD_KEYS},
        "permutation": {"x": st.one_of(JUNK.filter(lambda v: not isinstance(v, np.ndarray)),
                                       st.just(np.zeros((), F32)),
                                       st.integers(-(2**70), -1), st.integers(2**31, 2**70),
                                       st.floats()),
                        "axis": st.one_of(JUNK, st.integers(1, 2**70),
                                          st.integers(-(2**70), -2), st.floats()),
                        "key": BAD_KEYS},
        "multivariate_normal": {
            "mean": st.one_of(JUNK, st.sampled_from([np.zeros((), F32), np.zeros(3, F32),
                                                     np.zeros((4, 2), F32)])),
            "cov": st.one_of(JUNK, st.sampled_from([np.zeros(2, F32), np.zeros((2, 3), F32),
                                                    np.zeros((3, 3), F32),
                                                    np.zeros((5, 2, 2), F32)])),
            "shape": shapes, "dtype": st.sampled_from([np.float16, np.float64, np.int32, "foo",
                                                       kr.bfloat16]),
            "key": BAD_KEYS},
    }


_VALID = _valid()
_BAD = _bad_values()
_CASES = [(fn, arg) for fn, args in _BAD.items() for arg in args]


def _call_bad(fn_name, arg, value):
    fn, kwargs = _VALID[fn_name]
    kwargs = dict(kwargs)
    kwargs[arg] = value
    if fn_name == "categorical" and arg == "num_samples":
        kwargs.pop("shape")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(**kwargs)
    except EXPECTED as e:
        if not isinstance(value, _BadArray):  # its own TypeError passes through
            assert f"[{fn_name}]" in str(e), repr(e)
        return e
    raise AssertionError(f"{fn_name}({arg}={value!r}) returned {type(out).__name__} instead of "
                         "raising")


@pytest.mark.parametrize(("fn_name", "arg"), _CASES, ids=[f"{f}-{a}" for f, a in _CASES])
@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_fuzz_bad_argument(fn_name, arg, data):
    """One bad argument, the rest valid: a clean exception naming the function."""
    value = data.draw(_BAD[fn_name][arg], label=arg)
    _call_bad(fn_name, arg, value)


def _to_mlx(value):
    """An argument as MLX's binding gets it: arrays and keys as mx.array, dtypes as MLX's."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" or (
            isinstance(value, np.ndarray) and value.dtype == kr.bfloat16):
        if value.dtype == kr.bfloat16:
            return mx.array(value.view(np.uint16)).view(mx.bfloat16)
        return mx.array(value, dtype=mx.float64) if value.dtype == np.float64 else mx.array(value)
    if isinstance(value, type) and issubclass(value, np.generic) or value is kr.bfloat16:
        name = "bfloat16" if value is kr.bfloat16 else np.dtype(value).name
        return mx.bool_ if name == "bool" else getattr(mx, name, value)
    return value


def _small(value) -> bool:
    """No int above 2**24 anywhere (MLX would try to allocate it: a crash, not an answer)."""
    if isinstance(value, (tuple, list)):
        return all(_small(v) for v in value)
    return not isinstance(value, int) or value <= 2**24


def _mlx_outcome(fn_name, kwargs):
    """MLX's exception for the same call: (class, refused by the binding), or (None, False)
    where it returned or is not compared: no ``bits`` in MLX's Python API; huge sizes; a
    ``_BadArray``, whose own TypeError keyrand lets through (MLX: ValueError)."""
    values = kwargs.values()
    if fn_name == "bits" or not all(_small(v) for v in values) or any(
            isinstance(v, _BadArray) for v in values):
        return None, False
    fn = getattr(mx.random, fn_name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(**{k: _to_mlx(v) for k, v in kwargs.items()})
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e), "incompatible function arguments" in str(e)
    return None, False


@needs_mlx
@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(data=st.data(), fn_name=st.sampled_from(sorted(_BAD)))
def test_fuzz_several_bad_arguments(data, fn_name):
    """Several bad arguments at once: the exception class MLX raises for the same call."""
    fn, kwargs = _VALID[fn_name]
    kwargs = dict(kwargs)
    args = data.draw(st.lists(st.sampled_from(sorted(_BAD[fn_name])), min_size=1, unique=True))
    for arg in args:
        kwargs[arg] = data.draw(_BAD[fn_name][arg], label=arg)
    if fn_name == "categorical" and "num_samples" in args:
        kwargs.pop("shape", None)
    want, binding_refusal = _mlx_outcome(fn_name, kwargs)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(**kwargs)
    except EXPECTED as e:
        # MLX's binding refuses a wrongly typed argument (a junk key, a dtype that is not an
        # mx.Dtype, a string array) before any other check; keyrand, which takes NumPy's
        # spellings, may report another bad argument first (test_junk_key_with_other_errors_class).
        if want is not None and not (binding_refusal and want is TypeError):
            assert type(e) is want, f"{fn_name}({kwargs}): MLX raised {want.__name__}, " \
                f"keyrand {e!r}"
        return
    raise AssertionError(f"{fn_name}({kwargs}) returned {type(out).__name__}")


def _raised_class(call):
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e)
    return None


@needs_mlx
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="MLX rejects a non-array key while converting arguments (TypeError) "
                   "before any other check; keyrand reports the other bad argument first")
def test_junk_key_with_other_errors_class():
    """The several-bad-arguments fuzz leaves junk keys out of its MLX comparison for this."""
    want = _raised_class(lambda: mx.random.bernoulli(1, (3,), key="abc"))
    assert want is TypeError
    assert _raised_class(lambda: kr.bernoulli(1, (3,), key="abc")) is want


@needs_mlx
@pytest.mark.parametrize("fn_name", sorted(_VALID))
def test_valid_baselines_match_mlx(fn_name):
    """The fuzzers' baselines are valid calls with MLX's results, so failures come from the
    bad arguments."""
    fn, kwargs = _VALID[fn_name]
    got = fn(**kwargs)
    if fn_name == "seed":
        mx.random.seed(kwargs["seed"])
        assert_same_bits(kr.state(), np.array(mx.random.state[0]))
        return
    if fn_name == "bits":
        from mlx_oracle import mlx_bits

        want = mlx_bits(kwargs["shape"], kwargs["width"], kwargs["key"])
    else:
        want = from_mlx(getattr(mx.random, fn_name)(**{k: _to_mlx(v)
                                                       for k, v in kwargs.items()}))
    if fn_name == "multivariate_normal":
        np.testing.assert_allclose(got, want, atol=1e-5)
    else:
        assert_same_bits(got, want)


# ---------------------------------------------------------------------------- ints, as MLX's

class _Index:
    """Not an int, but with ``__index__``: an int to MLX's binding."""

    def __index__(self) -> int:
        return 3


#: (id, keyrand call, MLX call): int arguments given as NumPy integers, 0-d integer arrays or
#: ``__index__`` objects, each call without ``key=`` where it can use the global sequence.
INDEX_ACCEPTED = [
    ("key 0-d array", lambda: kr.key(np.array(3)), lambda: mx.random.key(np.array(3))),
    ("key 0-d uint64 array", lambda: kr.key(np.array(2**64 - 1, np.uint64)),
     lambda: mx.random.key(np.array(2**64 - 1, np.uint64))),
    ("key __index__", lambda: kr.key(_Index()), lambda: mx.random.key(_Index())),
    ("split 0-d array", lambda: kr.split(K, np.array(3)),
     lambda: mx.random.split(_mk(), np.array(3))),
    ("split uint8", lambda: kr.split(K, np.uint8(3)), lambda: mx.random.split(_mk(), np.uint8(3))),
    ("split __index__", lambda: kr.split(K, _Index()), lambda: mx.random.split(_mk(), _Index())),
    ("shape 0-d array", lambda: kr.uniform(shape=(np.array(3),)),
     lambda: mx.random.uniform(shape=(np.array(3),))),
    ("shape int64 and 0-d int8 array", lambda: kr.normal((np.int64(2), np.array(3, np.int8))),
     lambda: mx.random.normal((np.int64(2), np.array(3, np.int8)))),
    ("shape uint64", lambda: kr.gumbel((np.uint64(4),)),
     lambda: mx.random.gumbel((np.uint64(4),))),
    ("shape __index__", lambda: kr.laplace((_Index(), 2)),
     lambda: mx.random.laplace((_Index(), 2))),
    ("categorical axis 0-d array", lambda: kr.categorical(np.arange(6, dtype=F32).reshape(2, 3),
                                                          axis=np.array(0)),
     lambda: mx.random.categorical(mx.arange(6, dtype=mx.float32).reshape(2, 3),
                                   axis=np.array(0))),
    ("categorical num_samples int16", lambda: kr.categorical(np.arange(3, dtype=F32),
                                                             num_samples=np.int16(4)),
     lambda: mx.random.categorical(mx.arange(3, dtype=mx.float32), num_samples=np.int16(4))),
    ("permutation axis 0-d array", lambda: kr.permutation(np.arange(6, dtype=F32).reshape(3, 2),
                                                          axis=np.array(1)),
     lambda: mx.random.permutation(mx.arange(6, dtype=mx.float32).reshape(3, 2),
                                   axis=np.array(1))),
]


@pytest.mark.parametrize("row", INDEX_ACCEPTED, ids=[r[0] for r in INDEX_ACCEPTED])
def test_index_ints_accepted(row):
    """Anything with ``__index__`` is an int (keyrand's own check, runs without MLX)."""
    out = row[1]()
    assert isinstance(out, np.ndarray)


@needs_mlx
@pytest.mark.parametrize("row", INDEX_ACCEPTED, ids=[r[0] for r in INDEX_ACCEPTED])
def test_index_ints_as_mlx(row):
    """Same values as MLX and the same use of the global key sequence."""
    _, kfn, mfn = row
    kr.seed(21)
    mx.random.seed(21)
    got, want = kfn(), np.array(mfn())
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))


def test_seed_accepts_index_ints():
    for value in (np.array(3), np.int64(3), np.uint8(3), _Index()):
        kr.seed(value)
        assert np.array_equal(kr.state(), kr.key(3))


@needs_mlx
def test_seed_index_int_as_mlx():
    kr.seed(np.array(3))
    mx.random.seed(np.array(3))
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))
    assert np.array_equal(kr.uniform(shape=(4,)), np.array(mx.random.uniform(shape=(4,))))


@pytest.mark.parametrize(("shape", "cls"), [
    ((2**64,), TypeError), ((2**63,), TypeError), ((-(2**63) - 1,), TypeError),
    ((np.uint64(2**63),), TypeError), ((2**63 - 1,), OverflowError),
    ((np.int64(2**40),), OverflowError), ((2**31,), OverflowError),
    ((-(2**31) - 1,), OverflowError),
])
def test_shape_entry_out_of_range(shape, cls):
    """Outside int64: no int to MLX's binding (TypeError); outside int32: OverflowError."""
    kr.seed(4)
    before = kr.state()
    with pytest.raises(cls, match=r"\[uniform\] shape"):
        kr.uniform(shape=shape)
    assert np.array_equal(before, kr.state()), "converting arguments must not use a key"


# ---------------------------------------------------------------------------- empty but huge shapes

H = 2**31 - 1
#: Empty outputs NumPy cannot hold: itemsize times the product of the non-zero sizes > 2**63 - 1.
TOO_BIG_EMPTY = [
    ("uniform", lambda: kr.uniform(shape=(H, H, 0)), lambda: mx.random.uniform(shape=(H, H, 0))),
    ("normal", lambda: kr.normal((H, 0, H)), lambda: mx.random.normal((H, 0, H))),
    ("normal", lambda: kr.normal((H, 0, 2**30), np.complex64, loc=_z(1)),
     lambda: mx.random.normal((H, 0, 2**30), mx.complex64, loc=_mz(1))),
    ("truncated_normal", lambda: kr.truncated_normal(_z(1), 1.0, (0, H, H)),
     lambda: mx.random.truncated_normal(_mz(1), 1.0, (0, H, H))),
    ("gumbel", lambda: kr.gumbel((H, H, 0)), lambda: mx.random.gumbel((H, H, 0))),
    ("laplace", lambda: kr.laplace((H, 2**30, 0), np.float64),
     lambda: mx.random.laplace((H, 2**30, 0), mx.float64)),
    ("bernoulli", lambda: kr.bernoulli(0.5, (H, H, 4, 0)),
     lambda: mx.random.bernoulli(0.5, (H, H, 4, 0))),
    ("randint", lambda: kr.randint(0, 9, (H, H, 0)), lambda: mx.random.randint(0, 9, (H, H, 0))),
    ("categorical", lambda: kr.categorical(_z(3), shape=(H, H, 0)),
     lambda: mx.random.categorical(_mz(3), shape=(H, H, 0))),
    ("multivariate_normal", lambda: kr.multivariate_normal(_z(2), np.eye(2, dtype=F32),
                                                           (H, H, 0)),
     lambda: mx.random.multivariate_normal(_mz(2), mx.eye(2), (H, H, 0))),
    ("bits", lambda: kr.bits((H, H, 0)), None),
]
#: Empty outputs just small enough for NumPy (narrow dtypes, or fewer non-zero sizes).
HOLDABLE_EMPTY = [
    ("uniform float16", lambda: kr.uniform(shape=(H, H, 0), dtype=np.float16),
     lambda: mx.random.uniform(shape=(H, H, 0), dtype=mx.float16)),
    ("uniform float16 array bounds", lambda: kr.uniform(_z(1, dtype=np.float16), 1.0, (H, H, 0),
                                                        np.float16),
     lambda: mx.random.uniform(_mz(1, dtype=mx.float16), 1.0, (H, H, 0), mx.float16)),
    ("uniform", lambda: kr.uniform(shape=(H, 2**30, 0)),
     lambda: mx.random.uniform(shape=(H, 2**30, 0))),
    ("normal bfloat16 loc array", lambda: kr.normal((0, H, H), kr.bfloat16,
                                                    loc=_z(1, dtype=kr.bfloat16)),
     lambda: mx.random.normal((0, H, H), mx.bfloat16, loc=_mz(1, dtype=mx.bfloat16))),
    ("truncated_normal float16", lambda: kr.truncated_normal(_z(1, dtype=np.float16), 1.0,
                                                             (H, H, 0), np.float16),
     lambda: mx.random.truncated_normal(_mz(1, dtype=mx.float16), 1.0, (H, H, 0), mx.float16)),
    ("bernoulli array p", lambda: kr.bernoulli(np.full(1, 0.5), (H, H, 0)),
     lambda: mx.random.bernoulli(mx.full((1,), 0.5), (H, H, 0))),
    ("randint int8 array bounds", lambda: kr.randint(np.zeros(1, np.int8), 9, (H, H, 0),
                                                     np.int8),
     lambda: mx.random.randint(mx.zeros((1,), mx.int8), 9, (H, H, 0), mx.int8)),
    ("bits width 1", lambda: kr.bits((H, H, 0), 1), None),
    ("multivariate_normal", lambda: kr.multivariate_normal(_z(2), np.eye(2, dtype=F32),
                                                           (H, 2**28, 0)),
     lambda: mx.random.multivariate_normal(_mz(2), mx.eye(2), (H, 2**28, 0))),
]


@pytest.mark.parametrize("row", TOO_BIG_EMPTY, ids=[f"{r[0]}-{i}" for i, r in
                                                     enumerate(TOO_BIG_EMPTY)])
def test_empty_shape_numpy_cannot_hold(row):
    """ValueError naming the function, the shape and why; the global key used as by MLX."""
    fn, kfn, _ = row
    kr.seed(8)
    with pytest.raises(ValueError, match=rf"\[{fn}\] shape: .*NumPy cannot hold it") as info:
        kfn()
    assert str(H) in str(info.value) or "1073741824" in str(info.value)
    kr.seed(8)
    kr.bits((1,))
    expected_state = kr.state()
    kr.seed(8)
    _raised(kfn)
    assert np.array_equal(kr.state(), expected_state), "one global key, as a successful draw"


@needs_mlx
@pytest.mark.parametrize("row", [r for r in TOO_BIG_EMPTY if r[2] is not None],
                         ids=[r[0] for r in TOO_BIG_EMPTY if r[2] is not None])
def test_empty_shape_numpy_cannot_hold_mlx_key_use(row):
    """MLX returns the empty array (and uses one key); keyrand refuses after using the same key."""
    _, kfn, mfn = row
    kr.seed(9)
    mx.random.seed(9)
    assert 0 in mfn().shape
    _raised(kfn)
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))


@pytest.mark.parametrize("row", HOLDABLE_EMPTY, ids=[r[0] for r in HOLDABLE_EMPTY])
def test_empty_shape_numpy_can_hold(row):
    out = row[1]()
    assert out.size == 0 and 0 in out.shape
    if row[2] is not None and mx is not None:
        want = row[2]()
        assert out.shape == tuple(want.shape)
        assert out.dtype.itemsize == want.dtype.size


# ---------------------------------------------------------------------------- SVD failures

NAN_COVS = [np.array([[np.nan, 0], [0, 1]], F32), np.full((2, 2), np.nan, F32),
            np.array([[[1, np.nan], [np.nan, 1]]], F32)]


@pytest.mark.parametrize("shape", [(3,), (), (1,), (0,), (2, 3)], ids=str)
@pytest.mark.parametrize("cov", NAN_COVS, ids=["one NaN", "all NaN", "batch of one"])
def test_multivariate_normal_nan_cov(cov, shape):
    """A NaN in cov: RuntimeError naming the function and cov at every shape, one key used.

    MLX raises RuntimeError ("[SVD::eval_cpu] SVD failed") on some runs only, so keyrand's
    result is checked on its own; its key use against MLX's in the next test.
    """
    kr.seed(12)
    kr.bits((1,))
    one_key_used = kr.state()
    kr.seed(12)
    with pytest.raises(RuntimeError, match=r"\[multivariate_normal\] cov: SVD failed"):
        kr.multivariate_normal(_z(2), cov, shape)
    assert np.array_equal(kr.state(), one_key_used)


@needs_mlx
def test_multivariate_normal_nan_cov_key_use():
    """MLX draws the key before its SVD fails (or not); keyrand uses the same one key."""
    kr.seed(13)
    mx.random.seed(13)
    _raised(lambda: kr.multivariate_normal(_z(2), NAN_COVS[0], (3,)))
    mx.random.uniform()  # one key, as MLX's multivariate_normal uses whatever its SVD does
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))


@needs_mlx
def test_multivariate_normal_inf_cov_is_nan_like_mlx():
    """An infinite entry gives NaN samples for that batch element only, as MLX's."""
    cov = np.stack([np.array([[np.inf, 0], [0, 1]], F32), np.eye(2, dtype=F32)])
    got = kr.multivariate_normal(_z(2), cov, (3, 2), key=K)
    assert np.isnan(got[:, 0]).all() and np.isfinite(got[:, 1]).all()
    want = np.array(mx.random.multivariate_normal(_mz(2), mx.array(cov), (3, 2), key=_mk()))
    assert np.isnan(want[:, 0]).all()
    np.testing.assert_allclose(got[:, 1], want[:, 1], rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------- gpu without a gpu

@pytest.fixture
def no_cupy(monkeypatch):
    """keyrand finds no CuPy, even on a GPU machine: ``import cupy`` fails."""
    monkeypatch.setitem(sys.modules, "cupy", None)


def _enter(cm):
    with cm:
        pass


#: (function named, keyrand call, MLX call): placing work on a gpu that is not there.
PLACEMENT = [
    ("set_default_device", lambda: kr.set_default_device(kr.gpu),
     lambda: mx.set_default_device(mx.gpu)),
    ("set_default_device", lambda: kr.set_default_device(kr.Device(kr.gpu, 0)),
     lambda: mx.set_default_device(mx.Device(mx.gpu, 0))),
    ("new_stream", lambda: kr.new_stream(kr.gpu), lambda: mx.new_stream(mx.gpu)),
    ("default_stream", lambda: kr.default_stream(kr.Device(kr.gpu)),
     lambda: mx.default_stream(mx.Device(mx.gpu))),
    ("stream", lambda: _enter(kr.stream(kr.gpu)), lambda: _enter(mx.stream(mx.gpu))),
    ("stream", lambda: _enter(kr.stream(kr.Stream(kr.Device(kr.gpu), 1))), None),
]
_PLACEMENT_IDS = [f"{r[0]}-{i}" for i, r in enumerate(PLACEMENT)]
_MLX_HAS_GPU = mx is not None and mx.is_available(mx.gpu)


@pytest.mark.parametrize("row", PLACEMENT, ids=_PLACEMENT_IDS)
def test_gpu_placement_without_cupy(no_cupy, row):
    """ValueError at once, saying what is missing; the cpu stays the default and works."""
    fn, kfn, _ = row
    with pytest.raises(ValueError, match=rf"\[{fn}\] .*gpu.*CuPy is not installed"):
        kfn()
    assert kr.default_device() == kr.Device(kr.cpu)
    assert isinstance(kr.uniform(shape=(2,)), np.ndarray)


@needs_mlx
@pytest.mark.skipif(_MLX_HAS_GPU, reason="this MLX has a gpu backend")
@pytest.mark.parametrize("row", [r for r in PLACEMENT if r[2] is not None],
                         ids=[i for i, r in zip(_PLACEMENT_IDS, PLACEMENT, strict=True)
                              if r[2] is not None])
def test_gpu_placement_class_as_mlx(no_cupy, row):
    want, got = _raised(row[2]), _raised(row[1])
    assert isinstance(want, ValueError), want
    assert type(got) is type(want), got
    assert mx.default_device() == mx.cpu


class _CudaError(Exception):
    """Stands for CuPy's CUDARuntimeError, which carries the CUDA status code."""

    def __init__(self, status: int) -> None:
        super().__init__(f"cudaError {status}")
        self.status = status


def _fake_cupy(count: int = 0, status: int | None = None) -> types.SimpleNamespace:
    def get_device_count() -> int:
        if status is not None:
            raise _CudaError(status)
        return count

    runtime = types.SimpleNamespace(getDeviceCount=get_device_count)
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime))


@pytest.mark.parametrize(("fake", "index", "says"), [
    (_fake_cupy(status=35), 0, "no NVIDIA driver"),
    (_fake_cupy(status=100), 0, "finds no GPU"),
    (_fake_cupy(status=3), 0, "cannot be initialised"),
    (_fake_cupy(count=0), 0, "finds no GPU"),
    (_fake_cupy(count=2), 2, "there is no gpu device 2"),
], ids=["no driver", "no device (CUDA error)", "other CUDA error", "zero devices",
        "index too large"])
def test_gpu_placement_names_what_is_missing(monkeypatch, fake, index, says):
    monkeypatch.setitem(sys.modules, "cupy", fake)
    for call in (lambda: kr.set_default_device(kr.Device(kr.gpu, index)),
                 lambda: kr.new_stream(kr.Device(kr.gpu, index)),
                 lambda: kr.uniform(key=K, stream=kr.Device(kr.gpu, index))):
        with pytest.raises(ValueError, match=says):
            call()
    assert kr.default_device() == kr.Device(kr.cpu)


#: Every sampler, valid but for its gpu stream, called without ``key=`` where it takes one.
GPU_SAMPLERS = [
    ("uniform", lambda s: kr.uniform(shape=(3,), stream=s)),
    ("normal", lambda s: kr.normal((3,), np.complex64, stream=s)),
    ("truncated_normal", lambda s: kr.truncated_normal(-1.0, 1.0, (3,), stream=s)),
    ("gumbel", lambda s: kr.gumbel((3,), stream=s)),
    ("laplace", lambda s: kr.laplace((3,), np.float64, stream=s)),
    ("bernoulli", lambda s: kr.bernoulli(_z(3) + 0.5, stream=s)),
    ("randint", lambda s: kr.randint(0, 9, (3,), stream=s)),
    ("categorical", lambda s: kr.categorical(_z(2, 3), stream=s)),
    ("permutation", lambda s: kr.permutation(_z(3, 2), axis=1, stream=s)),
    ("multivariate_normal", lambda s: kr.multivariate_normal(_z(2), np.eye(2, dtype=F32),
                                                             stream=s)),
    ("bits", lambda s: kr.bits((3,), 2, stream=s)),
]


@pytest.mark.parametrize("where", [kr.gpu, kr.Device(kr.gpu, 0), kr.Stream(kr.Device(kr.gpu))],
                         ids=["DeviceType", "Device", "Stream"])
@pytest.mark.parametrize("row", GPU_SAMPLERS, ids=[r[0] for r in GPU_SAMPLERS])
def test_sampler_on_missing_gpu_uses_one_key(no_cupy, row, where):
    """ValueError naming the function and the stream, after one global key is used (as MLX)."""
    fn, call = row
    kr.seed(14)
    kr.bits((1,))
    one_key_used = kr.state()
    kr.seed(14)
    with pytest.raises(ValueError, match=rf"\[{fn}\] stream: .*CuPy is not installed"):
        call(where)
    assert np.array_equal(kr.state(), one_key_used)


def test_split_on_missing_gpu_uses_no_key(no_cupy):
    kr.seed(14)
    before = kr.state()
    with pytest.raises(ValueError, match=r"\[split\] stream"):
        kr.split(K, 3, stream=kr.gpu)
    assert np.array_equal(kr.state(), before)


_SAMPLER_NAMES = ["uniform", "normal", "truncated_normal", "gumbel", "laplace", "bernoulli",
                  "randint", "categorical", "permutation", "multivariate_normal", "split"]


@needs_mlx
@pytest.mark.skipif(_MLX_HAS_GPU, reason="this MLX has a gpu backend")
@pytest.mark.parametrize("row", PARITY, ids=[r[0] for r in PARITY])
def test_error_parity_on_missing_gpu(no_cupy, monkeypatch, row):
    """Every row of the parity table with ``stream=gpu`` and no gpu: MLX's class and key use."""
    for name in _SAMPLER_NAMES:
        monkeypatch.setattr(kr, name, functools.partial(getattr(kr, name), stream=kr.gpu))
        monkeypatch.setattr(mx.random, name, functools.partial(getattr(mx.random, name),
                                                               stream=mx.gpu))
    _, kfn, mfn, _, _ = row
    kr.seed(15)
    mx.random.seed(15)
    got, want = _raised(kfn), _raised(mfn)
    assert want is not None and type(got) is type(want), f"MLX {want!r}, keyrand {got!r}"
    assert np.array_equal(kr.state(), np.array(mx.random.state[0]))


@needs_mlx
@pytest.mark.skipif(_MLX_HAS_GPU, reason="this MLX has a gpu backend")
def test_valid_draws_on_missing_gpu_as_mlx(no_cupy):
    """A valid draw with ``stream=gpu``: ValueError in both, then the sequences still agree."""
    kr.seed(16)
    mx.random.seed(16)
    assert isinstance(_raised(lambda: kr.normal((4,), stream=kr.gpu)), ValueError)
    assert isinstance(_raised(lambda: mx.random.normal((4,), stream=mx.gpu)), ValueError)
    np.testing.assert_array_equal(kr.uniform(shape=(5,)), np.array(mx.random.uniform(shape=(5,))))


def test_import_does_not_import_cupy():
    code = "import sys, keyrand; keyrand.uniform(shape=(2,)); assert 'cupy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
