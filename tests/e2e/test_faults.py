"""The Bot API server misbehaving under a running `python -m bot run`: 429s, 500s, a hang past
the read timeout, dropped connections on getUpdates and on sendMessage. The bot keeps polling,
answers every later message, recovers without a restart, and its log does not flood."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.e2e.fakebotapi import FakeBotAPI
from tests.e2e.test_conversation import (
    TOKEN,
    USER,
    WAIT,
    bot_log,
    plain,
    running_bot,
    stop,
    wait_answer,
    wait_started,
)
from tests.e2e.test_conversation import api as api  # noqa: F401  (the fixture)

ERROR_REPLY = "Något gick fel. Försök igen om en stund."
FAILED_POLLS = 5


def ask_help(api: FakeBotAPI, proc, what: str) -> str:
    """Send /hjalp and wait for the help text (the bot answered)."""
    mark = api.mark()
    api.send_text("/hjalp", user_id=USER)
    got = wait_answer(api, proc, mark, lambda g: "/beslut" in plain(g), what)
    return plain(got)


def test_faults_of_the_bot_api_server(api: FakeBotAPI, tmp_path: Path) -> None:
    assert api.token == TOKEN
    with running_bot(api, tmp_path) as proc:
        wait_started(api, proc)
        ask_help(api, proc, "at all")

        # A fault programmed for getUpdates meets the poll after the one in flight: a message
        # ends the poll in flight, then the faulty polls follow, then the bot must answer.
        def after_failed_polls(inject, status: int, count: int, what: str) -> None:
            mark = api.mark()
            inject()
            ask_help(api, proc, f"before {what}")
            deadline = time.monotonic() + WAIT * 2
            while (
                len([c for c in api.calls[mark:] if c.method == "getUpdates" and c.status == status])
                < count
            ):
                assert time.monotonic() < deadline, f"no {count} × {status}\n{bot_log(proc)}"
                time.sleep(0.05)
            ask_help(api, proc, f"after {what}")

        after_failed_polls(
            lambda: api.fail("getUpdates", retry_after=1, times=1), 429, 1, "a 429 on getUpdates"
        )
        # The server down for a while: a run of 500s, PTB backs off and retries.
        after_failed_polls(
            lambda: api.fail(
                "getUpdates", code=500, description="Internal Server Error", times=FAILED_POLLS
            ),
            500,
            FAILED_POLLS,
            "500s on getUpdates",
        )
        after_failed_polls(lambda: api.misbehave("getUpdates", "drop"), 0, 1, "a dropped poll")

        # sendMessage: a 429 is waited out by the rate limiter and sent again.
        api.fail("sendMessage", retry_after=1, times=1)
        ask_help(api, proc, "after a 429 on sendMessage")

        # sendMessage: a 500, a dropped connection, a hang past the read timeout (5 s). The
        # answer is lost; the error handler tells the user; the next message is answered.
        for label, inject in [
            ("a 500", lambda: api.fail("sendMessage", code=500, description="Internal Server Error")),
            ("a dropped connection", lambda: api.misbehave("sendMessage", "drop")),
            ("a hang", lambda: api.misbehave("sendMessage", "hang", seconds=8)),
        ]:
            inject()
            mark = api.mark()
            api.send_text("/hjalp", user_id=USER)
            wait_answer(api, proc, mark, lambda g: ERROR_REPLY in plain(g), f"after {label}")
            ask_help(api, proc, f"to the next message after {label} on sendMessage")

        assert proc.poll() is None, "the bot never stopped"
        stop(proc)

    log = bot_log(proc)
    # Every failure reached the log, but not one line each: one line per kind a minute, and
    # the count of the lines held back (on the next line of the kind, or at shutdown).
    assert logged_events(log, "Nätverksfel mot Bot API") == FAILED_POLLS + 1, log  # 500s, drop
    assert len([x for x in log.splitlines() if "Nätverksfel mot Bot API" in x]) <= 3, log
    assert logged_events(log, "Bot API-fel när") == 3, log  # 500, drop, hang on sendMessage
    assert len([x for x in log.splitlines() if "Bot API-fel när" in x]) <= 3, log
    assert "Traceback" not in log, log
    assert len(log.splitlines()) < 25, log


def logged_events(log: str, kind: str) -> int:
    """Events of one kind in the log: lines of it, plus the counts of lines held back."""
    events = 0
    for line in log.splitlines():
        if kind not in line:
            continue
        held = re.search(r"\[(\d+) likadana meddelanden undertryckta", line)
        summary = held is not None and "senaste" not in line  # the shutdown summary
        events += (0 if summary else 1) + (int(held.group(1)) if held else 0)
    return events


def test_log_flood_filter_lets_one_line_of_a_kind_through_per_interval(caplog) -> None:
    import logging

    from bot.faults import LogFloodFilter

    now = [0.0]
    flt = LogFloodFilter(60.0, clock=lambda: now[0])
    logger = logging.getLogger("tests.e2e.flood")
    logger.addFilter(flt)
    try:
        with caplog.at_level(logging.WARNING, logger="tests.e2e.flood"):
            for i in range(10):  # one failure a second, each with its own text
                now[0] = float(i)
                logger.warning("Nätverksfel mot Bot API: %s", f"fel {i}")
            logger.warning("Något annat: %s", "x")  # another kind passes at once
            now[0] = 61.0
            logger.warning("Nätverksfel mot Bot API: %s", "fel 61")
            logger.warning("Nätverksfel mot Bot API: %s", "fel 62")
            flt.report_held()
        lines = [r.getMessage() for r in caplog.records]
    finally:
        logger.removeFilter(flt)
    assert lines == [
        "Nätverksfel mot Bot API: fel 0",
        "Något annat: x",
        "Nätverksfel mot Bot API: fel 61 [9 likadana meddelanden undertryckta senaste 60 s]",
        "Nätverksfel mot Bot API: … [1 likadana meddelanden undertryckta]",
    ]
