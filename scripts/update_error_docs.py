"""Rewrite the output blocks of docs/errors.md from the checker.

Each `### E0xxx` section shows a ```para fails example and, in the ```text block after it,
the diagnostics it gives. After changing a message, run

    python scripts/update_error_docs.py

and review the diff; tests/test_diagnostics.py checks that the two agree.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paradsl.diagnostics import render  # noqa: E402
from paradsl.driver import check_paths  # noqa: E402

ERRORS_MD = ROOT / "docs" / "errors.md"
_SECTION = re.compile(r"^(#{2,3} E\d{4}: .+)$", re.MULTILINE)
_PARA = re.compile(r"^```para(?:[ \t][^\n]*)?\n(.*?)^```", re.MULTILINE | re.DOTALL)
_TEXT = re.compile(r"(^```text\n)(.*?)(^```)", re.MULTILINE | re.DOTALL)


def _output(block: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        files: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            m = re.match(r"^--\s*file:\s*(\S+)\s*$", line)
            if m:
                files.append((m.group(1), []))
            else:
                if not files:
                    files.append(("example.para", []))
                files[-1][1].append(line)
        for name, lines in files:
            (Path(tmp) / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            result = check_paths([files[0][0]])
        finally:
            os.chdir(cwd)
        return "\n".join(render(d, result.sources) for d in result.diagnostics) + "\n"


def main() -> int:
    text = ERRORS_MD.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    changed = 0
    for i in range(2, len(parts), 2):
        body = parts[i]
        example = _PARA.search(body)
        shown = _TEXT.search(body)
        if not example or not shown:
            continue
        new = _output(example.group(1))
        if new != shown.group(2):
            changed += 1
            parts[i] = body[:shown.start(2)] + new + body[shown.end(2):]
    ERRORS_MD.write_text("".join(parts), encoding="utf-8")
    print(f"{changed} section{'s' if changed != 1 else ''} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
