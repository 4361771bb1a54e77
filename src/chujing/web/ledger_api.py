"""`/v1/ledger/…`: the transfer register (`chujing.ledger`), opened once per server process."""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from chujing.web.errors import error_body, invalid_facts
from chujing.web.services import InvalidFacts, missing_module, optional, validate_scenario

router = APIRouter(prefix="/ledger", tags=["ledger"])
_lock = threading.Lock()


class RecordRequest(BaseModel):
    """A transfer to record: its id, its scenario, and optionally a scan manifest kept by the server."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200, description="Your id for the transfer (unique)")
    scenario: dict[str, Any] = Field(description="The transfer's scenario (no `history`: the ledger is the history)")
    manifest_id: str | None = Field(default=None, max_length=64,
                                    description="From POST /v1/scan: record the scanned persons' keys")


def _unavailable() -> JSONResponse:
    return JSONResponse(error_body(501, missing_module("the ledger", "chujing.ledger")["message"]),
                        status_code=501)


def get_ledger(web):
    """The server's ledger (opened and migrated on first use)."""
    led = getattr(web, "ledger", None)
    if led is not None:
        return led
    with _lock:
        if getattr(web, "ledger", None) is None:
            from chujing.ledger import open_ledger

            web.ledger = open_ledger(web.settings.ledger_url)
    return web.ledger


def status(web, as_of: date) -> dict[str, Any]:
    from chujing.ledger import integration

    out = integration.status(get_ledger(web), web.book, as_of)
    counts = out.get("counts", {})
    current = {"personal_information": counts.get("personal_information", 0),
               "sensitive_personal_information": counts.get("sensitive_personal_information", 0)}
    counter = {"personal_information": "count.pi", "sensitive_personal_information": "count.spi"}
    out["chart"] = [{"counter": counter[kind], "threshold": t["threshold"], "wording": t["wording"],
                     "route": t["route"], "current": current[kind], "remaining": t["remaining"]}
                    for kind, ts in out.get("thresholds", {}).items() for t in ts]
    return out


def list_transfers(web, year: int | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    rows = get_ledger(web).transfers(year)
    rows.reverse()  # newest first
    return rows[:limit] if limit else rows


def record(web, transfer_id: str, raw: dict, manifest_path=None) -> dict[str, Any]:
    """Assess the transfer against what the ledger holds, and record it."""
    from chujing.engine import assess
    from chujing.ledger import integration

    scenario = validate_scenario(raw, web.book)
    day = scenario.transfer.date or scenario.as_of or date.today()
    scenario = scenario.model_copy(update={"as_of": day})
    led = get_ledger(web)
    prepared = integration.prepare(scenario, led, manifest_path, day, book=web.book)
    decision = assess(prepared, web.book, as_of=day)
    result = integration.record(led, transfer_id, prepared, decision, manifest_path, actor="web")
    return {"id": result.id, "status": result.status, "route": str(decision.pathway),
            "new_persons": result.new_persons, "decision": decision.to_dict()}


@router.get("/transfers", summary="The transfers recorded in the ledger",
            responses={401: {"description": "No valid API token"},
                       501: {"description": "The ledger module is not installed"}})
def transfers_route(request: Request,
                    year: Annotated[int | None, Query(ge=1900, le=9999)] = None) -> Any:
    web = request.app.state.web
    if optional("chujing.ledger") is None:
        return _unavailable()
    return {"transfers": list_transfers(web, year)}


@router.post("/transfers", summary="Assess and record a transfer",
             description="Assesses the scenario against this window's earlier transfers in the "
                         "ledger and records it. The same id with the same content again changes "
                         "nothing (200, status `unchanged`); a new record answers 201.",
             status_code=201,
             responses={200: {"description": "Already recorded with the same content"},
                        401: {"description": "No valid API token"},
                        409: {"description": "The ledger refused (e.g. the id holds other content)"},
                        422: {"description": "Invalid facts"},
                        501: {"description": "The ledger module is not installed"}})
def record_route(request: Request, body: RecordRequest) -> Any:
    web = request.app.state.web
    if optional("chujing.ledger") is None:
        return _unavailable()
    manifest = None
    if body.manifest_id is not None:
        from chujing.web.scan_api import manifest_path

        manifest = manifest_path(web, body.manifest_id)
        if manifest is None or not manifest.exists():
            raise HTTPException(404, f"no manifest {body.manifest_id!r}")
    try:
        out = record(web, body.id, body.scenario, manifest)
    except InvalidFacts as exc:
        return invalid_facts([{**e, "field": "scenario." + e["field"] if e.get("field") else "scenario"}
                              for e in exc.errors])
    return JSONResponse(out, status_code=201 if out["status"] == "recorded" else 200)


@router.get("/status", summary="People exported this window, per kind, against each threshold",
            responses={401: {"description": "No valid API token"},
                       422: {"description": "Invalid date"},
                       501: {"description": "The ledger module is not installed"}})
def status_route(request: Request, as_of: Annotated[date | None, Query()] = None) -> Any:
    web = request.app.state.web
    if optional("chujing.ledger") is None:
        return _unavailable()
    return status(web, as_of or date.today())


async def record_from_upload_form(request: Request, web) -> tuple[dict[str, Any], int]:
    """The dashboard's form: scan the uploaded file, then record the transfer with its manifest."""
    from starlette.concurrency import run_in_threadpool

    from chujing.errors import ChujingError
    from chujing.web.auth import check_csrf
    from chujing.web.scan_api import manifest_path, scan_file
    from chujing.web.upload import receive_upload

    if optional("chujing.ledger") is None or optional("chujing.scan") is None:
        return {"zh": "台账或扫描模块尚未安装。", "en": "The ledger or scanner module is not installed.",
                "bad": True}, 501
    up = await receive_upload(request, web.settings.max_upload_bytes, web.settings.upload_dir)
    try:
        check_csrf(request, up.fields.get("csrf"))
        tid = (up.fields.get("transfer_id") or "").strip()
        day_text = (up.fields.get("date") or "").strip()
        try:
            day = date.fromisoformat(day_text) if day_text else date.today()
        except ValueError:
            return {"zh": f"日期无效：{day_text}", "en": f"not a date: {day_text}", "bad": True}, 422
        country = (up.fields.get("country") or "").strip().upper() or None
        ciio = {"yes": True, "no": False}.get(up.fields.get("ciio") or "")
        scan = await run_in_threadpool(scan_file, web, up.path, day, None)
    finally:
        up.cleanup()
    raw = {"as_of": day.isoformat(), "processor": {"ciio": ciio},
           "transfer": {"date": day.isoformat(), "recipient": {"country": country}}}
    try:
        out = await run_in_threadpool(record, web, tid, raw, manifest_path(web, scan["manifest"]["id"]))
    except InvalidFacts as exc:
        e = exc.errors[0]
        return {"zh": f"无法登记：{e['message']}", "en": f"cannot record: {e['message']}", "bad": True}, 422
    except ChujingError as exc:
        return {"zh": f"无法登记：{exc}", "en": f"cannot record: {exc}", "bad": True}, 409
    from chujing.decision import PATHWAY_LABELS

    n = scan["manifest"]["subjects"]
    route = PATHWAY_LABELS.get(out["route"], {"zh": out["route"], "en": out["route"]})
    if out["status"] == "unchanged":
        return {"zh": f"{tid} 已登记且内容相同，未作更改。", "en": f"{tid} was already recorded with the same content."}, 200
    return {"zh": f"已登记 {tid}：扫描到 {n:,} 人，路径：{route['zh']}。",
            "en": f"Recorded {tid}: {n:,} people found in the scan; route: {route['en']}."}, 201
