"""A method's body: map terms (composition, fan-out, lambdas, uses) and the terms under
them, written as statements into the method's state.

Index notation lives in `index`, builtin calls in `calls`, recursion schemes in `folds`;
this module dispatches to them and holds what they share: binding a value to a fresh
name, the size of an axis, the next key.
"""

from __future__ import annotations

import ast as pyast
from collections.abc import Callable

from .. import ir
from ..types import FixedAxis, IndexSetAxis
from . import calls, circulant, folds, index, iterate, repeat
from . import pybuild as py
from .context import LV, MethodState, ProgramFacts
from .prims import UNARY_FN
from .shapes import poly_expr


class Body:
    """Lowers the terms of one method of `para` into `state`."""

    def __init__(self, para: ir.ParaDef, facts: ProgramFacts, state: MethodState) -> None:
        self.p = para
        self.facts = facts
        self.state = state

    # ------------------------------------------------------------------ shared
    def emit(self, stmt: pyast.stmt) -> None:
        self.state.stmts.append(stmt)

    def fresh(self, base: str) -> str:
        return self.state.names.fresh(base)

    def bind(self, base: str, value: pyast.expr) -> pyast.expr:
        """`value` as a name: itself if it is one, else a fresh variable assigned it."""
        if isinstance(value, pyast.Name):
            return value
        n = self.fresh(base)
        self.emit(py.assign(n, value))
        return py.name(n)

    def size(self, axis) -> pyast.expr:
        """The size of an axis: a hyperparameter expression, or an index set's size read from
        the input (bound once in the method's prologue)."""
        if isinstance(axis, FixedAxis):
            return poly_expr(axis.size, lambda v: py.self_attr(py.ident(v)))
        if isinstance(axis, IndexSetAxis):
            n = py.ident(axis.name)
            if n not in self.state.sizes_needed:
                self.state.sizes_needed[n] = self.state.size_paths[axis.name]
            return py.name(n)
        raise AssertionError(f"unsolved axis {axis}")  # pragma: no cover - the checker solves every axis

    def next_key(self) -> pyast.expr:
        """The next of the keys the method splits from its own: `keys[i]`."""
        k = py.subscript(py.name("keys"), [py.const(self.state.key_sites)])
        self.state.key_sites += 1
        return k

    def use(self, name: str) -> ir.Use:
        return next(u for u in self.p.uses if u.name == name)

    # ------------------------------------------------------------------ maps
    def apply_map(self, m: ir.MapTerm, arg: LV) -> LV:
        if isinstance(m, ir.UseRef):
            if m.name in self.state.circular:
                return circulant.apply(self, self.state.circular[m.name], arg)
            use = self.use(m.name)
            if use.repeat is not None:
                return repeat.apply(self, use, arg, self.next_key() if self.facts.stochastic(self.p, use) else None)
            kw = {"key": self.next_key()} if self.facts.stochastic(self.p, use) else {}
            if self.facts.is_reparam(self.p, use):  # a reparam is told the sizes of its index sets
                kw.update({py.ident(n): self.size(a) for n, a in m.index_sets})
            return LV(py.call(py.self_attr(py.ident(m.name)), arg.expr, **kw))
        if isinstance(m, ir.PrimMap):
            return LV(self.unary(m.op, arg.expr))
        if isinstance(m, ir.Fold):
            return folds.fold(self, m, arg)
        if isinstance(m, ir.MapOver):
            return self._map_over(m, arg)
        if isinstance(m, ir.Iterate):
            return iterate.iterate(self, m, arg)
        if isinstance(m, ir.LambdaT):
            with self.state.scope():
                if not m.tupled:
                    v = arg.expr if isinstance(arg.expr, pyast.Name) else self.bind(m.params[0], arg.expr)
                    self.state.env[m.params[0]] = LV(v)
                else:
                    names = [self.fresh(n) for n in m.params]
                    if names:
                        self.emit(py.assign(names, arg.expr))
                    for src, n in zip(m.params, names):
                        self.state.env[src] = LV(py.name(n))
                return self.term(m.body)
        if isinstance(m, ir.Compose):
            h = self.apply_map(m.first, arg)
            h = LV(self.bind("h", h.expr))
            return self.apply_map(m.second, h)
        if isinstance(m, ir.Fanout):
            a = LV(self.bind("h", arg.expr))
            left = self.apply_map(m.left, a)
            right = self.apply_map(m.right, a)
            return LV(py.tuple_([left.expr, right.expr]))
        if isinstance(m, ir.Parallel):
            names = [self.fresh("a"), self.fresh("b")]
            self.emit(py.assign(names, arg.expr))
            left = self.apply_map(m.left, LV(py.name(names[0])))
            right = self.apply_map(m.right, LV(py.name(names[1])))
            return LV(py.tuple_([left.expr, right.expr]))
        raise AssertionError(m)  # pragma: no cover

    def _map_over(self, m: ir.MapOver, arg: LV) -> LV:
        reduced = folds.mapped_reduction(self, m, arg)
        if reduced is not None:
            return reduced
        fn = self.function(m.fn, "per_element")
        use = self.use(m.fn.name) if isinstance(m.fn, ir.UseRef) else None
        if use is not None and self.facts.stochastic(self.p, use):
            # A random use: one key per element, split from this call's key.
            k = self.bind("k", self.next_key())
            xs = self.bind("xs", arg.expr)
            keyed = pyast.Lambda(args=_arguments("v", "kv"), body=py.call(fn, py.name("v"), key=py.name("kv")))
            split = py.call("jax.random.split", k, self.size(m.axis))
            return LV(pyast.IfExp(test=_is_none(k), body=py.call(py.call("jax.vmap", fn), xs),
                                  orelse=py.call(py.call("jax.vmap", keyed), xs, split)))
        return LV(py.call(py.call("jax.vmap", fn), arg.expr))

    def function(self, m: ir.MapTerm, base: str) -> pyast.expr:
        """A map term as a Python function: a use is its module; anything else becomes a
        local `def` whose body is the map applied to its argument."""
        if isinstance(m, ir.UseRef) and not self.facts.is_reparam(self.p, self.use(m.name)) \
                and self.use(m.name).repeat is None and m.name not in self.state.circular:
            return py.self_attr(py.ident(m.name))
        if isinstance(m, ir.PrimMap) and m.op in UNARY_FN:
            return py.attr(UNARY_FN[m.op])
        if isinstance(m, ir.UseRef) and self.use(m.name).repeat is not None \
                and self.facts.stochastic(self.p, self.use(m.name)):
            return self._keyed_repeat(self.use(m.name), base)
        name = self.fresh(base)
        param = self.fresh("v")
        with self.state.block() as stmts:
            out = self.apply_map(m, LV(py.name(param)))
            body = stmts + [py.ret(out.expr)]
        self.emit(pyast.FunctionDef(name=name, args=_arguments(param), body=body, decorator_list=[], returns=None,
                                    type_params=[]))
        return py.name(name)

    def _keyed_repeat(self, use: ir.Use, base: str) -> pyast.expr:
        """A random repeated use as a local `def f(v, key=None)`, called as a random use's
        module is (`map ... over` gives each element its own key)."""
        name, param = self.fresh(base), self.fresh("v")
        with self.state.block() as stmts:
            out = repeat.apply(self, use, LV(py.name(param)), py.name("key"))
            body = stmts + [py.ret(out.expr)]
        args = pyast.arguments(posonlyargs=[], args=[pyast.arg(arg=param), pyast.arg(arg="key")], vararg=None,
                               kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[py.const(None)])
        self.emit(pyast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None, type_params=[]))
        return py.name(name)

    @staticmethod
    def unary(op: str, x: pyast.expr) -> pyast.expr:
        if op == "id":
            return x
        return py.call(UNARY_FN[op], x)

    # ------------------------------------------------------------------ terms
    def term(self, t: ir.Term, prefer: tuple[str, ...] = ()) -> LV:
        """`t` lowered; `prefer` is the label order its consumer would keep, which a term free
        to choose its axis order (a contraction, a broadcast) follows to spare a transpose."""
        ordered = _ORDERED.get(type(t))
        if ordered is not None:
            return ordered(self, t, prefer)
        return _TERMS[type(t)](self, t)

    def _var(self, t: ir.Var) -> LV:
        return self.state.env[t.name]

    def _param_ref(self, t: ir.ParamRef) -> LV:
        computed = self.state.leaf_vars.get((t.name,))
        return LV(computed if computed is not None else py.self_attr(py.ident(t.name)))

    def _leaf_ref(self, t: ir.LeafRef) -> LV:
        computed = self.state.leaf_vars.get(t.path)
        if computed is not None:
            return LV(computed)
        expr = py.name("self")
        for step in t.path:
            expr = pyast.Attribute(value=expr, attr=py.ident(step), ctx=pyast.Load())
        return LV(expr)

    def _hyper_ref(self, t: ir.HyperRef) -> LV:
        return LV(py.self_attr(py.ident(t.name)))

    def _size_of(self, t: ir.SizeOf) -> LV:
        return LV(self.size(t.axis))

    def _lit(self, t: ir.Lit) -> LV:
        return LV(py.const(t.value))

    def _let(self, t: ir.Let, prefer: tuple[str, ...]) -> LV:
        v = self.term(t.value)
        n = self.fresh(t.name)
        self.emit(py.assign(n, v.expr))
        with self.state.scope():
            self.state.env[t.name] = LV(py.name(n), v.labels)
            return self.term(t.body, prefer)

    def _tuple(self, t: ir.TupleT) -> LV:
        return LV(py.tuple_(self.term(i).expr for i in t.items))

    def _matmul(self, t: ir.MatMul) -> LV:
        return LV(py.binop("@", self.term(t.left).expr, self.term(t.right).expr))

    def _einsum(self, t: ir.Einsum) -> LV:
        args = [self.term(a).expr for a in t.args]
        return LV(py.call("jnp.einsum", py.const(t.spec), *args, **index.path(len(args))))

    def _apply(self, t: ir.Apply) -> LV:
        return self.apply_map(t.fn, self.term(t.arg))


