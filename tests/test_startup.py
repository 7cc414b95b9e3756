"""Start-up: what a fresh interpreter has imported after `import paradsl` and after the
commands that only check.

`import paradsl` imports the package and its version only; the public names come on first
use. `para --version` reads no grammar; `para check`, `para params` and `para cost` import
no jax, nor anything else that only compiling or running a model needs. Which modules are
loaded does not depend on how busy the machine is, so it is tested here; how long start-up
takes is measured by `benchmarks/bench_startup.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT

#: What compiling and running need and checking does not: JAX and its kin, and the emitter's
#: formatter.
HEAVY = ("jax", "jaxlib", "equinox", "jaxtyping", "beartype", "black", "numpy", "scipy", "optax")
MLP = str(EXAMPLES / "mlp.para")


def _loaded_after(code: str) -> set[str]:
    """The top-level names of the modules in `sys.modules` after running `code` in a fresh
    interpreter (from the repository root, its standard output discarded)."""
    script = (f"import contextlib, io, json, sys\n"
              f"with contextlib.redirect_stdout(io.StringIO()):\n"
              f"    exec({code!r})\n"
              f"print(json.dumps(sorted(sys.modules)))\n")
    r = subprocess.run([sys.executable, "-c", script], check=False, cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_import_paradsl_imports_only_the_package_and_its_version():
    loaded = _loaded_after("import paradsl")
    assert sorted(m for m in loaded if m.startswith("paradsl")) == ["paradsl", "paradsl._version"]
    assert not _heavy(loaded) and "lark" not in loaded


def test_version_reads_no_grammar_and_builds_no_checker():
    loaded = _loaded_after("import paradsl.cli\n"
                           "try:\n    paradsl.cli.main(['--version'])\nexcept SystemExit:\n    pass\n")
    assert not _heavy(loaded)
    assert not {"lark", "paradsl.driver", "paradsl.check", "paradsl.syntax"} & loaded


@pytest.mark.parametrize("argv", [["check", MLP], ["params", MLP, "Classifier", "d_in=4"],
                                  ["cost", MLP, "Classifier"]], ids=["check", "params", "cost"])
def test_commands_that_only_check_import_no_jax(argv):
    loaded = _loaded_after(f"import paradsl.cli\nassert paradsl.cli.main({argv!r}) == 0\n")
    assert "paradsl.check" in loaded  # the command did check the file
    assert not _heavy(loaded), f"para {argv[0]} imports {_heavy(loaded)}"
    assert not any(m == "paradsl.lower" or m.startswith(("paradsl.lower.", "paradsl.emit", "paradsl.runtime"))
                   for m in loaded)


def test_check_paths_imports_no_jax():
    loaded = _loaded_after(f"import paradsl\nassert paradsl.check_paths([{MLP!r}]).ok\n")
    assert not _heavy(loaded)


def test_checking_a_file_of_models_does_not_import_the_experiment_checker():
    """The checker of tasks and experiments and its tables are for files that declare one;
    the REPL's first prompt and `para check` of a file of paras go without them."""
    experiments = {"paradsl.check.experiments", "paradsl.check.tasks", "paradsl.catalogue"}
    assert not experiments & _loaded_after(f"import paradsl\nassert paradsl.check_paths([{MLP!r}]).ok\n")
    addition = str(EXAMPLES / "addition.para")
    assert experiments <= _loaded_after(f"import paradsl\nassert paradsl.check_paths([{addition!r}]).ok\n")


def test_loading_a_program_imports_what_it_runs_on():
    """The counterpart of the tests above: the names that compile and build do import jax,
    so a heavy import that moved into the check path would show there."""
    loaded = _loaded_after(f"import paradsl\nparadsl.load({MLP!r})\n")
    assert {"jax", "equinox"} <= set(_heavy(loaded))


def test_every_public_name_is_there_in_a_fresh_interpreter():
    code = ("import paradsl\n"
            "names = list(paradsl.__all__)\n"
            "assert set(names) <= set(dir(paradsl)), set(names) - set(dir(paradsl))\n"
            "ns = {}\n"
            "exec('from paradsl import *', ns)\n"
            "assert all(n in ns for n in names)\n"
            "assert all(getattr(paradsl, n) is ns[n] for n in names)\n"
            "assert callable(paradsl.cost) and callable(paradsl.params) and callable(paradsl.load)\n"
            "assert issubclass(paradsl.ParaError, Exception)\n"
            "assert paradsl.check_laws.__module__ == 'paradsl.analysis.laws'\n")
    _loaded_after(code)


def test_an_unknown_name_is_an_attribute_error():
    import paradsl

    with pytest.raises(AttributeError, match="no_such_name"):
        paradsl.no_such_name  # noqa: B018
    assert not hasattr(paradsl, "no_such_name")


def test_collecting_tests_that_need_no_jax_imports_none():
    """The shared fixtures import jax when first used, and pytest leaves hypothesis's own
    modules unrewritten (tests/conftest.py), so collection costs what the tests import."""
    code = ("import pytest\n"
            "assert pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', 'tests/test_sizes.py']) == 0\n"
            "import hypothesis.core\n"
            "assert type(hypothesis.core.__loader__).__name__ != 'AssertionRewritingHook'\n")
    loaded = _loaded_after(code)
    assert "paradsl.types.sizes" in loaded and "hypothesis" in loaded  # the file was collected
    assert not {"jax", "equinox"} & loaded
