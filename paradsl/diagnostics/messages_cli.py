"""What the `para` command prints about its own run: usage errors and summaries."""

from __future__ import annotations

from .template import Text


class CliText:
    VERSION = Text("para {version}")
    USAGE_ERROR = Text("para: error: {message}")
    NO_SUCH_FILE = Text("para: error: no such file: {file}")
    BAD_SIZE = Text("para: error: a size is NAME=INTEGER, got {item!r}")
    NO_SUCH_PARA = Text("para: error: no para named {name!r} in {file}")
    NO_SUCH_PARA_LISTED = Text("para: error: no para named {name!r} in {file}; the paras are: {names:comma}")
    NO_SUCH_PARA_CLOSE = Text("para: error: no para named {name!r} in {file}; did you mean {close!r}?")
    MAX_DEGREE_TOO_SMALL = Text("para: error: --max-degree must be at least 1")
    TRIALS_TOO_FEW = Text("para: error: --trials must be at least 1")
    ERROR_COUNT = Text("{errors} error{errors:|s}")
    CHECKED = Text("ok: {files} file{files:|s}, {paras} para{paras:|s}")
    WROTE = Text("wrote {path}")
    LAWS_CHECKED = Text("{checked} law{checked:|s} checked, {failed} failed")
