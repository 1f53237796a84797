"""identity across documents: organisation keys, body names and parents, people per
organisation with their variants and parties, links between cases; the body a decision entry
is proposed to

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN where SQLite allows it: a batch copy of a parent table drops and renames
    # it, and with foreign keys on that deletes the rows that refer to it
    op.add_column('organisations', sa.Column('key', sa.String(), nullable=False, server_default=''))
    op.create_index('ix_organisations_key', 'organisations', ['key'])
    # a column with a foreign key: SQLite adds it by copying the table (foreign keys are off
    # while `knowledge.db.migrate` runs, so the copy keeps every row that refers to a body)
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_bodies_parent_id_bodies', 'bodies', ['parent_id'], ['id'],
                                    ondelete='SET NULL')
    op.create_table(
        'body_names',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('body_id', sa.Integer(), sa.ForeignKey('bodies.id', ondelete='CASCADE'), nullable=False),
        sa.Column('name_key', sa.String(), nullable=False),
        sa.UniqueConstraint('body_id', 'name_key'),
    )
    op.create_index('ix_body_names_body_id', 'body_names', ['body_id'])
    op.create_index('ix_body_names_name_key', 'body_names', ['name_key'])
    op.create_table(
        'case_links',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('case_id', sa.Integer(), sa.ForeignKey('cases.id', ondelete='CASCADE'), nullable=False),
        sa.Column('other_id', sa.Integer(), sa.ForeignKey('cases.id', ondelete='CASCADE'), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.UniqueConstraint('case_id', 'other_id'),
    )
    op.create_index('ix_case_links_case_id', 'case_links', ['case_id'])
    op.create_index('ix_case_links_other_id', 'case_links', ['other_id'])
    op.add_column('cases', sa.Column('series', sa.String(), nullable=False, server_default=''))
    op.add_column('decisions', sa.Column('proposed_to', sa.String(), nullable=True))
    op.create_index('ix_cases_series', 'cases', ['series'])
    op.create_table(
        'paragraph_refs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('paragraph_id', sa.Integer(), sa.ForeignKey('paragraphs.id', ondelete='CASCADE'), nullable=False),
        sa.Column('body_key', sa.String(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
    )
    op.create_index('ix_paragraph_refs_paragraph_id', 'paragraph_refs', ['paragraph_id'])
    op.create_index('ix_paragraph_refs_target', 'paragraph_refs', ['body_key', 'date', 'number'])
    # people: per organisation, with their family name, parties and merged spellings. The
    # unique key changes, so the table is rebuilt (nothing refers to it with ON DELETE CASCADE).
    # the old unique key has no name of its own: a naming convention gives it one on SQLite;
    # PostgreSQL named it people_name_key_party_key
    postgres = op.get_bind().dialect.name == 'postgresql'
    old_unique = 'people_name_key_party_key' if postgres else 'uq_people_name_key'
    with op.batch_alter_table('people', schema=None,
                              naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('family_key', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('parties', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('variants', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.drop_constraint(old_unique, type_='unique')
        batch_op.create_unique_constraint('uq_people_organisation_id_name_key_party',
                                          ['organisation_id', 'name_key', 'party'])
        batch_op.create_foreign_key('fk_people_organisation_id_organisations', 'organisations',
                                    ['organisation_id'], ['id'])
        batch_op.create_index('ix_people_organisation_id', ['organisation_id'])
        batch_op.create_index('ix_people_family_key', ['family_key'])


def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_family_key')
        batch_op.drop_index('ix_people_organisation_id')
        batch_op.drop_constraint('fk_people_organisation_id_organisations', type_='foreignkey')
        batch_op.drop_constraint('uq_people_organisation_id_name_key_party', type_='unique')
        batch_op.create_unique_constraint('people_name_key_party_key', ['name_key', 'party'])
        batch_op.drop_column('variants')
        batch_op.drop_column('parties')
        batch_op.drop_column('family_key')
        batch_op.drop_column('organisation_id')
    op.drop_index('ix_paragraph_refs_target', 'paragraph_refs')
    op.drop_index('ix_paragraph_refs_paragraph_id', 'paragraph_refs')
    op.drop_table('paragraph_refs')
    op.drop_column('decisions', 'proposed_to')
    op.drop_index('ix_cases_series', 'cases')
    op.drop_column('cases', 'series')
    op.drop_index('ix_case_links_other_id', 'case_links')
    op.drop_index('ix_case_links_case_id', 'case_links')
    op.drop_table('case_links')
    op.drop_index('ix_body_names_name_key', 'body_names')
    op.drop_index('ix_body_names_body_id', 'body_names')
    op.drop_table('body_names')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_bodies_parent_id_bodies', type_='foreignkey')
        batch_op.drop_column('parent_id')
    op.drop_index('ix_organisations_key', 'organisations')
    op.drop_column('organisations', 'key')
