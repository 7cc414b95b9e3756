"""A deterministic text dump of the surface AST, for snapshot tests and debugging.

Each node prints as an S-expression of its fields in declaration order, without spans:

    node   ::= '(' Class field* ')'
    field  ::= name '=' value                 fields that are None or () are left out
    value  ::= node | '[' value* ']'          a tuple
             | ident | literal                an `Ident` prints as its bare name

A node that fits in `width` columns prints on one line; otherwise each field goes on a line
of its own, indented two spaces under its node. The output depends only on the tree, so two
parses of the same text print the same, and a change to the parser shows as a small diff.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass

from . import ast

_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def format_module(module: ast.Module, width: int = 96) -> str:
    """The dump of a whole parsed file, one line per top-level declaration or more."""
    return format_node(module, width) + "\n"


def format_node(node: object, width: int = 96) -> str:
    """The dump of any AST node (or tuple of nodes, or leaf value)."""
    return "\n".join(_lines(node, 0, 0, width))


def _fields(node: ast.Node) -> list[tuple[str, object]]:
    """The fields worth printing: not the span, and not the empty ones."""
    return [
        (f.name, getattr(node, f.name))
        for f in fields(node)
        if f.name != "span" and getattr(node, f.name) is not None and getattr(node, f.name) != ()
    ]


def _flat(value: object) -> str:
    """The one-line form of a value."""
    if isinstance(value, ast.Ident):
        return value.name if _BARE.match(value.name) else repr(value.name)
    if isinstance(value, ast.Node):
        parts = [type(value).__name__] + [f"{name}={_flat(v)}" for name, v in _fields(value)]
        return "(" + " ".join(parts) + ")"
    if isinstance(value, tuple):
        return "[" + " ".join(_flat(v) for v in value) + "]"
    if is_dataclass(value):
        raise TypeError(f"not an AST node: {type(value).__name__}")
    return repr(value)


def _lines(value: object, indent: int, start: int, width: int) -> list[str]:
    """The value's lines: the first (without indentation) goes at column `start`, and the
    rest are indented under it by `indent`."""
    flat = _flat(value)
    if start + len(flat) <= width or not isinstance(value, (ast.Node, tuple)) or isinstance(value, ast.Ident):
        return [flat]
    pad = " " * (indent + 2)
    if isinstance(value, tuple):
        out = ["["]
        for item in value:
            sub = _lines(item, indent + 2, indent + 2, width)
            out.append(pad + sub[0])
            out.extend(sub[1:])
        out[-1] += "]"
        return out
    out = ["(" + type(value).__name__]
    for name, v in _fields(value):
        sub = _lines(v, indent + 2, indent + 3 + len(name), width)
        out.append(f"{pad}{name}={sub[0]}")
        out.extend(sub[1:])
    out[-1] += ")"
    return out
