"""The Typer-free `chujing assess` (cli/fast.py) against the Typer app: the same stdout, stderr and
exit code for every example, format and option, and for bad input; and what it leaves to Typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chujing import cli
from chujing.cli import fast

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _main(args: list[str], capsys, monkeypatch, *, typer_only: bool) -> tuple[int, str, str]:
    with monkeypatch.context() as m:
        m.setattr(sys, "argv", ["chujing", *args])
        if typer_only:
            m.setattr(fast, "plain_assess", lambda _args, _env: None)
        capsys.readouterr()
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out, err = capsys.readouterr()
    return code, out, err


def _same(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.delenv("CHUJING_LEDGER", raising=False)
    assert fast.plain_assess(args, {}) is not None, "this command line should take the fast path"
    got = _main(args, capsys, monkeypatch, typer_only=False)
    want = _main(args, capsys, monkeypatch, typer_only=True)
    assert got == want
    return got


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_and_format(example, fmt, capsys, monkeypatch):
    code, out, err = _same(["assess", str(example), "--format", fmt], capsys, monkeypatch)
    assert code == 0 and out and not err


@pytest.mark.parametrize("args", [
    ["--lang", "en"], ["--lang", "zh"], ["--trace"], ["--trace", "--lang", "en"],
    ["-f", "json"], ["--format=markdown", "--lang=zh"], ["--as-of", "2023-05-01"], ["--as-of=2026-11-23"],
    ["--fail-on", "exempt"], ["--fail-on", "standard_contract_or_certification"],
    ["--fail-on", "security_assessment"], ["--fail-on=other_path", "-f", "json"],
    ["--as-of", "yesterday"], ["--as-of", "2024-02-30"], ["--record", "t-1"],
])
def test_options(args, capsys, monkeypatch):
    for example in ("saas-300k-users.yaml", "ciio-bank.yaml", "earlier-regime-2023.yaml"):
        _same(["assess", str(ROOT / "examples" / example), *args], capsys, monkeypatch)
        _same(["assess", *args, str(ROOT / "examples" / example)], capsys, monkeypatch)  # options first


@pytest.mark.parametrize(("text", "name"), [
    ("processor: {ciio: false\n", "s.yaml"),
    ("processor:\n  ciio: false\n  colour: red\n", "s.yaml"),
    ("transfer:\n  data:\n    - kind: personal_information\n      subjects: -5\n", "s.yaml"),
    ("processor:\n  sector: spaceships\n", "s.yaml"),
    ("processor:\n  ftz: atlantis\n", "s.yaml"),
    ("transfer:\n  scenario: picnic\n", "s.yaml"),
    ("transfer:\n  data:\n    - kind: gossip\n", "s.yaml"),
    ("- just\n- a list\n", "s.yaml"),
    ('{\n  "processor": {\n    "ciio": fals\n  }\n}\n', "s.json"),
    ("as_of: 2024-01-01\nhistory:\n  - {date: 2024-05-01, kind: personal_information, subjects: 5}\n", "s.yaml"),
    (b"\xff\xfe not utf-8", "s.yaml"),
])
def test_bad_input(tmp_path, text, name, capsys, monkeypatch):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, out, err = _same(["assess", str(p)], capsys, monkeypatch)
    assert code == 3 and not out and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_and_directory(tmp_path, capsys, monkeypatch):
    assert _same(["assess", str(tmp_path / "none.yaml")], capsys, monkeypatch)[0] == 3
    assert _same(["assess", str(tmp_path)], capsys, monkeypatch)[0] == 3


@pytest.mark.parametrize("args", [
    [], ["rules"], ["--help"], ["assess"], ["assess", "--help"], ["assess", "x.yaml", "--help"],
    ["assess", "x.yaml", "y.yaml"], ["assess", "x.yaml", "--bogus"], ["assess", "x.yaml", "--format"],
    ["assess", "x.yaml", "--format", "xml"], ["assess", "x.yaml", "--format", "JSON"],
    ["assess", "x.yaml", "-f", "json", "-f", "text"], ["assess", "x.yaml", "--trace", "--trace"],
    ["assess", "x.yaml", "--trace=yes"], ["assess", "x.yaml", "-fjson"], ["assess", "x.yaml", "-f=json"],
    ["assess", "x.yaml", "--as-of", "-1"], ["assess", "x.yaml", "--as-of="], ["assess", "--", "x.yaml"],
    ["assess", "-"], ["assess", ""], ["assess", "x.yaml", "--lang", "fr"], ["assess", "x.yaml", "--fail-on", "no"],
    ["assess", "x.yaml", "--form", "json"],
])
def test_anything_else_goes_to_typer(args):
    assert fast.plain_assess(args, {}) is None


def test_environment_that_changes_the_command_goes_to_typer():
    args = ["assess", "x.yaml"]
    assert fast.plain_assess(args, {"HOME": "/root"}) is not None
    assert fast.plain_assess(args, {"CHUJING_LEDGER": "sqlite:///x"}) is None
    assert fast.plain_assess(args, {"_CHUJING_COMPLETE": "bash_complete"}) is None


def test_parsed_values():
    call = fast.plain_assess(["assess", "./a/x.yaml", "-f", "json", "--lang=en", "--trace",
                              "--fail-on", "exempt", "--as-of", "2025-01-01", "--manifest", "m.parquet",
                              "--ledger", "sqlite:///l", "--record", "r1"], {})
    assert call == {"file": Path("a/x.yaml"), "fmt": "json", "lang": "en", "trace": True, "fail_on": "exempt",
                    "as_of": "2025-01-01", "manifest": Path("m.parquet"), "ledger": "sqlite:///l", "record": "r1"}
    assert type(call["fmt"]).__name__ == "Format" and type(call["fail_on"]).__name__ == "Route"


@pytest.mark.parametrize(("args", "expect"), [
    (["assess"], "Missing argument"),
    (["assess", "x.yaml", "--format", "xml"], "Invalid value for '--format'"),
    (["assess", "x.yaml", "--bogus"], "No such option: --bogus"),
])
def test_usage_errors_exit_2_without_traceback(args, expect, capsys, monkeypatch):
    code, _out, err = _main(args, capsys, monkeypatch, typer_only=False)
    assert code == 2 and expect in err and "Traceback" not in err and "internal error" not in err


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, timeout=120, cwd=ROOT)


def test_console_bytes_and_no_typer_import():
    """In a fresh process: the fast path imports neither Typer nor Rich, and writes the same bytes."""
    example = str(ROOT / "examples" / "saas-300k-users.yaml")
    probe = ("import sys; sys.argv = ['chujing', 'assess', %r, '-f', %r]\n"
             "from chujing.cli import main, fast\n"
             "if %r: fast.plain_assess = lambda a, e: None\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(' '.join(m for m in ('typer', 'rich', 'click') if m in sys.modules))")
    for fmt in ("text", "json"):
        quick = _run("-c", probe % (example, fmt, False))
        slow = _run("-c", probe % (example, fmt, True))
        assert quick.returncode == slow.returncode == 0
        assert quick.stdout == slow.stdout and quick.stdout
        assert quick.stderr == b"", quick.stderr
        assert b"typer" in slow.stderr
    r = _run("-m", "chujing", "assess", example)
    assert r.returncode == 0 and r.stdout == _run("-c", probe % (example, "text", True)).stdout


def test_program_exit_codes_and_a_closed_pipe():
    """As a program (console script, -m), the fast path may skip the interpreter's teardown: exit
    codes and a reader that went away are handled as by the Typer app."""
    import os

    example = str(ROOT / "examples" / "ftz-beijing-automotive.yaml")
    typer_only = ("import sys; sys.argv = ['chujing', *sys.argv[1:]]\n"
                  "from chujing.cli import console, fast\n"
                  "fast.plain_assess = lambda a, e: None\nconsole()")
    for args in (["--fail-on", "exempt"], ["--fail-on", "other_path"], ["-f", "json"]):
        quick = _run("-m", "chujing", "assess", example, *args)
        slow = _run("-c", typer_only, "assess", example, *args)
        assert (quick.returncode, quick.stdout, quick.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    for cmd in (["-m", "chujing"], ["-c", typer_only]):
        r, w = os.pipe()
        os.close(r)  # nobody reads: the first write fails with EPIPE
        p = subprocess.run([sys.executable, *cmd, "assess", example, "-f", "json"], stdout=w,
                           stderr=subprocess.PIPE, timeout=120, cwd=ROOT)
        os.close(w)
        assert (p.returncode, p.stderr) == (1, b"")


def test_program_imports():
    """The plain program run loads neither Typer, Rich, click nor importlib.metadata (pydantic's
    plugin scan), and JSON only for JSON."""
    example = str(ROOT / "examples" / "saas-300k-users.yaml")
    r = _run("-X", "importtime", "-m", "chujing", "assess", example)
    names = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.decode().splitlines() if "|" in line}
    assert r.returncode == 0 and "chujing.cli.fast" in names and "chujing.engine" in names
    assert not names & {"typer", "rich", "click", "importlib.metadata", "json"}
