"""Types (E02xx): shapes, dtypes, arities, index notation."""

from __future__ import annotations

from .codes import E0201, E0202, E0203, E0204, E0205, E0206, E0207, E0208, E0209, E0210, E0211, E0212, E0213, E0214, E0215, E0216, E0217, E0218, E0219, E0220, E0221, E0223
from .template import Message

_SIZES = "sizes are polynomials in `Nat` hyperparameters with natural coefficients"


class TypesMsg:
    TYPE_MISMATCH = Message(E0201, "type mismatch: expected {expected}, found {found}", "{hint}")
    INDEX_TWO_SETS = Message(
        E0202, "index {index!r} ranges over two different index sets: {first} and {second}",
        "use two index names, or make the two axes the same index set",
    )
    ARITY = Message(E0203, "{what} takes {expected} argument{s}, given {given}", "{hint}")
    COMPOSE_MISMATCH = Message(
        E0204, "composition does not meet: the left side {left_does} {left}, the right side takes {right}",
        "{hint}",
    )
    NOT_A_MAP = Message(E0205, "{what} has type {type}, which is not a map and cannot be {used}", "{hint}")
    SUBSCRIPT_ARITY = Message(
        E0206, "{name} has {rank} ax{es}, but {given} ind{ices} given",
        "write one index per axis of {type}",
    )
    INDEX_RANGE_UNKNOWN = Message(
        E0207, "cannot tell which index set {index!r} ranges over",
        "use {index!r} to subscript a tensor, or bind it with `for {index}` in a typed position",
    )
    UNUSED_REDUCTION_INDEX = Message(
        E0208, "{op!r} reduces over {index!r}, which its body never uses",
        "a reduction sums a body that varies with its index",
    )
    RESULT_MISMATCH = Message(E0209, "{what} {found}, but the declaration says {expected}", "{hint}")
    MIXED_INDEXING = Message(
        E0210, "cannot combine an indexed value with the whole tensor {found}",
        "subscript the tensor too, e.g. `{example}`",
    )
    MATMUL_MISMATCH = Message(E0211, "`@` cannot multiply {left} by {right}: {problem}", "{hint}")
    DTYPE_MISMATCH = Message(E0212, "{what} needs {expected}, found {found}", "{hint}")
    EINSUM_SPEC = Message(E0213, "bad einsum specification: {problem}", "{hint}")
    HYPER_ARGUMENT = Message(
        E0214, "hyperparameter {name!r} of {callee!r} is {kind}, but the argument is {found}",
        "{hint}",
    )
    BAD_HYPER_DEFAULT = Message(
        E0214, "hyperparameter {name!r} of {callee!r} is {kind}, but the argument is {found}",
        "give a default of the hyperparameter's kind",
    )
    UNKNOWN_KEYWORD = Message(E0215, "{callee} has no argument named {name!r}", "{hint}")
    PATTERN_MISMATCH = Message(
        E0216, "the pattern binds {given} name{s}, but the value is {type}",
        "a tuple pattern needs one name per component",
    )
    INDEXED_WHERE_WHOLE = Message(
        E0217, "{what} needs a whole tensor, but this value is indexed by {indices}",
        "bind the indices with `for {vars}. ...`, or reduce them with `sum {vars}. ...`",
    )
    NOT_A_TUPLE = Message(E0218, "{what} needs a tuple, found {found}", "{hint}")
    FIELD_OF_NON_USE = Message(E0219, "only a use of a para has fields; {name!r} is {kind}", "{hint}")
    SIZE_OF_INDEX_SET = Message(
        E0220, "the index set {name!r} is a whole axis and cannot take part in size arithmetic", _SIZES,
    )
    NOT_A_SIZE = Message(E0220, "{name!r} is a {kind}, not a size", _SIZES)
    BAD_INDEX = Message(E0221, "{problem}", "{hint}")
    INDEX_SET_NOT_IN_INPUT = Message(
        E0223, "the index set {name!r} does not occur in the input type, so its size is unknown at run time",
        "index sets are sized by the input; use a fixed `Nat` size for an axis the input does not give",
    )
