"""``keyrand check``: the report end to end, failures reported, dieharder's output parsed.

The end-to-end run is the quick run's pipeline on a few samplers (every
sampler's quick cases run in ``keyrand check --quick`` itself, which CI time
does not allow twice); broken samplers and streams, monkeypatched in, must be
reported FAILED with a nonzero exit status. dieharder's parser reads real
dieharder 3.31.1 output recorded in tests/data.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import keyrand as kr
from keyrand import (
    _check,
    _check_cases,
    _check_dieharder,
    _check_nist,
    _check_stats,
    _check_stream,
    samplers,
)
from keyrand._check_results import FAILED, PASSED, WEAK
from keyrand._devices import gpu_unavailable
from keyrand._registry import SAMPLERS
from keyrand.cli import main

DATA = Path(__file__).parent / "data"
RECORDED = DATA / "dieharder_all_partial.txt"
FEW = ("normal", "randint", "gamma", "poisson", "dirichlet")
has_dieharder = shutil.which("dieharder") is not None


@pytest.fixture
def few_cases(monkeypatch):
    """The quick run on a few samplers, a one-test dieharder and a short NIST sample."""
    every = _check_cases._cases

    def few():
        return [c for c in every() if c.name in FEW]

    monkeypatch.setattr(_check_cases, "_cases", few)
    monkeypatch.setattr(_check_dieharder, "QUICK_TESTS", (("sts_monobit", None, 10),))
    monkeypatch.setattr(_check, "QUICK_NIST", (20_000, 1))


def test_every_sampler_has_a_goodness_of_fit_case():
    # split's keys are checked by the independence part.
    assert {c.name for c in _check_cases.cases(quick=True)} == set(SAMPLERS) - {"split"}
    assert len(_check_cases.cases(quick=False)) > len(_check_cases.cases(quick=True))


def test_quick_run_writes_the_report(few_cases, tmp_path, capsys):
    status = main(["check", "--quick", "--seed", "3", "--report", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "keyrand check: passed" in out
    text = (tmp_path / "quality.md").read_text()
    assert "`keyrand check --quick --seed 3 --report" in text
    assert "not a cryptographically secure generator" in text
    for title in ("## NIST SP 800-22", "## Goodness of fit", "## Independence",
                  "## Chunk invariance (Dask)", "## GPU against CPU", "## dieharder"):
        assert title in text
    assert "| Test | Case | p-value(s) | Verdict | Detail |" in text
    for name in FEW:
        assert f"| {name} |" in text
    assert "FAILED" not in text.split("## The run")[0].replace("| FAILED |", "")
    figures = {p.name for p in (tmp_path / "quality").glob("*.png")}
    assert {"pvalues-goodness-of-fit.png", "pvalues-nist-sp-800-22.png",
            "goodness-of-fit-gamma.png", "goodness-of-fit-normal.png"} <= figures
    for fig in figures:
        assert f"quality/{fig}" in text
        assert (tmp_path / "quality" / fig).stat().st_size < 100_000
    if has_dieharder:
        assert "| sts_monobit |" in text
        assert (tmp_path / "quality" / "dieharder.txt").read_text().count("sts_monobit") >= 1


def test_a_wrong_sampler_fails_the_check(few_cases, monkeypatch, capsys):
    real = samplers.gamma

    def stretched(*args, **kwargs):
        return real(*args, **kwargs) * np.float32(1.03)

    monkeypatch.setattr(samplers, "gamma", stretched)
    monkeypatch.setattr(_check_dieharder.shutil, "which", lambda name: None)
    assert main(["check", "--quick"]) == 1
    out = capsys.readouterr().out
    assert "keyrand check: FAILED" in out
    assert "FAILED  Goodness of fit: gamma" in out
    assert "FAILED  Goodness of fit: normal" not in out


def test_dependent_siblings_fail_independence(monkeypatch):
    # A split that returns the parent twice: siblings draw the same numbers.
    monkeypatch.setattr(samplers, "split", lambda key, num=2, stream=None:
                        np.stack([np.asarray(key, np.uint32)] * num))
    section = _check_stats.independence(0, 5000, None, 1e-3, lambda name: None)
    verdicts = {row.case: row.verdict for row in section.rows}
    assert verdicts["split(key, 4)[0] vs [1]"] == FAILED
    assert verdicts["fold_in(key, 0) vs fold_in(key, 1)"] == PASSED


def _biased(block):
    def broken(seed, index, stream=None):
        return block(seed, index, stream) | np.uint32(0x01010101)  # 4 bits of 32 always set

    return broken


def test_a_broken_stream_fails_nist(monkeypatch):
    good = _check_nist.battery(1, 20_000, 1)
    assert all(row.verdict == PASSED for row in good.rows)
    monkeypatch.setattr(_check_stream, "block", _biased(_check_stream.block))
    bad = _check_nist.battery(1, 20_000, 1)
    verdicts = {row.name: row.verdict for row in bad.rows}
    assert verdicts["monobit"] == FAILED
    assert "random_excursion" not in verdicts  # nistrng's is left out (see _check_nist)


@pytest.mark.skipif(not has_dieharder, reason="dieharder is not installed")
def test_a_broken_stream_fails_dieharder(monkeypatch):
    monkeypatch.setattr(_check_dieharder, "QUICK_TESTS", (("sts_monobit", None, 5),))
    monkeypatch.setattr(_check_stream, "block", _biased(_check_stream.block))
    section, version = _check_dieharder.battery(2, quick=True)
    assert version != "unknown"
    assert [row.verdict for row in section.rows] == [FAILED]


def test_missing_dieharder_says_how_to_install(monkeypatch):
    monkeypatch.setattr(_check_dieharder.shutil, "which", lambda name: None)
    section, version = _check_dieharder.battery(0, quick=True)
    assert version == "not installed"
    assert section.rows == []
    assert "apt-get install dieharder" in section.skipped
    assert not section.failed


def test_parser_reads_recorded_dieharder_output():
    text = RECORDED.read_text()
    rows = _check_dieharder.parse(text)
    assert _check_dieharder.version(text) == "3.31.1"
    assert len(rows) == sum("|" in line and not line.lstrip().startswith(("#", "rng_name",
                                                                         "stdin", "test_name"))
                            for line in text.splitlines())
    first = rows[0]
    assert (first.name, first.ntup, first.tsamples, first.psamples, first.pvalue,
            first.verdict) == ("diehard_birthdays", 0, 100, 100, 0.79044363, PASSED)
    weak = [(r.name, r.ntup, r.pvalue) for r in rows if r.verdict == WEAK]
    assert weak == [("diehard_rank_6x8", 0, 0.99995348), ("diehard_opso", 0, 0.99945572),
                    ("diehard_3dsphere", 3, 0.99828466), ("diehard_sums", 0, 0.00101109),
                    ("sts_serial", 8, 0.99975102)]
    serial = [r for r in rows if r.name == "sts_serial"]
    assert [r.ntup for r in serial[:4]] == [1, 2, 3, 3]  # two lines per ntup from 3 on
    assert _check_dieharder.parse("#====#\n   rng_name    |rands/second|   Seed   |\n") == []


def test_final_result_is_the_last_round_of_the_rerun():
    rows = _check_dieharder.parse(RECORDED.read_text())
    serial = [r for r in rows if r.name == "sts_serial"]
    weak = next(r for r in rows if r.verdict == WEAK and r.name == "sts_serial")
    # Two rounds of the same recorded group, as resolve mode prints them.
    again = serial + serial
    end = _check_dieharder.final_results(rows, again, weak)
    assert end is again[len(serial) + serial.index(weak)]
    assert _check_dieharder.final_results(rows, [], weak) is None


@pytest.mark.skipif(gpu_unavailable(0) is None, reason="a GPU is available here")
def test_stream_gpu_without_a_gpu_says_so(capsys):
    assert main(["check", "--quick", "--stream", "gpu"]) == 2
    err = capsys.readouterr().err
    assert "--stream gpu: no GPU is available" in err


def test_report_without_matplotlib_says_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["check", "--quick", "--report", str(tmp_path)]) == 2
    assert "pip install 'keyrand[check]'" in capsys.readouterr().err
    assert not (tmp_path / "quality.md").exists()


def test_stream_is_the_documented_expression():
    # The report defines the stream through the public API (bits and fold_in are checked
    # against MLX and JAX by their own suites); the blocks must be exactly that.
    for seed, index in ((0, 0), (7, 3)):
        want = kr.bits(shape=(_check_stream.BLOCK_WORDS,),
                       key=kr.fold_in(kr.key(seed), index))
        np.testing.assert_array_equal(_check_stream.block(seed, index), want)
    words = _check_stream.words(5, _check_stream.BLOCK_WORDS + 3)
    np.testing.assert_array_equal(words[-3:], _check_stream.block(5, 1)[:3])


def test_bit_array_is_most_significant_bit_first():
    w = _check_stream.words(9, 2)
    want = [int(c) for word in w for c in format(int(word), "032b")]
    np.testing.assert_array_equal(_check_stream.bit_array(9, 64), want)
    with pytest.raises(ValueError, match=r"\[check\] block"):
        _check_stream.block(0, 1 << 32)


def test_chi2_and_ks_reject_the_wrong_law():
    from scipy import stats

    rng = np.random.default_rng(4)
    assert _check_stats.chi2_pvalue(rng.poisson(4.0, 20_000), stats.poisson(4.0)) > 1e-3
    assert _check_stats.chi2_pvalue(rng.poisson(4.2, 20_000), stats.poisson(4.0)) < 1e-6
    assert _check_stats.chi2_pvalue(np.array([-1, 0, 1]), stats.poisson(4.0)) == 0.0
    assert _check_stats.ks_pvalue(rng.normal(size=20_000), stats.norm()) > 1e-3
    assert _check_stats.ks_pvalue(rng.normal(0.1, 1, 20_000), stats.norm()) < 1e-6
    assert _check_stats.ks_pvalue(np.array([0.0, np.nan]), stats.norm()) == 0.0
