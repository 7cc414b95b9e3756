"""Hyperparameter arguments at a use: `Dense(2 * d, relu: true)` against the callee's binders.

A `Nat` or `Int` argument is a size polynomial in the caller's own hyperparameters; the
others are literals or the caller's hyperparameters of the same kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..diagnostics import DiagnosticSink, Message, Msg, Part, Span
from ..syntax import ast
from ..types import Poly, hyper_fits, hyper_range
from ..types.sizes import SizeTooLarge
from . import builtins
from .signatures import SIZE_ARITHMETIC, Signature, size_too_large
from .suggest import closest


def hyper_args(sink: DiagnosticSink, callee: Signature, call: ast.Call, caller_hypers: dict[str, str]) -> list[ir.HyperArg] | None:
    positional = [a for a in call.args if not isinstance(a, (ast.KwArg, ast.OverArg))]
    keywords = {a.name.name: a for a in call.args if isinstance(a, ast.KwArg)}
    for a in call.args:
        if isinstance(a, ast.OverArg):
            sink.error(Msg.OVER_IN_PARA_CALL, a.span, callee=callee.key.name)
            return None
    for k, a in keywords.items():
        if callee.hyper(k) is None:
            hypers = [h.name for h in callee.hypers]
            close = closest(k, hypers)
            if close:
                sink.error(Msg.UNKNOWN_HYPER_KEYWORD_CLOSE, a.name.span, callee=callee.key.name, name=k,
                           close=close)
            elif hypers:
                sink.error(Msg.UNKNOWN_HYPER_KEYWORD, a.name.span, callee=callee.key.name, name=k, hypers=hypers)
            else:
                sink.error(Msg.UNKNOWN_HYPER_KEYWORD_NO_HYPERS, a.name.span, callee=callee.key.name, name=k)
            return None
    required = [h for h in callee.hypers if h.default is None]
    if len(positional) > len(callee.hypers) or len(positional) + len(keywords) < len(required):
        n = len(callee.hypers)
        binders = [Part.HYPER_BINDER.format(name=h.name, kind=h.kind) for h in callee.hypers]
        given = len(positional) + len(keywords)
        if len(required) == n:
            sink.error(Msg.ARITY_HYPERS, call.span, name=callee.key.name, expected=n, given=given,
                       binders=binders)
        else:
            sink.error(Msg.ARITY_HYPERS_RANGE, call.span, name=callee.key.name, least=len(required), most=n,
                       given=given, binders=binders)
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
            sink.error(Msg.ARITY_HYPER_MISSING, call.span, name=callee.key.name, expected=len(callee.hypers),
                       given=len(positional), missing=h.name)
            return None
        a = hyper_arg(sink, callee, h, expr, caller_hypers)
        if a is None:
            return None
        out.append(a)
    return out


def written(callee: Signature, call: ast.Call) -> dict[str, Span]:
    """Where each hyperparameter argument a use gives is written, by the callee's binder."""
    positional = [a for a in call.args if not isinstance(a, (ast.KwArg, ast.OverArg))]
    out = {h.name: e.span for h, e in zip(callee.hypers, positional)}
    out.update({a.name.name: a.value.span for a in call.args if isinstance(a, ast.KwArg)})
    return out


