"""The typed IR: its grammar names every node, its kinds are enums that accept strings, the
printer prints every node kind deterministically, and the IR stands apart from the syntax."""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path

import pytest

import paradsl
from paradsl import ir
from paradsl.ir import printer
from paradsl.types import FixedAxis, IndexSetAxis, Kind, MapType, Poly, TensorType

ROOT = Path(__file__).resolve().parent.parent
NODES = importlib.import_module("paradsl.ir.nodes")  # the module; `ir.nodes` is the function
FILES = sorted((ROOT / "examples").glob("*.para")) + sorted((ROOT / "stdlib").glob("*.para"))

#: The map forms no example or stdlib file happens to use.
MORE = """
para Pair(d: Nat) : [d] -> ([d], [d]) = relu & tanh
para Both(d: Nat) : ([d], [d]) -> ([d], [d]) = relu * (x => -x)
para Rows(d: Nat) (n: list) : [n, d] -> [n, d] = map (x => x + 1.0) over n
"""


def _program(text: str) -> ir.Program:
    result = paradsl.check_source(text)
    assert result.ok, result.diagnostics
    return next(iter(result.programs.values()))


def _node_classes() -> set[type]:
    return {c for c in vars(NODES).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == NODES.__name__}


def _concrete() -> set[type]:
    return _node_classes() - {ir.Term, ir.MapTerm}


@pytest.fixture(scope="module")
def programs() -> list[ir.Program]:
    out = []
    for f in FILES:
        result = paradsl.check_paths([f])
        assert result.ok, f
        out.append(next(iter(result.programs.values())))
    return out + [_program(MORE)]


def test_the_grammar_names_every_node():
    doc = NODES.__doc__
    missing = [c.__name__ for c in _concrete() if c.__name__ not in doc]
    assert not missing, f"the grammar in ir/nodes.py omits {missing}"


def test_the_examples_hold_every_node_kind(programs):
    seen = {type(x) for p in programs for x in ir.nodes(p)}
    assert _concrete() <= seen, sorted(c.__name__ for c in _concrete() - seen)


def test_the_printer_has_a_case_for_every_term_and_map_term():
    terms = {c for c in _concrete() if issubclass(c, ir.Term)}
    maps = {c for c in _concrete() if issubclass(c, ir.MapTerm)}
    assert set(printer._TERMS) == terms
    assert set(printer._MAPS) == maps


def test_every_node_kind_prints(programs):
    for p in programs:
        text = ir.format_program(p)
        assert text.endswith("\n")
        for d in p.paras:
            assert ir.format_para(d) in text
            assert d.name in text
            for prm in d.params:
                assert f"param {prm.name} : " in text
            for u in d.uses:
                assert f"use {u.name} : {u.callee}(" in text
            for c in d.cases:
                assert f"case {c.name}(" in text


def test_printing_is_deterministic(programs):
    again = [_program(MORE)] + [next(iter(paradsl.check_paths([f]).programs.values())) for f in FILES[:3]]
    firsts = [programs[-1]] + programs[:3]
    assert [ir.format_program(p) for p in again] == [ir.format_program(p) for p in firsts]


def test_a_para_with_params_and_index_notation():
    text = ir.format_program(_program(
        "para Scale(d: Nat) (n: set) : [n, d] -> [n]\n"
        "  params s : [d] ~ normal(0.5)\n"
        "  = x => for i. sum c. x[i, c] * s[c]\n"))
    assert text == (
        "para Scale(d: Nat) (n: set) : f32[n,d] -> f32[n]\n"
        "  param s : f32[d] ~ normal(0.5)\n"
        "  = x => for i. sum c. x[i,c] * s[c]\n")


