"""A pygments lexer for `.para` source: `pygmentize -l para`, the docs and the REPL use it.

Its words are read from the language's own tables, never copied: the reserved words from the
grammar (`syntax.reserved`), the builtins, constants, initialisers and semirings from the
prelude, the dtypes and index-set kinds from the types.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
)

from . import prelude
from .syntax import reserved
from .syntax.parser import _lark
from .types.types import DTYPES, Kind


def _words(names) -> str:
    return words(sorted(names, key=lambda w: (-len(w), w)), prefix=r"(?<![\w'])", suffix=r"(?![\w'])")


_RESERVED = reserved.reserved_words(_lark())
_TYPES = set(DTYPES) | {k.value for k in Kind} | {"Nat", "Int", "Float", "Bool"}
_BUILTINS = ({b.name for b in prelude.BUILTINS} | set(prelude.CONSTANTS) | {i.name for i in prelude.INITIALIZERS}
             | set(prelude.SEMIRINGS)) - _RESERVED


class ParaLexer(RegexLexer):
    """The para language: keywords, builtins, types, numbers, strings and `--` comments."""

    name = "Para"
    aliases = ["para", "paradsl"]
    filenames = ["*.para"]
    mimetypes = ["text/x-para"]
    flags = re.MULTILINE

    tokens = {
        "root": [
            (r"\s+", Text),
            (r"--.*?$", Comment.Single),
            (r'"([^"\\\n]|\\.)*"', String),
            (r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", Number),
            (_words(_RESERVED - _TYPES), Keyword),
            (_words(_TYPES), Keyword.Type),
            (_words(_BUILTINS), Name.Builtin),
            (r"[A-Z][A-Za-z0-9_']*", Name.Class),
            (r"[A-Za-z_][A-Za-z0-9_']*", Name),
            (r"=>|->|>>|\*\*|==|!=|<=|>=|[-+*/@<>=&|~^]", Operator),
            (r"[()\[\]{},.:;]", Punctuation),
        ],
    }
