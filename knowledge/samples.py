"""The sample protocols bundled with the package (knowledge/samples/*.txt)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func
from sqlmodel import select

from knowledge.batch import BatchReport, ingest_paths
from knowledge.db import init_db, session
from knowledge.models import Document

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


def sample_paths() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))


def ingest_samples_if_empty(engine: Engine) -> BatchReport | None:
    """Fill an empty store with the samples (first start of the bot); None if it had documents."""
    init_db(engine)
    with session(engine) as s:
        if s.exec(select(func.count(Document.id))).one():
            return None
    return ingest_paths(engine, sample_paths())
