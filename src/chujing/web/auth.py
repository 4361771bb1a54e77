"""Who may call: API tokens (Authorization: Bearer) and, for the pages, a signed session cookie.

The session cookie is HttpOnly and SameSite=Lax, signed with HMAC-SHA256; it names the token the
user logged in with (never the token itself), so revoking that token ends the session too. Every
form carries a CSRF token that must match the session's. With `--no-auth` every request is let in
and every page shows a warning banner; CSRF checks stay on (a page on another site could still
post to a server on localhost).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request

SESSION_COOKIE = "chujing_session"


@dataclass
class Session:
    token_id: str | None  # None: not logged in
    csrf: str
    expires: float

    @property
    def authenticated(self) -> bool:
        return self.token_id is not None


class SessionCodec:
    def __init__(self, secret: bytes, hours: float) -> None:
        self.secret = secret
        self.seconds = int(hours * 3600)

    def new(self, token_id: str | None = None) -> Session:
        return Session(token_id, secrets.token_urlsafe(18), time.time() + self.seconds)

    def dumps(self, s: Session) -> str:
        payload = json.dumps({"t": s.token_id, "c": s.csrf, "e": int(s.expires)},
                             separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def loads(self, value: str | None) -> Session | None:
        if not value or "." not in value or len(value) > 1000:
            return None
        body, sig = value.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(body)):
            return None
        try:
            d = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            s = Session(d["t"], d["c"], float(d["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return s if s.expires > time.time() else None

    def _sign(self, body: str) -> str:
        mac = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def request_session(request: Request) -> Session:
    """The visitor's session (a fresh anonymous one if the cookie is missing, bad or expired)."""
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    web = request.app.state.web
    s = web.sessions.loads(request.cookies.get(SESSION_COOKIE))
    if s is not None and s.token_id is not None and web.store.active_by_id(s.token_id) is None:
        s = None  # the token behind this session was revoked
    if s is None:
        s = web.sessions.new()
        request.state.new_session = True
    request.state.session = s
    return s


def set_session_cookie(request: Request, response, session: Session) -> None:
    web = request.app.state.web
    response.set_cookie(SESSION_COOKIE, web.sessions.dumps(session), max_age=web.sessions.seconds,
                        httponly=True, samesite="lax", secure=web.settings.secure_cookies, path="/")


NEED_TOKEN = ("an API token is needed: Authorization: Bearer <token> "
              "(create one with `chujing token create NAME`)", "Bearer")
BAD_TOKEN = ("invalid or revoked API token", 'Bearer error="invalid_token"')


def bearer_token(header: str | bytes | None) -> str | None:
    if not header:
        return None
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def token_refusal(web, header: str | bytes | None) -> tuple[str, str] | None:
    """None if the Authorization header carries an active token, else why not and the
    WWW-Authenticate challenge. Token lookups are cached in memory for a few seconds (store.py)."""
    token = bearer_token(header)
    if token is None:
        return NEED_TOKEN
    return None if web.store.verify(token) is not None else BAD_TOKEN


async def require_api(request: Request) -> None:
    """Dependency for /v1: a valid bearer token, or (for GET only) a logged-in session.
    Async so that it runs on the event loop, not through the thread pool."""
    web = request.app.state.web
    if web.settings.no_auth:
        return
    refused = token_refusal(web, request.headers.get("authorization"))
    if refused is None:
        return
    if (refused is NEED_TOKEN and request.method in ("GET", "HEAD")
            and request_session(request).authenticated):
        return
    raise HTTPException(401, refused[0], headers={"WWW-Authenticate": refused[1]})


def page_user_ok(request: Request) -> bool:
    web = request.app.state.web
    return web.settings.no_auth or request_session(request).authenticated


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request_session(request).csrf
    if not submitted or not hmac.compare_digest(str(submitted), expected):
        raise HTTPException(403, "the form has expired or did not come from this site: reload the page")
