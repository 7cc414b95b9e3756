"""Python identifiers for the names in a program: what the lowering calls a user's para,
field, argument or case, and what the analyses look up in a built module by the same rule.

One scheme, which cannot collide:

- A *plain* name is kept as it is (a para `Linear` is the class `Linear`, a parameter `W` the
  field `W`): a Python identifier that is no keyword, no builtin and none of `RESERVED`,
  that does not start with `__` (Python would mangle it inside a class) and does not end
  with `_` (the mark of a spelled-out name).
- Any other name is *spelled out* (`spelled`): each prime as `_p`, an underscore that comes
  first or stands before a `p` or a `u` as `_u`, and a `_` added at the end: `W'` is
  `W_p_`, `key` is `key_`, `key_` is `key__`, `__W` is `_u_W_`. A spelled-out name ends with
  `_`, which no plain name does, and can be read back (`unspelled`), so two names never
  become one, and none becomes a name the module itself uses.
- What the compiled module generates lies outside what a user name can become: the names in
  `RESERVED`, `_` (a value a loop discards), and the locals each method takes fresh, which
  avoid every name already bound in their scope.

Where one Python scope holds two kinds of user name that may be written the same (a field
and a case of one declaration; a hyperparameter and the class of a use, in `__init__`),
`beside` keeps the field and the class as they are and spells the other out.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Collection, Sequence

from . import ir

#: Names the generated module itself defines, imports or calls, its fixed locals (`self`,
#: `key`, `keys`) and the methods it writes besides the cases (`untie`, `forward`), and
#: what `eqx.Module` has of its own; user names are kept off them. Every builtin counts too.
RESERVED = frozenset({
    "jax", "jnp", "eqx", "Array", "Float", "Int", "Bool", "PRNGKeyArray", "annotations", "math",
    "check_rate", "check_size", "circular_convolution", "fold_balanced", "fold_tree", "initialise", "iterate_until", "log_softmax",
    "logsumexp", "semiring_contract", "softmax", "temper",  # from paradsl.runtime (tests/test_review_names.py holds the two in step)
    "self", "key", "keys", "untie", "forward", "_abc_impl",
}) | frozenset(n for n in dir(builtins) if not n.startswith("__"))

# A spelled-out name ends with "_", so it can only be kept off the reserved names if none
# of them does.
assert not any(n.endswith("_") for n in RESERVED)


def plain(name: str) -> bool:
    """Whether `name` is kept as it is in Python."""
    return (name.isidentifier() and name.isascii() and not keyword.iskeyword(name) and name not in RESERVED
            and not name.startswith("__") and not name.endswith("_"))


def spelled(name: str) -> str:
    """`name` spelled out: primes as `_p`, an underscore as `_u` where it comes first or
    before a `p` or a `u` (so that `_p` and `_u` are always escapes), and `_` at the end."""
    out = []
    for i, ch in enumerate(name):
        nxt = name[i + 1] if i + 1 < len(name) else ""
        if ch == "'":
            out.append("_p")
        elif ch == "_" and (i == 0 or nxt in ("p", "u")):
            out.append("_u")
        else:
            out.append(ch)
    return "".join(out) + "_"


def unspelled(py_name: str) -> str:
    """The user name `spelled` made `py_name` from: its inverse."""
    body, out, i = py_name[:-1], [], 0
    while i < len(body):
        pair = body[i:i + 2]
        if pair in ("_p", "_u"):
            out.append("'" if pair == "_p" else "_")
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def ident(name: str) -> str:
    """The Python identifier of a user's name: itself when plain, else spelled out."""
    out = name if plain(name) else spelled(name)
    assert out.isidentifier() and not keyword.iskeyword(out) and not out.startswith("__"), name
    return out


def beside(names: Sequence[str], kept: Collection[str]) -> dict[str, str]:
    """The Python names of user names of one kind that share a scope with the names `kept`
    (which stay as they are): each its `ident`, unless `kept` has that, when it is spelled
    out (which no plain name is) or, failing that too, numbered; never two the same."""
    own = {ident(n) for n in names}
    taken = set(kept) | own
    out: dict[str, str] = {}
    for n in names:
        py_name = ident(n)
        if py_name in kept:
            py_name = spelled(n)
            base, i = py_name, 1
            while py_name in taken:
                py_name, i = f"{base}{i}", i + 1
            taken.add(py_name)
        out[n] = py_name
    return out


def field_names(p: ir.ParaDef) -> list[str]:
    """The fields of a para's class: its parameters, its uses and its hyperparameters."""
    return [ident(n) for n in (*(prm.name for prm in p.params), *(u.name for u in p.uses),
                               *(h.name for h in p.hypers))]


def case_methods(p: ir.ParaDef) -> dict[str, str]:
    """The method of each case of an algebra-like declaration: named as the case, unless a
    field of the class has that name (a parameter `nil` beside a case `nil`), when the case's
    is spelled out (`nil_`)."""
    if p.shape is None:
        return {}
    return beside([c.name for c in p.shape.constructors], field_names(p))
