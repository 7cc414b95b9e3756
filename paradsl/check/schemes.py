"""Recursion schemes: `fold`, `scan`, `unfold` and `run` of an algebra along an index set,
and `map f over t`.

Each scheme takes the kinds of declaration it can run; a `set` or a `cyc` has no order, so
only a commutative monoid folds over one.
"""

from __future__ import annotations


from .. import ir
from ..diagnostics import Msg
from ..syntax import ast
from ..types import Axis, FixedAxis, IndexSetAxis, Kind, MapType, Poly, TensorType, TupleType, Type
from ..types.unify import substitute_type
from . import iterate, uses
from .bindings import ErrorB, GlobalB, HyperB, IndexSetB, UseB
from .body import BodyChecker
from .context import DeclContext
from .signatures import TypeScope
from .suggest import closest, unknown_name


def map_over(ctx: DeclContext, bc: BodyChecker, e: ast.FoldExpr, dom: Type | None) -> ir.MapTerm | None:
    """`map f over t : [t, ...A] -> [t, ...B]` for `f : A -> B`."""
    axis = fold_axis(ctx, bc, e)
    if axis is None:
        return None

    def peel(t):
        if isinstance(t, TensorType) and t.axes and ctx.u.unify_axis(t.axes[0], axis):
            return t.with_axes(t.axes[1:])
        if isinstance(t, TupleType):
            items = [peel(i) for i in t.items]
            return None if any(i is None for i in items) else TupleType(tuple(items))
        return None

    inner = None
    if dom is not None:
        inner = peel(dom)
        if inner is None:
            ctx.sink.error(Msg.MAP_OVER_FIRST_AXIS, e.span, axis=axis, found=bc.cx.show(dom))
            return None
    f = bc.map_(e.target, inner)
    if f is None:
        return None
    if bc.maps.stochastic_map(f) and not isinstance(f, ir.UseRef):
        ctx.sink.error(Msg.RANDOM_MAP_OVER, e.target.span)
        return None

    def along(t):
        if isinstance(t, TensorType):
            return t.with_axes((axis,) + t.axes)
        if isinstance(t, TupleType) and all(isinstance(i, TensorType) for i in t.items):
            return TupleType(tuple(along(i) for i in t.items))
        return None

    d2, c2 = along(f.type.dom), along(f.type.cod)
    if d2 is None or c2 is None:
        ctx.sink.error(Msg.MAP_OVER_NOT_TENSORS, e.target.span, found=bc.cx.show(f.type))
        return None
    return ir.MapOver(f, axis, type=MapType(d2, c2))