def hyper_arg(sink: DiagnosticSink, callee: Signature, h: ir.Hyper, e: ast.Expr, caller: dict[str, str]) -> ir.HyperArg | None:
    def bad(why: _NotASize) -> None:
        name, owner, kind, span, arg = h.name, callee.key.name, h.kind, e.span, why.arg
        if why.msg is Msg.HYPER_ARG_OF_KIND:
            sink.error(Msg.HYPER_ARG_OF_KIND, span, name=name, callee=owner, kind=kind, arg=arg,
                       arg_kind=why.arg_kind)
        elif why.msg in (Msg.HYPER_ARG_NAME, Msg.HYPER_ARG_NOT_CALLERS):
            sink.error(why.msg, span, name=name, callee=owner, kind=kind, arg=arg)
        elif why.msg in (Msg.HYPER_ARG_NUMBER, Msg.HYPER_ARG_FRACTION, Msg.HYPER_ARG_NEGATIVE):
            sink.error(why.msg, span, name=name, callee=owner, kind=kind, number=arg)
        else:
            sink.error(why.msg, span, name=name, callee=owner, kind=kind)

    def out_of_range() -> None:
        low, high = hyper_range(h.kind)
        sink.error(Msg.HYPER_ARG_OUT_OF_RANGE, e.span, name=h.name, callee=callee.key.name, kind=h.kind,
                   low=low, high=high)

    if isinstance(e, ast.Name) and e.name in caller and caller[e.name] not in builtins.HYPER_KINDS:
        return None  # the caller's binder has an unknown kind, already reported
    if h.kind in ("Nat", "Int"):
        try:
            p = _size_of_expr(e, caller)
        except SizeTooLarge as err:
            size_too_large(sink, err, e.span)
            return None
        if isinstance(p, _NotASize):
            bad(p)
            return None
        if h.kind == "Nat" and p.is_const and p.const_value < 0:
            bad(_NotASize(msg=Msg.HYPER_ARG_NEGATIVE, arg=p.const_value))
            return None
        if p.is_const and not hyper_fits(h.kind, p.const_value):
            out_of_range()
            return None
        return ir.HyperArg(poly=p)
    number = e.value if isinstance(e, ast.Number) else None
    if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, ast.Number):
        number = -e.operand.value
    if number is not None and h.kind == "Float":
        if not hyper_fits(h.kind, number):
            out_of_range()
            return None
        return ir.HyperArg(literal=float(number))
    if isinstance(e, ast.BoolLit) and h.kind == "Bool":
        return ir.HyperArg(literal=e.value)
    if isinstance(e, ast.Name) and caller.get(e.name) == h.kind:
        return ir.HyperArg(ref=e.name)
    if isinstance(e, ast.Name):
        bad(_NotASize(msg=Msg.HYPER_ARG_NAME, arg=e.name))
    elif isinstance(e, ast.Number):
        bad(_NotASize(msg=Msg.HYPER_ARG_NUMBER, arg=e.text))
    else:
        bad(_NotASize(msg=Msg.HYPER_ARG_EXPRESSION))
    return None


@dataclass(frozen=True)
class _NotASize:
    """Why a hyperparameter argument is not a size: the message that says so, and what it names."""

    msg: Message
    arg: object = None
    arg_kind: str | None = None


def _size_of_expr(e: ast.Expr, caller: dict[str, str]) -> Poly | _NotASize:
    """A hyperparameter argument as a size polynomial, or why it is not one."""
    if isinstance(e, ast.Number):
        return Poly.const(e.value) if isinstance(e.value, int) else _NotASize(msg=Msg.HYPER_ARG_FRACTION, arg=e.text)
    if isinstance(e, ast.Name):
        if caller.get(e.name) in ("Nat", "Int"):
            return Poly.var(e.name)
        if e.name in caller:
            return _NotASize(msg=Msg.HYPER_ARG_OF_KIND, arg=e.name, arg_kind=caller[e.name])
        return _NotASize(msg=Msg.HYPER_ARG_NOT_CALLERS, arg=e.name)
    if isinstance(e, ast.Unary) and e.op == "-":
        a = _size_of_expr(e.operand, caller)
        return a if isinstance(a, _NotASize) else Poly.const(0) - a
    if isinstance(e, ast.BinOp) and e.op in ("+", "-", "*"):
        a, b = _size_of_expr(e.left, caller), _size_of_expr(e.right, caller)
        if isinstance(a, _NotASize):
            return a
        if isinstance(b, _NotASize):
            return b
        return SIZE_ARITHMETIC[e.op](a, b)
    return _NotASize(msg=Msg.HYPER_ARG_NOT_A_SIZE)


def text(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return e.name
    if isinstance(e, ast.Number):
        return e.text
    return "this expression"
