"""The checker's view of the prelude: the sets of builtin names by how they are typed.

Every set here is derived from `paradsl.prelude`, the one table of builtins that the
lowering reads too. Nothing here imports jax.
"""

from __future__ import annotations

from .. import prelude
from ..prelude import Kind

#: Elementwise maps on floating tensors. Each is also usable point-free: `Linear(4, 8) >> relu`.
UNARY = prelude.names(Kind.UNARY)

#: Reductions, written `sum j. e` or called as `sum(x)` (all axes) or `sum(e, over j)`.
REDUCERS = prelude.names(Kind.REDUCER)

#: Called-only reductions over a whole tensor or `over` labels.
CALL_REDUCERS = prelude.names(Kind.CALL_REDUCER)

#: Normalisations along one axis: the last axis of a whole tensor, or `over` a label.
NORMALISERS = prelude.names(Kind.NORMALISER)

#: Scans along one axis (the last, or `over` a label): they use the axis's order, so the
#: symmetry checker accepts them on a `list` only.
SCANS = prelude.names(Kind.SCAN)

#: Selections along one axis that are not smooth: `hardmax` and `sample`.
SELECTIONS = prelude.names(Kind.SELECTION)

#: Along one axis, keeping the shape: normalisations, selections and scans.
ALONG_AXIS = NORMALISERS | SCANS | SELECTIONS

OTHER = prelude.names(Kind.OTHER)

#: Builtin functions that are stochastic: they take a key when training.
STOCHASTIC = frozenset(b.name for b in prelude.BUILTINS if b.stochastic)

CONSTANTS = prelude.CONSTANTS

#: name -> (min number of arguments, max number of arguments)
INITIALIZERS = {i.name: i.arity for i in prelude.INITIALIZERS}

HYPER_KINDS = ("Nat", "Int", "Float", "Bool")
INDEX_KINDS = ("set", "list", "cyc")
#: The kinds of higher-order hyperparameters: a map typed by its signature, a semiring, a
#: monoid typed by its elements and carrier.
HIGHER_KINDS = ("map", "semiring", "monoid", "commutative monoid")


def is_builtin_function(name: str) -> bool:
    return name in prelude.BY_NAME


def all_names() -> list[str]:
    return sorted(set(prelude.BY_NAME) | set(CONSTANTS))


SEMIRINGS = prelude.SEMIRINGS

#: Written operation -> (its name in the IR, its unit).
SEMIRING_ADD = {"min": ("min", float("inf")), "max": ("max", float("-inf")), "+": ("sum", 0.0),
                "or": ("or", False), "logsumexp": ("logsumexp", float("-inf"))}
SEMIRING_MUL = {"+": ("add", 0.0), "*": ("mul", 1.0), "and": ("and", True)}

#: (addition, multiplication) pairs where the multiplication distributes over the addition.
SEMIRING_PAIRS = {("min", "add"), ("max", "add"), ("logsumexp", "add"), ("sum", "mul"), ("or", "and"), ("max", "mul")}
