"""Peak memory of large draws, as a multiple of the output's bytes.

tracemalloc traces NumPy's allocations, so the elementwise samplers are measured
in this process: they must need no temporary the size of the output (at most
1.25 times the output; a float32 intermediate for a float16 output alone is 2).
The sort behind permutation allocates inside a Numba kernel, which tracemalloc
does not see, so permutation and categorical are measured by the growth of the
resident set of a fresh process (at most 2.5 times the output).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

import keyrand as kr

N = 1 << 22
ELEMENTWISE = 1.25
SORTS = 2.5

CASES = {
    **{f"uniform-{np.dtype(d).name}": (lambda n, k, d=d: kr.uniform(-1, 2, (n,), dtype=d, key=k))
       for d in (np.float16, kr.bfloat16, np.float32)},
    **{f"normal-{np.dtype(d).name}": (lambda n, k, d=d: kr.normal((n,), dtype=d, key=k))
       for d in (np.float16, kr.bfloat16, np.float32, np.float64, np.complex64)},
    **{f"normal-loc-scale-{np.dtype(d).name}": (
        lambda n, k, d=d: kr.normal((n,), dtype=d, loc=0.5, scale=2.0, key=k))
       for d in (np.float16, np.float64, np.complex64)},
    **{f"truncated_normal-{np.dtype(d).name}": (
        lambda n, k, d=d: kr.truncated_normal(-1.0, 2.0, (n,), dtype=d, key=k))
       for d in (np.float16, kr.bfloat16, np.float32)},
    **{f"gumbel-{np.dtype(d).name}": (lambda n, k, d=d: kr.gumbel((n,), dtype=d, key=k))
       for d in (np.float16, kr.bfloat16, np.float32)},
    **{f"laplace-{np.dtype(d).name}": (lambda n, k, d=d: kr.laplace((n,), dtype=d, key=k))
       for d in (np.float16, kr.bfloat16, np.float32, np.float64)},
    "bernoulli": lambda n, k: kr.bernoulli(0.25, (n,), key=k),
    "randint-int8": lambda n, k: kr.randint(-5, 100, (n,), dtype=np.int8, key=k),
    "randint-int64": lambda n, k: kr.randint(-5, 100, (n,), dtype=np.int64, key=k),
    "bits": lambda n, k: kr.bits((n,), key=k),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_elementwise_draws_need_no_temporary_of_the_output_size(name):
    draw = CASES[name]
    draw(1 << 17, kr.key(2))  # load the (parallel) kernels first: compiling is not drawing
    tracemalloc.start()
    try:
        out = draw(N, kr.key(2))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.size == N
    assert peak <= ELEMENTWISE * out.nbytes, peak / out.nbytes


_RSS_PROBE = textwrap.dedent("""
    import numpy as np
    import keyrand as kr
    def status(field):
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field))
    def draw(n):
        return {expr}
    draw(1 << 17)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak (VmHWM) restarts here: compiling the kernels does not count
    before = status("VmRSS")
    out = draw({n})
    print((status("VmHWM") - before) / out.nbytes)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("expr", [
    "kr.permutation(n, key=kr.key(4))",
    "kr.categorical(np.linspace(-3, 1, 500, dtype=np.float32), shape=(n,), key=kr.key(4))",
    "kr.categorical(np.linspace(-3, 1, 500), shape=(n,), key=kr.key(4))",
])
def test_sorting_draws_stay_within_two_and_a_half_outputs(expr):
    n = 1 << 24
    code = _RSS_PROBE.format(expr=expr, n=n)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=600)
    assert float(result.stdout) <= SORTS, result.stdout

