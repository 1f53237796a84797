"""An asyncio event loop in simulated time, for delivery tests that run the real code (PTB, the
Pacer, the Notifier, the store in worker threads) through the Bot API model in-process.

Time stands still while anything can run: ready callbacks, and work handed to a thread
(`asyncio.to_thread`: every store call) until its answer is back. Only when every task waits for
a timer does the clock jump to the earliest one. So a broadcast of minutes at 30 messages a
second runs in seconds, its order is the order the timers give, and its times are exact:
"no one-second window holds more than 30" is checked on the times the code itself saw, with no
wall-clock assertion anywhere.

The simulated wall clock for the store (``now``) is ``start`` plus the loop's time.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

from telegram.ext import Application

from bot.pacing import Pacer
from tests.notify.fakeserver import TOKEN, FakeBotAPI

T = TypeVar("T")


class _Selector(selectors.DefaultSelector):
    """Never sleeps for a timer: reports nothing ready and lets the loop move its clock instead."""

    def __init__(self, loop: SimLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None):
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if self._loop.threads or timeout is None:  # a store call is running: wait for it, in real time
            return super().select(None if timeout is None else 30.0)
        self._loop.advance(timeout)
        return []


class SimLoop(asyncio.SelectorEventLoop):
    """See the module docstring."""

    def __init__(self, start: datetime) -> None:
        self._now = 0.0
        self.threads = 0
        self.start = start
        super().__init__(_Selector(self))

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(seconds, 0.0)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self._now)

    def run_in_executor(self, executor, func, *args):
        self.threads += 1
        future = super().run_in_executor(executor, func, *args)

        def done(_):
            self.threads -= 1

        future.add_done_callback(done)
        return future


def run(start: datetime, main: Callable[[SimLoop], Awaitable[T]]) -> T:
    """Run ``main(loop)`` to the end on a fresh `SimLoop`."""
    loop = SimLoop(start)
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def sim_app(api: FakeBotAPI, pacer: Pacer) -> Application:
    """The real PTB Application, talking to ``api`` in-process, its sends paced by ``pacer``."""
    return (Application.builder().token(TOKEN).request(api.request()).get_updates_request(api.request())
            .rate_limiter(pacer).build())
