"""A para's signature (hyperparameters, index sets, domain and codomain) from its
declaration, without looking at its body; and the conversion of written types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import ir
from ..diagnostics import DiagnosticSink, Msg, Span
from ..resolve import DeclKey
from ..syntax import ast
from ..types import FixedAxis, IndexSetAxis, Kind, MapType, Poly, TensorType, TupleType, Type, hyper_fits, hyper_range
from ..types.sizes import SizeTooLarge
from . import builtins
from .suggest import closest
from .ranges import dtype_supported, size_defaults, size_in_range


@dataclass(frozen=True)
class Signature:
    key: DeclKey
    hypers: tuple[ir.Hyper, ...]
    index_sets: tuple[tuple[str, Kind], ...]
    type: MapType
    ok: bool
    kind: str = "para"  # "para" | "reparam": a reparam's type is Q => P
    #: A generic para's argument binders in order, values and maps and semirings (empty for
    #: a para without map or semiring binders): it is checked only as its instances.
    generic: tuple[ast.Binder, ...] = ()

    def hyper(self, name: str) -> ir.Hyper | None:
        return next((h for h in self.hypers if h.name == name), None)


class TypeScope:
    """The names a written type may mention: Nat/Int hyperparameters and index sets."""

    def __init__(self, hypers: dict[str, str], index_sets: dict[str, Kind], sink: DiagnosticSink,
                 defaults: Mapping[str, int] | None = None):
        self.hypers = hypers
        self.index_sets = index_sets
        self.sink = sink
        self.defaults = defaults or {}

    def type(self, t: ast.TypeExpr) -> Type | None:
        if isinstance(t, ast.TupleTypeExpr):
            items = [self.type(i) for i in t.items]
            return None if any(i is None for i in items) else TupleType(tuple(items))
        axes = []
        ok = True
        for s in t.axes:
            if isinstance(s, ast.SizeName) and s.name in self.index_sets:
                axes.append(IndexSetAxis(s.name, self.index_sets[s.name]))
                continue
            p = self.size(s)
            if p is None or not size_in_range(self.sink, p, s.span, self.hypers, self.defaults):
                ok = False
            else:
                axes.append(FixedAxis(p))
        if t.dtype is not None and not dtype_supported(self.sink, t.dtype, t.span):
            return None
        target = None
        if t.target is not None:
            target = self.axis(t.target)
            ok = ok and target is not None
        return TensorType(tuple(axes), t.dtype or "f32", target) if ok else None

    def axis(self, s: ast.SizeExpr) -> IndexSetAxis | FixedAxis | None:
        """An index set by its name, or a fixed axis of a written size: what a pointer
        points into."""
        if isinstance(s, ast.SizeName) and s.name in self.index_sets:
            return IndexSetAxis(s.name, self.index_sets[s.name])
        p = self.size(s)
        if p is None or not size_in_range(self.sink, p, s.span, self.hypers, self.defaults):
            return None
        return FixedAxis(p)

    def size(self, s: ast.SizeExpr) -> Poly | None:
        if isinstance(s, ast.SizeInt):
            return Poly.const(s.value)
        if isinstance(s, ast.SizeName):
            kind = self.hypers.get(s.name)
            if kind in ("Nat", "Int"):
                return Poly.var(s.name)
            if kind is not None and kind not in builtins.HYPER_KINDS:
                pass  # its binder has an unknown kind, already reported
            elif s.name in self.index_sets:
                self.sink.error(Msg.SIZE_OF_INDEX_SET, s.span, name=s.name)
            elif kind is not None:
                self.sink.error(Msg.NOT_A_SIZE, s.span, name=s.name, kind=kind)
            else:
                close = closest(s.name, list(self.hypers) + list(self.index_sets))
                if close:
                    self.sink.error(Msg.UNKNOWN_NAME_CLOSE, s.span, name=s.name, close=close)
                else:
                    self.sink.error(Msg.UNKNOWN_SIZE_NAME, s.span, name=s.name)
            return None
        return size_arithmetic(self.sink, s, self.size(s.left), self.size(s.right))


#: The size operators, each computed only when written.
SIZE_ARITHMETIC = {"+": Poly.__add__, "-": Poly.__sub__, "*": Poly.__mul__}


def size_arithmetic(sink: DiagnosticSink, s: ast.SizeExpr, left: Poly | None, right: Poly | None) -> Poly | None:
    """`left op right` for the written size `s`, or None: a side that is None was reported
    already, and a result past the limits of a size is reported here."""
    if left is None or right is None:
        return None
    try:
        return SIZE_ARITHMETIC[s.op](left, right)
    except SizeTooLarge as e:
        size_too_large(sink, e, s.span)
        return None


#: The message for a size past a limit, by where the size comes from and which limit it passes.
_TOO_LARGE = {
    ("written", "terms"): Msg.SIZE_TOO_MANY_TERMS,
    ("written", "degree"): Msg.SIZE_DEGREE_TOO_HIGH,
    ("use", "terms"): Msg.USE_SIZE_TOO_MANY_TERMS,
    ("use", "degree"): Msg.USE_SIZE_DEGREE_TOO_HIGH,
    ("inside", "terms"): Msg.DECL_SIZE_TOO_MANY_TERMS,
    ("inside", "degree"): Msg.DECL_SIZE_DEGREE_TOO_HIGH,
}


def size_too_large(sink: DiagnosticSink, e: SizeTooLarge, span: Span, *, callee: str | None = None,
                   name: str | None = None) -> None:
    """Report a size past the limits of `Poly`: as written at `span`; as a use's arguments make
    one of its `callee`'s sizes; or somewhere inside the para `name`, once its uses' sizes are in."""
    values: dict[str, object] = {"limit": e.bound, "terms" if e.limit == "terms" else "degree": e.value}
    source = "written"
    if callee is not None:
        source, values["callee"] = "use", callee
    elif name is not None:
        source, values["name"] = "inside", name
    sink.error(_TOO_LARGE[source, e.limit], span, **values)


def binder_tables(decl: ast.ParaDecl, sink: DiagnosticSink) -> tuple[dict[str, str], dict[str, Kind], list[ir.Hyper], bool]:
    hypers: dict[str, str] = {}
    index_sets: dict[str, Kind] = {}
    hyper_list: list[ir.Hyper] = []
    ok = True
    for b in decl.binders:
        kind = b.kind.name
        if kind in builtins.HYPER_KINDS:
            default = None
            if b.default is not None:
                default = b.default.value
                if not _literal_fits(kind, default):
                    sink.error(Msg.BAD_HYPER_DEFAULT, b.default.span, name=b.name.name, callee=decl.name.name,
                               kind=kind, found=_literal_text(default))
                    ok = False
                elif not hyper_fits(kind, default):
                    low, high = hyper_range(kind)
                    sink.error(Msg.HYPER_DEFAULT_OUT_OF_RANGE, b.default.span, name=b.name.name, kind=kind,
                               low=low, high=high)
                    ok = False
            hypers[b.name.name] = kind
            hyper_list.append(ir.Hyper(b.name.name, kind, default))
        elif kind in builtins.INDEX_KINDS:
            index_sets[b.name.name] = Kind(kind)
        elif kind in builtins.HIGHER_KINDS:
            pass  # given at each use and put in by the specialisation
        else:
            sink.error(Msg.SYNTAX_BAD_BINDER, b.kind.span, kind=kind, name=b.name.name)
            hypers[b.name.name] = kind  # known by name, so that its uses are not reported again
            ok = False
    return hypers, index_sets, hyper_list, ok


def signature(key: DeclKey, decl: ast.ParaDecl, sink: DiagnosticSink) -> Signature:
    hypers, index_sets, hyper_list, ok = binder_tables(decl, sink)
    scope = TypeScope(hypers, index_sets, sink, size_defaults(hyper_list))
    # No codomain written (`decl.cod is None`: the REPL's expressions) is one the body gives.
    dom, cod = scope.type(decl.dom), TupleType(()) if decl.cod is None else scope.type(decl.cod)
    ok = ok and dom is not None and cod is not None
    t = MapType(dom or TupleType(()), cod or TupleType(()))
    generic = ()
    if any(b.kind.name in builtins.HIGHER_KINDS for b in decl.binders):
        generic = tuple(b for b in decl.binders if b.kind.name not in builtins.INDEX_KINDS)
    return Signature(key, tuple(hyper_list), tuple(index_sets.items()), t, ok, decl.kind, generic)


def _literal_fits(kind: str, value) -> bool:
    if kind == "Bool":
        return isinstance(value, bool)
    if kind == "Float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "Nat":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, int) and not isinstance(value, bool)


def _literal_text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)
