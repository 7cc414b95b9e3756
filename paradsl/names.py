"""Python identifiers for the names in a program: what the lowering calls a user's para,
field or argument, and what the analyses look up in a built module by the same rule."""

from __future__ import annotations

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
