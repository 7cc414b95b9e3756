"""Recompile the standard library: `stdlib/<name>.para` to `stdlib/<name>.py`.

The compiled modules are committed beside their sources and ship in the wheel as
`paradsl.stdlib.<name>`; a compiled user file imports its stdlib classes from them instead
of defining copies. After changing a stdlib file or the lowering, run

    python scripts/compile_stdlib.py

and review the diff; tests/test_imports.py fails while a committed module differs from a
fresh compilation.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paradsl.driver import compile_path  # noqa: E402

STDLIB = ROOT / "stdlib"


def compiled() -> dict[Path, str]:
    """The module each stdlib file compiles to, by the path it is committed at."""
    return {src.with_suffix(".py"): compile_path(src) for src in sorted(STDLIB.glob("*.para"))}


def main() -> int:
    for path, source in compiled().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != source:
            path.write_text(source, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
