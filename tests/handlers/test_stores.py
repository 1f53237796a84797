"""The same conversation on SQLite and on PostgreSQL (skipped without TEST_DATABASE_URL)."""

from __future__ import annotations

from bot.offline import html_to_text
from knowledge.samples import ingest_samples_if_empty
from tests.handlers.conftest import _chat, texts


async def test_conversation_on_each_store(engine):
    ingest_samples_if_empty(engine)
    async for chat in _chat(engine):
        said = {
            text: html_to_text(texts(await chat.say(text)))
            for text in [
                "/beslut 24HSN2937",
                "/reservationer SJVP",
                "/nästa-möte hsn",
                "/underskott",
                "/sok tandvård",
                "/beslut 24HSN2973",
            ]
        }
        assert "HSU 2024-08-28 § 69" in said["/beslut 24HSN2937"]
        assert "HSN 2024-09-04 § 101" in said["/beslut 24HSN2937"]
        assert "Pia Lundin (SJVP)" in said["/reservationer SJVP"]
        assert "Flyttat från 4 oktober 2024" in said["/nästa-möte hsn"]
        assert "−565 mnkr" in said["/underskott"]
        assert "22HSN3175" in said["/sok tandvård"]
        assert "24HSN2937" in said["/beslut 24HSN2973"]
        [inline] = await chat.inline("24HSN2937")
        assert inline.params["results"]
