"""The ``keyrand`` command: demo, block-by-block writes, file handling, flags, signals."""

from __future__ import annotations

import inspect
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import keyrand as kr
from keyrand import cli, samplers
from keyrand.cli import main


def npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "keyrand", *args], capture_output=True,
                          text=True, timeout=300, **kwargs)


def test_demo_runs(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "same key, same numbers: True" in out
    assert "NO" not in out


# ----------------------------------------------------------------------------- every draw

# (sampler, --param texts, the same parameters as Python values, dtype)
DRAWS = [
    ("bits", [], {}, None),
    ("bits", ["width=1"], {"width": 1}, None),
    ("bits", ["width=2"], {"width": 2}, None),
    ("uniform", ["low=-2", "high=3"], {"low": -2, "high": 3}, "float32"),
    ("uniform", [], {}, "float16"),
    ("uniform", ["low=0.5"], {"low": 0.5}, "bfloat16"),
    ("normal", ["loc=1.5", "scale=0.25"], {"loc": 1.5, "scale": 0.25}, "bfloat16"),
    ("normal", [], {}, "float32"),
    ("normal", [], {}, "float64"),
    ("normal", ["loc=-1", "scale=3"], {"loc": -1, "scale": 3}, "float64"),
    ("normal", [], {}, "complex64"),
    ("normal", ["loc=2", "scale=0.5"], {"loc": 2, "scale": 0.5}, "complex64"),
    ("gumbel", [], {}, "float16"),
    ("laplace", ["scale=2"], {"scale": 2.0}, "float64"),
    ("laplace", ["loc=1", "scale=0.5"], {"loc": 1.0, "scale": 0.5}, "float32"),
    ("truncated_normal", ["lower=-1", "upper=2"], {"lower": -1, "upper": 2}, "float32"),
    ("truncated_normal", ["lower=-0.5", "upper=3"], {"lower": -0.5, "upper": 3}, "float16"),
    ("bernoulli", ["p=0.3"], {"p": 0.3}, None),
    ("randint", ["low=-5", "high=300"], {"low": -5, "high": 300}, "int16"),
    ("randint", ["low=3", "high=1000"], {"low": 3, "high": 1000}, "uint32"),
    # A bound beyond 2**32: MLX's uint32 cast then depends on the element's position.
    ("randint", ["low=0", "high=5e9"], {"low": 0, "high": 5e9}, "uint32"),
    ("randint", ["low=0", "high=2"], {"low": 0, "high": 2}, "bool"),
]
IDS = [f"{s}-{d}-{'-'.join(p) or 'default'}" for s, p, _, d in DRAWS]


def cli_args(sampler, params, dtype, shape, seed=11):
    args = ["sample", sampler, "--shape", *map(str, shape), "--seed", str(seed)]
    args += [f"--param={p}" for p in params]
    return args + (["--dtype", dtype] if dtype else [])


def in_memory(sampler, kwargs, dtype, shape, seed=11):
    extra = {"dtype": dtype} if dtype else {}
    return getattr(kr, sampler)(shape=tuple(shape), key=kr.key(seed), **kwargs, **extra)


@pytest.mark.parametrize("sampler,params,kwargs,dtype", DRAWS, ids=IDS)
@pytest.mark.parametrize("block,shape", [(1 << 24, [1001, 7]), (997, [1001, 7]), (7, [11, 13])])
def test_file_is_np_save_of_the_draw(tmp_path, capsys, sampler, params, kwargs, dtype, block,
                                     shape):
    out = tmp_path / "x.npy"
    assert main(cli_args(sampler, params, dtype, shape) + ["--out", str(out),
                                                           "--block", str(block)]) == 0
    assert out.read_bytes() == npy_bytes(in_memory(sampler, kwargs, dtype, shape))
    assert [p.name for p in tmp_path.iterdir()] == ["x.npy"]
    assert f"wrote {out}" in capsys.readouterr().out


@pytest.mark.parametrize("sampler,params,kwargs,dtype", DRAWS, ids=IDS)
def test_large_odd_blocks(tmp_path, sampler, params, kwargs, dtype):
    shape = [2_000_011]
    out = tmp_path / "x.npy"
    assert main(cli_args(sampler, params, dtype, shape) + ["--out", str(out),
                                                           "--block", "1000003"]) == 0
    assert out.read_bytes() == npy_bytes(in_memory(sampler, kwargs, dtype, shape))


@pytest.mark.parametrize("sampler,params,dtype", [
    ("normal", [], "complex64"),
    ("normal", ["loc=1"], "float64"),
    ("laplace", [], "float64"),
    ("bits", ["width=2"], None),
    ("randint", ["low=0", "high=5e9"], "uint32"),
])
def test_blocks_keep_memory_bounded(tmp_path, sampler, params, dtype):
    shape, block = [4_000_000], 100_003
    args = cli_args(sampler, params, dtype, shape) + ["--block", str(block)]
    assert main(args[:3] + ["10"] + args[4:] + ["--out", str(tmp_path / "warm")]) == 0
    tracemalloc.start()
    try:
        assert main(args + ["--out", str(tmp_path / "x")]) == 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    written = (tmp_path / "x.npy").stat().st_size
    assert written >= 4_000_000 * 2
    assert peak < written / 4, f"peak {peak} bytes for a {written}-byte file"


def test_sample_range_pieces_equal_the_draw():
    key = kr.key(3)
    for name, _, kwargs, dtype in DRAWS:
        extra = {"dtype": dtype} if dtype else {}
        for n in (0, 1, 3, 4, 5, 9):
            want = samplers.sample(name, (n,), key, **kwargs, **extra).reshape(-1)
            for step in (1, 2, 3, 4):
                got = [samplers.sample_range(name, (n,), key, s, min(n, s + step), **kwargs,
                                             **extra) for s in range(0, n, step)]
                got = np.concatenate(got) if got else want[:0]
                assert got.dtype == want.dtype
                assert got.tobytes() == want.tobytes(), (name, kwargs, dtype, n, step)


def test_sample_range_refuses_a_bad_range():
    with pytest.raises(ValueError, match=r"\[uniform\].*5:4"):
        samplers.sample_range("uniform", (10,), kr.key(0), 5, 4)
    with pytest.raises(ValueError, match=r"\[uniform\].*8:11"):
        samplers.sample_range("uniform", (10,), kr.key(0), 8, 11)


def test_bfloat16_reads_back_as_printed(tmp_path, capsys):
    out = tmp_path / "h.npy"
    assert main(["sample", "normal", "--shape", "100", "--dtype", "bfloat16",
                 "--out", str(out), "--block", "33"]) == 0
    printed = capsys.readouterr().out
    assert f"np.load({str(out)!r}).view(ml_dtypes.bfloat16)" in printed
    got = np.load(out).view(ml_dtypes.bfloat16)
    want = kr.normal(shape=(100,), dtype=kr.bfloat16, key=kr.key(0))
    assert got.dtype == want.dtype
    assert got.tobytes() == want.tobytes()


# ----------------------------------------------------------------------------- the file

@pytest.mark.parametrize("block", ["16777216", "7"])
def test_out_gets_npy_appended_and_named(tmp_path, capsys, block):
    out = tmp_path / "a"
    assert main(["sample", "uniform", "--shape", "50", "--out", str(out), "--block", block]) == 0
    assert not out.exists()
    assert (tmp_path / "a.npy").exists()
    assert capsys.readouterr().out.startswith(f"wrote {out}.npy:")


@pytest.mark.parametrize("out", [".", "folder", "folder/", "sub.npy"])
def test_folder_as_out_is_refused(tmp_path, monkeypatch, capsys, out):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "sub.npy").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["sample", "uniform", "--shape", "5", "--out", out]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"keyrand: error: cannot write {out}") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not any((tmp_path / "folder").iterdir())


