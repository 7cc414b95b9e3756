"""Every diagnostic the compiler can give: its code, a one-line title, its text and its hint.

Passes never build message text themselves: they name a message from `Msg` and pass the
values it is formatted with. Texts are sentence case with no trailing period; names and
types appear in quotes. Each code is documented with an example in `docs/errors.md`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    code: str
    title: str
    text: str
    hint: str | None = None

    def format(self, **values: object) -> tuple[str, str | None]:
        text = self.text.format(**values)
        hint = self.hint.format(**values) if self.hint else None
        return text, hint


class Msg:
    # ---- E00xx: syntax
    SYNTAX_UNEXPECTED_TOKEN = Message(
        "E0001", "unexpected token", "unexpected {found}; expected {expected}", "{hint}"
    )
    SYNTAX_UNEXPECTED_CHAR = Message(
        "E0002", "unexpected character", "unexpected character {char!r}", "{hint}"
    )
    SYNTAX_UNEXPECTED_EOF = Message(
        "E0003", "unexpected end of input", "unexpected end of input; expected {expected}",
        "the declaration is incomplete",
    )
    SYNTAX_BAD_LAMBDA = Message(
        "E0004", "bad lambda parameter", "a lambda parameter must be a name or a tuple of names",
        "write `x => ...` or `(a, b) => ...`",
    )
    SYNTAX_BAD_BINDER = Message(
        "E0005", "bad binder kind", "unknown kind {kind!r} for {name!r}",
        "hyperparameters are `Nat`, `Int`, `Float` or `Bool`; index sets are `set`, `list` or `cyc`",
    )
    NESTING_TOO_DEEP = Message(
        "E0006", "nesting too deep",
        "this file nests expressions more deeply than the checker can follow",
        "split the expression with `let` bindings or into smaller paras",
    )

    # ---- E01xx: names, imports, declarations
    UNKNOWN_NAME = Message("E0101", "unknown name", "unknown name {name!r}", "{hint}")
    DUPLICATE_DEFINITION = Message(
        "E0102", "duplicate definition", "{name!r} is defined twice",
        "the first definition is at {first}",
    )
    IMPORT_NOT_FOUND = Message(
        "E0103", "import not found", "cannot find {what!r} to import", "{hint}"
    )
    IMPORT_CYCLE = Message(
        "E0104", "import cycle", "import cycle: {cycle}", "move the shared declarations into a third file"
    )
    DUPLICATE_LOCAL = Message(
        "E0105", "duplicate local name", "{name!r} is declared twice in {where!r}",
        "hyperparameters, index sets, parameters and uses share one namespace; rename one",
    )
    RECURSIVE_PARA = Message(
        "E0106", "recursive para", "{name!r} uses itself through {path}",
        "a para's parameter space would be infinite; recursion is written as a fold (section 5)",
    )
    UNKNOWN_INITIALIZER = Message(
        "E0107", "unknown initialiser", "unknown initialiser {name!r}",
        "known initialisers: {known}",
    )
    NOT_A_PARA = Message(
        "E0108", "not a para", "{name!r} is not a para and cannot be used as a sub-map",
        "a `uses` entry instantiates a para: `uses enc : Linear(d, k)`",
    )
    UNKNOWN_FIELD = Message(
        "E0109", "unknown field", "{owner!r} has no parameter or use named {name!r}", "{hint}"
    )

    # ---- E02xx: types
    TYPE_MISMATCH = Message(
        "E0201", "type mismatch", "type mismatch: expected {expected}, found {found}", "{hint}"
    )
    INDEX_TWO_SETS = Message(
        "E0202", "index over two index sets",
        "index {index!r} ranges over two different index sets: {first} and {second}",
        "use two index names, or make the two axes the same index set",
    )
    ARITY = Message(
        "E0203", "wrong number of arguments", "{what} takes {expected} argument{s}, given {given}", "{hint}"
    )
    COMPOSE_MISMATCH = Message(
        "E0204", "composition does not meet",
        "composition does not meet: the left side {left_does} {left}, the right side takes {right}", "{hint}",
    )
    NOT_A_MAP = Message(
        "E0205", "not a map", "{what} has type {type}, which is not a map and cannot be {used}", "{hint}"
    )
    SUBSCRIPT_ARITY = Message(
        "E0206", "wrong number of indices", "{name} has {rank} ax{es}, but {given} ind{ices} given",
        "write one index per axis of {type}",
    )
    INDEX_RANGE_UNKNOWN = Message(
        "E0207", "index range unknown", "cannot tell which index set {index!r} ranges over",
        "use {index!r} to subscript a tensor, or bind it with `for {index}` in a typed position",
    )
    UNUSED_REDUCTION_INDEX = Message(
        "E0208", "reduction index unused", "{op!r} reduces over {index!r}, which its body never uses",
        "a reduction sums a body that varies with its index",
    )
    RESULT_MISMATCH = Message(
        "E0209", "result type mismatch",
        "{what} {found}, but the declaration says {expected}", "{hint}"
    )
    MIXED_INDEXING = Message(
        "E0210", "indexed and whole tensor mixed",
        "cannot combine an indexed value with the whole tensor {found}",
        "subscript the tensor too, e.g. `{example}`",
    )
    MATMUL_MISMATCH = Message(
        "E0211", "matmul axes do not meet",
        "`@` cannot multiply {left} by {right}: {problem}", "{hint}"
    )
    DTYPE_MISMATCH = Message(
        "E0212", "dtype mismatch", "{what} needs {expected}, found {found}", "{hint}"
    )
    EINSUM_SPEC = Message("E0213", "bad einsum", "bad einsum specification: {problem}", "{hint}")
    HYPER_ARGUMENT = Message(
        "E0214", "bad hyperparameter argument",
        "hyperparameter {name!r} of {callee!r} is {kind}, but the argument is {found}", "{hint}"
    )
    UNKNOWN_KEYWORD = Message(
        "E0215", "unknown keyword argument", "{callee} has no argument named {name!r}", "{hint}"
    )
    PATTERN_MISMATCH = Message(
        "E0216", "pattern does not match", "the pattern binds {given} name{s}, but the value is {type}",
        "a tuple pattern needs one name per component",
    )
    INDEXED_WHERE_WHOLE = Message(
        "E0217", "indexed value where a whole tensor is needed",
        "{what} needs a whole tensor, but this value is indexed by {indices}",
        "bind the indices with `for {vars}. ...`, or reduce them with `sum {vars}. ...`",
    )
    NOT_A_TUPLE = Message(
        "E0218", "not a tuple", "{what} needs a tuple, found {found}", "{hint}"
    )
    FIELD_OF_NON_USE = Message(
        "E0219", "field of a non-use", "only a use of a para has fields; {name!r} is {kind}", "{hint}"
    )
    SIZE_EXPRESSION = Message(
        "E0220", "bad size expression", "{problem}", "sizes are polynomials in `Nat` hyperparameters with natural coefficients"
    )
    BAD_INDEX = Message(
        "E0221", "bad index", "{problem}", "{hint}"
    )
    INDEX_SET_NOT_IN_INPUT = Message(
        "E0223", "index set not in the input",
        "the index set {name!r} does not occur in the input type, so its size is unknown at run time",
        "index sets are sized by the input; use a fixed `Nat` size for an axis the input does not give",
    )

    # ---- E03xx: symmetry of index sets
    RUNTIME_SIZED_PARAM = Message(
        "E0301", "parameter over a runtime index set",
        "parameter {name} is indexed by the {kind} {index!r}, whose size is only known at run time",
        "a weight over {index!r} cannot be allocated, and {breaks}; {fix}",
    )
    SYMMETRY_BROKEN_BY_CALL = Message(
        "E0302", "symmetry broken by a call",
        "{callee!r} treats its index set {param!r} as a {callee_kind}, but it is given the {kind} {index!r}",
        "a {callee_kind}-polymorphic map may use the order of {param!r}, which breaks the {group} symmetry of {index!r}",
    )
    POSITION_ARITHMETIC = Message(
        "E0303", "arithmetic on a position",
        "`{op}` does arithmetic on the position of {index!r} in the {kind} {set!r}, which {group} does not preserve",
        "{hint}",
    )
    POSITION_COMPARISON = Message(
        "E0304", "comparison of positions",
        "`{op}` compares {what}, which {group} does not preserve",
        "{hint}",
    )
    POSITION_AS_VALUE = Message(
        "E0305", "position used as a value",
        "the position of {index!r} in the {kind} {set!r} is used as a value, which {group} does not preserve",
        "{hint}",
    )
    SCAN_ON_SYMMETRIC_AXIS = Message(
        "E0306", "scan along a set",
        "`{op}` scans along the {kind} {set!r}, whose elements have no order ({group} acts on it)",
        "a scan needs an order: declare {set!r} a `list`, or reduce over it with a commutative `sum`/`max`/`min`",
    )
    POSITION_SUBSCRIPT = Message(
        "E0307", "subscript picks a position",
        "this subscript picks {what} of the {kind} {set!r}, which {group} does not preserve",
        "subscript an axis of {set!r} with an index variable over it, or reduce over it",
    )
    CYCLIC_DIFFERENCE = Message(
        "E0308", "cyclic arithmetic not shift-invariant",
        "{what} on the cyc {set!r} {problem}",
        "on a cyc, take differences modulo its size, `(a - b) mod {set}`, which every shift preserves",
    )

    FOLD_ON_SET = Message(
        "E0309", "fold along a set",
        "`{scheme}` of {name!r} runs along the {kind} {set!r}, but {why}",
        "{hint}",
    )

    # ---- E04xx: 2-cells (reparameterisation and weight tying)
    TIE_TYPE = Message(
        "E0401", "tie of the wrong type",
        "the tie gives {target} the type {found}, but the leaf has type {expected}",
        "a 2-cell gives each tied leaf exactly its declared shape and dtype{extra}",
    )
    TIE_READS_INPUT = Message(
        "E0402", "tie reads an input",
        "the tie reads the input {name!r}: a reparameterisation that reads an input is a hypernetwork, not a 2-cell",
        "a tie computes a leaf from parameters only: own parameters, leaves of uses (`enc.W`), "
        "hyperparameters and reparams",
    )
    TIED_TWICE = Message(
        "E0403", "leaf tied twice", "{target} is tied twice", "the first tie is at {first}",
    )
    TIE_CYCLE = Message(
        "E0404", "cycle of ties", "the ties form a cycle: {cycle}",
        "a tied leaf is computed from free parameters; leave one leaf of the cycle free",
    )
    NOT_A_FREE_LEAF = Message(
        "E0405", "not a free parameter",
        "{target} is tied inside {owner!r}, so it is not a free parameter of this para",
        "{hint}",
    )
    NOT_PARAMETER_ONLY = Message(
        "E0406", "2-cell is not parameter-only", "{problem}",
        "a 2-cell computes parameters from parameters with index notation, builtins and other reparams only",
    )
    VIA_MISMATCH = Message(
        "E0407", "reparam does not fit",
        "{reparam!r} gives {found}, but the free parameters of {callee!r} are {expected}",
        "a reparam's result is the para's free parameters: one leaf, or a tuple of all of them in order",
    )
    NOT_A_REPARAM = Message("E0408", "not a reparam", "{problem}", "{hint}")
    ABSTRACT_LEAF_NOT_GIVEN = Message(
        "E0409", "parameter given by no 2-cell",
        "parameter {target!r} of {callee!r} is declared `~ via`, but no 2-cell gives it",
        "{fix}",
    )

    # ---- E05xx: functors, algebras and coalgebras
    MISSING_CASE = Message(
        "E0501", "missing case", "{name!r} has no case for {ctor!r}",
        "{hint}",
    )
    UNKNOWN_CASE = Message(
        "E0502", "unknown case", "{problem}", "{hint}",
    )
    WRONG_SCHEME = Message(
        "E0503", "wrong recursion scheme", "{problem}", "{hint}",
    )
    UNFOLD_LENGTH = Message(
        "E0504", "unfold without a length",
        "`unfold` over {what} has no length known when the model runs",
        "unfold over a fixed size (a `Nat` hyperparameter or a number) or over an index set of the input",
    )
    NOT_COMMUTATIVE = Message(
        "E0505", "monoid not commutative by construction",
        "the `combine` of {name!r} is not symmetric in its two arguments, so it is not commutative by construction",
        "write it through a commutative operation, e.g. `ginv(g(a) + g(b))` or `max(a, b)` "
        "(a symmetrised cell `g(a, b) + g(b, a)` commutes but is not associative); or declare it a plain `monoid`",
    )
    BAD_FUNCTOR = Message(
        "E0506", "bad functor", "{problem}", "{hint}",
    )

    # ---- E06xx: semirings
    BAD_SEMIRING = Message("E0601", "bad semiring", "{problem}", "{hint}")


#: code -> message, for the error index and the tests.
CODES: dict[str, Message] = {
    m.code: m for m in vars(Msg).values() if isinstance(m, Message)
}
