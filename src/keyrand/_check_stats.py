"""The statistical part of ``keyrand check``: fit, independence, chunking, GPU against CPU.

* **Goodness of fit**: each case of :mod:`keyrand._check_cases` in each
  dtype: ``n`` draws under their own key, Kolmogorov–Smirnov against the
  case's continuous law or a chi-square over pooled bins (each expected to
  hold at least 20 draws) against its discrete law. A draw is the law's
  variate rounded to its dtype's grid, so the KS test compares it with the
  law so rounded (:func:`ks_pvalue`); half-precision draws (float16,
  bfloat16), whose grids are coarse, are tested at most
  :data:`LOW_PRECISION_DRAWS` at a time.
* **Independence**: uniform draws under sibling keys of ``split``, under a
  key and its child, and under ``fold_in`` neighbours: Pearson's correlation
  (``r·√n`` is standard normal under independence) and the two-sample
  Kolmogorov–Smirnov test.
* **Chunk invariance**: ``keyrand.dask`` draws cut into uneven chunks equal
  the in-memory draw bit for bit.
* **GPU against CPU**: each case's draw on the GPU equals the CPU's bit for
  bit (``orthogonal`` to the rounding of the two LAPACKs).

Every p-value of a section is compared with ``family_alpha / m`` (Bonferroni
over the section's ``m`` p-values), so a correct generator fails a section
with probability at most ``family_alpha`` while a wrong law, at these sizes,
gives p-values many orders of magnitude smaller.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

from . import _check_cases, _dtypes, _keys, samplers
from ._check_results import FAILED, PASSED, Row, Section

#: Most draws per test in float16 or bfloat16 (see the module's docstring).
LOW_PRECISION_DRAWS = 50_000
#: Draws kept per case for the figures.
FIGURE_DRAWS = 20_000
#: Largest difference allowed between GPU and CPU draws, by sampler and dtype.
GPU_TOLERANCE = {"orthogonal": {"float64": 1e-12, "float32": 1e-5, "float16": 2e-3,
                                "bfloat16": 1.6e-2}}


def case_key(seed: int, tag: str) -> np.ndarray:
    """The key of the test named ``tag``: ``fold_in(key(seed), crc32(tag))``."""
    return _keys.fold_in(_keys.key(seed), zlib.crc32(tag.encode()))


def to_host(x: object) -> np.ndarray:
    """A NumPy copy of a draw (CuPy arrays are copied from the GPU)."""
    return _dtypes.to_numpy(x)


def ks_pvalue(sample: np.ndarray, law: object) -> float:
    """Kolmogorov–Smirnov p-value of ``sample`` against ``law`` rounded to the sample's dtype.

    A draw in a float dtype is the law's variate rounded to that dtype's grid,
    so its CDF at a grid value ``v`` is ``F((v + v⁺) / 2)`` and just below it
    ``F((v⁻ + v) / 2)`` (``v⁻``, ``v⁺`` the neighbouring grid values). The
    statistic is the largest gap between the empirical CDF and that rounded
    law at both sides of each value drawn; its p-value is Kolmogorov's
    (conservative for a law with atoms). In float64 this is the usual test. A
    NaN fails.
    """
    from scipy import stats

    x = np.asarray(sample).reshape(-1)
    if np.isnan(x.astype(np.float64)).any():
        return 0.0
    if x.dtype.kind != "f" and x.dtype.name != "bfloat16":
        x = x.astype(np.float64)
    values, counts = np.unique(x, return_counts=True)
    up = np.nextafter(values, np.array(np.inf, values.dtype)).astype(np.float64)
    down = np.nextafter(values, np.array(-np.inf, values.dtype)).astype(np.float64)
    v = values.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        high = np.asarray(law.cdf(np.where(np.isfinite(v), (v + up) / 2.0, v)), np.float64)
        low = np.asarray(law.cdf(np.where(np.isfinite(v), (down + v) / 2.0, v)), np.float64)
    n = x.size
    above = np.cumsum(counts) / n
    below = above - counts / n
    low = np.where(np.isneginf(v), 0.0, low)
    gap = max(float(np.max(np.abs(above - high))), float(np.max(np.abs(below - low))))
    return float(stats.kstwo.sf(gap, n))


def chi2_pvalue(sample: np.ndarray, law: object) -> float:
    """Chi-square p-value of an integer ``sample`` against ``law``'s pmf, over pooled bins.

    The support from the law's lowest value to the sample's largest is cut
    into consecutive bins each expected to hold at least 20 draws; the mass
    above the largest draw joins the last bin, the mass below the first the
    first. A draw outside the law's support fails the test.
    """
    from scipy import stats

    x = np.asarray(sample).reshape(-1).astype(np.int64)
    n = x.size
    low = int(max(law.support()[0], x.min()))
    if x.min() < law.support()[0] or x.max() > law.support()[1]:
        return 0.0
    values = np.arange(low, int(x.max()) + 1)
    probs = np.asarray(law.pmf(values), np.float64)
    probs[0] += float(law.cdf(low - 1))
    probs[-1] += float(law.sf(values[-1]))
    counts = np.bincount(x - low, minlength=values.size).astype(np.float64)
    obs, exp = [], []
    acc_o = acc_e = 0.0
    for o, e in zip(counts, probs * n, strict=True):
        acc_o += o
        acc_e += e
        if acc_e >= 20.0:
            obs.append(acc_o)
            exp.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0.0 or acc_o > 0.0:
        if not exp:
            return 1.0
        obs[-1] += acc_o
        exp[-1] += acc_e
    if len(exp) < 2:
        return 1.0 if counts.sum() == n else 0.0
    exp_arr = np.asarray(exp)
    return float(stats.chisquare(np.asarray(obs), exp_arr * n / exp_arr.sum()).pvalue)


def _decide(section: Section, family_alpha: float) -> float:
    """Set each row's verdict by Bonferroni over the section's p-values; return the level."""
    m = sum(len(row.pvalues) for row in section.rows)
    level = family_alpha / max(m, 1)
    for row in section.rows:
        if not row.verdict:
            row.verdict = FAILED if min(row.pvalues, default=1.0) < level else PASSED
    return level


def _dtype_name(dtype: str | None, out: np.ndarray) -> str:
    return dtype if dtype is not None else out.dtype.name


def _dtypes_of(case: _check_cases.Case, quick: bool) -> tuple:
    """The dtypes a case is drawn in: a quick run keeps fewer of the float dtypes."""
    if quick and case.dtypes == _check_cases.FLOAT_DTYPES:
        return _check_cases.QUICK_FLOAT_DTYPES
    return case.dtypes


def goodness_of_fit(seed: int, n: int, quick: bool, stream: object,
                    family_alpha: float, tick: Callable[[str], None]) -> Section:
    """Test every case of every sampler against its law in every dtype it offers.

    Args:
        seed: Keys are ``case_key(seed, tag)``.
        n: Draws per test (half precision: at most :data:`LOW_PRECISION_DRAWS`).
        quick: One parameter set per sampler, float32 and float64 only.
        stream: Where to draw (None or ``keyrand.gpu``).
        family_alpha: The section's significance level (Bonferroni-split).
        tick: Called with each test's name as it ends.

    Returns:
        The section, its data holding the first draw of each sampler for the figures.
    """
    section = Section("Goodness of fit", "")
    for case in _check_cases.cases(quick):
        fn = getattr(samplers, case.name)
        for dtype in _dtypes_of(case, quick):
            size = n if dtype not in ("float16", "bfloat16") else min(n, LOW_PRECISION_DRAWS)
            tag = f"{case.name}|{case.label}|{dtype}"
            wanted = None if dtype is None else _dtypes.as_dtype(dtype, "check")
            try:
                out = to_host(case.draw(fn, size, case_key(seed, tag), wanted, stream))
            except (ValueError, TypeError, RuntimeError) as err:
                if dtype is not None and "dtype" in str(err):
                    continue  # a dtype the sampler does not offer
                raise
            sample = case.reduce(out)
            test = chi2_pvalue if case.discrete else ks_pvalue
            p = test(sample, case.law)
            how = "chi-square" if case.discrete else "KS"
            section.rows.append(Row(case.name, f"{case.label}; {_dtype_name(dtype, out)}",
                                    (p,), "", f"{how}, n={sample.size}"))
            if case.name not in section.data:
                section.data[case.name] = (np.asarray(sample[:FIGURE_DRAWS]), case, dtype)
            tick(case.name)
    level = _decide(section, family_alpha)
    section.method = (f"Each sampler's draws under their own key against scipy.stats: "
                      f"Kolmogorov–Smirnov for continuous laws, chi-square over bins of at least "
                      f"20 expected draws for discrete ones; {n} draws per test "
                      f"({min(n, LOW_PRECISION_DRAWS)} in float16/bfloat16). A test FAILED when "
                      f"its p-value is below {level:.2g} ({family_alpha:g} over the section's "
                      f"{len(section.rows)} tests, Bonferroni).")
    return section


def _pair_pvalues(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Correlation of ``x`` and ``y``, its p-value (``r·√n`` normal), and the two-sample KS p."""
    from scipy import stats

    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    r = float(np.corrcoef(x, y)[0, 1])
    p_r = float(2.0 * stats.norm.sf(abs(r) * np.sqrt(x.size)))
    return r, p_r, float(stats.ks_2samp(x, y).pvalue)


