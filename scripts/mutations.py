"""Mutation check: do the tests catch known, deliberate bugs?

Each mutation changes one constant or expression of keyrand's source in a
scratch copy of the repository (the working tree is never touched), deletes
Numba's on-disk cache there (kernels inline code from other files, so a stale
cache would hide the mutation), runs a chosen fast test selection and records
which tests fail. A mutation counts as caught "without MLX" when a test that
runs in CI without MLX fails (the golden replay of ``tests/data``, the
statistical tests), and "with MLX" when a differential test against live MLX
fails. Every mutation should be caught both ways. A run of the unmutated copy
comes first: its selection must pass, or the table means nothing.

    PYTHONPATH=src python scripts/mutations.py                  # all, markdown table on stdout
    PYTHONPATH=src python scripts/mutations.py --only erfinv    # names containing "erfinv"
    PYTHONPATH=src python scripts/mutations.py --list

Each run compiles the kernels its selection needs from cold, so the selections
are tight (``-k`` filters on a few test files) and the mutations run one after
another.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Test files whose tests run in CI without MLX (the rest need MLX).
WITHOUT_MLX_FILES = ("tests/test_golden.py", "tests/test_stats.py", "tests/test_mathf32.py")


def _f32_hex(value: float) -> str:
    return f"0x{struct.unpack('<I', struct.pack('<f', value))[0]:08X}"


def _f32_of(pattern: int) -> float:
    return struct.unpack("<f", struct.pack("<I", pattern))[0]


#: MLX erfinv's central polynomial, constant term (keyrand/_mathconst.py's ERFINV_CENTRAL).
ERFINV_C0 = 0x3F62DFC4


@dataclass(frozen=True)
class Mutation:
    """One deliberate bug: a literal replacement in one file, and the tests that should see it."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]  # pytest arguments: files and -k filters
    count: int = 1  # occurrences of ``old`` that must be replaced


BITS_TESTS = ("tests/test_golden.py", "tests/test_differential.py", "-k",
              "bits_w4 or split_n or test_bits_against_mlx or test_split")
NORMAL_TESTS = ("tests/test_golden.py", "tests/test_differential.py", "tests/test_stats.py",
                "-k", "normal_float32 or normal-float32 or moments_and_tails and float32 "
                "or normal_ks and float32")
GUMBEL_TESTS = ("tests/test_golden.py", "tests/test_differential.py", "-k",
                "gumbel_float32 or gumbel-float32")
BF16_TESTS = ("tests/test_golden.py", "tests/test_differential.py", "-k",
              "uniform_bfloat16 or uniform-bfloat16")


def _erfinv(name: str, pattern: int) -> Mutation:
    return Mutation(name, "src/keyrand/_mathconst.py", f"0x{ERFINV_C0:08X}", f"0x{pattern:08X}",
                    NORMAL_TESTS)


MUTATIONS = [
    Mutation("threefry rotation 6 -> 7", "src/keyrand/_threefry.py",
             "ROTATIONS = (13, 15, 26, 6,", "ROTATIONS = (13, 15, 26, 7,", BITS_TESTS),
    Mutation("counter layout: halves swapped", "src/keyrand/_threefry.py",
             "        first[t] = x0\n        second[t] = x1",
             "        first[t] = x1\n        second[t] = x0", BITS_TESTS),
    _erfinv("erfinv constant +1 ulp", ERFINV_C0 + 1),
    _erfinv("erfinv constant -1 ulp", ERFINV_C0 - 1),
    _erfinv("erfinv constant x1.001", int(_f32_hex(_f32_of(ERFINV_C0) * 1.001), 16)),
    _erfinv("erfinv constant x1.005", int(_f32_hex(_f32_of(ERFINV_C0) * 1.005), 16)),
    Mutation("logf table: invc[5] x(1+2^-20)", "src/keyrand/_mathconst.py",
             '"0x1.25e227b0b8eap+0"', 'float.hex(float.fromhex("0x1.25e227b0b8eap+0") '
             '* (1 + 2**-20))', GUMBEL_TESTS),
    Mutation("bfloat16 rounding: truncate", "src/keyrand/_narrow.py",
             "_U32(u + 0x7FFF + ((u >> 16) & 1))", "_U32(u)", BF16_TESTS),
]


