"""The suite's own behaviour: clean skips without MLX or CuPy, one summary line per reason."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO

from keyrand import _gpu


def test_without_mlx_and_cupy_each_skip_is_one_line(tmp_path):
    """With MLX hidden, the differential module is skipped once (it used to fail to collect);
    without CuPy, the GPU tests give one summary line, not one per test."""
    shim = tmp_path / "mlx"
    shim.mkdir()
    (shim / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'mlx'\", name='mlx')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO / "src")])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-n", "0",
         "tests/test_differential.py", "tests/test_gpu.py",
         "tests/test_placement.py::test_stream_argument_rejects_other_types"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert sum("test_differential.py" in s for s in skips) == 1, skips
    assert "mlx (the oracle) is not installed" in out
    if _gpu.cupy is None:
        assert len([s for s in skips if "CuPy is not installed" in s]) == 1, skips
    assert "empty parameter set" not in out
