"""The distributions beyond MLX against NumPy, JAX and PyTorch, in one run.

    python benchmarks/dists.py                    # CPU, n = 2^22, every thread
    python benchmarks/dists.py --gpu --log2n 26   # one GPU (CuPy), against JAX and torch

Each distribution is timed as the median of ``--repeat`` rounds (after a
warm-up call that compiles it); the table gives millions of samples per second
and keyrand's ratio to each peer (above 1: keyrand is faster). The peers draw
the same distribution with the same parameters: NumPy's ``Generator(PCG64)``,
``jax.random`` (legacy threefry, float32) and torch's samplers where they have
one. A distribution missing from a library is left blank.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

import keyrand as kr  # noqa: E402

F32 = np.float32

#: name → (keyrand kwargs, NumPy call(rng, n), JAX call(jr, key, n), torch call(torch, n, dev)).
TABLE: dict[str, tuple] = {
    "exponential": ({}, lambda g, n: g.standard_exponential(n, F32),
                    lambda jr, k, n: jr.exponential(k, (n,)),
                    lambda t, n, d: t.empty(n, device=d).exponential_()),
    "gamma": ({"a": 2.5}, lambda g, n: g.standard_gamma(2.5, n, F32),
              lambda jr, k, n: jr.gamma(k, 2.5, (n,)),
              lambda t, n, d: t._standard_gamma(t.full((n,), 2.5, device=d))),
    "beta": ({"a": 2.0, "b": 3.0}, lambda g, n: g.beta(2.0, 3.0, n),
             lambda jr, k, n: jr.beta(k, 2.0, 3.0, (n,)), None),
    "chisquare": ({"df": 3.0}, lambda g, n: g.chisquare(3.0, n),
                  lambda jr, k, n: jr.chisquare(k, 3.0, (n,)), None),
    "t": ({"df": 5.0}, lambda g, n: g.standard_t(5.0, n),
          lambda jr, k, n: jr.t(k, 5.0, (n,)), None),
    "cauchy": ({}, lambda g, n: g.standard_cauchy(n), lambda jr, k, n: jr.cauchy(k, (n,)),
               lambda t, n, d: t.empty(n, device=d).cauchy_()),
    "logistic": ({}, lambda g, n: g.logistic(size=n), lambda jr, k, n: jr.logistic(k, (n,)),
                 None),
    "lognormal": ({}, lambda g, n: g.lognormal(size=n),
                  lambda jr, k, n: jr.lognormal(k, shape=(n,)),
                  lambda t, n, d: t.empty(n, device=d).log_normal_()),
    "pareto": ({"b": 3.0}, lambda g, n: g.pareto(3.0, n) + 1.0,
               lambda jr, k, n: jr.pareto(k, 3.0, (n,)), None),
    "rayleigh": ({}, lambda g, n: g.rayleigh(size=n),
                 lambda jr, k, n: jr.rayleigh(k, 1.0, (n,)), None),
    "weibull_min": ({"scale": 1.0, "concentration": 0.8}, lambda g, n: g.weibull(0.8, n),
                    lambda jr, k, n: jr.weibull_min(k, 1.0, 0.8, (n,)), None),
    "vonmises": ({"mu": 0.0, "kappa": 4.0}, lambda g, n: g.vonmises(0.0, 4.0, n), None, None),
    "poisson": ({"lam": 10.0}, lambda g, n: g.poisson(10.0, n),
                lambda jr, k, n: jr.poisson(k, 10.0, (n,)),
                lambda t, n, d: t.poisson(t.full((n,), 10.0, device=d))),
    "binomial": ({"n": 100, "p": 0.3}, lambda g, n: g.binomial(100, 0.3, n),
                 lambda jr, k, n: jr.binomial(k, 100.0, 0.3, (n,)),
                 lambda t, n, d: t.binomial(t.full((n,), 100.0, device=d),
                                            t.full((n,), 0.3, device=d))),
    "geometric": ({"p": 0.2}, lambda g, n: g.geometric(0.2, n),
                  lambda jr, k, n: jr.geometric(k, 0.2, (n,)),
                  lambda t, n, d: t.empty(n, device=d).geometric_(0.2)),
    "rademacher": ({}, lambda g, n: g.integers(0, 2, n, np.int32) * 2 - 1,
                   lambda jr, k, n: jr.rademacher(k, (n,)), None),
    "hypergeometric": ({"ngood": 50, "nbad": 60, "nsample": 40},
                       lambda g, n: g.hypergeometric(50, 60, 40, n), None, None),
    "zipf": ({"a": 2.0}, lambda g, n: g.zipf(2.0, n), None, None),
}


def median_time(fn: Callable[[], object], sync: Callable[[object], None], repeat: int) -> float:
    """Median seconds per call of ``fn`` after one warm-up call."""
    sync(fn())
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sync(fn())
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peers(gpu: bool):
    """(jax.random, a JAX key, torch, torch device), each None where missing."""
    try:
        import jax
        import jax.random as jr

        jax.config.update("jax_threefry_partitionable", False)
        if not gpu:
            jax.config.update("jax_platforms", "cpu")
        jkey = jr.PRNGKey(0)
    except Exception:  # JAX is optional for this benchmark
        jr = jkey = None
    try:
        import torch

        tdev = "cuda" if gpu else "cpu"
        if gpu and not torch.cuda.is_available():
            torch = None
    except Exception:  # torch is optional for this benchmark
        torch = tdev = None
    return jr, jkey, torch, tdev


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gpu", action="store_true", help="keyrand on the GPU (CuPy) vs JAX/torch")
    ap.add_argument("--log2n", type=int, default=None, help="samples per call (2^k)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None, help="distributions to time")
    args = ap.parse_args()
    n = 1 << (args.log2n or (26 if args.gpu else 22))
    jr, jkey, torch, tdev = _peers(args.gpu)
    if args.gpu:
        import cupy as cp

        def sync(_r):
            cp.cuda.runtime.deviceSynchronize()

        where = kr.Device(kr.gpu, 0)
    else:
        def sync(_r):
            return None

        where = kr.cpu
    rng = np.random.default_rng(0)
    names = [m for m in TABLE if hasattr(kr, m) and (args.only is None or m in args.only)]
    print(f"n = 2^{int(np.log2(n))} samples, {'GPU' if args.gpu else 'CPU'}; "
          "M samples/s and keyrand's ratio to each peer (> 1: keyrand faster)")
    head = f"{'distribution':16s} {'keyrand':>9s}"
    peers = [*([] if args.gpu else ["numpy"]), *(["jax"] if jr else []),
             *(["torch"] if torch else [])]
    for p in peers:
        head += f" {p:>9s} {'ratio':>6s}"
    print(head)
    key = kr.key(0)
    for name in names:
        kw, np_call, jax_call, torch_call = TABLE[name]
        fn = getattr(kr, name)
        t_kr = median_time(lambda fn=fn, kw=kw: fn(**kw, shape=(n,), key=key, stream=where),
                           sync, args.repeat)
        line = f"{name:16s} {n / t_kr / 1e6:9.1f}"
        for p in peers:
            call = {"numpy": np_call, "jax": jax_call, "torch": torch_call}[p]
            if call is None:
                line += f" {'':>9s} {'':>6s}"
                continue
            try:
                t = _peer_time(p, call, rng, jr, jkey, torch, tdev, n, args)
            except Exception as err:  # a peer without this sampler or signature
                line += f" {'n/a':>9s} {'':>6s}"
                print(f"  ({p} {name}: {type(err).__name__}: {err})"[:120])
                continue
            line += f" {n / t / 1e6:9.1f} {t / t_kr:6.2f}"
        print(line, flush=True)


def _peer_time(p, call, rng, jr, jkey, torch, tdev, n, args) -> float:
    """Seconds per call of peer ``p``'s sampler."""
    if p == "numpy":
        return median_time(lambda: call(rng, n), lambda r: None, args.repeat)
    if p == "jax":
        import jax

        jitted = jax.jit(lambda k: call(jr, k, n))
        return median_time(lambda: jitted(jkey), lambda r: r.block_until_ready(), args.repeat)
    tsync = torch.cuda.synchronize if args.gpu else (lambda: None)
    return median_time(lambda: call(torch, n, tdev), lambda r: tsync(), args.repeat)


if __name__ == "__main__":
    main()
