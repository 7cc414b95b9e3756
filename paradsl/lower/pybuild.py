"""Small constructors for Python `ast` nodes, so that the lowering reads as what it builds."""

from __future__ import annotations

import ast as pyast
import keyword

#: Names the generated module itself defines or imports; user names are kept off them.
RESERVED = frozenset({
    "jax", "jnp", "eqx", "Array", "Float", "Int", "Bool", "PRNGKeyArray", "self", "key", "keys",
    "annotations", "math",
    "fold_balanced", "fold_tree", "semiring_contract",  # from paradsl.runtime
})


def ident(name: str) -> str:
    """A Python identifier for a user's name: primes spelled out, keywords and ours avoided."""
    out = name.replace("'", "_p")
    if keyword.iskeyword(out) or out in RESERVED or out.startswith("__") or not out.isidentifier():
        out = out + "_"
    assert out.isidentifier() and not keyword.iskeyword(out), name
    return out


def name(id_: str) -> pyast.expr:
    return pyast.Name(id=id_, ctx=pyast.Load())


def store(id_: str) -> pyast.expr:
    return pyast.Name(id=id_, ctx=pyast.Store())


def attr(path: str) -> pyast.expr:
    """`attr("jax.nn.relu")` -> the expression jax.nn.relu."""
    parts = path.split(".")
    node: pyast.expr = name(parts[0])
    for p in parts[1:]:
        node = pyast.Attribute(value=node, attr=p, ctx=pyast.Load())
    return node


def self_attr(field: str) -> pyast.expr:
    return pyast.Attribute(value=name("self"), attr=field, ctx=pyast.Load())


def const(v) -> pyast.expr:
    if isinstance(v, float) and v == float("inf"):
        return attr("jnp.inf")
    if isinstance(v, float) and v == float("-inf"):
        return pyast.UnaryOp(op=pyast.USub(), operand=attr("jnp.inf"))
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
        return pyast.UnaryOp(op=pyast.USub(), operand=pyast.Constant(value=-v))
    return pyast.Constant(value=v)


def call(func: str | pyast.expr, *args: pyast.expr, **kwargs: pyast.expr) -> pyast.expr:
    f = attr(func) if isinstance(func, str) else func
    return pyast.Call(func=f, args=list(args), keywords=[pyast.keyword(arg=k, value=v) for k, v in kwargs.items()])


_BINOPS = {
    "+": pyast.Add, "-": pyast.Sub, "*": pyast.Mult, "/": pyast.Div, "%": pyast.Mod,
    "**": pyast.Pow, "@": pyast.MatMult,
}
_CMPOPS = {"==": pyast.Eq, "!=": pyast.NotEq, "<": pyast.Lt, "<=": pyast.LtE, ">": pyast.Gt, ">=": pyast.GtE}


def binop(op: str, a: pyast.expr, b: pyast.expr) -> pyast.expr:
    if op in _CMPOPS:
        return pyast.Compare(left=a, ops=[_CMPOPS[op]()], comparators=[b])
    return pyast.BinOp(left=a, op=_BINOPS[op](), right=b)


def neg(a: pyast.expr) -> pyast.expr:
    return pyast.UnaryOp(op=pyast.USub(), operand=a)


def tuple_(items) -> pyast.expr:
    return pyast.Tuple(elts=list(items), ctx=pyast.Load())


def subscript(value: pyast.expr, items: list[pyast.expr | None]) -> pyast.expr:
    """`value[a, :, None]`: None in `items` is a new axis, Ellipsis-free, ':' via `SLICE`."""
    elts = [pyast.Constant(value=None) if i is None else i for i in items]
    index = elts[0] if len(elts) == 1 else pyast.Tuple(elts=elts, ctx=pyast.Load())
    return pyast.Subscript(value=value, slice=index, ctx=pyast.Load())


SLICE = pyast.Slice()


def assign(target: str | list[str], value: pyast.expr) -> pyast.stmt:
    if isinstance(target, list):
        t: pyast.expr = pyast.Tuple(elts=[store(n) for n in target], ctx=pyast.Store())
    else:
        t = store(target)
    return pyast.Assign(targets=[t], value=value)


def assign_attr(field: str, value: pyast.expr) -> pyast.stmt:
    return pyast.Assign(targets=[pyast.Attribute(value=name("self"), attr=field, ctx=pyast.Store())], value=value)


def ret(value: pyast.expr) -> pyast.stmt:
    return pyast.Return(value=value)


def ann(text: str) -> pyast.expr:
    """An annotation written as source (jaxtyping shapes), parsed, never spliced as text."""
    return pyast.parse(text, mode="eval").body
