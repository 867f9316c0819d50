"""Numba's disk cache is keyed on every kernel module: an edit to any of them recompiles.

Each case works on a private copy of the package (no cache files) imported by
fresh interpreters. ``NUMBA_DEBUG_CACHE`` makes Numba print every cache entry
it loads or saves, which tells whether a process compiled and where it stored
the result.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import keyrand

SOURCE = Path(keyrand.__file__).resolve().parent
#: The smallest draw whose numbers pass through a transform of _transforms.py.
DRAW = "import keyrand as kr\nprint('OUT', kr.uniform(shape=(8,), key=kr.key(3)).tobytes().hex())"
#: uniform's scale 2^-32 (_transforms.py); 2^-33 halves every sample exactly.
SCALE = "_INV_2_32 = _F32(2.0**-32)"
HALF_SCALE = "_INV_2_32 = _F32(2.0**-33)"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the keyrand package without any cache."""
    copy = tmp_path / "site" / "keyrand"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def run(package: Path, code: str, **env: str) -> tuple[list[str], list[Path], list[Path]]:
    """Run ``code`` in a fresh interpreter importing ``package``.

    Returns its ``OUT`` lines and the cache data files Numba saved and loaded.
    """
    environ = {k: v for k, v in os.environ.items()
               if k not in ("NUMBA_CACHE_DIR", "NUMBA_CACHE_LOCATOR_CLASSES")}
    environ.update(PYTHONPATH=str(package.parent), NUMBA_DEBUG_CACHE="1",
                   XDG_CACHE_HOME=str(package.parents[1] / "user-cache"), **env)
    code = f"import keyrand\nassert keyrand.__file__.startswith({str(package)!r})\n{code}"
    lines = subprocess.run([sys.executable, "-c", code], env=environ, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    out = [line[4:] for line in lines if line.startswith("OUT ")]

    def files(verb: str) -> list[Path]:
        return [Path(m[1]) for line in lines if (m := re.match(rf"\[cache\] data {verb} '(.+)'$",
                                                                  line))]

    return out, files("saved to"), files("loaded from")


def uniform(out: list[str]) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(out[0]), np.float32)


def test_edit_to_any_kernel_module_recompiles(package):
    first, saved, _ = run(package, DRAW)
    assert saved, "the first draw compiles and stores its kernels"

    again, saved_again, loaded = run(package, DRAW)
    assert again == first and loaded and not saved_again, "a second process loads them"

    samplers = package / "samplers.py"
    samplers.write_text(samplers.read_text() + "\n# not kernel code\n")
    again, saved_again, _ = run(package, DRAW)
    assert again == first and not saved_again, "an edit outside the kernel modules keeps them"

    transforms = package / "_transforms.py"
    source = transforms.read_text()
    assert source.count(SCALE) == 1, "uniform's scale moved: update this test"
    transforms.write_text(source.replace(SCALE, HALF_SCALE))
    edited, saved_edited, _ = run(package, DRAW)
    assert np.array_equal(uniform(edited), uniform(first) / 2), "stale kernels ran"
    assert saved_edited

    transforms.write_text(source)
    reverted, saved_reverted, _ = run(package, DRAW)
    assert reverted == first and not saved_reverted, "the earlier source's kernels are kept"

    # Every entry of a source lies in one folder of the package's __pycache__, one per source.
    folders = {p.parent for p in saved}, {p.parent for p in saved_edited}
    assert all(len(f) == 1 for f in folders) and folders[0] != folders[1]
    for (folder,) in folders:
        assert folder.parent == package / "__pycache__"
        assert re.fullmatch(r"numba-[0-9a-f]{16}", folder.name)
    assert not list((package / "__pycache__").glob("*.nb[ic]"))


LOCATION = ("from keyrand._numba_cache import KernelCacheLocator\n"
            "print('OUT', KernelCacheLocator.folder)")


def test_folder_without_writable_pycache_or_with_numba_cache_dir(package, tmp_path):
    (package / "__pycache__").write_text("a file where the folder would go\n")
    (out,), _, _ = run(package, LOCATION)
    user = tmp_path / "user-cache" / "numba"
    assert Path(out).parent.parent == user and Path(out).parent.name.startswith("keyrand_")

    (out,), _, _ = run(package, LOCATION, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache-dir"))
    assert Path(out).parent.parent == tmp_path / "numba-cache-dir"


def test_old_folders_are_pruned_least_recently_used_first(package):
    pycache = package / "__pycache__"
    old = [pycache / f"numba-{i:016x}" for i in range(6)]
    for i, folder in enumerate(old):
        folder.mkdir(parents=True)
        os.utime(folder, (1e9 + i, 1e9 + i))
    (out,), _, _ = run(package, LOCATION)
    from keyrand._numba_cache import KEEP
    kept = sorted(p for p in pycache.iterdir() if p.name.startswith("numba-"))
    assert kept == sorted([*old[-KEEP:], Path(out)])


def test_other_modules_keep_numbas_own_cache(package, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "mod.py").write_text("from numba import njit\n\n\n"
                                  "@njit(cache=True)\ndef f(x):\n    return x + 1\n")
    code = f"import sys\nsys.path.append({str(other)!r})\nimport keyrand._cpu\nimport mod\nmod.f(1)"
    _, saved, _ = run(package, code)
    assert [p.parent for p in saved] == [other / "__pycache__"]


def test_every_module_with_cached_kernels_installs_the_locator_and_is_fingerprinted():
    from keyrand._numba_cache import kernel_modules

    kernels = [p for p in SOURCE.glob("*.py")
               if p.name != "_numba_cache.py" and "@njit(cache=True" in p.read_text()]
    assert kernels
    for path in kernels:
        assert "_numba_cache" in path.read_text(), path.name
    assert set(kernels) <= set(kernel_modules())
    for name in ("_codes.py", "samplers.py", "dask.py", "cli.py"):
        assert (SOURCE / name in kernel_modules()) == (name == "_codes.py")
