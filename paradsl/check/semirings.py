"""Semirings: the builtin ones and `semiring Log(beta: Float) = (logsumexp[beta], +, -inf, 0)`.

A declared semiring is checked where it is declared (its addition distributes, its units
are those of its operations); a contraction `sum[S]` looks it up by name.
"""

from __future__ import annotations

from ..diagnostics import DiagnosticSink, Msg
from ..syntax import ast
from . import builtins
from .bindings import ErrorB, SemiringB
from .context import DeclContext
from .suggest import closest

#: A semiring as (name, addition, multiplication, zero, one, the name of its parameter or None).
SemiringTable = tuple[str, str, str, object, object, str | None]


def semiring_table(decl: ast.SemiringDecl, sink: DiagnosticSink) -> SemiringTable | None:
    """A declared semiring as (name, add, mul, zero, one, parameter), or None if it is not one."""
    add = builtins.SEMIRING_ADD.get(decl.add.name)
    mul = builtins.SEMIRING_MUL.get(decl.mul.name)
    if add is None:
        sink.error(Msg.SEMIRING_ADDITION, decl.add.span, name=decl.add.name)
        return None
    if mul is None:
        sink.error(Msg.SEMIRING_MULTIPLICATION, decl.mul.span, name=decl.mul.name)
        return None
    if (add[0], mul[0]) not in builtins.SEMIRING_PAIRS:
        sink.error(Msg.SEMIRING_NOT_DISTRIBUTIVE, decl.mul.span, add=decl.add.name, mul=decl.mul.name)
        return None
    if (add[0], mul[0]) == ("max", "mul"):  # over the non-negative numbers: 0 is the least
        add = (add[0], 0.0)
    for lit, (what, unit) in ((decl.zero, ("zero", add)), (decl.one, ("one", mul))):
        if lit.value != unit[1] or isinstance(lit.value, bool) != isinstance(unit[1], bool):
            op = decl.add.name if what == "zero" else decl.mul.name
            u = unit[1]
            if isinstance(u, bool):
                shown = "true" if u else "false"
            elif u in (float("inf"), float("-inf")):
                shown = "inf" if u > 0 else "-inf"
            else:
                shown = str(int(u)) if float(u).is_integer() else str(u)
            sink.error(Msg.SEMIRING_ZERO if what == "zero" else Msg.SEMIRING_ONE, lit.span, op=op, unit=shown)
            return None
    param = None
    if decl.add_arg is not None:
        kinds = {b.name.name: b.kind.name for b in decl.binders}
        if add[0] != "logsumexp" or kinds.get(decl.add_arg.name) != "Float":
            sink.error(Msg.SEMIRING_PARAMETER, decl.add_arg.span)
            return None
        param = decl.add_arg.name
    return decl.name.name, add[0], mul[0], decl.zero.value, decl.one.value, param


def semiring(ctx: DeclContext, name: ast.Ident) -> SemiringTable | None:
    """The semiring a contraction names: a builtin, or one declared with `semiring`."""
    g = ctx.globals.get(name.name)
    if isinstance(g, ErrorB):
        return None  # its declaration had an error, already reported
    if isinstance(g, SemiringB):
        table = semiring_table(g.decl, DiagnosticSink())
        return table  # a bad declaration is reported where it is declared
    if name.name in builtins.SEMIRINGS:
        add, mul, zero, one, param = builtins.SEMIRINGS[name.name]
        return name.name, add, mul, zero, one, param
    known = sorted(builtins.SEMIRINGS) + [n for n, v in ctx.globals.items() if isinstance(v, SemiringB)]
    close = closest(name.name, known)
    if close:
        ctx.sink.error(Msg.UNKNOWN_NAME_CLOSE, name.span, name=name.name, close=close)
    else:
        ctx.sink.error(Msg.UNKNOWN_SEMIRING, name.span, name=name.name, known=known)
    return None
