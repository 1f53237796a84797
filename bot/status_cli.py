"""`python -m bot status`: the store as an admin's /status shows it, in the terminal.

The same queries and the same renderer as /status (`handlers.render_admin.status`), printed as
the text a reader of the chat would see: counts, the protocols whose parse is in doubt, and the
identity report (organisations, bodies with all their names, merged and kept-apart people).
"""

from __future__ import annotations

import argparse
import importlib.metadata

from bot.ingest import database_url
from bot.offline import html_to_text


def main(args: argparse.Namespace) -> int:
    from handlers import render_admin
    from knowledge import queries
    from knowledge.db import init_db, make_engine, session

    engine = make_engine(database_url())
    try:
        init_db(engine)
        with session(engine) as s:
            reply = render_admin.status(
                queries.stats(s),
                version=_version(),
                database=engine.dialect.name,
                access="(terminalen)",
                refused=None,
                tz=_tz(),
                flagged=queries.flagged_documents(s, limit=50),
                flagged_total=queries.flagged_count(s),
                identity=queries.identity_report(s),
            )
    finally:
        engine.dispose()
    for part in reply.parts:
        print(html_to_text(part))
    return 0


def _version() -> str:
    try:
        return importlib.metadata.version("namndbot")
    except importlib.metadata.PackageNotFoundError:
        return "okänd version"


def _tz():
    try:
        from bot.settings import Settings

        return Settings().tz()
    except Exception:  # a setting the status does not need is unusable: Stockholm, as the default
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Stockholm")


def add_parser(sub) -> None:
    p = sub.add_parser("status", help="databasens innehåll, osäkra tolkningar och identitetsrapporten")
    p.set_defaults(func=main)
