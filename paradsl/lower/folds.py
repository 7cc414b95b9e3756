"""Recursion schemes: a fold over a use's algebra (or an unfold of a coalgebra, a run of a
machine) written out as the `jax.lax` loop it denotes, from readable templates."""

from __future__ import annotations

import ast as pyast
import copy
import textwrap
from typing import TYPE_CHECKING

from .. import ir
from ..types import TensorType
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
    callee = b.facts.callee(b.p, use)
    reduction = elementwise_reduction(callee) if m.mode in ("assoc", "balanced") else None
    if m.masked:  # the elements the mask leaves out are the unit once lifted
        b.facts.runtime.add("unit_where_masked")
        lifted = b.fresh("ms")
        b.state.stmts.extend(template("MS = unit_where_masked(LIFTED, XS[1], UNIT())", MS=py.name(lifted),
                                      LIFTED=_lifted(callee, method("lift"), py.subscript(xs, [py.const(0)])),
                                      UNIT=method("unit"), XS=xs))
        if reduction is not None:
            return _reduce(b, reduction, py.name(lifted), method("unit"), out)
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
    if reduction is not None:
        return _reduce(b, reduction, _lifted(callee, method("lift"), xs), method("unit"), out)
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


#: A monoid's `combine(u, v)` that is one of these elementwise primitives of its two
#: arguments is that reduction along the folded axis.
_REDUCTIONS = {"add": "jnp.sum", "maximum": "jnp.max", "minimum": "jnp.min", "mul": "jnp.prod"}


def elementwise_reduction(monoid: ir.ParaDef | None) -> str | None:
    """The jnp reduction a fold of `monoid` is, when its carrier is one tensor and its
    `combine(u, v)` is `u + v`, `max(u, v)`, `min(u, v)` or `u * v`: the product of n
    elements is then one call of it, where a tree of pairwise combines would trace
    ceil(log2 n) levels (and so grow the program with the size of the axis)."""
    if monoid is None or monoid.shape is None or not isinstance(monoid.shape.carrier, TensorType):
        return None
    case = next((c for c in monoid.cases if c.name == "combine"), None)
    if case is None or not isinstance(case.body, ir.LambdaT) or len(case.body.params) != 2:
        return None
    body = case.body.body
    if not (isinstance(body, ir.Prim) and body.op in _REDUCTIONS and len(body.args) == 2):
        return None
    names = [a.name if isinstance(a, ir.Var) else None for a in body.args]
    return _REDUCTIONS[body.op] if sorted(names, key=str) == sorted(case.body.params) else None


def mapped_reduction(b: Body, m: ir.MapOver, arg: LV) -> LV | None:
    """`map (fold M over n) over t` for a monoid M that is a reduction (`elementwise_reduction`):
    one reduction along the second axis, where a `vmap` of the fold would reduce each
    element's. An argument that a transpose laid out `[t, n, ...]` from `[n, t, ...]` (the
    messages and the adjacency of a graph layer, written sender first) is reduced along its
    first axis instead, so that the transpose is never formed. None for any other map."""
    fold = m.fn
    if not (isinstance(fold, ir.Fold) and fold.mode in ("assoc", "balanced")):
        return None
    use = b.use(fold.use)
    callee = b.facts.callee(b.p, use)
    reduction = elementwise_reduction(callee)
    if reduction is None or b.facts.stochastic(b.p, use):
        return None
    alg = py.self_attr(py.ident(fold.use))
    methods = case_methods(callee)
    unit = pyast.Attribute(value=alg, attr=methods["unit"], ctx=pyast.Load())
    lift = pyast.Attribute(value=alg, attr=methods["lift"], ctx=pyast.Load())
    if fold.masked:
        parts = arg.expr.elts if isinstance(arg.expr, pyast.Tuple) and len(arg.expr.elts) == 2 else None
        if parts is None:
            whole = b.bind("xs", arg.expr)
            parts = [py.subscript(whole, [py.const(0)]), py.subscript(whole, [py.const(1)])]
        (xs, axis), (mask, mask_axis) = _untransposed(parts[0]), _untransposed(parts[1])
        if axis != mask_axis:  # only one of the two was transposed: keep both as written
            (xs, axis), (mask, mask_axis) = (parts[0], 1), (parts[1], 1)
    else:
        xs, axis = _untransposed(arg.expr)
        mask = None
    lifted = _lifted(callee, py.call("jax.vmap", lift), xs)  # lifted over both leading axes
    ms = b.fresh("ms")
    if mask is not None:
        b.facts.runtime.add("unit_where_masked")
        b.emit(py.assign(ms, py.call("unit_where_masked", lifted, mask, py.call(unit))))
    else:
        b.emit(py.assign(ms, lifted))
    out = b.fresh("h")
    rest = "MS.shape[1:]" if axis == 0 else "MS.shape[:1] + MS.shape[2:]"  # the result's shape
    b.state.stmts.extend(template(f"""
        if MS.shape[AXIS] == 0:
            OUT = jnp.broadcast_to(UNIT(), {rest})
        else:
            OUT = REDUCE(MS, axis=AXIS)
        """, REDUCE=py.attr(reduction), MS=py.name(ms), AXIS=py.const(axis), UNIT=unit, OUT=py.name(out)))
    return LV(py.name(out))


def _untransposed(x: pyast.expr) -> tuple[pyast.expr, int]:
    """`x` and the axis its elements are folded along: `(a, 0)` for `jnp.transpose(a, (1, 0,
    2, ...))`, which only swaps the two leading axes, else `(x, 1)`."""
    if (isinstance(x, pyast.Call) and isinstance(x.func, pyast.Attribute) and x.func.attr == "transpose"
            and isinstance(x.func.value, pyast.Name) and x.func.value.id == "jnp" and len(x.args) == 2
            and isinstance(x.args[1], pyast.Tuple)
            and all(isinstance(e, pyast.Constant) for e in x.args[1].elts)):
        perm = [e.value for e in x.args[1].elts]
        if perm[:2] == [1, 0] and perm[2:] == list(range(2, len(perm))):
            return x.args[0], 0
    return x, 1


def _lifted(monoid: ir.ParaDef | None, lift: pyast.expr, xs: pyast.expr) -> pyast.expr:
    """The elements lifted into the monoid: `xs` itself when `lift(x) => x`."""
    case = next((c for c in monoid.cases if c.name == "lift"), None) if monoid is not None else None
    if (case is not None and isinstance(case.body, ir.LambdaT) and len(case.body.params) == 1
            and isinstance(case.body.body, ir.Var) and case.body.body.name == case.body.params[0]):
        return xs
    return py.call(py.call("jax.vmap", lift), xs)


def _reduce(b: Body, reduction: str, ms: pyast.expr, unit: pyast.expr, out: str) -> LV:
    """The fold of lifted elements `ms` as one reduction along their first axis; the unit
    for none, where a reduction such as `jnp.max` has no value."""
    b.state.stmts.extend(template("OUT = REDUCE(MS, axis=0) if MS.shape[0] else UNIT()", REDUCE=py.attr(reduction),
                                  MS=b.bind("ms", ms), UNIT=unit, OUT=py.name(out)))
    return LV(py.name(out))


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
