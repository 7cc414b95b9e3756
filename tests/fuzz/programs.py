"""Well-typed `.para` programs, built from the grammar with their types tracked.

`programs()` is a hypothesis strategy of `Program`s: perhaps a declared semiring, monoid,
list algebra, Mealy or Moore machine, coalgebra and reparam, then a few helper paras and a
para `Main`, each with `Nat`, `Int`, `Float` and `Bool` hyperparameters, perhaps an index
set (`set`, `list` or `cyc`), inputs of `f32`, `bool` and `i32`, parameters with the
prelude's initialisers, named and anonymous uses of the stdlib (`nn`, `rnn`, `reparam`,
`attention`) and of the helpers, ties and `via`, and a body made of lambdas, `>>`, `&`,
parallel `*`, `let`, `if`, `where`, the prelude's builtins, index notation (`for`, the
reductions and their called forms, semiring contractions, shifted subscripts, index
equality and order, positions as numbers, rows picked by an integer), `map ... over` and
the recursion schemes over the index set. Every expression is drawn for a type the
generator already knows, and every index variable over an axis it can range over, so a
program is well typed by construction; the checker is still free to reject one (the tests
count how many it does).

Only what the rules allow is drawn: shifts and orders on `list` and `cyc` axes as the
symmetry rules permit, never on a `set`; scans along a `list` or a fixed axis; algebras
folded in order only along a `list`; no randomness or calls of paras in an algebra's cases;
no parameters, uses or randomness in a reparam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

from paradsl.prelude import INITIALIZERS, Kind, of_kind

#: The activations of the prelude: elementwise, usable as values and as maps.
UNARY = tuple(b.name for b in of_kind(Kind.UNARY))
#: Whole-tensor reductions to a scalar.
WHOLE_REDUCERS = tuple(b.name for b in of_kind(Kind.REDUCER, Kind.CALL_REDUCER))
INDEX_REDUCERS = ("sum", "max", "min", "mean", "prod")
SEMIRINGS = ("MinPlus", "MaxPlus", "Log", "Log(2.0)", "Real")
#: Fixed sizes a type may use: hyperparameters, a literal and size arithmetic.
FIXED = ("d", "h", "2", "2*d", "h+1")
INDEX_LETTERS = "acgjklmpqrsvw"  # never i, u, f, b: `i8`, `u8` are dtypes
HYPER_VALUES = {"d": 3, "h": 4}
INDEX_SET_SIZE = 5
#: The stdlib monoids that fold a `[n, a]` to `[a]` along any kind of axis.
ELEMENTWISE_MONOIDS = ("Max", "Min", "Sum", "LogSumExp")


@dataclass(frozen=True)
class Ty:
    """A tensor type: its axes (size expressions or the index set's name) and dtype."""

    axes: tuple[str, ...] = ()
    dtype: str = "f32"

    def text(self) -> str:
        if not self.axes:
            return self.dtype
        inner = "[" + ", ".join(self.axes) + "]"
        return inner if self.dtype == "f32" else f"{inner} {self.dtype}"


@dataclass(frozen=True)
class Tup:
    """A tuple type of tensors."""

    items: tuple[Ty, ...]

    def text(self) -> str:
        return "(" + ", ".join(i.text() for i in self.items) + ")"


Type = Ty | Tup


@dataclass(frozen=True)
class MapForm:
    """A map the generator can write: its text, its domain and codomain. `target` is set when
    the map is one para applied to its arguments, so that it may become a named use."""

    text: str
    dom: Type
    cod: Type
    target: bool = False
    imports: frozenset[str] = frozenset()

    @property
    def feature(self) -> str:
        """What the map is, for the coverage of the tests: its para, scheme or helper."""
        words = re.findall(r"[A-Za-z]+", self.text)
        return " ".join(words[:2]) if words[0] in ("fold", "scan", "run", "unfold", "map") else words[0]


@dataclass(frozen=True)
class Program:
    """A generated program: its source, `Main`'s index set and the constructs it uses."""

    text: str
    index_set: tuple[str, str] | None
    features: frozenset[str]


def _closed(text: str) -> str:
    """A map as an operand: parenthesised unless it is one name or call."""
    return text if re.fullmatch(r"[A-Za-z_][\w']*(\([^()]*\))?|\(.*\)", text) else f"({text})"


def swap_sizes(t: Type) -> Type:
    """`t` with the hyperparameters d and h exchanged: the type of a helper used as H(h, d)."""
    if isinstance(t, Tup):
        return Tup(tuple(swap_sizes(i) for i in t.items))
    swap = {"d": "h", "h": "d"}
    return Ty(tuple(re.sub(r"\b[dh]\b", lambda m: swap[m.group(0)], a) for a in t.axes), t.dtype)


@dataclass
class ParaGen:
    """The state of one para while it is drawn: names in scope, parameters and uses."""

    draw: object
    index_set: tuple[str, str] | None
    hypers: dict[str, str]
    helpers: list[MapForm]
    params: list[str] = field(default_factory=list)
    uses: list[tuple[str, str]] = field(default_factory=list)
    env: dict[str, Ty] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    features: set[str] = field(default_factory=set)
    semirings: tuple[str, ...] = SEMIRINGS
    counter: int = 0
    pure: bool = False  # a reparam's body: no parameters, uses or randomness
    random: bool = True  # whether dropout and sample may be drawn: not in an algebra's cases
    calls: bool = True  # whether paras may be applied in place: not in an algebra's cases

    # ------------------------------------------------------------------ choices

    def pick(self, seq):
        seq = list(seq)
        return seq[self.draw(st.integers(0, len(seq) - 1))]

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) < percent

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def fresh_index(self) -> str:
        """A fresh index name, two characters while they last (13 letters by 10 digits)."""
        self.counter += 1
        n = self.counter
        cycle = len(INDEX_LETTERS) * 10
        return f"{INDEX_LETTERS[n % len(INDEX_LETTERS)]}{n % 10}{n // cycle or ''}"

    # ------------------------------------------------------------------ axes and types

    @property
    def set_name(self) -> str | None:
        return self.index_set[0] if self.index_set else None

    def kind_of(self, axis: str) -> str:
        """`set`, `list` or `cyc` for the index set, `fixed` for a size."""
        return self.index_set[1] if axis == self.set_name else "fixed"

    def ordered(self, axis: str) -> bool:
        return self.kind_of(axis) in ("list", "fixed")

    def shiftable(self, axis: str) -> bool:
        if axis == self.set_name:
            return self.kind_of(axis) in ("list", "cyc")
        return re.fullmatch(r"[a-z]+|[0-9]+", axis) is not None

    def available_axes(self) -> list[str]:
        """Axes a new value may have: the fixed sizes, and the index set where some tensor in
        scope has it (its range comes from the input)."""
        if self.pure:  # no parameters to give an axis a range: only the tensors in scope
            return sorted({a for t in self.env.values() for a in t.axes if a != self.set_name})
        axes = list(FIXED)
        if self.set_name and any(self.set_name in t.axes for t in self.env.values()):
            axes.append(self.set_name)
        return axes

    def some_type(self, rank_max: int = 2) -> Ty:
        rank = self.draw(st.integers(0, rank_max))
        axes = [self.pick(self.available_axes()) for _ in range(rank)]
        if rank == 2 and self.chance(30):
            axes[1] = axes[0]  # a square type: indices over one axis meet
        return Ty(tuple(axes))

    def new_param(self, t: Ty) -> str:
        name = self.fresh("W")
        init = self.pick(INITIALIZERS)
        args = ""
        if init.arity[1] > 0 and (init.arity[0] > 0 or self.chance(50)):
            args = "(" + self.pick(("0.5", "0.1", "1.0", "-0.3" if init.name == "const" else "2.0")) + ")"
        text = f"{name} : {t.text()}"
        if self.chance(85):
            text += f" ~ {init.name}{args}"
            self.features.add(f"init {init.name}")
        self.params.append(text)
        self.env[name] = t
        return name

    # ------------------------------------------------------------------ maps

    def catalogue(self) -> list[MapForm]:
        """Every stdlib para, scheme and helper this para may use, over the fixed sizes."""
        forms: list[MapForm] = []
        n = self.set_name
        kind = self.index_set[1] if self.index_set else None
        nn, rnn = frozenset({"nn"}), frozenset({"rnn"})
        for a in FIXED:
            v = Ty((a,))
            forms += [
                MapForm(f"LayerNorm({a})", v, v, True, nn),
                MapForm(f"Dropout({a})", v, v, True, nn),
                MapForm(f"ResidualMLPBlock({a}, h)", v, v, True, nn),
                MapForm(f"LinearNoBias({a}, {a}) via Symmetric({a})", v, v, True, nn | {"reparam"}),
            ]
            for b in FIXED:
                w = Ty((b,))
                forms += [
                    MapForm(f"Linear({a}, {b})", v, w, True, nn),
                    MapForm(f"LinearNoBias({a}, {b})", v, w, True, nn),
                    MapForm(f"Embedding({a}, {b})", Ty((), "i32"), w, True, nn),
                    MapForm(f"MLP({a}, d, {b})", v, w, True, nn),
                    MapForm(f"LinearNoBias({a}, {b}) via LowRank({a}, {b}, 2)", v, w, True, nn | {"reparam"}),
                    MapForm(f"unfold StreamDecoder({a}, {b}) over 2", v, Ty(("2", b)), False, rnn),
                ]
                if n:
                    forms.append(MapForm(f"fold QuasiSum({a}, {b}) over {n}", Ty((n, a)), w, False, rnn))
                if n and kind == "list":
                    forms += [
                        MapForm(f"fold {cell}({a}, {b}) over {n}", Ty((n, a)), w, False, rnn)
                        for cell in ("Elman", "GRU", "DiagonalCell")
                    ]
                    forms += [
                        MapForm(f"LSTMRNN({a}, {b})", Ty((n, a)), w, True, rnn),
                        MapForm(f"Seq2Seq({a}, h, {b})", Ty((n, a)), Ty((n, b)), True, rnn),
                        MapForm(f"(fold DiagonalRecurrence({a}, {b}) over {n} >> ((q0, r0) => r0))",
                                Ty((n, a)), w, False, rnn),
                        MapForm(f"(scan DiagonalRecurrence({a}, {b}) over {n} >> ((q0, r0) => r0))",
                                Ty((n, a)), Ty((n, b)), False, rnn),
                        MapForm(f"(run ElmanMealy({a}, h, {b}) over {n} >> ((q0, r0) => q0))",
                                Ty((n, a)), Ty((n, b)), False, rnn),
                    ]
            if n:
                forms += [
                    MapForm(f"fold {m}({a}) over {n}", Ty((n, a)), v, False, rnn) for m in ELEMENTWISE_MONOIDS
                ]
                forms += [
                    MapForm(f"TokenLayerNorm({a})", Ty((n, a)), Ty((n, a)), True, frozenset({"attention"})),
                    MapForm(f"MultiHeadAttention({a}, 2, 2)", Ty((n, a)), Ty((n, a)), True,
                            frozenset({"attention"})),
                ]
                if kind == "list":
                    forms.append(MapForm(f"CausalAttention({a}, 2, 2)", Ty((n, a)), Ty((n, a)), True,
                                         frozenset({"attention"})))
        if n:
            v = Ty((n,))
            forms += [
                MapForm("DeepSetLayer", v, v, True, nn),
                MapForm(f"(Dense({n}) via SetEquivariant)", v, v, False, nn | {"reparam"}),
            ]
            if kind != "set":
                forms.append(MapForm("CircConv(2)", v, v, True, nn))
        forms += self.helpers
        if not self.random:
            forms = [f for f in forms if "Dropout" not in f.text]
        if n:
            # Any map of elements, mapped along the index set.
            forms += [MapForm(f"(map {_closed(f.text)} over {n})", Ty((n, *f.dom.axes), f.dom.dtype), Ty((n, *f.cod.axes), f.cod.dtype),
                               False, f.imports)
                      for f in forms if isinstance(f.dom, Ty) and isinstance(f.cod, Ty) and n not in f.dom.axes
                      and n not in f.cod.axes and len(f.dom.axes) <= 1]
        return forms

    def named_or_inline(self, form: MapForm) -> str:
        """A para target becomes a named use or stays an anonymous one."""
        self.imports |= form.imports
        self.features.add(form.feature)
        if form.target and self.chance(50):
            name = self.fresh("use")
            self.uses.append((name, form.text))
            self.features.add("named use")
            if self.chance(50):
                return self.tied_chain(name, form)
            return name
        return form.text

    def tied_chain(self, name: str, form: MapForm) -> str:
        """Uses meant to be tied: a copy of `name` after it (a map to itself), or a Linear
        back and a copy, `a >> back >> copy` with back's weight a's transposed."""
        linear = re.fullmatch(r"Linear\((.+), (.+)\)", form.text)
        if form.dom == form.cod:
            copy = self.fresh("use")
            self.uses.append((copy, form.text))
            return f"({name} >> {copy})"
        if linear:
            back, copy = self.fresh("use"), self.fresh("use")
            self.uses += [(back, f"Linear({linear.group(2)}, {linear.group(1)})"), (copy, form.text)]
            return f"({name} >> {back} >> {copy})"
        return name

    def map_to(self, dom: Type, cod: Type, depth: int) -> str:
        """A map from `dom` to `cod`."""
        choices = ["lambda"]
        if depth > 0:
            choices += ["chain", "chain"]
            if isinstance(cod, Tup) and len(cod.items) == 2:
                choices += ["fanout", "fanout"]
            if isinstance(dom, Tup) and isinstance(cod, Tup) and len(dom.items) == len(cod.items) == 2 \
                    and all(self.axes_reachable(a, b) for a, b in zip(dom.items, cod.items)):
                choices.append("parallel")
            if isinstance(dom, Ty) and dom == cod:
                choices.append("activation")
            if isinstance(dom, Ty) and isinstance(cod, Ty) and self.set_name and dom.axes[:1] == cod.axes[:1] \
                    == (self.set_name,) and self.set_name not in dom.axes[1:] + cod.axes[1:]:
                choices.append("map over")
        how = self.pick(choices)
        if how == "activation":
            self.features.add("activation map")
            return self.pick(UNARY)
        if how == "fanout":
            self.features.add("&")
            return f"({self.map_to(dom, cod.items[0], depth - 1)} & {self.map_to(dom, cod.items[1], depth - 1)})"
        if how == "parallel":
            self.features.add("parallel *")
            left = self.map_to(dom.items[0], cod.items[0], depth - 1)
            right = self.map_to(dom.items[1], cod.items[1], depth - 1)
            return f"({left} * {right})"
        if how == "map over":
            self.features.add("map over")
            inner = self.map_to(Ty(dom.axes[1:], dom.dtype), Ty(cod.axes[1:], cod.dtype), depth - 1)
            return f"(map {_closed(inner)} over {self.set_name})"
        if how == "chain":
            first = [f for f in self.catalogue() if f.dom == dom and self.axes_reachable(f.cod, cod)]
            if first and self.chance(60):
                form = self.pick(first)
                head = self.named_or_inline(form)
                if form.cod == cod and self.chance(60):
                    return head
                self.features.add(">>")
                return f"({head} >> {self.map_to(form.cod, cod, depth - 1)})"
            last = [f for f in self.catalogue() if f.cod == cod and self.axes_reachable(dom, f.dom)]
            if last:
                form = self.pick(last)
                self.features.add(">>")
                tail = self.named_or_inline(form)
                if form.dom == dom:
                    return tail
                return f"({self.map_to(dom, form.dom, depth - 1)} >> {tail})"
        return self.lambda_(dom, cod, depth)

    def axes_reachable(self, dom: Type, mid: Type) -> bool:
        """A lambda from `dom` can build `mid` only if `dom` has mid's index-set axes."""
        have = {a for t in (dom.items if isinstance(dom, Tup) else (dom,)) for a in t.axes}
        need = {a for t in (mid.items if isinstance(mid, Tup) else (mid,)) for a in t.axes}
        return not self.set_name or self.set_name not in need or self.set_name in have

    def lambda_(self, dom: Type, cod: Type, depth: int) -> str:
        saved = dict(self.env)
        if isinstance(dom, Tup):
            names = [self.fresh("x") for _ in dom.items]
            self.env.update(zip(names, dom.items))
            head = "(" + ", ".join(names) + ")"
        else:
            head = self.fresh("x")
            self.env[head] = dom
        body = self.value(cod, depth)
        self.env = saved
        self.features.add("lambda")
        return f"({head} => {body})"

    # ------------------------------------------------------------------ values

    def value(self, want: Type, depth: int) -> str:
        """An expression of type `want` over the names in scope."""
        if isinstance(want, Tup):
            return "(" + ", ".join(self.value(t, depth) for t in want.items) + ")"
        if want.dtype == "bool":
            return self.condition(want, depth)
        same = [v for v, t in self.env.items() if t == want]
        if want.dtype != "f32":
            return self.integer(want, depth, same)
        if depth <= 0:
            if same and self.chance(70):
                return self.pick(same)
            if not want.axes and self.chance(50):
                return self.scalar()
            return self.indexed_value(want, 0)
        choices = ["index", "index", "unary", "binary", "scalar op", "let", "if", "where", "minmax"]
        if not self.pure and self.calls:
            choices += ["apply", "apply"]
        if not self.pure and self.random:
            choices.append("dropout")
        if same:
            choices += ["var", "var"]
        tokens = [v for v, t in self.env.items() if t == Ty((), "i32")]
        if tokens and len(want.axes) == 1 and not self.pure and want.axes[0] != self.set_name:
            choices.append("gather")
        if want.axes:
            choices += ["softmax", "matmul", "einsum", "select"]
            if self.ordered(want.axes[-1]):
                choices.append("cumsum")
            if len(want.axes) == 2:
                choices.append("transpose")
        else:
            choices += ["whole", "scalar", "einsum"]
        how = self.pick(choices)
        self.features.add(how)
        d = depth - 1
        if how == "var":
            return self.pick(same)
        if how == "index":
            return self.indexed_value(want, d)
        if how == "unary":
            return f"{self.pick(UNARY)}({self.value(want, d)})"
        if how == "binary":
            op = self.pick(("+", "-", "*", "/", "**"))
            if op == "**":
                return f"({self.value(want, d)} ** 2)"
            return f"({self.value(want, d)} {op} {self.value(want, d)})"
        if how == "scalar op":
            op = self.pick(("+", "-", "*", "/"))
            if self.chance(50):
                return f"({self.value(want, d)} {op} {self.value(Ty(), d)})"
            return f"({self.value(Ty(), d)} {op} {self.value(want, d)})"
        if how == "let":
            bound = self.some_type()
            name = self.fresh("y")
            rhs = self.value(bound, d)
            saved = dict(self.env)
            self.env[name] = bound
            body = self.value(want, d)
            self.env = saved
            return f"(let {name} = {rhs} in {body})"
        if how == "if":
            cond = self.condition(Ty(want.axes, "bool") if self.chance(60) else Ty((), "bool"), d)
            return f"(if {cond} then {self.value(want, d)} else {self.value(want, d)})"
        if how == "where":
            cond = self.condition(Ty(want.axes, "bool"), d)
            return f"where({cond}, {self.value(want, d)}, {self.value(want, d)})"
        if how == "minmax":
            return f"{self.pick(('max', 'min'))}({self.value(want, d)}, {self.value(want, d)})"
        if how == "apply":
            dom = self.some_type(2) if self.chance(30) else Ty(self.pick([(a,) for a in self.available_axes()]))
            if not self.axes_reachable(dom, want):
                return self.indexed_value(want, d)
            return f"{self.map_to(dom, want, d)}({self.value(dom, d)})"
        if how == "softmax":
            fn = self.pick(("softmax", "log_softmax"))
            betas = ["2.0", "0.5"] + [h for h, k in self.hypers.items() if k == "Float"]
            beta = f", beta={self.pick(betas)}" if self.chance(25) else ""
            return f"{fn}({self.value(want, d)}{beta})"
        if how == "select":
            if self.pure or not self.random or self.chance(50):
                return f"hardmax({self.value(want, d)})"
            return f"sample({self.value(want, d)}{', beta=2.0' if self.chance(50) else ''})"
        if how == "dropout":
            rate = self.pick(["0.3", "0.0"] + [h for h, k in self.hypers.items() if k == "Float"])
            return f"dropout({self.value(want, d)}, {rate})"
        if how == "gather":
            # A row picked by an integer: `E[tok]`, or `E[tok, k]` with the row's index named.
            table = self.new_param(Ty((self.pick(("2", "d")), want.axes[0])))
            tok = self.pick(tokens)
            if self.chance(50):
                return f"{table}[{tok}]"
            k = self.fresh_index()
            return f"(for {k}. {table}[{tok}, {k}])"
        if how == "transpose":
            return f"transpose({self.value(Ty(want.axes[::-1]), d)})"
        if how == "einsum":
            inner = self.pick(self.available_axes())
            if not want.axes:
                return f'einsum("i,i->", {self.value(Ty((inner,)), d)}, {self.value(Ty((inner,)), d)})'
            if len(want.axes) == 1:
                return f'einsum("ij,j->i", {self.value(Ty((want.axes[0], inner)), d)}, {self.value(Ty((inner,)), d)})'
            if len(want.axes) == 2:
                a, c = want.axes
                return f'einsum("ij,jk->ik", {self.value(Ty((a, inner)), d)}, {self.value(Ty((inner, c)), d)})'
            return self.indexed_value(want, d)
        if how == "cumsum":
            return f"{self.pick(('cumsum', 'cumprod', 'cummax', 'cummin'))}({self.value(want, d)})"
        if how == "matmul":
            inner = self.pick(self.available_axes())
            if len(want.axes) == 1:
                return f"({self.value(Ty((inner,)), d)} @ {self.value(Ty((inner, want.axes[0])), d)})"
            if len(want.axes) == 2:
                left = Ty((want.axes[0], inner))
                return f"({self.value(left, d)} @ {self.value(Ty((inner, want.axes[1])), d)})"
            return self.indexed_value(want, d)
        if how == "whole":
            fn = self.pick(WHOLE_REDUCERS)
            t = self.some_type(2)
            if not t.axes:
                t = Ty((self.pick(FIXED),))
            return f"{fn}({self.value(t, d)})"
        return self.scalar()

    def integer(self, want: Ty, depth: int, same: list[str]) -> str:
        """An integer value: names of that type, literals, integer arithmetic."""
        if same and (depth <= 0 or self.chance(40)):
            return self.pick(same)
        if not want.axes and (depth <= 0 or self.chance(20)):
            return self.pick(("2", "1", "d"))
        if not want.axes:
            literal = self.pick(("2", "1", "d"))
            return f"({self.integer(want, depth - 1, same)} + {literal})"
        if depth <= 0 or self.chance(20):
            # An integer tensor from nothing: a choice between literals, by index notation.
            free = {self.fresh_index(): a for a in want.axes}
            return f"(for {' '.join(free)}. (if {self.product(free, set(free))} > 0.0 then 1 else 2))"
        d = depth - 1
        how = self.pick(("+", "-", "*", "mod", "abs", "if"))
        if how == "abs":
            return f"abs({self.integer(want, d, same)})"
        if how == "mod":
            return f"({self.integer(want, d, same)} mod {self.pick(('2', 'd', '3'))})"
        if how == "if":
            cond = self.condition(Ty(want.axes, "bool"), d)
            return f"(if {cond} then {self.integer(want, d, same)} else {self.integer(want, d, same)})"
        return f"({self.integer(want, d, same)} {how} {self.integer(want, d, same)})"

    def scalar(self) -> str:
        options = ["0.5", "2.0", "1e-3", "3.0", "sqrt(d)", "pi"]
        options += [name for name, kind in self.hypers.items() if kind == "Float"]
        options += [f"(1.0 * {name})" for name, kind in self.hypers.items() if kind == "Int"]
        if self.set_name:
            options.append(f"sqrt({self.set_name})")
        self.features.add("scalar")
        return self.pick(options)

    def condition(self, want: Ty, depth: int) -> str:
        num = Ty(want.axes)
        choices = ["compare", "compare0"]
        same = [v for v, t in self.env.items() if t == want]
        if same:
            choices += ["var", "var"]
        if depth > 0:
            choices += ["not", "and"]
        if not want.axes:
            choices += [h for h, k in self.hypers.items() if k == "Bool"]
        how = self.pick(choices)
        d = max(depth - 1, 0)
        if how == "compare":
            return f"({self.value(num, d)} {self.pick(('<', '>', '<=', '>=', '==', '!='))} {self.value(num, d)})"
        if how == "compare0":
            return f"({self.value(num, d)} > 0.0)"
        if how == "var":
            return self.pick(same)
        if how == "not":
            return f"(not {self.condition(want, d)})"
        if how == "and":
            return f"({self.condition(want, d)} {self.pick(('and', 'or'))} {self.condition(want, d)})"
        return how

    # ------------------------------------------------------------------ index notation

    def indexed_value(self, want: Ty, depth: int) -> str:
        """`for i j. e` over want's axes (or, for a scalar, a reduction), e in index notation."""
        free = {self.fresh_index(): a for a in want.axes}
        body = self.indexed(free, set(free), depth)
        self.features.add("for" if free else "reduction")
        if not free:
            return body
        return f"(for {' '.join(free)}. {body})"

    def indexed(self, free: dict[str, str], must: set[str], depth: int) -> str:
        """An expression in index notation whose free indices are among `free`'s, using at
        least those in `must` (so that each has its range)."""
        choices = ["product", "product"]
        if [(p, q) for p in must for q in must if p < q and free[p] == free[q]] and depth >= 0:
            choices.append("if equal")  # its branches are products at the least depth
        if depth > 0:
            choices += ["unary", "binary", "scalar op"]
            if [i for i in must if self.ordered(free[i])]:
                choices += ["if order", "cumsum over", "position"]
            if must:
                choices.append("softmax over")
        how = self.pick(choices)
        self.features.add(f"index {how}")
        d = depth - 1
        if how == "unary":
            return f"{self.pick(UNARY)}({self.indexed(free, must, d)})"
        if how == "binary":
            part = {i for i in must if self.chance(50)}
            op = self.pick(("+", "-", "*", "/"))
            return f"({self.indexed(free, part, d)} {op} {self.indexed(free, must - part, d)})"
        if how == "scalar op":
            return f"({self.indexed(free, must, d)} {self.pick(('*', '+', '-'))} {self.value(Ty(), d)})"
        if how == "if equal":
            p, q = self.pick(sorted((p, q) for p in must for q in must if p < q and free[p] == free[q]))
            op = self.pick(("==", "!="))
            return f"(if {p} {op} {q} then {self.indexed(free, must, d)} else {self.indexed(free, must, d)})"
        if how == "if order":
            p = self.pick(sorted(i for i in must if self.ordered(free[i])))
            q = self.pick(sorted(i for i in must if free[i] == free[p]))
            return f"(if {p} <= {q} then {self.indexed(free, must, d)} else {self.indexed(free, must, d)})"
        if how == "position":
            p = self.pick(sorted(i for i in must if self.ordered(free[i])))
            return f"({self.indexed(free, must, d)} + sin({p}))"
        if how == "cumsum over":
            p = self.pick(sorted(i for i in must if self.ordered(free[i])))
            return f"{self.pick(('cumsum', 'cummax'))}({self.indexed(free, must, d)}, over {p})"
        if how == "softmax over":
            p = self.pick(sorted(must))
            return f"{self.pick(('softmax', 'log_softmax'))}({self.indexed(free, must, d)}, over {p})"
        return self.product(free, must)

    def tensors(self) -> list[str]:
        return [v for v, t in self.env.items() if t.axes and t.dtype == "f32"]

    def product(self, free: dict[str, str], must: set[str]) -> str:
        """A product of subscripted tensors, its other indices reduced: an einsum."""
        reduced: dict[str, str] = {}
        plain: set[str] = set()
        factors: list[str] = []

        def subscript(name: str, fixed: dict[int, str]) -> str:
            subs = []
            for pos, axis in enumerate(self.env[name].axes):
                if pos in fixed:
                    idx = fixed[pos]
                else:
                    own = [i for i, a in free.items() if a == axis]
                    mine = [i for i, a in reduced.items() if a == axis]
                    if own and self.chance(60):
                        idx = self.pick(own)
                    elif mine and self.chance(60):
                        idx = self.pick(mine)
                    else:
                        idx = self.fresh_index()
                        reduced[idx] = axis
                # A shifted subscript does not give its index a range: only shift an index
                # that is free (ranged elsewhere) or already used plainly here.
                if pos not in fixed and self.shiftable(axis) and (idx in free or idx in plain) and self.chance(12):
                    size = axis if re.fullmatch(r"[a-z]+|[0-9]+", axis) else f"({axis})"
                    self.features.add("shifted subscript")
                    subs.append(f"({idx} {self.pick(('+', '-'))} 1) mod {size}")
                else:
                    subs.append(idx)
                    plain.add(idx)
            return f"{name}[{', '.join(subs)}]"

        for _ in range(self.draw(st.integers(1, 3))):
            pool = self.tensors()
            if not self.pure and (not pool or self.chance(15)):
                pool = [self.new_param(Ty(tuple(self.pick(FIXED) for _ in range(self.draw(st.integers(1, 2))))))]
            factors.append(subscript(self.pick(pool), {}))
        for i in sorted(must - plain):
            holders = [v for v in self.tensors() if free[i] in self.env[v].axes]
            others = [v for v, t in self.env.items() if free[i] in t.axes and t.dtype != "f32"]
            if not holders and others:
                # Only a bool or integer tensor has the axis: a number chosen by it.
                name = self.pick(others)
                sub = subscript(name, {self.env[name].axes.index(free[i]): i})
                test = sub if self.env[name].dtype == "bool" else f"{sub} > 0"
                factors.append(f"where({test}, 1.0, 0.5)")
                continue
            if not holders:
                holders = [self.new_param(Ty((free[i],)))]
            name = self.pick(holders)
            factors.append(subscript(name, {self.env[name].axes.index(free[i]): i}))
        text = " * ".join(factors)
        if not reduced:
            return f"({text})"
        reducer = self.pick(INDEX_REDUCERS)
        if reducer == "sum" and self.chance(30):
            reducer = f"sum[{self.pick(self.semirings)}]"
            self.features.add("semiring")
        self.features.add(f"reduce {reducer.split('[')[0]}")
        if not reducer.startswith("sum[") and self.chance(25):
            # the call form, `sum(e, over j)`, and the reductions only called so
            reducer = self.pick((reducer, "logsumexp", "var"))
            self.features.add(f"reduce {reducer} over")
            return f"{reducer}({text}, over {' '.join(reduced)})"
        return f"({reducer} {' '.join(reduced)}. {text})"

    # ------------------------------------------------------------------ declarations

    def ties(self) -> list[str]:
        """Ties between named uses: a transposed weight, or a whole copy."""
        out = []
        tied: set[str] = set()
        for k, (a, ta) in enumerate(self.uses):
            for b, tb in self.uses[k + 1:]:
                if b in tied or a in tied or " via " in ta or " via " in tb:
                    continue
                la = re.fullmatch(r"Linear\((.+), (.+)\)", ta)
                lb = re.fullmatch(r"Linear\((.+), (.+)\)", tb)
                if ta == tb and self.chance(80):
                    out.append(f"{b} = {a}")
                    tied.add(b)
                elif la and lb and la.groups() == lb.groups()[::-1] and self.chance(80):
                    out.append(f"{b}.W = transpose({a}.W)")
                    tied.add(b)
        if out:
            self.features.add("tie")
        return out

    def declaration(self, name: str, dom: Type, cod: Type, depth: int) -> str:
        body = self.map_to(dom, cod, depth) if self.chance(50) else self.lambda_(dom, cod, depth)
        hypers = ", ".join(f"{h}: {k}" + (" = 0.25" if k == "Float" else "") for h, k in self.hypers.items())
        head = f"para {name}({hypers})"
        if self.index_set:
            head += f" ({self.index_set[0]} : {self.index_set[1]})"
        lines = [f"{head} : {dom.text()} -> {cod.text()}"]
        if self.params:
            lines.append("  params " + ", ".join(self.params))
        if self.uses:
            lines.append("  uses " + ", ".join(f"{u} : {t}" for u, t in self.uses))
        ties = self.ties()
        if ties:
            lines.append("  tie " + ", ".join(ties))
        lines.append(f"  = {body}")
        return "\n".join(lines) + "\n"


