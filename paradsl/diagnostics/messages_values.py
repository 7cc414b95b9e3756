"""Values (E0210-E0223): indexing, dtypes, einsum, arguments, patterns, fields, sizes."""

from __future__ import annotations

from .codes import E0210, E0211, E0212, E0213, E0214, E0215, E0216, E0217, E0218, E0219, E0220, E0221, E0223
from .template import Message

_MATMUL = "`@` cannot multiply {left} by {right}: "
_BOOL = "comparisons give bool; use `where(c, a, b)` to choose by one"
_EINSUM = "bad einsum specification: "
_HYPER = "hyperparameter {name!r} of {callee!r} is {kind}, but the argument is "
_HYPER_HINT = "pass a literal or one of this para's own hyperparameters"
_KEYWORD = "{callee!r} has no argument named {name!r}"
_PATTERN = "the pattern binds {given} name{given:|s}, but the value is "
_PATTERN_HINT = "a tuple pattern needs one name per component"
_WHOLE = " needs a whole tensor, but this value is indexed by {indices:quoted comma}"
_WHOLE_HINT = "bind the indices with `for {vars:space}. ...`, or reduce them with `sum {vars:space}. ...`"
_FIELD = "only a use of a para has fields; {name!r} is "
_FIELD_HINT = "{name!r} has no field {field!r}"
_SIZES = "sizes are polynomials in `Nat` hyperparameters with natural coefficients"


