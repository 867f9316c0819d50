"""The opt-in key-reuse check: keyrand.check_key_reuse (docs/algorithms.md §2.4)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import keyrand as kr
from keyrand import _reuse

HERE = os.path.basename(__file__)


@pytest.fixture(autouse=True)
def _off_after():
    yield
    kr.check_key_reuse(False)


def _line() -> int:
    return sys._getframe(1).f_lineno


def test_off_by_default_and_deliberate_reuse_is_allowed():
    assert _reuse.mode is None
    k = kr.key(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u1 = kr.uniform(shape=(3,), key=k)
        u2 = kr.uniform(shape=(3,), key=k)
    np.testing.assert_array_equal(u1, u2)


def test_reuse_warns_with_both_call_sites():
    k = kr.key(1)
    with kr.check_key_reuse():
        kr.uniform(shape=(3,), key=k); first = _line()  # noqa: E702
        with pytest.warns(kr.KeyReuseWarning) as caught:
            kr.normal((2,), key=k); second = _line()  # noqa: E702
    message = str(caught[0].message)
    assert f"{HERE}:{first}" in message and f"{HERE}:{second}" in message
    assert message.startswith("[normal] key [0x00000000, 0x00000001]")
    assert caught[0].filename.endswith(HERE) and caught[0].lineno == second


def test_reuse_raises_and_the_draw_is_refused():
    k = kr.key(2)
    with kr.check_key_reuse("raise"):
        kr.bernoulli(0.5, (4,), key=k); first = _line()  # noqa: E702
        with pytest.raises(kr.KeyReuseError, match=f"{HERE}:{first}") as info:
            kr.randint(0, 9, (4,), key=k)
        assert isinstance(info.value, ValueError)
        kr.uniform(key=kr.key(3))
        with pytest.raises(kr.KeyReuseError):
            kr.uniform(key=kr.key(3))


def test_split_and_key_batches_consume_keys():
    k, k2, k3 = kr.key(4), kr.key(5), kr.key(6)
    with kr.check_key_reuse("raise"):
        kr.split(k, 3)
        with pytest.raises(kr.KeyReuseError, match=r"\[uniform\]"):
            kr.uniform(key=k)
        kr.bits((3,), key=np.stack([k2, k3]))
        with pytest.raises(kr.KeyReuseError, match=r"\[split\] key \[0x00000000, 0x00000006\]"):
            kr.split(k3)
        with pytest.raises(kr.KeyReuseError, match=r"\[bits\]"):
            kr.bits((3,), key=np.stack([kr.key(7), kr.key(7)]))


def test_bit_generator_consumes_its_key_but_restoring_a_state_does_not():
    import pickle

    k = kr.key(8)
    with kr.check_key_reuse("raise"):
        bg = kr.bit_generator(k)
        pickle.loads(pickle.dumps(bg))
        bg.state = bg.state
        with pytest.raises(kr.KeyReuseError, match=r"\[bit_generator\]"):
            kr.bit_generator(k)
        with pytest.raises(kr.KeyReuseError, match=r"\[uniform\]"):
            kr.uniform(key=k)


def test_dask_consumes_at_graph_building():
    krd = pytest.importorskip("keyrand.dask")
    k = kr.key(9)
    with kr.check_key_reuse("raise"):
        x = krd.uniform(shape=(10,), key=k, chunks=3)
        x.compute()
        x.compute()
        with pytest.raises(kr.KeyReuseError, match=f"{HERE}:"):
            krd.normal((10,), key=k, chunks=5)


def test_fold_in_and_the_global_sequence_are_never_flagged():
    k = kr.key(10)
    with kr.check_key_reuse("raise"):
        for i in range(5):
            kr.uniform(key=kr.fold_in(k, i))
        kr.fold_in(k, 0)
        kr.uniform(key=k)
        for _ in range(2):
            kr.seed(3)
            kr.uniform()


def test_a_failed_call_consumes_nothing():
    k = kr.key(11)
    with kr.check_key_reuse("raise"):
        with pytest.raises(ValueError, match=r"\[uniform\]"):
            kr.uniform(shape=(-1,), key=k)
        kr.uniform(key=k)


def test_context_manager_restores_and_off_forgets():
    k = kr.key(12)
    with kr.check_key_reuse("raise"):
        kr.uniform(key=k)
        with kr.check_key_reuse(False):
            kr.uniform(key=k)
            assert _reuse.mode is None
        assert _reuse.mode == "raise"
        kr.uniform(key=k)  # forgotten when the inner block turned the check off
        with kr.check_key_reuse("warn"), pytest.warns(kr.KeyReuseWarning):
            kr.uniform(key=k)
        assert _reuse.mode == "raise"
    assert _reuse.mode is None
    kr.check_key_reuse(True)
    assert _reuse.mode == "warn"
    kr.check_key_reuse(False)
    assert _reuse.mode is None


def test_bad_modes():
    with pytest.raises(ValueError, match=r"\[check_key_reuse\] mode"):
        kr.check_key_reuse("loud")
    with pytest.raises(TypeError, match=r"\[check_key_reuse\] mode"):
        kr.check_key_reuse(1)
    assert _reuse.mode is None


@pytest.mark.parametrize("value, outcome", [("raise", "KeyReuseError"), ("warn", "warned"),
                                            ("loud", "ValueError")])
def test_environment_variable_sets_the_initial_mode(value, outcome):
    code = ("import warnings\n"
            "warnings.simplefilter('error')\n"
            "try:\n"
            "    import keyrand as kr\n"
            "except ValueError as e:\n"
            "    raise SystemExit(f'ValueError {e}')\n"
            "try:\n"
            "    kr.uniform(key=kr.key(0)); kr.uniform(key=kr.key(0))\n"
            "    print('silent')\n"
            "except kr.KeyReuseWarning:\n"
            "    print('warned')\n"
            "except kr.KeyReuseError:\n"
            "    print('KeyReuseError')\n")
    env = {**os.environ, _reuse.ENV: value}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if outcome == "ValueError":
        assert out.returncode == 1 and f"ValueError [check_key_reuse] {_reuse.ENV}" in out.stderr
    else:
        assert out.stdout.strip() == outcome, (out.stdout, out.stderr)


def test_threads_see_each_reuse_exactly_once():
    k = kr.key(13)
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def work(i: int) -> None:
        barrier.wait()
        kr.uniform(key=kr.fold_in(k, i))
        try:
            kr.uniform(key=k)
        except kr.KeyReuseError as e:
            errors.append(e)

    with kr.check_key_reuse("raise"):
        threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(errors) == 5
