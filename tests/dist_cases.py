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
}

#: Distributions with integer outputs (drawn in INT_DTYPES).
DISCRETE: set[str] = {"choice"}
#: Distributions whose output adds an event axis (not elementwise: no Dask chunking of it).
MULTIVARIATE: set[str] = {"dirichlet", "choice"}
