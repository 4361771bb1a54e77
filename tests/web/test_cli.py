"""`chujing token …` and `chujing serve --help`."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from chujing.cli import app
from chujing.web.store import WebStore


def test_token_create_list_revoke(home):
    runner = CliRunner()
    r = runner.invoke(app, ["token", "create", "ci-pipeline"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[0]
    assert token.startswith("cj_")
    store = WebStore(home / "web.sqlite")
    assert store.verify(token) is not None
    listed = runner.invoke(app, ["token", "list"])
    assert "ci-pipeline" in listed.stdout and "active" in listed.stdout and token not in listed.stdout
    assert runner.invoke(app, ["token", "revoke", "ci-pipeline"]).exit_code == 0
    store._cache.clear()
    assert store.verify(token) is None
    assert "revoked" in runner.invoke(app, ["token", "list"]).stdout


def test_token_errors_are_one_line(home):
    env = {"CHUJING_HOME": str(home), "PATH": ""}
    r = subprocess.run([sys.executable, "-m", "chujing", "token", "revoke", "nobody"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 3
    assert r.stderr.startswith("chujing: error:") and "Traceback" not in r.stderr


def test_serve_help():
    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--host", "--port", "--ledger", "--no-auth", "--max-upload"):
        assert opt in r.output
