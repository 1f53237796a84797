"""A small Bot API server on 127.0.0.1 with fault injection, for delivery tests and the bench.

Speaks the Bot API's HTTP shape (POST /bot<token>/<method>, form or multipart bodies, JSON
``{"ok": …}`` answers) for the methods the notifier uses, and lets a test script failures:
429 with ``retry_after``, 5xx, 403, slow answers (``latency``, or a fault with ``delay``), a
dropped connection, or a hang after k deliveries (so that a test can kill the sender in the
middle of a broadcast). It counts what it *accepted* (``delivered``: the message reached the
chat, even if the answer then came slowly or never reached a sender that died meanwhile) and
every send request it received, refused or not (``attempts``, for the rate a chat's server sees).

The same model answers in-process too (`FakeBotAPI.request`, a PTB transport without sockets):
on an event loop in simulated time (`tests.notify.simtime`) a broadcast of minutes runs in
seconds, and its times are the loop's.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST-token"


@dataclass
class Fault:
    status: int  # 200 with a delay: accepted, answered slowly
    description: str = ""
    retry_after: int | None = None
    chat_id: int | None = None  # None: any chat
    times: int = 1
    delay: float = 0.0  # seconds before the answer


@dataclass
class Attempt:
    """One send request as it arrived, whatever its answer."""

    chat_id: int
    method: str
    at: float
    status: int
    delay: float  # until the answer
    text: str
    thread: int | None = None  # the forum topic it was sent to


@dataclass
class Delivered:
    chat_id: int
    text: str
    message_id: int
    method: str
    at: float
    filename: str | None = None
    document: bytes | None = None


@dataclass
class State:
    delivered: list[Delivered] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)
    forbidden_chats: set[int] = field(default_factory=set)
    admins: dict[int, set[int]] = field(default_factory=dict)  # chat → admin user ids
    hang_after: int | None = None
    next_id: int = 1


def _parse_body(handler: BaseHTTPRequestHandler) -> dict:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    ctype = handler.headers.get("Content-Type", "")
    if ctype.startswith("application/json"):
        return json.loads(raw or b"{}")
    if ctype.startswith("multipart/form-data"):
        msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        out: dict = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            data = part.get_payload(decode=True)
            out[name] = (filename, data) if filename else data.decode("utf-8")
        return out
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))


class FakeBotAPI:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 latency: float | Callable[[int], float] = 0.0) -> None:
        self.clock = clock
        self.latency = latency  # seconds before every send is answered (or per chat)
        self.state = State()
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.hanging = threading.Event()  # set when a request is held by hang_after
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                server._handle(self)

            do_GET = do_POST  # noqa: N815

        self._handler = Handler
        self.httpd: ThreadingHTTPServer | None = None  # made by `start`; `request` needs none

    # ------------------------------------------------------------------ control

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # a killed client's reset: expected
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def inject(self, status: int, *, retry_after: int | None = None, chat_id: int | None = None,
               times: int = 1, description: str = "", delay: float = 0.0) -> None:
        with self.lock:
            self.state.faults.append(Fault(status, description, retry_after, chat_id, times, delay))

    def forbid(self, chat_id: int) -> None:
        with self.lock:
            self.state.forbidden_chats.add(chat_id)

    def hang_after(self, k: int | None) -> None:
        """After k accepted messages, hold every further send request until `release`."""
        with self.lock:
            self.state.hang_after = k
            self.released.clear()
            self.hanging.clear()

    def release(self) -> None:
        with self.lock:
            self.state.hang_after = None
        self.released.set()

    def delivered(self, chat_id: int | None = None) -> list[Delivered]:
        with self.lock:
            return [d for d in self.state.delivered if chat_id is None or d.chat_id == chat_id]

    def counts(self) -> Counter:
        """(chat_id, text) → times delivered: > 1 is a duplicate."""
        with self.lock:
            return Counter((d.chat_id, d.text) for d in self.state.delivered)

    def attempts(self) -> list[Attempt]:
        with self.lock:
            return list(self.state.attempts)

    def busiest_second(self) -> int:
        """The most send requests (refused ones and retries included) that arrived within any
        one second, counting windows [t, t + 1)."""
        return busiest_window([a.at for a in self.attempts()], 1.0)

    def request(self) -> FakeRequest:
        """A PTB transport that asks this model directly, without sockets."""
        return FakeRequest(self)

    # ------------------------------------------------------------------ handling

    def _reply(self, h: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except OSError:  # the client is gone (killed mid-request): nothing to answer
            h.close_connection = True

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        prefix, _, method = path.rpartition("/")
        if not prefix.endswith("/bot" + TOKEN):
            self._reply(h, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params = _parse_body(h)
        if method in ("sendMessage", "sendDocument") and self._hang(h):
            return
        answer = self.receive(method, params)
        if answer is None:  # drop the connection without an answer
            h.close_connection = True
            h.wfile.flush()
            h.connection.shutdown(2)
            return
        status, body, delay = answer
        if delay > 0:
            time.sleep(delay)
        self._reply(h, status, body)

    def _hang(self, h: BaseHTTPRequestHandler) -> bool:
        """Hold the request (never delivered) while ``hang_after`` says so."""
        with self.lock:
            hang = self.state.hang_after is not None and len(self.state.delivered) >= self.state.hang_after
        if hang:
            self.hanging.set()
            self.released.wait()  # the client is killed meanwhile: nothing held is delivered
            self._reply(h, 500, {"ok": False, "error_code": 500, "description": "held"})
        return hang

    def receive(self, method: str, params: dict) -> tuple[int, dict, float] | None:
        """The model: (status, JSON body, seconds before the answer) for one request, or None
        for a connection dropped without an answer."""
        with self.lock:
            self.state.requests[method] += 1
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Nämndbot",
                                                "username": "namndbot"}}, 0.0
        if method == "getChatMember":
            chat, user = int(params["chat_id"]), int(params["user_id"])
            status = "administrator" if user in self.state.admins.get(chat, set()) else "member"
            member = {"status": status, "user": {"id": user, "is_bot": False, "first_name": "X"}}
            if status == "administrator":
                member.update({k: False for k in (
                    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                    "can_delete_stories")})
            return 200, {"ok": True, "result": member}, 0.0
        if method in ("sendMessage", "sendDocument"):
            return self._send(method, params)
        return 200, {"ok": True, "result": True}, 0.0

    def _latency(self, chat_id: int) -> float:
        return self.latency(chat_id) if callable(self.latency) else self.latency

    def _send(self, method: str, params: dict) -> tuple[int, dict, float] | None:
        chat_id = int(params["chat_id"])
        now = self.clock()
        delay = self._latency(chat_id)
        with self.lock:
            fault = next((f for f in self.state.faults if f.times > 0 and f.chat_id in (None, chat_id)), None)
            if fault is not None:
                fault.times -= 1
                delay += fault.delay
            status = fault.status if fault is not None else 200
            if status == 200 and chat_id in self.state.forbidden_chats:
                status = 403
            thread = int(params["message_thread_id"]) if params.get("message_thread_id") is not None else None
            self.state.attempts.append(Attempt(chat_id, method, now, status, delay,
                                               params.get("text") or params.get("caption") or "", thread))
            if status == 0:
                return None
            if status != 200:
                return status, self._refusal(status, fault), delay
            mid = self.state.next_id
            self.state.next_id += 1
            doc = params.get("document")
            filename, data = doc if isinstance(doc, tuple) else (None, None)
            text = params.get("text") or params.get("caption") or ""
            self.state.delivered.append(Delivered(chat_id, text, mid, method, now, filename, data))
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        result = {"message_id": mid, "date": int(time.time()), "chat": chat, "text": text}
        if params.get("message_thread_id") is not None:
            result.update(message_thread_id=int(params["message_thread_id"]), is_topic_message=True)
        return 200, {"ok": True, "result": result}, delay

    @staticmethod
    def _refusal(status: int, fault: Fault | None) -> dict:
        retry_after = fault.retry_after if fault is not None else None
        description = (fault.description if fault is not None else "") or {
            429: f"Too Many Requests: retry after {retry_after}",
            403: "Forbidden: bot was blocked by the user"}.get(status, "Internal Server Error")
        body: dict = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return body


def busiest_window(times: list[float], seconds: float) -> int:
    """The most of ``times`` within any window [t, t + seconds)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - seconds:
            j += 1
        best = max(best, i - j + 1)
    return best


class FakeRequest(BaseRequest):
    """PTB's transport to `FakeBotAPI` without sockets: the model answers in the event loop, a
    slow answer is an ``asyncio.sleep`` (simulated time on a simulated loop)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        from telegram.error import NetworkError

        from bot.offline import decode_files, decode_parameters

        params = decode_parameters(request_data)
        for name, upload in decode_files(request_data).items():
            params[name] = (upload.filename, upload.content)
        answer = self.api.receive(url.rstrip("/").rsplit("/", 1)[-1], params)
        if answer is None:
            raise NetworkError("connection dropped without an answer")
        status, body, delay = answer
        if delay > 0:
            await asyncio.sleep(delay)
        return status, json.dumps(body).encode()
