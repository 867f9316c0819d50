"""The layers hold: one registry, one backend interface, no import cycles, one sampler definition.

A sampler added through the registry (here a toy one, in a test) gets its
public function, its ``keyrand.dask`` builder and its CLI range draw with
nothing else written, and its values do not depend on how they are cut.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import numpy as np
import pytest
from dist_cases import CASES

import keyrand as kr
from keyrand import _backend, _checks, _codes, _registry, cli, samplers
from keyrand._registry import SAMPLERS, Start, sampler, unit_kernel
from keyrand._spec import Block, DrawSpec, Param, execute, execute_range


def test_one_registry_feeds_every_list():
    mlx = {"bits", "split", "permutation", "uniform", "randint", "bernoulli", "normal",
           "truncated_normal", "multivariate_normal", "gumbel", "laplace", "categorical"}
    # permuted has no shape, so tests/test_dists_gamma.py draws it rather than dist_cases.py.
    assert set(SAMPLERS) == mlx | {"integers", "permuted"} | set(CASES)
    assert set(SAMPLERS) <= set(kr.__all__)
    for name in SAMPLERS:
        assert getattr(kr, name) is getattr(samplers, name)
        assert getattr(kr, name).prepare is SAMPLERS[name].prepare
    assert cli.SAMPLERS == samplers.BY_NAME == tuple(n for n, s in SAMPLERS.items() if s.cli)
    assert set(SAMPLERS) <= set(_checks.BROADCAST_ARGS)


def test_public_signatures_are_the_prepare_signatures_and_out():
    for name, s in SAMPLERS.items():
        public = inspect.signature(getattr(kr, name))
        assert list(public.parameters) == [*inspect.signature(s.prepare).parameters, "out"]
        doc = getattr(kr, name).__doc__
        assert doc.count(_registry._OUT_DOC) == 1, name
        assert doc.replace(_registry._OUT_DOC, "") == s.prepare.__doc__


@pytest.mark.parametrize("cls_path", ["keyrand._cpu:CpuBackend", "keyrand._gpu:GpuBackend"])
def test_backends_implement_the_whole_protocol(cls_path):
    module, name = cls_path.split(":")
    cls = getattr(__import__(module, fromlist=[name]), name)
    wanted = [m for m in [*vars(_backend.Backend), *_backend.Backend.__annotations__]
              if not m.startswith("_")]
    assert wanted, "the protocol lists its members"
    missing = [m for m in wanted if m not in dir(cls) and m not in ("xp",)]
    assert not missing, f"{cls_path} lacks {missing}"
    for m in wanted:
        if callable(getattr(_backend.Backend, m, None)):
            want = list(inspect.signature(getattr(_backend.Backend, m)).parameters)
            got = list(inspect.signature(getattr(cls, m)).parameters)
            assert got == want, (m, got, want)


@pytest.mark.parametrize("module", ["keyrand._dtypes", "keyrand._keys", "keyrand._codes",
                                    "keyrand._checks", "keyrand._spec", "keyrand._registry",
                                    "keyrand.samplers"])
def test_no_backend_is_imported_by_the_layers_above(module):
    code = (f"import sys, {module}; "
            "loaded = [m for m in ('keyrand._cpu', 'keyrand._gpu', 'numba', 'cupy') "
            "if m in sys.modules]; print(loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"{module} loads {out}"


def test_backend_modules_do_not_import_samplers():
    for module in ("_cpu", "_gpu", "_cuda", "_transforms", "_mathf32", "_threefry"):
        source = inspect.getsource(__import__(f"keyrand.{module}", fromlist=["x"]))
        for upper in ("samplers", "_registry", "_spec", "_sample_", "dask"):
            assert f"from .{upper}" not in source and f"import {upper}" not in source, \
                (module, upper)


# ----------------------------------------------------------------------------- a toy sampler

def _toy(low: object = 0.0, shape: tuple = (), key: object = None,
         stream: object = None) -> DrawSpec:
    """``low + 2·u`` for u uniform(0, 1) in float32: a sampler written as one prepare function."""
    call = Start("toy", key, stream)
    lo = np.asarray(low, np.float32)
    dims = tuple(shape)
    return call.spec(dims, np.float32, unit_kernel(np.dtype(np.float32)), finish=_toy_finish,
                     params={"low": Param("low", lo, tuple(range(len(dims) - lo.ndim,
                                                                 len(dims))))})


def _toy_finish(block: Block, u: object, low: object) -> object:
    return np.asarray(low, np.float32) + np.float32(2) * u


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setattr(_registry, "SAMPLERS", dict(SAMPLERS))
    monkeypatch.setattr(_checks, "BROADCAST_ARGS", dict(_checks.BROADCAST_ARGS))
    from keyrand import dask as krd

    monkeypatch.setattr(krd, "SAMPLERS", _registry.SAMPLERS)
    return sampler("toy", arrays=("low",), broadcasts="shape, low")(_toy)


def test_a_new_sampler_is_one_prepare_function(toy):
    pytest.importorskip("dask")
    from keyrand import dask as krd

    k = kr.key(7)
    low = np.linspace(-3, 3, 6).astype(np.float32)
    want = toy(low, (5, 6), key=k)
    u = kr.uniform(shape=(5, 6), key=k)
    np.testing.assert_array_equal(want, low + np.float32(2) * u)
    for chunks in ((2, 4), (5, 1), 1):
        got = krd.build("toy", (low, (5, 6)), {"key": k}, chunks).compute(scheduler="sync")
        assert got.tobytes() == want.tobytes()
    spec = _toy(1.0, (100,), key=k)
    whole = _toy(1.0, (100,), key=k)
    assert execute_range(spec, 37, 71).tobytes() == execute(whole)[37:71].tobytes()


def test_execute_range_refuses_broadcast_draws():
    spec = SAMPLERS["normal"].prepare((3,), loc=np.zeros((2, 3), np.float32), key=kr.key(0))
    with pytest.raises(ValueError, match=r"\[normal\] this draw broadcasts"):
        execute_range(spec, 0, 2)


def test_kernel_codes_are_named_once():
    k = unit_kernel(np.dtype(np.float32))
    assert k.transform == _codes.UNIFORM and k.mode == k.rounding
    ri = SAMPLERS["randint"].prepare(0, 10, (4,), np.uint8, key=kr.key(0)).kernel
    assert ri.transform == _codes.RANDINT_CLAMPED
    assert ri.mode == ri.int_type == _codes.INT_CODES[np.dtype(np.uint8)]


def test_runs_are_whole_only_when_they_tile_the_stream_in_order():
    from keyrand._backend import Runs

    assert Runs(4, np.array([0]), 4).is_whole()
    assert Runs(4, np.array([0, 2]), 2).is_whole()
    assert Runs(0, np.zeros(0, np.int64), 0).is_whole()
    assert not Runs(4, np.array([0, 1]), 2).is_whole()  # overlapping, same word count
    assert not Runs(4, np.array([2, 0]), 2).is_whole()  # out of order
    assert not Runs(4, np.array([1]), 3).is_whole()
