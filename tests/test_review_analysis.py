"""Review defects of the analyses: `para laws` honest with infinities and NaNs, `para cost`
counting the contractions that run.

The programs in `tests/review/` are the reproducers as they were reported.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import jax.numpy as jnp
import pytest
from conftest import STDLIB, Ran, para_cli
from test_cost import poly

import paradsl
import paradsl.analysis.cost
from paradsl.analysis.cost import pretty
from paradsl.analysis import laws

REVIEW = Path(__file__).resolve().parent / "review"


def para(*args: str) -> Ran:
    return para_cli(*args)  # in-process: a `para laws` process would import jax anew


# ------------------------------------------------------------------ laws and infinities


def test_equal_infinities_are_no_error():
    # An infinite mask permuted is the permuted infinite mask: inf - inf is NaN, not a failure.
    (r,) = paradsl.check_laws(REVIEW / "b01_laws_inf_nan.para")
    assert r.ok and r.error == 0.0 and math.isfinite(r.tolerance), r


def test_the_laws_cli_passes_an_infinite_mask_without_warnings():
    r = para("laws", str(REVIEW / "b01_laws_inf_nan.para"))
    assert r.returncode == 0 and "1 law checked, 0 failed" in r.stdout, r.stdout + r.stderr
    assert "nan" not in r.stdout and "inf" not in r.stdout.split("InfMask")[1] and "Warning" not in r.stderr


def test_an_infinite_component_does_not_widen_the_tolerance():
    results = {(r.para, r.law.split()[0]): r for r in paradsl.check_laws(REVIEW / "laws_inf_tolerance.para")}
    for name in ("NotAssoc", "NotAssocInf"):
        assoc = results[name, "associative"]
        assert not assoc.ok and math.isfinite(assoc.tolerance) and assoc.tolerance < 1e-3, assoc
        assert results[name, "commutative"].ok


@pytest.mark.parametrize(("got", "want", "fails"), [
    ([1.0, jnp.inf], [1.0, jnp.inf], False),  # the same infinity
    ([1.0, -jnp.inf], [1.0, -jnp.inf], False),
    ([1.0, jnp.inf], [1.0, 2.0], True),  # an infinity against a finite value
    ([1.0, 2.0], [1.0, -jnp.inf], True),
    ([jnp.inf], [-jnp.inf], True),  # the other infinity
    ([jnp.nan], [1.0], True),  # a NaN fails, on either side, equal or not
    ([1.0], [jnp.nan], True),
    ([jnp.nan], [jnp.nan], True),
])
def test_discrepancy_with_infinities_and_nans(got, want, fails):
    error, scale = laws.discrepancy(jnp.asarray(got), jnp.asarray(want))
    tolerance = 1e-4 * max(1.0, scale)
    assert math.isfinite(scale)
    assert (not error <= tolerance) is fails, (error, scale)


def test_the_scale_is_the_largest_finite_magnitude():
    assert laws.discrepancy(jnp.asarray([3.0, 1.0]), jnp.asarray([-jnp.inf, -5.0])) == (math.inf, 5.0)
    assert laws.discrepancy((jnp.zeros(0),), (jnp.zeros(0),)) == (0.0, 0.0)


def test_a_nan_trial_is_the_worst_wherever_it_stands():
    assert math.isnan(laws.worst([0.1, math.nan])) and math.isnan(laws.worst([math.nan, 0.1]))
    assert laws.worst([0.1, 0.3, 0.2]) == 0.3


# ------------------------------------------------------------------ cost against XLA

def test_a_chain_of_three_factors_is_counted_in_the_order_it_runs():
    r = paradsl.cost(REVIEW / "b06_cost_multifactor.para", "GCNLayer")
    # (a x) first, summing u: 2*n^2*d; then (a x) W, summing c: 2*n*d*h. Not 3*n^2*d*h.
    assert r.flops == poly("2*n^2*d + 2*n*d*h"), pretty(r.flops)
    assert paradsl.api.compile_program(paradsl.api.check_file(REVIEW / "b06_cost_multifactor.para")).count(
        "optimize=[(0, 1), (0, 1)]") == 1


def test_the_contraction_order_is_left_to_right():
    from paradsl.ir.contraction import einsum_path, steps

    chain = steps([("u", "v"), ("u", "c"), ("c", "k")], ("v", "k"))
    assert [(s.kept, s.summed) for s in chain] == [(("v", "c"), ("u",)), (("v", "k"), ("c",))]
    assert einsum_path(2) == [(0, 1)] and einsum_path(3) == [(0, 1), (0, 1)]
    assert einsum_path(4) == [(0, 1), (0, 2), (0, 1)]  # the product so far is last in opt_einsum's list
    (lone,) = steps([("i", "j"), ("i",)], ("i",))
    assert lone.lone == ("j",)


def test_a_gathered_operand_is_an_activation(tmp_path):
    path = tmp_path / "lookup.para"
    path.write_text("para Lookup(v: Nat, d: Nat, h: Nat) (t : list) : [t] i32 -> [t, h]\n"
                    "  params E : [v, d] ~ normal(0.02), W : [d, h] ~ glorot\n"
                    "  = tokens => for s k. sum e. E[tokens[s], e] * W[e, k]\n")
    r = paradsl.cost(path, "Lookup")
    assert r.activation("(gathered E)").elements == poly("d*t")
    assert r.memory == poly("d*t + h*t") and r.flops == poly("2*d*h*t")


#: Sizes at which the stdlib's contractions are most of what it computes.
XLA_SIZES = dict(d=32, h=8, k=16, f=64, v=40, i=32, o=32, d_in=32, d_hidden=32, d_out=32, d_h=32, d_o=24,
                 e=8, r=8, m=24, n=12)
#: Folds that run as a loop. XLA counts a loop's body once, whatever its length, and what
#: the para does outside the loop along the same axis (an output projection of every state)
#: at the real length. So these are run at lengths 2 and 3 (at length 1 XLA drops the loop
#: and what its last step leaves unused), XLA's counts are extended linearly back to length
#: 1, `2 x at 2 - at 3`, and the report is counted at length 1.
LOOPS = {"scan", "tree", "unfold", "mealy", "moore"}


def _loops(program, p) -> tuple[set[str], bool, bool]:
    """The sizes along which a para, or a para it uses, runs a loop, whether one of the loops
    is a tree fold, whose nodes each run one case of those the report counts, and whether it
    iterates a map (a loop whose count, `n - 1`, is a size its body also uses)."""
    axes: set[str] = set()
    tree = iterates = False
    for r in paradsl.ir.walk(program, p.name):
        bodies = [r.para.body] + [c.body for c in r.para.cases]
        for node in paradsl.ir.nodes(tuple(b for b in bodies if b is not None)):
            if isinstance(node, paradsl.ir.Fold) and str(node.mode) in LOOPS:
                axes |= r.size(node.axis).variables()
                tree = tree or str(node.mode) == "tree"
            iterates = iterates or isinstance(node, paradsl.ir.Iterate)
        for u in r.para.uses:  # a repeat is a loop over its copies
            if u.repeat is not None:
                axes |= u.repeat.substitute(r.sizes).variables()
    return axes, tree, iterates


def _dot_flops(hlo: str) -> int:
    """The FLOPs of the dots in a compiled module's text: 2 x its result's elements x the
    sizes of its contracted axes, as XLA's cost analysis counts a dot."""
    shapes = dict(re.findall(r"%([\w.\-]+) = \w+\[([\d,]*)\]", hlo))
    total = 0
    for out, lhs, dims in re.findall(r"= \w+\[([\d,]*)\][^ ]* dot\(%([\w.\-]+),.*?lhs_contracting_dims=\{([\d,]*)\}",
                                     hlo):
        lhs_shape = [int(s) for s in shapes[lhs].split(",") if s]
        total += 2 * math.prod(int(s) for s in out.split(",") if s) * math.prod(
            lhs_shape[int(i)] for i in dims.split(",") if i)
    return total


