"""Symmetry of index sets (E03xx): a use of a `set` or `cyc` index that its group does not preserve."""

from __future__ import annotations

from .codes import E0301, E0302, E0303, E0304, E0305, E0306, E0307, E0308, E0309
from .template import Message

_RUNTIME = " is indexed by the {kind} {index!r}, whose size is only known at run time"
_UNALLOCATABLE = "a weight over {index!r} cannot be allocated, and {kind:breaks}; "
_INVARIANT = "reparameterise it by a 2-cell that keeps the symmetry where it is used, `{callee}(...) via R`"
_FOLD = "`{scheme}` of {name!r} runs along the {kind} {set!r}, but "
_FOLD_HINT = (
    "only a `commutative monoid` folds over a {kind} (sum, max, min, logsumexp, or one commutative by construction); "
    "declare {set!r} a `list` to fold in order"
)
_ARITHMETIC = (
    "`{op}` does arithmetic on the position of {index!r} in the {kind} {set!r}, which {group} does not preserve"
)
_SET_HAS_NO_ORDER = (
    "a set has no order: use an index of {set!r} only to subscript, in a reduction, or in `==` with another index "
    "of {set!r}"
)
_EQUALITY = (
    "`{op}` between two indices of {set!r} is allowed; comparing a position with a constant singles out an element, "
    "which needs an order: declare {set!r} a `list`"
)
_SUBSCRIPT_HINT = "subscript an axis of {set!r} with an index variable over it, or reduce over it"
_CYCLIC_HINT = "on a cyc, take differences modulo its size, `(a - b) mod {set}`, which every shift preserves"


class SymmetryMsg:
    RUNTIME_SIZED_OWN_PARAM = Message(
        E0301, "parameter {name!r}" + _RUNTIME,
        _UNALLOCATABLE + "give the axis a fixed size, or declare the leaf `~ via` and give it by an invariant 2-cell "
        "where the para is used",
    )
    RUNTIME_SIZED_REPARAM_INPUT = Message(
        E0301, "parameter {name!r} (the free parameters of this 2-cell)" + _RUNTIME,
        _UNALLOCATABLE + "give the reparam a fixed-size input Q",
    )
    RUNTIME_SIZED_LEAF = Message(E0301, "parameter {leaf!r} of {callee!r}" + _RUNTIME, _UNALLOCATABLE + _INVARIANT)
    RUNTIME_SIZED_NAMED_LEAF = Message(
        E0301, "parameter {leaf!r} of {callee!r}" + _RUNTIME,
        _UNALLOCATABLE + _INVARIANT + ", or tie it, `tie {dotted} = ...`",
    )
    SYMMETRY_BROKEN_BY_CALL = Message(
        E0302, "{callee!r} treats its index set {param!r} as a {callee_kind}, but it is given the {kind} {index!r}",
        "a {callee_kind}-polymorphic map may use the order of {param!r}, which breaks the {group} symmetry of "
        "{index!r}",
    )
    POSITION_ARITHMETIC_SET = Message(E0303, _ARITHMETIC, _SET_HAS_NO_ORDER)
    POSITION_ARITHMETIC_CYC = Message(
        E0303, _ARITHMETIC,
        "on a cyc, arithmetic on positions is taken modulo its size, `(a - b) mod {set}`; or declare {set!r} a `list`",
    )
    POSITION_ORDER_SET = Message(
        E0304, "`{op}` compares positions in the {kind} {set!r}, which {group} does not preserve",
        "an order on positions, such as a causal mask, needs a `list`: declare {set!r} one; "
        "`==` between two indices of {set!r} is allowed",
    )
    POSITION_ORDER_CYC = Message(
        E0304, "`{op}` compares positions in the {kind} {set!r}, which {group} does not preserve",
        "on a cyc, compare a difference taken modulo its size, `(a - b) mod {set} < k`; or declare {set!r} a `list`",
    )
    POSITION_EQUALS_OTHER_SET = Message(
        E0304, "`{op}` compares positions in two index sets, {set!r} and {other!r}, which {group} does not preserve",
        _EQUALITY,
    )
    POSITION_EQUALS_CONSTANT = Message(
        E0304, "`{op}` compares a position in the {kind} {set!r} with a fixed value, which {group} does not preserve",
        _EQUALITY,
    )
    POSITION_EQUALS_ARITHMETIC = Message(
        E0304, "`{op}` compares positions in the {kind} {set!r} after arithmetic, which {group} does not preserve",
        _EQUALITY,
    )
    POSITION_AS_VALUE = Message(
        E0305, "the position of {index!r} in the {kind} {set!r} is used as a value, which {group} does not preserve",
        "a positional encoding, or any use of a position as a number, needs an order: declare {set!r} a `list`",
    )
    SCAN_ON_SYMMETRIC_AXIS = Message(
        E0306, "`{op}` scans along the {kind} {set!r}, whose elements have no order ({group} acts on it)",
        "a scan needs an order: declare {set!r} a `list`, or reduce over it with a commutative `sum`/`max`/`min`",
    )
    FIXED_POSITION_SUBSCRIPT = Message(
        E0307, "this subscript picks a fixed position of the {kind} {set!r}, which {group} does not preserve",
        _SUBSCRIPT_HINT,
    )
    VALUE_POSITION_SUBSCRIPT = Message(
        E0307,
        "this subscript picks a position given by a value of the {kind} {set!r}, which {group} does not preserve",
        "a value picks an element of {set!r} as a pointer, which a permutation moves with it: declare it `ptr {set}`; "
        "or subscript with an index variable over {set!r}",
    )
    CYCLIC_NOT_WRAPPED = Message(
        E0308, "this arithmetic on the cyc {set!r} is not taken `mod {set}`, so it depends on where the ring is cut",
        _CYCLIC_HINT,
    )
    CYCLIC_NOT_INVARIANT = Message(
        E0308, "this arithmetic on the cyc {set!r} has index coefficients summing to {coeff}, so a shift changes it",
        _CYCLIC_HINT,
    )
    CYCLIC_MOD_OTHER_SIZE = Message(
        E0308, "`mod` on the cyc {set!r} is not by the ring's size {set!r}, so a shift changes it", _CYCLIC_HINT,
    )
    FOLD_ON_SET_MONOID = Message(
        E0309, _FOLD + "a monoid that is not commutative depends on the order of its elements", _FOLD_HINT
    )
    FOLD_ON_SET_RUNNING = Message(E0309, _FOLD + "its running products depend on the order of the elements", _FOLD_HINT)
    FOLD_ON_SET_IN_ORDER = Message(E0309, _FOLD + "{fold_kind:article} reads its elements in order", _FOLD_HINT)
