"""Task declarations to `ir.experiment.Task`, the arguments of a call in an experiment, and
the matching of two types up to the names of their index sets.

A task's type is written like a para's: its `Nat` and `Int` arguments may size fixed axes,
and its index sets are runtime sizes. A call gives every argument a value (defaults filled
in), and the types are taken with those values put in: fixed sizes become numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import catalogue, ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..ir.experiment import Task, TaskCall, Value
from ..syntax import ast
from ..types import Axis, FixedAxis, IndexSetAxis, Kind, Poly, TensorType, TupleType, Type
from . import builtins
from .ranges import size_defaults
from .signatures import TypeScope, binder_tables
from .suggest import closest

#: `module:function`, the module dotted.
_TARGET = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")

#: (name, kind, default or None): an argument a callee takes.
Param = tuple[str, str, "Value | None"]


def check_task(decl: ast.TaskDecl, file: str, sink: DiagnosticSink) -> Task | None:
    """The typed task a declaration makes, or None after reporting what is wrong with it."""
    ok = True
    for b in decl.binders:
        if b.kind.name in builtins.HIGHER_KINDS:
            sink.error(Msg.TASK_BINDER_KIND, b.kind.span, task=decl.name.name, name=b.name.name, kind=b.kind.name)
            ok = False
    hypers, index_sets, hyper_list, binders_ok = binder_tables(decl, sink)  # type: ignore[arg-type]
    scope = TypeScope(hypers, index_sets, sink, size_defaults(hyper_list))
    dom, cod = scope.type(decl.dom), scope.type(decl.cod)
    if not _TARGET.match(decl.target.value):
        sink.error(Msg.TASK_TARGET, decl.target.span, target=decl.target.value)
        ok = False
    if not (ok and binders_ok) or dom is None or cod is None:
        return None
    args = tuple((h.name, str(h.kind), h.default) for h in hyper_list)
    return Task(decl.name.name, decl.target.value, args, tuple(index_sets.items()), dom, cod, file, decl.span)


def call_task(task: Task, call: ast.ExpCall, sink: DiagnosticSink) -> TaskCall | None:
    """The task applied to the arguments of `call`, its types sized by them."""
    args = bind(task.name, task.arguments, call, sink)
    if args is None:
        return None
    env = sizes_of(task.arguments, args)
    return TaskCall(task.name, task.target, args, substitute(task.input, env), substitute(task.output, env),
                    call.span)


def bind(owner: str, params: Sequence[Param], call: ast.ExpCall, sink: DiagnosticSink,
         required: bool = True) -> ir.experiment.Args | None:
    """Every argument of `owner`, from those `call` gives by name or position and the
    defaults, in declaration order; None after reporting a mistake. Without `required`, an
    argument without a default and not given is left out (an optimiser's)."""
    kinds = {name: kind for name, kind, _ in params}
    given: dict[str, Value] = {}
    where: dict[str, Span] = {}
    ok = True
    positional = [a for a in call.args if a.name is None]
    if len(positional) > len(params):
        sink.error(Msg.TOO_MANY_ARGUMENTS, positional[len(params)].span, owner=owner, n=len(params),
                   given=len(positional), known=list(kinds) or ["none"])
        return None
    place = 0
    for a in call.args:
        if a.name is None:
            name, place = params[place][0], place + 1
        else:
            name = a.name.name
            if name not in kinds:
                _unknown_argument(sink, owner, a.name, list(kinds))
                ok = False
                continue
        if name in given or name in where:
            sink.error(Msg.ARGUMENT_TWICE, (a.name or a).span, owner=owner, name=name)
            ok = False
            continue
        where[name] = a.value.span
        value = value_of(owner, name, kinds[name], a.value, sink, catalogue.NAME_VALUES.get(name, ()))
        if value is None:
            ok = False
        else:
            given[name] = value
    missing = [name for name, _, default in params if default is None and name not in where]
    if missing and required:
        sink.error(Msg.MISSING_ARGUMENT, call.span, owner=owner, names=missing, n=len(missing), first=missing[0],
                   value=_example(kinds[missing[0]]))
        ok = False
    if not ok:
        return None
    out = []
    for name, _, default in params:
        if name in given:
            out.append((name, given[name]))
        elif default is not None:
            out.append((name, default))
    return tuple(out)


def _unknown_argument(sink: DiagnosticSink, owner: str, name: ast.Ident, known: list[str]) -> None:
    close = closest(name.name, known)
    if close:
        sink.error(Msg.UNKNOWN_ARGUMENT_CLOSE, name.span, owner=owner, name=name.name, close=close)
    elif known:
        sink.error(Msg.UNKNOWN_ARGUMENT, name.span, owner=owner, name=name.name, known=known)
    else:
        sink.error(Msg.NO_ARGUMENTS, name.span, owner=owner, name=name.name)


def _example(kind: str) -> str:
    return {"Nat": "1", "Int": "0", "Float": "0.5", "Bool": "true"}.get(kind, "constant")


def value_of(owner: str, name: str, kind: str, v: ast.ArgValue, sink: DiagnosticSink,
             names: Sequence[str] = ()) -> Value | None:
    """The value written for an argument of `kind` ("Nat", "Int", "Float", "Bool" or "name",
    one of `names`), or None after reporting that it is not one."""
    x = v.value
    number = isinstance(x, (int, float)) and not isinstance(x, bool) and not v.bare
    if kind == "name":
        if not v.bare:
            sink.error(Msg.ARGUMENT_NOT_A_NAME, v.span, owner=owner, name=name, found=v.text, known=list(names))
            return None
        return x
    fits = {"Nat": number and isinstance(x, int), "Int": number and isinstance(x, int),
            "Float": number, "Bool": isinstance(x, bool)}.get(kind, False)
    if not fits:
        sink.error(Msg.ARGUMENT_KIND, v.span, owner=owner, name=name, kind=kind, found=v.text, value=_example(kind))
        return None
    if kind == "Nat" and x < 0:
        sink.error(Msg.ARGUMENT_OUT_OF_RANGE, v.span, owner=owner, name=name, kind=kind, low=0, found=v.text)
        return None
    return float(x) if kind == "Float" else x


def sizes_of(params: Sequence[Param], args: ir.experiment.Args) -> dict[str, Poly]:
    """The sizes the `Nat` and `Int` arguments give, for the types that mention them."""
    kinds = {name: kind for name, kind, _ in params}
    return {n: Poly.const(v) for n, v in args if kinds.get(n) in ("Nat", "Int") and isinstance(v, int)}


def substitute(t: Type, env: Mapping[str, Poly], rename: Mapping[str, str] | None = None) -> Type:
    """`t` with its sizes evaluated in `env` and its index sets renamed by `rename`."""
    rename = rename or {}
    if isinstance(t, TupleType):
        return TupleType(tuple(substitute(i, env, rename) for i in t.items))
    if isinstance(t, TensorType):
        target = None if t.target is None else _substitute_axis(t.target, env, rename)
        return TensorType(tuple(_substitute_axis(a, env, rename) for a in t.axes), t.dtype, target)
    return t


def _substitute_axis(a: Axis, env: Mapping[str, Poly], rename: Mapping[str, str]) -> Axis:
    if isinstance(a, FixedAxis):
        return FixedAxis(a.size.substitute(env))
    if isinstance(a, IndexSetAxis):
        return IndexSetAxis(rename.get(a.name, a.name), a.kind)
    return a


@dataclass(frozen=True)
class KindClash:
    """Two index sets matched, of different kinds: the first's name and kind, the second's."""

    name: str
    kind: Kind
    other: str
    other_kind: Kind


def match(a: Type, b: Type, renames: dict[str, str] | None = None) -> dict[str, str] | KindClash | None:
    """The renaming of `a`'s index sets to `b`'s under which the two types are equal, a
    `KindClash` where they would be but for the kinds of two index sets, or None."""
    renames = {} if renames is None else renames
    if isinstance(a, TupleType) and isinstance(b, TupleType):
        if len(a.items) != len(b.items):
            return None
        clash = None
        for x, y in zip(a.items, b.items):
            found = match(x, y, renames)
            if found is None:
                return None
            if isinstance(found, KindClash):
                clash = clash or found
        return clash or renames
    if not (isinstance(a, TensorType) and isinstance(b, TensorType)):
        return None
    if a.dtype != b.dtype or len(a.axes) != len(b.axes) or (a.target is None) != (b.target is None):
        return None
    clash = None
    pairs = list(zip(a.axes, b.axes)) + ([(a.target, b.target)] if a.target is not None else [])
    for x, y in pairs:
        if isinstance(x, FixedAxis) and isinstance(y, FixedAxis):
            if x.size != y.size:
                return None
        elif isinstance(x, IndexSetAxis) and isinstance(y, IndexSetAxis):
            if renames.setdefault(x.name, y.name) != y.name:
                return None
            if x.kind != y.kind:
                clash = clash or KindClash(x.name, x.kind, y.name, y.kind)
        else:
            return None
    return clash or renames
