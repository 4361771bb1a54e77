"""Membership is looked up in the transfers' keysets: the per-person index tables go.

`membership` and `membership_recent` held, per counted person, a copy of what `transfer_keys`
already holds (each transfer's keysets). Inserting random 16-byte keys into that index made a
record's cost grow with the ledger, and merging the two tables cost more still; lookups now
read the year's keysets instead (chujing/ledger/keysets.py). Nothing is lost: the keysets,
transfers, tallies and audit log are untouched. One way only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("membership_recent")
    op.drop_table("membership")
    op.execute("DELETE FROM ledger_meta WHERE name = 'compacted_through'")


def downgrade() -> None:
    raise NotImplementedError("0002 is one way: 0001's index tables would have to be rebuilt")