def test_uses_ties_and_composition():
    text = ir.format_program(_program(
        "para Lin(i: Nat, o: Nat) : [i] -> [o]\n"
        "  params W : [i, o] ~ glorot\n"
        "  = x => x @ W\n"
        "para AE(d: Nat, k: Nat) : [d] -> [d]\n"
        "  uses enc : Lin(d, 2 * k), dec : Lin(2 * k, d)\n"
        "  tie dec.W = transpose(enc.W)\n"
        "  = enc >> tanh >> dec\n"))
    assert text == (
        "para Lin(i: Nat, o: Nat) : f32[i] -> f32[o]\n"
        "  param W : f32[i,o] ~ glorot\n"
        "  = x => x @ W\n"
        "\n"
        "para AE(d: Nat, k: Nat) : f32[d] -> f32[d]\n"
        "  use enc : Lin(d, 2*k)\n"
        "  use dec : Lin(2*k, d)\n"
        "  tie dec.W = transpose(enc.W)\n"
        "  = enc >> tanh >> dec\n")


def test_map_forms_and_tuple_types():
    assert ir.format_program(_program(MORE)) == (
        "para Pair(d: Nat) : f32[d] -> (f32[d], f32[d])\n"
        "  = relu & tanh\n"
        "\n"
        "para Both(d: Nat) : (f32[d], f32[d]) -> (f32[d], f32[d])\n"
        "  = relu * (x => -x)\n"
        "\n"
        "para Rows(d: Nat) (n: list) : f32[n,d] -> f32[n,d]\n"
        "  = map (x => x + 1.0) over n\n")


def test_an_algebra_and_its_fold():
    text = ir.format_program(_program(
        "functor ListF(A) = nil | cons(A, X)\n"
        "algebra Acc(d: Nat) : ListF([d]) on [d]\n"
        "  params h0 : [d] ~ zeros\n"
        "  | nil => h0\n"
        "  | cons(x, h) => tanh(x + h)\n"
        "para Run(d: Nat) (t : list) : [t, d] -> [d] = fold Acc(d) over t\n"))
    assert text == (
        "algebra Acc(d: Nat) : ListF([d]) on f32[d]\n"
        "  param h0 : f32[d] ~ zeros\n"
        "  shape algebra: carrier f32[d], elem f32[d]\n"
        "  ctor nil() -> f32[d]\n"
        "  ctor cons(A f32[d], X f32[d]) -> f32[d]\n"
        "  case nil() => h0\n"
        "  case cons(x, h) => tanh(x + h)\n"
        "\n"
        "para Run(d: Nat) (t: list) : f32[t,d] -> f32[d]\n"
        "  use acc_0 : Acc(d)  [anonymous]\n"
        "  = fold[scan] acc_0 over t\n")


def test_short_types_print_like_jaxpr():
    d4 = FixedAxis(Poly.const(4) * Poly.var("d"))
    assert ir.short_type(TensorType((d4,), "bf16")) == "bf16[4*d]"
    assert ir.short_type(TensorType(())) == "f32[]"
    assert ir.short_type(MapType(TensorType((d4,)), TensorType((), "i32"))) == "f32[4*d] -> i32[]"


def test_kinds_are_enums_that_take_strings():
    t = TensorType(())
    f = ir.Fold("fold", "m", "balanced", FixedAxis(Poly.const(3)), type=MapType(t, t))
    assert f.mode is ir.FoldMode.BALANCED and f.scheme is ir.Scheme.FOLD
    assert f.mode == "balanced" and f"{f.mode}" == "balanced"
    assert ir.Hyper("d", "Nat", None).kind is ir.HyperKind.NAT
    shape = ir.AlgebraShape("commutative monoid", None, (ir.Constructor("lift", ("A",), (t,), t),), t)
    assert shape.kind is ir.ShapeKind.COMMUTATIVE_MONOID and shape.constructors[0].fields == (ir.FieldRole.DATA,)
    assert ir.Reduce("sum", None, (), ir.Lit(1.0, type=t), type=t).op is ir.ReduceOp.SUM
    with pytest.raises(ValueError):
        ir.Hyper("d", "Natural", None)


