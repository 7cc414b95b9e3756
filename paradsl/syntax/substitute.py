"""Substitution of names in the AST: a generic para's binders replaced by its arguments.

A hyperparameter is replaced by the expression given for it, in expressions and (as a size)
in types; an index set or a semiring binder is renamed. Names bound inside the body (`let`,
a lambda's parameters, the indices of `for` and of a reduction) shadow the binders, so
substitution stops under them. A bound name that an argument mentions, or that names one of
the instance's own binders, is renamed apart first, and so is a free index variable of the
body (a single lowercase letter bound by nothing), so that no argument is captured.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace

from . import ast


def substitute(node, values: Mapping[str, ast.Expr], renames: Mapping[str, str],
               avoid: Iterable[str] = (), keep: Iterable[str] = ()):
    """`node` with each free name in `values` replaced by its expression and each in
    `renames` renamed; spans of the replacements are those of the arguments. Names in
    `avoid` (those the arguments and the instance's binders read) are not captured: a name
    the body binds, or an index variable it leaves free, that is one of them is renamed to a
    fresh one. `keep` are the free names that are not index variables (globals, parameters,
    uses) and are never renamed."""
    avoid = set(avoid) | {n for v in values.values() for n in free_names(v)} | set(renames.values())
    sub = _Sub(values, renames, frozenset(avoid), free_names(node) | avoid | set(values))
    implicit = {n for n in free_names(node) if _is_index_name(n) and n in avoid and n not in values
                and n not in renames and n not in set(keep)}
    return sub.node(node, {n: sub.fresh(n) for n in sorted(implicit)})


def _is_index_name(n: str) -> bool:
    """A name that is an index variable where nothing binds it: one lowercase letter."""
    return len(n) == 1 and n in string.ascii_lowercase


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
    def __init__(self, values: Mapping[str, ast.Expr], renames: Mapping[str, str], avoid: frozenset[str],
                 used: set[str]):
        self.values = values
        self.renames = renames
        self.avoid = avoid
        self.used = used  # every name seen or given out, so a fresh name is new everywhere

    def fresh(self, n: str) -> str:
        """A name for `n` that nothing else uses; an index letter stays a letter."""
        if _is_index_name(n):
            free = [c for c in string.ascii_lowercase if c not in self.used]
            if free:
                self.used.add(free[0])
                return free[0]
        while n in self.used:
            n += "'"
        self.used.add(n)
        return n

    def _bind(self, names: Iterable[str], env: Mapping[str, str]) -> dict[str, str]:
        """The environment under binders of `names`: each shadows what it names outside, and
        one that would capture an argument's name is renamed apart."""
        inner = dict(env)
        for n in names:
            inner[n] = self.fresh(n) if n in self.avoid else n
        return inner

    def node(self, n, env: Mapping[str, str]):
        if isinstance(n, tuple):
            return tuple(self.node(x, env) for x in n)
        if not isinstance(n, ast.Node) or isinstance(n, ast.Ident):
            return n
        if isinstance(n, ast.Name):
            return self._name(n, env)
        if isinstance(n, ast.SizeName):
            if n.name in self.values:
                return as_size(self.values[n.name]) or n
            return replace(n, name=self.renames.get(n.name, n.name))
        if isinstance(n, ast.Let):
            inner = self._bind([n.name.name], env)
            return replace(n, name=_renamed(n.name, inner), value=self.node(n.value, env),
                           body=self.node(n.body, inner))
        if isinstance(n, ast.Lambda):
            inner = self._bind([p.name for p in n.params], env)
            return replace(n, params=tuple(_renamed(p, inner) for p in n.params), body=self.node(n.body, inner))
        if isinstance(n, ast.For):
            inner = self._bind([i.name for i in n.indices], env)
            return replace(n, indices=tuple(_renamed(i, inner) for i in n.indices), body=self.node(n.body, inner))
        if isinstance(n, ast.Reduce):
            inner = self._bind([i.name for i in n.indices], env)
            return replace(n, semiring=self.node(n.semiring, env), indices=tuple(_renamed(i, inner) for i in n.indices),
                           body=self.node(n.body, inner))
        if isinstance(n, ast.SemiringRef):
            return replace(n, name=self._ident(n.name), args=self.node(n.args, env))
        if isinstance(n, ast.FoldExpr):
            over = self._ident(n.over) if isinstance(n.over, ast.Ident) else self.node(n.over, env)
            return replace(n, target=self.node(n.target, env), over=over)
        changes = {f.name: self.node(getattr(n, f.name), env) for f in fields(n) if f.name != "span"}
        return replace(n, **changes)

    def _name(self, n: ast.Name, env: Mapping[str, str]) -> ast.Expr:
        if n.name in env:
            return replace(n, name=env[n.name])
        if n.name in self.values:
            return self.values[n.name]
        return replace(n, name=self.renames.get(n.name, n.name))

    def _ident(self, i: ast.Ident) -> ast.Ident:
        return replace(i, name=self.renames.get(i.name, i.name))


def _renamed(i: ast.Ident, env: Mapping[str, str]) -> ast.Ident:
    return i if env.get(i.name, i.name) == i.name else replace(i, name=env[i.name])


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