class ValuesMsg:
    # ---- E0210-E0213: indexing, matmul, dtypes, einsum
    MIXED_WITH_WHOLE = Message(
        E0210, "cannot combine an indexed value with the whole tensor {found}",
        "subscript the tensor too, e.g. `x[i] * W[i, j]`",
    )
    MATMUL_RANKS = Message(
        E0211, _MATMUL + "the left side needs an axis and the right side one or two",
        "`@` multiplies a vector or matrix by a vector or matrix",
    )
    MATMUL_INNER_AXES = Message(
        E0211, _MATMUL + "the inner axes {inner_left} and {inner_right} differ",
        "the last axis of the left must be the first axis of the right",
    )
    NOT_OPERAND_NOT_BOOL = Message(E0212, "`not` needs {dtype}, found {found}", _BOOL)
    LOGIC_OPERAND_NOT_BOOL = Message(E0212, "`{op}` needs {dtype}, found {found}", _BOOL)
    IF_CONDITION_NOT_BOOL = Message(E0212, "the condition of `if` needs {dtype}, found {found}", _BOOL)
    WHERE_CONDITION_NOT_BOOL = Message(E0212, "the condition of `where` needs {dtype}, found {found}", _BOOL)
    INDEX_NOT_INTEGER = Message(
        E0212, "an index needs an integer scalar, found {found}",
        "index with an index variable or an integer expression",
    )
    MOD_NOT_INTEGERS = Message(
        E0212, "`mod` needs integers, found {left} and {right}", "`mod` is index arithmetic, e.g. `(a - b) mod c`"
    )
    EINSUM_NOT_STRING = Message(
        E0213, _EINSUM + "the first argument must be a string", 'write einsum("ij,jk->ik", a, b)'
    )
    EINSUM_NO_OUTPUT = Message(
        E0213, _EINSUM + "the output is missing", 'name the output axes after `->`, e.g. "ij,jk->ik"'
    )
    EINSUM_NOT_LETTERS = Message(E0213, _EINSUM + "{spec!r} has characters other than letters", "one letter per axis")
    EINSUM_OPERANDS = Message(
        E0213, _EINSUM + "{operands} operand{operands:|s} in the specification, {given} given",
        "one comma-separated group per operand",
    )
    EINSUM_OPERAND_AXES = Message(
        E0213, _EINSUM + "{part!r} names {count} axes, the operand has type {type}", "one letter per axis"
    )
    EINSUM_OUTPUT_REPEATED = Message(
        E0213, _EINSUM + "output axis {axis!r} is repeated", "each output letter appears once and in some input"
    )
    EINSUM_OUTPUT_NOT_INPUT = Message(
        E0213, _EINSUM + "output axis {axis!r} is not an input axis",
        "each output letter appears once and in some input",
    )

    # ---- E0214-E0215: arguments
    HYPER_ARG_NAME = Message(E0214, _HYPER + "{arg!r}", _HYPER_HINT)
    HYPER_ARG_OF_KIND = Message(E0214, _HYPER + "{arg!r}, a {arg_kind}", _HYPER_HINT)
    HYPER_ARG_NOT_CALLERS = Message(E0214, _HYPER + "{arg!r}, not a hyperparameter of the caller", _HYPER_HINT)
    HYPER_ARG_NUMBER = Message(E0214, _HYPER + "{number}", _HYPER_HINT)
    HYPER_ARG_FRACTION = Message(E0214, _HYPER + "the number {number}", _HYPER_HINT)
    HYPER_ARG_NEGATIVE = Message(E0214, _HYPER + "the negative number {number}", _HYPER_HINT)
    HYPER_ARG_NOT_A_SIZE = Message(E0214, _HYPER + "an expression that is not a size", _HYPER_HINT)
    HYPER_ARG_EXPRESSION = Message(E0214, _HYPER + "this expression", _HYPER_HINT)
    BAD_HYPER_DEFAULT = Message(E0214, _HYPER + "{found}", "give a default of the hyperparameter's kind")
    OVER_IN_PARA_CALL = Message(E0215, "{callee!r} has no argument named 'over'", "`over` is for reductions")
    OVER_IN_BUILTIN_CALL = Message(
        E0215, "{callee!r} has no argument named 'over'", "only reductions, softmax and scans take `over`"
    )
    UNKNOWN_HYPER_KEYWORD_CLOSE = Message(E0215, _KEYWORD, "did you mean {close!r}?")
    UNKNOWN_HYPER_KEYWORD = Message(E0215, _KEYWORD, "its hyperparameters are {hypers:comma}")
    UNKNOWN_HYPER_KEYWORD_NO_HYPERS = Message(E0215, _KEYWORD, "its hyperparameters are none")
    MAP_KEYWORD = Message(
        E0215, "a map has no argument named {name!r}",
        "maps take one argument; hyperparameters are given where the para is used",
    )
    BUILTIN_KEYWORD = Message(E0215, _KEYWORD, "builtin functions take positional arguments and `over` indices")
    NORMALISER_KEYWORD = Message(
        E0215, _KEYWORD, "builtin functions take positional arguments and `over` indices; softmax takes `beta`"
    )

    # ---- E0216-E0219: patterns, whole tensors, tuples, fields
    PATTERN_BINDS = Message(E0216, _PATTERN + "{type}", _PATTERN_HINT)
    CASE_PATTERN_FIELDS = Message(E0216, _PATTERN + "the case {ctor}({types:comma})", _PATTERN_HINT)
    CASE_PATTERN_NO_FIELDS = Message(E0216, _PATTERN + "the case {ctor}", _PATTERN_HINT)
    TUPLE_COMPONENT_INDEXED = Message(E0217, "a tuple component" + _WHOLE, _WHOLE_HINT)
    SUBSCRIPTED_INDEXED = Message(E0217, "a subscripted value" + _WHOLE, _WHOLE_HINT)
    MATMUL_OPERAND_INDEXED = Message(E0217, "`@`" + _WHOLE, _WHOLE_HINT)
    SEMIRING_PARAM_INDEXED = Message(E0217, "the {param} of {name}" + _WHOLE, _WHOLE_HINT)
    MAP_ARGUMENT_INDEXED = Message(E0217, "the argument of a map" + _WHOLE, _WHOLE_HINT)
    BETA_INDEXED = Message(E0217, "an inverse temperature" + _WHOLE, _WHOLE_HINT)
    BUILTIN_ARGUMENT_INDEXED = Message(E0217, "{name!r}" + _WHOLE, _WHOLE_HINT)
    DROPOUT_INPUT_INDEXED = Message(E0217, "`dropout`" + _WHOLE, _WHOLE_HINT)
    DROPOUT_RATE_INDEXED = Message(E0217, "the rate of `dropout`" + _WHOLE, _WHOLE_HINT)
    TRANSPOSE_INDEXED = Message(E0217, "`transpose`" + _WHOLE, _WHOLE_HINT)
    EINSUM_OPERAND_INDEXED = Message(E0217, "an operand of `einsum`" + _WHOLE, _WHOLE_HINT)
    PARALLEL_NOT_PAIR = Message(
        E0218, "parallel composition `f * g` needs a tuple, found {found}",
        "`f * g` takes a pair and applies f to the first and g to the second",
    )
    FIELD_OF_TYPED_VALUE = Message(E0219, _FIELD + "a value of type {type}", _FIELD_HINT)
    FIELD_OF_HYPER = Message(E0219, _FIELD + "a {kind} hyperparameter", _FIELD_HINT)
    FIELD_OF_INDEX_SET = Message(E0219, _FIELD + "an index set", _FIELD_HINT)
    FIELD_OF_PARA = Message(E0219, _FIELD + "a para; name a use of it in `uses` first", _FIELD_HINT)
    FIELD_OF_MAP = Message(E0219, _FIELD + "a map", _FIELD_HINT)
    FIELD_OF_INDEX = Message(E0219, _FIELD + "an index", _FIELD_HINT)
    FIELD_OF_UNDEFINED = Message(E0219, _FIELD + "not defined", _FIELD_HINT)

    # ---- E0220-E0223: sizes and indices
    SIZE_OF_INDEX_SET = Message(
        E0220, "the index set {name!r} is a whole axis and cannot take part in size arithmetic", _SIZES,
    )
    NOT_A_SIZE = Message(E0220, "{name!r} is a {kind}, not a size", _SIZES)
    INDEX_SET_AS_INDEX = Message(
        E0221, "{name!r} is an index set, not an index",
        "subscript with an index variable, e.g. `i`; the checker infers that it ranges over {name!r}",
    )
    OVER_INDEX_SET = Message(
        E0221, "{name!r} is an index set, but `over` names an index variable of the argument",
        "subscript the argument with an index over {name!r} and name that index: `{callee}(y[i, k], over i)`",
    )
    OVER_NAMED_TWICE = Message(E0221, "{name!r} is named twice in `over`", "name each index once")
    INDEX_SET_NOT_IN_INPUT = Message(
        E0223, "the index set {name!r} does not occur in the input type, so its size is unknown at run time",
        "index sets are sized by the input; use a fixed `Nat` size for an axis the input does not give",
    )
