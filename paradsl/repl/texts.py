"""What the REPL prints about its own work: every line as a template, filled with values.

As with the command line's texts, no module of the REPL writes English of its own; it names
one of these and passes the values.
"""

from __future__ import annotations

from ..diagnostics.template import Text


class ReplText:
    BANNER = Text("para {version} repl: :help lists the commands, :quit leaves")
    PROMPT = Text("para> ")
    CONTINUE = Text("  ... ")
    UNKNOWN_COMMAND = Text("para: error: unknown command :{name}; the commands are: {names:space}")
    UNKNOWN_COMMAND_CLOSE = Text("para: error: unknown command :{name}; did you mean :{close}?")
    USAGE = Text("para: error: usage: {usage}")
    NO_SUCH_NAME = Text("para: error: {name!r} is not in scope")
    NO_SUCH_NAME_CLOSE = Text("para: error: {name!r} is not in scope; did you mean {close!r}?")
    NOT_A_PARA = Text("para: error: {name!r} is a value, not a para")
    NOTHING_LOADED = Text("para: error: no file is loaded; :load FILE first")
    LOADED = Text("loaded {file}: {paras} para{paras:|s}")
    RELOADED = Text("reloaded {files} file{files:|s}: {paras} para{paras:|s} in scope")
    DEFINED = Text("defined {names:comma}")
    REDEFINED = Text("redefined {names:comma}")
    RECHECKED = Text("rechecked {names:comma}")
    IMPORTED = Text("imported {names:comma}")
    BOUND = Text("{name} : {type}")
    VALUE = Text("{type}\n{values}")
    TYPE_OF = Text("{expr} : {type}")
    DIAGRAM_WROTE = Text("wrote {path}: the string diagram of {name}")
    NO_TIES = Text("{name} ties no leaf")
    TIE_ROW = Text("  {leaf} = {source}  (from {sources:comma}; by {cell})")
    EVAL_RAISED = Text("para: error: {name} raised {kind}: {error}")
    BAD_ARGUMENTS = Text("para: error: {name} takes {count} hyperparameter{count:|s} ({names:comma}), given {given}")
    BAD_ARGUMENT = Text("para: error: {name}'s {hyper} is a {kind}, got {value!r}")
    UNKNOWN_ARGUMENT = Text("para: error: {name} has no hyperparameter {hyper!r}; its hyperparameters are: {names:comma}")
    BAD_SHAPE = Text("para: error: {name} takes {want}, given {given}")
    BAD_VALUE = Text("para: error: cannot read {text!r} as a value: {reason}")
    NOT_EVALUABLE = Text("para: error: cannot evaluate {text!r}; write an expression, x = randn[5, 4] or a declaration")
    TUPLE_VALUE = Text("para: error: {text!r} gives a tuple of {count} values; bind or pass one at a time")
    BROWSE_FILE = Text("-- {file}")
    BROWSE_PROMPT = Text("-- typed at the prompt")
    BROWSE_VALUES = Text("-- values")
    BROWSE_EMPTY = Text("nothing in scope yet; :load FILE, or type a declaration")
    HELP_ROW = Text("  {usage:<28} {summary}")
    HELP_HEAD = Text("Commands (any unique prefix works: :t for :type):")
    HELP_TAIL = Text("A declaration (para, reparam, import, ...) is checked and kept; an expression "
                     "(NAME(HYPERS)(VALUE), relu(x @ W), ...) is evaluated over the values bound; "
                     "x = randn[5, 4], x = [[1, 2], [3, 4]] or x = EXPR binds a value.")
