"""The emitted Python: parses, names its source, one eqx.Module per para, jaxtyping fields,
and user names that collide with Python or with the module's own imports are mangled."""

from __future__ import annotations

import ast

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import paradsl
from paradsl.driver import check_source, compile_path, compile_program

from conftest import STDLIB


def compile_text(text: str, file: str = "snippet.para") -> str:
    result = check_source(text, file)
    assert result.ok, [d.message for d in result.diagnostics]
    return compile_program(next(iter(result.programs.values())))


def classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}


@pytest.fixture(scope="module")
def nn_source() -> str:
    return compile_path(STDLIB / "nn.para")


def test_header_names_the_source(nn_source):
    doc = ast.get_docstring(ast.parse(nn_source))
    assert doc is not None and "nn.para" in doc
    assert paradsl.__version__ in doc


def test_imports_are_the_usual_ones(nn_source):
    tree = ast.parse(nn_source)
    imported = set()
    for n in tree.body:
        if isinstance(n, ast.Import):
            imported |= {a.asname or a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            imported |= {a.asname or a.name for a in n.names}
    assert {"eqx", "jax", "jnp", "Array", "Float"} <= imported


def test_one_module_class_per_para(nn_source):
    tree = ast.parse(nn_source)
    cls = classes(tree)
    def declared(path, keyword):
        return [line.split()[1].split("(")[0] for line in path.read_text().splitlines() if line.startswith(keyword + " ")]

    paras = declared(STDLIB / "nn.para", "para")
    used_reparams = {"Circulant", "SetEquivariant"}  # from stdlib/reparam.para, used by CircConv and DeepSetLayer
    assert used_reparams <= set(declared(STDLIB / "reparam.para", "reparam"))
    assert sorted(cls) == sorted(paras)  # the reparams' classes are imported, not copied
    imported = {a.name for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "paradsl.stdlib.reparam"
                for a in n.names}
    assert imported == used_reparams
    for name, c in cls.items():
        assert [ast.unparse(b) for b in c.bases] == ["eqx.Module"]
        assert ast.get_docstring(c)
        methods = {f.name for f in c.body if isinstance(f, ast.FunctionDef)}
        if name in ("CircConv", "DeepSetLayer"):  # tied: __call__(x) = untie(x).forward(x)
            assert methods == {"__init__", "__call__", "untie", "forward"}
        else:
            assert methods == {"__init__", "__call__"}
    all_ = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "__all__")
    assert sorted(ast.literal_eval(all_.value)) == sorted(paras)


def test_fields_are_annotated(nn_source):
    cls = classes(ast.parse(nn_source))
    fields = {a.target.id: ast.unparse(a.annotation) for a in cls["Linear"].body if isinstance(a, ast.AnnAssign)}
    assert fields["W"] == "Float[Array, 'i o']"
    assert fields["b"] == "Float[Array, 'o']"
    assert fields["i"] == "int"
    hyper = next(a for a in cls["Linear"].body if isinstance(a, ast.AnnAssign) and a.target.id == "i")
    assert ast.unparse(hyper.value) == "eqx.field(static=True)"
    uses = {a.target.id: ast.unparse(a.annotation) for a in cls["ResidualMLPBlock"].body
            if isinstance(a, ast.AnnAssign)}
    assert uses["norm"] == "LayerNorm" and uses["ff"] == "MLP"


def test_init_takes_a_keyword_only_key(nn_source):
    cls = classes(ast.parse(nn_source))
    for c in cls.values():
        init = next(f for f in c.body if isinstance(f, ast.FunctionDef) and f.name == "__init__")
        assert [a.arg for a in init.args.kwonlyargs] == ["key"]
        draws = any(isinstance(n, ast.Name) and n.id == "key" for stmt in init.body for n in ast.walk(stmt))
        if draws:
            assert init.args.kw_defaults == [None]  # required
        else:  # nothing random is drawn: the key may be left out
            assert ast.unparse(init.args.kw_defaults[0]) == "None"


