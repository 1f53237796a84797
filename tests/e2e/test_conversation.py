"""End to end: `python -m bot run` as a subprocess, long-polling a Bot API server on 127.0.0.1.

The test plays the user through `FakeBotAPI` and reads the bot's answers off the wire. The
expected facts come from the store the bot itself filled (the bundled samples), through
`knowledge.queries`: the test checks that what the store knows reaches the user, cited.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.offline import html_to_text
from tests.e2e.fakebotapi import ApiCall, FakeBotAPI

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC"
USER = 7
DNR = "24HSN2937"
WAIT = 20.0  # seconds for any one answer; the whole test stays well under a minute


@contextmanager
def running_bot(api: FakeBotAPI, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """`python -m bot run` against `api`; stopped with SIGINT (as Ctrl-C would) on exit."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "TIMEZONE")
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.db'}",
        BOT_TODAY="2024-09-10",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "bot.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.log_path = log_path  # type: ignore[attr-defined]
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


def bot_log(proc: subprocess.Popen) -> str:
    return proc.log_path.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]


def wait_started(api: FakeBotAPI, proc: subprocess.Popen) -> None:
    """getMe answered and polling begun (PTB deletes any webhook before its first getUpdates)."""
    try:
        api.wait_method("getMe", timeout=40)
        api.wait_method("deleteWebhook", timeout=WAIT)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- bot log ---\n{bot_log(proc)}") from None


def answers(api: FakeBotAPI, after: int) -> list[ApiCall]:
    return [
        c
        for c in api.calls[after:]
        if c.method in ("sendMessage", "editMessageText", "sendPhoto") and c.status == 200
    ]


