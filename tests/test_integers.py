"""integers: exact values against a Python-int oracle of docs/algorithms.md §6.12, statistics,
NumPy's bad-input behaviour, chunk invariance, and CPU = GPU where a GPU is present.

The oracle below is written from the documentation alone: threefry2x32-20 (§3.1) and
MLX's counter layout (§3.2) in pure Python, then Lemire's method and the retries with
Python's unbounded ints. ``keyrand.bits`` (checked against MLX elsewhere) is a second,
independent oracle for the full ranges.
"""

from __future__ import annotations

import operator
import shutil
import subprocess

import numpy as np
import pytest
from conftest import assert_same_bits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import keyrand as kr
from keyrand import _cuda, _gpu, samplers
from keyrand._sample_integers import _compare
from keyrand._spec import execute_range

M32 = 0xFFFFFFFF
INTS = 0x696E7473
DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
          np.bool_]
SETTINGS = {"deadline": None, "max_examples": 40,
            "suppress_health_check": [HealthCheck.too_slow]}


# ----------------------------------------------------------------------------- the oracle

def threefry(k, c):
    """threefry2x32-20 of counter ``c`` under key ``k`` (docs/algorithms.md §3.1)."""
    ks = (k[0], k[1], k[0] ^ k[1] ^ 0x1BD11BDA)
    x0, x1 = (c[0] + ks[0]) & M32, (c[1] + ks[1]) & M32
    for b in range(5):
        for rot in ((13, 15, 26, 6), (17, 29, 16, 24))[b % 2]:
            x0 = (x0 + x1) & M32
            x1 = (((x1 << rot) | (x1 >> (32 - rot))) & M32) ^ x0
        x0 = (x0 + ks[(b + 1) % 3]) & M32
        x1 = (x1 + ks[(b + 2) % 3] + b + 1) & M32
    return x0, x1


def stream(k, total):
    """The ``total``-word stream of key ``k`` in MLX's layout (§3.2)."""
    h, off = total // 2, total // 2 + total % 2
    words = [0] * total
    for j in range(h):
        words[j], words[j + off] = threefry(k, (j, j + off))
    if total % 2:
        words[h] = threefry(k, (h, 0))[0]
    return words


def lemire(x, r, bits):
    """Lemire's test of a ``bits``-bit ``x`` for ``r`` values: the offset, or None (rejected)."""
    if r == 1 << bits:
        return x
    m = x * r
    if m % (1 << bits) < ((1 << bits) - r) % r:
        return None
    return m >> bits


def reference(key, low, high, shape, dtype, endpoint=False):
    """``integers`` by the definition, with Python ints; also the number of retries taken."""
    d = np.dtype(dtype)
    bits = 64 if d.itemsize == 8 else 32
    k = tuple(int(v) for v in key)
    lo = np.broadcast_to(np.array(low, dtype=object), shape).reshape(-1)
    hi = np.broadcast_to(np.array(high, dtype=object), shape).reshape(-1)
    n = lo.size
    words = stream(k, n * (2 if bits == 64 else 1))
    out, retries = [], 0
    for i in range(n):
        r = int(hi[i]) - int(lo[i]) + (1 if endpoint else 0)
        x = (words[2 * i] << 32 | words[2 * i + 1]) if bits == 64 else words[i]
        v, a = lemire(x, r, bits), 1
        while v is None:
            x0, x1 = threefry(threefry(k, (INTS, a)), (i >> 32, i & M32))
            v, a = lemire((x0 << 32 | x1) if bits == 64 else x0, r, bits), a + 1
            retries += 1
        out.append((int(lo[i]) + v) % (1 << (8 * d.itemsize)))
    unsigned = np.array(out, np.dtype(f"uint{8 * d.itemsize}"))
    return unsigned.view(d).reshape(shape), retries


def test_oracle_threefry_and_layout():
    # Random123's published vectors, and MLX's layout as keyrand.bits draws it (MLX-verified).
    assert threefry((0, 0), (0, 0)) == (0x6B200159, 0x99BA4EFE)
    assert threefry((M32, M32), (M32, M32)) == (0x1CB996FC, 0xBB002BE7)
    assert threefry((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3)) == (0xC4923A9C,
                                                                              0x483DF7A0)
    for total in (1, 2, 5, 8):
        assert stream((0, 7), total) == kr.bits((total,), key=kr.key(7)).tolist()


