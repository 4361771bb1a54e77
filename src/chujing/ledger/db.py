"""The few database calls the ledger makes, straight on the DB-API drivers (sqlite3, psycopg 3).

Importing SQLAlchemy costs ~0.4 s, most of a cold `chujing ledger status`; the ledger's queries are
plain SQL, so they run on the driver. SQLAlchemy and Alembic stay the schema's tools: they are
imported only when a ledger is created or migrated (`store._migrate`).

SQL is written with `:name` parameters (sqlite3 takes them as they are; for psycopg they become
`%(name)s`). A `Conn` offers what the ledger used of SQLAlchemy's: `execute(sql, params)` with a
dict or a list of dicts, and results with `all`, `first`, `one`, `scalar`, `scalar_one`, `mappings`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def text(sql: str) -> str:
    """SQL with `:name` parameters (kept for readability where SQLAlchemy's `text` stood)."""
    return sql


def _errors(dialect: str) -> tuple[type[BaseException], type[BaseException]]:
    """(operational error, any driver error) of a dialect's driver."""
    if dialect == "sqlite":
        import sqlite3

        return sqlite3.OperationalError, sqlite3.Error
    import psycopg

    return psycopg.OperationalError, psycopg.Error


class Result:
    def __init__(self, cursor) -> None:
        self._cur = cursor

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._cur.fetchall() if self._cur.description else [])

    def all(self) -> list[tuple]:
        return list(self)

    def first(self) -> tuple | None:
        return self._cur.fetchone() if self._cur.description else None

    def one(self) -> tuple:
        rows = self.all()
        if len(rows) != 1:
            raise LookupError(f"expected one row, got {len(rows)}")
        return rows[0]

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def mappings(self) -> Mappings:
        return Mappings(self)


class Mappings:
    def __init__(self, result: Result) -> None:
        self._result = result
        self._names = [d[0] for d in result._cur.description or ()]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (dict(zip(self._names, row, strict=True)) for row in self._result)

    def all(self) -> list[dict[str, Any]]:
        return list(self)

    def first(self) -> dict[str, Any] | None:
        row = self._result.first()
        return None if row is None else dict(zip(self._names, row, strict=True))


class Conn:
    """A DB-API connection inside one transaction."""

    def __init__(self, raw, dialect: str) -> None:
        self.raw = raw
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        if self.dialect == "sqlite":
            return sql
        return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))

    def execute(self, sql: str, params: dict[str, Any] | list[dict[str, Any]] | None = None,
                binary: bool = False) -> Result:
        """`binary`: PostgreSQL sends the results in binary form (a bytea as is, not as hex)."""
        cur = self.raw.cursor(binary=True) if binary and self.dialect != "sqlite" else self.raw.cursor()
        if isinstance(params, list):
            cur.executemany(self._sql(sql), params)
        elif params:
            cur.execute(self._sql(sql), params)
        else:
            cur.execute(sql)
        return Result(cur)

    def exec_driver_sql(self, sql: str, params: tuple | None = None) -> Result:
        cur = self.raw.cursor()
        cur.execute(sql, params) if params else cur.execute(sql)
        return Result(cur)


class Database:
    """Connections to one ledger database, kept for reuse (one per concurrent user)."""

    def __init__(self, url: str, sqlite_pragmas: tuple[str, ...] = ()) -> None:
        self.url = url
        self.dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        self.operational_error, self.error = _errors(self.dialect)
        self._pragmas = sqlite_pragmas
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def _connect(self):
        if self.dialect == "sqlite":
            import sqlite3

            path = self.url.split("///", 1)[1] if "///" in self.url else ":memory:"
            raw = sqlite3.connect(path or ":memory:", timeout=60, isolation_level=None,
                                  check_same_thread=False)
            for pragma in self._pragmas:
                raw.execute(f"PRAGMA {pragma}")
            return raw
        import psycopg

        return psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"),
                               connect_timeout=10)

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Conn]:
        """One transaction; committed if the block ends normally, else rolled back. A write
        transaction on SQLite starts `BEGIN IMMEDIATE`: writers queue instead of failing later."""
        with self._lock:
            raw = self._idle.pop() if self._idle else None
        if raw is None:
            raw = self._connect()
        ok = False
        try:
            if self.dialect == "sqlite":
                raw.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            yield Conn(raw, self.dialect)
            raw.commit() if self.dialect != "sqlite" else raw.execute("COMMIT")
            ok = True
        finally:
            if not ok:
                try:
                    raw.rollback() if self.dialect != "sqlite" else (
                        raw.in_transaction and raw.execute("ROLLBACK"))
                except self.error:
                    raw.close()
                    raw = None
            if raw is not None:
                with self._lock:
                    self._idle.append(raw)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()
