"""The ``keyrand`` command: demo and blocked sampling to .npy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import keyrand as kr
from keyrand.cli import main


def test_demo_runs(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "same key, same numbers: True" in out
    assert "NO" not in out


@pytest.mark.parametrize("sampler,params,dtype", [
    ("uniform", ["low=-2", "high=3"], "float32"),
    ("normal", ["loc=1.5", "scale=0.25"], "bfloat16"),
    ("gumbel", [], "float16"),
    ("laplace", ["scale=2"], "float64"),
    ("truncated_normal", ["lower=-1", "upper=2"], "float32"),
    ("bernoulli", ["p=0.3"], None),
    ("randint", ["low=-5", "high=300"], "int16"),
    ("bits", [], None),
])
def test_blocked_file_equals_one_shot(tmp_path, sampler, params, dtype):
    shape = [1001, 7]
    args = ["sample", sampler, "--shape", *map(str, shape), "--seed", "11"]
    args += [f"--param={p}" for p in params]
    if dtype:
        args += ["--dtype", dtype]
    assert main(args + ["--out", str(tmp_path / "one.npy")]) == 0
    assert main(args + ["--out", str(tmp_path / "blocks.npy"), "--block", "997"]) == 0
    one = (tmp_path / "one.npy").read_bytes()
    assert one == (tmp_path / "blocks.npy").read_bytes()
    kwargs = {k: float(v) if "." in v else int(v) for k, v in (p.split("=") for p in params)}
    if dtype:
        kwargs["dtype"] = dtype
    want = getattr(kr, sampler)(shape=tuple(shape), key=kr.key(11), **kwargs)
    got = np.load(tmp_path / "one.npy")
    assert got.tobytes() == want.tobytes()


def test_bad_arguments_exit_cleanly(tmp_path):
    code = main(["sample", "uniform", "--shape", "3", "--dtype", "int32",
                 "--out", str(tmp_path / "x.npy")])
    assert code == 2


def test_console_script_entry_point():
    result = subprocess.run([sys.executable, "-m", "keyrand.cli", "demo"], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "split(key(0), 3)" in result.stdout
