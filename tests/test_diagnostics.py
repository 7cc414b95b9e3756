"""Golden tests of the diagnostics, and of the error index `docs/errors.md`.

Each `tests/golden/*.para` is a small wrong program. The diagnostics it must produce are
written inline, on the line they are reported at, and their texts on the comment lines
directly under it:

    = x => x[i, j] * x[j, i]  -- error: E0202 @22; E0202 @25
    -- message: index 'j' ranges over two different index sets: the fixed axis '8' and the set 'n'
    -- help: use two index names, or make the two axes the same index set
    -- message: index 'i' ranges over two different index sets: the set 'n' and the fixed axis '8'
    -- help: use two index names, or make the two axes the same index set

`-- error:` is followed by one or more `CODE @COLUMN` items separated by `;`; the line is
the comment's own line and the column is 1-based. Under it, each item in turn has one
`-- message:` line with the exact message text, then a `-- note:` line per note and a
`-- help:` line where the diagnostic has a hint; no help line means no hint. Text lines
anywhere else are malformed. Texts are as reported when the case is checked from the
repository root, so a path in a text is relative to it. A file a golden program imports
(kept under `tests/golden/imports/`) may carry expectations too: they count when it is
loaded. The set of (file, line, column, code) reported must equal the set written down
(`test_golden`), and so must the texts (`test_golden_text`, which shows a unified diff).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from paradsl.diagnostics import CODES, messages_of, render
from paradsl.driver import check_paths

from conftest import para_cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(GOLDEN.glob("*.para"))
ERRORS_MD = ROOT / "docs" / "errors.md"

#: Codes a program triggers only at a size no golden file or doc example should have;
#: each has its own generated test below.
GENERATED = {
    "E0006": "needs tens of thousands of nesting levels; test_deep_nesting_is_a_diagnostic makes one",
    "E0007": "needs a file that is not UTF-8; tests/test_review_inputs.py writes one",
    "E0008": "needs a 4,301-digit literal; tests/test_review_inputs.py checks one",
    "E0009": "needs a folder, a device or a link loop where a file is imported; tests/test_review_inputs.py makes them",
    "E0110": "needs a confined command-line run; tests/test_review_inputs.py makes one",
    **{f"E{n}": "needs a task's Python function run by para run; tests/test_run_tasks.py runs one"
       for n in range(1030, 1040)},
    "E1109": "needs a task's Python function drawn by para run; tests/test_pointers.py draws one",
}

#: Codes no source program can trigger, with the reason.
UNREACHABLE: dict[str, str] = {}

_EXPECT = re.compile(r"--\s*error:\s*(?P<items>.*)$")
_ITEM = re.compile(r"^(?P<code>E\d{4})\s*@(?P<col>\d+)$")
_TEXT = re.compile(r"^\s*--\s*(?P<kind>message|note|help):\s?(?P<text>.*)$")
_HEADER = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>E\d{4})\]: (?P<msg>.+)$")


def expectations(path: Path) -> set[tuple[Path, int, int, str]]:
    out = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = _EXPECT.search(line)
        if not m:
            continue
        for item in m.group("items").split(";"):
            im = _ITEM.match(item.strip())
            assert im, f"{path.name}:{n}: malformed expectation {item.strip()!r}"
            out.add((path.resolve(), n, int(im.group("col")), im.group("code")))
    return out


@dataclass(frozen=True)
class Expected:
    """One diagnostic a golden file expects, with its texts."""

    file: Path
    line: int
    col: int
    code: str
    message: str
    notes: tuple[str, ...] = ()
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (str(self.file), self.line, self.col, self.code, self.message)

    def listing(self) -> list[str]:
        """The lines `test_golden_text` compares, in the golden files' own notation."""
        out = [f"{self.file.relative_to(GOLDEN)}:{self.line}:{self.col}: {self.code}", f"  message: {self.message}"]
        out += [f"  note: {n}" for n in self.notes]
        if self.hint is not None:
            out.append(f"  help: {self.hint}")
        return out


