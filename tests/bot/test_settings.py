"""Settings come from the environment and `.env`; bad values stop the start with a clear line."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.settings import OFFICIAL_API_BASE_URL, Settings, SettingsError, load_settings

pytestmark = pytest.mark.usefixtures("clean_env")


def test_defaults():
    s = Settings()
    assert s.token is None
    assert s.telegram_api_base_url == OFFICIAL_API_BASE_URL
    assert s.api_base_file_url == "https://api.telegram.org/file/bot"
    assert s.database_url == "sqlite:///namndbot.db"
    assert s.tz() == ZoneInfo("Europe/Stockholm")
    assert s.bot_today is None
    assert s.today() == datetime.now(ZoneInfo("Europe/Stockholm")).date()


def test_environment(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("TIMEZONE", "Europe/Helsinki")
    monkeypatch.setenv("BOT_TODAY", "2024-09-10")
    s = Settings()
    assert s.token == "123:ABC"
    assert "123:ABC" not in repr(s)  # the token is a secret
    assert s.api_base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.database_url.startswith("postgresql+psycopg://")
    assert s.today() == date(2024, 9, 10)
    now = s.now()
    assert now.date() == date(2024, 9, 10)
    assert now.tzinfo == ZoneInfo("Europe/Helsinki")


def test_dotenv_file_and_environment_precedence(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=42:FROMFILE\nBOT_TODAY=2024-10-01\nDATABASE_URL=sqlite:///fil.db\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///env.db")
    s = Settings()
    assert s.token == "42:FROMFILE"
    assert s.today() == date(2024, 10, 1)
    assert s.database_url == "sqlite:///env.db"  # the environment wins over .env


def test_empty_token_means_no_token(tmp_path):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=\n", encoding="utf-8")
    assert Settings().token is None


def test_token_placeholder_in_base_url(monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://localhost:8081/bot{token}/test")
    assert Settings().api_base_file_url == "http://localhost:8081/file/bot{token}/test"


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("TIMEZONE", "Europe/Atlantis", "TIMEZONE"),
        ("BOT_TODAY", "10 september", "BOT_TODAY"),
        ("BOT_TODAY", "2024-02-30", "BOT_TODAY"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot", "http"),
        ("TELEGRAM_BOT_TOKEN", "utan kolon", "token"),
    ],
)
def test_invalid_values_give_one_clear_error(monkeypatch, name, value, needle):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("Ogiltig inställning")
    assert needle in message
    assert "\n" not in message


def test_admin_user_ids_from_comma_separated_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADMIN_USER_IDS", "12345, 678;9")
    assert load_settings().admin_user_ids == [12345, 678, 9]


def test_admin_user_ids_rejects_names(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ADMIN_USER_IDS", "anna")
    with pytest.raises(SettingsError, match="ADMIN_USER_IDS"):
        load_settings()
