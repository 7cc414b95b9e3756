"""Lowering: the typed IR to Python `ast` class definitions of `equinox.Module`s.

One class per para: static fields for hyperparameters, array fields for the free
parameters, sub-module fields for uses; `__init__(..., *, key)` initialises them and
`__call__` computes with `jnp`/`jax`. Index notation is lowered through labelled values:
a Python expression whose leading axes are its labels in sorted order. Products under a
`sum` become one `jnp.einsum`; other reductions become `jnp.sum`/`max`/... over axes.
"""

from __future__ import annotations

import ast as pyast
from dataclasses import dataclass

from .. import ir
from ..types import FixedAxis, IndexSetAxis, TensorType, TupleType, Type
from . import pybuild as py

UNARY_FN = {
    "relu": "jax.nn.relu", "gelu": "jax.nn.gelu", "tanh": "jnp.tanh", "sigmoid": "jax.nn.sigmoid",
    "exp": "jnp.exp", "log": "jnp.log", "sqrt": "jnp.sqrt", "rsqrt": "jax.lax.rsqrt", "abs": "jnp.abs",
    "softplus": "jax.nn.softplus", "silu": "jax.nn.silu", "sin": "jnp.sin", "cos": "jnp.cos",
    "square": "jnp.square", "sign": "jnp.sign", "log1p": "jnp.log1p", "elu": "jax.nn.elu",
    "leaky_relu": "jax.nn.leaky_relu", "erf": "jax.scipy.special.erf", "sinh": "jnp.sinh", "cosh": "jnp.cosh",
    "asinh": "jnp.arcsinh", "atanh": "jnp.arctanh", "expm1": "jnp.expm1",
}
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%", "pow": "**",
         "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
PRIM_FN = {"maximum": "jnp.maximum", "minimum": "jnp.minimum", "where": "jnp.where",
           "and": "jnp.logical_and", "or": "jnp.logical_or", "not": "jnp.logical_not"}
REDUCE_FN = {"sum": "jnp.sum", "max": "jnp.max", "min": "jnp.min", "mean": "jnp.mean", "prod": "jnp.prod",
             "var": "jnp.var", "logsumexp": "jax.nn.logsumexp"}
SCAN_FN = {"cumsum": "jnp.cumsum", "cumprod": "jnp.cumprod", "cummax": "jax.lax.cummax", "cummin": "jax.lax.cummin"}
JAXTYPING = {"bool": "Bool"}
DTYPE = {"f32": "jnp.float32", "f64": "jnp.float64", "f16": "jnp.float16", "bf16": "jnp.bfloat16",
         "i32": "jnp.int32", "i64": "jnp.int64", "i8": "jnp.int8", "i16": "jnp.int16", "u8": "jnp.uint8",
         "u32": "jnp.uint32", "bool": "jnp.bool_"}


@dataclass(frozen=True)
class LoweredModule:
    """What the emitter turns into source: helper functions, then classes in dependency order."""

    source_file: str
    classes: tuple[pyast.stmt, ...]
    class_names: tuple[str, ...]
    runtime: tuple[str, ...] = ()  # helpers the module imports from paradsl.runtime


@dataclass(frozen=True)
class LV:
    """A lowered value: a Python expression and the labels of its leading axes (sorted)."""

    expr: pyast.expr
    labels: tuple[str, ...] = ()


class Namer:
    def __init__(self, taken=()):
        self.taken = set(taken)

    def fresh(self, base: str) -> str:
        base = py.ident(base)
        if base not in self.taken:
            self.taken.add(base)
            return base
        i = 1
        while f"{base}{i}" in self.taken:
            i += 1
        self.taken.add(f"{base}{i}")
        return f"{base}{i}"


#: Initialisers that draw no random numbers, so need no key.
DETERMINISTIC_INIT = frozenset({"zeros", "ones", "const"})


def _needs_key(program: ir.Program) -> dict[str, bool]:
    """Which paras draw random numbers at initialisation, in themselves or in a use."""
    out: dict[str, bool] = {}
    for p in program.paras:  # in dependency order: callees first
        out[p.name] = (any(prm.init.name not in DETERMINISTIC_INIT and (prm.name,) not in p.tied()
                           and not prm.abstract for prm in p.params)
                       or any(out.get(u.callee, True) for u in p.uses))
    return out


def lower(program: ir.Program) -> LoweredModule:
    stochastic = {p.name: p.stochastic for p in program.paras}
    needs_key = _needs_key(program)
    reparams = {p.name for p in program.paras if p.is_reparam}
    algebras = {p.name: p.shape for p in program.paras if p.shape is not None}
    helpers: set[str] = set()
    classes = []
    for p in program.paras:
        lowering = _ParaLowering(p, stochastic, needs_key, reparams)
        lowering.algebras = algebras
        lowering.helpers = helpers
        classes.append(lowering.class_def())
    classes = tuple(_helper_defs(helpers)) + tuple(classes)
    return LoweredModule(program.file, classes, tuple(py.ident(p.name) for p in program.paras))


def dims(t: Type) -> str:
    """The jaxtyping shape string of a tensor type: `"n 4*d"`."""
    assert isinstance(t, TensorType)
    parts = []
    for a in t.axes:
        if isinstance(a, FixedAxis):
            text = a.size.render(py.ident, mul="*").replace(" ", "")
            parts.append(text)
        elif isinstance(a, IndexSetAxis):
            parts.append(py.ident(a.name))
        else:
            parts.append("_")
    return " ".join(parts)


def annotation(t: Type) -> pyast.expr | None:
    if not isinstance(t, TensorType):
        return None
    kind = "Float" if t.dtype in ("f32", "f64", "f16", "bf16") else JAXTYPING.get(t.dtype, "Int")
    return py.ann(f"{kind}[Array, {dims(t)!r}]")


