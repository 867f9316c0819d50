"""Replay MLX's recorded answers (``tests/data``) against keyrand, bit for bit.

The file is recorded from MLX 0.32.4 by ``scripts/record_golden.py`` and
committed, so these tests run without MLX; a missing file is a collection
error, never a skip. ``tests/data/README.md`` describes the format.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable

import numpy as np
import pytest
from conftest import GOLDEN, assert_same_bits, load_golden

import keyrand as kr

DATA, CASES = load_golden()


def _dtype(name: str) -> np.dtype:
    return np.dtype(kr.bfloat16) if name == "bfloat16" else np.dtype(name)


def _decode(v, data):
    """A JSON-encoded argument as keyrand receives it (arrays keep their dtype)."""
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
        if "list" in v:
            return list(v["list"])
        if "tuple" in v:
            return tuple(v["tuple"])
    return v


def _call(fn, args, kwargs, data):
    args = [_decode(a, data) for a in args]
    kwargs = {k: _decode(v, data) for k, v in kwargs.items()}
    if isinstance(kwargs.get("shape"), list):
        kwargs["shape"] = tuple(kwargs["shape"])
    if isinstance(kwargs.get("dtype"), str):
        kwargs["dtype"] = _dtype(kwargs["dtype"])
    return getattr(kr, fn)(*args, **kwargs)


def _expected(data, name, case):
    want = data[name]
    if case["out_dtype"] == "bfloat16":
        want = want.view(kr.bfloat16)
    return want


def _check_output(got, want, case) -> None:
    if "tol" in case:
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, atol=case["tol"]["atol"], rtol=case["tol"]["rtol"])
    else:
        assert_same_bits(got, want)


def _run_step(step, data, to_host: Callable):
    """One recorded call: MLX's output, or MLX's exception class (exactly)."""
    if "error" not in step:
        out = _call(step["fn"], step["args"], step["kwargs"], data)
        return None if out is None else to_host(out)
    cls = getattr(builtins, step["error"])
    with pytest.raises(cls) as info:
        _call(step["fn"], step["args"], step["kwargs"], data)
    assert type(info.value) is cls, (step, info.value)
    return None


def replay(case, data, to_host: Callable = np.asarray) -> None:
    """Check keyrand against one recorded case (outputs, errors and key state)."""
    cid = case["id"]
    if case["fn"] == "__sequence__":
        kr.seed(case["seed"])
        for i, step in enumerate(case["steps"]):
            got = _run_step(step, data, to_host)
            if "out_dtype" in step:
                _check_output(got, _expected(data, f"out/{cid}/{i}", step), step)
            assert_same_bits(kr.state(), data[f"state/{cid}/{i}"])
        return
    if "error" in case:
        kr.seed(case["seed"])
        _run_step(case, data, to_host)
        assert_same_bits(kr.state(), data[f"state/{cid}"])
        return
    got = _run_step(case, data, to_host)
    _check_output(got, _expected(data, f"out/{cid}", case), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_golden(case):
    replay(case, DATA)


def test_golden_file_has_every_sampler_and_kind():
    fns = {c["fn"] for c in CASES}
    for name in ("key", "split", "bits", "uniform", "normal", "truncated_normal", "gumbel",
                 "laplace", "bernoulli", "randint", "categorical", "permutation",
                 "multivariate_normal", "__sequence__"):
        assert name in fns
    assert sum("error" in c for c in CASES) >= 40
    assert {c["kwargs"]["width"] for c in CASES if c["fn"] == "bits"} == {1, 2, 4}
    big_odd = [c for c in CASES if c.get("out_shape") and np.prod(c["out_shape"]) > 4096
               and np.prod(c["out_shape"]) % 2]
    assert {c["fn"] for c in big_odd} >= {"bits", "uniform", "normal", "truncated_normal",
                                          "gumbel", "laplace", "bernoulli", "randint",
                                          "categorical", "permutation"}
    assert GOLDEN.stat().st_size < 1_000_000


def test_missing_golden_file_fails_not_skips(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="golden data missing"):
        load_golden(tmp_path / "absent.npz")
