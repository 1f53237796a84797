"""Hostile input (issue 6): any text to any command gets one well-formed answer, and no
exception reaches the Application's error handler.

The real Application (bot.app.build_application) runs on an OfflineRequest over the bundled
samples (on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set), once per module, on one
event loop of its own (`asyncio.Runner`): hypothesis drives a sync test and each example is one
`process_update` on that loop. The flood limit is raised so that thousands of messages from one
user in a few seconds are answered, not throttled. Commands come from the Application's own
CommandHandlers (`test_every_registered_command_is_covered`), typed Swedish variants, unknown
commands and plain text; the admin commands also from an ADMIN_USER_IDS user.

What "exactly one reply" means, per update:
- a text message (any command, a typed Swedish command, an unknown command, plain text in a
  private chat): one answer in sendMessage calls to the sender's chat, nothing else — except that
  /underskott may follow its figures with one sendPhoto chart per body that has enough points
  (drawn in a background task; the test waits for it), and /kalender answers with one
  sendDocument (the .ics, with a caption) instead when there are meetings to export. An answer
  in more than one sendMessage is accepted only where `render.split_html` cut it because the
  whole did not fit in 4,096 characters: then the parts together are longer than that and
  every part must be valid on its own. A command for another bot ("/beslut@annanbot") gets no
  answer. What a moved meeting (/flytta_mote) sends to the chats that follow it is not counted
  but must be valid too;
- a button press: exactly one answerCallbackQuery (its notice ≤ 200 characters), before which
  the handler may edit the pressed message (editMessageText) and send the rest of a split answer
  or, for an example button (q:…), the example's answer as new sendMessage calls;
- an inline query: exactly one answerInlineQuery, every result's message valid.

Every text or caption sent must be Telegram HTML the server accepts (`TelegramHTML` below): only
the tags of the Bot API's HTML style, with their attributes, properly nested and closed; "<",
">" and "&" only as "&lt;", "&gt;", "&amp;" ("&quot;" and numeric references are allowed too);
at most 4,096 characters (captions 1,024) after the markup is parsed away, counted in UTF-16
code units as Telegram does; not empty. Every button's callback_data is 1–64 bytes.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.app import ERROR_REPLY, build_application
from bot.offline import Call, OfflineRequest, make_callback_update, make_inline_update, make_update
from bot.settings import Settings
from handlers import COMMANDS
from knowledge.db import init_db
from tests.conftest import _truncate
from tests.handlers.conftest import TODAY

# --- Telegram's HTML parse mode -----------------------------------------------------------------

# https://core.telegram.org/bots/api#html-style: tag → attributes it may carry.
_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),  # only class="tg-spoiler"
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),  # class="language-…" inside <pre>
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
_NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
# Every "&" must open one of these.
_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")


class TelegramHTML(HTMLParser):
    """Reads one message as Telegram would in HTML parse mode; `problems` says what it refuses.

    Stricter than `bot.offline.html_problem` (which, like the server, lets a stray "&" or ">"
    pass): the bot escapes everything it did not write as a tag, so any bare one is a bug.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
            return
        for name, value in attrs:
            if name not in _TAGS[tag]:
                self.problems.append(f"<{tag}> may not carry {name}=")
            elif tag == "span" and value != "tg-spoiler":
                self.problems.append(f'<span class="{value}">')
            elif tag == "code" and not (value or "").startswith("language-"):
                self.problems.append(f'<code class="{value}">')
        if tag == "a" and not dict(attrs).get("href"):
            self.problems.append("<a> without href")
        if tag == "span" and not attrs:
            self.problems.append('<span> without class="tg-spoiler"')
        if any(t in ("code", "pre") for t in self.stack) and not (tag == "code" and self.stack[-1] == "pre"):
            self.problems.append(f"<{tag}> inside <{self.stack[-1]}>")
        if tag == "a" and "a" in self.stack:
            self.problems.append("<a> inside <a>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ch in "<>&":
            if ch in data:
                self.problems.append(f"bare {ch!r} in {data[:40]!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            self.problems.append(f"entity &{name};")
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declaration")


def parsed(raw: str, limit: int = 4096) -> str:
    """The text Telegram shows for ``raw``; AssertionError when Telegram would refuse it."""
    parser = TelegramHTML()
    parser.feed(raw)
    parser.close()
    problems = list(parser.problems)
    if parser.rawdata:  # close() leaves an unterminated "<…" unread
        problems.append(f"unterminated {parser.rawdata[:40]!r}")
    if parser.stack:
        problems.append(f"<{parser.stack[-1]}> is never closed")
    if m := _AMP.search(raw):
        problems.append(f"bare '&' at {m.start()}: {raw[m.start():m.start() + 20]!r}")
    assert not problems, f"{problems[:3]} in {raw[:300]!r}"
    text = "".join(parser.text)
    assert text.strip(), f"empty text: {raw!r}"
    units = len(text.encode("utf-16-le")) // 2
    assert units <= limit, f"{units} > {limit} characters after parsing"
    return text


def check_buttons(markup: Any) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            assert button.get("text", "").strip(), button
            data = button.get("callback_data")
            if data is not None:
                assert 1 <= len(data.encode("utf-8")) <= 64, data


def test_validator_refuses_what_telegram_refuses():
    assert parsed('<b>a</b> &lt;&amp;&gt;&quot;&#8212; <a href="https://x.se/?a=1&amp;b=2">l</a>')
    assert parsed("<pre><code class=\"language-py\">x</code></pre> <span class=\"tg-spoiler\">s</span>")
    for bad in ["a < b", "a > b", "a & b", "&nbsp;x", "<b>x", "x</b>", "<b><i>x</b></i>", "<br>x",
                "<br/>x", "<div>x</div>", "<span>x</span>", "<b class='c'>x</b>", "<code><b>x</b></code>",
                "<!-- c -->x", "<b></b>", "x" * 4097, "😀" * 2049]:
        with pytest.raises(AssertionError):
            parsed(bad)
    assert parsed("😀" * 2048)


# --- the bot, once per module ---------------------------------------------------------------------


@dataclass
class Bot:
    runner: asyncio.Runner
    app: Application
    request: OfflineRequest
    errors: list[BaseException | None] = field(default_factory=list)

    def run(self, update: Update) -> list[Call]:
        """Handle one update, wait for what it started in the background, return its calls."""
        start, errors = len(self.request.calls), len(self.errors)
        self.runner.run(self._process(update))
        calls = self.request.calls[start:]
        assert self.errors[errors:] == [], f"the error handler got {self.errors[errors:]!r}"
        for c in calls:
            assert c.result is not None, f"the server refused {c.method}: {c.params}"
            assert c.text != ERROR_REPLY, "the generic error reply was sent"
            check_buttons(c.params.get("reply_markup"))
        return calls

    async def _process(self, update: Update) -> None:
        before = asyncio.all_tasks()
        await self.app.process_update(update)
        # /underskott sends its chart, /flytta_mote tells the followers, from tasks of their own
        # (Application.create_task); a task may start another.
        for _ in range(10):
            pending = [t for t in asyncio.all_tasks() - before
                       if t is not asyncio.current_task() and not t.done()]
            if not pending:
                return
            await asyncio.wait(pending, timeout=60)
        raise AssertionError(f"background tasks never finished: {pending}")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request) -> Iterator[Engine]:
    """The bundled samples on SQLite and on PostgreSQL (which refuses a NUL in any text)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sample_engine")
        return
    from knowledge.samples import ingest_samples_if_empty

    pg = request.getfixturevalue("postgres_engine")
    init_db(pg)
    _truncate(pg)
    ingest_samples_if_empty(pg)
    try:
        yield pg
    finally:
        _truncate(pg)


@pytest.fixture(scope="module")
def bot(store) -> Iterator[Bot]:
    runner = asyncio.Runner()
    settings_ = Settings(
        database_url="sqlite://",
        bot_today=TODAY,
        flood_limit=1_000_000,
        admin_user_ids=[ADMIN],
        _env_file=None,
    )
    request = OfflineRequest()
    app = build_application(settings_, store, request=request)
    # The pacer's overall pace (30 sends/s, Telegram's broadcast limit) would make ~2,000
    # answers a minute of sleeping; rate None lifts it. Its retries on 429 stay (tests/e2e).
    app.bot.rate_limiter.rate = None
    b = Bot(runner, app, request)

    async def record(update: object, context: Any) -> None:
        b.errors.append(context.error)

    app.add_error_handler(record)  # next to bot.app.on_error, which still answers the user
    runner.run(app.initialize())
    try:
        yield b
    finally:
        runner.run(app.shutdown())
        runner.close()


# --- what users type ------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["<", ">", "&", '"', "'", "&amp;", "&lt;", "&nbsp;", "&#0;", "<b>", "</b>", "<i>x</i>",
     '<a href="javascript:x">', "<script>", "<br/>", "<!--", "]]>", "\x00", "\x1b", "\x7f", "\u202e",
     "\u200f", "\u0301", "\ufeff", "😀", "👨‍👩‍👧", "🇸🇪", "24HSN2937", "HSN 656-2025", "23HSN2705",
     "24 hsn 2937", "22HSN3175", "§", "§ 101", "\n", "\t", "  ", "/beslut", "@namndbot", "«", "»",
     "%", "*", "NEAR(", " OR ", " AND ", "-", ":", "alla", "organ", "dnr", "ord", "hsn", "SJVP",
     "Pia Lundin", "2024", "1999", "tandvård", "nämnden", "999999999999999999999", "٣", "²", "å" * 50]
)
_DNR = st.from_regex(r"\d{2} ?[A-Za-zÅÄÖåäö]{2,4} ?\d{1,5}(-\d{4})?", fullmatch=True) | st.from_regex(
    r"[A-ZÅÄÖ]{2,4} \d{1,5}-(19|20)\d\d", fullmatch=True
)
ARGS = st.one_of(
    st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=25).map("".join),
    st.text(max_size=60),
    st.text(min_size=195, max_size=210),  # around the 200-character limit
    st.text(min_size=1, max_size=5000),
    _DNR,
    st.integers().map(str),
)

TYPED = ["/nästa-möte", "/nasta-mote", "/nästa möte", "/Nästa_Möte", "/mote", "/sök", "/SÖK",
         "/hjälp", "/reservation", "/underskottet", "/nästa-möte@namndbot", "/start@namndbot"]
UNKNOWN = ["/fika", "/x", "/"]  # and /status, /nytt_mote, /flytta_mote from someone not an admin
OTHER_BOT = "/beslut@annanbot"  # not for us: no answer
REGISTERED = ["beslut", "bevaka", "bevakningar", "flytta_mote", "help", "hjalp", "kalender",
              "nasta_mote", "nytt_mote", "paminnelse", "reservationer", "sluta_bevaka", "sok",
              "start", "status", "underskott"]
MESSAGES = [f"/{c}" for c in REGISTERED] + TYPED + UNKNOWN + [OTHER_BOT, ""]  # "": plain text


def registered_commands(app: Application) -> list[str]:
    return sorted({c for hs in app.handlers.values() for h in hs if isinstance(h, CommandHandler)
                   for c in h.commands})


def test_every_registered_command_is_covered(bot):
    names = registered_commands(bot.app)
    assert {name for name, _ in COMMANDS} <= set(names)
    assert set(names) <= set(REGISTERED), "a new command: add it to REGISTERED"


def _check_message_reply(command: str, calls: list[Call], chat_id: int = 1) -> None:
    """One answer in the sender's chat (see the module docstring); what a moved meeting sends
    to the chats that follow it is checked for validity, not counted."""
    for c in calls:
        if c.params.get("chat_id") != chat_id:
            assert c.method == "sendMessage", c
            parsed(c.text)
    calls = [c for c in calls if c.params.get("chat_id") == chat_id]
    methods = [c.method for c in calls]
    if command == OTHER_BOT:
        assert methods == [], methods
        return
    texts = [c for c in calls if c.method == "sendMessage"]
    extra = [c for c in calls if c.method != "sendMessage"]
    if command == "/kalender" and extra:
        assert methods == ["sendDocument"], methods
    elif command.startswith("/underskott"):
        assert texts and all(m == "sendPhoto" for m in methods[len(texts):]), methods
    else:
        assert texts and not extra, methods
    if len(texts) > 1:  # split at 4,096: only because the whole did not fit
        assert sum(len(c.text) for c in texts) > 4096, [c.text for c in texts]
    for c in calls:
        if c.method == "sendMessage":
            parsed(c.text)
        elif c.text:
            parsed(c.text, 1024)


@pytest.mark.parametrize("command", MESSAGES)
@pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")  # /underskott
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(arg=ARGS, sep=st.sampled_from([" ", "  ", "\n", "\u00a0"]))
@example(arg="<b>hej</b> & <script>", sep=" ")
@example(arg="24HSN2937", sep=" ")
@example(arg="HSN 656-2025", sep=" ")
@example(arg="å" * 5000, sep=" ")
@example(arg="", sep=" ")
@example(arg="akut\x00mottagning", sep=" ")  # PostgreSQL refused the NUL: "Något gick fel"
def test_any_text_to_any_command_gets_one_valid_reply(bot, command, arg, sep):
    text = f"{command}{sep}{arg}" if command else arg
    if not text.strip():
        return  # Telegram delivers no empty message
    calls = bot.run(make_update(bot.app, text))
    _check_message_reply(command, calls)


ADMIN = 2  # ADMIN_USER_IDS: /nytt_mote, /flytta_mote and /status parse their arguments
_DAY = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["2024-10-03", "2024-10-04", "2024-02-30", "2024-13-01", "3 oktober 2024",
                     "3/10", "31/2", "0/0", "20241003", "99999-01-01", "igår"]),
    st.from_regex(r"\d{1,5}[-/.]\d{1,3}([-/.]\d{1,5})?", fullmatch=True),
)
MEETING_ARGS = st.lists(
    st.one_of(st.sampled_from(["HSN", "hsn", "nämnden", "Hälso- och sjukvårdsnämnden", "HSU", "09.00",
                               "kl. 9.30", "25.99", "9", "Regionens hus", "<b>&"]), _DAY, ARGS),
    max_size=6,
).map(" ".join)


@pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["/nytt_mote", "/flytta_mote", "/status", "/kalender", "/nasta_mote"]),
    arg=st.one_of(MEETING_ARGS, ARGS),
)
@example(command="/nytt_mote", arg="HSN 2024-11-07 09.00 <Regionens hus> & \u202eRTL")
@example(command="/flytta_mote", arg="HSN 2024-10-03 2024-10-10")
@example(command="/flytta_mote", arg="HSN 2024-10-10 2024-10-03")
def test_admin_commands_parse_any_text(bot, command, arg):
    calls = bot.run(make_update(bot.app, f"{command} {arg}", user_id=ADMIN, chat_id=ADMIN))
    _check_message_reply(command, calls, chat_id=ADMIN)


# --- buttons and inline mode ------------------------------------------------------------------


_PRESSED = itertools.count(1_000_000)


def _fits(data: str) -> bool:
    return 1 <= len(data.encode("utf-8")) <= 64


_KINDS = st.sampled_from(["c:", "d:", "r:", "p:", "p:r:", "p:r:0:", "q:", "q:beslut:", "q:sok:",
                          "q:nasta_mote:", "q:underskott:", "q:start:", "q:hjalp:", "zz:", ""])
CALLBACK_DATA = st.one_of(
    st.text(min_size=1, max_size=64),
    st.tuples(_KINDS, st.one_of(ARGS, st.integers(min_value=-1, max_value=10**30).map(str))).map("".join),
    st.tuples(_KINDS, st.lists(_PIECES, max_size=6).map("".join)).map("".join),
).map(lambda s: s.encode("utf-8")[:64].decode("utf-8", "ignore")).filter(_fits)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CALLBACK_DATA, inline=st.booleans())
@example(data="c:1", inline=False)
@example(data="c:9223372036854775808", inline=False)  # was OverflowError (SQLite, 64 bits)
@example(data="r:²", inline=False)  # "²".isdigit(), but int("²") was a ValueError
@example(data="p:r:99999999999999999999:", inline=False)  # the LIMIT overflowed
@example(data="p:r:5:", inline=False)
@example(data="q:beslut:24HSN2937", inline=False)
def test_any_button_data_is_answered_once(bot, data, inline):
    # A message of its own per press: pressing twice on one message is another property.
    kw = (
        {"inline_message_id": f"im{next(_PRESSED)}"}
        if inline
        else {"message_id": next(_PRESSED), "message_text": "gammalt meddelande"}
    )
    calls = bot.run(make_callback_update(bot.app, data, **kw))
    methods = [c.method for c in calls]
    assert methods.count("answerCallbackQuery") == 1 and methods[-1] == "answerCallbackQuery", methods
    body = methods[:-1]
    assert set(body) <= {"editMessageText", "sendMessage"} and body.count("editMessageText") <= 1, methods
    assert "editMessageText" not in body[1:], methods
    if inline:
        assert "sendMessage" not in body, "an inline-mode message has no chat to write to"
    notice = calls[-1].params.get("text")
    assert notice is None or 1 <= len(notice) <= 200, notice
    for c in calls[:-1]:
        parsed(c.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(ARGS, st.text(max_size=256)))
@example(query="24HSN2937")
@example(query="<b>&")
@example(query="")
def test_any_inline_query_is_answered_once(bot, query):
    calls = bot.run(make_inline_update(bot.app, query))
    assert [c.method for c in calls] == ["answerInlineQuery"]
    results = calls[0].params["results"]
    assert results and len(results) <= 50
    ids = [r["id"] for r in results]
    assert len(set(ids)) == len(ids) and all(1 <= len(i.encode("utf-8")) <= 64 for i in ids), ids
    for r in results:
        assert r["title"].strip()
        content = r["input_message_content"]
        assert content["parse_mode"] == "HTML"
        parsed(content["message_text"])
        check_buttons(r.get("reply_markup"))


def test_many_followed_words_are_listed_not_hidden(bot):
    """Seventy followed words (60 characters each, "<" and "&" in them) are more than one
    message holds: the list shows the first ones and how many more, and stays one valid answer.
    (The "Ord:" line used to be dropped whole: the list showed no word at all.)"""
    chat = 4242
    for i in range(70):
        word = f"ord{i:02d} <&> " + "å" * 50
        bot.run(make_update(bot.app, f"/bevaka ord {word}", user_id=chat, chat_id=chat))
    for command in ("/bevaka", "/bevakningar"):
        calls = bot.run(make_update(bot.app, command, user_id=chat, chat_id=chat))
        _check_message_reply(command, calls, chat_id=chat)
        shown = "".join(parsed(c.text) for c in calls)
        assert "ord00 <&> " in shown and re.search(r" … och \d+ till\n", shown), shown
        assert "Sluta med /sluta_bevaka" in shown