def independence(seed: int, n: int, stream: object, family_alpha: float,
                 tick: Callable[[str], None]) -> Section:
    """Draws under related keys are uncorrelated and equally distributed.

    Args:
        seed: The root key is ``key(seed)``.
        n: Draws under each key.
        stream: Where to draw.
        family_alpha: The section's significance level.
        tick: Called as each pair ends.

    Returns:
        One row per pair of keys and sampler.
    """
    root = _keys.key(seed)
    siblings = to_host(samplers.split(root, 4))
    pairs: list[tuple[str, np.ndarray, np.ndarray]] = [
        (f"split(key, 4)[{i}] vs [{i + 1}]", siblings[i], siblings[i + 1]) for i in range(3)]
    pairs.append(("key vs split(key)[0]", root, to_host(samplers.split(root))[0]))
    for d in (0, 1000, (1 << 32) - 1):
        pairs.append((f"fold_in(key, {d}) vs fold_in(key, {d + 1})",
                      _keys.fold_in(root, d), _keys.fold_in(root, d + 1)))
    section = Section("Independence", "")
    for label, a, b in pairs:
        for name in ("uniform", "normal"):
            fn = getattr(samplers, name)
            x = to_host(fn(shape=(n,), key=a, stream=stream))
            y = to_host(fn(shape=(n,), key=b, stream=stream))
            r, p_r, p_ks = _pair_pvalues(x, y)
            section.rows.append(Row(name, label, (p_r, p_ks), "",
                                    f"r={r:+.2e}, correlation p={p_r:.3f}, KS p={p_ks:.3f}"))
            tick(f"independence {label}")
    level = _decide(section, family_alpha)
    section.method = (f"{n} float32 draws under each of two related keys: Pearson's correlation "
                      f"(r·√n standard normal) and the two-sample Kolmogorov–Smirnov test. A pair "
                      f"FAILED when a p-value is below {level:.2g} ({family_alpha:g} over the "
                      f"section's p-values, Bonferroni).")
    return section


