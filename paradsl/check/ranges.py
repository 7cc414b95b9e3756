"""Ranges: the sizes, literals and initialisers that no array of the declared dtype can
hold, reported where the program itself shows it (a literal, a default), so that what
checks also constructs and runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .. import ir, prelude
from ..diagnostics import DiagnosticSink, Msg, Span
from ..syntax import ast
from ..types import Poly, TensorType, dtype_range, fits, is_float, is_int
from ..types.sizes import size_problem



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
