"""Every elementwise distribution beyond MLX is chunk-invariant in keyrand.dask.

For each case of tests/dist_cases.py, hypothesis picks chunkings of a 2-d
output; every chunking computes the same bits as the in-memory draw.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import assert_same_bits
from dist_cases import CASES, DISCRETE, MULTIVARIATE
from dist_check import key_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import keyrand as kr
from keyrand._registry import SAMPLERS

da = pytest.importorskip("dask.array")
import keyrand.dask as kd  # noqa: E402

SHAPE = (37, 29)


def _chunks(draw, n: int) -> tuple[int, ...]:
    sizes, left = [], n
    while left:
        s = draw(hs.integers(1, left))
        sizes.append(s)
        left -= s
    return tuple(sizes)


@hs.composite
def chunkings(draw):
    return (_chunks(draw, SHAPE[0]), _chunks(draw, SHAPE[1]))


@pytest.mark.parametrize("name", sorted(set(CASES) - MULTIVARIATE))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=chunkings())
def test_chunk_invariance(name, chunks):
    kw = {k: v for k, v in CASES[name][0].items() if np.ndim(v) == 0}
    d = np.int64 if name in DISCRETE else np.float32
    key = key_of(f"dask-{name}")
    want = getattr(kr, name)(**kw, shape=SHAPE, dtype=d, key=key)
    got = getattr(kd, name)(**kw, shape=SHAPE, dtype=d, key=key, chunks=chunks).compute()
    assert_same_bits(got, want)


@pytest.mark.parametrize("name", sorted(set(CASES) - MULTIVARIATE))
def test_array_parameters_cut_with_the_chunks(name):
    arrays = [kw for kw in CASES[name] if any(np.ndim(v) for v in kw.values())]
    if not arrays:
        pytest.skip(f"{name} has no array-parameter case")
    kw = arrays[0]
    d = np.int64 if name in DISCRETE else np.float32
    key = key_of(f"dask-arrays-{name}")
    shape = (13, *np.broadcast_shapes(*(np.shape(v) for v in kw.values() if np.ndim(v))))
    want = getattr(kr, name)(**kw, shape=shape, dtype=d, key=key)
    lazy = {k: da.from_array(np.broadcast_to(v, shape), chunks=5) if np.ndim(v) else v
            for k, v in kw.items()}
    got = getattr(kd, name)(**lazy, shape=shape, dtype=d, key=key, chunks=5).compute()
    assert_same_bits(got, want)


#: Array parameters any value of which is valid (nothing to refuse in a block).
UNCHECKED = {("double_sided_maxwell", "loc")}


def _array_cases():
    for name, cases in sorted(CASES.items()):
        for kw in cases:
            arrays = [a for a, v in kw.items() if np.ndim(v) and a in SAMPLERS[name].arrays]
            if arrays:
                yield name, kw, arrays
                break


@pytest.mark.parametrize("name, kw, arrays", list(_array_cases()), ids=lambda v: str(v)[:20])
def test_block_checks_survive_pickling(name, kw, arrays):
    """The checks of parameter blocks travel to dask.distributed's workers and refuse there."""
    d = np.int64 if name in DISCRETE else np.float32
    spec = getattr(kr, name).prepare(**kw, dtype=d, key=kr.key(0))
    assert spec.check_param is not None
    check = pickle.loads(pickle.dumps(spec.check_param))
    for arg in arrays:
        check(arg, kw[arg])
        if (name, arg) in UNCHECKED:
            continue
        with pytest.raises(ValueError, match=rf"\[{name}\] {arg}"):
            check(arg, np.full(np.shape(kw[arg]), -np.inf))
