"""Specialisation of generic paras: `PreNormBlock(d, f, attn = CausalAttention(d, h, k))`.

A para with a map binder (`attn : [n, d] -> [n, d]`), a semiring binder (`S : semiring`)
or a monoid binder (`agg : commutative monoid [h]`, `agg : monoid [d] on [h]`) is generic:
it is checked only as its instances. At a use, its arguments are checked here against its
binders (a map argument's signature, with the callee's sizes put in, must be the binder's,
and its index sets must allow the symmetry the binder's index sets have; a monoid
argument's elements and carrier must be the binder's, and it must be commutative where the
binder is), and the instance is the generic declaration with its arguments put in: its
hyperparameters replaced by the argument expressions, each map or monoid argument a use
named by its binder (so its parameters are one factor of P, under that name), each
semiring renamed. The instance is then an ordinary para, checked, emitted and analysed as
any other, with no dispatch left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace

from .. import prelude
from ..diagnostics import DiagnosticSink, Msg
from ..resolve import DeclKey
from ..syntax import ast
from ..syntax.printer import format_node
from ..syntax.substitute import free_names, substitute
from ..types import FixedAxis, IndexSetAxis, Kind, MapType, Poly, TensorType, TupleType, Type
from ..types.unify import substitute_type
from . import arguments, builtins
from .bindings import Binding, GlobalB, SemiringB
from .signatures import Signature, TypeScope, binder_tables
from .suggest import closest


#: Which index-set kinds a map argument over a kind may be given (as a use is, `uses._FITS`).
_FITS = {Kind.SET: {"set", "cyc", "list"}, Kind.CYC: {"cyc", "list"}, Kind.LIST: {"list"}}

#: The kinds of a monoid binder, and of the declarations each may be given.
MONOID_KINDS = ("monoid", "commutative monoid")

#: A declaration by its key: where a monoid argument's carrier is read from.
Decls = Callable[[DeclKey], ast.ParaDecl]


@dataclass(frozen=True)
class Instance:
    """A generic para with its arguments put in: the declaration to check, the file whose
    names its body sees (the generic's), and the bindings of its map and semiring arguments
    under names of their own, resolved where the arguments were written."""

    decl: ast.ParaDecl
    scope_file: str
    overlay: Mapping[str, Binding]


@dataclass
class Arguments:
    """A use's arguments, matched to a generic para's binders and checked."""

    values: dict[str, ast.Expr] = field(default_factory=dict)  # hyperparameter -> its expression
    polys: dict[str, Poly] = field(default_factory=dict)  # a Nat or Int one -> its size, in the caller's names
    maps: dict[str, tuple[ast.Call, GlobalB]] = field(default_factory=dict)  # map binder -> the use
    semirings: dict[str, tuple[str, Binding | None]] = field(default_factory=dict)  # binder -> semiring

    def fingerprint(self) -> tuple:
        """What makes two uses the same instance: the arguments' text and the maps' callees."""
        return (tuple((k, format_node(v)) for k, v in self.values.items()),
                tuple((k, format_node(c), b.sig.key) for k, (c, b) in self.maps.items()),
                tuple((k, n, getattr(b, "key", None)) for k, (n, b) in self.semirings.items()))

    def names(self) -> set[str]:
        """Every name the arguments mention, for the caller's hyperparameters they read."""
        out: set[str] = set()
        for e in self.values.values():
            out |= free_names(e)
        for c, _ in self.maps.values():
            out |= free_names(c.args)
        return out

    def callees(self) -> list[str]:
        """The names of the map arguments' paras and of the semirings, for the instance's name."""
        return [b.sig.key.name for _, b in self.maps.values()] + [n for n, _ in self.semirings.values()]


def bind(sink: DiagnosticSink, generic: Signature, call: ast.Call, scope: Mapping[str, Binding],
         hypers: dict[str, str], kinds: dict[str, Kind], decls: Decls) -> Arguments | None:
    """A use's arguments against the generic's binders, reported where they are wrong.
    `scope` and `hypers` are the caller's; `kinds` the instance's index sets' kinds; `decls`
    gives a monoid argument's declaration, for its carrier."""
    name = generic.key.name
    binders = generic.generic
    positional = [a for a in call.args if not isinstance(a, (ast.KwArg, ast.OverArg))]
    keywords = {a.name.name: a for a in call.args if isinstance(a, ast.KwArg)}
    known = [b.name.name for b in binders]
    for k, a in keywords.items():
        if k not in known:
            close = closest(k, known)
            if close:
                sink.error(Msg.UNKNOWN_HYPER_KEYWORD_CLOSE, a.name.span, callee=name, name=k, close=close)
            else:
                sink.error(Msg.UNKNOWN_HYPER_KEYWORD, a.name.span, callee=name, name=k, hypers=known)
            return None
    if len(positional) > len(binders):
        sink.error(Msg.ARITY_HYPERS, call.span, name=name, expected=len(binders), given=len(call.args),
                   binders=[_binder_text(b) for b in binders])
        return None
    out = Arguments()
    ok = True
    maps: list[tuple[ast.Binder, ast.Expr]] = []  # checked once the sizes they are typed in are
    for i, b in enumerate(binders):
        expr = positional[i] if i < len(positional) else keywords[b.name.name].value if b.name.name in keywords else None
        kind = b.kind.name
        if expr is None:
            if kind in builtins.HIGHER_KINDS:
                sink.error(Msg.MISSING_MAP_ARGUMENT, call.span, callee=name, kind=kind, name=b.name.name)
                ok = False
            elif b.default is not None:
                lit = b.default
                out.values[b.name.name] = (ast.BoolLit(lit.span, lit.value) if isinstance(lit.value, bool)
                                           else ast.Number(lit.span, lit.value, repr(lit.value)))
                if b.kind.name in ("Nat", "Int"):
                    out.polys[b.name.name] = Poly.const(lit.value)
            else:
                sink.error(Msg.ARITY_HYPER_MISSING, call.span, name=name, expected=len(binders),
                           given=len(positional), missing=b.name.name)
                ok = False
        elif kind == "map" or kind in MONOID_KINDS:
            maps.append((b, expr))
        elif kind == "semiring":
            ok = _semiring_arg(sink, generic, b, expr, scope, out) and ok
        else:
            ok = _value_arg(sink, generic, b, expr, scope, hypers, out) and ok
    for b, expr in maps if ok else ():
        if b.kind.name in MONOID_KINDS:
            ok = _monoid_arg(sink, generic, b, expr, scope, hypers, kinds, out, decls) and ok
        else:
            ok = _map_arg(sink, generic, b, expr, scope, hypers, kinds, out) and ok
    return out if ok else None


def _binder_text(b: ast.Binder) -> str:
    return f"{b.name.name}: {b.kind.name}"


def _para_of(expr: ast.Expr, scope: Mapping[str, Binding]) -> tuple[ast.Call, GlobalB] | None:
    """The use an argument writes, `Linear(d, d)` or a bare `Softmax`, if it names a para."""
    call = ast.Call(expr.span, expr, ()) if isinstance(expr, ast.Name) else expr
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
        b = scope.get(call.func.name)
        if isinstance(b, GlobalB):
            return call, b
    return None


def _value_arg(sink: DiagnosticSink, generic: Signature, b: ast.Binder, expr: ast.Expr,
               scope: Mapping[str, Binding], hypers: dict[str, str], out: Arguments) -> bool:
    found = _para_of(expr, scope)
    if found is not None and not (isinstance(expr, ast.Name) and expr.name in hypers):
        sink.error(Msg.MAP_WHERE_VALUE, expr.span, name=b.name.name, callee=generic.key.name, kind=b.kind.name,
                   arg=found[1].sig.key.name)
        return False
    h = generic.hyper(b.name.name)
    a = None if h is None else arguments.hyper_arg(sink, generic, h, expr, hypers)
    if a is None:
        return False
    out.values[b.name.name] = expr
    if a.poly is not None:
        out.polys[b.name.name] = a.poly
    return True


def _semiring_arg(sink: DiagnosticSink, generic: Signature, b: ast.Binder, expr: ast.Expr,
                  scope: Mapping[str, Binding], out: Arguments) -> bool:
    if isinstance(expr, ast.Name):
        g = scope.get(expr.name)
        if isinstance(g, SemiringB):
            out.semirings[b.name.name] = (expr.name, g)
            return True
        if g is None and expr.name in builtins.SEMIRINGS:
            out.semirings[b.name.name] = (expr.name, None)
            return True
    known = sorted(builtins.SEMIRINGS) + [n for n, v in scope.items() if isinstance(v, SemiringB)]
    sink.error(Msg.NOT_A_SEMIRING_ARGUMENT, expr.span, name=b.name.name, callee=generic.key.name,
               arg=_describe(expr), known=known)
    return False


def _describe(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Name):
        return repr(expr.name)
    if isinstance(expr, ast.Number):
        return f"the number {expr.text}"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return f"a use of {expr.func.name!r}"
    return "an expression"


def _map_arg(sink: DiagnosticSink, generic: Signature, b: ast.Binder, expr: ast.Expr, scope: Mapping[str, Binding],
             hypers: dict[str, str], kinds: dict[str, Kind], out: Arguments) -> bool:
    name = generic.key.name
    found = _para_of(expr, scope)
    if found is None or (isinstance(expr, ast.Name) and expr.name in hypers):
        sink.error(Msg.NOT_A_MAP_ARGUMENT, expr.span, name=b.name.name, callee=name, arg=_describe(expr))
        return False
    call, g = found
    if not g.sig.generic and g.sig.ok:
        given = arguments.hyper_args(sink, g.sig, call, hypers)
        if given is None:
            return False
        sizes = {h.name: a.poly for h, a in zip(g.sig.hypers, given) if a.poly is not None}
        arg_type = substitute_type(g.sig.type, sizes, {})
        expected = _binder_type(generic, b, kinds, out)
        if expected is not None:
            mapping: dict[str, IndexSetAxis] = {}
            if not _match(expected, arg_type, mapping):
                sink.error(Msg.MAP_ARGUMENT_SIGNATURE, expr.span, name=b.name.name, callee=name, expected=str(expected),
                           arg=g.sig.key.name, found=str(arg_type))
                return False
            arg_kinds = dict(g.sig.index_sets)
            for own, axis in mapping.items():
                if axis.kind.value not in _FITS[arg_kinds[own]]:
                    sink.error(Msg.MAP_ARGUMENT_SYMMETRY, expr.span, name=b.name.name, callee=name,
                               kind=axis.kind.value, index=axis.name, arg=g.sig.key.name,
                               arg_kind=arg_kinds[own].value)
                    return False
    out.maps[b.name.name] = (call, g)
    return True


def _monoid_arg(sink: DiagnosticSink, generic: Signature, b: ast.Binder, expr: ast.Expr,
                scope: Mapping[str, Binding], hypers: dict[str, str], kinds: dict[str, Kind], out: Arguments,
                decls: Decls) -> bool:
    """A monoid argument: a use of a monoid declaration, commutative where the binder is, of
    the elements and carrier the binder declares once the sizes are put in. It becomes a use
    named by the binder, as a map argument does, so `fold agg over n` folds it."""
    name, want = generic.key.name, b.kind.name
    found = _para_of(expr, scope)
    if found is None or (isinstance(expr, ast.Name) and expr.name in hypers):
        sink.error(Msg.NOT_A_MONOID_ARGUMENT, expr.span, name=b.name.name, callee=name, kind=want, arg=_describe(expr))
        return False
    if found[1].sig.kind not in MONOID_KINDS:
        sink.error(Msg.MONOID_ARGUMENT_OF_KIND, expr.span, name=b.name.name, callee=name, kind=want,
                   arg=found[1].sig.key.name, arg_kind=found[1].sig.kind)
        return False
    call, g = found
    if want == "commutative monoid" and g.sig.kind != want:
        sink.error(Msg.MONOID_ARGUMENT_NOT_COMMUTATIVE, expr.span, name=b.name.name, callee=name,
                   arg=g.sig.key.name)
        return False
    if g.sig.ok:
        given = arguments.hyper_args(sink, g.sig, call, hypers)
        if given is None:
            return False
        sizes = {h.name: a.poly for h, a in zip(g.sig.hypers, given) if a.poly is not None}
        decl = decls(g.sig.key)
        own_hypers, own_sets, _, _ = binder_tables(decl, DiagnosticSink())
        carrier = None if decl.carrier is None else TypeScope(own_hypers, own_sets, DiagnosticSink()).type(decl.carrier)
        expected = _binder_type(generic, b, kinds, out)
        if carrier is not None and expected is not None:
            arg_type = MapType(substitute_type(g.sig.type.dom, sizes, {}), substitute_type(carrier, sizes, {}))
            if not _match(expected, arg_type, {}):
                sink.error(Msg.MONOID_ARGUMENT_TYPE, expr.span, name=b.name.name, callee=name,
                           elem=str(expected.dom), carrier=str(expected.cod), arg=g.sig.key.name,
                           found_elem=str(arg_type.dom), found_carrier=str(arg_type.cod))
                return False
    out.maps[b.name.name] = (call, g)
    return True


def _binder_type(generic: Signature, b: ast.Binder, kinds: dict[str, Kind], out: Arguments) -> MapType | None:
    """The map type a binder declares, the use's sizes put in (quiet: the binder's own
    mistakes are the generic's, reported with it)."""
    hyper_kinds = {h.name: h.kind for h in generic.hypers}
    scope = TypeScope(hyper_kinds, kinds, DiagnosticSink())
    dom, cod = scope.type(b.dom), scope.type(b.cod)
    if dom is None or cod is None:
        return None
    return MapType(substitute_type(dom, out.polys, {}), substitute_type(cod, out.polys, {}))


def _match(expected: Type, found: Type, mapping: dict[str, IndexSetAxis]) -> bool:
    """Whether a map argument's type is the binder's: equal sizes, and each of its index
    sets standing for one index set of the binder's (recorded in `mapping`) or a fixed size."""
    if isinstance(expected, MapType) and isinstance(found, MapType):
        return _match(expected.dom, found.dom, mapping) and _match(expected.cod, found.cod, mapping)
    if isinstance(expected, TupleType) and isinstance(found, TupleType):
        return len(expected.items) == len(found.items) and all(
            _match(e, f, mapping) for e, f in zip(expected.items, found.items))
    if not (isinstance(expected, TensorType) and isinstance(found, TensorType)):
        return False
    if expected.dtype != found.dtype or len(expected.axes) != len(found.axes):
        return False
    for e, f in zip(expected.axes, found.axes):
        if isinstance(f, IndexSetAxis):
            if isinstance(e, IndexSetAxis):
                if mapping.setdefault(f.name, e) != e:
                    return False
            elif not isinstance(e, FixedAxis):
                return False
        elif not (isinstance(e, FixedAxis) and isinstance(f, FixedAxis) and e.size == f.size):
            return False
    return True


def instance(generic: ast.ParaDecl, args: Arguments, scope_file: str, scope: Mapping[str, Binding],
             name: ast.Ident, binders: tuple[ast.Binder, ...], renames: dict[str, str],
             dom: ast.TypeExpr | None = None, cod: ast.TypeExpr | None = None) -> Instance:
    """The generic declaration with the arguments put in, named `name`, over `binders`;
    `renames` renames the generic's index sets (an instance that declares its own), and
    `dom`, `cod` its declared type if it has one (else the generic's, substituted).
    `scope` is the generic's file's scope: an argument bound otherwise there is bound in
    the overlay under a fresh name."""
    overlay: dict[str, Binding] = {}

    def fresh(n: str, b: Binding) -> str:
        while (n in scope and scope[n] != b) or (n in overlay and overlay[n] != b):
            n += "'"
        if scope.get(n) != b:
            overlay[n] = b
        return n

    renames = dict(renames)
    for binder, (sr, b) in args.semirings.items():
        renames[binder] = sr if b is None else fresh(sr, b)
    uses = []
    passed: dict[str, ast.Expr] = {}  # map and monoid binders only handed on to another generic
    for binder, (call, b) in args.maps.items():
        func = ast.Name(call.func.span, fresh(b.sig.key.name, b))
        given = ast.Call(call.span, func, call.args)
        if _only_handed_on(binder, (generic.body, generic.params, generic.uses, generic.ties)):
            passed[binder] = given  # the use is made where it is applied, once
        else:
            uses.append(ast.UseDecl(call.span, ast.Ident(call.span, binder), given))
    # The names the instance's own binders and the arguments read: nothing of the generic's
    # may take one of them. An index set of the generic's that is one is renamed apart.
    avoid = {b.name.name for b in binders} | args.names()
    if dom is None:  # over the generic's own index sets: one that is such a name is renamed apart
        values = {b.name.name for b in binders if b.kind.name not in builtins.INDEX_KINDS} | args.names()
        taken = avoid | set(renames.values())
        for b in binders:
            n = b.name.name
            if b.kind.name in builtins.INDEX_KINDS and n in values and n not in renames:
                new = n + "'"
                while new in taken:
                    new += "'"
                renames[n] = new
                taken.add(new)
        binders = tuple(replace(b, name=replace(b.name, name=renames[b.name.name]))
                        if b.kind.name in builtins.INDEX_KINDS and b.name.name in renames else b for b in binders)
    own = [p.name.name for p in generic.params] + [u.name.name for u in generic.uses] + [
        m for m in args.maps if m not in passed]
    members = _apart(own, avoid, renames, generic)
    renames |= members
    keep = (set(scope) | set(overlay) | set(own) | set(members.values()) | {b.name for b in prelude.BUILTINS}
            | set(prelude.CONSTANTS))

    def sub(node):
        return substitute(node, {**args.values, **passed}, renames, avoid, keep)

    def named(i: ast.Ident) -> ast.Ident:
        return replace(i, name=members[i.name]) if i.name in members else i

    params = tuple(replace(p, name=named(p.name)) for p in sub(generic.params))
    used = tuple(replace(u, name=named(u.name)) for u in tuple(uses) + sub(generic.uses))
    ties = tuple(replace(t, path=(named(t.path[0]),) + t.path[1:]) for t in sub(generic.ties))
    decl = ast.ParaDecl(generic.span, name, binders, dom or sub(generic.dom), cod or sub(generic.cod),
                        params, used, sub(generic.body), ties, generic.inits, generic.kind)
    return Instance(decl, scope_file, overlay)


def _only_handed_on(binder: str, nodes: object) -> bool:
    """Whether a map or monoid binder appears in `nodes` only as an argument of a call
    (`MessagePassing(..., agg = agg)`): it is then the argument itself, put in there, and
    not a use of this instance (which would hold a second, unused copy of its parameters)."""
    seen = {"passed": 0, "other": 0}

    def walk(node: object, as_arg: bool) -> None:
        if isinstance(node, ast.Name):
            if node.name == binder:
                seen["passed" if as_arg else "other"] += 1
        elif isinstance(node, ast.KwArg):
            walk(node.value, True)
        elif isinstance(node, ast.Call):
            walk(node.func, False)
            for a in node.args:
                walk(a, True)
        elif isinstance(node, (tuple, list)):
            for x in node:
                walk(x, False)
        elif isinstance(node, ast.Node):
            for f in fields(node):
                walk(getattr(node, f.name), False)

    walk(nodes, False)
    return seen["passed"] > 0 and seen["other"] == 0


def _apart(own: list[str], avoid: set[str], renames: Mapping[str, str], generic: ast.ParaDecl) -> dict[str, str]:
    """New names for the generic's parameters, uses and map and monoid binders that are
    names the instance's binders or the arguments read (`W'` for a caller's `W`): the
    instance has one namespace, so each of the two would otherwise name the other."""
    taken = set(own) | avoid | set(renames) | set(renames.values()) | free_names(generic.body)
    out: dict[str, str] = {}
    for n in own:
        if n in avoid and n not in out:
            new = n + "'"
            while new in taken:
                new += "'"
            out[n] = new
            taken.add(new)
    return out


def alias_call(decl: ast.ParaDecl, scope: Mapping[str, Binding]) -> tuple[ast.Call, Signature] | None:
    """A para written as one use of a generic para and nothing else, `= Block(d, attn = ...)`,
    over as many index sets: it is that instance itself, under its own name and binders."""
    if decl.kind != "para" or decl.params or decl.uses or decl.ties:
        return None
    body = decl.body
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Name)):
        return None
    g = scope.get(body.func.name)
    if not (isinstance(g, GlobalB) and g.sig.generic):
        return None
    own = [b for b in decl.binders if b.kind.name in builtins.INDEX_KINDS]
    if len(own) != len(g.sig.index_sets):
        return None
    return body, g.sig