# ----------------------------------------------------------------------------- exact values

CASES = [  # (dtype, low, high, endpoint): small, rejection-heavy and full ranges
    (np.int8, -3, 4, False), (np.uint8, 0, 255, True), (np.int16, -30000, 30000, False),
    (np.uint16, 7, 7, True), (np.int32, -2**31, 2**31 - 1, True), (np.bool_, 0, 2, False),
    (np.uint32, 0, 2**31 + 1, False), (np.uint32, 5, 3 * 2**30 + 5, False),
    (np.int64, -10, 10, False), (np.int64, -2**62, 2**62 + 1, True),
    (np.uint64, 0, 2**63 + 1, False), (np.uint64, 2**64 - 3 * 2**62, 2**64, False),
    (np.int64, -2**63, 2**63 - 1, True),
]


@pytest.mark.parametrize("dtype,low,high,endpoint", CASES)
def test_values_follow_the_definition(dtype, low, high, endpoint):
    k = kr.key(11)
    want, retries = reference(k, low, high, (5, 41), dtype, endpoint)
    got = kr.integers(low, high, (5, 41), dtype=dtype, endpoint=endpoint, key=k)
    assert_same_bits(got, want)
    r = high - low + endpoint
    if r in (2**31 + 1, 3 * 2**30, 2**63 + 1, 3 * 2**62):
        assert retries > 20, retries  # the retry path ran, many times


def test_retries_chain_beyond_one_attempt():
    # r = 2^31 + 1 rejects about half the words: some elements need several attempts.
    k = kr.key(5)
    n = 600
    want, retries = reference(k, 0, 2**31 + 1, (n,), np.uint32)
    assert retries > n // 2 + 50
    assert_same_bits(kr.integers(0, 2**31 + 1, (n,), dtype=np.uint32, key=k), want)


def test_retry_keys_beyond_the_cached_ones(monkeypatch):
    # The CPU caches the first retry keys R_a; attempts beyond them compute their own.
    from keyrand import _lemire

    monkeypatch.setattr(_lemire, "RETRY_KEYS", 2)
    k = kr.key(6)
    for dtype, r in ((np.uint32, 2**31 + 1), (np.uint64, 2**63 + 1)):
        want, retries = reference(k, 0, r, (300,), dtype)
        assert retries > 150
        assert_same_bits(kr.integers(0, r, (300,), dtype=dtype, key=k), want)


def test_array_bounds_broadcast_as_numpy():
    k = kr.key(3)
    low = np.array([[-5], [0], [2**40]], np.int64)
    high = np.array([1, 7, 2**40 + 3, 2**62], np.int64)
    high = np.maximum(high, low.max() + 1)
    want, _ = reference(k, low, high, (2, 3, 4), np.int64)
    got = kr.integers(low, high, (2, 3, 4), key=k)
    assert_same_bits(got, want)
    assert np.all((got >= low) & (got < high))
    # Bounds of any integer or float dtype, and Python ints beyond int64.
    lo = np.array([0, 2**63, 2**64 - 10], np.uint64)
    hi = [2**63, 2**64 - 1, 2**64]
    got = kr.integers(lo, hi, dtype=np.uint64, key=k)
    assert_same_bits(got, reference(k, lo, np.array(hi, object), (3,), np.uint64)[0])
    got = kr.integers(np.array([-2.9, 0.5]), np.float32(9.7), dtype=np.int16, key=k)
    assert_same_bits(got, reference(k, [-2, 0], 9, (2,), np.int16)[0])
    assert kr.integers(np.arange(1, 6), key=k).shape == (5,)  # shape None: the bounds' shape


