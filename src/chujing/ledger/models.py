"""The ledger's tables (SQLAlchemy 2). Migrations in `migrations/` create them; keep both in step.

- `ledger_meta`: name/value pairs; `key_fingerprint` names the person key the hashes were made
  under (never the key itself).
- `transfers`: one row per recorded transfer, voided ones included (kept and marked).
- `populations`: codes for FTZ-list populations (membership kinds 2, 3, …).
- `transfer_keys`: each transfer's persons per kind (16-byte keyed hashes) as one blob of
  sorted keys, exempt and voided transfers included. Kind 0 is every person whose PI left
  (non-sensitive PI = every person exported), kind 1 sensitive PI, kind ≥ 2 a population.
  It is the only record of who was in which transfer: `keysets.py` looks persons up in the
  year's counted keysets (migration 0002 dropped 0001's per-person index tables).
- `tally`: per kind and year, how many persons had their first counted transfer of that year on
  each day (days as `date.toordinal()`). Adding a day's rows up to a date gives the year's
  distinct persons without reading any keyset (that is what makes `ledger status` answer in
  milliseconds at 20M keys).
- `audit_log`: every change, append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from chujing.ledger.kinds import FIRST_POPULATION_CODE, KIND_NAMES, KIND_PI, KIND_SPI  # noqa: F401


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "ledger_meta"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Transfer(Base):
    __tablename__ = "transfers"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    year: Mapped[int] = mapped_column(Integer)
    recipient_name: Mapped[str | None] = mapped_column(Text)
    recipient_country: Mapped[str | None] = mapped_column(String(8))
    route: Mapped[str | None] = mapped_column(String(64))
    exempt: Mapped[bool] = mapped_column(Boolean)
    grounds: Mapped[str] = mapped_column(Text)  # JSON list
    exemption_rules: Mapped[str] = mapped_column(Text)  # JSON list of rule ids
    kinds: Mapped[str] = mapped_column(Text)  # JSON list of data kinds
    deduplicable: Mapped[bool] = mapped_column(Boolean)
    persons: Mapped[int] = mapped_column(BigInteger)
    sensitive_persons: Mapped[int] = mapped_column(BigInteger)
    populations: Mapped[str] = mapped_column(Text)  # JSON {population: persons}
    content_hash: Mapped[str] = mapped_column(String(64))
    facts: Mapped[str] = mapped_column(Text)  # JSON: processor + transfer as given
    decision: Mapped[str] = mapped_column(Text)  # JSON: route, rulebook version, counts
    manifest_fingerprint: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)


class Population(Base):
    __tablename__ = "populations"
    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class TransferKeys(Base):
    """Each transfer's persons of one kind as a keyset blob: what counting, `void` and `show`
    read (see `keysets.py`)."""

    __tablename__ = "transfer_keys"
    transfer_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    persons: Mapped[int] = mapped_column(BigInteger)
    keys: Mapped[bytes] = mapped_column(LargeBinary)


class Tally(Base):
    __tablename__ = "tally"
    __table_args__ = ({"sqlite_with_rowid": False},)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    persons: Mapped[int] = mapped_column(BigInteger)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(32))
    transfer_id: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)  # JSON
