"""Kill the sending bot process in the middle of a broadcast, start it again, and count what the
Bot API server accepted: every notification exactly once when the requests in flight never
reached the server (they are held there), and those in flight sent again only after the dead
process's lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import Session, select

from knowledge import subscriptions as subs
from knowledge.notify_models import Outbox

ROOT = Path(__file__).resolve().parents[2]
CHATS = 60
LEASE = 4.0


def _spawn(engine, server) -> subprocess.Popen:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.notify.worker_proc", url, server.base_url, "--rate", "200",
         "--batch", "2000", "--lease", str(LEASE), "--no-collect"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        return subs.outbox_counts(s)


async def test_sigkill_mid_broadcast_then_restart_loses_and_duplicates_nothing(engine, clock, server):
    expected = set()
    with Session(engine) as s:
        for chat in range(1, CHATS + 1):
            for n in (1, 2) if chat % 10 == 0 else (1,):  # some chats get two, in order
                text = f"Nytt protokoll {n} till {chat}"
                subs.enqueue(s, chat, f"broadcast:{n}", "protocol", text, now=clock.now())
                expected.add((chat, text))
        s.commit()
    total = len(expected)
    k = 25
    server.hang_after(k)  # the 26th request and all later ones are held: the process dies meanwhile
    first = _spawn(engine, server)
    try:
        _wait(server.hanging.is_set, 30, "the broadcast to reach the server")
        _wait(lambda: _counts(engine).get("sent", 0) == k, 10, "accepted messages to be committed")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert len(server.delivered()) == k
    assert _counts(engine) == {"sent": k, "pending": total - k}
    with Session(engine) as s:  # the requests held at the server were in flight: marked sending
        in_flight = {r.id: r.claimed_until for r in s.exec(select(Outbox).where(Outbox.sending_at.is_not(None),
                                                                               Outbox.status == "pending")).all()}
    assert 0 < len(in_flight) <= 8  # Pacing.in_flight

    server.release()
    second = _spawn(engine, server)
    assert second.wait(60) == 0
    counts = server.counts()
    assert set(counts) == expected  # nothing lost
    assert max(counts.values()) == 1  # nothing twice
    assert _counts(engine) == {"sent": total}
    with Session(engine) as s:  # what was in flight went again only once the dead process's lease was over
        for row_id, lease_end in in_flight.items():
            assert s.get(Outbox, row_id).sent_at >= lease_end
    for chat in (10, 20, 30):  # order kept within a chat across the restart
        assert [d.text for d in server.delivered(chat)] == [f"Nytt protokoll {n} till {chat}" for n in (1, 2)]
