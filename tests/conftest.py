"""Shared fixtures: the golden file and the MLX oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import keyrand as kr

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO.parent / "shared" / "golden" / "mlx_cpu_0.32.4.npz"

try:
    import mlx.core as mx
except ImportError:
    mx = None

needs_mlx = pytest.mark.skipif(mx is None, reason="mlx (the oracle) is not installed")


def raw(a: np.ndarray) -> np.ndarray:
    """Bit pattern of an array (bfloat16/float16/complex included) for exact comparison."""
    a = np.ascontiguousarray(a)
    if a.dtype == np.bool_:
        return a.view(np.uint8)
    return a.view(np.dtype(f"uint{a.dtype.itemsize * 8}")) if a.dtype.itemsize <= 8 else a.view(
        np.uint64)


def from_mlx(x) -> np.ndarray:
    """An mx.array as NumPy, bfloat16 as ml_dtypes' bfloat16."""
    if x.dtype == mx.bfloat16:
        return np.array(x.view(mx.uint16)).view(kr.bfloat16)
    return np.array(x)


def to_mlx_dtype(d):
    d = np.dtype(d)
    if d == kr.bfloat16:
        return mx.bfloat16
    return getattr(mx, d.name)


def assert_same_bits(got: np.ndarray, want: np.ndarray) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    mism = raw(got) != raw(want)
    assert not mism.any(), f"{int(mism.sum())} of {mism.size} elements differ; first at " \
        f"{np.argwhere(mism)[0].tolist()}: got {got[mism][:3]} want {want[mism][:3]}"


@pytest.fixture(scope="session")
def golden():
    if not GOLDEN.exists():
        pytest.skip(f"golden file not found at {GOLDEN} (the shared/ folder beside the repo)")
    data = np.load(GOLDEN, allow_pickle=False)
    return data, json.loads(str(data["cases"]))
