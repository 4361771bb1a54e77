"""Opening a ledger and changing it: one transaction per change, writers serialised.

SQLite (the default, a per-user file) runs in WAL mode; every write transaction starts with
`BEGIN IMMEDIATE`, so two processes never interleave a record (the second waits, up to
`busy_timeout`). PostgreSQL writers take a transaction-level advisory lock for the same effect.
A process killed mid-way leaves an uncommitted transaction, which the database rolls back.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from chujing.errors import InputError, StoreError
from chujing.ledger.db import Conn, Database
from chujing.ledger.kinds import FIRST_POPULATION_CODE, KIND_PI, KIND_SPI

HEAD_REVISION = "0002"  # the newest migration in migrations/versions (a test keeps them equal)
_PG_WRITE_LOCK = 0x6368756A  # "chuj": one advisory lock for all ledger writers
MIGRATIONS = Path(__file__).parent / "migrations"


def default_ledger_path() -> Path:
    """`$CHUJING_HOME/ledger.sqlite`, else `~/.local/share/chujing/ledger.sqlite`."""
    home = os.environ.get("CHUJING_HOME")
    base = Path(home) if home else Path.home() / ".local" / "share" / "chujing"
    return base / "ledger.sqlite"


def resolve_url(url: str | None) -> str:
    """A SQLAlchemy URL from `--ledger`, `CHUJING_LEDGER`, or the default path.

    A plain path means an SQLite file; `postgresql://` URLs use psycopg 3.
    """
    url = url or os.environ.get("CHUJING_LEDGER") or str(default_ledger_path())
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith(("sqlite://", "postgresql+psycopg://")):
        return url
    raise InputError("ledger URL must be a file path, sqlite:///PATH or postgresql://…",
                     field="--ledger")


def display_url(url: str) -> str:
    """The URL with any password masked."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def keyset(keys) -> bytes:
    """Person keys as one sorted, duplicate-free run of 16-byte hashes (numpy sorts in C)."""
    import numpy as np

    raw = bytes(keys) if isinstance(keys, bytes | bytearray | memoryview) else b"".join(keys)
    if len(raw) % 16:
        raise InputError("person keys must be 16-byte hashes", field="person_key")
    if not raw:
        return b""
    halves = np.frombuffer(raw, dtype=">u8")  # big-endian: integer order = byte order
    hi, lo = halves[0::2], halves[1::2]
    if bool(np.all((hi[1:] > hi[:-1]) | ((hi[1:] == hi[:-1]) & (lo[1:] > lo[:-1])))):
        return bytes(raw)  # already a keyset (as `integration` hands them over): no second sort
    arr = np.frombuffer(raw, dtype=np.dtype((np.void, 16)))
    return np.unique(arr).tobytes()


def keyset_len(ks: bytes) -> int:
    return len(ks) // 16


@dataclass
class TransferRecord:
    """What a ledger keeps of one transfer (person keys as 16-byte hashes, never identifiers)."""

    id: str
    date: date
    recipient_name: str | None
    recipient_country: str | None
    route: str | None
    exempt: bool
    grounds: list[str]
    exemption_rules: list[str]
    kinds: list[str]
    persons: int
    sensitive_persons: int
    populations: dict[str, int]
    facts: dict[str, Any]
    decision: dict[str, Any]
    # None: declared counts only (not deduplicable). Else "pi", "spi" and population names →
    # their persons as a `keyset` (sorted, unique 16-byte keys, concatenated).
    keys: dict[str, bytes] | None = None
    manifest_fingerprint: str | None = None
    content_hash: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if not self.id or len(self.id) > 200 or any(c in self.id for c in "\n\r\t"):
            raise InputError("transfer id must be 1-200 characters on one line", field="--id")
        if self.keys is not None:
            self.keys = {k: keyset(v) for k, v in self.keys.items()}
        self.content_hash = self._hash()

    def _hash(self) -> str:
        """Over what the user gave (not over figures that depend on what the ledger held)."""
        h = hashlib.sha256()
        body = {"id": self.id, "date": self.date.isoformat(), "exempt": self.exempt,
                "grounds": sorted(self.grounds), "facts": self.facts,
                "declared": None if self.keys is not None else
                [self.persons, self.sensitive_persons, self.populations]}
        h.update(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode())
        for kind in sorted(self.keys or {}):
            h.update(b"\0" + kind.encode() + b"\0")
            h.update(self.keys[kind])
        return h.hexdigest()


