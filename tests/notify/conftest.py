"""Fixtures for the notifier: a simulated clock, the local fake Bot API server and a real PTB
Application on it. The store is the shared ``engine`` fixture (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set) of tests/conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from bot.pacing import Pacer
from knowledge import notify_models  # noqa: F401  (registers the notifier's tables)
from tests.notify.fakeserver import TOKEN, FakeBotAPI


class SimClock:
    """Wall clock and monotonic clock in simulated time; ``sleep`` advances it."""

    def __init__(self, start: datetime) -> None:
        self.current = start
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float = 0, **kwargs) -> None:
        delta = timedelta(seconds=seconds, **kwargs)
        self.current += delta
        self.mono += delta.total_seconds()

    def set(self, moment: datetime) -> None:
        self.mono += max((moment - self.current).total_seconds(), 0)
        self.current = moment

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)


@pytest.fixture
def clock() -> SimClock:
    return SimClock(datetime(2024, 9, 20, 10, 0, tzinfo=UTC))


@pytest.fixture
def server():
    srv = FakeBotAPI().start()
    yield srv
    srv.stop()


def paced_app(base_url: str, pacer: Pacer, **builder) -> Application:
    """A real PTB Application on the fake server, its sends paced by ``pacer`` (as bot.app's)."""
    build = Application.builder().token(TOKEN).base_url(base_url).rate_limiter(pacer)
    for name, value in builder.items():
        build = getattr(build, name)(value)
    return build.build()


@pytest.fixture
async def app(server, clock):
    """No overall limit (the pace is tested in test_pacing.py), holds in the simulated clock."""
    application = paced_app(server.base_url, Pacer(None, group_per_minute=0, clock=clock.monotonic,
                                                   sleep=clock.sleep))
    await application.initialize()
    yield application
    await application.shutdown()
