"""`para ir FILE [NAME]`: the typed IR of a file or one para, with `para check`'s diagnostics
and exit codes."""

from __future__ import annotations

import pytest

import paradsl
from paradsl import ir
from paradsl.cli import main

from conftest import EXAMPLES, STDLIB


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_ir_of_a_file_is_its_whole_program(capsys):
    status, out, err = run(capsys, "ir", str(EXAMPLES / "tying.para"))
    assert status == 0, err
    program = next(iter(paradsl.check_paths([EXAMPLES / "tying.para"]).programs.values()))
    assert out == ir.format_program(program)
    assert "para TiedAutoencoder(d: Nat, k: Nat) : f32[d] -> f32[d]\n" in out


def test_ir_of_one_para(capsys):
    status, out, _ = run(capsys, "ir", str(EXAMPLES / "tying.para"), "TiedAutoencoder")
    assert status == 0
    assert out == ("para TiedAutoencoder(d: Nat, k: Nat) : f32[d] -> f32[d]\n"
                   "  use enc : Linear(d, k)\n"
                   "  use dec : Linear(k, d)\n"
                   "  tie dec.W = transpose(enc.W)\n"
                   "  = enc >> tanh >> dec\n")


def test_ir_of_an_imported_para_the_file_does_not_use(capsys, tmp_path):
    p = tmp_path / "uses_nothing.para"
    p.write_text("import attention\npara Id(d: Nat) : [d] -> [d] = x => x\n")
    status, out, err = run(capsys, "ir", str(p), "DotProductAttention")
    assert status == 0, err
    assert out.startswith("para DotProductAttention(k: Nat, v: Nat) (n: set, m: set) : ")


def test_an_unknown_name_is_an_error_listing_the_names(capsys):
    status, out, err = run(capsys, "ir", str(STDLIB / "reparam.para"), "Transpose")
    assert status == 1 and out == ""
    assert err.startswith("para: error: no para named 'Transpose' in ")
    assert "Transposed, LowRank, Symmetric, Circulant, SetEquivariant" in err


def test_an_error_in_the_program_exits_1_with_its_diagnostics(capsys, tmp_path):
    p = tmp_path / "bad.para"
    p.write_text("para Broken(d: Nat) : [d] -> [d]\n  = x => x + y_unknown\n")
    status, out, err = run(capsys, "ir", str(p))
    assert status == 1 and out == ""
    assert "bad.para:2:" in err and "y_unknown" in err and "1 error" in err


def test_usage_errors_exit_2(capsys, tmp_path):
    status, _, err = run(capsys, "ir", str(tmp_path / "missing.para"))
    assert status == 2 and "para: error: no such file:" in err
    with pytest.raises(SystemExit) as e:
        main(["ir"])
    assert e.value.code == 2
    assert "para: error:" in capsys.readouterr().err
