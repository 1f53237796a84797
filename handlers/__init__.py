"""Telegram handlers: thin — read the argument, ask `knowledge.queries`, hand the view to
`handlers.render`. `register` wires them into the Application in the order that matters."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

COMMANDS: list[tuple[str, str]] = [
    ("beslut", "Vad beslutades i ett ärende? Diarienummer eller ord"),
    ("reservationer", "Senaste reservationerna: parti, namn eller dnr"),
    ("nasta_mote", "Nästa sammanträde, med flyttade datum"),
    ("underskott", "Utfall, prognos och avvikelse mot budget"),
    ("sok", "Sök i protokollens text"),
    ("bevaka", "Bevaka ett organ, ett ärende eller ett ord"),
    ("sluta_bevaka", "Sluta bevaka"),
    ("bevakningar", "Vad du bevakar"),
    ("paminnelse", "Påminnelse N dagar före sammanträden (0 = av)"),
    ("kalender", "Kommande sammanträden som kalenderfil (.ics)"),
    ("hjalp", "Vad boten kan, med exempel"),
    ("start", "Kom igång"),
]
"""For set_my_commands: (command, Swedish description)."""


def register(app: Application) -> None:
    from handlers import (
        beslut,
        bevaka,
        fallback,
        inline,
        kalender,
        moten,
        reservationer,
        sok,
        start,
        underskott,
    )

    # 1. Registered commands (entity "/beslut", "/beslut@namndbot").
    for name, fn in [
        ("start", start.start),
        ("hjalp", start.hjalp),
        ("help", start.hjalp),
        ("beslut", beslut.beslut),
        ("reservationer", reservationer.reservationer),
        ("nasta_mote", moten.nasta_mote),
        ("underskott", underskott.underskott),
        ("sok", sok.sok),
    ]:
        app.add_handler(CommandHandler(name, fn))
    bevaka.register(app)
    kalender.register(app)
    # 2. Typed Swedish commands: "/nästa-möte" (no entity), "/nasta-mote" (entity "/nasta"),
    #    "/sök", "/hjälp" — before anything that would take them for plain text or unknown.
    app.add_handler(MessageHandler(filters.TEXT & fallback.TypedCommand(), fallback.typed_command))
    # 3. Buttons.
    app.add_handler(CallbackQueryHandler(beslut.open_case, pattern=r"^[cd]:"))
    app.add_handler(CallbackQueryHandler(reservationer.open_reservation, pattern=r"^r:"))
    app.add_handler(CallbackQueryHandler(reservationer.next_page, pattern=r"^p:"))
    app.add_handler(CallbackQueryHandler(fallback.run_example, pattern=r"^q:"))
    app.add_handler(CallbackQueryHandler(fallback.stale))
    # 4. Inline mode.
    app.add_handler(InlineQueryHandler(inline.inline_query))
    # 5. Plain text in a private chat is a question about a case.
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, fallback.plain_text
        )
    )
    # 6. Anything else that looks like a command.
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command))
