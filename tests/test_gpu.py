"""GPU backend: bit-identity with the CPU backend, streams, interop and errors.

Skipped as a whole (one line, with the reason) where CuPy or a CUDA GPU is missing;
the missing-GPU error test lives in ``test_placement.py`` and runs everywhere. On a GPU
machine: ``python -m pytest tests/test_gpu.py``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import GOLDEN, assert_same_bits, load_golden

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
if _REASON is not None:  # one skip for the module, so the summary shows one line
    pytest.skip(_REASON, allow_module_level=True)

GPU = kr.Device(kr.gpu, 0)
F16, BF16, F32, F64 = np.float16, kr.bfloat16, np.float32, np.float64
FLOATS = [F16, BF16, F32]
SHAPES = [(), (0,), (1,), (2,), (3,), (7,), (3, 5), (2, 0, 3), (1001,), (4, 257)]


def _host(x):
    assert isinstance(x, cp.ndarray), type(x)
    return cp.asnumpy(x)


def _parity(fn, *args, gpu_key=False, **kwargs):
    """Run ``fn`` on the cpu and on the gpu with the same arguments; compare bits."""
    want = fn(*args, stream=kr.cpu, **kwargs)
    if gpu_key and "key" in kwargs:
        kwargs = dict(kwargs, key=cp.asarray(kwargs["key"]))
    got = fn(*args, stream=GPU, **kwargs)
    assert got.device.id == 0
    assert_same_bits(_host(got), np.asarray(want))
    return got


def _key(i):
    return kr.key(1000 + i)


# ---------------------------------------------------------------- parity: bits, split

@pytest.mark.parametrize("width", [1, 2, 4])
@pytest.mark.parametrize("shape", SHAPES + [(5,), (6,), (9,)])
def test_parity_bits(shape, width):
    _parity(kr.bits, shape, width, key=_key(width))
    _parity(kr.bits, shape, width, key=_key(width), gpu_key=True)


@pytest.mark.parametrize("num", [0, 1, 2, 3, 5, 33])
def test_parity_split(num):
    got = _parity(kr.split, _key(num), num)
    got2 = kr.split(cp.asarray(_key(num)), num, stream=GPU)
    assert isinstance(got2, cp.ndarray) and got2.dtype == np.uint32
    assert_same_bits(_host(got2), _host(got))


@pytest.mark.parametrize("batch", [(3,), (2, 2), (1,), (0,)])
def test_parity_batched_keys(batch):
    keys = kr.split(kr.key(7), int(np.prod(batch))).reshape(batch + (2,))
    for shape, width in [((5,), 4), ((3, 3), 1), ((7,), 2), ((), 4)]:
        _parity(kr.bits, shape, width, key=keys)
        _parity(kr.bits, shape, width, key=keys, gpu_key=True)


# ---------------------------------------------------------------- parity: float samplers

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_uniform(shape, dtype):
    _parity(kr.uniform, shape=shape, dtype=dtype, key=_key(1))
    _parity(kr.uniform, -2.5, 3.0, shape, dtype, key=_key(2), gpu_key=True)
    _parity(kr.uniform, 5, -1, shape, dtype, key=_key(3))


@pytest.mark.parametrize("dtype", FLOATS)
def test_parity_uniform_array_bounds(dtype):
    lo = np.linspace(-3, 2, 5).astype(np.float32)
    hi = np.array([[4.0], [10.0], [0.5]], np.float32)
    _parity(kr.uniform, lo, hi, (3, 5), dtype, key=_key(4))
    _parity(kr.uniform, lo, 7.0, (2, 5), dtype, key=_key(5))
    _parity(kr.uniform, cp.asarray(lo), 7.0, (2, 5), dtype, key=_key(5))


@pytest.mark.parametrize("dtype", FLOATS + [F64, np.complex64])
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_normal(shape, dtype):
    _parity(kr.normal, shape, dtype, key=_key(6))
    _parity(kr.normal, shape, dtype, 0.5, 2.0, key=_key(7), gpu_key=True)
    _parity(kr.normal, shape, dtype, None, 0.25, key=_key(8))


@pytest.mark.parametrize("dtype", FLOATS + [F64, np.complex64])
def test_parity_normal_array_params(dtype):
    loc = np.linspace(-1, 1, 4).astype(np.float32)
    scale = np.array([[1.0], [2.0], [0.5]], np.float32)
    _parity(kr.normal, (3, 4), dtype, loc, scale, key=_key(9))
    _parity(kr.normal, (4,), dtype, loc, scale, key=_key(10))  # loc/scale enlarge the shape
    if dtype == np.complex64:
        _parity(kr.normal, (3,), dtype, 1 + 2j, 0.5 - 1j, key=_key(11))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 5), (1001,)])
def test_parity_truncated_normal(shape, dtype):
    _parity(kr.truncated_normal, -1.5, 2.0, shape, dtype, key=_key(12))
    _parity(kr.truncated_normal, 0.5, 0.25, shape, dtype, key=_key(13))  # lower > upper


@pytest.mark.parametrize("dtype", FLOATS)
def test_parity_truncated_normal_array_bounds(dtype):
    lo = np.array([-2.0, -1.0, 0.0, -5.0], np.float32)
    hi = np.array([[1.0], [3.0]], np.float32)
    _parity(kr.truncated_normal, lo, hi, None, dtype, key=_key(15))
    _parity(kr.truncated_normal, lo, hi, (2, 4), dtype, key=_key(16))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_gumbel(shape, dtype):
    _parity(kr.gumbel, shape, dtype, key=_key(17))


@pytest.mark.parametrize("dtype", FLOATS + [F64])
@pytest.mark.parametrize("shape", SHAPES)
def test_parity_laplace(shape, dtype):
    _parity(kr.laplace, shape, dtype, key=_key(18))
    _parity(kr.laplace, shape, dtype, -1.5, 3.0, key=_key(19), gpu_key=True)
    _parity(kr.laplace, shape, dtype, 0.0, 0.5, key=_key(20))


@pytest.mark.parametrize("shape", SHAPES)
def test_parity_bernoulli(shape):
    _parity(kr.bernoulli, 0.3, shape, key=_key(21))
    _parity(kr.bernoulli, np.float64(0.3), shape, key=_key(22))
    _parity(kr.bernoulli, np.float16(0.7), shape, key=_key(23), gpu_key=True)
    if shape and shape[-1] == 5:
        _parity(kr.bernoulli, np.linspace(0, 1, 5).astype(np.float32), shape, key=_key(24))
        _parity(kr.bernoulli, np.linspace(0, 1, 5), shape, key=_key(25))


def test_parity_bernoulli_default_shape():
    p = np.array([[0.1, 0.9], [0.5, 1.0]], np.float32)
    _parity(kr.bernoulli, p, key=_key(26))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                   np.uint32, np.uint64, np.bool_])
@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 5), (1001,)])
def test_parity_randint(shape, dtype):
    _parity(kr.randint, 0, 10, shape, dtype, key=_key(27))
    _parity(kr.randint, -300, 70000, shape, dtype, key=_key(28), gpu_key=True)
    _parity(kr.randint, 0, 2**40, shape, dtype, key=_key(29))
    _parity(kr.randint, 5, 5, shape, dtype, key=_key(30))
    _parity(kr.randint, -(2**31), 2**31 - 1, shape, dtype, key=_key(31))


@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.int64, np.uint8])
def test_parity_randint_array_bounds(dtype):
    lo = np.array([0, -5, 100], np.int32)
    hi = np.array([[10], [2**20]], np.int64)
    _parity(kr.randint, lo, hi, (2, 3), dtype, key=_key(32))
    _parity(kr.randint, -3.5, 1e9, (9,), dtype, key=_key(33))
    _parity(kr.randint, -(2**40), 10, (9,), dtype, key=_key(14))  # uint32: the unfused path


def test_parity_categorical():
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    _parity(kr.categorical, logits, shape=(1000,), key=_key(34))          # inverse-CDF
    _parity(kr.categorical, logits, num_samples=17, key=_key(35))
    _parity(kr.categorical, logits, key=_key(36))                        # Gumbel
    L2 = np.random.default_rng(0).normal(size=(6, 9)).astype(np.float32)
    _parity(kr.categorical, L2, key=_key(37))
    _parity(kr.categorical, L2, axis=0, key=_key(38))
    _parity(kr.categorical, L2, num_samples=5, key=_key(39))
    _parity(kr.categorical, L2, shape=(4, 6), key=_key(40))
    neg = np.array([-np.inf, 0.0, -np.inf, 1.0], np.float32)
    _parity(kr.categorical, neg, shape=(50,), key=_key(41))
    _parity(kr.categorical, cp.asarray(L2), key=_key(42))


def test_parity_permutation():
    for n in (0, 1, 2, 7, 1000):
        _parity(kr.permutation, n, key=_key(43))
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    _parity(kr.permutation, x, key=_key(44))
    _parity(kr.permutation, x, axis=1, key=_key(45))
    got = kr.permutation(cp.asarray(x), axis=-1, key=_key(46), stream=GPU)
    assert_same_bits(_host(got), kr.permutation(x, axis=-1, key=_key(46)))


def test_multivariate_normal_within_tolerance():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(4, 4))
    cov = (a @ a.T / 4 + 0.1 * np.eye(4)).astype(np.float32)
    mean = rng.normal(size=4).astype(np.float32)
    want = kr.multivariate_normal(mean, cov, (1000,), key=_key(47))
    got = kr.multivariate_normal(mean, cov, (1000,), key=_key(47), stream=GPU)
    assert got.shape == want.shape and got.dtype == want.dtype
    tol = 2e-5 * np.sqrt(np.max(np.diag(cov)))
    np.testing.assert_allclose(_host(got), want, atol=tol, rtol=1e-4)


def test_parity_nonfinite_parameters():
    # NaN results carry x86's encodings on both devices.
    for dtype in FLOATS:
        _parity(kr.uniform, -np.inf, np.inf, (64,), dtype, key=_key(48))
        _parity(kr.uniform, np.float32("nan"), 1.0, (64,), dtype, key=_key(49))
        _parity(kr.uniform, np.array([0.0, np.inf], np.float32), 1.0, (4, 2), dtype, key=_key(50))
        _parity(kr.normal, (64,), dtype, np.inf, 0.0, key=_key(51))
        _parity(kr.normal, (64,), dtype, np.float32("nan"), key=_key(52))
        _parity(kr.laplace, (64,), dtype, 0.0, np.inf, key=_key(53))
        _parity(kr.truncated_normal, np.float32("nan"), 1.0, (64,), dtype, key=_key(54))
        _parity(kr.truncated_normal, -np.inf, np.inf, (64,), dtype, key=_key(55))
    _parity(kr.bernoulli, np.float32("nan"), (64,), key=_key(56))
    _parity(kr.randint, -np.inf, np.inf, (64,), np.int32, key=_key(57))


def test_parity_subnormal_parameters():
    # float32 subnormals survive on both devices (CuPy's own kernels would flush them).
    tiny = np.float32(1e-39)
    for dtype in FLOATS:
        _parity(kr.uniform, 0.0, tiny, (256,), dtype, key=_key(58))
        _parity(kr.uniform, np.full(4, -tiny, np.float32), tiny, (64, 4), dtype, key=_key(59))
        _parity(kr.normal, (256,), dtype, None, tiny, key=_key(72))
        _parity(kr.normal, (64, 4), dtype, np.full(4, tiny, np.float32), tiny, key=_key(73))
        _parity(kr.laplace, (256,), dtype, 0.0, float(tiny), key=_key(74))
    _parity(kr.bernoulli, np.float32(1e-40), (256,), key=_key(75))
    _parity(kr.normal, (256,), F64, None, 1e-310, key=_key(76))


@pytest.mark.parametrize("fn", ["uniform", "normal"])
def test_parity_2_27_elements(fn):
    n = 1 << 27
    key = _key(60)
    want = getattr(kr, fn)(shape=(n,), key=key)
    got = getattr(kr, fn)(shape=(n,), key=key, stream=GPU)
    # Compare on the device, then name the first mismatch.
    bad = cp.flatnonzero(got.view(cp.uint32) != cp.asarray(want.view(np.uint32)))
    assert bad.size == 0, f"{bad.size} of {n} differ; first at {int(bad[0])}"
    odd = getattr(kr, fn)(shape=(n - 1,), key=key, stream=GPU)  # odd word count
    assert_same_bits(_host(odd)[-4096:], getattr(kr, fn)(shape=(n - 1,), key=key)[-4096:])


@pytest.mark.parametrize("case", range(6))
def test_fill_runs_matches_fill(case):
    from keyrand import _codes

    kind, rd, params, dtype = [
        (_codes.NORMAL, 0, (1.4142135, 0.0, 0.0), np.float32),
        (_codes.UNIFORM, 0, (_codes.ONE_MINUS_ULP, 1.0, 0.0), np.float32),
        (_codes.UNIFORM, 1, (_codes.UNIFORM_CLAMP[1], 1.0, 0.0), np.float32),
        (_codes.BERNOULLI, 0, (0.3 * 4294967808.0,), np.bool_),
        (_codes.LAPLACE64, 0, (2.0, 1.0, 1.0, 1.0), np.float64),
        (_codes.RANDINT_CLAMPED, 1, (20.0, -10.0, 5.0, 0.0, float(2**32 - 3), 2**32 - 1.0),
         np.int32),
    ][case]
    key = _key(61)
    total = 1001
    full = cp.empty(total, dtype)
    _gpu.fill(full, key, kind, rd, params)
    starts = np.array([0, 499, 500, 501, 990], np.int64)
    out = cp.empty(starts.size * 11, dtype)
    _gpu.fill_runs(out, key, total, starts, 11, kind, rd, params)
    want = np.concatenate([cp.asnumpy(full)[s:s + 11] for s in starts])
    assert_same_bits(cp.asnumpy(out), want)
    if kind < 100:  # the cpu's own transforms
        cpu = np.empty(total, dtype)
        from keyrand import _cpu

        _cpu.fill(cpu, key, kind, rd, params)
        assert_same_bits(cp.asnumpy(full), cpu)


# ---------------------------------------------------------------- golden replay on the GPU

def _golden_path() -> Path:
    return Path(os.environ.get("KEYRAND_GOLDEN", str(GOLDEN)))


def test_golden_replay_on_gpu():
    import test_golden as tg

    path = _golden_path()
    data, cases = load_golden(path)
    previous = kr.default_device()
    kr.set_default_device(GPU)
    try:
        for case in cases:
            tg.replay(case, data, to_host=lambda x: cp.asnumpy(x) if isinstance(x, cp.ndarray)
                      else np.asarray(x))
    finally:
        kr.set_default_device(previous)
    assert len(cases) > 50


# ---------------------------------------------------------------- placement and streams

_SPIN = None


def _spin(stream, ms: float):
    """Occupy ``stream`` for about ``ms`` milliseconds (a clock64 loop)."""
    global _SPIN
    if _SPIN is None:
        _SPIN = cp.RawKernel(r"""
        extern "C" __global__ void spin(long long cycles) {
            long long t0 = clock64();
            while (clock64() - t0 < cycles) { }
        }""", "spin")
    rate = cp.cuda.Device(0).attributes["ClockRate"]  # kHz
    with stream:
        _SPIN((1,), (1,), (np.int64(rate * ms),))


def test_results_are_cupy_on_the_stream_device():
    x = kr.uniform(shape=(5,), key=_key(62), stream=GPU)
    assert isinstance(x, cp.ndarray) and x.device.id == 0 and x.dtype == np.float32
    assert isinstance(kr.bits((), key=_key(62), stream=kr.gpu), cp.ndarray)
    assert kr.normal((), key=_key(62), stream=GPU).shape == ()
    prev = kr.default_device()
    kr.set_default_device(kr.gpu)
    try:
        assert isinstance(kr.normal((3,), key=_key(63)), cp.ndarray)
        kr.seed(5)
        a = kr.uniform(shape=(4,))
    finally:
        kr.set_default_device(prev)
    kr.seed(5)
    assert_same_bits(cp.asnumpy(a), kr.uniform(shape=(4,)))
    with kr.stream(kr.new_stream(kr.gpu)):
        assert isinstance(kr.gumbel((2,), key=_key(64)), cp.ndarray)
    assert isinstance(kr.gumbel((2,), key=_key(64)), np.ndarray)


def _delayed_key(stream, key, ms):
    """A device copy of ``key`` that only exists once ``stream`` has spun ``ms`` milliseconds.

    A kernel that reads it before then (on another stream) would see zeros.
    """
    src = cp.asarray(key)
    dst = cp.zeros(2, np.uint32)
    cp.cuda.Device(0).synchronize()
    _spin(stream, ms)
    with stream:
        dst[...] = src  # queued behind the spin
    return dst


def test_new_stream_runs_on_its_cuda_stream_without_host_sync():
    s1, s2 = kr.new_stream(GPU), kr.new_stream(GPU)
    c1, c2 = _gpu.cuda_stream(s1), _gpu.cuda_stream(s2)
    assert c1 is not c2 and c1 is _gpu.cuda_stream(s1)
    n1, n2 = 1 << 20, 1 << 16
    for _ in range(2):  # compile and fill each stream's memory pool outside the timed part
        kr.uniform(shape=(n1,), key=cp.asarray(_key(66)), stream=s1)
        kr.normal((n2,), key=_key(67), stream=s2)
    cp.cuda.Device(0).synchronize()
    dkey = _delayed_key(c1, _key(66), 300)
    t0 = time.perf_counter()
    x = kr.uniform(shape=(n1,), key=dkey, stream=s1)
    dt = time.perf_counter() - t0
    assert dt < 0.15, f"the call waited for the GPU ({dt:.3f} s)"
    assert not c1.done, "s1 finished early: the kernel was not queued behind the spin"
    # s2 is independent of s1: it completes while s1 still spins.
    y = kr.normal((n2,), key=_key(67), stream=s2)
    c2.synchronize()
    assert not c1.done
    c1.synchronize()
    assert_same_bits(cp.asnumpy(x), kr.uniform(shape=(n1,), key=_key(66)))
    assert_same_bits(cp.asnumpy(y), kr.normal((n2,), key=_key(67)))


def test_ordering_within_a_stream():
    s = kr.new_stream(GPU)
    c = _gpu.cuda_stream(s)
    for _ in range(2):
        ks = kr.split(cp.asarray(_key(68)), 3, stream=s)
        kr.normal((1 << 18,), key=ks[1], stream=s)
    dkey = _delayed_key(c, _key(68), 200)
    t0 = time.perf_counter()
    ks = kr.split(dkey, 3, stream=s)  # keys made on the device, after the spin ...
    x = kr.normal((1 << 18,), key=ks[1], stream=s)  # ... and read by the next kernel
    dt = time.perf_counter() - t0
    assert dt < 0.1 and not c.done
    c.synchronize()
    want = kr.normal((1 << 18,), key=kr.split(_key(68), 3)[1])
    assert_same_bits(cp.asnumpy(x), want)


def test_stream_zero_is_cupys_current_stream():
    user = cp.cuda.Stream(non_blocking=True)
    with user:
        kr.bits((1 << 18,), key=cp.asarray(_key(69)), stream=GPU)
    user.synchronize()
    dkey = _delayed_key(user, _key(69), 200)
    with user:
        x = kr.bits((1 << 18,), key=dkey, stream=kr.default_stream(kr.gpu))
        assert not user.done
    user.synchronize()
    assert_same_bits(cp.asnumpy(x), kr.bits((1 << 18,), key=_key(69)))


# ---------------------------------------------------------------- interop

def test_dlpack_torch():
    torch = pytest.importorskip("torch")
    x = kr.normal((3, 5), key=_key(70), stream=GPU)
    t = torch.from_dlpack(x)
    assert t.is_cuda and t.data_ptr() == x.data.ptr  # zero-copy
    np.testing.assert_array_equal(t.cpu().numpy(), cp.asnumpy(x))
    back = cp.from_dlpack(t)
    assert back.data.ptr == x.data.ptr
    k = kr.split(kr.key(42), stream=GPU)
    assert torch.from_dlpack(k).shape == (2, 2)


def test_dlpack_jax():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    x = kr.uniform(shape=(4, 6), key=_key(71), stream=GPU)
    j = jnp.from_dlpack(x)
    np.testing.assert_array_equal(np.asarray(j), cp.asnumpy(x))
    back = cp.from_dlpack(j)
    np.testing.assert_array_equal(cp.asnumpy(back), cp.asnumpy(x))
    assert jax.devices()[0].platform == "gpu"


# ---------------------------------------------------------------- bad inputs

def test_bad_inputs_on_gpu():
    n = cp.cuda.runtime.getDeviceCount()
    with pytest.raises(ValueError, match="there is no gpu device"):
        kr.uniform(shape=(2,), key=kr.key(0), stream=kr.Device(kr.gpu, n))
    with pytest.raises(ValueError, match="dtype uint32"):
        kr.uniform(shape=(2,), key=cp.zeros(2, np.int32), stream=GPU)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        kr.normal((2,), key=cp.zeros(3, np.uint32), stream=GPU)
    with pytest.raises(ValueError, match="negative"):
        kr.bits((-1,), key=kr.key(0), stream=GPU)
    with pytest.raises(ValueError):
        kr.uniform(shape=(2,), dtype=np.int32, key=kr.key(0), stream=GPU)
    with pytest.raises(ValueError):
        kr.bernoulli(1, (2,), key=kr.key(0), stream=GPU)
    with pytest.raises(TypeError):
        kr.uniform(shape=(2,), key=kr.key(0), stream="gpu")
    with pytest.raises(ValueError, match="2\\*\\*61"):
        kr.bits((2**31 - 1, 2**31 - 1), key=kr.key(0), stream=GPU)


# ---------------------------------------------------------------- streams past 2^32 words (§3.3)

_B = 2**32 - 1


@pytest.mark.parametrize("name, params", [("bits", {}), ("uniform", {}), ("normal", {}),
                                          ("randint", {"low": -3, "high": 99})])
@pytest.mark.parametrize("shape", [(641, 6700417), (3, 3, 67, 683, 20857)], ids=str)
def test_long_stream_ranges_equal_cpu(name, params, shape):
    """Ranges across the block edges of a stream past 2^32 words: GPU == CPU."""
    from keyrand.samplers import sample_range

    k = kr.key(21)
    total = int(np.prod(shape))
    for lo in (0, _B - 5, 2**31 - 2, min(2 * _B - 3, total - 9), total - 9):
        hi = min(lo + 9, total)
        with kr.stream(GPU):
            got = sample_range(name, shape, k, lo, hi, **params)
        want = sample_range(name, shape, k, lo, hi, **params)
        assert_same_bits(cp.asnumpy(got), want)


def test_long_stream_dask_block_on_gpu_equals_cpu():
    pytest.importorskip("dask.array", reason="Dask is not installed")
    import keyrand.dask as krd

    k = kr.key(22)
    shape = (2**17, 2**17)
    row = _B // 2**17
    with kr.stream(GPU):
        got = krd.uniform(shape=shape, key=k, chunks=(64, 2**14))[row - 1:row + 1].compute()
    want = krd.uniform(shape=shape, key=k, chunks=(2**9, 2**17))[row - 1:row + 1].compute()
    assert_same_bits(cp.asnumpy(got), want)