#: Semiring declarations, and how a contraction names each.
USER_SEMIRINGS = (
    ("semiring Tropical = (min, +, inf, 0)", ("Tropical",)),
    ("semiring Viterbi = (max, *, 0, 1)", ("Viterbi",)),
    ("semiring Best = (max, +, -inf, 0)", ("Best",)),
    ("semiring Soft(beta: Float) = (logsumexp[beta], +, -inf, 0)", ("Soft", "Soft(2.0)")),
)


def _vector(gen: ParaGen) -> Ty:
    return Ty((gen.pick(FIXED),))


def _clauses(gen: ParaGen) -> str:
    return ("\n  params " + ", ".join(gen.params)) if gen.params else ""


def _user_declarations(draw, index_set, depth: int) -> tuple[list[str], list[MapForm], tuple[str, ...], set[str],
                                                             set[str]]:
    """Semirings, monoids, algebras, machines, a coalgebra and reparams of the program's own,
    with the maps that use them."""
    decls: list[str] = []
    forms: list[MapForm] = []
    semirings = SEMIRINGS
    features: set[str] = set()
    hypers = {"d": "Nat", "h": "Nat"}
    kind = index_set[1] if index_set else None
    gens: list[ParaGen] = []

    def gen() -> ParaGen:
        made = ParaGen(draw, None, hypers, [], random=False, calls=False)
        gens.append(made)
        return made

    def body(g: ParaGen, env: dict[str, Ty], want: Type) -> str:
        g.env = dict(env)
        return g.value(want, draw(st.integers(0, depth)))

    if draw(st.integers(0, 99)) < 30:
        text, names = draw(st.sampled_from(USER_SEMIRINGS))
        decls.append(text + "\n")
        semirings = semirings + names
        features.add("user semiring")
    if kind and draw(st.integers(0, 99)) < 35:
        g = gen()
        e, c = _vector(g), _vector(g)
        commutative = kind != "list" or g.chance(50)
        unit = body(g, {}, c)
        lift = body(g, {"x1": e}, c)
        half = body(g, {"x9": c}, c)
        combine = g.pick(("x2 + x3", "max(x2, x3)", "x2 * x3", "half"))
        if combine == "half":
            # `h(x2) + h(x3)`, index notation in `h` included: symmetric by construction.
            left, right = (re.sub(r"\bx9\b", v, half) for v in ("x2", "x3"))
            combine = f"{left} + {right}"
        elif not commutative and g.chance(50):
            combine = "x2 + 0.5 * x3"
        head = "commutative monoid" if commutative else "monoid"
        decls.append(f"{head} Pool(d: Nat, h: Nat) : {e.text()} on {c.text()}{_clauses(g)}\n"
                     f"  | unit => {unit}\n  | lift(x1) => {lift}\n  | combine(x2, x3) => {combine}\n")
        n = index_set[0]
        forms.append(MapForm(f"fold Pool(d, h) over {n}", Ty((n, *e.axes)), c))
        if kind == "list":
            forms.append(MapForm(f"scan Pool(d, h) over {n}", Ty((n, *e.axes)), Ty((n, *c.axes))))
        features |= g.features | {head}
    if kind == "list" and draw(st.integers(0, 99)) < 35:
        g = gen()
        e, c = _vector(g), _vector(g)
        nil = body(g, {}, c)
        cons = body(g, {"x1": e, "x2": c}, c)
        decls.append("functor Seq(A) = nil | cons(A, X)\n")
        decls.append(f"algebra Cell(d: Nat, h: Nat) : Seq({e.text()}) on {c.text()}{_clauses(g)}\n"
                     f"  | nil => {nil}\n  | cons(x1, x2) => {cons}\n")
        forms.append(MapForm(f"fold Cell(d, h) over {index_set[0]}", Ty((index_set[0], *e.axes)), c))
        features |= g.features | {"algebra"}
    if kind == "list" and draw(st.integers(0, 99)) < 30:
        g = gen()
        e, o, c = _vector(g), _vector(g), _vector(g)
        start = body(g, {}, c)
        n = index_set[0]
        if g.chance(50):
            step = body(g, {"x1": e, "x2": c}, Tup((o, c)))
            decls.append(f"mealy Machine(d: Nat, h: Nat) : {e.text()} -> {o.text()} on {c.text()}{_clauses(g)}\n"
                         f"  | start => {start}\n  | step(x1, x2) => {step}\n")
            features.add("mealy")
        else:
            out = body(g, {"x2": c}, o)
            step = body(g, {"x1": e, "x2": c}, c)
            decls.append(f"moore Machine(d: Nat, h: Nat) : {e.text()} -> {o.text()} on {c.text()}{_clauses(g)}\n"
                         f"  | start => {start}\n  | out(x2) => {out}\n  | step(x1, x2) => {step}\n")
            features.add("moore")
        forms.append(MapForm(f"(run Machine(d, h) over {n} >> ((q0, r0) => q0))", Ty((n, *e.axes)), Ty((n, *o.axes))))
        forms.append(MapForm(f"(run Machine(d, h) over {n} >> ((q0, r0) => r0))", Ty((n, *e.axes)), c))
        features |= g.features
    if draw(st.integers(0, 99)) < 25:
        g = gen()
        o, c = _vector(g), _vector(g)
        out = body(g, {"x1": c}, Tup((o, c)))
        length = g.pick(("2", "d", "(h + 1)"))
        decls.append("functor Stream(O) = out(O, X)\n")
        decls.append(f"coalgebra Emit(d: Nat, h: Nat) : Stream({o.text()}) on {c.text()}{_clauses(g)}\n"
                     f"  = x1 => out{out}\n")
        forms.append(MapForm(f"unfold Emit(d, h) over {length}", c, Ty((length.strip("() ").replace(" ", ""),
                                                                           *o.axes))))
        features |= g.features | {"coalgebra"}
    if draw(st.integers(0, 99)) < 30:
        g = gen()
        g.pure = True
        a, b = g.pick(FIXED), g.pick(FIXED)
        w = Ty((a, b))
        if g.chance(50):
            r = body(g, {"x1": w}, w)
            decls.append(f"reparam Reshape(d: Nat, h: Nat) : {w.text()} => {w.text()}\n  = x1 => {r}\n")
        else:
            q = (Ty((a, "2")), Ty(("2", b)))
            r = body(g, {"x1": q[0], "x2": q[1]}, w)
            decls.append(f"reparam Reshape(d: Nat, h: Nat) : {Tup(q).text()} => {w.text()}\n"
                         f"  = (x1, x2) => {r}\n")
        forms.append(MapForm(f"LinearNoBias({a}, {b}) via Reshape(d, h)", Ty((a,)), Ty((b,)), True,
                             frozenset({"nn"})))
        features |= g.features | {"reparam"}
    imports = {m for g in gens for m in g.imports} | {m for f in forms for m in f.imports}
    return decls, forms, semirings, features, imports


