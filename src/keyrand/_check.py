"""``keyrand check``: run the batteries on keyrand's streams and write the report.

The parts run in this order, dieharder in a subprocess alongside the others
(it reads the stream from a feeding thread, so both CPUs work): dieharder,
NIST SP 800-22, goodness of fit, independence, chunk invariance on Dask, and
with ``--stream gpu`` the GPU's numbers against the CPU's. The exit status is
1 when any test FAILED after WEAK results were resolved, else 0.
"""

from __future__ import annotations

import shlex
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata

import numpy as np
from tqdm import tqdm

from . import _check_dieharder, _check_nist, _check_report, _check_stats
from ._check_results import Section

#: Draws per goodness-of-fit test: a full run, a quick run.
FULL_SIZE, QUICK_SIZE = 1_000_000, 20_000
#: NIST SP 800-22: (bits per sequence, sequences) of a full run at FULL_SIZE (a smaller
#: --size reads proportionally fewer sequences, at least one) and of a quick run.
FULL_NIST, QUICK_NIST = (1_000_000, 4), (50_000, 1)
#: Significance level of each statistical section (Bonferroni-split over its tests).
FAMILY_ALPHA = 1e-3


@dataclass(frozen=True)
class Options:
    """The options of ``keyrand check``.

    Attributes:
        seed: The streams' seed.
        stream: ``"cpu"`` or ``"gpu"``.
        size: Draws per goodness-of-fit test (None: the run's default).
        quick: The quick run (under a minute, for CI).
        report: The report's folder, or None for none.
        dieharder_scale: dieharder's p-sample multiplier in a full run (``-m``).
        command: The command line, for the report.
    """

    seed: int = 0
    stream: str = "cpu"
    size: int | None = None
    quick: bool = False
    report: str | None = None
    dieharder_scale: float = 1.0
    command: str = "keyrand check"


def gpu_problem(stream: str) -> str | None:
    """Why ``--stream gpu`` cannot run here (no CuPy, no driver, no GPU), or None."""
    if stream != "gpu":
        return None
    from ._devices import gpu_unavailable

    reason = gpu_unavailable(0)
    return None if reason is None else f"--stream gpu: no GPU is available: {reason}"


def _versions(dieharder: str) -> dict[str, str]:
    from . import __version__

    found = {"keyrand": __version__, "NumPy": np.__version__}
    for package, shown in (("scipy", "SciPy"), ("nistrng", "nistrng"), ("numba", "Numba")):
        try:
            found[shown] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[shown] = "not installed"
    found["dieharder"] = dieharder
    return found


def run(options: Options, log=None) -> tuple[list[Section], int]:
    """Run the check and write the report when asked.

    Args:
        options: The command's options.
        log: Where progress lines go (standard error by default).

    Returns:
        The sections and the exit status (0 passed, 1 a test FAILED).
    """
    log = log or sys.stderr
    started = time.monotonic()
    size = options.size or (QUICK_SIZE if options.quick else FULL_SIZE)
    bits, sequences = QUICK_NIST if options.quick else FULL_NIST
    if not options.quick:
        sequences = max(1, round(sequences * size / FULL_SIZE))
    stream = None
    if options.stream == "gpu":
        from ._devices import gpu

        stream = gpu
    bar = tqdm(desc="keyrand check", unit="test", file=log, disable=not log.isatty())

    def tick(name: str) -> None:
        bar.set_postfix_str(name[:40], refresh=False)
        bar.update()

    def say(text: str) -> None:
        tqdm.write(f"[check] {text}", file=log)

    outcome: dict[str, object] = {}

    def dieharder() -> None:
        try:
            outcome["section"], outcome["version"] = _check_dieharder.battery(
                options.seed, options.quick, stream, tick, options.dieharder_scale)
        except Exception as err:  # reported as the section's failure, not lost in the thread
            outcome["error"] = err

    say("dieharder starts (in the background)")
    thread = threading.Thread(target=dieharder, daemon=True)
    thread.start()
    say(f"NIST SP 800-22 on {sequences} sequence(s) of {bits} bits")
    nist = _check_nist.battery(options.seed, bits, sequences, tick, stream)
    say(f"goodness of fit, {size} draws per test")
    gof = _check_stats.goodness_of_fit(options.seed, size, options.quick, stream, FAMILY_ALPHA,
                                       tick)
    say("independence of split and fold_in keys")
    indep = _check_stats.independence(options.seed, size, stream, FAMILY_ALPHA, tick)
    say("chunk invariance on Dask")
    chunks = _check_stats.chunk_invariance(options.seed, tick)
    if stream is not None:
        say("GPU against CPU")
        gpu_section = _check_stats.gpu_against_cpu(options.seed, min(size, 100_000),
                                                   options.quick, tick)
    else:
        gpu_section = Section("GPU against CPU", "", skipped=(
            "this run drew on the CPU; `keyrand check --stream gpu` on a machine with an "
            "NVIDIA GPU and CuPy compares every sampler's GPU draws with the CPU's and runs "
            "the batteries on the GPU's stream."))
    say("waiting for dieharder")
    thread.join()
    bar.close()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    die: Section = outcome["section"]  # type: ignore[assignment]
    sections = [die, nist, gof, indep, chunks, gpu_section]
    status = 1 if any(s.failed for s in sections) else 0
    if options.report is not None:
        info = _check_report.Run(options.command, options.seed, options.stream, options.quick,
                                 size, _versions(str(outcome["version"])),
                                 time.monotonic() - started)
        path = _check_report.write(options.report, sections, info)
        say(f"report written to {path}")
    return sections, status


def summary(sections: list[Section]) -> str:
    """One line per section: its counts, or why it was skipped; then the failed tests."""
    lines = []
    for s in sections:
        if s.skipped:
            lines.append(f"{s.title:<26} skipped: {s.skipped}")
            continue
        lines.append(f"{s.title:<26} {len(s.rows):4d} tests: {s.count('PASSED')} passed, "
                     f"{s.count('WEAK')} weak, {s.count('FAILED')} FAILED")
    for s in sections:
        for row in s.rows:
            if row.verdict == "FAILED":
                lines.append(f"FAILED  {s.title}: {row.name} ({row.case}) {row.detail}")
    return "\n".join(lines)


def command_line(argv: list[str]) -> str:
    """``keyrand check ...`` as typed (for the report)."""
    return shlex.join(["keyrand", *argv])
