"""The `para` command: check, compile.

Exit status: 0 success, 1 an error in the user's program, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._version import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as argparse does, with our prefix
        self.print_usage(sys.stderr)
        self.exit(2, f"para: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="para", description="The para language: check and compile .para files to Equinox.")
    p.add_argument("--version", action="version", version=f"para {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="type-check files and report every error", description=
                       "Type-check .para files. Prints located diagnostics; exit 1 if any file has an error.")
    c.add_argument("files", nargs="+", metavar="FILE")

    k = sub.add_parser("compile", help="compile a file to a Python module of Equinox classes", description=
                       "Compile a .para file to a readable Python module of equinox.Module classes.")
    k.add_argument("file", metavar="FILE")
    k.add_argument("-o", "--output", metavar="OUT", help="where to write the module (default: standard output)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help(sys.stderr)
        return 2
    return {"check": _check, "compile": _compile}[args.command](args)


def _missing(files: list[str]) -> int:
    for f in files:
        if not Path(f).is_file():
            print(f"para: error: no such file: {f}", file=sys.stderr)
            return 2
    return 0


def _report(result) -> None:
    from .diagnostics import render

    for d in result.diagnostics:
        print(render(d, result.sources), file=sys.stderr)
    errors = sum(1 for d in result.diagnostics if d.severity.value == "error")
    if errors:
        print(f"{errors} error{'s' if errors != 1 else ''}", file=sys.stderr)


def _check(args) -> int:
    from .driver import check_paths

    if _missing(args.files):
        return 2
    result = check_paths(args.files)
    _report(result)
    if not result.ok:
        return 1
    n = sum(len([p for p in prog.paras if p.file == f]) for f, prog in result.programs.items())
    print(f"ok: {len(args.files)} file{'s' if len(args.files) != 1 else ''}, {n} para{'s' if n != 1 else ''}")
    return 0


def _compile(args) -> int:
    from .driver import check_paths, compile_program

    if _missing([args.file]):
        return 2
    result = check_paths([args.file])
    _report(result)
    if not result.ok:
        return 1
    source = compile_program(next(iter(result.programs.values())))
    if args.output:
        Path(args.output).write_text(source, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(source)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
