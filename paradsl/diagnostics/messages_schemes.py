"""Functors, algebras and coalgebras (E05xx), and semirings (E06xx)."""

from __future__ import annotations

from .codes import E0501, E0502, E0503, E0504, E0505, E0506, E0601
from .template import Message

_MISSING_CASE = "{name!r} has no case for {ctor!r}"
_NOT_A_CASE_OF_FUNCTOR = "{name!r} is not a case of the functor {functor}"
_NOT_A_CASE_OF_KIND = "{name!r} is not a case of a {kind}"
_CASES = "its cases are {cases:comma}"
_STREAM = "a coalgebra unfolds a stream"
_NOT_ONE_TENSOR = " of {name!r} is {type}, not one tensor"
_STACKS = "`{scheme}` stacks them along {axis}; pack them into one tensor"
_UNFOLD = "`unfold` over {name!r} has no length known when the model runs"
_UNFOLD_HINT = "unfold over a fixed size (a `Nat` hyperparameter or a number) or over an index set of the input"
_SCHEME_KIND = "{name!r} is {kind:article}, and `{scheme}` takes {allowed:article or}"
_FUNCTOR_PARAM = "the functor parameter {name!r} is "
_FIELD = "the field {field!r} of {ctor!r} is neither a parameter of {functor!r} nor the carrier X"
_ZERO_ONE = "the {what} of a semiring is the unit of its {op_kind} `{op}`"


