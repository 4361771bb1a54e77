"""The FastAPI application: `create_app(settings)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import MutableHeaders

from chujing.web.assess_fast import PATH as ASSESS_PATH
from chujing.web.assess_fast import handle as handle_assess
from chujing.web.auth import SessionCodec
from chujing.web.services import DecisionCache
from chujing.web.settings import WebSettings
from chujing.web.store import WebStore, load_or_create_secret

HERE = Path(__file__).parent


@dataclass
class WebState:
    settings: WebSettings
    store: WebStore
    sessions: SessionCodec
    book: object
    templates: Jinja2Templates
    cache: DecisionCache = field(default_factory=DecisionCache)


class ChujingApp(FastAPI):
    """`POST /v1/assess` goes straight to its handler (assess_fast.py), before the framework's
    middleware, routing and dependencies, which cost more than a cached answer; the rest as usual."""

    web: WebState

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == ASSESS_PATH and scope["method"] == "POST":
            await handle_assess(self.web, scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: WebSettings | None = None) -> ChujingApp:
    from chujing import __version__
    from chujing.rulebook import default_rulebook, load_rulebook
    from chujing.web import api, errors, pages

    settings = settings or WebSettings.from_env()
    # A broken rulebook stops the server at start, not on a request.
    book = load_rulebook(settings.rulebook_dir) if settings.rulebook_dir else default_rulebook()
    store = WebStore(settings.db_path)
    secret = settings.secret or load_or_create_secret(settings.home)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app = ChujingApp(
        title="chujing",
        version=__version__,
        summary="China outbound data transfer (数据出境) rules engine",
        description=(
            "Decide the legal route for a planned export of data from mainland China, with the "
            "reasons article by article. Every route but `/healthz` needs "
            "`Authorization: Bearer <token>` (create one with `chujing token create NAME`). "
            "Errors are `{\"error\": {\"status\", \"message\", \"field\", \"errors\"}}`."
        ),
        docs_url=None,  # Swagger UI loads from a CDN: /api is a server-rendered list instead
        redoc_url=None,
        openapi_url=None,  # served by api.py behind the token check
    )
    app.state.web = WebState(settings, store, SessionCodec(secret, settings.session_hours), book,
                             templates)
    errors.install(app)
    _openapi_with_scenario(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SecurityHeaders)
    app.web = app.state.web
    return app


# Pages load only their own script and style: an injected <script> would not run, and no other
# site may frame them (clickjacking).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Pure ASGI middleware (BaseHTTPMiddleware would run every request in its own task group)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings from CHUJING_WEB_SETTINGS (set by `chujing serve`)."""
    import os

    text = os.environ.get("CHUJING_WEB_SETTINGS")
    app = create_app(WebSettings.from_env_json(text) if text else None)
    settle(app)
    return app


WARM_UP = {"processor": {"ciio": False}, "transfer": {"data": [
    {"kind": "personal_information", "subjects": 1000}, {"kind": "sensitive_personal_information"}]}}


def settle(app: ChujingApp) -> None:
    """In a server worker: decide one scenario (today's rule set and its caches get built), then
    move everything alive into the collector's permanent generation. A full collection would
    otherwise walk the rulebook's ~80,000 objects, a pause of tens of milliseconds that lands in
    the latency tail of every request waiting behind it."""
    import contextlib
    import gc

    from chujing.web.services import decide, validate_scenario

    # A rulebook without today's regime still starts: its requests say so.
    with contextlib.suppress(Exception):
        decide(validate_scenario(WARM_UP, app.web.book), app.web.book)[1].to_json()
    gc.collect()
    gc.freeze()


def _openapi_with_scenario(app: FastAPI) -> None:
    """The assess body is read raw (for speed and our own error shape): document it by hand."""
    from fastapi.openapi.utils import get_openapi

    from chujing.facts import Scenario

    def build() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             description=app.description, routes=app.routes)
        scen = Scenario.model_json_schema(ref_template="#/components/schemas/{model}")
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps.update(scen.pop("$defs", {}))
        comps["Scenario"] = scen
        schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        schema["security"] = [{"bearer": []}]
        schema["paths"].get("/healthz", {}).get("get", {})["security"] = []
        app.openapi_schema = schema
        return schema

    app.openapi = build
