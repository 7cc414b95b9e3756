"""The emitted modules read as a person would write them: ruff reports nothing, no line runs past
100 columns, black would leave them as they are, docstrings sit with their definitions, and the
imports are the names the module uses."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import subprocess
import sys
import tokenize
from pathlib import Path

import black
import pytest

from paradsl.driver import compile_path
from paradsl.emit import emit
from paradsl.lower import LoweredModule

from conftest import EXAMPLES, ROOT, STDLIB

LINE_LENGTH = 100
SOURCES = [p.relative_to(ROOT).as_posix() for p in sorted(EXAMPLES.glob("*.para")) + sorted(STDLIB.glob("*.para"))]

#: The rules: pyflakes (F), pycodestyle errors and warnings (E, W), import order (I), bugbear (B).
SELECT = ["F", "E", "W", "I", "B"]

#: Rules the emitted code still breaks, each for a reason the emitter cannot remove.
IGNORE = {
    # jaxtyping's shape strings ('d_in d_h') are not Python expressions, but pyflakes reads a
    # string in an annotation as a forward reference; jaxtyping's documentation says to ignore it.
    "F722": "a jaxtyping shape string is not a forward reference",
    # Names the user chose pass through as written (an algebra case's field `l`, in rnn.para);
    # the lowering mangles only keywords and the module's own names.
    "E741": "a user's name, kept as written",
}

RUFF_CONFIG = f"""\
line-length = {LINE_LENGTH}
target-version = "py311"

[lint]
select = {json.dumps(SELECT)}
ignore = {json.dumps(sorted(IGNORE))}

[lint.isort]
known-first-party = ["paradsl"]
"""


@pytest.fixture(scope="session")
def emitted() -> dict[str, str]:
    """Each example and stdlib module, compiled once, from the repository root as a person runs
    `para compile examples/mlp.para`, so that the header names the file as they would."""
    with contextlib.chdir(ROOT):
        return {name: compile_path(name) for name in SOURCES}


def ruff(sources: dict[str, str], tmp: Path) -> dict[str, list[dict]]:
    """Ruff's diagnostics for each module, from one run over all of them."""
    (tmp / "ruff.toml").write_text(RUFF_CONFIG, encoding="utf-8")
    files = {}
    for name, source in sources.items():
        path = tmp / (name.replace("/", "__").removesuffix(".para") + ".py")
        path.write_text(source, encoding="utf-8")
        files[path.name] = name
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(tmp / "ruff.toml"),
         "--output-format", "json", *sorted(files)],
        cwd=tmp, capture_output=True, text=True,
    )
    assert proc.returncode in (0, 1), proc.stderr
    out: dict[str, list[dict]] = {name: [] for name in sources}
    for d in json.loads(proc.stdout):
        out[files[Path(d["filename"]).name]].append(d)
    return out


@pytest.fixture(scope="session")
def ruff_report(emitted, tmp_path_factory) -> dict[str, list[dict]]:
    return ruff(emitted, tmp_path_factory.mktemp("ruff"))


