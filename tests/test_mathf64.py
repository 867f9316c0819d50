"""keyrand's port of glibc's double log1p against the host's glibc, bit for bit.

The port reproduces glibc 2.36's ``log1p`` on an x86-64 CPU with FMA (the C
library MLX 0.32.4's Linux CPU backend calls for float64 laplace). The oracle
is the host's ``log1p``: through ctypes (libm.so.6) on a sample, and through
Numba's ``math.log1p`` (a call into the same libm) on every one of > 4 M
inputs: random bit patterns, the whole of (−1, 1), laplace's inputs, values
next to −1, subnormals, powers of two, NaN payloads, and every high-word
threshold of the algorithm ± 2048 patterns.
"""

from __future__ import annotations

import ctypes
import math
import platform

import numpy as np
import pytest
from numba import njit

from keyrand._mathf64 import LOG1P_HI, log1p


def _host_is_reference() -> str | None:
    """Why the host's log1p is not the reference (glibc 2.36, x86-64, FMA), or None."""
    if platform.machine() != "x86_64":
        return f"not an x86-64 host ({platform.machine()})"
    lib, version = platform.libc_ver()
    if (lib, version) != ("glibc", "2.36"):
        return f"the host C library is {lib} {version}, not glibc 2.36"
    try:
        with open("/proc/cpuinfo") as f:
            has_fma = " fma " in f.read().replace("\n", " ")
    except OSError:
        has_fma = False
    return None if has_fma else "the CPU has no FMA (glibc then runs its non-FMA log1p)"


_REASON = _host_is_reference()
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@njit
def _host_all(x, out):
    for i in range(x.size):
        out[i] = math.log1p(x[i])


@njit
def _port_all(x, out):
    for i in range(x.size):
        out[i] = log1p(x[i])


def _patterns(values) -> np.ndarray:
    return np.array(values, np.uint64).view(np.float64)


def _inputs() -> np.ndarray:
    rng = np.random.default_rng(2026)
    p2 = 2.0 ** np.arange(-1074, 1024, dtype=np.float64)
    mag = 2.0 ** rng.uniform(-1080, 1024, 600_000)
    edges = []
    for h in LOG1P_HI.values():
        for sign in (0, 0x80000000):
            for d in range(-2048, 2049):
                hi = ((h & 0xFFFFFFFF) ^ sign) + d & 0xFFFFFFFF
                edges += [hi << 32 | lo for lo in (0, 1, 0x20000000, 0x7FFFFFFF, 0xFFFFFFFF)]
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, -1.5, -2.0, 1.0, 2.0**-29, -(2.0**-29),
               2.0**-54, -(2.0**-54), 5e-324, -5e-324, 2.0**53, 2.0**53 - 1, 1.7976931348623157e308,
               -1.7976931348623157e308, math.sqrt(2) - 1, math.sqrt(0.5) - 1]
    nans = [0x7FF0000000000001, 0x7FF4000000000000, 0x7FF8000000000000, 0xFFF0000000000001,
            0xFFF8000000000000, 0xFFFFFFFFFFFFFFFF]
    return np.concatenate([
        rng.integers(0, 2**64, 1_000_000, dtype=np.uint64).view(np.float64),
        rng.uniform(-1, 1, 1_000_000),
        -np.abs(rng.uniform(-1, 1, 500_000)),
        -np.abs(rng.uniform(-1, 1, 500_000).astype(np.float32)).astype(np.float64),
        -1.0 + np.arange(1, 200_001) * 2.0**-53,
        -1.0 + 2.0 ** -np.arange(1, 60, dtype=np.float64),
        mag, -np.minimum(mag, 1.0),
        _patterns(rng.integers(1, 2**52, 200_000, dtype=np.uint64)),
        -_patterns(rng.integers(1, 2**52, 200_000, dtype=np.uint64)),
        p2, -p2, np.nextafter(p2, np.inf), np.nextafter(p2, 0.0),
        _patterns(edges), np.array(special), _patterns(nans),
    ])


@pytest.fixture(scope="module")
def inputs():
    return _inputs()


def _mismatches(x: np.ndarray, got: np.ndarray, want: np.ndarray) -> str:
    bad = np.flatnonzero(got.view(np.uint64) != want.view(np.uint64))
    rows = [f"x={x[i]!r} got={got[i]!r} want={want[i]!r}" for i in bad[:5]]
    return f"{bad.size} of {x.size} differ: " + "; ".join(rows)


def test_log1p_matches_host_glibc_on_4m_inputs(inputs):
    assert inputs.size >= 4_000_000
    got, want = np.empty_like(inputs), np.empty_like(inputs)
    _port_all(inputs, got)
    _host_all(inputs, want)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), \
        _mismatches(inputs, got, want)


def test_log1p_matches_libm_through_ctypes(inputs):
    """The same oracle called directly, independent of how Numba lowers ``math.log1p``."""
    libm = ctypes.CDLL("libm.so.6")
    libm.log1p.restype = ctypes.c_double
    libm.log1p.argtypes = [ctypes.c_double]
    sample = inputs[:: inputs.size // 40_000]
    sample = np.concatenate([sample, inputs[-200:]])
    want = np.array([libm.log1p(float(v)) for v in sample])
    got = np.empty_like(sample)
    _port_all(sample, got)
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), \
        _mismatches(sample, got, want)
