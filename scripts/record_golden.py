"""Record MLX 0.32.4's answers into ``tests/data/mlx_cpu_0.32.4.npz`` (the golden file).

The golden tests (``tests/test_golden.py``) replay every case against keyrand
without MLX, so a fresh clone checks bit-identity with MLX even where MLX
cannot be installed. This script is the only producer of that file; run it
on Linux x86-64 with ``mlx[cpu]==0.32.4`` (the oracle) installed:

    PYTHONPATH=src python scripts/record_golden.py            # rewrites tests/data/
    PYTHONPATH=src python scripts/record_golden.py --check    # re-records, compares, writes nothing

What is recorded (``tests/data/README.md`` gives the file format):

* every sampler × every dtype MLX accepts × shape classes: scalar ``()``,
  empty, 1, small even, small odd, 2-D, 3-D with a zero axis and an odd size
  above 4096 elements (``(4097,)``, several threefry blocks and an odd word
  count);
* ``bits`` of widths 1, 2 and 4 over the same classes, for single keys and
  for batches of keys;
* error cases: the exception class MLX raises and the global key state
  afterwards (so whether a key was used, and which);
* seeded global sequences mixing every sampler and failing calls.

MLX's Python API has no ``bits``. Width-4 words are recovered exactly from
``mx.random.bernoulli`` with float64 ``p``: MLX draws ``b = bits(shape)``
and returns ``b < p·4294967808.0`` compared in double precision, where every
uint32 is exact. With ``p = (m − ½)/4294967808`` the answer is ``b < m``, so
32 bisection steps per element give ``b`` exactly (``mx.vmap`` over the key
gives the batched-key form, one block per key). Widths 1 and 2 are the first
``size·width`` little-endian bytes of the ``ceil(size·width/4)`` width-4
words, as MLX's ``RandomBits`` primitive lays them out. The helper lives in
``tests/mlx_oracle.py``, shared with the differential tests.
The script checks the bisection against ``mx.random.split`` (whose words are
``bits((num, 2))``) and against a few answers of MLX's C++ ``random::bits``
before it writes anything.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np

try:
    import mlx.core as mx
except ImportError:
    sys.exit("mlx is not importable: install mlx[cpu]==0.32.4 (the oracle) to record")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from mlx_oracle import mlx_bits, mlx_words  # noqa: E402 - the tests' helper, found above

VERSION = "0.32.4"
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / f"mlx_cpu_{VERSION}.npz"

#: Answers of MLX 0.32.4's C++ ``mlx::core::random::bits(shape, width, key(7))``.
CPP_BITS = {
    (1, 7): [0xBF, 0x28, 0xA0, 0x0B, 0xBF, 0x56, 0x20],
    (2, 3): [0x28BF, 0x0BA0, 0x56BF],
    (2, 5): [0x97A9, 0x3998, 0xD948, 0x6D18, 0xBE03],
}

SHAPES = [(), (0,), (1,), (2,), (3,), (7,), (2, 3), (3, 0, 2), (4097,)]
SMALL = [s for s in SHAPES if math.prod(s) < 100]
NARROW = ["float32", "float16", "bfloat16"]
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"]


def mx_dtype(name: str):
    return mx.bool_ if name == "bool" else getattr(mx, name)


class Recorder:
    """Collects cases and arrays in the golden file's layout."""

    def __init__(self) -> None:
        self.cases: list[dict] = []
        self.arrays: dict[str, np.ndarray] = {}
        self._seeds = iter(range(10**6))

    def next_seed(self) -> int:
        """A fresh 64-bit seed per case (spread over the whole range)."""
        return (next(self._seeds) * 0x9E3779B97F4A7C15 + 12345) % 2**64

    # ---------------------------------------------------------------- encoding

    def put_input(self, name: str, a: np.ndarray) -> dict:
        a = np.asarray(a)
        ref = {"array": f"in/{name}"}
        if a.dtype.name == "bfloat16":
            a, ref["bf16"] = a.view(np.uint16), True
        self.arrays[f"in/{name}"] = a
        return ref

    def put_output(self, name: str, a) -> tuple[str, list[int]]:
        a, dtype = to_numpy(a)
        self.arrays[name] = a
        return dtype, list(a.shape)

    def add(self, cid: str, fn: str, kwargs: dict, args: list | None = None,
            tol: dict | None = None) -> None:
        """Run ``mx.random.<fn>`` on the decoded arguments and store its output."""
        args = args or []
        want = mlx_call(fn, args, kwargs, self.arrays)
        dtype, shape = self.put_output(f"out/{cid}", want)
        case = {"id": cid, "fn": fn, "args": args, "kwargs": kwargs, "out_dtype": dtype,
                "out_shape": shape}
        if tol:
            case["tol"] = tol
        self.cases.append(case)

    def add_bits(self, cid: str, shape: tuple[int, ...], width: int, keys: np.ndarray) -> None:
        """A ``bits`` case, recovered from MLX's bernoulli (module docstring)."""
        key = ({"key": keys.tolist()} if keys.shape == (2,)
               else self.put_input(f"{cid}_keys", keys))
        want = mlx_bits(shape, width, keys)
        dtype, out_shape = self.put_output(f"out/{cid}", want)
        self.cases.append({"id": cid, "fn": "bits", "args": [],
                           "kwargs": {"shape": list(shape), "width": width, "key": key},
                           "out_dtype": dtype, "out_shape": out_shape})

    def add_error(self, cid: str, fn: str, kwargs: dict, args: list | None = None) -> None:
        """A failing call after ``seed(s)``: MLX's class and the key state afterwards."""
        args = args or []
        seed = self.next_seed()
        mx.random.seed(seed)
        try:
            mlx_call(fn, args, kwargs, self.arrays)
        except Exception as err:  # noqa: BLE001 - the class is what is recorded
            error = type(err).__name__
        else:
            raise AssertionError(f"{cid}: MLX did not raise")
        after = np.array(mx.random.state[0])
        self.arrays[f"state/{cid}"] = after
        self.cases.append({"id": cid, "fn": fn, "args": args, "kwargs": kwargs, "seed": seed,
                           "error": error, "keys_used": keys_used(seed, after)})

    def add_sequence(self, cid: str, seed: int, steps: list[tuple[str, list, dict]]) -> None:
        """``seed(s)`` then each step without ``key=``: outputs, errors, state after each."""
        mx.random.seed(seed)
        recorded = []
        for i, (fn, args, kwargs) in enumerate(steps):
            step = {"fn": fn, "args": args, "kwargs": kwargs}
            want = None
            try:
                want = mlx_call(fn, args, kwargs, self.arrays)
            except Exception as err:  # noqa: BLE001 - the class is what is recorded
                step["error"] = type(err).__name__
            if want is not None:
                step["out_dtype"], step["out_shape"] = self.put_output(f"out/{cid}/{i}", want)
                if fn == "multivariate_normal":
                    step["tol"] = {"atol": 1e-5, "rtol": 1e-4}
            self.arrays[f"state/{cid}/{i}"] = np.array(mx.random.state[0])
            recorded.append(step)
        self.cases.append({"id": cid, "fn": "__sequence__", "seed": seed, "steps": recorded})


