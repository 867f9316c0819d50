"""Shared fixtures: the golden file (tests/data) and the MLX oracle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import keyrand as kr

REPO = Path(__file__).resolve().parents[1]
#: MLX's recorded answers (``scripts/record_golden.py``; format in ``tests/data/README.md``).
GOLDEN = REPO / "tests" / "data" / "mlx_cpu_0.32.4.npz"

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
    """Same dtype, shape and raw bits (NaN sign and payload included); 0-d arrays too."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    mism = np.atleast_1d(raw(got) != raw(want))
    if mism.any():
        first = np.argwhere(mism)[0]
        flat_got, flat_want = np.atleast_1d(got)[mism], np.atleast_1d(want)[mism]
        raise AssertionError(f"{int(mism.sum())} of {mism.size} elements differ; first at "
                             f"{first.tolist()}: got {flat_got[:3]} want {flat_want[:3]}")


def load_golden(path: Path = GOLDEN):
    """The golden file and its case list; a missing file fails (never a silent skip)."""
    if not path.exists():
        pytest.fail(f"golden data missing: {path} (it is committed; re-create it with "
                    "scripts/record_golden.py)", pytrace=False)
    data = np.load(path, allow_pickle=False)
    return data, json.loads(str(data["cases"]))


@pytest.fixture(scope="session")
def golden():
    return load_golden()


def pytest_collection_modifyitems(config, items):
    """Keep the goodness-of-fit tests within tests/dist_check.py's false-alarm budget."""
    from dist_check import MAX_GOF

    gof = sum(1 for item in items if item.get_closest_marker("gof"))
    if gof > MAX_GOF:
        raise pytest.UsageError(f"{gof} goodness-of-fit tests exceed MAX_GOF = {MAX_GOF}: "
                                "raise it and lower ALPHA together (tests/dist_check.py).")
