"""The one pacing authority for everything the bot sends: the Application's rate limiter.

Telegram lets a bot send about 30 messages a second in all and 20 a minute into one group;
past that it answers 429 with ``retry_after``, and a bot that keeps pushing earns longer
waits. Every request that names a chat passes through `Pacer` (handler replies, the
notifier's broadcast, and every retry of either), so one count decides:

- overall: no window of one second holds more than ``rate`` requests, and they are spread
  evenly (one per ``1/rate`` s). ``margin`` widens the window a little, for the jitter between
  a request leaving here and arriving at Telegram;
- per group (a negative id or a channel's @name): no 60-second window holds more than
  ``group_per_minute``;
- a 429 holds the whole sender, and that chat, for ``retry_after``: nothing leaves meanwhile,
  and afterwards the pace resumes where it was, without a burst, because a slot is taken only
  when the request really leaves.

Why not PTB's `AIORateLimiter`: it takes its slot first and waits out a 429 after, and retries
the 429 inside itself. Everything admitted during the pause then left at once (82 messages in
one second in a faulted broadcast), and the notifier never saw the 429 its own hold was for.

A request is retried here after a 429 up to ``max_retries`` times (replies to users). The
notifier asks for none (`NO_RETRY`): it keeps the row and records when to try again. It may
take its slot itself with `admit` and then send with `ADMITTED`, to check its lease between
the wait and the send.
"""

from __future__ import annotations

import asyncio
import logging
import math
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

ChatKey = int | str


@dataclass(frozen=True)
class Paced:
    """``rate_limit_args`` of an ExtBot call: how many 429 retries, and whether the caller
    already holds a slot (`Pacer.admit`)."""

    retries: int | None = None  # None: the pacer's max_retries
    admitted: bool = False


NO_RETRY = Paced(retries=0)
ADMITTED = Paced(retries=0, admitted=True)


def retry_seconds(retry_after: RetryAfter | float | timedelta) -> float:
    """``retry_after`` in seconds, whichever type this PTB version gives it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = retry_after.retry_after if isinstance(retry_after, RetryAfter) else retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def chat_key(chat_id: object) -> ChatKey | None:
    if chat_id is None:
        return None
    try:
        return int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(chat_id)


def is_group(chat: ChatKey | None) -> bool:
    """Groups and channels: a negative id, or a channel's @name."""
    return isinstance(chat, str) or (isinstance(chat, int) and chat < 0)


class Pacer(BaseRateLimiter[Paced]):
    """See the module docstring. ``clock`` and ``sleep`` default to the running event loop's,
    so a test on a loop in simulated time paces in simulated time."""

    def __init__(
        self,
        rate: float | None = 30.0,
        *,
        group_per_minute: int = 20,
        max_retries: int = 3,
        margin: float = 0.02,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.rate = rate
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.margin = margin
        self._clock = clock
        self._sleep_fn = sleep
        self._window: deque[float] = deque(maxlen=max(1, math.floor(rate))) if rate else deque()
        self._last = -math.inf
        self._groups: dict[ChatKey, deque[float]] = {}
        self._hold_until = -math.inf
        self._chat_holds: dict[ChatKey, float] = {}
        self._lock: asyncio.Lock | None = None

    # ------------------------------------------------------------------ BaseRateLimiter

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Paced | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = chat_key(data.get("chat_id"))
        if chat is None:  # answers to a button or an inline query, getMe, …: not messages
            return await callback(*args, **kwargs)
        paced = rate_limit_args or Paced()
        retries = self.max_retries if paced.retries is None else paced.retries
        attempt = 0
        while True:
            if attempt or not paced.admitted:
                await self.admit(chat)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self.hold(wait, chat)
                if attempt >= retries:
                    raise
                attempt += 1
                log.info("429 från Bot API vid %s till %s: väntar %.1f s (försök %d av %d)",
                         endpoint, chat, wait, attempt, retries)

    # ------------------------------------------------------------------ the count

    def now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    async def _sleep(self, seconds: float) -> None:
        await (self._sleep_fn or asyncio.sleep)(seconds)

    def hold(self, seconds: float, chat: ChatKey | None = None) -> None:
        """A 429: nothing leaves for ``seconds``, and ``chat`` waits at least as long."""
        until = self.now() + max(seconds, 0.0)
        self._hold_until = max(self._hold_until, until)
        if chat is not None:
            self._chat_holds[chat] = max(self._chat_holds.get(chat, -math.inf), until)

    def held_until(self) -> float:
        return self._hold_until

    def _overall_ready(self) -> float:
        ready = self._hold_until
        if self.rate:
            period = 1.0 + self.margin
            ready = max(ready, self._last + period / self.rate)
            if len(self._window) == self._window.maxlen:
                ready = max(ready, self._window[0] + period)
        return ready

    def _chat_ready(self, chat: ChatKey) -> float:
        ready = self._chat_holds.get(chat, -math.inf)
        sent = self._groups.get(chat)
        if sent is not None and len(sent) == sent.maxlen:
            ready = max(ready, sent[0] + 60.0 + self.margin)
        return ready

    async def _wait_until(self, ready: Callable[[], float]) -> None:
        while True:
            at, now = ready(), self.now()
            if at <= now:
                return
            await self._sleep(at - now)

    async def admit(self, chat: ChatKey | None) -> None:
        """Wait until one request to ``chat`` may leave, and count it: the caller sends at
        once. A chat's own wait (its hold, a group's minute) is done outside the queue, so a
        chat that must wait never holds up the others."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        while True:
            if chat is not None:
                await self._wait_until(lambda: self._chat_ready(chat))
            async with self._lock:  # one at a time, first come first served
                await self._wait_until(self._overall_ready)
                now = self.now()
                if chat is None or self._chat_ready(chat) <= now:
                    self._take(chat, now)
                    return

    def _take(self, chat: ChatKey | None, now: float) -> None:
        self._last = now
        if self.rate:
            self._window.append(now)
        if is_group(chat) and self.group_per_minute:
            if len(self._groups) > 1024:  # forget groups whose minute has passed
                self._groups = {c: d for c, d in self._groups.items() if d and d[-1] > now - 61}
            self._groups.setdefault(chat, deque(maxlen=self.group_per_minute)).append(now)
        if len(self._chat_holds) > 1024:
            self._chat_holds = {c: t for c, t in self._chat_holds.items() if t > now}