def test_full_ranges_are_the_words():
    # r = 2^32 or 2^64: the words themselves, as keyrand.bits (an MLX-verified oracle) lays them.
    k = kr.key(2**40 + 9)
    w = kr.bits((3, 333), key=k)
    assert_same_bits(kr.integers(0, 2**32, (3, 333), dtype=np.uint32, key=k), w)
    assert_same_bits(kr.integers(-2**31, 2**31, (3, 333), dtype=np.int32, key=k),
                     (w ^ np.uint32(2**31)).view(np.int32))
    assert_same_bits(kr.integers(0, 256, (3, 333), dtype=np.uint8, key=k),
                     (w >> np.uint32(24)).astype(np.uint8))
    w2 = kr.bits((3, 333, 2), key=k).astype(np.uint64)
    x = (w2[..., 0] << np.uint64(32)) | w2[..., 1]
    assert_same_bits(kr.integers(0, 2**64, (3, 333), dtype=np.uint64, key=k), x)
    assert_same_bits(kr.integers(0, 2**64 - 1, (3, 333), dtype=np.uint64, endpoint=True,
                                 key=k), x)
    assert_same_bits(kr.integers(-2**63, 2**63, (3, 333), key=k),
                     (x ^ np.uint64(2**63)).view(np.int64))
    got = kr.integers(-2**63, 2**63 - 1, (3, 333), endpoint=True, key=k)
    assert got.min() < -2**62 and got.max() > 2**62  # both ends of the int64 range reached


def test_extremes_of_64_bit_ranges():
    k = kr.key(8)
    assert_same_bits(kr.integers(-2**63, -2**63 + 1, (4,), key=k),
                     np.full(4, -2**63, np.int64))
    assert_same_bits(kr.integers(2**63 - 1, 2**63, (4,), key=k), np.full(4, 2**63 - 1, np.int64))
    assert_same_bits(kr.integers(2**64 - 1, 2**64, (4,), dtype=np.uint64, key=k),
                     np.full(4, 2**64 - 1, np.uint64))
    got = kr.integers(2**64 - 2, 2**64 - 1, (4000,), dtype=np.uint64, endpoint=True, key=k)
    assert set(got.tolist()) == {2**64 - 2, 2**64 - 1}


# ----------------------------------------------------------------------------- statistics

@pytest.mark.parametrize("dtype,low,high", [
    (np.int8, -128, -117), (np.uint16, 0, 17), (np.bool_, 0, 2), (np.int32, -7, 7),
    (np.int64, -2**63, -2**63 + 13), (np.uint64, 2**64 - 9, 2**64),
])
def test_every_value_of_a_small_range_equally_often(dtype, low, high):
    n = 60_000
    got = kr.integers(low, high, (n,), dtype=dtype, key=kr.key(21)).astype(object)
    counts = np.array([np.count_nonzero(got == v) for v in range(low, high)])
    assert counts.sum() == n and counts.min() > 0  # every value hit, nothing outside
    assert stats.chisquare(counts).pvalue > 1e-4


@pytest.mark.parametrize("dtype,r,shift", [(np.uint32, 3 * 2**30, 26), (np.uint32, 2**31 + 1, 27),
                                           (np.uint64, 2**63 + 1, 59), (np.uint64, 3 * 2**62, 58)])
def test_rejection_heavy_ranges_are_uniform(dtype, r, shift):
    # A biased map (x mod r, or no rejection for 3·2^k) makes some bins twice as likely.
    n = 200_000
    got = kr.integers(0, r, (n,), dtype=dtype, key=kr.key(4))
    assert int(got.max()) < r
    bins = np.minimum(got >> np.asarray(shift, got.dtype), (r - 1) >> shift).astype(np.int64)
    edges = [min(b << shift, r) for b in range((r - 1 >> shift) + 2)]
    widths = np.diff(np.array(edges, dtype=object)).astype(np.float64)
    counts = np.bincount(bins, minlength=widths.size)
    assert stats.chisquare(counts, widths / widths.sum() * n).pvalue > 1e-4


# ----------------------------------------------------------------------------- NumPy's behaviour

def _outcome(fn):
    try:
        return fn()
    except Exception as err:  # the class is compared, not the message
        return type(err)


def _limits(dtype):
    if dtype == np.bool_:
        return 0, 1
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


