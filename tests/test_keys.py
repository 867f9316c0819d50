"""Keys, seeds and the per-thread global key sequence, against MLX where it applies.

See docs/algorithms.md §2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from conftest import REPO, mx, needs_mlx
from hypothesis import given, settings
from hypothesis import strategies as st

import keyrand as kr
from keyrand._keys import next_key

SEEDS = st.integers(0, 2**64 - 1)


def _in_thread(fn):
    """Run ``fn`` in a new thread; return its result or re-raise its exception."""
    box = {}

    def run():
        try:
            box["out"] = fn()
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller
            box["err"] = e

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "err" in box:
        raise box["err"]
    return box["out"]


def _draws():
    """A few samplers without key=, as (name, keyrand call, MLX call)."""
    return [
        (lambda: kr.uniform(shape=(5,)), lambda: mx.random.uniform(shape=(5,))),
        (lambda: kr.normal((3, 2)), lambda: mx.random.normal((3, 2))),
        (lambda: kr.randint(0, 100, (4,)), lambda: mx.random.randint(0, 100, (4,))),
        (lambda: kr.permutation(9), lambda: mx.random.permutation(9)),
        (lambda: kr.bernoulli(0.3, (6,)), lambda: mx.random.bernoulli(0.3, (6,))),
    ]


@needs_mlx
@settings(deadline=None, max_examples=40)
@given(seed=SEEDS)
def test_key_equals_mlx(seed):
    assert np.array_equal(kr.key(seed), np.array(mx.random.key(seed)))
    assert kr.key(seed).dtype == np.uint32


def test_key_layout():
    assert kr.key(2**40 + 12345).tolist() == [256, 12345]
    assert kr.key(2**64 - 1).tolist() == [2**32 - 1, 2**32 - 1]


@needs_mlx
@pytest.mark.parametrize("bad", [-1, 2**64, 2**70, -(2**63), 1.0, 0.5, "1", None, [1], (1,), 1j,
                                 np.float64(3.0), object()])
def test_bad_seeds_raise_type_error(bad):
    for fn in (kr.key, kr.seed):
        with pytest.raises(TypeError, match=r"\[(key|seed)\] seed"):
            fn(bad)
    for fn in (mx.random.key, mx.random.seed):
        with pytest.raises(TypeError):
            fn(bad)


@needs_mlx
@settings(deadline=None, max_examples=10)
@given(seed=SEEDS)
def test_seeded_thread_equals_mlx(seed):
    """A thread that seeds and draws gets MLX's numbers (MLX seeded in this thread)."""
    mx.random.seed(seed)
    want = [np.array(m()) for _, m in _draws()]
    want_state = np.array(mx.random.state[0])

    def work():
        kr.seed(seed)
        return [k() for k, _ in _draws()], kr.state()

    got, state = _in_thread(work)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(state, want_state)


def test_unseeded_threads_never_share_a_subkey():
    """8 unseeded threads draw many subkeys each; no subkey appears twice (keyrand's guarantee)."""
    n_threads, per_thread = 8, 4000
    results: list[list[tuple[int, int]]] = [[] for _ in range(n_threads)]
    start = threading.Barrier(n_threads)

    def work(i):
        start.wait()
        results[i] = [tuple(next_key().tolist()) for _ in range(per_thread)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [k for r in results for k in r]
    assert len(every) == n_threads * per_thread
    assert len(set(every)) == len(every)


def test_unseeded_threads_draw_different_numbers():
    outs = [_in_thread(lambda: kr.uniform(shape=(8,))) for _ in range(4)]
    assert len({o.tobytes() for o in outs}) == 4


def test_seeding_one_thread_leaves_others_alone():
    kr.seed(1234)
    main_before = kr.state()
    ready, seeded = threading.Event(), threading.Event()
    box = {}

    def other():
        box["start"] = kr.state()
        ready.set()
        seeded.wait()
        box["after"] = kr.state()
        box["draw"] = kr.uniform(shape=(3,))

    t = threading.Thread(target=other)
    t.start()
    ready.wait()
    _in_thread(lambda: kr.seed(99))  # a third thread seeds itself
    kr.seed(2024)  # and the main thread reseeds
    seeded.set()
    t.join()
    assert np.array_equal(box["start"], box["after"])
    assert np.array_equal(kr.state(), kr.key(2024))
    assert not np.array_equal(main_before, kr.state())
    # The other thread's draw came from its own state, not from either seed.
    assert not np.array_equal(box["draw"], kr.uniform(shape=(3,), key=kr.split(kr.key(99))[1]))
    assert not np.array_equal(box["draw"],
                              kr.uniform(shape=(3,), key=kr.split(kr.key(2024))[1]))


def test_seed_in_thread_is_reproducible_and_private():
    def work(s):
        kr.seed(s)
        return [kr.normal((4,)) for _ in range(3)]

    a = _in_thread(lambda: work(5))
    b = _in_thread(lambda: work(5))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    kr.seed(5)
    mine = [kr.normal((4,)) for _ in range(3)]
    for x, y in zip(a, mine, strict=True):
        np.testing.assert_array_equal(x, y)


def test_explicit_keys_do_not_touch_the_sequence():
    kr.seed(8)
    before = kr.state()
    kr.uniform(shape=(3,), key=kr.key(1))
    kr.split(kr.key(1), 5)
    kr.key(3)
    assert np.array_equal(before, kr.state())


def _thread_work(i: int) -> list[str]:
    """What each thread of the exit test draws (seeded, so the values are known)."""
    import hashlib

    kr.seed(1000 + i)
    out = []
    for j in range(20):
        for a in (kr.uniform(shape=(1000,)), kr.normal((50,)), kr.permutation(100),
                  kr.gumbel((2**16 + j,), key=kr.key(i * 100 + j))):
            out.append(hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16])
    return out


