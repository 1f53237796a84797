"""A small Bot API server for end-to-end tests: the bot runs as a subprocess and talks HTTP to it.

It follows https://core.telegram.org/bots/api where the bot touches it: `/bot<token>/<method>`
with GET query strings, urlencoded or JSON bodies and multipart uploads; answers
`{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …}`; `getUpdates`
long-polls (honours `offset`, which confirms earlier updates, `limit` and `timeout`). The test
plays the user: `send_text` / `press_button` queue updates; `calls` records what the bot sent.
Faults can be programmed per method (`fail`: a 429 with retry_after, a 500, a refusal;
`misbehave`: a hang past the client's timeout, a dropped connection).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.offline import command_entities, html_problem, html_to_text

_INT = re.compile(r"-?\d+")
# Fields whose values are strings even when they look like numbers.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "query",
        "data",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "next_offset",
        "parse_mode",
        "url",
        "title",
        "description",
        "cache_time_str",
    }
)
BOT_USER = {
    "id": 123,
    "is_bot": True,
    "first_name": "Nämndbot (test)",
    "username": "namnd_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str | None:
        return self.params.get("text", self.params.get("caption"))

    @property
    def plain(self) -> str:
        """The text as the user reads it."""
        raw = self.text or ""
        return (
            html_to_text(raw) if str(self.params.get("parse_mode", "")).upper() == "HTML" else raw
        )

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.parameters = parameters


@dataclass
class _Fault:
    code: int
    description: str
    retry_after: int | None
    times: int | None


@dataclass
class _Misbehaviour:
    kind: str  # "hang": no answer for `seconds`, then the connection is closed; "drop": closed at once
    seconds: float
    times: int | None


class FakeBotAPI:
    """Start with `with FakeBotAPI() as api:`; point the bot at `api.base_url`."""

    def __init__(self, token: str = "123:ABC", *, host: str = "127.0.0.1") -> None:
        self.token = token
        self.host = host
        self.calls: list[ApiCall] = []
        self.bot_user = dict(BOT_USER, id=int(token.split(":", 1)[0]))
        self._cond = threading.Condition()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._faults: dict[str, _Fault] = {}
        self._misbehaviours: dict[str, _Misbehaviour] = {}
        self.confirmed_offset = 0
        self._server: ThreadingHTTPServer | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> FakeBotAPI:
        api = self

        class Handler(_Handler):
            server_api = api

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fakebotapi", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            with self._cond:
                self._stopping = True
                self._cond.notify_all()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """TELEGRAM_API_BASE_URL for the bot (the token is appended by PTB)."""
        return f"http://{self.host}:{self.port}/bot"

    # --- the test plays the user ----------------------------------------------------------------

    def send_text(self, text: str, *, user_id: int = 7, chat_id: int | None = None) -> dict:
        """Queue a text message from a user (commands get their bot_command entity)."""
        chat_id = user_id if chat_id is None else chat_id
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _user_chat(chat_id, user_id),
            "from": _user(user_id),
            "text": text,
        }
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        return self._enqueue({"message": message})

    def press_button(self, message: dict[str, Any], data: str, *, user_id: int = 7) -> dict:
        """Queue the press of the inline button carrying `data` on a message the bot sent."""
        query = {
            "id": str(next(self._query_ids)),
            "from": _user(user_id),
            "chat_instance": f"ci{message['chat']['id']}",
            "message": message,
            "data": data,
        }
        return self._enqueue({"callback_query": query})

    def inline_query(self, query: str, *, user_id: int = 7) -> dict:
        q = {"id": str(next(self._query_ids)), "from": _user(user_id), "query": query, "offset": ""}
        return self._enqueue({"inline_query": q})

    def _enqueue(self, payload: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            update = {"update_id": next(self._update_ids), **payload}
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def fail(
        self,
        method: str,
        *,
        code: int = 400,
        description: str = "Bad Request: refused by the test server",
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next `times` calls (None: all) of `method` with an error."""
        if retry_after is not None and code == 400:
            code = 429
            description = f"Too Many Requests: retry after {retry_after}"
        self._faults[method.lower()] = _Fault(code, description, retry_after, times)

    def misbehave(
        self, method: str, kind: str, *, seconds: float = 0.0, times: int | None = 1
    ) -> None:
        """Faults below HTTP for the next `times` calls (None: all) of `method`: "drop" closes
        the connection without an answer; "hang" answers nothing for `seconds` (longer than the
        client's read timeout), then closes it. Such calls are recorded with status 0."""
        if kind not in ("hang", "drop"):
            raise ValueError(f"unknown kind {kind!r}")
        with self._cond:
            self._misbehaviours[method.lower()] = _Misbehaviour(kind, seconds, times)

    def _take_misbehaviour(self, method: str) -> _Misbehaviour | None:
        with self._cond:
            trouble = self._misbehaviours.get(method.lower())
            if trouble and trouble.times is not None:
                trouble.times -= 1
                if trouble.times <= 0:
                    del self._misbehaviours[method.lower()]
            return trouble

    def _hang(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._stopping and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())

    # --- what the bot did ---------------------------------------------------------------------

    def of(self, method: str) -> list[ApiCall]:
        m = method.lower()
        with self._cond:
            return [c for c in self.calls if c.method.lower() == m]

    def wait_for(self, predicate, *, timeout: float = 20.0, after: int = 0) -> ApiCall:
        """The first call (from index `after` on) satisfying `predicate`; waits up to `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self.calls[after:]:
                    if predicate(call):
                        return call
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(f"{c.method}" for c in self.calls[after:]) or "nothing"
                    raise AssertionError(f"timed out after {timeout} s; the bot called: {seen}")
                self._cond.wait(left)

    def wait_method(self, method: str, *, timeout: float = 20.0, after: int = 0) -> ApiCall:
        m = method.lower()
        return self.wait_for(
            lambda c: c.method.lower() == m and c.status == 200, timeout=timeout, after=after
        )

    def mark(self) -> int:
        """An index into `calls`: pass it as `after=` to wait for what comes next."""
        with self._cond:
            return len(self.calls)

    # --- the server side ------------------------------------------------------------------------

    def handle(
        self, token: str, method: str, params: dict[str, Any], files: dict[str, Upload]
    ) -> tuple[int, dict]:
        call = ApiCall(method, params, files)
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            fault = self._take_fault(method)
            if fault:
                raise ApiError(
                    fault.code,
                    fault.description,
                    {"retry_after": fault.retry_after} if fault.retry_after is not None else None,
                )
            result = self._dispatch(method.lower(), params, files)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": str(exc)}
            if exc.parameters:
                body["parameters"] = exc.parameters
            call.status = exc.code
            self._record(call)
            return exc.code, body
        call.result = result
        self._record(call)
        return 200, {"ok": True, "result": result}

    def _record(self, call: ApiCall) -> None:
        if call.method.lower() == "getupdates" and call.status == 200 and not call.result:
            return  # empty polls would drown the record
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        with self._cond:
            fault = self._faults.get(method.lower())
            if fault and fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._faults[method.lower()]
            return fault

    def _dispatch(self, m: str, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        if m == "getme":
            return self.bot_user
        if m == "getupdates":
            return self._get_updates(params)
        if m in (
            "deletewebhook",
            "setmycommands",
            "deletemycommands",
            "answercallbackquery",
            "answerinlinequery",
            "sendchataction",
            "deletemessage",
            "close",
            "logout",
        ):
            if m == "answercallbackquery" and not params.get("callback_query_id"):
                raise ApiError(400, "Bad Request: query is empty")
            if m == "setmycommands":
                _check_commands(params.get("commands"))
            return True
        if m == "getwebhookinfo":
            return {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
        if m == "getmycommands":
            calls = self.of("setMyCommands")
            return calls[-1].params.get("commands", []) if calls else []
        if m == "sendmessage":
            text = _parsed_text(params, "text", 4096)
            return self._new_message(params, {"text": text})
        if m in ("sendphoto", "senddocument"):
            field_name = "photo" if m == "sendphoto" else "document"
            upload = files.get(field_name)
            if upload is None and not isinstance(params.get(field_name), str):
                raise ApiError(400, f"Bad Request: there is no {field_name} in the request")
            content: dict[str, Any] = {}
            if m == "sendphoto":
                content["photo"] = [
                    {
                        "file_id": f"ph{len(self.calls)}",
                        "file_unique_id": f"u{len(self.calls)}",
                        "width": 800,
                        "height": 500,
                    }
                ]
            else:
                content["document"] = {
                    "file_id": f"doc{len(self.calls)}",
                    "file_unique_id": f"u{len(self.calls)}",
                    "file_name": upload.filename if upload else "file",
                    "mime_type": upload.content_type if upload else "application/octet-stream",
                }
            if params.get("caption"):
                content["caption"] = _parsed_text(params, "caption", 1024)
            return self._new_message(params, content)
        if m == "editmessagetext":
            return self._edit_text(params)
        raise ApiError(404, "Not Found: method not found")

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset:
                # "An update is considered confirmed as soon as getUpdates is called with an
                # offset higher than its update_id."
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                self.confirmed_offset = max(self.confirmed_offset, offset)
            while not self._updates and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._updates[:limit])

    def _new_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        _check_markup(params.get("reply_markup"))
        with self._cond:
            message_id = next(self._message_ids)
        msg = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            **content,
        }
        if params.get("reply_markup", {}).get("inline_keyboard"):
            msg["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message_id)] = msg
        return msg

    def _edit_text(self, params: dict[str, Any]) -> Any:
        text = _parsed_text(params, "text", 4096)
        _check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        key = (params.get("chat_id"), params.get("message_id"))
        old = self._messages.get(key)
        if old is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if old.get("text") == text and old.get("reply_markup") == params.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        msg = {k: v for k, v in old.items() if k not in ("reply_markup", "entities")}
        msg.update(text=text, edit_date=int(time.time()))
        if params.get("reply_markup", {}).get("inline_keyboard"):
            msg["reply_markup"] = params["reply_markup"]
        self._messages[key] = msg
        return msg


class _Handler(BaseHTTPRequestHandler):
    server_api: FakeBotAPI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        return None

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._serve(self.rfile.read(length) if length else b"")

    def _serve(self, body: bytes) -> None:
        parts = urlsplit(self.path)
        m = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", parts.path)
        if not m:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params, files = _decode(self.headers.get("Content-Type", ""), body, parts.query)
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        trouble = self.server_api._take_misbehaviour(m.group(2))
        if trouble is not None:
            self.server_api._record(ApiCall(m.group(2), params, files, status=0))
            if trouble.kind == "hang":
                self.server_api._hang(trouble.seconds)
            self.close_connection = True  # no answer at all: the client sees the connection end
            return
        status, payload = self.server_api.handle(m.group(1), m.group(2), params, files)
        self._reply(status, payload)

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        # The bot may go away mid long-poll (it was stopped): then there is no one to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)


def _decode(content_type: str, body: bytes, query: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The four ways the Bot API accepts parameters: query string, urlencoded, JSON, multipart."""
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, Upload] = {}
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "application/json" and body:
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return {**{k: _value(k, v) for k, v in raw.items()}, **decoded}, files
    if ctype == "application/x-www-form-urlencoded":
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    elif ctype == "multipart/form-data":
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        if not msg.is_multipart():
            raise ValueError("bad multipart body")
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name] = Upload(filename, payload, part.get_content_type())
            else:
                raw[name] = payload.decode(part.get_content_charset() or "utf-8")
    return {k: _value(k, v) for k, v in raw.items()}, files