@dataclass
class RecordResult:
    id: str
    status: str  # recorded | unchanged
    new_persons: dict[str, int] = field(default_factory=dict)  # kind → first time this year


class Ledger:
    """An open ledger. Use `open_ledger()`; close with `close()` or a `with` block."""

    def __init__(self, db: Database, url: str, fingerprint: str) -> None:
        self.db = db
        self.url = url
        self.fingerprint = fingerprint
        self.dialect = db.dialect

    def value(self, v: Any) -> Any:
        """Dates and times as the driver wants them (ISO text for SQLite: no implicit adapters)."""
        if self.dialect == "sqlite" and isinstance(v, date):
            return v.isoformat()
        return v

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- transactions ------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Conn]:
        """One write transaction, serialised against every other writer."""
        try:
            with self.db.transaction(write=True) as conn:
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_WRITE_LOCK,))
                yield conn
        except self.db.operational_error as exc:
            raise StoreError(f"ledger write failed, nothing changed: {_first_line(exc)}",
                             file=display_url(self.url)) from None
        except self.db.error as exc:
            raise StoreError(f"ledger refused the change, nothing changed: {_first_line(exc)}",
                             file=display_url(self.url)) from None

    @contextmanager
    def read(self) -> Iterator[Conn]:
        """A consistent snapshot for reading."""
        try:
            with self.db.transaction(write=False) as conn:
                yield conn
        except self.db.error as exc:
            raise StoreError(f"ledger read failed: {_first_line(exc)}",
                             file=display_url(self.url)) from None

    # --- person keys ---------------------------------------------------------------------------

    def population_codes(self, conn, names, create: bool) -> dict[str, int]:
        from chujing.ledger.db import text

        codes = dict(conn.execute(text("SELECT name, code FROM populations")).all())
        missing = [n for n in names if n not in codes]
        if create and missing:
            nxt = max([FIRST_POPULATION_CODE - 1, *codes.values()]) + 1
            for name in sorted(missing):
                conn.execute(text("INSERT INTO populations (code, name) VALUES (:c, :n)"),
                             {"c": nxt, "n": name})
                codes[name] = nxt
                nxt += 1
        return codes

    def staged_rows(self, conn, keys: dict[str, bytes], create: bool) -> list[tuple[int, bytes]]:
        """(kind code, keyset) per kind, in code order; unknown populations left out."""
        pops = [k for k in keys if k not in ("pi", "spi")]
        codes = self.population_codes(conn, pops, create)
        runs: list[tuple[int, bytes]] = []
        for name, ks in keys.items():
            code = KIND_PI if name == "pi" else KIND_SPI if name == "spi" else codes.get(name)
            if code is not None:  # a population the ledger has never seen: nobody in it yet
                runs.append((code, ks))
        return sorted(runs, key=lambda r: r[0])

    # --- changes -----------------------------------------------------------------------------

    def record(self, rec: TransferRecord, actor: str | None = None) -> RecordResult:
        """Store a transfer in one transaction; the same id and content again is a no-op."""
        from chujing.ledger.db import text

        with self.write() as conn:
            row = conn.execute(text("SELECT content_hash FROM transfers WHERE id = :id"),
                               {"id": rec.id}).first()
            if row is not None:
                if row[0] == rec.content_hash:
                    return RecordResult(rec.id, "unchanged")
                raise StoreError(f"transfer {rec.id!r} is already recorded with different content; "
                                 "void it and record the new one under another id", field="--id")
            counted = not rec.exempt
            now = datetime.now(UTC)
            seq = conn.execute(text(
                "INSERT INTO transfers (id, date, year, recipient_name, recipient_country, route, "
                "exempt, grounds, exemption_rules, kinds, deduplicable, persons, sensitive_persons, "
                "populations, content_hash, facts, decision, manifest_fingerprint, recorded_at) "
                "VALUES (:id, :date, :year, :rn, :rc, :route, :exempt, :grounds, :rules, :kinds, "
                ":dedup, :persons, :spersons, :pops, :hash, :facts, :decision, :mfp, :at) "
                "RETURNING seq"), {
                    "id": rec.id, "date": self.value(rec.date), "year": rec.date.year,
                    "rn": rec.recipient_name, "rc": rec.recipient_country, "route": rec.route,
                    "exempt": rec.exempt, "grounds": _json(rec.grounds),
                    "rules": _json(rec.exemption_rules), "kinds": _json(rec.kinds),
                    "dedup": rec.keys is not None, "persons": rec.persons,
                    "spersons": rec.sensitive_persons, "pops": _json(rec.populations),
                    "hash": rec.content_hash, "facts": _json(rec.facts),
                    "decision": _json(rec.decision), "mfp": rec.manifest_fingerprint,
                    "at": self.value(now),
                }).scalar_one()
            new: dict[str, int] = {}
            if rec.keys is not None:
                rows = self.staged_rows(conn, rec.keys, create=True)
                held = [{"s": seq, "k": k, "n": keyset_len(b), "b": b} for k, b in rows if b]
                if counted:
                    new = self._add_to_tally(conn, rows, rec.date, seq)
                if held:
                    conn.execute(text("INSERT INTO transfer_keys (transfer_seq, kind, persons, keys) "
                                      "VALUES (:s, :k, :n, :b)"), held)
            self._audit(conn, "record", rec.id, actor, {
                "date": rec.date.isoformat(), "exempt": rec.exempt, "route": rec.route,
                "persons": rec.persons, "sensitive_persons": rec.sensitive_persons,
                "deduplicable": rec.keys is not None, "content_hash": rec.content_hash,
                "new_persons": new})
        return RecordResult(rec.id, "recorded", new)

    def _add_to_tally(self, conn, runs: list[tuple[int, bytes]], day: date, seq: int) -> dict[str, int]:
        """Move each person's first counted day of the year to `day` if earlier; new persons."""
        import numpy as np

        from chujing.ledger.keysets import NEVER, first_days

        year, today = day.year, day.toordinal()
        before = first_days(self, conn, runs, date(year, 1, 1), date(year, 12, 31), exclude_seq=seq)
        delta: dict[tuple[int, int], int] = defaultdict(int)
        new: dict[int, int] = {}
        for kind, first in before.items():
            fresh = int(np.count_nonzero(first == NEVER))
            if fresh:
                new[kind] = fresh
                delta[(kind, today)] += fresh
            later = first[(first != NEVER) & (first > today)]
            for d, n in zip(*np.unique(later, return_counts=True), strict=True):
                delta[(kind, int(d))] -= int(n)
                delta[(kind, today)] += int(n)
        self._apply_tally(conn, year, delta)
        return self._kind_names(conn, new)

    def _take_from_tally(self, conn, runs: list[tuple[int, bytes]], day: date, seq: int) -> None:
        """Voiding transfer `seq` (dated `day`): each of its persons' first counted day of the
        year moves to their next counted transfer, or they leave the tally."""
        import numpy as np

        from chujing.ledger.keysets import NEVER, first_days

        year, today = day.year, day.toordinal()
        others = first_days(self, conn, runs, date(year, 1, 1), date(year, 12, 31), exclude_seq=seq)
        delta: dict[tuple[int, int], int] = defaultdict(int)
        for kind, first in others.items():
            moved = first[first > today]  # NEVER included: counted here only
            delta[(kind, today)] -= len(moved)
            for d, n in zip(*np.unique(moved[moved != NEVER], return_counts=True), strict=True):
                delta[(kind, int(d))] += int(n)
        self._apply_tally(conn, year, delta)

    def _apply_tally(self, conn, year: int, delta: dict[tuple[int, int], int]) -> None:
        from chujing.ledger.db import text

        params = [{"k": k, "y": year, "d": d, "n": n} for (k, d), n in sorted(delta.items()) if n]
        if params:
            conn.execute(text(
                "INSERT INTO tally (kind, year, day, persons) VALUES (:k, :y, :d, :n) "
                "ON CONFLICT (kind, year, day) DO UPDATE SET persons = tally.persons + excluded.persons"),
                params)
            conn.execute(text("DELETE FROM tally WHERE year = :y AND persons = 0"), {"y": year})

    def _kind_names(self, conn, by_code: dict[int, int]) -> dict[str, int]:
        from chujing.ledger.db import text

        names = {code: name for name, code in conn.execute(text("SELECT name, code FROM populations"))}
        names.update({KIND_PI: "personal_information", KIND_SPI: "sensitive_personal_information"})
        return {names.get(k, str(k)): n for k, n in sorted(by_code.items())}

    def void(self, transfer_id: str, reason: str, actor: str | None = None) -> None:
        """Mark a transfer void (it stays, marked) and take its persons out of the counts."""
        from chujing.ledger.db import text

        if not reason or not reason.strip():
            raise InputError("a reason is required to void a transfer", field="--reason")
        with self.write() as conn:
            row = conn.execute(text("SELECT seq, date, exempt, voided_at, deduplicable FROM transfers "
                                    "WHERE id = :id"), {"id": transfer_id}).first()
            if row is None:
                raise StoreError(f"no transfer {transfer_id!r} in the ledger", field="ID")
            seq, day, exempt, voided_at, dedup = row
            if voided_at is not None:
                raise StoreError(f"transfer {transfer_id!r} was already voided on "
                                 f"{_as_dt(voided_at):%Y-%m-%d}", field="ID")
            if dedup and not exempt:
                runs = [(int(k), bytes(b)) for k, b in conn.execute(text(
                    "SELECT kind, keys FROM transfer_keys WHERE transfer_seq = :s ORDER BY kind"),
                    {"s": seq}, binary=True)]
                self._take_from_tally(conn, runs, _as_date(day), seq)
            conn.execute(text("UPDATE transfers SET voided_at = :at, void_reason = :r WHERE seq = :seq"),
                         {"at": self.value(datetime.now(UTC)), "r": reason.strip(), "seq": seq})
            self._audit(conn, "void", transfer_id, actor, {"reason": reason.strip()})

    def _audit(self, conn, action: str, transfer_id: str | None, actor: str | None,
               detail: dict[str, Any]) -> None:
        from chujing.ledger.db import text

        conn.execute(text("INSERT INTO audit_log (at, action, transfer_id, actor, detail) "
                          "VALUES (:at, :a, :id, :actor, :d)"),
                     {"at": self.value(datetime.now(UTC)), "a": action, "id": transfer_id,
                      "actor": actor or _actor(), "d": _json(detail)})

    # --- reading -----------------------------------------------------------------------------

    def transfers(self, year: int | None = None) -> list[dict[str, Any]]:
        from chujing.ledger.db import text

        sql = "SELECT * FROM transfers"
        params: dict[str, Any] = {}
        if year is not None:
            sql += " WHERE year = :y"
            params["y"] = year
        with self.read() as conn:
            rows = conn.execute(text(sql + " ORDER BY date, seq"), params).mappings().all()
        return [_transfer_dict(r) for r in rows]

    def transfer(self, transfer_id: str) -> dict[str, Any]:
        from chujing.ledger.db import text

        with self.read() as conn:
            row = conn.execute(text("SELECT * FROM transfers WHERE id = :id"),
                               {"id": transfer_id}).mappings().first()
            if row is None:
                raise StoreError(f"no transfer {transfer_id!r} in the ledger", field="ID")
            out = _transfer_dict(row)
            kinds = conn.execute(text("SELECT kind, persons FROM transfer_keys WHERE transfer_seq = :s"),
                                 {"s": row["seq"]}).all()
            out["person_keys"] = self._kind_names(conn, dict(kinds))
            out["audit"] = [dict(a) for a in conn.execute(text(
                "SELECT seq, at, action, actor, detail FROM audit_log WHERE transfer_id = :id "
                "ORDER BY seq"), {"id": transfer_id}).mappings()]
        for a in out["audit"]:
            a["at"] = _as_dt(a["at"]).isoformat()
            a["detail"] = json.loads(a["detail"])
        return out

    def audit_log(self) -> list[dict[str, Any]]:
        from chujing.ledger.db import text

        with self.read() as conn:
            rows = conn.execute(text("SELECT * FROM audit_log ORDER BY seq")).mappings().all()
        return [{**dict(r), "at": _as_dt(r["at"]).isoformat(), "detail": json.loads(r["detail"])}
                for r in rows]


