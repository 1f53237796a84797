"""Who may use the bot, and how fast: the gate every update passes before any handler.

`gate` runs as a `TypeHandler(Update)` in `GATE_GROUP`, ahead of every other handler group.
It raises `ApplicationHandlerStop` for an update that must go no further:
- from someone not let in by ALLOWED_USER_IDS / ALLOWED_CHAT_IDS (admins always are): the chat
  gets one polite refusal, ever (remembered in the store: `knowledge.refusals`), a button press
  or an inline query a short refusal of its own, and everything else nothing;
- from a user over the flood limit (FLOOD_LIMIT messages in FLOOD_WINDOW_SECONDS): one notice,
  then silence until they slow down. Other users are not affected.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session
from telegram import InlineQueryResultsButton, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.faults import store_unavailable
from bot.settings import Settings
from handlers import render_admin
from handlers.common import reply_thread

log = logging.getLogger(__name__)

GATE_GROUP = -2
"""The gate runs first of all handler groups."""
ADMIN_GROUP = -1
"""Admin handlers (`handlers.admin`): after the gate, before group 0's catch-all for commands."""

Verdict = Literal["ok", "notice", "drop"]


@dataclass(frozen=True)
class AccessPolicy:
    users: frozenset[int]
    chats: frozenset[int]
    admins: frozenset[int]

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        return cls(
            frozenset(settings.allowed_user_ids),
            frozenset(settings.allowed_chat_ids),
            frozenset(settings.admin_user_ids),
        )

    @property
    def open(self) -> bool:
        """Both lists empty: everyone is let in (the protocols are public records)."""
        return not (self.users or self.chats)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    def allows(self, user_id: int | None, chat_id: int | None) -> bool:
        if self.open or self.is_admin(user_id):
            return True
        return (user_id is not None and user_id in self.users) or (
            chat_id is not None and chat_id in self.chats
        )


class FloodGuard:
    """A sliding window per user: the `limit`-th message within `window` seconds is a flood.

    Every message counts, answered or not, so a user who keeps sending stays throttled until
    they slow down; the notice is sent once per episode. The state lives in process memory,
    per worker: that is enough for flood control (with N webhook workers a user gets at most
    N times the limit, and losing the state on a restart only forgives a flood), and it keeps
    the database out of the path of every message.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._noticed: set[int] = set()
        self._checks = 0

    def check(self, user_id: int) -> Verdict:
        now = self._clock()
        times = self._seen.get(user_id)
        if times is None:
            times = self._seen[user_id] = deque(maxlen=self.limit)
        times.append(now)
        self._checks += 1
        if self._checks % 1000 == 0:
            self._prune(now)
        if len(times) < self.limit or now - times[0] >= self.window:
            self._noticed.discard(user_id)
            return "ok"
        if user_id in self._noticed:
            return "drop"
        self._noticed.add(user_id)
        return "notice"

    def _prune(self, now: float) -> None:
        """Forget users quiet for a whole window (memory stays bounded by active users)."""
        for uid in [u for u, t in self._seen.items() if not t or now - t[-1] >= self.window]:
            del self._seen[uid]
            self._noticed.discard(uid)


def _counts(update: Update) -> bool:
    """Messages, commands and button presses count towards the flood limit. Inline queries do
    not: clients send one per pause in typing, and a dropped one just shows no results."""
    return update.message is not None or update.edited_message is not None or (
        update.callback_query is not None
    )


async def gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not isinstance(update, Update):
        return
    policy: AccessPolicy = context.bot_data["access"]
    guard: FloodGuard = context.bot_data["flood"]
    user = update.effective_user
    chat = update.effective_chat
    user_id = user.id if user is not None else None
    chat_id = chat.id if chat is not None else None

    if not policy.allows(user_id, chat_id):
        try:
            # An outsider's flood costs not even a store lookup.
            if user_id is None or not _counts(update) or guard.check(user_id) == "ok":
                await _refuse(update, context, user_id, chat_id)
        except Exception:  # fail closed: whatever went wrong, no handler sees the update
            log.exception("Nekandet till chatt %s misslyckades", chat_id)
        raise ApplicationHandlerStop

    if user_id is None or not _counts(update):
        return
    verdict = guard.check(user_id)
    if verdict == "ok":
        return
    if verdict == "notice":
        log.info("Användare %s skickar för många meddelanden; tystnad en stund", user_id)
    await _tell(update, context, render_admin.flood_notice() if verdict == "notice" else None)
    raise ApplicationHandlerStop


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None) -> None:
    """The notice in the form the update allows; a button press is always answered."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text)
        elif text is not None and update.effective_chat is not None and update.effective_message:
            await context.bot.send_message(update.effective_chat.id, text, message_thread_id=reply_thread(update))
    except TelegramError as exc:
        log.info("Kunde inte skicka meddelandet om spärr: %s", exc)


async def _refuse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, user_id: int | None, chat_id: int | None
) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(render_admin.refusal_short(), show_alert=True)
        elif update.inline_query is not None:
            await update.inline_query.answer(
                [],
                button=InlineQueryResultsButton(
                    text=render_admin.refusal_short(), start_parameter="behorighet"
                ),
                cache_time=300,
                is_personal=True,
            )
        elif (
            update.message is not None
            and chat_id is not None
            and await _first_refusal(context, chat_id, user_id)
        ):
            log.info("Nekade chatt %s (användare %s) tillgång", chat_id, user_id)
            await context.bot.send_message(chat_id, render_admin.refusal(user_id, chat_id),
                                           message_thread_id=reply_thread(update))
    except TelegramError as exc:
        log.info("Kunde inte skicka nekandet: %s", exc)


async def _first_refusal(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int | None
) -> bool:
    """True once per chat across workers and restarts (the store decides)."""
    refused: set[int] = context.bot_data.setdefault("refused_chats", set())
    if chat_id in refused:
        return False
    from knowledge.refusals import claim_refusal

    engine = context.bot_data["engine"]

    def claim() -> bool:
        with Session(engine) as s:
            return claim_refusal(s, chat_id, user_id)

    try:
        first = await asyncio.to_thread(claim)
    except Exception as exc:
        if not store_unavailable(exc):
            raise
        # Better silent now than a refusal per message: the next message tries again.
        log.warning("Databasen svarar inte; nekandet till chatt %s skjuts upp", chat_id)
        return False
    refused.add(chat_id)
    return first


def install(app: Application, settings: Settings) -> None:
    """The gate, its policy and the flood guard; the refusal table when access is restricted."""
    policy = AccessPolicy.from_settings(settings)
    app.bot_data["access"] = policy
    app.bot_data["flood"] = FloodGuard(settings.flood_limit, settings.flood_window_seconds)
    if not policy.open:
        from knowledge.refusals import ensure_table

        try:
            ensure_table(app.bot_data["engine"])
        except Exception as exc:
            if not store_unavailable(exc):
                raise
            log.warning("Databasen svarar inte; tabellen för nekanden skapas inte nu (%s)", exc)
    app.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
