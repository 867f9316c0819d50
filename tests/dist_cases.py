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
    "beta": [{"a": 2.0, "b": 3.0}, {"a": 0.5, "b": 0.5}, {"a": 1e-3, "b": 5.0},
             {"a": 1e-310, "b": 1e-312}, {"a": 1e6, "b": 1e301},
             {"a": np.array([0.2, 1.0, 4.0, np.inf, np.inf, np.nan, 1.0]),
              "b": np.array([0.3, 1.0, 9.0, 2.0, np.inf, 1.0, np.inf])}],
    "chisquare": [{"df": 3.0}, {"df": 0.5}, {"df": 1e-4}, {"df": 1e7},
                  {"df": np.array([1.0, 2.0, 7.5, np.inf, np.nan])}],
    "t": [{"df": 4.0}, {"df": 1.0}, {"df": 0.1}, {"df": 1e8},
          {"df": np.array([0.5, 2.0, 30.0, np.inf, np.nan])}],
    "f": [{"dfnum": 3.0, "dfden": 7.0}, {"dfnum": 0.5, "dfden": 20.0},
          {"dfnum": 1e6, "dfden": 0.1},
          {"dfnum": np.array([2.0, np.inf, 5.0, np.inf, np.nan]),
           "dfden": np.array([np.inf, 4.0, 1.0, np.inf, 3.0])}],
    "loggamma": [{"a": 2.0}, {"a": 0.5}, {"a": 1e-6}, {"a": 1e-300}, {"a": 0.0},
                 {"a": np.array([0.1, 1.0, 40.0, np.inf, np.nan])}],
    "generalized_normal": [{"p": 2.0}, {"p": 0.5}, {"p": 50.0}, {"p": 1e-2},
                           {"p": np.array([1.0, 3.0, 1e4, np.nan])}],
    "maxwell": [{}],
    "double_sided_maxwell": [{"loc": 0.0, "scale": 1.0}, {"loc": -2.0, "scale": 0.0},
                             {"loc": np.array([0.0, 1.0, np.nan]),
                              "scale": np.array([1.0, 3.0, 1.0])}],
    "dirichlet": [{"alpha": np.array([1.0, 2.0, 3.0])},
                  {"alpha": np.array([1e-3, 0.5, 1e-200, 40.0])},
                  {"alpha": np.array([[0.1, 0.1], [5.0, np.nan]])}],
    "choice": [{"a": 1000}, {"a": 1}, {"a": 3, "p": np.array([0.2, 0.0, 0.8])},
               {"a": 200_000, "replace": False}],
    # Inversion below λ = 10, PTRS from 10; int32's range holds λ up to ~2.1e9.
    "poisson": [{"lam": 4.0}, {"lam": 0.0}, {"lam": 1e-300}, {"lam": 1e-3}, {"lam": 9.999},
                {"lam": 10.0}, {"lam": 37.5}, {"lam": 1e6}, {"lam": 2e9},
                {"lam": np.array([0.0, 1e-3, 3.0, 9.9, 10.0, 100.0, 1e6])}],
    # Inversion while n·min(p, 1 − p) < 10, BTRS otherwise; p > ½ by symmetry.
    "binomial": [{"n": 40.0, "p": 0.3}, {"n": 0.0, "p": 0.3}, {"n": 10.0, "p": 0.0},
                 {"n": 10.0, "p": 1.0}, {"n": 30.0, "p": 0.7}, {"n": 100.0, "p": 0.9},
                 {"n": 1e9, "p": 1e-9}, {"n": 1e9, "p": 0.5}, {"n": 2e9, "p": 1.0 - 1e-9},
                 {"n": np.array([0.0, 5.0, 50.0, 1000.0, 1e9]),
                  "p": np.array([0.5, 0.01, 0.5, 0.99, 1e-8])}],
    "negative_binomial": [{"n": 2.0, "p": 0.4}, {"n": 0.01, "p": 0.3}, {"n": 1e3, "p": 0.01},
                          {"n": 5.0, "p": 1.0}, {"n": 1e-3, "p": 1e-4},
                          {"n": np.array([0.5, 1.0, 30.0]), "p": np.array([0.9, 0.5, 0.05])}],
    # df > 1: χ²(df − 1) + (Z + √nonc)²; df ≤ 1: the Poisson mixture; nonc = 0: χ²(df).
    "noncentral_chisquare": [{"df": 3.0, "nonc": 2.0}, {"df": 0.5, "nonc": 2.0},
                             {"df": 1.0, "nonc": 0.0}, {"df": 1.0, "nonc": 40.0},
                             {"df": 2.0, "nonc": 1e6}, {"df": 0.3, "nonc": 1e-3},
                             {"df": np.array([0.5, 2.0, 1.0, np.nan, 3.0, np.inf]),
                              "nonc": np.array([1.0, 0.0, np.inf, 1.0, np.nan, 2.0])}],
    "noncentral_f": [{"dfnum": 3.0, "dfden": 20.0, "nonc": 2.0},
                     {"dfnum": 0.5, "dfden": 5.0, "nonc": 30.0},
                     {"dfnum": 2.0, "dfden": 2.0, "nonc": 0.0},
                     {"dfnum": np.array([1.0, np.nan, 4.0]), "dfden": np.array([3.0, 1.0, 1e6]),
                      "nonc": np.array([0.5, 1.0, 100.0])}],
    # Conditional binomials per category (inversion and BTRS), a zero category, array n.
    "multinomial": [{"n": 100.0, "p": np.array([0.2, 0.3, 0.5])},
                    {"n": 1e6, "p": np.array([1e-6, 0.0, 0.7, 0.3])},
                    {"n": np.array([[0.0], [7.0], [5000.0]]), "p": np.array([0.5, 0.25, 0.25])}],
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
DISCRETE: set[str] = {"choice", "poisson", "binomial", "negative_binomial", "multinomial",
                      "geometric", "rademacher", "hypergeometric", "logseries", "zipf",
                      "multivariate_hypergeometric"}
#: Distributions whose output adds an event axis (not elementwise: no Dask chunking of it).
MULTIVARIATE: set[str] = {"dirichlet", "choice", "multinomial", "orthogonal", "ball",
                          "multivariate_hypergeometric"}
#: Distributions whose GPU results equal the CPU's to rounding only (a LAPACK factorisation on
#: the CPU, cuSOLVER's on the GPU): the largest absolute difference allowed, per output dtype.
GPU_TOLERANCE: dict[str, dict[str, float]] = {
    "orthogonal": {"float64": 1e-12, "float32": 1e-6, "float16": 2e-3, "bfloat16": 1.6e-2},
}