def _value(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _STRING_FIELDS:
        return value
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if _INT.fullmatch(value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


def _parsed_text(params: dict[str, Any], name: str, limit: int) -> str:
    raw = params.get(name)
    if not isinstance(raw, str) or not raw.strip():
        raise ApiError(400, f"Bad Request: message {name} is empty")
    if str(params.get("parse_mode", "")).upper() == "HTML":
        problem = html_problem(raw)
        if problem:
            raise ApiError(400, f"Bad Request: can't parse entities: {problem}")
        raw = html_to_text(raw)
    if len(raw.encode("utf-16-le")) // 2 > limit:
        raise ApiError(
            400, f"Bad Request: message {'caption ' if name == 'caption' else ''}is too long"
        )
    return raw


def _check_markup(markup: Any) -> None:
    if not markup:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _check_commands(commands: Any) -> None:
    if not isinstance(commands, list):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    for c in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(c.get("description", ""))) <= 256:
            raise ApiError(400, "Bad Request: command description is invalid")


def _user(user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Test",
        "username": f"t{user_id}",
        "language_code": "sv",
    }


def _user_chat(chat_id: int, user_id: int) -> dict[str, Any]:
    if chat_id == user_id:
        return {"id": chat_id, "type": "private", "first_name": "Test", "username": f"t{user_id}"}
    return {"id": chat_id, "type": "group", "title": "Testgrupp"}
