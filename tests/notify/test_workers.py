"""Several workers on one PostgreSQL: two bot processes collect and deliver the same outbox
against one local Bot API server. Every notice reaches every subscriber exactly once, both
workers send a share, a chat's notices keep their order, and a crashed worker's claimed rows
are delivered by the other once the lease has run out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from knowledge import calendar
from knowledge import subscriptions as subs
from knowledge.db import init_db, make_engine
from knowledge.notify_models import SENT, Outbox
from tests.conftest import own_postgres_database

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 150
ORDERED = range(9001, 9006)  # chats that get three notices each, to be received in order


@pytest.fixture
def pg(tmp_path):
    """An engine on a database of its own (created here, dropped at the end)."""
    with own_postgres_database("nb_workers") as url:
        engine = make_engine(url)
        try:
            init_db(engine)
            yield engine
        finally:
            engine.dispose()


def _spawn(engine, server, *, worker=None, rate=60.0, batch=8, lease=20.0, start_at=None):
    url = engine.url.render_as_string(hide_password=False)
    args = [url, server.base_url, "--rate", str(rate), "--batch", str(batch), "--lease", str(lease),
            "--start-at", str(start_at or time.time()), *(["--worker", worker] if worker else [])]
    return subprocess.Popen([sys.executable, "-m", "tests.notify.worker_proc", *args], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)


def _result(proc, timeout=90) -> dict:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0
    return json.loads(out.decode().strip().splitlines()[-1])


def _sent_by(engine) -> Counter:
    with Session(engine) as s:
        rows = s.exec(select(Outbox)).all()
    assert rows and all(r.status == SENT for r in rows)
    return Counter(r.claimed_by for r in rows)


def test_two_workers_deliver_each_notice_once_and_share_the_work(pg, server):
    now = datetime.now(UTC)
    expected: set[tuple[int, str]] = set()
    with Session(pg) as s:  # a moved meeting (a store event both workers see) and direct notices
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2031, 10, 4), "09.00", "Regionens hus")
        for chat in range(1, SUBSCRIBERS + 1):
            subs.subscribe(s, chat, "body", str(body.id), body.short)
        for chat in ORDERED:
            for n in (1, 2, 3):
                subs.enqueue(s, chat, f"notice:{n}", "notice", f"Meddelande {n} till {chat}", now=now)
                expected.add((chat, f"Meddelande {n} till {chat}"))
        calendar.move_meeting(s, body, date(2031, 10, 4), date(2031, 10, 3))
        s.commit()

    start = time.time() + 3  # both processes imported and connected before either begins
    workers = [_spawn(pg, server, start_at=start) for _ in range(2)]
    results = [_result(w) for w in workers]

    moved = [d for d in server.delivered() if d.chat_id <= SUBSCRIBERS]
    assert sorted(d.chat_id for d in moved) == list(range(1, SUBSCRIBERS + 1))  # each once
    assert all("flyttat" in d.text and "3 oktober" in d.text for d in moved)
    expected |= {(d.chat_id, d.text) for d in moved}
    counts = server.counts()
    assert set(counts) == expected and max(counts.values()) == 1  # nothing lost, nothing twice
    assert len(server.delivered()) == SUBSCRIBERS + 3 * len(ORDERED)

    # both sent a share, and the store agrees with what each process says it sent
    assert all(r["sent"] > 0 for r in results), results
    assert sum(r["sent"] for r in results) == len(server.delivered())
    assert _sent_by(pg) == Counter({r["worker"]: r["sent"] for r in results})
    for chat in ORDERED:
        assert [d.text for d in server.delivered(chat)] == [f"Meddelande {n} till {chat}" for n in (1, 2, 3)]


def _count_sent(engine) -> int:
    with Session(engine) as s:
        return subs.outbox_counts(s).get(SENT, 0)


def test_a_crashed_workers_claims_are_taken_over_after_the_lease(pg, server):
    now = datetime.now(UTC)
    chats = range(1, 41)
    with Session(pg) as s:
        for chat in chats:
            subs.enqueue(s, chat, "notice:1", "notice", f"Hej {chat}", now=now)
        s.commit()
    lease = 4.0
    server.hang_after(10)  # the 11th send is held: the worker is killed while holding its claim
    first = _spawn(pg, server, worker="machine-a|1|100|aa", batch=40, lease=lease)
    try:
        deadline = time.monotonic() + 30
        while not server.hanging.is_set() or _count_sent(pg) < 10:
            assert time.monotonic() < deadline, "the first worker never sent its ten"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    with Session(pg) as s:
        held = s.exec(select(Outbox).where(Outbox.status == "pending")).all()
    assert len(held) == 30 and {r.claimed_by for r in held} == {"machine-a|1|100|aa"}
    lease_end = min(r.claimed_until for r in held)
    server.release()

    second = _spawn(pg, server, worker="machine-b|2|200|bb", batch=40, lease=lease)
    result = _result(second)
    counts = server.counts()
    assert set(counts) == {(c, f"Hej {c}") for c in chats} and max(counts.values()) == 1
    assert result["sent"] == 30
    assert _sent_by(pg) == Counter({"machine-a|1|100|aa": 10, "machine-b|2|200|bb": 30})
    with Session(pg) as s:  # not one of them before the other machine's lease ran out
        taken = s.exec(select(Outbox).where(Outbox.claimed_by == "machine-b|2|200|bb")).all()
    assert len(taken) == 30 and all(r.sent_at >= lease_end for r in taken)


def test_a_claim_takes_at_most_its_limit_and_skips_rows_claimed_by_others(engine):
    """On both stores: PostgreSQL may run a LIMIT subquery inside UPDATE once per row, so the
    claim must still take exactly ``limit`` rows; a second worker gets the next ones."""
    from datetime import timedelta

    now = datetime.now(UTC)
    with Session(engine) as s:
        for chat in range(1, 31):
            subs.enqueue(s, chat, "notice:1", "notice", f"Hej {chat}", now=now)
        s.commit()
    lease = timedelta(seconds=60)
    with Session(engine) as s:
        first = subs.claim_outbox(s, now, "a", lease=lease, limit=8)
        s.commit()
    with Session(engine) as s:
        second = subs.claim_outbox(s, now, "b", lease=lease, limit=8)
        s.commit()
    assert [i.recipient for i in first] == list(range(1, 9))
    assert [i.recipient for i in second] == list(range(9, 17))
    with Session(engine) as s:  # after the lease, or once given back, the rows are free again
        assert [i.recipient for i in subs.claim_outbox(s, now + 2 * lease, "c", lease=lease, limit=3)] == [1, 2, 3]
        s.rollback()
        assert subs.release_claims(s, "b") == 8
        s.commit()
        assert [i.recipient for i in subs.claim_outbox(s, now, "c", lease=lease, limit=3)] == [9, 10, 11]


def test_a_claimant_is_gone_only_when_it_was_a_process_of_this_machine_that_ended():
    from bot.notify import claimant_is_gone, worker_identity

    me = worker_identity()
    host, ns, _, _ = me.split("|")
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert claimant_is_gone(f"{host}|{ns}|{ended.pid}|x", me)  # a restart takes over at once
    assert not claimant_is_gone(f"{host}|{ns}|{os.getppid()}|x", me)  # still running
    assert not claimant_is_gone(f"{host}|{ns}|{os.getpid()}|x", me)  # a sibling Notifier
    assert not claimant_is_gone(f"other-host|{ns}|{ended.pid}|x", me)  # another machine: lease
    assert not claimant_is_gone(f"{host}|other-ns|{ended.pid}|x", me)  # another container: lease
    assert not claimant_is_gone("garbage", me)
