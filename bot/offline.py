"""A Bot API stand-in inside the process: the offline chat and the tests run the real PTB
`Application` on it, with no token and no network.

`OfflineRequest` is a `telegram.request.BaseRequest`: PTB's `Bot` hands it every API call as it
would hand it to httpx. It answers like the Bot API server would (a `Message` for the send/edit
methods, `True` for the acknowledgements) and records each call (method, decoded parameters,
uploaded files) so that a test can assert what the bot sent. `make_update` and friends build
real `Update` objects, with the `bot_command` entity a Telegram client would add.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_USER: dict[str, Any] = {
    "id": 4242424242,
    "is_bot": True,
    "first_name": "Nämndbot",
    "username": "namndbot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
"""What `getMe` answers offline."""

DUMMY_TOKEN = "4242424242:OFFLINE-namndbot-no-network"
"""A token with the Bot API's shape: PTB wants one even when no request leaves the process."""

_TRUE_METHODS = frozenset(
    {
        "answercallbackquery",
        "answerinlinequery",
        "setmycommands",
        "deletemycommands",
        "setmydescription",
        "setmyshortdescription",
        "setchatmenubutton",
        "sendchataction",
        "deletemessage",
        "deletemessages",
        "deletewebhook",
        "setwebhook",
        "close",
        "logout",
        "pinchatmessage",
        "unpinchatmessage",
        "setmessagereaction",
    }
)
_SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendpoll",
        "senddice",
        "copymessage",
        "forwardmessage",
    }
)
_EDIT_METHODS = frozenset(
    {"editmessagetext", "editmessagecaption", "editmessagereplymarkup", "editmessagemedia"}
)
# The part of a send call that becomes the "content" of the returned message.
_MEDIA_FIELD = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendanimation": "animation",
    "sendvoice": "voice",
    "sendsticker": "sticker",
}


@dataclass
class UploadedFile:
    """One multipart part of a call: what the server would have received."""

    filename: str
    content: bytes
    mimetype: str


