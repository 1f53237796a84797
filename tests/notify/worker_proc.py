"""One bot worker that collects and delivers the outbox, as each `python -m bot webhook`
process does, for the several-workers test:
``python -m tests.notify.worker_proc DATABASE_URL BASE_URL WORKER|- RATE BATCH LEASE START_AT``.

Waits until the wall clock reaches START_AT (so that two workers begin together), ticks until
nothing is pending and no store event is left, and prints ``{"worker": …, "sent": …}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from sqlmodel import Session, func, select
from telegram.ext import Application

from bot.notify import Notifier, Pacing
from knowledge import subscriptions as subs
from knowledge.db import make_engine
from knowledge.models import Event
from knowledge.notify_models import NotifyEventDone
from tests.notify.fakeserver import TOKEN


def _idle(engine) -> bool:
    with Session(engine) as s:
        events = s.exec(select(func.count()).select_from(Event)).one()
        done = s.exec(select(func.count()).select_from(NotifyEventDone)).one()
        return not subs.outbox_counts(s).get("pending") and events == done


async def main(url: str, base_url: str, worker: str, rate: float, batch: int, lease: float,
               start_at: float) -> int:
    engine = make_engine(url)
    app = Application.builder().token(TOKEN).base_url(base_url).build()
    await app.initialize()
    notifier = Notifier(engine, worker=None if worker == "-" else worker,
                        pacing=Pacing(private_interval=0.0, overall_rate=rate, batch=batch,
                                      lease=lease, backoff_base=0.2))
    sent = 0
    await asyncio.sleep(max(0.0, start_at - time.time()))
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


if __name__ == "__main__":
    a = sys.argv[1:]
    sys.exit(asyncio.run(main(a[0], a[1], a[2], float(a[3]), int(a[4]), float(a[5]), float(a[6]))))
