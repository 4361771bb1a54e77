"""The pages: login and session cookie, CSRF, the questionnaire, the decision, the ledger, --no-auth."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import csrf_of


def login(client, token):
    page = client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(page.text), "token": token, "next": "/"},
                       follow_redirects=False)


def test_pages_redirect_to_login(client):
    for path in ("/", "/ledger", "/api", "/decision/abc"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login?next=")


def test_login_sets_a_safe_session_cookie(client, token):
    r = login(client, token)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert token not in cookie
    assert client.get("/").status_code == 200


def test_login_with_a_bad_token_fails(client):
    page = client.get("/login")
    r = client.post("/login", data={"csrf": csrf_of(page.text), "token": "cj_wrong"})
    assert r.status_code == 401
    assert "invalid" in r.text or "无效" in r.text


def test_login_refuses_an_open_redirect(client, token):
    page = client.get("/login")
    r = client.post("/login", data={"csrf": csrf_of(page.text), "token": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_forms_need_the_csrf_token(client, token):
    login(client, token)
    r = client.post("/questionnaire/live", data={"item-0-kind": "personal_information"})
    assert r.status_code == 403
    r = client.post("/login", data={"token": token})
    assert r.status_code == 403


def test_a_revoked_token_ends_its_session(app, client, token):
    login(client, token)
    assert client.get("/", follow_redirects=False).status_code == 200
    app.state.web.store.revoke("tests")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_tampered_cookie_is_ignored(client, token):
    r = login(client, token)
    value = re.search(r"chujing_session=([^;]+)", r.headers["set-cookie"]).group(1)
    client.cookies.clear()
    body, sig = value.rsplit(".", 1)
    client.cookies.set("chujing_session", body + "." + sig[::-1])
    assert client.get("/", follow_redirects=False).status_code == 303


def test_no_auth_shows_the_warning_on_every_page(open_client):
    for path in ("/", "/ledger", "/api", "/login"):
        r = open_client.get(path)
        assert r.status_code == 200, path
        assert 'id="no-auth-banner"' in r.text, path


def test_the_warning_is_absent_with_auth(client, token):
    login(client, token)
    assert "no-auth-banner" not in client.get("/").text


# --- the questionnaire -----------------------------------------------------------------------

def live(client, **fields):
    page = client.get("/")
    data = {"csrf": csrf_of(page.text), "as_of": "2026-06-01", "n_items": "1", **fields}
    r = client.post("/questionnaire/live", data=data)
    assert r.status_code == 200, r.text
    return r.text


def pathway(html: str) -> str | None:
    m = re.search(r'id="route-pathway" data-pathway="([a-z_]+)"', html)
    return m.group(1) if m else None


def test_nothing_to_decide_before_the_data(open_client):
    html = live(open_client)
    assert 'id="route-waiting"' in html


def test_asks_only_what_matters_then_decides(open_client):
    html = live(open_client, **{"item-0-kind": "personal_information", "item-0-subjects": "300000"})
    assert pathway(html) == "needs_information"
    asked = re.findall(r'class="question asked" data-fact="([a-z_.]+)"', html)
    assert asked == ["processor.ciio"]
    html = live(open_client, **{"item-0-kind": "personal_information", "item-0-subjects": "300000",
                                "f:processor.ciio": "no"})
    assert pathway(html) == "standard_contract_or_certification"
    assert 'class="question asked"' not in html
    assert 'data-fact="processor.ciio"' in html  # the answer stays, to be changed


def test_a_contract_ground_makes_it_exempt(open_client):
    html = live(open_client, **{"item-0-kind": "personal_information", "item-0-subjects": "420000",
                                "f:processor.ciio": "no", "transfer.grounds": "contract"})
    assert pathway(html) == "exempt"


def test_bad_numbers_are_shown_next_to_the_field(open_client):
    html = live(open_client, **{"item-0-kind": "personal_information", "item-0-subjects": "lots"})
    assert 'href="#item-0-subjects"' in html  # the live route points at the field to fix
    page = open_client.get("/")
    r = open_client.post("/", data={"csrf": csrf_of(page.text), "n_items": "1",
                                    "item-0-kind": "personal_information", "item-0-subjects": "lots"})
    assert 'id="err-item-0-subjects"' in r.text
    assert 'aria-invalid="true"' in r.text


def test_add_and_remove_data_items(open_client):
    page = open_client.get("/")
    data = {"csrf": csrf_of(page.text), "n_items": "1", "item-0-kind": "personal_information",
            "item-0-subjects": "10", "_action": "add_item"}
    r = open_client.post("/", data=data)
    assert 'id="item-1-kind"' in r.text
    data.update({"n_items": "2", "item-1-kind": "important_data", "_action": "remove_item:0",
                 "f:item.important_data_notified:1": "yes"})
    r = open_client.post("/", data=data)
    assert 'id="item-1-kind"' not in r.text
    assert re.search(r'<option value="important_data" selected', r.text)
    assert 'name="f:item.important_data_notified:0"' in r.text  # the answer moved with its item


def test_language_switch_keeps_the_answers(open_client):
    page = open_client.get("/")
    assert "数据出境路径向导" in page.text
    r = open_client.post("/", data={"csrf": csrf_of(page.text), "n_items": "1", "_lang": "en",
                                    "item-0-kind": "personal_information", "item-0-subjects": "5"})
    assert "Outbound data transfer guide" in r.text
    assert 'value="5"' in r.text
    assert open_client.cookies.get("chujing_lang") == "en"
    assert "Outbound data transfer guide" in open_client.get("/").text
    assert "数据出境路径向导" in open_client.get("/?lang=zh").text


def test_decision_page_has_trace_obligations_chart_and_downloads(open_client):
    page = open_client.get("/")
    data = {"csrf": csrf_of(page.text), "as_of": "2026-06-01", "n_items": "1",
            "item-0-kind": "personal_information", "item-0-subjects": "300000", "f:processor.ciio": "no"}
    r = open_client.post("/decision", data=data, follow_redirects=False)
    assert r.status_code == 303
    html = open_client.get(r.headers["location"]).text
    assert 'data-pathway="standard_contract_or_certification"' in html
    assert "<svg" in html and 'role="img"' in html
    assert 'id="trace"' in html and "cn/provisions-2024/art-8/pi" in html
    assert 'id="h-obligations"' in html
    assert 'id="dl-json"' in html and 'id="dl-html"' in html
    assert 'id="dl-pdf"' in html and 'id="dl-draft-standard_contract"' in html
    ident = r.headers["location"].rsplit("/", 1)[1]
    edit = open_client.get(f"/?start={ident}").text  # change the answers: the form comes back filled
    assert 'value="300000"' in edit and re.search(r'value="no"[^>]*checked', edit)


def test_decision_with_invalid_form_stays_on_the_form(open_client):
    page = open_client.get("/")
    r = open_client.post("/decision", data={"csrf": csrf_of(page.text), "n_items": "1",
                                            "item-0-kind": "personal_information",
                                            "item-0-subjects": "-4"})
    assert r.status_code == 422
    assert 'id="err-item-0-subjects"' in r.text


def test_unknown_decision_is_an_html_404(open_client):
    r = open_client.get("/decision/nope", headers={"accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text


@pytest.mark.parametrize("lang,words", [("zh", "出境台账"), ("en", "Transfer ledger")])
def test_ledger_dashboard(open_client, lang, words):
    r = open_client.get(f"/ledger?lang={lang}")
    assert r.status_code == 200 and words in r.text


def test_ledger_dashboard_records_a_scan_upload(open_client):
    from tests.web.test_scan_ledger import people_csv

    page = open_client.get("/ledger")
    r = open_client.post("/ledger/record", data={"csrf": csrf_of(page.text), "transfer_id": "W-1",
                                                 "date": "2026-03-03", "country": "us"},
                         files={"file": ("people.csv", people_csv(30))})
    assert r.status_code == 201, r.text
    assert "W-1" in r.text and "<svg" in r.text
    bad = open_client.post("/ledger/record", data={"csrf": "wrong", "transfer_id": "W-2"},
                           files={"file": ("people.csv", people_csv(3))})
    assert bad.status_code == 403


def test_no_ui_word_is_shadowed_by_a_dict_method():
    """`{{ ui.update }}` would print dict.update: keys must not be dict attribute names."""
    from chujing.web import i18n

    assert [k for k in i18n.UI if hasattr(dict, k)] == []
    assert set(i18n.UI) == {k for k in i18n.UI if set(i18n.UI[k]) == {"zh", "en"}}


def test_every_field_has_a_label(open_client):
    """Accessibility: each input and select is named by a <label for>, or sits in a <label>."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.fields, self.label_for, self.in_label = [], set(), 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "label":
                self.in_label += 1
                if a.get("for"):
                    self.label_for.add(a["for"])
            elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
                self.fields.append((a.get("id"), self.in_label > 0, a.get("name")))

        def handle_endtag(self, tag):
            if tag == "label":
                self.in_label -= 1

    page = open_client.get("/")
    r = open_client.post("/", data={"csrf": csrf_of(page.text), "n_items": "2", "n_history": "1",
                                    "item-0-kind": "personal_information", "item-0-subjects": "300000",
                                    "item-1-kind": "important_data"})
    p = Fields()
    p.feed(r.text)
    assert len(p.fields) > 15
    unlabelled = [name for fid, inside, name in p.fields if not inside and fid not in p.label_for]
    assert unlabelled == []
    assert 'aria-live="polite"' in r.text


def test_user_text_is_escaped_and_pages_forbid_foreign_scripts(open_client):
    page = open_client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    r = open_client.post("/", data={"csrf": csrf_of(page.text), "n_items": "1",
                                    "processor.name": "<script>alert(1)</script>",
                                    "item-0-name": '"><img src=x onerror=alert(1)>',
                                    "item-0-kind": "personal_information", "item-0-subjects": "3"})
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text
    assert "<img src=x" not in r.text