# ---------------------------------------------------------------------------- MLX side

def to_numpy(x) -> tuple[np.ndarray, str]:
    """An MLX result as NumPy (bfloat16 as its uint16 bit patterns) and its dtype name."""
    if isinstance(x, np.ndarray):
        return x, x.dtype.name
    if x.dtype == mx.bfloat16:
        return np.array(x.view(mx.uint16)), "bfloat16"
    a = np.array(x)
    return a, a.dtype.name


def decode_mlx(v, arrays: dict):
    """A JSON-encoded argument as MLX receives it (arrays keep their dtype)."""
    if isinstance(v, dict):
        if "key" in v:
            return mx.array(np.array(v["key"], np.uint32))
        if "array" in v:
            a = arrays[v["array"]]
            if v.get("bf16"):
                return mx.array(a).view(mx.bfloat16)
            return mx.array(a, dtype=mx.float64) if a.dtype == np.float64 else mx.array(a)
        if "float" in v:
            return float(v["float"])
        if "int" in v:
            return int(v["int"])
        if "list" in v:
            return list(v["list"])
        if "tuple" in v:
            return tuple(v["tuple"])
        if "dtype" in v:
            return mx_dtype(v["dtype"])
    return v


def mlx_call(fn: str, args: list, kwargs: dict, arrays: dict):
    args = [decode_mlx(a, arrays) for a in args]
    kwargs = {k: decode_mlx(v, arrays) for k, v in kwargs.items()}
    if isinstance(kwargs.get("shape"), list):
        kwargs["shape"] = tuple(kwargs["shape"])
    if isinstance(kwargs.get("dtype"), str):
        kwargs["dtype"] = mx_dtype(kwargs["dtype"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(mx.random, fn)(*args, **kwargs)
    if isinstance(out, mx.array):
        mx.eval(out)
    return out


def keys_used(seed: int, after: np.ndarray) -> int:
    """How many global keys a call used: ``after`` is the state after n splits of key(seed)."""
    state = mx.random.key(seed)
    for n in range(3):
        if np.array_equal(np.array(state), after):
            return n
        state = mx.random.split(state)[0]
    raise AssertionError("state moved by more than two keys")


def self_check() -> None:
    """The bisection gives MLX's words: split's, single and batched, and the C++ answers."""
    for seed, num in ((0, 1), (7, 3), (2**64 - 1, 2049)):
        k = np.array(mx.random.key(seed))
        want = np.array(mx.random.split(mx.random.key(seed), num)).reshape(-1)
        assert np.array_equal(mlx_words(2 * num, k), want), (seed, num)
    ks = np.array(mx.random.split(mx.random.key(5), 3))
    batched = mlx_words(5, ks)
    for row, k in zip(batched, ks, strict=True):
        assert np.array_equal(row, mlx_words(5, k))
    k7 = np.array(mx.random.key(7))
    for (width, n), want in CPP_BITS.items():
        assert mlx_bits((n,), width, k7).tolist() == want, (width, n)


# ---------------------------------------------------------------------------- the cases

def _tag(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def _key(r: Recorder) -> dict:
    return {"key": np.array(mx.random.key(r.next_seed())).tolist()}


def record_keys(r: Recorder) -> None:
    for s in (0, 1, 7, 2**32 - 1, 2**32, 2**40 + 12345, 2**63, 2**64 - 1):
        r.add(f"key_{s}", "key", {}, args=[{"int": str(s)}])
    for num in (0, 1, 2, 3, 7, 1025):
        r.add(f"split_n{num}", "split", {"key": _key(r), "num": num})
    r.add("split_default", "split", {"key": _key(r)})


def record_bits(r: Recorder) -> None:
    for width in (1, 2, 4):
        for shape in SHAPES + [(5,)] + ([(4099,)] if width < 4 else []):
            k = np.array(mx.random.key(r.next_seed()))
            r.add_bits(f"bits_w{width}_{_tag(shape)}", shape, width, k)
        for batch, shapes in (((3,), SMALL), ((2,), [(4097,)]), ((2, 2), [(3,), (5,)])):
            for shape in shapes:
                ks = np.array(mx.random.split(mx.random.key(r.next_seed()), math.prod(batch)))
                r.add_bits(f"bits_w{width}_keys{_tag(batch)}_{_tag(shape)}", shape, width,
                           ks.reshape(batch + (2,)))


def record_elementwise(r: Recorder) -> None:
    for shape in SHAPES:
        t, s = _tag(shape), list(shape)
        for d in NARROW:
            r.add(f"uniform_{d}_{t}", "uniform", {"shape": s, "dtype": d, "key": _key(r)})
            r.add(f"truncated_normal_{d}_{t}", "truncated_normal",
                  {"lower": -1.5, "upper": 2.0, "shape": s, "dtype": d, "key": _key(r)})
            r.add(f"gumbel_{d}_{t}", "gumbel", {"shape": s, "dtype": d, "key": _key(r)})
        for d in NARROW + ["float64", "complex64"]:
            r.add(f"normal_{d}_{t}", "normal", {"shape": s, "dtype": d, "key": _key(r)})
        for d in NARROW + ["float64"]:
            r.add(f"laplace_{d}_{t}", "laplace", {"shape": s, "dtype": d, "key": _key(r)})
        r.add(f"bernoulli_python_{t}", "bernoulli", {"p": 0.3, "shape": s, "key": _key(r)})
        for d in ("float32", "float16", "bfloat16", "float64"):
            p = r.put_input(f"p_{d}", np.array(0.7, np.float32).astype(_np_dtype(d)))
            r.add(f"bernoulli_p{d}_{t}", "bernoulli", {"p": p, "shape": s, "key": _key(r)})
        for d in INTS:
            r.add(f"randint_{d}_{t}", "randint",
                  {"low": -100, "high": 1000, "shape": s, "dtype": d, "key": _key(r)})
        if shape:
            r.add(f"permutation_int_{t}", "permutation", {"x": math.prod(shape), "key": _key(r)})
            x = np.arange(math.prod(shape), dtype=np.int32).reshape(shape)
            r.add(f"permutation_array_{t}", "permutation",
                  {"x": r.put_input(f"perm_{t}", x), "axis": -1, "key": _key(r)})
            logits = r.put_input("logits5", np.array([0.5, -1.0, 2.0, -np.inf, 0.0], np.float32))
            r.add(f"categorical_icdf_{t}", "categorical",
                  {"logits": logits, "shape": s, "key": _key(r)})
            if 0 < math.prod(shape) < 100:
                lg = np.linspace(-2, 2, math.prod(shape) * 3, dtype=np.float32)
                r.add(f"categorical_gumbel_{t}", "categorical",
                      {"logits": r.put_input(f"logits_{t}", lg.reshape(shape + (3,))),
                       "key": _key(r)})


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def record_parameters(r: Recorder) -> None:
    """Array-valued and special parameters, broadcasting and positional calls."""
    for shape in SMALL:
        t, s = _tag(shape), list(shape)
        for d in NARROW:
            r.add(f"uniform_{d}_bounds_{t}", "uniform",
                  {"low": -2.5, "high": 3.0, "shape": s, "dtype": d, "key": _key(r)})
        r.add(f"randint_wide_{t}", "randint",
              {"low": -(2**31), "high": 2**31 - 1, "shape": s, "key": _key(r)})
    lo = r.put_input("u_lo", np.array([[-1.0], [0.5], [2.0]], np.float32))
    hi = r.put_input("u_hi", np.array([1.0, 2.0, 3.0, np.inf], np.float32))
    r.add("uniform_broadcast_arrays", "uniform", {"low": lo, "high": hi, "shape": [3, 4],
                                                  "key": _key(r)})
    r.add("uniform_positional", "uniform", {"key": _key(r)}, args=[0.5, 1.5, {"tuple": [3]}])
    r.add("uniform_inverted", "uniform", {"low": 3, "high": -2, "shape": [9], "key": _key(r)})
    lo64 = r.put_input("u_lo64", np.array([1 + 2.0**-11 + 2.0**-30, -0.0], np.float64))
    for d in NARROW:
        r.add(f"uniform_{d}_float64_bounds", "uniform",
              {"low": lo64, "high": 2.0, "shape": [2], "dtype": d, "key": _key(r)})
    loc = r.put_input("n_loc", np.array([0.0, -1.5, 3.0], np.float32))
    scale = r.put_input("n_scale", np.array([[1.0], [0.25]], np.float32))
    for d in NARROW + ["float64"]:
        r.add(f"normal_{d}_loc_scale_arrays", "normal",
              {"shape": [2, 3], "dtype": d, "loc": loc, "scale": scale, "key": _key(r)})
        r.add(f"laplace_{d}_loc_scale", "laplace",
              {"shape": [7], "dtype": d, "loc": 2.0, "scale": 0.5, "key": _key(r)})
    r.add("normal_loc_enlarges", "normal",
          {"shape": [3, 4], "loc": r.put_input("n_loc3", np.arange(6, dtype=np.float32)
                                               .reshape(2, 3, 1)), "key": _key(r)})
    r.add("normal_complex64_loc_scale", "normal",
          {"shape": [4], "dtype": "complex64", "loc": 1.0, "scale": 2.0, "key": _key(r)})
    for lower, upper in ((-np.inf, np.inf), (2.0, -1.0), (5.0, 6.0), (-0.5, np.inf)):
        enc = [{"float": str(v)} if math.isinf(v) else v for v in (lower, upper)]
        r.add(f"truncated_normal_{lower}_{upper}", "truncated_normal",
              {"lower": enc[0], "upper": enc[1], "shape": [257], "key": _key(r)})
    t_lo = r.put_input("t_lo", np.array([-1.0, 0.0, 1.0], np.float32))
    t_hi = r.put_input("t_hi", np.array([0.5, 2.0, 1.5], np.float32))
    r.add("truncated_normal_shape_none", "truncated_normal",
          {"lower": t_lo, "upper": t_hi, "key": _key(r)})
    ps = np.array([0.0, 1e-10, 0.25, 0.5, 1 - 2.0**-25, 1.0, 1.5, -0.5, np.nan], np.float32)
    r.add("bernoulli_p_array", "bernoulli", {"p": r.put_input("b_p", ps), "key": _key(r)})
    r.add("bernoulli_p_broadcast", "bernoulli",
          {"p": r.put_input("b_p2", np.array([0.2, 0.9], np.float32)), "shape": [4, 2],
           "key": _key(r)})
    r.add("bernoulli_default", "bernoulli", {"key": _key(r)})
    r_lo = r.put_input("r_lo", np.array([-5, 10], np.int32))
    r_hi = r.put_input("r_hi", np.array([[5, 20], [0, 11]], np.int32))
    r.add("randint_arrays", "randint", {"low": r_lo, "high": r_hi, "shape": [2, 2],
                                        "key": _key(r)})
    for bounds in ((-(2**33), 2**34), (0, 2**40), (3e9, -3e9)):
        for d in ("uint32", "int64", "int32"):
            r.add(f"randint_{d}_{bounds[0]}_{bounds[1]}", "randint",
                  {"low": bounds[0], "high": bounds[1], "shape": [9], "dtype": d,
                   "key": _key(r)})
    c2 = r.put_input("c_lg2", np.array([[0.1, 1.0, -0.5], [2.0, -3.0, 0.0]], np.float32))
    r.add("categorical_axis0", "categorical", {"logits": c2, "axis": 0, "key": _key(r)})
    r.add("categorical_num_samples", "categorical",
          {"logits": c2, "num_samples": 5, "key": _key(r)})
    r.add("categorical_2d_shape", "categorical", {"logits": c2, "shape": [4, 2], "key": _key(r)})
    c1 = r.put_input("c_lg1", np.array([0.0, 1.0, -2.0, 3.0], np.float32))
    r.add("categorical_1d_scalar", "categorical", {"logits": c1, "key": _key(r)})
    r.add("categorical_1d_num_samples", "categorical",
          {"logits": c1, "num_samples": 12, "key": _key(r)})
    for d in ("float16", "bfloat16", "int32"):
        r.add(f"categorical_{d}_logits", "categorical",
              {"logits": r.put_input(f"c_lg_{d}", np.array([0, 1, -2, 3]).astype(_np_dtype(d))),
               "shape": [33], "key": _key(r)})
    x = r.put_input("p_x2", np.arange(12, dtype=np.float32).reshape(3, 4))
    r.add("permutation_2d_axis1", "permutation", {"x": x, "axis": 1, "key": _key(r)})
    r.add("permutation_2d_axis0", "permutation", {"x": x, "key": _key(r)})
    r.add("permutation_bool", "permutation", {"x": True, "key": _key(r)})
    mean = r.put_input("m_mean", np.array([1.0, -2.0], np.float32))
    cov = r.put_input("m_cov", np.array([[2.0, 0.3], [0.3, 0.5]], np.float32))
    r.add("multivariate_normal", "multivariate_normal",
          {"mean": mean, "cov": cov, "shape": [5], "key": _key(r)},
          tol={"atol": 1e-5, "rtol": 1e-4})


def record_errors(r: Recorder) -> None:
    f3 = r.put_input("e_f3", np.zeros(3, np.float32))
    bad_int_key = r.put_input("e_key_int32", np.array([0, 1], np.int32))
    bad_shape_key = r.put_input("e_key_3", np.array([0, 1, 2], np.uint32))
    cases = [
        ("uniform_int_dtype", "uniform", {"dtype": "int32"}),
        ("uniform_float64", "uniform", {"dtype": "float64"}),
        ("uniform_negative_shape", "uniform", {"shape": [2, -1]}),
        ("uniform_shape_int", "uniform", {"shape": 2}),
        ("uniform_low_list", "uniform", {"low": {"list": [0.0]}, "high": 1.0}),
        ("uniform_low_str", "uniform", {"low": "a", "high": 1.0}),
        ("uniform_low_none", "uniform", {"low": None}),
        ("uniform_bounds_too_big", "uniform", {"low": f3, "shape": [1]}),
        ("uniform_bounds_not_broadcast", "uniform", {"low": f3, "shape": [2]}),
        ("uniform_key_int32", "uniform", {"key": bad_int_key}),
        ("uniform_key_shape3", "uniform", {"key": bad_shape_key}),
        ("normal_int_dtype", "normal", {"dtype": "int32"}),
        ("normal_negative_shape", "normal", {"shape": [-1]}),
        ("normal_bad_broadcast", "normal", {"shape": [2], "loc": f3}),
        ("truncated_normal_int_dtype", "truncated_normal",
         {"lower": 0.0, "upper": 1.0, "dtype": "int32"}),
        ("truncated_normal_float64", "truncated_normal",
         {"lower": 0.0, "upper": 1.0, "dtype": "float64"}),
        ("truncated_normal_tuple", "truncated_normal", {"lower": {"tuple": [0.0]}, "upper": 1.0}),
        ("truncated_normal_bad_broadcast", "truncated_normal",
         {"lower": f3, "upper": 1.0, "shape": [2]}),
        ("gumbel_int_dtype", "gumbel", {"dtype": "int32"}),
        ("gumbel_float64_negative", "gumbel", {"shape": [-1], "dtype": "float64"}),
        ("laplace_int_dtype", "laplace", {"dtype": "int32"}),
        ("laplace_loc_str", "laplace", {"loc": "a"}),
        ("bernoulli_int_p", "bernoulli", {"p": 1}),
        ("bernoulli_list_p", "bernoulli", {"p": {"list": [0.5]}}),
        ("bernoulli_p_too_big", "bernoulli", {"p": f3, "shape": [1]}),
        ("randint_float_dtype", "randint", {"low": 0, "high": 5, "dtype": "float32"}),
        ("randint_2_63", "randint", {"low": 0, "high": {"int": str(2**63)}}),
        ("categorical_shape_and_num_samples", "categorical",
         {"logits": f3, "shape": [2], "num_samples": 2}),
        ("categorical_bad_axis", "categorical", {"logits": f3, "axis": 3}),
        ("categorical_axis_float", "categorical", {"logits": f3, "axis": 0.5}),
        ("categorical_zero_classes", "categorical",
         {"logits": r.put_input("e_empty", np.zeros((3, 0), np.float32))}),
        ("categorical_shape_too_small", "categorical",
         {"logits": r.put_input("e_lg23", np.zeros((2, 3), np.float32)), "shape": [3]}),
        ("permutation_negative", "permutation", {"x": -1}),
        ("permutation_0d", "permutation", {"x": r.put_input("e_0d", np.float32(1.0))}),
        ("permutation_bad_axis", "permutation", {"x": f3, "axis": 1}),
        ("permutation_axis_float", "permutation", {"x": f3, "axis": 0.5}),
        ("multivariate_normal_0d_mean", "multivariate_normal",
         {"mean": r.put_input("e_mean0", np.float32(0.0)),
          "cov": r.put_input("e_eye2", np.eye(2, dtype=np.float32))}),
        ("multivariate_normal_cov_mismatch", "multivariate_normal",
         {"mean": f3, "cov": r.put_input("e_eye4", np.eye(4, dtype=np.float32))}),
        ("split_negative", "split", {"key": {"key": [0, 1]}, "num": -1}),
        ("split_key_int32", "split", {"key": bad_int_key}),
        ("key_negative", "key", {}, [-1]),
        ("key_too_big", "key", {}, [{"int": str(2**64)}]),
        ("seed_negative", "seed", {}, [-1]),
    ]
    for cid, fn, kwargs, *args in cases:
        r.add_error(f"error_{cid}", fn, kwargs, args[0] if args else None)


def record_sequences(r: Recorder) -> None:
    lg = r.put_input("s_lg", np.array([[0.0, 1.0], [2.0, -1.0]], np.float32))
    z3 = r.put_input("s_z3", np.zeros(3, np.float32))
    eye = r.put_input("s_eye", np.eye(3, dtype=np.float32))
    every = [
        ("uniform", [], {"shape": [3]}),
        ("normal", [], {"shape": [2]}),
        ("randint", [0, 100], {"shape": [4]}),
        ("gumbel", [], {}),
        ("uniform", [], {"dtype": "int32"}),
        ("laplace", [], {"shape": [5], "dtype": "float64"}),
        ("bernoulli", [], {"shape": [7]}),
        ("uniform", [], {"shape": 2}),
        ("truncated_normal", [-1.0, 2.0], {"shape": [4]}),
        ("categorical", [lg], {}),
        ("categorical", [z3], {"num_samples": 4}),
        ("permutation", [9], {}),
        ("normal", [], {"shape": [2, -1]}),
        ("multivariate_normal", [z3, eye], {"shape": [2]}),
        ("split", [{"key": [0, 1]}], {}),
        ("normal", [], {"shape": [3], "dtype": "complex64"}),
        ("randint", [0, {"int": str(2**63)}], {}),
        ("uniform", [], {"shape": [257]}),
    ]
    r.add_sequence("sequence_every_sampler", 3, every)
    r.add_sequence("sequence_seed0", 0, [("bernoulli", [], {"shape": [5]}), ("uniform", [], {})])
    r.add_sequence("sequence_seed_max", 2**64 - 1,
                   [("normal", [], {"shape": [3], "dtype": d}) for d in NARROW]
                   + [("seed", [11], {}), ("uniform", [], {"shape": [2]})])


def record() -> dict[str, np.ndarray]:
    r = Recorder()
    record_keys(r)
    record_bits(r)
    record_elementwise(r)
    record_parameters(r)
    record_errors(r)
    record_sequences(r)
    ids = [c["id"] for c in r.cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    meta = {"producer": f"mlx {mx.__version__} CPU", "script": "scripts/record_golden.py",
            "n_cases": len(r.cases)}
    return {"cases": np.array(json.dumps(r.cases)), "meta": np.array(json.dumps(meta)),
            **r.arrays}


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="re-record and compare with the committed file; write nothing")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    args = parser.parse_args()
    if mx.__version__ != VERSION:
        sys.exit(f"MLX {VERSION} is the oracle; this is MLX {mx.__version__}")
    self_check()
    entries = record()
    if args.check:
        with np.load(args.out, allow_pickle=False) as old:
            same = sorted(old.files) == sorted(entries) and all(
                _same(old[k], entries[k]) for k in old.files if k != "meta")
        print("the committed golden file matches MLX" if same else "golden file differs")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **entries)
    n = len(json.loads(str(entries["cases"])))
    print(f"wrote {args.out}: {n} cases, {args.out.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
