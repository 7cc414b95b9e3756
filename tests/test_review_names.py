"""User names that Python would read as something else: the reviewed programs whose names
collided in the emitted module (with each other, with Python's keywords, builtins and class
mangling, or with what the module generates) import, construct and compute what the same
program with plain names computes.

Each reproducer in `tests/review/` is checked against its *twin*: the program with the
offending names replaced by plain ones. Both are built with the same key, given the same
random leaves and the same input, and must agree exactly.
"""

from __future__ import annotations

import re
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from conftest import randomise

from paradsl import api
from paradsl.types import FixedAxis, TensorType, TupleType, Type

REVIEW = Path(__file__).parent / "review"

#: Reproducer -> the renaming of its names that gives its plain twin.
TWIN_NAMES: dict[str, dict[str, str]] = {
    "B1_dunder_para_name_mangled.para": {"__Id": "Ident"},
    "B1b_dunder_leaf_mangled.para": {"__W": "Wt"},
    "B2_prime_hyper_duplicate_arg.para": {"d'": "e", "d_p": "f"},
    "B3_param_named_forward.para": {"forward": "F"},
    "B3b_hyper_named_untie.para": {"untie": "u"},
    "B3e_constructor_named_untie.para": {"untie": "nil"},
    "B4_para_named_semiring_helper.para": {"_semiring_contract": "Ident"},
    "B4b_para_named_zip.para": {"zip": "Ident"},
    "B4c_para_named_range.para": {"range": "Ident"},
    "B4d_lambda_var_named_helper.para": {"_semiring_contract": "a"},
    "B4e_hyper_named_like_used_para.para": {"Linear": "d"},
    "B5_underscore_clobbered_by_fold.para": {"_": "h0"},
    "C1_class_collision_jnp_jnp_.para": {"jnp": "Two", "jnp_": "Three"},
    "C2_field_collision_prime.para": {"W'": "A", "W_p": "B"},
    "C2b_field_collision_key_key_.para": {"key": "A", "key_": "B"},
    "C2c_field_collision_class_class_.para": {"class": "A", "class_": "B"},
    "C3_use_named_forward_wrong_output.para": {"forward": "a"},
    "C4_underscore_clobbered_by_unfold.para": {"_": "h0"},
}
#: Where a name is both a parameter and a case, only the parameter is renamed: by hand.
TWIN_TEXTS: dict[str, tuple[str, str]] = {
    "B3c_param_named_like_case.para": ("params nil : [d] ~ zeros\n  | nil => nil",
                                       "params h0 : [d] ~ zeros\n  | nil => h0"),
    "B3d_param_named_combine.para": ("params combine : [d] ~ ones\n  | unit => for e. 0.0\n  | lift(x) => x * combine",
                                     "params c : [d] ~ ones\n  | unit => for e. 0.0\n  | lift(x) => x * c"),
}
#: The stdlib's Linear in the twin of B4e keeps its name; only the hyperparameter changes.
_KEEP_CALLEE = {"B4e_hyper_named_like_used_para.para": "Linear("}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_']*")


def twin(file: str, text: str) -> str:
    """The reproducer with its offending names replaced, token by token, by plain ones."""
    if file in TWIN_TEXTS:
        old, new = TWIN_TEXTS[file]
        assert old in text
        return text.replace(old, new)
    names = TWIN_NAMES[file]
    keep = _KEEP_CALLEE.get(file)

    def rename(m: re.Match) -> str:
        if keep and text.startswith(keep, m.start()):
            return m.group(0)
        return names.get(m.group(0), m.group(0))

    return _NAME.sub(rename, text)


def _value(t: Type, env: dict[str, int], key):
    """A random input of type `t`: normal floats, small integers (valid node indices)."""
    if isinstance(t, TupleType):
        return tuple(_value(i, env, k) for i, k in zip(t.items, jax.random.split(key, max(len(t.items), 1))))
    assert isinstance(t, TensorType)
    shape = tuple(a.size.evaluate(env) if isinstance(a, FixedAxis) else env[a.name] for a in t.axes)
    if t.dtype.startswith(("i", "u")):
        return jnp.zeros(shape, jnp.int32)
    return jax.random.normal(key, shape)


def run(text: str, file: str):
    """The last para of the file, built, given random leaves and applied to a random input,
    and the number of fields of each module in it."""
    program = api.check_text(text, file)
    module = api.load_program(program)
    p = [q for q in program.paras if q.file == program.file][-1]
    env: dict[str, int] = {h.name: 3 + i for i, h in enumerate(p.hypers)}
    env |= {n: 5 + i for i, (n, _) in enumerate(p.index_sets)}
    m = api.para_class(module, program, p)(*(env[h.name] for h in p.hypers), key=jax.random.key(0))
    # Two names made one would be one field and one leaf fewer: the structure is compared too.
    structure = [len(type(n).__dataclass_fields__) for n in jax.tree.leaves(m, is_leaf=_is_module)]
    m = randomise(m, jax.random.key(1))
    return m(_value(p.type.dom, env, jax.random.key(2))), structure


def _is_module(x) -> bool:
    return isinstance(x, eqx.Module)


