"""parse health, the page of a §, what a vote's ja and nej meant, whose proposal a yrkande backs,
the entity of a figure

A document keeps how far its parse can be trusted (`documents.health`, `documents.doubtful`) and
a § why its parse may be wrong (`paragraphs.doubts`), so that answers built on it can say so.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): on SQLite a batch copy drops and renames `documents`,
    # and with foreign keys on, dropping it deletes the rows that refer to it
    op.add_column('documents', sa.Column('health', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('documents', sa.Column('doubtful', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('paragraphs', sa.Column('page', sa.Integer(), nullable=True))
    op.add_column('paragraphs', sa.Column('doubts', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('votes', sa.Column('yes_means', sa.String(), nullable=True))
    op.add_column('votes', sa.Column('no_means', sa.String(), nullable=True))
    op.add_column('votes', sa.Column('doubts', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('figures', sa.Column('entity', sa.String(), nullable=True))
    op.add_column('motions', sa.Column('supports', sa.String(), nullable=True))


def downgrade() -> None:
    for table, column in [('motions', 'supports'), ('figures', 'entity'), ('votes', 'doubts'), ('votes', 'no_means'),
                          ('votes', 'yes_means'), ('paragraphs', 'doubts'), ('paragraphs', 'page'),
                          ('documents', 'doubtful'), ('documents', 'health')]:
        op.drop_column(table, column)