@dataclass
class Call:
    """One Bot API call as the server would have seen it."""

    method: str  # as in the URL: "sendMessage"
    params: dict[str, Any]  # decoded JSON values: reply_markup is a dict, chat_id an int
    files: dict[str, UploadedFile] = field(default_factory=dict)
    result: Any = None  # what was answered ("ok": true); None when a fault was answered

    @property
    def text(self) -> str | None:
        """The text or caption that was sent, HTML as the bot wrote it."""
        return self.params.get("text", self.params.get("caption"))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows sent with the call (empty without one)."""
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", [])


@dataclass
class _Fault:
    code: int
    description: str
    retry_after: int | None
    times: int | None  # None: every call


class OfflineRequest(BaseRequest):
    """Answers Bot API calls in-process and records them in `calls`.

    `fail(method, …)` makes the next calls to one method fail the way the server would (e.g.
    `setMyCommands` refused, a 429 with retry_after) so that failure paths can be tested.
    """

    def __init__(self, *, bot_user: dict[str, Any] | None = None, updates: Iterable[dict] = ()):
        self.calls: list[Call] = []
        self.bot_user = dict(bot_user or BOT_USER)
        self._updates: list[dict] = list(updates)
        self._message_ids = itertools.count(1000)
        self._messages: dict[tuple[Any, int], dict[str, Any]] = {}
        self._faults: dict[str, _Fault] = {}

    # --- BaseRequest -------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = decode_parameters(request_data)
        files = decode_files(request_data)
        call = Call(api_method, params, files)
        self.calls.append(call)

        fault = self._take_fault(api_method)
        if fault is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.code,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.code, _dump(body)

        try:
            result = self._answer(api_method.lower(), params, files)
        except _ApiError as exc:
            return exc.code, _dump({"ok": False, "error_code": exc.code, "description": str(exc)})
        call.result = result
        return HTTPStatus.OK, _dump({"ok": True, "result": result})

    # --- what tests use ------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        code: int = 400,
        description: str = "Bad Request: refused by the offline server",
        retry_after: int | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `method` with an error: every call, or the next `times` calls."""
        self._faults[method.lower()] = _Fault(code, description, retry_after, times)

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue a raw update for `getUpdates` (polling against the offline server)."""
        self._updates.append(update)

    def of(self, method: str) -> list[Call]:
        """The calls to one method, oldest first ("sendMessage", case-insensitive)."""
        m = method.lower()
        return [c for c in self.calls if c.method.lower() == m]

    def last(self, method: str | None = None) -> Call:
        """The latest call (to `method`, when given); AssertionError when there is none."""
        calls = self.of(method) if method else self.calls
        if not calls:
            raise AssertionError(f"no {method or 'API'} call was made")
        return calls[-1]

    def replies(self) -> list[Call]:
        """The calls that put something in front of the user (send*, edit*, answerInlineQuery,
        answerCallbackQuery with a text), in order."""
        out = []
        for c in self.calls:
            m = c.method.lower()
            if (
                m in _SEND_METHODS
                or m in _EDIT_METHODS
                or m == "answerinlinequery"
                or (m == "answercallbackquery" and c.params.get("text"))
            ):
                out.append(c)
        return out

    def clear(self) -> None:
        self.calls.clear()

    def message(self, chat_id: Any, message_id: int) -> dict[str, Any] | None:
        """The current JSON of a message the bot sent (after any edits)."""
        return self._messages.get((_chat_key(chat_id), message_id))

    # --- the server's side -------------------------------------------------------------------

    def _take_fault(self, method: str) -> _Fault | None:
        fault = self._faults.get(method.lower())
        if fault is None:
            return None
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                del self._faults[method.lower()]
        return fault

    def _answer(self, m: str, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if m == "getme":
            return self.bot_user
        if m == "getupdates":
            offset = params.get("offset")
            if offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= int(offset)]
            limit = int(params.get("limit") or 100)
            return self._updates[:limit]
        if m == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if m == "getmycommands":
            return []
        if m == "getchat":
            return {**_chat(params.get("chat_id")), "accent_color_id": 0, "max_reaction_count": 11}
        if m in _TRUE_METHODS:
            return True
        if m in _SEND_METHODS:
            return self._send(m, params, files)
        if m == "sendmediagroup":
            media = params.get("media") or []
            return [
                self._new_message(params, {"photo": _photo_sizes(i)}) for i, _ in enumerate(media)
            ]
        if m in _EDIT_METHODS:
            return self._edit(m, params)
        raise _ApiError(HTTPStatus.NOT_FOUND, "Not Found: method not found")

    def _send(self, m: str, params: dict[str, Any], files: dict[str, UploadedFile]) -> dict:
        if "chat_id" not in params:
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat_id is empty")
        content: dict[str, Any] = {}
        if m == "sendmessage":
            if not str(params.get("text") or "").strip():
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
            content.update(_text_content("text", params))
        elif m in _MEDIA_FIELD:
            name = _MEDIA_FIELD[m]
            upload = files.get(name) or next(iter(files.values()), None)
            if m == "sendphoto":
                content["photo"] = _photo_sizes(len(self.calls))
            else:
                content[name] = {
                    "file_id": f"offline-{name}-{len(self.calls)}",
                    "file_unique_id": f"u{len(self.calls)}",
                    "file_name": upload.filename if upload else None,
                    "mime_type": upload.mimetype if upload else None,
                    "file_size": len(upload.content) if upload else None,
                }
                content[name] = {k: v for k, v in content[name].items() if v is not None}
            if params.get("caption"):
                content.update(_text_content("caption", params))
        return self._new_message(params, content)

    def _new_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        _check_markup(params.get("reply_markup"))
        message_id = next(self._message_ids)
        msg: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat(params["chat_id"]),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            **content,
        }
        if params.get("reply_markup") and "inline_keyboard" in params["reply_markup"]:
            msg["reply_markup"] = params["reply_markup"]
        self._messages[(_chat_key(params["chat_id"]), message_id)] = msg
        return msg

    def _edit(self, m: str, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True  # the Bot API answers True for messages sent via inline mode
        if "chat_id" not in params or "message_id" not in params:
            raise _ApiError(
                HTTPStatus.BAD_REQUEST, "Bad Request: message identifier is not specified"
            )
        key = (_chat_key(params["chat_id"]), int(params["message_id"]))
        old = self._messages.get(key) or {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "chat": _chat(params["chat_id"]),
            "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
            "text": "",
        }
        msg = {k: v for k, v in old.items() if k != "reply_markup"}
        if m == "editmessagetext":
            if not str(params.get("text") or "").strip():
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
            msg.pop("entities", None)
            msg.update(_text_content("text", params))
        elif m == "editmessagecaption":
            msg.pop("caption_entities", None)
            msg.update(_text_content("caption", params))
        if params.get("reply_markup") and "inline_keyboard" in params["reply_markup"]:
            msg["reply_markup"] = params["reply_markup"]
        unchanged = {k: v for k, v in old.items() if k != "edit_date"}
        if {
            k: v for k, v in msg.items() if k != "edit_date"
        } == unchanged and key in self._messages:
            # The server refuses an edit that changes nothing (a button pressed twice).
            raise _ApiError(
                HTTPStatus.BAD_REQUEST,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        msg["edit_date"] = int(time.time())
        self._messages[key] = msg
        return msg


class _ApiError(Exception):
    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = int(code)


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _chat_key(chat_id: Any) -> Any:
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)


def _chat(chat_id: Any) -> dict[str, Any]:
    key = _chat_key(chat_id)
    if isinstance(key, str):  # "@channelusername"
        return {"id": -1000000000001, "type": "channel", "username": key.lstrip("@")}
    if key > 0:
        return {"id": key, "type": "private", "first_name": "Användare"}
    return {"id": key, "type": "supergroup" if key < -1000000000000 else "group", "title": "Grupp"}


def _photo_sizes(seed: int) -> list[dict[str, Any]]:
    return [
        {
            "file_id": f"offline-photo-{seed}-s",
            "file_unique_id": f"ps{seed}",
            "width": 90,
            "height": 60,
        },
        {
            "file_id": f"offline-photo-{seed}-m",
            "file_unique_id": f"pm{seed}",
            "width": 800,
            "height": 533,
        },
    ]


_LIMITS = {"text": (4096, "message is too long"), "caption": (1024, "message caption is too long")}


def _text_content(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The text as the server stores it: markup parsed away (entities are not reproduced).

    Refuses what the Bot API refuses: malformed HTML, text over the length limit, button data
    over 64 bytes.
    """
    raw = str(params.get(name) or "")
    mode = str(params.get("parse_mode") or "").upper()
    if mode == "HTML":
        problem = html_problem(raw)
        if problem:
            raise _ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: can't parse entities: {problem}")
        text = html_to_text(raw)
    else:
        text = raw
    limit, message = _LIMITS[name]
    if _utf16_len(text) > limit:
        raise _ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {message}")
    _check_markup(params.get("reply_markup"))
    return {name: text}


