"""Alembic environment for the store: the schema is ``SQLModel.metadata`` of every table module.

The connection is, in order: one handed over by `knowledge.db.migrate` (the bot on start),
``-x url=…`` on the alembic command line, or DATABASE_URL (environment or .env, as for the bot).
On PostgreSQL the run holds an advisory lock, so workers starting together migrate one at a time.

The full-text objects (SQLite's FTS5 table and triggers, PostgreSQL's generated ``tsv`` column
and its GIN index) are not models: `knowledge.db.init_db` creates them after the migrations,
idempotently, because PostgreSQL's variant depends on the server (the unaccent extension may be
missing or not ours to create). Autogenerate therefore leaves them alone
(`knowledge.db.include_in_migrations`).
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

# Importing knowledge.db registers every table (knowledge.db.MODEL_MODULES) on the metadata;
# `tests/knowledge/test_migrations.py` checks that none is missing.
from knowledge.db import include_in_migrations as include_object
from knowledge.db import migration_lock

config = context.config
target_metadata = SQLModel.metadata
if config.config_file_name and "connection" not in config.attributes:  # the alembic command
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    try:
        from bot.settings import Settings

        return Settings().database_url
    except Exception:  # another setting is unusable: the database URL alone is enough here
        return os.environ.get("DATABASE_URL", "sqlite:///namndbot.db")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _locked(connection) -> None:
    with migration_lock(connection):
        _run(connection)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, include_object=include_object,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _locked(connection)
        return
    from knowledge.db import make_engine

    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _locked(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
