"""Recursion schemes: a fold over a use's algebra (or an unfold of a coalgebra, a run of a
machine) written out as the `jax.lax` loop it denotes, from readable templates."""

from __future__ import annotations

import ast as pyast
import copy
import textwrap
from typing import TYPE_CHECKING

from .. import ir
from ..names import case_methods
from . import pybuild as py
from .context import LV

if TYPE_CHECKING:
    from .body import Body


def fold(b: Body, m: ir.Fold, arg: LV) -> LV:
    """A recursion scheme over a use's algebra, written out as the `lax` loop it is."""
    use = b.use(m.use)
    alg = py.self_attr(py.ident(m.use))
    shape = b.facts.algebra(b.p, use)
    methods = case_methods(b.facts.callee(b.p, use))

    def method(name: str) -> pyast.expr:
        return pyast.Attribute(value=alg, attr=methods[name], ctx=pyast.Load())

    xs = b.bind("xs", arg.expr)
    step = b.fresh("step")
    out = b.fresh("ys" if m.mode in ("unfold", "mealy", "moore", "prefix") or m.scheme == "scan" else "h")
    final = b.fresh("state") if m.mode in ("mealy", "moore") else None
    if m.mode == "scan":
        nil, cons = sorted(shape.constructors, key=lambda c: len(c.fields))
        cons_args = ["x" if k == "A" else "h" for k in cons.fields]
        if m.scheme == "scan":  # every state: the same loop, its states stacked as its outputs
            b.state.stmts.extend(template(f"""
                def STEP(h, x):
                    h = CONS({', '.join(cons_args)})
                    return h, h
                _, OUT = jax.lax.scan(STEP, NIL(), XS)
                """, STEP=py.name(step), CONS=method(cons.name), NIL=method(nil.name), XS=xs, OUT=py.name(out)))
            return LV(py.name(out))
        b.state.stmts.extend(template(f"""
            def STEP(h, x):
                return CONS({', '.join(cons_args)}), None
            OUT, _ = jax.lax.scan(STEP, NIL(), XS)
            """, STEP=py.name(step), CONS=method(cons.name), NIL=method(nil.name), XS=xs, OUT=py.name(out)))
        return LV(py.name(out))
    if m.masked:  # the elements the mask leaves out are the unit once lifted
        b.facts.runtime.add("unit_where_masked")
        lifted = b.fresh("ms")
        b.state.stmts.extend(template("MS = unit_where_masked(jax.vmap(LIFT)(XS[0]), XS[1], UNIT())",
                                      MS=py.name(lifted), LIFT=method("lift"), UNIT=method("unit"), XS=xs))
        if m.mode == "balanced":
            b.facts.runtime.add("fold_balanced")
            b.state.stmts.extend(template("OUT = fold_balanced(COMBINE, UNIT(), MS)", COMBINE=method("combine"),
                                          UNIT=method("unit"), MS=py.name(lifted), OUT=py.name(out)))
        else:
            b.state.stmts.extend(template("""
                if MS.shape[0] == 0:
                    OUT = UNIT()
                else:
                    OUT = jax.tree.map(lambda m: m[-1], jax.lax.associative_scan(jax.vmap(COMBINE), MS))
                """, COMBINE=method("combine"), UNIT=method("unit"), MS=py.name(lifted), OUT=py.name(out)))
        return LV(py.name(out))
    if m.mode in ("assoc", "prefix"):
        if m.mode == "assoc":  # the product of all the elements; the unit for none
            b.state.stmts.extend(template("""
                if XS.shape[0] == 0:
                    OUT = UNIT()
                else:
                    OUT = jax.lax.associative_scan(jax.vmap(COMBINE), jax.vmap(LIFT)(XS))
                    OUT = jax.tree.map(lambda m: m[-1], OUT)
                """, COMBINE=method("combine"), LIFT=method("lift"), UNIT=method("unit"), XS=xs, OUT=py.name(out)))
        else:
            b.state.stmts.extend(template("OUT = jax.lax.associative_scan(jax.vmap(COMBINE), jax.vmap(LIFT)(XS))",
                                    COMBINE=method("combine"), LIFT=method("lift"), XS=xs, OUT=py.name(out)))
        return LV(py.name(out))
    if m.mode == "balanced":
        b.facts.runtime.add("fold_balanced")
        b.state.stmts.extend(template("OUT = fold_balanced(COMBINE, UNIT(), jax.vmap(LIFT)(XS))",
                                COMBINE=method("combine"), UNIT=method("unit"), LIFT=method("lift"), XS=xs,
                                OUT=py.name(out)))
        return LV(py.name(out))
    if m.mode == "tree":
        b.facts.runtime.add("fold_tree")
        branches = []
        for c in shape.constructors:
            kids = iter(range(len(c.fields)))
            call_args = []
            for k in c.fields:
                call_args.append(py.name("a") if k == "A" else py.subscript(py.name("kids"), [py.const(next(kids))]))
            lam = pyast.Lambda(args=pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="a"), pyast.arg(arg="kids")],
                                                    vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
                               body=py.call(method(c.name), *call_args))
            branches.append(lam)
        base = next(i for i, c in enumerate(shape.constructors) if "X" not in c.fields)
        b.state.stmts.extend(template("OUT = fold_tree(BRANCHES, BASE, *XS)", BRANCHES=pyast.List(elts=branches, ctx=pyast.Load()),
                                BASE=py.const(base), XS=xs, OUT=py.name(out)))
        return LV(py.name(out))
    if m.mode == "unfold":
        (ctor,) = shape.constructors
        length = b.size(m.axis)
        b.state.stmts.extend(template("""
            def STEP(s, _):
                o, s = OUT_FN(s)
                return s, o
            _, OUT = jax.lax.scan(STEP, XS, None, length=LENGTH)
            """, STEP=py.name(step), OUT_FN=method(ctor.name), XS=xs, LENGTH=length, OUT=py.name(out)))
        return LV(py.name(out))
    if m.mode == "mealy":
        b.state.stmts.extend(template("""
            def STEP(s, x):
                o, s = STEP_FN(x, s)
                return s, o
            FINAL, OUT = jax.lax.scan(STEP, START(), XS)
            """, STEP=py.name(step), STEP_FN=method("step"), START=method("start"), XS=xs,
                                OUT=py.name(out), FINAL=py.name(final)))
        return LV(py.tuple_([py.name(out), py.name(final)]))
    if m.mode == "moore":
        b.state.stmts.extend(template("""
            def STEP(s, x):
                return STEP_FN(x, s), OUT_FN(s)
            FINAL, OUT = jax.lax.scan(STEP, START(), XS)
            """, STEP=py.name(step), STEP_FN=method("step"), OUT_FN=method("out"), START=method("start"), XS=xs,
                                OUT=py.name(out), FINAL=py.name(final)))
        return LV(py.tuple_([py.name(out), py.name(final)]))
    raise AssertionError(m.mode)  # pragma: no cover


def template(source: str, **subs: pyast.expr) -> list[pyast.stmt]:
    """Statements from a template of ours, its UPPERCASE placeholders replaced by AST nodes
    (never by text): how the recursion schemes are written out readably."""
    tree = pyast.parse(textwrap.dedent(source))

    class Substitute(pyast.NodeTransformer):
        def visit_Name(self, node: pyast.Name):
            if node.id in subs:
                new = copy.deepcopy(subs[node.id])
                if isinstance(new, pyast.Name):
                    new = pyast.Name(id=new.id, ctx=node.ctx)
                return new
            return node

        def visit_FunctionDef(self, node: pyast.FunctionDef):
            self.generic_visit(node)
            if node.name in subs:
                node.name = subs[node.name].id
            return node

    return Substitute().visit(tree).body
