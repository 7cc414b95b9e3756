"""Reserved words, and where a syntax error shows that one was used as a name or that a
`let` lost its `in`: what the parser's error messages read off the text around a failure."""

from __future__ import annotations

import re
from functools import cache

from lark import Lark


#: An experiment's clause words: keywords only where a clause may start, so they stay names
#: everywhere else (programs name parameters `batch` and `steps`).
CLAUSE_WORDS = frozenset({"model", "task", "loss", "metrics", "optimiser", "steps", "batch", "seed", "eval", "every",
                          "samples", "checkpoint", "chunk", "verify"})


@cache
def reserved_words(lark: Lark) -> frozenset[str]:
    """The words the grammar reserves: its keywords, and the words its keyword-like terminals
    match (the reductions `sum`, `max`, ...; the algebra kinds). None of them may name
    anything, though the contextual lexer lets one through where only a name can stand."""
    words = set()
    for t in lark.terminals:
        if t.pattern.type == "str" and re.fullmatch(r"[A-Za-z_]\w*", t.pattern.value):
            words.add(t.pattern.value)
        elif t.name in ("REDUCER", "ALGEBRA_KIND"):
            words.update(re.findall(r"[A-Za-z]+", re.sub(r"\\.", " ", t.pattern.value.split("(?!")[0])))
    return frozenset(words - CLAUSE_WORDS)


#: What may follow a complete expression: a `=` seen there is most likely a comparison.
AFTER_EXPRESSION = frozenset({"CMP_OP", "THEN", "ELSE", "IN", "RPAR", "RSQB", "$END"})


def starts_line(text: str, pos: int) -> bool:
    """Whether only blanks stand before `pos` on its line."""
    return not text[text.rfind("\n", 0, pos) + 1:pos].strip()


#: Where an expression binds a name: `let NAME =`, `for NAMES.`, `sum NAMES.`, `NAME =>` and
#: `(NAMES) =>`. A reserved word there is lexed as a name, and the parse fails only later,
#: where the word is used and read as the keyword.
_BINDING = re.compile(r"\blet\s+(?P<let>[A-Za-z_][\w']*)\s*="
                      r"|\b(?:for|sum|max|min|mean|prod)(?P<idx>(?:\s+[A-Za-z_][\w']*)+)\s*\."
                      r"|(?:\((?P<params>[^()]*)\)|\b(?P<param>[A-Za-z_][\w']*))\s*=>")


def reserved_binding(text: str, end: int, reserved: frozenset[str]) -> tuple[int, str] | None:
    """The offset and word of the first reserved word bound by an expression before `end`."""
    code = re.sub(r"--[^\n]*|\"([^\"\\\n]|\\.)*\"", lambda m: " " * len(m.group()), text[:end])
    for m in _BINDING.finditer(code):
        group = next(g for g in ("let", "idx", "params", "param") if m.group(g) is not None)
        for w in re.finditer(r"[A-Za-z_][\w']*", m.group(group)):
            if w.group() in reserved:
                return m.start(group) + w.start(), w.group()
    return None
