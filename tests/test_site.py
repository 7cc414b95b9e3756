"""The documentation site: `mkdocs build --strict` with the project's configuration passes
with no warning, every page of docs/ is in the navigation, and `.para` blocks are
highlighted by the project's own lexer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _nav_pages() -> set[str]:
    import yaml  # mkdocs's own dependency

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    pages: set[str] = set()

    def walk(entry) -> None:
        if isinstance(entry, str):
            pages.add(entry)
        elif isinstance(entry, dict):
            for v in entry.values():
                walk(v)
        elif isinstance(entry, list):
            for v in entry:
                walk(v)

    walk(config["nav"])
    return pages


#: Pages a hook writes when the site is built (docs/hooks/).
GENERATED = {"examples.md"}


def test_every_page_is_in_the_navigation():
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if "hooks" not in p.parts}
    assert pages | GENERATED == _nav_pages()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    ran = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=ROOT,
                         capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                                                             "HOME": str(out)})
    return ran, out


def test_the_site_builds_strictly_with_no_warning(site):
    ran, _ = site
    assert ran.returncode == 0, ran.stderr
    assert "WARNING" not in ran.stderr, ran.stderr


def test_para_blocks_are_highlighted_by_the_project_lexer(site):
    _, out = site
    html = (out / "index.html").read_text()
    assert '<span class="k">para</span> <span class="nc">Classifier</span>' in html


def test_the_examples_page_has_a_diagram_of_each_para(site):
    from paradsl import api

    _, out = site
    html = (out / "examples" / "index.html").read_text()
    for path in sorted((ROOT / "examples").glob("*.para")):
        program = api.check_file(path)
        for d in program.paras:
            if d.file == program.file:
                svg = out / "diagrams" / "examples" / path.stem / f"{d.name}.svg"
                assert svg.read_text().lstrip().startswith("<"), svg
                assert f"{path.stem}/{d.name}.svg" in html


def test_blocks_marked_for_the_tests_are_shown_as_code(site):
    _, out = site
    html = (out / "errors" / "index.html").read_text()
    assert "```para" not in html and "para fails" not in html
