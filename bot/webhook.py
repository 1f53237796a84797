"""`python -m bot webhook`: Telegram posts updates to us instead of being polled.

This is the mode for more than one worker: every worker runs the same command against one
PostgreSQL (``DATABASE_URL``) behind a reverse proxy that terminates TLS for ``WEBHOOK_URL``
and spreads requests over the workers. PTB's own webhook server (tornado) receives the updates;
with ``secret_token`` set it refuses (403) any request whose ``X-Telegram-Bot-Api-Secret-Token``
header is missing or wrong, so only Telegram can feed the bot.

setWebhook with several workers: every worker calls it at start with the same URL, secret and
update types. That is idempotent (Telegram answers "Webhook is already set"), so no worker is
special and any one may be restarted alone; a 429 from Telegram when several start at once is
waited out (``bootstrap_retries``). Stopping a worker does not delete the webhook (PTB only
deletes it when polling starts), so the others keep receiving. All workers must therefore be
configured alike; switching back to `python -m bot run` deletes the webhook.

Nothing a later update needs is kept in process memory (see the README, "Drift och
säkerhet"): any worker can take any update, and the outbox is claimed row by row
(`bot.notify`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.app import build_application, open_store
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

# setWebhook (and getMe) are retried this many times at start: workers starting together may
# be told 429 by Telegram.
BOOTSTRAP_RETRIES = 5


def webhook_path(settings: Settings) -> str:
    """The path PTB listens on: the path of WEBHOOK_URL (the proxy forwards it unchanged)."""
    return urlsplit(settings.webhook_url or "").path.strip("/")


def check_webhook_settings(settings: Settings) -> None:
    """Refuse to start without what the webhook needs; the message says what to set."""
    from bot.run import require_token

    require_token(settings)
    if settings.webhook_secret is None:
        raise SettingsError(
            "WEBHOOK_SECRET saknas: utan den kan vem som helst som når porten skicka "
            "uppdateringar till boten. Ange 1–256 tecken A–Z, a–z, 0–9, _ eller -, "
            "t.ex. från `python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
        )
    if not settings.webhook_url:
        raise SettingsError(
            "WEBHOOK_URL saknas: den publika https-adressen som Telegram skickar uppdateringar "
            "till, t.ex. https://bot.example.se/telegram."
        )


def run_webhook(settings: Settings, engine: Any = None) -> None:
    """Serve updates until SIGINT/SIGTERM; PTB then shuts the Application down cleanly.

    The sample protocols are never loaded here: a shared production store is filled by
    `python -m bot ingest`, and workers starting together must not race to fill it.
    """
    check_webhook_settings(settings)
    if engine is None:
        engine = open_store(settings.database_url)
    app = build_application(settings, engine)
    app.bot_data["owns_engine"] = True
    path = webhook_path(settings)
    log.info(
        "Tar emot uppdateringar på %s:%s/%s (webhook %s)",
        settings.webhook_listen, settings.webhook_port, path, settings.webhook_url,
    )
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=path,
        webhook_url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),  # type: ignore[union-attr]
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=BOOTSTRAP_RETRIES,
    )
