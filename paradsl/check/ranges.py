"""Ranges: the sizes, literals and initialisers that no array of the declared dtype can
hold, reported where the program itself shows it (a literal, a default), so that what
checks also constructs and runs."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from .. import ir, prelude
from ..diagnostics import DiagnosticSink, Msg, Span
from ..syntax import ast
from ..types import FixedAxis, MapType, Poly, TensorType, TupleType, Type, dtype_range, fits, is_float, is_int
from ..types.sizes import MAX_SIZE, size_problem


def size_defaults(hypers: Iterable[ir.Hyper]) -> dict[str, int]:
    """The defaults of the `Nat` and `Int` hyperparameters, which sizes are evaluated at."""
    return {h.name: h.default for h in hypers if h.kind in ("Nat", "Int") and isinstance(h.default, int)}


def size_in_range(sink: DiagnosticSink, p: Poly, span: Span, kinds: Mapping[str, str],
                  defaults: Mapping[str, int]) -> bool:
    """Whether a written size may hold for some array; reported where the polynomial (or the
    defaults) show that it cannot: below 0, or beyond int64."""
    problem = size_problem(p, [n for n, k in kinds.items() if k == "Nat"], defaults)
    if problem is None:
        return True
    shown = [f"{n} = {v}" for n, v in problem.defaults]
    if problem.negative and shown:
        sink.error(Msg.SIZE_NEGATIVE_WITH_DEFAULTS, span, size=str(p), value=problem.value, defaults=shown,
                   count=len(shown))
    elif problem.negative:
        sink.error(Msg.SIZE_NEGATIVE, span, size=str(p))
    elif p.variables():
        sink.error(Msg.SIZE_TOO_LARGE_WITH_DEFAULTS, span, size=str(p), defaults=shown, count=len(shown))
    else:
        sink.error(Msg.SIZE_TOO_LARGE, span, size=str(p))
    return False


#: Dtypes JAX runs in another one unless x64 is enabled, which compiled modules do not do.
UNSUPPORTED_DTYPES = {"f64": "f32", "i64": "i32"}


def dtype_supported(sink: DiagnosticSink, dtype: str, span: Span) -> bool:
    """Whether `dtype` runs as itself; reported where JAX would silently narrow it."""
    if dtype not in UNSUPPORTED_DTYPES:
        return True
    sink.error(Msg.DTYPE_NOT_SUPPORTED, span, dtype=dtype, runs=UNSUPPORTED_DTYPES[dtype])
    return False


def init_fits(sink: DiagnosticSink, p: ast.ParamDecl, t: TensorType, init: ir.Init) -> bool:
    """Whether the initialiser makes values of the parameter's dtype: a random one draws
    floats, and `const(v)` must be a value of the dtype exactly, not one JAX would truncate;
    an argument is a finite number of the dtype."""
    span = p.init.span if p.init is not None else p.type.span
    name, dtype = p.name.name, t.dtype
    spec = prelude.INITIALIZER_BY_NAME.get(init.name)
    if spec is None:  # `via`: a 2-cell gives it
        return True
    if spec.random and not is_float(dtype):
        sink.error(Msg.RANDOM_INIT_NOT_FLOAT, span, init=init.name, name=name, dtype=dtype)
        return False
    for v in init.args:
        if fits(v, dtype) and v not in (float("inf"), float("-inf")):
            continue
        low, high = dtype_range(dtype)
        if dtype == "bool":
            sink.error(Msg.CONST_INIT_NOT_BOOL, span, value=_shown(v), name=name)
        elif is_int(dtype):
            sink.error(Msg.CONST_INIT_NOT_INTEGER, span, value=_shown(v), name=name, dtype=dtype, low=low, high=high)
        else:
            sink.error(Msg.INIT_ARGUMENT_NOT_FINITE, span, value=_shown(v), init=init.name, name=name, dtype=dtype,
                       low=low, high=high)
        return False
    return True


def _shown(v: int | float | bool) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else repr(v)


# ---------------------------------------------------------------- what a para needs of its hyperparameters
#
# A dropout rate, a `Log` semiring's parameter and a size are checked where the body writes
# them when they are constants. Written in hyperparameters, they are a para's requirements:
# each use whose arguments make one constant checks it there, at the arguments, so that
# `Dropout(d, 1.5)` is reported where it is written, through any chain of uses.


@dataclass(frozen=True)
class Known:
    """A number."""

    value: int | float


@dataclass(frozen=True)
class HyperOf:
    """The value of a hyperparameter of the para the requirement is in."""

    name: str


@dataclass(frozen=True)
class Arith:
    """An arithmetic operation (`neg`, `add`, `sub`, `mul`, `div`) of values."""

    op: str
    args: tuple[Value, ...]


@dataclass(frozen=True)
class SizeIn:
    """A size polynomial in the hyperparameters."""

    poly: Poly


Value = Known | HyperOf | Arith | SizeIn


class Need(enum.StrEnum):
    RATE = "rate"  # in [0, 1]: a dropout rate
    LOG_PARAM = "log"  # not 0: the parameter of a logsumexp semiring
    SIZE = "size"  # in [0, 2^63 - 1]


@dataclass(frozen=True)
class Requirement:
    """What a para needs of a value written in its hyperparameters: `origin` is the para whose
    body or parameters write it, `shown` the size as written there (for a size) or the
    semiring and its parameter's name (for a `Log` parameter)."""

    need: Need
    value: Value
    origin: str
    shown: tuple[str, ...] = ()