def test_missing_folder_is_one_line(tmp_path):
    target = tmp_path / "nope" / "x.npy"
    r = run_cli("sample", "uniform", "--shape", "5", "--out", str(target))
    assert r.returncode == 1
    assert r.stderr == f"keyrand: error: cannot write {target}: no folder {target.parent}\n"
    assert not target.parent.exists()


def test_unwritable_folder(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli, "open", refuse, raising=False)
    target = tmp_path / "x.npy"
    assert main(["sample", "uniform", "--shape", "5", "--out", str(target)]) == 1
    assert capsys.readouterr().err == (f"keyrand: error: cannot write {target}: "
                                       "Permission denied\n")
    assert not any(tmp_path.iterdir())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes to read-only folders")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        r = run_cli("sample", "uniform", "--shape", "5", "--out", str(folder / "x"))
    finally:
        folder.chmod(0o700)
    assert r.returncode == 1
    assert r.stderr.startswith(f"keyrand: error: cannot write {folder / 'x.npy'}: ")
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_error_mid_write_keeps_the_old_file(tmp_path, monkeypatch, capsys):
    target = tmp_path / "x.npy"
    target.write_bytes(b"earlier contents")
    real = samplers.sample_range
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise MemoryError("no memory for this block")
        return real(*args, **kwargs)

    monkeypatch.setattr(samplers, "sample_range", failing)
    assert main(["sample", "normal", "--shape", "1000", "--block", "100",
                 "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert err == "keyrand: error: MemoryError: no memory for this block\n"
    assert target.read_bytes() == b"earlier contents"
    assert [p.name for p in tmp_path.iterdir()] == ["x.npy"]


def _wait_for_part_file(folder: Path, proc: subprocess.Popen) -> None:
    """Wait (at most 5 minutes: a cold Numba cache compiles first) until blocks are written."""
    for _ in range(30_000):
        parts = list(folder.glob(".big.npy.*.part"))
        if parts and parts[0].stat().st_size > (1 << 20):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.01)
    proc.kill()
    out, err = proc.communicate()
    pytest.fail(f"no temporary file grew beside the target (rc {proc.returncode}): {err}")


@pytest.mark.parametrize("sig,earlier", [(signal.SIGINT, True), (signal.SIGTERM, True),
                                         (signal.SIGINT, False)],
                         ids=["SIGINT-earlier-file", "SIGTERM-earlier-file", "SIGINT-no-file"])
def test_interrupted_write_leaves_no_corrupt_file(tmp_path, sig, earlier):
    target = tmp_path / "big.npy"
    old = npy_bytes(np.arange(10))
    if earlier:
        target.write_bytes(old)
    # 2e8 float32 (800 MB) in blocks of 1000: still running when the signal comes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "keyrand", "sample", "uniform", "--shape", "200000000",
         "--block", "1000", "--out", str(target)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for_part_file(tmp_path, proc)
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert err == "keyrand: interrupted\n"
    assert out == ""
    assert [p.name for p in tmp_path.iterdir()] == (["big.npy"] if earlier else [])
    if earlier:
        assert target.read_bytes() == old


# ----------------------------------------------------------------------------- the flags

@pytest.mark.parametrize("block", ["0", "-5", "abc", "1.5"])
def test_block_must_be_positive(tmp_path, capsys, block):
    with pytest.raises(SystemExit) as exc:
        main(["sample", "uniform", "--shape", "5", "--out", str(tmp_path / "x"),
              "--block", block])
    assert exc.value.code == 2
    assert "--block" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("param,words", [
    ("low", ["--param", "NAME=VALUE", "'low'"]),
    ("=3", ["--param", "NAME=VALUE"]),
    ("low=", ["--param", "NAME=VALUE"]),
    ("low=abc", ["--param low", "'abc'", "number"]),
    ("key=1", ["--param key", "--seed"]),
    ("shape=3", ["--param shape", "--shape"]),
    ("dtype=float16", ["--param dtype", "--dtype"]),
    ("stream=0", ["--param stream"]),
    ("lo=1", ["--param lo", "uniform", "low, high"]),
])
def test_bad_param_is_an_argument_error(tmp_path, capsys, param, words):
    with pytest.raises(SystemExit) as exc:
        main(["sample", "uniform", "--shape", "5", "--out", str(tmp_path / "x"),
              "--param", param])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err
    assert "Traceback" not in err and "multiple values" not in err
    assert not any(tmp_path.iterdir())


def test_param_given_twice(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sample", "uniform", "--shape", "5", "--out", str(tmp_path / "x"),
              "--param", "low=1", "--param", "low=2"])
    assert exc.value.code == 2
    assert "--param low: given twice" in capsys.readouterr().err


