"""The ``keyrand`` command: ``keyrand demo`` and ``keyrand sample``."""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence

import numpy as np

import keyrand as kr

from . import samplers

#: Samplers ``keyrand sample`` offers (those whose parameters are plain numbers).
SAMPLERS = ("bits", "uniform", "normal", "truncated_normal", "gumbel", "laplace", "bernoulli",
            "randint")


def _demo() -> int:
    k = kr.key(0)
    print("keyrand", kr.__version__, "— MLX's mlx.core.random, bit for bit, on NumPy\n")
    print("key(0)            =", k)
    sub = kr.split(k, 3)
    print("split(key(0), 3)  =", sub.tolist())
    draws = {
        "uniform": kr.uniform(shape=(4,), key=k),
        "normal": kr.normal(shape=(4,), key=k),
        "gumbel": kr.gumbel(shape=(4,), key=k),
        "laplace": kr.laplace(shape=(4,), key=k),
        "truncated_normal": kr.truncated_normal(-1.0, 1.0, shape=(4,), key=k),
        "bernoulli": kr.bernoulli(0.3, (8,), key=k),
        "randint": kr.randint(0, 10, (8,), key=k),
        "categorical": kr.categorical(np.log(np.array([0.1, 0.2, 0.7], np.float32)),
                                      num_samples=8, key=k),
        "permutation": kr.permutation(8, key=k),
    }
    for name, value in draws.items():
        print(f"{name + '(key=key(0))':<30}", np.array2string(value, precision=6))
    again = kr.uniform(shape=(4,), key=k)
    print("\nsame key, same numbers:", bool(np.array_equal(again, draws["uniform"])))
    kr.seed(42)
    a = kr.normal(shape=(3,))
    kr.seed(42)
    b = kr.normal(shape=(3,))
    print("seed(42) replays the global sequence:", bool(np.array_equal(a, b)))
    try:
        import mlx.core as mx
    except ImportError:
        print("\nMLX is not installed here; `pip install \"mlx[cpu]==0.32.4\"` to compare.")
        return 0
    mk = mx.array(k)
    checks = {
        "uniform": np.array(mx.random.uniform(shape=(4,), key=mk)),
        "normal": np.array(mx.random.normal(shape=(4,), key=mk)),
        "gumbel": np.array(mx.random.gumbel(shape=(4,), key=mk)),
        "laplace": np.array(mx.random.laplace(shape=(4,), key=mk)),
        "randint": np.array(mx.random.randint(0, 10, (8,), key=mk)),
        "permutation": np.array(mx.random.permutation(8, key=mk)),
    }
    same = {name: np.array_equal(draws[name].view(np.uint8), want.view(np.uint8))
            for name, want in checks.items()}
    print(f"\nMLX {mx.__version__} installed: bit-identical on",
          ", ".join(f"{n}={'yes' if s else 'NO'}" for n, s in same.items()))
    return 0 if all(same.values()) else 1


def _parse_value(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text else value


def _sample(args: argparse.Namespace) -> int:
    shape = tuple(args.shape)
    key = kr.key(args.seed)
    kwargs: dict[str, object] = {}
    if args.dtype is not None:
        kwargs["dtype"] = args.dtype
    for item in args.param or []:
        name, _, text = item.partition("=")
        kwargs[name] = _parse_value(text)
    total = math.prod(shape)
    block = max(1, args.block)
    if total <= block:
        result = samplers.sample(args.sampler, shape, key, **kwargs)
        np.save(args.out, result)
        print(f"wrote {args.out}: {result.dtype}{list(result.shape)}")
        return 0
    plan = samplers.plan(args.sampler, shape, key, **kwargs)
    out = np.lib.format.open_memmap(args.out, mode="w+", dtype=plan.dtype, shape=shape)
    flat = out.reshape(-1)
    start_time = time.monotonic()
    shown = -1
    for start in range(0, total, block):
        stop = min(total, start + block)
        flat[start:stop] = plan.block(start, stop)
        percent = 100 * stop // total
        if percent != shown:
            _progress(stop, total, start_time)
            shown = percent
    out.flush()
    del out
    sys.stderr.write("\n")
    print(f"wrote {args.out}: {plan.dtype}{list(shape)} in blocks of {block}")
    return 0


def _progress(done: int, total: int, start: float) -> None:
    width = 30
    filled = width * done // total
    rate = done / max(time.monotonic() - start, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                     f"({rate / 1e6:.1f} M/s)")
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``keyrand`` command.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        Process exit status.
    """
    parser = argparse.ArgumentParser(prog="keyrand", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="show keys, splits and reproducible draws (vs MLX if installed)")
    sample = sub.add_parser("sample", help="draw samples into a .npy file")
    sample.add_argument("sampler", choices=SAMPLERS)
    sample.add_argument("--shape", type=int, nargs="+", required=True)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--dtype", default=None)
    sample.add_argument("--param", action="append", metavar="NAME=VALUE",
                        help="sampler parameter, e.g. --param low=-1 --param high=1")
    sample.add_argument("--out", required=True)
    sample.add_argument("--block", type=int, default=1 << 24,
                        help="elements per block for large outputs (bounded memory)")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return _demo()
        return _sample(args)
    except (ValueError, TypeError, OverflowError, RuntimeError) as err:
        print(f"keyrand: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
