"""Many chats following things at once on SQLite (WAL), while another process writes: every
/bevaka is answered with what it did, none with "the database is down". A deferred transaction
that read and then wrote failed at once when another writer got in between (24 of 2,400 in the
harness of issue 12); the write lock is now taken first, and waited for."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import Counter

import pytest
from sqlmodel import Session

from bot.app import build_application
from bot.offline import OfflineRequest, html_to_text, make_update
from bot.settings import Settings
from handlers.render_admin import STORE_FAULTS
from knowledge import calendar
from knowledge import subscriptions as subs

CHATS = 240


@pytest.fixture
def store(sqlite_engine, tmp_path):
    with Session(sqlite_engine) as s:
        calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        s.commit()
    return sqlite_engine


def _other_writer(path: str, stop: threading.Event) -> None:
    """Another process's short write transactions (an ingest, a second bot) all the while."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE notify_chat SET updated_at = updated_at")
            conn.execute("COMMIT")
    finally:
        conn.close()


async def test_many_chats_follow_at_once_and_none_is_told_the_store_is_down(store):
    settings = Settings(database_url="sqlite://", flood_limit=1000, notify_overall_rate=1_000_000,
                        _env_file=None)
    request = OfflineRequest()
    app = build_application(settings, store, request=request)
    await app.initialize()
    stop = threading.Event()
    writer = threading.Thread(target=_other_writer, args=(store.url.database, stop))
    writer.start()
    try:
        words = ["budget", "akutmottagning", "tandvård", "HSN", "24HSN2937"]
        await asyncio.gather(*(
            app.process_update(make_update(app, f"/bevaka {words[chat % len(words)]}", user_id=chat, chat_id=chat))
            for chat in range(1, CHATS + 1)))
        await asyncio.gather(*(
            app.process_update(make_update(app, f"/paminnelse {chat % 5}", user_id=chat, chat_id=chat))
            for chat in range(1, CHATS + 1)))
    finally:
        stop.set()
        writer.join()
        await app.shutdown()
    replies = [html_to_text(c.text or "") for c in request.calls if c.method == "sendMessage"]
    assert not [r for r in replies if any(text in r for text in STORE_FAULTS.values())]
    assert Counter("Du bevakar nu" in r for r in replies)[True] == CHATS
    assert len(replies) == 2 * CHATS
    with Session(store) as s:
        assert sum(len(subs.list_subscriptions(s, chat)) for chat in range(1, CHATS + 1)) == CHATS
