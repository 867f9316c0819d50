"""dieharder on keyrand's raw stream: run it, parse its table, resolve its WEAK results.

dieharder reads the stream of :mod:`keyrand._check_stream` as raw 32-bit words
on its standard input (``-g 200``, ``stdin_input_raw``), fed block by block by
a thread. Its verdict for a p-value ``p`` is FAILED when ``p < 1e-6`` or
``p > 1 − 1e-6``, WEAK when ``p < 0.005`` or ``p > 0.995``, PASSED otherwise.
Every WEAK test is run again alone, with its p-samples (at least 100), in dieharder's resolve
mode (``-Y 1``: more p-samples until the result is PASSED or FAILED) on a
fresh region of the stream, and the row records how it ended.

Each run reads its own region of the stream: run ``r`` starts at block
``r · REGION_BLOCKS`` (2^44 words apart, far more than any dieharder test
reads), so no word is read by two runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import _check_stream
from ._check_results import FAILED, PASSED, WEAK, Row, Section

#: Blocks between the starts of two runs' regions of the stream.
REGION_BLOCKS = 1 << 24

#: Fewest p-samples of a re-run: with fewer, dieharder's final Kolmogorov–Smirnov p-value
#: (an asymptotic formula) leans toward 1 and turns up spurious WEAK and FAILED results.
MIN_PSAMPLES = 100

#: How to get dieharder where it is missing.
INSTALL_HINT = ("dieharder is not installed, so its battery is skipped. Install it with "
                "`sudo apt-get install dieharder` (Debian, Ubuntu), `sudo dnf install dieharder` "
                "(Fedora) or `brew install dieharder` (macOS), then run keyrand check again.")

#: The tests of ``--quick``: (test name, ntup or None, p-samples).
QUICK_TESTS: tuple[tuple[str, int | None, int], ...] = (
    ("diehard_birthdays", None, 30),
    ("sts_monobit", None, 30),
    ("sts_runs", None, 30),
    ("rgb_lagged_sum", 3, 30),
    ("dab_bytedistrib", None, 30),
)

_LINE = re.compile(r"^\s*(?P<name>[A-Za-z0-9_]+)\|\s*(?P<ntup>\d+)\|\s*(?P<tsamples>\d+)\|"
                   r"\s*(?P<psamples>\d+)\|\s*(?P<p>[0-9.eE+-]+)\|\s*(?P<verdict>[A-Z]+)\s*$")
_VERSION = re.compile(r"dieharder version (\S+)")


@dataclass(frozen=True)
class Result:
    """One line of dieharder's result table.

    Attributes:
        name: The test's name.
        ntup: Its ntuple (the test's size parameter; 0 where it has none).
        tsamples: Samples per p-value.
        psamples: p-values combined into this one.
        pvalue: The test's final p-value.
        verdict: PASSED, WEAK or FAILED.
    """

    name: str
    ntup: int
    tsamples: int
    psamples: int
    pvalue: float
    verdict: str


def parse(text: str) -> list[Result]:
    """The result lines of dieharder's output, in order (headers and comments skipped).

    Args:
        text: dieharder's standard output.

    Returns:
        One :class:`Result` per table line.
    """
    out = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            out.append(Result(m["name"], int(m["ntup"]), int(m["tsamples"]),
                              int(m["psamples"]), float(m["p"]), m["verdict"]))
    return out


def version(text: str) -> str:
    """The version that dieharder's output header names, or ``"unknown"``."""
    m = _VERSION.search(text)
    return m[1] if m else "unknown"


def final_results(first: Sequence[Result], rerun: Sequence[Result], result: Result
                  ) -> Result | None:
    """The line a resolve-mode re-run ends with for ``result`` (a line of ``first``).

    A test prints a group of lines per ntuple (sts_serial two, most one);
    resolve mode prints the group again after each round of more p-samples,
    so the line for ``result`` is its place in the last group of the re-run.

    Args:
        first: The lines of the run where ``result`` was WEAK.
        rerun: The lines of its re-run in resolve mode.
        result: The WEAK line.

    Returns:
        The matching line of the re-run's last round, or None if the re-run
        did not print that test.
    """
    same = [r for r in first if (r.name, r.ntup) == (result.name, result.ntup)]
    place = next(i for i, r in enumerate(same) if r is result)
    again = [r for r in rerun if (r.name, r.ntup) == (result.name, result.ntup)]
    if len(again) < len(same):
        return None
    return again[len(again) - len(same) + place]


def _feed(pipe, seed: int, start: int, stream: object) -> None:
    """Write the stream from block ``start`` to ``pipe`` until dieharder closes it."""
    try:
        for words in _check_stream.blocks(seed, start, stream):
            pipe.write(words.tobytes())
    except (BrokenPipeError, ValueError, OSError):
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


def run(args: Sequence[str], seed: int, region: int, stream: object = None,
        on_line: Callable[[Result], None] | None = None) -> tuple[str, list[Result]]:
    """Run ``dieharder -g 200 ARGS`` on region ``region`` of the stream of ``seed``.

    Args:
        args: dieharder's other arguments (``["-a"]``, ``["-d", "sts_runs"]``, ...).
        seed: The stream's seed.
        region: Which region of the stream to read (see the module's docstring).
        stream: Where the stream's words are drawn (``keyrand.gpu`` or None).
        on_line: Called with each result line as dieharder prints it.

    Returns:
        dieharder's whole output and its result lines.

    Raises:
        RuntimeError: dieharder exited with an error before printing a result.
    """
    proc = subprocess.Popen(["dieharder", "-g", "200", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=False)
    feeder = threading.Thread(target=_feed, args=(proc.stdin, seed, region * REGION_BLOCKS,
                                                  stream), daemon=True)
    feeder.start()
    lines: list[str] = []
    results: list[Result] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace")
        lines.append(line)
        parsed = parse(line)
        if parsed:
            results.extend(parsed)
            if on_line is not None:
                on_line(parsed[0])
    code = proc.wait()
    feeder.join()
    text = "".join(lines)
    if code != 0 and not results:
        raise RuntimeError(f"dieharder {' '.join(args)} exited with status {code}: "
                           f"{text.strip()[-500:]}")
    return text, results


def _row(result: Result, detail: str, verdict: str | None = None) -> Row:
    return Row(result.name, f"ntup={result.ntup}, psamples={result.psamples}",
               (result.pvalue,), verdict or result.verdict, detail)


def battery(seed: int, quick: bool, stream: object = None,
            progress: Callable[[str], None] | None = None,
            scale: float = 1.0) -> tuple[Section, str]:
    """Run dieharder (its whole battery, or :data:`QUICK_TESTS`) and resolve each WEAK.

    Args:
        seed: The stream's seed.
        quick: Run :data:`QUICK_TESTS` only.
        stream: Where the stream's words are drawn.
        progress: Called with each test's name as it ends.
        scale: The whole battery's p-sample multiplier (dieharder's ``-m``;
            below 1 for a shorter, less sensitive run).

    Returns:
        The section (or one saying why it was skipped) and dieharder's version.
    """
    method = ("dieharder 3 reads the raw stream (`-g 200`); a p-value below 1e-6 (or above "
              "1 − 1e-6) is FAILED, below 0.005 (or above 0.995) WEAK. Each WEAK test is run "
              "again alone in resolve mode (`-Y 1`) on a fresh region of the stream, until "
              "it ends PASSED or FAILED; the verdict shown is that final one.")
    if not quick and scale != 1.0:
        method += (f" This run scaled the whole battery's p-samples by {scale:g} (`-m "
                   f"{scale:g}`): shorter and less sensitive than the default, and below 1 "
                   "dieharder's final p-values lean toward 1 (its Kolmogorov–Smirnov formula "
                   "is asymptotic), so WEAK and FAILED results near p = 1 are expected.")
    section = Section("dieharder", method)
    if shutil.which("dieharder") is None:
        section.skipped = INSTALL_HINT
        return section, "not installed"

    def report(result: Result) -> None:
        if progress is not None:
            progress(f"dieharder {result.name}")

    if quick:
        runs = [["-d", name, "-p", str(p), *(["-n", str(n)] if n is not None else [])]
                for name, n, p in QUICK_TESTS]
    else:
        runs = [["-a"] if scale == 1.0 else ["-a", "-m", f"{scale:g}"]]
    region = 0
    text = ""
    first: list[Result] = []
    outputs: list[str] = []
    for args in runs:
        text, lines = run(args, seed, region, stream, report)
        outputs.append(f"# region {region}: dieharder -g 200 {' '.join(args)}\n{text}")
        region += 1
        first.extend(lines)
    for result in first:
        if result.verdict != WEAK:
            section.rows.append(_row(result, ""))
            continue
        again_args = ["-d", result.name, "-Y", "1", "-n", str(result.ntup),
                      "-p", str(max(result.psamples, MIN_PSAMPLES))]
        again_text, again = run(again_args, seed, region, stream, report)
        outputs.append(f"# region {region}: dieharder -g 200 {' '.join(again_args)}\n"
                       f"{again_text}")
        region += 1
        end = final_results(first, again, result)
        if end is None:
            section.rows.append(_row(result, "WEAK; the re-run printed no result", WEAK))
            continue
        verdict = end.verdict if end.verdict in (PASSED, FAILED) else WEAK
        section.rows.append(_row(result, f"WEAK (p={result.pvalue:.6f}), re-run with -Y 1: "
                                         f"{end.verdict} at psamples={end.psamples}, "
                                         f"p={end.pvalue:.6f}", verdict))
    section.files["dieharder.txt"] = "\n".join(outputs)
    return section, version(text)
