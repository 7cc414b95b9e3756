"""One para as one `eqx.Module` class: its fields, its `__init__`, and its methods (written
by `methods`)."""

from __future__ import annotations

import ast as pyast

from .. import ir
from ..ir.circulant import circular_plan
from ..ir.streaming import stream_plan
from ..names import beside
from ..types import FixedAxis
from ..types.sizes import may_be_negative
from . import circulant, methods, repeat
from . import pybuild as py
from .context import ProgramFacts, callee_key, para_key
from .methods import tree_at
from .prims import DETERMINISTIC_INIT, DTYPE
from .shapes import annotation, poly_expr
from .stream import stream_defs

_HYPER_TYPE = {"Nat": "int", "Int": "int", "Float": "float", "Bool": "bool"}


class ParaLowering:
    """Lowers `para` to a class definition; `facts` says what it needs of the other paras."""

    def __init__(self, para: ir.ParaDef, facts: ProgramFacts) -> None:
        self.p = para
        self.facts = facts
        self.cls = facts.classes[para_key(para)].name
        self.tied = para.tied()
        # `__init__` calls the classes of the uses by name: a hyperparameter written like
        # one is spelled out there (its field keeps its name).
        self.init_args = beside([h.name for h in para.hypers], {facts.class_name(para, u) for u in para.uses})

    def class_def(self) -> pyast.ClassDef:
        p = self.p
        body: list[pyast.stmt] = [pyast.Expr(value=pyast.Constant(value=docstring(p)))]
        for prm in p.params:
            body.append(pyast.AnnAssign(target=py.store(py.ident(prm.name)), annotation=annotation(prm.type),
                                        value=None, simple=1))
        for use in p.uses:
            body.append(pyast.AnnAssign(target=py.store(py.ident(use.name)),
                                        annotation=py.name(self.facts.class_name(p, use)),
                                        value=None, simple=1))
        for h in p.hypers:
            body.append(pyast.AnnAssign(
                target=py.store(py.ident(h.name)), annotation=py.name(_HYPER_TYPE[h.kind]),
                value=py.call("eqx.field", static=py.const(True)), simple=1))
        body.append(self.init_def())
        if p.shape is not None:  # an algebra, coalgebra, monoid or machine: one method per case
            if p.ties:
                body.append(methods.untie_def(self))
            body.extend(methods.case_def(self, c) for c in p.cases)
        elif p.ties:
            body.append(methods.untie_def(self))
            plan = circular_plan(p, self.facts.defs)
            body.append(methods.tied_call_def(self) if plan is None else circulant.call_def(self, plan))
            body.append(methods.call_def(self, "forward"))
        else:
            body.append(methods.call_def(self))
            plan = stream_plan(p)
            if plan is not None:
                body.extend(stream_defs(self, plan))
        return pyast.ClassDef(name=self.cls, bases=[py.attr("eqx.Module")], keywords=[], body=body,
                              decorator_list=[], type_params=[])

    # ------------------------------------------------------------------ __init__
    def init_def(self) -> pyast.FunctionDef:
        p = self.p
        arg = self.init_args
        args = [pyast.arg(arg="self")] + [pyast.arg(arg=arg[h.name], annotation=py.name(_HYPER_TYPE[h.kind]))
                                          for h in p.hypers]
        defaults = [py.const(h.default) for h in p.hypers if h.default is not None]
        # Python needs defaults at the end; the checker's order is kept, so defaults only
        # apply when they are trailing.
        n_trailing = 0
        for h in reversed(p.hypers):
            if h.default is None:
                break
            n_trailing += 1
        defaults = defaults[len(defaults) - n_trailing:] if n_trailing else []
        stmts: list[pyast.stmt] = [py.assign_attr(py.ident(h.name), py.name(arg[h.name])) for h in p.hypers]
        stmts += self.size_checks() + self.rate_checks()
        # Keys are split only among the parameters and uses that draw random numbers.
        random = [self.drawn(prm) for prm in p.params]
        random += [self.facts.needs_key.get(callee_key(p, u), True) for u in p.uses]
        n_keys = sum(random)
        keys: list[pyast.expr] = []
        if n_keys == 1:
            keys = [py.name("key")]
        elif n_keys > 1:
            stmts.append(py.assign("keys", py.call("jax.random.split", py.name("key"), py.const(n_keys))))
            keys = [py.subscript(py.name("keys"), [py.const(i)]) for i in range(n_keys)]
        it = iter(keys)
        item_keys = [next(it) if r else None for r in random]
        for prm, k in zip(p.params, item_keys):
            # A leaf that a 2-cell gives is not stored: it is computed in `untie`.
            value = self.init_expr(prm, k) if self.drawn(prm) or self.stored(prm) else py.const(None)
            stmts.append(py.assign_attr(py.ident(prm.name), value))
        for use, k in zip(p.uses, item_keys[len(p.params):]):
            call_args = [self.hyper_expr(a) for a in use.args]
            # A use that draws nothing at initialisation is given no key (its own is optional).
            cls = py.name(self.facts.class_name(p, use))
            made = repeat.make(use, lambda kk: py.call(cls, *call_args, **({"key": kk} if kk is not None else {})), k,
                               self.init_arg)
            inner = [t[1:] for t in sorted(self.tied) if t[0] == use.name and len(t) > 1]
            if inner:  # its tied leaves are not stored either
                made = tree_at(made, inner, [py.const(None)] * len(inner))
            stmts.append(py.assign_attr(py.ident(use.name), made))
        if self.facts.needs_key.get(para_key(p), True):
            key, key_default = pyast.arg(arg="key", annotation=py.name("PRNGKeyArray")), None
        else:  # nothing here draws random numbers: the key may be left out
            key, key_default = methods.optional_key(), py.const(None)
        fn_args = pyast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=[key],
                                  kw_defaults=[key_default], kwarg=None, defaults=defaults)
        return pyast.FunctionDef(name="__init__", args=fn_args, body=stmts or [pyast.Pass()], decorator_list=[],
                                 returns=None, type_params=[])

    def hyper_expr(self, a: ir.HyperArg) -> pyast.expr:
        if a.poly is not None:
            return poly_expr(a.poly, self.init_arg)
        if a.ref is not None:
            return self.init_arg(a.ref)
        return py.const(a.literal)

    def init_arg(self, hyper: str) -> pyast.expr:
        """A hyperparameter as `__init__` reads it: its argument."""
        return py.name(self.init_args.get(hyper) or py.ident(hyper))

    def stored(self, prm: ir.Param) -> bool:
        """Whether the module stores `prm`: not when a 2-cell gives it or a tie computes it."""
        return not prm.abstract and (prm.name,) not in self.tied

    def drawn(self, prm: ir.Param) -> bool:
        """Whether initialising `prm` draws random numbers (so takes a key)."""
        return self.stored(prm) and prm.init.name not in DETERMINISTIC_INIT

    def init_size(self, a) -> pyast.expr:
        assert isinstance(a, FixedAxis)
        return poly_expr(a.size, self.init_arg)

    def init_expr(self, prm: ir.Param, key: pyast.expr | None) -> pyast.expr:
        t = prm.type
        shape = py.tuple_(self.init_size(a) for a in t.axes)
        dtype = py.attr(DTYPE[t.dtype])
        name, args = prm.init.name, prm.init.args
        if name == "zeros":
            return py.call("jnp.zeros", shape, dtype)
        if name == "ones":
            return py.call("jnp.ones", shape, dtype)
        if name == "const":
            return py.call("jnp.full", shape, py.const(args[0]), dtype)
        assert key is not None
        if name == "normal":
            std = args[0] if args else 1.0
            return py.binop("*", py.const(float(std)), py.call("jax.random.normal", key, shape, dtype))
        if name == "uniform":
            scale = float(args[0]) if args else 1.0
            return py.call("jax.random.uniform", key, shape, dtype, minval=py.const(-scale), maxval=py.const(scale))
        self.facts.runtime.add("initialise")  # fan-scaled: the runtime handles vectors and empty fans
        return py.call("initialise", py.const(name), key, shape, dtype)

    def rate_checks(self) -> list[pyast.stmt]:
        """`check_rate(...)` for each `Float` hyperparameter the body uses as a dropout rate,
        so that a rate outside [0, 1] given at construction is an error, not a wrong mask."""
        out: list[pyast.stmt] = []
        for name in sorted(dropout_rates((self.p.body, self.p.cases))):
            self.facts.runtime.add("check_rate")
            out.append(pyast.Expr(value=py.call("check_rate", py.const(self.p.name), py.const(name),
                                                self.init_arg(name))))
        return out

    def size_checks(self) -> list[pyast.stmt]:
        """`check_size(...)` for each size of a stored parameter, and each repeat's count, that
        the hyperparameters given at construction may make negative, so the constructor names
        it instead of JAX (or a loop that silently runs no times)."""
        naturals = [h.name for h in self.p.hypers if h.kind == "Nat"]
        sizes = dict.fromkeys(a.size for prm in self.p.params if self.stored(prm) for a in prm.type.axes
                              if isinstance(a, FixedAxis) and may_be_negative(a.size, naturals))
        # A repeat's count is a size too: the number of copies, or of applications of one.
        sizes.update(dict.fromkeys(u.repeat for u in self.p.uses
                                   if u.repeat is not None and may_be_negative(u.repeat, naturals)))
        out: list[pyast.stmt] = []
        for size in sizes:
            self.facts.runtime.add("check_size")
            names = sorted(size.variables())
            hypers = pyast.Dict(keys=[py.const(v) for v in names], values=[self.init_arg(v) for v in names])
            out.append(pyast.Expr(value=py.call("check_size", py.const(self.p.name), py.const(str(size)),
                                                self.init_size(FixedAxis(size)), hypers)))
        return out


def dropout_rates(root: object) -> set[str]:
    """The hyperparameters used directly as the rate of a `dropout` anywhere under `root`."""
    return {n.args[1].name for n in ir.nodes(root)
            if isinstance(n, ir.Builtin) and n.name == "dropout" and isinstance(n.args[1], ir.HyperRef)}


def docstring(p: ir.ParaDef) -> str:
    lines = [p.signature()]
    if p.ties:
        lines += ["", "Tied leaves (None when stored; computed by `untie`):", ""] + [f"    {t.source}" for t in p.ties]
    abstract = [prm.name for prm in p.params if prm.abstract]
    if abstract:
        lines += ["", "Given by a 2-cell where it is used (None until then): " + ", ".join(abstract)]
    return "\n".join(lines) + ("\n" if len(lines) > 1 else "")