def string_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) of each string literal, as (line, 1-based column)."""
    return [((t.start[0], t.start[1] + 1), (t.end[0], t.end[1] + 1))
            for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.STRING]


def findings(source: str, diagnostics: list[dict]) -> list[str]:
    """The diagnostics that count: not a jaxtyping dimension name read as an undefined name
    (F821 inside a string annotation, `Float[Array, 'd_h']`)."""
    strings = string_spans(source)
    out = []
    for d in diagnostics:
        at = (d["location"]["row"], d["location"]["column"])
        if d["code"] == "F821" and any(start <= at < end for start, end in strings):
            continue
        out.append(f"{at[0]}:{at[1]}: {d['code']} {d['message']}")
    return out


@pytest.mark.parametrize("name", SOURCES)
def test_ruff_reports_nothing(name, emitted, ruff_report):
    assert findings(emitted[name], ruff_report[name]) == []


@pytest.mark.parametrize("name", SOURCES)
def test_no_line_is_over_100_characters(name, emitted):
    long = [(i, len(line)) for i, line in enumerate(emitted[name].splitlines(), 1) if len(line) > LINE_LENGTH]
    assert long == []


@pytest.mark.parametrize("name", SOURCES)
def test_black_leaves_it_as_it_is(name, emitted):
    mode = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311},
                      string_normalization=False)
    assert black.format_str(emitted[name], mode=mode) == emitted[name]


@pytest.mark.parametrize("name", SOURCES)
def test_docstrings_are_indented_with_their_definition(name, emitted):
    source = emitted[name]
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node, clean=False):
            doc = node.body[0]
            indent = " " * doc.col_offset
            for line in lines[doc.lineno:doc.end_lineno]:  # after the opening line
                assert not line.strip() or line.startswith(indent), (node.name, line)


@pytest.mark.parametrize("name", SOURCES)
def test_no_transpose_of_a_transpose(name, emitted):
    assert "jnp.transpose(jnp.transpose(" not in emitted[name]


# ------------------------------------------------------------------ imports from use

def lowered(source: str, runtime: tuple[str, ...] = ()) -> LoweredModule:
    tree = ast.parse(source)
    names = tuple(n.name for n in tree.body if isinstance(n, ast.ClassDef))
    return LoweredModule("m.para", tuple(tree.body), names, runtime)


def imports(source: str) -> list[str]:
    return [ast.unparse(n) for n in ast.parse(source).body if isinstance(n, (ast.Import, ast.ImportFrom))]


def test_only_the_names_used_are_imported():
    src = emit(lowered("class P(eqx.Module):\n    def __call__(self, x: Float[Array, 'd']):\n        return x\n"))
    assert imports(src) == ["import equinox as eqx", "from jaxtyping import Array, Float"]


def test_runtime_helpers_are_imported_from_paradsl(tmp_path):
    cls = "class P(eqx.Module):\n    def __call__(self, x):\n        return _fold_tree(_fold_balanced(x))\n"
    src = emit(lowered(cls, runtime=("_fold_tree", "_fold_balanced")))
    assert imports(src)[-1] == "from paradsl.runtime import _fold_balanced, _fold_tree"
    assert findings(src, ruff({"m.para": src}, tmp_path)["m.para"]) == []


def test_future_annotations_only_for_a_forward_reference():
    backward = "class A(eqx.Module):\n    pass\n\nclass B(eqx.Module):\n    a: A\n"
    forward = "class B(eqx.Module):\n    a: A\n\nclass A(eqx.Module):\n    pass\n"
    itself = "class A(eqx.Module):\n    def f(self) -> A:\n        return self\n"
    quoted = "class A(eqx.Module):\n    def f(self) -> 'A':\n        return self\n"
    future = "from __future__ import annotations"
    assert future not in imports(emit(lowered(backward)))
    assert future in imports(emit(lowered(forward)))
    assert future in imports(emit(lowered(itself)))
    assert future not in imports(emit(lowered(quoted)))


def test_a_long_signature_breaks_between_its_parts(emitted):
    tree = ast.parse(emitted["examples/graphs.para"])
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "GraphClassifier")
    first, second = ast.get_docstring(cls).splitlines()
    assert first.endswith("(n : set)") and second.startswith(": (")


def test_rewrapping_a_docstring_leaves_the_lowered_tree_alone():
    signature = "P(" + ", ".join(f"d{i}: Nat" for i in range(20)) + ") : [d0] -> [d0]"
    module = lowered(f'class P(eqx.Module):\n    """{signature}"""\n')
    first, again = emit(module), emit(module)
    assert first == again
    assert ast.get_docstring(module.classes[0]) == signature  # the caller's tree, unwrapped
    doc = ast.get_docstring(next(n for n in ast.parse(first).body if isinstance(n, ast.ClassDef)))
    assert " ".join(doc.split()) == signature
    assert [line.rsplit(" ", 1)[-1] for line in doc.splitlines()[:-1]] == ["Nat,", "Nat,"]  # between hypers
