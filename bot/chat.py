"""The offline chat: talk to the bot in the terminal, without a token or a network.

Each typed line becomes a real `Update` that goes through the same Application and handlers as
in production (`process_update`); what the bot sends is recorded by `OfflineRequest` and printed
as plain text. Buttons are numbered: typing the number presses the button.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from dataclasses import dataclass
from typing import Any, TextIO

from telegram.ext import Application

from bot.app import build_application
from bot.offline import (
    OfflineRequest,
    html_to_text,
    make_callback_update,
    make_inline_update,
    make_update,
)
from bot.settings import Settings

PROMPT = "du> "
QUIT = frozenset({"/quit", "/exit", "/avsluta"})
WELCOME = (
    "Lokal chatt med nämndbot (ingen token, inget nätverk). Skriv till exempel /start eller "
    "/beslut 24HSN2937. Siffran framför en knapp trycker på den; @namndbot TEXT provar "
    "inline-läget. Avsluta med Ctrl-D eller /quit."
)


@dataclass
class _Button:
    text: str
    callback_data: str | None
    url: str | None
    message: dict[str, Any] | None  # the bot message that carries it
    inline_message_id: str | None = None


class OfflineChat:
    """One conversation between a terminal user and the Application."""

    def __init__(
        self, app: Application, request: OfflineRequest, out: TextIO, *, user_id: int = 1
    ) -> None:
        self.app = app
        self.request = request
        self.out = out
        self.user_id = user_id
        self.chat_id = user_id  # a private chat has the user's id
        self._seen = 0
        self._buttons: list[_Button] = []

    async def send(self, line: str) -> None:
        """The user typed `line`: a message, a button number or an inline query."""
        line = line.strip()
        if not line:
            self.flush()
            return
        if line.isdigit() and self._buttons:
            await self._press(int(line))
        elif line.startswith("@") and self._is_inline(line):
            query = line.split(maxsplit=1)[1] if " " in line else ""
            await self.app.process_update(make_inline_update(self.app, query, user_id=self.user_id))
        else:
            await self.app.process_update(
                make_update(self.app, line, user_id=self.user_id, chat_id=self.chat_id)
            )
        self.flush()

    def _is_inline(self, line: str) -> bool:
        username = self.app.bot.username
        head = line.split(maxsplit=1)[0][1:]
        return bool(username) and head.lower() == str(username).lower()

    async def _press(self, number: int) -> None:
        if not 1 <= number <= len(self._buttons):
            self._print(f"(det finns ingen knapp {number})")
            return
        button = self._buttons[number - 1]
        if button.callback_data is None:
            self._print(f"(länk: {button.url})" if button.url else "(knappen gör inget här)")
            return
        update = make_callback_update(
            self.app,
            button.callback_data,
            message=button.message,
            inline_message_id=button.inline_message_id,
            user_id=self.user_id,
            chat_id=self.chat_id,
        )
        await self.app.process_update(update)

    def skip_pending(self) -> None:
        """Forget the calls made so far (start-up calls are not part of the conversation)."""
        self._seen = len(self.request.calls)

    def flush(self) -> None:
        """Print what the bot sent since the last time."""
        calls = self.request.calls[self._seen :]
        self._seen = len(self.request.calls)
        for call in calls:
            self._show(call)

    def _show(self, call: Any) -> None:
        method = call.method.lower()
        if call.result is None and method not in ("getupdates",):
            if method.startswith(("send", "edit")):
                self._print(f"(servern avvisade {call.method}: texten skickades inte)")
            return
        if method in ("sendmessage", "editmessagetext"):
            self._print(html_to_text(call.params.get("text", "")))
            self._list_buttons(call)
        elif method in ("sendphoto", "senddocument", "editmessagecaption"):
            kind = "bild" if method == "sendphoto" else "fil"
            upload = next(iter(call.files.values()), None)
            name = upload.filename if upload else call.params.get("photo", "")
            label = f"[{kind}: {name}, {len(upload.content)} byte]" if upload else f"[{kind}]"
            caption = html_to_text(call.params.get("caption") or "")
            self._print(f"{label}\n{caption}".strip())
            self._list_buttons(call)
        elif method == "editmessagereplymarkup":
            self._list_buttons(call)
        elif method == "answercallbackquery" and call.params.get("text"):
            self._print(f"({call.params['text']})")
        elif method == "answerinlinequery":
            self._show_inline_results(call.params.get("results") or [])

    def _show_inline_results(self, results: list[dict[str, Any]]) -> None:
        if not results:
            self._print("(inga inline-träffar)")
            return
        lines = ["Inline-träffar:"]
        for r in results:
            title = r.get("title") or r.get("id")
            desc = r.get("description")
            lines.append(f"• {title}" + (f" — {desc}" if desc else ""))
        self._print("\n".join(lines))

    def _list_buttons(self, call: Any) -> None:
        rows = call.buttons
        if not rows:
            return
        message = call.result if isinstance(call.result, dict) else None
        self._buttons = []
        lines = []
        for row in rows:
            for b in row:
                self._buttons.append(
                    _Button(
                        text=b.get("text", ""),
                        callback_data=b.get("callback_data"),
                        url=b.get("url"),
                        message=message,
                        inline_message_id=call.params.get("inline_message_id"),
                    )
                )
                lines.append(f"[{len(self._buttons)}] {b.get('text', '')}")
        self._print("\n".join(lines))

    def _print(self, text: str) -> None:
        self.out.write(text.rstrip() + "\n\n")
        self.out.flush()


class _LineReader:
    """Reads one line when asked, in a daemon thread: the event loop (and the JobQueue) keeps
    running while the user types, and Ctrl-C never waits for a blocked read."""

    def __init__(self, stdin: TextIO, interactive: bool) -> None:
        self._stdin = stdin
        self._interactive = interactive
        self._wanted = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str] = asyncio.Queue()
        threading.Thread(target=self._run, name="chat-stdin", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                # input() gives line editing and history in a terminal.
                line = input(PROMPT) + "\n" if self._interactive else self._stdin.readline()
            except (EOFError, OSError, ValueError):  # Ctrl-D, a closed stdin: the end
                line = ""
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop is gone: the chat ended
                return
            if not line:
                return

    async def readline(self) -> str:
        self._wanted.set()
        return await self._lines.get()


async def chat(
    settings: Settings,
    engine: Any = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the chat until end of input or /quit. Returns the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    request = OfflineRequest()
    app = build_application(settings, engine, request=request)
    interactive = stdin is sys.stdin and stdin.isatty() and stdout is sys.stdout
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.start()  # the JobQueue runs: reminders due during the chat are delivered
        session = OfflineChat(app, request, stdout)
        session.skip_pending()  # getMe, setMyCommands: not the user's business
        if interactive:
            stdout.write(WELCOME + "\n\n")
        reader = _LineReader(stdin, interactive)
        while True:
            if not interactive:
                stdout.write(PROMPT)
                stdout.flush()
            line = await reader.readline()
            if not line:  # Ctrl-D / end of input
                stdout.write("\n")
                break
            if not interactive:  # a transcript shows what was typed
                stdout.write(line if line.endswith("\n") else line + "\n")
            if line.strip().lower() in QUIT:
                break
            await session.send(line)
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
    return 0


def run_chat(settings: Settings, engine: Any = None) -> int:
    try:
        return asyncio.run(chat(settings, engine))
    except KeyboardInterrupt:
        print()
        return 0
