"""The pace under load and faults, in simulated time (`tests.notify.simtime`), through the Bot
API model (`tests.notify.fakeserver`) with 429s (per chat and for the whole bot), 500s and slow
answers: a broadcast to 300 followers while users get replies, on SQLite and PostgreSQL.

What the harness of issue 12 saw with PTB's AIORateLimiter: after a 429, 82 messages in one
second. Here every request that reached the server is counted, refused ones and retries
included, in every window [t, t + 1): never more than the rate. A 429 pauses the whole sender
for its retry_after, the notifier sees it (it records when to try the row again), and nothing
is lost or sent twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime

from sqlmodel import Session, func, select

from bot.app import build_application
from bot.notify import DeliveryReport, Notifier, Pacing
from bot.offline import make_update
from bot.pacing import Pacer
from bot.settings import Settings
from knowledge import calendar
from knowledge import subscriptions as subs
from knowledge.models import Event
from knowledge.notify_models import NotifyEventDone
from tests.notify import simtime
from tests.notify.fakeserver import Attempt, FakeBotAPI, busiest_window
from tests.notify.simtime import sim_app

START = datetime(2030, 9, 20, 8, 0, tzinfo=UTC)
FOLLOWERS = [-(1_000_000_000_000 + i) if i % 20 == 0 else 10_000 + i for i in range(300)]
ANSWERED = range(500, 530)  # users who ask the bot something during the broadcast
RATE = 30
FAILING = FOLLOWERS[5:15]  # a 500 each, once
FLOODED = FOLLOWERS[40:45]  # a 429 each (retry_after 4), once


def latency(chat_id: int) -> float:
    """Answers take 50 ms to 2.5 s, by chat."""
    return 2.5 if chat_id % 50 == 3 else 0.05 + (abs(chat_id) % 7) * 0.1


def _follow_and_move(engine) -> None:
    with Session(engine) as s:
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2031, 10, 4), "09.00", "Regionens hus")
        for chat in FOLLOWERS:
            subs.subscribe(s, chat, "body", str(body.id), body.short)
        for user in ANSWERED:
            subs.subscribe(s, user, "word", "budget", "budget")
        s.commit()
        calendar.move_meeting(s, body, date(2031, 10, 4), date(2031, 10, 3))
        s.commit()


def _idle(engine) -> bool:
    """Nothing pending, and every store event collected (another worker may be collecting)."""
    with Session(engine) as s:
        events = s.exec(select(func.count()).select_from(Event)).one()
        done = s.exec(select(func.count()).select_from(NotifyEventDone)).one()
        return not subs.outbox_counts(s).get("pending") and events == done


async def _broadcast(loop, engine, bot, notifier: Notifier) -> DeliveryReport:
    total = DeliveryReport()
    while True:
        total += await notifier.tick(bot) or DeliveryReport()
        if await asyncio.to_thread(_idle, engine):
            return total
        await asyncio.sleep(1)


def _faulty_api(loop) -> FakeBotAPI:
    api = FakeBotAPI(clock=loop.time, latency=latency)
    for chat in FAILING:
        api.inject(500, chat_id=chat)
    for chat in FLOODED:
        api.inject(429, retry_after=4, chat_id=chat)
    return api


async def _global_429_after(api: FakeBotAPI, delivered: int) -> None:
    """A 429 for the whole bot (whichever chat comes next), in the middle of the broadcast."""
    while len(api.delivered()) < delivered:
        await asyncio.sleep(0.1)
    api.inject(429, retry_after=5)


def _notices(api: FakeBotAPI) -> Counter:
    return Counter(d.chat_id for d in api.delivered() if "flyttat" in d.text)


def _holds_kept(attempts: list[Attempt], retry_after: dict[int, float]) -> None:
    """After a 429 reached the sender, nothing left it until retry_after had passed."""
    refused = [a for a in attempts if a.status == 429]
    assert refused
    for a in refused:
        start = a.at + a.delay
        end = start + retry_after.get(a.chat_id, 5)
        during = [b for b in attempts if start + 1e-9 < b.at < end - 1e-9]
        assert during == [], (a, during[:3])


def test_a_faulted_broadcast_and_replies_never_exceed_the_rate(engine):
    _follow_and_move(engine)
    settings = Settings(database_url="sqlite://", notify_overall_rate=RATE, _env_file=None)

    async def main(loop):
        api = _faulty_api(loop)
        for user in ANSWERED[:3]:  # replies meet a 429 too: the pacer retries them, counted
            api.inject(429, retry_after=2, chat_id=user)
        app = build_application(settings, engine, request=api.request())
        assert isinstance(app.bot.rate_limiter, Pacer)
        await app.initialize()
        notifier = Notifier(engine, now=loop.now, monotonic=loop.time, pacing=Pacing())

        async def replies() -> None:
            await asyncio.sleep(3)
            await asyncio.gather(*(app.process_update(make_update(app, "/bevakningar", user_id=u, chat_id=u))
                                   for u in ANSWERED))

        report, *_ = await asyncio.gather(_broadcast(loop, engine, app.bot, notifier), replies(),
                                          _global_429_after(api, 100))
        await app.shutdown()
        return api, report

    api, report = simtime.run(START, main)
    attempts = api.attempts()
    assert busiest_window([a.at for a in attempts], 1.0) <= RATE  # retries and refusals included
    _holds_kept(attempts, {**dict.fromkeys(FLOODED, 4), **dict.fromkeys(ANSWERED[:3], 2)})
    assert report.rate_limited >= len(FLOODED) + 1  # the notifier saw its 429s
    assert report.retried == len(FAILING)
    notices = _notices(api)
    assert set(notices) == set(FOLLOWERS) and max(notices.values()) == 1  # none lost, none twice
    replies = Counter(d.chat_id for d in api.delivered() if d.chat_id in ANSWERED)
    assert replies == Counter(dict.fromkeys(ANSWERED, 1))
    # the notifier never had more than Pacing.in_flight requests out at once
    spans = [(a.at, a.at + a.delay - 1e-9) for a in attempts if "flyttat" in a.text]  # 1e-9: float sums
    assert max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans) <= Pacing().in_flight


def test_two_workers_together_stay_within_the_rate(engine):
    """Two delivery processes sharing one store, each paced at half the rate (NOTIFY_OVERALL_RATE
    = 30/W), claim rows from each other and still never exceed 30 together."""
    _follow_and_move(engine)

    async def main(loop):
        api = _faulty_api(loop)
        apps = [sim_app(api, Pacer(RATE / 2)) for _ in range(2)]
        for app in apps:
            await app.initialize()
        workers = [Notifier(engine, now=loop.now, monotonic=loop.time, worker=f"sim-{i}",
                            pacing=Pacing(batch=40, lease=20)) for i in range(2)]
        reports = await asyncio.gather(*(_broadcast(loop, engine, app.bot, w) for app, w in zip(apps, workers, strict=True)),
                                       _global_429_after(api, 100))
        for app in apps:
            await app.shutdown()
        return api, reports[:2]

    api, reports = simtime.run(START, main)
    assert busiest_window([a.at for a in api.attempts()], 1.0) <= RATE
    assert all(r.sent > 0 for r in reports), reports
    notices = _notices(api)
    assert set(notices) == set(FOLLOWERS) and max(notices.values()) == 1