def test_stochastic_paras_take_an_optional_key(nn_source):
    cls = classes(ast.parse(nn_source))
    call = next(f for f in cls["Dropout"].body if isinstance(f, ast.FunctionDef) and f.name == "__call__")
    assert [a.arg for a in call.args.kwonlyargs] == ["key"]
    assert ast.unparse(call.args.kw_defaults[0]) == "None"
    call = next(f for f in cls["Linear"].body if isinstance(f, ast.FunctionDef) and f.name == "__call__")
    assert call.args.kwonlyargs == []


def test_call_annotates_input_and_output(nn_source):
    cls = classes(ast.parse(nn_source))
    call = next(f for f in cls["Linear"].body if isinstance(f, ast.FunctionDef) and f.name == "__call__")
    assert ast.unparse(call.args.args[1].annotation) == "Float[Array, 'i']"
    assert ast.unparse(call.returns) == "Float[Array, 'o']"


def test_sizes_print_in_normal_form():
    src = compile_text("para Dbl(d: Nat) : [d + d] -> [2*d]\n  params s : [d+d] ~ ones\n  = x => x * s\n")
    assert "Float[Array, '2*d']" in src


def test_strings_in_the_source_file_name_are_not_code():
    src = compile_text('para P(d: Nat) : [d] -> [d] = x => x\n', file='evil"""\nimport os\n.para')
    tree = ast.parse(src)
    assert not any(isinstance(n, ast.Import) and any(a.name == "os" for a in n.names) for n in tree.body)


# ------------------------------------------------------------------ names that collide

COLLIDING = """\
para Odd(jnp: Nat, key: Nat, self: Float = 2.0) : [jnp] -> [key]
  params eqx : [jnp, key] ~ normal(0.5), jax : [key] ~ const(0.25), Array : [key] ~ ones
  = x => (sum i. x[i] * eqx[i, k]) * self + jax[k] + Array[k]

para Float(keys: Nat) : [keys] -> [keys]
  uses Int : Odd(keys, keys), annotations : Odd(keys, keys)
  = Int >> tanh >> annotations
"""


def test_colliding_names_are_mangled_and_run():
    src = compile_text(COLLIDING)
    tree = ast.parse(src)
    cls = classes(tree)
    assert set(cls) == {"Odd", "Float_"}
    uses = [a.target.id for a in cls["Float_"].body if isinstance(a, ast.AnnAssign)]
    assert uses == ["Int_", "annotations_", "keys_"]
    odd_fields = [a.target.id for a in cls["Odd"].body if isinstance(a, ast.AnnAssign)]
    assert odd_fields == ["eqx_", "jax_", "Array_", "jnp_", "key_", "self_"]
    mod = paradsl.loads(COLLIDING, "colliding.para")
    # The module's own imports are intact.
    assert mod.jnp is jnp and mod.eqx is eqx and mod.jax is jax
    k = jax.random.key(0)
    odd = mod.Odd(3, 4, key=k)
    assert isinstance(odd, eqx.Module)
    assert odd.eqx_.shape == (3, 4) and odd.self_ == 2.0
    x = jnp.arange(3.0)
    expected = (x @ odd.eqx_) * 2.0 + 0.25 + 1.0
    np.testing.assert_allclose(odd(x), expected, rtol=1e-6)
    f = mod.Float_(3, key=k)
    y = jax.jit(lambda m, v: m(v))(f, x)
    np.testing.assert_allclose(y, f.annotations_(jnp.tanh(f.Int_(x))), rtol=1e-6)


def test_negative_literal_defaults_and_initialiser_arguments():
    text = ("para Neg(k: Int = -3, s: Float = -0.5) : [4] -> [4]\n"
            "  params w : [4] ~ const(-2.0)\n"
            "  = x => x * k * s * w\n")
    mod = paradsl.loads(text, "neg.para")
    m = mod.Neg(key=jax.random.key(0))
    assert m.k == -3 and m.s == -0.5
    np.testing.assert_array_equal(m(jnp.ones(4)), jnp.full(4, -3.0))
    assert not check_source("para Bad(n: Nat = -1) : [4] -> [4] = x => x\n").ok
