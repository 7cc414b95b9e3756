"""A readable text of the typed IR, for `para ir` and for reading what the checker made.

    para Scores(d: Nat) (n: set) : f32[n,d] -> f32[n,n]
      = x => for i j. softmax((sum c. x[i,c] * x[j,c]) / sqrt(d), over j)

Each para prints as its signature, then one line per parameter (`param`), use (`use`),
tie (`tie`), algebra shape (`shape`, `ctor`) and case (`case`), then its body. Types print
short, as jaxpr does (`f32[n,4*d]`, `(f32[d], f32[h])`); terms print in the language's own
notation, with index variables under their unique names (`j_1`) and parameters bare. The
text is deterministic: the same program always prints the same. Spans are not printed.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import FixedAxis, IndexSetAxis, MapType, Poly, TensorType, TupleType, Type
from .nodes import (
    AlgebraShape,
    Apply,
    Builtin,
    Case,
    Compose,
    Constructor,
    Einsum,
    Fanout,
    Fold,
    For,
    Hyper,
    HyperArg,
    HyperRef,
    IndexValue,
    Init,
    IVar,
    Iterate,
    LambdaT,
    LeafRef,
    Let,
    Lit,
    MapOver,
    MapTerm,
    MatMul,
    ParaDef,
    Parallel,
    Param,
    ParamRef,
    Prim,
    PrimMap,
    Program,
    Reduce,
    Semiring,
    SizeOf,
    Sub,
    Term,
    Tie,
    TupleT,
    Use,
    UseRef,
    Var,
)

from .printer_experiments import format_experiment, format_task

INDENT = "  "

#: Binary elementwise primitives written infix: op -> (symbol, precedence).
_INFIX = {
    "or": ("or", 1), "and": ("and", 2),
    "eq": ("==", 4), "ne": ("!=", 4), "lt": ("<", 4), "le": ("<=", 4), "gt": (">", 4), "ge": (">=", 4),
    "add": ("+", 5), "sub": ("-", 5),
    "mul": ("*", 6), "div": ("/", 6), "mod": ("mod", 6),
}
# Precedences, loosest first: what an operand must reach to go without parentheses.
_OPEN, _NOT, _ARITH, _TERM, _NEG, _POW, _POSTFIX, _ATOM = 0, 3, 5, 6, 7, 8, 9, 10
_COMPOSE, _FANOUT, _PARALLEL = 1, 2, 3


def format_program(program: Program) -> str:
    """Every para of the program, callees first, then the file's tasks and experiments,
    separated by blank lines."""
    parts = [format_para(p) for p in program.paras]
    parts += [format_task(t, short_type) for t in program.tasks]
    parts += [format_experiment(e, short_type) for e in program.experiments]
    return "\n\n".join(parts) + "\n"


def format_para(para: ParaDef) -> str:
    """One para: its signature, its declarations one per line, then its body."""
    lines = [_header(para)]
    lines += [INDENT + _param(p) for p in para.params]
    lines += [INDENT + _use(u) for u in para.uses]
    lines += [INDENT + _tie(t) for t in para.ties]
    if para.shape is not None:
        lines += [INDENT + line for line in _shape(para.shape)]
        lines += [INDENT + _case(c) for c in para.cases]
    else:
        lines.append(INDENT + "= " + map_term(para.body, _OPEN, INDENT * 2))
    return "\n".join(lines)


# ------------------------------------------------------------------ types


def short_type(t: Type) -> str:
    """A type as jaxpr writes one: `f32[n,4*d]`, `i32[]`, `(f32[d], f32[h])`, `A -> B`."""
    if isinstance(t, TensorType):
        dtype = f"ptr({_axis(t.target)})" if t.target is not None else t.dtype
        return f"{dtype}[{','.join(_axis(a) for a in t.axes)}]"
    if isinstance(t, TupleType):
        return "(" + ", ".join(short_type(i) for i in t.items) + ")"
    if isinstance(t, MapType):
        return f"{short_type(t.dom)} -> {short_type(t.cod)}"
    raise TypeError(f"not a type: {t!r}")  # pragma: no cover


def _axis(a: object) -> str:
    if isinstance(a, FixedAxis):
        return _poly(a.size)
    if isinstance(a, IndexSetAxis):
        return a.name
    return str(a)  # pragma: no cover - the checker solves every axis


def _poly(p: Poly) -> str:
    return str(p).replace(" ", "")


# ------------------------------------------------------------------ declarations


def _header(p: ParaDef) -> str:
    hypers = "(" + ", ".join(_hyper(h) for h in p.hypers) + ")" if p.hypers else ""
    sets = " (" + ", ".join(f"{n}: {k.value}" for n, k in p.index_sets) + ")" if p.index_sets else ""
    if p.shape is not None:
        sig = f" : {_shape_signature(p.shape)}"
    elif p.is_reparam:
        sig = f" : {short_type(p.type.dom)} => {short_type(p.type.cod)}"
    else:
        sig = f" : {short_type(p.type)}"
    stochastic = "  [stochastic]" if p.stochastic else ""
    return f"{p.kind} {p.name}{hypers}{sets}{sig}{stochastic}"


def _hyper(h: Hyper) -> str:
    return f"{h.name}: {h.kind}" + ("" if h.default is None else f" = {_literal(h.default)}")


def _param(p: Param) -> str:
    how = "via" if p.abstract else _init(p.init)
    origin = f"  [from the 2-cell of {p.via}]" if p.via is not None else ""
    return f"param {p.name} : {short_type(p.type)} ~ {how}{origin}"


def _init(i: Init) -> str:
    return i.name + ("(" + ", ".join(_literal(a) for a in i.args) + ")" if i.args else "")


def _use(u: Use) -> str:
    sets = " " + _sets(u.index_sets) if u.index_sets else ""
    anonymous = "  [anonymous]" if u.anonymous else ""
    rep = "" if u.repeat is None else f"  [repeat {u.repeat}" + (", shared]" if u.shared else "]")
    return f"use {u.name} : {u.callee}({', '.join(_hyper_arg(a) for a in u.args)}){sets}{anonymous}{rep}"


def _hyper_arg(a: HyperArg) -> str:
    if a.poly is not None:
        return _poly(a.poly)
    if a.ref is not None:
        return a.ref
    return _literal(a.literal)


def _tie(t: Tie) -> str:
    return "tie " + ", ".join(".".join(path) for path in t.targets) + " = " + term(t.value, _OPEN, INDENT * 2)


def _shape_signature(s: AlgebraShape) -> str:
    if s.functor is not None:
        what = s.functor
    elif s.out is not None:
        what = f"{short_type(s.elem)} -> {short_type(s.out)}"
    else:
        what = short_type(s.elem)
    return f"{what} on {short_type(s.carrier)}"


def _shape(s: AlgebraShape) -> list[str]:
    parts = [f"carrier {short_type(s.carrier)}"]
    if s.elem is not None:
        parts.append(f"elem {short_type(s.elem)}")
    if s.out is not None:
        parts.append(f"out {short_type(s.out)}")
    return [f"shape {s.kind}: " + ", ".join(parts)] + [_constructor(c) for c in s.constructors]


def _constructor(c: Constructor) -> str:
    fields = ", ".join(f"{role} {short_type(t)}" for role, t in zip(c.fields, c.types))
    return f"ctor {c.name}({fields}) -> {short_type(c.result)}"


def _case(c: Case) -> str:
    # The body is a lambda over the patterns' names, which the patterns already show.
    if isinstance(c.body, LambdaT):
        body = term(c.body.body, _OPEN, INDENT * 2)
    else:
        body = map_term(c.body, _OPEN, INDENT * 2)
    return f"case {c.name}({', '.join(_pattern(p) for p in c.patterns)}) => {body}"


def _pattern(p: str | tuple) -> str:
    return p if isinstance(p, str) else "(" + ", ".join(_pattern(i) for i in p) + ")"


def _literal(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return repr(v)


# ------------------------------------------------------------------ terms


def term(t: Term, need: int = _OPEN, indent: str = INDENT) -> str:
    """A term as text, parenthesised when it binds looser than `need`. `indent` is where
    the lines of a chain of `let`s after the first start."""
    text, prec = _TERMS[type(t)](t, indent)
    return text if prec >= need else f"({text})"


def _var(t: Var | ParamRef | HyperRef | IndexValue, indent: str) -> tuple[str, int]:
    return t.name, _ATOM


def _leaf(t: LeafRef, indent: str) -> tuple[str, int]:
    return ".".join(t.path), _POSTFIX


def _size_of(t: SizeOf, indent: str) -> tuple[str, int]:
    return _axis(t.axis), _ATOM


def _lit(t: Lit, indent: str) -> tuple[str, int]:
    text = _literal(t.value)
    return text, _NEG if text.startswith("-") else _ATOM


def _sub(t: Sub, indent: str) -> tuple[str, int]:
    items = ",".join(i.name if isinstance(i, IVar) else term(i, _OPEN, indent) for i in t.indices)
    fill = "" if t.fill is None else f" else {_literal(t.fill)}"
    return f"{term(t.base, _POSTFIX, indent)}[{items}{fill}]", _POSTFIX


def _prim(t: Prim, indent: str) -> tuple[str, int]:
    if t.op in _INFIX and len(t.args) == 2:
        symbol, prec = _INFIX[t.op]
        left, right = t.args
        # Comparisons do not chain; the others associate to the left.
        left_need = prec + 1 if prec == 4 else prec
        return f"{term(left, left_need, indent)} {symbol} {term(right, prec + 1, indent)}", prec
    if t.op == "pow" and len(t.args) == 2:
        return f"{term(t.args[0], _POSTFIX, indent)} ** {term(t.args[1], _NEG, indent)}", _POW
    if t.op == "neg" and len(t.args) == 1:
        return f"-{term(t.args[0], _NEG, indent)}", _NEG
    if t.op == "not" and len(t.args) == 1:
        return f"not {term(t.args[0], _NOT, indent)}", _NOT
    return _call(t.op, [term(a, _OPEN, indent) for a in t.args]), _POSTFIX


def _call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})"


def _semiring(s: Semiring, indent: str) -> str:
    beta = f"({term(s.beta, _OPEN, indent)})" if s.beta is not None else ""
    return f"[{s.name}{beta}]"


def _reduce(t: Reduce, indent: str) -> tuple[str, int]:
    semiring = _semiring(t.semiring, indent) if t.semiring is not None else ""
    names = " ".join(n for n, _ in t.indices)
    return f"{t.op}{semiring} {names}. {term(t.body, _OPEN, indent)}", _OPEN


def _for(t: For, indent: str) -> tuple[str, int]:
    return f"for {' '.join(n for n, _ in t.indices)}. {term(t.body, _OPEN, indent)}", _OPEN


def _let(t: Let, indent: str) -> tuple[str, int]:
    # A chain of lets reads as lines, one binding each, as it is written.
    return f"let {t.name} = {term(t.value, _OPEN, indent + INDENT)} in\n{indent}{term(t.body, _OPEN, indent)}", _OPEN


def _tuple(t: TupleT, indent: str) -> tuple[str, int]:
    items = [term(i, _OPEN, indent) for i in t.items]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")", _ATOM


def _matmul(t: MatMul, indent: str) -> tuple[str, int]:
    return f"{term(t.left, _TERM, indent)} @ {term(t.right, _NEG, indent)}", _TERM


def _einsum(t: Einsum, indent: str) -> tuple[str, int]:
    return _call("einsum", [f'"{t.spec}"'] + [term(a, _OPEN, indent) for a in t.args]), _POSTFIX


def _builtin(t: Builtin, indent: str) -> tuple[str, int]:
    args = [term(a, _OPEN, indent) for a in t.args]
    if t.over:
        args.append("over " + " ".join(t.over))
    return _call(t.name, args), _POSTFIX


def _apply(t: Apply, indent: str) -> tuple[str, int]:
    return f"{map_term(t.fn, _ATOM, indent)}({term(t.arg, _OPEN, indent)})", _POSTFIX


_TERMS: dict[type, Callable[..., tuple[str, int]]] = {
    Var: _var, ParamRef: _var, HyperRef: _var, IndexValue: _var, LeafRef: _leaf, SizeOf: _size_of, Lit: _lit,
    Sub: _sub, Prim: _prim, Reduce: _reduce, For: _for, Let: _let, TupleT: _tuple, MatMul: _matmul,
    Einsum: _einsum, Builtin: _builtin, Apply: _apply,
}


# ------------------------------------------------------------------ map terms


def map_term(m: MapTerm, need: int = _OPEN, indent: str = INDENT) -> str:
    """A map term as text, parenthesised when it binds looser than `need`."""
    text, prec = _MAPS[type(m)](m, indent)
    return text if prec >= need else f"({text})"


def _sets(index_sets: tuple[tuple[str, object], ...]) -> str:
    """Which axis each of the callee's index sets is at a reference: `{n = t}`."""
    return "{" + ", ".join(f"{n} = {_axis(a)}" for n, a in index_sets) + "}" if index_sets else ""