def test_the_checker_makes_enum_kinds(programs):
    for p in programs:
        for d in p.paras:
            assert type(d.kind) is ir.ParaKind
            assert all(type(h.kind) is ir.HyperKind for h in d.hypers)
            assert d.shape is None or type(d.shape.kind) is ir.ShapeKind
            for x in ir.nodes(d):
                if isinstance(x, ir.Fold):
                    assert type(x.mode) is ir.FoldMode and type(x.scheme) is ir.Scheme


def test_the_ir_does_not_import_the_syntax():
    for f in sorted((ROOT / "paradsl" / "ir").glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any("syntax" in n for n in names), f"{f.name} imports {names}"


# ------------------------------------------------------------------ the walk over uses


def _file_program(path: Path) -> ir.Program:
    return next(iter(paradsl.check_paths([path]).programs.values()))


def test_the_walk_goes_depth_first_in_declaration_order_with_sizes():
    program = _file_program(ROOT / "examples" / "tying.para")
    reached = [(r.path, r.para.name, {h: str(p) for h, p in r.sizes.items()})
               for r in ir.walk(program, "TiedEmbeddingLM")]
    assert reached == [
        ((), "TiedEmbeddingLM", {}),
        (("emb",), "Embedding", {"v": "v", "d": "d"}),
        (("mix",), "ResidualMLPBlock", {"d": "d", "d_hidden": "4*d"}),
        (("mix", "norm"), "LayerNorm", {"d": "d"}),
        (("mix", "ff"), "MLP", {"d_in": "d", "d_hidden": "4*d", "d_out": "d"}),
        (("mix", "ff", "linear_0"), "Linear", {"i": "d", "o": "4*d"}),
        (("mix", "ff", "linear_1"), "Linear", {"i": "4*d", "o": "d"}),
        (("out",), "LinearNoBias", {"i": "d", "o": "v"}),
    ]  # the reparam `transposed_0` holds no parameters: the walk does not enter it
    mlp = next(r for r in ir.walk(program, "TiedEmbeddingLM") if r.path == ("mix", "ff", "linear_0"))
    assert mlp.use is not None and mlp.use.callee == "Linear"
    assert ir.short_type(mlp.type(mlp.para.params[0].type)) == "f32[d,4*d]"


def test_the_walk_puts_index_sets_where_a_use_fixes_them():
    program = _file_program(ROOT / "examples" / "equivariant.para")
    dense = [r for r in ir.walk(program, "RingNet") if r.para.name == "Dense"]
    assert [r.path for r in dense] == [("conv1", "dense_0"), ("conv2", "dense_0")]
    assert all(ir.short_type(r.type(r.para.params[0].type)) == "f32[c,c]" for r in dense)
    assert dense[0].size(IndexSetAxis("m", Kind.SET)) == Poly.var("c")
    assert dense[0].size(IndexSetAxis("other", Kind.SET)) == Poly.var("other")


def test_entering_a_use_at_a_reference_takes_the_reference_index_sets():
    program = _file_program(ROOT / "examples" / "transformer.para")
    tree = ir.UseTree(program)
    root = tree.root("TransformerBlock")
    attn = tree.enter(root, "attn", (("t", FixedAxis(Poly.var("h") * Poly.const(2))),))
    assert attn.path == ("attn",) and attn.sizes == {"d": Poly.var("d")}
    assert ir.short_type(attn.type(attn.para.type)) == "f32[2*h,d] -> f32[2*h,d]"
    assert tree.enter(root, "attn").index_sets == {}  # no tie fixes where the use's `t` is


def test_the_parameter_report_lists_the_leaves_the_walk_reaches():
    from paradsl.analysis.params import report

    program = _file_program(ROOT / "examples" / "tying.para")
    for name in ("AlbertStack", "TiedEmbeddingLM", "LowRankMLP"):
        leaves = [".".join(r.path + (p.name,)) for r in ir.walk(program, name) for p in r.para.params]
        assert [row.path for row in report(program, name).rows] == leaves
