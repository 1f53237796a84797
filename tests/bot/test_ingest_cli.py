"""`python -m bot ingest PATH...` as a user runs it: a subprocess, DATABASE_URL from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from knowledge.db import make_engine, session
from knowledge.models import Document, Paragraph
from knowledge.samples import SAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]


def run_ingest(tmp_path: Path, *paths: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "ingest", *paths],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_ingest_folder_with_a_bad_file_prints_a_swedish_summary(tmp_path: Path):
    bad = tmp_path / "trasig.pdf"
    bad.write_bytes(b"%PDF-1.4 inte en pdf")
    done = run_ingest(tmp_path, str(SAMPLES_DIR), str(bad))
    assert done.returncode == 0, done.stderr
    assert "4 dokument (4 nya, 0 ersatta, 0 oförändrade)" in done.stdout
    assert "1 fel" in done.stdout and "trasig.pdf" in done.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with session(engine) as s:
        assert s.exec(select(func.count(Document.id))).one() == 4
        paragraphs = s.exec(select(func.count(Paragraph.id))).one()
    engine.dispose()
    assert f"{paragraphs} paragrafer sparade" in done.stdout

    again = run_ingest(tmp_path, str(SAMPLES_DIR))
    assert again.returncode == 0
    assert "4 dokument (0 nya, 0 ersatta, 4 oförändrade), 0 paragrafer sparade, 0 fel." in again.stdout


def test_exit_1_only_when_nothing_could_be_ingested(tmp_path: Path):
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    done = run_ingest(tmp_path, str(empty), str(tmp_path / "saknas.pdf"))
    assert done.returncode == 1
    assert "tom.txt" in done.stdout and "saknas.pdf" in done.stdout
    assert run_ingest(tmp_path, str(tmp_path / "tom-mapp-finns-inte")).returncode == 1