class _ParaLowering:
    def __init__(self, para: ir.ParaDef, stochastic: dict[str, bool], needs_key: dict[str, bool] | None = None,
                 reparams: set[str] = frozenset()):
        self.p = para
        self.stochastic_callees = stochastic
        self.needs_key = needs_key or {}
        self.reparams = reparams
        self.cls = py.ident(para.name)
        self.tied = para.tied()

    # ------------------------------------------------------------------ the class
    def class_def(self) -> pyast.ClassDef:
        p = self.p
        body: list[pyast.stmt] = [pyast.Expr(value=pyast.Constant(value=_docstring(p)))]
        for prm in p.params:
            body.append(pyast.AnnAssign(target=py.store(py.ident(prm.name)), annotation=annotation(prm.type),
                                        value=None, simple=1))
        for use in p.uses:
            body.append(pyast.AnnAssign(target=py.store(py.ident(use.name)), annotation=py.name(py.ident(use.callee)),
                                        value=None, simple=1))
        for h in p.hypers:
            body.append(pyast.AnnAssign(
                target=py.store(py.ident(h.name)), annotation=py.name({"Nat": "int", "Int": "int", "Float": "float", "Bool": "bool"}[h.kind]),
                value=py.call("eqx.field", static=py.const(True)), simple=1))
        body.append(self.init_def())
        if p.shape is not None:  # an algebra, coalgebra, monoid or machine: one method per case
            if p.ties:
                body.append(self.untie_def())
            body.extend(self.case_def(c) for c in p.cases)
        elif p.ties:
            body.append(self.untie_def())
            body.append(self.tied_call_def())
            body.append(self.call_def("forward"))
        else:
            body.append(self.call_def())
        return pyast.ClassDef(name=self.cls, bases=[py.attr("eqx.Module")], keywords=[], body=body,
                              decorator_list=[], type_params=[])

    def _hyper_expr(self, a: ir.HyperArg) -> pyast.expr:
        if a.poly is not None:
            return _poly_expr(a.poly, lambda v: py.name(py.ident(v)))
        if a.ref is not None:
            return py.name(py.ident(a.ref))
        return py.const(a.literal)

    def init_def(self) -> pyast.FunctionDef:
        p = self.p
        args = [pyast.arg(arg="self")] + [pyast.arg(arg=py.ident(h.name)) for h in p.hypers]
        defaults = [py.const(h.default) for h in p.hypers if h.default is not None]
        # Python needs defaults at the end; the checker's order is kept, so defaults only
        # apply when they are trailing.
        n_trailing = 0
        for h in reversed(p.hypers):
            if h.default is None:
                break
            n_trailing += 1
        defaults = defaults[len(defaults) - n_trailing:] if n_trailing else []
        stmts: list[pyast.stmt] = [py.assign_attr(py.ident(h.name), py.name(py.ident(h.name))) for h in p.hypers]
        # Keys are split only among the parameters and uses that draw random numbers.
        random = [self._drawn(prm) for prm in p.params]
        random += [self.needs_key.get(u.callee, True) for u in p.uses]
        n_keys = sum(random)
        keys: list[pyast.expr | None] = []
        if n_keys == 1:
            keys = [py.name("key")]
        elif n_keys > 1:
            stmts.append(py.assign("keys", py.call("jax.random.split", py.name("key"), py.const(n_keys))))
            keys = [py.subscript(py.name("keys"), [py.const(i)]) for i in range(n_keys)]
        it = iter(keys)
        item_keys = [next(it) if r else None for r in random]
        for prm, k in zip(p.params, item_keys):
            # A leaf that a 2-cell gives is not stored: it is computed in `untie`.
            value = self._init_expr(prm, k) if self._drawn(prm) or self._stored(prm) else py.const(None)
            stmts.append(py.assign_attr(py.ident(prm.name), value))
        for use, k in zip(p.uses, item_keys[len(p.params):]):
            call_args = [self._hyper_expr(a) for a in use.args]
            # A use that draws nothing at initialisation is given no key.
            k = k if k is not None else py.const(None)
            made = py.call(py.name(py.ident(use.callee)), *call_args, key=k)
            inner = [t[1:] for t in sorted(self.tied) if t[0] == use.name and len(t) > 1]
            if inner:  # its tied leaves are not stored either
                made = _tree_at(made, inner, [py.const(None)] * len(inner))
            stmts.append(py.assign_attr(py.ident(use.name), made))
        fn_args = pyast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=[pyast.arg(arg="key")],
                                  kw_defaults=[None], kwarg=None, defaults=defaults)
        return pyast.FunctionDef(name="__init__", args=fn_args, body=stmts or [pyast.Pass()], decorator_list=[],
                                 returns=None, type_params=[])

    def _stored(self, prm: ir.Param) -> bool:
        return not prm.abstract and (prm.name,) not in self.tied

    def _drawn(self, prm: ir.Param) -> bool:
        return self._stored(prm) and prm.init.name not in DETERMINISTIC_INIT

    def _init_expr(self, prm: ir.Param, key: pyast.expr) -> pyast.expr:
        t = prm.type
        shape = py.tuple_(self._init_size(a) for a in t.axes)
        dtype = py.attr(DTYPE[t.dtype])
        name, args = prm.init.name, prm.init.args
        if name == "zeros":
            return py.call("jnp.zeros", shape, dtype)
        if name == "ones":
            return py.call("jnp.ones", shape, dtype)
        if name == "const":
            return py.call("jnp.full", shape, py.const(args[0]), dtype)
        if name == "normal":
            std = args[0] if args else 1.0
            return py.binop("*", py.const(float(std)), py.call("jax.random.normal", key, shape, dtype))
        if name == "uniform":
            scale = float(args[0]) if args else 1.0
            return py.call("jax.random.uniform", key, shape, dtype, minval=py.const(-scale), maxval=py.const(scale))
        init = {"glorot": "glorot_uniform", "glorot_normal": "glorot_normal", "he": "he_normal", "lecun": "lecun_normal"}[name]
        if t.rank < 2:  # fan-in and fan-out need two axes; a vector is initialised as a row
            return py.call("jnp.reshape", py.call(py.call(f"jax.nn.initializers.{init}"), key,
                                                  py.tuple_([py.const(1), *shape.elts]), dtype), shape)
        return py.call(py.call(f"jax.nn.initializers.{init}"), key, shape, dtype)

    def _init_size(self, a) -> pyast.expr:
        assert isinstance(a, FixedAxis)
        return _poly_expr(a.size, lambda v: py.name(py.ident(v)))

    # ------------------------------------------------------------------ __call__
    def _begin(self) -> str:
        """Fresh statement and name state for one method; returns the input's name."""
        p = self.p
        self.stmts: list[pyast.stmt] = []
        self.names = Namer({"self", "key", "keys"} | {py.ident(n) for n, _ in p.index_sets})
        self.sizes_needed: dict[str, pyast.expr] = {}
        self.key_sites = 0
        self.env = {}
        body = p.body
        if isinstance(body, ir.LambdaT) and not body.tupled:
            arg_name = self.names.fresh(body.params[0])
        else:
            arg_name = self.names.fresh("x")
        if p.is_reparam:  # a reparam is given the sizes of its index sets
            self.size_paths = {n: py.name(py.ident(n)) for n, _ in p.index_sets}
        else:
            self.size_paths = _size_paths(p.type.dom, py.name(arg_name))
        return arg_name

    def _input_arg(self, arg_name: str) -> pyast.arg:
        return pyast.arg(arg=arg_name, annotation=annotation(self.p.type.dom) if self.p.shape is None else None)

    def case_def(self, case: ir.Case) -> pyast.FunctionDef:
        """One case of an algebra-like declaration as a method: `def cons(self, x, h)`."""
        p = self.p
        self.stmts = []
        self.names = Namer({"self"} | {n for pat in case.patterns for n in _pattern_names(pat)})
        self.sizes_needed = {}
        self.size_paths = {}
        self.key_sites = 0
        self.env = {}
        args = [pyast.arg(arg="self")]
        ctor = next(c for c in p.shape.constructors if c.name == case.name)
        prologue: list[pyast.stmt] = []
        if p.ties:
            prologue.append(py.assign("self", py.call(py.attr("self.untie"), py.const(None))))
        for pat, t in zip(case.patterns, ctor.types if p.shape.kind != "coalgebra" else (p.shape.carrier,)):
            if isinstance(pat, str):
                args.append(pyast.arg(arg=py.ident(pat), annotation=annotation(t)))
            else:
                name = self.names.fresh("arg")
                args.append(pyast.arg(arg=name, annotation=None))
                prologue.append(pyast.Assign(targets=[_pattern_target(pat)], value=py.name(name)))
        lam = case.body
        for n in lam.params:
            self.env[n] = LV(py.name(py.ident(n)))
        result = self.term(lam.body)
        self.stmts.append(py.ret(result.expr))
        fn_args = pyast.arguments(posonlyargs=[], args=args, vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                  defaults=[])
        return pyast.FunctionDef(name=py.ident(case.name), args=fn_args, body=prologue + self.stmts, decorator_list=[],
                                 returns=annotation(ctor.result) if p.shape.kind != "coalgebra" else None, type_params=[])

    # ------------------------------------------------------------------ recursion schemes
    def fold(self, m: ir.Fold, arg: LV) -> LV:
        use = next(u for u in self.p.uses if u.name == m.use)
        alg = py.self_attr(py.ident(m.use))
        shape = self.algebras[use.callee]

        def method(name: str) -> pyast.expr:
            return pyast.Attribute(value=alg, attr=py.ident(name), ctx=pyast.Load())

        xs = self.bind("xs", arg.expr)
        step = self.names.fresh("step")
        out = self.names.fresh("ys" if m.mode in ("unfold", "mealy", "moore", "prefix") else "h")
        final = self.names.fresh("state") if m.mode in ("mealy", "moore") else None
        if m.mode == "scan":
            nil, cons = sorted(shape.constructors, key=lambda c: len(c.fields))
            cons_args = ["x" if k == "A" else "h" for k in cons.fields]
            self.stmts += _template(f"""
                def STEP(h, x):
                    return CONS({', '.join(cons_args)}), None
                OUT, _ = jax.lax.scan(STEP, NIL(), XS)
                """, STEP=py.name(step), CONS=method(cons.name), NIL=method(nil.name), XS=xs, OUT=py.name(out))
            return LV(py.name(out))
        if m.mode in ("assoc", "prefix"):
            if m.mode == "assoc":  # the product of all the elements; the unit for none
                self.stmts += _template("""
                    if XS.shape[0] == 0:
                        OUT = UNIT()
                    else:
                        OUT = jax.lax.associative_scan(jax.vmap(COMBINE), jax.vmap(LIFT)(XS))
                        OUT = jax.tree.map(lambda m: m[-1], OUT)
                    """, COMBINE=method("combine"), LIFT=method("lift"), UNIT=method("unit"), XS=xs, OUT=py.name(out))
            else:
                self.stmts += _template("OUT = jax.lax.associative_scan(jax.vmap(COMBINE), jax.vmap(LIFT)(XS))",
                                        COMBINE=method("combine"), LIFT=method("lift"), XS=xs, OUT=py.name(out))
            return LV(py.name(out))
        if m.mode == "balanced":
            self.helpers.add("_fold_balanced")
            self.stmts += _template("OUT = _fold_balanced(COMBINE, UNIT(), jax.vmap(LIFT)(XS))",
                                    COMBINE=method("combine"), UNIT=method("unit"), LIFT=method("lift"), XS=xs,
                                    OUT=py.name(out))
            return LV(py.name(out))
        if m.mode == "tree":
            self.helpers.add("_fold_tree")
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
            self.stmts += _template("OUT = _fold_tree(BRANCHES, BASE, *XS)", BRANCHES=pyast.List(elts=branches, ctx=pyast.Load()),
                                    BASE=py.const(base), XS=xs, OUT=py.name(out))
            return LV(py.name(out))
        if m.mode == "unfold":
            (ctor,) = shape.constructors
            length = self.size(m.axis)
            self.stmts += _template("""
                def STEP(s, _):
                    o, s = OUT_FN(s)
                    return s, o
                _, OUT = jax.lax.scan(STEP, XS, None, length=LENGTH)
                """, STEP=py.name(step), OUT_FN=method(ctor.name), XS=xs, LENGTH=length, OUT=py.name(out))
            return LV(py.name(out))
        if m.mode == "mealy":
            self.stmts += _template("""
                def STEP(s, x):
                    o, s = STEP_FN(x, s)
                    return s, o
                FINAL, OUT = jax.lax.scan(STEP, START(), XS)
                """, STEP=py.name(step), STEP_FN=method("step"), START=method("start"), XS=xs,
                                    OUT=py.name(out), FINAL=py.name(final))
            return LV(py.tuple_([py.name(out), py.name(final)]))
        if m.mode == "moore":
            self.stmts += _template("""
                def STEP(s, x):
                    return STEP_FN(x, s), OUT_FN(s)
                FINAL, OUT = jax.lax.scan(STEP, START(), XS)
                """, STEP=py.name(step), STEP_FN=method("step"), OUT_FN=method("out"), START=method("start"), XS=xs,
                                    OUT=py.name(out), FINAL=py.name(final))
            return LV(py.tuple_([py.name(out), py.name(final)]))
        raise AssertionError(m.mode)  # pragma: no cover

    def untie_def(self) -> pyast.FunctionDef:
        """`untie(x)`: this module with every tied leaf computed from the free ones (r(q));
        `x` only gives the sizes of the index sets."""
        p = self.p
        arg_name = self._begin()
        self.leaf_vars: dict[tuple[str, ...], pyast.expr] = {}
        for tie in p.ties:
            value = self.term(tie.value).expr
            if len(tie.targets) == 1:
                self.leaf_vars[tie.targets[0]] = self.bind("_".join(tie.targets[0]), value)
            else:
                names = [self.names.fresh("_".join(t)) for t in tie.targets]
                self.stmts.append(py.assign(names, value))
                for t, n in zip(tie.targets, names):
                    self.leaf_vars[t] = py.name(n)
        targets = [t for tie in p.ties for t in tie.targets]
        self.stmts.append(py.ret(_tree_at(py.name("self"), targets, [self.leaf_vars[t] for t in targets])))
        prologue = [py.assign(n, e) for n, e in self.sizes_needed.items()]
        del self.leaf_vars
        doc = "The module with its tied leaves computed from the free parameters (the 2-cell r):\n\n" + "\n".join(
            f"    {t.source}" for t in p.ties) + "\n"
        fn_args = pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="self"), self._input_arg(arg_name)], vararg=None,
                                  kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
        return pyast.FunctionDef(name="untie", args=fn_args, body=[pyast.Expr(value=py.const(doc))] + prologue + self.stmts,
                                 decorator_list=[], returns=py.ann(repr(self.cls)), type_params=[])

    def tied_call_def(self) -> pyast.FunctionDef:
        """`__call__(x) = untie(x).forward(x)`: g(q, x) = f(r(q), x)."""
        p = self.p
        arg_name = self._begin()
        kw = {"key": py.name("key")} if p.stochastic else {}
        forward = py.call(pyast.Attribute(value=py.call(py.attr("self.untie"), py.name(arg_name)), attr="forward",
                                          ctx=pyast.Load()), py.name(arg_name), **kw)
        kwonly = [pyast.arg(arg="key", annotation=None)] if p.stochastic else []
        fn_args = pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="self"), self._input_arg(arg_name)], vararg=None,
                                  kwonlyargs=kwonly, kw_defaults=[py.const(None)] * len(kwonly), kwarg=None, defaults=[])
        return pyast.FunctionDef(name="__call__", args=fn_args, body=[py.ret(forward)], decorator_list=[],
                                 returns=annotation(p.type.cod), type_params=[])

    def call_def(self, name: str = "__call__") -> pyast.FunctionDef:
        p = self.p
        arg_name = self._begin()
        body = p.body
        result = self.apply_map(body, LV(py.name(arg_name)), bind_as=arg_name)
        self.stmts.append(py.ret(result.expr))
        prologue: list[pyast.stmt] = []
        if name == "forward":
            prologue.append(pyast.Expr(value=py.const("The untied map f(p, x): the body, every leaf as stored.")))
        for n, e in self.sizes_needed.items():
            if not (isinstance(e, pyast.Name) and e.id == n):  # a reparam's sizes are its arguments already
                prologue.append(py.assign(n, e))
        if p.stochastic:
            n = max(self.key_sites, 1)
            split = py.call("jax.random.split", py.name("key"), py.const(n))
            none = py.binop("*", py.tuple_([py.const(None)]), py.const(n))
            prologue.append(py.assign("keys", pyast.IfExp(
                test=pyast.Compare(left=py.name("key"), ops=[pyast.Is()], comparators=[py.const(None)]),
                body=none, orelse=split)))
        arg = self._input_arg(arg_name)
        kwonly = [pyast.arg(arg="key", annotation=None)] if p.stochastic else []
        defaults = [py.const(None)] * len(kwonly)
        if p.is_reparam:
            kwonly += [pyast.arg(arg=py.ident(n), annotation=py.name("int")) for n, _ in p.index_sets]
            defaults += [None] * len(p.index_sets)
        fn_args = pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="self"), arg], vararg=None, kwonlyargs=kwonly,
                                  kw_defaults=defaults, kwarg=None, defaults=[])
        return pyast.FunctionDef(name=name, args=fn_args, body=prologue + self.stmts, decorator_list=[],
                                 returns=annotation(p.type.cod), type_params=[])

    def _next_key(self) -> pyast.expr:
        k = py.subscript(py.name("keys"), [py.const(self.key_sites)])
        self.key_sites += 1
        return k

    def size(self, axis) -> pyast.expr:
        if isinstance(axis, FixedAxis):
            return _poly_expr(axis.size, lambda v: py.self_attr(py.ident(v)))
        if isinstance(axis, IndexSetAxis):
            n = py.ident(axis.name)
            if n not in self.sizes_needed:
                self.sizes_needed[n] = self.size_paths[axis.name]
            return py.name(n)
        raise AssertionError(f"unsolved axis {axis}")  # pragma: no cover - the checker solves every axis

    def bind(self, base: str, value: pyast.expr) -> pyast.expr:
        if isinstance(value, pyast.Name):
            return value
        n = self.names.fresh(base)
        self.stmts.append(py.assign(n, value))
        return py.name(n)

    # ------------------------------------------------------------------ maps
    def apply_map(self, m: ir.MapTerm, arg: LV, bind_as: str | None = None) -> LV:
        if isinstance(m, ir.UseRef):
            use = next(u for u in self.p.uses if u.name == m.name)
            kw = {"key": self._next_key()} if self.stochastic_callees.get(use.callee) else {}
            if use.callee in self.reparams:  # a reparam is told the sizes of its index sets
                kw.update({py.ident(n): self.size(a) for n, a in m.index_sets})
            return LV(py.call(py.self_attr(py.ident(m.name)), arg.expr, **kw))
        if isinstance(m, ir.PrimMap):
            return LV(self._unary(m.op, arg.expr))
        if isinstance(m, ir.Fold):
            return self.fold(m, arg)
        if isinstance(m, ir.MapOver):
            fn = self.function(m.fn, "per_element")
            use = next((u for u in self.p.uses if isinstance(m.fn, ir.UseRef) and u.name == m.fn.name), None)
            if use is not None and self.stochastic_callees.get(use.callee):
                # A random use: one key per element, split from this call's key.
                k = self.bind("k", self._next_key())
                xs = self.bind("xs", arg.expr)
                keyed = pyast.Lambda(args=pyast.arguments(posonlyargs=[], args=[pyast.arg(arg="v"), pyast.arg(arg="kv")],
                                                          vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                                          defaults=[]),
                                     body=py.call(fn, py.name("v"), key=py.name("kv")))
                split = py.call("jax.random.split", k, self.size(m.axis))
                return LV(pyast.IfExp(test=pyast.Compare(left=k, ops=[pyast.Is()], comparators=[py.const(None)]),
                                      body=py.call(py.call("jax.vmap", fn), xs),
                                      orelse=py.call(py.call("jax.vmap", keyed), xs, split)))
            return LV(py.call(py.call("jax.vmap", fn), arg.expr))
        if isinstance(m, ir.LambdaT):
            saved = dict(self.env) if hasattr(self, "env") else {}
            self.env = dict(saved)
            if not m.tupled:
                v = arg.expr if isinstance(arg.expr, pyast.Name) else self.bind(m.params[0], arg.expr)
                self.env[m.params[0]] = LV(v)
            else:
                names = [self.names.fresh(n) for n in m.params]
                if names:
                    self.stmts.append(py.assign(names, arg.expr))
                for src, n in zip(m.params, names):
                    self.env[src] = LV(py.name(n))
            out = self.term(m.body)
            self.env = saved
            return out
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
            names = [self.names.fresh("a"), self.names.fresh("b")]
            self.stmts.append(py.assign(names, arg.expr))
            left = self.apply_map(m.left, LV(py.name(names[0])))
            right = self.apply_map(m.right, LV(py.name(names[1])))
            return LV(py.tuple_([left.expr, right.expr]))
        raise AssertionError(m)  # pragma: no cover

    def function(self, m: ir.MapTerm, base: str) -> pyast.expr:
        """A map term as a Python function: a use is its module; anything else becomes a
        local `def` whose body is the map applied to its argument."""
        if isinstance(m, ir.UseRef):
            use = next(u for u in self.p.uses if u.name == m.name)
            if use.callee not in self.reparams:
                return py.self_attr(py.ident(m.name))
        if isinstance(m, ir.PrimMap) and m.op in UNARY_FN:
            return py.attr(UNARY_FN[m.op])
        name = self.names.fresh(base)
        param = self.names.fresh("v")
        saved_stmts, saved_env = self.stmts, dict(getattr(self, "env", {}))
        self.stmts = []
        try:
            out = self.apply_map(m, LV(py.name(param)), bind_as=param)
            body = self.stmts + [py.ret(out.expr)]
        finally:
            self.stmts, self.env = saved_stmts, saved_env
        fn_args = pyast.arguments(posonlyargs=[], args=[pyast.arg(arg=param)], vararg=None, kwonlyargs=[],
                                  kw_defaults=[], kwarg=None, defaults=[])
        self.stmts.append(pyast.FunctionDef(name=name, args=fn_args, body=body, decorator_list=[], returns=None,
                                            type_params=[]))
        return py.name(name)

    def _unary(self, op: str, x: pyast.expr) -> pyast.expr:
        if op == "id":
            return x
        return py.call(UNARY_FN[op], x)

    # ------------------------------------------------------------------ terms
    def term(self, t: ir.Term) -> LV:
        return getattr(self, "_t_" + type(t).__name__)(t)

    def _t_Var(self, t: ir.Var) -> LV:
        return self.env[t.name]

    def _t_ParamRef(self, t: ir.ParamRef) -> LV:
        computed = getattr(self, "leaf_vars", {}).get((t.name,))
        return LV(computed if computed is not None else py.self_attr(py.ident(t.name)))

    def _t_LeafRef(self, t: ir.LeafRef) -> LV:
        computed = getattr(self, "leaf_vars", {}).get(t.path)
        if computed is not None:
            return LV(computed)
        expr = py.name("self")
        for step in t.path:
            expr = pyast.Attribute(value=expr, attr=py.ident(step), ctx=pyast.Load())
        return LV(expr)

    def _t_HyperRef(self, t: ir.HyperRef) -> LV:
        return LV(py.self_attr(py.ident(t.name)))

    def _t_SizeOf(self, t: ir.SizeOf) -> LV:
        return LV(self.size(t.axis))

    def _t_Lit(self, t: ir.Lit) -> LV:
        return LV(py.const(t.value))

    def _t_IndexValue(self, t: ir.IndexValue) -> LV:
        (_, axis), = t.labels
        return LV(py.call("jnp.arange", self.size(axis)), (t.name,))

    def _t_Let(self, t: ir.Let) -> LV:
        v = self.term(t.value)
        n = self.names.fresh(t.name)
        self.stmts.append(py.assign(n, v.expr))
        saved = dict(self.env)
        self.env[t.name] = LV(py.name(n), v.labels)
        out = self.term(t.body)
        self.env = saved
        return out

    def _t_TupleT(self, t: ir.TupleT) -> LV:
        return LV(py.tuple_(self.term(i).expr for i in t.items))

    def _t_MatMul(self, t: ir.MatMul) -> LV:
        return LV(py.binop("@", self.term(t.left).expr, self.term(t.right).expr))

    def _t_Einsum(self, t: ir.Einsum) -> LV:
        return LV(py.call("jnp.einsum", py.const(t.spec), *(self.term(a).expr for a in t.args)))

    def _t_Apply(self, t: ir.Apply) -> LV:
        return self.apply_map(t.fn, self.term(t.arg))

    def _t_Sub(self, t: ir.Sub) -> LV:
        base = self.term(t.base).expr
        ivars = [i.name for i in t.indices if isinstance(i, ir.IVar)]
        if all(isinstance(i, ir.IVar) for i in t.indices) and len(set(ivars)) == len(ivars):
            return LV(self._permute(base, ivars, sorted(ivars)), tuple(sorted(ivars)))
        if len(set(ivars)) == len(ivars) and all(isinstance(i, ir.IVar) or not i.labels for i in t.indices):
            # Scalar integer indices and distinct index variables: basic indexing, `E[tok, :]`.
            items = [py.SLICE if isinstance(i, ir.IVar) else self.term(i).expr for i in t.indices]
            while items and items[-1] is py.SLICE:
                items.pop()
            picked = py.subscript(base, items) if items else base
            return LV(self._permute(picked, ivars, sorted(ivars)), tuple(sorted(ivars)))
        # General case: gather with integer index arrays broadcast over the labels.
        labels = tuple(n for n, _ in t.labels)
        items = []
        for i in t.indices:
            if isinstance(i, ir.IVar):
                lv = LV(py.call("jnp.arange", self.size(i.axis)), (i.name,))
            else:
                lv = self.term(i)
            items.append(self.align(lv, labels))
        return LV(py.subscript(base, items), labels)

    @staticmethod
    def _permute(x: pyast.expr, have: list[str], want: list[str]) -> pyast.expr:
        if have == want:
            return x
        perm = [have.index(w) for w in want]
        return py.call("jnp.transpose", x, py.tuple_(py.const(p) for p in perm))

    def align(self, lv: LV, labels: tuple[str, ...]) -> pyast.expr:
        """Insert new axes so that `lv` broadcasts against values labelled `labels`."""
        if lv.labels == labels or not lv.labels:
            return lv.expr
        return py.subscript(lv.expr, [py.SLICE if n in lv.labels else None for n in labels])

    def _t_Prim(self, t: ir.Prim) -> LV:
        labels = tuple(n for n, _ in t.labels)
        args = [self.align(self.term(a), labels) for a in t.args]
        op = t.op
        if op in INFIX:
            return LV(py.binop(INFIX[op], args[0], args[1]), labels)
        if op == "neg":
            return LV(py.neg(args[0]), labels)
        if op in PRIM_FN:
            return LV(py.call(PRIM_FN[op], *args), labels)
        return LV(self._unary(op, args[0]), labels)

    def _t_Reduce(self, t: ir.Reduce) -> LV:
        out = tuple(n for n, _ in t.labels)
        if t.semiring is not None:
            return LV(self._semiring_contract(t, out), out)
        if t.op == "sum":
            factors = ir.factors(t.body)
            if len(factors) > 1 or isinstance(factors[0], ir.Sub):
                return LV(self._einsum(factors, out), out)
        body = self.term(t.body)
        reduced = [n for n, _ in t.indices]
        axes = tuple(body.labels.index(n) for n in reduced)
        axis = py.const(axes[0]) if len(axes) == 1 else py.tuple_(py.const(a) for a in axes)
        return LV(py.call(REDUCE_FN[t.op], body.expr, axis=axis), out)

    def _semiring_contract(self, t: ir.Reduce, out: tuple[str, ...]) -> pyast.expr:
        """`sum[S] i. a * b`: the factors and their index letters, contracted by the helper in S."""
        self.helpers.add("_semiring_contract")
        letters: dict[str, str] = {}

        def letter(n: str) -> str:
            if n not in letters:
                letters[n] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters)]
            return letters[n]

        operands, specs = [], []
        for f in ir.factors(t.body):
            if isinstance(f, ir.Sub) and all(isinstance(i, ir.IVar) for i in f.indices) and \
                    len({i.name for i in f.indices}) == len(f.indices):
                operands.append(self.term(f.base).expr)
                specs.append("".join(letter(i.name) for i in f.indices))
                continue
            lv = self.term(f)
            operands.append(lv.expr)
            specs.append("".join(letter(n) for n in lv.labels))
        sr = t.semiring
        kw = {"beta": self.term(sr.beta).expr} if sr.beta is not None else {}
        return py.call("_semiring_contract", py.const(sr.add), py.const(sr.mul), py.const(sr.zero),
                       py.const(",".join(specs) + "->" + "".join(letter(n) for n in out)), *operands, **kw)

    def _einsum(self, factors: list[ir.Term], out: tuple[str, ...]) -> pyast.expr:
        letters: dict[str, str] = {}

        def letter(n: str) -> str:
            if n not in letters:
                letters[n] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters)]
            return letters[n]

        specs, operands, scalars = [], [], []
        for f in factors:
            if isinstance(f, ir.Sub) and all(isinstance(i, ir.IVar) for i in f.indices):
                operands.append(self.term(f.base).expr)
                specs.append("".join(letter(i.name) for i in f.indices))
                continue
            lv = self.term(f)
            if not lv.labels:
                scalars.append(lv.expr)
                continue
            operands.append(lv.expr)
            specs.append("".join(letter(n) for n in lv.labels))
        spec = ",".join(specs) + "->" + "".join(letter(n) for n in out)
        expr = py.call("jnp.einsum", py.const(spec), *operands)
        for s in scalars:
            expr = py.binop("*", s, expr)
        return expr

    def _t_For(self, t: ir.For) -> LV:
        bound = [n for n, _ in t.indices]
        outer = tuple(n for n, _ in t.labels)
        b = t.body
        if isinstance(b, ir.Reduce) and b.op == "sum" and b.semiring is None:
            # A contraction straight into a tensor: one einsum with the tensor's axis order.
            factors = ir.factors(b.body)
            want = list(outer) + bound
            if (len(factors) > 1 or isinstance(factors[0], ir.Sub)) and set(want) == {n for n, _ in b.labels}:
                return LV(self._einsum(factors, tuple(want)), outer)
        body = self.term(t.body)
        missing = [(n, a) for n, a in t.indices if n not in body.labels]
        expr, have = body.expr, list(body.labels)
        if missing:
            labels = tuple(sorted(set(have) | {n for n, _ in missing}))
            expr = self.align(LV(expr, tuple(have)), labels) if have else expr
            sizes = {n: a for n, a in t.labels}
            sizes.update(dict(t.indices))
            shape = py.tuple_(self.size(sizes[n]) for n in labels)
            expr = py.call("jnp.broadcast_to", expr, shape)
            have = list(labels)
        return LV(self._permute(expr, have, list(outer) + bound), outer)

    def _selection(self, name: str, x: pyast.expr, axis: pyast.expr) -> pyast.expr:
        """One-hot of the first maximum along `axis` (argmax breaks ties by the lowest index);
        for `sample`, of a categorical draw when a key is given."""
        x = self.bind("scores", x)
        size = py.subscript(pyast.Attribute(value=x, attr="shape", ctx=pyast.Load()), [axis])
        dtype = pyast.Attribute(value=x, attr="dtype", ctx=pyast.Load())
        pick = py.call("jnp.argmax", x, axis=axis)
        if name == "sample":
            k = self.bind("k", self._next_key())
            pick = pyast.IfExp(test=pyast.Compare(left=k, ops=[pyast.Is()], comparators=[py.const(None)]), body=pick,
                               orelse=py.call("jax.random.categorical", k, x, axis=axis))
        return py.call("jax.nn.one_hot", pick, size, axis=axis, dtype=dtype)

    def _t_Builtin(self, t: ir.Builtin) -> LV:
        if t.name == "dropout":
            x, p = (self.term(a).expr for a in t.args)
            x = self.bind("h", x)
            k = self.bind("k", self._next_key())
            keep = py.binop("-", py.const(1.0), p)
            mask = py.call("jax.random.bernoulli", k, keep, pyast.Attribute(value=x, attr="shape", ctx=pyast.Load()))
            dropped = py.call("jnp.where", mask, py.binop("/", x, keep), py.const(0.0))
            return LV(pyast.IfExp(test=pyast.Compare(left=k, ops=[pyast.Is()], comparators=[py.const(None)]),
                                  body=x, orelse=dropped))
        x = self.term(t.args[0])
        if t.name == "transpose":
            return LV(pyast.Attribute(value=x.expr, attr="T", ctx=pyast.Load()))
        if t.over:
            axes = tuple(x.labels.index(n) for n in t.over)
            axis = py.const(axes[0]) if len(axes) == 1 else py.tuple_(py.const(a) for a in axes)
            out = tuple(n for n, _ in t.labels)
        else:
            axis, out = None, ()
        if t.name in ("softmax", "log_softmax", "hardmax", "sample") or t.name in SCAN_FN:
            fn = SCAN_FN.get(t.name, f"jax.nn.{t.name}")
            if axis is None:  # the last axis; lax's scans take no negative axis
                rank = t.args[0].type.rank if isinstance(t.args[0].type, TensorType) else 1
                axis = py.const(rank - 1 if t.name in SCAN_FN else -1)
            expr = x.expr
            if len(t.args) > 1:  # an inverse temperature
                expr = py.binop("*", self.term(t.args[1]).expr, expr)
            if t.name in ("hardmax", "sample"):
                return LV(self._selection(t.name, expr, axis), out or x.labels)
            return LV(py.call(fn, expr, axis=axis), out or x.labels)
        fn = REDUCE_FN[t.name]
        if axis is None:
            return LV(py.call(fn, x.expr))
        return LV(py.call(fn, x.expr, axis=axis), out)


