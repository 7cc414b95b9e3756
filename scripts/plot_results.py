"""The pictures and tables of docs/results.md: one metric of several runs against their
evaluation sets, the aligned model beside its baselines.

    python scripts/plot_results.py --metric exact_match --out docs/results/addition.png \
        --title "addition" "carry machine=runs/add" "Transformer=runs/add_transformer"

Each LABEL=RUN_DIR is a `para run` output folder; the metric is read at its last
evaluation (metrics.jsonl), the sets in the order the experiment declares them
(config.json). `--xlabel` names the axis; `--sizes a,b,c` gives the x positions (the length
or the number of nodes of each set) for a logarithmic axis. The Markdown table of the same
figures is printed to standard output.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def last_evaluation(run: Path) -> tuple[list[str], dict[str, dict[str, float]]]:
    """The evaluation sets' names, in declared order, and their figures at the last evaluation."""
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    names = [es["name"] for es in config.get("eval_sets", [])]
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    evals = [r for r in records if "eval" in r]
    if not evals:
        raise SystemExit(f"{run}: no evaluation recorded")
    last = max(r["step"] for r in evals)
    final = {r["eval"]: r for r in evals if r["step"] == last}
    return [n for n in names if n in final], final


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", metavar="LABEL=RUN_DIR")
    ap.add_argument("--metric", required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--title", default="")
    ap.add_argument("--xlabel", default="evaluation set")
    ap.add_argument("--sizes", default="", help="comma-separated x positions, one per set")
    args = ap.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    rows = []
    for item in args.runs:
        label, _, folder = item.partition("=")
        names, final = last_evaluation(Path(folder))
        ys = [final[n].get(args.metric, float("nan")) for n in names]
        if args.sizes:
            xs = [float(s) for s in args.sizes.split(",")][: len(names)]
            ax.set_xscale("log")
        else:
            xs = list(range(len(names)))
            ax.set_xticks(xs, names)
        ax.plot(xs, ys, marker="o", label=label)
        rows.append((label, names, ys))
    ax.set_xlabel(args.xlabel)
    ax.set_ylabel(args.metric)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    if args.title:
        ax.set_title(args.title)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=100)
    plt.close(fig)

    names = rows[0][1]
    print("| model | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, _, ys in rows:
        print(f"| {label} | " + " | ".join(f"{y:.4f}" for y in ys) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
