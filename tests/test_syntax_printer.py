"""The AST dump: deterministic, without spans, one line for a small node, wrapped when wide."""

from __future__ import annotations

import pytest

from paradsl.diagnostics import DiagnosticSink
from paradsl.syntax import ast, parse
from paradsl.syntax.printer import format_module, format_node

SOURCE = "para Id(d: Nat) : [d] -> [d]\n  = x => x + 1.0\n"


def _parse(text: str, file: str = "a.para") -> ast.Module:
    sink = DiagnosticSink()
    module = parse(text, file, sink)
    assert module is not None and not sink.diagnostics
    return module


def test_small_declaration_dump():
    decl = _parse(SOURCE).decls[0]
    assert format_node(decl.body, width=200) == (
        "(Lambda params=[x] tupled=False body=(BinOp op='+' left=(Name name='x') right=(Number value=1.0 text='1.0')))"
    )
    assert format_node(decl.binders) == "[(Binder name=d kind=Nat)]"


def test_spans_and_file_are_not_printed():
    """The same text in another file, moved down by blank lines, dumps the same."""
    assert format_module(_parse(SOURCE)) == format_module(_parse("\n\n" + SOURCE, "elsewhere/b.para"))


def test_a_change_to_the_tree_changes_the_dump():
    assert format_module(_parse(SOURCE)) != format_module(_parse(SOURCE.replace("1.0", "2.0")))
    assert format_module(_parse(SOURCE)) != format_module(_parse(SOURCE.replace("+", "*")))


def test_wide_nodes_wrap_within_the_width():
    module = _parse(SOURCE)
    lines = format_node(module, width=40).splitlines()
    assert lines[:3] == ["(Module", "  decls=[", "    (ParaDecl"]
    assert lines[-1].endswith(")])")
    # Wrapping changes only the layout: joining the lines gives the one-line form.
    assert " ".join(line.strip() for line in lines).replace("[ ", "[") == format_node(module, width=10_000)


def test_not_an_ast_node_is_an_error():
    from paradsl.diagnostics import Span

    with pytest.raises(TypeError, match="not an AST node"):
        format_node(Span("f", 1, 1, 1, 2))
