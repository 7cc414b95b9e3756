"""Source files, imports and the command line: what a user or a hostile program can hand the
checker becomes a located diagnostic or a `para: error:` line, never a traceback.

The reviewed reproducers are kept under `tests/review/`; each test reads its copy there
(copying it to a temporary folder where it needs neighbours, links or a current directory).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import paradsl
from paradsl.cli import main
from paradsl.diagnostics import render
from paradsl.driver import check_paths, check_source

REVIEW = Path(__file__).resolve().parent / "review"
GOOD = "para P(d: Nat) : [d] -> [d] = x => x\n"


def codes(result) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.col) for d in result.diagnostics]


def copy(name: str, where: Path) -> Path:
    shutil.copyfile(REVIEW / name, where / name)
    return where / name


def para(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: any exception it lets out fails the test."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


# ---------------------------------------------------------------------- source text


@pytest.mark.parametrize("name, line, col", [("A1_int_4301_digits.para", 1, 32), ("A1b_size_4301_digits.para", 1, 11)])
def test_an_integer_literal_over_4300_digits_is_e0008(name, line, col):
    result = check_paths([REVIEW / name])
    assert codes(result) == [("E0008", line, col)]
    assert "4301 digits" in result.diagnostics[0].message


def test_an_integer_literal_of_4300_digits_is_read():
    """At the limit the literal is read, so what is said of it is that its value does not fit
    the dtype it is used at, not that it is too long to read."""
    result = check_source("para P : [2] -> [2] = x => x * 1" + "0" * 4299 + "\n", "ok.para")
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [("E0703", 1, 32)]


def test_a_file_that_is_not_utf8_is_e0007_at_its_first_bad_byte(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("latin1.para").write_bytes("para Id(d: Nat) : [d] -> [d]\n  = x => x \xe9 x\n".encode("latin-1"))
    result = check_paths(["latin1.para"])
    assert codes(result) == [("E0007", 2, 12)]
    assert "byte 0xe9" in result.diagnostics[0].message
    assert "2 |   = x => x \ufffd x" in render(result.diagnostics[0], result.sources)


def test_a_file_and_an_import_that_are_not_utf8_are_e0007(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy("A2_not_utf8.para", tmp_path)
    copy("A2b_imports_not_utf8.para", tmp_path)
    assert codes(check_paths(["A2_not_utf8.para"])) == [("E0007", 1, 1)]
    result = check_paths(["A2b_imports_not_utf8.para"])
    assert [(d.code, d.span.file) for d in result.diagnostics] == [("E0007", "A2_not_utf8.para")]


def test_a_utf8_byte_order_mark_is_accepted():
    assert check_paths([REVIEW / "D4_bom.para"]).ok
    assert check_source("\ufeff" + GOOD, "bom.para").ok


@pytest.mark.parametrize("name, line", [("D1_formfeed_wrong_snippet.para", 2),
                                        ("D1b_line_separator_wrong_snippet.para", 3)])
def test_a_snippet_is_the_line_the_position_counts(name, line):
    from paradsl.diagnostics.lines import split_lines

    result = check_paths([REVIEW / name])
    [d] = result.diagnostics
    assert d.span.line == line
    text = (REVIEW / name).read_text(encoding="utf-8")
    shown = render(d, result.sources).splitlines()[2]
    assert shown == f"{line} | {split_lines(text)[line - 1]}"
    assert "x" in shown.split("|", 1)[1]


def test_a_lone_carriage_return_breaks_a_line_in_process_as_on_disk():
    text = (REVIEW / "D1c_lone_cr_inprocess.para").read_bytes().decode("utf-8")
    assert "\r" in text and "\n" not in text.rstrip("\n")
    result = check_source(text, "cr.para")
    [d] = result.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("E0003", 2, 39)
    assert render(d, result.sources).splitlines()[2] == "2 | para P(d: Nat) : [d] -> [d] = x => x +"


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\f\n", "\u2028\n", "\v\n", "\x85\n"])
def test_the_lexer_and_the_renderer_count_lines_alike(brk):
    from paradsl.diagnostics.lines import normalise, split_lines

    text = f"-- one{brk}para P(d: Nat) : [d] -> [d] -- two{brk}  = x => x @@ x -- three{brk}"
    result = check_source(text, "lines.para")
    [d] = result.diagnostics
    line = split_lines(text)[d.span.line - 1]
    assert line[d.span.col - 1] == "@"
    assert render(d, result.sources).splitlines()[2].rstrip().endswith("= x => x @@ x -- three")
    assert normalise(normalise(text)) == normalise(text)


# ---------------------------------------------------------------------- files that are not sources


def test_a_folder_a_device_or_a_pipe_given_as_file_is_e0009(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.para")
    for path in (str(tmp_path), os.devnull, str(tmp_path / "pipe.para")):
        status, _, err = para(capsys, "check", path)
        assert status == 1 and "error[E0009]" in err and "is not a regular file" in err


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux's /proc")
def test_a_file_that_fails_to_read_is_e0009():
    result = check_paths(["/proc/self/mem"])
    assert [d.code for d in result.diagnostics] == ["E0009"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_one_may_not_read_is_e0009(tmp_path):
    path = tmp_path / "secret.para"
    path.write_text(GOOD)
    path.chmod(0)
    assert [d.code for d in check_paths([path]).diagnostics] == ["E0009"]


def test_an_import_through_a_symlink_loop_is_e0009(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy("A4_import_symlink_loop.para", tmp_path)
    os.symlink("A4_loop_b.para", "A4_loop_a.para")
    os.symlink("A4_loop_a.para", "A4_loop_b.para")
    result = check_paths(["A4_import_symlink_loop.para"])
    assert codes(result) == [("E0009", 2, 1)]
    assert "symbolic links" in result.diagnostics[0].message


@pytest.mark.parametrize("name, code", [("A4b_import_nul.para", "E0111"), ("A4c_import_name_too_long.para", "E0111"),
                                        ("A4d_std_import_name_too_long.para", "E0103")])
def test_an_import_no_file_can_be_named_is_a_diagnostic(name, code):
    assert codes(check_paths([REVIEW / name])) == [(code, 1, 1)]


@pytest.mark.parametrize("path, words", [("a\0b.para", "NUL"), ("a" * 300 + ".para", "too long")])
def test_a_para_import_no_file_can_be_named_is_e0009(path, words):
    result = check_source(f'import "{path}"\n' + GOOD, "imports.para")
    assert codes(result) == [("E0009", 1, 1)]
    assert words in result.diagnostics[0].message


def test_an_import_of_a_folder_is_e0009(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("layers.para").mkdir()
    Path("dir.para").write_text('import "layers.para"\n' + GOOD)
    result = check_paths(["dir.para"])
    assert codes(result) == [("E0009", 1, 1)]
    assert result.diagnostics[0].message == "layers.para is not a regular file"


# ---------------------------------------------------------------------- what imports may read


def test_an_import_of_a_file_that_is_not_para_is_refused_unread():
    assert (REVIEW / "../../README.md").is_file()  # the project's own README is what it names
    result = check_paths([REVIEW / "D5_import_any_file_echoes_content.para"])
    assert codes(result) == [("E0111", 1, 1)]
    assert len(result.sources) == 1 and "ParaDSL" not in next(iter(result.sources.values()))


def test_a_para_link_to_another_kind_of_file_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("secret words\n")
    os.symlink("notes.txt", tmp_path / "notes.para")
    (tmp_path / "main.para").write_text('import "notes.para"\n' + GOOD)
    result = check_paths([tmp_path / "main.para"])
    assert [d.code for d in result.diagnostics] == ["E0111"]
    assert not any("secret" in text for text in result.sources.values())


@pytest.fixture
def project(tmp_path, monkeypatch):
    """`proj/model.para` imports `../common.para`, outside its folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARA_PATH", raising=False)
    Path("proj").mkdir()
    Path("common.para").write_text("para Id(d: Nat) : [d] -> [d]\n  = x => x\n")
    Path("proj/model.para").write_text(
        'import "../common.para"\n\npara Twice(d: Nat) : [d] -> [d]\n  uses f : Id(d)\n  = f >> f\n')
    return tmp_path


