"""Streams past 2^32 words: JAX's rule, by index, in memory, by blocks and in Dask (§3.3).

The oracle is JAX's non-partitionable threefry: its words at block
boundaries recorded by ``scripts/record_jax.py`` (and re-asked from
JAX where it is installed), and for the samplers the rule itself: the last
block of a long draw is a short, MLX-verified draw under a subkey of
``split``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keyrand as kr
from keyrand import _stream, samplers
from keyrand._backend import Runs
from keyrand._spec import execute_block, execute_range

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))
from long_stream_proof import as_shape as _shape  # noqa: E402

DATA = json.loads((Path(__file__).parent / "data" / "jax_threefry.json").read_text())
B = 2**32 - 1


def _words_by_index(seed: int, total: int, idx: list[int]) -> list[int]:
    """Words ``idx`` of ``key(seed)``'s ``total``-word stream, each drawn alone."""
    from keyrand._cpu import BACKEND

    out = np.empty(len(idx), np.uint32)
    _stream.fill(BACKEND, out, kr.key(seed), _stream._WORDS, Runs(total, np.array(idx), 1))
    return out.tolist()


@pytest.mark.parametrize("case", DATA["cases"], ids=lambda c: f"{c['seed']}-{c['total']}")
def test_words_at_block_boundaries_equal_jax(case):
    """Recorded JAX words at the block edges and layout halves of each block."""
    got = _words_by_index(case["seed"], case["total"], case["indices"])
    assert got == case["words"]


def test_recorded_words_still_equal_jax():
    """Where JAX is installed, re-ask it for one recorded case (the file is not stale)."""
    pytest.importorskip("jax", reason="jax is not installed (the recorded file is the oracle)")
    from record_jax import jax_words

    case = next(c for c in DATA["cases"] if c["total"] == 2 * B + 3)
    assert jax_words(case["seed"], case["total"], case["indices"]) == case["words"]


def test_up_to_2_to_32_words_is_mlx_layout():
    """At exactly 2^32 words the stream is still MLX's (JAX switches to subkeys already)."""
    k = kr.key(3)
    spec = kr.bits.prepare((2**16, 2**16), key=k)
    last = execute_range(spec, 2**32 - 3, 2**32)
    from keyrand._threefry import threefry2x32

    h = 2**31
    want = [threefry2x32(k[0], k[1], j, j + h)[1] for j in (h - 3, h - 2, h - 1)]
    assert last.tolist() == [int(w) for w in want]


ELEMENTWISE = {
    "uniform": {},
    "normal": {},
    "gumbel": {},
    "laplace": {},
    "truncated_normal": {"lower": -1.0, "upper": 2.0},
    "bernoulli": {"p": 0.3},
    "randint": {"low": -5, "high": 1000},
    "integers": {"low": -5, "high": 100, "dtype": np.int8},
}


@pytest.mark.parametrize("name", list(ELEMENTWISE))
@pytest.mark.parametrize("rem", [1, 7, 4099])
def test_last_block_is_a_short_draw_under_the_last_subkey(name, rem):
    """Elements of the last block equal the same sampler's draw of ``rem`` under split(key)[-1]."""
    k = kr.key(11)
    total = 2 * B + rem
    params = ELEMENTWISE[name]
    got = samplers.sample_range(name, _shape(total), k, 2 * B, total, **params)
    want = samplers.sample(name, (rem,), kr.split(k, 3)[2], **params)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_first_block_is_a_full_block_under_the_first_subkey(name):
    """An element range inside block 1 equals the same range of a (2^32 − 1)-word draw."""
    k = kr.key(12)
    params = ELEMENTWISE[name]
    sub = kr.split(k, 3)[1]
    got = samplers.sample_range(name, _shape(2 * B + 5), k, B + 2**31 - 3, B + 2**31 + 3,
                                **params)
    want = samplers.sample_range(name, _shape(B), sub, 2**31 - 3, 2**31 + 3, **params)
    np.testing.assert_array_equal(got, want)


