"""Source text to AST: Lark (LALR, positions on) and a Transformer that builds spans.

Syntax errors become located diagnostics. After the first error the file is parsed again
one top-level declaration at a time, so that independent mistakes in different
declarations are all reported in one run.
"""

from __future__ import annotations

import re
from functools import cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .. import _resources
from ..diagnostics import DiagnosticSink, Message, Msg, Span
from ..diagnostics.lines import normalise, split_lines
from ..diagnostics.messages_syntax import TOKEN_NAMES
from . import ast
from .chunks import DECL_NAME, DECL_START, is_task_clause
from .experiments import ExperimentParts, gather
from .reserved import AFTER_EXPRESSION, reserved_binding, reserved_words, starts_line

#: The most digits an integer literal may have: Python's own limit on converting text to int.
MAX_INT_DIGITS = 4300


@cache
def _lark() -> Lark:
    return Lark(
        _resources.grammar_path().read_text(),
        start="module",
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
    )


class _SyntaxFailure(Exception):
    def __init__(self, msg: Message, span: Span, **values: object):
        self.msg, self.span, self.values = msg, span, values


def parse(text: str, file: str, sink: DiagnosticSink) -> ast.Module | None:
    """Parse a whole file. After a syntax error (every one reported), the declarations that
    parse on their own, with the names of those that do not in `broken`."""
    text = normalise(text)  # the positions the lexer counts are those `split_lines` cuts by
    try:
        return _parse_text(text, file)
    except _SyntaxFailure:
        pass
    return _recover(text, file, sink)


def _recover(text: str, file: str, sink: DiagnosticSink) -> ast.Module:
    """Parse one top-level declaration at a time, each chunk from a line that starts with a
    declaration keyword to the next: a mistake in one declaration leaves the others whole."""
    decls: list[ast.Decl] = []
    broken: list[ast.Ident] = []
    starts = [m.start() for m in DECL_START.finditer(text) if not is_task_clause(text, m.start())] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    for a, b in zip(starts, starts[1:]):
        chunk = text[a:b]
        if not chunk.strip():
            continue
        # Pad with the newlines before the chunk so that positions come out right.
        padded = "\n" * text.count("\n", 0, a) + chunk
        try:
            decls.extend(_parse_text(padded, file).decls)
        except _SyntaxFailure as e:
            sink.error(e.msg, e.span, **e.values)
            name = DECL_NAME.search(padded)
            if name is not None:
                line = padded.count("\n", 0, name.start(1)) + 1
                col = name.start(1) - padded.rfind("\n", 0, name.start(1))
                broken.append(ast.Ident(Span(file, line, col, line, col + len(name.group(1))), name.group(1)))
    if not sink.has_errors:  # pragma: no cover - a chunk split can only hide errors, not make them
        sink.error(Msg.SYNTAX_NO_DECLARATION, Span(file, 1, 1, 1, 2))
    return ast.Module(Span(file, 1, 1, 1, 1), tuple(decls), tuple(broken))


def _parse_text(text: str, file: str) -> ast.Module:
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as e:
        raise _syntax_failure(e, text, file) from None
    try:
        return _Builder(file).transform(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, _SyntaxFailure):
            raise e.orig_exc from None
        raise


def _describe_expected(names) -> list[str]:
    """The terminals the parser could have taken, as a message shows them."""
    lark = _lark()
    out = []
    for name in sorted(names):
        if name in TOKEN_NAMES:
            out.append(TOKEN_NAMES[name])
            continue
        try:
            pattern = lark.get_terminal(name).pattern
        except KeyError:
            out.append(name.lower())
            continue
        if pattern.type == "str":
            out.append(f"'{pattern.value}'")
        else:
            out.append(name.lower())
    return sorted(set(out))


