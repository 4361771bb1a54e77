"""Fixtures: an app per test over a temporary CHUJING_HOME, with and without auth."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chujing.web import create_app
from chujing.web.settings import WebSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def make_settings(home: Path, **kw) -> WebSettings:
    rulebook = os.environ.get("CHUJING_RULEBOOK")  # to test against another rulebook checkout
    return WebSettings(home=home, ledger_url=str(home / "ledger.sqlite"),
                       secret=b"test-secret-0123456789",
                       rulebook_dir=Path(rulebook) if rulebook else None, **kw)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("CHUJING_HOME", str(h))
    monkeypatch.setenv("CHUJING_KEY", "00112233445566778899aabbccddeeff")
    monkeypatch.delenv("CHUJING_LEDGER", raising=False)
    return h


@pytest.fixture
def app(home):
    return create_app(make_settings(home))


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def token(app) -> str:
    tok, _ = app.state.web.store.create_token("tests")
    return tok


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def open_client(home):
    """--no-auth"""
    with TestClient(create_app(make_settings(home, no_auth=True))) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)
