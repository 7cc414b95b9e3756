"""`paradsl.api`, the pipeline the analyses use, and the names the analyses had before they
moved to `paradsl.analysis`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import paradsl
from paradsl import api, ir
from paradsl.analysis import cost, laws, params

from conftest import EXAMPLES

GOOD = "para Scale(d: Nat) : [d] -> [d]\n  params s : [d] ~ ones\n  = x => x * s\n"


def test_check_text_and_file_give_programs():
    program = api.check_text(GOOD, "scale.para")
    assert isinstance(program, ir.Program) and program.file == "scale.para"
    assert [p.name for p in program.paras] == ["Scale"]
    mlp = api.check_file(EXAMPLES / "mlp.para")
    assert "Classifier" in [p.name for p in mlp.paras]


def test_check_file_with_also_includes_an_imported_para(tmp_path):
    f = tmp_path / "lone.para"
    f.write_text("import attention\n" + GOOD)
    assert "DotProductAttention" not in [p.name for p in api.check_file(f).paras]
    assert "DotProductAttention" in [p.name for p in api.check_file(f, also=("DotProductAttention",)).paras]


def test_errors_are_raised_with_every_diagnostic():
    with pytest.raises(paradsl.ParaError) as e:
        api.check_text("para P(d: Nat) : [d] -> [d] = x => x + y\npara Q(d: Nat) : [d] -> [d] = x => x + z\n",
                       "bad.para")
    assert [d.span.line for d in e.value.diagnostics] == [1, 2]


def test_compile_and_build_a_module():
    program = api.check_text(GOOD, "scale.para")
    source = api.compile_program(program)
    assert "class Scale(eqx.Module)" in source
    module = api.build_module(source, "scale.para")
    assert module is api.build_module(source, "scale.para")  # the same source, the same classes
    assert api.load_program(program) is module
    assert hasattr(module.Scale(d=3, key=None), "s")


def test_the_old_module_names_are_the_analysis_modules():
    import paradsl.cost
    import paradsl.laws
    import paradsl.params

    assert sys.modules["paradsl.cost"] is cost
    assert sys.modules["paradsl.laws"] is laws
    assert sys.modules["paradsl.params"] is params
    # The package's functions stay functions after their modules are imported by name.
    assert paradsl.cost is cost.cost and paradsl.params is params.params and paradsl.check_laws is laws.check_laws


def test_the_old_names_work_in_a_fresh_interpreter():
    code = ("import sys\n"
            "import paradsl.laws as l, paradsl.cost, paradsl.params, paradsl\n"
            "from paradsl.cost import pretty\n"
            "import paradsl.analysis.laws as a, paradsl.analysis.cost as c\n"
            "assert l is a and sys.modules['paradsl.cost'] is c and pretty is c.pretty\n"
            "assert callable(paradsl.cost) and callable(paradsl.params)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_the_analyses_do_not_reach_into_the_driver_or_the_lowering():
    """They go through `paradsl.api`, `paradsl.ir` and `paradsl.names` only."""
    for f in sorted((Path(paradsl.__file__).parent / "analysis").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n.split(".")[-1] in ("driver", "lower", "pybuild") or "lower." in n for n in names), \
                (f.name, names)
