"""JAX as a second oracle for bits and split: its non-partitionable threefry has MLX's layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import keyrand as kr

jax = pytest.importorskip("jax", reason="jax is not installed (optional second oracle)")
jax.config.update("jax_platforms", "cpu")
jax.config.update("jax_threefry_partitionable", False)


def _jax_key(seed: int):
    return jax.random.wrap_key_data(np.asarray(kr.key(seed)), impl="threefry2x32")


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 2**64 - 1), n=st.integers(0, 3000))
def test_bits_equal_jax(seed, n):
    want = np.asarray(jax.random.bits(_jax_key(seed), (n,), dtype=np.uint32))
    np.testing.assert_array_equal(kr.bits((n,), key=kr.key(seed)), want)


@settings(deadline=None, max_examples=60)
@given(seed=st.integers(0, 2**64 - 1), num=st.integers(1, 300))
def test_split_equals_jax(seed, num):
    want = np.asarray(jax.random.key_data(jax.random.split(_jax_key(seed), num)))
    np.testing.assert_array_equal(kr.split(kr.key(seed), num), want)
