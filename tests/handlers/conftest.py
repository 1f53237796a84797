"""The real Application (bot.app.build_application) on an OfflineRequest: every Bot API call is
recorded, none leaves the process. The store is a SQLite file filled from the bundled samples."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from telegram.ext import Application

from bot.app import ERROR_REPLY, build_application
from bot.offline import Call, OfflineRequest, make_callback_update, make_inline_update, make_update
from bot.settings import Settings
from knowledge import search
from knowledge.db import init_db, make_engine

TODAY = "2024-09-05"  # the day after the HSN meeting in the samples


@pytest.fixture(scope="module")
def sample_engine(tmp_path_factory) -> Iterator[Engine]:
    """The four bundled samples, parsed and stored once per test module (tests only read)."""
    from knowledge.samples import ingest_samples_if_empty

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('store') / 'samples.db'}")
    init_db(engine)
    ingest_samples_if_empty(engine)
    yield engine
    search.invalidate(engine)
    engine.dispose()


@dataclass
class Chat:
    """One user talking to the bot: send text, press buttons, type inline queries."""

    app: Application
    request: OfflineRequest

    async def say(self, text: str, **kw) -> list[Call]:
        return await self._run(make_update(self.app, text, **kw))

    async def press(self, data: str, message: dict | None = None, **kw) -> list[Call]:
        return await self._run(make_callback_update(self.app, data, message=message, **kw))

    async def inline(self, query: str) -> list[Call]:
        return await self._run(make_inline_update(self.app, query))

    async def _run(self, update) -> list[Call]:
        start = len(self.request.calls)
        await self.app.process_update(update)
        calls = self.request.calls[start:]
        for c in calls:
            assert c.result is not None, f"the server refused {c.method}: {c.params}"
            assert c.text != ERROR_REPLY, "a handler failed"
        return calls


def texts(calls: list[Call]) -> str:
    """Everything the user reads, markup and all, in order."""
    return "\n".join(c.text for c in calls if c.text)


def buttons(calls: list[Call]) -> list[tuple[str, str, Call]]:
    """(label, callback_data, the call that carried it) for every inline button sent."""
    return [(b["text"], b.get("callback_data", ""), c) for c in calls for row in c.buttons for b in row]


async def _chat(engine: Engine) -> AsyncIterator[Chat]:
    settings = Settings(database_url="sqlite://", bot_today=TODAY, _env_file=None)
    request = OfflineRequest()
    app = build_application(settings, engine, request=request)
    await app.initialize()
    try:
        yield Chat(app, request)
    finally:
        await app.shutdown()


@pytest.fixture
async def chat(sample_engine) -> AsyncIterator[Chat]:
    async for c in _chat(sample_engine):
        yield c


@pytest.fixture
async def empty_chat(sqlite_engine) -> AsyncIterator[Chat]:
    async for c in _chat(sqlite_engine):
        yield c
