"""The web service's own small SQLite file ($CHUJING_HOME/web.sqlite): API tokens and saved assessments.

Tokens are kept as SHA-256 digests only; the token itself is shown once, when it is created.
The file is separate from the ledger on purpose: the ledger may be a shared PostgreSQL database,
while tokens belong to one server. Saved assessments hold the scenario (facts about a company,
never raw person identifiers), so a report can be rebuilt from it at any time: the engine is pure.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chujing.errors import InputError, StoreError

TOKEN_PREFIX = "cj_"
SCHEMA = """
CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS assessments (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    scenario TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class TokenInfo:
    id: str
    name: str
    created_at: str
    revoked_at: str | None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class WebStore:
    """Thread-safe by construction: each call opens its own short-lived connection."""

    CACHE_SECONDS = 5.0  # a revoked token stops working within this time on a running server

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, tuple[float, TokenInfo | None]] = {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the web store: {exc}", file=str(self.path)) from None
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout=10000")
        return db

    # --- tokens ---------------------------------------------------------------------------------

    def create_token(self, name: str) -> tuple[str, TokenInfo]:
        name = name.strip()
        if not name or len(name) > 100:
            raise InputError("a token name is 1–100 characters", field="NAME")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        info = TokenInfo(id=secrets.token_hex(6), name=name, created_at=_now(), revoked_at=None)
        with self._connect() as db:
            db.execute("INSERT INTO api_tokens (id, name, sha256, created_at) VALUES (?, ?, ?, ?)",
                       (info.id, info.name, token_digest(token), info.created_at))
        return token, info

    def list_tokens(self) -> list[TokenInfo]:
        with self._connect() as db:
            rows = db.execute("SELECT id, name, created_at, revoked_at FROM api_tokens "
                              "ORDER BY created_at, id").fetchall()
        return [TokenInfo(*r) for r in rows]

    def revoke(self, id_or_name: str) -> list[TokenInfo]:
        with self._connect() as db:
            rows = db.execute("SELECT id, name, created_at, revoked_at FROM api_tokens "
                              "WHERE (id = ? OR name = ?) AND revoked_at IS NULL",
                              (id_or_name, id_or_name)).fetchall()
            if not rows:
                raise InputError(f"no active token with id or name {id_or_name!r}", field="TOKEN")
            when = _now()
            db.executemany("UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
                           [(when, r[0]) for r in rows])
        self._cache.clear()
        return [TokenInfo(r[0], r[1], r[2], when) for r in rows]

    def verify(self, token: str) -> TokenInfo | None:
        """The active token with this value, or None."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        return self._lookup("sha256", token_digest(token))

    def active_by_id(self, token_id: str) -> TokenInfo | None:
        return self._lookup("id", token_id)

    def _lookup(self, column: str, value: str) -> TokenInfo | None:
        key = f"{column}:{value}"
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit and now - hit[0] < self.CACHE_SECONDS:
            return hit[1]
        with self._connect() as db:
            row = db.execute(f"SELECT id, name, created_at, revoked_at FROM api_tokens "  # noqa: S608
                             f"WHERE {column} = ? AND revoked_at IS NULL", (value,)).fetchone()
        info = TokenInfo(*row) if row else None
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key] = (now, info)
        return info

    # --- saved assessments ----------------------------------------------------------------------

    def save_assessment(self, scenario_json: dict) -> str:
        text = json.dumps(scenario_json, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        ident = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO assessments (id, created_at, scenario) VALUES (?, ?, ?)",
                       (ident, _now(), text))
        return ident

    def load_assessment(self, ident: str) -> dict | None:
        with self._connect() as db:
            row = db.execute("SELECT scenario FROM assessments WHERE id = ?", (ident,)).fetchone()
        return json.loads(row[0]) if row else None


def load_or_create_secret(home: Path) -> bytes:
    """CHUJING_WEB_SECRET, else $CHUJING_HOME/web-secret (created 0600 on first use)."""
    env = os.environ.get("CHUJING_WEB_SECRET")
    if env:
        return env.encode("utf-8")
    path = home / "web-secret"
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except ValueError:
        raise StoreError("web secret file is not hex", file=str(path)) from None
    home.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
        time.sleep(0.05)
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as fh:
        fh.write(secret.hex())
    return secret
