"""A compiled module imports the stdlib's classes from their compiled modules instead of
defining copies: one class per para, whichever file reaches it, and a name a user file
declares again never changes what a stdlib para uses."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import paradsl
from paradsl import api
from paradsl.cli import main
from paradsl.driver import compile_path

from conftest import ROOT, STDLIB, randomise

CLASH = """\
import nn
para Linear(i: Nat, o: Nat) : [i] -> [o]
  params W : [i, o]
  = x => for k. sum j. x[j] * W[j, k]
para Both(d: Nat) : [d] -> [d]
  = Linear(d, d) >> MLP(d, d, d)
"""


def _script():
    spec = importlib.util.spec_from_file_location("compile_stdlib", ROOT / "scripts" / "compile_stdlib.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_committed_stdlib_modules_are_compiled_from_their_sources():
    compiled = _script().compiled()
    assert sorted(p.stem for p in compiled) == sorted(p.stem for p in STDLIB.glob("*.para"))
    stale = [p.name for p, source in compiled.items() if not p.is_file() or p.read_text(encoding="utf-8") != source]
    assert not stale, f"{stale} differ from a fresh compilation: run `python scripts/compile_stdlib.py`"


def test_a_stdlib_module_names_its_source_the_same_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = compile_path(STDLIB / "nn.para")
    assert "para compile stdlib/nn.para" in source
    assert source == (STDLIB / "nn.py").read_text(encoding="utf-8")


def test_two_user_files_share_the_stdlib_class(tmp_path):
    a = _write(tmp_path, "a.para", """\
        import nn
        para A(d: Nat) : [d] -> [d]
          = MLP(d, 2 * d, d)
        """)
    b = _write(tmp_path, "b.para", """\
        import nn
        para B(d: Nat) : [d] -> [d]
          uses ff : MLP(d, d, d), norm : LayerNorm(d)
          = x => ff(norm(x))
        """)
    ma, mb = paradsl.load(a), paradsl.load(b)
    nn = importlib.import_module("paradsl.stdlib.nn")
    assert ma.MLP is mb.MLP is nn.MLP
    assert type(ma.A(3, key=jax.random.key(0)).mlp_0) is type(mb.B(3, key=jax.random.key(1)).ff)
    assert "class MLP" not in compile_path(a)


def test_a_clashing_name_leaves_the_stdlib_paras_their_own_classes(tmp_path):
    path = _write(tmp_path, "clash.para", CLASH)
    module = paradsl.load(path)
    nn = importlib.import_module("paradsl.stdlib.nn")
    assert module.Linear is not nn.Linear
    m = randomise(module.Both(3, key=jax.random.key(0)), jax.random.key(1))
    assert type(m.linear_0) is module.Linear
    assert type(m.mlp_0.linear_0) is type(m.mlp_0.linear_1) is nn.Linear
    x = jax.random.normal(jax.random.key(2), (3,))
    h = x @ m.linear_0.W  # the file's Linear has no bias
    inner, outer = m.mlp_0.linear_0, m.mlp_0.linear_1
    want = jnp.maximum(h @ inner.W + inner.b, 0.0) @ outer.W + outer.b
    np.testing.assert_allclose(m(x), want, rtol=1e-5, atol=1e-6)


def test_a_name_in_a_program_is_the_files_own_para(tmp_path):
    path = _write(tmp_path, "clash.para", CLASH)
    program = api.check_file(path)
    assert program.get("Linear").file == program.file
    assert [r.path for r in paradsl.params(path, "Linear").rows] == ["W"]  # nn's has a bias too


def test_a_stdlib_class_used_inline_takes_a_prefixed_name_when_the_file_declares_it(tmp_path):
    _write(tmp_path, "layers.para", """\
        import nn
        para Block(d: Nat) : [d] -> [d]
          = Linear(d, d) >> relu
        """)
    path = _write(tmp_path, "main.para", """\
        import "layers.para"
        para Linear(d: Nat) : [d] -> [d]
          = x => x
        para Top(d: Nat) : [d] -> [d]
          uses block : Block(d)
          = x => block(x)
        """)
    source = compile_path(path)
    assert "from paradsl.stdlib.nn import Linear as nn_Linear" in source
    module = paradsl.load(path)
    nn = importlib.import_module("paradsl.stdlib.nn")
    m = module.Top(2, key=jax.random.key(0))
    assert type(m.block.linear_0) is nn.Linear
    assert module.Linear is not nn.Linear


def test_paras_of_the_users_other_files_are_defined_inline_under_their_own_names(tmp_path):
    _write(tmp_path, "layers.para", """\
        para Scale(d: Nat) : [d] -> [d]
          params s : [d] ~ ones
          = x => for k. x[k] * s[k]
        para Twice(d: Nat) : [d] -> [d]
          = Scale(d) >> Scale(d)
        """)
    path = _write(tmp_path, "main.para", """\
        import "layers.para"
        para Scale(d: Nat) : [d] -> [d]
          = x => for k. 2.0 * x[k]
        para Top(d: Nat) : [d] -> [d]
          = Twice(d) >> Scale(d)
        """)
    module = paradsl.load(path)
    assert module.Scale.__name__ == "Scale" and module.layers_Scale.__name__ == "layers_Scale"
    m = module.Top(2, key=jax.random.key(0))
    assert type(m.twice_0.scale_0) is module.layers_Scale
    assert type(m.scale_0) is module.Scale
    np.testing.assert_allclose(m(jnp.array([1.0, -3.0])), [2.0, -6.0])


def test_compiled_output_runs_as_a_plain_python_module(tmp_path):
    src = _write(tmp_path, "clash.para", CLASH)
    out = tmp_path / "compiled_clash.py"
    assert main(["compile", str(src), "-o", str(out)]) == 0
    # The checker and the compiler are made to fail if called: the module only imports the
    # compiled stdlib and the runtime, and compiles nothing as it loads.
    program = textwrap.dedent(f"""\
        import importlib.util, sys
        import jax
        import paradsl.check, paradsl.driver, paradsl.lower

        def refuse(*args, **kwargs):
            raise AssertionError("the checker or the compiler ran")

        paradsl.check.Checker.check_unit = paradsl.check.Checker.para = refuse
        paradsl.driver.compile_program = paradsl.lower.lower = refuse
        spec = importlib.util.spec_from_file_location("compiled_clash", {str(out)!r})
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        import paradsl.stdlib.nn as nn
        m = module.Both(3, key=jax.random.key(0))
        assert type(m.mlp_0.linear_0) is nn.Linear
        assert m(jax.numpy.ones(3)).shape == (3,)
        assert not [n for n in sys.modules if n.startswith("paradsl.generated")]
        print("ok")
        """)
    r = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "ok"
