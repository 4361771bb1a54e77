"""`chujing token …` and `chujing serve`."""

from __future__ import annotations

import subprocess
import sys

import pytest
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
    for opt in ("--host", "--port", "--ledger", "--no-auth", "--max-upload", "--server"):
        assert opt in r.output


@pytest.mark.slow
@pytest.mark.parametrize("server,workers,extra", [("uvicorn", 1, []), ("uvicorn", 2, []),
                                                  ("uvicorn", 2, ["--shared-socket"]),
                                                  ("granian", 2, [])])
def test_serve_answers_assess(home, server, workers, extra):
    """`chujing serve` for real on loopback: the token check and an assessment, per server (uvicorn:
    a socket per worker and the eager-accept loop, or uvicorn's own shared socket)."""
    import json
    import os
    import socket
    import time
    import urllib.error
    import urllib.request

    if server == "granian":
        pytest.importorskip("granian")
    token, _ = WebStore(home / "web.sqlite").create_token("serve-test")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "chujing", "serve", "--port", str(port),
                             "--server", server, "--workers", str(workers), *extra],
                            env={**os.environ, "CHUJING_HOME": str(home)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        body = json.dumps({"as_of": "2026-01-05", "transfer": {"data": [
            {"kind": "personal_information", "subjects": 5, "grounds": ["contract"]}]}}).encode()
        req = urllib.request.Request(f"{base}/v1/assess?detail=summary", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert json.loads(r.read())["detail"] == "summary"
        req.remove_header("Authorization")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=30)
        assert err.value.code == 401
        # Close the refused answer's connection: granian's graceful stop waits for open ones.
        err.value.close()
    finally:
        proc.terminate()
        proc.wait(30)