class SchemesMsg:
    # ---- E0501-E0502: the cases of an algebra
    MISSING_CASE_WITH_FIELDS = Message(E0501, _MISSING_CASE, "add `| {ctor}({fields:comma}) => ...`, of type {result}")
    MISSING_CASE_WITHOUT_FIELDS = Message(E0501, _MISSING_CASE, "add `| {ctor} => ...`, of type {result}")
    NOT_A_CASE_OF_FUNCTOR_CLOSE = Message(E0502, _NOT_A_CASE_OF_FUNCTOR, "did you mean {close!r}?")
    NOT_A_CASE_OF_FUNCTOR = Message(E0502, _NOT_A_CASE_OF_FUNCTOR, _CASES)
    NOT_A_CASE_OF_KIND_CLOSE = Message(E0502, _NOT_A_CASE_OF_KIND, "did you mean {close!r}?")
    NOT_A_CASE_OF_KIND = Message(E0502, _NOT_A_CASE_OF_KIND, _CASES)
    CASE_TWICE = Message(E0502, "the case {name!r} is given twice", "the first is at {first}")
    NOT_THE_CONSTRUCTOR = Message(
        E0502, "{name!r} is not a constructor of the functor {functor}", "its constructor is {ctor!r}"
    )

    # ---- E0503: the wrong recursion scheme, or a scheme used wrongly
    ALGEBRA_INDEX_SET = Message(
        E0503, "{kind} {name!r} declares the index set {set!r}, but a case has no input to take its size from",
        "give the carrier fixed axes; the fold supplies the index set it runs along",
    )
    COALGEBRA_NOT_STREAM = Message(
        E0503, _STREAM + ", and the constructor {ctor!r} of {functor!r} is not an output then the carrier",
        "use a functor `functor StreamF(O) = out(O, X)`",
    )
    COALGEBRA_CONSTRUCTORS = Message(
        E0503, _STREAM + ": {functor!r} has {count} constructors",
        "use a functor with one constructor, `functor StreamF(O) = out(O, X)`",
    )
    COALGEBRA_BODY = Message(
        E0503, "a coalgebra is a map from its carrier to the functor: `= s => {ctor}(...)`",
        "give the body as a lambda applying the constructor {ctor!r}",
    )
    CASES_NOT_BODY = Message(
        E0503, "{kind} {name!r} is given by cases, not a body", "write one case per constructor: {cases:wide}"
    )
    RANDOM_CASE = Message(
        E0503, "a case of {name!r} is random (dropout)", "cases are deterministic; apply dropout outside the fold"
    )
    RANDOM_MAP_OVER = Message(
        E0503,
        "a random map written in place (a lambda or composite using dropout or sample) cannot be mapped over an "
        "index set",
        "make it a para and map that, `map Dropout(d) over t`: each element gets its own key",
    )
    SCHEME_TARGET = Message(
        E0503, "`{scheme}` takes an algebra, a coalgebra or a machine", "`{scheme} Elman(d, h) over t`, or a use of one"
    )
    SCHEME_KIND = Message(E0503, _SCHEME_KIND, "write `{suggestion} {name} over ...`")
    SCHEME_OF_PARA = Message(E0503, _SCHEME_KIND, "a para is applied, or composed with `>>`")
    SCHEME_AS_MAP = Message(
        E0503, "{name!r} is a {kind}, not a map", "use it through its recursion scheme: `{scheme} {name} over t`"
    )
    OUTPUT_NOT_ONE_TENSOR = Message(E0503, "the output" + _NOT_ONE_TENSOR, _STACKS)
    INPUT_NOT_ONE_TENSOR = Message(E0503, "the input" + _NOT_ONE_TENSOR, _STACKS)
    ELEMENT_NOT_ONE_TENSOR = Message(E0503, "the element type" + _NOT_ONE_TENSOR, _STACKS)
    TREE_DATA_TYPES = Message(
        E0503, "the functor {functor} stores data of more than one type, or none",
        "a tree fold takes one data tensor per node",
    )
    TREE_DATA_FIELDS = Message(
        E0503,
        "the constructor {ctor!r} of {functor} has more than one data field, or a fixed one, and a tree fold stores "
        "one data tensor per node",
        "give each constructor at most one data field, `node(A, X, X)`; pack several into one tensor",
    )
    TREE_NO_LEAF = Message(
        E0503, "the functor {functor} has no constructor without X, so no finite term to fold", "add a leaf: `leaf(A)`"
    )
    NOT_AN_INDEX_SET = Message(
        E0503, "`{scheme}` runs along an index set, and {name!r} is not one",
        "declare the axis an index set, `({name} : list)`, and give the input that axis",
    )

    # ---- E0504-E0506
    UNFOLD_LENGTH_OF = Message(E0504, _UNFOLD, _UNFOLD_HINT)
    UNFOLD_LENGTH_OF_THIS = Message(E0504, _UNFOLD.replace("{name!r}", "'this'"), _UNFOLD_HINT)
    NOT_COMMUTATIVE = Message(
        E0505,
        "the `combine` of {name!r} is not symmetric in its two arguments, so it is not commutative by construction",
        "write it through a commutative operation, e.g. `ginv(g(a) + g(b))` or `max(a, b)` (a symmetrised cell "
        "`g(a, b) + g(b, a)` commutes but is not associative); or declare it a plain `monoid`",
    )
    FUNCTOR_PARAM_IS_CARRIER = Message(
        E0506, _FUNCTOR_PARAM + "the carrier's name", "X names the carrier; give the parameters other names"
    )
    FUNCTOR_PARAM_TWICE = Message(E0506, _FUNCTOR_PARAM + "declared twice", "give each parameter its own name")
    CONSTRUCTOR_TWICE = Message(
        E0506, "the constructor {name!r} is declared twice", "each summand of a polynomial functor has its own name"
    )
    FUNCTOR_FIELD_CLOSE = Message(E0506, _FIELD, "did you mean {close!r}?")
    FUNCTOR_FIELD = Message(E0506, _FIELD, "declare it, `functor {functor}({params:comma}) = ...`")
    ALGEBRA_WITHOUT_FUNCTOR = Message(
        E0506, "an {kind} is of a functor",
        "write `{kind} {name} : ListF([d]) on [h]`, with a functor declared by `functor`",
    )
    NOT_A_FUNCTOR = Message(
        E0506, "{name!r} is a {kind}, not a functor", "declare one: `functor ListF(A) = nil | cons(A, X)`"
    )

    # ---- E0601: semirings
    SEMIRING_ADDITION = Message(
        E0601, "{name!r} is not a semiring addition", "the addition is one of min, max, +, or, logsumexp[beta]"
    )
    SEMIRING_MULTIPLICATION = Message(
        E0601, "{name!r} is not a semiring multiplication", "the multiplication is one of +, *, and"
    )
    SEMIRING_NOT_DISTRIBUTIVE = Message(
        E0601, "`{mul}` does not distribute over `{add}`, so ({add}, {mul}) is not a semiring",
        "semirings here: (min, +), (max, +), (logsumexp, +), (+, *), (or, and), (max, *)",
    )
    SEMIRING_ZERO = Message(E0601, _ZERO_ONE.format(what="zero", op_kind="addition", op="{op}"), "write {unit}")
    SEMIRING_ONE = Message(E0601, _ZERO_ONE.format(what="one", op_kind="multiplication", op="{op}"), "write {unit}")
    SEMIRING_PARAMETER = Message(
        E0601, "only `logsumexp[beta]` takes a parameter, a `Float` binder of the semiring",
        "semiring Log(beta: Float) = (logsumexp[beta], +, -inf, 0)",
    )
    SEMIRING_FACTOR = Message(
        E0601, "a factor of a contraction in {semiring} is {type}",
        "Bool's factors are bool, the other semirings' are numbers",
    )
    SEMIRING_REDUCER = Message(
        E0601, "`{op}[{semiring}]`: a contraction in a semiring is written `sum[S]`, its addition the semiring's",
        "write `sum[{semiring}] ...`",
    )
