"""`python -m bot …`: the command line. With no sub-command: run the bot (offline chat without a token)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger("bot")


def _parse(args: argparse.Namespace) -> int:
    import json

    from knowledge.pipeline import parse_file
    from knowledge.read import ReadError

    try:
        doc = parse_file(Path(args.file))
    except ReadError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(doc.export(), ensure_ascii=False, indent=2))
    else:
        from knowledge.parse.health import verdict

        print(f"{doc.kind}: {doc.body} {doc.meeting_date} — {len(doc.paragraphs)} paragrafer")
        print(f"Tolkning: {verdict(doc.health)}")
        for p in doc.paragraphs:
            page = f" s. {p.page}" if p.page else ""
            print(f"  § {p.number} {p.title} [{p.dnr or '–'}]{page}")
            for doubt in p.doubts:
                print(f"      osäker: {doubt}")
    return 0


def configure_logging(level: int = logging.INFO) -> None:
    """Once per process: INFO for the bot, httpx (one line per request) only when it warns."""
    if getattr(configure_logging, "_done", False):
        return
    configure_logging._done = True  # type: ignore[attr-defined]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # Two lines per job run otherwise (the notification job runs every 30 s).
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # A dozen lines per start otherwise; knowledge.db says in one line what a migration did.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _settings():
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return None


def _serve(check, start) -> int:
    """Check the settings a server needs (a clear line and exit 2 if one is missing), then
    log and serve until stopped."""
    from bot.settings import SettingsError

    settings = _settings()
    if settings is None:
        return 2
    try:
        check(settings)
        configure_logging()
        start(settings)
    except SettingsError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.run import require_token, run_polling

    return _serve(require_token, run_polling)


def _webhook(args: argparse.Namespace) -> int:
    from bot.webhook import check_webhook_settings, run_webhook

    return _serve(check_webhook_settings, run_webhook)


def _chat(args: argparse.Namespace) -> int:
    from bot.chat import run_chat
    from bot.run import prepare_store

    settings = _settings()
    if settings is None:
        return 2
    # The terminal is the conversation: only warnings go to stderr.
    configure_logging(logging.WARNING)
    logging.getLogger("bot.run").setLevel(logging.INFO)  # "Läste in 4 exempelprotokoll …"
    engine = prepare_store(settings)
    return run_chat(settings, engine)


def _default(args: argparse.Namespace) -> int:
    """No sub-command: the real bot with a token, the offline chat without."""
    settings = _settings()
    if settings is None:
        return 2
    return _run(args) if settings.token else _chat(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="nämndbot. Utan underkommando: boten mot Telegram när TELEGRAM_BOT_TOKEN är "
        "satt, annars den lokala chatten (exempelprotokollen läses in i en tom databas).",
    )
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("parse", help="tolka en fil och skriv ut resultatet")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="exportformatet (protocol-export.md)")
    p.set_defaults(func=_parse)
    i = sub.add_parser("ingest", help="läs in filer och mappar i databasen")
    i.add_argument("paths", nargs="+")
    i.set_defaults(func=lambda a: __import__("bot.ingest", fromlist=["main"]).main(a.paths))
    r = sub.add_parser("run", help="kör boten mot Bot API med long polling (kräver TELEGRAM_BOT_TOKEN)")
    r.set_defaults(func=_run)
    w = sub.add_parser(
        "webhook",
        help="ta emot uppdateringar via webhook (WEBHOOK_URL, WEBHOOK_SECRET; flera processer kan "
        "dela en PostgreSQL)",
    )
    w.set_defaults(func=_webhook)
    c = sub.add_parser("chat", help="prata med boten i terminalen, utan token och nätverk")
    c.set_defaults(func=_chat)
    from bot import schedule_cli, status_cli

    schedule_cli.add_parser(sub)
    status_cli.add_parser(sub)
    parser.set_defaults(func=_default)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
