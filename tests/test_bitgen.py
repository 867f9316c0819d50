"""keyrand.bit_generator: NumPy's Generator on keyrand's word stream (docs/algorithms.md §3.6).

The words are checked against JAX (its legacy threefry has MLX's layout, and its
threefry hash gives the fold_in keys independently of keyrand).
"""

from __future__ import annotations

import copy
import pickle
import threading

import numpy as np
import pytest
from scipy import stats

import keyrand as kr

TAG = 0x62697467656E  # "bitgen"
BLOCK = 2**16


def _jax():
    jax = pytest.importorskip("jax", reason="jax is not installed (the oracle of the words)")
    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_threefry_partitionable", False)
    return jax


def _jax_block(key: np.ndarray, block: int) -> np.ndarray:
    """Block ``block`` of the stream of ``key``, from JAX alone."""
    jax = _jax()
    from jax.extend.random import threefry_2x32

    def fold(k, d):
        count = np.array([d >> 32, d & 0xFFFFFFFF], np.uint32)
        return np.asarray(threefry_2x32(np.asarray(k, np.uint32), count), np.uint32)

    block_key = fold(fold(key, TAG), block)
    typed = jax.random.wrap_key_data(block_key, impl="threefry2x32")
    return np.asarray(jax.random.bits(typed, (BLOCK,), dtype=np.uint32))


def _words_at(seed: int, block: int, position: int, n: int) -> np.ndarray:
    """``n`` words from ``position`` of ``block``, from JAX (at most two blocks)."""
    both = np.concatenate([_jax_block(kr.key(seed), block), _jax_block(kr.key(seed), block + 1)])
    return both[position:position + n]


def _at(seed: int, block: int, position: int) -> kr.KeyrandBitGenerator:
    bg = kr.bit_generator(kr.key(seed))
    bg.state = {"bit_generator": "KeyrandBitGenerator",
                "state": {"key": kr.key(seed), "block": block, "position": position}}
    return bg


def test_words_are_the_blocks_of_bits_under_fold_in_keys():
    bg = kr.bit_generator(kr.key(5))
    got = bg.random_raw(BLOCK + 7)
    assert got.dtype == np.uint64
    np.testing.assert_array_equal(got, _words_at(5, 0, 0, BLOCK + 7))


def test_the_word_methods_across_a_block_boundary():
    # A block number above 2^32 exercises both counter words of fold_in.
    block = 2**32 + 3
    want = _words_at(11, block, BLOCK - 3, 6).astype(np.uint64)
    g = np.random.Generator(_at(11, block, BLOCK - 3))
    w32 = g.integers(0, 2**32, 2, dtype=np.uint32)              # next_uint32
    w64 = g.integers(0, 2**64 - 1, 2, dtype=np.uint64, endpoint=True)  # next_uint64
    np.testing.assert_array_equal(w32, want[:2])
    np.testing.assert_array_equal(w64, want[2::2] | (want[3::2] << np.uint64(32)))


def test_next_double_is_the_top_53_bits_of_two_words():
    words = _words_at(3, 0, BLOCK - 41, 80).astype(np.uint64)
    pairs = words[0::2] | (words[1::2] << np.uint64(32))
    want = (pairs >> np.uint64(11)).astype(np.float64) * 2.0**-53
    got = np.random.Generator(_at(3, 0, BLOCK - 41)).random(40)
    np.testing.assert_array_equal(got, want)


def test_odd_positions_across_the_hashed_chunks():
    # One word first, so every double after it straddles two words at odd positions.
    words = _words_at(4, 0, 0, 1 + 2 * 2100).astype(np.uint64)
    g = np.random.Generator(kr.bit_generator(kr.key(4)))
    assert g.integers(0, 2**32, dtype=np.uint32) == words[0]
    pairs = words[1::2] | (words[2::2] << np.uint64(32))
    np.testing.assert_array_equal(g.random(2100),
                                  (pairs >> np.uint64(11)).astype(np.float64) * 2.0**-53)


def test_a_numpy_bit_generator():
    bg = kr.bit_generator(kr.key(1))
    assert isinstance(bg, np.random.BitGenerator)
    assert isinstance(np.random.default_rng(bg).bit_generator, kr.KeyrandBitGenerator)
    assert bg.lock is not None and bg.seed_seq is None
    assert bg.ctypes.next_uint32(bg.ctypes.state) == _words_at(1, 0, 0, 1)[0]
    with pytest.raises(TypeError, match="spawn"):
        np.random.Generator(bg).spawn(2)


def test_without_key_it_takes_one_key_of_the_sequence():
    kr.seed(9)
    got = kr.bit_generator().random_raw(4)
    np.testing.assert_array_equal(got, kr.bit_generator(kr.split(kr.key(9))[1]).random_raw(4))
    np.testing.assert_array_equal(kr.state(), kr.split(kr.key(9))[0])


