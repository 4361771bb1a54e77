"""The pages: login, the guided questionnaire, the decision, the ledger dashboard, the API list."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chujing.decision import PATHWAY_LABELS
from chujing.web import i18n
from chujing.web.auth import (
    check_csrf,
    page_user_ok,
    request_session,
    set_session_cookie,
)
from chujing.web.charts import headroom_svg
from chujing.web.questionnaire import (
    DictForm,
    FormState,
    attach_errors,
    fact_fields,
    form_from_scenario,
    read_form,
)
from chujing.web.services import InvalidFacts, decide, optional, validate_scenario

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "chujing_lang"


def _web(request: Request):
    return request.app.state.web


def current_lang(request: Request) -> str:
    q = request.query_params.get("lang")
    return i18n.pick_lang(q or request.cookies.get(LANG_COOKIE))


def render(request: Request, template: str, ctx: dict[str, Any], status: int = 200,
           lang: str | None = None) -> HTMLResponse:
    web = _web(request)
    lang = lang or current_lang(request)
    session = request_session(request)
    base = {
        "request": request, "lang": lang, "other_lang": "en" if lang == "zh" else "zh",
        "ui": {k: v[lang] for k, v in i18n.UI.items()}, "glossary": {k: v[lang] for k, v in i18n.GLOSSARY.items()},
        "no_auth": web.settings.no_auth, "csrf": session.csrf, "logged_in": session.authenticated,
        "pathway_labels": PATHWAY_LABELS, "kind_labels": i18n.KIND_LABELS,
        "ground_labels": i18n.GROUND_LABELS, "status_labels": i18n.STATUS_LABELS,
        "has_ledger_module": optional("chujing.ledger") is not None,
        "rulebook_version": web.book.version,
    }
    base.update(ctx)
    resp = web.templates.TemplateResponse(request, template, base, status_code=status)
    if getattr(request.state, "new_session", False):
        set_session_cookie(request, resp, session)
    if request.cookies.get(LANG_COOKIE) != lang:
        resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _login_redirect(request: Request) -> RedirectResponse:
    nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={_safe_next(nxt)}", status_code=303)


def _safe_next(nxt: str | None) -> str:
    if not nxt or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/"
    return nxt


async def _form(request: Request) -> Any:
    try:
        return await request.form(max_files=0, max_fields=2000)
    except Exception:  # noqa: BLE001 - a malformed or oversized form
        raise HTTPException(400, "malformed form") from None


# --- login -----------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return render(request, "login.html", {"next": _safe_next(next), "failed": False})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    web = _web(request)
    nxt = _safe_next(form.get("next"))
    info = web.store.verify(str(form.get("token") or "").strip())
    if info is None:
        return render(request, "login.html", {"next": nxt, "failed": True}, status=401)
    resp = RedirectResponse(nxt, status_code=303)
    set_session_cookie(request, resp, web.sessions.new(info.id))  # a fresh session: no fixation
    return resp


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    resp = RedirectResponse("/login", status_code=303)
    set_session_cookie(request, resp, _web(request).sessions.new())
    return resp


@router.get("/lang")
def switch_lang(request: Request, set: str = "zh", next: str = "/") -> Response:  # noqa: A002
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(LANG_COOKIE, i18n.pick_lang(set), max_age=365 * 86400, samesite="lax", httponly=True)
    return resp


# --- the questionnaire -----------------------------------------------------------------------

def _evaluate(request: Request, st: FormState, lang: str) -> dict[str, Any]:
    """The route so far for a form state, and the questions to show next."""
    web = _web(request)
    decision = None
    if not st.errors and st.has_data:
        try:
            scenario = validate_scenario(st.raw, web.book)
            _, d = decide(scenario, web.book, ledger_url=_ledger_url(web, st))
            decision = d.to_dict()
        except InvalidFacts as exc:
            attach_errors(st, exc.errors)
    return {"st": st, "decision": decision, "fields": fact_fields(st, web.book, decision),
            "words": {k: [(w, web.book.word_label(k, w, lang)) for w in web.book.word_ids(k)]
                      for k in ("ftz", "sector", "scenario")},
            "kinds": list(i18n.KIND_LABELS), "grounds": list(i18n.GROUND_LABELS),
            "ledger_available": optional("chujing.ledger") is not None}


def _ledger_url(web, st: FormState):
    """The server's open ledger when the form asks to count from it."""
    if not st.use_ledger or optional("chujing.ledger") is None:
        return None
    from chujing.web.ledger_api import get_ledger

    return get_ledger(web)


