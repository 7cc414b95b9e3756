"""How long the `para` commands take to start: whole processes, wall time.

    python benchmarks/bench_startup.py [--runs N] [--as-is]

Each command runs as a fresh process (`subprocess`, output discarded, stdin from
/dev/null), the commands taking turns round by round so that a change in the machine's
load falls on all of them alike; the median of `--runs` rounds is reported, beside the
bare interpreter's `python -c pass`:

- `python -c "import paradsl"`
- `para --version`
- `para check examples/mlp.para`
- `para repl < /dev/null`, where the installed `para` has a `repl` command

By default the children write and read their bytecode in a temporary cache
(`PYTHONPYCACHEPREFIX`, after a warm-up round), as an installed package does, even where
the environment sets `PYTHONDONTWRITEBYTECODE`; `--as-is` runs them in the environment
as it is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]


def para_command() -> list[str]:
    """The installed `para` script beside this interpreter, else `python -m paradsl`."""
    script = Path(sys.executable).parent / "para"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "paradsl"]


def has_repl(para: list[str], env: dict[str, str]) -> bool:
    """Whether `para repl` is a command: argparse refuses an unknown one with status 2."""
    r = subprocess.run([*para, "repl", "--help"], check=False, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return r.returncode == 0


def commands(para: list[str], repl: bool) -> list[Command]:
    out = [Command("python -c pass", (sys.executable, "-c", "pass")),
           Command('python -c "import paradsl"', (sys.executable, "-c", "import paradsl")),
           Command("para --version", (*para, "--version")),
           Command("para check examples/mlp.para", (*para, "check", "examples/mlp.para"))]
    if repl:
        out.append(Command("para repl < /dev/null", (*para, "repl")))
    return out


def run_once(cmd: Command, env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True,
                   timeout=120)
    return time.perf_counter() - t


def measure(cmds: list[Command], runs: int, env: dict[str, str]) -> dict[str, float]:
    """The median wall time of each command, over `runs` rounds after one warm-up round."""
    times: dict[str, list[float]] = {c.label: [] for c in cmds}
    for c in cmds:  # the file cache, and the bytecode cache where it is written
        run_once(c, env)
    for i in range(runs):
        for c in cmds if i % 2 == 0 else cmds[::-1]:
            times[c.label].append(run_once(c, env))
    return {label: statistics.median(ts) for label, ts in times.items()}


def table(medians: dict[str, float], baseline: str) -> str:
    """Markdown rows: each command's median, its ratio to the baseline, and the time beyond it."""
    base = medians[baseline]
    rows = ["| command | median wall time | / `python -c pass` | beyond `python -c pass` |",
            "|---|---|---|---|"]
    for label, t in medians.items():
        rows.append(f"| `{label}` | {t:.3f} s | {t / base:.1f} | {t - base:+.3f} s |")
    return "\n".join(rows)


def child_env(as_is: bool, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11, help="rounds (the median is reported; default 11)")
    ap.add_argument("--as-is", action="store_true",
                    help="run the commands in this environment as it is (bytecode as it says)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    para = para_command()
    with tempfile.TemporaryDirectory(prefix="para-pyc-") as cache:
        env = child_env(args.as_is, cache)
        repl = has_repl(para, env)
        cmds = commands(para, repl)
        medians = measure(cmds, args.runs, env)
    bytecode = "as the environment has it" if args.as_is else "cached (PYTHONPYCACHEPREFIX, warmed)"
    print(f"median of {args.runs} rounds; `para` is {' '.join(para)}; bytecode {bytecode}; "
          f"load average {os.getloadavg()[0]:.2f}")
    if not repl:
        print("`para repl` skipped: this `para` has no repl command")
    print(table(medians, cmds[0].label))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
