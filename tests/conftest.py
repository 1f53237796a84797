"""Shared fixtures: a real store on SQLite and on PostgreSQL.

- ``engine``: parametrised over "sqlite" (a fresh file per test) and "postgres" (skipped without
  ``TEST_DATABASE_URL``). The PostgreSQL run creates its own database ``nb_test_<random>`` once
  per test session (through an AUTOCOMMIT connection to ``TEST_DATABASE_URL``), empties every
  table after each test, and drops the database at the end.
- ``sqlite_engine``: just the SQLite file store, for tests that need no PostgreSQL run.
- ``session``: a Session on ``engine``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from knowledge import search
from knowledge.db import init_db, make_engine
from knowledge.db import session as open_session

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@contextmanager
def own_postgres_database(prefix: str, server_url: str | None = None) -> Iterator[str]:
    """The URL of a new database on the server of ``server_url`` (default
    ``TEST_DATABASE_URL``), dropped afterwards (CI reuses the server as the last run left it).
    Skips the test without either."""
    server_url = server_url or TEST_DATABASE_URL
    if not server_url:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test run, dropped at the end."""
    with own_postgres_database("nb_test") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    init_db(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    search.invalidate(engine)


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    init_db(engine)
    yield engine
    search.invalidate(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request) -> Iterator[Engine]:
    """A fresh, empty store; runs each test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_engine")
        return
    pg = request.getfixturevalue("postgres_engine")
    init_db(pg)  # tables of model modules imported since the session began
    _truncate(pg)
    try:
        yield pg
    finally:
        _truncate(pg)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as s:
        yield s
