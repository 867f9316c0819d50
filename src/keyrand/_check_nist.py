"""NIST SP 800-22 rev. 1a on keyrand's raw stream, through the ``nistrng`` package.

The stream of :mod:`keyrand._check_stream` is cut into ``sequences``
consecutive sequences of ``bits`` bits each (most significant bit of each word
first), and every test of the suite that is eligible at that length runs on
each sequence (each test on its own copy: some of nistrng's tests write into
their input). A test yields one or several p-values per sequence (the serial
test two, the random excursions eight, ...).

As SP 800-22 §4.2.1 judges a generator by the proportion of sequences that
pass at α = 0.01, a test FAILED here when its p-values below 0.01 are too
many for chance: the binomial tail probability of at least that many among
its ``m`` p-values (each below 0.01 with probability 0.01) is below
:data:`ALPHA`, or when its smallest p-value is below ``ALPHA / m`` (which
decides where there are too few sequences for a proportion). Its uniformity
(§4.2.2: a chi-square over ten bins of the p-values) is reported for the
tests with one p-value per sequence, where there are at least 55 sequences.

Two of nistrng's tests are left out, their p-values being far from uniform
even for ideal bits: random excursions counts a cycle that visits a state five
times or more in every one of the state's six bins instead of the last, and
linear complexity puts each block's statistic ``T`` one bin too low (it bins
``int(T + 2.5)`` where SP 800-22 §2.10.4 puts ``-0.5 < T <= 0.5`` in bin 3).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _check_stream
from ._check_results import FAILED, PASSED, Row, Section

#: Significance level of the proportion test, per test of the suite.
ALPHA = 1e-4
#: The level SP 800-22 tests each sequence at.
SEQUENCE_ALPHA = 0.01

#: Tests of nistrng that are not run (see the module's docstring).
LEFT_OUT = ("random_excursion", "linear_complexity")

#: How to install the implementation where it is missing.
INSTALL_HINT = ("the NIST SP 800-22 part needs the nistrng package: pip install 'keyrand[check]'")


def _binomial_tail(k: int, n: int, p: float) -> float:
    """P(K >= k) for K ~ Binomial(n, p)."""
    from scipy import stats

    return float(stats.binom.sf(k - 1, n, p))


def _uniformity(pvalues: np.ndarray) -> float | None:
    """SP 800-22's uniformity p-value of ``pvalues`` (ten bins), or None below 55 values."""
    if pvalues.size < 55:
        return None
    from scipy import stats

    counts = np.histogram(np.clip(pvalues, 0.0, 1.0), bins=10, range=(0.0, 1.0))[0]
    return float(stats.chisquare(counts).pvalue)


def battery(seed: int, bits: int, sequences: int,
            progress: Callable[[str], None] | None = None, stream: object = None) -> Section:
    """Run the SP 800-22 suite on ``sequences`` sequences of ``bits`` bits of the stream.

    Args:
        seed: The stream's seed.
        bits: Bits per sequence (SP 800-22 suggests 10^6; some tests need more
            than 10^5 to be eligible).
        sequences: How many consecutive sequences.
        progress: Called with each test's name as it ends.
        stream: Where the stream's words are drawn.

    Returns:
        One row per test of the suite, with all its p-values.
    """
    method = (f"nistrng's SP 800-22 rev. 1a tests on {sequences} consecutive sequence(s) of "
              f"{bits} bits of the stream. A test FAILED when the number of its p-values below "
              f"{SEQUENCE_ALPHA} (the per-sequence level of SP 800-22) is improbably large: "
              f"binomial tail below {ALPHA:g}, or its smallest p-value is below {ALPHA:g} "
              f"over its number of p-values. The uniformity of its p-values (SP 800-22 "
              "§4.2.2) is shown for tests of one p-value per sequence, from 55 sequences. "
              "nistrng's random excursions and linear complexity tests are left out: the "
              "first miscounts cycles that visit a state five times or more, the second bins "
              "its statistic one bin too low, so their p-values are not uniform even for "
              "ideal bits.")
    section = Section("NIST SP 800-22", method)
    try:
        import nistrng
    except ImportError:
        section.skipped = INSTALL_HINT
        return section
    everything = _check_stream.bit_array(seed, bits * sequences, stream).reshape(sequences, bits)
    battery_ = nistrng.SP800_22R1A_BATTERY
    found: dict[str, list[float]] = {}
    for sequence in everything:
        eligible = nistrng.check_eligibility_all_battery(sequence.copy(), battery_)
        for name, test in eligible.items():
            if name in LEFT_OUT:
                continue
            with np.errstate(all="ignore"):
                result, _ = test.run(sequence.copy())
            # Result.score is the mean of a test's p-values; the p-values are its _score_list.
            scores = np.atleast_1d(getattr(result, "_score_list", result.score))
            found.setdefault(name, []).extend(scores.astype(np.float64).tolist())
            if progress is not None:
                progress(f"NIST {name}")
    for name, values in found.items():
        p = np.asarray(values, np.float64)
        low = int((p < SEQUENCE_ALPHA).sum())
        tail = _binomial_tail(low, p.size, SEQUENCE_ALPHA)
        uniform = _uniformity(p) if p.size == sequences else None
        smallest = float(p.min())
        verdict = (FAILED if tail < ALPHA or smallest < ALPHA / p.size
                   or (uniform is not None and uniform < ALPHA) else PASSED)
        shown = "" if uniform is None else f"; uniformity p={uniform:.4f}"
        section.rows.append(Row(name, f"{sequences}×{bits} bits", tuple(values), verdict,
                                f"{p.size - low}/{p.size} p-values ≥ {SEQUENCE_ALPHA}, "
                                f"binomial tail {tail:.3g}{shown}"))
    return section
