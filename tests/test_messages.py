"""Messages as data: every diagnostic's text and hint is a template in `paradsl.diagnostics`.

The templates are checked on their own (codes, placeholders, style, formatting) and against
the calls that use them: a call passes exactly a template's placeholders, and no pass
passes a sentence of its own.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from paradsl.diagnostics import CODES, MESSAGES, Message, Msg, Part, messages_of
from paradsl.diagnostics import messages_cli as cli_texts
from paradsl.diagnostics.template import Text, fill, placeholders, takes_sequence, templates_of

PACKAGE = Path(__file__).resolve().parent.parent / "paradsl"

#: Files whose calls still compose text; each entry flips to a failure once the file is converted.
UNCONVERTED: set[str] = set()

_BARE = re.compile(r"^\{\w+(![rsa])?\}$")


# ---------------------------------------------------------------------- the templates


def _sample(template: str | None, values: dict[str, object]) -> None:
    """Values for a template's placeholders, of the kind each placeholder's format asks for."""
    for _, name, spec, _ in string.Formatter().parse(template or ""):
        if name is None:
            continue
        if spec and takes_sequence(spec):
            values[name] = ("a", "b")
        elif spec and "|" in spec:
            values.setdefault(name, 2)
        else:
            values.setdefault(name, "x")


def test_every_message_has_a_registered_code():
    for name, m in MESSAGES.items():
        assert CODES.get(m.code) is m.error, f"{name}: {m.code} is not registered in CODES"


def test_every_code_has_a_message():
    assert not [code for code in CODES if not messages_of(code)]


def test_no_message_name_is_defined_twice():
    seen: dict[str, str] = {}
    for cls in Msg.__mro__[1:-1]:
        for name, value in vars(cls).items():
            if isinstance(value, Message):
                assert name not in seen, f"{name} is defined in {seen[name]} and {cls.__name__}"
                seen[name] = cls.__name__


def test_no_two_messages_say_the_same():
    seen: dict[tuple, str] = {}
    for name, m in MESSAGES.items():
        key = (m.code, m.text, m.hint)
        assert key not in seen, f"{name} repeats {seen[key]}"
        seen[key] = name


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_formats(name: str):
    m = MESSAGES[name]
    values: dict[str, object] = {}
    _sample(m.text, values)
    _sample(m.hint, values)
    assert set(values) == m.placeholders
    text, hint = m.format(**values)
    assert "{" not in text.replace("{{", "") and (hint is None or "{" not in hint.replace("{{", ""))


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_style(name: str):
    """Sentence case, no trailing period, and a template that says something of its own."""
    m = MESSAGES[name]
    for part in (m.text, m.hint):
        if part is None:
            continue
        assert not part.endswith(".") or part.endswith("..."), part
        if part is m.text:  # a hint may begin with a name, `Bool's factors ...`
            assert not part[0].isupper() or part.split()[0].isupper(), part
        assert not _BARE.match(part), f"{name} is only a placeholder: {part!r}"


_TEXTS = {**{f"CliText.{k}": v for k, v in templates_of(cli_texts.CliText, Text).items()},
          **{f"Part.{k}": v for k, v in templates_of(Part, Text).items()}}


def _named_messages() -> set[str]:
    """Every `Msg.X` a module outside the diagnostics names."""
    used = set()
    for rel in _sources():
        for n in ast.walk(ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))):
            if isinstance(n, ast.Attribute) and _msg_names(n):
                used.add(n.attr)
    return used


def test_every_message_is_named_by_a_pass():
    unused = set(MESSAGES) - _named_messages()
    assert not unused, sorted(unused)


def test_every_named_message_exists():
    assert not _named_messages() - set(MESSAGES)


@pytest.mark.parametrize("name", sorted(_TEXTS))
def test_text_formats(name: str):
    t = _TEXTS[name]
    values: dict[str, object] = {}
    _sample(t.text, values)
    assert set(values) == t.placeholders
    assert "{" not in t.format(**values)


def test_plural_and_list_formats():
    assert fill("{n} argument{n:|s}", {"n": 1}) == "1 argument"
    assert fill("{n} ax{n:is|es}", {"n": 3}) == "3 axes"
    assert fill("{xs:quoted comma}", {"xs": ["a", "b"]}) == "'a', 'b'"
    assert fill("{xs:arrow}", {"xs": ("A", "B", "A")}) == "A -> B -> A"
    assert fill("{xs:choice}", {"xs": ["a"]}) == "a"
    assert fill("{xs:choice}", {"xs": ["a", "b", "c"]}) == "a, b or c"
    assert fill("{xs:choice}", {"xs": "abcdefg"}) == "a, b, c, d, e, f, ..."
    assert placeholders("{a!r} and {b:|s} of {c.d}") == {"a", "b", "c"}
    assert fill("{k:article}, {ks:article or}", {"k": "algebra", "ks": ["monoid", "mealy"]}) == (
        "an algebra, a monoid or a Mealy machine")


# ---------------------------------------------------------------------- the calls


class _Call:
    """A call that names a message: `sink.error(Msg.X, span, **values)` or any `f(Msg.X, ...)`."""

    def __init__(self, node: ast.Call, msg: str):
        self.node, self.msg = node, msg
        self.keywords = {k.arg for k in node.keywords if k.arg is not None and k.arg != "notes"}
        self.splat = any(k.arg is None for k in node.keywords)


def _msg_names(node: ast.expr, local: dict[str, list[ast.expr]] | None = None) -> list[str]:
    """The messages an argument names: `Msg.X`, a choice between them, or a local name given one."""
    if isinstance(node, ast.Name) and local:
        return [n for v in local.get(node.id, ()) for n in _msg_names(v)]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Msg":
        return [node.attr]
    if isinstance(node, ast.IfExp):
        return _msg_names(node.body, local) + _msg_names(node.orelse, local)
    return []


def _locals(fn: ast.AST) -> dict[str, list[ast.expr]]:
    """What each local name of a function is assigned."""
    local: dict[str, list[ast.expr]] = {}
    for node in ast.walk(fn):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        local.setdefault(n.id, []).append(node.value)
    return local


def _functions(tree: ast.AST) -> list[ast.AST]:
    return [fn for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _calls(path: Path) -> list[_Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out, seen = [], set()
    for fn in [tree] + _functions(tree):
        local = _locals(fn) if fn is not tree else {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and node.args and id(node) not in seen:
                names = _msg_names(node.args[0], local)
                if names:
                    seen.add(id(node))
                    out += [_Call(node, name) for name in names]
    return out


def _sentences(node: ast.AST) -> list[str]:
    """The literal text inside an expression: f-strings, and string literals with a space."""
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.JoinedStr):
            out.append(ast.unparse(sub))
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and " " in sub.value:
            out.append(repr(sub.value))
    return out


def _text_of(node: ast.expr) -> list[str]:
    """The text an expression evaluates to, where it is text: literals, f-strings, and sums and choices
    of them; not strings held in a table (a kind such as "commutative monoid" is a value)."""
    if isinstance(node, (ast.JoinedStr, ast.Constant)):
        return _sentences(node)
    if isinstance(node, ast.BinOp):
        return _text_of(node.left) + _text_of(node.right)
    if isinstance(node, ast.IfExp):
        return _text_of(node.body) + _text_of(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [s for v in node.values for s in _text_of(v)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return _text_of(node.func.value) + [s for a in node.args for s in _sentences(a)]
    return []


def _reporting_calls(tree: ast.AST, local: dict[str, list[ast.expr]] | None = None) -> list[ast.Call]:
    """`error(...)`/`warning(...)` calls, the command line's `print` and `exit`, and calls that name a message."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("error", "warning", "print", "exit") or (node.args and _msg_names(node.args[0], local)):
            out.append(node)
    return out


