"""The parts of the builder for `task` and `experiment` declarations.

The grammar puts an experiment's clauses beside the declarations (so that a `task` clause
and a `task` declaration after it are told apart by what follows the name); `gather` hands
each clause to the experiment before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lark import Token, Transformer, v_args

from ..diagnostics import Span
from . import ast


def gather(items: Sequence[object], stray: Callable[[ast.Clause], None]) -> list[ast.Decl]:
    """The declarations, each experiment with the clauses that follow it; `stray` is called
    with a clause that no experiment comes before."""
    out: list[ast.Decl] = []
    for item in items:
        if isinstance(item, ast.Clause):
            last = out[-1] if out else None
            if not isinstance(last, ast.ExperimentDecl):
                stray(item)
                continue
            s = last.span
            span = Span(s.file, s.line, s.col, item.span.end_line, item.span.end_col)
            out[-1] = ast.ExperimentDecl(span, last.name, last.clauses + (item,))
        else:
            out.append(item)  # type: ignore[arg-type]
    return out


@v_args(meta=True)
class ExperimentParts(Transformer):
    """Builder methods of tasks and experiments; mixed into the parser's builder, whose
    `_span`, `_ident`, `_binder` and `_number` they use."""

    _span: Callable
    _ident: Callable
    _binder: Callable
    _number: Callable

    def task_decl(self, meta, c):
        name = self._binder(c[0])
        binders: list[ast.Binder] = []
        rest = list(c[1:])
        while rest and isinstance(rest[0], list):
            binders.extend(rest.pop(0))
        dom, cod, target = rest
        return ast.TaskDecl(self._span(meta), name, tuple(binders), dom, cod,
                            ast.String(_token_span(self._span(meta).file, target), _unquote(str(target))))

    def experiment_decl(self, meta, c):
        return ast.ExperimentDecl(self._span(meta), self._binder(c[0]))

    def _clause(self, meta, kind: str, **fields) -> ast.Clause:
        span = self._span(meta)
        word = ast.Ident(Span(span.file, span.line, span.col, span.line, span.col + len(kind)), kind)
        return ast.Clause(span, kind, word, **fields)

    def model_clause(self, meta, c):
        return self._clause(meta, "model", call=c[0])

    def task_clause(self, meta, c):
        return self._clause(meta, "task", call=c[0])

    def optimiser_clause(self, meta, c):
        return self._clause(meta, "optimiser", call=c[0])

    def loss_clause(self, meta, c):
        return self._clause(meta, "loss", losses=tuple(c))

    def loss_term(self, meta, c):
        weight = None
        if isinstance(c[0], Token) and c[0].type == "NUMBER":
            tok = c[0]
            weight = ast.ArgValue(_token_span(self._span(meta).file, tok), self._number(tok), str(tok))
            c = c[1:]
        component = c[1] if len(c) > 1 else None
        return ast.LossTermExpr(self._span(meta), self._ident(c[0]), component, weight)

    def metrics_clause(self, meta, c):
        return self._clause(meta, "metrics", metrics=tuple(c))

    def metric_ref(self, meta, c):
        return ast.MetricExpr(self._span(meta), self._ident(c[0]), c[1] if len(c) > 1 else None)

    def exp_component(self, meta, c):
        return ast.ArgValue(self._span(meta), self._number(c[0]), str(c[0]))

    def steps_clause(self, meta, c):
        return self._clause(meta, "steps", number=c[0])

    def batch_clause(self, meta, c):
        return self._clause(meta, "batch", number=c[0])

    def seed_clause(self, meta, c):
        return self._clause(meta, "seed", number=c[0])

    def checkpoint_clause(self, meta, c):
        return self._clause(meta, "checkpoint", number=c[0])

    def eval_clause(self, meta, c):
        every = next((x[1] for x in c if isinstance(x, tuple) and x[0] == "every"), None)
        samples = next((x[1] for x in c if isinstance(x, tuple) and x[0] == "samples"), None)
        sets = tuple(x for x in c if isinstance(x, ast.EvalSetExpr))
        return self._clause(meta, "eval", number=every, samples=samples, sets=sets)

    def eval_every(self, meta, c):
        return ("every", c[0])

    def eval_samples(self, meta, c):
        return ("samples", c[0])

    def eval_set(self, meta, c):
        samples = next((x[1] for x in c[2:] if isinstance(x, tuple) and x[0] == "samples"), None)
        chunk = next((x[1] for x in c[2:] if isinstance(x, tuple) and x[0] == "chunk"), None)
        return ast.EvalSetExpr(self._span(meta), self._binder(c[0]), c[1], samples, chunk)

    def eval_chunk(self, meta, c):
        return ("chunk", c[0])

    def verify_clause(self, meta, c):
        return self._clause(meta, "verify", what=self._ident(c[0]))

    def exp_call(self, meta, c):
        args = tuple(a if isinstance(a, ast.ExpArg) else ast.ExpArg(a.span, None, a) for a in c[1:])
        return ast.ExpCall(self._span(meta), self._ident(c[0]), args)

    def exp_kwarg(self, meta, c):
        return ast.ExpArg(self._span(meta), self._ident(c[0]), c[1])

    def exp_value(self, meta, c):
        return c[0]

    def exp_number(self, meta, c):
        return ast.ArgValue(self._span(meta), self._number(c[0]), str(c[0]))

    def exp_neg_number(self, meta, c):
        return ast.ArgValue(self._span(meta), -self._number(c[0]), "-" + str(c[0]))

    def exp_true(self, meta, c):
        return ast.ArgValue(self._span(meta), True, "true")

    def exp_false(self, meta, c):
        return ast.ArgValue(self._span(meta), False, "false")

    def exp_name(self, meta, c):
        return ast.ArgValue(self._span(meta), str(c[0]), str(c[0]), bare=True)

    def exp_string(self, meta, c):
        return ast.ArgValue(self._span(meta), _unquote(str(c[0])), str(c[0]))


def _token_span(file: str, tok: Token) -> Span:
    return Span(file, tok.line, tok.column, tok.end_line, tok.end_column)


def _unquote(text: str) -> str:
    import re

    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text[1:-1])
