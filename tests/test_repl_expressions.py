"""Expressions at the prompt: any body over the values bound there, checked and lowered as an
anonymous para by the one checker and the one lowering; its numbers held against NumPy, its
mistakes located in the line typed, and the names of the prompt kept apart from those declared."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paradsl.repl import commands
from paradsl.repl.evaluate import apply, evaluated
from paradsl.repl.expression import WRAPPER, Piece, check_expression
from paradsl.repl.session import State, check

from test_repl import Driver


@pytest.fixture(scope="module")
def d() -> Driver:
    d = Driver()
    d("import nn")
    assert d("x = randn[5, 4]") == "x : f32[5, 4]"
    assert d("W = randn[4, 3]") == "W : f32[4, 3]"
    assert d("v = randn[4]") == "v : f32[4]"
    return d


def value(d: Driver, name: str) -> np.ndarray:
    return np.asarray(d.state.value(name).array)


def computed(d: Driver, text: str) -> np.ndarray:
    (v,) = evaluated(text, d.state).values
    return np.asarray(v.array)


def softmax(a: np.ndarray) -> np.ndarray:
    e = np.exp(a - a.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("text,reference,shown", [
    ("relu(x)", lambda x, W, v: np.maximum(x, 0), "f32[5, 4]"),
    ("x @ W", lambda x, W, v: x @ W, "f32[5, 3]"),
    ("softmax(x)", lambda x, W, v: softmax(x), "f32[5, 4]"),
    ("sum j. v[j]", lambda x, W, v: v.sum(), "f32"),
    ("for i. v[i] * 2", lambda x, W, v: v * 2, "f32[4]"),
    ("x + 1", lambda x, W, v: x + 1, "f32[5, 4]"),
    ("for i k. sum j. x[i, j] * W[j, k]", lambda x, W, v: x @ W, "f32[5, 3]"),
    ("let y = x @ W in tanh(y) * y", lambda x, W, v: np.tanh(x @ W) * (x @ W), "f32[5, 3]"),
    ("(z => -z)(v)", lambda x, W, v: -v, "f32[4]"),
    ("if true then v else -v", lambda x, W, v: v, "f32[4]"),
])
def test_an_expression_over_the_values_is_what_numpy_computes(d, text, reference, shown):
    x, W, v = (value(d, n) for n in "xWv")
    np.testing.assert_allclose(computed(d, text), reference(x, W, v), rtol=1e-5, atol=1e-5)
    out = d(text)
    assert out.splitlines()[0] == shown
    assert d(f":type {text}") == f"{text} : {shown}"


def test_a_para_applied_to_an_expression_maps_over_its_leading_axes(d):
    got = apply("Linear(4, 2)(relu(x))", d.state)
    W, b = np.asarray(got.module.W), np.asarray(got.module.b)
    np.testing.assert_allclose(got.value.array, np.maximum(value(d, "x"), 0) @ W + b, rtol=1e-5, atol=1e-5)
    assert got.value.type == "f32[5, o=2]"
    assert d(":type Linear(4, 2)(relu(x))") == "Linear(4, 2)(relu(x)) : f32[5, o=2]"
    assert d("Linear(4, 2)(relu(x))").splitlines()[0] == "f32[5, o=2]"


def test_a_para_of_a_tuple_takes_an_expression_for_each_value():
    d = Driver()
    d("import attention")
    for name, shape in (("q", "3, 4"), ("k", "5, 4"), ("v", "5, 2")):
        d(f"{name} = randn[{shape}]")
    text = "DotProductAttention(4, 2)(relu(q), k, 2.0 * v)"
    got = apply(text, d.state)
    q, k, v = (value(d, n) for n in "qkv")
    want = softmax(np.maximum(q, 0) @ k.T / np.sqrt(4)) @ (2 * v)
    np.testing.assert_allclose(got.value.array, want, rtol=1e-5, atol=1e-5)
    assert d(f":type {text}") == f"{text} : f32[n=3, v=2]"


def test_a_use_in_place_inside_an_expression_is_built_with_its_weights(d):
    got = evaluated("relu(Linear(4, 2)(v)) + 1.0", d.state)
    lin = got.module.linear_0
    want = np.maximum(value(d, "v") @ np.asarray(lin.W) + np.asarray(lin.b), 0) + 1
    np.testing.assert_allclose(got.values[0].array, want, rtol=1e-5, atol=1e-5)


def test_a_binding_keeps_what_an_expression_gives(d):
    assert d("y = x @ W -- a comment") == "y : f32[5, 3]"
    np.testing.assert_allclose(value(d, "y"), value(d, "x") @ value(d, "W"), rtol=1e-5, atol=1e-5)
    assert d(":type softmax(y)") == "softmax(y) : f32[5, 3]"


def test_a_constant_and_a_tuple(d):
    assert d("1.0 + 2.0") == "f32\n3."
    assert d("2 * 3") == "i32\n6"
    assert d(":type (x, v > 0.0)") == "(x, v > 0.0) : f32[5, 4], bool[4]"
    out = d("(v, 2 * v)")
    assert out.splitlines()[0] == "f32[4]" and out.splitlines()[2] == "f32[4]"
    assert d("t = (v, v)", ok=False) == "para: error: '(v, v)' gives a tuple of 2 values; bind or pass one at a time"


def located(out: str, col: int, code: str) -> None:
    assert re.fullmatch(rf"<repl:\d+>:1:{col}: error\[{code}\]: .*", out.splitlines()[0]), out
    assert out.splitlines()[-1] == "1 error"
    caret = next(ln for ln in out.splitlines() if ln.strip().startswith("|") and "^" in ln)
    assert caret.index("^") - caret.index("|") - 2 == col - 1, out


@pytest.mark.parametrize("text,col,code", [
    ("sum j. x[j]", 8, "E0206"),  # every axis of x takes an index
    ("y2 = sum j. x[j]", 13, "E0206"),  # in a binding, the place in the line typed
    (":type sum j. x[j]", 14, "E0206"),  # and after :type
    (":type   relu(v) + q", 19, "E0101"),
    ("relu(v) + + 1.0", 11, "E0001"),  # a syntax error
    ("Linear(4, 2)(sum j. x[j])", 21, "E0206"),  # in the value a para is applied to
    ("Linear(4, 2)(x) + 1.0", 1, "E0201"),  # inside an expression a para takes its own type
    ("relu", 1, "E0201"),  # a map is not a value
    ("x(3)", 1, "E0205"),
])
def test_a_mistake_is_the_checkers_diagnostic_in_the_line_typed(d, text, col, code):
    before = d.state
    out = commands.run(before, text)
    assert out.error
    located(out.text, col, code)
    assert (out.state.texts, out.state.values) == (before.texts, before.values)
    assert "Traceback" not in out.text
    assert d(":type x @ W") == "x @ W : f32[5, 3]"  # the session goes on


def test_a_value_hides_a_para_of_its_name_only_in_expressions():
    d = Driver()
    d("import nn")
    d("v = [1.0, -2.0]")
    assert d("para v : [2] -> [2] = tanh") == "defined v"
    assert d("v") == "f32[2]\n[ 1. -2.]"
    assert d("relu(v)") == "f32[2]\n[1. 0.]"  # the value
    assert d(":type v") == "v : f32[2]"
    assert d(":params v").startswith("v() : [2] -> [2]")  # a command names the para
    assert d("para U : [2] -> [2] = v >> relu") == "defined U"  # a declaration sees no value
    assert d("U(v)") == "f32[2]\n[0.7616 0.    ]"  # the para applied to the value
    d("Linear = [1.0, 2.0]")
    assert d("Linear(2, 2)(v)", ok=False).splitlines()[0].endswith("which is not a map and cannot be called")


def test_a_value_is_not_taken_for_an_index_or_a_binder_of_its_name():
    d = Driver()
    d("v = [1.0, 2.0, 3.0]")
    d("i = [5.0]")
    d("z = 7.0")
    assert d("for i. v[i] * 2.0") == "f32[3]\n[2. 4. 6.]"
    assert d("(z => z + 1.0)(v)") == "f32[3]\n[2. 3. 4.]"
    assert d("let i = v in i + z") == "f32[3]\n[ 8.  9. 10.]"
    assert d("(sum i. v[i]) + i[0]") == "f32\n11."  # the index inside the sum, the value outside it


def test_the_wrapper_captures_no_name_of_the_session():
    d = Driver()
    d("v = [1.0, 2.0]")
    assert d(f"para {WRAPPER} : [2] -> [2] = tanh") == f"defined {WRAPPER}"
    assert d(f"{WRAPPER}(v)") == "f32[2]\n[0.7616 0.964 ]"  # the para declared, not the wrapper
    c = check_expression(Piece.whole(f"{WRAPPER}(v)"), d.state.counted())
    assert c.para.name == WRAPPER + "'"
    assert d("no_value' = [3.0]") == "no_value' : f32[1]"
    assert d("1.0 + no_value'") == "f32[1]\n[4.]"


def test_type_runs_nothing():
    code = ("import sys; from paradsl.repl import commands; from paradsl.repl.session import State, check; "
            "s = check(State())\n"
            "for t in ['import nn', 'x = randn[5, 4]', 'W = randn[4, 3]', ':type relu(x @ W) + 1.0', "
            "':type Linear(3, 2)(x @ W)']:\n"
            "    o = commands.run(s, t); s = o.state; print(o.text)\n"
            "print('jax' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.stdout.splitlines()[-3:] == ["relu(x @ W) + 1.0 : f32[5, 3]", "Linear(3, 2)(x @ W) : f32[5, o=2]",
                                          "False"], r.stdout + r.stderr


def test_an_expression_leaves_the_session_as_it_was(d):
    before = d.state
    out = commands.run(before, "relu(x)")
    assert not out.error
    assert (out.state.texts, out.state.values) == (before.texts, before.values)
    assert WRAPPER not in out.state.checked.decls
    assert WRAPPER not in commands.run(out.state, ":browse").text


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6))
def test_the_type_of_a_product_is_inferred_from_the_values(n, k, m):
    s = check(State())
    for t in (f"a = zeros[{n}, {k}]", f"b = ones[{k}, {m}]"):
        s = commands.run(s, t).state
    assert commands.run(s, ":type a @ b").text == f"a @ b : f32[{n}, {m}]"
    c = check_expression(Piece.whole("for i. sum j. a[i, j]"), s.counted())
    assert str(c.type) == f"[{n}]"
    assert commands.run(s, "a @ a").error == (n != k)  # sizes that do not meet are the checker's mistake
