"""Store errors are told apart by what they are, on the real stores: a lost race (run it again),
a lock held too long (busy), a store that cannot be reached, and bugs, which are none of these."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

from bot.faults import store_fault, store_unavailable
from tests.conftest import TEST_DATABASE_URL


def _error(fn) -> BaseException:
    try:
        fn()
    except Exception as exc:  # the error as SQLAlchemy raises it
        return exc
    raise AssertionError("no error")


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    yield str(path), conn
    conn.close()


def test_sqlite_lock_held_too_long_is_busy_and_a_lost_snapshot_a_conflict(sqlite_file):
    path, other = sqlite_file
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.05, "isolation_level": None})
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")

    def write():
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")

    assert store_fault(_error(write)) == "busy"
    other.execute("COMMIT")

    with engine.connect() as conn:  # read, another writer commits, then write: the snapshot is gone
        conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("SELECT * FROM t").fetchall()
        other.execute("INSERT INTO t VALUES (3)")
        assert store_fault(_error(lambda: conn.exec_driver_sql("INSERT INTO t VALUES (4)"))) == "conflict"
    engine.dispose()


def test_a_bug_is_not_a_store_fault(sqlite_file):
    path, _ = sqlite_file
    engine = create_engine(f"sqlite:///{path}")

    def missing_table():
        with engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))

    exc = _error(missing_table)
    assert store_fault(exc) is None and not store_unavailable(exc)
    assert store_fault(ValueError("x")) is None
    engine.dispose()


def test_an_unreachable_store_is_a_connection_fault(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    assert store_fault(_error(engine.connect)) == "connection"
    pg = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/x", connect_args={"connect_timeout": 2})
    assert store_fault(_error(pg.connect)) == "connection"


@pytest.mark.postgres
def test_postgres_deadlock_is_a_conflict_and_a_lock_timeout_busy():
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    from tests.conftest import own_postgres_database

    with own_postgres_database("nb_faults") as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id int primary key, x int)"))
            conn.execute(text("INSERT INTO t VALUES (1, 0), (2, 0)"))
        a, b = engine.connect(), engine.connect()
        try:
            a.execute(text("SET lock_timeout = '100ms'"))
            b.execute(text("UPDATE t SET x = 1 WHERE id = 1"))
            assert store_fault(_error(lambda: a.execute(text("UPDATE t SET x = 2 WHERE id = 1")))) == "busy"
            a.rollback()
            b.rollback()
            a.execute(text("UPDATE t SET x = 1 WHERE id = 1"))
            b.execute(text("UPDATE t SET x = 1 WHERE id = 2"))
            errors: list[BaseException] = []

            def cross(conn, row):
                try:
                    conn.execute(text(f"UPDATE t SET x = 3 WHERE id = {row}"))
                except Exception as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=cross, args=(a, 2)), threading.Thread(target=cross, args=(b, 1))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert [store_fault(e) for e in errors] == ["conflict"]  # one of the two is chosen to fail
        finally:
            a.close()
            b.close()
            engine.dispose()
