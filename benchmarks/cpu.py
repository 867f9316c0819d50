"""keyrand vs MLX (CPU), NumPy and JAX on this machine, in one run; prints ratios.

Usage: python benchmarks/cpu.py [--sizes 20 24] [--repeat 5]

Each row times one operation at n elements (best of --repeat rounds, after a
warm-up; a round calls every operation once) and prints how many times faster
keyrand is than each peer (peer time / keyrand time; > 1 means keyrand is
faster). The ``out=`` rows refill one preallocated array; their peers are
the same call without ``out=``, ``bits`` with ``out=`` and NumPy's
``random(out=)``. A separate row times NumPy's ``Generator.random(n)``
(float64, n the largest size) on ``keyrand.bit_generator`` against the same
call on NumPy's Philox and PCG64. It also times ``import keyrand`` and a first small
draw in fresh processes with a warm Numba cache, and the peak memory of
2^26-element draws of every sampler (as a multiple of the output's bytes, each
in a fresh process).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

import keyrand as kr

try:
    import mlx.core as mx
except ImportError:
    mx = None
try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")
except ImportError:
    jax = None


def best_times(fns: dict[tuple[str, str], Callable[[], object]], repeat: int
               ) -> dict[tuple[str, str], float]:
    """Best time of each function over ``repeat`` interleaved rounds, after a warm-up call.

    Each round calls every function once, so a passing slow spell of a shared
    machine (a busy neighbour, the hypervisor) costs every row one round, not one
    row all of its runs.
    """
    for fn in fns.values():
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for label, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[label] = min(best[label], time.perf_counter() - start)
    return best


def mlx_op(make: Callable[[], object]) -> Callable[[], object]:
    return lambda: mx.eval(make())


def jax_op(make: Callable[[], object]) -> Callable[[], object]:
    return lambda: make().block_until_ready()


def rows(n: int) -> list[tuple[str, Callable[[], object], dict[str, Callable[[], object]]]]:
    k = kr.key(7)
    philox = np.random.Generator(np.random.Philox(7))
    pcg = np.random.Generator(np.random.PCG64(7))
    peers_uniform = {
        "numpy-philox": lambda: philox.random(n, dtype=np.float32),
        "numpy-pcg64": lambda: pcg.random(n, dtype=np.float32),
    }
    peers_normal = {
        "numpy-philox": lambda: philox.standard_normal(n, dtype=np.float32),
        "numpy-pcg64": lambda: pcg.standard_normal(n, dtype=np.float32),
    }
    peers_split: dict[str, Callable[[], object]] = {}
    peers_others: dict[str, dict[str, Callable[[], object]]] = {
        "gumbel": {"numpy-philox": lambda: philox.gumbel(size=n)},
        "laplace": {"numpy-philox": lambda: philox.laplace(size=n)},
        "randint": {"numpy-philox": lambda: philox.integers(0, 1000, n, dtype=np.int32)},
        "bernoulli": {"numpy-philox": lambda: philox.random(n, dtype=np.float32) < 0.3},
        "truncated_normal": {},
        "integers": {"numpy-pcg64": lambda: pcg.integers(0, 1000, n)},
        "integers full": {"numpy-pcg64": lambda: pcg.integers(-2**63, 2**63, n)},
    }
    if mx is not None:
        mk = mx.array(k)
        peers_uniform["mlx"] = mlx_op(lambda: mx.random.uniform(shape=(n,), key=mk))
        peers_normal["mlx"] = mlx_op(lambda: mx.random.normal(shape=(n,), key=mk))
        peers_split["mlx"] = mlx_op(lambda: mx.random.split(mk, n // 2))
        peers_others["gumbel"]["mlx"] = mlx_op(lambda: mx.random.gumbel(shape=(n,), key=mk))
        peers_others["laplace"]["mlx"] = mlx_op(lambda: mx.random.laplace(shape=(n,), key=mk))
        peers_others["randint"]["mlx"] = mlx_op(lambda: mx.random.randint(0, 1000, (n,),
                                                                           key=mk))
        peers_others["bernoulli"]["mlx"] = mlx_op(lambda: mx.random.bernoulli(0.3, (n,),
                                                                               key=mk))
        peers_others["truncated_normal"]["mlx"] = mlx_op(
            lambda: mx.random.truncated_normal(-1.0, 2.0, (n,), key=mk))
    if jax is not None:
        jk = jax.random.PRNGKey(7)
        peers_uniform["jax"] = jax_op(lambda: jax.random.uniform(jk, (n,), jnp.float32))
        peers_normal["jax"] = jax_op(lambda: jax.random.normal(jk, (n,), jnp.float32))
        peers_split["jax"] = jax_op(lambda: jax.random.split(jk, n // 2))
    f32, u32, f32_np = (np.empty(n, np.float32), np.empty(n, np.uint32),
                        np.empty(n, np.float32))
    peers_out = {  # refilling one buffer: no allocation, no page faults
        "no out=": lambda: kr.uniform(shape=(n,), key=k),
        "bits out=": lambda: kr.bits((n,), key=k, out=u32),
        "numpy-philox out=": lambda: philox.random(dtype=np.float32, out=f32_np),
    }
    out = [
        ("uniform", lambda: kr.uniform(shape=(n,), key=k), peers_uniform),
        ("uniform out=", lambda: kr.uniform(shape=(n,), key=k, out=f32), peers_out),
        ("bits out=", lambda: kr.bits((n,), key=k, out=u32),
         {"no out=": lambda: kr.bits((n,), key=k)}),
        ("normal", lambda: kr.normal((n,), key=k), peers_normal),
        (f"split(key, {n // 2})", lambda: kr.split(k, n // 2), peers_split),
        ("bits", lambda: kr.bits((n,), key=k), {}),
        ("gumbel", lambda: kr.gumbel((n,), key=k), peers_others["gumbel"]),
        ("laplace", lambda: kr.laplace((n,), key=k), peers_others["laplace"]),
        ("randint", lambda: kr.randint(0, 1000, (n,), key=k), peers_others["randint"]),
        ("bernoulli", lambda: kr.bernoulli(0.3, (n,), key=k), peers_others["bernoulli"]),
        ("truncated_normal", lambda: kr.truncated_normal(-1.0, 2.0, (n,), key=k),
         peers_others["truncated_normal"]),
        ("integers int64 [0, 1000)", lambda: kr.integers(0, 1000, (n,), key=k),
         peers_others["integers"]),
        ("integers int64 full", lambda: kr.integers(-2**63, 2**63, (n,), key=k),
         peers_others["integers full"]),
    ]
    return out


def bitgen_rows(n: int) -> list[tuple[str, Callable[[], object], dict[str, Callable[[], object]]]]:
    """NumPy's ``Generator.random(n)`` (float64) on keyrand's stream vs on NumPy's bit generators.

    Timed apart from the keyrand kernels: a parallel kernel just before a
    single-threaded one can leave its worker threads spinning on the cores.
    """
    on_keyrand = np.random.Generator(kr.bit_generator(kr.key(5)))
    philox = np.random.Generator(np.random.Philox(5))
    pcg = np.random.Generator(np.random.PCG64(5))
    return [(f"Generator.random(2^{n.bit_length() - 1})", lambda: on_keyrand.random(n),
             {"numpy-philox": lambda: philox.random(n), "numpy-pcg64": lambda: pcg.random(n)})]


def special_rows() -> list[tuple[str, Callable[[], object], dict[str, Callable[[], object]]]]:
    k = kr.key(3)
    perm_n = 1 << 22
    logits = np.random.default_rng(0).standard_normal((1 << 14, 1000)).astype(np.float32)
    peers_perm: dict[str, Callable[[], object]] = {
        "numpy-philox": lambda: np.random.Generator(np.random.Philox(3)).permutation(perm_n)}
    peers_cat: dict[str, Callable[[], object]] = {}
    if mx is not None:
        mk, ml = mx.array(k), mx.array(logits)
        peers_perm["mlx"] = mlx_op(lambda: mx.random.permutation(perm_n, key=mk))
        peers_cat["mlx"] = mlx_op(lambda: mx.random.categorical(ml, key=mk))
    return [
        ("permutation(2^22)", lambda: kr.permutation(perm_n, key=k), peers_perm),
        ("categorical(2^14 x 1000)", lambda: kr.categorical(logits, key=k), peers_cat),
        ("bits 2^33 words by blocks", lambda: words_by_blocks((2**17, 2**16), k),
         {"2 x 2^32 words": lambda: [words_by_blocks((2**16, 2**16), k) for _ in range(2)]}),
    ]


def words_by_blocks(shape: tuple[int, ...], k: object, block: int = 1 << 26) -> None:
    """Every word of a draw of ``shape``, by ``block``-word ranges (as ``keyrand sample`` does).

    Past 2^32 words the stream continues by JAX's rule (docs/algorithms.md §3.3): a
    2^33-word draw should run at the speed of two 2^32-word ones.
    """
    from keyrand.samplers import sample_range

    total = int(np.prod(shape))
    for start in range(0, total, block):
        sample_range("bits", shape, k, start, min(start + block, total))


#: Timed in a fresh interpreter: ``import keyrand``, then that plus a first small draw.
_STARTUP = {
    "import keyrand": "import keyrand",
    "import + first draw": "import keyrand as kr; kr.uniform(shape=(1000,), key=kr.key(1))",
}


def startup_seconds(runs: int) -> dict[str, tuple[float, float]]:
    """Best and median seconds of each :data:`_STARTUP` statement, each run in a new process.

    The clock starts inside the new interpreter, just before the statement, so the
    interpreter's own start-up is not counted. A first run warms Numba's disk cache.
    """
    times: dict[str, list[float]] = {name: [] for name in _STARTUP}
    for i in range(runs + 1):
        for name, stmt in _STARTUP.items():
            code = (f"import time; t = time.perf_counter(); {stmt}; "
                    "print(time.perf_counter() - t)")
            result = subprocess.run([sys.executable, "-c", code], check=True,
                                    capture_output=True, text=True)
            if i:
                times[name].append(float(result.stdout.strip()))
    return {name: (min(t), statistics.median(t)) for name, t in times.items()}


#: Draws of the memory table: label -> expression of ``n`` (``kr`` and ``np`` in scope).
MEMORY_CASES = {
    **{f"uniform {d}": f"kr.uniform(shape=(n,), dtype=D['{d}'], key=k)"
       for d in ("float16", "bfloat16", "float32")},
    **{f"normal {d}": f"kr.normal((n,), dtype=D['{d}'], key=k)"
       for d in ("float16", "bfloat16", "float32", "float64", "complex64")},
    "normal float64 loc, scale": "kr.normal((n,), dtype=np.float64, loc=1.0, scale=2.0, key=k)",
    "normal complex64 loc, scale": "kr.normal((n,), dtype=np.complex64, loc=1.0, scale=2.0, "
                                   "key=k)",
    **{f"truncated_normal {d}": f"kr.truncated_normal(-1.0, 2.0, (n,), dtype=D['{d}'], key=k)"
       for d in ("float16", "bfloat16", "float32")},
    **{f"gumbel {d}": f"kr.gumbel((n,), dtype=D['{d}'], key=k)"
       for d in ("float16", "bfloat16", "float32")},
    **{f"laplace {d}": f"kr.laplace((n,), dtype=D['{d}'], key=k)"
       for d in ("float16", "bfloat16", "float32", "float64")},
    "bernoulli": "kr.bernoulli(0.3, (n,), key=k)",
    "randint int32": "kr.randint(0, 1000, (n,), key=k)",
    "randint int8": "kr.randint(0, 100, (n,), dtype=np.int8, key=k)",
    "integers int64": "kr.integers(0, 1000, (n,), key=k)",
    "bits": "kr.bits((n,), key=k)",
    "permutation": "kr.permutation(n, key=k)",
    "categorical 1-D": "kr.categorical(np.linspace(-2, 2, 1000, dtype=np.float32), "
                       "shape=(n,), key=k)",
}

_MEMORY_PROBE = """
import tracemalloc
import numpy as np
import keyrand as kr
D = dict(float16=np.float16, bfloat16=kr.bfloat16, float32=np.float32, float64=np.float64,
         complex64=np.complex64)
