"""Delivery of the outbox: one repeating job that collects what is owed and sends it.

Each tick (every ``NOTIFY_POLL_SECONDS``):
1. ``collect``: store events (new protocols, moved meetings) and due reminders become outbox rows,
   in one transaction with marking the events done (`knowledge.subscriptions`);
2. ``deliver``: pending rows whose time has come are sent, each chat in order, paced per chat
   (private ≤ 1 msg/s, group ≤ 20/min) and overall (≈ 30 msg/s). A row is marked sent only
   after Telegram accepted it, in its own commit right away.

Failures: 429 → the row waits ``retry_after`` (and every chat holds for it); 5xx/network →
retry with exponential backoff; 403 (blocked, kicked) or "chat not found" → the chat's
subscriptions are paused and its pending rows parked; a migrated group moves to its new id;
any other 400 is a permanent failure, logged and kept in the table.

Several workers (``python -m bot webhook`` on more than one machine, one PostgreSQL): each tick
a worker claims due rows for itself with a lease (`knowledge.subscriptions.claim_outbox`, ``FOR
UPDATE SKIP LOCKED``), sends them, and gives back what it did not send. It stops sending a claim
when half the lease has passed, so a row is never sent by two workers; a crashed worker's rows
are taken again when the lease runs out, or at once when the claimant was a process of this
machine that is gone (a restart). One chat is served by one worker at a time, in order. The
overall pace (``overall_rate``) is per worker: with W workers, give each 30/W.

The store is the source of truth, never the JobQueue: a restart resumes from the table. The
one window no Bot API client can close: if the process dies after Telegram accepted a message
and before the commit, or a request times out after Telegram delivered it, that one message
can be sent again (the API has no idempotency key). The commit follows each send at once to
keep the window to a single message per chat.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlmodel import Session
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from knowledge import subscriptions as subs

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Pacing:
    """Telegram's broadcast limits; configurable so a benchmark against a local server can go faster."""

    private_interval: float = 1.0  # seconds between two messages to one private chat
    group_interval: float = 3.0  # 20 per minute to one group
    overall_rate: float = 30.0  # messages per second to all chats together
    concurrency: int = 64  # chats served at the same time
    backoff_base: float = 5.0  # first retry after a 5xx/network error, doubled per attempt
    backoff_cap: float = 3600.0
    batch: int = 2000  # outbox rows claimed per round
    lease: float = 60.0  # seconds a claim holds; sending stops at half of it

    def claim_limit(self) -> int:
        """No more rows than this worker can send in half the lease."""
        return max(1, min(self.batch, int(self.overall_rate * self.lease / 2)))

    def interval(self, chat_id: int) -> float:
        return self.group_interval if chat_id < 0 else self.private_interval


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    paused_chats: list[int] = field(default_factory=list)
    failed: int = 0
    queued: int = 0
    deferred: int = 0  # claimed, not sent before half the lease: given back for the next round

    def __iadd__(self, other: DeliveryReport) -> DeliveryReport:
        self.deferred += other.deferred
        self.sent += other.sent
        self.retried += other.retried
        self.rate_limited += other.rate_limited
        self.paused_chats += other.paused_chats
        self.failed += other.failed
        self.queued += other.queued
        return self


def _seconds(retry_after) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = retry_after.retry_after if isinstance(retry_after, RetryAfter) else retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def worker_identity() -> str:
    """``host|pid-namespace|pid|random``: unique per Notifier, and tells a later process on this
    machine whether the claimant is still running (`claimant_is_gone`)."""
    return f"{socket.gethostname()[:40]}|{_pid_namespace()}|{os.getpid()}|{secrets.token_hex(4)}"


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:  # not Linux: never judge another process dead, wait for its lease
        return ""


