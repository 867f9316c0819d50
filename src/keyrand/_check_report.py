"""The report of ``keyrand check``: a Markdown file and its PNG figures.

``write(folder, ...)`` writes ``folder/quality.md`` (a summary, the command
line and versions, how to reproduce it, then one section per part with its
p-value table) and ``folder/quality/*.png``: for each family of samplers a
grid with, per sampler, a histogram of its draws over the law's density (bars
against the pmf where discrete) and a Q–Q plot (a P–P plot where discrete);
and per battery a histogram of its p-values, which is flat for a good
generator. The figures are drawn with matplotlib (the ``check`` extra).
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _check_stream
from ._check_results import FAILED, PASSED, WEAK, Section
from .samplers import SAMPLERS

#: The MLX release whose numbers keyrand reproduces.
MLX_VERSION = "0.32.4"
#: Name of the Markdown file and of the figures' folder.
NAME = "quality"
#: Resolution of the figures (dots per inch): small files.
DPI = 56

MATPLOTLIB_HINT = ("the report's figures need matplotlib: pip install 'keyrand[check]' "
                   "(or run keyrand check without --report)")


@dataclass(frozen=True)
class Run:
    """What the report says about the run itself.

    Attributes:
        command: The command line.
        seed: The seed.
        stream: ``cpu`` or ``gpu``.
        quick: Whether it was a quick run.
        size: Draws per goodness-of-fit test.
        versions: Package name → version (keyrand, NumPy, SciPy, dieharder, ...).
        seconds: How long it ran.
    """

    command: str
    seed: int
    stream: str
    quick: bool
    size: int
    versions: dict[str, str]
    seconds: float


def require_matplotlib() -> None:
    """Raise ImportError with :data:`MATPLOTLIB_HINT` if matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as err:
        raise ImportError(MATPLOTLIB_HINT) from err


def _pvalues(values: Sequence[float]) -> str:
    if not values:
        return "—"
    if len(values) <= 3:
        return ", ".join(f"{p:.4f}" if p >= 1e-4 else f"{p:.2e}" for p in values)
    return f"{len(values)} values, min {min(values):.3g}, median {np.median(values):.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(sections: Sequence[Section]) -> list[str]:
    lines = ["| Part | Tests | PASSED | WEAK | FAILED | Note |", "|---|---:|---:|---:|---:|---|"]
    for s in sections:
        note = _cell(s.skipped) if s.skipped else ""
        lines.append(f"| {s.title} | {len(s.rows)} | {s.count(PASSED)} | {s.count(WEAK)} | "
                     f"{s.count(FAILED)} | {note} |")
    return lines


def _table(section: Section) -> list[str]:
    lines = ["| Test | Case | p-value(s) | Verdict | Detail |", "|---|---|---|---|---|"]
    for row in section.rows:
        verdict = f"**{row.verdict}**" if row.verdict != PASSED else row.verdict
        lines.append(f"| {_cell(row.name)} | {_cell(row.case)} | {_pvalues(row.pvalues)} | "
                     f"{verdict} | {_cell(row.detail)} |")
    return lines


def _family(name: str) -> str:
    module = SAMPLERS[name].prepare.__module__.rsplit(".", 1)[-1]
    return module.removeprefix("_sample_")


def _figure_families(section: Section) -> dict[str, list[str]]:
    families: dict[str, list[str]] = {}
    for name in section.data:
        families.setdefault(_family(name), []).append(name)
    return families