#: The samplers and parameters of the chunk-invariance spot checks.
CHUNK_CASES: tuple[tuple[str, dict], ...] = (
    ("uniform", {}), ("normal", {"dtype": "float64"}), ("randint", {"low": 0, "high": 7}),
    ("gamma", {"a": 0.7}), ("beta", {"a": 2.0, "b": 0.5}), ("poisson", {"lam": 30.0}),
    ("binomial", {"n": 50.0, "p": 0.3}), ("vonmises", {"mu": 0.0, "kappa": 2.0}),
    ("zipf", {"a": 2.0}), ("t", {"df": 3.0}),
)


def chunk_invariance(seed: int, tick: Callable[[str], None]) -> Section:
    """``keyrand.dask`` draws equal the in-memory draw for several uneven chunkings.

    Args:
        seed: Keys are ``case_key(seed, "dask|" + name)``.
        tick: Called as each sampler ends.

    Returns:
        One row per sampler (PASSED when every chunking matches bit for bit).
    """
    method = ("Each sampler's (300, 41) draw through keyrand.dask with chunks of (7, 41), "
              "(128, 5) and (300, 13) equals the in-memory draw bit for bit.")
    section = Section("Chunk invariance (Dask)", method)
    try:
        from . import dask as kd
    except ImportError:
        section.skipped = "Dask is not installed: pip install 'keyrand[dask]'"
        return section
    shape = (300, 41)
    for name, params in CHUNK_CASES:
        key = case_key(seed, f"dask|{name}")
        whole = np.asarray(getattr(samplers, name)(shape=shape, key=key, **params))
        same = []
        for chunks in ((7, 41), (128, 5), (300, 13)):
            cut = getattr(kd, name)(shape=shape, key=key, chunks=chunks, **params).compute()
            same.append(np.array_equal(whole.view(np.uint8), np.asarray(cut).view(np.uint8)))
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "—"
        section.rows.append(Row(name, label, (), PASSED if all(same) else FAILED,
                                f"{sum(same)}/3 chunkings equal"))
        tick(f"dask {name}")
    return section


