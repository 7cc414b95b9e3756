"""Symmetry of index sets (E03xx): a use of a `set` or `cyc` index that its group does not preserve."""

from __future__ import annotations

from .codes import E0301, E0302, E0303, E0304, E0305, E0306, E0307, E0308, E0309
from .template import Message


class SymmetryMsg:
    RUNTIME_SIZED_PARAM = Message(
        E0301, "parameter {name} is indexed by the {kind} {index!r}, whose size is only known at run time",
        "a weight over {index!r} cannot be allocated, and {breaks}; {fix}",
    )
    SYMMETRY_BROKEN_BY_CALL = Message(
        E0302, "{callee!r} treats its index set {param!r} as a {callee_kind}, but it is given the {kind} {index!r}",
        "a {callee_kind}-polymorphic map may use the order of {param!r}, which breaks the {group} symmetry of {index!r}",
    )
    POSITION_ARITHMETIC = Message(
        E0303,
        "`{op}` does arithmetic on the position of {index!r} in the {kind} {set!r}, which {group} does not preserve",
        "{hint}",
    )
    POSITION_COMPARISON = Message(E0304, "`{op}` compares {what}, which {group} does not preserve", "{hint}")
    POSITION_AS_VALUE = Message(
        E0305, "the position of {index!r} in the {kind} {set!r} is used as a value, which {group} does not preserve",
        "{hint}",
    )
    SCAN_ON_SYMMETRIC_AXIS = Message(
        E0306, "`{op}` scans along the {kind} {set!r}, whose elements have no order ({group} acts on it)",
        "a scan needs an order: declare {set!r} a `list`, or reduce over it with a commutative `sum`/`max`/`min`",
    )
    POSITION_SUBSCRIPT = Message(
        E0307, "this subscript picks {what} of the {kind} {set!r}, which {group} does not preserve",
        "subscript an axis of {set!r} with an index variable over it, or reduce over it",
    )
    CYCLIC_DIFFERENCE = Message(
        E0308, "{what} on the cyc {set!r} {problem}",
        "on a cyc, take differences modulo its size, `(a - b) mod {set}`, which every shift preserves",
    )
    FOLD_ON_SET = Message(E0309, "`{scheme}` of {name!r} runs along the {kind} {set!r}, but {why}", "{hint}")