def expected_texts(path: Path) -> list[Expected]:
    """Every expectation of one golden file with the texts written under it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Expected] = []
    n = 0
    while n < len(lines):
        line, lineno = lines[n], n + 1
        n += 1
        assert not _TEXT.match(line), f"{path.name}:{lineno}: a text line must follow a `-- error:` line"
        m = _EXPECT.search(line)
        if not m:
            continue
        items = [_ITEM.match(item.strip()) for item in m.group("items").split(";")]
        # The text lines under this one, grouped per item: a `message:` starts the next item.
        groups: list[list[tuple[str, str]]] = []
        while n < len(lines) and (t := _TEXT.match(lines[n])):
            kind, text = t.group("kind"), t.group("text")
            if kind == "message":
                groups.append([])
            assert groups, f"{path.name}:{n + 1}: `-- {kind}:` before the item's `-- message:`"
            groups[-1].append((kind, text))
            n += 1
        assert len(groups) == len(items), (
            f"{path.name}:{lineno}: {len(items)} expectation(s) but {len(groups)} `-- message:` line(s) under it"
        )
        for im, group in zip(items, groups):
            assert im, f"{path.name}:{lineno}: malformed expectation in {m.group('items')!r}"
            kinds = [k for k, _ in group]
            assert kinds.count("help") <= 1 and kinds[-1:] == ["help"] or "help" not in kinds, (
                f"{path.name}:{lineno}: at most one `-- help:` line per item, after its notes"
            )
            out.append(Expected(
                path.resolve(), lineno, int(im.group("col")), im.group("code"),
                message=group[0][1],
                notes=tuple(t for k, t in group if k == "note"),
                hint=next((t for k, t in group if k == "help"), None),
            ))
    return out


def golden_files(result) -> list[Path]:
    """Every file of the golden tree the check loaded (the case and what it imports)."""
    files = []
    for name in result.sources:
        p = Path(name).resolve()
        if p.is_relative_to(GOLDEN):
            files.append(p)
    return files


def check(path: Path):
    result = check_paths([path])
    actual = {(Path(d.span.file).resolve(), d.span.line, d.span.col, d.code) for d in result.diagnostics}
    expected = set().union(*(expectations(f) for f in golden_files(result)))
    return result, actual, expected


def _fmt(items) -> str:
    return "\n".join(f"  {p.relative_to(GOLDEN)}:{line}:{col} {code}" for p, line, col, code in sorted(items))


def _codes_in(path: Path) -> set[str]:
    return {code for _, _, _, code in expectations(path)}


def _all_golden_codes() -> set[str]:
    codes: set[str] = set()
    for f in GOLDEN.rglob("*.para"):
        codes |= _codes_in(f)
    return codes


# ---------------------------------------------------------------------- golden programs


def test_there_are_enough_cases():
    assert len(CASES) >= 30
    assert len(_all_golden_codes()) >= 25


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden(path: Path):
    result, actual, expected = check(path)
    assert expected, f"{path.name} has no `-- error:` expectations"
    missing, unexpected = expected - actual, actual - expected
    assert not missing and not unexpected, (
        f"\nexpected but not reported:\n{_fmt(missing)}\nreported but not expected:\n{_fmt(unexpected)}\n\n"
        + "\n".join(render(d, result.sources) for d in result.diagnostics)
    )
    assert not result.ok
    assert all(d.severity.value == "error" for d in result.diagnostics)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_text(path: Path, monkeypatch):
    """The message, note and hint texts are exactly the ones written under each expectation."""
    monkeypatch.chdir(ROOT)  # paths inside texts are then relative to the repository root
    result = check_paths([path.relative_to(ROOT)])
    actual = sorted(
        (Expected(Path(d.span.file).resolve(), d.span.line, d.span.col, d.code, d.message, d.notes, d.hint)
         for d in result.diagnostics),
        key=Expected.sort_key,
    )
    expected = sorted((e for f in golden_files(result) for e in expected_texts(f)), key=Expected.sort_key)
    want = [line for e in expected for line in e.listing()]
    got = [line for e in actual for line in e.listing()]
    if want != got:
        diff = difflib.unified_diff(want, got, "written in tests/golden", "reported by the checker", lineterm="")
        pytest.fail("the diagnostic texts differ from the golden ones:\n" + "\n".join(diff), pytrace=False)


def test_golden_text_format_is_strict():
    """Every expectation in the golden tree has its texts, and none are stray."""
    for f in sorted(GOLDEN.rglob("*.para")):
        texts = expected_texts(f)
        assert {(e.file, e.line, e.col, e.code) for e in texts} == expectations(f), f.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_rendering(path: Path):
    result = check_paths([path])
    assert result.diagnostics
    for d in result.diagnostics:
        text = render(d, result.sources)
        lines = text.splitlines()
        m = _HEADER.match(lines[0])
        assert m, lines[0]
        assert (int(m.group("line")), int(m.group("col")), m.group("code")) == (d.span.line, d.span.col, d.code)
        assert d.code in CODES
        # The message: sentence case, no trailing period, every placeholder filled.
        msg = m.group("msg")
        assert not msg.endswith(".") or msg.endswith("..."), msg
        assert not msg[0].isupper() or msg.split()[0].isupper(), msg
        assert "{" not in msg and "}" not in msg and "None" not in msg, msg
        # The source line and a caret under the reported column.
        source = result.sources[d.span.file].splitlines()[d.span.line - 1].expandtabs(1)
        gutter = str(d.span.line)
        assert lines[1] == " " * len(gutter) + " |"
        assert lines[2] == f"{gutter} | {source}"
        caret = lines[3][len(gutter) + 3:]
        assert caret.lstrip(" ").startswith("^") and set(caret.strip()) == {"^"}, lines[3]
        assert len(caret) - len(caret.lstrip(" ")) == d.span.col - 1, text
        # A hint, where the message has one.
        if d.hint:
            assert lines[-1] == f"  = help: {d.hint}"
            assert "{" not in d.hint and "None" not in d.hint, d.hint
        if all(m.hint and m.hint != "{hint}" for m in messages_of(d.code)):
            assert d.hint, f"{d.code} always has a hint"


@pytest.mark.parametrize("name", ["several_errors", "syntax_missing_operand", "import_cycle", "cascade_suppressed"])
def test_cli_check_reports_and_exits_1(name: str):
    path = GOLDEN / f"{name}.para"
    p = para_cli("check", str(path), cwd=ROOT)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    n = len(expectations(path) | set().union(*(expectations(f) for f in GOLDEN.joinpath("imports").glob("*.para")))
              if name == "import_cycle" else expectations(path))
    assert p.stderr.count(": error[E") == n, p.stderr
    assert p.stderr.rstrip().endswith(f"{n} error{'s' if n != 1 else ''}")


def test_cli_compile_reports_and_exits_1():
    path = GOLDEN / "shape_mismatch.para"
    p = para_cli("compile", str(path), cwd=ROOT)
    assert p.returncode == 1
    assert "Traceback" not in p.stderr
    assert "error[E0201]" in p.stderr
    assert p.stdout == ""


# ---------------------------------------------------------------------- coverage of the codes


def test_exempt_codes_are_codes_no_golden_program_gives():
    """The codes excused from a golden program exist, and none of them has one after all."""
    exempt = set(UNREACHABLE) | set(GENERATED)
    assert exempt <= set(CODES)
    assert not exempt & _all_golden_codes(), "an exempt code has a golden program: drop the exemption"


def test_every_reachable_code_has_a_golden_program():
    covered = _all_golden_codes()
    missing = sorted(set(CODES) - set(UNREACHABLE) - set(GENERATED) - covered)
    assert not missing, f"codes without a golden program: {missing}"


# ---------------------------------------------------------------------- the error index


def _sections() -> dict[str, tuple[str, str]]:
    """code -> (title, section text), from the `### E0xxx: title` headings of errors.md."""
    text = ERRORS_MD.read_text(encoding="utf-8")
    parts = re.split(r"^#{2,3} (E\d{4}): (.+)$", text, flags=re.MULTILINE)
    out = {}
    for i in range(1, len(parts), 3):
        code, title, body = parts[i], parts[i + 1].strip(), parts[i + 2]
        assert code not in out, f"{code} has two sections"
        out[code] = (title, body)
    return out


def _blocks(body: str, lang: str) -> list[str]:
    """The fenced blocks of one language (```para fails counts as para)."""
    return re.findall(r"^```" + lang + r"(?:[ \t][^\n]*)?\n(.*?)^```", body, flags=re.MULTILINE | re.DOTALL)


def test_every_code_is_documented():
    sections = _sections()
    assert sorted(sections) == sorted(CODES), "errors.md must have one section per code, and no others"
    for code, (title, body) in sections.items():
        assert title == CODES[code].title, f"{code}: heading says {title!r}, the code's title is {CODES[code].title!r}"
        assert len(body.strip()) > 80, f"{code} needs an explanation"


def _write_example(block: str, where: Path) -> Path:
    """Write a ```para block to disk. `-- file: NAME` lines split it into several files; the first is checked."""
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
        (where / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return where / files[0][0]


@pytest.mark.parametrize("code", sorted(set(CODES) - set(UNREACHABLE) - set(GENERATED)))
def test_documented_example_produces_its_code(code: str, tmp_path: Path, monkeypatch):
    title, body = _sections()[code]
    paras = _blocks(body, "para")
    assert paras, f"{code} needs a ```para example"
    monkeypatch.chdir(tmp_path)
    path = _write_example(paras[0], tmp_path)
    result = check_paths([path.name])
    codes = [d.code for d in result.diagnostics]
    assert code in codes, f"the example for {code} gives {codes}"
    # The output shown is the output the checker gives.
    shown = _blocks(body, "text")
    assert shown, f"{code} needs the diagnostic its example produces, in a ```text block"
    rendered = "\n".join(render(d, result.sources) for d in result.diagnostics)
    assert shown[0].rstrip("\n") == rendered, f"errors.md shows for {code}:\n{shown[0]}\nthe checker gives:\n{rendered}"


def test_deep_nesting_is_a_diagnostic(tmp_path: Path):
    """Nesting past any recursion limit is E0006 at the file, from the API and the CLI."""
    import subprocess
    import sys

    body = " + ".join(["x"] * 40_000)  # a left-nested chain, 40,000 levels deep
    path = tmp_path / "deep.para"
    path.write_text(f"para Deep(d: Nat) : [d] -> [d]\n  = x => {body}\n", encoding="utf-8")
    result = check_paths([path])
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [("E0006", 1, 1)]
    proc = subprocess.run([sys.executable, "-m", "paradsl", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "error[E0006]" in proc.stderr
