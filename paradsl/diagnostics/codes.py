"""Every error code and its one-line title, the heading of its section in `docs/errors.md`.

A code names a kind of mistake; the messages of `Msg` say it, one or several per code.
"""

from __future__ import annotations

from .template import ErrorCode

# ---- E00xx: syntax
E0001 = ErrorCode("E0001", "unexpected token")
E0002 = ErrorCode("E0002", "unexpected character")
E0003 = ErrorCode("E0003", "unexpected end of input")
E0004 = ErrorCode("E0004", "bad lambda parameter")
E0005 = ErrorCode("E0005", "bad binder kind")
E0006 = ErrorCode("E0006", "nesting too deep")
E0007 = ErrorCode("E0007", "source not UTF-8")
E0008 = ErrorCode("E0008", "integer literal too long")
E0009 = ErrorCode("E0009", "unreadable source")

# ---- E01xx: names, imports, declarations
E0101 = ErrorCode("E0101", "unknown name")
E0102 = ErrorCode("E0102", "duplicate definition")
E0103 = ErrorCode("E0103", "import not found")
E0104 = ErrorCode("E0104", "import cycle")
E0105 = ErrorCode("E0105", "duplicate local name")
E0106 = ErrorCode("E0106", "recursive para")
E0107 = ErrorCode("E0107", "unknown initialiser")
E0108 = ErrorCode("E0108", "not a para")
E0109 = ErrorCode("E0109", "unknown field")
E0110 = ErrorCode("E0110", "import outside the project")
E0111 = ErrorCode("E0111", "import of a file that is not .para")

# ---- E02xx: types
E0201 = ErrorCode("E0201", "type mismatch")
E0202 = ErrorCode("E0202", "index over two index sets")
E0203 = ErrorCode("E0203", "wrong number of arguments")
E0204 = ErrorCode("E0204", "composition does not meet")
E0205 = ErrorCode("E0205", "not a map")
E0206 = ErrorCode("E0206", "wrong number of indices")
E0207 = ErrorCode("E0207", "index range unknown")
E0208 = ErrorCode("E0208", "reduction index unused")
E0209 = ErrorCode("E0209", "result type mismatch")
E0210 = ErrorCode("E0210", "indexed and whole tensor mixed")
E0211 = ErrorCode("E0211", "matmul axes do not meet")
E0212 = ErrorCode("E0212", "dtype mismatch")
E0213 = ErrorCode("E0213", "bad einsum")
E0214 = ErrorCode("E0214", "bad hyperparameter argument")
E0215 = ErrorCode("E0215", "unknown keyword argument")
E0216 = ErrorCode("E0216", "pattern does not match")
E0217 = ErrorCode("E0217", "indexed value where a whole tensor is needed")
E0218 = ErrorCode("E0218", "not a tuple")
E0219 = ErrorCode("E0219", "field of a non-use")
E0220 = ErrorCode("E0220", "bad size expression")
E0221 = ErrorCode("E0221", "bad index")
E0223 = ErrorCode("E0223", "index set not in the input")
E0224 = ErrorCode("E0224", "size too large to multiply out")

# ---- E03xx: symmetry of index sets
E0301 = ErrorCode("E0301", "parameter over a runtime index set")
E0302 = ErrorCode("E0302", "symmetry broken by a call")
E0303 = ErrorCode("E0303", "arithmetic on a position")
E0304 = ErrorCode("E0304", "comparison of positions")
E0305 = ErrorCode("E0305", "position used as a value")
E0306 = ErrorCode("E0306", "scan along a set")
E0307 = ErrorCode("E0307", "subscript picks a position")
E0308 = ErrorCode("E0308", "cyclic arithmetic not shift-invariant")
E0309 = ErrorCode("E0309", "fold along a set")

# ---- E04xx: 2-cells (reparameterisation and weight tying)
E0401 = ErrorCode("E0401", "tie of the wrong type")
E0402 = ErrorCode("E0402", "tie reads an input")
E0403 = ErrorCode("E0403", "leaf tied twice")
E0404 = ErrorCode("E0404", "cycle of ties")
E0405 = ErrorCode("E0405", "not a free parameter")
E0406 = ErrorCode("E0406", "2-cell is not parameter-only")
E0407 = ErrorCode("E0407", "reparam does not fit")
E0408 = ErrorCode("E0408", "not a reparam")
E0409 = ErrorCode("E0409", "parameter given by no 2-cell")

# ---- E05xx: functors, algebras and coalgebras
E0501 = ErrorCode("E0501", "missing case")
E0502 = ErrorCode("E0502", "unknown case")
E0503 = ErrorCode("E0503", "wrong recursion scheme")
E0504 = ErrorCode("E0504", "unfold without a length")
E0505 = ErrorCode("E0505", "monoid not commutative by construction")
E0506 = ErrorCode("E0506", "bad functor")

# ---- E06xx: semirings
E0601 = ErrorCode("E0601", "bad semiring")

# ---- E07xx: values, sizes and dtypes
E0701 = ErrorCode("E0701", "builtin needs a floating-point argument")
E0702 = ErrorCode("E0702", "integer raised to a negative power")
E0703 = ErrorCode("E0703", "literal does not fit its dtype")
E0704 = ErrorCode("E0704", "size out of range")
E0705 = ErrorCode("E0705", "initialiser does not fit the dtype")
E0706 = ErrorCode("E0706", "dtype not supported")
E0707 = ErrorCode("E0707", "argument out of range")