def fold(ctx: DeclContext, bc: BodyChecker, e: ast.FoldExpr, dom: Type | None = None) -> ir.MapTerm | None:
    if e.scheme == "map":
        return map_over(ctx, bc, e, dom)
    if e.scheme in ("iterate", "until"):
        return iterate.iterate(ctx, bc, e, dom)
    sink = ctx.sink
    target = e.target
    b = None
    if isinstance(target, ast.Name) and isinstance(bc.cx.lookup(target.name), UseB):
        b = bc.cx.lookup(target.name)
    elif isinstance(target, (ast.Name, ast.Call)):
        fname = target.name if isinstance(target, ast.Name) else getattr(target.func, "name", None)
        g = ctx.globals.get(fname) if fname else None
        if isinstance(g, ErrorB):
            return None  # its declaration had an error, already reported
        if isinstance(g, GlobalB):
            b = uses.new_anonymous_use(ctx, target if isinstance(target, ast.Call) else ast.Call(target.span, target, ()))
            if b is None:
                return None
        elif fname is not None and bc.cx.lookup(fname) is None:
            span = target.span if isinstance(target, ast.Name) else target.func.span
            unknown_name(sink, span, fname, list(ctx.globals))
            return None
    if b is None:
        sink.error(Msg.SCHEME_TARGET, target.span, scheme=e.scheme)
        return None
    callee = ctx.callees.para(ctx.use_keys[b.use.name])
    kind = b.sig.kind
    allowed = {"fold": ("algebra", "monoid", "commutative monoid"), "scan": ("algebra", "monoid", "commutative monoid"),
               "unfold": ("coalgebra",), "run": ("mealy", "moore")}[e.scheme]
    if kind not in allowed:
        suggestion = {"algebra": "fold", "monoid": "fold", "commutative monoid": "fold", "coalgebra": "unfold",
                      "mealy": "run", "moore": "run"}.get(kind)
        if suggestion:
            sink.error(Msg.SCHEME_KIND, target.span, name=b.sig.key.name, kind=kind, scheme=e.scheme,
                       allowed=allowed, suggestion=suggestion)
        else:
            sink.error(Msg.SCHEME_OF_PARA, target.span, name=b.sig.key.name, kind=kind, scheme=e.scheme,
                       allowed=allowed)
        return None
    if callee is None or callee.shape is None:
        return None
    shape = callee.shape
    _, sites, index_sets = uses.instantiate(ctx, b, target.span)
    ctx.call_sites.extend(sites)
    sizes = uses.use_sizes(callee, b.use)

    def inst(t):
        return substitute_type(t, sizes, dict(index_sets)) if t is not None else None

    carrier, elem, out = inst(shape.carrier), inst(shape.elem), inst(shape.out)
    axis = fold_axis(ctx, bc, e)
    if axis is None:
        return None
    name = b.sig.key.name

    def along(t, a):
        if not isinstance(t, TensorType):
            return None
        return t.with_axes((a,) + t.axes)

    def one_tensor(t, msg) -> bool:
        if isinstance(t, TensorType):
            return True
        sink.error(msg, target.span, name=name, type=t, scheme=e.scheme, axis=axis)
        return False

    guarded = isinstance(axis, IndexSetAxis) and axis.kind in (Kind.SET, Kind.CYC)
    if guarded and not (e.scheme == "fold" and kind == "commutative monoid"):
        if kind == "monoid":
            sink.error(Msg.FOLD_ON_SET_MONOID, e.span, scheme=e.scheme, name=name, kind=axis.kind.value, set=axis.name)
        elif kind == "commutative monoid":
            sink.error(Msg.FOLD_ON_SET_RUNNING, e.span, scheme=e.scheme, name=name, kind=axis.kind.value, set=axis.name)
        else:
            sink.error(Msg.FOLD_ON_SET_IN_ORDER, e.span, scheme=e.scheme, name=name, kind=axis.kind.value,
                       set=axis.name, fold_kind=kind)
        return None
    if e.scheme == "unfold":
        if not one_tensor(out, Msg.OUTPUT_NOT_ONE_TENSOR):
            return None
        mode, t = "unfold", MapType(carrier, along(out, axis))
    elif e.scheme == "run":
        if not (one_tensor(elem, Msg.INPUT_NOT_ONE_TENSOR) and one_tensor(out, Msg.OUTPUT_NOT_ONE_TENSOR)):
            return None
        mode, t = kind, MapType(along(elem, axis), TupleType((along(out, axis), carrier)))
    elif kind in ("monoid", "commutative monoid"):
        if not one_tensor(elem, Msg.ELEMENT_NOT_ONE_TENSOR):
            return None
        if e.scheme == "scan":
            items = carrier.items if isinstance(carrier, TupleType) else (carrier,)
            if not all(isinstance(i, TensorType) for i in items):
                return None
            scanned = tuple(along(i, axis) for i in items)
            mode, t = "prefix", MapType(along(elem, axis), TupleType(scanned) if isinstance(carrier, TupleType) else scanned[0])
        else:
            mode = "balanced" if guarded else "assoc"
            t = MapType(along(elem, axis), carrier)
            if _masked(ctx, dom, axis):  # the elements and a mask: left out, an element is the unit
                t = MapType(TupleType((along(elem, axis), TensorType((axis,), "bool"))), carrier)
                return ir.Fold(e.scheme, b.use.name, mode, axis, tuple(index_sets), type=t, masked=True)
    else:
        ctors = shape.constructors
        if _is_list_functor(ctors):
            if not one_tensor(elem, Msg.ELEMENT_NOT_ONE_TENSOR):
                return None
            mode, t = "scan", MapType(along(elem, axis), carrier)
            if e.scheme == "scan":  # every state: the carrier stacked along the axis
                t = MapType(along(elem, axis), _stacked(carrier, axis))
        elif e.scheme == "scan":
            sink.error(Msg.SCAN_NOT_LIST_ALGEBRA, target.span, name=name, functor=shape.functor)
            return None
        else:
            if elem is None or not isinstance(elem, TensorType):
                sink.error(Msg.TREE_DATA_TYPES, target.span, functor=shape.functor)
                return None
            odd = next((c for c in ctors if c.fields.count("A") > 1 or "K" in c.fields), None)
            if odd is not None:
                sink.error(Msg.TREE_DATA_FIELDS, target.span, ctor=odd.name, functor=shape.functor)
                return None
            if not any("X" not in c.fields for c in ctors):
                sink.error(Msg.TREE_NO_LEAF, target.span, functor=shape.functor)
                return None
            k = max(c.fields.count("X") for c in ctors)
            dom = TupleType((TensorType((axis,), "i32"), along(elem, axis), TensorType((axis, FixedAxis(Poly.const(k))), "i32")))
            mode, t = "tree", MapType(dom, carrier)
    return ir.Fold(e.scheme, b.use.name, mode, axis, tuple(index_sets), type=t)


