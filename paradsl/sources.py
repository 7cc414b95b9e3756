"""Reading a source file from disk: every way that can fail is a diagnostic, not a traceback.

A path is resolved (symlinks followed) and opened once; what is read must be a regular file
of UTF-8 text of bounded size. The text comes back normalised (`diagnostics.lines`), so the
positions the lexer counts and the snippets the renderer shows agree. A failure raises
`SourceProblem`, a message and its values that the loader reports at the import or file it
concerns.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .diagnostics import Message, Msg
from .diagnostics.lines import normalise, position

#: The most bytes a source file may have; a larger one is refused before it is read whole.
MAX_SOURCE_BYTES = 64 * 1024 * 1024


class SourceProblem(Exception):
    """Why a file cannot be read: the message to report and its values, and where in the
    file (line, column) when the problem is inside it."""

    def __init__(self, msg: Message, at: tuple[int, int] | None = None, text: str | None = None, **values: object):
        super().__init__(msg.code)
        #: `text` is what could be read, for the snippet of a problem `at` a place in it.
        self.msg, self.at, self.text, self.values = msg, at, text, values


def resolved(path: Path, shown: str) -> Path:
    """`path` absolute with its symlinks followed; a loop, a NUL or an over-long name is a problem."""
    try:
        return path.resolve()
    except ValueError:
        raise SourceProblem(Msg.SOURCE_PATH_NUL, path=shown) from None
    except RuntimeError:  # pathlib's report of a symlink loop
        raise SourceProblem(Msg.SOURCE_UNREADABLE, path=shown, reason=_lower(os.strerror(errno.ELOOP))) from None
    except OSError as e:
        raise SourceProblem(Msg.SOURCE_UNREADABLE, path=shown, reason=_reason(e)) from None


def exists(path: Path) -> bool:
    """Whether anything is at `path`; False only where nothing is (other failures are the reader's to report)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError):
        return True
    return True


def read(path: Path, shown: str) -> str:
    """The normalised text of the regular UTF-8 file at `path` (as `shown` in messages)."""
    data = _read_bytes(path, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = normalise(data[: e.start].decode("utf-8"))
        shown_text = normalise(data.decode("utf-8", errors="replace"))
        raise SourceProblem(Msg.SOURCE_NOT_UTF8, position(before, len(before)), shown_text, path=shown,
                            byte=hex(data[e.start])) from None
    return normalise(text)


def _read_bytes(path: Path, shown: str) -> bytes:
    try:
        # Non-blocking, so that a pipe given as a source is refused rather than waited on.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError:
        raise SourceProblem(Msg.SOURCE_PATH_NUL, path=shown) from None
    except OSError as e:
        raise SourceProblem(Msg.SOURCE_UNREADABLE, path=shown, reason=_reason(e)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SourceProblem(Msg.SOURCE_NOT_REGULAR, path=shown)
        chunks, size = [], 0
        while size <= MAX_SOURCE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SOURCE_BYTES:
            raise SourceProblem(Msg.SOURCE_TOO_LARGE, path=shown, limit=MAX_SOURCE_BYTES)
        return b"".join(chunks)
    except OSError as e:
        raise SourceProblem(Msg.SOURCE_UNREADABLE, path=shown, reason=_reason(e)) from None
    finally:
        os.close(fd)


def _reason(e: OSError) -> str:
    """The system's own words for a failure, lower-cased to sit inside a message."""
    return _lower(e.strerror or os.strerror(e.errno or errno.EIO))


def _lower(words: str) -> str:
    return words[:1].lower() + words[1:]
