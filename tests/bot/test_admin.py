"""Admin features through the real Application: a protocol sent as a document is ingested,
/status shows the store, and neither is visible to anyone else."""

from __future__ import annotations

import itertools
import json
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import bot_commands, build_application
from bot.offline import OfflineRequest, html_to_text, make_update, text_message_dict
from bot.settings import Settings
from handlers import render
from knowledge import queries
from knowledge.db import session
from tests.knowledge.pdfgen import text_to_pdf

ADMIN, USER = 33, 44
SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "samples"
HSN = SAMPLES / "hsn-2024-09-04.txt"


class FileServer(OfflineRequest):
    """The offline Bot API server that also hosts files: getFile and /file/bot<token>/<path>."""

    def __init__(self) -> None:
        super().__init__()
        self.hosted: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self._ids = itertools.count(1)

    def host(self, data: bytes, name: str, mime: str, size: int | None = None) -> dict[str, Any]:
        """Put a file on the server; returns the `document` JSON of a message carrying it."""
        n = next(self._ids)
        file_id = f"file{n}"
        self.hosted[file_id] = data
        return {
            "file_id": file_id,
            "file_unique_id": f"u{n}",
            "file_name": name,
            "mime_type": mime,
            "file_size": len(data) if size is None else size,
        }

    async def do_request(self, url: str, method: str, request_data=None, *args, **kw):
        if "/file/bot" in url:
            file_id = url.rsplit("/", 1)[-1]
            self.downloads.append(file_id)
            return 200, self.hosted[file_id]
        if url.rstrip("/").rsplit("/", 1)[-1] == "getFile":
            file_id = request_data.parameters["file_id"]
            result = {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.hosted[file_id]),
                "file_path": f"documents/{file_id}",
            }
            return 200, json.dumps({"ok": True, "result": result}).encode()
        return await super().do_request(url, method, request_data, *args, **kw)


@asynccontextmanager
async def running(settings: Settings, **more):
    request = FileServer()
    s = settings.model_copy(update={"admin_user_ids": [ADMIN], **more})
    app = build_application(s, request=request)
    await app.initialize()
    try:
        yield app, request
    finally:
        await app.shutdown()
        await app.post_shutdown(app)


def document_update(app, request: FileServer, data: bytes, name: str, mime: str, *, user_id: int,
                    size: int | None = None, chat_id: int | None = None) -> Update:
    chat_id = chat_id or user_id
    msg = text_message_dict(
        "", user_id=user_id, chat_id=chat_id, chat_type="private" if chat_id > 0 else "group"
    )
    del msg["text"]
    msg["document"] = request.host(data, name, mime, size)
    return Update.de_json({"update_id": int(time.time() * 1000) % 2**31, "message": msg}, app.bot)


def said(request: OfflineRequest) -> list[str]:
    return [html_to_text(c.text or "") for c in request.replies()]


def documents(app) -> int:
    with session(app.bot_data["engine"]) as s:
        return queries.stats(s).documents


async def test_admin_sends_a_text_protocol_new_then_unchanged(settings):
    async with running(settings) as (app, request):
        data = HSN.read_bytes()
        await app.process_update(document_update(app, request, data, HSN.name, "text/plain", user_id=ADMIN))
        reply = said(request)[-1]
        assert f"Inläst: {HSN.name}" in reply
        assert "Hälso- och sjukvårdsnämnden" in reply
        assert "4 september 2024" in reply
        with session(app.bot_data["engine"]) as s:
            stats = queries.stats(s)
        assert stats.documents == 1
        assert f"Paragrafer: {stats.paragraphs}" in reply
        assert "ny i databasen" in reply

        request.clear()
        await app.process_update(document_update(app, request, data, HSN.name, "text/plain", user_id=ADMIN))
        assert "oförändrad" in said(request)[-1]
        assert documents(app) == 1
        # The protocol is now what users get: the bot answers from it.
        request.clear()
        await app.process_update(make_update(app, "/beslut 24HSN2937", user_id=USER, chat_id=USER))
        assert "24HSN2937" in "".join(said(request)).replace(" ", "")


