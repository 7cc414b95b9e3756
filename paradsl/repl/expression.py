"""An expression typed at the prompt, over the values bound there, as an anonymous para.

    relu(x) + 1.0      x @ W      sum i j. x[i, j]      Linear(4, 2)(v)[0]

The expression is parsed by the language's parser as a body and wrapped as a para with no
hyperparameters whose input is the values it names, at their types, and whose output is
whatever the body gives:

    para <fresh> : ([5, 4], [4, 3]) -> ? = (x, W) => x @ W

The checker checks it with everything in scope (`session.check`, `Extra`), inferring the
output type, and the one lowering compiles it with the rest of the program; calling its
module on the values is the evaluation. So an expression means at the prompt what it means
in a body, and its mistakes are the checker's diagnostics, located in the line typed.

A value bound at the prompt is a parameter of the wrapper's lambda, so in an expression it
hides a para or builtin of the same name, as any lambda's parameter does; binders inside the
expression (`y => ...`, `let`, `sum j.`) hide the values in turn, and a value named like an
index of the expression is renamed where it is read, since the checker would read a
parameter in scope before an index of its name. The wrapper's own name and, for an
expression that names no value, its one parameter are chosen off every name in scope and in
the expression, so they capture nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace

from .. import ir
from ..diagnostics import Diagnostic, DiagnosticSink, Span, render
from ..diagnostics.messages_cli import CliText
from ..syntax import ast, parse
from ..types import FixedAxis, TensorType, TupleType
from .session import Extra, Source, State, Value, check
from .texts import ReplText

#: What an expression's wrapper is called, primes added until no name in scope is it.
WRAPPER = "repl_expression'"
#: The parameter of the wrapper of an expression that names no value (it is given 0.0).
NO_VALUE = "no_value'"
#: The header the body is parsed under, on a line of its own before the text typed.
_HEADER = "para p : f32 -> f32 =\n"
_LANGUAGE_DTYPES = {"float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16", "int32": "i32",
                    "int64": "i64", "int8": "i8", "int16": "i16", "uint8": "u8", "uint32": "u32", "bool": "bool"}


class ExpressionError(Exception):
    """Why an expression cannot be evaluated: the text the REPL prints (diagnostics, rendered)."""


@dataclass(frozen=True)
class Piece:
    """A part of an input: the whole text typed (what diagnostics show) and where in it the
    part lies, so that a diagnostic points into the line typed."""

    source: str
    start: int
    end: int

    @staticmethod
    def whole(text: str) -> Piece:
        return Piece(text, 0, len(text))

    @property
    def text(self) -> str:
        return self.source[self.start:self.end]

    def stripped(self) -> Piece:
        t = self.text
        lead = len(t) - len(t.lstrip())
        return Piece(self.source, self.start + lead, self.start + len(t.rstrip()))

    def part(self, start: int, end: int) -> Piece:
        """The part from `start` to `end`, counted in this piece's text."""
        return Piece(self.source, self.start + start, self.start + end)


@dataclass(frozen=True)
class Checked:
    """An expression checked: the session with its wrapper (whose program builds it), the
    wrapper's IR and the values it takes, in the order of its parameters."""

    state: State
    para: ir.ParaDef
    values: tuple[Value, ...]

    @property
    def type(self) -> TensorType | TupleType:
        return self.para.type.cod  # type: ignore[return-value]


def check_expression(piece: Piece, state: State) -> Checked:
    """The expression in `piece` wrapped as a para and checked with the session's program."""
    file = state.input_name
    body = _parse(piece, file)
    names = [n for n in dict.fromkeys(_names(body)) if state.value(n) is not None]
    c0 = state.checked
    taken = set(c0.decls if c0 else ()) | set(c0.imported if c0 else ()) | _all_names(body) | {n for n, _ in state.values}
    values = tuple(state.value(n) for n in names)  # type: ignore[misc]
    # A value named like an index of the expression would be taken for it (a parameter in
    # scope is read before an index of its name): the value is renamed where it is read.
    renamed = {n: _fresh(n + "'", taken) for n in names if n in _indices(body)}
    body = _renamed(body, renamed)
    names = [renamed.get(n, n) for n in names]
    params = names or [_fresh(NO_VALUE, taken)]
    doms = [_type_expr(v, body.span) for v in values] or [ast.TensorTypeExpr(body.span, (), "f32")]
    dom = doms[0] if len(doms) == 1 else ast.TupleTypeExpr(body.span, tuple(doms))
    lam = ast.Lambda(body.span, tuple(ast.Ident(body.span, n) for n in params), len(params) > 1, body)
    name = ast.Ident(body.span, _fresh(WRAPPER, taken))
    decl = ast.ParaDecl(body.span, name, (), dom, None, (), (), lam)  # type: ignore[arg-type]
    new = check(state, Extra(decl, Source(file, piece.source, typed=True)))
    c = new.checked
    assert c is not None
    errors = [d for d in c.diagnostics if d.severity.value == "error"]
    if errors or new.program() is None:
        raise ExpressionError(_rendered([d for d in c.diagnostics if d.span.file == file] or errors, c.sources))
    para = next(p for p in new.program().paras if p.name == name.name and p.file == new.program().file)  # type: ignore[union-attr]
    return Checked(new, para, values)


def result_shapes(t: TensorType | TupleType) -> list[tuple[str, tuple[int, ...]]]:
    """Each tensor's dtype and sizes in a result type of fixed sizes, in order."""
    if isinstance(t, TupleType):
        return [s for item in t.items for s in result_shapes(item)]  # type: ignore[arg-type]
    return [(t.dtype, tuple(a.size.evaluate({}) for a in t.axes if isinstance(a, FixedAxis)))]


