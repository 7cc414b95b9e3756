"""The `para` command: exit codes, help, version, and `para compile -o` against `paradsl.load`."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import paradsl

from conftest import EXAMPLES, STDLIB, Ran, para_cli

GOOD = """\
para Scale(d: Nat) : [d] -> [d]
  params s : [d] ~ ones
  = x => x * s
"""

BAD = """\
para Broken(d: Nat) : [d] -> [d]
  = x => x + y_unknown
"""


def para(*args: str, cwd=None) -> Ran:
    # In-process: these tests are of what the commands report and exit with; the installed
    # script's own test below starts a process.
    return para_cli(*args, cwd=cwd)


@pytest.fixture
def good(tmp_path):
    p = tmp_path / "good.para"
    p.write_text(GOOD)
    return p


@pytest.fixture
def bad(tmp_path):
    p = tmp_path / "bad.para"
    p.write_text(BAD)
    return p


# ------------------------------------------------------------------ exit codes


def test_check_good_files_exit_0(good):
    r = para("check", str(good), str(EXAMPLES / "mlp.para"), str(STDLIB / "nn.para"))
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout


def test_compile_good_file_to_stdout_exit_0(good):
    r = para("compile", str(good))
    assert r.returncode == 0, r.stderr
    assert "class Scale(eqx.Module)" in r.stdout


@pytest.mark.parametrize("command", ["check", "compile"])
def test_error_in_program_exits_1_without_traceback(bad, command):
    r = para(command, str(bad))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert "bad.para:2:" in r.stderr
    assert "y_unknown" in r.stderr


def test_syntax_error_exits_1_without_traceback(tmp_path):
    p = tmp_path / "syntax.para"
    p.write_text("para P(d: Nat) : [d] -> [d] = x => (x +\n")
    r = para("check", str(p))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout


def test_check_reports_each_file_and_fails_if_any_fails(good, bad):
    r = para("check", str(good), str(bad))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr


def test_compile_error_writes_no_output(bad, tmp_path):
    out = tmp_path / "out.py"
    r = para("compile", str(bad), "-o", str(out))
    assert r.returncode == 1
    assert not out.exists()


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["check"], ["compile"], ["check", "no/such/file.para"],
                                  ["compile", "no/such/file.para"], ["--no-such-flag"]])
def test_usage_errors_exit_2(argv):
    r = para(*argv)
    assert r.returncode == 2, (argv, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["compile", "--help"]])
def test_help(argv):
    r = para(*argv)
    assert r.returncode == 0
    assert "usage:" in r.stdout


def test_help_lists_commands():
    r = para("--help")
    assert "check" in r.stdout and "compile" in r.stdout


def test_version():
    r = para("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"para {paradsl.__version__}"


def test_console_script_is_installed():
    import shutil

    # The script is installed beside the interpreter running the tests, activated or not.
    exe = shutil.which("para", path=os.path.dirname(sys.executable)) or shutil.which("para")
    assert exe is not None, "installing paradsl installs the `para` script"
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and paradsl.__version__ in r.stdout


# ------------------------------------------------------------------ compile -o == load

# Small sizes for every para of examples/mlp.para and the stdlib: (hyperparameters, input[,
# the sizes a reparam is given]); None for a para that cannot run alone (its weight is given
# by a 2-cell where it is used).
SMALL = {
    "Dense": None,
    "CircConv": (dict(k=3), (7,)),
    "DeepSetLayer": ({}, (5,)),
    "Transposed": (dict(i=3, o=4), (4, 3), {}),
    "LowRank": (dict(m=3, n=4, r=2), "pair", {}),
    "Symmetric": (dict(d=3), (3, 3), {}),
    "Circulant": (dict(k=3), (3,), dict(c=7)),
    "SetEquivariant": ({}, (2,), dict(n=5)),
    "Linear": (dict(i=3, o=4), (3,)),
    "LinearNoBias": (dict(i=3, o=4), (3,)),
    "MLP": (dict(d_in=3, d_hidden=5, d_out=2), (3,)),
    "LayerNorm": (dict(d=4), (4,)),
    "Embedding": (dict(v=7, d=4), "token"),
    "Dropout": (dict(d=4), (4,)),
    "ResidualMLPBlock": (dict(d=4, d_hidden=6), (4,)),
    "Classifier": (dict(d_in=3, d_hidden=5, n_classes=2), (3,)),
    "ResMLP4": (dict(d=4, d_hidden=6), (4,)),
}


def _import_file(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve string annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _input(shape, key):
    if shape == "token":
        return jnp.asarray(5, jnp.int32)
    if shape == "pair":
        return (jax.random.normal(key, (3, 2)), jax.random.normal(key, (2, 4)))
    return jax.random.normal(key, shape)


@pytest.mark.parametrize("source", [EXAMPLES / "mlp.para", STDLIB / "nn.para", STDLIB / "reparam.para"],
                         ids=lambda p: p.name)
def test_compiled_file_matches_load(source, tmp_path):
    out = tmp_path / f"compiled_{source.stem}.py"
    r = para("compile", str(source), "-o", str(out))
    assert r.returncode == 0, r.stderr
    compiled = _import_file(out, f"compiled_{source.stem}_{abs(hash(str(tmp_path)))}")
    loaded = paradsl.load(source)
    assert list(compiled.__all__) == list(loaded.__all__)
    assert set(compiled.__all__) <= set(SMALL), "give every para small sizes in SMALL"
    kinit, kx, kdrop = jax.random.split(jax.random.key(1), 3)
    for name in compiled.__all__:
        if SMALL[name] is None:
            continue
        hypers, shape, *given = SMALL[name]
        a = getattr(compiled, name)(**hypers, key=kinit)
        b = getattr(loaded, name)(**hypers, key=kinit)
        x = _input(shape, kx)
        sizes = given[0] if given else {}
        np.testing.assert_array_equal(a(x, **sizes), b(x, **sizes), err_msg=name)
        la = jax.tree_util.tree_leaves(a)
        lb = jax.tree_util.tree_leaves(b)
        assert len(la) == len(lb)
        for u, v in zip(la, lb):
            np.testing.assert_array_equal(u, v, err_msg=name)
        if name == "Dropout":
            np.testing.assert_array_equal(a(x, key=kdrop), b(x, key=kdrop))
