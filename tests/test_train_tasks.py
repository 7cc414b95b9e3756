"""The built-in tasks against independent references (Python's integers, networkx's Dijkstra,
`sorted`), their determinism in (seed, stream, step), their sizes, dtypes and shapes; and
`resolve`, which finds a task's function, a user's included."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paradsl.train import tasks
from paradsl.train.tasks import TaskArgumentError, TaskImportError, batch_rng, resolve

from conftest import EXAMPLES, ROOT

#: Each built-in with small arguments, the dtypes of its (inputs, targets) and their shapes,
#: given the batch b and the size drawn s (a digit count, a node count or a length).
TABLE = {
    "addition": (dict(min_digits=1, max_digits=5), ("int32", "int32"),
                 lambda b, s: ((b, s + 1, 2), (b, s + 1))),
    "multiplication": (dict(min_digits=1, max_digits=4), ("int32", "int32"),
                       lambda b, s: ((b, 2 * s, 2), (b, 2 * s))),
    "shortest_paths": (dict(min_nodes=2, max_nodes=7, p_min=0.2, p_max=0.8),
                       (("float32", "float32"), ("float32", "int32")),
                       lambda b, s: (((b, s), (b, s, s)), ((b, s), (b, s)))),
    "second_minimum": (dict(min_size=2, max_size=9, vocab=5), ("int32", "int32"),
                       lambda b, s: ((b, s), (b,))),
    "copy": (dict(vocab=7, min_len=1, max_len=6), ("int32", "int32"), lambda b, s: ((b, s), (b, s))),
    "reverse": (dict(vocab=7, min_len=1, max_len=6), ("int32", "int32"), lambda b, s: ((b, s), (b, s))),
    "sort": (dict(vocab=7, min_len=1, max_len=6), ("int32", "int32"), lambda b, s: ((b, s), (b, s))),
    "all_pairs_shortest_paths": (dict(min_nodes=2, max_nodes=7, p_min=0.2, p_max=0.8),
                                 ("float32", ("float32", "int32")),
                                 lambda b, s: ((b, s, s), ((b, s, s), (b, s, s)))),
}


def _size(name: str, inputs) -> int:
    """The size a batch of task `name` was drawn at, read off its inputs."""
    x = inputs[0] if isinstance(inputs, tuple) else inputs
    if name == "addition":
        return x.shape[1] - 1
    if name == "multiplication":
        return x.shape[1] // 2
    return x.shape[1]


def _range(name: str) -> range:
    args = TABLE[name][0]
    low, high = [v for k, v in args.items() if k.startswith(("min_", "max_"))]
    return range(low, high + 1)


def _leaves(tree) -> list[np.ndarray]:
    return [a for t in tree for a in _leaves(t)] if isinstance(tree, tuple) else [tree]


def _structure(tree, leaf):
    return tuple(_structure(t, leaf) for t in tree) if isinstance(tree, tuple) else leaf(tree)


def _number(digits) -> int:
    """The integer whose decimal digits, least significant first, are `digits`."""
    return sum(int(d) * 10**i for i, d in enumerate(digits))


# ---------------------------------------------------------------------- the generator


def test_batch_rng_is_numpys_generator_of_the_three_numbers():
    a, b = batch_rng(3, 1, 17), np.random.default_rng([3, 1, 17])
    assert np.array_equal(a.integers(0, 1000, 50), b.integers(0, 1000, 50))


@pytest.mark.parametrize("name", sorted(TABLE))
def test_a_batch_is_a_function_of_seed_stream_and_step(name: str):
    args = TABLE[name][0]
    fn = tasks.BUILTINS[name]
    once = _leaves(fn(batch_rng(5, 2, 9), 6, **args))
    again = _leaves(fn(batch_rng(5, 2, 9), 6, **args))
    assert all(np.array_equal(x, y) for x, y in zip(once, again, strict=True))
    for other in [(6, 2, 9), (5, 3, 9), (5, 2, 10)]:
        drawn = _leaves(fn(batch_rng(*other), 6, **args))
        differs = [x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(once, drawn, strict=True)]
        assert any(differs), other


# ---------------------------------------------------------------------- shapes, dtypes, sizes


@pytest.mark.parametrize("name", sorted(TABLE))
def test_dtypes_and_shapes_are_as_declared(name: str):
    args, dtypes, shapes = TABLE[name]
    for step in range(5):
        inputs, targets = tasks.BUILTINS[name](batch_rng(0, 0, step), 4, **args)
        size = _size(name, inputs)
        assert _structure((inputs, targets), lambda a: str(a.dtype)) == dtypes
        assert _structure((inputs, targets), lambda a: a.shape) == shapes(4, size)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_sizes_are_drawn_within_their_range_and_cover_it(name: str):
    drawn = {_size(name, tasks.BUILTINS[name](batch_rng(1, 0, step), 2, **TABLE[name][0])[0])
             for step in range(200)}
    assert drawn == set(_range(name))


def test_a_range_of_one_size_gives_that_size():
    for step in range(10):
        x, _ = tasks.addition(batch_rng(0, 0, step), 3, min_digits=12, max_digits=12)
        assert x.shape == (3, 13, 2)


@pytest.mark.parametrize(("name", "args", "words"), [
    ("addition", dict(min_digits=0, max_digits=3), "min_digits is 0"),
    ("multiplication", dict(min_digits=4, max_digits=3), "max_digits is 3, less than min_digits = 4"),
    ("second_minimum", dict(min_size=1, max_size=3, vocab=4), "min_size is 1; it must be at least 2"),
    ("copy", dict(vocab=0, min_len=1, max_len=3), "vocab is 0"),
    ("shortest_paths", dict(min_nodes=3, max_nodes=3, p_min=0.6, p_max=0.4), "p_min = 0.6 and p_max = 0.4"),
    ("shortest_paths", dict(min_nodes=3, max_nodes=3, p_min=0.5, p_max=1.5), "0 <= p_min <= p_max <= 1"),
])
def test_arguments_no_batch_can_be_drawn_from_are_refused(name: str, args: dict, words: str):
    with pytest.raises(TaskArgumentError, match=re.escape(words)):
        tasks.BUILTINS[name](batch_rng(0, 0, 0), 2, **args)


# ---------------------------------------------------------------------- arithmetic


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(1, 40), extra=st.integers(0, 30))
def test_addition_is_pythons_integer_addition(seed: int, low: int, extra: int):
    x, y = tasks.addition(np.random.default_rng(seed), 5, min_digits=low, max_digits=low + extra)
    digits = x.shape[1] - 1
    assert low <= digits <= low + extra
    assert not x[:, digits].any()  # the carry's position is 0 in both numbers
    for b in range(5):
        assert _number(y[b]) == _number(x[b, :, 0]) + _number(x[b, :, 1])
        assert (0 <= y[b]).all() and (y[b] <= 9).all()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(1, 25), extra=st.integers(0, 15))
def test_multiplication_is_pythons_integer_multiplication(seed: int, low: int, extra: int):
    x, y = tasks.multiplication(np.random.default_rng(seed), 5, min_digits=low, max_digits=low + extra)
    digits = x.shape[1] // 2
    assert not x[:, digits:].any()  # the factors are zero-padded
    for b in range(5):
        assert _number(y[b]) == _number(x[b, :, 0]) * _number(x[b, :, 1])
        assert (0 <= y[b]).all() and (y[b] <= 9).all()


def test_the_digits_are_uniform_and_leading_zeros_allowed():
    x, _ = tasks.addition(batch_rng(0, 0, 0), 2000, min_digits=3, max_digits=3)
    counts = np.bincount(x[:, :3].ravel(), minlength=10)
    assert counts.min() > 0.8 * counts.mean()
    assert (x[:, 2] == 0).any()  # a number of three digits may start with 0


def test_the_carry_runs_into_the_last_position():
    """9 + 9 and 9 * 9 at one digit: their two-digit results need the padding position."""
    assert tasks._carry(np.array([[9 + 9, 0]])).tolist() == [[8, 1]]
    assert tasks._carry(np.array([[81, 0]])).tolist() == [[1, 8]]
    assert tasks._carry(np.array([[9 * 9, 2 * 9 * 9, 9 * 9, 0]])).tolist() == [[1, 0, 8, 9]]  # 99 * 99


# ---------------------------------------------------------------------- shortest paths


def _networkx(w: np.ndarray) -> nx.Graph:
    g = nx.Graph()
    n = w.shape[0]
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((u, v, float(w[u, v])) for u in range(n) for v in range(u + 1, n)
                              if np.isfinite(w[u, v]))
    return g


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(1, 12), extra=st.integers(0, 12),
       p=st.floats(0.0, 1.0), width=st.floats(0.0, 1.0))
def test_shortest_paths_are_networkxs(seed: int, low: int, extra: int, p: float, width: float):
    p_max = min(1.0, p + width)
    (d0, w), (dist, pred) = tasks.shortest_paths(np.random.default_rng(seed), 4, min_nodes=low,
                                                 max_nodes=low + extra, p_min=p, p_max=p_max)
    n = d0.shape[1]
    for b in range(4):
        (s,) = np.flatnonzero(d0[b] == 0)
        assert np.isinf(np.delete(d0[b], s)).all()
        assert np.array_equal(w[b], w[b].T) and np.isinf(np.diag(w[b])).all()
        finite = w[b][np.isfinite(w[b])]
        assert ((0 <= finite) & (finite < 1)).all()
        reference = nx.single_source_dijkstra_path_length(_networkx(w[b]), int(s))
        for v in range(n):
            if v in reference:
                assert dist[b, v] == pytest.approx(reference[v], rel=1e-5, abs=1e-6)
            else:
                assert np.isinf(dist[b, v]) and pred[b, v] == v
        assert pred[b, s] == s and dist[b, s] == 0
        for v in range(n):
            if v != s and np.isfinite(dist[b, v]):
                u = pred[b, v]
                assert u != v and dist[b, u] + w[b, u, v] == dist[b, v]  # exactly, in float32


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(1, 12), extra=st.integers(0, 12),
       p=st.floats(0.0, 1.0), width=st.floats(0.0, 1.0))
def test_all_pairs_shortest_paths_are_scipys(seed: int, low: int, extra: int, p: float, width: float):
    """Distances and predecessors against scipy's Dijkstra from every node (its -9999, "no
    predecessor", is i on the diagonal and j where j is unreachable); every pointer is the last
    edge of a shortest path, exactly in float32."""
    from scipy.sparse.csgraph import shortest_path

    w, (dist, pred) = tasks.all_pairs_shortest_paths(np.random.default_rng(seed), 3, min_nodes=low,
                                                     max_nodes=low + extra, p_min=p, p_max=min(1.0, p + width))
    n = w.shape[1]
    for b in range(3):
        assert np.array_equal(w[b], w[b].T) and np.isinf(np.diag(w[b])).all()
        dense = np.where(np.isfinite(w[b]), w[b], 0.0).astype(np.float64)  # 0: no edge, for scipy
        reference, previous = shortest_path(dense, method="D", directed=True, return_predecessors=True)
        np.testing.assert_allclose(dist[b], reference, rtol=1e-5, atol=1e-6)
        assert np.array_equal(np.isinf(dist[b]), np.isinf(reference))
        own = np.where(np.isinf(reference), np.arange(n)[None, :], np.arange(n)[:, None])
        unique = np.where(previous < 0, own, previous)
        for i in range(n):
            for j in range(n):
                u = pred[b, i, j]
                if i == j or np.isinf(dist[b, i, j]):
                    assert u == unique[i, j]
                else:
                    assert u != j and dist[b, i, u] + w[b, u, j] == dist[b, i, j]


def test_each_graph_draws_its_own_edge_probability():
    (_, w), _ = tasks.shortest_paths(batch_rng(0, 0, 0), 64, min_nodes=40, max_nodes=40, p_min=0.1, p_max=0.9)
    density = np.isfinite(w).sum(axis=(1, 2)) / (40 * 39)
    assert 0.05 < density.min() < 0.25 and 0.75 < density.max() < 0.95
    assert len(np.unique(np.round(density, 3))) > 30


@pytest.mark.parametrize(("p", "edges"), [(0.0, 0), (1.0, 6 * 5)])
def test_probabilities_zero_and_one_give_empty_and_complete_graphs(p: float, edges: int):
    (_, w), (dist, pred) = tasks.shortest_paths(batch_rng(0, 0, 0), 3, min_nodes=6, max_nodes=6, p_min=p, p_max=p)
    assert (np.isfinite(w).sum(axis=(1, 2)) == edges).all()
    if edges == 0:
        assert (np.isinf(dist).sum(axis=1) == 5).all() and np.array_equal(pred, np.tile(np.arange(6), (3, 1)))
    else:
        assert np.isfinite(dist).all()


def test_the_sources_are_uniform():
    (d0, _), _ = tasks.shortest_paths(batch_rng(0, 0, 0), 4000, min_nodes=4, max_nodes=4, p_min=0.5, p_max=0.5)
    counts = np.bincount(np.argmin(d0, axis=1), minlength=4)
    assert counts.min() > 900


# ---------------------------------------------------------------------- sequences


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(2, 10), extra=st.integers(0, 10), vocab=st.integers(1, 6))
def test_second_minimum_is_sorted_one(seed: int, low: int, extra: int, vocab: int):
    x, y = tasks.second_minimum(np.random.default_rng(seed), 6, min_size=low, max_size=low + extra, vocab=vocab)
    assert ((0 <= x) & (x < vocab)).all()
    assert [int(t) for t in y] == [sorted(int(v) for v in row)[1] for row in x]


def test_second_minimum_is_the_minimum_where_it_repeats():
    x, y = tasks.second_minimum(batch_rng(0, 0, 0), 500, min_size=6, max_size=6, vocab=3)
    repeated = [(row == row.min()).sum() > 1 for row in x]
    assert any(repeated) and not all(repeated)
    assert all(y[b] == x[b].min() for b in range(500) if repeated[b])
    assert all(y[b] > x[b].min() for b in range(500) if not repeated[b])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), low=st.integers(1, 10), extra=st.integers(0, 10), vocab=st.integers(1, 12))
def test_copy_reverse_and_sort_are_pythons(seed: int, low: int, extra: int, vocab: int):
    args = dict(vocab=vocab, min_len=low, max_len=low + extra)
    for fn, reference in [(tasks.copy, list), (tasks.reverse, lambda r: list(reversed(r))), (tasks.sort, sorted)]:
        x, y = fn(np.random.default_rng(seed), 5, **args)
        assert ((0 <= x) & (x < vocab)).all()
        assert [list(map(int, r)) for r in y] == [reference(list(map(int, r))) for r in x]


def test_tokens_are_uniform_over_the_vocabulary():
    x, _ = tasks.copy(batch_rng(0, 0, 0), 1000, vocab=7, min_len=5, max_len=5)
    counts = np.bincount(x.ravel(), minlength=7)
    assert len(counts) == 7 and counts.min() > 0.85 * counts.mean()


# ---------------------------------------------------------------------- resolve


@pytest.mark.parametrize("name", sorted(TABLE))
def test_builtins_resolve_by_their_stdlib_names(name: str, tmp_path: Path):
    assert resolve(f"paradsl.train.tasks:{name}", tmp_path) is getattr(tasks, name)


def test_the_builtins_are_the_functions_of_the_same_name():
    assert all(getattr(tasks, name) is fn for name, fn in tasks.BUILTINS.items())


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("target", "files", "reason"), [
    ("nocolon", {}, "'nocolon' is not of the form module:function"),
    ("a:b:c", {}, "is not of the form module:function"),
    (":f", {}, "is not of the form"),
    ("paradsl.train.tasks:division", {}, "there is no built-in task 'division'"),
    ("no_such_task_module:f", {}, "no module named 'no_such_task_module' in"),
    ("mine:missing", {"mine.py": "def present(rng, batch):\n    pass\n"}, "module 'mine' has no attribute 'missing'"),
    ("mine:value", {"mine.py": "value = 3\n"}, "'mine:value' is a int, not a function"),
    ("mine:f", {"mine.py": "def f(:\n"}, "'mine' has a syntax error at line 1"),
    ("mine:f", {"mine.py": "raise RuntimeError('no data here')\n"}, "raised RuntimeError: no data here"),
    ("mine:f", {"mine.py": "import not_installed_anywhere\n"}, "No module named 'not_installed_anywhere'"),
])
def test_what_cannot_be_resolved_says_why(target: str, files: dict, reason: str, tmp_path: Path):
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(TaskImportError, match=re.escape(reason)):
        resolve(target, tmp_path)
    assert str(tmp_path) not in sys.path
    sys.modules.pop("mine", None)


def test_a_user_task_is_imported_from_the_para_files_folder(tmp_path: Path):
    _write(tmp_path, "pkg/__init__.py", "")
    _write(tmp_path, "pkg/gen.py", "class Tasks:\n    @staticmethod\n    def ones(rng, batch, *, n):\n"
                                   "        return [1] * n, batch\n")
    try:
        fn = resolve("pkg.gen:Tasks.ones", tmp_path)
        assert fn(None, 2, n=3) == ([1, 1, 1], 2)
        assert str(tmp_path) not in sys.path
    finally:
        for m in ("pkg", "pkg.gen"):
            sys.modules.pop(m, None)


def test_the_folder_comes_before_a_module_of_the_same_name_imported_earlier(tmp_path: Path):
    """Two .para files in two folders, each beside its own `gen.py`: each gets its own."""
    for which in ("one", "two"):
        _write(tmp_path / which, "gen.py", f"def task(rng, batch):\n    return {which!r}\n")
    try:
        assert resolve("gen:task", tmp_path / "one")(None, 1) == "one"
        assert resolve("gen:task", tmp_path / "two")(None, 1) == "two"
        assert resolve("gen:task", tmp_path / "two")(None, 1) == "two"
    finally:
        sys.modules.pop("gen", None)


# ---------------------------------------------------------------------- the documented user task

PARITY = EXAMPLES / "tasks" / "parity.py"
DOCS = ROOT / "docs" / "tasks.md"


def test_the_example_user_task_resolves_and_keeps_the_protocol():
    target = re.search(r'= "(parity:\w+)"', DOCS.read_text(encoding="utf-8")).group(1)
    try:
        generate = resolve(target, PARITY.parent)
        for step in range(30):
            x, y = generate(batch_rng(0, 0, step), 8, min_len=2, max_len=5)
            assert x.dtype == np.int32 and y.dtype == np.int32
            assert x.shape[0] == 8 and 2 <= x.shape[1] <= 5 and y.shape == (8,)
            assert [int(t) for t in y] == [sum(map(int, row)) % 2 for row in x]
        x1, _ = generate(batch_rng(4, 0, 1), 8, min_len=2, max_len=5)
        x2, _ = generate(batch_rng(4, 0, 1), 8, min_len=2, max_len=5)
        assert np.array_equal(x1, x2)
    finally:
        sys.modules.pop("parity", None)


def test_the_docs_show_the_example_task_as_it_is():
    assert PARITY.read_text(encoding="utf-8").strip() in DOCS.read_text(encoding="utf-8")


def test_the_docs_list_every_builtin_task():
    text = DOCS.read_text(encoding="utf-8")
    for name in tasks.BUILTINS:
        title = "".join(part.title() for part in name.split("_"))
        assert f"## {title}" in text and f'"paradsl.train.tasks:{name}"' in text


DECLARATION = re.compile(r'^task (\w+)\(([^)]*)\).*?= "([\w.]+:\w+)"', re.DOTALL | re.MULTILINE)


def test_each_documented_declaration_names_its_functions_arguments_in_order():
    """The declarations docs/tasks.md shows (those of stdlib/tasks.para) bind functions whose
    keyword-only parameters are the declared arguments, in order."""
    import inspect

    found = DECLARATION.findall(DOCS.read_text(encoding="utf-8"))
    assert {target for _, _, target in found} >= {f"paradsl.train.tasks:{n}" for n in tasks.BUILTINS}
    for name, arguments, target in found:
        declared = [a.split(":")[0].strip() for a in arguments.split(",")]
        fn = resolve(target, PARITY.parent)
        params = [p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY]
        assert params == declared, name
    sys.modules.pop("parity", None)


# ---------------------------------------------------------------------- cost


def test_importing_the_package_imports_neither_numpy_nor_jax():
    code = ("import sys, paradsl.train\n"
            "assert 'numpy' not in sys.modules and 'jax' not in sys.modules, sorted(sys.modules)\n"
            "assert callable(paradsl.train.resolve) and 'jax' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_large_graphs_are_settled_in_n_steps_of_the_whole_batch():
    """Dense Dijkstra over the batch at once: 512 nodes for 16 graphs stay well under a second
    of work per graph; a per-node Python loop over graphs would not."""
    import time

    start = time.perf_counter()
    (_, w), (dist, pred) = tasks.shortest_paths(batch_rng(0, 0, 0), 16, min_nodes=512, max_nodes=512,
                                                p_min=0.5, p_max=0.5)
    assert time.perf_counter() - start < 30
    assert np.isfinite(dist).all()
    b, v = 3, int(np.argmax(dist[3]))
    assert dist[b, pred[b, v]] + w[b, pred[b, v], v] == dist[b, v]
    assert math.isclose(float(dist[b, v]), nx.single_source_dijkstra_path_length(
        _networkx(w[b]), int(np.argmin(dist[b])))[v], rel_tol=1e-5)
