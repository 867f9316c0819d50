"""keyrand.dask scaling: 2^30 float32 normals on 1, 2, 4, 8 worker processes, in one run.

Usage: python benchmarks/dask_scaling.py [--log2n 30] [--workers 1 2 4 8]
                                         [--chunk-log2 24] [--repeat 3]

For each worker count, a LocalCluster (processes, threads_per_worker=1, each
worker's Numba kernels on one thread: NUMBA_NUM_THREADS=1) generates the
array on the workers (``persist`` and wait: blocks stay in worker memory,
nothing is gathered). Times are the best of --repeat runs, each with a new
key, after every worker has loaded its kernels. The table prints the speed-up
over one worker and over in-memory ``keyrand.normal`` (all cores, and one
thread). Every run checks one block against the in-memory draw.
"""

from __future__ import annotations

import argparse
import logging
import os
import time

import numba
import numpy as np
from dask.distributed import Client, LocalCluster, wait

import keyrand as kr
import keyrand.dask as krd


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        best = min(best, time.perf_counter() - start)
    return best


def warm_worker() -> int:
    # Load the Numba kernels a block uses (from the on-disk cache) before timing.
    krd.normal((4096,), key=kr.key(0), chunks=1000).compute(scheduler="sync")
    return numba.config.NUMBA_NUM_THREADS


def in_memory(n: int, repeat: int, threads: int | None) -> float:
    previous = numba.get_num_threads()
    if threads:
        numba.set_num_threads(threads)
    try:
        kr.normal((1024,), key=kr.key(0))
        return best_time(lambda i: kr.normal((n,), key=kr.key(100 + i)), repeat)
    finally:
        numba.set_num_threads(previous)


def on_cluster(n: int, workers: int, chunk: int, repeat: int) -> float:
    # Spawned workers import Numba (re-importing this script) before a Nanny's env= applies,
    # so one Numba thread per worker comes from the environment they inherit.
    previous = os.environ.get("NUMBA_NUM_THREADS")
    os.environ["NUMBA_NUM_THREADS"] = "1"
    try:
        return _on_cluster(n, workers, chunk, repeat)
    finally:
        if previous is None:
            del os.environ["NUMBA_NUM_THREADS"]
        else:
            os.environ["NUMBA_NUM_THREADS"] = previous


def _on_cluster(n: int, workers: int, chunk: int, repeat: int) -> float:
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, env={"NUMBA_NUM_THREADS": "1"},
                      silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        client.wait_for_workers(workers)
        threads = set(client.run(warm_worker).values())
        assert threads == {1}, f"workers' Numba threads: {threads}"

        def run(i: int) -> None:
            x = krd.normal((n,), key=kr.key(200 + i), chunks=chunk)
            y = x.persist()
            wait(y)
            del y

        t = best_time(run, repeat)
        # Spot check: the last block equals the same slice of the in-memory draw.
        k = kr.key(200)
        tail = krd.normal((n,), key=k, chunks=chunk)[-chunk:].compute()
        assert np.array_equal(tail, kr.normal((n,), key=k)[-chunk:])
        return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log2n", type=int, default=30, help="array of 2**log2n float32")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--chunk-log2", type=int, default=24, help="blocks of 2**k elements")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, chunk = 2**args.log2n, 2**min(args.chunk_log2, args.log2n)
    gib = n * 4 / 2**30
    print(f"keyrand.dask normal float32: n = 2^{args.log2n} ({gib:.2f} GiB), blocks of "
          f"2^{min(args.chunk_log2, args.log2n)} ({n // chunk} blocks), {os.cpu_count()} CPUs, "
          f"best of {args.repeat}")
    mem_all = in_memory(n, args.repeat, None)
    mem_one = in_memory(n, args.repeat, 1)
    print(f"in-memory keyrand.normal: {mem_all:.3f} s on {numba.get_num_threads()} threads "
          f"({n / mem_all / 1e9:.2f} G/s), {mem_one:.3f} s on 1 thread")
    print(f"{'workers':>7} {'time s':>8} {'G/s':>6} {'vs 1 worker':>12} {'vs in-memory':>13} "
          f"{'vs 1 thread':>12}")
    one = None
    for w in args.workers:
        t = on_cluster(n, w, chunk, args.repeat)
        one = one or (t if w == 1 else None)
        vs_one = f"{one / t:.2f}x" if one else "-"
        print(f"{w:>7} {t:>8.3f} {n / t / 1e9:>6.2f} {vs_one:>12} {mem_all / t:>12.2f}x "
              f"{mem_one / t:>11.2f}x", flush=True)


if __name__ == "__main__":
    main()
