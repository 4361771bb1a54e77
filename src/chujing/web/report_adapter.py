"""Reports through the report module (`chujing.report.render`): HTML, PDF, Markdown; drafts later."""

from __future__ import annotations

from fastapi.responses import JSONResponse, Response

from chujing.web.errors import error_body

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "markdown": "text/markdown; charset=utf-8"}
EXT = {"html": "html", "pdf": "pdf", "markdown": "md"}


def render_with_module(report, scenario, decision, d: dict, report_id: str, fmt: str, lang: str,
                       draft: str | None) -> Response:
    if draft is not None or fmt == "docx":
        drafts = getattr(report, "render_draft", None)
        if drafts is None:
            return JSONResponse(error_body(501, "filing drafts are not available in this installation "
                                                "yet (the report module has no drafts)"), status_code=501)
        body, media, ext = drafts(d, scenario.model_dump(mode="json"), draft, lang)
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{draft}-{report_id}.{ext}"'})
    fmt = "markdown" if fmt == "md" else fmt
    body = report.render(d, scenario.model_dump(mode="json", exclude_none=True), fmt, lang)
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'{disposition}; filename="report-{report_id}.{EXT[fmt]}"'})
