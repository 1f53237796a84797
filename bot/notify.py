"""Delivery of the outbox: one run at a time that collects what is owed and sends it.

Each run (started every ``NOTIFY_POLL_SECONDS``, or at once when an admin moves a meeting):
1. ``collect``: store events (new protocols, moved meetings) and due reminders become outbox rows,
   in one transaction with marking the events done (`knowledge.subscriptions`);
2. ``deliver``: pending rows whose time has come are sent, each chat in order, a chat's notices
   spaced (private ≤ 1 msg/s, group ≤ 20/min). The overall pace and every 429 are the bot's
   rate limiter's (`bot.pacing.Pacer`), the one pacing authority for all the bot sends.

A run that is still going when the next poll comes is not doubled: the poll asks it to go round
once more and returns at once (`nudge`). A long broadcast is thus one run that keeps going.

Failures: 429 → the row waits ``retry_after`` (the pacer holds every chat meanwhile); 5xx/network
→ retry with exponential backoff; 403 (blocked, kicked) or "chat not found" → the chat's
subscriptions are paused and its pending rows parked; a migrated group moves to its new id;
any other 400 is a permanent failure, logged and kept in the table.

Several workers (``python -m bot webhook`` on more than one machine, one PostgreSQL): each round
a worker claims due rows for itself with a lease (`knowledge.subscriptions.claim_outbox`, ``FOR
UPDATE SKIP LOCKED``), sends them, and gives back what it did not send. It stops sending a claim
when half the lease has passed, so a row is never sent by two workers. One chat is served by one
worker at a time, in order. The pace (``NOTIFY_OVERALL_RATE``) is per process: with W workers,
give each 30/W.

What a crash can do. Telegram has no idempotency key: a send whose answer never came can only
be sent again or dropped, and this outbox sends again (nothing is lost). To keep that window
small, a row is marked *sending* in the store before its request leaves and *sent* right after
the answer, and at most ``Pacing.in_flight`` rows of a process are between the two at any time.
A row claimed but not sending is taken at once by a restarted process (its claimant is gone);
a row that was sending waits out the dead process's lease first, and is then sent again. So:
0 lost, and a message in flight when the process died may arrive twice (at most
``in_flight`` per process killed). `bench/broadcast.py` measures it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

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

from bot.pacing import ADMITTED, Pacer, retry_seconds
from knowledge import subscriptions as subs

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Pacing:
    """How a broadcast is spread over chats; configurable so a benchmark against a local server
    can go faster. The overall rate is the `Pacer`'s, not set here."""

    private_interval: float = 1.0  # seconds between two notices to one private chat
    group_interval: float = 3.0  # 20 per minute to one group
    concurrency: int = 64  # chats served at the same time (most of them wait for their turn)
    in_flight: int = 8  # rows between "sending" and a recorded answer: 30/s with answers ≤ 250 ms
    backoff_base: float = 5.0  # first retry after a 5xx/network error, doubled per attempt
    backoff_cap: float = 3600.0
    batch: int = 2000  # outbox rows claimed per round
    lease: float = 60.0  # seconds a claim holds; sending stops at half of it

    def claim_limit(self, rate: float | None) -> int:
        """No more rows than this worker can send in half the lease."""
        if not rate:
            return self.batch
        return max(1, min(self.batch, int(rate * self.lease / 2)))

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