@router.get("/", response_class=HTMLResponse)
def questionnaire(request: Request, start: str | None = None) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    web = _web(request)
    form = DictForm()
    if start:
        raw = web.store.load_assessment(start)
        if raw is None:
            raise HTTPException(404, f"no saved assessment {start!r}")
        form = DictForm(form_from_scenario(raw))
    lang = current_lang(request)
    return render(request, "questionnaire.html", _evaluate(request, read_form(form, web.book), lang))


@router.post("/", response_class=HTMLResponse)
async def questionnaire_post(request: Request) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    st = read_form(form, _web(request).book)
    lang = st.lang_switch or current_lang(request)
    return render(request, "questionnaire.html", _evaluate(request, st, lang), lang=lang)


@router.post("/questionnaire/live", response_class=HTMLResponse)
async def questionnaire_live(request: Request) -> Response:
    """The fragment the page's script swaps in: the questions that matter now, and the route."""
    if not page_user_ok(request):
        raise HTTPException(401, "log in again")
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    st = read_form(form, _web(request).book)
    lang = current_lang(request)
    return render(request, "_live.html", _evaluate(request, st, lang))


@router.post("/decision")
async def decision_post(request: Request) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    form = await _form(request)
    check_csrf(request, form.get("csrf"))
    web = _web(request)
    st = read_form(form, web.book)
    lang = current_lang(request)
    if not st.errors:
        try:
            scenario = validate_scenario(st.raw, web.book)
            # With the ledger, keep the facts as the engine saw them (the ledger's earlier transfers
            # as history): the report then shows the count as it stood when the decision was made.
            scenario, _ = decide(scenario, web.book, ledger_url=_ledger_url(web, st))
        except InvalidFacts as exc:
            attach_errors(st, exc.errors)
        else:
            ident = web.store.save_assessment(scenario.model_dump(mode="json", exclude_none=True))
            return RedirectResponse(f"/decision/{ident}", status_code=303)
    return render(request, "questionnaire.html", _evaluate(request, st, lang), status=422)


@router.get("/decision/{ident}", response_class=HTMLResponse)
def decision_page(request: Request, ident: str) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    web = _web(request)
    raw = web.store.load_assessment(ident)
    if raw is None:
        raise HTTPException(404, f"no saved assessment {ident!r}")
    lang = current_lang(request)
    scenario = validate_scenario(raw, web.book)
    _, d = decide(scenario, web.book)
    d = d.to_dict()
    return render(request, "decision.html", decision_context(request, ident, d, lang))


def decision_context(request: Request, ident: str, d: dict, lang: str) -> dict[str, Any]:
    report = optional("chujing.report")
    considered = [f for f in d["findings"] if f["status"] != "superseded"]
    return {"ident": ident, "d": d, "report_module": report is not None,
            "chart": headroom_svg(d["headroom"], lang, i18n.t("headroom", lang)),
            "findings": considered, "drafts": _drafts(report, d)}


def _drafts(report, d: dict) -> list[dict]:
    if report is None:
        return []
    from chujing.web.report_adapter import available_drafts

    return available_drafts(d)


# --- ledger dashboard ------------------------------------------------------------------------

@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, as_of: date | None = None) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    from chujing.web.ledger_view import dashboard

    lang = current_lang(request)
    ctx = dashboard(_web(request), lang, as_of or date.today())
    return render(request, "ledger.html", ctx)


@router.post("/ledger/record", response_class=HTMLResponse)
async def ledger_record(request: Request) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    from chujing.web.ledger_view import dashboard, record_upload

    web = _web(request)
    lang = current_lang(request)
    message, status = await record_upload(request, web)
    ctx = dashboard(web, lang, date.today())
    ctx["message"] = message
    return render(request, "ledger.html", ctx, status=status)


# --- API list (Swagger UI would need a CDN) ----------------------------------------------------

@router.get("/api", response_class=HTMLResponse)
def api_list(request: Request) -> Response:
    if not page_user_ok(request):
        return _login_redirect(request)
    schema = request.app.openapi()
    ops = [{"method": m.upper(), "path": p, "summary": op.get("summary", ""),
            "description": op.get("description", "")}
           for p, methods in schema.get("paths", {}).items() for m, op in methods.items()]
    return render(request, "api.html", {"ops": ops})
