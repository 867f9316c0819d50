"""Fork and thread safety under each Numba threading layer that loads here.

Each case runs in a fresh interpreter with ``NUMBA_THREADING_LAYER`` set, so the
layer is chosen before the first parallel launch, and with a timeout, so a hang
fails instead of blocking the run. Draws of at least ``SERIAL_WORDS`` words
take the parallel kernels. The reference values are the parent's own draws,
made on one thread before any fork or thread starts.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap

import pytest

LAYERS = ("tbb", "omp", "workqueue")
TIMEOUT = 300

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

#: Draws run in every case: parallel kernels of the fused samplers, the integer
#: conversion (randint with array bounds), the float32 array functions (truncated
#: normal with array bounds) and the sort behind permutation.
DRAWS = textwrap.dedent("""
    import numpy as np
    import keyrand as kr

    def draws(seed):
        k = kr.key(seed)
        n = 1 << 17
        return [
            kr.uniform(shape=(n,), key=k),
            kr.normal((n,), dtype=kr.bfloat16, key=k),
            kr.normal((n,), dtype=np.float64, key=k),
            kr.randint(np.zeros(n, np.int32), 1000, (n,), key=k),
            kr.truncated_normal(np.full(n, -1.0, np.float32), 2.0, (n,), key=k),
            kr.permutation(n, key=k),
        ]

    def same(a, b):
        return all(x.dtype == y.dtype and x.tobytes() == y.tobytes() for x, y in zip(a, b))
""")


def _run(layer: str, body: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_THREADING_LAYER=layer)
    code = DRAWS + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)


@functools.cache
def _unavailable(layer: str) -> str | None:
    """Why ``layer`` cannot run here (None if it loads)."""
    result = _run(layer, """
        import numba
        draws(1)
        print(numba.threading_layer())
    """)
    if result.returncode == 0 and result.stdout.split()[-1:] == [layer]:
        return None
    return f"Numba's {layer} threading layer does not load here: " + (
        result.stderr.strip().splitlines() or ["no output"])[-1]


@pytest.fixture(params=LAYERS)
def layer(request: pytest.FixtureRequest) -> str:
    reason = _unavailable(request.param)
    if reason:
        pytest.skip(reason)
    return request.param


def _check(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert result.stdout.split()[-1:] == ["ok"], result.stdout[-2000:]


def test_forked_child_draws_the_parents_numbers(layer):
    # The parent uses the parallel kernels first, then forks; the child draws the same.
    _check(_run(layer, """
        import os, pickle
        want = draws(5)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                data = pickle.dumps(draws(5))
            finally:
                with os.fdopen(write, "wb") as f:
                    f.write(data)
                os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            got = pickle.loads(f.read())
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        assert same(got, want)
        grandchild = os.fork()
        if grandchild == 0:
            os._exit(0 if same(draws(5), want) else 3)
        _, status = os.waitpid(grandchild, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        print("ok")
    """))


def test_fork_pool_draws_the_parents_numbers(layer):
    _check(_run(layer, """
        import multiprocessing
        want = [draws(s) for s in range(3)]
        with multiprocessing.get_context("fork").Pool(2) as pool:
            got = pool.map_async(draws, range(3)).get(timeout=240)
        assert all(same(g, w) for g, w in zip(got, want))
        print("ok")
    """))


def test_threads_draw_concurrently(layer):
    # Eight threads launch parallel kernels at once; each must get the serial reference.
    _check(_run(layer, """
        import threading
        import keyrand as kr
        big = 1 << 20
        want = [kr.normal((big,), key=kr.key(s)) for s in range(8)]
        small = [draws(s) for s in range(8)]
        got, got_small = [None] * 8, [None] * 8
        start = threading.Barrier(8)

        def work(s):
            start.wait()
            got[s] = kr.normal((big,), key=kr.key(s))
            got_small[s] = draws(s)

        threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert same(got, want)
        assert all(same(g, w) for g, w in zip(got_small, small))
        print("ok")
    """))
