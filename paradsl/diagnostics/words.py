"""Words a template picks by value: `{kind:article}` writes 'an algebra' for `algebra`.

A table maps a value (a declaration kind, the kind of an index set) to the words a
message uses for it, so that a pass passes the value and the template says it.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # A declaration kind with its article.
    "article": {
        "algebra": "an algebra", "coalgebra": "a coalgebra", "mealy": "a Mealy machine", "moore": "a Moore machine",
        "monoid": "a monoid", "commutative monoid": "a commutative monoid", "para": "a para", "reparam": "a reparam",
    },
    # What a weight over a runtime index set of this kind breaks.
    "breaks": {
        "set": "a per-element weight breaks S_n-equivariance",
        "cyc": "a per-position weight breaks C_n-equivariance",
        "list": "its size changes with every input",
    },
}
