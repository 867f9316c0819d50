"""The keyrand command: 'keyrand demo', 'keyrand sample' and 'keyrand check'.

``keyrand check`` (:mod:`keyrand._check`) runs dieharder, NIST SP 800-22 and
goodness-of-fit, independence and chunking checks on keyrand's streams, and
writes a report with figures.

``keyrand sample`` writes a draw to a ``.npy`` file block by block, in
bounded memory: each block is :func:`keyrand.samplers.sample_range` of the
whole draw, so the file equals ``np.save`` of the one-shot draw byte for byte.
The file is written under a temporary name in the target's folder and renamed
over the target only when complete; an interrupt (SIGINT, SIGTERM) or an error
removes the temporary file and leaves any earlier target untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import math
import os
import secrets
import signal
import sys
import threading
from collections.abc import Iterator, Sequence

import numpy as np
from tqdm import tqdm

import keyrand as kr

from . import samplers

#: Samplers ``keyrand sample`` offers (those whose parameters are plain numbers).
SAMPLERS = samplers.BY_NAME

#: Sampler arguments that have their own option (or none) instead of ``--param``.
_OWN_OPTION = {"shape": "--shape", "key": "--seed", "dtype": "--dtype", "stream": None,
               "out": None}

_DESCRIPTION = """\
keyrand: MLX's mlx.core.random, bit for bit, on NumPy.

  keyrand demo      show keys, splits and draws (and compare them with MLX if installed)
  keyrand sample    write a draw to a .npy file, in bounded memory
  keyrand check     test keyrand's streams (dieharder, NIST SP 800-22, goodness of fit)

Run 'keyrand sample --help' for the samplers and their parameters."""

_SAMPLE_DESCRIPTION = """\
Write the draw keyrand.SAMPLER(shape=SHAPE, key=keyrand.key(SEED), **params) to a
.npy file, byte for byte what np.save of the in-memory draw writes, in blocks of
--block elements, so memory stays bounded whatever the size. The file appears only
when complete: it is written under a temporary name beside the target and renamed
over it at the end; on an error or an interrupt (Ctrl-C, SIGTERM) the temporary file
is removed and an earlier file of that name is left as it was.

exit status: 0 written, 1 not written (error), 2 bad arguments, 130 interrupted"""

_CHECK_DESCRIPTION = """\
Run independent test batteries on keyrand's streams and report every p-value:
dieharder on the raw 32-bit stream (skipped, with how to install it, where dieharder
is missing; WEAK results re-run in resolve mode), NIST SP 800-22, goodness of fit of
every sampler against scipy.stats in every float dtype, independence of split and
fold_in keys, chunk invariance on Dask, and with --stream gpu the GPU against the CPU.
With --report DIR, writes DIR/quality.md and its figures in DIR/quality/.

exit status: 0 every test passed, 1 a test FAILED (or an error), 2 bad arguments or
a part that cannot run here (--stream gpu without a GPU, --report without matplotlib)"""

_BFLOAT16_HINT = "read it back with: np.load({path!r}).view(ml_dtypes.bfloat16)"


class _WriteError(Exception):
    """The output file cannot be written (the message names the path and the reason)."""


class _ArgumentError(Exception):
    """The sampler refused its arguments (the message is the sampler's)."""


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


# ----------------------------------------------------------------------------- arguments

def _parameters(name: str) -> dict[str, inspect.Parameter]:
    """The parameters of sampler ``name`` that ``--param`` sets, from its signature."""
    sig = inspect.signature(getattr(samplers, name))
    return {n: p for n, p in sig.parameters.items() if n not in _OWN_OPTION}


def _sampler_table() -> str:
    """One line per sampler: its --param names with their defaults, and its default dtype."""
    lines = ["samplers and their parameters (--param NAME=VALUE; '=' gives the default):"]
    width = max(len(name) for name in SAMPLERS) + 2
    for name in SAMPLERS:
        params = _parameters(name).values()
        shown = [p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default}"
                 for p in params]
        dtype = inspect.signature(getattr(samplers, name)).parameters.get("dtype")
        if dtype is not None:
            shown.append(f"--dtype {np.dtype(dtype.default).name}")
        lines.append(f"  {name:<{width}}{'  '.join(shown)}")
    lines.append("A parameter without a default is required. Integers are read exactly; "
                 "a parameter\nwhose default is a float (p, laplace's loc and scale) is "
                 "read as a float.")
    return "\n".join(lines)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expects a positive integer, got {value}")
    return value


def _name_value(text: str) -> tuple[str, str]:
    name, eq, value = text.partition("=")
    if not eq or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expects NAME=VALUE (e.g. low=-1), got {text!r}")
    return name.strip(), value.strip()


