"""A bot process that only delivers the outbox, for the kill-and-restart test and the bench:
``python -m tests.notify.sender_proc DATABASE_URL BASE_URL [OVERALL_RATE]``. Exits 0 when
nothing is left to send."""

from __future__ import annotations

import asyncio
import sys

from sqlmodel import Session
from telegram.ext import Application

from bot.notify import Notifier, Pacing
from knowledge import subscriptions as subs
from knowledge.db import make_engine
from tests.notify.fakeserver import TOKEN


async def main(url: str, base_url: str, rate: float) -> int:
    engine = make_engine(url)
    app = Application.builder().token(TOKEN).base_url(base_url).build()
    await app.initialize()
    notifier = Notifier(engine, collect=None, pacing=Pacing(private_interval=0.0, overall_rate=rate,
                                                             backoff_base=0.2))
    try:
        while True:
            await notifier.tick(app.bot)
            with Session(engine) as s:
                if not subs.outbox_counts(s).get("pending"):
                    return 0
            await asyncio.sleep(0.1)
    finally:
        await app.shutdown()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 200.0)))
