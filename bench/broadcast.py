"""Broadcast benchmark: one moved meeting → a notice to N followers through a local Bot API
server, with the sending process killed (SIGKILL) at a random point and started again.

    .venv/bin/python bench/broadcast.py                          # SQLite, with and without faults
    .venv/bin/python bench/broadcast.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
    .venv/bin/python bench/broadcast.py --runs 3 --subscribers 600 --only sqlite

The notice goes the way a real one does: an admin move writes a "meeting_moved" event in the
store; bot processes (`tests/notify/worker_proc.py`: the real PTB Application, `bot.pacing.Pacer`
and `bot.notify.Notifier`) turn it into one outbox row per follower and deliver them to a Bot
API server on 127.0.0.1 (`tests/notify/fakeserver.py`), which answers in 20–150 ms and records
every request. After a random number of accepted messages one process is killed with SIGKILL
and a fresh one started in its place, as systemd would.

Scenarios, each run ``--runs`` times:
- ``sqlite``: one process, no faults;
- ``sqlite+faults``: one process; 3 % of chats answered 500 once, 3 % 429 (retry_after 1) once,
  2 % answered after 2 s;
- ``postgres×2`` (with ``--database-url``): two processes on one PostgreSQL, each at half the
  rate, the same faults, one of them killed.

Printed per run: messages/s (accepted, first to last), the most requests the server received
in any one second [t, t + 1) (refused ones and retries included) against the limit, lost (must
be 0), and duplicated beside its bound: the messages in flight when the process died, at most
``--in-flight`` per killed process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from knowledge import calendar  # noqa: E402
from knowledge import subscriptions as subs  # noqa: E402
from knowledge.db import init_db, make_engine  # noqa: E402
from tests.notify.fakeserver import FakeBotAPI, busiest_window  # noqa: E402


@dataclass
class Run:
    scenario: str
    followers: int
    rate: float
    sent: int
    per_second: float
    busiest: int
    lost: int
    duplicated: int
    bound: int
    killed_after: int
    seconds: float


def setup_store(url: str, followers: int, group_share: float, seed: int) -> list[int]:
    engine = make_engine(url)
    init_db(engine)
    rng = random.Random(seed)
    chats = [-(1_000_000_000_000 + i) if rng.random() < group_share else 10_000 + i for i in range(followers)]
    with Session(engine) as s:
        body = calendar.ensure_body(s, "Hälso- och sjukvårdsnämnden", "Region Västernorrland")
        calendar.add_meeting(s, body, date(2030, 10, 4), "09.00", "Regionens hus")
        for chat in chats:
            subs.subscribe(s, chat, "body", str(body.id), body.short)
        s.commit()
        calendar.move_meeting(s, body, date(2030, 10, 4), date(2030, 10, 3))
        s.commit()
    engine.dispose()
    return chats


def start_worker(url: str, server: FakeBotAPI, args: argparse.Namespace, rate: float) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tests.notify.worker_proc", url, server.base_url, "--rate", str(rate),
           "--batch", str(args.batch), "--lease", str(args.lease), "--in-flight", str(args.in_flight)]
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def faults(server: FakeBotAPI, chats: list[int], rng: random.Random) -> None:
    for chat in chats:
        roll = rng.random()
        if roll < 0.03:
            server.inject(500, chat_id=chat)
        elif roll < 0.06:
            server.inject(429, retry_after=1, chat_id=chat)
        elif roll < 0.08:
            server.inject(200, delay=2.0, chat_id=chat)


def one_run(scenario: str, url: str, args: argparse.Namespace, workers: int, faulty: bool, seed: int) -> Run:
    rng = random.Random(seed)
    chats = setup_store(url, args.subscribers, args.group_share, seed)
    server = FakeBotAPI(latency=lambda chat: 0.02 + random.random() * 0.13).start()
    if faulty:
        faults(server, chats, rng)
    rate = args.overall_rate / workers
    started = time.monotonic()
    procs = [start_worker(url, server, args, rate) for _ in range(workers)]
    kill_after = rng.randint(int(0.1 * len(chats)), int(0.8 * len(chats)))
    while len(server.delivered()) < kill_after and all(p.poll() is None for p in procs):
        time.sleep(0.005)
    victim = rng.randrange(workers)
    procs[victim].send_signal(signal.SIGKILL)
    procs[victim].wait()
    procs[victim] = start_worker(url, server, args, rate)  # the restart
    for p in procs:
        if p.wait(timeout=600) != 0:
            raise RuntimeError(f"a worker exited with {p.returncode}")
    seconds = time.monotonic() - started
    server.stop()
    delivered = [d for d in server.delivered() if "flyttat" in d.text]
    per_chat = Counter(d.chat_id for d in delivered)
    times = [d.at for d in delivered]
    span = max(times) - min(times) if len(times) > 1 else seconds
    return Run(scenario, len(chats), args.overall_rate, len(delivered), len(delivered) / span,
               busiest_window([a.at for a in server.attempts()], 1.0),
               sum(1 for c in chats if per_chat[c] == 0), sum(n - 1 for n in per_chat.values() if n > 1),
               args.in_flight, kill_after, seconds)


def print_run(i: int, r: Run) -> None:
    print(f"  {r.scenario:<14} run {i}: {r.sent:>5} accepted, {r.per_second:5.1f} msg/s, busiest second "
          f"{r.busiest:>3} (limit {r.rate:g}), killed after {r.killed_after:>4}, lost {r.lost}, "
          f"duplicated {r.duplicated} (bound {r.bound}), {r.seconds:.0f} s", flush=True)


def summary(runs: list[Run]) -> None:
    print("\nscenario         runs  msg/s (min–max)  busiest second  lost  duplicated (bound)")
    for name in dict.fromkeys(r.scenario for r in runs):
        rs = [r for r in runs if r.scenario == name]
        print(f"{name:<16} {len(rs):>4}  {min(r.per_second for r in rs):5.1f}–{max(r.per_second for r in rs):<5.1f}"
              f"     {max(r.busiest for r in rs):>3} / {rs[0].rate:g}      {sum(r.lost for r in rs):>3}   "
              f"{', '.join(str(r.duplicated) for r in rs)} (≤ {rs[0].bound} each)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--overall-rate", type=float, default=30.0, help="msg/s for all processes together")
    ap.add_argument("--in-flight", type=int, default=8, help="Pacing.in_flight of each process")
    ap.add_argument("--lease", type=float, default=6.0, help="claim lease, s (production 60)")
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--group-share", type=float, default=0.05)
    ap.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                    help="a PostgreSQL server for the two-process runs (a database of its own is made "
                         "per run and dropped); default TEST_DATABASE_URL")
    ap.add_argument("--only", choices=["sqlite", "sqlite+faults", "postgres×2"], default=None)
    args = ap.parse_args()
    print(f"broadcast: {args.subscribers} followers ({args.group_share:.0%} groups), limit {args.overall_rate:g} "
          f"msg/s, at most {args.in_flight} in flight per process, lease {args.lease:g} s; a process "
          f"SIGKILLed at a random point and restarted in every run")
    scenarios = [("sqlite", 1, False), ("sqlite+faults", 1, True), ("postgres×2", 2, True)]
    runs: list[Run] = []
    for name, workers, faulty in scenarios:
        if args.only and name != args.only:
            continue
        if name.startswith("postgres") and not args.database_url:
            print(f"  {name}: skipped (no --database-url)")
            continue
        for i in range(1, args.runs + 1):
            with contextlib.ExitStack() as stack:
                if name.startswith("postgres"):
                    from tests.conftest import own_postgres_database

                    url = stack.enter_context(own_postgres_database("nb_bench", args.database_url))
                else:
                    url = f"sqlite:///{Path(stack.enter_context(tempfile.TemporaryDirectory())) / 'b.db'}"
                runs.append(one_run(name, url, args, workers, faulty, seed=1000 * len(runs) + i))
            print_run(i, runs[-1])
    summary(runs)
    bad = [r for r in runs if r.lost or r.duplicated > r.bound or r.busiest > r.rate]
    print(json.dumps({"runs": len(runs), "failed": len(bad)}))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
