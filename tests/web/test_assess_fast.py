"""`POST /v1/assess` through assess_fast: the same answers as the framework route and the old
code path (json.loads + model_validate), its query options, body limits and headers."""

from __future__ import annotations

import json
import random

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chujing.web.services import InvalidFacts, validate_scenario, validate_scenario_json
from tests.web.conftest import EXAMPLES
from tests.web.test_api import SAAS, SHOP, as_json


def _old_path(body: bytes, book):
    """The request path before assess_fast: json.loads, then validate the dict."""
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "invalid JSON"
    try:
        return validate_scenario(raw, book)
    except InvalidFacts as exc:
        return exc.errors


def _new_path(body: bytes, book):
    try:
        return validate_scenario_json(body, book)
    except InvalidFacts as exc:
        if exc.errors[0]["message"].startswith("invalid JSON"):
            return "invalid JSON"
        return exc.errors


def _places(node):
    """Every (container, key) in a JSON tree."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        yield node, key
        if isinstance(value, (dict, list)):
            yield from _places(value)


def _mutations(rng: random.Random, base: dict):
    """Valid scenarios with traps: wrong types, negative and huge counts, unknown keys and terms,
    strings for numbers and booleans, odd dates, nulls, empty lists."""
    traps = [None, -1, 0, 10**30, "12", "yes", "true", 1.5, "2026-02-30", "2026-01-05", [], {},
             "unknown", True, "", "北京"]
    yield base
    for _ in range(150):
        d = json.loads(json.dumps(base))
        for _ in range(rng.randint(1, 3)):
            node, key = rng.choice(list(_places(d)))
            node[key] = rng.choice(traps)
            if isinstance(node, dict) and rng.random() < 0.1:
                node["surprise"] = 1
        yield d


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_validating_raw_bytes_matches_the_old_path(app, example):
    import yaml

    book = app.state.web.book
    rng = random.Random(example)
    base = as_json(yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8")))
    for d in _mutations(rng, base):
        body = json.dumps(d, ensure_ascii=rng.random() < 0.5).encode()
        old, new = _old_path(body, book), _new_path(body, book)
        if isinstance(old, list):
            # The same fields in the same order; the wording may name JSON types ("an object",
            # "a valid array") where the old path named Python ones.
            assert [e["field"] for e in new] == [e["field"] for e in old], body
        else:
            assert new == old, body  # the same Scenario, field for field


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"null", b"", b"1e999",
                                  b'{"a": NaN}', b'"text"', b"{}"])
def test_bad_bodies_fail_the_same_way_on_both_paths(app, body):
    book = app.state.web.book
    old, new = _old_path(body, book), _new_path(body, book)
    assert type(old) is type(new)
    if isinstance(old, list) and old and old[0]["field"] is None:
        assert new[0]["field"] is None


def test_the_framework_route_gives_the_same_bytes(app, auth):
    """The documented FastAPI route (validation, dependencies), without ChujingApp's shortcut."""
    async def plain_app(scope, receive, send):
        await FastAPI.__call__(app, scope, receive, send)

    with TestClient(app) as front, TestClient(plain_app) as plain:
        for query in ("", "?as_of=2024-01-15", "?detail=summary", "?as_of=nope", "?save=maybe"):
            a = front.post(f"/v1/assess{query}", json=as_json(SAAS), headers=auth)
            b = plain.post(f"/v1/assess{query}", json=as_json(SAAS), headers=auth)
            assert (a.status_code, a.content) == (b.status_code, b.content), query
        for headers in ({}, {"Authorization": "Bearer cj_nope"}):
            a = front.post("/v1/assess", json=as_json(SAAS), headers=headers)
            b = plain.post("/v1/assess", json=as_json(SAAS), headers=headers)
            assert (a.status_code, a.json()) == (b.status_code, b.json())
            assert a.headers["www-authenticate"] == b.headers["www-authenticate"]


def test_summary_is_the_full_answer_without_the_trace(client, auth):
    full = client.post("/v1/assess", json=as_json(SHOP), headers=auth).json()
    short = client.post("/v1/assess?detail=summary", json=as_json(SHOP), headers=auth)
    assert short.status_code == 200
    s = short.json()
    assert s.pop("detail") == "summary"
    for key in ("findings", "obligations", "headroom", "risks", "notes"):
        assert key not in s
        full.pop(key)
    assert s == full
    assert len(short.content) * 3 < len(client.post("/v1/assess", json=as_json(SHOP),
                                                    headers=auth).content)


def test_cache_keeps_full_and_summary_apart(client, auth):
    for _ in range(2):
        assert "findings" in client.post("/v1/assess", json=as_json(SAAS), headers=auth).json()
        assert "findings" not in client.post("/v1/assess?detail=summary", json=as_json(SAAS),
                                             headers=auth).json()