#: Module-level functions an emitted module includes when one of its folds needs them.
HELPERS = {
    "_fold_balanced": '''
def _fold_balanced(combine, unit, ms):
    """Reduce the elements stacked along axis 0 of `ms` pairwise: a balanced tree of depth
    ceil(log2 n). Odd levels are padded with the monoid's unit."""
    n = jax.tree.leaves(ms)[0].shape[0]
    if n == 0:
        return unit
    while n > 1:
        if n % 2:
            ms = jax.tree.map(lambda m, u: jnp.concatenate([m, u[None]]), ms, unit)
            n += 1
        ms = jax.vmap(combine)(jax.tree.map(lambda m: m[0::2], ms), jax.tree.map(lambda m: m[1::2], ms))
        n //= 2
    return jax.tree.map(lambda m: m[0], ms)
''',
    "_fold_tree": '''
def _fold_tree(branches, base, tags, data, children):
    """Fold a term stored as arrays in topological order: node i is built by constructor
    tags[i] from data[i] and the values of its children children[i] (earlier nodes); the
    root is the last node. One `lax.scan` over the nodes, no Python recursion."""
    n = tags.shape[0]
    proto = jax.eval_shape(branches[base], data[0], [])
    values = jax.tree.map(lambda s: jnp.zeros((n,) + s.shape, s.dtype), proto)

    def step(values, i):
        kids = [jax.tree.map(lambda v: v[children[i, j]], values) for j in range(children.shape[1])]
        value = jax.lax.switch(tags[i], branches, data[i], kids)
        return jax.tree.map(lambda v, x: v.at[i].set(x), values, value), None

    values, _ = jax.lax.scan(step, values, jnp.arange(n))
    return jax.tree.map(lambda v: v[-1], values)
''',
}


