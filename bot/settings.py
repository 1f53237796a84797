"""Settings from the environment and `.env` (documented in `.env.example`)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

OFFICIAL_API_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(Exception):
    """The settings are unusable; the message says which one and why, in Swedish."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # TELEGRAM_BOT_TOKEN= in .env means "no token"
        extra="ignore",
    )

    telegram_bot_token: SecretStr | None = None
    # A self-hosted Bot API server (or a test's fake) takes the place of the official one.
    telegram_api_base_url: str = OFFICIAL_API_BASE_URL
    telegram_api_base_file_url: str | None = None
    database_url: str = "sqlite:///namndbot.db"
    timezone: str = "Europe/Stockholm"
    # Replaces "today" for demos and tests: the protocols are from the past.
    bot_today: date | None = None
    # How often the notification job looks for reminders and news to deliver.
    notify_poll_seconds: float = Field(default=30.0, gt=0)
    # Telegram user ids allowed to use admin commands (comma-separated in the environment).
    admin_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Who may use the bot (comma-separated ids). Both empty: everyone (protocols are public
    # records). A user is let in when their id or the chat's id is listed; admins always are.
    allowed_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    allowed_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Flood control: this many messages from one user within the window is a flood.
    flood_limit: int = Field(default=30, ge=2)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    # Protocols an admin sends in chat: the Bot API lets bots download at most 20 MB.
    ingest_max_mb: float = Field(default=20.0, gt=0)
    # `python -m bot webhook`: Telegram posts updates to WEBHOOK_URL (https, in front of a reverse
    # proxy that forwards to WEBHOOK_LISTEN:WEBHOOK_PORT, same path) with WEBHOOK_SECRET in the
    # X-Telegram-Bot-Api-Secret-Token header; requests without it are refused (403).
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Sends per second from this process, replies and notifications together (bot.pacing);
    # with W workers, give each 30/W.
    notify_overall_rate: float = Field(default=30.0, gt=0)

    @field_validator("admin_user_ids", "allowed_user_ids", "allowed_chat_ids", mode="before")
    @classmethod
    def _id_list(cls, v: object, info: ValidationInfo) -> object:
        if isinstance(v, str):
            parts = [x.strip() for x in v.replace(";", ",").split(",") if x.strip()]
            if not all(x.lstrip("-").isdigit() for x in parts):
                what = (
                    "Telegram-chatt-id (heltal, grupper negativa)"
                    if info.field_name == "allowed_chat_ids"
                    else "Telegram-användar-id (heltal)"
                )
                raise ValueError(f"ska vara {what} åtskilda med komma")
            return [int(x) for x in parts]
        return v

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", v.get_secret_value()):
            raise ValueError("1–256 tecken, bara A–Z, a–z, 0–9, _ och - (Telegrams krav)")
        return v

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return None
        token = v.get_secret_value().strip()
        if not token:
            return None
        if ":" not in token or any(c.isspace() for c in token):
            raise ValueError("ser inte ut som en bot-token (formatet är 123456:ABC…)")
        return SecretStr(token)

    @field_validator("telegram_api_base_url", "telegram_api_base_file_url", "webhook_url")
    @classmethod
    def _base_url(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip()
        if not v.startswith(("http://", "https://")):
            raise ValueError("måste börja med http:// eller https://")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"okänd tidszon {v!r} (till exempel Europe/Stockholm)") from exc
        return v

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def api_base_file_url(self) -> str:
        """The file download base that belongs with `telegram_api_base_url`.

        The Bot API serves files under /file/bot<token>/ next to /bot<token>/; TELEGRAM_API_BASE_FILE_URL
        overrides the derivation for servers laid out otherwise.
        """
        if self.telegram_api_base_file_url:
            return self.telegram_api_base_file_url
        base = self.telegram_api_base_url
        i = base.rfind("/bot")
        if i >= 0:
            return base[:i] + "/file" + base[i:]
        return base.rstrip("/") + "/file/bot"

    @property
    def access_restricted(self) -> bool:
        """True when ALLOWED_USER_IDS or ALLOWED_CHAT_IDS names anyone."""
        return bool(self.allowed_user_ids or self.allowed_chat_ids)

    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        return self.bot_today or datetime.now(self.tz()).date()

    def now(self) -> datetime:
        """Now, aware, in the bot's zone; on BOT_TODAY when set (the clock time stays real)."""
        real = datetime.now(self.tz())
        if self.bot_today is None:
            return real
        return datetime.combine(
            self.bot_today, time(real.hour, real.minute, real.second), self.tz()
        )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`; SettingsError with a Swedish message when a
    value is invalid, so that start-up fails with one clear line instead of a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err.get("loc") else "?"
            msg = str(err.get("msg", "")).removeprefix("Value error, ")
            lines.append(f"{name}: {msg}")
        raise SettingsError("Ogiltig inställning: " + "; ".join(lines)) from exc
