"""Types (E0201-E0209): mismatched types, arities, compositions, maps, subscripts, results."""

from __future__ import annotations

from .codes import E0201, E0202, E0203, E0204, E0205, E0206, E0207, E0208, E0209
from .template import Message

_EXPECTED = "type mismatch: expected {expected}, found {found}"
_TENSOR = "type mismatch: expected a tensor, found {found}"
_NUMBER = "type mismatch: expected a number, found {found}"
_VALUE = "type mismatch: expected a value, found "
_KNOWN_INPUT = "type mismatch: expected a known input type, found "
_NUMERIC = "type mismatch: expected a numeric tensor, found {found}"
_ARITY = "{name!r} takes {expected} argument{expected:|s}, given {given}"
_ARITY_RANGE = "{name!r} takes {least} to {most} arguments, given {given}"
_COMPOSE = "composition does not meet: the left side {does} {left}, the right side takes {right}"
_NOT_A_MAP = "{what} has type {type}, which is not a map and cannot be {used}"
_SUBSCRIPT = "{name} has {rank} ax{rank:is|es}, but {given} ind{given:ex|ices} given"
_DECLARED = "the declaration says {name} : {signature}"


class TypesMsg:
    # ---- E0201: type mismatch
    BODY_INPUT_MISMATCH = Message(E0201, _EXPECTED, "the body takes {found} as input, but " + _DECLARED)
    MAP_OVER_FIRST_AXIS = Message(
        E0201, "type mismatch: expected a tensor whose first axis is {axis}, found {found}",
        "`map f over {axis}` applies f along the leading axis {axis}",
    )
    MAP_OVER_NOT_TENSORS = Message(
        E0201, "type mismatch: expected a map between tensors (or tuples of them), found {found}",
        "`map` stacks each input and output along the index set",
    )
    PARAM_NOT_TENSOR = Message(
        E0201, "type mismatch: expected a tensor type, found {found}",
        "a parameter is one tensor; declare several parameters for several tensors",
    )
    TIE_OF_USE = Message(
        E0201, "type mismatch: expected a parameter leaf, found the use {use!r}",
        "a tie reads leaves, `enc.W`; `tie a = b` ties every leaf of the use a to b's",
    )
    STRING_AS_VALUE = Message(
        E0201, "type mismatch: expected a tensor, found a string",
        "strings only appear as the specification of `einsum`",
    )
    SCHEME_AS_VALUE = Message(
        E0201, _VALUE + "the map `{scheme} ...`", "apply it, `({scheme} ... over ...)(x)`, or compose it with `>>`"
    )
    LAMBDA_AS_VALUE = Message(E0201, _VALUE + "a lambda", "apply it, `(x => ...)(v)`, or compose it with `>>`")
    COMPOSITE_AS_VALUE = Message(E0201, _VALUE + "a composite map", "apply it to an argument: `(f >> g)(x)`")
    MAP_AS_VALUE = Message(E0201, _VALUE + "the map {name!r}", "apply it to an argument: `{name}(x)`")
    BUILTIN_AS_VALUE = Message(E0201, _VALUE + "the builtin function {name!r}", "call it: `{name}(x)`")
    USE_PARAM_AS_VALUE = Message(
        E0201, _VALUE + "the parameter {param!r} of the use {use!r}",
        "a use's parameters are not read in a body; call the use, `{use}(x)`, or compute a leaf from it with `tie`",
    )
    VALUE_HAS_NO_FIELDS = Message(
        E0201, "type mismatch: expected a use of a para, found a value", "only a use of a para has fields"
    )
    SUBSCRIPT_NOT_TENSOR = Message(E0201, _TENSOR, "only tensors can be subscripted")
    TUPLE_IN_ARITHMETIC = Message(
        E0201, _TENSOR, "arithmetic acts on tensors; take a tuple apart with a pattern, `(a, b) => ...`"
    )
    FOR_BODY_NOT_TENSOR = Message(E0201, _TENSOR, "the body of `for` gives one entry of a tensor")
    ACTIVATION_NOT_TENSOR = Message(E0201, _TENSOR, "{name!r} acts elementwise on one tensor")
    TENSOR_EXPECTED = Message(E0201, _TENSOR)
    BUILTIN_NEEDS_AXIS = Message(
        E0201, "type mismatch: expected a tensor with an axis, found {found}", "{name} acts along the last axis"
    )
    TRANSPOSE_NOT_MATRIX = Message(
        E0201, "type mismatch: expected a matrix, found {found}", "`transpose` swaps the two axes of a matrix"
    )
    NEGATION_NOT_NUMERIC = Message(E0201, _NUMERIC, "negation acts on numbers")
    OPERATOR_NOT_NUMERIC = Message(E0201, _NUMERIC, "`{op}` acts on numbers")
    BUILTIN_NOT_NUMERIC = Message(E0201, _NUMERIC, "{name!r} acts on numbers")
    ELEMENTWISE_AXES = Message(
        E0201, _EXPECTED,
        "elementwise operands must have the same axes (there is no broadcasting between different index sets); "
        "a scalar combines with anything",
    )
    SEMIRING_PARAM_NOT_NUMBER = Message(E0201, _NUMBER, "{param} is a number, e.g. `[{name}(2.0)]`")
    BETA_NOT_NUMBER = Message(E0201, _NUMBER, "beta scales the logits: softmax(beta * x)")
    ARGUMENT_MISMATCH = Message(E0201, _EXPECTED, "the argument's type must equal the map's input type")
    POLYMORPHIC_WITHOUT_INPUT = Message(
        E0201, _KNOWN_INPUT + "the polymorphic {name!r}", "apply it to a value, `{name}(x)`, or compose it after a map"
    )
    LAMBDA_WITHOUT_INPUT = Message(
        E0201, _KNOWN_INPUT + "a lambda with none",
        "a lambda takes its input type from where it is used: a para body or a composition",
    )
    BUILTIN_NOT_ACTIVATION = Message(
        E0201, "type mismatch: expected a map, found the builtin function {name!r}",
        "only elementwise activations compose as they are; write a lambda, `z => {name}(z)`",
    )

    # ---- E0202: one index over two index sets
    INDEX_TWO_SETS = Message(
        E0202, "index {index!r} ranges over two different index sets: {first} and {second}",
        "use two index names, or make the two axes the same index set",
    )

    # ---- E0203: wrong number of arguments
    ARITY_HYPERS = Message(E0203, _ARITY, "{name}({binders:comma})")
    ARITY_HYPERS_RANGE = Message(E0203, _ARITY_RANGE, "{name}({binders:comma})")
    ARITY_HYPER_MISSING = Message(
        E0203, "{name!r} takes {expected} arguments, given {given}", "{missing!r} is missing"
    )
    ARITY_BUILTIN = Message(E0203, _ARITY)
    ARITY_BUILTIN_RANGE = Message(E0203, _ARITY_RANGE)
    ARITY_INITIALISER = Message(E0203, "the initialiser " + _ARITY)
    ARITY_INITIALISER_RANGE = Message(E0203, "the initialiser " + _ARITY_RANGE)
    ARITY_FUNCTOR = Message(E0203, "the functor " + _ARITY, "{name}({params:comma})")
    ARITY_CONSTRUCTOR = Message(E0203, "the constructor " + _ARITY, "{name}(output, next state)")
    ARITY_INDEX_SETS = Message(
        E0203, "the index sets of " + _ARITY, "{name} is polymorphic over {binders:comma}"
    )
    ARITY_SEMIRING_PARAM = Message(
        E0203, "the semiring {name!r} takes 0 to 1 arguments, given {given}", "{name}({param})"
    )
    ARITY_SEMIRING = Message(
        E0203, "the semiring {name!r} takes 0 arguments, given {given}", "{name} takes no arguments"
    )

    # ---- E0204: compositions
    COMPOSE_THEN = Message(
        E0204, _COMPOSE.replace("{does}", "gives"), "in `f >> g` the codomain of f must equal the domain of g"
    )
    COMPOSE_FANOUT = Message(E0204, _COMPOSE.replace("{does}", "takes"), "in `f & g` both maps take the same input")

    # ---- E0205: not a map
    VALUE_AS_MAP = Message(
        E0205, _NOT_A_MAP.format(what="this expression", type="a value", used="used as a map"),
        "write a lambda, `x => ...`, to turn a value into a map",
    )
    COMPOSED_VALUE = Message(
        E0205, _NOT_A_MAP.format(what="{name!r}", type="{type}", used="composed"),
        "only paras, uses, lambdas and activations compose",
    )
    CALLED_VALUE = Message(
        E0205, _NOT_A_MAP.format(what="{name!r}", type="{type}", used="called"),
        "only paras, uses, lambdas and builtin functions can be called",
    )
    CALLED_EXPRESSION = Message(
        E0205, _NOT_A_MAP.format(what="this expression", type="a value", used="called"),
        "only paras, uses, lambdas and builtin functions can be called",
    )

    # ---- E0206-E0208: subscripts and index ranges
    SUBSCRIPT_INDICES = Message(E0206, _SUBSCRIPT.replace("{name}", "{name!r}"), "write one index per axis of {type}")
    SUBSCRIPT_INDICES_OF_VALUE = Message(
        E0206, _SUBSCRIPT.replace("{name}", "the value"), "write one index per axis of {type}"
    )
    INDEX_RANGE_UNKNOWN = Message(
        E0207, "cannot tell which index set {index!r} ranges over",
        "use {index!r} to subscript a tensor, or bind it with `for {index}` in a typed position",
    )
    UNUSED_REDUCTION_INDEX = Message(
        E0208, "{op!r} reduces over {index!r}, which its body never uses",
        "a reduction sums a body that varies with its index",
    )

    # ---- E0209: the result type
    BODY_RESULT_MISMATCH = Message(
        E0209, "the body has type {found}, but the declaration says {expected}", _DECLARED
    )
    REPARAM_RESULT_MISMATCH = Message(
        E0209, "the reparam's body has type {found}, but the declaration says {expected}", _DECLARED
    )
    CASE_RESULT_MISMATCH = Message(
        E0209, "the case {ctor!r} has type {found}, but the declaration says {expected}",
        "the case {ctor!r} of {name!r} gives {expected}",
    )
    RESULT_INDEX_MISMATCH = Message(
        E0209, "the result's index {index!r} ranges over {found}, but the declaration says {expected}",
        "each free index becomes the result axis of its index set",
    )