HELPERS["_semiring_contract"] = '''
def _semiring_contract(add, mul, zero, spec, *operands, beta=1.0, block=64):
    """An einsum in a semiring: `spec` names the operands' axes ("ij,jk->ik"); the factors
    are combined with `mul` (add | mul | and) and the letters not in the output reduced with
    `add` (min | max | sum | or | logsumexp at inverse temperature beta). The first reduced
    letter is taken `block` at a time, each block broadcast and reduced in one fused loop and
    folded into the result: memory is the operands', the output's and one block's, never
    the whole broadcast product."""
    import functools

    ins, out = spec.split("->")
    specs = ins.split(",")
    reduced = [c for c in dict.fromkeys("".join(specs)) if c not in out]
    # Reduced letters sit between the output's leading letters and its last one, so the
    # innermost loop runs along an output axis.
    order = list(out[:-1]) + reduced + list(out[-1:])
    sizes = {c: n for s, x in zip(specs, operands) for c, n in zip(s, jnp.shape(x))}

    def aligned(x, s):
        x = jnp.transpose(x, sorted(range(len(s)), key=lambda i: order.index(s[i])))
        have = sorted(s, key=order.index)
        return jnp.reshape(x, [sizes[c] if c in have else 1 for c in order])

    xs = [aligned(jnp.asarray(x), s) for x, s in zip(operands, specs)]
    combine = {"add": jnp.add, "mul": jnp.multiply, "and": jnp.logical_and}[mul]
    merge = {"min": jnp.minimum, "max": jnp.maximum, "sum": jnp.add, "or": jnp.logical_or,
             "logsumexp": lambda a, b: jnp.logaddexp(beta * a, beta * b) / beta}[add]
    axes = tuple(order.index(c) for c in reduced)

    def reduce(ys):
        y = functools.reduce(combine, ys)
        if not axes:
            return y
        if add == "logsumexp":
            return jax.nn.logsumexp(beta * y, axis=axes) / beta
        return {"min": jnp.min, "max": jnp.max, "sum": jnp.sum, "or": jnp.any}[add](y, axis=axes)

    if any(sizes[c] == 0 for c in reduced):  # an empty sum is the semiring's zero
        return jnp.full([sizes[c] for c in out], zero, jnp.result_type(*xs))
    if not reduced or sizes[reduced[0]] <= block:
        return reduce(xs)
    r = order.index(reduced[0])
    n = sizes[reduced[0]]

    def part(start, length):
        return [jax.lax.dynamic_slice_in_dim(x, start, length, r) if x.shape[r] > 1 else x for x in xs]

    # The first block starts the result, so no zero is folded in (it need not be one for
    # every value of beta); the tail that does not fill a block is merged at the end.
    def step(acc, k):
        return merge(acc, reduce(part(k * block, block))), None

    full = n // block
    acc = jax.lax.scan(step, reduce(part(0, block)), jnp.arange(1, full))[0]
    if n % block:
        acc = merge(acc, reduce(part(full * block, n % block)))
    return acc
'''


