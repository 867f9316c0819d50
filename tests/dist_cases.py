"""Parameter cases of every distribution beyond MLX, for the suites that compare backends.

``CASES[name]`` lists keyword arguments (besides ``shape``, ``key``, ``dtype``)
that together reach every branch of the sampler: boundary and extreme
parameters, array parameters, every algorithm switch. tests/test_dists_cuda.py
(CPU kernels vs the CUDA source compiled for the host), tests/test_dists_gpu.py
(CPU vs GPU) and tests/test_dists_dask.py (chunk invariance) draw every case;
tests/test_dists_cuda.py also checks that every registered distribution is here.
"""

from __future__ import annotations

import numpy as np

#: Output dtypes each kind of distribution is drawn in by the backend comparisons.
FLOAT_DTYPES = (np.float32, np.float64)
INT_DTYPES = (np.int32, np.int64)

CASES: dict[str, list[dict]] = {
    "exponential": [{}],
    "gamma": [{"a": 2.5}, {"a": 1.0}, {"a": 0.3}, {"a": 1e-3}, {"a": 1e-300}, {"a": 1e6},
              {"a": 0.0}, {"a": np.array([0.1, 0.9, 1.0, 3.0, 50.0, np.inf, np.nan])}],
    # Counting distributions: cases whose samples fit int32 (tests/test_dists_counting.py
    # compares the int64-only extremes: geometric p = 2^-57, zipf a near 1, logseries p near 1).
    "geometric": [{"p": 0.3}, {"p": 1.0}, {"p": 1e-7}, {"p": 0.999999},
                  {"p": np.array([1e-7, 1e-3, 0.01, 0.5, 0.9, 1.0])}],
    "rademacher": [{}],
    "hypergeometric": [
        {"ngood": 100, "nbad": 50, "nsample": 40},  # HRUA, more bad than good
        {"ngood": 5, "nbad": 5, "nsample": 3},  # the urn
        {"ngood": 10, "nbad": 10, "nsample": 15},  # the urn of the complement
        {"ngood": 7, "nbad": 0, "nsample": 4}, {"ngood": 0, "nbad": 7, "nsample": 3},
        {"ngood": 0, "nbad": 0, "nsample": 0},
        {"ngood": 999_999_999, "nbad": 999_999_999, "nsample": 1_000_000_000},
        {"ngood": 20, "nbad": 100_000_000, "nsample": 50_000_000},
        {"ngood": 100_000_000, "nbad": 30, "nsample": 60},  # HRUA, good > bad
        {"ngood": np.array([0, 3, 20, 500, 999_999_999]), "nbad": np.array([4, 9, 20, 400, 5]),
         "nsample": np.array([2, 12, 15, 450, 1000])}],
    "logseries": [{"p": 0.9}, {"p": 0.0}, {"p": 1e-300}, {"p": 0.3}, {"p": 0.999999},
                  {"p": np.array([0.0, 1e-10, 0.5, 0.99, 0.999999])}],
    "zipf": [{"a": 2.0}, {"a": 3.5}, {"a": 30.0}, {"a": 1024.9}, {"a": 1025.0}, {"a": np.inf},
             {"a": np.array([2.0, 2.5, 7.0, 100.0, 2000.0, np.inf])}],
    "multivariate_hypergeometric": [
        {"colors": [3, 5, 7], "nsample": 6}, {"colors": [3, 5, 7], "nsample": 13},
        {"colors": [100_000_000, 200_000_000, 300_000_000, 5], "nsample": 250_000_000},
        {"colors": [0, 5, 0, 40, 2], "nsample": 30}, {"colors": [4, 0], "nsample": 2}],
}

#: Distributions with integer outputs (drawn in INT_DTYPES).
DISCRETE: set[str] = {"geometric", "rademacher", "hypergeometric", "logseries", "zipf",
                      "multivariate_hypergeometric"}
#: Distributions whose output adds an event axis (not elementwise: no Dask chunking of it).
MULTIVARIATE: set[str] = {"multivariate_hypergeometric"}
