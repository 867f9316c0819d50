"""The CUDA template ships as package data and the generator fills every placeholder.

No GPU is needed: these check the text keyrand._cuda hands to NVRTC.
"""

import fnmatch
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from keyrand import _codes, _cuda, _gpu, _mathconst

ROOT = Path(__file__).resolve().parents[1]


def test_template_is_found_as_package_resource():
    res = resources.files("keyrand").joinpath(_cuda.TEMPLATE)
    assert res.is_file()
    assert "__global__ void" in res.read_text(encoding="utf-8")


def test_pyproject_ships_the_template():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["keyrand"]
    assert any(fnmatch.fnmatch(_cuda.TEMPLATE, p) for p in patterns)


def test_template_has_placeholders_and_source_fills_them_all():
    names = set(re.findall(r"\$\{([A-Z0-9_]+)\}", _cuda.template()))
    assert {"CONSTANTS", "THREEFRY", "ERFINV_TAIL"} <= names
    src = _cuda.source()
    assert "$" not in src
    assert "@" not in src


def test_every_macro_the_template_reads_is_defined():
    tpl = _cuda.template()
    used = set(re.findall(r"\bKR_[A-Z0-9_]+\b", tpl))
    own = set(re.findall(r"#define (KR_[A-Z0-9_]+)", tpl)) | set(
        re.findall(r"#ifn?def (KR_[A-Z0-9_]+)", tpl))
    generated = set(re.findall(r"#define (KR_[A-Z0-9_]+)", _cuda._defines()))
    assert used - own <= generated, sorted(used - own - generated)


def test_codes_are_printed_as_ints():
    defines = _cuda._defines()
    for code in (*_codes.Transform, *_codes.Rounding, *_codes.IntType):
        prefix = {_codes.Transform: "KR_", _codes.Rounding: "KR_RD_", _codes.IntType: "KR_INT_"}
        assert f"#define {prefix[type(code)]}{code.name} {int(code)}\n" in defines + "\n"


def test_no_constant_of_mathconst_is_repeated_in_the_template():
    # Bit patterns and thresholds live in keyrand._mathconst; the template names them.
    tpl = re.sub(r"//.*", "", _cuda.template()).lower()  # code only, not comments
    for name in dir(_mathconst):
        value = getattr(_mathconst, name)
        if name.isupper() and isinstance(value, int) and abs(value) >= 0x1000:
            for text in (f"{value:#x}", f"{value & 0xFFFFFFFF:#010x}", str(value)):
                assert text not in tpl, (name, text)


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="needs the CUDA compiler (nvcc)")
def test_source_compiles_with_nvcc(tmp_path):
    # Instantiate one kernel per family so the templates are compiled, not only parsed.
    inst = "\n".join(
        f"template __global__ void kr_fill<{k}, {r}, {t}>({t} *, kr_u32, kr_u32, "
        f"const kr_u32 *, kr_u64, kr_u64, int, KR_PARAM_ARGS);"
        for k, r, t in ((1, 1, "float"), (2, 0, "float"), (3, 2, "float"), (4, 0, "float"),
                        (12, 0, "double"), (11, 1, "int"), (13, 9, "unsigned int"))
    ) + "\n" + "\n".join(  # and every distribution's kernel (docs/distributions.md)
        f"template __global__ void kr_dist<{int(d)}, float>(float *, const kr_u32 *, "
        "const kr_i64 *, kr_u64, kr_u64, int, const double *, kr_u64, const double *, kr_u64, "
        "const double *, kr_u64);" for d in _codes.Dist)
    path = tmp_path / "kr.cu"
    path.write_text(_cuda.source() + "\n" + inst + "\n")
    res = subprocess.run(["nvcc", *_gpu.OPTIONS, "-c", str(path), "-o",
                          str(tmp_path / "kr.o")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-4000:]
