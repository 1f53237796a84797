"""`python -m bot ingest PATH...`: files and folders into the store, with a progress bar.

Prints, for each stored document, the health of its parse (`knowledge.parse.health`: ok, or
where it is in doubt), then a Swedish summary (documents, paragraphs, failures with their reasons). Exit status 1
only when nothing could be ingested; a batch with some bad files still succeeds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tqdm import tqdm

DEFAULT_DATABASE_URL = "sqlite:///namndbot.db"


def database_url() -> str:
    """DATABASE_URL from the settings (environment and .env), else the default file."""
    try:
        from bot.settings import Settings

        return Settings().database_url
    except Exception:  # e.g. a malformed bot token in .env: ingest does not need the token
        return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def health_lines(report) -> list[str]:
    """One line per stored document: how far its parse can be trusted (`knowledge.parse.health`)."""
    from knowledge.parse.health import verdict

    if not report.health:
        return []
    return ["Tolkningens hälsa per dokument:"] + [f"  {name}: {verdict(h)}" for name, h in report.health]


def summary(report) -> list[str]:
    lines = health_lines(report) + [
        "Inläsning klar: "
        + _plural(report.documents, "dokument", "dokument")
        + f" ({report.new} nya, {report.replaced} ersatta, {report.unchanged} oförändrade), "
        + _plural(report.paragraphs, "paragraf", "paragrafer")
        + " sparade, "
        + _plural(len(report.failures), "fel", "fel")
        + "."
    ]
    for name, reason in report.failures:
        lines.append(f"  Fel: {name}: {reason}")
    return lines


def main(paths: list[str]) -> int:
    from knowledge.batch import expand_paths, ingest_paths
    from knowledge.db import init_db, make_engine

    files = expand_paths(Path(p) for p in paths)
    if not files:
        print("Inga filer att läsa in (.pdf, .txt eller .md).", file=sys.stderr)
        return 1
    engine = make_engine(database_url())
    try:
        init_db(engine)
        with tqdm(total=len(files), unit="fil", desc="Läser in", file=sys.stderr,
                  disable=None, leave=False) as bar:

            def step(path: Path) -> None:
                bar.set_postfix_str(path.name[-40:], refresh=False)
                bar.update(1)

            report = ingest_paths(engine, files, progress=step)
    finally:
        engine.dispose()
    for line in summary(report):
        print(line)
    return 0 if report.documents else 1