def _draw_family(path: str, names: Sequence[str], data: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = 2
    rows = math.ceil(len(names) / pairs)
    fig, axes = plt.subplots(rows, 2 * pairs, figsize=(11, 2.1 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.set_visible(False)
    for k, name in enumerate(names):
        sample, case, dtype = data[name]
        hist_ax, qq_ax = axes[k // pairs, 2 * (k % pairs)], axes[k // pairs, 2 * (k % pairs) + 1]
        hist_ax.set_visible(True)
        qq_ax.set_visible(True)
        x = np.asarray(sample, np.float64)
        law = case.law
        title = f"{name} ({case.label})"
        if len(title) > 38:
            title = title[:37] + "…"
        if case.discrete:
            lo, hi = int(law.ppf(0.001)), int(law.ppf(0.999))
            values = np.arange(lo, hi + 1)
            observed = np.array([(x == v).mean() for v in values])
            step = max(1, values.size // 60)
            hist_ax.bar(values[::step], observed[::step], width=step, color="#9ab",
                        label="draws")
            hist_ax.plot(values[::step], law.pmf(values[::step]), "k.", ms=3, label="pmf")
            ecdf = np.searchsorted(np.sort(x), values, side="right") / x.size
            qq_ax.plot(law.cdf(values), ecdf, "b.", ms=3)
            qq_ax.plot([0, 1], [0, 1], "k-", lw=0.6)
            qq_ax.set_xlabel("law's CDF (P–P)", fontsize=6)
        else:
            lo, hi = law.ppf(0.005), law.ppf(0.995)
            hist_ax.hist(x[(x >= lo) & (x <= hi)], bins=50, density=True, color="#9ab")
            grid = np.linspace(lo, hi, 200)
            inside = float(law.cdf(hi) - law.cdf(lo))
            hist_ax.plot(grid, law.pdf(grid) / inside, "k-", lw=0.8)
            q = (np.arange(1, 101) - 0.5) / 100
            qq_ax.plot(law.ppf(q), np.quantile(x, q), "b.", ms=3)
            qq_ax.plot([law.ppf(q[0]), law.ppf(q[-1])], [law.ppf(q[0]), law.ppf(q[-1])],
                       "k-", lw=0.6)
            qq_ax.set_xlabel("law's quantiles (Q–Q)", fontsize=6)
        hist_ax.set_title(f"{title}, {dtype or 'default'}", fontsize=7)
        for ax in (hist_ax, qq_ax):
            ax.tick_params(labelsize=5)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def _draw_pvalues(path: str, section: Section) -> bool:
    values = [p for row in section.rows for p in row.pvalues if np.isfinite(p)]
    if not values:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.2, 2.4))
    ax.hist(values, bins=10, range=(0.0, 1.0), color="#9ab", edgecolor="white")
    ax.axhline(len(values) / 10, color="k", lw=0.8, ls="--")
    ax.set_title(f"{section.title}: {len(values)} p-values (flat if uniform)", fontsize=8)
    ax.set_xlabel("p-value", fontsize=7)
    ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI + 20)
    plt.close(fig)
    return True


def _slug(title: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in title)
    return "-".join(part for part in keep.split("-") if part)


def _stream_text(seed: int) -> list[str]:
    return [
        "The raw stream that dieharder and the NIST suite read is the concatenation, for "
        "`i = 0, 1, 2, …`, of the blocks",
        "",
        "```python",
        f"keyrand.bits(shape=({_check_stream.BLOCK_WORDS},), "
        f"key=keyrand.fold_in(keyrand.key({seed}), i))",
        "```",
        "",
        "(uint32 words, little-endian bytes). Each block hashes counters "
        f"0 … {_check_stream.BLOCK_WORDS - 1} under its own key, and distinct `i < 2**32` give "
        "distinct keys, so no (key, counter) pair is used twice. dieharder run `r` (the main "
        "run, then each re-run) starts at block `r·2**24`, so no two runs read the same words.",
    ]


def render(sections: Sequence[Section], run: Run, figures: dict[str, list[str]],
           files: dict[str, list[str]] | None = None) -> str:
    """The report's Markdown.

    Args:
        sections: The parts of the check, in order.
        run: The run's command line, versions and settings.
        figures: Section title → the figure files (relative to the report) it shows.
        files: Section title → the text files (relative to the report) it links.

    Returns:
        The text of ``quality.md``.
    """
    failed = sum(s.count(FAILED) for s in sections)
    verdict = "**FAILED**" if failed else "passed"
    kind = "quick" if run.quick else "full"
    lines = [
        "# keyrand: statistical quality report",
        "",
        "Generated by `keyrand check`. keyrand's generator is MLX's threefry-2x32-20 "
        "(reproduced bit for bit); it is built for simulation and machine learning and is "
        "**not a cryptographically secure generator**: do not use it for keys, tokens, "
        "passwords or anything an adversary must not predict (use Python's `secrets`).",
        "",
        f"Outcome of this {kind} run: {verdict} ({failed} failed test(s)).",
        "",
        *_summary(sections),
        "",
        "## The run",
        "",
        f"- Command: `{run.command}`",
        f"- Seed {run.seed}, stream {run.stream}, {run.size} draws per goodness-of-fit test, "
        f"{run.seconds / 60:.1f} minutes",
        f"- Machine: {platform.machine()}, {platform.system()}, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in run.versions.items())
        + f"; the numbers are MLX {MLX_VERSION}'s",
        "",
        "To reproduce it, install keyrand with its `check` extra (`pip install "
        "'keyrand[check]'`) and dieharder (`apt-get install dieharder`), then run the command "
        "above: the same seed gives the same numbers, so the same p-values, on any machine. "
        "The GPU comparison runs only with `--stream gpu` on a machine with an NVIDIA GPU and "
        "CuPy (`pip install 'keyrand[gpu]'`).",
        "",
        "## The stream",
        "",
        *_stream_text(run.seed),
        "",
    ]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.skipped:
            lines += [f"Not run: {section.skipped}", ""]
            continue
        lines += [section.method, ""]
        for kept in (files or {}).get(section.title, []):
            lines += [f"The program's own output: [{kept}]({kept}).", ""]
        for fig in figures.get(section.title, []):
            lines += [f"![{section.title}]({fig})", ""]
        lines += [*_table(section), ""]
    return "\n".join(lines)


def write(folder: str, sections: Sequence[Section], run: Run) -> str:
    """Write ``folder/quality.md`` and its figures in ``folder/quality/``.

    Args:
        folder: The report's folder (created if missing).
        sections: The parts of the check.
        run: The run's description.

    Returns:
        The Markdown file's path.
    """
    figures_dir = os.path.join(folder, NAME)
    os.makedirs(figures_dir, exist_ok=True)
    figures: dict[str, list[str]] = {}
    shown_files: dict[str, list[str]] = {}
    for section in sections:
        if section.skipped:
            continue
        shown = figures.setdefault(section.title, [])
        if section.data:
            for family, names in _figure_families(section).items():
                file = f"{_slug(section.title)}-{family}.png"
                _draw_family(os.path.join(figures_dir, file), names, section.data)
                shown.append(f"{NAME}/{file}")
        for name, text in section.files.items():
            with open(os.path.join(figures_dir, name), "w", encoding="utf-8") as fh:
                fh.write(text)
            shown_files.setdefault(section.title, []).append(f"{NAME}/{name}")
        file = f"pvalues-{_slug(section.title)}.png"
        if _draw_pvalues(os.path.join(figures_dir, file), section):
            shown.insert(0, f"{NAME}/{file}")
    path = os.path.join(folder, f"{NAME}.md")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render(sections, run, figures, shown_files))
    return path