#: A callee's hyperparameters and requirements, as a use of it sees them.
CalleeNeeds = tuple[tuple[ir.Hyper, ...], tuple[Requirement, ...]]


def requirements_of(d: ir.ParaDef, of_use: Callable[[ir.Use], CalleeNeeds]) -> tuple[Requirement, ...]:
    """The requirements of a checked para on its hyperparameters: its own, and those of each
    use's callee (`of_use`) in its own terms, each once; those that its arguments make
    constant were checked at the use, and only the others are kept."""
    out: list[Requirement] = []
    for n in ir.nodes((d.body, d.cases)):
        if isinstance(n, ir.Builtin) and n.name == "dropout":
            v = _value(n.args[1])
            if v is not None:
                out.append(Requirement(Need.RATE, v, d.name))
        elif isinstance(n, ir.Semiring) and n.add == "logsumexp" and n.beta is not None:
            v = _value(n.beta)
            if v is not None:
                out.append(Requirement(Need.LOG_PARAM, v, d.name, (n.name,)))
    for t in (d.type, *(p.type for p in d.params)):
        out += [Requirement(Need.SIZE, SizeIn(s), d.name, (str(s),)) for s in _sizes(t) if not s.is_const]
    for u in d.uses:
        hypers, needs = of_use(u)
        env = _arguments(hypers, u)
        out += [Requirement(r.need, _substitute(r.value, env), r.origin, r.shown) for r in needs]
    return tuple(r for r in dict.fromkeys(out) if _evaluate(r.value) is None)


def use_in_range(sink: DiagnosticSink, callee: CalleeNeeds, use: ir.Use, written: Mapping[str, Span],
                 span: Span) -> bool:
    """Whether the arguments of a use meet its callee's requirements wherever they make one
    a constant; reported at the arguments it depends on (`written`, by hyperparameter), or
    at the use when it depends on defaults only."""
    hypers, needs = callee
    env = _arguments(hypers, use)
    for r in needs:
        value = _evaluate(_substitute(r.value, env))
        if value is None or _meets(r.need, value):
            continue
        names = [h.name for h in hypers if h.name in _names(r.value)]
        given = [f"{n} = {_shown(_evaluate(env[n]))}" for n in names]
        spans = [written[n] for n in names if n in written]
        at = spans[0].to(spans[-1]) if spans else span
        if r.need is Need.RATE:
            sink.error(Msg.RATE_ARG_OUT_OF_RANGE, at, given=given, count=len(given), callee=r.origin,
                       rate=_shown(value))
        elif r.need is Need.LOG_PARAM:
            sink.error(Msg.SEMIRING_PARAM_ARG_ZERO, at, given=given, callee=r.origin, name=r.shown[0])
        elif value < 0:
            sink.error(Msg.SIZE_ARG_NEGATIVE, at, given=given, count=len(given), callee=r.origin, size=r.shown[0],
                       value=value)
        else:
            sink.error(Msg.SIZE_ARG_TOO_LARGE, at, given=given, count=len(given), callee=r.origin, size=r.shown[0])
        return False
    return True


