"""Replay MLX's recorded answers (shared/golden) against keyrand, bit for bit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import GOLDEN, assert_same_bits

import keyrand as kr


def _cases():
    if not GOLDEN.exists():
        return []
    with np.load(GOLDEN, allow_pickle=False) as data:
        return json.loads(str(data["cases"]))


def _decode(v, data):
    if isinstance(v, dict):
        if "key" in v:
            return np.array(v["key"], np.uint32)
        if "array" in v:
            a = data[v["array"]]
            return a.view(kr.bfloat16) if v.get("bf16") else a
        if "float" in v:
            return float(v["float"])
        if "int" in v:
            return int(v["int"])
    return v


def _call(fn, args, kwargs, data):
    args = [_decode(a, data) for a in args]
    kwargs = {k: _decode(v, data) for k, v in kwargs.items()}
    if "shape" in kwargs and kwargs["shape"] is not None:
        kwargs["shape"] = tuple(kwargs["shape"])
    if fn in ("normal",) and args and isinstance(args[0], list):
        args[0] = tuple(args[0])
    args = [tuple(a) if isinstance(a, list) else a for a in args]
    return getattr(kr, fn)(*args, **kwargs)


def _expected(data, name, case):
    want = data[name]
    if case["out_dtype"] == "bfloat16":
        want = want.view(kr.bfloat16)
    return want


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_golden(case, golden):
    data, _ = golden
    if case["fn"] == "__sequence__":
        kr.seed(case["seed"])
        for i, step in enumerate(case["steps"]):
            got = _call(step["fn"], step["args"], step["kwargs"], data)
            assert_same_bits(got, _expected(data, f"out/{case['id']}/{i}", step))
        return
    got = _call(case["fn"], case["args"], case["kwargs"], data)
    want = _expected(data, f"out/{case['id']}", case)
    if "tol" in case:
        tol = case["tol"]
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, atol=tol["atol"], rtol=tol["rtol"])
    else:
        assert_same_bits(got, want)


def test_golden_file_has_every_sampler(golden):
    _, cases = golden
    fns = {c["fn"] for c in cases}
    for name in ("key", "split", "bits", "uniform", "normal", "truncated_normal", "gumbel",
                 "laplace", "bernoulli", "randint", "categorical", "permutation",
                 "multivariate_normal", "__sequence__"):
        assert name in fns