k = kr.key(1)
n = 1 << 17
{expr}
n = {n}
def status(field):
    with open('/proc/self/status') as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field))
with open('/proc/self/clear_refs', 'w') as f:
    f.write('5')  # restart the peak (VmHWM): compiling the kernels does not count
rss_before = status('VmRSS')
tracemalloc.start()
x = {expr}
traced = tracemalloc.get_traced_memory()[1]
rss_peak = status('VmHWM')
print(traced / x.nbytes, (rss_peak - rss_before) / x.nbytes)
"""


def memory_ratios(expr: str, n: int = 1 << 26) -> tuple[float, float]:
    """Peak memory of one draw over its output's bytes: (tracemalloc, RSS), in a fresh process.

    tracemalloc sees NumPy's allocations; the RSS growth (peak RSS minus the RSS before
    the draw) also sees the arrays Numba kernels allocate. A small draw first loads the
    kernels, so compilation does not count.
    """
    code = _MEMORY_PROBE.format(expr=expr, n=n)
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True)
    traced, rss = result.stdout.split()
    return float(traced), float(rss)


def memory_table(n: int = 1 << 26) -> None:
    """Print the peak memory of each draw in MEMORY_CASES as a multiple of its output's bytes."""
    print(f"peak memory of a 2^{n.bit_length() - 1}-element draw, x the output's bytes:")
    print(f"  {'draw':<30} {'tracemalloc':>11} {'RSS':>6}")
    for label, expr in MEMORY_CASES.items():
        traced, rss = memory_ratios(expr, n)
        print(f"  {label:<30} {traced:11.2f} {rss:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 24],
                        help="log2 of the element counts")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--startup-runs", type=int, default=7,
                        help="fresh processes timed for the start-up rows")
    parser.add_argument("--memory-only", action="store_true",
                        help="print only the peak-memory table")
    parser.add_argument("--speed-only", action="store_true",
                        help="print only the speed ratios (no fresh-process measurements)")
    args = parser.parse_args()
    if args.memory_only:
        memory_table()
        return
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}; "
          f"mlx {mx.__version__ if mx else 'not installed'}; "
          f"jax {jax.__version__ if jax else 'not installed'}")
    print("ratio = peer time / keyrand time (> 1: keyrand faster)\n")
    for log2n in args.sizes:
        n = 1 << log2n
        print(f"n = 2^{log2n}")
        table = rows(n)
        best = best_times({(name, lib): fn for name, ours, peers in table
                           for lib, fn in {"keyrand": ours, **peers}.items()}, args.repeat)
        for name, _, peers in table:
            t = best[name, "keyrand"]
            cells = [f"{peer} {best[name, peer] / t:6.2f}x" for peer in peers]
            gbs = 4 * n / t / 1e9
            print(f"  {name:<24} {t * 1e3:8.2f} ms {gbs:6.2f} GB/s   " + "   ".join(cells))
        print()
    table = bitgen_rows(1 << max(args.sizes))
    best = best_times({(name, lib): fn for name, ours, peers in table
                       for lib, fn in {"keyrand": ours, **peers}.items()}, args.repeat)
    print("NumPy's Generator on keyrand.bit_generator vs on NumPy's bit generators (float64):")
    for name, _, peers in table:
        t = best[name, "keyrand"]
        cells = [f"{peer} {best[name, peer] / t:6.2f}x" for peer in peers]
        print(f"  {name:<24} {t * 1e3:8.2f} ms   " + "   ".join(cells))
    print()
    table = special_rows()
    best = best_times({(name, lib): fn for name, ours, peers in table
                       for lib, fn in {"keyrand": ours, **peers}.items()},
                      max(1, args.repeat // 2))
    for name, _, peers in table:
        t = best[name, "keyrand"]
        cells = [f"{peer} {best[name, peer] / t:6.2f}x" for peer in peers]
        print(f"  {name:<24} {t * 1e3:8.2f} ms   " + "   ".join(cells))
    if args.speed_only:
        return
    print("\nstart-up in a fresh process (warm Numba cache), best / median of "
          f"{args.startup_runs} runs:")
    for name, (best_s, median_s) in startup_seconds(args.startup_runs).items():
        print(f"  {name:<24} {best_s:.3f} s / {median_s:.3f} s")
    print(f"(this process's peak RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)\n")
    memory_table()


if __name__ == "__main__":
    main()
