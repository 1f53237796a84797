"""The gate, through the real Application: who is let in, the one refusal, flood control."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from bot.access import FloodGuard
from bot.app import build_application
from bot.offline import (
    OfflineRequest,
    html_to_text,
    make_callback_update,
    make_inline_update,
    make_update,
)
from bot.settings import Settings, SettingsError, load_settings
from handlers import keys

MEMBER, OUTSIDER, ADMIN, GROUP = 11, 22, 33, -1001234567890


@asynccontextmanager
async def running(settings: Settings, engine=None):
    request = OfflineRequest()
    app = build_application(settings, engine, request=request)
    await app.initialize()
    try:
        yield app, request
    finally:
        await app.shutdown()
        await app.post_shutdown(app)


def restricted(settings: Settings, **more) -> Settings:
    return settings.model_copy(
        update={"allowed_user_ids": [MEMBER], "admin_user_ids": [ADMIN], **more}
    )


def said(request: OfflineRequest) -> list[str]:
    return [html_to_text(c.text or "") for c in request.replies()]


def test_settings_read_id_lists_from_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("ALLOWED_USER_IDS", "11, 12;13")
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "-1001234567890")
    s = load_settings()
    assert s.allowed_user_ids == [11, 12, 13]
    assert s.allowed_chat_ids == [GROUP]
    assert s.access_restricted
    monkeypatch.setenv("ALLOWED_CHAT_IDS", "gruppen")
    with pytest.raises(SettingsError, match="ALLOWED_CHAT_IDS"):
        load_settings()


def test_empty_lists_mean_open(clean_env):
    assert not Settings().access_restricted


async def test_open_bot_answers_anyone(settings):
    async with running(settings) as (app, request):
        await app.process_update(make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=OUTSIDER))
        assert "/beslut" in said(request)[0]


async def test_member_answered_outsider_refused_once_and_then_ignored(settings):
    async with running(restricted(settings)) as (app, request):
        await app.process_update(make_update(app, "/hjalp", user_id=MEMBER, chat_id=MEMBER))
        assert "/beslut" in said(request)[0]

        request.clear()
        for text in ["/hjalp", "hej", "/beslut 24HSN2937", "/status", "/okänt"]:
            await app.process_update(make_update(app, text, user_id=OUTSIDER, chat_id=OUTSIDER))
        replies = request.replies()
        assert len(replies) == 1, said(request)
        assert replies[0].params["chat_id"] == OUTSIDER
        text = said(request)[0]
        assert "inbjudna" in text and str(OUTSIDER) in text
        assert "/beslut" not in text, "an outsider learns nothing about the bot's commands"


async def test_refusal_is_remembered_across_workers_and_restarts(settings):
    async with running(restricted(settings)) as (app, request):
        await app.process_update(make_update(app, "/start", user_id=OUTSIDER, chat_id=OUTSIDER))
        assert len(request.replies()) == 1
        engine = app.bot_data["engine"]
        # A second worker (or the bot after a restart) on the same store: no second refusal.
        async with running(restricted(settings), engine) as (other, other_request):
            await other.process_update(
                make_update(other, "/start", user_id=OUTSIDER, chat_id=OUTSIDER)
            )
            assert other_request.replies() == []


async def test_concurrent_workers_refuse_once(engine, settings):
    """Two Applications on one store (SQLite and PostgreSQL) get the outsider's messages at the
    same moment: the store's row decides, exactly one refusal goes out."""
    s = restricted(settings)
    async with running(s, engine) as (a, ra), running(s, engine) as (b, rb):
        await asyncio.gather(
            *[
                app.process_update(make_update(app, f"/start {i}", user_id=44, chat_id=44))
                for i in range(4)
                for app in (a, b)
            ]
        )
        assert len(ra.replies()) + len(rb.replies()) == 1


async def test_allowed_chat_lets_its_members_in_but_not_elsewhere(settings):
    s = restricted(settings, allowed_chat_ids=[GROUP])
    async with running(s) as (app, request):
        await app.process_update(
            make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=GROUP, chat_type="supergroup")
        )
        assert "/beslut" in said(request)[0]
        request.clear()
        await app.process_update(make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=OUTSIDER))
        assert "inbjudna" in said(request)[0]


