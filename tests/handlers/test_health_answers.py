"""Answers built on a flagged § say so, through the real Application: /beslut, /reservationer,
/underskott, /sok and inline results show "Osäker tolkning — se protokollet, s. N" for a § whose
parse is in doubt and not for a clean one, and an admin's /status lists the flagged documents.

The store holds two protocols parsed by the real parser and stored as an admin's upload stores
them (`knowledge.batch.ingest_bytes`); see tests/knowledge/health_docs.py for what is wrong where."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import Engine

from bot.app import build_application
from bot.offline import OfflineRequest, html_to_text, make_update
from bot.settings import Settings
from knowledge import search
from knowledge.batch import ingest_bytes
from knowledge.db import init_db, make_engine
from tests.handlers.conftest import TODAY, Chat, texts
from tests.knowledge.health_docs import CLEAN, FLAGGED, protocol

ADMIN = 77
CAUTION = "Osäker tolkning — se protokollet"
UNDATED = protocol("Kommunstyrelsen", None, ["§ 3 Revisionsberättelse\n\nDiarienummer: KS 2024/5\n\n"
                                              "Beslut\nKommunstyrelsen beslutar\natt lägga berättelsen till handlingarna.\n"])


@pytest.fixture(scope="module")
def health_engine(tmp_path_factory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('health') / 'store.db'}")
    init_db(engine)
    for text, name in ((CLEAN, "bmn-2024-05-14.txt"), (FLAGGED, "tn-2024-05-13.txt"), (UNDATED, "ks-utan-datum.txt")):
        outcome = ingest_bytes(engine, text.encode(), name)
        assert outcome.ok, outcome.failure
    yield engine
    search.invalidate(engine)
    engine.dispose()


@pytest.fixture
async def chat(health_engine) -> AsyncIterator[Chat]:
    settings = Settings(database_url="sqlite://", bot_today=TODAY, admin_user_ids=[ADMIN], _env_file=None)
    request = OfflineRequest()
    app = build_application(settings, health_engine, request=request)
    await app.initialize()
    try:
        yield Chat(app, request)
    finally:
        await app.shutdown()


def plain(calls) -> str:
    return html_to_text(texts(calls))


async def test_beslut_on_a_flagged_paragraph_says_it_is_unsure_before_the_decision(chat):
    text = plain(await chat.say("/beslut TN 2024/31"))
    assert f"{CAUTION}, s. 2" in text
    assert "ingen reservation kunde läsas ut" in text
    assert text.index(CAUTION) < text.index("att godkänna förslaget till gång- och cykelväg")


async def test_beslut_on_a_clean_paragraph_states_it(chat):
    text = plain(await chat.say("/beslut TN 2024/40"))
    assert "att anta taxan för felparkering" in text and "Bo Ek (M)" in text
    assert "Osäker tolkning" not in text


async def test_a_paragraph_of_a_doubtful_document_is_unsure_too(chat):
    text = plain(await chat.say("/beslut KS 2024/5"))
    assert f"{CAUTION}, s. 2" in text and "hela protokollets tolkning är osäker" in text
    assert "försättsbladet: datum" in text


async def test_reservationer_mark_only_the_reservation_from_a_flagged_paragraph(chat):
    blocks = plain(await chat.say("/reservationer")).split("\n\n")
    by_case = {title: next(b for b in blocks if title in b)
               for title in ("Ekonomisk uppföljning", "Taxa för felparkering", "Strandskyddsdispens")}
    assert "Cecilia Lind (L)" in by_case["Ekonomisk uppföljning"]
    assert f"{CAUTION}, s. 4" in by_case["Ekonomisk uppföljning"]  # § 24: a vote whose result was not read
    assert "Osäker tolkning" not in by_case["Taxa för felparkering"] + by_case["Strandskyddsdispens"]


async def test_underskott_from_a_flagged_paragraph_is_unsure(chat):
    text = plain(await chat.say("/underskott"))
    assert "−12 mnkr" in text and f"{CAUTION}, s. 4" in text


async def test_inline_card_of_a_flagged_paragraph_says_so_and_a_clean_one_does_not(chat):
    [call] = await chat.inline("TN 2024/31")
    [card] = call.params["results"]
    assert f"{CAUTION}, s. 2" in html_to_text(card["input_message_content"]["message_text"])
    assert card["description"].startswith("⚠️ osäker tolkning")
    [call] = await chat.inline("TN 2024/40")
    [card] = call.params["results"]
    assert "Osäker tolkning" not in card["input_message_content"]["message_text"]
    assert "osäker" not in card["description"]


async def test_sok_hit_in_a_flagged_paragraph_says_so(chat):
    text = plain(await chat.say("/sok cykelväg"))
    assert f"{CAUTION}, s. 2" in text


async def test_status_lists_the_flagged_documents_for_an_admin(chat):
    calls = await chat._run(make_update(chat.app, "/status", user_id=ADMIN, chat_id=ADMIN))
    text = plain(calls)
    assert "Osäkra tolkningar: 2 protokoll" in text
    assert "tn-2024-05-13.txt (Tekniska nämnden 2024-05-13): § 22, § 24" in text
    assert "oläst reservation: § 22; oläst omröstning: § 24" in text
    assert "ks-utan-datum.txt (Kommunstyrelsen): hela protokollet" in text
    assert "bmn-2024-05-14.txt" not in text