def _syntax_failure(e: UnexpectedInput, text: str, file: str) -> _SyntaxFailure:
    line, col = max(getattr(e, "line", 1) or 1, 1), max(getattr(e, "column", 1) or 1, 1)
    at = getattr(e, "pos_in_stream", None)
    tok_end = getattr(getattr(e, "token", None), "end_pos", None)
    bound = reserved_binding(text, tok_end or (len(text) if at is None or at < 0 else at), reserved_words(_lark()))
    if bound is not None and not isinstance(e, UnexpectedCharacters):
        pos, word = bound
        line = text.count("\n", 0, pos) + 1
        col = pos - text.rfind("\n", 0, pos)
        return _SyntaxFailure(Msg.SYNTAX_RESERVED_BINDER, Span(file, line, col, line, col + len(word)), token=word)
    if isinstance(e, UnexpectedCharacters):
        char = text[e.pos_in_stream] if e.pos_in_stream < len(text) else "?"
        span = Span(file, line, col, line, col + 1)
        if char == "'":
            return _SyntaxFailure(Msg.SYNTAX_SINGLE_QUOTE, span, char=char)
        if char == "#":
            return _SyntaxFailure(Msg.SYNTAX_HASH_COMMENT, span, char=char)
        return _SyntaxFailure(Msg.SYNTAX_UNEXPECTED_CHAR, span, char=char)
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        expected = _describe_expected(getattr(e, "expected", None) or ["NAME"])
        code = re.sub(r"--[^\n]*", "", text).rstrip()  # the end of the last token, not of a comment
        last = split_lines(code)
        n = len(last)
        col = len(last[-1].rstrip()) + 1
        span = Span(file, n, col, n, col + 1)
        return _SyntaxFailure(Msg.SYNTAX_UNEXPECTED_EOF, span, expected=expected)
    assert isinstance(e, UnexpectedToken)
    tok = e.token
    end_col = getattr(tok, "end_column", None) or col + len(str(tok))
    span = Span(file, line, col, line if tok.end_line in (None, line) else tok.end_line, end_col)
    expected, word = set(e.expected), str(tok)
    start = getattr(tok, "start_pos", None)
    if word == ">" and start and text[start - 1] == "-":
        # `->` in a body is lexed as `-` then `>`: point at both, as the arrow written.
        return _SyntaxFailure(Msg.SYNTAX_ARROW_IN_EXPRESSION, Span(file, line, col - 1, line, col + 1))
    if word == "else" and start and text[:start].rstrip().endswith("]"):
        # `x[a - 1] else 0.0`: the fill written after the brackets, not inside them.
        return _SyntaxFailure(Msg.SYNTAX_FILL_OUTSIDE, span)
    if "IN" in expected and (word in reserved_words(_lark()) or (start is not None and starts_line(text, start))):
        # Only an open `let` can take `in`: a keyword or a new line here means it was left out.
        return _SyntaxFailure(Msg.SYNTAX_MISSING_IN, span, token=word)
    if word == "=" and expected & AFTER_EXPRESSION:
        msg = Msg.SYNTAX_SINGLE_EQUALS
    elif word in reserved_words(_lark()) and "NAME" in expected:
        msg = Msg.SYNTAX_RESERVED_NAME if tok.type == "NAME" else Msg.SYNTAX_RESERVED_WORD
    else:
        msg = Msg.SYNTAX_UNEXPECTED_NAME if tok.type == "NAME" else Msg.SYNTAX_UNEXPECTED_TOKEN
    return _SyntaxFailure(msg, span, token=word, expected=_describe_expected(e.expected))


def _tok_span(file: str, tok: Token) -> Span:
    return Span(file, tok.line, tok.column, tok.end_line, tok.end_column)


