"""`para repl` as a script reads it: one session, shared, driven input by input through the
same `commands.run` the terminal calls; and the plain loop, in-process and as `para repl < script`."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paradsl.repl import commands, plain, start
from paradsl.repl.evaluate import apply
from paradsl.repl.input import is_complete
from paradsl.repl.session import State, check

ROOT = Path(__file__).resolve().parent.parent


class Driver:
    """A session driven input by input; `state` is the session after the inputs so far."""

    def __init__(self) -> None:
        self.states = [check(State())]

    @property
    def state(self) -> State:
        return self.states[-1]

    def __call__(self, text: str, ok: bool = True) -> str:
        out = commands.run(self.state, text)
        assert outcome_ok(out) == ok, out.text
        self.states.append(out.state)
        return out.text


def outcome_ok(out) -> bool:
    return not out.error


@pytest.fixture(scope="module")
def repl(tmp_path_factory) -> Driver:
    folder = tmp_path_factory.mktemp("repl")
    shutil.copy(ROOT / "examples" / "tying.para", folder / "tying.para")
    d = Driver()
    assert "loaded" in d(f":load {folder / 'tying.para'}")
    return d


def test_load_an_example_and_browse(repl):
    out = repl(":browse")
    assert "TiedAutoencoder(d: Nat, k: Nat) : [d] -> [d]" in out
    assert "LowRankMLP(d: Nat, r: Nat, o: Nat) : [d] -> [o]" in out


def test_type_of_a_para_polymorphic_and_with_hyperparameters(repl):
    assert repl(":type TiedAutoencoder") == "TiedAutoencoder : TiedAutoencoder(d: Nat, k: Nat) : [d] -> [d]"
    assert repl(":type Linear(4, 2)") == "Linear(4, 2) : [4] -> [2]"
    assert repl(":type Linear") == "Linear : Linear(i: Nat, o: Nat) : [i] -> [o]"


def test_params_is_para_params(repl):
    out = repl(":params TiedAutoencoder d=8 k=3")
    assert "|P| = 2*d*k + d + k = 59  (before ties)" in out
    assert "|Q| = d*k + d + k = 35" in out
    assert re.search(r"dec\.W .* tied: dec\.W = transpose\(enc\.W\)", out)


def test_cost_and_a_bad_size(repl):
    out = repl(":cost TiedAutoencoder d=8 k=3")
    assert "contraction FLOPs" in out and "total" in out
    assert repl(":cost TiedAutoencoder q=3", ok=False).startswith("para: error: 'q' is not a size of TiedAutoencoder")


def test_laws(repl):
    out = repl(":laws SymmetricPair d=3")
    assert re.search(r"\d+ laws? checked, 0 failed", out)


def test_ties_name_the_leaf_its_sources_and_the_two_cell(repl):
    out = repl(":ties LowRankMLP")
    assert "hidden.W = LowRank(hidden_u, hidden_v)  (from hidden_u, hidden_v; by LowRank)" in out
    assert "dec.W = transpose(enc.W)  (from enc.W; by transpose)" in repl(":ties TiedAutoencoder")
    assert "l2.norm.gamma = l1.norm.gamma  (from l1.norm.gamma; by copy)" in repl(":ties AlbertStack")


def test_compile_shows_the_class(repl):
    out = commands.run(repl.state, ":compile TiedAutoencoder")
    assert out.lang == "python"
    assert out.text.startswith("class TiedAutoencoder(eqx.Module):")
    assert "def __call__" in out.text


def test_diagram_writes_the_svg(repl, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "ta.svg"
    assert repl(f":diagram TiedAutoencoder d=8 {out}") == f"wrote {out}: the string diagram of TiedAutoencoder"
    texts = {t.text for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {"transpose", "dec.W: f32[k,8]"} <= texts
    assert "usage" in repl(":diagram", ok=False)
    assert "not in scope" in repl(":diagram Nope", ok=False)


SYNTAX = "para Oops(d: Nat) : [d] -> [d] = relu >> >> tanh"
TYPE = "para Wide(d: Nat) : [d] -> [d] = Linear(d, d + 1)"
SYMMETRY = "para Shift (n : set) : [n] -> [n] = x => x[(i + 1) mod n]"


@pytest.mark.parametrize("text,code,at", [(SYNTAX, "E0001", ">> tanh"), (TYPE, "E0209", "Linear"),
                                          (SYMMETRY, "E0303", "i + 1")])
def test_a_mistake_is_located_in_the_line_typed_and_changes_nothing(repl, text, code, at):
    col = text.index(at) + 1
    before = repl.state
    out = commands.run(before, text)
    assert out.error and (out.state.texts, out.state.values) == (before.texts, before.values)
    first = out.text.splitlines()[0]
    assert re.fullmatch(rf"<repl:\d+>:1:{col}: error\[{code}\]: .*", first), out.text
    assert f"1 | {text}" in out.text and "^" in out.text
    assert out.text.splitlines()[-1] == "1 error"
    assert repl(":type TiedAutoencoder")  # the state is kept


def test_same_rendering_as_para_check(repl, tmp_path):
    f = tmp_path / "wide.para"
    f.write_text(TYPE + "\nimport nn\n")
    checked = subprocess.run([sys.executable, "-m", "paradsl", "check", str(f)], capture_output=True, text=True,
                             cwd=tmp_path)
    out = commands.run(repl.state, TYPE).text
    assert checked.stderr.split("\n", 1)[1] == out.split("\n", 1)[1] + "\n"


def test_define_evaluate_redefine(repl):
    assert repl("para Head(d: Nat, o: Nat) : [d] -> [o]\n  uses lin : Linear(d, o)\n  = lin >> tanh") == "defined Head"
    assert repl("x = randn[5, 4]") == "x : f32[5, 4]"
    got = apply("Head(4, 3)(x)", repl.state)
    W, b = np.asarray(got.module.lin.W), np.asarray(got.module.lin.b)
    x = repl.state.value("x").array
    np.testing.assert_allclose(got.value.array, np.tanh(x @ W + b), rtol=1e-5, atol=1e-6)
    assert got.value.type == "f32[5, o=3]"
    out = repl("Head(4, 3)(x)")
    assert out.splitlines()[0] == "f32[5, o=3]" and len(out.splitlines()) == 6
    assert repl("para User(d: Nat) : [d] -> [d] = Head(d, d) >> relu") == "defined User"
    out = repl("para Head(d: Nat, o: Nat) : [d] -> [o] = Linear(d, o)")
    assert out == "redefined Head\nrechecked User"
    again = apply("Head(4, 3)(x)", repl.state)
    np.testing.assert_allclose(again.value.array, x @ np.asarray(again.module.linear_0.W) + np.asarray(again.module.linear_0.b),
                               rtol=1e-5, atol=1e-6)


def test_a_numpy_literal(repl):
    assert repl("y = [[1, 2], [3, 4]]") == "y : i32[2, 2]"
    assert repl("z = [1.0, -2.0, 3.0]") == "z : f32[3]"
    assert repl("para Pos(d: Nat) : [d] -> [d] = relu") == "defined Pos"
    assert repl("Pos(3)(z)") == "f32[d=3]\n[1. 0. 3.]"
    assert repl(":type Pos(3)(z)") == "Pos(3)(z) : f32[d=3]"
    assert repl("Pos(4)(z)", ok=False) == "para: error: Pos takes [4], given [3]"


def test_reload_a_file_changed_on_disk(tmp_path):
    f = tmp_path / "m.para"
    f.write_text("para A(d: Nat) : [d] -> [d] = relu\n")
    d = Driver()
    d(f":load {f}")
    assert d(":type A") == "A : A(d: Nat) : [d] -> [d]"
    f.write_text("para A(d: Nat) : [d] -> [d] = relu\npara B(d: Nat) : [d] -> [d] = A(d) >> tanh\n")
    assert "2 paras" in d(":reload")
    assert d(":type B") == "B : B(d: Nat) : [d] -> [d]"
    f.write_text("para A(d: Nat) : [d] -> [d] = nope\n")
    out = d(":reload", ok=False)
    assert re.search(r"m\.para:1:31: error\[E\d+\]", out)
    assert d(":type B") == "B : B(d: Nat) : [d] -> [d]"  # the old text is kept


def test_unknown_command_and_help():
    d = Driver()
    assert d(":lod x", ok=False) == "para: error: unknown command :lod; did you mean :load?"
    assert ":params NAME" in d(":help")
    assert d(":help ties").strip().startswith(":ties NAME")
    assert commands.run(d.state, ":quit").quit


def test_continuation():
    assert not is_complete("para F(d: Nat) : [d] -> [d]")
    assert is_complete("para F(d: Nat) : [d] -> [d]\n  = relu")
    assert not is_complete("x = [[1, 2],")
    assert is_complete(":type F")


def test_plain_loop_reads_indented_lines_as_one_declaration():
    script = "import nn\npara F(d: Nat) : [d] -> [d]\n  = Linear(d, d)\n  >> relu\n:type F(2)\n"
    out = io.StringIO()
    assert plain.loop(start([])[0], io.StringIO(script), out) == 0
    assert out.getvalue().splitlines()[-2:] == ["defined F", "F(2) : [2] -> [2]"]


def test_para_repl_from_standard_input(tmp_path):
    script = ":load " + str(ROOT / "examples" / "mlp.para") + "\n:type Classifier\n:nope\n"
    r = subprocess.run([sys.executable, "-m", "paradsl", "repl"], input=script, capture_output=True, text=True,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 1  # one input was a mistake
    assert "Classifier : Classifier(d_in: Nat, d_hidden: Nat, n_classes: Nat) : [d_in] -> [n_classes]" in r.stdout
    assert "\x1b" not in r.stdout and "para>" not in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_the_repl_imports_nothing_heavy_beyond_paradsl():
    code = ("import sys; import paradsl; before = set(sys.modules); import paradsl.repl, paradsl.repl.commands, "
            "paradsl.repl.plain, paradsl.repl.complete, paradsl.repl.session; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('jax', 'equinox', 'jaxlib') "
            "or m.startswith('paradsl.lower')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_repl_texts_are_given_exactly_their_placeholders():
    import ast

    from paradsl.diagnostics.messages_cli import CliText
    from paradsl.diagnostics.template import Text, templates_of
    from paradsl.repl.texts import ReplText

    tables = {"ReplText": templates_of(ReplText, Text), "CliText": templates_of(CliText, Text)}
    problems, used = [], set()
    for path in sorted((ROOT / "paradsl" / "repl").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                t = node.func.value
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in tables:
                    used.add((t.value.id, t.attr))
                    given = {k.arg for k in node.keywords}
                    if given != tables[t.value.id][t.attr].placeholders:
                        problems.append(f"{path.name}:{node.lineno}: {t.value.id}.{t.attr} given {sorted(given)}")
    assert not problems, "\n".join(problems)
    unused = {n for n in tables["ReplText"]} - {n for table, n in used if table == "ReplText"}
    assert not unused, sorted(unused)


def test_a_para_of_a_tuple_takes_several_values():
    d = Driver()
    d("import attention")
    for name, shape in (("q", "3, 4"), ("k", "5, 4"), ("v", "5, 2")):
        d(f"{name} = randn[{shape}]")
    got = apply("DotProductAttention(4, 2)(q, k, v)", d.state)
    q, k, v = (d.state.value(n).array for n in "qkv")
    logits = q @ k.T / np.sqrt(4)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    np.testing.assert_allclose(got.value.array, weights @ v, rtol=1e-5, atol=1e-6)
    assert got.value.type == "f32[n=3, v=2]"
    assert d("DotProductAttention(4, 2)(q, k)", ok=False).startswith("para: error: DotProductAttention takes (")


def test_starting_the_repl_imports_no_jax():
    """What the first prompt needs: the package, the terminal, the lexer, a started state."""
    code = ("import sys, paradsl.repl, paradsl.repl.terminal, paradsl.highlight; paradsl.repl.start([]); "
            "print('jax' in sys.modules, 'equinox' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["False", "False"], r.stdout + r.stderr


def test_an_unfinished_declaration_in_a_script_ends_at_the_next_command():
    out = io.StringIO()
    script = "para F(d: Nat) : [d] -> [d]\n:help quit\n"
    assert plain.loop(start([])[0], io.StringIO(script), out) == 1
    lines = out.getvalue().splitlines()
    assert re.match(r"<repl:1>:1:\d+: error\[E0003\]: unexpected end of input", lines[0])
    assert lines[-1].strip().startswith(":quit")
