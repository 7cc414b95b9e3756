"""Safe lists (E1120-E1124): a subscript that may fall outside its axis says what it reads
there, since nothing wraps or clamps silently; and a position table is at least as long as
the index set whose positions read it."""

from __future__ import annotations

from .codes import E1120, E1121, E1122, E1123, E1124
from .template import Message

_FILL = ("say what it reads outside the axis after `else`, inside the brackets: `{name}[a - 1 else 0.0]` "
         "reads 0.0 before the first position; on a `cyc`, `{name}[(a - 1) mod n]` wraps round instead")


class ListsMsg:
    SHIFT_UNFILLED = Message(
        E1120, "this subscript of {name!r} is computed from a position and may fall outside {axis}", _FILL,
    )
    SHIFT_UNFILLED_OF_VALUE = Message(
        E1120, "this subscript is computed from a position and may fall outside {axis}",
        _FILL.replace("{name}", "x"),
    )
    FILL_DTYPE = Message(
        E1121, "the fill {fill} is {found}, and the tensor it is read from holds {dtype}",
        "write a fill of the tensor's own dtype, such as {example}",
    )
    FILL_NOT_CONSTANT = Message(
        E1122, "a fill is a constant, and this one is computed",
        "write a number, `inf`, `-inf`, `true` or `false` after `else`; to read something else outside "
        "the axis, choose it with `if ... then ... else`",
    )
    POSITION_TABLE_SHORT = Message(
        E1123, "{name!r} is read at the {size} positions of {along}, and its axis has only {limit}",
        "make the table at least as long as the index set, or say what is read past its end with `else`, "
        "as in `{name}[i, c else 0.0]`",
    )
    FILL_UNNEEDED = Message(
        E1124, "this subscript cannot fall outside its axis, so its fill would never be read",
        "drop the `else` and its fill",
    )