def _stdlib_paras(iterating: bool = False):
    """The stdlib's paras (with the multi-factor review program); those that iterate a map
    apart, since XLA counts an iteration's body once and its count is a size the body uses."""
    for path in [*sorted(STDLIB.glob("*.para")), REVIEW / "b06_cost_multifactor.para"]:
        program = paradsl.api.check_file(path)
        for p in program.paras:
            if p.file == program.file and p.shape is None and not any(prm.abstract for prm in p.params):
                if _loops(program, p)[2] == iterating:
                    yield pytest.param(path, p.name, id=f"{path.stem}.{p.name}")


@functools.cache
def _built(path: Path):
    program = paradsl.api.check_file(path)
    return program, paradsl.api.load_program(program)


@dataclass(frozen=True)
class Measured:
    dot: int  # the report's contraction FLOPs outside semirings: what lowers to dots
    semiring: int  # the report's contraction FLOPs in semirings: broadcast and reduced
    elementwise: int  # the report's elementwise and reduction FLOPs
    xla: float  # the FLOPs of XLA's cost analysis of the compiled module
    xla_dots: int  # the FLOPs of the dots in it
    tree: bool


def _xla(program, module, p, env) -> tuple[float, int]:
    """XLA's FLOPs for the compiled module of `p` at the sizes `env`, and those of its dots."""
    import jax

    from paradsl.analysis.laws import _random
    from paradsl.names import ident

    cls = paradsl.api.para_class(module, program, p)
    hypers = [env[h.name] for h in p.hypers]
    x = _random(p.type.dom, env, jax.random.key(1))
    if p.is_reparam:
        m = cls(*hypers, key=None)
        kw = {ident(n): env[n] for n, _ in p.index_sets}
        compiled = jax.jit(lambda m, q: m(q, **kw)).lower(m, x).compile()
    else:
        m = cls(*hypers, key=jax.random.key(0))
        compiled = jax.jit(lambda m, x: m(x)).lower(m, x).compile()
    analysis = compiled.cost_analysis()
    analysis = analysis[0] if isinstance(analysis, list) else analysis
    return analysis.get("flops", 0.0), _dot_flops(compiled.as_text())