def _scratch_copy(dest: Path) -> None:
    """The repository's tracked and untracked (not ignored) files, without caches."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           check=True, capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def _clear_numba_cache(root: Path) -> None:
    for cache in root.rglob("__pycache__"):
        shutil.rmtree(cache)


def _run_tests(root: Path, tests: tuple[str, ...], timeout: float) -> tuple[set[str], int, str]:
    """Run pytest in ``root``: (failed test ids, number of tests run, pytest's last line)."""
    report = root / "junit.xml"
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           f"--junitxml={report}", *tests]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                          timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    failed, ran = set(), 0
    if report.exists():
        for case in ET.parse(report).iter("testcase"):
            if case.find("skipped") is not None:
                continue
            ran += 1
            if case.find("failure") is not None or case.find("error") is not None:
                file = case.get("file") or case.get("classname", "").replace(".", "/") + ".py"
                failed.add(f"{file}::{case.get('name')}")
        report.unlink()
    return failed, ran, lines[-1] if lines else proc.stderr.strip()[-200:]


def _split(failed: set[str]) -> tuple[list[str], list[str]]:
    without = sorted(t for t in failed if t.startswith(WITHOUT_MLX_FILES))
    return without, sorted(set(failed) - set(without))


def _short(tests: list[str], limit: int = 3) -> str:
    if not tests:
        return "**not caught**"
    names = [t.split("::", 1)[1] for t in tests]
    more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(f"`{n}`" for n in names[:limit]) + more


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run mutations whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per pytest run")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if args.only in m.name]
    if args.list:
        for m in chosen:
            print(f"{m.name}: {m.path}: {m.old!r} -> {m.new!r}")
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="keyrand-mutations-") as tmp:
        root = Path(tmp)
        _scratch_copy(root)
        selections = sorted({m.tests for m in chosen})
        for tests in selections:
            _clear_numba_cache(root)
            failed, ran, last = _run_tests(root, tests, args.timeout)
            print(f"baseline {' '.join(tests)}: {ran} tests, {last}", file=sys.stderr)
            if failed or not ran:
                print(f"the unmutated selection fails: {sorted(failed)}", file=sys.stderr)
                return 2
        for m in chosen:
            target = root / m.path
            pristine = target.read_text()
            found = pristine.count(m.old)
            if found != m.count:
                print(f"{m.name}: expected {m.count} of {m.old!r} in {m.path}, found {found}",
                      file=sys.stderr)
                return 2
            target.write_text(pristine.replace(m.old, m.new))
            _clear_numba_cache(root)
            t0 = time.monotonic()
            try:
                failed, ran, last = _run_tests(root, m.tests, args.timeout)
            finally:
                target.write_text(pristine)
            without, with_mlx = _split(failed)
            print(f"{m.name}: {ran} tests in {time.monotonic() - t0:.0f} s, {last}",
                  file=sys.stderr)
            rows.append((m, ran, without, with_mlx))
    print("| mutation | tests run | caught without MLX (CI: golden data, statistics) | "
          "of which statistical | caught with MLX (differential) |")
    print("|---|---|---|---|---|")
    for m, ran, without, with_mlx in rows:
        stats = [t for t in without if t.startswith("tests/test_stats.py")]
        print(f"| {m.name} | {ran} | {len(without)}: {_short(without)} | "
              f"{_short(stats) if stats else '-'} | {len(with_mlx)}: {_short(with_mlx)} |")
    missed = [m.name for m, _, without, with_mlx in rows if not without or not with_mlx]
    if missed:
        print(f"\nnot caught both ways: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
