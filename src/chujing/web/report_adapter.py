"""Reports through the report module (`chujing.report.render`): HTML, PDF, Markdown; drafts later."""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response

from chujing.web.errors import error_body

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "markdown": "text/markdown; charset=utf-8"}
EXT = {"html": "html", "pdf": "pdf", "markdown": "md"}
# A report is a self-contained document with its own inline CSS and no script.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The drafts a route calls for (chujing.report.drafts routes).
DRAFTS_FOR = {
    "standard_contract_or_certification": ["standard_contract", "certification"],
    "security_assessment": ["security_assessment"],
    "exempt": ["inventory"],
    "other_path": ["inventory"],
}
DRAFT_TITLES = {
    "standard_contract": {"zh": "标准合同备案材料（含个人信息保护影响评估）",
                          "en": "Standard contract filing (with the PIPIA outline)"},
    "certification": {"zh": "个人信息保护认证申请清单", "en": "PI protection certification checklist"},
    "security_assessment": {"zh": "数据出境风险自评估报告及申报清单",
                            "en": "Self-assessment report and declaration checklist"},
    "inventory": {"zh": "出境数据清单", "en": "Inventory of exported data"},
}


def available_drafts(d: dict) -> list[dict]:
    from chujing.web.services import optional

    if optional("chujing.report.drafts") is None:
        return []
    return [{"id": r, "title": DRAFT_TITLES[r]} for r in DRAFTS_FOR.get(d.get("pathway", ""), [])]


def render_draft(scenario, d: dict, report_id: str, fmt: str, lang: str, draft: str | None) -> Response:
    from chujing.web.services import optional

    drafts = optional("chujing.report.drafts")
    if drafts is None:
        return JSONResponse(error_body(501, "filing drafts are not available in this installation "
                                            "yet (chujing.report.drafts is not installed)"), status_code=501)
    route = draft or (DRAFTS_FOR.get(d.get("pathway", "")) or ["inventory"])[0]
    doc = drafts.build(route, decision=d, scenario=scenario.model_dump(mode="json", exclude_none=True))
    if fmt == "md":
        body, media, ext = drafts.to_markdown(doc, lang).encode("utf-8"), MEDIA["markdown"], "md"
    else:
        body, media, ext = drafts.to_docx(doc, lang), DOCX, "docx"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{route}-{report_id}.{ext}"'})


def render_with_module(report, scenario, decision, d: dict, report_id: str, fmt: str, lang: str,
                       draft: str | None) -> Response:
    if draft is not None or fmt == "docx":
        return render_draft(scenario, d, report_id, fmt, lang, draft)
    fmt = "markdown" if fmt == "md" else fmt
    body = report.render(d, scenario.model_dump(mode="json", exclude_none=True), fmt, lang)
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'{disposition}; filename="report-{report_id}.{EXT[fmt]}"',
        "Content-Security-Policy": REPORT_CSP})
