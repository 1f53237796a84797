"""One bot worker that collects and delivers the outbox, as each `python -m bot` process does,
for the kill-and-restart tests, the several-workers test and `bench/broadcast.py`:

    python -m tests.notify.worker_proc DATABASE_URL BASE_URL [--worker ID] [--rate 60]
        [--batch 8] [--lease 20] [--in-flight 8] [--start-at EPOCH] [--no-collect]

The real PTB Application with the real `Pacer` (at ``--rate``) and `Notifier`. Waits until the
wall clock reaches ``--start-at`` (so that two workers begin together), ticks until nothing is
pending and no store event is left, and prints ``{"worker": …, "sent": …}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from sqlmodel import Session, func, select

from bot.notify import Notifier, Pacing
from bot.pacing import Pacer
from knowledge import subscriptions as subs
from knowledge.db import make_engine
from knowledge.models import Event
from knowledge.notify_models import NotifyEventDone
from tests.notify.conftest import paced_app


def _idle(engine) -> bool:
    with Session(engine) as s:
        events = s.exec(select(func.count()).select_from(Event)).one()
        done = s.exec(select(func.count()).select_from(NotifyEventDone)).one()
        return not subs.outbox_counts(s).get("pending") and events == done


async def main(args: argparse.Namespace) -> int:
    engine = make_engine(args.database_url)
    pacing = Pacing(private_interval=0.0, batch=args.batch, lease=args.lease, backoff_base=0.2,
                    in_flight=args.in_flight)
    app = paced_app(args.base_url, Pacer(args.rate), connection_pool_size=max(args.in_flight, 8))
    await app.initialize()
    notifier = Notifier(engine, worker=args.worker, pacing=pacing,
                        **({"collect": None} if args.no_collect else {}))
    print(json.dumps({"worker": notifier.worker, "started": True}), flush=True)
    sent = 0
    await asyncio.sleep(max(0.0, args.start_at - time.time()))
    try:
        while True:
            report = await notifier.tick(app.bot)
            sent += report.sent if report else 0
            if _idle(engine):
                break
            await asyncio.sleep(0.05)
    finally:
        await app.shutdown()
        engine.dispose()
    print(json.dumps({"worker": notifier.worker, "sent": sent}), flush=True)
    return 0


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("database_url")
    ap.add_argument("base_url")
    ap.add_argument("--worker", default=None)
    ap.add_argument("--rate", type=float, default=60.0)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lease", type=float, default=20.0)
    ap.add_argument("--in-flight", type=int, default=8)
    ap.add_argument("--start-at", type=float, default=0.0)
    ap.add_argument("--no-collect", action="store_true")
    return ap.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