_TERMS: dict[type, Callable[[Body, ir.Term], LV]] = {
    ir.Var: Body._var, ir.ParamRef: Body._param_ref, ir.LeafRef: Body._leaf_ref, ir.HyperRef: Body._hyper_ref,
    ir.SizeOf: Body._size_of, ir.Lit: Body._lit, ir.TupleT: Body._tuple,
    ir.MatMul: Body._matmul, ir.Einsum: Body._einsum, ir.Apply: Body._apply,
    ir.IndexValue: index.index_value, ir.Sub: index.sub,
}

#: The terms that take the order their consumer prefers into account.
_ORDERED: dict[type, Callable[[Body, ir.Term, tuple[str, ...]], LV]] = {
    ir.Let: Body._let, ir.Prim: index.prim, ir.Reduce: index.reduce, ir.For: index.for_, ir.Builtin: calls.builtin,
}


def _arguments(*names: str) -> pyast.arguments:
    return pyast.arguments(posonlyargs=[], args=[pyast.arg(arg=n) for n in names], vararg=None, kwonlyargs=[],
                           kw_defaults=[], kwarg=None, defaults=[])


def _is_none(x: pyast.expr) -> pyast.expr:
    return pyast.Compare(left=x, ops=[pyast.Is()], comparators=[py.const(None)])
