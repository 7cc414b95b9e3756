"""The methods of a para's class: `__call__`, the tied pair `untie`/`forward`, and one
method per case of an algebra-like declaration. Each starts a fresh `MethodState`."""

from __future__ import annotations

import ast as pyast
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import ir
from ..ir.circulant import CircularUse
from ..names import case_methods
from . import pybuild as py
from .body import Body
from .context import LV, MethodState, Namer
from .shapes import annotation, size_paths

if TYPE_CHECKING:
    from .para import ParaLowering


def _begin(pl: ParaLowering) -> tuple[Body, str]:
    """A body lowering with fresh state for one method of `pl`, and the input's name."""
    p = pl.p
    names = Namer({"self", "key", "keys"} | {py.ident(n) for n, _ in p.index_sets})
    body = p.body
    arg_name = names.fresh(body.params[0] if isinstance(body, ir.LambdaT) and not body.tupled else "x")
    if p.is_reparam:  # a reparam is given the sizes of its index sets
        paths = {n: py.name(py.ident(n)) for n, _ in p.index_sets}
    else:
        paths = size_paths(p.type.dom, py.name(arg_name))
    return Body(p, pl.facts, MethodState(names=names, size_paths=paths)), arg_name


def _input_arg(pl: ParaLowering, arg_name: str) -> pyast.arg:
    return pyast.arg(arg=arg_name, annotation=annotation(pl.p.type.dom) if pl.p.shape is None else None)


def optional_key() -> pyast.arg:
    """`key: PRNGKeyArray | None`: a key that may be left out (for inference, or when
    nothing random is drawn)."""
    return pyast.arg(arg="key", annotation=py.ann("PRNGKeyArray | None"))


def _arguments(args: list[pyast.arg], kwonly: list[pyast.arg] = (), kw_defaults: list = ()) -> pyast.arguments:
    return pyast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=list(kwonly),
                           kw_defaults=list(kw_defaults), kwarg=None, defaults=[])


def call_def(pl: ParaLowering, name: str = "__call__",
             circular: Mapping[str, CircularUse] | None = None) -> pyast.FunctionDef:
    """`__call__(self, x, *, key=None)`: the body applied to the input; the uses in `circular`
    are applied as circular convolutions of their kernels (`lower.circulant`)."""
    p = pl.p
    b, arg_name = _begin(pl)
    b.state.circular.update(circular or {})
    result = b.apply_map(p.body, LV(py.name(arg_name)))
    b.emit(py.ret(result.expr))
    prologue: list[pyast.stmt] = []
    if name == "forward":
        prologue.append(pyast.Expr(value=py.const("The untied map f(p, x): the body, every leaf as stored.")))
    for n, e in b.state.sizes_needed.items():
        if not (isinstance(e, pyast.Name) and e.id == n):  # a reparam's sizes are its arguments already
            prologue.append(py.assign(n, e))
    if p.stochastic:
        n = max(b.state.key_sites, 1)
        split = py.call("jax.random.split", py.name("key"), py.const(n))
        none = py.binop("*", py.tuple_([py.const(None)]), py.const(n))
        prologue.append(py.assign("keys", pyast.IfExp(
            test=pyast.Compare(left=py.name("key"), ops=[pyast.Is()], comparators=[py.const(None)]),
            body=none, orelse=split)))
    kwonly = [optional_key()] if p.stochastic else []
    defaults: list[pyast.expr | None] = [py.const(None)] * len(kwonly)
    if p.is_reparam:
        kwonly += [pyast.arg(arg=py.ident(n), annotation=py.name("int")) for n, _ in p.index_sets]
        defaults += [None] * len(p.index_sets)
    fn_args = _arguments([pyast.arg(arg="self"), _input_arg(pl, arg_name)], kwonly, defaults)
    return pyast.FunctionDef(name=name, args=fn_args, body=prologue + b.state.stmts, decorator_list=[],
                             returns=annotation(p.type.cod), type_params=[])


