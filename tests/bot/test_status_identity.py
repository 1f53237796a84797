"""The identity report: in /status for admins, and `python -m bot status` in the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.offline import make_update
from tests.bot.test_admin import ADMIN, document_update, running, said
from tests.knowledge.test_identity_store import HSN_GENITIVE, HSN_NO_HEADER, HSN_STATED, KS, KSAU

ROOT = Path(__file__).resolve().parents[2]


async def test_status_shows_what_was_made_one_and_what_kept_apart(settings):
    async with running(settings) as (app, request):
        for name, text in (("hsn-b.txt", HSN_STATED), ("hsn-a.txt", HSN_NO_HEADER), ("hsn-c.txt", HSN_GENITIVE),
                           ("ks.txt", KS), ("ksau.txt", KSAU)):
            await app.process_update(document_update(app, request, text.encode(), name, "text/plain", user_id=ADMIN))
        request.clear()
        await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
        status = "\n".join(said(request))
    assert "Region Västernorrland: 3 dokument" in status and "Alingsås kommun: 2 dokument" in status
    assert "Kommunstyrelsens arbetsutskott (under Kommunstyrelsen) — även" in status and "ksau" in status
    assert "Per-Gordon Tranberg (M) = Per Tranberg" in status
    assert "Per Tranberg (S) ≠ Per-Gordon Tranberg (M)" in status or "Per-Gordon Tranberg (M) ≠ Per Tranberg (S)" in status


def test_the_status_command_prints_the_same_report(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("hsn-b.txt", HSN_STATED), ("hsn-a.txt", HSN_NO_HEADER), ("hsn-c.txt", HSN_GENITIVE)):
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    for args in (["ingest", str(folder)], ["status"]):
        done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Protokoll: 3" in out and "Organisationer: Region Västernorrland: 3 dokument" in out
    assert "<b>" not in out  # the chat's HTML, read as text
