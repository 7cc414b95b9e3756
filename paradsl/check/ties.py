"""Ties: `tie dec.W = transpose(enc.W)`, leaves computed from other leaves.

A tie's value is checked as a 2-cell (it reads parameters only, applies no para, reads no
input); `tie a = b` ties every leaf of the use a to the same leaf of b. After the body,
the ties are put in dependency order, and a cycle among them is reported.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import replace

from .. import ir
from ..diagnostics import Msg, Part, Span
from ..diagnostics.lines import split_lines
from ..syntax import ast
from ..types import TensorType
from . import host, leaves, repeat, values
from .bindings import Environment, Frame, InputB
from .body import BodyChecker
from .context import BodyContext, DeclContext
from .zonk import zonk


def tie_checker(ctx: DeclContext) -> BodyChecker:
    inputs = {}
    if isinstance(ctx.decl.body, ast.Lambda):
        inputs = {p.name: InputB() for p in ctx.decl.body.params if p.name not in ctx.env}
    env = Environment(ChainMap(inputs, ctx.env, ctx.globals))
    return BodyChecker(BodyContext(ctx.sink, ctx.u, env, ctx.where, host.DeclarationHost(ctx), mode="tie",
                                   call_sites=ctx.call_sites))


def tie(ctx: DeclContext, td: ast.TieDecl) -> None:
    sink = ctx.sink
    target_text = ".".join(i.name for i in td.path)
    r = leaves.resolve_path(ctx, td.path, _path_span(td.path), for_tie=True)
    if r is None:
        return
    found, subtree = r
    source = f"{target_text} = {source_text(ctx.callees.loader.sources.get(td.value.span.file, ''), td.value.span)}"
    if subtree is not None:  # tie a whole use: every leaf of it, to the same leaf of another use
        vpath = values.field_path(td.value)
        other = leaves.resolve_path(ctx, vpath, td.value.span, for_tie=False) if vpath else None
        if vpath is None:
            sink.error(Msg.TIE_USE_TO_VALUE, td.value.span, target=target_text)
            return
        if other is None:
            return
        found_b, other_leaves = other
        prefix = tuple(i.name for i in vpath)
        if len(td.path) == 1 and len(prefix) == 1 and not repeat.tie_fits(ctx, target_text, prefix[0], td.value.span):
            return
        mine = {leaf.path[len(td.path):]: leaf for leaf in subtree if not leaf.tied}
        theirs = {leaf.path[len(prefix):]: leaf for leaf in (other_leaves or []) if not leaf.tied}
        if other_leaves is None or set(mine) != set(theirs):
            def desc(ls):
                return [Part.TYPED_LEAF.format(path=".".join(p), type=ctx.u.zonk(l.type)) for p, l in ls.items()]

            if other_leaves is not None:
                sink.error(Msg.TIE_USE_TO_USE, td.value.span, target=target_text, theirs=desc(theirs),
                           mine=desc(mine))
            else:
                sink.error(Msg.TIE_USE_TO_LEAF, td.value.span, target=target_text, leaf=".".join(prefix),
                           mine=desc(mine))
            return
        for rest, leaf in mine.items():
            t_other = theirs[rest].type
            if not ctx.u.unify(leaf.type, t_other):
                sink.error(Msg.TIE_LEAF_TYPE, td.value.span, target=".".join(leaf.path), found=ctx.u.zonk(t_other),
                           expected=ctx.u.zonk(leaf.type))
                return
        for rest, leaf in mine.items():
            value = ir.LeafRef(prefix + rest, type=theirs[rest].type, span=td.value.span)
            add_tie(ctx, [leaf.path], value, f"{'.'.join(leaf.path)} = {'.'.join(prefix + rest)}", td.span)
        return
    assert isinstance(found, leaves.Leaf)
    bc = tie_checker(ctx)
    bc.cx.frames.append(Frame())
    try:
        value = bc.value(td.value)
    finally:
        frame = bc.cx.frames.pop()
    if value is None:
        return
    value = bc.maps.bind_implicit(value, frame, found.type, td.value.span)
    if value is None:
        return
    if not (isinstance(value.type, TensorType) and value.type.dtype == found.type.dtype
            and ctx.u.unify(value.type, found.type)):
        sink.error(Msg.TIE_LEAF_TYPE, td.value.span, target=target_text, found=bc.cx.show(value.type),
                   expected=bc.cx.show(found.type))
        return
    if repeat.tie_reads_itself(ctx, found.path, _reads(value), td.value.span):
        return
    add_tie(ctx, [found.path], value, source, td.span)


def add_tie(ctx: DeclContext, targets: list[tuple[str, ...]], value: ir.Term, source: str, span: Span) -> bool:
    for t in targets:
        if t in ctx.tie_spans:
            ctx.sink.error(Msg.TIED_TWICE, span, target=".".join(t), first=ctx.tie_spans[t])
            return False
    for t in targets:
        ctx.tie_spans[t] = span
    ctx.ties.append((ir.Tie(tuple(targets), value, source), span))
    return True


def order_ties(ctx: DeclContext) -> tuple[ir.Tie, ...] | None:
    """The ties zonked and in dependency order; a cycle is reported."""
    ties = [(replace(t, value=zonk(ctx.u, t.value)), span) for t, span in ctx.ties]
    producer = {target: i for i, (t, _) in enumerate(ties) for target in t.targets}
    deps = [sorted({producer[r] for r in _reads(t.value) if r in producer}) for t, _ in ties]
    order: list[int] = []
    state: dict[int, int] = {}
    ok = True

    def visit(i: int, stack: list[int]) -> None:
        nonlocal ok
        if state.get(i) == 2 or not ok:
            return
        if state.get(i) == 1:
            cycle = stack[stack.index(i):] + [i]
            path = [".".join(ties[j][0].targets[0]) for j in cycle]
            ctx.sink.error(Msg.TIE_CYCLE_PATH, ties[max(cycle)][1], cycle=path)
            ok = False
            return
        state[i] = 1
        for j in deps[i]:
            visit(j, stack + [i])
        state[i] = 2
        order.append(i)

    for i in range(len(ties)):
        visit(i, [])
    if not ok:
        return None
    return tuple(ties[i][0] for i in order)


def _path_span(path: tuple[ast.Ident, ...]) -> Span:
    return path[0].span.to(path[-1].span)


def _reads(t: ir.Term) -> set[tuple[str, ...]]:
    """The leaves a tie's value reads: own parameters and leaves of uses."""
    return ({(x.name,) for x in ir.nodes(t) if isinstance(x, ir.ParamRef)}
            | {x.path for x in ir.nodes(t) if isinstance(x, ir.LeafRef)})


def source_text(source: str, span: Span) -> str:
    lines = split_lines(source)
    if not (1 <= span.line <= len(lines)):
        return "..."
    if span.end_line == span.line:
        return lines[span.line - 1][span.col - 1:span.end_col - 1]
    return " ".join([lines[span.line - 1][span.col - 1:]] + [l.strip() for l in lines[span.line:span.end_line - 1]]
                    + [lines[span.end_line - 1][:span.end_col - 1].strip()])