def _parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    parser = argparse.ArgumentParser(prog="keyrand", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,sample,check}")
    sub.add_parser("demo", help="show keys, splits and reproducible draws (vs MLX if installed)",
                   description="Show keys, splits and draws of every sampler, and compare "
                               "them with MLX when MLX is installed.")
    sample = sub.add_parser("sample", help="write a draw to a .npy file",
                            description=_SAMPLE_DESCRIPTION, epilog=_sampler_table(),
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    sample.add_argument("sampler", choices=SAMPLERS, metavar="SAMPLER",
                        help="one of: " + ", ".join(SAMPLERS))
    sample.add_argument("--shape", type=int, nargs="+", required=True, metavar="N",
                        help="shape of the draw, e.g. --shape 1000 3 (required)")
    sample.add_argument("--seed", type=int, default=0,
                        help="the draw's key is keyrand.key(SEED) (default: %(default)s)")
    sample.add_argument("--dtype", default=None,
                        help="output dtype, e.g. float16, bfloat16, float64, complex64, int16 "
                             "(default: the sampler's, listed below)")
    sample.add_argument("--param", action="append", type=_name_value, default=[],
                        metavar="NAME=VALUE",
                        help="a sampler parameter, repeatable: --param low=-1 --param high=1")
    sample.add_argument("--out", required=True, metavar="PATH",
                        help="file to write; '.npy' is appended unless PATH ends with it "
                             "(as np.save does) (required)")
    sample.add_argument("--block", type=_positive_int, default=1 << 24, metavar="N",
                        help="elements drawn and written at a time: memory is about N "
                             "elements (default: %(default)s)")
    _check_parser(sub)
    return parser, sample


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a positive number, got {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expects a positive number, got {text}")
    return value


def _check_parser(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check", help="test keyrand's streams and write a quality report",
                           description=_CHECK_DESCRIPTION,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("--seed", type=int, default=0,
                       help="seed of every stream tested (default: %(default)s)")
    check.add_argument("--stream", choices=("cpu", "gpu"), default="cpu",
                       help="draw on the CPU or the GPU (default: %(default)s)")
    check.add_argument("--size", type=_positive_int, default=None, metavar="N",
                       help="draws per goodness-of-fit and independence test (default: "
                            "1000000, --quick: 20000)")
    check.add_argument("--quick", action="store_true",
                       help="one parameter set per sampler, a few dieharder tests, a short "
                            "NIST sample: about a minute (CI)")
    check.add_argument("--report", metavar="DIR", default=None,
                       help="write DIR/quality.md and its figures (needs matplotlib)")
    check.add_argument("--dieharder-scale", type=_positive_float, default=1.0, metavar="X",
                       help="multiply the p-samples of dieharder's full battery by X "
                            "(dieharder -m; below 1 is faster but its p-values lean toward 1, "
                            "giving spurious WEAK/FAILED results; default 1)")


def _run_check(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from . import _check, _check_report

    problem = _check.gpu_problem(args.stream)
    if problem is not None:
        print(f"keyrand check: error: {problem}", file=sys.stderr)
        return 2
    if args.report is not None:
        try:
            _check_report.require_matplotlib()
        except ImportError as err:
            print(f"keyrand check: error: {err}", file=sys.stderr)
            return 2
    options = _check.Options(seed=args.seed, stream=args.stream, size=args.size,
                             quick=args.quick, report=args.report,
                             dieharder_scale=args.dieharder_scale,
                             command=_check.command_line(list(argv)))
    sections, status = _check.run(options)
    print(_check.summary(sections))
    print("keyrand check: " + ("FAILED" if status else "passed"))
    return status


def _number(name: str, text: str, param: inspect.Parameter) -> float | int:
    """``text`` as the value of parameter ``param``: int() if it is an integer, else float().

    A parameter whose default is a float (bernoulli's p, laplace's loc and
    scale) is always a float.
    """
    if not isinstance(param.default, float):
        with contextlib.suppress(ValueError):
            return int(text)
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--param {name}: expects a number, got {text!r}") from None


def _sampler_kwargs(args: argparse.Namespace) -> dict[str, object]:
    """The sampler's keyword arguments from ``--param`` and ``--dtype``.

    Raises:
        ValueError: a parameter the sampler does not have (or that has its own
            option), one given twice, or a value that is not a number.
    """
    params = _parameters(args.sampler)
    kwargs: dict[str, object] = {}
    for name, text in args.param:
        if name in _OWN_OPTION:
            own = _OWN_OPTION[name]
            use = f"use {own} instead" if own else "the command draws on the CPU"
            raise ValueError(f"--param {name}: not a parameter here ({use})")
        if name not in params:
            known = ", ".join(params) or "none"
            raise ValueError(f"--param {name}: {args.sampler} has no parameter {name!r} "
                             f"(its parameters: {known})")
        if name in kwargs:
            raise ValueError(f"--param {name}: given twice")
        kwargs[name] = _number(name, text, params[name])
    if args.dtype is not None:
        if "dtype" not in inspect.signature(getattr(samplers, args.sampler)).parameters:
            extra = " (its width parameter sets uint8/16/32)" if args.sampler == "bits" else ""
            raise ValueError(f"--dtype: {args.sampler} takes no dtype{extra}")
        kwargs["dtype"] = args.dtype
    return kwargs


def _target(out: str) -> str:
    """The file written for ``--out out``: NumPy's rule, '.npy' appended unless present.

    Raises:
        _WriteError: ``out`` is a folder, or the file's folder does not exist.
    """
    if os.path.isdir(out) or out.endswith((os.sep, "/")):
        raise _WriteError(f"cannot write {out}: it is a folder; give a file name")
    path = out if out.endswith(".npy") else out + ".npy"
    if os.path.isdir(path):
        raise _WriteError(f"cannot write {path}: it is a folder")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise _WriteError(f"cannot write {path}: no folder {folder}")
    return path


# ----------------------------------------------------------------------------- writing

def _npy_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    """The header ``np.save`` writes for a C-ordered array of ``dtype`` and ``shape``."""
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
              "shape": shape}
    buf = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(buf, header)
    except ValueError:  # a header too long for format 1.0 (thousands of dimensions)
        buf = io.BytesIO()
        np.lib.format.write_array_header_2_0(buf, header)
    return buf.getvalue()


def _write_atomically(path: str, header: bytes, blocks: Iterator[np.ndarray]) -> None:
    """Write ``header`` then ``blocks`` to a temporary file beside ``path``, then rename it.

    The temporary file is removed on any exception (KeyboardInterrupt
    included); ``path`` changes only by the final rename.

    Raises:
        _WriteError: the folder, the disk or the rename refused (the message says why).
    """
    folder, base = os.path.split(path)
    tmp = os.path.join(folder, f".{base}.{secrets.token_hex(6)}.part")
    try:
        with open(tmp, "xb") as fh:
            fh.write(header)
            for block in blocks:
                fh.write(np.ascontiguousarray(block).view(np.uint8).data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise _WriteError(f"cannot write {path}: {err.strerror or err}") from None
        raise


def _blocks(args: argparse.Namespace, kwargs: dict, shape: tuple[int, ...], first: np.ndarray,
            progress: tqdm) -> Iterator[np.ndarray]:
    """The draw's flat elements, ``--block`` at a time (``first`` is the first block)."""
    total = math.prod(shape)
    key = kr.key(args.seed)
    yield first
    progress.update(first.size)
    for start in range(first.size, total, args.block):
        block = samplers.sample_range(args.sampler, shape, key, start,
                                      min(total, start + args.block), **kwargs)
        yield block
        progress.update(block.size)


def _sample(args: argparse.Namespace, kwargs: dict) -> int:
    shape = tuple(args.shape)
    path = _target(args.out)
    total = math.prod(shape)
    # The first block checks every argument (as the sampler does) before a file is touched.
    try:
        first = samplers.sample_range(args.sampler, shape, kr.key(args.seed), 0,
                                      min(total, args.block), **kwargs)
    except (ValueError, TypeError, OverflowError, RuntimeError) as err:
        raise _ArgumentError(str(err)) from None
    dtype = first.dtype
    bar = tqdm(total=total, unit="el", unit_scale=True, desc=os.path.basename(path),
               file=sys.stderr, disable=not sys.stderr.isatty() or total <= args.block)
    with bar:
        _write_atomically(path, _npy_header(dtype, shape),
                          _blocks(args, kwargs, shape, first, bar))
    print(f"wrote {path}: {dtype}{list(shape)}")
    if dtype == kr.bfloat16:
        print(_BFLOAT16_HINT.format(path=path))
    return 0


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into one KeyboardInterrupt, then ignore further ones.

    Ignoring the second signal lets the clean-up run to its end. Signals the
    caller ignores stay ignored; outside the main thread nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = [s for s in (signal.SIGINT, signal.SIGTERM)
               if signal.getsignal(s) is not signal.SIG_IGN]

    def on_signal(signum: int, frame: object) -> None:
        for s in signals:
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``keyrand`` command.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        Process exit status: 0 done, 1 error (nothing written) or a failed
        check, 2 bad arguments, 130 interrupted (nothing written).
    """
    parser, sample = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    try:
        with _interrupts():
            if args.command == "demo":
                return _demo()
            if args.command == "check":
                return _run_check(args, argv)
            try:
                kwargs = _sampler_kwargs(args)
            except ValueError as err:
                sample.error(str(err))
            return _sample(args, kwargs)
    except KeyboardInterrupt:
        print("keyrand: interrupted", file=sys.stderr)
        return 130
    except _ArgumentError as err:
        print(f"keyrand: error: {err}", file=sys.stderr)
        return 2
    except _WriteError as err:
        print(f"keyrand: error: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # any other failure: one line, no traceback, nothing written
        print(f"keyrand: error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