# ---- E08xx: scans of states, repetition and iteration
E0801 = ErrorCode("E0801", "scan of an algebra that is not of a list")
E0802 = ErrorCode("E0802", "iteration count not a size")
E0803 = ErrorCode("E0803", "iteration changes the type of its state")
E0804 = ErrorCode("E0804", "random map iterated")
E0805 = ErrorCode("E0805", "convergence of a state that is not of floats")
E0806 = ErrorCode("E0806", "repeat count not a Nat")
E0807 = ErrorCode("E0807", "repeated para changes the type")
E0809 = ErrorCode("E0809", "tie of uses repeated differently")
E0810 = ErrorCode("E0810", "copy of a repeat tied to another copy")

# ---- E09xx: higher-order hyperparameters (maps, semirings and monoids given at the use)
E0901 = ErrorCode("E0901", "map argument of the wrong signature")
E0902 = ErrorCode("E0902", "map argument breaks the symmetry")
E0903 = ErrorCode("E0903", "not a map argument")
E0904 = ErrorCode("E0904", "map given where a value is expected")
E0905 = ErrorCode("E0905", "not a semiring argument")
E0906 = ErrorCode("E0906", "missing map argument")
E0907 = ErrorCode("E0907", "not a monoid argument")
E0908 = ErrorCode("E0908", "monoid argument of the wrong type")

# ---- E10xx: tasks and experiments
E1001 = ErrorCode("E1001", "clause outside an experiment")
E1002 = ErrorCode("E1002", "duplicate clause")
E1003 = ErrorCode("E1003", "missing clause")
E1004 = ErrorCode("E1004", "unknown task")
E1005 = ErrorCode("E1005", "model not a para")
E1006 = ErrorCode("E1006", "unknown loss")
E1007 = ErrorCode("E1007", "unknown metric")
E1008 = ErrorCode("E1008", "unknown optimiser")
E1009 = ErrorCode("E1009", "unknown schedule")
E1010 = ErrorCode("E1010", "unknown argument")
E1011 = ErrorCode("E1011", "missing argument")
E1012 = ErrorCode("E1012", "argument of the wrong kind")
E1013 = ErrorCode("E1013", "value out of range")
E1014 = ErrorCode("E1014", "model does not take the task's input")
E1015 = ErrorCode("E1015", "index set of another kind")
E1016 = ErrorCode("E1016", "prediction does not fit the target")
E1017 = ErrorCode("E1017", "dtype not fit for the loss or metric")
E1018 = ErrorCode("E1018", "pointer into what is not a node")
E1019 = ErrorCode("E1019", "component of a single target")
E1020 = ErrorCode("E1020", "component out of range")
E1021 = ErrorCode("E1021", "tuple target without a component")
E1022 = ErrorCode("E1022", "duplicate evaluation set")
E1023 = ErrorCode("E1023", "evaluation set of other types")
E1024 = ErrorCode("E1024", "task target not module:function")
E1025 = ErrorCode("E1025", "argument given twice")
E1026 = ErrorCode("E1026", "task argument of a kind a task cannot take")
E1027 = ErrorCode("E1027", "too many arguments")

# ---- E1030-E1039: a task's generator at run time (para run, para eval)
E1030 = ErrorCode("E1030", "task cannot be imported")
E1031 = ErrorCode("E1031", "task function not found")
E1032 = ErrorCode("E1032", "task raised")
E1033 = ErrorCode("E1033", "task result not a pair")
E1034 = ErrorCode("E1034", "task result of the wrong structure")
E1035 = ErrorCode("E1035", "task array of the wrong rank")
E1036 = ErrorCode("E1036", "task array of the wrong dtype")
E1037 = ErrorCode("E1037", "task batch of the wrong size")
E1038 = ErrorCode("E1038", "task axis of the wrong size")
E1039 = ErrorCode("E1039", "task index set sizes disagree")

# ---- E1040-E1049: streamed evaluation and the extracted machine
E1040 = ErrorCode("E1040", "chunked evaluation of a model that cannot be streamed")
E1041 = ErrorCode("E1041", "chunked evaluation of a measure with no streaming rule")
E1042 = ErrorCode("E1042", "unknown verification")
E1043 = ErrorCode("E1043", "machine verification of a model with no machine")
E1044 = ErrorCode("E1044", "machine state not a vector of classes")
E1045 = ErrorCode("E1045", "task with no reference machine")

# ---- E1101-E1111: pointers, elements of an index set
E1101 = ErrorCode("E1101", "pointer into another index set")
E1102 = ErrorCode("E1102", "arithmetic on a pointer")
E1103 = ErrorCode("E1103", "pointer compared with what it cannot equal")
E1104 = ErrorCode("E1104", "argmax over several indices")
E1105 = ErrorCode("E1105", "argmax of a pointer")
E1106 = ErrorCode("E1106", "one_hot of a value that is not a pointer")
E1107 = ErrorCode("E1107", "pointer used as a number")
E1108 = ErrorCode("E1108", "pointer target scored over another axis")
E1109 = ErrorCode("E1109", "task pointer outside its index set")
E1110 = ErrorCode("E1110", "choice between a pointer and another value")
E1111 = ErrorCode("E1111", "parameter of pointer type")

# ---- E1120-E1124: safe lists (what a subscript reads outside its axis)
E1120 = ErrorCode("E1120", "subscript may fall outside its axis")
E1121 = ErrorCode("E1121", "fill of the wrong dtype")
E1122 = ErrorCode("E1122", "fill not a constant")
E1123 = ErrorCode("E1123", "position table shorter than its index set")
E1124 = ErrorCode("E1124", "fill on a subscript that stays in its axis")


#: Codes no longer given, with why: a number once documented is never given to another
#: mistake, so that what was written about it elsewhere cannot come to mean something else.
RETIRED: dict[str, str] = {
    "E0808": "random para repeated: a repeated block is given a key of its own per copy",
}

#: code -> its error code, for the error index and the tests.
CODES: dict[str, ErrorCode] = {c.code: c for c in list(globals().values()) if isinstance(c, ErrorCode)}