def _measure(path: Path, name: str) -> Measured:
    """The cost report of a stdlib para, and XLA's counts for its compiled module, at one
    step of each loop (see `LOOPS`)."""
    from paradsl.analysis.laws import _sizes

    program, module = _built(path)
    p = program.get(name)
    loop_axes, tree, _ = _loops(program, p)
    xla, xla_dots = _xla(program, module, p, _sizes(p, dict(XLA_SIZES) | {n: 2 for n in loop_axes}))
    if loop_axes:
        at3 = _xla(program, module, p, _sizes(p, dict(XLA_SIZES) | {n: 3 for n in loop_axes}))
        xla, xla_dots = 2 * xla - at3[0], 2 * xla_dots - at3[1]
    env = _sizes(p, dict(XLA_SIZES))
    counted = {k: v for k, v in env.items() if isinstance(v, int) and not isinstance(v, bool)}
    counted |= {n: 1 for n in loop_axes}
    report = paradsl.analysis.cost.report(program, name)
    semiring = sum(c.flops.evaluate(counted) for c in report.contractions if " in " in c.what)
    return Measured(report.flops.evaluate(counted) - semiring, semiring, report.elementwise_flops.evaluate(counted),
                    xla, xla_dots, tree)


#: The stdlib's iterations, each with the map it iterates and its count.
ITERATED = {"models.BellmanFord": (STDLIB / "graph.para", "BellmanFordStep", "n")}  # n - 1 steps


@pytest.mark.parametrize(("path", "name"), list(_stdlib_paras(iterating=True)))
def test_an_iterated_stdlib_para_costs_its_count_times_its_step(path, name):
    """`iterate f for k` costs k times f. XLA counts a loop's body once, and these counts
    (`n - 1`) are sizes their bodies also use, so the report is held to its step's instead."""
    step_path, step, count = ITERATED[f"{path.stem}.{name}"]
    total = paradsl.analysis.cost.report(paradsl.api.check_file(path), name).flops
    one = paradsl.analysis.cost.report(paradsl.api.check_file(step_path), step).flops
    assert total == poly(count) * one - one


#: Paras whose count is not yet XLA's within 10%, and why; each is held to at most XLA's
#: count and a quarter (what the report counts does run).
GAPS = {
    "attention.CausalSoftmax": "the mask's iotas, broadcasts and the -inf test XLA adds around the select",
    "nn.DeepSetLayer": "the weight its 2-cell builds on every call (a reparam's body) is not walked",
}


#: Paras whose count is an upper bound of XLA's, and why: held to at least XLA's count.
OVER = {
    "sparse.SparseBellmanFordStep": "a scatter through a pointer is counted as the comparison it is written as "
                                    "(`if dst[a] == v`, over every node), where it runs as a segment reduction",
}


@pytest.mark.slow
@pytest.mark.parametrize(("path", "name"), list(_stdlib_paras()))
def test_stdlib_flops_are_xlas(path, name):
    m = _measure(path, name)
    # The contractions counted are the dots XLA runs ...
    assert m.dot == pytest.approx(m.xla_dots, rel=0.1), m
    # ... and with the elementwise and reduction work, the total is XLA's within 10%. A
    # tree fold's node runs one of its cases and XLA counts the costliest; the report
    # counts them all, an upper bound.
    ours = m.dot + m.semiring + m.elementwise
    if f"{path.stem}.{name}" in GAPS:
        assert ours <= 1.25 * m.xla, m
    elif m.tree or f"{path.stem}.{name}" in OVER:
        assert ours >= 0.9 * m.xla, m
        assert ours >= 0.9 * m.xla, m
    else:
        assert ours == pytest.approx(m.xla, rel=0.1, abs=64), m
