"""Cost analysis: parameters, activation memory and contraction FLOPs, as polynomials.

Every tensor type is a product of sizes, so what a para costs is known before it runs, as a
polynomial in its hyperparameters and the sizes of its index sets:

- parameters: |Q| (what the module stores) and |P| (before ties), from `paradsl.params`;
- activations: the elements of every tensor the body materialises (each `let`, each
  `for`, each contraction's result and each operand it gathers by an index array, each
  use's output), uses included, with their paths;
- contraction FLOPs, as XLA runs them: a `sum` of factors is contracted pairwise, left to
  right, in the order the lowering gives `jnp.einsum` (`ir.contraction`), and each step
  costs a multiply and an add per point of its labels (`sum c. a[i, c] * b[c, j]` is
  2*i*c*j; `sum u c. a[u, v] * x[u, c] * W[c, k]` is 2*n^2*d + 2*n*d*h); a matrix
  product 2*m*k*n, an `einsum` likewise step by step; a contraction in another semiring,
  which broadcasts all its factors at once, f operations per point of its labels; a fold
  counts its cases' FLOPs once per step; a use whose weight is a circulant 2-cell, which the
  lowering applies as a circular convolution (`ir.circulant`), 2*c*k elementwise FLOPs for a
  kernel of k taps, and its c x c weight is not built.

A tensor whose size grows with a runtime index set to a degree at or above a threshold
(2 by default: quadratic memory, such as attention logits) is flagged.

    report = paradsl.cost("model.para", "TransformerBlock")
    report.memory.evaluate({"n": 1024, "d": 64, "h": 8, "k": 8})
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from .. import api, ir
from ..ir import contraction
from ..ir.circulant import CircularPlan, CircularUse, circular_plan
from . import elementwise
from ..types import Poly, TensorType, TupleType, Type
from ..types.sizes import poly_sum

BYTES = {"f64": 8, "i64": 8, "f32": 4, "i32": 4, "u32": 4, "bf16": 2, "f16": 2, "i16": 2, "i8": 1, "u8": 1, "bool": 1}


def pretty(p: Poly) -> str:
    """A size polynomial with powers: `h*n^2 + 2*d`."""
    if not p.terms:
        return "0"
    parts = []
    for m, c in sorted(p.terms, key=lambda mc: (-sum(k for _, k in mc[0]), mc[0])):
        body = "*".join(v if k == 1 else f"{v}^{k}" for v, k in m)
        if not body:
            parts.append((c, str(abs(c))))
        else:
            parts.append((c, body if abs(c) == 1 else f"{abs(c)}*{body}"))
    out = ("-" if parts[0][0] < 0 else "") + parts[0][1]
    for c, text in parts[1:]:
        out += (" - " if c < 0 else " + ") + text
    return out


@dataclass(frozen=True)
class Activation:
    path: str  # where: `attn.logits`, `ff.(result)`
    type: str
    elements: Poly
    bytes_per: int


@dataclass(frozen=True)
class Contraction:
    path: str
    what: str
    flops: Poly


@dataclass(frozen=True)
class Elementwise:
    """The elementwise and reduction work of one `let` (or result): `what` lists its
    operations."""

    path: str
    what: str
    flops: Poly


@dataclass(eq=False)
class _Part:
    """What one para costs at one place of the tree of uses: its entries, paths relative to
    it, and the parts of the uses it enters, after the use's name. A para entered at the
    same sizes and in the same context shares its part, so the report is a DAG as large as
    the distinct paras, not the tree of their uses (2^n for a para that doubles n times)."""

    items: list[Activation | Contraction | Elementwise | tuple[str, "_Part"]] = field(default_factory=list)

    def expand(self, kind: type, prefix: str = "", memo: dict | None = None) -> Iterator:
        """The entries of `kind` below, with their paths; a part with none is not entered."""
        memo = {} if memo is None else memo
        for item in self.items:
            if isinstance(item, tuple):
                if item[1].total(kind, memo)[1]:
                    yield from item[1].expand(kind, prefix + item[0], memo)
            elif isinstance(item, kind):
                yield replace(item, path=prefix + item.path) if prefix else item

    def total(self, kind: type, memo: dict[int, tuple[Poly, int]]) -> tuple[Poly, int]:
        """The sum of the entries of `kind` below, and how many there are."""
        got = memo.get(id(self))
        if got is None:
            size, count = Poly.const(0), 0
            for item in self.items:
                if isinstance(item, tuple):
                    s, c = item[1].total(kind, memo)
                    size, count = size + s, count + c
                elif isinstance(item, kind):
                    size, count = size + (item.elements if kind is Activation else item.flops), count + 1
            memo[id(self)] = got = (size, count)
        return got


#: The most activations or contractions the report lists; past them it says how many more.
MAX_ROWS = 64


@dataclass
class CostReport:
    para: str
    signature: str
    params_free: Poly
    params_total: Poly
    runtime: set[str]  # the index sets, whose sizes are only known when the model runs
    tree: _Part = field(default_factory=_Part)

    @property
    def activations(self) -> list[Activation]:
        """Every activation, with its path: one per place, as many as the tree of uses has."""
        return list(self.tree.expand(Activation))

    @property
    def contractions(self) -> list[Contraction]:
        return list(self.tree.expand(Contraction))

    @property
    def memory(self) -> Poly:
        return self.tree.total(Activation, {})[0]

    @property
    def elementwise(self) -> list[Elementwise]:
        return list(self.tree.expand(Elementwise))

    @property
    def flops(self) -> Poly:
        """The FLOPs of contractions (dots and semiring contractions)."""
        return self.tree.total(Contraction, {})[0]

    @property
    def elementwise_flops(self) -> Poly:
        """The FLOPs of elementwise and reduction work, as XLA counts them (`elementwise`)."""
        return self.tree.total(Elementwise, {})[0]

    @property
    def total_flops(self) -> Poly:
        return self.flops + self.elementwise_flops

    def activation(self, path: str) -> Activation:
        return next(a for a in self.tree.expand(Activation) if a.path == path)

    def warnings(self, max_degree: int = 2) -> list[str]:
        out = []
        for a in _grown(self.tree, self.runtime, max_degree, {}):
            for v in sorted(self.runtime):
                degree = max((k for m, _ in a.elements.terms for name, k in m if name == v), default=0)
                if degree >= max_degree:
                    grows = {2: "quadratically", 3: "cubically"}.get(degree, f"as the power {degree}")
                    out.append(f"{a.path} {a.type} has {pretty(a.elements)} elements: it grows {grows} in the "
                               f"index set {v!r} (threshold: degree {max_degree}, `--max-degree`)")
        return out

    def format(self, sizes: dict[str, int] | None = None, max_degree: int = 2) -> str:
        sizes = sizes or {}

        def at(p: Poly) -> str:
            if not p.variables() <= set(sizes):
                return ""
            return f" = {p.evaluate(sizes):,}"

        lines = [self.signature]
        lines.append(f"  parameters      {pretty(self.params_free)}{at(self.params_free)}  (free, stored)")
        if self.params_total != self.params_free:
            lines.append(f"                  {pretty(self.params_total)}{at(self.params_total)}  (before ties)")
        lines.append("  activations (elements)")
        shown = list(islice(self.tree.expand(Activation), MAX_ROWS))
        width = max((len(a.path) for a in shown), default=4)
        for a in shown:
            mem = ""
            if a.elements.variables() <= set(sizes):
                mem = f"  ({a.elements.evaluate(sizes) * a.bytes_per:,} bytes)"
            lines.append(f"    {a.path.ljust(width)}  {a.type:14s} {pretty(a.elements)}{at(a.elements)}{mem}")
        if (more := self.tree.total(Activation, {})[1] - len(shown)) > 0:
            lines.append(f"    ... {more:,} more")
        lines.append(f"    {'total'.ljust(width)}  {'':14s} {pretty(self.memory)}{at(self.memory)}")
        lines.append("  contraction FLOPs")
        shown = list(islice(self.tree.expand(Contraction), MAX_ROWS))
        width = max((len(c.path) for c in shown), default=4)
        for c in shown:
            lines.append(f"    {c.path.ljust(width)}  {pretty(c.flops)}{at(c.flops)}   {c.what}")
        if (more := self.tree.total(Contraction, {})[1] - len(shown)) > 0:
            lines.append(f"    ... {more:,} more")
        lines.append(f"    {'total'.ljust(width)}  {pretty(self.flops)}{at(self.flops)}")
        lines.append("  elementwise FLOPs (arithmetic, comparisons, reductions; exp, log, tanh, sqrt not counted)")
        shown = list(islice(self.tree.expand(Elementwise), MAX_ROWS))
        width = max((len(c.path) for c in shown), default=4)
        for c in shown:
            lines.append(f"    {c.path.ljust(width)}  {pretty(c.flops)}{at(c.flops)}   {c.what}")
        if (more := self.tree.total(Elementwise, {})[1] - len(shown)) > 0:
            lines.append(f"    ... {more:,} more")
        total, ew = self.total_flops, self.elementwise_flops
        lines.append(f"    {'total'.ljust(width)}  {pretty(ew)}{at(ew)}")
        lines.append(f"  FLOPs           {pretty(total)}{at(total)}  (contraction + elementwise)")
        for w in self.warnings(max_degree):
            lines.append(f"  warning: {w}")
        missing = sorted((self.memory.variables() | self.flops.variables() | self.params_free.variables()) - set(sizes))
        if missing:
            lines.append("  give " + " ".join(f"{v}=..." for v in missing) + " for numbers")
        return "\n".join(lines)


def report(program: ir.Program, name: str) -> CostReport:
    from .params import report as params_report

    root = program.get(name)
    pr = params_report(program, name)
    r = CostReport(name, root.signature(), pr.Q, pr.P, {n for n, _ in root.index_sets})
    walker = _Walker(program)
    walker.para(_Here(walker.tree.root(name), r.tree))
    return r


def cost(path: str | Path, name: str) -> CostReport:
    """The cost report of the para `name` in a `.para` file."""
    return report(api.check_file(path, also=(name,)), name)


@dataclass(frozen=True)
class _Here:
    """Where the walk is: the use it is inside, and the `let` (or result) being computed,
    which names the FLOPs found there. A callee inherits the name of the term that uses it."""

    at: ir.Reached
    part: _Part  # where what is found here goes: the part of the para `at`
    naming: str | None = None
    # Loops around here: contractions run `c_scale` times (`c_note` says why), activations
    # are `a_scale` tensors (`a_note` before their type says so).
    c_scale: Poly = Poly.const(1)
    c_note: str = ""
    a_scale: Poly = Poly.const(1)
    a_note: str = ""

    def around(self, steps: Poly, note: str, activations: bool = False) -> "_Here":
        """Here, inside a loop of `steps` steps; an inner loop's note comes first."""
        if not activations:
            return replace(self, c_scale=self.c_scale * steps, c_note=note + self.c_note)
        return replace(self, c_scale=self.c_scale * steps, c_note=note + self.c_note,
                       a_scale=self.a_scale * steps, a_note=self.a_note + f"{pretty(steps)} x ")

    def context(self) -> tuple:
        """What a para's part depends on besides the para: its sizes, its name and loops."""
        at = self.at
        return (at.para.file, at.para.name, tuple(sorted(at.sizes.items())), tuple(sorted(at.index_sets.items())),
                self.naming, self.c_scale, self.c_note, self.a_scale, self.a_note)

    def axis(self, a) -> Poly:
        return self.at.size(a)