def _ref(m: UseRef, indent: str) -> tuple[str, int]:
    return m.name + _sets(m.index_sets), _ATOM


def _prim_map(m: PrimMap, indent: str) -> tuple[str, int]:
    return m.op, _ATOM


def _lambda(m: LambdaT, indent: str) -> tuple[str, int]:
    params = "(" + ", ".join(m.params) + ")" if m.tupled else m.params[0]
    return f"{params} => {term(m.body, _OPEN, indent)}", _OPEN


def _compose(m: Compose, indent: str) -> tuple[str, int]:
    return f"{map_term(m.first, _COMPOSE, indent)} >> {map_term(m.second, _FANOUT, indent)}", _COMPOSE


def _fanout(m: Fanout, indent: str) -> tuple[str, int]:
    return f"{map_term(m.left, _FANOUT, indent)} & {map_term(m.right, _PARALLEL, indent)}", _FANOUT


def _parallel(m: Parallel, indent: str) -> tuple[str, int]:
    return f"{map_term(m.left, _PARALLEL, indent)} * {map_term(m.right, _ATOM, indent)}", _PARALLEL


def _fold(m: Fold, indent: str) -> tuple[str, int]:
    # The mode says how it runs, where the scheme as written does not (`fold[balanced]`).
    mode = "" if m.mode == m.scheme else f"[{m.mode}]"
    if m.masked:
        mode = f"[{m.mode}, masked]"
    return f"{m.scheme}{mode} {m.use}{_sets(m.index_sets)} over {_axis(m.axis)}", _OPEN


def _map_over(m: MapOver, indent: str) -> tuple[str, int]:
    return f"map {map_term(m.fn, _ATOM, indent)} over {_axis(m.axis)}", _OPEN


def _iterate(m: Iterate, indent: str) -> tuple[str, int]:
    until = " until converged" if m.until else ""
    count = _poly(m.count)
    count = count if count.isidentifier() or count.isdigit() else f"({count})"
    return f"iterate {map_term(m.fn, _ATOM, indent)}{until} for {count}", _OPEN


_MAPS: dict[type, Callable[..., tuple[str, int]]] = {
    UseRef: _ref, PrimMap: _prim_map, LambdaT: _lambda, Compose: _compose, Fanout: _fanout,
    Parallel: _parallel, Fold: _fold, MapOver: _map_over, Iterate: _iterate,
}
