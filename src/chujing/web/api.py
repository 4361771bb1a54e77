"""REST API under /v1 (and /healthz): the same decision JSON as `chujing assess --format json`."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect

from chujing.facts import Scenario
from chujing.web.auth import require_api
from chujing.web.errors import error_body, invalid_facts
from chujing.web.services import (
    InvalidFacts,
    decide,
    dumps,
    missing_module,
    optional,
    validate_scenario,
)

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


def _scenario_schema() -> dict:
    schema = Scenario.model_json_schema(ref_template="#/components/schemas/{model}")
    return schema


async def _read_json_body(request: Request, limit: int) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InvalidFacts([{"field": None, "message": f"body larger than {limit} bytes"}])
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise InvalidFacts([{"field": None, "message": f"body larger than {limit} bytes"}])
    return bytes(body)


@v1.post(
    "/assess",
    tags=["assess"],
    summary="Decide the route for a scenario",
    description="The body is a scenario (design.md); the answer is the decision, exactly as "
                "`chujing assess --format json` prints it. `as_of` overrides the scenario's date. "
                "With `save=true` the scenario is kept and the response's `X-Chujing-Report` header "
                "names the id for `/v1/reports/{id}`. With `ledger=true` this year's earlier transfers "
                "from the server's ledger are added.",
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
) -> Response:
    web = _web(request)
    try:
        body = await _read_json_body(request, web.settings.max_body_bytes)
    except InvalidFacts as exc:
        return JSONResponse(error_body(413, exc.errors[0]["message"]), status_code=413)
    except ClientDisconnect:  # the caller went away mid-body: nobody to answer
        return Response(status_code=400)
    use_ledger = ledger
    if use_ledger and optional("chujing.ledger") is None:
        return JSONResponse(error_body(501, missing_module("the ledger", "chujing.ledger")["message"]),
                            status_code=501)
    key = (body, as_of, date.today()) if not (save or use_ledger) else None
    if key is not None and (hit := web.cache.get(key)) is not None:
        return Response(hit, media_type=JSON_MEDIA)
    try:
        raw = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        return invalid_facts([{"field": None, "message": f"invalid JSON{where}"}])
    try:
        scenario = validate_scenario(raw, web.book)
        led = None
        if use_ledger:
            from chujing.web.ledger_api import get_ledger

            led = get_ledger(web)
        scenario, decision = decide(scenario, web.book, as_of, led)
    except InvalidFacts as exc:
        return invalid_facts(exc.errors)
    out = dumps(decision.to_dict())
    headers = {}
    if save:
        ident = web.store.save_assessment(scenario.model_dump(mode="json", exclude_none=True))
        headers = {"X-Chujing-Report": ident, "Location": f"/v1/reports/{ident}"}
    elif key is not None:
        web.cache.put(key, out)
    return Response(out, media_type=JSON_MEDIA, headers=headers)


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
