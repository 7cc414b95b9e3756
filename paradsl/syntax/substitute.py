"""Substitution of names in the AST: a generic para's binders replaced by its arguments.

A hyperparameter is replaced by the expression given for it, in expressions and (as a size)
in types; an index set or a semiring binder is renamed. Names bound inside the body (`let`,
a lambda's parameters, the indices of `for` and of a reduction) shadow the binders, so
substitution stops under them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace

from . import ast


def substitute(node, values: Mapping[str, ast.Expr], renames: Mapping[str, str]):
    """`node` with each free name in `values` replaced by its expression and each in
    `renames` renamed; spans of the replacements are those of the arguments."""
    return _Sub(values, renames).node(node, frozenset())


def free_names(node) -> set[str]:
    """The names an argument expression mentions, in expressions and sizes alike."""
    out: set[str] = set()

    def walk(n) -> None:
        if isinstance(n, tuple):
            for x in n:
                walk(x)
        elif isinstance(n, (ast.Name, ast.SizeName)):
            out.add(n.name)
        elif isinstance(n, ast.Node) and not isinstance(n, ast.Ident):
            for f in fields(n):
                if f.name != "span":
                    walk(getattr(n, f.name))

    walk(node)
    return out


class _Sub:
    def __init__(self, values: Mapping[str, ast.Expr], renames: Mapping[str, str]):
        self.values = values
        self.renames = renames

    def node(self, n, bound: frozenset[str]):
        if isinstance(n, tuple):
            return tuple(self.node(x, bound) for x in n)
        if not isinstance(n, ast.Node) or isinstance(n, ast.Ident):
            return n
        if isinstance(n, ast.Name):
            return self._name(n, bound)
        if isinstance(n, ast.SizeName):
            if n.name in self.values:
                return as_size(self.values[n.name]) or n
            return replace(n, name=self.renames.get(n.name, n.name))
        if isinstance(n, ast.Let):
            return replace(n, value=self.node(n.value, bound), body=self.node(n.body, bound | {n.name.name}))
        if isinstance(n, ast.Lambda):
            return replace(n, body=self.node(n.body, bound | {p.name for p in n.params}))
        if isinstance(n, ast.For):
            return replace(n, body=self.node(n.body, bound | {i.name for i in n.indices}))
        if isinstance(n, ast.Reduce):
            inner = bound | {i.name for i in n.indices}
            return replace(n, semiring=self.node(n.semiring, bound), body=self.node(n.body, inner))
        if isinstance(n, ast.SemiringRef):
            return replace(n, name=self._ident(n.name), args=self.node(n.args, bound))
        if isinstance(n, ast.FoldExpr):
            over = self._ident(n.over) if isinstance(n.over, ast.Ident) else self.node(n.over, bound)
            return replace(n, target=self.node(n.target, bound), over=over)
        changes = {f.name: self.node(getattr(n, f.name), bound) for f in fields(n) if f.name != "span"}
        return replace(n, **changes)

    def _name(self, n: ast.Name, bound: frozenset[str]) -> ast.Expr:
        if n.name in bound:
            return n
        if n.name in self.values:
            return self.values[n.name]
        return replace(n, name=self.renames.get(n.name, n.name))

    def _ident(self, i: ast.Ident) -> ast.Ident:
        return replace(i, name=self.renames.get(i.name, i.name))


def as_size(e: ast.Expr) -> ast.SizeExpr | None:
    """A hyperparameter argument, checked to be a size polynomial, as a written size."""
    if isinstance(e, ast.Number) and isinstance(e.value, int):
        return ast.SizeInt(e.span, e.value)
    if isinstance(e, ast.Name):
        return ast.SizeName(e.span, e.name)
    if isinstance(e, ast.BinOp) and e.op in ("+", "-", "*"):
        left, right = as_size(e.left), as_size(e.right)
        return None if left is None or right is None else ast.SizeOp(e.span, e.op, left, right)
    if isinstance(e, ast.Unary) and e.op == "-":
        inner = as_size(e.operand)
        return None if inner is None else ast.SizeOp(e.span, "-", ast.SizeInt(e.span, 0), inner)
    return None
