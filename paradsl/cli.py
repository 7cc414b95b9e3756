"""The `para` command: check, compile, ir, params, laws, cost, diagram, run, eval, repl.

Exit status: 0 success, 1 an error in the user's program, 2 a usage error.

Imports are confined to the folder of the file given and the folders named with `--path`
or `PARA_PATH`, unless `--allow-outside` is given. `-o` writes atomically and never over a
source of the program it compiles.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ._version import __version__
from .diagnostics.messages_cli import CliText
from .diagnostics.template import Text
from .size_args import misfit, parse_sizes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as argparse does, with our prefix
        self.print_usage(sys.stderr)
        self.exit(2, CliText.USAGE_ERROR.format(message=message) + "\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="para", description="The para language: check and compile .para files to Equinox.")
    p.add_argument("--version", action="version", version=CliText.VERSION.format(version=__version__))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="type-check files and report every error", description=
                       "Type-check .para files. Prints located diagnostics; exit 1 if any file has an error.")
    c.add_argument("files", nargs="+", metavar="FILE")
    _import_options(c)

    k = sub.add_parser("compile", help="compile a file to a Python module of Equinox classes", description=
                       "Compile a .para file to a readable Python module of equinox.Module classes.")
    k.add_argument("file", metavar="FILE")
    k.add_argument("-o", "--output", metavar="OUT", help="where to write the module (default: standard output); "
                   "written whole or not at all, and never over a source of the program")
    _import_options(k)

    i = sub.add_parser("ir", help="print the typed IR the checker makes of a file, or of one para", description=
                       "Check a .para file and print its typed IR: each para's signature, parameters, uses, ties "
                       "and body, callees first. Exit 1 if the file has an error or there is no para NAME.")
    i.add_argument("file", metavar="FILE", help=_ONE_FILE)
    i.add_argument("name", metavar="NAME", nargs="?", help="one para (default: every para of the file's program)")
    _import_options(i)

    r = sub.add_parser("params", help="the parameter space of a para, before and after ties", description=
                       "Report a para's parameter leaves: |P| before ties and |Q| after (what the module stores), "
                       "leaf by leaf, as polynomials in its sizes and, given sizes, as numbers.")
    r.add_argument("file", metavar="FILE", help=_ONE_FILE)
    r.add_argument("name", metavar="NAME")
    r.add_argument("sizes", nargs="*", metavar="SIZE=N", help="values of hyperparameters and index sets, e.g. d=64")
    _import_options(r)

    o = sub.add_parser("cost", help="parameters, activation memory and FLOPs, as polynomials in the sizes",
                       description="Report a para's free parameters, the elements of every tensor it materialises "
                       "and its contraction FLOPs, as polynomials in its sizes and, given sizes, as numbers; warn "
                       "where a tensor grows superlinearly in a runtime index set.")
    o.add_argument("file", metavar="FILE", help=_ONE_FILE)
    o.add_argument("name", metavar="NAME")
    o.add_argument("sizes", nargs="*", metavar="SIZE=N", help="values of hyperparameters and index sets, e.g. n=4096")
    o.add_argument("--size", dest="more_sizes", action="extend", nargs="+", default=[], metavar="SIZE=N",
                   help="the same, after the option: `--size n=4096 d=64`")
    o.add_argument("--max-degree", type=int, default=2, metavar="D",
                   help="warn when a tensor's size has degree D or more in a runtime index set (default 2)")
    _import_options(o)

    w = sub.add_parser("laws", help="check 2-cell laws and equivariances numerically", description=
                       "Check, on random parameters and inputs, each para's 2-cell law g(q, x) = f(r(q), x) and the "
                       "equivariance its set and cyc index sets declare. Exit 1 if a law fails.")
    w.add_argument("file", metavar="FILE", help=_ONE_FILE)
    w.add_argument("name", metavar="NAME", nargs="?", help="one para (default: every para of the file)")
    w.add_argument("--size", dest="sizes", action="append", default=[], metavar="SIZE=N",
                   help="a hyperparameter or index-set size (default 3 and 7, 5, 6, ...); repeatable")
    w.add_argument("--trials", type=int, default=3, help="random draws per law (default 3)")
    w.add_argument("--seed", type=int, default=0)
    _import_options(w)

    g = sub.add_parser("diagram", help="draw the string diagram of a para as SVG", description=
                       "Draw a para's string diagram as SVG: its maps as boxes, wires labelled with their types "
                       "and index sets, parameters entering each box from above, ties as 2-cells, folds and "
                       "machines with the carrier's loop. Exit 1 if the file has an error or no para NAME.")
    g.add_argument("file", metavar="FILE", help=_ONE_FILE)
    g.add_argument("name", metavar="NAME")
    g.add_argument("--set", dest="sizes", action="extend", nargs="+", default=[], metavar="SIZE=N",
                   help="sizes to put in the wires' types, e.g. `--set n=8 d=64`")
    g.add_argument("--depth", type=int, default=1, metavar="N",
                   help="levels of nested paras drawn expanded: 0 the para as one box, 1 its body with each use "
                   "a box (default), 2 each use's body too, ...")
    g.add_argument("-o", "--output", metavar="OUT", help="where to write the SVG (default: standard output); "
                   "written whole or not at all")
    _import_options(g)

    from .train.command import add_arguments

    add_arguments(
        sub.add_parser("run", help="train and evaluate the model an experiment of the file declares", description=
                       "Check an experiment, compile its model, train it on its task and evaluate it on its "
                       "evaluation sets; the run directory holds the configuration, metrics.jsonl, checkpoints "
                       "and pictures. Exit 1 on an error, 130 when interrupted (a checkpoint is written)."),
        sub.add_parser("eval", help="evaluate a checkpoint of an experiment on its evaluation sets", description=
                       "Evaluate the model of a checkpoint written by `para run` on the experiment's evaluation "
                       "sets (its task where it has none) and print every metric."))
    for name in ("run", "eval"):
        _import_options(sub.choices[name])

    e = sub.add_parser("repl", help="explore paras interactively", description=
                       "Load files and explore their paras: declarations, :type, :params, :cost, :laws, "
                       ":ties, :compile. Reads a script from standard input when it is not a terminal.")
    e.add_argument("files", nargs="*", metavar="FILE")
    e.add_argument("--echo", action="store_true", help="without a terminal, print each input after a prompt")
    return p


_ONE_FILE = "the .para file (one: check several files with `para check`)"


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--path", dest="search", action="append", default=[], metavar="DIR",
                   help="a folder imports may also read from (repeatable; also PARA_PATH, separated by "
                   f"{os.pathsep!r}); by default imports stay under the folder of the file given")
    p.add_argument("--allow-outside", action="store_true",
                   help="let imports read files outside the folder of the file given and the --path folders")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help(sys.stderr)
        return 2
    from .driver import _deep_recursion

    if args.command == "repl":
        from .repl import main as repl

        return repl(args.files, echo=args.echo)
    commands = {"check": _check, "compile": _compile, "ir": _ir, "params": _params, "laws": _laws, "cost": _cost,
                "run": _run, "eval": _eval, "diagram": _diagram}
    if _bad_search_path(args.search):
        return 2
    with _deep_recursion():  # the analyses recurse once per level of nesting, as checking does
        return commands[args.command](args)


def _bad_search_path(folders: list[str]) -> bool:
    for f in folders:
        if not os.path.isdir(f):
            print(CliText.NOT_A_FOLDER.format(path=f), file=sys.stderr)
            return True
    return False


def _policy(args):
    """Where imports may read: under the file's folder and the search folders, or anywhere."""
    from .resolve import ImportPolicy

    env = [d for d in os.environ.get("PARA_PATH", "").split(os.pathsep) if d]
    return ImportPolicy(tuple(Path(d) for d in [*args.search, *env]), confined=not args.allow_outside)