async def test_admin_sends_a_pdf(settings):
    async with running(settings) as (app, request):
        pdf = text_to_pdf(HSN.read_text(encoding="utf-8"))
        await app.process_update(
            document_update(app, request, pdf, "protokoll.pdf", "application/pdf", user_id=ADMIN)
        )
        reply = said(request)[-1]
        assert "Inläst: protokoll.pdf" in reply and "4 september 2024" in reply
        assert documents(app) == 1


async def test_bad_files_are_refused_with_a_reason_and_store_nothing(settings):
    async with running(settings) as (app, request):
        # Wrong type: refused before anything is downloaded.
        await app.process_update(
            document_update(app, request, b"PK\x03\x04", "protokoll.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            user_id=ADMIN)
        )
        assert ".docx stöds inte" in said(request)[-1]
        # Over the Bot API's 20 MB download limit: refused before the download.
        await app.process_update(
            document_update(app, request, b"%PDF-1.4", "stor.pdf", "application/pdf",
                            user_id=ADMIN, size=25_000_000)
        )
        assert "för stor" in said(request)[-1] and "20,0 MB" in said(request)[-1]
        assert request.downloads == []
        # Named .pdf but no PDF inside: read, refused with knowledge.read's reason.
        await app.process_update(
            document_update(app, request, b"hej hej " * 50, "falsk.pdf", "application/pdf", user_id=ADMIN)
        )
        reply = said(request)[-1]
        assert "falsk.pdf lästes inte in" in reply and "ingen giltig PDF" in reply
        assert "Inget sparades" in reply
        # A cut-off PDF.
        pdf = text_to_pdf(HSN.read_text(encoding="utf-8"))
        await app.process_update(
            document_update(app, request, pdf[: len(pdf) // 2], "avkortad.pdf", "application/pdf",
                            user_id=ADMIN)
        )
        assert "avkortad" in said(request)[-1] and "Inget sparades" in said(request)[-1]
        assert documents(app) == 0


async def test_documents_from_others_are_politely_refused(settings):
    async with running(settings) as (app, request):
        await app.process_update(
            document_update(app, request, HSN.read_bytes(), HSN.name, "text/plain", user_id=USER)
        )
        assert said(request) == [
            "Tack! Men bara administratörer kan läsa in protokoll. Fråga mig i stället, till "
            "exempel med /beslut eller /sok."
        ]
        assert request.downloads == [] and request.of("getFile") == []
        assert documents(app) == 0
        # In a group a shared file is none of the bot's business: silence.
        request.clear()
        await app.process_update(
            document_update(app, request, HSN.read_bytes(), HSN.name, "text/plain",
                            user_id=USER, chat_id=-1005)
        )
        assert request.replies() == []


async def test_status_for_admins_unknown_command_for_others(settings):
    async with running(settings) as (app, request):
        await app.process_update(
            document_update(app, request, HSN.read_bytes(), HSN.name, "text/plain", user_id=ADMIN)
        )
        request.clear()
        await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
        replies = said(request)
        assert len(replies) == 1, replies
        status = replies[0]
        with session(app.bot_data["engine"]) as s:
            stats = queries.stats(s)
        assert "nämndbot 0." in status or "nämndbot " in status
        assert f"Protokoll: {stats.documents}" in status
        assert f"Paragrafer: {stats.paragraphs}" in status
        assert f"Ärenden: {stats.cases}" in status
        assert "Senaste inläsning:" in status and "aldrig" not in status
        assert "Databas: sqlite" in status and "öppen för alla" in status

        # Anyone else: exactly what an unknown command gets.
        request.clear()
        await app.process_update(make_update(app, "/status", user_id=USER, chat_id=USER))
        expected = render.unknown_command("/status").parts
        assert [c.text for c in request.replies()] == expected
        # And it is in no menu.
        assert "status" not in [c.command for c in bot_commands()]


async def test_status_counts_refused_chats_when_restricted(settings):
    async with running(settings, allowed_user_ids=[USER]) as (app, request):
        await app.process_update(make_update(app, "/start", user_id=99, chat_id=99))
        request.clear()
        await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
        status = said(request)[0]
        assert "begränsad (1 användare, 0 chattar)" in status
        assert "Nekade chattar: 1" in status