def _signature(draw, gen: ParaGen) -> tuple[Type, Type]:
    """A domain holding the index set (when there is one) and a codomain."""
    n = gen.set_name

    def tensor(with_set: bool) -> Ty:
        rank = draw(st.integers(0 if not with_set else 1, 2))
        axes = [gen.pick(FIXED) for _ in range(rank)]
        if rank == 2 and gen.chance(30):
            axes[1] = axes[0]
        if with_set:
            axes[0] = n
        dtype = gen.pick(("f32",) * 8 + ("bool", "i32"))
        return Ty(tuple(axes), dtype)

    items = draw(st.integers(1, 2))
    dom_items = [tensor(bool(n) and k == 0) for k in range(items)]
    if n and gen.chance(20):
        dom_items[0] = Ty((n, n) if gen.chance(50) else (n, n, gen.pick(FIXED)), dom_items[0].dtype)
    dom: Type = dom_items[0] if items == 1 else Tup(tuple(dom_items))
    gen.env.clear()
    outs = draw(st.integers(1, 2)) if gen.chance(25) else 1
    cod_items = []
    for _ in range(outs):
        axes = [gen.pick(FIXED + ((n, n, n) if n else ())) for _ in range(draw(st.integers(0, 2)))]
        if len(axes) == 2 and gen.chance(30):
            axes[1] = axes[0]
        t = Ty(tuple(axes), "bool" if gen.chance(8) else "f32")
        cod_items.append(t)
    cod: Type = cod_items[0] if outs == 1 else Tup(tuple(cod_items))
    return dom, cod


