"""party and date indexes for reservations and notes

"/reservationer SD" on a large store: the newest rows of a party come from the index instead of
sorting all of them (50 ms -> a few ms on 160,000 paragraphs, bench/latency.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:13:26.780227
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index('ix_notes_party_date', ['party_key', 'date'], unique=False)

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_party_date', ['party_key', 'date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_reservations_party_date')

    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_party_date')
