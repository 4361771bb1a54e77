"""Uploads (streamed, size-limited) to the scanner, and the ledger through the API."""

from __future__ import annotations

import pytest

ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2 weights for resident ids


def resident_id(seq: int) -> str:
    body = f"11010519900101{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def people_csv(n: int, start: int = 0) -> bytes:
    rows = ["name,resident_id,phone"]
    for i in range(start, start + n):
        rows.append(f"张{i}号,{resident_id(i % 1000)},1391234{i:04d}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_scan_counts_people_and_keeps_a_manifest(client, auth):
    r = client.post("/v1/scan?as_of=2026-03-01", files={"file": ("people.csv", people_csv(50))},
                    headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scan"]["subjects"] == 50
    assert body["upload"] == {"filename": "people.csv", "bytes": len(people_csv(50))}
    assert resident_id(7) not in r.text and "13912340007" not in r.text  # masked samples only
    assert "uploads" not in r.text
    m = client.get(body["manifest"]["url"], headers=auth)
    assert m.status_code == 200 and m.content[:4] == b"PAR1"


def test_upload_over_the_limit_is_413_and_leaves_nothing(app, client, auth):
    app.state.web.settings.max_upload_bytes = 2000
    r = client.post("/v1/scan", files={"file": ("people.csv", people_csv(200))}, headers=auth)
    assert r.status_code == 413
    assert r.json()["error"]["status"] == 413
    assert not any(app.state.web.settings.upload_dir.rglob("*.csv"))


def test_chunked_upload_over_the_limit_is_413(app, client, auth):
    """Without a Content-Length the limit holds while the body streams in."""
    app.state.web.settings.max_upload_bytes = 2000
    boundary = "xyzBOUNDARY"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode()

    def body():
        yield head
        for _ in range(100):
            yield b"x" * 100 + b"\n"
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post("/v1/scan", content=body(), headers={
        **auth, "content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413


@pytest.mark.parametrize("files,status", [
    ({"file": ("people.exe", b"MZ")}, 415),
    ({"other": ("people.csv", b"a,b\n")}, 422),
])
def test_bad_uploads(client, auth, files, status):
    assert client.post("/v1/scan", files=files, headers=auth).status_code == status


def test_scan_needs_multipart(client, auth):
    r = client.post("/v1/scan", json={"file": "x"}, headers=auth)
    assert r.status_code == 415


def test_scan_without_scan_module_is_501(client, auth, monkeypatch):
    from chujing.web import scan_api

    monkeypatch.setattr(scan_api, "optional", lambda name: None)
    r = client.post("/v1/scan", files={"file": ("people.csv", people_csv(3))}, headers=auth)
    assert r.status_code == 501
    assert "not installed" in r.json()["error"]["message"]


def _scenario(day: str, **transfer) -> dict:
    return {"as_of": day, "processor": {"ciio": False},
            "transfer": {"date": day, "recipient": {"country": "US"}, **transfer}}


def test_record_from_manifest_dedups_people(client, auth):
    first = client.post("/v1/scan?as_of=2026-03-01", files={"file": ("a.csv", people_csv(40))},
                        headers=auth).json()
    second = client.post("/v1/scan?as_of=2026-04-01", files={"file": ("b.csv", people_csv(40, 20))},
                         headers=auth).json()
    r = client.post("/v1/ledger/transfers", json={"id": "T-1", "scenario": _scenario("2026-03-01"),
                                                  "manifest_id": first["manifest"]["id"]}, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "recorded"
    again = client.post("/v1/ledger/transfers", json={"id": "T-1", "scenario": _scenario("2026-03-01"),
                                                      "manifest_id": first["manifest"]["id"]}, headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    r = client.post("/v1/ledger/transfers", json={"id": "T-2", "scenario": _scenario("2026-04-01"),
                                                  "manifest_id": second["manifest"]["id"]}, headers=auth)
    assert r.status_code == 201
    status = client.get("/v1/ledger/status?as_of=2026-05-01", headers=auth).json()
    assert status["counts"]["personal_information"] == 60  # 40 + 40, 20 in both
    listed = client.get("/v1/ledger/transfers", headers=auth).json()["transfers"]
    assert {t["id"] for t in listed} == {"T-1", "T-2"}


def test_record_with_declared_counts(client, auth):
    body = {"id": "D-1", "scenario": _scenario("2026-02-01", data=[
        {"kind": "personal_information", "subjects": 1234}])}
    r = client.post("/v1/ledger/transfers", json=body, headers=auth)
    assert r.status_code == 201, r.text
    status = client.get("/v1/ledger/status?as_of=2026-02-02", headers=auth).json()
    assert status["counts"]["personal_information"] == 1234


@pytest.mark.parametrize("body,status,field", [
    ({"id": "X", "scenario": {"processor": {"ciio": "x"}}}, 422, "scenario.processor.ciio"),
    ({"id": "X", "scenario": {"as_of": "2026-01-05", "history": [
        {"date": "2026-01-01", "kind": "personal_information", "subjects": 3}],
        "transfer": {"data": [{"kind": "personal_information", "subjects": 1}]}}}, 422, "history"),
    ({"id": "", "scenario": {}}, 422, "body.id"),
    ({"id": "X", "scenario": {}, "manifest_id": "nope"}, 404, None),
])
def test_record_errors(client, auth, body, status, field):
    r = client.post("/v1/ledger/transfers", json=body, headers=auth)
    assert r.status_code == status, r.text
    if field:
        assert field in {e["field"] for e in r.json()["error"]["errors"]}


def test_ledger_without_ledger_module_is_501(client, auth, monkeypatch):
    from chujing.web import ledger_api

    monkeypatch.setattr(ledger_api, "optional", lambda name: None)
    assert client.get("/v1/ledger/status", headers=auth).status_code == 501
    assert client.get("/v1/ledger/transfers", headers=auth).status_code == 501


def test_assess_and_questionnaire_count_from_the_ledger(app, client, auth):
    """90,000 people recorded earlier + 20,000 now: past 100,000 only when the ledger is counted."""
    from tests.web.conftest import csrf_of

    body = {"id": "EARLY", "scenario": _scenario("2026-02-01", data=[
        {"kind": "personal_information", "subjects": 90000}])}
    assert client.post("/v1/ledger/transfers", json=body, headers=auth).status_code == 201
    now = _scenario("2026-05-01", data=[{"kind": "personal_information", "subjects": 20000}])
    alone = client.post("/v1/assess", json=now, headers=auth).json()
    counted = client.post("/v1/assess?ledger=true", json=now, headers=auth).json()
    assert alone["pathway"] == "exempt"
    assert counted["pathway"] == "standard_contract_or_certification"

    app.state.web.settings.no_auth = True
    page = client.get("/")
    form = {"csrf": csrf_of(page.text), "as_of": "2026-05-01", "n_items": "1",
            "item-0-kind": "personal_information", "item-0-subjects": "20000",
            "f:processor.ciio": "no"}
    assert 'id="use_ledger"' in page.text
    html = client.post("/questionnaire/live", data=form).text
    assert 'data-pathway="exempt"' in html
    html = client.post("/questionnaire/live", data={**form, "use_ledger": "yes"}).text
    assert 'data-pathway="standard_contract_or_certification"' in html
    both = client.post("/", data={**form, "use_ledger": "yes", "n_history": "1",
                                  "history-0-date": "2026-01-02", "history-0-kind": "personal_information",
                                  "history-0-subjects": "5"}).text
    assert 'id="err-use_ledger"' in both
    r = client.post("/decision", data={**form, "use_ledger": "yes"}, follow_redirects=False)
    decision = client.get(r.headers["location"]).text
    assert 'data-pathway="standard_contract_or_certification"' in decision  # the count as it stood


def test_dashboard_shows_people_per_population(app, client, auth):
    body = {"id": "POP-1", "scenario": _scenario("2026-02-01", data=[
        {"kind": "personal_information", "subjects": 321, "population": "employee"}])}
    assert client.post("/v1/ledger/transfers", json=body, headers=auth).status_code == 201
    app.state.web.settings.no_auth = True
    html = client.get("/ledger?lang=en&as_of=2026-06-01").text
    assert 'id="by-population"' in html and "employee" in html and "321" in html
    assert 'id="transfers"' in html and "POP-1" in html
