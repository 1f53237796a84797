"""Broadcast benchmark: one moved meeting → a notice to N subscribers through a local Bot API server.

    .venv/bin/python bench/broadcast.py                       # 5,000 subscribers at Telegram's 30 msg/s
    .venv/bin/python bench/broadcast.py --overall-rate 500    # faster, to try the machinery
    .venv/bin/python bench/broadcast.py --crash-after 2000 --fault-rate 0.01

The notice goes the way a real one does: an admin move writes a "meeting_moved" event in the
store, the notifier turns it into one outbox row per subscriber and delivers them through the
real PTB bot to a Bot API server on 127.0.0.1 (tests/notify/fakeserver.py), which counts what it
accepted. ``--crash-after K`` stops the sender after K accepted messages (its in-flight requests
held, then the sender is cancelled and thrown away) and a fresh one finishes the job, as after a
restart. ``--fault-rate`` makes that share of requests fail with 500 or 429 (retry_after 1).

Prints messages/s against the configured limit, the busiest one-second window, and lost and
duplicated notices (both must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.notify import Notifier, Pacing  # noqa: E402
from knowledge import calendar  # noqa: E402
from knowledge import subscriptions as subs  # noqa: E402
from knowledge.db import init_db, make_engine  # noqa: E402
from tests.conftest import own_postgres_database  # noqa: E402
from tests.notify.fakeserver import TOKEN, FakeBotAPI  # noqa: E402


def setup_store(url: str, subscribers: int, group_share: float) -> tuple[object, list[int]]:
    engine = make_engine(url)
    init_db(engine)
    rng = random.Random(7)
    chats: list[int] = []
    with Session(engine) as s:
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2030, 10, 4), "09.00", "Regionens hus")
        for i in range(subscribers):
            chat = -(1_000_000_000_000 + i) if rng.random() < group_share else 10_000 + i
            chats.append(chat)
            subs.subscribe(s, chat, "body", str(body.id), body.short)
        s.commit()
        calendar.move_meeting(s, body, date(2030, 10, 4), date(2030, 10, 3))
        s.commit()
    return engine, chats


async def new_sender(server: FakeBotAPI, engine, pacing: Pacing) -> tuple[Application, Notifier]:
    app = Application.builder().token(TOKEN).base_url(server.base_url).connection_pool_size(
        max(pacing.concurrency, 8)).build()
    await app.initialize()
    return app, Notifier(engine, pacing=pacing)  # the real clock: retries wait real seconds


async def drain(app: Application, notifier: Notifier, engine) -> None:
    while True:
        await notifier.tick(app.bot)
        with Session(engine) as s:
            counts = subs.outbox_counts(s)
            if not counts.get("pending"):
                return
        await asyncio.sleep(0.05)  # what is left waits for a retry time


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=5000)
    ap.add_argument("--overall-rate", type=float, default=30.0, help="msg/s overall (Telegram: ~30)")
    ap.add_argument("--private-interval", type=float, default=1.0, help="s between messages to one private chat")
    ap.add_argument("--group-interval", type=float, default=3.0, help="s between messages to one group (20/min)")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--group-share", type=float, default=0.05)
    ap.add_argument("--crash-after", type=int, default=None, help="kill the sender after K accepted messages")
    ap.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered 500 or 429")
    ap.add_argument("--database-url", default=None,
                    help="default: a fresh SQLite file; for PostgreSQL a database of its own is "
                         "made on that server and dropped at the end")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        if args.database_url and args.database_url.startswith("postgresql"):
            url = stack.enter_context(own_postgres_database("nb_bench", args.database_url))
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            url = args.database_url or f"sqlite:///{Path(tmp) / 'broadcast.db'}"
        return await run(args, url)


async def run(args: argparse.Namespace, url: str) -> int:
    pacing = Pacing(private_interval=args.private_interval, group_interval=args.group_interval,
                    overall_rate=args.overall_rate, concurrency=args.concurrency, backoff_base=1.0)
    engine, chats = setup_store(url, args.subscribers, args.group_share)
    server = FakeBotAPI().start()
    if args.fault_rate:
        rng = random.Random(11)
        for chat in rng.sample(chats, int(len(chats) * args.fault_rate)):
            if rng.random() < 0.5:
                server.inject(500, chat_id=chat)
            else:
                server.inject(429, retry_after=1, chat_id=chat)

    print(f"broadcast: {args.subscribers} subscribers ({sum(c < 0 for c in chats)} groups), "
          f"store {engine.dialect.name}")
    print(f"limits used: overall {args.overall_rate:g} msg/s, private chat 1 per {args.private_interval:g} s, "
          f"group 1 per {args.group_interval:g} s, {args.concurrency} chats at once")
    started = time.perf_counter()
    app, notifier = await new_sender(server, engine, pacing)
    restarts = 0
    if args.crash_after:
        server.hang_after(args.crash_after)
        task = asyncio.create_task(drain(app, notifier, engine))
        while not server.hanging.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # accepted messages get committed; held ones are never answered
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.shutdown()
        server.release()
        restarts = 1
        print(f"crash: sender cancelled after {len(server.delivered())} accepted messages; restarting")
        app, notifier = await new_sender(server, engine, pacing)
    await drain(app, notifier, engine)
    elapsed = time.perf_counter() - started
    await app.shutdown()

    delivered = server.delivered()
    per_chat = Counter(d.chat_id for d in delivered)
    lost = sum(1 for c in chats if per_chat[c] == 0)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    times = [d.at for d in delivered]
    span = (max(times) - min(times)) if len(times) > 1 else elapsed
    with Session(engine) as s:
        counts = subs.outbox_counts(s)
    print(f"sent {len(delivered)} in {elapsed:.1f} s (first→last {span:.1f} s)")
    print(f"rate: {len(delivered) / span:.1f} msg/s against the limit {args.overall_rate:g} msg/s; "
          f"busiest 1-s window {busiest_second(times)} messages")
    print(f"requests: {server.state.requests['sendMessage']} sendMessage "
          f"({server.state.requests['sendMessage'] - len(delivered)} refused/held and retried), restarts {restarts}")
    print(f"outbox: {dict(counts)}")
    print(f"lost {lost} (must be 0), duplicated {duplicated} (must be 0)")
    server.stop()
    engine.dispose()
    return 0 if lost == 0 and duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
