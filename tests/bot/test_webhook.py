"""`python -m bot webhook` as a subprocess: it registers its webhook with the Bot API server,
answers an update Telegram posts with the right secret token, and refuses (403, no answer)
one posted without it or with a wrong one. Without WEBHOOK_SECRET it does not start at all."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.offline import command_entities
from tests.e2e.fakebotapi import ApiError, FakeBotAPI, Upload

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123:ABC"
SECRET = "Xk3_webhook-secret"
WEBHOOK_URL = "https://bot.example.test/tg/hook"


class WebhookBotAPI(FakeBotAPI):
    """The fake server, also answering setWebhook (recorded in `calls` like every method)."""

    def _dispatch(self, m: str, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        if m == "setwebhook":
            if not str(params.get("url", "")).startswith("https://"):
                raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            return True
        return super()._dispatch(m, params, files)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(api: FakeBotAPI, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "TIMEZONE")
           and not k.upper().startswith("WEBHOOK_")}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'webhook.db'}",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        NOTIFY_POLL_SECONDS="3600",
        **extra,
    )
    return env


@contextmanager
def webhook_bot(api: FakeBotAPI, tmp_path: Path, port: int) -> Iterator[subprocess.Popen]:
    env = _env(api, tmp_path, WEBHOOK_URL=WEBHOOK_URL, WEBHOOK_SECRET=SECRET,
               WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    log_path = tmp_path / "bot.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "webhook"], cwd=tmp_path, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log_path  # type: ignore[attr-defined]
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def _log(proc) -> str:
    return proc.log_path.read_text(encoding="utf-8", errors="replace")


def _wait_listening(port: int, proc, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, _log(proc)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"the webhook server never listened\n{_log(proc)}")


def _update(update_id: int, chat_id: int, text: str) -> dict:
    message = {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "sv"},
        "entities": command_entities(text),
    }
    return {"update_id": update_id, "message": message}


def _post(port: int, body: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    req = urllib.request.Request(f"http://127.0.0.1:{port}/tg/hook", json.dumps(body).encode(),
                                 headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _sent_to(api: FakeBotAPI, chat_id: int) -> list:
    return [c for c in api.of("sendMessage") if c.params.get("chat_id") == chat_id and c.status == 200]


def test_webhook_answers_telegram_and_refuses_requests_without_the_secret(tmp_path):
    port = _free_port()
    with WebhookBotAPI(TOKEN) as api, webhook_bot(api, tmp_path, port) as proc:
        call = api.wait_method("setWebhook", timeout=40)
        assert call.params["url"] == WEBHOOK_URL
        assert call.params["secret_token"] == SECRET  # Telegram will send it with every update
        _wait_listening(port, proc)

        assert _post(port, _update(1, 501, "/hjalp"), SECRET) == 200
        reply = api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == 501)
        assert reply.status == 200 and "/beslut" in reply.plain

        assert _post(port, _update(2, 502, "/hjalp"), "wrong-secret") == 403
        assert _post(port, _update(3, 503, "/hjalp"), None) == 403
        mark = api.mark()
        assert _post(port, _update(4, 501, "/hjalp"), SECRET) == 200  # a later good one: answered
        api.wait_for(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == 501, after=mark)
        assert _sent_to(api, 502) == [] and _sent_to(api, 503) == []

        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0, _log(proc)
        log = _log(proc)
        assert "Traceback" not in log, log
        # stopping one worker leaves the webhook in place for the others
        assert api.of("deleteWebhook") == []


@pytest.mark.parametrize("missing", ["WEBHOOK_SECRET", "WEBHOOK_URL"])
def test_webhook_refuses_to_start_without_its_secret_or_url(tmp_path, missing):
    settings = {"WEBHOOK_URL": WEBHOOK_URL, "WEBHOOK_SECRET": SECRET}
    del settings[missing]
    with WebhookBotAPI(TOKEN) as api:
        done = subprocess.run([sys.executable, "-m", "bot", "webhook"], cwd=tmp_path,
                              env=_env(api, tmp_path, **settings), capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2
        assert missing in done.stderr and "Traceback" not in done.stderr
        assert api.calls == []  # not even getMe: nothing was started