class _Walker:
    """Goes through a para's body, and into each use where the body refers to it (once per
    reference, scaled by the steps of a fold or `map` around it). Where it is travels down
    as a `_Here`; only the report it fills is kept on the walker."""

    def __init__(self, program: ir.Program):
        self.tree = ir.UseTree(program)
        self.parts: dict[tuple, _Part] = {}
        self.plans: dict[tuple[str, str], CircularPlan | None] = {}

    def para(self, here: _Here) -> None:
        d = here.at.para
        if d.body is not None:
            self.map_(here, d.body)
        for case in d.cases:
            self.map_(here, case.body)
        plan = self.plan(d)
        for tie in d.ties:
            # A circulant weight is never built: only its kernel is computed, on every call.
            value = tie.value.arg if plan is not None else tie.value
            self.term(here, value, "(tie " + ".".join(tie.targets[0]) + ")")

    def plan(self, d: ir.ParaDef) -> CircularPlan | None:
        """Which of `d`'s uses run as circular convolutions (`ir.circulant`), as the lowering reads it."""
        key = (d.file, d.name)
        if key not in self.plans:
            self.plans[key] = circular_plan(d, self.tree.defs)
        return self.plans[key]

    # ------------------------------------------------------------------ sizes
    def elements(self, here: _Here, t: Type, labels: ir.Labels = ()) -> Poly:
        out = Poly.const(1)
        for _, a in labels:
            out = out * here.axis(a)
        if isinstance(t, TensorType):
            for a in t.axes:
                out = out * here.axis(a)
            return out
        if isinstance(t, TupleType):
            return poly_sum(self.elements(here, i) * out for i in t.items)
        return Poly.const(0)

    def shown(self, here: _Here, t: Type, labels: ir.Labels = ()) -> str:
        def ax(a) -> str:
            return pretty(here.axis(a))

        if isinstance(t, TensorType):
            return "[" + ", ".join([ax(a) for _, a in labels] + [ax(a) for a in t.axes]) + "]"
        return "(" + ", ".join(self.shown(here, i) for i in t.items) + ")" if isinstance(t, TupleType) else str(t)

    def record(self, here: _Here, name: str, t: Type, labels: ir.Labels = ()) -> None:
        if not isinstance(t, (TensorType, TupleType)):
            return
        dtype = t.dtype if isinstance(t, TensorType) else "f32"
        here.part.items.append(Activation(name, here.a_note + self.shown(here, t, labels),
                                          self.elements(here, t, labels) * here.a_scale, BYTES.get(dtype, 4)))

    def flops(self, here: _Here, what: str, f: Poly) -> None:
        here.part.items.append(Contraction(here.naming or "(result)", what + here.c_note, f * here.c_scale))

    def work(self, here: _Here, what: str, f: Poly) -> None:
        """Elementwise or reduction work, gathered by the `let` (or result) it computes."""
        if f == Poly.const(0):
            return
        path, f = here.naming or "(result)", f * here.c_scale
        for i in range(len(here.part.items) - 1, -1, -1):
            item = here.part.items[i]
            if isinstance(item, Elementwise) and item.path == path and item.what.endswith(here.c_note):
                ops = item.what[:len(item.what) - len(here.c_note)] if here.c_note else item.what
                if what not in ops.split(", "):
                    ops += ", " + what
                here.part.items[i] = Elementwise(path, ops + here.c_note, item.flops + f)
                return
        here.part.items.append(Elementwise(path, what + here.c_note, f))

    def operation(self, here: _Here, t: ir.Term) -> tuple[str, Poly]:
        what, per_in, per_out = _operation_flops(t)
        flops = Poly.const(0)
        if per_in and t.args:
            flops = Poly.const(per_in) * self.elements(here, t.args[0].type, t.args[0].labels)
        if per_out:
            flops = flops + Poly.const(per_out) * self.elements(here, t.type, t.labels)
        return what, flops

    # ------------------------------------------------------------------ maps
    def map_(self, here: _Here, m: ir.MapTerm) -> None:
        if isinstance(m, ir.LambdaT):
            self.term(here, m.body, "(result)")
        elif isinstance(m, ir.Compose):
            self.map_(here, m.first)
            self.map_(here, m.second)
        elif isinstance(m, (ir.Parallel, ir.Fanout)):
            self.map_(here, m.left)
            self.map_(here, m.right)
        elif isinstance(m, ir.UseRef):
            plan = self.plan(here.at.para)
            cu = plan.get(m.name) if plan is not None else None
            if cu is not None:
                self.circular(here, cu, m)
            else:
                self.use(here, m.name, m.index_sets)
        elif isinstance(m, ir.Fold):
            self.fold(here, m)
        elif isinstance(m, ir.Iterate):
            self.iterate(here, m)
        elif isinstance(m, ir.PrimMap):
            self.work(here, m.op, Poly.const(elementwise.UNARY.get(m.op, 0)) * self.elements(here, m.type.dom))
        elif isinstance(m, ir.MapOver):
            steps = here.axis(m.axis)
            self.map_(here.around(steps, f", x {pretty(steps)} elements", activations=True), m.fn)

    def use(self, here: _Here, name: str, index_sets) -> None:
        """Enter a use: its part is made once per para, sizes and context, and shared."""
        callee = self.tree.enter(here.at, name, index_sets)
        if callee is None:
            return
        inside = replace(here, at=callee)
        if callee.use is not None and callee.use.repeat is not None:  # n copies in sequence
            n = callee.use.repeat.substitute(here.at.sizes)
            inside = inside.around(n, f", x {pretty(n)} copies")
        key = inside.context()
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = _Part()
            self.para(replace(inside, part=part))
        here.part.items.append((callee.path[-1] + ".", part))

    def circular(self, here: _Here, cu: CircularUse, m: ir.UseRef) -> None:
        """A use applied as a circular convolution: a multiply and an add per tap and element
        (k taps counted, where only the first c of a kernel that does not fold are read)."""
        part = _Part()
        inside = replace(here, part=part, naming="(result)")
        taps = cu.taps.substitute(here.at.sizes)
        self.work(inside, "circular convolution", Poly.const(2) * taps * here.axis(cu.axis))
        self.record(inside, "(result)", m.type.cod)
        here.part.items.append((cu.use + ".", part))

    def fold(self, here: _Here, m: ir.Fold) -> None:
        steps = here.axis(m.axis)
        if m.masked and isinstance(m.type.cod, TensorType):  # the unit put where the mask leaves one out
            self.work(here, "masked fold's select", steps * _product(here.axis(a) for a in m.type.cod.axes))
        self.use(here.around(steps, f", x {pretty(steps)} steps"), m.use, m.index_sets)

    def iterate(self, here: _Here, m: ir.Iterate) -> None:
        """An iteration's body, once for each step: `until` counts its most steps."""
        steps = m.count.substitute({**here.at.sizes, **{n: here.axis(a) for n, a in m.index_sets}})
        self.map_(here.around(steps, f", x {pretty(steps)} steps"), m.fn)

    # ------------------------------------------------------------------ contractions
    def contraction(self, here: _Here, t: ir.Reduce, factors: list[ir.Term]) -> None:
        """A `sum` of a product. In a semiring every factor is combined at every point of
        the labels and the result reduced: `f` operations a point. Otherwise the factors
        are contracted pairwise in the order the lowering uses (`ir.contraction`), and
        each step is counted as it runs (`chain_flops`); a factor without labels is one
        multiplication per element of the result."""
        for f in factors:
            if _gathers(f):  # the lowering gathers the operand before contracting it
                base = getattr(f.base, "name", None) or ".".join(getattr(f.base, "path", ())) or "operand"
                within = "" if here.naming in (None, "(result)") else here.naming + "."
                self.record(here, f"{within}(gathered {base})", f.type, f.labels)
        sizes = dict(t.body.labels)
        over = "sum of " + f"{len(factors)} factors over " + ", ".join(ir.source_name(n) for n in sizes)
        if t.semiring is not None:
            points = Poly.const(len(factors))
            for a in sizes.values():
                points = points * here.axis(a)
            self.flops(here, over + f" in {t.semiring.name}", points)
            return
        labelled = [tuple(n for n, _ in f.labels) for f in factors if f.labels]
        out = tuple(n for n, _ in t.labels)
        chain = contraction.steps(labelled, out)
        flops = chain_flops(chain, lambda n: here.axis(sizes[n]))
        flops = flops + Poly.const(len(factors) - len(labelled)) * _product(here.axis(sizes[n]) for n in out)
        self.flops(here, over + (", left to right" if len(chain) > 1 else ""), flops)

    # ------------------------------------------------------------------ terms
    def term(self, here: _Here, t: ir.Term, name: str | None = None) -> None:
        """Walk a term; `name`, when given, is the `let` (or result) it computes, and names
        the FLOPs within it."""
        self._term(here if name is None else replace(here, naming=name), t, name)

    def _term(self, here: _Here, t: ir.Term, name: str | None) -> None:
        if isinstance(t, ir.Let):
            self.term(here, t.value, t.name)
            self.term(here, t.body, name)
            return
        if isinstance(t, ir.For):
            self.term(here, t.body)
            self.record(here, name or "(for)", t.type, t.labels)
            return
        if isinstance(t, ir.Reduce):
            factors = ir.factors(t.body)
            if t.op == "sum" and (len(factors) > 1 or t.semiring is not None):
                for f in factors:
                    self.term(here, f)
                self.contraction(here, t, factors)
            else:  # a reduction of one term, as `jnp.sum` (or max, mean ...) runs it
                self.term(here, t.body)
                per_in, per_out = elementwise.REDUCTION[str(t.op)]
                self.work(here, str(t.op), Poly.const(per_in) * self.elements(here, t.body.type, t.body.labels)
                          + Poly.const(per_out) * self.elements(here, t.type, t.labels))
            if name is not None:
                self.record(here, name, t.type, t.labels)
            return
        if isinstance(t, ir.MatMul):
            self.term(here, t.left)
            self.term(here, t.right)
            lt, rt = t.left.type, t.right.type
            size = Poly.const(2)
            for a in lt.axes:
                size = size * here.axis(a)
            for a in rt.axes[1:]:
                size = size * here.axis(a)
            self.flops(here, "matrix product", size)
            self.record(here, name or "(@)", t.type, t.labels)
            return
        if isinstance(t, ir.Einsum):
            for a in t.args:
                self.term(here, a)
            ins, _, out = t.spec.partition("->")
            letters: dict[str, object] = {}
            for part, arg in zip(ins.split(","), t.args):
                for ch, a in zip(part, arg.type.axes):
                    letters.setdefault(ch, a)
            chain = contraction.steps([tuple(part) for part in ins.split(",")], tuple(out))
            self.flops(here, f"einsum {t.spec}", chain_flops(chain, lambda ch: here.axis(letters[ch])))
            self.record(here, name or "(einsum)", t.type, t.labels)
            return
        if isinstance(t, ir.Apply):
            self.term(here, t.arg)
            self.map_(here, t.fn)
            if name is not None:
                self.record(here, name, t.type, t.labels)
            return
        for child in _children(t):
            self.term(here, child)
        self.work(here, *self.operation(here, t))
        if name is not None and not isinstance(t, (ir.Var, ir.ParamRef, ir.LeafRef, ir.Lit, ir.HyperRef, ir.SizeOf)):
            self.record(here, name, t.type, t.labels)


