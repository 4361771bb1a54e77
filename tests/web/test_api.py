"""The REST API: contract, errors with field paths, status codes, auth."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from chujing.engine import assess
from chujing.facts import Scenario
from tests.web.conftest import EXAMPLES

SAAS = yaml.safe_load((EXAMPLES / "saas-300k-users.yaml").read_text(encoding="utf-8"))
SHOP = yaml.safe_load((EXAMPLES / "ecommerce-cross-border-shop.yaml").read_text(encoding="utf-8"))


def as_json(d):
    return json.loads(json.dumps(d, default=str))


# --- auth ------------------------------------------------------------------------------------

def test_health_needs_no_token(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


@pytest.mark.parametrize("method,path", [
    ("post", "/v1/assess"), ("get", "/v1/rules"), ("get", "/v1/rules/cn/pipl/art-38"),
    ("post", "/v1/scan"), ("get", "/v1/ledger/transfers"), ("post", "/v1/ledger/transfers"),
    ("get", "/v1/ledger/status"), ("get", "/v1/reports/abc"), ("get", "/openapi.json"),
])
def test_every_api_route_needs_a_token(client, method, path):
    r = getattr(client, method)(path)
    assert r.status_code == 401, path
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "token" in r.json()["error"]["message"]


def test_wrong_and_revoked_tokens_are_refused(app, client, token, auth):
    assert client.post("/v1/assess", json=as_json(SAAS), headers=auth).status_code == 200
    bad = {"Authorization": "Bearer cj_not-a-real-token"}
    assert client.post("/v1/assess", json=as_json(SAAS), headers=bad).status_code == 401
    app.state.web.store.revoke("tests")
    assert client.post("/v1/assess", json=as_json(SAAS), headers=auth).status_code == 401


def test_tokens_are_stored_hashed(app, token):
    import sqlite3

    raw = app.state.web.settings.db_path.read_bytes()
    assert token.encode() not in raw
    with sqlite3.connect(app.state.web.settings.db_path) as db:
        (digest,) = db.execute("SELECT sha256 FROM api_tokens").fetchone()
    assert len(digest) == 64


def test_no_auth_lets_api_calls_in(open_client):
    assert open_client.post("/v1/assess", json=as_json(SAAS)).status_code == 200


# --- assess ----------------------------------------------------------------------------------

@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_assess_gives_the_cli_contract(client, auth, example):
    raw = as_json(yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8")))
    r = client.post("/v1/assess", json=raw, headers=auth)
    assert r.status_code == 200, r.text
    scenario = Scenario.model_validate(raw)
    day = scenario.effective_as_of() or date.today()
    expected = assess(scenario.model_copy(update={"as_of": day}), client.app.state.web.book,
                      as_of=day).to_dict()
    assert r.json() == as_json(expected)


def test_as_of_query_overrides_the_scenario_date(client, auth):
    r = client.post("/v1/assess?as_of=2024-01-15", json=as_json(SAAS), headers=auth)
    assert r.status_code == 200
    assert r.json()["as_of"] == "2024-01-15"


def test_repeated_request_gives_the_same_bytes(client, auth):
    a = client.post("/v1/assess", json=as_json(SHOP), headers=auth)
    b = client.post("/v1/assess", json=as_json(SHOP), headers=auth)
    assert a.content == b.content


@pytest.mark.parametrize("body,field,words", [
    ({"processor": {"ciio": "perhaps"}}, "processor.ciio", "boolean"),
    ({"transfer": {"data": [{"kind": "secret"}]}}, "transfer.data[0].kind", "personal_information"),
    ({"transfer": {"data": [{"kind": "personal_information", "subjects": -1}]}},
     "transfer.data[0].subjects", "greater than or equal"),
    ({"processor": {"sector": "alchemy"}}, "processor.sector", "unknown sector"),
    ({"transfer": {"scenario": "tourism"}}, "transfer.scenario", "unknown scenario"),
    ({"processor": {"colour": "red"}}, "processor.colour", "Extra inputs"),
    ({"as_of": "2025-01-01", "history": [{"date": "2025-06-01", "kind": "personal_information",
                                          "subjects": 1}]}, None, "future"),
    ({"as_of": "1999-01-01"}, None, "no regime"),
])
def test_invalid_facts_are_422_with_field_and_message(client, auth, body, field, words):
    r = client.post("/v1/assess", json=body, headers=auth)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["status"] == 422
    assert words in err["message"]
    if field:
        assert err["field"] == field
        assert any(e["field"] == field for e in err["errors"])


def test_every_invalid_field_is_listed(client, auth):
    body = {"processor": {"ciio": "x", "pi_subjects_processed": -5}}
    err = client.post("/v1/assess", json=body, headers=auth).json()["error"]
    assert {e["field"] for e in err["errors"]} == {"processor.ciio", "processor.pi_subjects_processed"}


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b"null", b""])
def test_bodies_that_are_not_a_json_object_are_422(client, auth, content):
    r = client.post("/v1/assess", content=content, headers={**auth, "content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["message"]


def test_far_dates_never_500(client, auth):
    for day, status in (("9999-12-31", {200, 422}), ("0001-01-01", {422})):
        r = client.post("/v1/assess", json={"as_of": day, "transfer": {"data": [
            {"kind": "personal_information", "subjects": 5, "grounds": ["contract"]}],
            "contract_effective_date": day}}, headers=auth)
        assert r.status_code in status, (day, r.text)


def test_huge_numbers_are_answered(client, auth):
    body = {"as_of": "2026-01-05", "transfer": {"data": [
        {"kind": "personal_information", "subjects": 10**30}]}}
    r = client.post("/v1/assess", json=body, headers=auth)
    assert r.status_code == 200
    assert r.json()["items"][0]["subjects"] == 10**30


def test_body_over_the_limit_is_413(app, client, auth):
    app.state.web.settings.max_body_bytes = 1000
    r = client.post("/v1/assess", json={"processor": {"name": "x" * 2000}}, headers=auth)
    assert r.status_code == 413
    assert r.json()["error"]["status"] == 413


# --- rules -----------------------------------------------------------------------------------

def test_rules_in_force(client, auth):
    r = client.get("/v1/rules?as_of=2025-01-01", headers=auth)
    assert r.status_code == 200
    ids = {rule["id"] for inst in r.json()["instruments"] for rule in inst["rules"]}
    assert "cn/provisions-2024/art-7/pi" in ids
    old = client.get("/v1/rules?as_of=2023-01-01", headers=auth).json()
    assert "cn/provisions-2024/art-7/pi" not in {r["id"] for i in old["instruments"] for r in i["rules"]}


def test_one_rule_and_404(client, auth):
    r = client.get("/v1/rules/cn/provisions-2024/art-7/pi", headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "cn/provisions-2024/art-7/pi"
    assert body["rule"]["citation"]["zh"]
    r = client.get("/v1/rules/cn/no-such-rule", headers=auth)
    assert r.status_code == 404
    assert "no rule" in r.json()["error"]["message"]


def test_unknown_path_is_json_404(client, auth):
    r = client.get("/v1/nothing-here", headers=auth)
    assert r.status_code == 404
    assert r.json()["error"]["status"] == 404


# --- reports ---------------------------------------------------------------------------------

def test_saved_assessment_gives_reports(client, auth):
    r = client.post("/v1/assess?save=true", json=as_json(SHOP), headers=auth)
    ident = r.headers["x-chujing-report"]
    assert r.headers["location"] == f"/v1/reports/{ident}"
    j = client.get(f"/v1/reports/{ident}?format=json", headers=auth)
    assert j.status_code == 200 and j.json()["pathway"] == r.json()["pathway"]
    h = client.get(f"/v1/reports/{ident}?format=html&lang=en", headers=auth)
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "<html" in h.text.lower()
    assert "script-src" not in h.headers["content-security-policy"]  # default-src 'none': no script
    assert "style-src 'unsafe-inline'" in h.headers["content-security-policy"]
    md = client.get(f"/v1/reports/{ident}?format=md&lang=zh", headers=auth)
    assert md.status_code == 200


@pytest.mark.slow
def test_pdf_report(client, auth):
    ident = client.post("/v1/assess?save=true", json=as_json(SHOP), headers=auth).headers["x-chujing-report"]
    r = client.get(f"/v1/reports/{ident}?format=pdf", headers=auth)
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")


@pytest.mark.parametrize("draft,fmt,head", [("standard_contract", "docx", b"PK"),
                                             ("inventory", "md", b"#"), (None, "docx", b"PK")])
def test_filing_drafts(client, auth, draft, fmt, head):
    ident = client.post("/v1/assess?save=true", json=as_json(SAAS), headers=auth).headers["x-chujing-report"]
    q = f"format={fmt}" + (f"&draft={draft}" if draft else "")
    r = client.get(f"/v1/reports/{ident}?{q}", headers=auth)
    assert r.status_code == 200, r.text
    assert r.content.startswith(head)
    assert "attachment" in r.headers["content-disposition"]


def test_report_404_and_bad_format(client, auth):
    assert client.get("/v1/reports/0000", headers=auth).status_code == 404
    ident = client.post("/v1/assess?save=true", json=as_json(SHOP), headers=auth).headers["x-chujing-report"]
    assert client.get(f"/v1/reports/{ident}?format=exe", headers=auth).status_code == 422


def test_report_without_report_module(client, auth, monkeypatch):
    from chujing.web import reports_api

    monkeypatch.setattr(reports_api, "optional", lambda name: None)
    ident = client.post("/v1/assess?save=true", json=as_json(SHOP), headers=auth).headers["x-chujing-report"]
    assert client.get(f"/v1/reports/{ident}?format=pdf", headers=auth).status_code == 501
    h = client.get(f"/v1/reports/{ident}?format=html", headers=auth)
    assert h.status_code == 200 and "decision-pathway" in h.text  # the page's own printable form


# --- openapi ---------------------------------------------------------------------------------

def test_openapi_documents_the_scenario(client, auth):
    schema = client.get("/openapi.json", headers=auth).json()
    assert "Scenario" in schema["components"]["schemas"]
    assert set(schema["paths"]) >= {"/v1/assess", "/v1/rules", "/v1/scan", "/v1/ledger/transfers",
                                    "/v1/ledger/status", "/v1/reports/{report_id}", "/healthz"}


def test_a_logged_in_session_may_read_but_not_write(client, token):
    from tests.web.conftest import csrf_of

    page = client.get("/login")
    client.post("/login", data={"csrf": csrf_of(page.text), "token": token, "next": "/"},
                follow_redirects=False)
    assert client.get("/v1/rules").status_code == 200
    assert client.post("/v1/assess", json=as_json(SHOP)).status_code == 401
