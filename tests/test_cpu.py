"""CPU backend internals: layout equivalence of the kernels, radix argsort, disk cache."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keyrand as kr
from keyrand import _cpu, _threefry
from keyrand._codes import Transform


def _reference_words(key: np.ndarray, total: int) -> np.ndarray:
    """docs/algorithms.md §3.2 in Python with the scalar hash: an independent layout check."""
    h, off = total // 2, total // 2 + total % 2
    words = np.zeros(total, np.uint32)
    for j in range(h):
        words[j], words[j + off] = _threefry.threefry2x32(key[0], key[1], j, j + off)
    if off > h:
        words[h] = _threefry.threefry2x32(key[0], key[1], h, 0)[0]
    return words


@pytest.mark.parametrize("total", [0, 1, 2, 3, 5, 4095, 4096, 4097, 2 * 2048 + 1, 3 * 4096 + 7])
def test_paired_kernel_matches_the_spec_layout(total):
    key = kr.key(12345)
    out = np.empty(total, np.uint32)
    _cpu.fill(out, key, Transform.BITS, 0, ())
    np.testing.assert_array_equal(out, _reference_words(key, total))


def test_threefry_known_answers():
    # Random123's published threefry2x32-20 vectors (docs/algorithms.md §3.1).
    cases = [((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
             ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
             ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0))]
    for k, c, want in cases:
        got = _threefry.threefry2x32(np.uint32(k[0]), np.uint32(k[1]), c[0], c[1])
        assert tuple(int(x) for x in got) == want


@settings(deadline=None, max_examples=40)
@given(total=st.integers(1, 20000), data=st.data())
def test_runs_kernel_equals_slices_of_the_whole(total, data):
    key = kr.key(data.draw(st.integers(0, 2**64 - 1)))
    whole = np.empty(total, np.float32)
    _cpu.fill(whole, key, Transform.NORMAL, 0, (1.4142135, 0.0, 0.0))
    run = data.draw(st.integers(1, total))
    starts = np.array(sorted(data.draw(st.lists(st.integers(0, total - run), max_size=5))),
                      np.int64)
    part = np.empty(starts.size * run, np.float32)
    _cpu.fill_runs(part, key, total, starts, run, Transform.NORMAL, 0, (1.4142135, 0.0, 0.0))
    want = np.concatenate([whole[s:s + run] for s in starts]) if starts.size else part[:0]
    np.testing.assert_array_equal(part.view(np.uint32), want.view(np.uint32))


@pytest.mark.parametrize("n", [0, 1, 7, 5000, 1 << 17])
def test_argsort_stable_is_numpys_stable_argsort(n):
    keys = np.random.default_rng(n).integers(0, 2**32, n, dtype=np.uint32)
    if n:
        keys[::3] = keys[0]  # many ties: the index order must be kept
    got = _cpu.argsort_stable(keys)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, np.argsort(keys, kind="stable"))


@pytest.mark.parametrize("mask", [0xFFFF, 0xFFFF0000, 0x0003FFFF])
def test_argsort_stable_within_and_across_buckets(mask):
    # Keys sharing their high 16 bits (one bucket), their low 16 bits, or few of either.
    keys = np.random.default_rng(mask).integers(0, 2**32, 70_001, dtype=np.uint32) & mask
    got = _cpu.argsort_stable(keys)
    np.testing.assert_array_equal(got, np.argsort(keys, kind="stable"))


def test_kernels_load_from_the_disk_cache_in_a_fresh_process():
    code = (
        "import json, keyrand as kr; from keyrand import _cpu; "
        "kr.uniform(shape=(10,), key=kr.key(1)); kr.normal(shape=(1 << 17,), key=kr.key(1)); "
        "ks = [_cpu._kernels(1, 0, 0)[1], _cpu._kernels(2, 0, 0)[0]]; "
        "print(json.dumps([sum(k.stats.cache_misses.values()) for k in ks]))")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=600)
    second = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True, timeout=600)
    assert json.loads(second.stdout.strip().splitlines()[-1]) == [0, 0]
