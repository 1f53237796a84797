"""Alembic migrations and the models cannot drift apart.

A database built only by the migrations (``alembic upgrade head``) is compared with the models
by Alembic's autogenerate: the difference must be empty, on SQLite and on PostgreSQL (its own
database, created and dropped here). Every module of the project is imported first, so a table
added without a migration fails here. The bot's own start (`init_db`) migrates, and a store made
before migrations existed is adopted when it matches the models.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text
from sqlmodel import SQLModel

import bot
import knowledge
from knowledge.db import MIGRATIONS, SchemaError, include_in_migrations, init_db, make_engine
from tests.conftest import own_postgres_database

ROOT = Path(__file__).resolve().parents[2]


def _import_everything() -> None:
    """Every module of the packages that may define tables (their import registers them)."""
    for package in (knowledge, bot):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def _config() -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = _config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = _config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def _diff(engine: Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": include_in_migrations, "compare_type": True}
        )
        return compare_metadata(ctx, SQLModel.metadata)


def _create_all_as_before_migrations(engine: Engine) -> None:
    """What init_db did before there were migrations. On a copy of the metadata: on PostgreSQL,
    create_all marks the cyclic foreign key of the metadata it is given as "added by ALTER",
    for every later create_all in this process (SQLite stores of later tests included)."""
    copy = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.create_all(engine)


def _version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request, tmp_path) -> Iterator[Engine]:
    """An empty database of this test: a SQLite file, or a PostgreSQL database made here."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        yield engine
        engine.dispose()
        return
    with own_postgres_database("nb_migr") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_the_migrations_build_exactly_the_models(empty):
    _import_everything()
    _upgrade(empty)
    assert _version(empty) == _head()
    assert _diff(empty) == []  # a model changed without a migration shows up here


def test_downgrade_to_nothing_and_up_again(empty):
    _upgrade(empty)
    _downgrade(empty, "base")
    assert set(inspect(empty).get_table_names()) <= {"alembic_version"}
    _upgrade(empty)
    assert _diff(empty) == []


def test_init_db_migrates_a_new_store_and_adds_the_full_text_objects(empty):
    init_db(empty)
    init_db(empty)  # every start: nothing to do the second time
    assert _version(empty) == _head()
    names = inspect(empty)
    if empty.dialect.name == "sqlite":
        assert "paragraphs_fts" in names.get_table_names()
    else:
        assert "tsv" in {c["name"] for c in names.get_columns("paragraphs")}
    assert _diff(empty) == []


def test_a_store_made_before_migrations_is_adopted_when_it_matches(empty):
    _create_all_as_before_migrations(empty)
    init_db(empty)
    assert _version(empty) == _head()


def test_a_store_made_before_migrations_that_differs_is_refused_with_a_clear_error(empty):
    _create_all_as_before_migrations(empty)
    with empty.begin() as conn:
        conn.execute(text("ALTER TABLE outbox DROP COLUMN claimed_until"))
    with pytest.raises(SchemaError, match="claimed_until"):
        init_db(empty)
    assert _version(empty) is None  # nothing was stamped


def test_alembic_upgrade_head_on_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    engine = make_engine(url)
    try:
        assert _version(engine) == _head()
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_upgrading_a_store_of_the_first_release_keeps_its_rows(empty):
    """0001 -> head on a store with data: what was there is still there, and reads as before."""
    _upgrade(empty, "0001")
    with empty.begin() as conn:
        conn.execute(text(
            "INSERT INTO documents (id, source_name, sha256, ingested_at, kind, paragraph_count) "
            "VALUES (1, 'hsn.txt', 'abc', '2024-09-05 12:00:00', 'protocol', 1)"
        ))
        conn.execute(text(
            "INSERT INTO schedule_changes (document_id, from_date, to_date, quote) "
            "VALUES (1, '2024-10-04', '2024-10-03', 'att flytta nämndens sammanträde')"
        ))
        # rows that refer to tables later migrations copy on SQLite (bodies, people)
        conn.execute(text("INSERT INTO organisations (id, name) VALUES (1, 'Region Västernorrlands')"))
        conn.execute(text("INSERT INTO bodies (id, organisation_id, name, short, name_key) "
                          "VALUES (1, 1, 'Hälso- och sjukvårdsnämnden', 'HSN', 'halso och sjukvardsnamnden')"))
        conn.execute(text("INSERT INTO meetings (id, uid, sequence, body_id, date, status, updated_at) "
                          "VALUES (1, 'u1', 0, 1, '2024-09-04', 'held', '2024-09-05 12:00:00')"))
        conn.execute(text("INSERT INTO paragraphs (id, document_id, body_id, number, title, is_proposal, routine, "
                          "sections, prior_handlings, delges, text) "
                          "VALUES (1, 1, 1, 98, 'Handlingsplan', false, false, '{}', '[]', '[]', '')"))
        conn.execute(text("INSERT INTO people (id, name, name_key, party) VALUES (1, 'Pia Lundin', 'pia lundin', 'SJVP')"))
        conn.execute(text("INSERT INTO reservations (paragraph_id, position, person_id, name, name_key, party) "
                          "VALUES (1, 0, 1, 'Pia Lundin', 'pia lundin', 'SJVP')"))
    init_db(empty)  # the bot's start upgrades
    assert _version(empty) == _head()
    with empty.connect() as conn:
        row = conn.execute(text("SELECT from_date, to_date, cancelled, quote FROM schedule_changes")).one()
    assert (str(row[0]), str(row[1]), bool(row[2])) == ("2024-10-04", "2024-10-03", False)
    assert row[3] == "att flytta nämndens sammanträde"
    with empty.connect() as conn:
        kept = conn.execute(text(
            "SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM paragraphs), "
            "(SELECT count(*) FROM reservations WHERE person_id = 1), (SELECT parent_id FROM bodies)")).one()
    assert tuple(kept) == (1, 1, 1, None)
    assert _diff(empty) == []


def test_workers_starting_together_on_postgresql_migrate_one_at_a_time(empty):
    """Several webhook workers start at once on a new database: one builds it, the others wait
    for the lock and find it done; none fails on a table that another just made."""
    if empty.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: init_db(empty), range(4)))
    assert results == [None] * 4
    assert _version(empty) == _head() and _diff(empty) == []