def test_the_command_line_confines_imports_to_the_project(project, capsys):
    status, _, err = para(capsys, "check", "proj/model.para")
    assert status == 1
    assert "proj/model.para:1:1: error[E0110]: common.para is outside the project folders proj" in err


@pytest.mark.parametrize("argv", [["--path", "."], ["--allow-outside"]])
def test_a_search_folder_or_allow_outside_lets_an_import_out(project, capsys, argv):
    assert para(capsys, "check", "proj/model.para", *argv)[0] == 0
    assert para(capsys, "compile", "proj/model.para", *argv)[0] == 0


def test_para_path_adds_search_folders(project, capsys, monkeypatch):
    monkeypatch.setenv("PARA_PATH", os.pathsep.join(["", str(project)]))
    assert para(capsys, "check", "proj/model.para")[0] == 0


def test_a_link_inside_the_project_does_not_lead_out(project, capsys):
    os.symlink("../common.para", "proj/link.para")
    Path("proj/model.para").write_text('import "link.para"\n' + GOOD)
    status, _, err = para(capsys, "check", "proj/model.para")
    assert status == 1 and "error[E0110]" in err


def test_a_missing_search_folder_is_a_usage_error(project, capsys):
    status, _, err = para(capsys, "check", "proj/model.para", "--path", "nowhere")
    assert status == 2 and err == "para: error: --path nowhere: no such folder\n"


def test_the_python_api_reads_imports_wherever_they_lead(project):
    assert check_paths(["proj/model.para"]).ok


# ---------------------------------------------------------------------- compile -o


def test_compile_refuses_to_overwrite_its_own_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    victim = copy("F1_victim.para", tmp_path)
    before = victim.read_bytes()
    os.symlink(victim.name, "link.py")
    for out in ("F1_victim.para", "link.py", str(victim)):
        status, _, err = para(capsys, "compile", "F1_victim.para", "-o", out)
        assert status == 2 and "is a source of this program" in err
    assert victim.read_bytes() == before