@pytest.mark.parametrize("query,field", [("as_of=2024-13-01", "query.as_of"),
                                         ("save=maybe", "query.save"),
                                         ("ledger=", "query.ledger"),
                                         ("detail=everything", "query.detail")])
def test_bad_options_are_422_with_their_field(client, auth, query, field):
    r = client.post(f"/v1/assess?{query}", json=as_json(SAAS), headers=auth)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


def test_options_are_parsed_like_the_framework_does(client, auth):
    r = client.post("/v1/assess?save=1&unknown=x&as_of=2024-01-15", json=as_json(SAAS),
                    headers=auth)
    assert r.status_code == 200
    assert r.headers["x-chujing-report"]
    assert r.json()["as_of"] == "2024-01-15"


def test_streamed_body_is_read_whole_and_limited(app, client, auth):
    body = json.dumps(as_json(SAAS)).encode()
    chunks = [body[i:i + 100] for i in range(0, len(body), 100)]
    r = client.post("/v1/assess", content=iter(chunks),
                    headers={**auth, "content-type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json() == client.post("/v1/assess", json=as_json(SAAS), headers=auth).json()
    app.state.web.settings.max_body_bytes = 300
    r = client.post("/v1/assess", content=iter(chunks),
                    headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413


def test_answers_carry_the_security_headers(client, auth):
    for r in (client.post("/v1/assess", json=as_json(SAAS), headers=auth),
              client.post("/v1/assess", json={"processor": 1}, headers=auth),
              client.post("/v1/assess", json=as_json(SAAS))):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-type"] == "application/json"
        assert int(r.headers["content-length"]) == len(r.content)
    page = client.get("/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_other_methods_on_the_path_go_to_the_framework(client, auth):
    assert client.get("/v1/assess", headers=auth).status_code == 405


def test_an_engine_crash_is_json_500_without_traceback(client, auth, monkeypatch, caplog):
    import chujing.web.assess_fast as fast

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(fast, "decide", broken)
    r = client.post("/v1/assess", json=as_json(SAAS), headers=auth)
    assert r.status_code == 500
    assert r.json()["error"]["message"].startswith("internal error (RuntimeError)")
    assert "secret detail" not in r.text


def test_server_workers_freeze_the_collector_after_a_warm_up(home, monkeypatch):
    """app_from_env (uvicorn's and granian's worker factory) answers once, then gc.freeze()s."""
    import gc

    from chujing.web.app import app_from_env

    monkeypatch.delenv("CHUJING_WEB_SETTINGS", raising=False)
    try:
        app = app_from_env()
        assert app.web.book is not None
        assert gc.get_freeze_count() > 10_000  # the rulebook and the warm-up's memos
    finally:
        gc.unfreeze()


def _old_check_vocabulary(scenario, book):
    """scenario_io.check_vocabulary before session 6 (lists of words, built per call)."""
    checks = [(("processor", "ftz"), scenario.processor.ftz),
              (("processor", "sector"), scenario.processor.sector),
              (("transfer", "scenario"), scenario.transfer.scenario)]
    for i, item in enumerate(scenario.transfer.data):
        if item.population is not None:
            checks.append((("transfer", "data", i, "population"), item.population))
    for loc, value in checks:
        if value is None:
            continue
        kind = {"ftz": "ftz", "sector": "sector", "scenario": "scenario"}.get(loc[1], "population")
        known = book.word_ids(kind)
        if value not in known:
            return loc, f"unknown {kind} {value!r}; known: {', '.join(known) or '(none)'}"
    return None


def test_vocabulary_check_matches_the_list_based_one(app):
    from chujing.errors import InputError
    from chujing.facts import Scenario
    from chujing.scenario_io import _dotted, check_vocabulary

    book = app.state.web.book
    rng = random.Random(6)
    pick = {k: [None, "", "nonsense", "Software", *book.word_ids(k)]
            for k in ("ftz", "sector", "scenario", "population")}
    outcomes = set()
    for _ in range(600):
        d = as_json(rng.choice([SAAS, SHOP]))
        d["processor"]["ftz"], d["processor"]["sector"] = rng.choice(pick["ftz"]), rng.choice(pick["sector"])
        d["transfer"]["scenario"] = rng.choice(pick["scenario"])
        for item in d["transfer"]["data"]:
            item["population"] = rng.choice(pick["population"])
        scenario = Scenario.model_validate(d)
        old = _old_check_vocabulary(scenario, book)
        try:
            check_vocabulary(scenario, book)
            new = None
        except InputError as exc:
            new = exc.field, exc.message
        assert new == (None if old is None else (_dotted(old[0]), old[1]))
        outcomes.add(None if new is None else new[0])
    assert len(outcomes) >= 4  # passes and every kind of field refused
