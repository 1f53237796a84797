"""Everything that is not a registered command: typed Swedish commands ("/nästa-möte",
"/sök", "/hjälp"), plain questions, example buttons, stale buttons and unknown commands."""

from __future__ import annotations

import re
import unicodedata

from telegram import Message, Update
from telegram.ext import filters

from handlers import beslut, keys, moten, render, reservationer, sok, start, underskott
from handlers.common import (
    CommandFn,
    Context,
    addressed_to_another_bot,
    button,
    check_length,
    clean,
    send,
)

RUNNERS: dict[str, CommandFn] = {
    "start": start.start.run,
    "hjalp": start.hjalp.run,
    "beslut": beslut.beslut.run,
    "reservationer": reservationer.reservationer.run,
    "nasta_mote": moten.nasta_mote.run,
    "underskott": underskott.underskott.run,
    "sok": sok.sok.run,
}
"""Command name → the handler body taking (update, context, argument)."""

ALIASES = {
    "help": "hjalp",
    "nastamote": "nasta_mote",
    "nasta_mote": "nasta_mote",
    "nasta": "nasta_mote",  # "/nästa möte" typed with a space
    "mote": "nasta_mote",
    "sok": "sok",
    "reservation": "reservationer",
    "underskottet": "underskott",
}

# "/name", "/name@bot", then the argument. The name is whatever precedes space or "@".
_TYPED = re.compile(r"^/(?P<name>[^\s@/]+)(?:@(?P<bot>\S+))?(?:\s+(?P<arg>.*))?$", re.DOTALL)
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "-": "_"})


def command_name(name: str) -> str | None:
    """"nästa-möte", "Nästa_Möte", "nasta-mote", "sök", "hjälp" → the registered name."""
    folded = unicodedata.normalize("NFC", name).casefold().translate(_FOLD)
    folded = ALIASES.get(folded, folded)
    return folded if folded in RUNNERS else None


def parse_typed(text: str) -> tuple[str, str | None, str] | None:
    """(command, @bot or None, argument) for a typed command, or None."""
    m = _TYPED.match(unicodedata.normalize("NFC", text.strip()))
    if not m:
        return None
    name = command_name(m["name"])
    if name is None:
        return None
    arg = clean(m["arg"])
    if m["name"].casefold() == "nästa" or m["name"].casefold() == "nasta":
        first, _, rest = arg.partition(" ")
        if first.casefold() in ("möte", "mote", "mötet"):
            arg = rest
    return name, m["bot"], arg


class TypedCommand(filters.MessageFilter):
    """Text that reads as one of our commands but carries no matching entity."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and parse_typed(message.text) is not None


async def typed_command(update: Update, context: Context) -> None:
    if addressed_to_another_bot(update, context):
        return
    name, _, arg = parse_typed(update.effective_message.text)
    if await check_length(update, context, arg):
        await RUNNERS[name](update, context, arg)


async def plain_text(update: Update, context: Context) -> None:
    """A message without a command: a question about a case (dnr or words)."""
    text = update.effective_message.text or ""
    if text.lstrip().startswith("/"):
        await unknown_command(update, context)
        return
    arg = clean(text)
    if await check_length(update, context, arg):
        await beslut.answer_case(update, context, arg)


async def unknown_command(update: Update, context: Context) -> None:
    if addressed_to_another_bot(update, context):
        return  # "/bevaka@annan_bot": its command, not ours to call unknown
    text = (update.effective_message.text or "").strip()
    await send(update, context, render.unknown_command(text.split()[0] if text else "/"))


@button
async def run_example(update: Update, context: Context) -> str | None:
    """Button `q:<command>:<arg>` under the help text: runs the example as a new message."""
    key = keys.decode(update.callback_query.data)
    if key is None or key.value not in RUNNERS:
        return render.stale_button()
    if update.effective_chat is None:
        return "Öppna en chatt med boten för att prova exemplet."
    await RUNNERS[key.value](update, context, clean(key.extra))
    return None


@button
async def stale(update: Update, context: Context) -> str | None:
    """Any button data we do not (or no longer) understand."""
    return render.stale_button()