def fold_axis(ctx: DeclContext, bc: BodyChecker, e: ast.FoldExpr) -> Axis | None:
    """What a scheme runs along: an index set of the input, or for `unfold` a number of steps."""
    over = e.over
    sink = ctx.sink
    if e.scheme == "unfold":
        if isinstance(over, ast.SizeInt):
            return FixedAxis(Poly.const(over.value))
        if isinstance(over, ast.SizeName):
            v = ctx.env.get(over.name)
            if isinstance(v, IndexSetB):
                return v.axis
            if isinstance(v, HyperB) and v.kind in ("Nat", "Int"):
                return FixedAxis(Poly.var(over.name))
            if v is None and over.name not in ctx.globals:
                close = closest(over.name, [n for n, x in ctx.env.items() if isinstance(x, (IndexSetB, HyperB))])
                if close:
                    sink.error(Msg.UNKNOWN_NAME_CLOSE, over.span, name=over.name, close=close)
                else:
                    sink.error(Msg.UNKNOWN_UNFOLD_LENGTH, over.span, name=over.name)
                return None
        else:
            size = TypeScope(ctx.hypers, dict(ctx.sig.index_sets), sink).size(over)
            if size is not None:
                return FixedAxis(size)
            return None
        if hasattr(over, "name"):
            sink.error(Msg.UNFOLD_LENGTH_OF, over.span, name=over.name)
        else:
            sink.error(Msg.UNFOLD_LENGTH_OF_THIS, over.span)
        return None
    v = ctx.env.get(over.name)
    if isinstance(v, IndexSetB):
        return v.axis
    if v is None and over.name not in ctx.globals:
        close = closest(over.name, [n for n, x in ctx.env.items() if isinstance(x, IndexSetB)])
        if close:
            sink.error(Msg.UNKNOWN_NAME_CLOSE, over.span, name=over.name, close=close)
        else:
            sink.error(Msg.UNKNOWN_SCHEME_AXIS, over.span, name=over.name, scheme=e.scheme)
        return None
    sink.error(Msg.NOT_AN_INDEX_SET, over.span, scheme=e.scheme, name=over.name)
    return None


def _masked(ctx: DeclContext, dom: Type | None, axis: Axis) -> bool:
    """Whether a monoid's fold is applied to a pair, its elements and a `bool` mask along
    the axis it folds: `(fold agg over n)(x, keep)` folds the elements `keep` holds."""
    if not (isinstance(dom, TupleType) and len(dom.items) == 2):
        return False
    mask = dom.items[1]
    return (isinstance(mask, TensorType) and mask.dtype == "bool" and len(mask.axes) == 1
            and ctx.u.unify_axis(mask.axes[0], axis))


def _stacked(t: Type, axis: Axis) -> Type:
    """A state type with `axis` put first in each tensor: the type of every state of a scan
    (a carrier is tensors, nested in tuples; the algebra's check holds it to that)."""
    if isinstance(t, TupleType):
        return TupleType(tuple(_stacked(i, axis) for i in t.items))
    assert isinstance(t, TensorType), t
    return t.with_axes((axis,) + t.axes)


def _is_list_functor(ctors: tuple[ir.Constructor, ...]) -> bool:
    """`nil | cons(A, X)` up to names and field order."""
    if len(ctors) != 2:
        return False
    shapes = sorted(tuple(sorted(c.fields)) for c in ctors)
    return shapes == [(), ("A", "X")]
