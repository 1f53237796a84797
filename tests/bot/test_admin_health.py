"""An admin's upload says how far its parse can be trusted, and /status then lists it."""

from __future__ import annotations

from bot.offline import make_update
from tests.bot.test_admin import ADMIN, document_update, running, said
from tests.knowledge.health_docs import CLEAN, FLAGGED


async def test_upload_reply_gives_the_health_and_status_lists_the_flagged_protocol(settings):
    async with running(settings) as (app, request):
        await app.process_update(document_update(app, request, CLEAN.encode(), "bmn.txt", "text/plain", user_id=ADMIN))
        assert "Tolkning: ok (2 paragrafer)" in said(request)[-1]
        await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
        assert "Osäkra tolkningar: inga" in said(request)[-1]

        request.clear()
        await app.process_update(document_update(app, request, FLAGGED.encode(), "tn.txt", "text/plain", user_id=ADMIN))
        reply = said(request)[-1]
        assert "Tolkning: osäker i § 22, § 24 (3 paragrafer); oläst reservation: § 22" in reply
        request.clear()
        await app.process_update(make_update(app, "/status", user_id=ADMIN, chat_id=ADMIN))
        status = said(request)[-1]
        assert "Osäkra tolkningar: 1 protokoll" in status
        assert "tn.txt (Tekniska nämnden 2024-05-13): § 22, § 24" in status