# --- opening ---------------------------------------------------------------------------------

def open_ledger(url: str | None = None, *, fingerprint: str | None = None) -> Ledger:
    """Open (creating and migrating if needed) the ledger at `url`.

    `fingerprint` is the person key's fingerprint; by default the key `chujing.personkey`
    finds. A ledger made under another key is refused: its hashes would never match.
    """
    full = resolve_url(url)
    if fingerprint is None:
        from chujing.personkey import key_fingerprint, load_key

        fingerprint = key_fingerprint(load_key())
    if full.startswith("sqlite"):
        path = full.split("///", 1)[1] if "///" in full else ""
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the ledger's folder: {exc.strerror}",
                                 file=path) from None
    db = Database(full, _SQLITE_PRAGMAS)
    ledger = Ledger(db, full, fingerprint)
    try:
        _migrate(ledger)
        _check_fingerprint(ledger)
    except db.error as exc:
        db.close()
        raise StoreError(f"cannot open ledger: {_first_line(exc)}", file=display_url(full)) from None
    except BaseException:
        db.close()
        raise
    return ledger


_SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=60000",
                   "temp_store=MEMORY", "cache_size=-262144", "foreign_keys=ON")


def _migrate(ledger: Ledger) -> None:
    """Create or upgrade the schema (Alembic, hence SQLAlchemy: imported only when needed)."""
    try:
        with ledger.db.transaction(write=False) as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except ledger.db.error:
        version = None
    if version == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event
    from sqlalchemy import exc as sa_exc

    sqlite = ledger.dialect == "sqlite"
    engine = create_engine(ledger.url, connect_args={"timeout": 60} if sqlite else {"connect_timeout": 10})
    if sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        # IMMEDIATE takes the write lock up front: two migrating processes queue.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.connect() as conn, conn.begin():
            if not sqlite:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITE_LOCK})")
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except sa_exc.SQLAlchemyError as exc:
        raise StoreError(f"cannot open ledger: {_first_line(exc)}",
                         file=display_url(ledger.url)) from None
    finally:
        engine.dispose()


