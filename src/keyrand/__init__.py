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
    beta,
    bits,
    categorical,
    chisquare,
    choice,
    dirichlet,
    double_sided_maxwell,
    exponential,
    f,
    gamma,
    generalized_normal,
    gumbel,
    integers,
    laplace,
    loggamma,
    maxwell,
    multivariate_normal,
    normal,
    permutation,
    permuted,
    randint,
    split,
    t,
    truncated_normal,
    uniform,
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
    "beta",
    "bfloat16",
    "bit_generator",
    "bits",
    "categorical",
    "check_key_reuse",
    "chisquare",
    "choice",
    "cpu",
    "default_device",
    "default_stream",
    "dirichlet",
    "double_sided_maxwell",
    "exponential",
    "f",
    "fold_in",
    "gamma",
    "generalized_normal",
    "gpu",
    "gumbel",
    "integers",
    "key",
    "laplace",
    "loggamma",
    "maxwell",
    "multivariate_normal",
    "new_stream",
    "normal",
    "permutation",
    "permuted",
    "randint",
    "seed",
    "set_default_device",
    "split",
    "state",
    "stream",
    "t",
    "truncated_normal",
    "uniform",
]
