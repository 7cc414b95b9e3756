"""The `para` command: check, compile, ir, params, laws, cost.

Exit status: 0 success, 1 an error in the user's program, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._version import __version__
from .diagnostics.messages_cli import CliText
from .diagnostics.template import Text


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

    k = sub.add_parser("compile", help="compile a file to a Python module of Equinox classes", description=
                       "Compile a .para file to a readable Python module of equinox.Module classes.")
    k.add_argument("file", metavar="FILE")
    k.add_argument("-o", "--output", metavar="OUT", help="where to write the module (default: standard output)")

    i = sub.add_parser("ir", help="print the typed IR the checker makes of a file, or of one para", description=
                       "Check a .para file and print its typed IR: each para's signature, parameters, uses, ties "
                       "and body, callees first. Exit 1 if the file has an error or there is no para NAME.")
    i.add_argument("file", metavar="FILE")
    i.add_argument("name", metavar="NAME", nargs="?", help="one para (default: every para of the file's program)")

    r = sub.add_parser("params", help="the parameter space of a para, before and after ties", description=
                       "Report a para's parameter leaves: |P| before ties and |Q| after (what the module stores), "
                       "leaf by leaf, as polynomials in its sizes and, given sizes, as numbers.")
    r.add_argument("file", metavar="FILE")
    r.add_argument("name", metavar="NAME")
    r.add_argument("sizes", nargs="*", metavar="SIZE=N", help="values of hyperparameters and index sets, e.g. d=64")

    o = sub.add_parser("cost", help="parameters, activation memory and FLOPs, as polynomials in the sizes",
                       description="Report a para's free parameters, the elements of every tensor it materialises "
                       "and its contraction FLOPs, as polynomials in its sizes and, given sizes, as numbers; warn "
                       "where a tensor grows superlinearly in a runtime index set.")
    o.add_argument("file", metavar="FILE")
    o.add_argument("name", metavar="NAME")
    o.add_argument("sizes", nargs="*", metavar="SIZE=N", help="values of hyperparameters and index sets, e.g. n=4096")
    o.add_argument("--size", dest="more_sizes", action="extend", nargs="+", default=[], metavar="SIZE=N",
                   help="the same, after the option: `--size n=4096 d=64`")
    o.add_argument("--max-degree", type=int, default=2, metavar="D",
                   help="warn when a tensor's size has degree D or more in a runtime index set (default 2)")

    w = sub.add_parser("laws", help="check 2-cell laws and equivariances numerically", description=
                       "Check, on random parameters and inputs, each para's 2-cell law g(q, x) = f(r(q), x) and the "
                       "equivariance its set and cyc index sets declare. Exit 1 if a law fails.")
    w.add_argument("file", metavar="FILE")
    w.add_argument("name", metavar="NAME", nargs="?", help="one para (default: every para of the file)")
    w.add_argument("--size", dest="sizes", action="append", default=[], metavar="SIZE=N",
                   help="a hyperparameter or index-set size (default 3 and 7, 5, 6, ...); repeatable")
    w.add_argument("--trials", type=int, default=3, help="random draws per law (default 3)")
    w.add_argument("--seed", type=int, default=0)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help(sys.stderr)
        return 2
    from .driver import _deep_recursion

    commands = {"check": _check, "compile": _compile, "ir": _ir, "params": _params, "laws": _laws, "cost": _cost}
    with _deep_recursion():  # the analyses recurse once per level of nesting, as checking does
        return commands[args.command](args)


def _missing(files: list[str]) -> int:
    for f in files:
        if not Path(f).is_file():
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
    result = check_paths(args.files)
    _report(result)
    if not result.ok:
        return 1
    n = sum(len([p for p in prog.paras if p.file == f]) for f, prog in result.programs.items())
    print(CliText.CHECKED.format(files=len(args.files), paras=n))
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
        print(CliText.WROTE.format(path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(source)
    return 0


def _ir(args) -> int:
    from .ir import format_para, format_program

    program, status = _checked_program(args.file, args.name)
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


def _parse_sizes(items: list[str]) -> dict[str, int] | None:
    out = {}
    for item in items:
        name, eq, value = item.partition("=")
        try:
            out[name.strip()] = int(value)
        except ValueError:
            eq = ""
        if not eq or not name.strip():
            print(CliText.BAD_SIZE.format(item=item), file=sys.stderr)
            return None
    return out


def _checked_program(file: str, name: str | None = None):
    from .driver import check_paths

    if _missing([file]):
        return None, 2
    result = check_paths([file], also=(name,) if name else ())
    _report(result)
    if not result.ok:
        return None, 1
    return next(iter(result.programs.values())), 0


def _find(program, name: str) -> bool:
    names = [p.name for p in program.paras]
    if name in names:
        return True
    from .check.suggest import closest

    close = closest(name, names)
    if close:
        print(CliText.NO_SUCH_PARA_CLOSE.format(name=name, file=program.file, close=close), file=sys.stderr)
    else:
        print(CliText.NO_SUCH_PARA.format(name=name, file=program.file), file=sys.stderr)
    return False


def _prepare(args, sizes: list[str], problem: Text | None = None):
    """The sizes given and the checked program holding `args.name`, or an exit status."""
    parsed = _parse_sizes(sizes)
    if problem is not None:
        print(problem.format(), file=sys.stderr)
    if parsed is None or problem is not None:
        return None, None, 2
    program, status = _checked_program(args.file, args.name)
    if program is None:
        return None, None, status
    if args.name is not None and not _find(program, args.name):
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
    results = program_laws(program, args.name, sizes, trials=args.trials, seed=args.seed)
    print(format_results(results))
    checked = [r for r in results if not r.skipped]
    failed = [r for r in checked if not r.ok]
    print(CliText.LAWS_CHECKED.format(checked=len(checked), failed=len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