@pytest.mark.parametrize("file", sorted({*TWIN_NAMES, *TWIN_TEXTS}))
def test_reviewed_program_computes_as_its_plain_twin(file):
    text = (REVIEW / file).read_text(encoding="utf-8")
    plain_text = twin(file, text)
    assert plain_text != text
    (got, fields), (want, twin_fields) = run(text, file), run(plain_text, "twin_" + file)
    assert fields == twin_fields
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want), strict=True):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def _fields(text: str, name: str) -> list[str]:
    program = api.check_text(text)
    module = api.load_program(program)
    cls = api.para_class(module, program, program.get(name))
    return list(cls.__dataclass_fields__)


@pytest.mark.parametrize("names, fields", [
    (("W'", "W_p"), ["W_p_", "W_p"]),
    (("key", "key_"), ["key_", "key__"]),
    (("class", "class_"), ["class_", "class__"]),
    (("__W", "forward"), ["_u_W_", "forward_"]),
])
def test_fields_are_named_as_the_reference_says(names, fields):
    params = ", ".join(f"{n} : [d] ~ zeros" for n in names)
    text = f"para P(d: Nat) : [d] -> [d]\n  params {params}\n  = x => x\n"
    assert _fields(text, "P")[:len(names)] == fields


def test_a_case_named_like_a_param_is_its_method_spelled_out():
    from paradsl.names import case_methods

    program = api.check_file(REVIEW / "B3c_param_named_like_case.para")
    cell = program.get("Cell")
    assert case_methods(cell) == {"nil": "nil_", "cons": "cons"}
    module = api.load_program(program)
    m = api.para_class(module, program, cell)(3, key=jax.random.key(0))
    assert m.nil.shape == (3,) and m.nil_().shape == (3,)


def test_a_hyperparameter_named_like_a_used_class_keeps_its_field():
    program = api.check_file(REVIEW / "B4e_hyper_named_like_used_para.para")
    module = api.load_program(program)
    m = module.P(4, key=jax.random.key(0))
    assert m.Linear == 4 and m.l.W.shape == (4, 4)
    assert "def __init__(self, Linear_: int" in api.compile_program(program)


def test_the_monoid_laws_find_a_renamed_combine():
    from paradsl.analysis.laws import program_laws

    results = program_laws(api.check_file(REVIEW / "B3d_param_named_combine.para"), "M")
    assert results and all(r.ok for r in results), results


#: Names of the module's runtime helpers, written so that the old scheme made two one.
HELPER_TWINS = """
para fold_tree (n : set) : [n] -> [n] = x => x * 2.0
para fold_tree_ (n : set) : [n] -> [n] = x => x * 3.0
para Use (n : set) : [n] -> [n] uses a : fold_tree, b : fold_tree_ = x => a(x) - b(x)
"""


def test_paras_named_like_a_runtime_helper_stay_apart():
    x = jnp.arange(4.0)
    program = api.check_text(HELPER_TWINS)
    m = api.load_program(program).Use()
    np.testing.assert_allclose(np.asarray(m(x)), -np.asarray(x))


# ---------------------------------------------------------------------- the scheme itself


@pytest.mark.parametrize("name, py", [
    ("W", "W"), ("Linear", "Linear"), ("h_0", "h_0"), ("_x", "_x"), ("W'", "W_p_"), ("d''", "d_p_p_"),
    ("h_0'", "h_0_p_"), ("W_p'", "W_up_p_"), ("key", "key_"), ("key_", "key__"), ("_", "_u_"),
    ("__W", "_u_W_"), ("__init__", "_u_init___"), ("class", "class_"), ("zip", "zip_"), ("jnp_", "jnp__"),
    ("fold_tree", "fold_tree_"), ("forward", "forward_"),
])
def test_ident_keeps_plain_names_and_spells_out_the_rest(name, py):
    from paradsl.names import ident, plain, spelled, unspelled

    assert ident(name) == py
    assert plain(name) == (py == name)
    if not plain(name):
        assert unspelled(py) == name == unspelled(spelled(name))


def test_reserved_names_are_never_an_ident():
    from paradsl.names import RESERVED, ident

    assert {"jax", "jnp", "eqx", "self", "key", "keys", "untie", "forward", "zip", "range", "tuple"} <= RESERVED
    assert not {ident(n) for n in RESERVED} & RESERVED



def test_a_class_of_another_file_is_prefixed_by_a_name_made_of_its_file(tmp_path):
    """A para of `my-layers.para` whose name the file's own classes take is prefixed by the
    file's stem as a name (`my_layers_Scale`), not by the stem as it is, which is none."""
    (tmp_path / "my-layers.para").write_text(
        "para Scale(d: Nat) : [d] -> [d] = x => x * 2.0\n"
        "para jnp(d: Nat) : [d] -> [d] = x => x * 5.0\n"
        "para Twice(d: Nat) : [d] -> [d] uses s : Scale(d), j : jnp(d) = x => s(x) + j(x)\n", encoding="utf-8")
    (tmp_path / "main.para").write_text(
        'import "my-layers.para"\n'
        "para Scale(d: Nat) : [d] -> [d] = x => x * 3.0\n"
        "para jnp(d: Nat) : [d] -> [d] = x => x\n"
        "para Top(d: Nat) : [d] -> [d] uses a : Scale(d), b : jnp(d), t : Twice(d) = x => a(x) + b(x) + t(x)\n",
        encoding="utf-8")
    module = api.load_program(api.check_file(tmp_path / "main.para"))
    assert module.__all__ == ["Scale", "jnp_", "my_layers_Scale", "my_layers_jnp", "Twice", "Top"]
    np.testing.assert_allclose(np.asarray(module.Top(3)(jnp.ones(3))), [11.0] * 3)