def _over(form: MapForm, axis: str) -> bool:
    types = [t for t in (form.dom, form.cod) for t in (t.items if isinstance(t, Tup) else (t,))]
    return any(axis in t.axes for t in types)


@st.composite
def programs(draw, max_depth: int = 3) -> Program:
    """A program of up to two helper paras and `Main`, well typed by construction."""
    kind = draw(st.sampled_from((None, "set", "list", "cyc")))
    index_set = ("n", kind) if kind else None
    hypers = {"d": "Nat", "h": "Nat"}
    if draw(st.booleans()):
        hypers["flag"] = "Bool"
    if draw(st.booleans()):
        hypers["p"] = "Float"
    if draw(st.integers(0, 3)) == 0:
        hypers["k"] = "Int"
    decls, helpers, semirings, features, imports = _user_declarations(draw, index_set, max_depth - 1)
    for k in range(draw(st.integers(0, 2))):
        own = index_set if draw(st.booleans()) else None
        if own and draw(st.booleans()):
            own = ("n", "set")  # a set-polymorphic helper fits every kind of axis
        gen = ParaGen(draw, own, {"d": "Nat", "h": "Nat"}, [f for f in helpers if own == index_set or not _over(f, "n")],
                      semirings=semirings)
        dom, cod = _signature(draw, gen)
        name = f"Helper{k}"
        decls.append(gen.declaration(name, dom, cod, draw(st.integers(1, max_depth))))
        imports |= gen.imports
        features |= gen.features | {"helper"}
        helpers.append(MapForm(f"{name}(d, h)", dom, cod, True))
        helpers.append(MapForm(f"{name}(h, d)", swap_sizes(dom), swap_sizes(cod), True))
    gen = ParaGen(draw, index_set, hypers, helpers, semirings=semirings)
    dom, cod = _signature(draw, gen)
    decls.append(gen.declaration("Main", dom, cod, draw(st.integers(1, max_depth))))
    imports |= gen.imports
    features |= gen.features
    header = "".join(f"import {m}\n" for m in sorted(imports))
    text = header + ("\n" if header else "") + "\n".join(decls)
    return Program(text, index_set, frozenset(features))