def gpu_against_cpu(seed: int, n: int, quick: bool, tick: Callable[[str], None]) -> Section:
    """Every case's draw on the GPU equals the CPU's (``orthogonal``: within rounding).

    Args:
        seed: Keys as :func:`goodness_of_fit`'s.
        n: Draws per comparison.
        quick: The quick run's cases and dtypes.
        tick: Called as each comparison ends.

    Returns:
        One row per case and dtype.
    """
    from . import _check_stream
    from ._devices import gpu

    method = (f"Each goodness-of-fit case's draw of {n} values with stream=keyrand.gpu equals "
              "the CPU's bit for bit (orthogonal: within the rounding of cuSOLVER against "
              "LAPACK); the raw stream's first blocks too.")
    section = Section("GPU against CPU", method)
    rows = []
    for index in range(4):
        same = np.array_equal(to_host(_check_stream.block(seed, index, gpu)),
                              _check_stream.block(seed, index))
        rows.append(same)
    section.rows.append(Row("stream", "blocks 0-3", (), PASSED if all(rows) else FAILED,
                            f"{sum(rows)}/4 blocks equal"))
    for case in _check_cases.cases(quick):
        fn = getattr(samplers, case.name)
        for dtype in _dtypes_of(case, quick):
            tag = f"{case.name}|{case.label}|{dtype}"
            wanted = None if dtype is None else _dtypes.as_dtype(dtype, "check")
            key = case_key(seed, tag)
            try:
                cpu = to_host(case.draw(fn, n, key, wanted, None))
            except (ValueError, TypeError, RuntimeError) as err:
                if dtype is not None and "dtype" in str(err):
                    continue
                raise
            dev = to_host(case.draw(fn, n, key, wanted, gpu))
            bound = GPU_TOLERANCE.get(case.name, {}).get(cpu.dtype.name)
            if bound is None:
                ok = cpu.shape == dev.shape and np.array_equal(
                    np.ascontiguousarray(cpu).view(np.uint8),
                    np.ascontiguousarray(dev).view(np.uint8))
                detail = "bit for bit" if ok else "differ"
            else:
                diff = float(np.max(np.abs(cpu.astype(np.float64) - dev.astype(np.float64))))
                ok = diff <= bound
                detail = f"largest difference {diff:.2g} (allowed {bound:g})"
            section.rows.append(Row(case.name, f"{case.label}; {_dtype_name(dtype, cpu)}", (),
                                    PASSED if ok else FAILED, detail))
            tick(f"gpu {case.name}")
    return section