def _operation_flops(t: ir.Term) -> tuple[str, int, int]:
    """A term's operation, and its FLOPs per element read (of its first argument) and per
    element given (see `elementwise`)."""
    if isinstance(t, ir.Prim):
        if t.op == "pow" and isinstance(t.args[1], ir.Lit) and isinstance(t.args[1].value, int) \
                and not isinstance(t.args[1].value, bool) and t.args[1].value >= 0:
            return "pow", 0, elementwise.integer_power(t.args[1].value)
        if t.op == "mod" and isinstance(t.type, TensorType) and t.type.dtype[0] in "iu":
            return "mod", 0, elementwise.INT_MOD
        per = elementwise.BINARY.get(t.op) if len(t.args) > 1 else elementwise.UNARY.get(t.op)
        return t.op, 0, per if per is not None else elementwise.UNARY.get(t.op, 0)
    if isinstance(t, ir.Builtin):
        if t.name in elementwise.REDUCTION:
            per_in, per_out = elementwise.REDUCTION[t.name]
            beta = len(t.args) > 1 and t.name in ("softmax", "log_softmax", "sample", "logsumexp")
            return t.name, per_in + (elementwise.TEMPER if beta else 0), per_out
        if t.name in ("where", "one_hot"):  # a select; a comparison per element of the indicator
            return t.name, 0, 1
    return "", 0, 0


