"""Long polling against the Bot API server (Telegram's, or any server that speaks its API)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update

from bot.app import build_application, open_store
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def prepare_store(settings: Settings, engine: Any = None) -> Any:
    """The store, with the bundled sample protocols ingested when it is empty (first start)."""
    if engine is None:
        engine = open_store(settings.database_url)
    from knowledge.samples import ingest_samples_if_empty

    report = ingest_samples_if_empty(engine)
    if report is not None:
        log.info(
            "Databasen var tom: läste in %s exempelprotokoll (%s paragrafer)",
            report.documents,
            report.paragraphs,
        )
        for name, reason in report.failures:
            log.warning("Exempelprotokollet %s kunde inte läsas in: %s", name, reason)
    return engine


def require_token(settings: Settings) -> None:
    if settings.token is None:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN saknas: ange bottens token (från @BotFather) i miljön eller i .env, "
            "eller starta den lokala chatten med `python -m bot chat`."
        )


def run_polling(settings: Settings, engine: Any = None) -> None:
    """Poll until SIGINT/SIGTERM; PTB then shuts the Application down cleanly."""
    require_token(settings)
    engine = prepare_store(settings, engine)
    app = build_application(settings, engine)
    app.bot_data["owns_engine"] = True
    log.info("Startar long polling mot %s", settings.telegram_api_base_url)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
