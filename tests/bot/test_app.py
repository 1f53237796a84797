"""The Application as production builds it: defaults, error handler, command menu, store."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, ContextTypes

import handlers
from bot.app import ERROR_REPLY, build_application, on_error
from bot.offline import OfflineRequest, make_callback_update, make_inline_update, make_update
from bot.settings import Settings, SettingsError


@pytest.fixture
async def offline_app(settings):
    request = OfflineRequest()
    app = build_application(settings, request=request)
    await app.initialize()
    yield app, request
    if app.running:
        await app.stop()
    await app.shutdown()
    await app.post_shutdown(app)


async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    raise RuntimeError("trasig handler")


def test_defaults_and_error_handler(settings):
    app = build_application(settings, request=OfflineRequest())
    defaults = app.bot.defaults
    assert defaults.parse_mode == ParseMode.HTML
    assert defaults.tzinfo == ZoneInfo("Europe/Stockholm")
    assert list(app.error_handlers) == [on_error]
    assert app.job_queue is not None
    assert app.update_processor.max_concurrent_updates > 1
    assert app.bot.rate_limiter is not None
    assert app.bot_data["settings"] is settings
    assert app.bot_data["engine"] is not None
    assert app.bot_data["notifier"] is not None
    assert app.job_queue.get_jobs_by_name("notify"), "the outbox is delivered by a repeating job"


def test_store_is_created_from_database_url(settings, tmp_path):
    app = build_application(settings, request=OfflineRequest())
    tables = inspect(app.bot_data["engine"]).get_table_names()
    assert (tmp_path / "bot.db").exists()
    assert "paragraphs" in tables


def test_base_urls_reach_the_bot(clean_env, tmp_path):
    s = Settings(
        telegram_bot_token="123:ABC",
        telegram_api_base_url="http://127.0.0.1:8081/bot",
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
    )
    app = build_application(s)
    assert app.bot.base_url == "http://127.0.0.1:8081/bot123:ABC"
    assert app.bot.base_file_url == "http://127.0.0.1:8081/file/bot123:ABC"


def test_no_token_without_offline_request_is_an_error(settings):
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        build_application(settings)


async def test_error_handler_logs_and_answers_in_swedish(offline_app, caplog):
    app, request = offline_app
    app.add_handler(CommandHandler("boom", boom), group=-1)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        await app.process_update(make_update(app, "/boom", chat_id=55, user_id=55))
    error_reply = next(c for c in request.of("sendMessage") if c.text == ERROR_REPLY)
    assert error_reply.params["chat_id"] == 55
    assert error_reply.result is not None
    record = next(r for r in caplog.records if r.name == "bot.app")
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


async def test_error_handler_never_raises(offline_app, caplog):
    app, request = offline_app
    app.add_handler(CommandHandler("boom", boom), group=-1)
    request.fail("sendMessage", code=403, description="Forbidden: bot was blocked by the user")
    await app.process_update(make_update(app, "/boom"))  # must not raise
    assert request.last("sendMessage").result is None
    assert any("Kunde inte meddela" in r.getMessage() for r in caplog.records)


async def test_error_on_a_button_answers_the_query(offline_app):
    app, request = offline_app
    from telegram.ext import CallbackQueryHandler

    app.add_handler(CallbackQueryHandler(boom), group=-1)
    await app.process_update(make_callback_update(app, "x:1", message_id=9))
    assert request.last("answerCallbackQuery").result is True
    assert ERROR_REPLY in [c.text for c in request.of("sendMessage")]


async def test_error_without_chat_is_only_logged(offline_app):
    app, request = offline_app
    from telegram.ext import InlineQueryHandler

    app.add_handler(InlineQueryHandler(boom), group=-1)
    await app.process_update(make_inline_update(app, "tandvård"))
    assert request.of("sendMessage") == []


async def test_refused_command_menu_does_not_stop_the_bot(offline_app, caplog):
    app, request = offline_app
    assert handlers.COMMANDS, "handlers.COMMANDS is the menu"
    request.fail("setMyCommands", description="Bad Request: BOT_COMMAND_INVALID")
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        await app.post_init(app)
        await app.start()
    assert app.running
    refused = request.last("setMyCommands")
    assert refused.result is None
    assert [c["command"] for c in refused.params["commands"]] == [c for c, _ in handlers.COMMANDS]
    assert any("setMyCommands" in r.getMessage() for r in caplog.records)
    # …and it still answers.
    await app.process_update(make_update(app, "/start"))
    assert request.of("sendMessage"), "the bot answers /start after the refused menu"


async def test_command_menu_is_set(offline_app):
    app, request = offline_app
    await app.post_init(app)
    sent = request.last("setMyCommands")
    assert sent.result is True
    assert {c["command"] for c in sent.params["commands"]} >= {"beslut", "start"}


async def test_start_builds_the_title_index_before_anyone_asks(offline_app):
    """On a large store the index takes seconds: built at start, in a thread, not by the first
    user's question."""
    from knowledge import search
    from knowledge.samples import ingest_samples_if_empty

    app, _ = offline_app
    engine = app.bot_data["engine"]
    assert ingest_samples_if_empty(engine) is not None
    search.invalidate(engine)
    assert engine not in search._cache
    await app.post_init(app)
    await app.bot_data["warming"]
    assert engine in search._cache
