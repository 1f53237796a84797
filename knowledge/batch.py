"""Many files into the store: read → parse → ingest, each file in its own transaction.

A file that cannot be read, parsed or stored becomes a failure with its reason (Swedish) and
the batch goes on; nothing of a failed file is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from knowledge.db import session
from knowledge.parse.model import Health, ParsedDocument
from knowledge.pipeline import parse_raw
from knowledge.read import SUPPORTED_SUFFIXES, ReadError, read_bytes, read_document
from knowledge.store import IngestResult, ingest_document

log = logging.getLogger(__name__)


@dataclass
class BatchReport:
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    paragraphs: int = 0  # paragraphs written by this batch (new and replaced documents)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    results: list[tuple[str, IngestResult]] = field(default_factory=list)
    health: list[tuple[str, Health]] = field(default_factory=list)  # (file name, its parse health), each stored file

    @property
    def documents(self) -> int:
        """Documents now in the store from this batch (new, replaced or already there)."""
        return self.new + self.unchanged + self.replaced

    @property
    def files(self) -> int:
        return self.documents + len(self.failures)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and folders walked recursively for the supported suffixes (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
        else:
            out.append(path)
    return out


def _understood(doc: ParsedDocument) -> bool:
    return bool(doc.paragraphs or doc.figures or doc.schedule_changes or doc.body or doc.meeting_date)


def ingest_paths(
    engine: Engine,
    paths: list[Path],
    progress: Callable[[Path], None] | None = None,
) -> BatchReport:
    """Ingest every file under ``paths``; ``progress`` is called after each file."""
    report = BatchReport()
    for path in expand_paths(Path(p) for p in paths):
        try:
            _one(engine, path, report)
        except Exception as exc:  # one bad file never stops the batch
            log.exception("Oväntat fel för %s", path)
            report.failures.append((path.name, f"oväntat fel: {type(exc).__name__}: {exc}"))
        if progress is not None:
            progress(path)
    return report


def _one(engine: Engine, path: Path, report: BatchReport) -> None:
    try:
        raw = read_document(path)
    except ReadError as exc:
        report.failures.append((path.name, exc.reason))
        return
    try:
        parsed = parse_raw(raw)
    except Exception as exc:
        log.exception("Kunde inte tolka %s", path)
        report.failures.append((path.name, f"kunde inte tolkas ({type(exc).__name__}: {exc})"))
        return
    if not _understood(parsed):
        report.failures.append(
            (path.name, "inget protokoll hittades (varken organ, datum, paragrafer eller siffror)")
        )
        return
    try:
        with session(engine) as s:
            result = ingest_document(s, parsed, source_name=raw.name, sha256=raw.sha256)
    except Exception as exc:
        log.exception("Kunde inte spara %s", path)
        report.failures.append((path.name, f"kunde inte sparas ({type(exc).__name__}: {exc})"))
        return
    report.results.append((path.name, result))
    report.health.append((path.name, parsed.health))
    if result.status == "new":
        report.new += 1
    elif result.status == "replaced":
        report.replaced += 1
    else:
        report.unchanged += 1
    if result.status != "unchanged":
        report.paragraphs += result.paragraphs


@dataclass
class DocumentOutcome:
    """One file's ingest: what was parsed and stored, or why nothing was."""

    name: str
    parsed: ParsedDocument | None = None
    result: IngestResult | None = None
    failure: str | None = None  # the reason in Swedish; None when stored (or already there)
    error: Exception | None = None  # the exception behind a failure to store

    @property
    def ok(self) -> bool:
        return self.result is not None


def ingest_bytes(engine: Engine, data: bytes, name: str) -> DocumentOutcome:
    """One file received as bytes (a protocol sent to the bot): read → parse → store in one
    transaction. A failure at any step is returned, not raised, and nothing of it is stored."""
    try:
        raw = read_bytes(data, name)
    except ReadError as exc:
        return DocumentOutcome(name, failure=exc.reason)
    try:
        parsed = parse_raw(raw)
    except Exception as exc:
        log.exception("Kunde inte tolka %s", name)
        return DocumentOutcome(name, failure=f"kunde inte tolkas ({type(exc).__name__}: {exc})")
    if not _understood(parsed):
        return DocumentOutcome(
            name, parsed, failure="inget protokoll hittades (varken organ, datum, paragrafer eller siffror)"
        )
    try:
        with session(engine) as s:
            result = ingest_document(s, parsed, source_name=raw.name, sha256=raw.sha256)
    except Exception as exc:
        log.warning("Kunde inte spara %s: %s: %s", name, type(exc).__name__, exc)
        return DocumentOutcome(
            name, parsed, failure=f"kunde inte sparas ({type(exc).__name__})", error=exc
        )
    return DocumentOutcome(name, parsed, result)
