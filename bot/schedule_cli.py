"""`python -m bot schedule import FILE` (and `schedule export`): the sammanträdesplan from the shell.

Wired into `bot/__main__.py` with::

    from bot import schedule_cli
    schedule_cli.add_parser(sub)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def add_parser(sub) -> argparse.ArgumentParser:
    """Add ``schedule import|export`` to the CLI's sub-parsers."""
    p = sub.add_parser("schedule", help="sammanträdesplan: importera (.ics/CSV) eller exportera (.ics)")
    ss = p.add_subparsers(dest="schedule_command", required=True)
    i = ss.add_parser("import", help="läs in en sammanträdesplan: .ics eller CSV organ,datum,tid,plats")
    i.add_argument("file")
    i.add_argument("--organisation", help="skapa okända organ under denna region/kommun")
    i.set_defaults(func=import_command)
    e = ss.add_parser("export", help="skriv kommande sammanträden som .ics")
    e.add_argument("--organ", help="bara detta organ")
    e.add_argument("-o", "--output", help="fil (standard: skriv till stdout)")
    e.set_defaults(func=export_command)
    return p


def _engine():
    from bot.settings import SettingsError, load_settings
    from knowledge.db import init_db, make_engine

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None, None
    engine = make_engine(settings.database_url)
    init_db(engine)
    return engine, settings


def import_command(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from knowledge import calendar

    engine, _ = _engine()
    if engine is None:
        return 2
    path = Path(args.file)
    try:
        with Session(engine) as s:
            report = calendar.import_plan(s, path, organisation=args.organisation)
            s.commit()
    except calendar.ScheduleError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{path.name}: {report.added} nya, {report.updated} ändrade, {report.moved} flyttade, "
          f"{report.unchanged} oförändrade sammanträden; {len(report.errors)} fel")
    for err in report.errors:
        print(f"  {err}", file=sys.stderr)
    return 1 if report.errors and not report.total else 0


def export_command(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from knowledge import calendar

    engine, settings = _engine()
    if engine is None:
        return 2
    try:
        with Session(engine) as s:
            body_id = None
            if args.organ:
                body = calendar.find_body(s, args.organ)
                if body is None:
                    print(f"Fel: okänt organ {args.organ!r}", file=sys.stderr)
                    return 1
                body_id = body.id
            today: date = settings.today()
            data, count = calendar.export_ics(s, today, body_id, now=settings.now())
    finally:
        engine.dispose()
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{count} sammanträden → {args.output}")
    else:
        sys.stdout.buffer.write(data)
    return 0