def _check_markup(markup: Any) -> None:
    for row in (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: BUTTON_DATA_INVALID")
            if not str(button.get("text") or "").strip():
                raise _ApiError(
                    HTTPStatus.BAD_REQUEST,
                    "Bad Request: text buttons are unallowed in the inline keyboard",
                )


# Telegram's HTML: https://core.telegram.org/bots/api#html-style
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>|<")


def html_problem(text: str) -> str | None:
    """Why the Bot API would refuse `text` in HTML parse mode, or None when it is well formed:
    unknown or unbalanced tags, a bare "<" (like the server, a stray "&" or ">" passes)."""
    stack: list[str] = []
    for m in _HTML_TOKEN.finditer(text):
        offset = len(text[: m.start()].encode("utf-8"))
        if m.group(2):
            closing, tag = m.group(1) == "/", m.group(2).lower()
            if tag not in _ALLOWED_TAGS:
                kind = "end" if closing else "start"
                return f'Unsupported {kind} tag "{tag}" at byte offset {offset}'
            if closing:
                if not stack or stack[-1] != tag:
                    return f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1] if stack else tag}>", found "</{tag}>"'
                stack.pop()
            else:
                stack.append(tag)
        else:  # a "<" that opens no tag
            return f'Unsupported start tag "" at byte offset {offset}'
    if stack:
        return f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return None


def decode_parameters(request_data: RequestData | None) -> dict[str, Any]:
    """The call's parameters as the server decodes them (JSON values, not JSON strings)."""
    if request_data is None:
        return {}
    # `parameters` holds the JSON-able values PTB built (dicts for reply_markup, ints for ids);
    # a JSON round trip turns tuples into lists as the wire would.
    return json.loads(json.dumps(request_data.parameters, ensure_ascii=False, default=str))


def decode_files(request_data: RequestData | None) -> dict[str, UploadedFile]:
    """The multipart parts of the call (uploads), by part name."""
    if request_data is None or not request_data.contains_files:
        return {}
    out: dict[str, UploadedFile] = {}
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part[0], part[1], part[2] if len(part) > 2 else ""
        if hasattr(content, "read"):
            pos = content.tell() if hasattr(content, "tell") else None
            data = content.read()
            if pos is not None and hasattr(content, "seek"):
                content.seek(pos)
            content = data
        if isinstance(content, str):
            content = content.encode("utf-8")
        out[name] = UploadedFile(str(filename), bytes(content), str(mimetype))
    return out


_BLOCK_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


def html_to_text(text: str) -> str:
    """Telegram HTML → what the user reads: tags dropped, entities unescaped."""
    text = _BLOCK_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


# --- updates as a Telegram client would produce them ---------------------------------------------

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_callback_ids = itertools.count(1)
# A client marks "/cmd" or "/cmd@botname" as a command only when only a–z, 0–9 and _ follow the
# slash up to a non-word character: "/nasta-mote" gives "/nasta", "/nästa-möte" gives none.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\w)")


def _bot_of(app_or_bot: Application | Bot) -> Bot:
    return app_or_bot.bot if isinstance(app_or_bot, Application) else app_or_bot


