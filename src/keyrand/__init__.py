"""keyrand: MLX's ``mlx.core.random``, bit for bit, on NumPy (and CuPy, Dask).

Every number is a pure function of a key, the size of the draw and the
element's index: threefry2x32-20 in MLX's counter layout, mapped by MLX's
float32 arithmetic. The same key gives the same numbers as MLX 0.32.4's CPU
backend, on any machine.
"""

from ._bitgen import KeyrandBitGenerator, bit_generator
from ._devices import (
    Device,
    DeviceType,
    Stream,
    cpu,
    default_device,
    default_stream,
    gpu,
    new_stream,
    set_default_device,
    stream,
)
from ._dtypes import bfloat16
from ._keys import fold_in, key, seed, state
from ._reuse import KeyReuseError, KeyReuseWarning, check_key_reuse
from .samplers import (
    ball,
    bernoulli,
    bits,
    categorical,
    cauchy,
    exponential,
    gamma,
    gumbel,
    integers,
    laplace,
    logistic,
    lognormal,
    multivariate_normal,
    normal,
    orthogonal,
    pareto,
    permutation,
    power,
    randint,
    rayleigh,
    split,
    triangular,
    truncated_normal,
    uniform,
    vonmises,
    wald,
    weibull_min,
)

__version__ = "0.1.0"

__all__ = [
    "Device",
    "DeviceType",
    "KeyReuseError",
    "KeyReuseWarning",
    "KeyrandBitGenerator",
    "Stream",
    "ball",
    "bernoulli",
    "bfloat16",
    "bit_generator",
    "bits",
    "categorical",
    "cauchy",
    "check_key_reuse",
    "cpu",
    "default_device",
    "default_stream",
    "exponential",
    "fold_in",
    "gamma",
    "gpu",
    "gumbel",
    "integers",
    "key",
    "laplace",
    "logistic",
    "lognormal",
    "multivariate_normal",
    "new_stream",
    "normal",
    "orthogonal",
    "pareto",
    "permutation",
    "power",
    "randint",
    "rayleigh",
    "seed",
    "set_default_device",
    "split",
    "state",
    "stream",
    "triangular",
    "truncated_normal",
    "uniform",
    "vonmises",
    "wald",
    "weibull_min",
]
