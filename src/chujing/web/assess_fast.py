"""`POST /v1/assess` as a plain ASGI handler, ahead of the framework's per-request layers.

Under load every microsecond a request spends is queueing time for the callers behind it. The
framework's routing, dependency solving, thread-pool hop for the token check and a
BaseHTTPMiddleware task group cost ~2 ms a request, far more than a cached answer itself, so
this handler does the same work (token, body limit, cache, validation, engine) without them. The
FastAPI route in api.py stays for the OpenAPI schema and answers through the same `handle()`;
`ChujingApp` (app.py) sends the path here before any middleware.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import parse_qsl

from pydantic import TypeAdapter, ValidationError

from chujing.errors import ChujingError
from chujing.web.auth import token_refusal
from chujing.web.errors import chujing_error, error_body, invalid_facts_body, pydantic_errors
from chujing.web.services import (
    InvalidFacts,
    decide,
    dumps,
    missing_module,
    optional,
    validate_scenario_json,
)

log = logging.getLogger("chujing.web")

PATH = "/v1/assess"
JSON_HEADERS = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"same-origin")]


@dataclass(frozen=True, slots=True)
class Options:
    """The query string: parsed by the same pydantic types FastAPI would use, so the same errors."""

    as_of: date | None = None
    save: bool = False
    ledger: bool = False
    detail: Literal["full", "summary"] = "full"


DEFAULT = Options()
_TYPES = {"as_of": TypeAdapter(date), "save": TypeAdapter(bool), "ledger": TypeAdapter(bool),
          "detail": TypeAdapter(Literal["full", "summary"])}


_SEEN: dict[bytes, Options] = {}  # callers repeat a handful of query strings


def parse_options(query: bytes) -> Options:
    if not query:
        return DEFAULT
    opts = _SEEN.get(query)
    if opts is None:
        opts = _parse_options(query)
        if len(_SEEN) >= 1024:
            _SEEN.clear()
        _SEEN[query] = opts
    return opts


def _parse_options(query: bytes) -> Options:
    values, errors = {}, []
    for name, raw in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if name in _TYPES:  # unknown parameters are ignored, as FastAPI does
            try:
                values[name] = _TYPES[name].validate_python(raw)
            except ValidationError as exc:
                errors += [{"field": f"query.{name}", "message": e["message"]}
                           for e in pydantic_errors(exc)]
    if errors:
        raise InvalidFacts(errors)
    return Options(**values) if values else DEFAULT


class TooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


async def read_body(receive, limit: int, declared: bytes | None) -> bytes:
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientGone
    body = message.get("body", b"")
    if not message.get("more_body"):  # the usual case: the whole scenario in one message
        if len(body) > limit:
            raise TooLarge
        return body
    parts, size = [body], len(body)
    while message.get("more_body"):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        parts.append(chunk)
    return b"".join(parts)


def answer(web, body: bytes, opts: Options) -> tuple[int, bytes, list]:
    """(status, JSON bytes, extra headers) for a scenario body. The engine is pure: the same body,
    options and day give the same bytes, so answers not saved or counted against the ledger are
    cached per worker."""
    key = None
    if not (opts.save or opts.ledger):
        key = (body, opts.as_of, opts.detail, date.today())
        hit = web.cache.get(key)
        if hit is not None:
            return 200, hit, []
    if opts.ledger and optional("chujing.ledger") is None:
        return 501, dumps(error_body(501, missing_module("the ledger", "chujing.ledger")["message"])), []
    try:
        scenario = validate_scenario_json(body, web.book)
        led = None
        if opts.ledger:
            from chujing.web.ledger_api import get_ledger

            led = get_ledger(web)
        scenario, decision = decide(scenario, web.book, opts.as_of, led)
    except InvalidFacts as exc:
        return 422, dumps(invalid_facts_body(exc.errors)), []
    # ?detail=summary: no trace, obligations, headroom, risks or notes (the engine writes them lazily).
    out = decision.to_json(trace=opts.detail != "summary")
    if opts.save:
        ident = web.store.save_assessment(scenario.model_dump(mode="json", exclude_none=True))
        return 200, out, [(b"x-chujing-report", ident.encode()),
                          (b"location", f"/v1/reports/{ident}".encode())]
    if key is not None:
        web.cache.put(key, out)
    return 200, out, []


def request_headers(headers) -> tuple[bytes | None, bytes | None]:
    """The Authorization and Content-Length values of an ASGI header list."""
    auth = length = None
    for name, value in headers:
        if name == b"authorization":
            auth = value
        elif name == b"content-length":
            length = value
    return auth, length


def refusal(web, auth: bytes | None) -> tuple[int, bytes, list] | None:
    """The 401 answer when the bearer token is missing or not active, else None."""
    refused = None if web.settings.no_auth else token_refusal(web, auth)
    if refused is None:
        return None
    message, challenge = refused
    return 401, dumps(error_body(401, message)), [(b"www-authenticate", challenge.encode())]


def failure(web, exc: Exception) -> tuple[int, bytes, list]:
    """The JSON error for what stopped an answer (called in its `except` block)."""
    if isinstance(exc, InvalidFacts):
        return 422, dumps(invalid_facts_body(exc.errors)), []
    if isinstance(exc, ChujingError):  # a rulebook gap for the date, a store refusal…
        status, body = chujing_error(exc)
        return status, dumps(body), []
    if isinstance(exc, TooLarge):
        limit = web.settings.max_body_bytes
        return 413, dumps(error_body(413, f"body larger than {limit} bytes")), []
    if isinstance(exc, ClientGone):  # nobody is left to answer
        return 400, b"{}", []
    # As errors.install's handler: JSON, no traceback to the caller.
    log.exception("internal error on POST %s", PATH)
    return 500, dumps(error_body(500, f"internal error ({type(exc).__name__}); "
                                      "the server log has the details")), []


def whole(web, headers, query: bytes, body: bytes) -> tuple[int, bytes, list]:
    """The answer to a request whose body is all in hand (web/protocol.py answers from here):
    the same checks in the same order as `handle`."""
    auth, _length = request_headers(headers)
    result = refusal(web, auth)
    if result is None:
        try:
            opts = parse_options(query)
            if len(body) > web.settings.max_body_bytes:
                raise TooLarge
            result = answer(web, body, opts)
        except Exception as exc:
            result = failure(web, exc)
    return result


def response_headers(out: bytes, extra: list) -> list:
    return [*JSON_HEADERS, (b"content-length", str(len(out)).encode()), *extra]


async def handle(web, scope, receive, send) -> None:
    """Answer one `POST /v1/assess` on the raw ASGI channel."""
    auth, length = request_headers(scope["headers"])
    result = refusal(web, auth)
    if result is None:
        try:
            opts = parse_options(scope.get("query_string", b""))
            body = await read_body(receive, web.settings.max_body_bytes, length)
            result = answer(web, body, opts)
        except Exception as exc:
            result = failure(web, exc)
    status, out, extra = result
    await send({"type": "http.response.start", "status": status,
                "headers": response_headers(out, extra)})
    await send({"type": "http.response.body", "body": out})
