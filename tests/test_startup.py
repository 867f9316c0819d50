"""Start-up: ``import keyrand``, ``key`` and ``seed`` load neither Numba nor SciPy.

The backends (Numba kernels, CuPy) load on the first draw. Timing lives in
``benchmarks/cpu.py``; these tests check which modules a fresh process has loaded.
"""

import subprocess
import sys

import pytest

import keyrand as kr

_HEAVY = ("numba", "llvmlite", "scipy", "cupy", "dask")


def _loaded_after(statements: str) -> set[str]:
    """Top-level modules among ``_HEAVY`` that a fresh interpreter has after ``statements``."""
    code = (f"import sys\n{statements}\n"
            f"print(' '.join(m for m in {_HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return set(out.split())


def test_import_loads_no_backend():
    assert _loaded_after("import keyrand") == set()


def test_keys_and_seed_load_no_backend():
    statements = ("import keyrand as kr\n"
                  "k = kr.key(2**40 + 12345)\n"
                  "assert k.tolist() == [256, 12345], k\n"
                  "kr.seed(7)\n"
                  "assert kr.state().tolist() == [0, 7]\n"
                  "kr.bfloat16, kr.cpu, kr.default_device()")
    assert _loaded_after(statements) == set()


@pytest.mark.parametrize("draw", [
    "kr.uniform(shape=(3,), key=kr.key(0))",
    "kr.normal((3,))",
    "kr.split(kr.key(1))",
])
def test_first_draw_loads_numba_without_help(draw):
    # The CPU backend is imported by the first draw, whatever the sampler.
    loaded = _loaded_after(f"import keyrand as kr\n{draw}")
    assert "numba" in loaded
    assert "cupy" not in loaded and "dask" not in loaded


def test_first_draw_in_fresh_process_matches_this_one():
    # Values do not depend on what was loaded before: a fresh process whose first call is a
    # draw from the unseeded-then-seeded global sequence gives this process's numbers.
    code = ("import keyrand as kr\nkr.seed(11)\n"
            "print(kr.uniform(shape=(4,)).tobytes().hex(), kr.state().tolist())")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.split(" ", 1)
    kr.seed(11)
    assert out[0] == kr.uniform(shape=(4,)).tobytes().hex()
    assert out[1].strip() == str(kr.state().tolist())
