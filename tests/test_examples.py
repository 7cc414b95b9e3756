"""Every example checks and compiles; the quickstart trains."""

from __future__ import annotations

import ast
import importlib.util
import sys

import pytest

import paradsl
from paradsl import api
from paradsl._resources import stdlib_module
from paradsl.driver import check_paths, compile_path
from paradsl.lower.pybuild import ident

from conftest import EXAMPLES, STDLIB

PARA_FILES = sorted(EXAMPLES.glob("*.para")) + sorted(STDLIB.glob("*.para"))


def test_there_are_examples():
    assert any(p.parent == EXAMPLES for p in PARA_FILES)


@pytest.mark.parametrize("path", PARA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_checks(path):
    result = check_paths([path])
    assert result.ok, "\n".join(d.message for d in result.diagnostics)
    assert not result.diagnostics


@pytest.mark.parametrize("path", PARA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_compiles_and_loads(path):
    """One Equinox class per para of the checked program, all exported, but for the stdlib
    paras a file imports: those are imported from their compiled modules, and found there."""
    import equinox as eqx

    (program,) = check_paths([path]).programs.values()
    defined = sorted(ident(p.name) for p in program.paras if p.file == program.file or stdlib_module(p.file) is None)
    tree = ast.parse(compile_path(path))
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert sorted(classes) == defined
    mod = paradsl.load(path)
    assert sorted(mod.__all__) == defined
    assert all(issubclass(api.para_class(mod, program, p), eqx.Module) for p in program.paras)


def _quickstart():
    spec = importlib.util.spec_from_file_location("para_quickstart", EXAMPLES / "quickstart.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["para_quickstart"] = module
    spec.loader.exec_module(module)
    return module


def test_quickstart_trains(capsys):
    acc = _quickstart().main(steps=60)
    out = capsys.readouterr().out
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step")]
    assert len(losses) >= 2
    assert losses[-1] < losses[0], out
    assert 0.0 <= acc <= 1.0
    assert acc > 0.6, out
