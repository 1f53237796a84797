"""A small Bot API server on 127.0.0.1 with fault injection, for delivery tests and the bench.

Speaks the Bot API's HTTP shape (POST /bot<token>/<method>, form or multipart bodies, JSON
``{"ok": …}`` answers) for the methods the notifier uses, and lets a test script failures:
429 with ``retry_after``, 5xx, 403, a dropped connection, or a hang after k deliveries (so that
a test can kill the sender in the middle of a broadcast). It counts what it *accepted*: a
message counts as delivered only when the server answered ok.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

TOKEN = "123456:TEST-token"


@dataclass
class Fault:
    status: int
    description: str = ""
    retry_after: int | None = None
    chat_id: int | None = None  # None: any chat
    times: int = 1


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
    def __init__(self) -> None:
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

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # ------------------------------------------------------------------ control

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(self, status: int, *, retry_after: int | None = None, chat_id: int | None = None,
               times: int = 1, description: str = "") -> None:
        with self.lock:
            self.state.faults.append(Fault(status, description, retry_after, chat_id, times))

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
        with self.lock:
            self.state.requests[method] += 1
        if method == "getMe":
            self._reply(h, 200, {"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "Nämndbot",
                                                         "username": "namndbot"}})
            return
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
            self._reply(h, 200, {"ok": True, "result": member})
            return
        if method in ("sendMessage", "sendDocument"):
            self._send(h, method, params)
            return
        self._reply(h, 200, {"ok": True, "result": True})

    def _send(self, h: BaseHTTPRequestHandler, method: str, params: dict) -> None:
        chat_id = int(params["chat_id"])
        with self.lock:
            hang = self.state.hang_after is not None and len(self.state.delivered) >= self.state.hang_after
        if hang:
            self.hanging.set()
            self.released.wait()  # the client is killed meanwhile: nothing held is delivered
            self._reply(h, 500, {"ok": False, "error_code": 500, "description": "held"})
            return
        with self.lock:
            for fault in self.state.faults:
                if fault.times > 0 and fault.chat_id in (None, chat_id):
                    fault.times -= 1
                    self._fault(h, fault)
                    return
            if chat_id in self.state.forbidden_chats:
                self._reply(h, 403, {"ok": False, "error_code": 403,
                                     "description": "Forbidden: bot was blocked by the user"})
                return
            mid = self.state.next_id
            self.state.next_id += 1
            doc = params.get("document")
            filename, data = doc if isinstance(doc, tuple) else (None, None)
            text = params.get("text") or params.get("caption") or ""
            self.state.delivered.append(Delivered(chat_id, text, mid, method, time.monotonic(), filename, data))
        result = {"message_id": mid, "date": int(time.time()),
                  "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}, "text": text}
        self._reply(h, 200, {"ok": True, "result": result})

    def _fault(self, h: BaseHTTPRequestHandler, fault: Fault) -> None:
        if fault.status == 0:  # drop the connection without an answer
            h.close_connection = True
            h.wfile.flush()
            h.connection.shutdown(2)
            return
        body = {"ok": False, "error_code": fault.status,
                "description": fault.description or {429: f"Too Many Requests: retry after {fault.retry_after}",
                                                     403: "Forbidden: bot was blocked by the user"}.get(
                                                         fault.status, "Internal Server Error")}
        if fault.retry_after is not None:
            body["parameters"] = {"retry_after": fault.retry_after}
        self._reply(h, fault.status, body)
