"""`GET /v1/reports/{id}`: a saved assessment as JSON, HTML or PDF.

HTML and PDF come from the report module (`chujing.report`) when it is installed; until then HTML
falls back to the decision page in a standalone, printable form, and PDF answers 501.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from chujing.web.errors import error_body
from chujing.web.services import decide, dumps, missing_module, optional, validate_scenario


def _decision(web, report_id: str):
    raw = web.store.load_assessment(report_id) if len(report_id) <= 64 else None
    if raw is None:
        raise HTTPException(404, f"no report {report_id!r}")
    scenario = validate_scenario(raw, web.book)
    return decide(scenario, web.book)


def render_report(request: Request, web, report_id: str, fmt: str, lang: str,
                  draft: str | None) -> Response:
    scenario, decision = _decision(web, report_id)
    d = decision.to_dict()
    if fmt == "json":
        return Response(dumps(d), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="decision-{report_id}.json"'})
    report = optional("chujing.report")
    if report is None:
        if fmt == "html":
            return _fallback_html(request, web, report_id, d, lang)
        body = missing_module(f"the {fmt} report", "chujing.report")
        return JSONResponse(error_body(501, body["message"]), status_code=501)
    from chujing.web.report_adapter import render_with_module

    return render_with_module(report, scenario, decision, d, report_id, fmt, lang, draft)


def _fallback_html(request: Request, web, report_id: str, d: dict, lang: str) -> HTMLResponse:
    lang = "en" if lang == "en" else "zh"
    from pathlib import Path

    from chujing.decision import PATHWAY_LABELS
    from chujing.web import i18n
    from chujing.web.pages import decision_context

    css = (Path(__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    ctx = {"request": request, "lang": lang, "ui": {k: v[lang] for k, v in i18n.UI.items()},
           "pathway_labels": PATHWAY_LABELS,
           "kind_labels": i18n.KIND_LABELS, "status_labels": i18n.STATUS_LABELS, "inline_css": css,
           "standalone": True,
           **decision_context(request, report_id, d, lang)}
    html = web.templates.get_template("report.html").render(ctx)
    from chujing.web.report_adapter import REPORT_CSP

    return HTMLResponse(html, headers={
        "Content-Disposition": f'attachment; filename="report-{report_id}.html"',
        "Content-Security-Policy": REPORT_CSP})
