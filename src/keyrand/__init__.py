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
    bernoulli,
    bits,
    categorical,
    exponential,
    gamma,
    geometric,
    gumbel,
    hypergeometric,
    integers,
    laplace,
    logseries,
    multivariate_hypergeometric,
    multivariate_normal,
    normal,
    permutation,
    rademacher,
    randint,
    split,
    truncated_normal,
    uniform,
    zipf,
)

__version__ = "0.1.0"

__all__ = [
    "Device",
    "DeviceType",
    "KeyReuseError",
    "KeyReuseWarning",
    "KeyrandBitGenerator",
    "Stream",
    "bernoulli",
    "bfloat16",
    "bit_generator",
    "bits",
    "categorical",
    "check_key_reuse",
    "cpu",
    "default_device",
    "default_stream",
    "exponential",
    "fold_in",
    "gamma",
    "geometric",
    "gpu",
    "gumbel",
    "hypergeometric",
    "integers",
    "key",
    "laplace",
    "logseries",
    "multivariate_hypergeometric",
    "multivariate_normal",
    "new_stream",
    "normal",
    "permutation",
    "rademacher",
    "randint",
    "seed",
    "set_default_device",
    "split",
    "state",
    "stream",
    "truncated_normal",
    "uniform",
    "zipf",
]