def test_complex64_and_narrow_bits_cross_blocks():
    """Two words per element and bytes of words, past a block edge."""
    k = kr.key(13)
    n = B + 6  # complex64: 2n = 2B + 12 words, elements B.. are the 12-word last block
    z = execute_range(kr.normal.prepare(_shape(n), dtype=np.complex64, key=k), B, n)
    want = kr.normal((6,), dtype=np.complex64, key=kr.split(k, 3)[2])
    np.testing.assert_array_equal(z, want)
    b8 = execute_range(kr.bits.prepare((2**24 + 1, 2**10), width=1, key=k),
                       4 * B - 8, 4 * B + 8)
    w = execute_range(kr.bits.prepare((2**24 + 1, 2**8), key=k), B - 2, B + 2)
    np.testing.assert_array_equal(b8, w.view(np.uint8))


@settings(deadline=None, max_examples=25)
@given(starts=st.lists(st.integers(0, 3 * B + 99), min_size=1, max_size=6, unique=True),
       run=st.integers(1, 2 * B))
def test_pieces_cover_the_runs(starts, run):
    """Cut at block edges, the pieces give back every word position once, in order."""
    total = 3 * B + 100
    starts = np.array(sorted(s for s in starts if s + run <= total), np.int64)
    pieces = _stream.pieces(Runs(total, starts, run))
    assert sum(p.hi - p.lo for p in pieces) == starts.size * run
    lo = 0
    for p in pieces:
        assert p.lo == lo and p.hi - p.lo == p.runs.size
        first = p.block * B + int(p.runs.starts[0])
        r, t = divmod(p.lo, run)
        assert first == int(starts[r]) + t
        assert int(p.runs.starts.max()) + p.runs.run <= p.runs.total == _stream.block_size(
            total, p.block)
        lo = p.hi


def test_long_split():
    """split(key, num) with 2·num > 2^32 words: subkeys by JAX's rule too."""
    k = kr.key(14)
    num = 2**31 + 3  # 2^32 + 6 words: block 0 and the 7-word last block
    spec = kr.split.prepare(k, num)
    tail = execute_block(spec, (slice(num - 3, num), slice(0, 2)))
    words = samplers.sample("bits", (7,), kr.split(k, 2)[1])
    np.testing.assert_array_equal(tail.reshape(-1), words[1:])


def test_dask_blocks_across_block_edges():
    """keyrand.dask chunks of a 2^34-element array equal the same indices drawn alone."""
    krd = pytest.importorskip("keyrand.dask")
    k = kr.key(15)
    shape = (2**17, 2**17)
    x = krd.uniform(shape=shape, key=k, chunks=(2**8 + 3, 2**13))
    row = B // 2**17  # the row holding the first block edge
    got = x[row - 1:row + 2, :].compute()
    want = samplers.sample_range("uniform", shape, k, (row - 1) * 2**17, (row + 2) * 2**17)
    np.testing.assert_array_equal(got.reshape(-1), want)
    corner = x[-3:, -5:].compute()
    spec = kr.uniform.prepare(shape=shape, key=k)
    np.testing.assert_array_equal(corner, execute_block(spec, (slice(2**17 - 3, 2**17),
                                                               slice(2**17 - 5, 2**17))))


def test_categorical_and_mvn_keep_the_mlx_limit():
    k = kr.key(0)
    with pytest.raises(ValueError, match=r"\[categorical\] shape: .* at most 2\*\*32"):
        kr.categorical(np.zeros(3, np.float32), shape=(641, 6700417), key=k)
    with pytest.raises(ValueError, match=r"\[multivariate_normal\] shape: .* at most 2\*\*32"):
        kr.multivariate_normal(np.zeros(2, np.float32), np.eye(2, dtype=np.float32),
                               (2**16, 2**15 + 1), key=k)
