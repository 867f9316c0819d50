"""What every part of ``keyrand check`` returns: rows of tests, grouped in sections.

A section is one battery or family of checks (dieharder, NIST SP 800-22,
goodness of fit, independence, chunk invariance, GPU against CPU). Each row is
one test: its name, the parameters it ran with, its p-values and its verdict.
The report module renders sections; the command's exit status is nonzero when
a row of any section FAILED.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: A test's verdicts. WEAK is dieharder's "suspicious, re-run to decide".
PASSED, WEAK, FAILED = "PASSED", "WEAK", "FAILED"


@dataclass
class Row:
    """One test of a section.

    Attributes:
        name: The test (e.g. ``diehard_birthdays`` or ``gamma``).
        case: Its parameters, as shown in the report (dtype, ntup, a=...).
        pvalues: The p-values it produced (several for tests with sub-tests).
        verdict: PASSED, WEAK or FAILED.
        detail: Anything else the report shows (a statistic, how a WEAK ended).
    """

    name: str
    case: str
    pvalues: tuple[float, ...]
    verdict: str
    detail: str = ""


@dataclass
class Section:
    """The result of one part of the check.

    Attributes:
        title: The section's heading.
        method: How its tests decide, in a sentence or two (shown above the table).
        rows: Its tests.
        skipped: Why the section did not run, or ``""``.
        data: Samples kept for the figures, by row name and case.
        files: Text files the report keeps beside it (name → contents), such as
            dieharder's own output.
    """

    title: str
    method: str
    rows: list[Row] = field(default_factory=list)
    skipped: str = ""
    data: dict[str, object] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def count(self, verdict: str) -> int:
        """The number of rows with ``verdict``."""
        return sum(row.verdict == verdict for row in self.rows)

    @property
    def failed(self) -> bool:
        """Whether a row FAILED."""
        return self.count(FAILED) > 0
