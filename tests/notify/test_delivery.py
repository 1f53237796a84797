"""The outbox delivery loop against a local Bot API server: nothing lost, nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from bot.notify import Notifier, Pacing
from bot.pacing import Pacer
from knowledge import subscriptions as subs
from knowledge.notify_models import BLOCKED, PENDING, SENT, Outbox
from tests.notify import simtime
from tests.notify.fakeserver import FakeBotAPI
from tests.notify.simtime import sim_app

FAST = Pacing(private_interval=0.0, group_interval=0.0, backoff_base=5.0)


def _queue(engine, clock, chats, key="notice:1", text="Hej {chat}"):
    with Session(engine) as s:
        for chat in chats:
            subs.enqueue(s, chat, key, "notice", text.format(chat=chat), now=clock.now())
        s.commit()


def _notifier(engine, clock, pacing=FAST):
    return Notifier(engine, now=clock.now, pacing=pacing, collect=None,
                    monotonic=clock.monotonic, sleep=clock.sleep)


def _status(engine):
    with Session(engine) as s:
        return {r.recipient: r for r in s.exec(select(Outbox)).all()}


async def test_sends_each_row_once_and_marks_it_sent(engine, clock, server, app):
    _queue(engine, clock, [101, 102, -100200])
    _queue(engine, clock, [101, 102, -100200])  # enqueueing the same event again is a no-op
    notifier = _notifier(engine, clock)
    report = await notifier.tick(app.bot)
    assert report.sent == 3
    assert sorted(d.chat_id for d in server.delivered()) == [-100200, 101, 102]
    assert server.delivered(101)[0].text == "Hej 101"
    rows = _status(engine)
    assert all(r.status == SENT and r.sent_at is not None and r.message_id for r in rows.values())
    clock.advance(60)
    report = await notifier.tick(app.bot)
    assert report.sent == 0 and len(server.delivered()) == 3


async def test_429_waits_retry_after_then_sends_once(engine, clock, server, app):
    _queue(engine, clock, [201])
    server.inject(429, retry_after=7, chat_id=201)
    notifier = _notifier(engine, clock)
    report = await notifier.tick(app.bot)
    assert report.rate_limited == 1 and server.delivered() == []
    row = _status(engine)[201]
    assert row.status == PENDING and row.attempts == 0
    assert row.next_attempt_at == clock.now() + timedelta(seconds=7)
    clock.advance(6)
    assert (await notifier.tick(app.bot)).sent == 0  # not before retry_after
    clock.advance(1)
    assert (await notifier.tick(app.bot)).sent == 1
    assert len(server.delivered(201)) == 1


async def test_5xx_and_dropped_connections_retry_with_backoff(engine, clock, server, app):
    _queue(engine, clock, [301])
    server.inject(500, chat_id=301)
    server.inject(502, chat_id=301)
    server.inject(0, chat_id=301)  # connection closed without an answer
    notifier = _notifier(engine, clock)
    delays = []
    for _ in range(3):
        report = await notifier.tick(app.bot)
        assert report.retried == 1
        row = _status(engine)[301]
        delays.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.advance(delays[-1])
    assert delays == [5.0, 10.0, 20.0]  # exponential backoff
    assert (await notifier.tick(app.bot)).sent == 1
    assert len(server.delivered(301)) == 1
    assert _status(engine)[301].attempts == 4


async def test_403_pauses_the_chat_and_its_subscriptions(engine, clock, server, app):
    with Session(engine) as s:
        subs.subscribe(s, 401, "word", "akutmottagning", "akutmottagning")
        subs.subscribe(s, 402, "word", "akutmottagning", "akutmottagning")
        s.commit()
    _queue(engine, clock, [401, 402], key="a")
    _queue(engine, clock, [401], key="b")
    server.forbid(401)
    notifier = _notifier(engine, clock)
    report = await notifier.tick(app.bot)
    assert report.paused_chats == [401] and report.sent == 1
    with Session(engine) as s:
        rows = s.exec(select(Outbox).where(Outbox.recipient == 401)).all()
        assert {r.status for r in rows} == {BLOCKED}
        assert [x.chat_id for x in subs.subscribers(s, "word")] == [402]
        assert subs.list_subscriptions(s, 401)[0].paused
    clock.advance(3600)
    await notifier.tick(app.bot)
    assert server.state.requests["sendMessage"] == 2  # one refused, nothing retried to a blocked chat
    with Session(engine) as s:  # subscribing again means the user is back
        subs.subscribe(s, 401, "body", "1", "HSN")
        s.commit()
        assert not any(v.paused for v in subs.list_subscriptions(s, 401))


def test_one_chat_is_paced_and_kept_in_order(engine):
    """In simulated time (tests.notify.simtime): the gaps are the times the code itself saw."""
    start = datetime(2024, 9, 20, 10, 0, tzinfo=UTC)

    async def main(loop):
        api = FakeBotAPI(clock=loop.time)
        with Session(engine) as s:
            for i in range(4):
                subs.enqueue(s, 501, f"n{i}", "notice", f"meddelande {i}", now=loop.now())
            subs.enqueue(s, 502, "n0", "notice", "annan chatt", now=loop.now())
            for i in range(3):
                subs.enqueue(s, -100900, f"g{i}", "notice", f"grupp {i}", now=loop.now())
            s.commit()
        app = sim_app(api, Pacer(None, group_per_minute=0))
        await app.initialize()
        notifier = Notifier(engine, now=loop.now, collect=None, monotonic=loop.time,
                            pacing=Pacing(private_interval=1.0, group_interval=3.0))
        await notifier.tick(app.bot)
        await app.shutdown()
        return api

    server = simtime.run(start, main)
    sent = server.delivered(501)
    assert [d.text for d in sent] == [f"meddelande {i}" for i in range(4)]
    assert min(b.at - a.at for a, b in zip(sent, sent[1:], strict=False)) >= 1.0
    group = server.delivered(-100900)
    assert [d.text for d in group] == ["grupp 0", "grupp 1", "grupp 2"]
    assert min(b.at - a.at for a, b in zip(group, group[1:], strict=False)) >= 3.0
    # the other chat was not held up behind the paced one
    assert server.delivered(502)[0].at < sent[1].at


async def test_a_tick_while_one_runs_returns_at_once(engine, clock, server, app):
    _queue(engine, clock, [601])
    notifier = _notifier(engine, clock)
    async with notifier._lock:
        assert await notifier.tick(app.bot) is None
    assert (await notifier.tick(app.bot)).sent == 1


def test_word_subscription_matches_titles_and_every_decision_clause(engine, clock):
    from datetime import date

    from handlers.render_notify import render_notice

    with Session(engine) as s:
        subs.subscribe(s, 701, "word", subs.normalise_word("Akutmottagning"), "akutmottagning")
        subs.subscribe(s, 702, "word", subs.normalise_word("<script>"), "<script>")
        paragraphs = [
            subs.ParagraphRef(5, "Val av justerare", routine=True, decision_text="att akutmottagningen…"),
            subs.ParagraphRef(6, "Budget 2025", decision="att fastställa budgeten",
                              decision_text="att fastställa budgeten\natt stärka akutmottagningen i Sundsvall"),
            subs.ParagraphRef(7, "Närakutmottagning i Sollefteå"),  # another word: not a match
            subs.ParagraphRef(8, "Om <script> i titlar"),
        ]
        body = subs.BodyRef(None, "Regionstyrelsen", "RS")
        n = subs.notify_protocol(s, body, date(2025, 1, 8), paragraphs, {}, render_notice, now=clock.now())
        s.commit()
        rows = {r.recipient: r.text for r in s.exec(select(Outbox)).all()}
    assert n == 2
    assert "«akutmottagning»: § 6 Budget 2025" in rows[701] and "§ 5" not in rows[701] and "§ 7" not in rows[701]
    assert "&lt;script&gt;" in rows[702] and "<script>" not in rows[702]


async def test_a_nudge_during_a_tick_makes_it_go_round_again(engine, clock, server, app):
    _queue(engine, clock, [800], key="first", text="först")
    notifier = _notifier(engine, clock)
    send = notifier._send
    nudged = []

    async def send_and_nudge(bot, item):
        if not nudged:  # while the tick is sending, an admin moves a meeting and nudges
            _queue(engine, clock, [801], key="moved:x", text="flyttat")
            nudged.append(await notifier.tick(bot))
        return await send(bot, item)

    notifier._send = send_and_nudge
    report = await notifier.tick(app.bot)
    assert nudged == [None]  # the nudge did not run a second tick alongside…
    assert report.sent == 2 and [d.text for d in server.delivered(801)] == ["flyttat"]  # …yet it was heard
