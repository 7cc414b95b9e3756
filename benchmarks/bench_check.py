"""How fast `para check` is: start-up of the whole command, and growth with program size.

    python benchmarks/bench_check.py [--runs N] [--sizes 1250,2500,5000,10000]

1. `para check examples/*.para stdlib/*.para` run as a process (the installed `para`
   script, and `python -m paradsl`), wall time, median of several runs.
2. The check path does not import jax: asserted from `python -X importtime` of the
   command and from `sys.modules` after `paradsl.driver.check_paths` in a fresh process.
3. Generated programs (paras with index notation, compositions and uses, each block
   using the previous one) of 1,250 to 10,000 lines, checked in-process with
   `paradsl.driver.check_paths`; time per line shows whether growth is linear.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("jax", "jaxlib", "numpy", "equinox", "jaxtyping", "optax")

# ---------------------------------------------------------------- generated programs

BLOCK = """\
-- block {i}
para Lin{i}(a: Nat, b: Nat) : [a] -> [b]
  params W : [a, b] ~ glorot, c : [b] ~ zeros
  = x => (sum j. x[j] * W[j, k]) + c[k]

para Norm{i}(d: Nat, eps: Float = 1e-5) : [d] -> [d]
  params g : [d] ~ ones
  = x =>
    let mu = mean(x) in
    let var = mean((x - mu) ** 2) in
    (x - mu) / sqrt(var + eps) * g

para Bil{i}(d: Nat) : ([d], [d]) -> f32
  params A : [d, d] ~ glorot
  = (x, y) => sum i j. x[i] * A[i, j] * y[j]

para Cen{i} (n : set) : [n, 4] -> [n, 4]
  = x => x[i, f] - (mean m. x[m, f])

para Att{i}(d: Nat) (n : set) : [n, d] -> [n, n]
  = x => softmax((sum c. x[i, c] * x[j, c]) / sqrt(d), over j)

para Net{i}(d: Nat, h: Nat) : [d] -> [d]
  uses l1 : Lin{i}(d, h), l2 : Lin{i}(h, d), n : Norm{i}(d)
  = n >> l1 >> relu >> l2 >> (z => z + 1.0)

para Deep{i}(d: Nat) : [d] -> [d]
  uses a : Net{i}(d, 2 * d), b : Net{prev}(d, d), c : Linear(d, d)
  = a >> b >> c >> gelu

"""
HEADER = "-- Generated for bench_check.py.\nimport nn\n\n"
PARAS_PER_BLOCK = 7


def generate(n_lines: int) -> str:
    """A valid program of about `n_lines` lines (never fewer)."""
    parts, lines, i = [HEADER], HEADER.count("\n"), 1
    while lines < n_lines:
        block = BLOCK.format(i=i, prev=max(i - 1, 1))
        parts.append(block)
        lines += block.count("\n")
        i += 1
    return "".join(parts)


def check_file(path: Path) -> None:
    from paradsl.driver import check_paths

    result = check_paths([path])
    if not result.ok:
        from paradsl.diagnostics import render

        raise AssertionError("\n".join(render(d, result.sources) for d in result.diagnostics[:5]))


def time_check(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        check_file(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def scaling(sizes: list[int], runs: int, workdir: Path) -> list[dict]:
    check_file(_write(workdir, generate(50), "warm.para"))  # imports and the grammar, once
    rows = []
    for n in sizes:
        text = generate(n)
        path = _write(workdir, text, f"gen_{n}.para")
        lines = text.count("\n")
        t = time_check(path, runs)
        rows.append(dict(target=n, lines=lines, paras=text.count("\npara "), seconds=t, us_per_line=1e6 * t / lines))
    return rows


def _write(d: Path, text: str, name: str) -> Path:
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------- whole process


def para_command() -> list[str]:
    """The installed `para` script beside this interpreter, else `python -m paradsl`."""
    script = Path(sys.executable).parent / "para"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "paradsl"]


def check_targets() -> list[str]:
    return sorted(str(p) for p in [*ROOT.glob("examples/*.para"), *ROOT.glob("stdlib/*.para")])


def time_process(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def heavy_imports_of_command(files: list[str]) -> list[str]:
    """Modules from HEAVY that `python -X importtime -m paradsl check FILES` imports."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "paradsl", "check", *files],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    found = set()
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name.split(".")[0] in HEAVY:
                found.add(name)
    return sorted(found)


def heavy_modules_after_check_paths(files: list[str]) -> list[str]:
    """Modules from HEAVY in `sys.modules` after `check_paths`, in a fresh interpreter."""
    code = ("import sys, paradsl.driver as d\n"
            f"r = d.check_paths({files!r})\n"
            "assert r.ok, r.diagnostics\n"
            f"print('\\n'.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    return [m for m in out.stdout.split() if m]


def assert_check_path_is_light(files: list[str]) -> None:
    by_importtime = heavy_imports_of_command(files)
    assert not by_importtime, f"`para check` imports {by_importtime}"
    in_modules = heavy_modules_after_check_paths(files)
    assert not in_modules, f"check_paths leaves {in_modules} in sys.modules"


# ---------------------------------------------------------------- report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="runs per measurement (the median is reported)")
    ap.add_argument("--sizes", default="1250,2500,5000,10000", help="generated program sizes, in lines")
    args = ap.parse_args(argv)
    files = check_targets()
    rel = " ".join(str(Path(f).relative_to(ROOT)) for f in files)

    assert_check_path_is_light(files)
    print("check path imports none of: " + ", ".join(HEAVY) + "  (python -X importtime, sys.modules): ok")

    print(f"\nwhole process, `para check {rel}`, median of {args.runs}:")
    script = para_command()
    for label, cmd in (("para (console script)", script), ("python -m paradsl", [sys.executable, "-m", "paradsl"]),
                       ("python -c pass (interpreter alone)", [sys.executable, "-c", "pass"])):
        argv_ = cmd if label.startswith("python -c") else [*cmd, "check", *files]
        print(f"  {label:<36}{time_process(argv_, args.runs):8.3f} s")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        rows = scaling(sizes, max(3, args.runs // 2), Path(tmp))
        big = _write(Path(tmp), generate(5000), "gen_5000_process.para")
        whole = time_process([*script, "check", str(big)], max(3, args.runs // 2))
    print(f"\ngenerated programs, in-process `check_paths`, median of {max(3, args.runs // 2)}:")
    print(f"  {'lines':>7}{'paras':>7}{'seconds':>10}{'us/line':>10}")
    for r in rows:
        print(f"  {r['lines']:>7}{r['paras']:>7}{r['seconds']:>10.3f}{r['us_per_line']:>10.1f}")
    if len(rows) > 1:
        print(f"  per-line time, largest / smallest: {rows[-1]['us_per_line'] / rows[0]['us_per_line']:.2f}")
    print(f"  5,000 lines as a whole process (`para check`): {whole:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