def _meets(need: Need, v: int | float) -> bool:
    if need is Need.RATE:
        return 0 <= v <= 1
    if need is Need.LOG_PARAM:
        return v != 0
    return 0 <= v <= MAX_SIZE


_ARITH: dict[str, Callable[..., int | float]] = {
    "neg": lambda a: -a, "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


def _value(t: ir.Term) -> Value | None:
    """A term of number literals and hyperparameters by arithmetic as a value, else None."""
    if isinstance(t, ir.Lit) and not isinstance(t.value, bool):
        return Known(t.value)
    if isinstance(t, ir.HyperRef):
        return HyperOf(t.name)
    if isinstance(t, ir.Prim) and t.op in _ARITH:
        args = [_value(a) for a in t.args]
        return None if any(a is None for a in args) else Arith(t.op, tuple(a for a in args if a is not None))
    return None


def _arguments(hypers: tuple[ir.Hyper, ...], use: ir.Use) -> dict[str, Value]:
    """A use's arguments as values in the caller's hyperparameters, by the callee's names."""
    return {h.name: _argument(a) for h, a in zip(hypers, use.args)}


def _argument(a: ir.HyperArg) -> Value:
    if a.poly is not None:
        return Known(a.poly.const_value) if a.poly.is_const else SizeIn(a.poly)
    if a.ref is not None:
        return HyperOf(a.ref)
    if isinstance(a.literal, (int, float)) and not isinstance(a.literal, bool):
        return Known(a.literal)
    return Arith("bool", ())  # a Bool: never a number


def _substitute(v: Value, env: Mapping[str, Value]) -> Value:
    """`v` with the callee's hyperparameters replaced by the use's arguments."""
    if isinstance(v, HyperOf):
        return env.get(v.name, v)
    if isinstance(v, Arith):
        return Arith(v.op, tuple(_substitute(a, env) for a in v.args))
    if isinstance(v, SizeIn):
        sizes = {n: a.poly if isinstance(a, SizeIn) else Poly.const(a.value)
                 for n, a in env.items() if isinstance(a, SizeIn) or (isinstance(a, Known) and isinstance(a.value, int))}
        p = v.poly.substitute(sizes)
        return Known(p.const_value) if p.is_const else SizeIn(p)
    return v


def _evaluate(v: Value) -> int | float | None:
    """The number a value is, when it is one."""
    if isinstance(v, Known):
        return v.value
    if isinstance(v, SizeIn):
        return v.poly.const_value if v.poly.is_const else None
    if isinstance(v, Arith) and v.op in _ARITH:
        args = [_evaluate(a) for a in v.args]
        if any(a is None for a in args):
            return None
        try:
            return _ARITH[v.op](*args)
        except (ZeroDivisionError, OverflowError):
            return None
    return None


def _names(v: Value) -> set[str]:
    """The hyperparameters a value depends on."""
    if isinstance(v, HyperOf):
        return {v.name}
    if isinstance(v, Arith):
        return set().union(*(_names(a) for a in v.args))
    if isinstance(v, SizeIn):
        return v.poly.variables()
    return set()


def _sizes(t: Type) -> Iterator[Poly]:
    """The fixed sizes written in a type."""
    if isinstance(t, TensorType):
        yield from (a.size for a in t.axes if isinstance(a, FixedAxis))
    elif isinstance(t, TupleType):
        for item in t.items:
            yield from _sizes(item)
    elif isinstance(t, MapType):
        yield from _sizes(t.dom)
        yield from _sizes(t.cod)