def untie_def(pl: ParaLowering) -> pyast.FunctionDef:
    """`untie(x)`: this module with every tied leaf computed from the free ones (r(q));
    `x` only gives the sizes of the index sets."""
    p = pl.p
    b, arg_name = _begin(pl)
    leaf_vars = b.state.leaf_vars  # later ties read the leaves earlier ones computed
    for tie in p.ties:
        value = b.term(tie.value).expr
        if len(tie.targets) == 1:
            leaf_vars[tie.targets[0]] = b.bind("_".join(tie.targets[0]), value)
        else:
            names = [b.fresh("_".join(t)) for t in tie.targets]
            b.emit(py.assign(names, value))
            for t, n in zip(tie.targets, names):
                leaf_vars[t] = py.name(n)
    targets = [t for tie in p.ties for t in tie.targets]
    b.emit(py.ret(tree_at(py.name("self"), targets, [leaf_vars[t] for t in targets])))
    prologue = [py.assign(n, e) for n, e in b.state.sizes_needed.items()]
    doc = "The module with its tied leaves computed from the free parameters (the 2-cell r):\n\n" + "\n".join(
        f"    {t.source}" for t in p.ties) + "\n"
    fn_args = _arguments([pyast.arg(arg="self"), _input_arg(pl, arg_name)])
    return pyast.FunctionDef(name="untie", args=fn_args, body=[pyast.Expr(value=py.const(doc))] + prologue + b.state.stmts,
                             decorator_list=[], returns=py.ann(repr(pl.cls)), type_params=[])


def tied_call_def(pl: ParaLowering) -> pyast.FunctionDef:
    """`__call__(x) = untie(x).forward(x)`: g(q, x) = f(r(q), x)."""
    p = pl.p
    _, arg_name = _begin(pl)
    kw = {"key": py.name("key")} if p.stochastic else {}
    forward = py.call(pyast.Attribute(value=py.call(py.attr("self.untie"), py.name(arg_name)), attr="forward",
                                      ctx=pyast.Load()), py.name(arg_name), **kw)
    kwonly = [optional_key()] if p.stochastic else []
    fn_args = _arguments([pyast.arg(arg="self"), _input_arg(pl, arg_name)], kwonly, [py.const(None)] * len(kwonly))
    return pyast.FunctionDef(name="__call__", args=fn_args, body=[py.ret(forward)], decorator_list=[],
                             returns=annotation(p.type.cod), type_params=[])


def case_def(pl: ParaLowering, case: ir.Case) -> pyast.FunctionDef:
    """One case of an algebra-like declaration as a method: `def cons(self, x, h)`."""
    p = pl.p
    names = Namer({"self"} | {py.ident(n) for pat in case.patterns for n in _pattern_names(pat)})
    b = Body(p, pl.facts, MethodState(names=names, size_paths={}))
    args = [pyast.arg(arg="self")]
    ctor = next(c for c in p.shape.constructors if c.name == case.name)
    prologue: list[pyast.stmt] = []
    if p.ties:
        prologue.append(py.assign("self", py.call(py.attr("self.untie"), py.const(None))))
    for pat, t in zip(case.patterns, ctor.types if p.shape.kind != "coalgebra" else (p.shape.carrier,)):
        if isinstance(pat, str):
            args.append(pyast.arg(arg=py.ident(pat), annotation=annotation(t)))
        else:
            name = b.fresh("arg")
            args.append(pyast.arg(arg=name, annotation=None))
            prologue.append(pyast.Assign(targets=[_pattern_target(pat)], value=py.name(name)))
    lam = case.body
    for n in lam.params:
        b.state.env[n] = LV(py.name(py.ident(n)))
    result = b.term(lam.body)
    b.emit(py.ret(result.expr))
    return pyast.FunctionDef(name=case_methods(p)[case.name], args=_arguments(args), body=prologue + b.state.stmts,
                             decorator_list=[],
                             returns=annotation(ctor.result) if p.shape.kind != "coalgebra" else None, type_params=[])


def tree_at(module: pyast.expr, paths: list[tuple[str, ...]], values: list[pyast.expr]) -> pyast.expr:
    """`eqx.tree_at(lambda m: (m.a.W, ...), module, (v, ...), is_leaf=...)`: None marks a
    leaf a 2-cell gives, so None must count as a leaf to be found and replaced."""
    def leaf(path):
        expr = py.name("m")
        for step in path:
            expr = pyast.Attribute(value=expr, attr=py.ident(step), ctx=pyast.Load())
        return expr

    where = pyast.Lambda(args=pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="m")], vararg=None, kwonlyargs=[],
                                              kw_defaults=[], kwarg=None, defaults=[]),
                         body=py.tuple_(leaf(p) for p in paths))
    is_none = pyast.Lambda(args=pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="v")], vararg=None, kwonlyargs=[],
                                                kw_defaults=[], kwarg=None, defaults=[]),
                           body=pyast.Compare(left=py.name("v"), ops=[pyast.Is()], comparators=[py.const(None)]))
    return py.call("eqx.tree_at", where, module, py.tuple_(values), is_leaf=is_none)


def _pattern_names(p) -> list[str]:
    return [p] if isinstance(p, str) else [n for i in p for n in _pattern_names(i)]


def _pattern_target(p) -> pyast.expr:
    if isinstance(p, str):
        return py.store(py.ident(p))
    return pyast.Tuple(elts=[_pattern_target(i) for i in p], ctx=pyast.Store())