def _missing(files: list[str]) -> int:
    """2 (and a message) if nothing is at one of `files`; a file that is there but cannot be
    read is the loader's to report, with what is wrong with it."""
    from .sources import exists

    for f in files:
        if not f or not exists(Path(f)):
            print(CliText.NO_SUCH_FILE.format(file=f), file=sys.stderr)
            return 2
    return 0


def _report(result) -> None:
    from .diagnostics import render

    for d in result.diagnostics:
        print(render(d, result.sources), file=sys.stderr)
    errors = sum(1 for d in result.diagnostics if d.severity.value == "error")
    if errors:
        print(CliText.ERROR_COUNT.format(errors=errors), file=sys.stderr)


def _check(args) -> int:
    from .driver import check_paths

    if _missing(args.files):
        return 2
    result = check_paths(args.files, policy=_policy(args))
    _report(result)
    if not result.ok:
        return 1
    n = sum(len([p for p in prog.paras if p.file == f]) for f, prog in result.programs.items())
    print(CliText.CHECKED.format(files=len(args.files), paras=n))
    return 0


def _compile(args) -> int:
    from .driver import check_paths, compile_program

    if args.output == "":
        print(CliText.OUTPUT_EMPTY.format(), file=sys.stderr)
        return 2
    if _missing([args.file]) or (args.output and _bad_output(args.output, [Path(args.file)])):
        return 2
    result = check_paths([args.file], policy=_policy(args))
    _report(result)
    if not result.ok:
        return 1
    source = compile_program(next(iter(result.programs.values())))
    if args.output is None:
        sys.stdout.write(source)
        return 0
    if _bad_output(args.output, list(result.paths.values())) or not _write(Path(args.output), source):
        return 2
    print(CliText.WROTE.format(path=args.output), file=sys.stderr)
    return 0