def _grown(part: _Part, runtime: set[str], max_degree: int, memo: dict[int, list[Activation]]) -> list[Activation]:
    """The activations below `part` whose elements grow with an index set to `max_degree`
    or more, with their paths; a shared part is searched once."""
    got = memo.get(id(part))
    if got is None:
        got = []
        for item in part.items:
            if isinstance(item, tuple):
                got.extend(replace(a, path=item[0] + a.path) for a in _grown(item[1], runtime, max_degree, memo))
            elif isinstance(item, Activation) and any(
                    k >= max_degree for m, _ in item.elements.terms for name, k in m if name in runtime):
                got.append(item)
        memo[id(part)] = got
    return got


def _gathers(t: ir.Term) -> bool:
    """Whether a term is a subscript by an index array (`E[tokens[s], e]`), which the lowering
    materialises, rather than a view of its base (`x[i, c]`, `p[0]`)."""
    return isinstance(t, ir.Sub) and any(not isinstance(i, ir.IVar) and i.labels for i in t.indices)


def _product(sizes) -> Poly:
    out = Poly.const(1)
    for p in sizes:
        out = out * p
    return out


def chain_flops(chain, size) -> Poly:
    """The FLOPs of pairwise contractions, `size(label)` giving each label's size. An
    operand first sums the labels only it has (an addition per element); a step that then
    sums a label both operands share is a multiply and an add per point of its labels, as a
    dot product, one that sums none a multiplication per point."""
    flops = Poly.const(0)
    for s in chain:
        lone = set(s.lone)
        for side in (s.left, s.right):
            if lone & set(side):
                flops = flops + _product(size(n) for n in side)
        points = [n for n in dict.fromkeys(s.left + s.right) if n not in lone]
        per = 2 if any(n in s.summed for n in points) else 1
        flops = flops + Poly.const(per) * _product(size(n) for n in points)
    return flops


def _children(t: ir.Term) -> list[ir.Term]:
    if isinstance(t, ir.Prim):
        return list(t.args)
    if isinstance(t, ir.Builtin):
        return list(t.args)
    if isinstance(t, ir.TupleT):
        return list(t.items)
    if isinstance(t, ir.Sub):
        return [t.base] + [i for i in t.indices if isinstance(i, ir.Term)]
    return []
