"""Syntax errors (E00xx): what the parser expected, and the usual mistake behind it."""

from __future__ import annotations

from .codes import E0001, E0002, E0003, E0004, E0005, E0006
from .template import Message

#: What a terminal of the grammar is called in "expected ..."; other terminals are shown as written.
TOKEN_NAMES = {
    "NAME": "a name",
    "NUMBER": "a number",
    "INT": "an integer",
    "STRING": "a string",
    "DTYPE": "a dtype",
    "REDUCER": "a reduction",
    "CMP_OP": "a comparison",
    "$END": "end of input",
}

_UNEXPECTED = "unexpected '{token}'; expected {expected:choice}"
_UNEXPECTED_NAME = "unexpected name '{token}'; expected {expected:choice}"
_MISSING_OPERATOR = "check for a missing operator, comma or bracket before it"
_RESERVED = "'{token}' is a reserved word and cannot be used as a name"
_CHAR = "unexpected character {char!r}"


class SyntaxMsg:
    SYNTAX_UNEXPECTED_TOKEN = Message(E0001, _UNEXPECTED, _MISSING_OPERATOR)
    SYNTAX_UNEXPECTED_NAME = Message(E0001, _UNEXPECTED_NAME, _MISSING_OPERATOR)
    SYNTAX_RESERVED_WORD = Message(E0001, _UNEXPECTED, _RESERVED)
    SYNTAX_RESERVED_NAME = Message(E0001, _UNEXPECTED_NAME, _RESERVED)
    SYNTAX_SINGLE_EQUALS = Message(E0001, _UNEXPECTED, "equality is written `==`")
    SYNTAX_MISSING_IN = Message(
        E0001, "unexpected '{token}'; expected 'in' to end the `let` before it",
        "a `let` binds its value for the expression after `in`: `let a = x * 2.0 in a + 1.0`",
    )
    SYNTAX_FILL_OUTSIDE = Message(
        E0001, "unexpected 'else' after a subscript",
        "a subscript's fill goes inside its brackets: `x[a - 1 else 0.0]`",
    )
    SYNTAX_ARROW_IN_EXPRESSION = Message(
        E0001, "unexpected '->' in an expression",
        "a lambda is written with `=>`, as in `x => x + 1.0`; `->` separates the input and output types of a signature",
    )
    SYNTAX_RESERVED_BINDER = Message(E0001, _RESERVED, "choose another name, such as `{token}_`")
    SYNTAX_UNEXPECTED_CHAR = Message(E0002, _CHAR, "remove or replace it")
    SYNTAX_SINGLE_QUOTE = Message(E0002, _CHAR, 'strings are written in double quotes, "ij->ji"')
    SYNTAX_HASH_COMMENT = Message(E0002, _CHAR, "comments start with `--`")
    SYNTAX_UNEXPECTED_EOF = Message(
        E0003, "unexpected end of input; expected {expected:choice}",
        "the declaration is incomplete",
    )
    SYNTAX_NO_DECLARATION = Message(
        E0003, "unexpected end of input; expected a declaration",
        "the declaration is incomplete",
    )
    SYNTAX_BAD_LAMBDA = Message(
        E0004, "a lambda parameter must be a name or a tuple of names",
        "write `x => ...` or `(a, b) => ...`",
    )
    SYNTAX_BAD_BINDER = Message(
        E0005, "unknown kind {kind!r} for {name!r}",
        "hyperparameters are `Nat`, `Int`, `Float` or `Bool`; index sets are `set`, `list` or `cyc`",
    )
    NESTING_TOO_DEEP = Message(
        E0006, "this file nests expressions more deeply than the checker can follow",
        "split the expression with `let` bindings or into smaller paras",
    )