def _sqlite_connect(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_conn.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def _check_fingerprint(ledger: Ledger) -> None:
    from chujing.ledger.db import text

    def stored(conn):
        return conn.execute(text("SELECT value FROM ledger_meta WHERE name = 'key_fingerprint'")).scalar()

    with ledger.read() as conn:
        fp = stored(conn)
    if fp is None:
        with ledger.write() as conn:
            fp = stored(conn)
            if fp is None:
                conn.execute(text("INSERT INTO ledger_meta (name, value) VALUES ('key_fingerprint', :v), "
                                  "('created_at', :at)"),
                             {"v": ledger.fingerprint, "at": datetime.now(UTC).isoformat()})
                ledger._audit(conn, "create", None, None, {"key_fingerprint": ledger.fingerprint})
                fp = ledger.fingerprint
    if fp != ledger.fingerprint:
        raise StoreError("this ledger was made under another person key (fingerprint "
                         f"{fp[:8]}…, current key {ledger.fingerprint[:8]}…); its hashes would not "
                         "match: set CHUJING_KEY / CHUJING_KEY_FILE to the ledger's key",
                         file=display_url(ledger.url))


# --- helpers ---------------------------------------------------------------------------------

def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


def _as_dt(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _transfer_dict(r) -> dict[str, Any]:
    return {
        "id": r["id"], "date": _as_date(r["date"]).isoformat(),
        "recipient": {"name": r["recipient_name"], "country": r["recipient_country"]},
        "route": r["route"], "exempt": bool(r["exempt"]), "grounds": json.loads(r["grounds"]),
        "exemption_rules": json.loads(r["exemption_rules"]), "kinds": json.loads(r["kinds"]),
        "deduplicable": bool(r["deduplicable"]), "persons": r["persons"],
        "sensitive_persons": r["sensitive_persons"], "populations": json.loads(r["populations"]),
        "manifest_fingerprint": r["manifest_fingerprint"],
        "recorded_at": _as_dt(r["recorded_at"]).isoformat(),
        "voided": r["voided_at"] is not None,
        "voided_at": _as_dt(r["voided_at"]).isoformat() if r["voided_at"] is not None else None,
        "void_reason": r["void_reason"], "content_hash": r["content_hash"],
        "facts": json.loads(r["facts"]), "decision": json.loads(r["decision"]),
    }