def _bad_output(output: str, sources: list[Path]) -> bool:
    """Whether `-o OUT` cannot be written or is one of `sources` (through any link); says why."""
    out = Path(output)
    if any(_same_file(out, s) for s in sources):
        print(CliText.OUTPUT_IS_SOURCE.format(path=output), file=sys.stderr)
        return True
    if os.path.isdir(out):
        print(CliText.OUTPUT_IS_FOLDER.format(path=output), file=sys.stderr)
        return True
    folder = Path(os.path.realpath(out)).parent
    if not folder.is_dir():
        print(CliText.OUTPUT_NO_FOLDER.format(path=output, folder=str(out.parent)), file=sys.stderr)
        return True
    return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _write(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically: a temporary file in the same folder, renamed over it,
    so a failure leaves the old file whole. A link is written through, and stays a link."""
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except (OSError, ValueError) as e:
        print(CliText.OUTPUT_FAILED.format(path=str(path), reason=_reason(e)), file=sys.stderr)
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as e:
        os.unlink(tmp)
        print(CliText.OUTPUT_FAILED.format(path=str(path), reason=_reason(e)), file=sys.stderr)
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(e: Exception) -> str:
    return getattr(e, "strerror", None) or str(e)


def _ir(args) -> int:
    from .ir import format_para, format_program

    if _second_file(args, [args.name]):
        return 2
    program, status = _checked_program(args, args.name)
    if program is None:
        return status
    if args.name is None:
        sys.stdout.write(format_program(program))
        return 0
    names = [p.name for p in program.paras]
    if args.name not in names:
        print(CliText.NO_SUCH_PARA_LISTED.format(name=args.name, file=program.file, names=names), file=sys.stderr)
        return 1
    print(format_para(program.get(args.name)))
    return 0


def _second_file(args, extra: list[str | None]) -> bool:
    """Whether a NAME or SIZE argument is a second `.para` file: these commands take one."""
    for item in extra:
        if item is not None and item.endswith(".para"):
            print(CliText.ONE_FILE.format(command=args.command, extra=item), file=sys.stderr)
            return True
    return False


def _checked_program(args, name: str | None = None):
    from .driver import check_paths

    if _missing([args.file]):
        return None, 2
    result = check_paths([args.file], also=(name,) if name else (), policy=_policy(args))
    _report(result)
    if not result.ok:
        return None, 1
    return next(iter(result.programs.values())), 0


def _find(program, name: str) -> bool:
    names = [p.name for p in program.paras]
    if name in names:
        return True
    from .check.suggest import closest

    binders = _generic_binders(program.file, name)
    if binders:
        print(CliText.GENERIC_PARA.format(name=name, file=program.file, binders=binders, first=binders[0].split(":")[0]),
              file=sys.stderr)
        return False
    close = closest(name, names)
    if close:
        print(CliText.NO_SUCH_PARA_CLOSE.format(name=name, file=program.file, close=close), file=sys.stderr)
    else:
        print(CliText.NO_SUCH_PARA.format(name=name, file=program.file), file=sys.stderr)
    return False


def _generic_binders(file: str, name: str) -> list[str]:
    """The map, semiring and monoid binders of the para `name` declared in `file`, if it is
    generic: it has no sizes of its own to report until a use gives them."""
    from .check.builtins import HIGHER_KINDS
    from .diagnostics import DiagnosticSink
    from .syntax import ast
    from .syntax.parser import parse

    try:
        module = parse(Path(file).read_text(encoding="utf-8"), file, DiagnosticSink())
    except (OSError, UnicodeError):
        return []
    for decl in module.decls:
        if isinstance(decl, ast.ParaDecl) and decl.name.name == name:
            return [f"{b.name.name}: {b.kind.name}" for b in decl.binders if b.kind.name in HIGHER_KINDS]
    return []


def _prepare(args, sizes: list[str], problem: Text | None = None):
    """The sizes given and the checked program holding `args.name`, or an exit status."""
    if _second_file(args, [args.name, *sizes]):
        return None, None, 2
    parsed = parse_sizes(sizes)
    if isinstance(parsed, str):
        print(parsed, file=sys.stderr)
    if problem is not None:
        print(problem.format(), file=sys.stderr)
    if isinstance(parsed, str) or problem is not None:
        return None, None, 2
    program, status = _checked_program(args, args.name)
    if program is None:
        return None, None, status
    if args.name is not None and not _find(program, args.name):
        return None, None, 2
    if args.name is not None:
        paras, owner = [program.get(args.name)], args.name
    else:
        paras, owner = [p for p in program.paras if p.file == program.file], program.file
    if (wrong := misfit(parsed, paras, owner)) is not None:
        print(wrong, file=sys.stderr)
        return None, None, 2
    return program, parsed, 0


def _params(args) -> int:
    from .analysis.params import report

    program, sizes, status = _prepare(args, args.sizes)
    if program is None:
        return status
    print(report(program, args.name).format(sizes))
    return 0


def _cost(args) -> int:
    from .analysis.cost import report

    problem = CliText.MAX_DEGREE_TOO_SMALL if args.max_degree < 1 else None
    program, sizes, status = _prepare(args, args.sizes + args.more_sizes, problem)
    if program is None:
        return status
    print(report(program, args.name).format(sizes, args.max_degree))
    return 0


def _laws(args) -> int:
    from .analysis.laws import format_results, program_laws

    problem = CliText.TRIALS_TOO_FEW if args.trials < 1 else None
    program, sizes, status = _prepare(args, args.sizes, problem)
    if program is None:
        return status
    try:
        results = program_laws(program, args.name, sizes, trials=args.trials, seed=args.seed)
    except Exception as e:  # noqa: BLE001 - what the user's program does at these sizes, reported
        print(CliText.LAWS_RAISED.format(kind=type(e).__name__, error=_first_line(e)), file=sys.stderr)
        return 1
    print(format_results(results))
    checked = [r for r in results if not r.skipped]
    failed = [r for r in checked if not r.ok]
    print(CliText.LAWS_CHECKED.format(checked=len(checked), failed=len(failed)))
    return 1 if failed else 0


def _diagram(args) -> int:
    from .diagram import layout, to_svg

    if args.output == "":
        print(CliText.OUTPUT_EMPTY.format(), file=sys.stderr)
        return 2
    if args.depth < 0:
        print(CliText.DEPTH_NEGATIVE.format(depth=args.depth), file=sys.stderr)
        return 2
    if _second_file(args, [args.name, *args.sizes]):
        return 2
    sizes = parse_sizes(args.sizes)
    if isinstance(sizes, str):
        print(sizes, file=sys.stderr)
        return 2
    if _missing([args.file]) or (args.output and _bad_output(args.output, [Path(args.file)])):
        return 2
    program, status = _checked_program(args, args.name)
    if program is None:
        return status
    if not _find(program, args.name):
        return 1
    if (wrong := misfit(sizes, [program.get(args.name)], args.name)) is not None:
        print(wrong, file=sys.stderr)
        return 2
    svg = to_svg(layout(program, args.name, args.depth, sizes))
    if args.output is None:
        sys.stdout.write(svg)
        return 0
    if not _write(Path(args.output), svg):
        return 2
    print(CliText.WROTE.format(path=args.output), file=sys.stderr)
    return 0


def _run(args) -> int:
    from .train.command import run

    return _missing([args.file]) or run(args, _policy(args))


def _eval(args) -> int:
    from .train.command import evaluate

    return _missing([args.file]) or evaluate(args, _policy(args))


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0] if lines else repr(e)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
