"""Source files and what imports may reach (E0007-E0009, E0110-E0111).

A file that cannot be read as text, an integer too long to be a number, and an import the
project's folders do not hold. The texts name the file as the loader shows it.
"""

from __future__ import annotations

from .codes import E0007, E0008, E0009, E0110, E0111
from .template import Message

_READ_HINT = "give the path of a readable `.para` file"


class InputsMsg:
    # ---- E0007-E0009: reading a source file
    SOURCE_NOT_UTF8 = Message(
        E0007, "{path} is not UTF-8 text: byte {byte} here cannot be decoded",
        "save the file as UTF-8; a source file is UTF-8 text",
    )
    INTEGER_TOO_LONG = Message(
        E0008, "this integer literal has {digits} digits, more than the {limit} a number may have",
        "no size or integer value is this large; write a smaller number",
    )
    SOURCE_UNREADABLE = Message(E0009, "cannot read {path}: {reason}", _READ_HINT)
    SOURCE_NOT_REGULAR = Message(
        E0009, "{path} is not a regular file", "a source is a `.para` file, not a directory, a device or a pipe"
    )
    SOURCE_TOO_LARGE = Message(E0009, "{path} is larger than {limit} bytes", "split the program into files that import each other")
    SOURCE_PATH_NUL = Message(E0009, "the path {path!r} contains a NUL character", "remove it from the path")

    # ---- E0110-E0111: what an import may read
    IMPORT_OUTSIDE = Message(
        E0110, "{path} is outside the project folders {roots:comma}",
        "an import reads files under the folder of the file checked or a folder given with `--path`; "
        "`--allow-outside` lifts the rule",
    )
    IMPORT_NOT_PARA = Message(
        E0111, "cannot import {what!r}: only `.para` files can be imported",
        'an import names a source file, `import "layers.para"`',
    )