#: Small edits that may make a well-typed program ill typed: a size, a name, an operator,
#: a token deleted or duplicated.
_TOKEN = re.compile(r"""--[^\n]*|"[^"\n]*"|[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_']*"""
                    r"""|=>|>>|\*\*|->|==|!=|<=|>=|\s+|.""", re.DOTALL)
_SWAPS = {"d": "h", "h": "d", "n": "d", "+": "*", ">>": "&", "&": ">>", "sum": "max", "for": "sum", "f32": "i32",
          "set": "list", "list": "cyc", "cyc": "set", "glorot": "via", "relu": "softmax", "0.5": "true"}


@st.composite
def mutated_programs(draw) -> str:
    """A generated program with one to three small edits: often ill typed, sometimes not."""
    text = draw(programs(max_depth=2)).text
    toks = _TOKEN.findall(text)
    for _ in range(draw(st.integers(1, 3))):
        spots = [i for i, t in enumerate(toks) if t.strip()]
        i = spots[draw(st.integers(0, len(spots) - 1))]
        op = draw(st.sampled_from(("swap", "delete", "duplicate", "replace")))
        if op == "swap" and toks[i] in _SWAPS:
            toks[i] = _SWAPS[toks[i]]
        elif op == "delete":
            toks[i] = ""
        elif op == "duplicate":
            toks[i] = f"{toks[i]} {toks[i]}"
        else:
            toks[i] = toks[spots[draw(st.integers(0, len(spots) - 1))]]
    return "".join(toks)


__all__ = ["Program", "mutated_programs", "programs"]