class _Nodes(Transformer):
    """What every part of the builder shares: the file the spans of its nodes point into."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def _span(self, meta) -> Span:
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _ident(self, tok: Token) -> ast.Ident:
        return ast.Ident(_tok_span(self.file, tok), str(tok))

    def _number(self, tok: Token) -> int | float:
        """A numeric literal's value; an integer too long to convert is a syntax error."""
        text = str(tok)
        if any(ch in text for ch in ".eE"):
            return float(text)
        if len(text) > MAX_INT_DIGITS:
            raise _SyntaxFailure(Msg.INTEGER_TOO_LONG, _tok_span(self.file, tok), digits=len(text),
                                 limit=MAX_INT_DIGITS)
        return int(text)

    def _binder(self, tok: Token) -> ast.Ident:
        """A name being declared or bound; a reserved word is refused here, where it stands."""
        if str(tok) in reserved_words(_lark()):
            raise _SyntaxFailure(Msg.SYNTAX_RESERVED_BINDER, _tok_span(self.file, tok), token=str(tok))
        return self._ident(tok)


@v_args(meta=True)
class _Declarations(_Nodes):
    """Top-level declarations and their clauses: imports, paras, functors, algebras and
    semirings, with their binders, parameters, uses, ties and initializers."""

    def module(self, meta, children):
        span = self._span(meta) if not meta.empty else Span(self.file, 1, 1, 1, 1)
        return ast.Module(span, tuple(gather(children, self._stray_clause)))

    def _stray_clause(self, clause: ast.Clause) -> None:
        raise _SyntaxFailure(Msg.CLAUSE_OUTSIDE_EXPERIMENT, clause.word.span, clause=clause.kind)

    def import_file(self, meta, c):
        return ast.ImportFile(self._span(meta), _unquote(str(c[0])))

    def import_std(self, meta, c):
        return ast.ImportStd(self._span(meta), tuple(str(t) for t in c))

    @staticmethod
    def _binders(rest: list) -> tuple[tuple[ast.Binder, ...], list]:
        """The binder groups at the head of a declaration's children, and what follows."""
        binders: list[ast.Binder] = []
        while rest and isinstance(rest[0], list):
            binders.extend(rest[0])
            rest = rest[1:]
        return tuple(binders), rest

    @staticmethod
    def _clauses(items: list) -> tuple[dict[str, list], list]:
        """`params`, `uses`, `tie` and `init` clauses by kind, and the other items in order."""
        clauses: dict[str, list] = {"params": [], "uses": [], "tie": [], "init": []}
        others = []
        for item in items:
            if isinstance(item, tuple):
                clauses[item[0]].extend(item[1])
            else:
                others.append(item)
        return clauses, others

    def para_decl(self, meta, c, kind="para"):
        name = self._binder(c[0])
        binders, rest = self._binders(c[1:])
        dom, cod = rest[0], rest[1]
        clauses, _ = self._clauses(rest[2:-1])
        return ast.ParaDecl(self._span(meta), name, binders, dom, cod, tuple(clauses["params"]),
                            tuple(clauses["uses"]), rest[-1], tuple(clauses["tie"]), tuple(clauses["init"]), kind)

    def reparam_decl(self, meta, c):
        return self.para_decl(meta, c, kind="reparam")

    def functor_decl(self, meta, c):
        name = self._binder(c[0])
        params = tuple(self._binder(t) for t in c[1:] if isinstance(t, Token))
        ctors = tuple(x for x in c[1:] if isinstance(x, ast.Constructor))
        return ast.FunctorDecl(self._span(meta), name, params, ctors)

    def constructor(self, meta, c):
        return ast.Constructor(self._span(meta), self._binder(c[0]), tuple(c[1:]))

    def field_name(self, meta, c):
        return self._ident(c[0])

    def algebra_decl(self, meta, c):
        kind = " ".join(str(c[0]).split())
        name = self._binder(c[1])
        binders, rest = self._binders(c[2:])
        sig, carrier = rest[0], rest[1]
        clauses, others = self._clauses(rest[2:])
        cases = [i for i in others if isinstance(i, ast.Case)]
        body = next((i for i in others if not isinstance(i, ast.Case)), None)
        functor = sig if isinstance(sig, ast.FunctorApp) else None
        unit = ast.TupleTypeExpr(self._span(meta), ())
        if functor is not None:
            dom, cod = unit, unit
        elif isinstance(sig, tuple):
            dom, cod = sig  # a machine's input and output
        else:
            dom, cod = sig, unit  # a monoid's elements
        return ast.ParaDecl(self._span(meta), name, binders, dom, cod, tuple(clauses["params"]),
                            tuple(clauses["uses"]), body, tuple(clauses["tie"]), tuple(clauses["init"]), kind,
                            functor, carrier, tuple(cases))

    def functor_app(self, meta, c):
        return ast.FunctorApp(self._span(meta), self._ident(c[0]), tuple(c[1:]))

    def io_sig(self, meta, c):
        return (c[0], c[1])

    def elem_sig(self, meta, c):
        return c[0]

    def case(self, meta, c):
        return ast.Case(self._span(meta), self._ident(c[0]), tuple(c[1:-1]), c[-1])

    def pat_name(self, meta, c):
        return ast.Pattern(self._span(meta), self._binder(c[0]))

    def pat_tuple(self, meta, c):
        return ast.Pattern(self._span(meta), None, tuple(c))

    def tie_clause(self, meta, c):
        return ("tie", list(c))

    def tie_decl(self, meta, c):
        return ast.TieDecl(self._span(meta), tuple(c[0]), c[1])

    def leaf_path(self, meta, c):
        return [self._ident(t) for t in c]

    def init_clause(self, meta, c):
        return ("init", list(c))

    def binder_group(self, meta, c):
        return list(c)

    def binder(self, meta, c):
        default = c[2] if len(c) > 2 else None
        return ast.Binder(self._span(meta), self._binder(c[0]), self._ident(c[1]), default)

    def map_binder(self, meta, c):
        kind = ast.Ident(self._span(meta), "map")
        return ast.Binder(self._span(meta), self._binder(c[0]), kind, None, c[1], c[2])

    def semiring_binder(self, meta, c):
        return ast.Binder(self._span(meta), self._binder(c[0]), ast.Ident(self._span(meta), "semiring"), None)

    def monoid_binder(self, meta, c):
        # Elements and carrier, the carrier the elements' type unless given after `on`; a kind
        # other than a monoid's is kept, so that the binder's check names it (E0005).
        kind = ast.Ident(_tok_span(self.file, c[1]), " ".join(str(c[1]).split()))
        return ast.Binder(self._span(meta), self._binder(c[0]), kind, None, c[2], c[3] if len(c) > 3 else c[2])

    def params_clause(self, meta, c):
        return ("params", list(c))

    def uses_clause(self, meta, c):
        return ("uses", list(c))

    def param_decl(self, meta, c):
        init = c[2] if len(c) > 2 else None
        return ast.ParamDecl(self._span(meta), self._binder(c[0]), c[1], init)

    def initializer(self, meta, c):
        return ast.Initializer(self._span(meta), self._ident(c[0]), tuple(c[1:]))

    def use_decl(self, meta, c):
        return ast.UseDecl(self._span(meta), self._binder(c[0]), c[1])

    def repeat_use(self, meta, c):
        return ast.Repeat(self._span(meta), c[0], c[1], False)

    def repeat_shared(self, meta, c):
        return ast.Repeat(self._span(meta), c[0], c[1], True)

    def number_lit(self, meta, c):
        return ast.Literal(self._span(meta), self._number(c[0]))

    def neg_number_lit(self, meta, c):
        return ast.Literal(self._span(meta), -self._number(c[0]))

    def true_lit(self, meta, c):
        return ast.Literal(self._span(meta), True)

    def false_lit(self, meta, c):
        return ast.Literal(self._span(meta), False)

    # -------------------------------------------------------------- semirings
    def semiring_decl(self, meta, c):
        name = self._binder(c[0])
        binders, rest = self._binders(c[1:])
        (add, add_arg), (mul, _), zero, one = rest
        return ast.SemiringDecl(self._span(meta), name, binders, add, add_arg, mul, zero, one)

    def sr_op(self, meta, c):
        return self._ident(c[0]), (self._ident(c[1]) if len(c) > 1 else None)

    def sr_plus(self, meta, c):
        return ast.Ident(self._span(meta), "+"), None

    def sr_times(self, meta, c):
        return ast.Ident(self._span(meta), "*"), None

    def sr_number(self, meta, c):
        return ast.Literal(self._span(meta), self._number(c[0]))

    def sr_neg_number(self, meta, c):
        return ast.Literal(self._span(meta), -self._number(c[0]))

    def sr_name(self, meta, c):
        return ast.Literal(self._span(meta), _named_constant(str(c[0])))

    def sr_neg_name(self, meta, c):
        v = _named_constant(str(c[0]))
        return ast.Literal(self._span(meta), -v if isinstance(v, float) else v)

    def sr_true(self, meta, c):
        return ast.Literal(self._span(meta), True)

    def sr_false(self, meta, c):
        return ast.Literal(self._span(meta), False)