def test_threads_then_exit_returns_zero():
    """Threads drawing (some still running at interpreter exit) get the values a single
    thread gets, and the process exits cleanly (MLX prints 'terminate called')."""
    code = textwrap.dedent("""
        import json
        import sys
        import threading

        from test_keys import _thread_work

        lock = threading.Lock()

        def work(i):
            digests = _thread_work(i)
            with lock:
                sys.stdout.write(json.dumps([i, digests]) + "\\n")
                sys.stdout.flush()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads[:4]:
            t.join()
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=env, cwd=REPO / "tests")
    assert proc.returncode == 0, proc.stderr
    got = dict(json.loads(line) for line in proc.stdout.splitlines())
    assert sorted(got) == list(range(8)), proc.stdout
    for i in range(8):
        assert got[i] == _thread_work(i), f"thread {i} drew other values than a single thread"
    assert "terminate" not in proc.stderr


# ----------------------------------------------------------------------------- fold_in and JAX

JAX_DATA = json.loads((REPO / "tests" / "data" / "jax_threefry.json").read_text())


@pytest.mark.parametrize("case", JAX_DATA["fold_in"], ids=lambda c: f"{c['seed']}-{c['data']}")
def test_fold_in_equals_recorded_jax(case):
    assert kr.fold_in(kr.key(case["seed"]), case["data"]).tolist() == case["key"]


@pytest.mark.parametrize("case", JAX_DATA["split"], ids=lambda c: f"{c['seed']}-{c['num']}")
def test_split_equals_recorded_jax(case):
    assert kr.split(kr.key(case["seed"]), case["num"]).tolist() == case["keys"]


def test_fold_in_past_32_bits_is_the_hash_at_the_counter_pair():
    """data ≥ 2^32 (JAX takes only 32 bits): the high word is the first counter (§2.1)."""
    from keyrand._threefry import threefry2x32

    k = kr.key(99)
    d = (0xDEADBEEF << 32) | 12345
    assert kr.fold_in(k, d).tolist() == [int(w) for w in threefry2x32(k[0], k[1], 0xDEADBEEF,
                                                                      12345)]
    assert kr.fold_in(k, 12345).tolist() == [int(w) for w in threefry2x32(k[0], k[1], 0, 12345)]


@settings(deadline=None, max_examples=20)
@given(seeds=st.lists(SEEDS, min_size=1, max_size=6), data=st.integers(0, 2**64 - 1))
def test_fold_in_batches_fold_each_key(seeds, data):
    keys = np.stack([kr.key(s) for s in seeds]).reshape(len(seeds), 1, 2)
    got = kr.fold_in(keys, data)
    assert got.shape == keys.shape and got.dtype == np.uint32
    for i, s in enumerate(seeds):
        np.testing.assert_array_equal(got[i, 0], kr.fold_in(kr.key(s), data))


def test_fold_in_does_not_touch_the_key_or_the_sequence():
    kr.seed(3)
    k = kr.key(5)
    before, state = k.copy(), kr.state()
    kr.fold_in(k, 1)
    np.testing.assert_array_equal(k, before)
    np.testing.assert_array_equal(kr.state(), state)


@pytest.mark.parametrize("data, exc", [(-1, TypeError), (2**64, TypeError), (1.0, TypeError),
                                       ("3", TypeError), (True, TypeError), (None, TypeError)])
def test_fold_in_bad_data(data, exc):
    with pytest.raises(exc, match=r"\[fold_in\] data"):
        kr.fold_in(kr.key(0), data)


@pytest.mark.parametrize("key, match", [(np.zeros(2, np.int32), "dtype uint32"),
                                        (np.zeros(3, np.uint32), "shape"),
                                        ([0, 1], "key must be"), (None, "key must be")])
def test_fold_in_bad_key(key, match):
    with pytest.raises((TypeError, ValueError), match=rf"\[fold_in\] key.*{match}|{match}"):
        kr.fold_in(key, 0)


@pytest.fixture(scope="module")
def legacy_jax():
    jax = pytest.importorskip("jax", reason="jax is not installed (recorded answers cover it)")
    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_threefry_partitionable", False)
    return jax


@settings(deadline=None, max_examples=30)
@given(seed=SEEDS, data=st.integers(0, 2**32 - 1))
def test_fold_in_equals_jax(legacy_jax, seed, data):
    jk = legacy_jax.random.wrap_key_data(kr.key(seed), impl="threefry2x32")
    want = np.asarray(legacy_jax.random.key_data(legacy_jax.random.fold_in(jk, data)))
    np.testing.assert_array_equal(kr.fold_in(kr.key(seed), data), want)


@settings(deadline=None, max_examples=20)
@given(seed=st.integers(0, 2**31 - 1))
def test_keys_round_trip_with_jax(legacy_jax, seed):
    """A keyrand key is a legacy PRNGKey, and a typed key's data, word for word."""
    k = kr.key(seed)
    np.testing.assert_array_equal(np.asarray(legacy_jax.random.PRNGKey(seed)), k)
    jk = legacy_jax.random.wrap_key_data(k, impl="threefry2x32")
    back = np.asarray(legacy_jax.random.key_data(jk))
    assert back.dtype == np.uint32
    np.testing.assert_array_equal(back, k)
    np.testing.assert_array_equal(kr.split(back, 3),
                                  np.asarray(legacy_jax.random.key_data(
                                      legacy_jax.random.split(jk, 3))))