def _fresh(base: str, taken: set[str]) -> str:
    while base in taken:
        base += "'"
    return base


def _type_expr(v: Value, span: Span) -> ast.TensorTypeExpr:
    """The type a value has in the language: its sizes, fixed, and its dtype."""
    dtype = str(v.array.dtype)  # type: ignore[attr-defined]
    return ast.TensorTypeExpr(span, tuple(ast.SizeInt(span, int(n)) for n in v.array.shape),  # type: ignore[attr-defined]
                              _LANGUAGE_DTYPES.get(dtype, dtype))


def _parse(piece: Piece, file: str) -> ast.Expr:
    """The body in `piece`, its spans those of the text typed. It is parsed under a header
    on a line of its own, the rest of the input blanked, so only its lines move, by one."""
    blank = "".join(ch if ch == "\n" else " " for ch in piece.source)
    text = _HEADER + blank[:piece.start] + piece.text + blank[piece.end:]
    sink = DiagnosticSink()
    module = parse(text, file, sink)
    low = Span(file, 1, 1, 1, 1)
    if sink.has_errors:
        found = [replace(d, span=_up(d.span, low)) for d in sink.sorted()]
        raise ExpressionError(_rendered(found, {file: piece.source}))
    decls = module.decls if module is not None else ()
    if len(decls) != 1 or not isinstance(decls[0], ast.ParaDecl):
        raise ExpressionError(ReplText.NOT_EVALUABLE.format(text=piece.text.strip()))
    return _moved(decls[0].body, low)


def _up(span: Span, low: Span) -> Span:
    if span.line <= 1:  # the header, which the parser has no reason to blame: the input's start
        return low
    return Span(span.file, span.line - 1, span.col, span.end_line - 1, span.end_col)


def _moved(node, low: Span):
    """`node` with every span a line up."""
    if isinstance(node, Span):
        return _up(node, low)
    if isinstance(node, tuple):
        return tuple(_moved(n, low) for n in node)
    if is_dataclass(node) and not isinstance(node, type):
        return replace(node, **{f.name: _moved(getattr(node, f.name), low) for f in fields(node)})
    return node


def _names(node, bound: frozenset[str] = frozenset()) -> list[str]:
    """The names the expression reads that it does not bind itself, in order: a value of
    the prompt's is a parameter of the wrapper only where it is named free, so that an
    index, a lambda's parameter or a `let` of the same name is not taken for it."""
    if isinstance(node, ast.Name):
        return [] if node.name in bound else [node.name]
    if isinstance(node, tuple):
        return [n for item in node for n in _names(item, bound)]
    if isinstance(node, ast.Let):
        return _names(node.value, bound) + _names(node.body, bound | {node.name.name})
    if isinstance(node, ast.Lambda):
        return _names(node.body, bound | {p.name for p in node.params})
    if isinstance(node, (ast.For, ast.Reduce)):
        semiring = _names(node.semiring, bound) if isinstance(node, ast.Reduce) else []
        return semiring + _names(node.body, bound | {i.name for i in node.indices})
    if isinstance(node, ast.Node):
        return [n for f in fields(node) for n in _names(getattr(node, f.name), bound)]
    return []


def _indices(node) -> set[str]:
    """The index variables the expression binds, in `for` and in reductions."""
    here = {i.name for i in node.indices} if isinstance(node, (ast.For, ast.Reduce)) else set()
    if isinstance(node, tuple):
        return {n for item in node for n in _indices(item)}
    if isinstance(node, ast.Node):
        return here | {n for f in fields(node) for n in _indices(getattr(node, f.name))}
    return set()


def _renamed(node, names: dict[str, str], bound: frozenset[str] = frozenset()):
    """The expression with its free reads of `names` renamed, binders respected as `_names` does."""
    if not names:
        return node
    if isinstance(node, ast.Name):
        return node if node.name in bound or node.name not in names else replace(node, name=names[node.name])
    if isinstance(node, tuple):
        return tuple(_renamed(item, names, bound) for item in node)
    if isinstance(node, ast.Let):
        return replace(node, value=_renamed(node.value, names, bound),
                       body=_renamed(node.body, names, bound | {node.name.name}))
    if isinstance(node, ast.Lambda):
        return replace(node, body=_renamed(node.body, names, bound | {p.name for p in node.params}))
    if isinstance(node, (ast.For, ast.Reduce)):
        inner = _renamed(node.body, names, bound | {i.name for i in node.indices})
        if isinstance(node, ast.Reduce):
            return replace(node, semiring=_renamed(node.semiring, names, bound), body=inner)
        return replace(node, body=inner)
    if isinstance(node, ast.Node):
        return replace(node, **{f.name: _renamed(getattr(node, f.name), names, bound) for f in fields(node)})
    return node


def _all_names(node) -> set[str]:
    """Every name written in the expression, bound in it or not."""
    if isinstance(node, (ast.Name, ast.Ident)):
        return {node.name}
    if isinstance(node, tuple):
        return {n for item in node for n in _all_names(item)}
    if isinstance(node, ast.Node):
        return {n for f in fields(node) for n in _all_names(getattr(node, f.name))}
    return set()


def _rendered(found: list[Diagnostic], sources: dict[str, str]) -> str:
    lines = [render(d, sources) for d in found]
    errors = sum(1 for d in found if d.severity.value == "error")
    if errors:
        lines.append(CliText.ERROR_COUNT.format(errors=errors))
    return "\n".join(lines)