async def test_admin_is_always_let_in(settings):
    async with running(restricted(settings)) as (app, request):
        await app.process_update(make_update(app, "/hjalp", user_id=ADMIN, chat_id=ADMIN))
        assert "/beslut" in said(request)[0]


async def test_outsider_buttons_and_inline_queries_get_a_short_refusal(settings):
    async with running(restricted(settings)) as (app, request):
        await app.process_update(
            make_callback_update(app, keys.example("hjalp", ""), user_id=OUTSIDER, chat_id=OUTSIDER)
        )
        answer = request.last("answerCallbackQuery")
        assert "inte tillgång" in answer.params["text"]
        assert request.of("sendMessage") == [] and request.of("editMessageText") == []

        await app.process_update(make_inline_update(app, "24HSN2937", user_id=OUTSIDER))
        inline = request.last("answerInlineQuery")
        assert inline.params["results"] == []
        assert "inte tillgång" in inline.params["button"]["text"]
        assert inline.params["is_personal"] is True

        # A member's inline query is answered as usual.
        await app.process_update(make_inline_update(app, "24HSN2937", user_id=MEMBER))
        assert "inte tillgång" not in str(request.last("answerInlineQuery").params)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_flood_is_throttled_with_one_notice_and_others_are_not_slowed(settings):
    clock = Clock()
    async with running(settings) as (app, request):
        app.bot_data["flood"] = FloodGuard(settings.flood_limit, settings.flood_window_seconds, clock)
        flooder, other = 51, 52
        for i in range(40):
            clock.now += 0.1  # 40 messages in 4 seconds
            await app.process_update(make_update(app, "/hjalp", user_id=flooder, chat_id=flooder))
            if i % 10 == 0:
                await app.process_update(make_update(app, "/hjalp", user_id=other, chat_id=other))
        to_flooder = [html_to_text(c.text) for c in request.of("sendMessage") if c.params["chat_id"] == flooder]
        to_other = [c for c in request.of("sendMessage") if c.params["chat_id"] == other]
        assert len(to_flooder) == settings.flood_limit, "29 answers, then one notice, then silence"
        assert all("/beslut" in t for t in to_flooder[:-1])
        assert "vänta en stund" in to_flooder[-1]
        assert len(to_other) == 4, "the other user got every answer"

        # Quiet for a whole window: answered again, and a later flood gets a new notice.
        clock.now += settings.flood_window_seconds
        request.clear()
        await app.process_update(make_update(app, "/hjalp", user_id=flooder, chat_id=flooder))
        assert "/beslut" in said(request)[0]


def test_flood_guard_is_a_sliding_window():
    clock = Clock()
    guard = FloodGuard(3, 10.0, clock)
    verdicts = []
    # The 3rd within 10 s is a flood. Dropped messages count too: at 12 s the last three
    # (3, 4, 12) are still within 10 s; at 14 s (4, 12, 14) they no longer are.
    for t in (0, 1, 2, 3, 4, 12, 14):
        clock.now = 1000.0 + t
        verdicts.append(guard.check(7))
    assert verdicts == ["ok", "ok", "notice", "drop", "drop", "drop", "ok"]
    assert guard.check(8) == "ok"


async def test_gate_fails_closed_when_the_refusal_cannot_be_recorded(settings):
    from sqlalchemy import text

    from knowledge.refusals import ensure_table

    async with running(restricted(settings)) as (app, request):
        engine = app.bot_data["engine"]
        with engine.begin() as conn:  # the store cannot record the refusal
            conn.execute(text("DROP TABLE access_refusals"))
        await app.process_update(make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=OUTSIDER))
        assert request.replies() == [], "no refusal it could not remember, and no answer"
        ensure_table(engine)
        await app.process_update(make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=OUTSIDER))
        await app.process_update(make_update(app, "/hjalp", user_id=OUTSIDER, chat_id=OUTSIDER))
        assert ["inbjudna" in t for t in said(request)] == [True]
