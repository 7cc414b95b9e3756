"""The wheel carries the grammar and the standard library inside the `paradsl` package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_contains_grammar_and_stdlib(tmp_path):
    # Build from a copy, so the checkout gets no build/ or egg-info droppings.
    src = tmp_path / "src"
    src.mkdir()
    for f in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / f, src / f)
    for d in ("paradsl", "grammar", "stdlib"):
        shutil.copytree(ROOT / d, src / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
                       cwd=src, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    wheels = list(out.glob("paradsl-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    assert "paradsl/grammar/para.lark" in names
    assert "paradsl/stdlib/nn.para" in names
    assert "paradsl/stdlib/nn.py" in names  # compiled: user modules import its classes
    assert "paradsl/cli.py" in names
    for package in (ROOT / "paradsl").rglob("__init__.py"):  # every subpackage is listed in pyproject
        assert str(package.relative_to(ROOT)) in names, package
    entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert entry_points
    assert "para = paradsl.cli:main" in zipfile.ZipFile(wheels[0]).read(entry_points[0]).decode()
