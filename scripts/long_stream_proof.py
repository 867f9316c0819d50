"""Prove streams past 2^32 words whole: keyrand against JAX, and Dask chunks on a LocalCluster.

Two checks of docs/algorithms.md §3.3 at full size (they need tens of GiB, so
they live here rather than in the test suite, which checks the same rule by
index):

* ``jax``: whole draws of ``bits`` of a few sizes just past 2^32 words, from
  keyrand on the GPU (and on the CPU for the smallest), against
  ``jax.random.bits`` under ``jax_threefry_partitionable=False``; and the GPU's
  ``uniform`` of the same size against the CPU's. Needs JAX, CuPy and about
  about 12·W bytes of GPU memory for the largest W (JAX's legacy rule makes
  every block at once): run with ``XLA_PYTHON_CLIENT_ALLOCATOR=platform``.
* ``dask``: a ``keyrand.dask.uniform`` array of 2^34 float32 elements
  computed chunk by chunk on a ``distributed.LocalCluster``; every chunk's
  BLAKE2b digest is compared with the digest of the same flat indices drawn
  directly in this process (``keyrand.samplers.sample_range``).

    PYTHONPATH=src python scripts/long_stream_proof.py jax
    PYTHONPATH=src python scripts/long_stream_proof.py dask --workers 16

Each check prints one line per case and exits non-zero on any mismatch.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import sys
import time

import numpy as np

import keyrand as kr
from keyrand import samplers

BLOCK = 2**32 - 1
SIZES = [2**32 + 1, 2**32 + 5, 2 * BLOCK + 3]


def as_shape(total: int) -> tuple[int, ...]:
    """``total`` as a shape of int32 dimensions (MLX's), from its prime factors."""
    dims, n, f = [1], total, 2
    while n > 1:
        if f * f > n:
            f = n
        while n % f == 0:
            if dims[-1] * f >= 2**31:
                dims.append(1)
            dims[-1] *= f
            n //= f
        f += 1
    return tuple(dims)


def _mismatches(a: np.ndarray, b: np.ndarray, step: int = 1 << 28) -> int:
    a, b = a.reshape(-1), b.reshape(-1)
    return sum(int(np.count_nonzero(a[i:i + step] != b[i:i + step]))
               for i in range(0, a.size, step))


def check_jax(seed: int) -> int:
    import cupy
    import jax

    jax.config.update("jax_threefry_partitionable", False)
    bad = 0
    k = kr.key(seed)
    jk = jax.random.wrap_key_data(jax.numpy.asarray(k), impl="threefry2x32")
    pool = cupy.get_default_memory_pool()
    for total in SIZES:
        shape = as_shape(total)
        t0 = time.perf_counter()
        # JAX first, on an empty GPU: its legacy rule materialises every block at once.
        theirs = np.asarray(jax.random.bits(jk, (total,), dtype=jax.numpy.uint32))
        jax.clear_caches()
        gc.collect()
        ours = kr.bits(shape, key=k, stream=kr.gpu).get().reshape(-1)
        pool.free_all_blocks()
        n = _mismatches(ours, theirs)
        bad += n
        print(f"bits  W={total:>11} (gpu) vs jax.random.bits: {n} mismatches "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)
        if total == SIZES[0]:
            cpu = kr.bits(shape, key=k, stream=kr.cpu).reshape(-1)
            n = _mismatches(cpu, theirs)
            bad += n
            print(f"bits  W={total:>11} (cpu) vs jax.random.bits: {n} mismatches", flush=True)
            del cpu
        del ours, theirs
    total = SIZES[0]
    gpu = kr.uniform(shape=as_shape(total), key=k, stream=kr.gpu).get()
    pool.free_all_blocks()
    cpu = kr.uniform(shape=as_shape(total), key=k, stream=kr.cpu)
    n = _mismatches(gpu.view(np.uint32), cpu.view(np.uint32))
    bad += n
    print(f"uniform W={total:>11}: gpu vs cpu: {n} mismatches", flush=True)
    return bad


def _digest(x: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(x).view(np.uint8), digest_size=16).hexdigest()


def check_dask(seed: int, workers: int, rows: int) -> int:
    import dask.array as da
    from distributed import Client, LocalCluster

    import keyrand.dask as krd

    shape = (2**17, 2**17)  # 2**34 float32 elements, 2**34 words: four blocks of the rule
    k = kr.key(seed)
    x = krd.uniform(shape=shape, key=k, chunks=(rows, -1))
    digests = x.map_blocks(lambda b: np.array([[_digest(b)]], object), dtype=object,
                           chunks=(1, 1))
    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster, \
            Client(cluster):
        got = da.compute(digests)[0].reshape(-1)
    print(f"dask: {x.npartitions} chunks of {rows} rows computed on {workers} workers "
          f"({time.perf_counter() - t0:.0f} s)", flush=True)
    bad = 0
    for i, d in enumerate(got):
        start = i * rows * shape[1]
        want = _digest(samplers.sample_range("uniform", shape, k, start,
                                             start + rows * shape[1]))
        bad += want != d
    print(f"dask: {bad} of {got.size} chunks differ from the same indices drawn directly "
          f"({time.perf_counter() - t0:.0f} s in all)", flush=True)
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=["jax", "dask"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=2**9, help="rows per Dask chunk")
    args = parser.parse_args()
    if args.check == "jax":
        bad = check_jax(args.seed)
    else:
        bad = check_dask(args.seed, args.workers, args.rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
