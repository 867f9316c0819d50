"""The CUDA source of every distribution, compiled for the host, gives the CPU kernels' bits.

The device functions of ``dists*.cu`` are host-compilable; this suite builds
them with the host's C++ compiler (no multiply-add contraction, as NVRTC is
told on the GPU) and replays every :meth:`Backend.dist` call a draw of each
case of tests/dist_cases.py makes, comparing the results bit for bit. With
tests/test_dists_gpu.py on a GPU machine this proves the one definition: the
Numba functions and their CUDA transliteration compute the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_same_bits
from dist_cases import CASES, DISCRETE, FLOAT_DTYPES, INT_DTYPES
from dist_check import Recorder, host_dist, host_library, key_of

import keyrand as kr
from keyrand._registry import SAMPLERS

#: MLX's samplers, the additions that do not use element streams, and those without a
#: ``shape`` that tests/test_dists_gamma.py compares itself (permuted).
NOT_ELEMENT_STREAMS = {"bits", "split", "uniform", "normal", "truncated_normal", "gumbel",
                       "laplace", "bernoulli", "randint", "categorical", "permutation",
                       "multivariate_normal", "integers", "permuted"}


def test_every_distribution_has_cases():
    missing = set(SAMPLERS) - NOT_ELEMENT_STREAMS - set(CASES)
    assert not missing, f"distributions without cases in tests/dist_cases.py: {missing}"


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    return host_library(str(tmp_path_factory.mktemp("dists_host")))


def _params():
    for name, cases in CASES.items():
        dtypes = INT_DTYPES if name in DISCRETE else FLOAT_DTYPES
        for j, kw in enumerate(cases):
            for d in dtypes:
                yield pytest.param(name, kw, d, id=f"{name}-{j}-{np.dtype(d).name}")


@pytest.mark.parametrize("name, kw, dtype", _params())
def test_host_cuda_equals_cpu(lib, monkeypatch, name, kw, dtype):
    rec = Recorder(monkeypatch)
    getattr(kr, name)(**kw, shape=_shape(kw, 3001), dtype=dtype, key=key_of(f"cuda-{name}"))
    assert rec.calls, f"{name} made no element-stream draw"
    for key, runs, kind, wide, params, store, out in rec.calls:
        assert_same_bits(out, host_dist(lib, key, runs, kind, wide, params, store))


def _shape(kw: dict, n: int) -> tuple[int, ...]:
    # n samples of each case; array parameters add their shape.
    arrays = [np.shape(v) for v in kw.values() if np.ndim(v)]
    return (n, *np.broadcast_shapes(*arrays)) if arrays else (n,)
