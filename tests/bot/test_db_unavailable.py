"""The store unavailable for a while, for real: a SQLite file locked by another connection, a
PostgreSQL database that refuses connections. Users get "try again shortly", told which it is
(busy with another writer, or not answering), nothing crashes, an admin's ingest fails whole,
and once the store is back everything works without a restart."""

from __future__ import annotations

import json
import logging
import sqlite3
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import build_application
from bot.offline import html_to_text, make_callback_update, make_inline_update, make_update
from bot.settings import Settings
from handlers import keys
from handlers.render_admin import STORE_BUSY, STORE_DOWN
from knowledge import db, queries
from knowledge.batch import ingest_bytes
from knowledge.db import init_db, make_engine, session
from tests.bot.test_admin import FileServer, document_update
from tests.conftest import TEST_DATABASE_URL, own_postgres_database

ADMIN, USER = 33, 44
SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "samples"
FIRST, SECOND = SAMPLES / "hsn-2024-09-04.txt", SAMPLES / "hsu-2024-08-28.txt"
DNR = "24HSN2937"


@asynccontextmanager
async def running(settings: Settings, engine):
    request = FileServer()
    app = build_application(
        settings.model_copy(update={"admin_user_ids": [ADMIN]}), engine, request=request
    )
    await app.initialize()
    try:
        yield app, request
    finally:
        await app.shutdown()


def said(request) -> list[str]:
    return [html_to_text(c.text or "") for c in request.replies()]


def documents(engine) -> int:
    with session(engine) as s:
        return queries.stats(s).documents


async def ask_case(app, request) -> str:
    request.clear()
    await app.process_update(make_update(app, f"/beslut {DNR}", user_id=USER, chat_id=USER))
    return "\n".join(said(request))


async def send_protocol(app, request, path: Path) -> str:
    request.clear()
    await app.process_update(
        document_update(app, request, path.read_bytes(), path.name, "text/plain", user_id=ADMIN)
    )
    return said(request)[-1]


def no_traceback_for_the_outage(caplog, said: str = "svarar inte") -> None:
    down = [r for r in caplog.records if f"Databasen {said}" in r.getMessage()]
    assert down, "the outage is logged"
    assert all(r.exc_info is None for r in down), "an outage is not a bug: no traceback"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "bot.app"]


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch):
    # A short busy timeout (30 s in production) so that the test waits 0.3 s per locked query.
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    assert ingest_bytes(engine, FIRST.read_bytes(), FIRST.name).ok
    yield engine, path
    engine.dispose()


@contextmanager
def exclusive_lock(path: Path, *, whole_file: bool):
    """Another process's connection holding the write lock (an ingest, a backup). With
    `whole_file`, in exclusive locking mode: then not even a new reader gets in."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        if whole_file:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE documents SET source_name = source_name")
        if whole_file:
            conn.execute("SELECT count(*) FROM documents").fetchall()
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


async def test_sqlite_write_lock_fails_an_ingest_whole_while_reading_goes_on(
    sqlite_store, settings, caplog
):
    engine, path = sqlite_store
    async with running(settings, engine) as (app, request):
        with caplog.at_level(logging.INFO), exclusive_lock(path, whole_file=False):
            reply = await send_protocol(app, request, SECOND)
            assert f"{SECOND.name} lästes inte in" in reply
            assert STORE_BUSY in reply and "Inget sparades" in reply  # busy, not down
            # WAL: readers are not blocked by the writer's lock; users are still answered.
            assert DNR in (await ask_case(app, request)).replace(" ", "")
        assert documents(engine) == 1, "nothing of the failed ingest was written"
        # The lock is gone: the same file goes in, no restart.
        assert "ny i databasen" in await send_protocol(app, request, SECOND)
        assert documents(engine) == 2


async def test_sqlite_store_locked_to_everyone_gets_try_again_and_recovers(
    sqlite_store, settings, caplog
):
    engine, path = sqlite_store
    async with running(settings, engine) as (app, request):
        assert DNR in (await ask_case(app, request)).replace(" ", "")
        engine.dispose()  # the bot's pooled connections are gone (e.g. recycled) …
        with caplog.at_level(logging.INFO), exclusive_lock(path, whole_file=True):  # … and this holds the file
            assert await ask_case(app, request) == STORE_BUSY  # locked by another writer: busy, not down
            # A button press: answered, and the same notice.
            request.clear()
            await app.process_update(
                make_callback_update(app, keys.example("beslut", DNR), user_id=USER, chat_id=USER)
            )
            assert request.of("answerCallbackQuery")
            assert STORE_BUSY in said(request)
            # An inline query: answered with the notice as its button.
            request.clear()
            await app.process_update(make_inline_update(app, DNR, user_id=USER))
            inline = request.last("answerInlineQuery")
            assert inline.params["results"] == [] and inline.params["button"]["text"] == STORE_BUSY
            reply = await send_protocol(app, request, SECOND)
            assert "lästes inte in" in reply and STORE_BUSY in reply
        no_traceback_for_the_outage(caplog, "är upptagen")
        assert DNR in (await ask_case(app, request)).replace(" ", "")
        assert documents(engine) == 1


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def pg_store():
    """A database of its own (the test makes it refuse connections), dropped at the end."""
    with own_postgres_database("nb_down") as url:
        name = make_url(url).database
        admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        engine = make_engine(url)
        try:
            init_db(engine)
            assert ingest_bytes(engine, FIRST.read_bytes(), FIRST.name).ok
            yield engine, admin, name
        finally:
            engine.dispose()
            set_connections(admin, name, True)
            admin.dispose()


def set_connections(admin, name: str, allowed: bool) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {json.dumps(allowed)}'))
        if not allowed:  # and the bot's open connections are cut
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )


@pytest.mark.postgres
async def test_postgres_down_then_back(pg_store, settings, caplog):
    engine, admin, name = pg_store
    async with running(settings, engine) as (app, request):
        assert DNR in (await ask_case(app, request)).replace(" ", "")
        set_connections(admin, name, False)
        with caplog.at_level(logging.INFO):
            assert await ask_case(app, request) == STORE_DOWN
            assert await ask_case(app, request) == STORE_DOWN, "and again: nothing crashed"
            reply = await send_protocol(app, request, SECOND)
            assert f"{SECOND.name} lästes inte in" in reply and STORE_DOWN in reply
            request.clear()
            await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
            assert said(request) == [STORE_DOWN], "an admin command fails like any other, once"
        no_traceback_for_the_outage(caplog)

        set_connections(admin, name, True)
        # Back, without a restart: answers, and the ingest that failed goes in whole.
        assert DNR in (await ask_case(app, request)).replace(" ", "")
        assert documents(engine) == 1
        assert "ny i databasen" in await send_protocol(app, request, SECOND)
        assert documents(engine) == 2
