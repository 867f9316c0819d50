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
}

#: Distributions with integer outputs (drawn in INT_DTYPES).
DISCRETE: set[str] = set()
#: Distributions whose output adds an event axis (not elementwise: no Dask chunking of it).
MULTIVARIATE: set[str] = set()