@st.composite
def bounds(draw):
    dtype = draw(st.sampled_from(DTYPES))
    lo, hi = _limits(dtype)
    near = st.sampled_from([lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, hi + 2, 0, -1])
    value = st.one_of(near, st.integers(lo - 3, hi + 3))
    return dtype, draw(value), draw(st.none() | value), draw(st.booleans())


def _outcomes(low, high, shape, dtype, endpoint):
    """(NumPy's, keyrand's) outcome of the same integers call: an array or an exception class."""
    rng = np.random.default_rng(0)
    want = _outcome(lambda: rng.integers(low, high, shape, dtype=dtype, endpoint=endpoint))
    got = _outcome(lambda: kr.integers(low, high, shape, dtype=dtype, endpoint=endpoint,
                                       key=kr.key(1)))
    return want, got


@settings(**SETTINGS)
@given(bounds(), st.sampled_from([(), (3,), (2, 2)]))
def test_scalar_bounds_accepted_and_refused_as_numpy(case, shape):
    dtype, low, high, endpoint = case
    want, got = _outcomes(low, high, shape, dtype, endpoint)
    if isinstance(want, type):
        assert got is want, (want, got)
        return
    assert isinstance(got, np.ndarray), got
    assert got.dtype == want.dtype and got.shape == np.shape(want)
    first, last = (0, low) if high is None else (low, high)
    assert np.all(got.astype(object) >= first)
    assert np.all(got.astype(object) <= (last if endpoint else last - 1))


def _broadcasts(bound_shape, shape):
    try:
        np.broadcast_shapes(bound_shape, shape)
    except ValueError:
        return False
    return True


def _enlarges(bound_shape, shape):
    return _broadcasts(bound_shape, shape) and np.broadcast_shapes(bound_shape, shape) != shape


@settings(**SETTINGS)
@given(st.sampled_from(DTYPES), st.lists(st.integers(-300, 300), min_size=1, max_size=4),
       st.integers(-300, 300), st.booleans(),
       st.sampled_from([None, (4,), (2, 4), (3,), (0,), (4, 1)]))
def test_array_bounds_accepted_and_refused_as_numpy(dtype, lows, high, endpoint, shape):
    low = np.array(lows, np.int64)
    if shape is not None and _enlarges(low.shape, shape):
        shape = (len(lows),)  # NumPy fills a shape that the bounds enlarge in its own way
    if shape is not None and not _broadcasts(low.shape, shape):
        # Refused even when empty (NumPy returns an empty array for a zero-size shape).
        with pytest.raises(ValueError, match=r"\[integers\] shape, low, high"):
            kr.integers(low, high, shape, dtype=dtype, endpoint=endpoint, key=kr.key(1))
        return
    want, got = _outcomes(low, high, shape, dtype, endpoint)
    if isinstance(want, type):
        assert got is want, (want, got)
    else:
        assert isinstance(got, np.ndarray) and got.shape == want.shape
        assert got.dtype == want.dtype


