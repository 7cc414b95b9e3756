"""Index notation lowers to the code a person would write: axes stay in the order the
program names them (a transpose only where the program permutes), einsum specs use the
program's own index names, a gather of whole rows is plain indexing; and the numbers are
those of a direct numpy evaluation of the same program."""

from __future__ import annotations

import ast

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from paradsl.driver import check_source, compile_path, compile_program, loads

from conftest import EXAMPLES, STDLIB


def compile_text(text: str) -> str:
    result = check_source(text, "snippet.para")
    assert result.ok, [d.message for d in result.diagnostics]
    return compile_program(next(iter(result.programs.values())))


def _is_call(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func) == name


@pytest.mark.parametrize("path", sorted(STDLIB.glob("*.para")) + sorted(EXAMPLES.glob("*.para")), ids=lambda p: p.name)
def test_no_transpose_of_a_transpose(path):
    tree = ast.parse(compile_path(path))
    for node in ast.walk(tree):
        if _is_call(node, "jnp.transpose"):
            assert not any(_is_call(a, "jnp.transpose") for a in ast.walk(node.args[0])), ast.unparse(node)


def test_an_rms_norm_reads_as_written():
    src = compile_path(EXAMPLES / "transformer.para")
    norm = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ClassDef) and n.name == "TokenNorm")
    body = ast.unparse(norm)
    assert "transpose" not in body
    assert "x * self.g / jnp.sqrt(jnp.mean(x * x, axis=1) + 1e-05)[:, None]" in body


def test_einsum_spells_the_program_index_names():
    src = compile_text("para L(n: Nat, m: Nat) : [n] -> [m]\n  params W : [n, m] ~ glorot\n"
                       "  = x => sum i. x[i] * W[i, o]\n")
    assert "jnp.einsum('i,io->o', x, self.W)" in src


def test_a_gather_of_rows_is_one_gather(key):
    text = ("para Emb(v: Nat, d: Nat) (t : list) : [t] i32 -> [t, d]\n  params E : [v, d] ~ normal\n"
            "  = tokens => for s e. E[tokens[s], e]\n")
    src = compile_text(text)
    # An id outside the table reads NaN, not the last row: a gather in fill mode, still one.
    assert "self.E.at[tokens].get(mode='fill', wrap_negative_indices=False)" in src
    assert "arange" not in src and "transpose" not in src
    m = loads(text).Emb(5, 3, key=key)
    tokens = jnp.asarray([4, 0, 0, 2])
    np.testing.assert_array_equal(m(tokens), np.asarray(m.E)[np.asarray(tokens)])


A = np.arange(12, dtype=np.float32).reshape(3, 4) / 7.0
B = np.arange(12, dtype=np.float32).reshape(4, 3) / 5.0
X3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
IDX = np.asarray([2, 0, 1, 1, 0], dtype=np.int32)

#: (para, arguments, what numpy says): programs that permute, broadcast and gather.
CASES = [
    ("para T (n : list) (m : list) : [n, m] -> [m, n] = a => for j i. a[i, j]", (A,), A.T),
    ("para S (n : list) (m : list) : ([n, m], [m, n]) -> [n, m] = (a, b) => for i j. a[i, j] + b[j, i]",
     (A, B), A + B.T),
    ("para O (n : list) (m : list) : ([n, m], [m, n]) -> [m, n] = (a, b) => for j i. a[i, j] * b[j, i] + a[i, 0]",
     (A, B), A.T * B + A[:, 0][None, :]),
    ("para R (n : list) (m : list) : [n, m] -> [m] = a => for j. max i. a[i, j] - a[i, 0]",
     (A,), (A - A[:, :1]).max(0)),
    ("para C (n : list) (m : list) : ([n, m], [m, n]) -> [m, m] = (a, b) => for k j. sum i. a[i, j] * b[k, i]",
     (A, B), np.einsum("ij,ki->kj", A, B)),
    ("para G (n : list) (m : list) (t : list) : ([n, m], [t] i32) -> [m, t] = (a, ix) => for i s. a[ix[s], i]",
     (A, IDX[IDX < 3]), A[IDX[IDX < 3]].T),
    ("para H (n : list) (m : list) (t : list) : ([m, n], [t] i32) -> [t, m] = (a, ix) => for s i. a[i, ix[s]]",
     (B, IDX), B[:, IDX].T),
    (("para K (n : list) (m : list) (t : list) : ([n, m, 4], [t] i32) -> [t, m]"
      " = (x, ix) => for s j. x[ix[s] mod 2, j, 0]"), (X3, IDX), X3[IDX % 2, :, 0]),
    ("para M (n : list) : [n, n] -> [n, n] = a => for j i. a[i, j] * (if i == j then 2.0 else 1.0) + a[j, i]",
     (A[:, :3],), (A[:, :3] * np.where(np.eye(3) > 0, 2.0, 1.0)).T + A[:, :3]),
    ("para N (n : list) (m : list) : [n, m] -> [n, m] = a => for i j. softmax(a[i, j], over i)",
     (A,), np.asarray(jax.nn.softmax(A, axis=0))),
]


@pytest.mark.parametrize("text,args,expected", CASES, ids=[c[0].split()[1] for c in CASES])
def test_index_notation_equals_numpy(text, args, expected):
    mod = loads(text + "\n")
    name = text.split()[1]
    m = getattr(mod, name)()
    got = m(tuple(jnp.asarray(a) for a in args) if len(args) > 1 else jnp.asarray(args[0]))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_init_and_call_are_annotated():
    src = compile_path(STDLIB / "nn.para")
    tree = ast.parse(src)
    cls = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    init = next(f for f in cls["LayerNorm"].body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
    assert [(a.arg, ast.unparse(a.annotation)) for a in init.args.args[1:]] == [("d", "int"), ("eps", "float")]
    assert ast.unparse(init.args.kwonlyargs[0].annotation) == "PRNGKeyArray | None"
    init = next(f for f in cls["Linear"].body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
    assert ast.unparse(init.args.kwonlyargs[0].annotation) == "PRNGKeyArray"
    assert "PRNGKeyArray" in {a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    src = compile_text("para P (n : set) : ([n], [n]) -> [n] = (a, b) => a + b\n")
    call = next(n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef) and n.name == "__call__")
    assert ast.unparse(call.args.args[1].annotation) == "tuple[Float[Array, 'n'], Float[Array, 'n']]"


def test_a_module_that_draws_nothing_needs_no_key(nn):
    norm = nn.LayerNorm(4)
    x = jnp.arange(4.0)
    np.testing.assert_allclose(norm(x), nn.LayerNorm(4, key=jax.random.key(0))(x))
