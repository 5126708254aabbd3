"""The ``lstmkit`` command: usage errors exit 2, data and file problems exit 1, each with
one line on stderr and never a traceback."""

import subprocess
import sys

import pytest

from lstmkit.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv, message", [
    ((), "the following arguments are required: COMMAND"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
    (("demo", "--bogus"), "unrecognized arguments: --bogus"),
    (("demo", "--out"), "argument --out: expected one argument"),
    (("demo", "--seed", "-1"), "argument --seed: expected an integer >= 0, got '-1'"),
    (("demo", "--seed", "x"), "argument --seed: expected an integer >= 0, got 'x'"),
])
def test_usage_errors_exit_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "--help" in err
    assert err.startswith("lstmkit")


def test_a_file_in_the_way_of_out_exits_1_with_one_line(capsys, tmp_path):
    blocker = tmp_path / "report"
    blocker.write_text("not a folder")
    code, _, err = run(capsys, "demo", "--quick", "--out", str(blocker))
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("lstmkit demo: error: out ") and "is not a directory" in err
    assert blocker.read_text() == "not a folder"


def test_an_out_that_cannot_be_created_exits_1(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(capsys, "demo", "--out", str(blocker / "sub"))
    assert code == 1 and err.count("\n") == 1
    assert "cannot create the report folder" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "demo", "--help")
    assert code == 0 and "--quick" in out and "--out DIR" in out


def test_python_dash_m_lstmkit_demo_help():
    done = subprocess.run([sys.executable, "-m", "lstmkit", "demo", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: lstmkit demo") and "--seed" in done.stdout
