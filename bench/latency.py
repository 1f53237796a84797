"""Handler latency at scale: p50/p99 per command through the real Application, and peak memory.

    .venv/bin/python bench/latency.py                 # 10,000 protocols, 200 calls per command
    .venv/bin/python bench/latency.py --protocols 500 --calls 50   # a quick look

The synthetic store is built from the seed formats: the bundled samples are parsed once, then
written again and again through `knowledge.store` as protocols of other meetings (dates spread
over twenty years, fresh diarienummer and varied titles, each case handled by an utskott and
then by the nämnd a week later). The SQLite file is cached in the temp directory, keyed by its
size and the sample texts, so reruns start timing at once (`--rebuild` to write it again).

Timing covers `Application.process_update` for one real `Update`: argument parsing, the query
in its worker thread, rendering, and the (offline) Bot API calls. Calls are paced under the
rate limiter's 30 per second, as real users are. The /underskott chart is drawn after the
figures are sent (a background task) and is timed on its own. Target: p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPHS_PER_PROTOCOL = 16
PACE = 0.040  # seconds between the starts of two timed calls
PLACES = [
    "Sundsvall", "Härnösand", "Örnsköldsvik", "Sollefteå", "Kramfors", "Timrå", "Ånge",
    "Umeå", "Skellefteå", "Lycksele", "Vilhelmina", "Storuman", "Sorsele", "Nordmaling",
]
TOPICS = [
    "primärvården", "psykiatrin", "akutsjukvården", "tandvården", "ambulanssjukvården",
    "barnhälsovården", "rehabiliteringen", "habiliteringen", "ögonsjukvården", "förlossningsvården",
]


def sample_paths() -> list[Path]:
    try:
        from knowledge.samples import sample_paths as paths

        return list(paths())
    except (ImportError, AttributeError):
        return sorted((ROOT / "knowledge" / "samples").glob("*.txt"))


def cache_path(protocols: int) -> Path:
    digest = hashlib.sha256()
    for p in sample_paths():
        digest.update(p.read_bytes())
    for module in ("models.py", "db.py"):  # the schema; a rebuild is `--rebuild`
        digest.update((ROOT / "knowledge" / module).read_bytes())
    return Path(tempfile.gettempdir()) / f"namndbot-bench-{protocols}-{digest.hexdigest()[:12]}.db"


# --- building the store ---------------------------------------------------------------------


def synthetic_documents(protocols: int):
    """Yield (name, ParsedDocument) for the plan once and ``protocols`` synthetic protocols."""
    from knowledge.parse.model import ParsedDocument
    from knowledge.pipeline import parse_file

    parsed = [parse_file(p) for p in sample_paths()]
    plans = [d for d in parsed if d.kind != "protocol"]
    bases = [d for d in parsed if d.kind == "protocol" and d.paragraphs and d.meeting_date]
    pool = [p for d in bases for p in d.paragraphs]
    bodies = sorted({d.body for d in bases if d.body})
    nämnd = next((b for b in bodies if b.endswith("nämnden")), bodies[0])
    utskott = [b for b in bodies if b != nämnd] or [nämnd]
    for i, plan in enumerate(plans):
        yield f"plan-{i}.txt", plan

    start = dt.date(2005, 1, 10)
    span_days = 20 * 365
    case_no = 0
    for i in range(protocols):
        pair, second = divmod(i, 2)
        base = bases[pair % len(bases)]
        # One day per pair (spacing > 1 day, so no two pairs share one): the utskott proposes,
        # the nämnd decides a week later. No two protocols share body and date, so none is
        # taken for a new version of another.
        day = start + dt.timedelta(days=(pair * 2 * span_days) // protocols)
        body = utskott[pair % len(utskott)]
        if second:
            day += dt.timedelta(days=7)
            body = nämnd
        if not second:
            first_case = case_no
            case_no += PARAGRAPHS_PER_PROTOCOL
        yy = day.year % 100
        shift = day - base.meeting_date
        paragraphs = []
        for j in range(PARAGRAPHS_PER_PROTOCOL):
            src = pool[(pair * 7 + j) % len(pool)]
            n = first_case + j
            place, topic = PLACES[n % len(PLACES)], TOPICS[(n // len(PLACES)) % len(TOPICS)]
            paragraphs.append(
                src.model_copy(
                    update={
                        "number": (pair % 150) * 20 + j + 1,
                        "title": src.title if src.routine else f"{src.title} – {topic}, {place} {n}",
                        "dnr": None if src.routine or not src.dnr else f"{yy:02d}HSN{1000 + n}",
                        "is_proposal": bool(src.is_proposal and not second),
                    }
                )
            )
        figures = [
            f.model_copy(
                update={
                    "paragraph": paragraphs[0].number,
                    "value_mnkr": round(f.value_mnkr * (0.5 + (pair % 100) / 100), 1),
                    "period": str(day.year) if f.period and len(f.period) == 4 else f.period,
                }
            )
            for f in base.figures
        ]
        changes = [
            c.model_copy(
                update={
                    "from_": c.from_ + shift if c.from_ else None,
                    "to": c.to + shift if c.to else None,
                    "paragraph": paragraphs[-1].number,
                }
            )
            for c in base.schedule_changes
        ]
        doc = ParsedDocument(
            **{
                **base.model_dump(exclude={"paragraphs", "figures", "schedule_changes"}),
                "body": body,
                "meeting_date": day,
                "paragraphs": paragraphs,
                "figures": figures,
                "schedule_changes": changes,
            }
        )
        yield f"protokoll-{i:05d}.txt", doc


def build(path: Path, protocols: int) -> None:
    from knowledge import store
    from knowledge.db import init_db, make_engine, session

    partial = path.with_suffix(".partial")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    init_db(engine)
    started = time.perf_counter()
    paragraphs = 0
    for n, (name, doc) in enumerate(synthetic_documents(protocols), 1):
        with session(engine) as s:
            result = store.ingest_document(
                s, doc, source_name=name, sha256=hashlib.sha256(name.encode()).hexdigest()
            )
        paragraphs += result.paragraphs or len(doc.paragraphs)
        if n % 500 == 0:
            rate = n / (time.perf_counter() - started)
            print(f"  {n:>6} dokument, {paragraphs:>7} paragrafer ({rate:.0f} dok/s)", flush=True)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    partial.rename(path)
    print(f"  byggd på {time.perf_counter() - started:.0f} s: {path}", flush=True)


# --- timing ---------------------------------------------------------------------------------


def workload(engine, rng: random.Random) -> dict[str, Callable[[], tuple[str, str]]]:
    """Command name → a function giving (kind, payload) for one call with a varied argument."""
    from sqlmodel import Session, select

    from knowledge.models import Case, Person, Reservation

    with Session(engine) as s:
        case_rows = s.exec(select(Case.id, Case.dnr).limit(20000)).all()
        names = [p for p in s.exec(select(Person.name).where(Person.name.is_not(None)).limit(200)).all() if p]
        reservation_ids = list(s.exec(select(Reservation.id).limit(2000)).all())
    case_ids = [c[0] for c in case_rows]
    dnrs = [c[1] for c in case_rows if c[1]]

    def typo(dnr: str) -> str:
        digits = [i for i, ch in enumerate(dnr) if ch.isdigit()]
        a = rng.choice(digits[-3:]) if len(digits) >= 3 else len(dnr) - 1
        return dnr[:a] + str((int(dnr[a]) + 1) % 10 if dnr[a].isdigit() else 1) + dnr[a + 1 :]

    def pick(seq):
        return lambda: rng.choice(seq)

    return {
        "/beslut DNR": lambda: ("text", f"/beslut {rng.choice(dnrs)}"),
        "/beslut dnr med stavfel": lambda: ("text", f"/beslut {typo(rng.choice(dnrs))}"),
        "/beslut ord": lambda: ("text", f"/beslut {rng.choice(TOPICS)} {rng.choice(PLACES)}"),
        "/beslut (inget)": lambda: ("text", "/beslut"),
        "fritext DNR": lambda: ("text", rng.choice(dnrs)),
        "/reservationer": lambda: ("text", "/reservationer"),
        "/reservationer parti": lambda: ("text", f"/reservationer {rng.choice(['SJVP', 'SD', 'KD', 'S', 'V'])}"),
        "/reservationer namn": lambda: ("text", f"/reservationer {pick(names)()}"),
        "/nasta_mote": lambda: ("text", "/nasta_mote"),
        "/nästa-möte organ": lambda: ("text", f"/nästa-möte {rng.choice(['hsn', 'nämnden', 'utskottet'])}"),
        "/underskott": lambda: ("text", "/underskott"),
        "/underskott år": lambda: ("text", f"/underskott {rng.randint(2005, 2025)}"),
        "/sok": lambda: ("text", f"/sok {rng.choice(TOPICS)}"),
        "/start": lambda: ("text", "/start"),
        "knapp c:ärende": lambda: ("button", f"c:{rng.choice(case_ids)}"),
        "knapp r:reservation": lambda: ("button", f"r:{rng.choice(reservation_ids or [1])}"),
        "inline dnr": lambda: ("inline", rng.choice(dnrs)),
        "inline ord": lambda: ("inline", rng.choice(TOPICS)),
        "okänt kommando": lambda: ("text", "/fika"),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def time_commands(path: Path, calls: int, today: str, only: str | None) -> list[tuple]:
    from bot.app import build_application
    from bot.offline import OfflineRequest, make_callback_update, make_inline_update, make_update
    from bot.settings import Settings
    from knowledge.db import make_engine

    # The Application is not started (no polling, no jobs): PTB warns that the /underskott chart
    # task is not awaited on stop; the bench awaits it itself.
    warnings.filterwarnings("ignore", message="Tasks created via `Application.create_task`")
    engine = make_engine(f"sqlite:///{path}")
    request = OfflineRequest()
    settings = Settings(database_url="sqlite://", bot_today=today, _env_file=None)
    app = build_application(settings, engine, request=request)
    await app.initialize()
    from knowledge import search

    t0 = time.perf_counter()
    await asyncio.to_thread(search.warm, engine)  # as the bot does at start (post_init)
    print(f"Sökindexet byggt vid start: {(time.perf_counter() - t0) * 1000:.0f} ms", flush=True)
    rng = random.Random(4)
    rows = []
    try:
        for name, make in workload(engine, rng).items():
            if only and only not in name:
                continue
            times = []
            cold = None
            for n in range(calls + 1):
                kind, payload = make()
                # Each call from another user, as in a committee: one user sending 200 commands
                # would meet the flood control, and the bench would time its silence.
                user = 10_000 + n
                if kind == "text":
                    update = make_update(app, payload, user_id=user, chat_id=user)
                elif kind == "button":
                    update = make_callback_update(
                        app, payload, message_text="…", user_id=user, chat_id=user
                    )
                else:
                    update = make_inline_update(app, payload, user_id=user)
                request.clear()
                t0 = time.perf_counter()
                await app.process_update(update)
                elapsed = (time.perf_counter() - t0) * 1000
                # Let a background chart finish before the next call starts: its drawing is
                # timed on its own below and must not be billed to whatever comes next.
                others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                if others:
                    await asyncio.gather(*others, return_exceptions=True)
                if n == 0:
                    cold = elapsed  # first use builds in-memory indexes
                else:
                    times.append(elapsed)
                # Stay under the pacer's 30 calls/s: otherwise the bench would time
                # Telegram's flood limit (≈33 ms per call), not the handler.
                await asyncio.sleep(max(0.0, PACE - elapsed / 1000))
            rows.append(
                (name, cold, statistics.median(times), percentile(times, 99), max(times))
            )
            print(f"  {name:<26} p50 {rows[-1][2]:7.1f} ms   p99 {rows[-1][3]:7.1f} ms", flush=True)
    finally:
        await app.shutdown()
        engine.dispose()
    return rows


def time_chart(path: Path) -> list[float]:
    """Milliseconds to draw each body's chart afresh (the cache cleared before each)."""
    from sqlmodel import Session

    from handlers import chart
    from knowledge import queries
    from knowledge.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        reports = [r for r in queries.figure_reports(s) if chart.chartable(r)]
    engine.dispose()
    times = []
    for _ in range(3):
        for report in reports:
            chart._png.cache_clear()
            t0 = time.perf_counter()
            chart.figure_chart(report)
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--protocols", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", help="time only commands whose name contains this")
    args = parser.parse_args()

    path = cache_path(args.protocols)
    if args.build_only:
        build(path, args.protocols)
        return 0
    if args.rebuild or not path.exists():
        print(f"Bygger syntetisk databas ({args.protocols} protokoll) …", flush=True)
        # In a child process: the build's memory must not count as the bot's peak.
        subprocess.run(
            [sys.executable, __file__, "--build-only", "--protocols", str(args.protocols)],
            check=True,
        )

    from sqlalchemy import func
    from sqlmodel import Session, select

    from knowledge.db import make_engine
    from knowledge.models import Case, Document, Paragraph

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        docs = s.exec(select(func.count()).select_from(Document)).one()
        paras = s.exec(select(func.count()).select_from(Paragraph)).one()
        cases = s.exec(select(func.count()).select_from(Case)).one()
        last = s.exec(select(func.max(Document.meeting_date))).one() if hasattr(Document, "meeting_date") else None
    engine.dispose()
    today = (last - dt.timedelta(days=30)).isoformat() if isinstance(last, dt.date) else "2024-09-05"
    size_mb = os.path.getsize(path) / 1e6
    print(f"Databas: {docs} dokument, {paras} paragrafer, {cases} ärenden, {size_mb:.0f} MB (SQLite)")
    print(f"Tid per kommando, {args.calls} anrop var (BOT_TODAY={today}):", flush=True)

    rows = asyncio.run(time_commands(path, args.calls, today, args.only))

    print()
    print(f"{'kommando':<26} {'första':>9} {'p50':>8} {'p99':>8} {'max':>8}")
    for name, cold, p50, p99, worst in rows:
        flag = "" if p99 < 50 else "  > 50 ms"
        print(f"{name:<26} {cold:8.1f}  {p50:7.1f}  {p99:7.1f}  {worst:7.1f}{flag}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chart_times = time_chart(path)
    if chart_times:
        print(
            f"\n/underskott-diagrammet (bakgrund, efter siffrorna): {chart_times[0]:.0f} ms första "
            f"(matplotlib laddas), sedan {statistics.median(chart_times[1:]):.0f} ms per nytt diagram"
        )
    print(f"\nMinnestopp (max RSS, tidtagningsprocessen): {peak:.0f} MB")
    slow = [r[0] for r in rows if r[3] >= 50]
    print("Alla kommandon under 50 ms (p99)." if not slow else f"Över 50 ms (p99): {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