def test_dtype_of_a_sampler_without_one(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sample", "bits", "--shape", "5", "--dtype", "uint8", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2
    assert "width" in capsys.readouterr().err


def test_sampler_refusal_is_an_argument_error(tmp_path, capsys):
    code = main(["sample", "uniform", "--shape", "3", "--dtype", "int32",
                 "--out", str(tmp_path / "x.npy")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("keyrand: error: [uniform] dtype") and err.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_integers_are_parsed_exactly(tmp_path, capsys):
    big = 18446744073709551615
    assert main(["sample", "randint", "--shape", "3", "--param", "low=0",
                 "--param", f"high={big}", "--out", str(tmp_path / "x")]) == 2
    assert f"integer {big} does not fit" in capsys.readouterr().err
    # The clamp to [low, high - 1] sees the exact bounds: float parsing would give 2**62.
    low = 2**62 + 1
    assert main(["sample", "randint", "--shape", "20", "--dtype", "int64", "--param",
                 f"low={low}", "--param", f"high={low + 2}", "--out", str(tmp_path / "y")]) == 0
    got = np.load(tmp_path / "y.npy")
    assert got.tobytes() == kr.randint(low, low + 2, (20,), dtype=np.int64,
                                       key=kr.key(0)).tobytes()
    assert set(got.tolist()) <= {low, low + 1}


@pytest.mark.parametrize("p,want", [("1", True), ("0", False)])
def test_bernoulli_p_integer_text(tmp_path, p, want):
    assert main(["sample", "bernoulli", "--shape", "64", "--param", f"p={p}",
                 "--out", str(tmp_path / "x")]) == 0
    got = np.load(tmp_path / "x.npy")
    assert got.dtype == np.bool_ and bool(got.all() if want else not got.any())


def test_float_parameters_are_floats(tmp_path):
    assert main(["sample", "laplace", "--shape", "64", "--param", "loc=2", "--param", "scale=3",
                 "--out", str(tmp_path / "x")]) == 0
    want = kr.laplace(shape=(64,), loc=2.0, scale=3.0, key=kr.key(0))
    assert np.load(tmp_path / "x.npy").tobytes() == want.tobytes()


def test_top_help_has_no_rest_markup(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "``" not in out
    assert "demo" in out and "sample" in out


def test_sample_help_documents_every_option_and_parameter(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sample", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "``" not in out
    for option in ("--shape", "--seed", "--dtype", "--param", "--out", "--block"):
        assert option in out
    assert "(default: 0)" in out
    lines = {line.split()[0]: line for line in out.splitlines()
             if line.startswith("  ") and line.split()[0] in cli.SAMPLERS}
    assert set(lines) == set(cli.SAMPLERS)
    for name in cli.SAMPLERS:
        for p in inspect.signature(getattr(kr, name)).parameters:
            if p not in ("shape", "key", "stream", "dtype", "out"):
                assert p in lines[name], (name, p)


def test_progress_only_on_a_terminal(tmp_path, monkeypatch):
    args = ["sample", "uniform", "--shape", "300000", "--block", "1000"]
    r = run_cli(*args, "--out", str(tmp_path / "log"))
    assert r.returncode == 0, r.stderr
    assert r.stderr == "" and "\r" not in r.stdout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(args + ["--out", str(tmp_path / "tty")]) == 0
    shown = term.getvalue()
    assert "\r" in shown and "300k/300k" in shown


# ----------------------------------------------------------------------------- entry points

def test_python_dash_m_keyrand(tmp_path):
    r = run_cli("demo")
    assert r.returncode == 0, r.stderr
    assert "split(key(0), 3)" in r.stdout
    r = run_cli("sample", "gumbel", "--shape", "4", "3", "--out", str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    want = kr.gumbel(shape=(4, 3), key=kr.key(0))
    assert (tmp_path / "g.npy").read_bytes() == npy_bytes(want)


def test_console_script_is_declared():
    try:
        scripts = metadata.entry_points(group="console_scripts")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed
        pytest.skip("keyrand is not installed")
    found = [e for e in scripts if e.name == "keyrand"]
    if not found:
        pytest.skip("keyrand is not installed (pip install -e .)")
    assert found[0].value == "keyrand.cli:main"
    assert found[0].load() is main


def test_installed_console_script(tmp_path):
    script = shutil.which("keyrand", path=os.path.dirname(sys.executable)) or shutil.which(
        "keyrand")
    if script is None:
        pytest.skip("the keyrand script is not installed (pip install -e .)")
    r = subprocess.run([script, "sample", "randint", "--shape", "6", "--param", "low=-3",
                        "--param", "high=9", "--seed", "5", "--out", str(tmp_path / "r")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    want = kr.randint(-3, 9, (6,), key=kr.key(5))
    assert (tmp_path / "r.npy").read_bytes() == npy_bytes(want)
    r = subprocess.run([script, "sample", "uniform", "--shape", "3", "--block", "0",
                        "--out", str(tmp_path / "u")], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 2 and "--block" in r.stderr


@pytest.mark.parametrize("sampler,params,kwargs,dtype", DRAWS, ids=IDS)
def test_files_past_the_mlx_counter_range(tmp_path, monkeypatch, sampler, params, kwargs,
                                          dtype):
    """A file of a stream past MLX's range is written in blocks that cut its key blocks (§3.3).

    A real one is over 16 GiB, so the stream's limit is lowered to 64 words (blocks of 63):
    the file must equal the in-memory draw under the same rule, and its last block the
    short draw under the last subkey of ``split``.
    """
    from keyrand import _stream

    monkeypatch.setattr(_stream, "MAX_WORDS", 64)
    monkeypatch.setattr(_stream, "BLOCK_WORDS", 63)
    shape = [3, 43]  # 129 elements: blocks of 63, 63 and 3 words (complex64: twice as many)
    out = tmp_path / "x.npy"
    assert main(cli_args(sampler, params, dtype, shape) + ["--out", str(out),
                                                           "--block", "10"]) == 0
    whole = in_memory(sampler, kwargs, dtype, shape).reshape(-1)
    assert out.read_bytes() == npy_bytes(whole.reshape(shape))
    if sampler != "bits" or "width" not in " ".join(params):
        per = 2 if dtype == "complex64" else 1
        words = per * whole.size
        nblocks, rem = divmod(words, 63)
        tail = getattr(kr, sampler)(shape=(rem // per,), key=kr.split(kr.key(11), nblocks + 1)[-1],
                                    **kwargs, **({"dtype": dtype} if dtype else {}))
        np.testing.assert_array_equal(whole[whole.size - rem // per:], tail)