def pacer_of(bot: Bot) -> Pacer:
    """The bot's rate limiter, which must be a `Pacer`: the notifier never sends around it."""
    pacer = getattr(bot, "rate_limiter", None)
    if not isinstance(pacer, Pacer):
        raise TypeError("the notifier needs a bot built with rate_limiter(bot.pacing.Pacer(...))")
    return pacer


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
        self._last_sent: dict[int, float] = {}
        self._in_flight = asyncio.Semaphore(self.pacing.in_flight)
        self._again = False
        self._lock = asyncio.Lock()
        self._deadline = float("inf")
        self._run: asyncio.Task | None = None
        self._stopping = False

    # ------------------------------------------------------------------ store access (threads)

    async def _db(self, fn: Callable[[Session], object]):
        def run():
            with Session(self.engine) as session:
                result = fn(session)
                session.commit()
                return result

        return await asyncio.to_thread(run)

    # ------------------------------------------------------------------ runs

    async def job(self, context) -> None:
        """JobQueue callback: returns at once (see `nudge`), so the JobQueue never finds the job
        still running and never skips it with a warning."""
        self.nudge(context.bot)

    def nudge(self, bot: Bot) -> None:
        """Start a run, or ask the one going to go round once more. Never waits."""
        if self._stopping:
            return
        if self._lock.locked() or (self._run is not None and not self._run.done()):
            self._again = True
            return
        self._run = asyncio.get_running_loop().create_task(self._guarded_tick(bot), name="notify")

    async def _guarded_tick(self, bot: Bot) -> None:
        try:
            await self.tick(bot)
        except Exception:  # logged here: a background run has no one to raise to
            log.exception("notify: a delivery run failed")

    async def idle(self) -> None:
        """Wait for the run that is going (a nudge's) to end."""
        while self._run is not None and not self._run.done():
            await asyncio.gather(self._run, return_exceptions=True)

    async def close(self) -> None:
        """Stop after the sends in flight (their answers are recorded, the rest given back)."""
        self._stopping = True
        await self.idle()

    async def tick(self, bot: Bot) -> DeliveryReport | None:
        """Collect and deliver. While a tick runs, another returns None at once but makes the
        running one go round again, so a nudge (an admin's move) is never left for the next poll."""
        if self._lock.locked():
            self._again = True
            return None
        async with self._lock:
            report = DeliveryReport()
            self._again = True
            while self._again and not self._stopping:
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

    async def claim(self, rate: float | None) -> list[subs.OutboxItem]:
        """Due rows for this worker only (see `knowledge.subscriptions.claim_outbox`)."""
        claimants = await self._db(lambda s: subs.live_claimants(s, self.now()))
        gone = [c for c in claimants if claimant_is_gone(c, self.worker)]
        lease = timedelta(seconds=self.pacing.lease)
        return await self._db(lambda s: subs.claim_outbox(
            s, self.now(), self.worker, lease=lease, limit=self.pacing.claim_limit(rate), dead=gone))

    async def deliver(self, bot: Bot) -> DeliveryReport:
        pacer = pacer_of(bot)
        items = await self.claim(pacer.rate)
        self._deadline = self._monotonic() + self.pacing.lease / 2
        try:
            return await self._deliver(bot, pacer, items)
        finally:
            if items:
                try:
                    await self._db(lambda s: subs.release_claims(s, self.worker))
                except Exception:  # the lease gives them back anyway
                    log.exception("notify: giving back claims failed")

    async def _deliver(self, bot: Bot, pacer: Pacer, items: list[subs.OutboxItem]) -> DeliveryReport:
        horizon = self._monotonic() - max(self.pacing.private_interval, self.pacing.group_interval)
        self._last_sent = {c: t for c, t in self._last_sent.items() if t > horizon}
        report = DeliveryReport()
        by_chat: dict[int, list[subs.OutboxItem]] = {}
        for item in items:
            by_chat.setdefault(item.recipient, []).append(item)
        gate = asyncio.Semaphore(self.pacing.concurrency)

        async def serve(chat_id: int, queue: list[subs.OutboxItem]) -> None:
            async with gate:
                await self._serve_chat(bot, pacer, chat_id, queue, report)

        results = await asyncio.gather(*(serve(c, q) for c, q in by_chat.items()), return_exceptions=True)
        for chat_id, result in zip(by_chat, results, strict=True):
            if isinstance(result, BaseException):  # e.g. the store went away: rows stay pending
                log.error("notify: delivery to chat %s stopped", chat_id, exc_info=result)
        return report

    # ------------------------------------------------------------------ one chat, in order

    async def _wait_turn(self, chat_id: int) -> None:
        """A chat's own spacing, waited before a send slot is taken."""
        last = self._last_sent.get(chat_id)
        if last is None:
            return
        while (wait := last + self.pacing.interval(chat_id) - self._monotonic()) > 0:
            await self._sleep(wait)

    def _out_of_time(self) -> bool:
        return self._stopping or self._monotonic() >= self._deadline

    async def _serve_chat(self, bot: Bot, pacer: Pacer, chat_id: int, queue: list[subs.OutboxItem],
                          report: DeliveryReport) -> None:
        for i, item in enumerate(queue):
            await self._wait_turn(chat_id)
            if self._out_of_time():
                report.deferred += len(queue) - i
                return  # given back; another worker may take the rows once the lease has run out
            async with self._in_flight:  # from "sending" to the recorded answer
                if not await self._db(lambda s, i=item: subs.mark_sending(s, i.id, self.worker, self.now())):
                    return  # the claim is gone (the lease ran out): not ours to send
                await pacer.admit(chat_id)
                if self._out_of_time():  # the wait for a slot outlasted the lease's half
                    await self._db(lambda s, i=item: subs.unmark_sending(s, i.id))
                    report.deferred += len(queue) - i
                    return
                if not await self._send_and_record(bot, chat_id, item, report):
                    return

    async def _send_and_record(self, bot: Bot, chat_id: int, item: subs.OutboxItem,
                               report: DeliveryReport) -> bool:
        """Send one row and record the answer in the store at once. False: leave the chat's
        other rows for later (their order is kept)."""
        try:
            message_id = await self._send(bot, item)
        except RetryAfter as exc:  # the pacer holds every chat for it already
            wait, error = retry_seconds(exc), f"429: {exc}"
            await self._db(lambda s: subs.mark_retry(
                s, item.id, self.now() + timedelta(seconds=wait), error, count_attempt=False))
            report.rate_limited += 1
            return False
        except ChatMigrated as exc:
            new_id = exc.new_chat_id
            await self._db(lambda s: subs.migrate_chat(s, chat_id, new_id))
            log.info("notify: chat %s migrated to %s", chat_id, new_id)
            return False
        except Forbidden as exc:
            await self._pause(chat_id, f"403: {exc.message}", report)
            return False
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self._pause(chat_id, f"400: {exc.message}", report)
                return False
            log.error("notify: Telegram refused outbox row %s for chat %s: %s", item.id, chat_id, exc.message)
            error = f"400: {exc.message}"
            await self._db(lambda s: subs.mark_failed(s, item.id, error))
            report.failed += 1
            return True
        except (TimedOut, NetworkError, TelegramError) as exc:  # 5xx, network, anything unforeseen
            delay = min(self.pacing.backoff_base * 2 ** item.attempts, self.pacing.backoff_cap)
            error = f"{type(exc).__name__}: {exc}"
            await self._db(lambda s: subs.mark_retry(
                s, item.id, self.now() + timedelta(seconds=delay), error))
            report.retried += 1
            return False  # keep this chat's order: the rest waits for the retry
        await self._db(lambda s: subs.mark_sent(s, item.id, self.now(), message_id))
        self._last_sent[chat_id] = self._monotonic()
        report.sent += 1
        return True

    async def _pause(self, chat_id: int, reason: str, report: DeliveryReport) -> None:
        await self._db(lambda s: subs.pause_chat(s, chat_id, reason))
        report.paused_chats.append(chat_id)
        log.info("notify: chat %s paused (%s)", chat_id, reason)

    async def _send(self, bot: Bot, item: subs.OutboxItem) -> int | None:
        """One request, its slot already taken (`ADMITTED`), no retry inside the pacer."""
        attachment = (item.payload or {}).get("document")
        if attachment:
            message = await bot.send_document(
                item.recipient, document=attachment["content"].encode("utf-8"),
                filename=attachment.get("filename", "kalender.ics"),
                caption=item.text, parse_mode=ParseMode.HTML, rate_limit_args=ADMITTED,
            )
        else:
            message = await bot.send_message(
                item.recipient, item.text, parse_mode=ParseMode.HTML, rate_limit_args=ADMITTED,
            )
        return getattr(message, "message_id", None)


def install(application, *, poll_seconds: float | None = None, now: Clock | None = None,
            pacing: Pacing | None = None, first: float = 5.0) -> Notifier:
    """Put a Notifier in ``bot_data`` and start its repeating job. Called from `bot.app`, whose
    Application carries the `Pacer` (``NOTIFY_OVERALL_RATE``)."""
    bot_data = application.bot_data
    settings = bot_data.get("settings")
    if poll_seconds is None:
        poll_seconds = getattr(settings, "notify_poll_seconds", 30)
    if now is None and settings is not None and hasattr(settings, "now"):
        now = settings.now
    notifier = Notifier(bot_data["engine"], now=now, pacing=pacing)
    bot_data["notifier"] = notifier
    if application.job_queue is None:
        log.warning("notify: no JobQueue (install python-telegram-bot[job-queue]); notifications are off")
        return notifier
    application.job_queue.run_repeating(
        notifier.job, interval=poll_seconds, first=first, name="notify",
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )
    return notifier