@pytest.mark.parametrize("args,kwargs,exc,match", [
    ((-1, 5), {"dtype": np.uint8}, ValueError, r"\[integers\] low: out of bounds for uint8"),
    ((0, 257), {"dtype": np.uint8}, ValueError, r"\[integers\] high: out of bounds"),
    ((0, 256), {"dtype": np.uint8, "endpoint": True}, ValueError, r"\[integers\] high: out"),
    ((0, 2**64), {}, ValueError, r"\[integers\] high: out of bounds for int64"),
    ((-2**63 - 1, 0), {}, ValueError, r"\[integers\] low: out of bounds"),
    ((5, 5), {}, ValueError, r"\[integers\] high: low >= high"),
    ((6, 5), {"endpoint": True}, ValueError, r"\[integers\] high: low > high"),
    ((0,), {}, ValueError, r"\[integers\] high: low >= high"),
    ((np.array([0, 4]), np.array([3, 4])), {}, ValueError, r"\[integers\] high: low >= high"),
    ((0, 3), {"dtype": bool}, ValueError, r"\[integers\] high: out of bounds for bool"),
    ((0, 5), {"dtype": np.float32}, TypeError, r"\[integers\] dtype"),
    ((0, 5), {"dtype": ">i8"}, ValueError, r"\[integers\] dtype"),
    ((0, 5), {"dtype": "no such dtype"}, TypeError, r"\[integers\] dtype"),
    ((float("nan"), 5), {}, ValueError, r"\[integers\] low: a NaN"),
    ((0, float("inf")), {}, OverflowError, r"\[integers\] high: an infinite"),
    ((None, 5), {}, TypeError, r"\[integers\] low"),
    ((0, "5"), {}, TypeError, r"\[integers\] high"),
    ((0, 1j), {}, TypeError, r"\[integers\] high"),
    ((0, 5, (-1,)), {}, ValueError, r"\[integers\] shape: negative"),
    ((np.zeros(3, int), 5, (2, 4)), {}, ValueError, r"\[integers\] shape, low, high"),
    ((np.zeros(3, int), 5, (2, 1)), {}, ValueError, r"\[integers\] shape, low, high"),
])
def test_bad_input_names_the_argument(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        kr.integers(*args, **kwargs, key=kr.key(0))


def test_empty_draws_check_no_bounds_as_numpy():
    rng = np.random.default_rng(0)
    assert rng.integers(5, 2, size=0).shape == (0,)
    got = kr.integers(5, 2, (0, 3), dtype=np.uint8, key=kr.key(0))
    assert got.shape == (0, 3) and got.dtype == np.uint8


def test_one_key_from_the_global_sequence():
    kr.seed(42)
    got = kr.integers(-50, 50, (7,), dtype=np.int16)
    kr.seed(42)
    used = kr.split(kr.state())[1]
    assert_same_bits(got, kr.integers(-50, 50, (7,), dtype=np.int16, key=used))
    kr.seed(42)
    with pytest.raises(ValueError):
        kr.integers(3, 3)
    assert not np.array_equal(kr.state(), kr.key(42))  # a failing call used its key too


# ----------------------------------------------------------------------------- blocks

@pytest.mark.parametrize("dtype,low,high", [(np.uint32, 0, 2**31 + 1), (np.int64, -7, 2**63 - 1),
                                            (np.uint64, 1, 2**63 + 2), (np.int8, -100, 100)])
def test_ranges_of_a_draw_equal_the_draw(dtype, low, high):
    k = kr.key(17)
    want = kr.integers(low, high, (1001,), dtype=dtype, key=k)
    parts = [samplers.sample_range("integers", (1001,), k, s, min(1001, s + 97), low=low,
                                   high=high, dtype=dtype) for s in range(0, 1001, 97)]
    assert_same_bits(np.concatenate(parts), want)


def test_dask_chunks_equal_the_draw():
    da = pytest.importorskip("dask.array")
    import keyrand.dask as krd

    k = kr.key(23)
    for dtype, low, high in [(np.uint32, 5, 3 * 2**30 + 5), (np.uint64, 0, 2**63 + 1),
                             (np.int16, -9, 9), (np.bool_, 0, 2)]:
        want = kr.integers(low, high, (37, 29), dtype=dtype, key=k)
        for chunks in ((5, 7), (37, 1), (1, 29), "auto"):
            got = krd.integers(low, high, (37, 29), dtype=dtype, key=k, chunks=chunks)
            assert_same_bits(got.compute(scheduler="sync"), want)
    low = np.arange(-20, 9, dtype=np.int64)
    high = np.arange(37, dtype=np.uint64)[:, None] * np.uint64(2**57) + np.uint64(9)
    want = kr.integers(low, high, (37, 29), key=k)
    for chunks in ((5, 7), (10, 29), (37, 3)):
        got = krd.integers(da.from_array(low, chunks=4), da.from_array(high, chunks=11),
                           (37, 29), key=k, chunks=chunks)
        assert_same_bits(got.compute(scheduler="sync"), want)
    bad = krd.integers(da.from_array(np.array([0, 5, 3]), chunks=1), 4, key=k, chunks=1)
    with pytest.raises(ValueError, match=r"\[integers\] high: low >= high"):
        bad.compute(scheduler="sync")


# ----------------------------------------------------------------------------- GPU

@pytest.mark.skipif(shutil.which("nvcc") is None, reason="needs the CUDA compiler (nvcc)")
def test_cuda_source_of_integers_compiles(tmp_path):
    inst = "\n".join(
        f"template __global__ void kr_integers<{t}, {w}>(const kr_u32 *, {t} *, "
        "const kr_u64 *, kr_u64, const kr_u64 *, kr_u64, kr_u32, kr_u32, const kr_u32 *, "
        "const kr_i64 *, kr_u64, kr_u64);"
        for t, w in (("unsigned char", 0), ("unsigned short", 0), ("unsigned int", 0),
                     ("unsigned long long", 1)))
    path = tmp_path / "kr.cu"
    path.write_text(_cuda.source() + "\n" + inst + "\n")
    res = subprocess.run(["nvcc", *_gpu.OPTIONS, "-ptx", str(path), "-o",
                          str(tmp_path / "kr.ptx")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-4000:]
    assert f"#define KR_INTS_RETRY 0x{INTS:08X}u" in _cuda.source()


def _gpu_reason():
    if _gpu.cupy is None:
        return "CuPy is not installed"
    try:
        return None if _gpu.cupy.cuda.runtime.getDeviceCount() > 0 else "CUDA reports no GPU"
    except Exception as err:  # no driver / no device
        return f"no usable CUDA GPU ({type(err).__name__})"


@pytest.mark.gpu
@pytest.mark.skipif(_gpu_reason() is not None, reason=str(_gpu_reason()))
@pytest.mark.parametrize("dtype,low,high", [
    (np.int8, -3, 4), (np.uint32, 0, 2**31 + 1), (np.uint32, 0, 2**32), (np.int32, -2**31, 5),
    (np.bool_, 0, 2), (np.int64, -2**63, 2**63), (np.uint64, 0, 2**63 + 1),
    (np.int64, -1000, 1000), (np.uint16, 1, 3 * 2**14),
])
def test_gpu_equals_cpu(dtype, low, high):
    cp = _gpu.cupy
    gpu = kr.Device(kr.gpu, 0)
    k = kr.key(31)
    for shape in ((), (1,), (5, 3), (4099,)):
        want = kr.integers(low, high, shape, dtype=dtype, key=k, stream=kr.cpu)
        got = kr.integers(low, high, shape, dtype=dtype, key=k, stream=gpu)
        assert_same_bits(cp.asnumpy(got), want)
        got = kr.integers(low, high, shape, dtype=dtype, key=cp.asarray(k), stream=gpu)
        assert_same_bits(cp.asnumpy(got), want)
    lows = np.arange(-3, 4, dtype=np.int64)[:, None]
    highs = lows + np.array([1, 2, 2**40, 2**62 + 1])
    want = kr.integers(lows, highs, (3, 7, 4), key=k, stream=kr.cpu)
    assert_same_bits(cp.asnumpy(kr.integers(lows, highs, (3, 7, 4), key=k, stream=gpu)), want)
    spec = kr.integers.prepare(low, high, (4099,), dtype, key=k, stream=gpu)
    parts = [cp.asnumpy(execute_range(spec, s, min(4099, s + 1000))) for s in range(0, 4099, 1000)]
    assert_same_bits(np.concatenate(parts), kr.integers(low, high, (4099,), dtype=dtype, key=k,
                                                        stream=kr.cpu))


def test_compare_helper_is_exact():
    # The exact comparisons behind the range checks, near 2^63 and 2^64.
    x = np.array([2**63 - 1, 2**63, 2**64 - 1], np.uint64)
    assert _compare(x, operator.ge, 2**63).tolist() == [False, True, True]
    assert _compare(x, operator.lt, 2**64).tolist() == [True, True, True]
    assert _compare(np.array([-1, 0], np.int64), operator.ge, 2**63).tolist() == [False, False]
    assert _compare(np.array([2.0**63]), operator.ge, 2**63).tolist() == [True]
