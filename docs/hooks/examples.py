"""mkdocs hook: the page `examples.md`, generated when the site is built, with each file of
`examples/`, its source and the string diagram of each of its paras, drawn by
`paradsl.diagram` then and there, so the pictures are always those of the code."""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
PAGE = "examples.md"


def _page(config) -> tuple[str, list[File]]:
    import paradsl
    from paradsl import api

    files: list[File] = []
    out = ["# Examples", "",
           "Each file of `examples/`, as it is in the repository, and the string diagram of each",
           "of its paras (see [diagrams](diagrams.md) for what the pictures show), drawn when",
           "this site was built.", ""]
    for path in sorted((ROOT / "examples").glob("*.para")):
        program = api.check_file(path)
        own = [d.name for d in program.paras if d.file == program.file]
        out += [f"## `{path.name}`", "", "```para", path.read_text(encoding="utf-8").rstrip(), "```", ""]
        for name in own:
            uri = f"diagrams/examples/{path.stem}/{name}.svg"
            files.append(File.generated(config, uri, content=paradsl.diagram(path, name)))
            out += [f"### {name}", "", f"![{name}]({uri})", ""]
    return "\n".join(out), files


def on_files(files, config):
    text, pictures = _page(config)
    files.append(File.generated(config, PAGE, content=text))
    for f in pictures:
        files.append(f)
    return files
