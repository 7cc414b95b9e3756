"""Values, sizes and dtypes (E0701-E0707): what the checker infers must be what runs."""

from __future__ import annotations

from .codes import E0701, E0702, E0703, E0704, E0705, E0706, E0707
from .template import Message

_TO_FLOAT = "multiply by 1.0 to compute in f32, e.g. `{name}(x * 1.0)`"
_SIZE_RANGE = "a size is between 0 and 2^63 - 1"
_LITERAL = "the literal {literal} does not fit {dtype}"


class SizesMsg:
    # ---- E0701-E0702: what a builtin or an operator computes in
    BUILTIN_NEEDS_FLOAT = Message(E0701, "{name!r} needs a floating-point argument, found {found}", _TO_FLOAT)
    NEGATIVE_INT_POWER = Message(
        E0702, "an integer raised to the negative power {power} is not an integer ({left})",
        "multiply the base by 1.0 to raise a float",
    )
    # ---- E0703: literals
    LITERAL_TOO_LARGE = Message(E0703, _LITERAL, "{dtype} holds {low} to {high}")
    INT_LITERAL_BEYOND_I32 = Message(
        E0703, "the integer literal {literal} is beyond i32, which JAX reads integer literals as",
        "i32 holds -2147483648 to 2147483647; a float literal such as `{literal}.0` is read as f32",
    )
    FLOAT_LITERAL_NOT_FINITE = Message(
        E0703, _LITERAL + ": it is beyond the largest finite {dtype}", "write `inf` for infinity, else a finite number",
    )
    HYPER_DEFAULT_OUT_OF_RANGE = Message(
        E0703, "the default of hyperparameter {name!r} does not fit a {kind}", "a {kind} holds {low} to {high}",
    )
    HYPER_ARG_OUT_OF_RANGE = Message(
        E0703, "the argument for hyperparameter {name!r} of {callee!r} does not fit a {kind}",
        "a {kind} holds {low} to {high}",
    )
    # ---- E0704: sizes
    SIZE_NEGATIVE = Message(E0704, "the size {size} is negative, so no array has it", _SIZE_RANGE)
    SIZE_NEGATIVE_WITH_DEFAULTS = Message(
        E0704, "with the default{count:|s} {defaults:comma}, the size {size} is {value}",
        _SIZE_RANGE + "; change the default{count:|s} or the size",
    )
    SIZE_TOO_LARGE = Message(E0704, "the size {size} is beyond the largest array size", _SIZE_RANGE)
    SIZE_TOO_LARGE_WITH_DEFAULTS = Message(
        E0704, "with the default{count:|s} {defaults:comma}, the size {size} is beyond the largest array size",
        _SIZE_RANGE + "; change the default{count:|s} or the size",
    )
    SIZE_ARG_NEGATIVE = Message(
        E0704, "with {given:comma}, the size {size} of {callee!r} is {value}",
        _SIZE_RANGE + "; change the argument{count:|s}",
    )
    SIZE_ARG_TOO_LARGE = Message(
        E0704, "with {given:comma}, the size {size} of {callee!r} is beyond the largest array size",
        _SIZE_RANGE + "; change the argument{count:|s}",
    )
    # ---- E0705: initialisers
    RANDOM_INIT_NOT_FLOAT = Message(
        E0705, "{init!r} draws floating-point numbers, but {name!r} is {dtype}",
        "initialise an integer or boolean parameter with `zeros`, `ones` or `const(...)`",
    )
    CONST_INIT_NOT_INTEGER = Message(
        E0705, "`const({value})` is not a value of {dtype}, so {name!r} cannot hold it",
        "{dtype} holds whole numbers from {low} to {high}",
    )
    CONST_INIT_NOT_BOOL = Message(
        E0705, "`const({value})` is not a bool, so {name!r} cannot hold it", "write `const(true)` or `const(false)`",
    )
    INIT_ARGUMENT_NOT_FINITE = Message(
        E0705, "the argument {value} of {init!r} is beyond the largest finite {dtype}, so {name!r} would not be finite",
        "{dtype} holds {low} to {high}",
    )
    # ---- E0706: dtypes
    DTYPE_NOT_SUPPORTED = Message(
        E0706, "{dtype} is not supported: JAX computes in 32 bits here, so it would run as {runs}",
        "use {runs}",
    )
    # ---- E0707: constant arguments
    DROPOUT_RATE_OUT_OF_RANGE = Message(
        E0707, "the dropout rate {rate} is not in [0, 1]", "a rate is the probability of dropping an element",
    )
    SEMIRING_PARAM_ZERO = Message(
        E0707, "the semiring {name!r} at {param} = 0 divides by zero: its addition is logsumexp({param} * x) / {param}",
        "give {param} a non-zero number; a large one approaches `MaxPlus`",
    )
    RATE_ARG_OUT_OF_RANGE = Message(
        E0707, "with {given:comma}, {callee!r} drops with the rate {rate}, which is not in [0, 1]",
        "a rate is the probability of dropping an element; change the argument{count:|s}",
    )
    SEMIRING_PARAM_ARG_ZERO = Message(
        E0707, "with {given:comma}, {callee!r} sums in the semiring {name!r} with its parameter 0, which divides by zero",
        "give it a non-zero number; a large one approaches `MaxPlus`",
    )