def wait_answer(
    api: FakeBotAPI,
    proc: subprocess.Popen,
    after: int,
    done: Callable[[list[ApiCall]], bool],
    what: str,
) -> list[ApiCall]:
    """The bot's answers since `after`, once `done` holds for them (bounded wait)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        got = answers(api, after)
        if got and done(got):
            return got
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    got = answers(api, after)
    texts = "\n---\n".join(c.plain for c in got) or "(nothing)"
    raise AssertionError(
        f"no answer {what}; the bot sent:\n{texts}\n--- bot log ---\n{bot_log(proc)}"
    )


def plain(calls: list[ApiCall]) -> str:
    return "\n".join(c.plain for c in calls)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(
            f"the bot did not stop within 20 s of SIGINT\n{bot_log(proc)}"
        ) from None
    log = bot_log(proc)
    assert code == 0, log
    assert "Traceback" not in log, log


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as server:
        yield server


def test_conversation(api: FakeBotAPI, tmp_path: Path) -> None:
    from handlers import COMMANDS

    with running_bot(api, tmp_path) as proc:
        wait_started(api, proc)
        menu = api.wait_method("setMyCommands", timeout=WAIT)
        assert [c["command"] for c in menu.params["commands"]] == [c for c, _ in COMMANDS]

        # /start: the help, with tappable examples.
        mark = api.mark()
        api.send_text("/start", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: True, "to /start")
        assert got[0].params["chat_id"] == USER
        assert got[0].params["parse_mode"] == "HTML"
        assert "/beslut" in plain(got)
        assert got[-1].buttons, "the help offers examples to tap"

        # The bot ingested the bundled samples on first start: the store is the oracle.
        assert "exempelprotokoll" in bot_log(proc)
        card, title_query, candidates = expected_from_store(tmp_path / "e2e.db")

        # /beslut DNR: the case card, cited from the store.
        mark = api.mark()
        api.send_text(f"/beslut {DNR}", user_id=USER)
        last = card.handlings[-1]
        clause = last.decision[0]
        got = wait_answer(
            api,
            proc,
            mark,
            lambda g: clause[:40] in plain(g),
            f"citing the att-clause to /beslut {DNR}",
        )
        text = plain(got)
        assert card.title[:40] in text
        assert DNR in text.replace(" ", "")
        for h in card.handlings:
            assert f"§ {h.source.paragraph}" in text or f"§{h.source.paragraph}" in text
            assert h.source.body in text or h.source.body_short in text
            if h.source.date is not None:
                assert swedish_date(h.source.date) in text or h.source.date.isoformat() in text

        # A title query with several matches: "Menade du …?" with buttons.
        mark = api.mark()
        api.send_text(f"/beslut {title_query}", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: any(c.buttons for c in g), "with buttons")
        offer = next(c for c in got if c.buttons)
        assert "Menade du" in offer.plain
        for cand in candidates[:2]:
            assert cand.title[:30] in plain(got) or any(
                cand.title[:20] in b["text"] for b in offer.buttons
            )

        # Pressing the first button opens that case's card and answers the callback query.
        button = next(b for b in offer.buttons if b.get("callback_data"))
        mark = api.mark()
        api.press_button(offer.result, button["callback_data"], user_id=USER)
        answered = api.wait_method("answerCallbackQuery", timeout=WAIT, after=mark)
        assert answered.status == 200
        got = wait_answer(
            api, proc, mark, lambda g: candidates[0].title[:30] in plain(g), "with the chosen card"
        )
        assert any("§" in c.plain for c in got)

        # Inline mode: "@bot 24HSN2937" in any chat offers the shareable card.
        mark = api.mark()
        api.inline_query(DNR, user_id=USER)
        inline = api.wait_method("answerInlineQuery", timeout=WAIT, after=mark)
        results = inline.params["results"]
        assert results, "the inline query found the case"
        shared = html_to_text(results[0]["input_message_content"]["message_text"])
        assert DNR in shared.replace(" ", "")
        assert clause[:40] in shared

        stop(proc)
    assert api.confirmed_offset > 0, "the bot confirmed the updates it handled"


def test_refused_menu_flood_limit_and_failed_poll_do_not_stop_the_bot(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    api.fail("setMyCommands", description="Bad Request: BOT_COMMANDS_TOO_MUCH", times=None)
    with running_bot(api, tmp_path) as proc:
        wait_started(api, proc)
        # The first answer meets a 429: the pacer (bot.pacing) waits retry_after and sends again.
        api.fail("sendMessage", retry_after=1, times=1)
        api.fail("getUpdates", code=502, description="Bad Gateway")  # the poll after this one
        mark = api.mark()
        api.send_text("/start", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: True, "to /start after a 429")
        assert "/beslut" in plain(got)
        refused = [c for c in api.calls[mark:] if c.method == "sendMessage" and c.status == 429]
        assert len(refused) == 1
        assert api.of("setMyCommands")[0].status == 400
        assert "setMyCommands" in bot_log(proc)

        # The poll after /start failed (502 from a proxy in front of the server): polling goes on.
        api.wait_for(lambda c: c.method == "getUpdates" and c.status == 502, timeout=WAIT)
        mark = api.mark()
        api.send_text("/hjalp", user_id=USER)
        got = wait_answer(api, proc, mark, lambda g: True, "to /hjalp after a failed poll")
        assert "/beslut" in plain(got)
        stop(proc)


def swedish_date(d) -> str:
    from knowledge.parse.dates import swedish

    return swedish(d)


def expected_from_store(db: Path):
    """What the store the bot filled says: the card for DNR, and a title query that is
    ambiguous (several candidates, no clear winner) with its candidates."""
    from knowledge import queries
    from knowledge.db import make_engine, session

    engine = make_engine(f"sqlite:///{db}")
    try:
        with session(engine) as s:
            lookup = queries.lookup_case(s, DNR)
            assert lookup.card is not None, f"the samples hold {DNR}"
            for word in _title_words(s):
                found = queries.lookup_case(s, word)
                if found.card is None and len(found.candidates) >= 2:
                    return lookup.card, word, found.candidates
        raise AssertionError("no ambiguous title query in the samples")
    finally:
        engine.dispose()


def _title_words(s) -> list[str]:
    from sqlmodel import select

    from knowledge.models import Case

    words: dict[str, int] = {}
    for title in s.exec(select(Case.title)).all():
        for w in set(str(title).lower().split()):
            w = w.strip(".,:;()")
            if len(w) >= 6 and w.isalpha():
                words[w] = words.get(w, 0) + 1
    return [w for w, n in sorted(words.items(), key=lambda kv: -kv[1]) if n >= 2]
