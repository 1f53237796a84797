"""Admin handlers: a protocol sent to the bot as a document is ingested; /status shows the store
and the documents whose parse is in doubt.

Invisible: not in `handlers.COMMANDS` (so not in the command menu), and /status is registered
only for ADMIN_USER_IDS, so for anyone else it falls through to the catch-all and gets exactly
the answer an unknown command gets. They run in their own handler group (`bot.access.ADMIN_GROUP`,
before group 0) and end the update's handling there.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import logging
from pathlib import PurePath

from telegram import Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import render_admin
from handlers.common import Context, ask, send

log = logging.getLogger(__name__)

# By MIME type, for files sent without a usable name ("document" with no suffix).
_MIME_SUFFIX = {"application/pdf": ".pdf", "text/plain": ".txt", "text/markdown": ".md"}


def register(app: Application, admin_ids: list[int], group: int) -> None:
    if admin_ids:
        app.add_handler(
            CommandHandler("status", status, filters=filters.User(user_id=admin_ids)), group=group
        )
    app.add_handler(MessageHandler(filters.Document.ALL, document), group=group)


def _is_admin(update: Update, context: Context) -> bool:
    settings = context.bot_data.get("settings")
    user = update.effective_user
    return bool(settings and user and user.id in settings.admin_user_ids)


async def _finish(update: Update, context: Context, exc: Exception) -> None:
    """Report the failure like any handler's (the error handler answers the user), then stop
    here: no later group may answer the same message again."""
    await context.application.process_error(update, exc)
    raise ApplicationHandlerStop


async def status(update: Update, context: Context) -> None:
    from knowledge import queries
    from knowledge.refusals import refused_chats

    try:
        stats = await ask(context, queries.stats)
        flagged = await ask(context, queries.flagged_documents)
        flagged_total = await ask(context, queries.flagged_count)
        identity = await ask(context, queries.identity_report)
        settings = context.bot_data["settings"]
        policy = context.bot_data.get("access")
        refused = None
        if policy is not None and not policy.open:
            access = (
                f"begränsad ({len(settings.allowed_user_ids)} användare, "
                f"{len(settings.allowed_chat_ids)} chattar)"
            )
            refused = await ask(context, refused_chats)
        else:
            access = "öppen för alla"
        engine = context.bot_data["engine"]
        await send(
            update,
            context,
            render_admin.status(
                stats,
                version=_version(),
                database=engine.dialect.name,
                access=access,
                refused=refused,
                tz=settings.tz(),
                flagged=flagged,
                flagged_total=flagged_total,
                identity=identity,
            ),
        )
    except Exception as exc:
        await _finish(update, context, exc)
    raise ApplicationHandlerStop


def _version() -> str:
    try:
        return importlib.metadata.version("namndbot")
    except importlib.metadata.PackageNotFoundError:
        return "okänd version"


async def document(update: Update, context: Context) -> None:
    """An admin's PDF or text protocol → the store; anyone else is told politely (in a private
    chat; in a group a shared file is none of the bot's business)."""
    message = update.effective_message
    if not _is_admin(update, context):
        if message.chat.type == ChatType.PRIVATE:
            await send(update, context, render_admin.admins_only_documents())
        raise ApplicationHandlerStop
    try:
        await _ingest(update, context)
    except Exception as exc:
        await _finish(update, context, exc)
    raise ApplicationHandlerStop


async def _ingest(update: Update, context: Context) -> None:
    from bot.faults import store_fault
    from knowledge.batch import ingest_bytes
    from knowledge.read import SUPPORTED_SUFFIXES

    doc = update.effective_message.document
    settings = context.bot_data["settings"]
    name = PurePath(doc.file_name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        guessed = _MIME_SUFFIX.get((doc.mime_type or "").lower())
        if guessed is None:
            shown = suffix or "utan filändelse"
            await send(
                update,
                context,
                render_admin.file_type_refused(
                    name or "Filen", f"filtypen {shown} stöds inte (skicka .pdf, .txt eller .md)"
                ),
            )
            return
        name = f"{PurePath(name).stem or 'protokoll'}{guessed}"
    limit = int(settings.ingest_max_mb * 1_000_000)
    if doc.file_size is not None and doc.file_size > limit:
        await send(update, context, render_admin.file_too_large(name, doc.file_size, limit))
        return
    with contextlib.suppress(TelegramError):  # only a courtesy
        await update.effective_chat.send_action(ChatAction.TYPING)
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    if len(data) > limit:  # the server did not state the size
        await send(update, context, render_admin.file_too_large(name, len(data), limit))
        return
    engine = context.bot_data["engine"]
    outcome = await asyncio.to_thread(ingest_bytes, engine, data, name)
    fault = store_fault(outcome.error) if outcome.error is not None else None
    log.info(
        "Admin %s läste in %s: %s",
        update.effective_user.id,
        name,
        outcome.result.status if outcome.result else f"misslyckades ({outcome.failure})",
    )
    await send(update, context, render_admin.ingest_outcome(outcome, store=fault))
    notifier = context.bot_data.get("notifier")
    if (
        outcome.result is not None
        and outcome.result.event_ids
        and notifier is not None
        and context.application.running
    ):
        # A protocol that moved a meeting: tell the followers now, not at the next poll.
        notifier.nudge(context.bot)
