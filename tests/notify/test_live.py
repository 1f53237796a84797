"""The running bot and a separate `python -m bot ingest` process: the ingest writes events into
the store, the bot's repeating job (bot.notify.install, as bot.app wires it) delivers them within
NOTIFY_POLL_SECONDS."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from bot import notify
from bot.pacing import Pacer
from knowledge import calendar
from knowledge import subscriptions as subs
from tests.notify.conftest import paced_app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "knowledge" / "samples" / "hsn-2024-09-04.txt"


async def test_ingest_in_another_process_is_delivered_by_the_running_bot(engine, server, clock):
    from datetime import date

    with Session(engine) as s:  # a plan loaded before any protocol; three chats follow things
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2024, 10, 4), "09.00", "Regionens hus")
        subs.subscribe(s, 1, "body", str(body.id), body.short)
        subs.subscribe(s, 2, "case", "24HSN2937", "24HSN2937")
        subs.subscribe(s, 3, "word", "tandvård", "tandvård")
        s.commit()
    app = paced_app(server.base_url, Pacer())
    app.bot_data["engine"] = engine
    clock.set(clock.now().replace(year=2024, month=9, day=5))
    notify.install(app, poll_seconds=0.3, now=clock.now, first=0.1)
    async with app:
        await app.start()
        try:
            env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                   "PYTHONPATH": str(ROOT)}
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "ingest", str(SAMPLE), cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert await proc.wait() == 0
            for _ in range(200):
                if all(server.delivered(c) for c in (1, 2, 3)) and len(server.delivered(1)) >= 2:
                    break
                await asyncio.sleep(0.05)
        finally:
            await app.bot_data["notifier"].close()
            await app.stop()
    texts = [d.text for d in server.delivered(1)]
    assert any("HSN 4 oktober är flyttat till 3 oktober</b> — beslut HSN 2024-09-04 § 104" in t for t in texts)
    assert any("Nytt protokoll: Hälso- och sjukvårdsnämnden 4 september 2024" in t for t in texts)
    assert "24HSN2937" in server.delivered(2)[0].text and "§ 101" in server.delivered(2)[0].text
    assert "«tandvård»: § 10" in server.delivered(3)[0].text
    assert max(server.counts().values()) == 1
