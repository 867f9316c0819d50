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
    "cauchy": [{}],
    "logistic": [{}],
    "lognormal": [{"sigma": 0.5}, {"sigma": 0.0}, {"sigma": 30.0},
                  {"sigma": np.array([0.0, 1e-3, 1.0, 5.0, np.nan])}],
    "pareto": [{"b": 3.0}, {"b": 1e-3}, {"b": 1e6},
               {"b": np.array([0.1, 1.0, 50.0, np.inf, np.nan])}],
    "power": [{"a": 2.0}, {"a": 1e-3}, {"a": 1e6},
              {"a": np.array([0.1, 1.0, 50.0, np.inf, np.nan])}],
    "rayleigh": [{"scale": 2.0}, {"scale": 0.0},
                 {"scale": np.array([0.0, 1e-300, 1.0, 1e300, np.nan])}],
    "weibull_min": [{"scale": 1.0, "concentration": 0.8},
                    {"scale": 2.0, "concentration": 1e-3},
                    {"scale": 1.0, "concentration": 1e3},
                    {"scale": np.array([0.0, 1.0, 3.0, np.nan]),
                     "concentration": np.array([[0.5], [np.inf], [2.0]])}],
    "triangular": [{"left": 0.0, "mode": 1.0, "right": 3.0},
                   {"left": -1.0, "mode": -1.0, "right": 1.0},
                   {"left": 0.0, "mode": 2.0, "right": 2.0},
                   {"left": np.array([0.0, -5.0, np.nan]), "mode": 0.5,
                    "right": np.array([1.0, 5.0, 2.0])}],
    "wald": [{"mean": 1.0, "scale": 2.0}, {"mean": 1e-3, "scale": 1e3},
             {"mean": 1e3, "scale": 1e-3},
             {"mean": np.array([0.5, 1.0, 1e6, np.nan]),
              "scale": np.array([[1e-6], [1.0], [1e6]])}],
    # kappa: Best–Fisher, uniform (< 1e-8), tiny Best–Fisher, wrapped normal (> 1e6), a mu
    # that wraps, and an array crossing every branch with inf and NaN.
    "vonmises": [{"mu": 0.0, "kappa": 4.0}, {"mu": 3.0, "kappa": 1e-9},
                 {"mu": -2.0, "kappa": 1e-6}, {"mu": 3.1, "kappa": 1e7},
                 {"mu": 100.0, "kappa": 0.5},
                 {"mu": np.array([0.0, 3.14, -3.14, np.nan]),
                  "kappa": np.array([[0.0], [1e-5], [1.0], [1e6], [np.inf], [np.nan]])}],
    "orthogonal": [{"n": 3}, {"n": 1}, {"n": 8}],
    "ball": [{"d": 3}, {"d": 2, "p": 1.0}, {"d": 5, "p": 0.5}, {"d": 4, "p": 50.0}, {"d": 1}],
}

#: Distributions with integer outputs (drawn in INT_DTYPES).
DISCRETE: set[str] = set()
#: Distributions whose output adds an event axis (not elementwise: no Dask chunking of it).
MULTIVARIATE: set[str] = {"orthogonal", "ball"}
#: Distributions whose GPU results equal the CPU's to rounding only (a LAPACK factorisation on
#: the CPU, cuSOLVER's on the GPU): the largest absolute difference allowed, per output dtype.
GPU_TOLERANCE: dict[str, dict[str, float]] = {
    "orthogonal": {"float64": 1e-12, "float32": 1e-5, "float16": 2e-3, "bfloat16": 1.6e-2},
}
