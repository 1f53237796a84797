"""The offline chat: the same Application and handlers, driven from a terminal's stdin."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.chat import PROMPT, chat
from bot.offline import BOT_USER, html_to_text
from handlers import render

REPO = Path(__file__).resolve().parents[2]


def start_text() -> str:
    return html_to_text(render.help_text(BOT_USER["username"]).text)


async def run_chat(settings, lines: str) -> str:
    out = io.StringIO()
    assert await chat(settings, stdin=io.StringIO(lines), stdout=out) == 0
    return out.getvalue()


async def test_start_prints_the_help_with_numbered_buttons(settings):
    output = await run_chat(settings, "/start\n")
    assert output.startswith(PROMPT + "/start\n")
    assert start_text() in output
    assert "<b>" not in output and "<code>" not in output  # markup stripped for the terminal
    assert "[1] /beslut 24HSN2937" in output
    assert output.rstrip().endswith(PROMPT.rstrip())  # back at the prompt when input ends


async def test_typing_a_number_presses_the_button(settings):
    output = await run_chat(settings, "/start\n1\n")
    after_press = output.split(PROMPT + "1\n", 1)[1]
    # The example button runs /beslut 24HSN2937: an answer, whatever the store holds.
    assert after_press.strip() != PROMPT.strip()
    assert "(det finns ingen knapp" not in after_press


async def test_unknown_button_number_and_quit(settings):
    output = await run_chat(settings, "/start\n99\n/quit\n/start\n")
    assert "(det finns ingen knapp 99)" in output
    assert output.count(start_text()) == 1  # nothing after /quit


async def test_text_with_html_is_escaped_not_refused(settings):
    output = await run_chat(settings, "/beslut <b>x</b> & <script>\n")
    assert "servern avvisade" not in output


def test_python_m_bot_chat_subprocess(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "BOT_TODAY")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}", TELEGRAM_BOT_TOKEN="")
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/start\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert start_text() in proc.stdout
    assert "Traceback" not in proc.stderr


def test_python_m_bot_without_token_is_the_chat(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="/start\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert start_text() in proc.stdout


def test_run_without_token_fails_in_swedish(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        timeout=60,
    )
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN saknas" in proc.stderr


def test_invalid_setting_fails_with_one_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "TIMEZONE": "Mars/Olympus"},
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("Fel: Ogiltig inställning: TIMEZONE")
    assert "Traceback" not in proc.stderr


async def test_at_botname_is_an_inline_query(settings):
    output = await run_chat(settings, f"@{BOT_USER['username']} tandvård\n")
    answer = output.split("tandvård\n", 1)[1]
    assert "Inline-träffar:" in answer or "(inga inline-träffar)" in answer