def test_state_round_trip():
    bg = kr.bit_generator(kr.key(2))
    g = np.random.Generator(bg)
    assert bg.state["state"]["block"] == 0 and bg.state["state"]["position"] == 0
    g.integers(0, 2**32, BLOCK + 5, dtype=np.uint32)
    state = bg.state
    assert (state["state"]["block"], state["state"]["position"]) == (1, 5)
    np.testing.assert_array_equal(state["state"]["key"], kr.key(2))
    first = g.standard_normal(300)
    bg.state = state
    np.testing.assert_array_equal(g.standard_normal(300), first)
    other = kr.bit_generator(kr.key(40))
    other.state = state
    np.testing.assert_array_equal(np.random.Generator(other).standard_normal(300), first)


@pytest.mark.parametrize("bad, error", [
    ([], TypeError),
    ({"bit_generator": "PCG64", "state": {}}, ValueError),
    ({"bit_generator": "KeyrandBitGenerator"}, ValueError),
    ({"bit_generator": "KeyrandBitGenerator",
      "state": {"key": np.zeros(2, np.int32), "block": 0, "position": 0}}, ValueError),
    ({"bit_generator": "KeyrandBitGenerator",
      "state": {"key": kr.key(0), "block": -1, "position": 0}}, ValueError),
    ({"bit_generator": "KeyrandBitGenerator",
      "state": {"key": kr.key(0), "block": 0, "position": BLOCK}}, ValueError),
])
def test_bad_states_are_refused(bad, error):
    bg = kr.bit_generator(kr.key(0))
    with pytest.raises(error, match="bit_generator"):
        bg.state = bad


def test_bad_keys_are_refused():
    with pytest.raises(ValueError, match=r"\[bit_generator\] key"):
        kr.bit_generator(np.zeros(3, np.uint32))
    with pytest.raises(TypeError, match=r"\[bit_generator\] key"):
        kr.bit_generator(5)


def test_pickle_and_copy_continue_the_stream():
    g = np.random.Generator(kr.bit_generator(kr.key(6)))
    g.random(BLOCK // 2 + 3)
    clones = [pickle.loads(pickle.dumps(g)), copy.deepcopy(g),
              np.random.Generator(pickle.loads(pickle.dumps(g.bit_generator)))]
    want = g.random(100)
    for clone in clones:
        assert clone.bit_generator is not g.bit_generator
        np.testing.assert_array_equal(clone.random(100), want)


def test_generator_methods_are_reproducible():
    calls = {
        "integers": lambda g: g.integers(-5, 2**40, 50),
        "random32": lambda g: g.random(50, dtype=np.float32),
        "normal": lambda g: g.normal(1.0, 2.0, 50),
        "exponential": lambda g: g.exponential(size=50),
        "gamma": lambda g: g.gamma(0.5, size=50),
        "binomial": lambda g: g.binomial(100, 0.3, 50),
        "poisson": lambda g: g.poisson(7.0, 50),
        "choice": lambda g: g.choice(1000, 20, replace=False),
        "permutation": lambda g: g.permutation(100),
        "dirichlet": lambda g: g.dirichlet([1.0, 2.0, 3.0], 5),
        "multivariate_normal": lambda g: g.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 5),
        "bytes": lambda g: np.frombuffer(g.bytes(13), np.uint8),
        "hypergeometric": lambda g: g.hypergeometric(10, 20, 5, 20),
    }
    for name, call in calls.items():
        a = call(np.random.Generator(kr.bit_generator(kr.key(12))))
        b = call(np.random.Generator(kr.bit_generator(kr.key(12))))
        c = call(np.random.Generator(kr.bit_generator(kr.key(13))))
        np.testing.assert_array_equal(a, b, err_msg=name)
        assert not np.array_equal(a, c), name


def test_a_distribution_through_numpy_is_right():
    g = np.random.Generator(kr.bit_generator(kr.key(21)))
    assert stats.kstest(g.standard_normal(20000), "norm").pvalue > 1e-3
    counts = np.bincount(g.integers(0, 10, 20000), minlength=10)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_threads_share_one_generator_safely():
    # Each call holds the lock, so every call takes one contiguous run of the stream.
    g = np.random.Generator(kr.bit_generator(kr.key(8)))
    runs: list[np.ndarray] = []

    def work():
        for _ in range(20):
            runs.append(g.integers(0, 2**32, 1000, dtype=np.uint32))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stream = kr.bit_generator(kr.key(8)).random_raw(80 * 1000).astype(np.uint32)
    starts = {tuple(stream[i:i + 4]): i for i in range(0, stream.size, 1000)}
    assert sorted(starts[tuple(r[:4])] for r in runs) == list(range(0, stream.size, 1000))
    for r in runs:
        i = starts[tuple(r[:4])]
        np.testing.assert_array_equal(r, stream[i:i + 1000])
