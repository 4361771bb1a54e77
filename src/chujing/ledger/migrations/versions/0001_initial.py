"""The ledger's first schema: transfers, per-kind membership of person keys, tallies, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ledger_meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "transfers",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(200), nullable=False, unique=True),
        sa.Column("date", sa.Date, nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("recipient_name", sa.Text),
        sa.Column("recipient_country", sa.String(8)),
        sa.Column("route", sa.String(64)),
        sa.Column("exempt", sa.Boolean, nullable=False),
        sa.Column("grounds", sa.Text, nullable=False),
        sa.Column("exemption_rules", sa.Text, nullable=False),
        sa.Column("kinds", sa.Text, nullable=False),
        sa.Column("deduplicable", sa.Boolean, nullable=False),
        sa.Column("persons", sa.BigInteger, nullable=False),
        sa.Column("sensitive_persons", sa.BigInteger, nullable=False),
        sa.Column("populations", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("manifest_fingerprint", sa.String(64)),
        sa.Column("recorded_at", _TZ, nullable=False),
        sa.Column("voided_at", _TZ),
        sa.Column("void_reason", sa.Text),
    )
    op.create_table(
        "populations",
        sa.Column("code", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
    )
    # Counted persons only (exempt and voided transfers have none here). New transfers go to
    # `membership_recent`, a small b-tree that is cheap to insert into; `compact()` merges it into
    # `membership` now and then (see store.py).
    for name in ("membership", "membership_recent"):
        op.create_table(
            name,
            sa.Column("kind", sa.SmallInteger, primary_key=True),
            sa.Column("year", sa.SmallInteger, primary_key=True),
            sa.Column("person", sa.LargeBinary(16), primary_key=True),
            sa.Column("transfer_seq", sa.Integer, primary_key=True),
            sa.Column("day", sa.Integer, nullable=False),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "transfer_keys",
        sa.Column("transfer_seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.SmallInteger, primary_key=True),
        sa.Column("persons", sa.BigInteger, nullable=False),
        sa.Column("keys", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "tally",
        sa.Column("kind", sa.SmallInteger, primary_key=True),
        sa.Column("year", sa.SmallInteger, primary_key=True),
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("persons", sa.BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("transfer_id", sa.String(200)),
        sa.Column("actor", sa.Text),
        sa.Column("detail", sa.Text, nullable=False),
    )
    # The audit log is append-only and transfers are voided, never deleted: the database itself
    # refuses, so no code path (or hand-run SQL) can quietly rewrite the record.
    if op.get_bind().dialect.name == "sqlite":
        for table, what in (("audit_log", "UPDATE"), ("audit_log", "DELETE"), ("transfers", "DELETE")):
            op.execute(f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute("CREATE FUNCTION chujing_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION chujing_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION chujing_append_only()")
        op.execute("CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers "
                   "FOR EACH ROW EXECUTE FUNCTION chujing_append_only()")


def downgrade() -> None:
    for name in ("audit_log", "tally", "transfer_keys", "membership_recent", "membership", "populations", "transfers", "ledger_meta"):
        op.drop_table(name)
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS chujing_append_only() CASCADE")