@v_args(meta=True)
class _Expressions(_Nodes):
    """Types, sizes and expressions: what the bodies of maps and the signatures are made of."""

    # -------------------------------------------------------------- types
    def tuple_type(self, meta, c):
        return ast.TupleTypeExpr(self._span(meta), tuple(c))

    def tensor_type(self, meta, c):
        dtype = None
        if c and isinstance(c[-1], Token) and c[-1].type == "DTYPE":
            dtype = str(c[-1])
            c = c[:-1]
        return ast.TensorTypeExpr(self._span(meta), tuple(c), dtype)

    def scalar_type(self, meta, c):
        return ast.TensorTypeExpr(self._span(meta), (), str(c[0]))

    def ptr_type(self, meta, c):
        *axes, _, target = c
        return ast.TensorTypeExpr(self._span(meta), tuple(a for a in axes if a is not None), "ptr", target)

    def scalar_ptr_type(self, meta, c):
        return ast.TensorTypeExpr(self._span(meta), (), "ptr", c[1])

    def size_add(self, meta, c):
        return ast.SizeOp(self._span(meta), "+", c[0], c[1])

    def size_sub(self, meta, c):
        return ast.SizeOp(self._span(meta), "-", c[0], c[1])

    def size_mul(self, meta, c):
        return ast.SizeOp(self._span(meta), "*", c[0], c[1])

    def size_name(self, meta, c):
        return ast.SizeName(self._span(meta), str(c[0]))

    def size_int(self, meta, c):
        return ast.SizeInt(self._span(meta), self._number(c[0]))

    # -------------------------------------------------------------- expressions
    def lambda_(self, meta, c):
        pat, body = c
        for item in pat.items if isinstance(pat, ast.TupleExpr) else (pat,):
            if isinstance(item, ast.Name) and item.name in reserved_words(_lark()):
                raise _SyntaxFailure(Msg.SYNTAX_RESERVED_BINDER, item.span, token=item.name)
        if isinstance(pat, ast.Name):
            return ast.Lambda(self._span(meta), (ast.Ident(pat.span, pat.name),), False, body)
        if isinstance(pat, ast.TupleExpr) and all(isinstance(i, ast.Name) for i in pat.items):
            params = tuple(ast.Ident(i.span, i.name) for i in pat.items)
            return ast.Lambda(self._span(meta), params, True, body)
        if isinstance(pat, ast.Unit):
            return ast.Lambda(self._span(meta), (), True, body)
        raise _SyntaxFailure(Msg.SYNTAX_BAD_LAMBDA, pat.span)

    def let_(self, meta, c):
        return ast.Let(self._span(meta), self._binder(c[0]), c[1], c[2])

    def if_(self, meta, c):
        return ast.If(self._span(meta), c[0], c[1], c[2])

    def reduce(self, meta, c):
        op = str(c[0])
        semiring = None
        rest = c[1:]
        if isinstance(rest[0], ast.SemiringRef):
            semiring, rest = rest[0], rest[1:]
        indices = tuple(self._binder(t) for t in rest[:-1])
        return ast.Reduce(self._span(meta), op, semiring, indices, rest[-1])

    def semiring(self, meta, c):
        return ast.SemiringRef(self._span(meta), self._ident(c[0]), tuple(c[1:]))

    def _scheme(scheme):  # noqa: N805 - a method factory
        def method(self, meta, c):
            over = self._ident(c[1]) if isinstance(c[1], Token) else c[1]
            return ast.FoldExpr(self._span(meta), scheme, c[0], over)

        return method

    fold = _scheme("fold")
    scan = _scheme("scan")
    unfold = _scheme("unfold")
    run = _scheme("run")
    map_over = _scheme("map")
    iterate = _scheme("iterate")
    iterate_until = _scheme("until")

    def for_(self, meta, c):
        return ast.For(self._span(meta), tuple(self._binder(t) for t in c[:-1]), c[-1])

    def _bin(op):  # noqa: N805 - a method factory
        def method(self, meta, c):
            return ast.BinOp(self._span(meta), op, c[0], c[1])

        return method

    compose = _bin(">>")
    via = _bin("via")
    fanout = _bin("&")
    or_ = _bin("or")
    and_ = _bin("and")
    add = _bin("+")
    sub = _bin("-")
    mul = _bin("*")
    div = _bin("/")
    matmul = _bin("@")
    mod = _bin("mod")
    pow = _bin("**")

    def compare(self, meta, c):
        return ast.BinOp(self._span(meta), str(c[1]), c[0], c[2])

    def not_(self, meta, c):
        return ast.Unary(self._span(meta), "not", c[0])

    def neg(self, meta, c):
        return ast.Unary(self._span(meta), "-", c[0])

    def call(self, meta, c):
        return ast.Call(self._span(meta), c[0], tuple(c[1:]))

    def reducer_call(self, meta, c):
        fn = ast.Name(_tok_span(self.file, c[0]), str(c[0]))
        return ast.Call(self._span(meta), fn, tuple(c[1:]))

    def subscript(self, meta, c):
        return ast.Subscript(self._span(meta), c[0], tuple(c[1:]))

    def subscript_fill(self, meta, c):
        return ast.Subscript(self._span(meta), c[0], tuple(c[1:-1]), c[-1])

    def field(self, meta, c):
        return ast.Field(self._span(meta), c[0], self._ident(c[1]))

    def kwarg(self, meta, c):
        return ast.KwArg(self._span(meta), self._ident(c[0]), c[1])

    def over_arg(self, meta, c):
        return ast.OverArg(self._span(meta), tuple(self._ident(t) for t in c))

    def name(self, meta, c):
        return ast.Name(self._span(meta), str(c[0]))

    def number(self, meta, c):
        return ast.Number(self._span(meta), self._number(c[0]), str(c[0]))

    def string(self, meta, c):
        return ast.String(self._span(meta), _unquote(str(c[0])))

    def true_(self, meta, c):
        return ast.BoolLit(self._span(meta), True)

    def false_(self, meta, c):
        return ast.BoolLit(self._span(meta), False)

    def tuple_(self, meta, c):
        return ast.TupleExpr(self._span(meta), tuple(c))

    def unit(self, meta, c):
        return ast.Unit(self._span(meta))


class _Builder(_Declarations, _Expressions, ExperimentParts):
    """Lark tree -> AST, one method per grammar alias: a declaration's from the one part, a
    type's or an expression's from the other."""


def _named_constant(text: str):
    return {"inf": float("inf")}.get(text, text)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
