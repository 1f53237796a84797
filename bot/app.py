"""Build the one PTB `Application` that polling, the offline chat and the tests all run."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from typing import Any

from telegram import BotCommand, InlineQueryResultsButton, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.faults import store_fault
from bot.offline import DUMMY_TOKEN
from bot.pacing import Pacer
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

ERROR_REPLY = "Något gick fel. Försök igen om en stund."
_FAULT_LOG = {"connection": "svarar inte", "busy": "är upptagen", "conflict": "är upptagen",
              "limit": "har nått en gräns"}


def build_application(
    settings: Settings,
    engine: Any = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:
    """The Application with every handler, the error handler and the Swedish command menu.

    `request` replaces PTB's httpx transport (the offline chat and the tests pass an
    `OfflineRequest`); then no token is needed. `engine` is the store; None opens
    `settings.database_url` and creates the tables.
    """
    token = settings.token
    if token is None:
        if request is None:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN saknas: ange bottens token för att köra mot Telegram."
            )
        token = DUMMY_TOKEN

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.api_base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz()))
        # The one pacing authority for every send, replies and notices alike (bot.pacing).
        .rate_limiter(Pacer(settings.notify_overall_rate, max_retries=3))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
        # One transport for both: what a test or the chat records is in one place.
        builder = builder.get_updates_request(get_updates_request or request)
    elif get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()

    owns_engine = engine is None
    if engine is None:
        engine = open_store(settings.database_url)
    app.bot_data["engine"] = engine
    app.bot_data["settings"] = settings
    app.bot_data["owns_engine"] = owns_engine

    from handlers import register

    register(app)
    # The gate (access, flood control) before every group; admin handlers before group 0.
    from bot import access
    from handlers import admin

    access.install(app, settings)
    admin.register(app, settings.admin_user_ids, access.ADMIN_GROUP)
    # Subscriptions: a repeating job delivers the outbox (reminders, moved meetings).
    from bot import notify

    notify.install(app, poll_seconds=settings.notify_poll_seconds)
    app.add_error_handler(on_error)
    return app


def open_store(database_url: str) -> Any:
    """The store's engine, migrated to this version's schema. A schema it does not know stops
    the start with the reason (README: "Uppgradering"), rather than writing into it."""
    from knowledge.db import SchemaError, init_db, make_engine

    engine = make_engine(database_url)
    try:
        init_db(engine)
    except SchemaError as exc:
        engine.dispose()
        raise SettingsError(f"{exc}. Se README, avsnittet Uppgradering.") from exc
    return engine


def bot_commands() -> list[BotCommand]:
    from handlers import COMMANDS

    return [BotCommand(cmd, desc) for cmd, desc in COMMANDS]


async def _post_init(app: Application) -> None:
    """The command menu: if the server refuses it, the bot still answers. Runs only when the
    bot really runs (polling, webhook): then an outage of the Bot API server or the store must
    not flood the log. The title index is built in the background meanwhile (seconds on a
    large store), so that the first user who asks does not wait for it."""
    from bot.faults import install_log_flood_filter

    install_log_flood_filter()
    app.bot_data["warming"] = asyncio.get_running_loop().create_task(_warm_search(app))
    commands = bot_commands()
    if not commands:
        return
    try:
        await app.bot.set_my_commands(commands)
    except TelegramError as exc:
        log.warning("setMyCommands avvisades av servern (%s); fortsätter utan kommandomeny", exc)


async def _warm_search(app: Application) -> None:
    from knowledge import search

    engine = app.bot_data.get("engine")
    if engine is None or not hasattr(engine, "dialect"):
        return
    try:
        await asyncio.to_thread(search.warm, engine)
    except Exception as exc:  # the store is down: the first query builds it instead
        log.warning("Sökindexet byggs vid första frågan i stället: %s", _first_line(exc))


async def _post_stop(app: Application) -> None:
    """The notifier's run finishes the sends in flight and gives back the rest, while the bot
    can still record their answers."""
    notifier = app.bot_data.get("notifier")
    if notifier is not None:
        await notifier.close()


async def _post_shutdown(app: Application) -> None:
    from bot.faults import remove_log_flood_filter

    remove_log_flood_filter()
    warming = app.bot_data.pop("warming", None)
    if warming is not None and not warming.done():
        warming.cancel()  # the thread finishes on its own; nobody waits for it
    engine = app.bot_data.get("engine")
    if app.bot_data.get("owns_engine") and engine is not None and hasattr(engine, "dispose"):
        engine.dispose()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with its traceback and tell the user briefly; never raises."""
    error = context.error
    if update is None and isinstance(error, NetworkError):
        # Polling hiccups: PTB retries on its own.
        log.warning("Nätverksfel mot Bot API: %s", error)
        return
    fault = store_fault(error)
    if fault is not None:
        # Not a bug: the database is down, busy or at a limit for a while. No traceback; the
        # user is told which and asked to try again, and the next update finds the store again
        # by itself.
        log.warning("Databasen %s (%s): %s", _FAULT_LOG[fault], _describe(update), _first_line(error))
        await _tell_store_fault(update, context, fault)
        return
    if isinstance(error, NetworkError | RetryAfter):
        # The Bot API server failed us (timeout, dropped connection, 5xx, 429 past the rate
        # limiter's retries), not a bug: one line, no traceback.
        log.warning("Bot API-fel när %s besvarades: %s", _describe(update), _first_line(error))
    else:
        log.error("Fel vid hantering av %s", _describe(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # already answered, or too old
                await update.callback_query.answer()
        from handlers.common import reply_thread

        await context.bot.send_message(
            update.effective_chat.id, html.escape(ERROR_REPLY), message_thread_id=reply_thread(update)
        )
    except TelegramError as exc:  # the server is still failing: nothing more to do
        log.warning("Kunde inte meddela användaren om felet: %s", _first_line(exc))
    except Exception:  # the error handler must never raise
        log.exception("Kunde inte meddela användaren om felet")


async def _tell_store_fault(update: object, context: ContextTypes.DEFAULT_TYPE, fault: str) -> None:
    from handlers import render_admin
    from handlers.common import reply_thread

    if not isinstance(update, Update):
        return
    try:
        if update.inline_query is not None:
            await update.inline_query.answer(
                [],
                button=InlineQueryResultsButton(
                    text=render_admin.store_problem_short(fault), start_parameter="databas"
                ),
                cache_time=0,
            )
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # already answered, or too old
                await update.callback_query.answer()
        if update.effective_chat is None:
            return
        await context.bot.send_message(
            update.effective_chat.id, render_admin.store_problem(fault),
            message_thread_id=reply_thread(update),
        )
    except Exception:  # the error handler must never raise
        log.warning("Kunde inte meddela användaren att databasen inte svarar", exc_info=True)


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0][:200] if error and str(error).strip() else repr(error)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        if update.effective_message and update.effective_message.text:
            return f"uppdatering {update.update_id} ({update.effective_message.text[:80]!r})"
        if update.callback_query:
            return f"uppdatering {update.update_id} (knapp {update.callback_query.data!r})"
        return f"uppdatering {update.update_id}"
    return repr(update)[:200]
