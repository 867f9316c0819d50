"""Every distribution beyond MLX gives the same bits on the GPU as on the CPU.

Each case of tests/dist_cases.py is drawn on both backends with one key, in
every output dtype of its kind, at a size that spreads it over many GPU
blocks; a block of a larger draw (Dask's path) is compared too. Skipped as a
whole without CuPy and a CUDA GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_same_bits
from dist_cases import CASES, DISCRETE, FLOAT_DTYPES, GPU_TOLERANCE, INT_DTYPES, MULTIVARIATE
from dist_check import key_of

import keyrand as kr
from keyrand import _gpu

cp = _gpu.cupy
if cp is None:
    _REASON = "CuPy is not installed"
else:
    try:
        _REASON = None if cp.cuda.runtime.getDeviceCount() > 0 else "CUDA reports no GPU"
    except Exception as err:  # no driver / no device
        _REASON = f"no usable CUDA GPU ({type(err).__name__}: {err})"
if _REASON is not None:
    pytest.skip(_REASON, allow_module_level=True)

GPU = kr.Device(kr.gpu, 0)


def _params():
    for name, cases in CASES.items():
        dtypes = INT_DTYPES if name in DISCRETE else (*FLOAT_DTYPES, np.float16, kr.bfloat16)
        for j, kw in enumerate(cases):
            for d in dtypes:
                yield pytest.param(name, kw, d, id=f"{name}-{j}-{np.dtype(d).name}")


def _shape(kw: dict, n: int) -> tuple[int, ...]:
    arrays = [np.shape(v) for v in kw.values() if np.ndim(v)]
    return (n, *np.broadcast_shapes(*arrays)) if arrays else (n,)


@pytest.mark.parametrize("name, kw, dtype", list(_params()))
def test_gpu_equals_cpu(name, kw, dtype):
    fn = getattr(kr, name)
    key = key_of(f"gpu-{name}")
    shape = _shape(kw, 100_003)
    want = fn(**kw, shape=shape, dtype=dtype, key=key, stream=kr.cpu)
    got = fn(**kw, shape=shape, dtype=dtype, key=key, stream=GPU)
    assert isinstance(got, cp.ndarray)
    if name in GPU_TOLERANCE:
        atol = GPU_TOLERANCE[name][np.dtype(dtype).name]
        np.testing.assert_allclose(cp.asnumpy(got).astype(np.float64), want.astype(np.float64),
                                   rtol=0, atol=atol)
        return
    assert_same_bits(cp.asnumpy(got), want)


@pytest.mark.parametrize("name", sorted(set(CASES) - MULTIVARIATE))
def test_gpu_dask_block_equals_cpu(name):
    import keyrand.dask as kd

    kw = CASES[name][0]
    key = key_of(f"gpu-dask-{name}")
    shape = _shape(kw, 5000)
    d = np.int32 if name in DISCRETE else np.float32
    want = getattr(kr, name)(**kw, shape=shape, dtype=d, key=key, stream=kr.cpu)
    lazy = getattr(kd, name)(**kw, shape=shape, dtype=d, key=key, chunks=777, stream=GPU)
    assert_same_bits(cp.asnumpy(lazy.compute()), want)
