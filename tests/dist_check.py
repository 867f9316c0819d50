"""Helpers of the distribution suites: goodness of fit, host-compiled CUDA, recorded calls.

Goodness of fit: every test marked ``gof`` fails when its p-value is below
:data:`ALPHA`. The suite holds at most :data:`MAX_GOF` such tests (conftest
checks the count), so a correct sampler fails the whole suite with
probability at most ``MAX_GOF·ALPHA = 1e-3`` over the choice of the fixed keys,
while a wrong distribution gives p-values far below ALPHA at these sizes.
"""

from __future__ import annotations

import ctypes
import functools
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
import scipy.stats as st

import keyrand as kr
from keyrand import _backend, _cuda, _element_stream

#: Most goodness-of-fit tests the suite may hold.
MAX_GOF = 500
#: Per-test significance level: MAX_GOF·ALPHA = 1e-3 for the whole suite.
ALPHA = 1e-3 / MAX_GOF
#: Draws per goodness-of-fit test.
N = 200_000


def key_of(tag: str) -> np.ndarray:
    """A fixed key per test case, so no two cases share random streams."""
    return kr.key(zlib.crc32(tag.encode()))


def ks(sample: np.ndarray, cdf, tag: str) -> None:
    """Kolmogorov–Smirnov test of a continuous sample against ``cdf``."""
    x = np.asarray(sample, np.float64).reshape(-1)
    assert np.isfinite(x).all(), f"{tag}: non-finite samples"
    p = st.kstest(x, cdf).pvalue
    assert p > ALPHA, f"{tag}: KS p-value {p:.3g} below {ALPHA:.1g}"


def chi2(sample: np.ndarray, pmf, tag: str, low: int = 0) -> None:
    """Chi-square test of an integer sample against ``pmf`` (bins of expected count ≥ 20).

    The support from ``low`` is cut into consecutive bins each expected to hold
    at least 20 draws (the tails pooled into the first and last bins).
    """
    x = np.asarray(sample).reshape(-1).astype(np.int64)
    n = x.size
    assert (x >= low).all(), f"{tag}: a sample below the support's {low}"
    top = int(x.max())
    ks_ = np.arange(low, top + 1)
    probs = np.asarray(pmf(ks_), np.float64)
    counts = np.bincount(x - low, minlength=ks_.size)
    edges, acc = [], 0.0
    for j, pr in enumerate(probs):
        acc += pr
        if acc * n >= 20:
            edges.append(j + 1)
            acc = 0.0
    if not edges:
        return
    edges[-1] = ks_.size
    obs, exp, start = [], [], 0
    for e in edges:
        obs.append(counts[start:e].sum())
        exp.append(probs[start:e].sum())
        start = e
    exp = np.array(exp)
    exp[-1] += max(0.0, 1.0 - probs.sum())  # the mass above the largest sample
    exp = exp / exp.sum() * n
    if len(obs) < 2:
        return
    p = st.chisquare(np.array(obs), exp).pvalue
    assert p > ALPHA, f"{tag}: chi-square p-value {p:.3g} below {ALPHA:.1g}"


# ----------------------------------------------------------------- the CUDA source on the host

@functools.cache
def host_library(tmp: str) -> ctypes.CDLL:
    """The distributions' CUDA device functions compiled for the host (skip without g++)."""
    cxx = shutil.which("g++") or shutil.which("c++")
    if cxx is None:
        pytest.skip("no C++ compiler to build the CUDA source for the host")
    src = Path(tmp) / "dists_host.cpp"
    lib = Path(tmp) / "dists_host.so"
    src.write_text(_cuda.host_source())
    subprocess.run([cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-fno-math-errno",
                    "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return ctypes.CDLL(str(lib))


def _ptr(a: np.ndarray) -> ctypes.c_void_p:
    return a.ctypes.data_as(ctypes.c_void_p)


def host_dist(lib: ctypes.CDLL, key, runs, kind: int, wide: bool, params: tuple,
              dtype: np.dtype) -> np.ndarray:
    """:meth:`Backend.dist` computed by the host-compiled CUDA functions."""
    key = np.asarray(key, np.uint32)
    keys = np.concatenate([_element_stream.pair_keys(key[0], key[1]).reshape(-1), key])
    starts = np.ascontiguousarray(runs.starts, np.int64)
    n = starts.size * runs.run
    out = np.empty(n, np.float64)
    ps = [np.ascontiguousarray(p, np.float64) for p in params]
    args = []
    for p in ps:
        args += [_ptr(p), ctypes.c_uint64(int(p.size > 1))]
    lib.kr_host_dist(ctypes.c_int(int(kind)), _ptr(out), _ptr(keys), _ptr(starts),
                     ctypes.c_uint64(runs.run), ctypes.c_uint64(n), ctypes.c_int(int(wide)),
                     *args)
    return out.astype(dtype)


class Recorder:
    """Wraps the CPU backend's ``dist`` to record every call and its result."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple] = []
        cpu = _backend.cpu()
        original = type(cpu).dist

        def dist(this, key, runs, kind, wide, params, dtype):
            out = original(this, key, runs, kind, wide, params, dtype)
            self.calls.append((np.array(key), runs, kind, wide,
                               tuple(np.array(p) for p in params), np.dtype(dtype), out.copy()))
            return out

        monkeypatch.setattr(type(cpu), "dist", dist)