def test_compile_refuses_to_overwrite_an_imported_source(project, capsys):
    status, _, err = para(capsys, "compile", "proj/model.para", "--path", ".", "-o", "common.para")
    assert status == 2 and err == (
        "para: error: common.para is a source of this program; writing the module there would overwrite it\n")


@pytest.mark.parametrize("out, text", [("", "-o needs a file name"), (".", "cannot write .: it is a folder"),
                                       ("nowhere/m.py", "cannot write nowhere/m.py: there is no folder nowhere")])
def test_compile_output_that_cannot_be_written_is_a_usage_error(tmp_path, monkeypatch, capsys, out, text):
    monkeypatch.chdir(tmp_path)
    Path("m.para").write_text(GOOD)
    status, _, err = para(capsys, "compile", "m.para", "-o", out)
    assert status == 2 and err == f"para: error: {text}\n"


def test_compile_writes_atomically(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("m.para").write_text(GOOD)
    Path("m.py").write_text("old\n")
    Path("m.py").chmod(0o640)
    assert para(capsys, "compile", "m.para", "-o", "m.py")[0] == 0
    assert "class P" in Path("m.py").read_text() and Path("m.py").stat().st_mode & 0o777 == 0o640
    assert sorted(os.listdir()) == ["m.para", "m.py"]

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    Path("m.py").write_text("old\n")
    monkeypatch.setattr(os, "replace", fail)
    status, _, err = para(capsys, "compile", "m.para", "-o", "m.py")
    assert status == 2 and err == "para: error: cannot write m.py: No space left on device\n"
    assert Path("m.py").read_text() == "old\n" and sorted(os.listdir()) == ["m.para", "m.py"]


# ---------------------------------------------------------------------- sizes and analyses


@pytest.fixture
def good(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("m.para").write_text("para L(d: Nat, k: Int) : [d] -> [d]\n  params W : [d, d] ~ glorot\n  = x => W @ x\n")
    return tmp_path


@pytest.mark.parametrize("command", ["params", "cost"])
@pytest.mark.parametrize("size, text", [
    ("d=-1", "d is a size or a Nat, at least 0; got -1"),
    ("e=3", "'e' is not a size of L; its sizes are: d, k"),
    ("d=1.5", "a size is NAME=INTEGER, got 'd=1.5'"),
    ("d=1_000", "a size is NAME=INTEGER, got 'd=1_000'"),
    ("d=" + "9" * 4000, "the value given for d (4000 digits) is too large; a size is below 2**63"),
    ("d=9223372036854775808", "the value given for d (19 digits) is too large; a size is below 2**63"),
])
def test_sizes_are_validated(good, capsys, command, size, text):
    status, out, err = para(capsys, command, "m.para", "L", size)
    assert status == 2 and err == f"para: error: {text}\n" and out == ""


def test_an_int_hyperparameter_may_be_negative(good, capsys):
    assert para(capsys, "params", "m.para", "L", "d=2", "k=-3")[0] == 0


def test_laws_validate_sizes_against_the_files_paras(good, capsys):
    status, _, err = para(capsys, "laws", "m.para", "--size", "n=3")
    assert status == 2 and err == "para: error: 'n' is not a size of m.para; its sizes are: d, k\n"
    status, _, err = para(capsys, "laws", "m.para", "--size", "d=-2")
    assert status == 2 and "at least 0" in err


def test_laws_report_what_the_module_raises(good, capsys, monkeypatch):
    import paradsl.analysis.laws as laws

    def boom(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(laws, "program_laws", boom)
    status, _, err = para(capsys, "laws", "m.para")
    assert status == 1 and err == (
        "para: error: the compiled module raised ZeroDivisionError while its laws were checked: float division by zero\n")


def test_laws_at_a_zero_fan_never_show_a_traceback(good, capsys):
    status, _, err = para(capsys, "laws", "m.para", "L", "--size", "d=0")
    assert status in (0, 1) and (status == 0 or err.startswith("para: error:"))


@pytest.mark.parametrize("argv", [["params", "m.para", "n.para", "L"], ["cost", "m.para", "L", "n.para"],
                                  ["laws", "m.para", "n.para"], ["ir", "m.para", "n.para"]])
def test_commands_that_take_one_file_say_so(good, capsys, argv):
    Path("n.para").write_text(GOOD)
    status, _, err = para(capsys, *argv)
    assert status == 2 and err == f"para: error: `para {argv[0]}` takes one FILE; 'n.para' looks like a second one\n"


def test_the_console_script_gives_no_traceback_for_a_bad_file(tmp_path):
    import subprocess

    path = tmp_path / "bad.para"
    path.write_bytes(b"\xffpara")
    proc = subprocess.run([sys.executable, "-m", "paradsl", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "error[E0007]" in proc.stderr and "Traceback" not in proc.stderr
    assert paradsl.check_paths([path]).diagnostics[0].code == "E0007"


def test_a_tie_quotes_its_source_by_the_lexers_lines():
    from paradsl.check.ties import source_text
    from paradsl.diagnostics import Span

    assert source_text("-- a\fb\ntie x = y\n", Span("t.para", 2, 5, 2, 10)) == "x = y"
