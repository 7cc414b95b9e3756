"""What the `para` command prints about its own run: usage errors and summaries."""

from __future__ import annotations

from .template import Text


class CliText:
    VERSION = Text("para {version}")
    USAGE_ERROR = Text("para: error: {message}")
    NO_SUCH_FILE = Text("para: error: no such file: {file}")
    BAD_SIZE = Text("para: error: a size is NAME=INTEGER, got {item!r}")
    SIZE_NEGATIVE = Text("para: error: {name} is a size or a Nat, at least 0; got {value}")
    SIZE_TOO_LARGE = Text("para: error: the value given for {name} ({digits} digits) is too large; a size is below 2**63")
    SIZE_UNKNOWN = Text("para: error: {name!r} is not a size of {owner}; its sizes are: {names:comma}")
    SIZE_TWICE = Text("para: error: {name} is given twice, as {first} and as {second}; give each size once")
    SIZE_UNKNOWN_NONE = Text("para: error: {name!r} is not a size of {owner}, which has no sizes")
    ONE_FILE = Text("para: error: `para {command}` takes one FILE; {extra!r} looks like a second one")
    NOT_A_FOLDER = Text("para: error: --path {path}: no such folder")
    OUTPUT_EMPTY = Text("para: error: -o needs a file name")
    OUTPUT_IS_SOURCE = Text("para: error: {path} is a source of this program; writing the module there would overwrite it")
    OUTPUT_IS_FOLDER = Text("para: error: cannot write {path}: it is a folder")
    OUTPUT_NO_FOLDER = Text("para: error: cannot write {path}: there is no folder {folder}")
    OUTPUT_FAILED = Text("para: error: cannot write {path}: {reason}")
    LAWS_RAISED = Text("para: error: the compiled module raised {kind} while its laws were checked: {error}")
    NO_SUCH_PARA = Text("para: error: no para named {name!r} in {file}")
    NO_SUCH_PARA_LISTED = Text("para: error: no para named {name!r} in {file}; the paras are: {names:comma}")
    NO_SUCH_PARA_CLOSE = Text("para: error: no para named {name!r} in {file}; did you mean {close!r}?")
    GENERIC_PARA = Text("para: error: {name!r} in {file} is generic, checked only as its instances: a use gives "
                        "its {binders:comma}; declare an instance, e.g. `para P(...) = {name}(..., {first} = ...)`, "
                        "and name that")
    NO_EXPERIMENT = Text("para: error: no experiment in {file}")
    NO_SUCH_EXPERIMENT = Text("para: error: no experiment named {name!r} in {file}; the experiments are: {names:comma}")
    NO_SUCH_EXPERIMENT_CLOSE = Text("para: error: no experiment named {name!r} in {file}; did you mean {close!r}?")
    WHICH_EXPERIMENT = Text("para: error: {file} has {n} experiments; name one: {names:comma}")
    SET_BAD_ITEM = Text("para: error: --set takes KEY=VALUE, got {item!r}")
    SET_UNKNOWN_KEY = Text("para: error: --set {key}: the experiment has no such setting; the settings are: "
                           "{known:comma}")
    SET_UNKNOWN_KEY_CLOSE = Text("para: error: --set {key}: the experiment has no such setting; did you mean "
                                 "{close!r}?")
    MAX_DEGREE_TOO_SMALL = Text("para: error: --max-degree must be at least 1")
    TRIALS_TOO_FEW = Text("para: error: --trials must be at least 1")
    DEPTH_NEGATIVE = Text("para: error: --depth must be at least 0, got {depth}")
    ERROR_COUNT = Text("{errors} error{errors:|s}")
    CHECKED = Text("ok: {files} file{files:|s}, {paras} para{paras:|s}")
    WROTE = Text("wrote {path}")
    LAWS_CHECKED = Text("{checked} law{checked:|s} checked, {failed} failed")
