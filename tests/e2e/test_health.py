"""End to end: a protocol whose parse is flagged, ingested with `python -m bot ingest`, then
`python -m bot run` answering over the wire: the flagged § is answered as unsure, with its page,
the clean one as fact, and an admin's /status lists the flagged protocol."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.test_conversation import (
    REPO,
    TOKEN,
    USER,
    plain,
    running_bot,
    stop,
    wait_answer,
    wait_started,
)
from tests.knowledge.health_docs import CLEAN, FLAGGED

ADMIN = 8


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as server:
        yield server


def test_flagged_paragraph_answered_as_unsure_over_the_wire(api, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "protokoll"
    folder.mkdir()
    (folder / "tn-2024-05-13.txt").write_text(FLAGGED)
    (folder / "bmn-2024-05-14.txt").write_text(CLEAN)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot", "ingest", str(folder)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "tn-2024-05-13.txt: osäker i § 22, § 24" in done.stdout

    monkeypatch.setenv("ADMIN_USER_IDS", str(ADMIN))
    with running_bot(api, tmp_path) as proc:
        wait_started(api, proc)

        mark = api.mark()
        api.send_text("/beslut TN 2024/31", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: "cykelväg" in plain(g), "to /beslut TN 2024/31")
        assert "Osäker tolkning — se protokollet, s. 2" in plain(got)

        mark = api.mark()
        api.send_text("/beslut TN 2024/40", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: "felparkering" in plain(g), "to /beslut TN 2024/40")
        assert "att anta taxan för felparkering" in plain(got) and "Osäker tolkning" not in plain(got)

        mark = api.mark()
        api.send_text("/status", user_id=ADMIN)
        got = wait_answer(api, proc, mark, lambda g: "Osäkra tolkningar" in plain(g), "to /status")
        assert "tn-2024-05-13.txt (Tekniska nämnden 2024-05-13): § 22, § 24" in plain(got)
        assert "bmn-2024-05-14.txt" not in plain(got)
        stop(proc)