def claimant_is_gone(claimant: str, me: str) -> bool:
    """True only for a process of this host and pid namespace that no longer runs: its claims
    can be taken at once instead of after the lease. Anything uncertain is alive."""
    try:
        host, ns, pid, _ = claimant.split("|")
        my_host, my_ns, _, _ = me.split("|")
        pid_n = int(pid)
    except ValueError:
        return False
    if not ns or (host, ns) != (my_host, my_ns) or claimant == me or pid_n <= 0:
        return False
    if pid_n == os.getpid():
        return False  # another Notifier in this very process
    try:
        os.kill(pid_n, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, someone else's
        return False
    return False


def default_collect(session: Session, now: datetime) -> int:
    """Store events + due reminders → outbox rows, rendered by `handlers.render_notify`."""
    from handlers.render_notify import render_notice

    return subs.enqueue_due(session, now, render_notice)


class Notifier:
    """Collects and delivers; lives in ``bot_data["notifier"]``. Safe to call ``tick`` repeatedly:
    a tick still running makes the next one return at once."""

    def __init__(
        self,
        engine,
        *,
        now: Clock | None = None,
        pacing: Pacing | None = None,
        collect: Callable[[Session, datetime], int] | None = default_collect,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        worker: str | None = None,
    ) -> None:
        self.engine = engine
        self.worker = worker or worker_identity()
        self.now: Clock = now or (lambda: datetime.now(UTC))
        self.pacing = pacing or Pacing()
        self._collect = collect
        self._monotonic = monotonic
        self._sleep = sleep
        # one message per 1/rate seconds: no bursts, so no 1-second window holds more than the rate
        self._limiter = AsyncLimiter(1, 1 / max(self.pacing.overall_rate, 0.001))
        self._last_sent: dict[int, float] = {}
        self._hold_until = 0.0  # a 429 holds every chat
        self._again = False
        self._lock = asyncio.Lock()
        self._deadline = float("inf")

    # ------------------------------------------------------------------ store access (threads)

    async def _db(self, fn: Callable[[Session], object]):
        def run():
            with Session(self.engine) as session:
                result = fn(session)
                session.commit()
                return result

        return await asyncio.to_thread(run)

    # ------------------------------------------------------------------ the job

    async def job(self, context) -> None:
        """JobQueue callback."""
        await self.tick(context.bot)

    async def tick(self, bot: Bot) -> DeliveryReport | None:
        """Collect and deliver. While a tick runs, another returns None at once but makes the
        running one go round again, so a nudge (an admin's move) is never left for the next poll."""
        if self._lock.locked():
            self._again = True
            return None
        async with self._lock:
            report = DeliveryReport()
            self._again = True
            while self._again:
                self._again = False
                try:
                    report.queued += await self.collect()
                except Exception:  # a bad event must not stop delivery of what is queued
                    log.exception("notify: collecting events failed")
                report += await self.deliver(bot)
                if report.deferred:
                    self._again = True  # claimed rows ran out of lease: claim afresh
                    report.deferred = 0
            if report.sent or report.queued or report.retried or report.paused_chats:
                log.info("notify: %s", report)
            return report

    async def collect(self) -> int:
        if self._collect is None:
            return 0
        now = self.now()
        return await self._db(lambda s: self._collect(s, now))

    async def claim(self) -> list[subs.OutboxItem]:
        """Due rows for this worker only (see `knowledge.subscriptions.claim_outbox`)."""
        claimants = await self._db(lambda s: subs.live_claimants(s, self.now()))
        gone = [c for c in claimants if claimant_is_gone(c, self.worker)]
        lease = timedelta(seconds=self.pacing.lease)
        return await self._db(lambda s: subs.claim_outbox(
            s, self.now(), self.worker, lease=lease, limit=self.pacing.claim_limit(), dead=gone))

    async def deliver(self, bot: Bot) -> DeliveryReport:
        items = await self.claim()
        self._deadline = self._monotonic() + self.pacing.lease / 2
        try:
            return await self._deliver(bot, items)
        finally:
            if items:
                try:
                    await self._db(lambda s: subs.release_claims(s, self.worker))
                except Exception:  # the lease gives them back anyway
                    log.exception("notify: giving back claims failed")

    async def _deliver(self, bot: Bot, items: list[subs.OutboxItem]) -> DeliveryReport:
        horizon = self._monotonic() - max(self.pacing.private_interval, self.pacing.group_interval)
        self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
        report = DeliveryReport()
        by_chat: dict[int, list[subs.OutboxItem]] = {}
        for item in items:
            by_chat.setdefault(item.recipient, []).append(item)
        gate = asyncio.Semaphore(self.pacing.concurrency)

        async def serve(chat_id: int, queue: list[subs.OutboxItem]) -> None:
            async with gate:
                await self._serve_chat(bot, chat_id, queue, report)

        results = await asyncio.gather(*(serve(c, q) for c, q in by_chat.items()), return_exceptions=True)
        for chat_id, result in zip(by_chat, results, strict=True):
            if isinstance(result, BaseException):  # e.g. the store went away: rows stay pending
                log.error("notify: delivery to chat %s stopped", chat_id, exc_info=result)
        return report

    # ------------------------------------------------------------------ one chat, in order

    async def _wait_turn(self, chat_id: int) -> None:
        while True:
            now = self._monotonic()
            last = self._last_sent.get(chat_id)
            ready = max(self._hold_until, (last + self.pacing.interval(chat_id)) if last is not None else 0.0)
            if now >= ready:
                break
            await self._sleep(ready - now)
        await self._limiter.acquire()

    async def _serve_chat(self, bot: Bot, chat_id: int, queue: list[subs.OutboxItem], report: DeliveryReport) -> None:
        for item in queue:
            await self._wait_turn(chat_id)
            if self._monotonic() >= self._deadline:
                report.deferred += len(queue) - queue.index(item)
                return  # another worker may take the rows once the lease has run out
            try:
                message_id = await self._send(bot, item)
            except RetryAfter as exc:
                wait = _seconds(exc)
                self._hold_until = max(self._hold_until, self._monotonic() + wait)
                await self._db(lambda s, i=item, w=wait, e=exc: subs.mark_retry(
                    s, i.id, self.now() + timedelta(seconds=w), f"429: {e}", count_attempt=False))
                report.rate_limited += 1
                return
            except ChatMigrated as exc:
                new_id = exc.new_chat_id
                await self._db(lambda s, n=new_id: subs.migrate_chat(s, chat_id, n))
                log.info("notify: chat %s migrated to %s", chat_id, new_id)
                return
            except Forbidden as exc:
                await self._pause(chat_id, f"403: {exc.message}", report)
                return
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    await self._pause(chat_id, f"400: {exc.message}", report)
                    return
                log.error("notify: Telegram refused outbox row %s for chat %s: %s", item.id, chat_id, exc.message)
                await self._db(lambda s, i=item, e=exc: subs.mark_failed(s, i.id, f"400: {e.message}"))
                report.failed += 1
                continue
            except (TimedOut, NetworkError, TelegramError) as exc:  # 5xx, network, anything unforeseen
                delay = min(self.pacing.backoff_base * 2 ** item.attempts, self.pacing.backoff_cap)
                await self._db(lambda s, i=item, d=delay, e=exc: subs.mark_retry(
                    s, i.id, self.now() + timedelta(seconds=d), f"{type(e).__name__}: {e}"))
                report.retried += 1
                return  # keep this chat's order: the rest waits for the retry
            self._last_sent[chat_id] = self._monotonic()
            await self._db(lambda s, i=item, m=message_id: subs.mark_sent(s, i.id, self.now(), m))
            report.sent += 1

    async def _pause(self, chat_id: int, reason: str, report: DeliveryReport) -> None:
        await self._db(lambda s: subs.pause_chat(s, chat_id, reason))
        report.paused_chats.append(chat_id)
        log.info("notify: chat %s paused (%s)", chat_id, reason)

    async def _send(self, bot: Bot, item: subs.OutboxItem) -> int | None:
        attachment = (item.payload or {}).get("document")
        if attachment:
            message = await bot.send_document(
                item.recipient, document=attachment["content"].encode("utf-8"),
                filename=attachment.get("filename", "kalender.ics"),
                caption=item.text, parse_mode=ParseMode.HTML,
            )
        else:
            message = await bot.send_message(
                item.recipient, item.text, parse_mode=ParseMode.HTML,
            )
        return getattr(message, "message_id", None)


def install(application, *, poll_seconds: float | None = None, now: Clock | None = None,
            pacing: Pacing | None = None, first: float = 5.0) -> Notifier:
    """Put a Notifier in ``bot_data`` and start its repeating job. Called from `bot.app`."""
    bot_data = application.bot_data
    settings = bot_data.get("settings")
    if poll_seconds is None:
        poll_seconds = getattr(settings, "notify_poll_seconds", 30)
    if now is None and settings is not None and hasattr(settings, "now"):
        now = settings.now
    if pacing is None and getattr(settings, "notify_overall_rate", None):
        pacing = Pacing(overall_rate=settings.notify_overall_rate)
    notifier = Notifier(bot_data["engine"], now=now, pacing=pacing)
    bot_data["notifier"] = notifier
    if application.job_queue is None:
        log.warning("notify: no JobQueue (install python-telegram-bot[job-queue]); notifications are off")
        return notifier
    application.job_queue.run_repeating(
        notifier.job, interval=poll_seconds, first=first, name="notify",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    return notifier

