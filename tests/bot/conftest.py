from __future__ import annotations

import pytest

from bot.settings import Settings

ENV_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_BASE_FILE_URL",
    "DATABASE_URL",
    "TIMEZONE",
    "BOT_TODAY",
)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No settings leak in from the caller's environment or a .env in the repository."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(clean_env, tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", bot_today="2024-09-10")
