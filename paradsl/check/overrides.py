"""`--set KEY=VALUE`: an experiment's declaration with values put in place of those written.

An override rewrites the experiment's syntax, and the result is checked as if it had been
written so: `--set task.max_digits=-1` is the diagnostic that writing `max_digits = -1`
gives, located at the value it replaces (or, where none was written, at the clause or call
it goes into). The keys are

    steps  batch  seed  eval_every  checkpoint_every
    model.HYPER  task.ARG  optimiser.ARG  eval.SET.ARG  eval.SET.samples

and a key the experiment has no place for is an `OverrideProblem` (a usage error).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .. import catalogue
from ..diagnostics import Span
from ..syntax import ast

#: The clause each plain key sets, and the clause word it takes when the clause is added.
_PLAIN = {"steps": "steps", "batch": "batch", "seed": "seed", "eval_every": "eval", "checkpoint_every": "checkpoint"}
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_']*$")


class OverrideProblem(Exception):
    """A key the experiment has no place for; `known` the keys there are."""

    def __init__(self, key: str, known: tuple[str, ...]):
        super().__init__(key)
        self.key = key
        self.known = known


@dataclass(frozen=True)
class Places:
    """The argument names of each call the experiment makes, in declaration order."""

    model: tuple[str, ...]
    task: tuple[str, ...]
    optimiser: tuple[str, ...]
    eval_sets: Mapping[str, tuple[str, ...]]

    def keys(self) -> tuple[str, ...]:
        out = list(_PLAIN)
        out += [f"model.{n}" for n in self.model] + [f"task.{n}" for n in self.task]
        out += [f"optimiser.{n}" for n in self.optimiser]
        for s, names in self.eval_sets.items():
            out += [f"eval.{s}.{n}" for n in names] + [f"eval.{s}.samples"]
        return tuple(out)


def parse_value(text: str, span: Span) -> ast.ArgValue:
    """A value as an experiment would have it written: a number, `true`/`false`, or a name;
    anything else is kept as a string, which no argument takes, so its check reports it."""
    body = text[1:] if text.startswith("-") else text
    if _NUMBER.match(body):
        value: int | float = float(body) if any(c in body for c in ".eE") else int(body)
        return ast.ArgValue(span, -value if text.startswith("-") else value, text)
    if text in ("true", "false"):
        return ast.ArgValue(span, text == "true", text)
    if _NAME.match(text):
        return ast.ArgValue(span, text, text, bare=True)
    return ast.ArgValue(span, text, repr(text))


def apply(decl: ast.ExperimentDecl, places: Places, overrides: Mapping[str, str]) -> ast.ExperimentDecl:
    """The declaration with each override in place; raises `OverrideProblem` for a key it
    has no place for."""
    known = places.keys()
    for key, text in overrides.items():
        if key not in known:
            raise OverrideProblem(key, known)
        decl = _one(decl, places, key, text)
    return decl


def _clause(decl: ast.ExperimentDecl, kind: str) -> tuple[int, ast.Clause]:
    """The clause of `kind` and its place, or a new empty one (place -1) at the name."""
    for i, c in enumerate(decl.clauses):
        if c.kind == kind:
            return i, c
    return -1, ast.Clause(decl.name.span, kind, ast.Ident(decl.name.span, kind))


def _put(decl: ast.ExperimentDecl, i: int, clause: ast.Clause) -> ast.ExperimentDecl:
    clauses = list(decl.clauses)
    if i < 0:
        clauses.append(clause)
    else:
        clauses[i] = clause
    return replace(decl, clauses=tuple(clauses))


def _one(decl: ast.ExperimentDecl, places: Places, key: str, text: str) -> ast.ExperimentDecl:
    head, _, rest = key.partition(".")
    if head in _PLAIN:
        i, c = _clause(decl, _PLAIN[head])
        span = c.number.span if c.number is not None else c.word.span
        return _put(decl, i, replace(c, number=parse_value(text, span)))
    if head in ("model", "task", "optimiser"):
        i, c = _clause(decl, head)
        names = {"model": places.model, "task": places.task, "optimiser": places.optimiser}[head]
        # Only the optimiser has a default to set arguments of; a model or task is written.
        call = c.call or ast.ExpCall(c.word.span, ast.Ident(c.word.span, catalogue.DEFAULT_OPTIMISER))
        return _put(decl, i, replace(c, call=_set_arg(call, names, rest, text)))
    name, _, arg = rest.partition(".")
    i, c = _clause(decl, "eval")
    sets = list(c.sets)
    j = next(k for k, s in enumerate(sets) if s.name.name == name)
    s = sets[j]
    if arg == "samples":
        span = s.samples.span if s.samples is not None else s.name.span
        sets[j] = replace(s, samples=parse_value(text, span))
    else:
        sets[j] = replace(s, task=_set_arg(s.task, places.eval_sets[name], arg, text))
    return _put(decl, i, replace(c, sets=tuple(sets)))


def _set_arg(call: ast.ExpCall, names: Sequence[str], name: str, text: str) -> ast.ExpCall:
    """The call with argument `name` given `text`: in place of the value written for it, by
    name or by position, or added by name at the end."""
    args = list(call.args)
    place = 0
    for k, a in enumerate(args):
        bound = a.name.name if a.name is not None else (names[place] if place < len(names) else None)
        if a.name is None:
            place += 1
        if bound == name:
            args[k] = ast.ExpArg(a.span, a.name, parse_value(text, a.value.span))
            return replace(call, args=tuple(args))
    args.append(ast.ExpArg(call.span, ast.Ident(call.span, name), parse_value(text, call.span)))
    return replace(call, args=tuple(args))
