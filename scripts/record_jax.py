"""Record JAX's legacy threefry answers into ``tests/data/jax_threefry.json``.

keyrand's keys are JAX's legacy keys: ``fold_in`` and ``split`` give JAX's
keys, and past 2^32 words a stream follows JAX's non-partitionable threefry
rule (docs/algorithms.md §2.1, §3.3). This script asks JAX itself for

* ``fold_in(key, d)`` over seeds and 32-bit data, and ``split(key, num)``;
* the words of streams longer than 2^32 words at chosen indices (block
  boundaries, the halves of each block's layout, the last words),

so ``tests/test_keys.py`` and ``tests/test_long_stream.py`` check keyrand
against JAX even where JAX is not installed. Run it with JAX:

    PYTHONPATH=src python scripts/record_jax.py            # rewrites the file
    PYTHONPATH=src python scripts/record_jax.py --check    # compares, writes nothing

A word is taken from JAX by index, without drawing the whole stream: its
block's subkey comes from ``jax.random.split`` on the legacy key, and its
counter pair from the layout of JAX's ``threefry_2x32`` over ``iota(L)`` for
the block's length ``L`` (the counts padded with one zero when ``L`` is
odd, then cut in two halves: word ``t < L'/2`` is the first output of pair
``(t, t + L'/2)``, a later word the second output of pair ``(t − L'/2, t)``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "jax_threefry.json"
BLOCK = 2**32 - 1
SEEDS = [0, 42, 2**64 - 1, 0x123456789ABCDEF]
SIZES = [2**32 + 1, 2**32 + 5, 2 * BLOCK + 3, 2**34, 2**40 + 7, 2**61]


def indices(total: int) -> list[int]:
    """Boundary indices of a ``total``-word stream: block edges and each block's layout halves."""
    nblocks, rem = divmod(total, BLOCK)
    picked = {0, 1, total - 2, total - 1}
    for b in range(min(nblocks, 3)) or [0]:
        lo = b * BLOCK
        h = (BLOCK + 1) // 2
        picked |= {lo + t for t in (0, 1, h - 2, h - 1, h, h + 1, BLOCK - 2, BLOCK - 1)}
    last = nblocks * BLOCK
    h = (rem + 1) // 2
    picked |= {last + t for t in (0, 1, h - 1, h, rem - 1) if 0 <= t < rem}
    return sorted(i for i in picked if 0 <= i < total)


def jax_words(seed: int, total: int, idx: list[int]) -> list[int]:
    """Words ``idx`` of the ``total``-word stream of ``key(seed)`` by JAX's rule."""
    import jax
    from jax._src.random.threefry2x32 import threefry_2x32

    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_threefry_partitionable", False)
    key = np.array([seed >> 32, seed & 0xFFFFFFFF], np.uint32)
    nblocks, rem = divmod(total, BLOCK)
    subkeys = np.asarray(jax.random.split(jax.numpy.asarray(key), nblocks + 1))
    out = []
    for i in idx:
        b, t = divmod(i, BLOCK)
        length = BLOCK if b < nblocks else rem
        half = (length + (length & 1)) // 2
        if t < half:
            pair, which = (t, t + half if t + half < length else 0), 0
        else:
            pair, which = (t - half, t), 1
        x = threefry_2x32(jax.numpy.asarray(subkeys[b]), jax.numpy.asarray(pair, np.uint32))
        out.append(int(np.asarray(x)[which]))
    return out


def jax_keys() -> dict:
    """``fold_in`` and ``split`` of legacy keys, from JAX."""
    import jax

    jax.config.update("jax_platforms", "cpu")
    jax.config.update("jax_threefry_partitionable", False)
    fold, split = [], []
    for seed in SEEDS:
        key = jax.numpy.asarray(np.array([seed >> 32, seed & 0xFFFFFFFF], np.uint32))
        for d in (0, 1, 2, 7, 2**16 + 3, 2**31, 2**32 - 1):
            fold.append({"seed": seed, "data": d,
                         "key": np.asarray(jax.random.fold_in(key, d)).tolist()})
        for num in (1, 2, 3, 5):
            split.append({"seed": seed, "num": num,
                          "keys": np.asarray(jax.random.split(key, num)).tolist()})
    return {"fold_in": fold, "split": split}


def record() -> list[dict]:
    cases = []
    for seed in SEEDS:
        for total in SIZES:
            idx = indices(total)
            cases.append({"seed": seed, "total": total, "indices": idx,
                          "words": jax_words(seed, total, idx)})
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file, write nothing")
    args = parser.parse_args()
    import jax

    doc = {"jax": jax.__version__, "rule": "jax_threefry_partitionable=False", **jax_keys(),
           "cases": record()}
    if args.check:
        same = json.loads(OUT.read_text()) == doc
        print("same as the recorded file" if same else "DIFFERENT from the recorded file")
        return 0 if same else 1
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(doc['cases'])} stream cases and the key answers to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
