"""REST API under /v1 (and /healthz): the same decision JSON as `chujing assess --format json`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from chujing.web.assess_fast import handle
from chujing.web.auth import require_api

router = APIRouter()
v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_api)])

ERRORS = {
    401: {"description": "No valid API token"},
    422: {"description": "Invalid facts: `{error: {status, message, field, errors: [{field, message}]}}`"},
}
JSON_MEDIA = "application/json"


def _web(request: Request):
    return request.app.state.web


@router.get("/healthz", tags=["health"], summary="Liveness and the rulebook version")
def healthz(request: Request) -> dict[str, Any]:
    book = _web(request).book
    return {"status": "ok", "rulebook": {"version": book.version, "hash": book.hash}}


@router.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_api)])
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@v1.post(
    "/assess",
    tags=["assess"],
    summary="Decide the route for a scenario",
    description="The body is a scenario (design.md); the answer is the decision, exactly as "
                "`chujing assess --format json` prints it. `as_of` overrides the scenario's date. "
                "With `save=true` the scenario is kept and the response's `X-Chujing-Report` header "
                "names the id for `/v1/reports/{id}`. With `ledger=true` this year's earlier transfers "
                "from the server's ledger are added. With `detail=summary` the answer is the route, "
                "its reasons (summary text; each item's `decided_by` rules), the open questions "
                "and the counts, without the trace: a tenth of the bytes, for pipelines that only "
                "route. Answers not saved or counted against the ledger are cached per worker "
                "(the engine is pure: the same body, options and day give the same bytes).",
    openapi_extra={"requestBody": {"required": True, "content": {JSON_MEDIA: {
        "schema": {"$ref": "#/components/schemas/Scenario"}}}}},
    responses={200: {"description": "The decision", "content": {JSON_MEDIA: {
        "schema": {"type": "object"}}}}, **ERRORS,
        413: {"description": "Body too large"}},
)
async def assess_route(
    request: Request,
    as_of: Annotated[date | None, Query(description="Apply the law in force on this date")] = None,
    save: Annotated[bool, Query(description="Keep the scenario for /v1/reports/{id}")] = False,
    ledger: Annotated[bool, Query(description="Add this year's transfers from the ledger")] = False,
    detail: Annotated[Literal["full", "summary"], Query(
        description="`summary`: route, summary, questions, items (with the rules that decided "
                    "them) and counts, without the trace, obligations, headroom, risks and "
                    "notes")] = "full",
) -> Response:
    # ChujingApp answers this path before the framework sees it (assess_fast.py);
    # the route documents it and answers the same way when the router is used on its own.
    return AnsweredRaw(_web(request))


class AnsweredRaw(Response):
    """A response written by assess_fast.handle on the raw ASGI channel."""

    def __init__(self, web) -> None:
        self.web = web
        self.background = None

    async def __call__(self, scope, receive, send) -> None:
        await handle(self.web, scope, receive, send)


@v1.get("/rules", tags=["rules"], summary="Instruments and rules in force on a date",
        responses=ERRORS)
def rules(request: Request,
          as_of: Annotated[date | None, Query(description="Default: today")] = None) -> dict[str, Any]:
    book = _web(request).book
    day = as_of or date.today()
    by_inst: dict[str, list] = {}
    for r in book.rules.values():
        if r.in_force(day):
            by_inst.setdefault(r.instrument.id, []).append(_rule_brief(r))
    return {"as_of": day.isoformat(), "rulebook": {"version": book.version, "hash": book.hash},
            "instruments": [{"id": i, "title": book.instruments[i].title.model_dump(), "rules": rs}
                            for i, rs in by_inst.items()]}


def _rule_brief(r) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "route": r.rule.route,
            "citation": r.rule.citation.model_dump()}


@v1.get("/rules/{rule_id:path}", tags=["rules"], summary="One rule in full",
        responses={**ERRORS, 404: {"description": "No such rule"}})
def rule(request: Request, rule_id: str) -> dict[str, Any]:
    from fastapi import HTTPException

    book = _web(request).book
    r = book.rules.get(rule_id)
    if r is None:
        raise HTTPException(404, f"no rule {rule_id!r}")
    out = {"id": r.id, "kind": r.kind, "instrument": {"id": r.instrument.id,
                                                      "title": r.instrument.title.model_dump()},
           "in_force": {"from": r.active_from.isoformat(),
                        "to": r.active_to.isoformat() if r.active_to.year < 9999 else None},
           "overrides": sorted(r.overrides), "unaffected": sorted(r.unaffected),
           "file": str(r.file.relative_to(book.data_dir)),
           "rule": r.rule.model_dump(mode="json", exclude_none=True)}
    if r.superseded_by:
        out["superseded_by"] = {"rule": r.superseded_by[0], "from": r.superseded_by[1].isoformat()}
    return out


# --- scan ------------------------------------------------------------------------------------

@v1.post(
    "/scan",
    tags=["scan"],
    summary="Scan an uploaded dataset for personal information",
    description="Multipart upload with one `file` part (.csv .tsv .txt .parquet .jsonl .xlsx). The "
                "body is streamed to a temporary file and refused with 413 past the server's limit "
                "(`--max-upload`). Returns the scan result (counts, categories, masked samples) and "
                "the id of the manifest the server kept (keyed person hashes, no raw identifiers), "
                "for `POST /v1/ledger/transfers`. The uploaded file is deleted after the scan.",
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}}}},
    responses={**ERRORS, 413: {"description": "Upload over the size limit"},
               415: {"description": "Not multipart, or an unsupported file type"},
               501: {"description": "The scanner module is not installed"}},
)
async def scan_route(
    request: Request,
    as_of: Annotated[date | None, Query(description="Scan date: picks the sensitivity profile")] = None,
    profile: Annotated[str | None, Query(max_length=64, description="Sensitivity profile id")] = None,
) -> Response:
    from chujing.web.scan_api import scan_upload

    return await scan_upload(request, _web(request), as_of, profile)


@v1.get("/scan/manifests/{manifest_id}", tags=["scan"], summary="Download a kept scan manifest",
        responses={**ERRORS, 404: {"description": "No such manifest"}})
def scan_manifest(request: Request, manifest_id: str) -> Response:
    from fastapi import HTTPException
    from fastapi.responses import FileResponse

    from chujing.web.scan_api import manifest_path

    path = manifest_path(_web(request), manifest_id)
    if path is None or not path.exists():
        raise HTTPException(404, f"no manifest {manifest_id!r}")
    return FileResponse(path, media_type="application/vnd.apache.parquet",
                        filename=f"manifest-{manifest_id}.parquet")


# --- reports -----------------------------------------------------------------------------------

@v1.get(
    "/reports/{report_id}",
    tags=["reports"],
    summary="The report of a saved assessment (JSON, HTML or PDF)",
    description="`report_id` comes from `POST /v1/assess?save=true` (header `X-Chujing-Report`) "
                "or from the questionnaire. The decision is recomputed from the saved facts. "
                "`format=docx` (or `draft=…`) gives a filing draft prefilled from the decision: "
                "`standard_contract`, `certification`, `security_assessment` or `inventory` "
                "(default: the one the route calls for).",
    responses={**ERRORS, 404: {"description": "No such report"},
               501: {"description": "That format needs the report module, not installed yet"}},
)
def report(
    request: Request,
    report_id: str,
    format: Annotated[str, Query(pattern="^(json|html|pdf|md|docx)$")] = "json",  # noqa: A002
    lang: Annotated[str, Query(pattern="^(zh|en|both)$")] = "zh",
    draft: Annotated[str | None, Query(
        pattern="^(standard_contract|certification|security_assessment|inventory)$",
        description="A filing draft (with format=docx or md)")] = None,
) -> Response:
    from chujing.web.reports_api import render_report

    return render_report(request, _web(request), report_id, format, lang, draft)


from chujing.web import ledger_api  # noqa: E402

v1.include_router(ledger_api.router)
router.include_router(v1)
