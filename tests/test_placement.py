"""Placement on the CPU: ``stream=``, ``with kr.stream(...)`` and ``set_default_device``.

Runs everywhere (no GPU needed): every way of naming the CPU gives NumPy
arrays with the bits of a call without placement, the defaults are restored
after a ``with`` block (also when it raises), and the scope of each setting
across threads is pinned down.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
from conftest import assert_same_bits

import keyrand as kr

K = kr.key(2024)
F32 = np.float32


def _draws(**placement):
    """One small draw of every sampler (explicit keys, so placement alone could differ)."""
    z3 = np.zeros(3, F32)
    return [
        kr.bits((5,), 2, key=K, **placement),
        kr.split(K, 3, **placement),
        kr.uniform(-1.0, 2.0, (7,), key=K, **placement),
        kr.normal((7,), np.complex64, key=K, **placement),
        kr.truncated_normal(-1.0, 2.0, (7,), key=K, **placement),
        kr.gumbel((7,), kr.bfloat16, key=K, **placement),
        kr.laplace((7,), np.float64, key=K, **placement),
        kr.bernoulli(0.3, (7,), key=K, **placement),
        kr.randint(-5, 9, (7,), np.int16, key=K, **placement),
        kr.categorical(np.arange(4, dtype=F32), shape=(7,), key=K, **placement),
        kr.permutation(7, key=K, **placement),
        kr.multivariate_normal(z3, np.eye(3, dtype=F32), (2,), key=K, **placement),
    ]


REFERENCE = None


def _reference():
    global REFERENCE
    if REFERENCE is None:
        REFERENCE = _draws()
    return REFERENCE


@pytest.mark.parametrize("where", ["DeviceType", "Device", "default_stream", "new_stream"])
def test_stream_argument_on_cpu(where):
    s = {"DeviceType": kr.cpu, "Device": kr.Device(kr.cpu, 0),
         "default_stream": kr.default_stream(kr.cpu), "new_stream": kr.new_stream(kr.cpu)}[where]
    for got, want in zip(_draws(stream=s), _reference(), strict=True):
        assert type(got) is np.ndarray
        assert_same_bits(got, want)


def test_stream_argument_rejects_other_types():
    with pytest.raises(TypeError, match=r"\[uniform\] stream"):
        kr.uniform(key=K, stream="cpu")


def test_with_stream_on_cpu_and_restored():
    before = kr.default_device()
    with kr.stream(kr.new_stream(kr.cpu)):
        assert kr.default_device() == kr.Device(kr.cpu, 0)
        got = _draws()
    assert kr.default_device() == before
    for g, w in zip(got, _reference(), strict=True):
        assert_same_bits(g, w)
    with pytest.raises(ZeroDivisionError), kr.stream(kr.cpu):
        raise ZeroDivisionError
    assert kr.default_device() == before


def test_set_default_device_is_process_wide():
    """set_default_device (as MLX's) applies to every thread, including ones started later."""
    previous = kr.default_device()
    other = kr.Device(kr.cpu, 1)
    seen = []
    try:
        kr.set_default_device(other)
        t = threading.Thread(target=lambda: seen.append(kr.default_device()))
        t.start()
        t.join()
    finally:
        kr.set_default_device(previous)
    assert seen == [other]
    assert kr.default_device() == previous


def test_global_key_sequence_is_independent_of_placement():
    """Draws without key= use the calling thread's global key whatever the placement."""
    kr.seed(5)
    a = [kr.uniform(shape=(3,)), kr.normal((2,), stream=kr.cpu)]
    with kr.stream(kr.cpu):
        a.append(kr.gumbel((2,)))
    kr.seed(5)
    b = [kr.uniform(shape=(3,)), kr.normal((2,)), kr.gumbel((2,))]
    for x, y in zip(a, b, strict=True):
        assert_same_bits(x, y)


def test_missing_gpu_error_names_what_is_missing(monkeypatch):
    """Without CuPy (as in CI), asking for the gpu fails naming the function and what is
    missing; the cpu is unaffected."""
    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(ValueError) as info:
        kr.uniform(shape=(3,), key=kr.key(0), stream=kr.gpu)
    msg = str(info.value)
    assert msg.startswith("[uniform] stream")
    assert "CuPy is not installed" in msg
    assert isinstance(kr.uniform(shape=(3,), key=kr.key(0)), np.ndarray)


def test_with_stream_is_per_thread():
    """A ``with kr.stream(...)`` block in one thread leaves other threads' default alone."""
    inside, release = threading.Event(), threading.Event()

    def scoped():
        with kr.stream(kr.Device(kr.cpu, 1)):
            inside.set()
            release.wait(30)

    t = threading.Thread(target=scoped)
    t.start()
    try:
        inside.wait(30)
        seen = kr.default_device()
    finally:
        release.set()
        t.join()
    assert seen == kr.Device(kr.cpu, 0)