def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The `bot_command` entity of a message that starts with a command (lengths in UTF-16)."""
    m = _COMMAND.match(text)
    if not m:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(m.group(0))}]


def _user(user_id: int, first_name: str = "Anna") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "username": f"user{user_id}",
        "language_code": "sv",
    }


def _user_chat(chat_id: int, chat_type: str, user_id: int) -> dict[str, Any]:
    if chat_type == "private":
        return {
            "id": chat_id,
            "type": "private",
            "first_name": "Anna",
            "username": f"user{user_id}",
        }
    return {"id": chat_id, "type": chat_type, "title": "Nämndgruppen"}


def text_message_dict(
    text: str,
    *,
    user_id: int = 1,
    chat_id: int = 1,
    chat_type: str = "private",
    message_id: int | None = None,
    date: int | None = None,
) -> dict[str, Any]:
    """The JSON of a text message from a user, entities included."""
    msg: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": date if date is not None else int(time.time()),
        "chat": _user_chat(chat_id, chat_type, user_id),
        "from": _user(user_id),
        "text": text,
    }
    entities = command_entities(text)
    if entities:
        msg["entities"] = entities
    return msg


def make_update(
    app_or_bot: Application | Bot,
    text: str,
    *,
    user_id: int = 1,
    chat_id: int = 1,
    chat_type: str = "private",
    update_id: int | None = None,
    message_id: int | None = None,
) -> Update:
    """A text-message `Update` ("/beslut 24HSN2937" gets its bot_command entity)."""
    data = {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "message": text_message_dict(
            text, user_id=user_id, chat_id=chat_id, chat_type=chat_type, message_id=message_id
        ),
    }
    return Update.de_json(data, _bot_of(app_or_bot))


def callback_query_dict(
    data: str,
    *,
    message: dict[str, Any] | None = None,
    message_id: int = 1,
    message_text: str = "",
    user_id: int = 1,
    chat_id: int = 1,
    chat_type: str = "private",
    bot_user: dict[str, Any] | None = None,
    inline_message_id: str | None = None,
) -> dict[str, Any]:
    """The JSON of a button press on a bot message (or on an inline-mode message)."""
    query: dict[str, Any] = {
        "id": str(next(_callback_ids)),
        "from": _user(user_id),
        "chat_instance": f"ci{chat_id}",
        "data": data,
    }
    if inline_message_id is not None:
        query["inline_message_id"] = inline_message_id
        return query
    if message is None:
        author = bot_user or BOT_USER
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _user_chat(chat_id, chat_type, user_id),
            "from": {k: author[k] for k in ("id", "is_bot", "first_name", "username")},
            "text": message_text or "…",
        }
    query["message"] = message
    return query


def make_callback_update(
    app_or_bot: Application | Bot,
    data: str,
    *,
    message_id: int = 1,
    message: dict[str, Any] | None = None,
    message_text: str = "",
    user_id: int = 1,
    chat_id: int = 1,
    chat_type: str = "private",
    inline_message_id: str | None = None,
    update_id: int | None = None,
) -> Update:
    """A callback_query `Update`: the user pressed the button carrying `data`.

    Pass the bot message's JSON as `message` (e.g. `OfflineRequest.message(chat, id)` or a
    `Call.result`) to press a button on a message the bot really sent.
    """
    bot = _bot_of(app_or_bot)
    query = callback_query_dict(
        data,
        message=message,
        message_id=message_id,
        message_text=message_text,
        user_id=user_id,
        chat_id=chat_id,
        chat_type=chat_type,
        inline_message_id=inline_message_id,
    )
    upd = {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "callback_query": query,
    }
    return Update.de_json(upd, bot)


def inline_query_dict(query: str, *, user_id: int = 1, offset: str = "") -> dict[str, Any]:
    return {
        "id": str(next(_callback_ids)),
        "from": _user(user_id),
        "query": query,
        "offset": offset,
        "chat_type": "sender",
    }


def make_inline_update(
    app_or_bot: Application | Bot,
    query: str,
    *,
    user_id: int = 1,
    offset: str = "",
    update_id: int | None = None,
) -> Update:
    """An inline_query `Update`: the user typed "@namndbot <query>" in some chat."""
    upd = {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "inline_query": inline_query_dict(query, user_id=user_id, offset=offset),
    }
    return Update.de_json(upd, _bot_of(app_or_bot))


def make_bot(request: OfflineRequest | None = None, *, token: str = DUMMY_TOKEN) -> Bot:
    """A plain `telegram.Bot` on the offline server (for code that needs no Application)."""
    return Bot(token, request=request or OfflineRequest(), get_updates_request=OfflineRequest())
