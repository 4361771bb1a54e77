"""Errors as JSON: `{"error": {"status", "message", "field", "errors": [{"field", "message"}]}}`.

422 for facts that do not validate, 413 for uploads over the limit, 404, 401; never a traceback.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from chujing.errors import ChujingError, InputError, RulebookError, StoreError

log = logging.getLogger("chujing.web")


def error_body(status: int, message: str, field: str | None = None,
               errors: list[dict] | None = None) -> dict:
    err: dict = {"status": status, "message": message}
    if field:
        err["field"] = field
    err["errors"] = errors if errors is not None else [{"field": field, "message": message}]
    return {"error": err}


def dotted(loc) -> str:
    out = ""
    for p in loc:
        if isinstance(p, str) and p.startswith("function-"):
            continue
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def pydantic_errors(exc: ValidationError | RequestValidationError, drop: tuple = ()) -> list[dict]:
    out = []
    for e in exc.errors():
        loc = tuple(p for p in e.get("loc", ()) if p not in drop)
        msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
        out.append({"field": dotted(loc) or None, "message": msg})
    return out


def invalid_facts_body(errors: list[dict]) -> dict:
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    more = len(errors) - 1
    msg = first["message"] + (f" (and {more} more)" if more > 0 else "")
    return error_body(422, msg, first["field"], errors)


def invalid_facts(errors: list[dict]) -> JSONResponse:
    return JSONResponse(invalid_facts_body(errors), status_code=422)


def chujing_error(exc: ChujingError) -> tuple[int, dict]:
    """Status and JSON body for the project's own errors."""
    if isinstance(exc, InputError):
        return 422, invalid_facts_body([{"field": exc.field, "message": exc.message}])
    if isinstance(exc, StoreError):
        return 409, error_body(409, str(exc), exc.field)
    if isinstance(exc, RulebookError):
        return 422, error_body(422, str(exc), exc.field)
    return 400, error_body(400, str(exc), exc.field)


def wants_html(request: Request) -> bool:
    path = request.url.path
    return (not path.startswith(("/v1/", "/healthz", "/openapi.json", "/questionnaire/"))
            and "text/html" in request.headers.get("accept", ""))


def html_error(request: Request, status: int, message: str):
    from chujing.web.pages import render

    return render(request, "error.html", {"status": status, "message": message}, status=status)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        msg = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and msg == "Not Found":
            msg = f"no such resource: {request.url.path}"
        if wants_html(request):
            return html_error(request, exc.status_code, msg)
        return JSONResponse(error_body(exc.status_code, msg), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return invalid_facts(pydantic_errors(exc))

    @app.exception_handler(ChujingError)
    async def _chujing(request: Request, exc: ChujingError):
        status, body = chujing_error(exc)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body(500, f"internal error ({type(exc).__name__}); "
                                            "the server log has the details"), status_code=500)


__all__ = ["HTTPException", "error_body", "install", "invalid_facts", "pydantic_errors"]