def _sources() -> list[str]:
    return sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "diagnostics" not in p.parts)


def _params(files: list[str]) -> list:
    return [pytest.param(f, marks=pytest.mark.xfail(strict=True, reason="composes its own text"))
            if f in UNCONVERTED else f for f in files]


def _assigned(tree: ast.AST) -> dict[ast.Call, dict[str, list[ast.expr]]]:
    """Each reporting call, with what the local names of its function were assigned."""
    out = {}
    for fn in _functions(tree):
        local = _locals(fn)
        for call in _reporting_calls(fn, local):
            out[call] = local
    return out


@pytest.mark.parametrize("rel", _params(_sources()))
def test_no_pass_composes_a_sentence(rel: str):
    tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
    found = []
    for call, local in _assigned(tree).items():
        # Past the message a call names, a literal sentence as a positional argument is text too.
        start = 1 if call.args and _msg_names(call.args[0], local) else 0
        values = [(k.arg, k.value) for k in call.keywords] + [(None, a) for a in call.args[start:]]
        for arg, value in values:
            found += [f"line {call.lineno}: {arg or 'argument'}={s}" for s in _sentences(value)]
            # A sentence composed into a local name first is composed all the same.
            for v in [a for n in ast.walk(value) if isinstance(n, ast.Name) for a in local.get(n.id, ())]:
                found += [f"line {call.lineno}: {arg or 'argument'}={s}" for s in _text_of(v)]
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.parametrize("rel", _sources())
def test_calls_pass_exactly_the_placeholders(rel: str):
    problems = []
    for c in _calls(PACKAGE / rel):
        m = MESSAGES.get(c.msg)
        if m is None:
            problems.append(f"line {c.node.lineno}: no message Msg.{c.msg}")
            continue
        if c.splat:
            problems.append(f"line {c.node.lineno}: Msg.{c.msg} is given `**values`; name them")
        elif c.keywords != m.placeholders:
            problems.append(f"line {c.node.lineno}: Msg.{c.msg} takes {sorted(m.placeholders)}, given {sorted(c.keywords)}")
    assert not problems, "\n".join(problems)


def test_command_line_texts_are_given_exactly_their_placeholders():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    texts = templates_of(cli_texts.CliText, Text)
    problems, used = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            t = node.func.value
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "CliText":
                used.add(t.attr)
                given = {k.arg for k in node.keywords}
                if given != texts[t.attr].placeholders:
                    problems.append(f"line {node.lineno}: CliText.{t.attr} given {sorted(given)}")
    assert not problems, "\n".join(problems)
    # A text passed on to be printed later, as `_prepare`'s problem, takes no values.
    passed = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
              and n.value.id == "CliText"} - used
    assert all(not texts[name].placeholders for name in passed), passed