def _helper_defs(names: set[str]) -> list[pyast.stmt]:
    out: list[pyast.stmt] = []
    for name in sorted(names):
        out.extend(pyast.parse(HELPERS[name]).body)
    return out


def _template(source: str, **subs: pyast.expr) -> list[pyast.stmt]:
    """Statements from a template of ours, its UPPERCASE placeholders replaced by AST nodes
    (never by text): how the recursion schemes are written out readably."""
    import copy
    import textwrap

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


def _pattern_names(p) -> list[str]:
    return [p] if isinstance(p, str) else [n for i in p for n in _pattern_names(i)]


def _pattern_target(p) -> pyast.expr:
    if isinstance(p, str):
        return py.store(py.ident(p))
    return pyast.Tuple(elts=[_pattern_target(i) for i in p], ctx=pyast.Store())


def _tree_at(module: pyast.expr, paths: list[tuple[str, ...]], values: list[pyast.expr]) -> pyast.expr:
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


def _poly_expr(p, var) -> pyast.expr:
    expr = None
    for mono, c in p.terms:
        term = None
        for v, power in mono:
            for _ in range(power):
                term = var(v) if term is None else py.binop("*", term, var(v))
        if term is None:
            term = py.const(c)
        elif c != 1:
            term = py.binop("*", py.const(c), term)
        expr = term if expr is None else py.binop("+", expr, term)
    return expr if expr is not None else py.const(0)


def _size_paths(t: Type, root: pyast.expr) -> dict[str, pyast.expr]:
    """For each index set in the input type, an expression for its size: `x[1].shape[0]`."""
    out: dict[str, pyast.expr] = {}
    if isinstance(t, TensorType):
        for i, a in enumerate(t.axes):
            if isinstance(a, IndexSetAxis) and a.name not in out:
                shape = pyast.Attribute(value=root, attr="shape", ctx=pyast.Load())
                out[a.name] = py.subscript(shape, [py.const(i)])
    elif isinstance(t, TupleType):
        for i, item in enumerate(t.items):
            for k, v in _size_paths(item, py.subscript(root, [py.const(i)])).items():
                out.setdefault(k, v)
    return out


def _docstring(p: ir.ParaDef) -> str:
    lines = [p.signature()]
    if p.ties:
        lines += ["", "Tied leaves (None when stored; computed by `untie`):", ""] + [f"    {t.source}" for t in p.ties]
    abstract = [prm.name for prm in p.params if prm.abstract]
    if abstract:
        lines += ["", "Given by a 2-cell where it is used (None until then): " + ", ".join(abstract)]
    return "\n".join(lines) + ("\n" if len(lines) > 1 else "")

