"""`python -m bot ingest` prints each document's parse health; `python -m bot parse --json`
exports it. Run as a user runs them: subprocesses, DATABASE_URL from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.knowledge.health_docs import CLEAN, FLAGGED

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_ingest_prints_the_health_of_each_document(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bmn-2024-05-14.txt").write_text(CLEAN)
    (folder / "tn-2024-05-13.txt").write_text(FLAGGED)
    done = run(tmp_path, "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Tolkningens hälsa per dokument:" in lines
    assert "  bmn-2024-05-14.txt: ok (2 paragrafer)" in lines
    assert ("  tn-2024-05-13.txt: osäker i § 22, § 24 (3 paragrafer); oläst reservation: § 22; "
            "oläst omröstning: § 24") in lines
    assert "2 dokument (2 nya, 0 ersatta, 0 oförändrade)" in done.stdout
    # already stored: the health is printed all the same
    again = run(tmp_path, "ingest", str(folder))
    assert "  bmn-2024-05-14.txt: ok (2 paragrafer)" in again.stdout.splitlines()


def test_parse_json_includes_the_health_page_and_doubts(tmp_path: Path):
    path = tmp_path / "tn-2024-05-13.txt"
    path.write_text(FLAGGED)
    done = run(tmp_path, "parse", "--json", str(path))
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    assert exported["health"]["doubtful"] is False
    assert [u["kind"] for u in exported["health"]["unread"]] == ["reservation", "vote"]
    p22 = exported["paragraphs"][0]
    assert (p22["number"], p22["page"]) == (22, 2)
    assert p22["doubts"] == ["texten säger att någon reserverade sig, men ingen reservation kunde läsas ut"]
