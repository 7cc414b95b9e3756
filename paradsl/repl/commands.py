"""The REPL's inputs, each a function from the state and what was typed to an `Outcome`:
the text to print and the state after it. The commands reuse what `para params`, `para
cost`, `para laws`, `para compile` and `para diagram` run (`paradsl.analysis`, `paradsl.api`); none has an
implementation of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .._version import __version__
from ..diagnostics import render
from ..diagnostics.messages_cli import CliText
from ..size_args import misfit, parse_sizes
from . import input as typed
from .evaluate import (
    EvalError,
    describe,
    find_para,
    hyper_values,
    read_value,
    split_head,
    type_of,
)
from .expression import Piece
from .session import Source, State, check, depends_on, own_paras, read_file
from .texts import ReplText


@dataclass(frozen=True)
class Outcome:
    """What an input gave: text to print (`lang` says how to highlight it), the new state,
    whether it was a mistake, and whether the session ends."""

    text: str
    state: State
    error: bool = False
    quit: bool = False
    lang: str | None = None


def run(state: State, text: str) -> Outcome:
    """Read one whole input (`input.is_complete` says when it is whole)."""
    k = typed.kind(text)
    if k is typed.Kind.EMPTY:
        return Outcome("", state)
    state = state.counted()
    if k is typed.Kind.COMMAND:
        return command(state, text)
    if k is typed.Kind.DECLARATION:
        return declare(state, text)
    bound = typed.binding(text) if k is typed.Kind.BINDING else None
    # The expression keeps its place in the text typed, where its diagnostics point.
    value = Piece(text, bound[1], len(text)) if bound else Piece.whole(text)
    try:
        if bound is None:
            return Outcome(describe(value, state), state)
        v = read_value(value, state)
    except EvalError as e:
        return Outcome(str(e), state, error=True)
    return Outcome(ReplText.BOUND.format(name=bound[0], type=v.type), state.bind(bound[0], v))


# ---------------------------------------------------------------------- declarations


def _diagnostics(new, keep_warnings_of: set[str]) -> str:
    c = new.checked
    shown = [d for d in c.diagnostics if d.severity.value == "error" or d.span.file in keep_warnings_of]
    lines = [render(d, c.sources) for d in shown]
    errors = sum(1 for d in shown if d.severity.value == "error")
    if errors:
        lines.append(CliText.ERROR_COUNT.format(errors=errors))
    return "\n".join(lines)


def declare(state: State, text: str) -> Outcome:
    """A declaration typed at the prompt: checked with everything in scope, kept if it checks."""
    file = state.input_name
    new = check(state.with_text(Source(file, text, typed=True)))
    report = _diagnostics(new, {file})
    if not new.checked.ok:
        return Outcome(report, state, error=True)
    names = [n for n, f in new.checked.origin.items() if f == file]
    old = state.checked.decls if state.checked else {}
    lines = [report] if report else []
    fresh = [n for n in names if n not in old]
    again = [n for n in names if n in old]
    imports = sorted(set(new.checked.imported) - set(state.checked.imported if state.checked else ()))
    if fresh:
        lines.append(ReplText.DEFINED.format(names=fresh))
    if again:
        lines.append(ReplText.REDEFINED.format(names=again))
        users = depends_on(new, set(again))
        if users:
            lines.append(ReplText.RECHECKED.format(names=users))
    if not names and imports:
        lines.append(ReplText.IMPORTED.format(names=imports))
    return Outcome("\n".join(lines), new)


def load(state: State, files: list[str], reload: bool = False) -> Outcome:
    """Read files and check them with what is in scope; nothing changes if one has an error."""
    new = state
    for f in files:
        src, problems, sources = read_file(f)
        if src is None:
            return Outcome("\n".join(render(d, sources) for d in problems), state, error=True)
        new = new.with_text(src)
    new = check(new)
    report = _diagnostics(new, {f.name for f in new.files})
    if not new.checked.ok:
        return Outcome(report, state, error=True)
    lines = [report] if report else []
    if reload:
        lines.append(ReplText.RELOADED.format(files=len(files), paras=len(own_paras(new))))
    else:
        for f in new.files[len(new.files) - len(files):]:
            n = sum(1 for origin in new.checked.origin.values() if origin == f.name)
            lines.append(ReplText.LOADED.format(file=f.name, paras=n))
    return Outcome("\n".join(lines), new)


# ---------------------------------------------------------------------- commands


@dataclass(frozen=True)
class Command:
    """A command; `run` is given what follows its name, as text or, where `located`, as the
    `Piece` of the input it is, so that the diagnostics about it point into the line typed."""

    name: str
    usage: str
    summary: str
    run: Callable[[State, str], Outcome] | Callable[[State, Piece], Outcome]
    located: bool = False


def _fail(text: str, state: State) -> Outcome:
    return Outcome(text, state, error=True)


def _load(state: State, arg: str) -> Outcome:
    files = arg.split()
    if not files:
        return _fail(ReplText.USAGE.format(usage=COMMANDS["load"].usage), state)
    return load(state, files)


def _reload(state: State, arg: str) -> Outcome:
    names = [f.name for f in state.files]
    if not names:
        return _fail(ReplText.NOTHING_LOADED.format(), state)
    return load(state, names, reload=True)


def _type(state: State, arg: Piece) -> Outcome:
    if not arg.text.strip():
        return _fail(ReplText.USAGE.format(usage=COMMANDS["type"].usage), state)
    try:
        return Outcome(ReplText.TYPE_OF.format(expr=arg.text.strip(), type=type_of(arg, state)), state)
    except EvalError as e:
        return _fail(str(e), state)


def _name_and_sizes(state: State, arg: str, usage: str):
    """NAME and `n=16 d=64` after it, the para it names checked; or the Outcome that says why not."""
    words = arg.split()
    if not words:
        return None, _fail(ReplText.USAGE.format(usage=usage), state)
    try:
        para = find_para(words[0], state)
    except EvalError as e:
        return None, _fail(str(e), state)
    sizes = parse_sizes(words[1:])
    wrong = sizes if isinstance(sizes, str) else misfit(sizes, [para], para.name)
    if wrong is not None:
        return None, _fail(wrong, state)
    return (para, sizes), None


def _params(state: State, arg: str) -> Outcome:
    from ..analysis.params import report

    got, failed = _name_and_sizes(state, arg, COMMANDS["params"].usage)
    if got is None:
        return failed
    para, sizes = got
    return Outcome(report(state.program(), para.name).format(sizes), state)


def _cost(state: State, arg: str) -> Outcome:
    from ..analysis.cost import report

    got, failed = _name_and_sizes(state, arg, COMMANDS["cost"].usage)
    if got is None:
        return failed
    para, sizes = got
    return Outcome(report(state.program(), para.name).format(sizes), state)


def _laws(state: State, arg: str) -> Outcome:
    from ..analysis.laws import format_results, program_laws

    got, failed = _name_and_sizes(state, arg, COMMANDS["laws"].usage)
    if got is None:
        return failed
    para, sizes = got
    try:
        results = program_laws(state.program(), para.name, sizes)
    except Exception as e:  # noqa: BLE001 - what the user's program does at these sizes, reported
        lines = str(e).strip().splitlines()
        return _fail(CliText.LAWS_RAISED.format(kind=type(e).__name__, error=lines[0] if lines else repr(e)), state)
    checked = [r for r in results if not r.skipped]
    failed_laws = [r for r in checked if not r.ok]
    text = format_results(results) + "\n" + CliText.LAWS_CHECKED.format(checked=len(checked), failed=len(failed_laws))
    return Outcome(text, state, error=bool(failed_laws))


def _ties(state: State, arg: str) -> Outcome:
    from ..analysis.params import report

    got, failed = _name_and_sizes(state, arg, COMMANDS["ties"].usage)
    if got is None:
        return failed
    para, _ = got
    rows = report(state.program(), para.name).rows
    paths = [r.path for r in rows]
    lines = [para.signature()]
    for r in rows:
        if r.tie is None:
            continue
        target, _, source = r.tie.rpartition(": ")[2].partition(" = ")
        lines.append(ReplText.TIE_ROW.format(leaf=r.path, source=source, sources=_read_from(r.path, target, source, paths),
                                             cell=_cell(source)))
    if len(lines) == 1:
        lines.append(ReplText.NO_TIES.format(name=para.name))
    return Outcome("\n".join(lines), state)


def _read_from(leaf: str, target: str, source: str, paths: list[str]) -> list[str]:
    """The leaves a tie reads: those it names, or for a copy `l2 = l1` the same leaf of l1."""
    named = [p for p in paths if re.search(rf"(?<![\w.]){re.escape(p)}(?![\w])", source)]
    if named:
        return named
    if re.fullmatch(r"[\w.']+", source) and leaf.startswith(target):
        return [source + leaf[len(target):]]
    return [source]


def _cell(source: str) -> str:
    """The 2-cell a tie applies: the reparam or builtin it calls, or the copy."""
    m = re.match(r"\s*([A-Za-z_][\w']*)\s*\(", source)
    return m.group(1) if m else "copy"


def _compile(state: State, arg: str) -> Outcome:
    import ast as pyast

    from .. import api
    from ..lower import para_classes

    got, failed = _name_and_sizes(state, arg, COMMANDS["compile"].usage)
    if got is None:
        return failed
    para, _ = got
    program = state.program()
    source = api.compile_program(program)
    ref = para_classes(program)[(para.file, para.name)]
    if ref.module is not None:  # a stdlib para: the class its compiled module holds
        return Outcome(source, state, lang="python")
    for node in pyast.parse(source).body:
        if isinstance(node, pyast.ClassDef) and node.name == ref.name:
            return Outcome(pyast.get_source_segment(source, node) or source, state, lang="python")
    return Outcome(source, state, lang="python")


def _diagram(state: State, arg: str) -> Outcome:
    """The string diagram of a para, written as SVG to FILE (NAME.svg by default)."""
    from pathlib import Path

    from ..diagram import layout, to_svg

    words = arg.split()
    files = [w for w in words[1:] if w.endswith(".svg")]
    if len(files) > 1:
        return _fail(ReplText.USAGE.format(usage=COMMANDS["diagram"].usage), state)
    got, failed = _name_and_sizes(state, " ".join(w for w in words if w not in files), COMMANDS["diagram"].usage)
    if got is None:
        return failed
    para, sizes = got
    path = files[0] if files else f"{para.name}.svg"
    try:
        Path(path).write_text(to_svg(layout(state.program(), para.name, 1, sizes)), encoding="utf-8")
    except OSError as e:
        return _fail(CliText.OUTPUT_FAILED.format(path=path, reason=e.strerror or str(e)), state)
    return Outcome(ReplText.DIAGRAM_WROTE.format(path=path, name=para.name), state)


def _browse(state: State, arg: str) -> Outcome:
    c = state.checked
    if c is None or (not c.decls and not state.values):
        return Outcome(ReplText.BROWSE_EMPTY.format(), state)
    paras = {p.name: p for p in own_paras(state)}
    lines: list[str] = []
    for src in dict.fromkeys(c.origin.values()):
        names = [n for n, f in c.origin.items() if f == src]
        head = ReplText.BROWSE_PROMPT.format() if src.startswith("<repl") else ReplText.BROWSE_FILE.format(file=src)
        if head not in lines:
            lines.append(head)
        lines += [paras[n].signature() if n in paras else n for n in names]
    if state.values:
        lines.append(ReplText.BROWSE_VALUES.format())
        lines += [ReplText.BOUND.format(name=n, type=v.type) for n, v in state.values]
    return Outcome("\n".join(lines), state)


def _help(state: State, arg: str) -> Outcome:
    name = arg.strip().lstrip(":")
    if name:
        cmd = _lookup(name)
        if isinstance(cmd, str):
            return _fail(cmd, state)
        return Outcome(ReplText.HELP_ROW.format(usage=cmd.usage, summary=cmd.summary), state)
    rows = [ReplText.HELP_ROW.format(usage=c.usage, summary=c.summary) for c in COMMANDS.values()]
    return Outcome("\n".join([ReplText.HELP_HEAD.format(), *rows, ReplText.HELP_TAIL.format()]), state)


def _quit(state: State, arg: str) -> Outcome:
    return Outcome("", state, quit=True)


COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("load", ":load FILE ...", "check files and bring their declarations into scope", _load),
    Command("reload", ":reload", "read the loaded files again", _reload),
    Command("type", ":type EXPR", "the type of a para, a para with hyperparameters, or an expression", _type, True),
    Command("params", ":params NAME [n=16 ...]", "|P|, |Q| and the leaf table", _params),
    Command("cost", ":cost NAME [n=16 ...]", "parameters, activation memory and FLOPs", _cost),
    Command("laws", ":laws NAME [n=16 ...]", "check 2-cell laws and equivariances numerically", _laws),
    Command("ties", ":ties NAME", "which leaf is computed from which, by which 2-cell", _ties),
    Command("compile", ":compile NAME", "the emitted Python class", _compile),
    Command("diagram", ":diagram NAME [n=16 ...] [FILE]", "the string diagram, as SVG (NAME.svg by default)",
            _diagram),
    Command("browse", ":browse", "what is in scope, with signatures", _browse),
    Command("help", ":help [COMMAND]", "this list, or one command", _help),
    Command("quit", ":quit", "leave (also Ctrl-D)", _quit),
)}


def _lookup(name: str) -> Command | str:
    """The command `name` names, or a prefix of exactly one; else the message saying so."""
    if name in COMMANDS:
        return COMMANDS[name]
    starts = [c for c in COMMANDS if c.startswith(name)]
    if len(starts) == 1 and name:
        return COMMANDS[starts[0]]
    from ..check.suggest import closest

    close = closest(name, list(COMMANDS)) or (starts[0] if starts else None)
    if close:
        return ReplText.UNKNOWN_COMMAND_CLOSE.format(name=name, close=close)
    return ReplText.UNKNOWN_COMMAND.format(name=name, names=[":" + c for c in COMMANDS])


def command(state: State, text: str) -> Outcome:
    """A command typed: `text` is the whole input, `:` and all."""
    colon = text.index(":") + 1
    name, _, arg = text[colon:].strip().partition(" ")
    cmd = _lookup(name)
    if isinstance(cmd, str):
        return _fail(cmd, state)
    if cmd.located:
        start = colon + len(text[colon:]) - len(text[colon:].lstrip()) + len(name)
        return cmd.run(state, Piece(text, start, len(text)).stripped())  # type: ignore[arg-type]
    return cmd.run(state, arg.strip())  # type: ignore[arg-type]


def banner() -> str:
    return ReplText.BANNER.format(version=__version__)


__all__ = ["COMMANDS", "Outcome", "banner", "command", "declare", "hyper_values", "load", "run", "split_head"]
