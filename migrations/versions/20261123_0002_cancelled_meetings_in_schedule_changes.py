"""cancelled meetings in schedule changes

A protocol may cancel a meeting ("att ställa in sammanträdet den 5 december"): a schedule change
without a new date. Existing rows are moves (cancelled = false).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:10:59.934359
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.alter_column('to_date',
               existing_type=sa.DATE(),
               nullable=True)


def downgrade() -> None:
    # The old schema cannot hold a cancellation (no new date): those rows go.
    op.execute("DELETE FROM schedule_changes WHERE to_date IS NULL")
    with op.batch_alter_table('schedule_changes', schema=None) as batch_op:
        batch_op.alter_column('to_date',
               existing_type=sa.DATE(),
               nullable=False)
        batch_op.drop_column('cancelled')
