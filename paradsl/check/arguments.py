"""Hyperparameter arguments at a use: `Dense(2 * d, relu: true)` against the callee's binders.

A `Nat` or `Int` argument is a size polynomial in the caller's own hyperparameters; the
others are literals or the caller's hyperparameters of the same kind.
"""

from __future__ import annotations


from .. import ir
from ..diagnostics import DiagnosticSink, Msg
from ..syntax import ast
from ..types import Poly
from . import builtins
from .signatures import Signature
from .suggest import did_you_mean


def hyper_args(sink: DiagnosticSink, callee: Signature, call: ast.Call, caller_hypers: dict[str, str]) -> list[ir.HyperArg] | None:
    positional = [a for a in call.args if not isinstance(a, (ast.KwArg, ast.OverArg))]
    keywords = {a.name.name: a for a in call.args if isinstance(a, ast.KwArg)}
    for a in call.args:
        if isinstance(a, ast.OverArg):
            sink.error(Msg.UNKNOWN_KEYWORD, a.span, callee=repr(callee.key.name), name="over",
                       hint="`over` is for reductions")
            return None
    for k, a in keywords.items():
        if callee.hyper(k) is None:
            sink.error(Msg.UNKNOWN_KEYWORD, a.name.span, callee=repr(callee.key.name), name=k,
                       hint=did_you_mean(k, [h.name for h in callee.hypers]) or
                       "its hyperparameters are " + (", ".join(h.name for h in callee.hypers) or "none"))
            return None
    required = [h for h in callee.hypers if h.default is None]
    if len(positional) > len(callee.hypers) or len(positional) + len(keywords) < len(required):
        n = len(callee.hypers)
        expected = str(n) if len(required) == n else f"{len(required)} to {n}"
        sink.error(Msg.ARITY, call.span, what=repr(callee.key.name), expected=expected,
                   s="" if expected == "1" else "s", given=len(positional) + len(keywords),
                   hint=f"{callee.key.name}(" + ", ".join(f"{h.name}: {h.kind}" for h in callee.hypers) + ")")
        return None
    out = []
    for i, h in enumerate(callee.hypers):
        if i < len(positional):
            expr = positional[i]
        elif h.name in keywords:
            expr = keywords[h.name].value
        elif h.default is not None:
            out.append(ir.HyperArg(literal=h.default, poly=Poly.const(h.default) if h.kind in ("Nat", "Int") else None))
            continue
        else:
            sink.error(Msg.ARITY, call.span, what=repr(callee.key.name), expected=str(len(callee.hypers)),
                       s="s", given=len(positional), hint=f"{h.name!r} is missing")
            return None
        a = hyper_arg(sink, callee, h, expr, caller_hypers)
        if a is None:
            return None
        out.append(a)
    return out


def hyper_arg(sink: DiagnosticSink, callee: Signature, h: ir.Hyper, e: ast.Expr, caller: dict[str, str]) -> ir.HyperArg | None:
    def bad(found: str) -> None:
        sink.error(Msg.HYPER_ARGUMENT, e.span, name=h.name, callee=callee.key.name, kind=h.kind, found=found,
                   hint="pass a literal or one of this para's own hyperparameters")

    if isinstance(e, ast.Name) and e.name in caller and caller[e.name] not in builtins.HYPER_KINDS:
        return None  # the caller's binder has an unknown kind, already reported
    if h.kind in ("Nat", "Int"):
        p = _size_of_expr(e, caller)
        if isinstance(p, str):
            bad(p)
            return None
        if h.kind == "Nat" and p.is_const and p.const_value < 0:
            bad(f"the negative number {p.const_value}")
            return None
        return ir.HyperArg(poly=p)
    if isinstance(e, ast.Number) and h.kind == "Float":
        return ir.HyperArg(literal=float(e.value))
    if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, ast.Number) and h.kind == "Float":
        return ir.HyperArg(literal=-float(e.operand.value))
    if isinstance(e, ast.BoolLit) and h.kind == "Bool":
        return ir.HyperArg(literal=e.value)
    if isinstance(e, ast.Name) and caller.get(e.name) == h.kind:
        return ir.HyperArg(ref=e.name)
    bad(text(e) if not isinstance(e, ast.Name) else f"{e.name!r}")
    return None


def _size_of_expr(e: ast.Expr, caller: dict[str, str]) -> Poly | str:
    """A hyperparameter argument as a size polynomial, or a description of why it is not one."""
    if isinstance(e, ast.Number):
        return Poly.const(e.value) if isinstance(e.value, int) else f"the number {e.text}"
    if isinstance(e, ast.Name):
        if caller.get(e.name) in ("Nat", "Int"):
            return Poly.var(e.name)
        return f"{e.name!r}" + (f", a {caller[e.name]}" if e.name in caller else ", not a hyperparameter of the caller")
    if isinstance(e, ast.Unary) and e.op == "-":
        a = _size_of_expr(e.operand, caller)
        return a if isinstance(a, str) else Poly.const(0) - a
    if isinstance(e, ast.BinOp) and e.op in ("+", "-", "*"):
        a, b = _size_of_expr(e.left, caller), _size_of_expr(e.right, caller)
        if isinstance(a, str):
            return a
        if isinstance(b, str):
            return b
        return {"+": a + b, "-": a - b, "*": a * b}[e.op]
    return "an expression that is not a size"


def text(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return e.name
    if isinstance(e, ast.Number):
        return e.text
    return "this expression"
