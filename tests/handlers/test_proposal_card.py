"""A nämnd's proposal to another body reaches the user as a proposal to that body, never as the
nämnd's own decision: a real Kommunstyrelsen protocol read, parsed and stored as any file sent
to the bot is, then asked for through the real Application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.offline import html_to_text
from knowledge.batch import ingest_bytes
from tests.handlers.conftest import _chat, texts

# Alingsås kommun, Kommunstyrelsen 2026-06-15, §§ 112 and 114 as the layout step reads the PDF
# (a bold row is a "## " heading); only the cover is shortened
KS_2026_06_15 = """Alingsås kommun
Kommunstyrelsen
Protokoll
Sammanträdesdatum: 2026-06-15

Plats och tid: Rådslaget, Rådhuset, Alingsås
Paragrafer: §§112-114
Ordförande: Jan-Erik Wallin (M)

§ 112 2026.272 KS

## Budget 2027 och ramar 2028-2029 för AVRF

## Ärendebeskrivning
Direktionen för Alingsås och Vårgårda Räddningstjänstförbund (härefter benämnt förbundet)
beslutade den 17 april 2026, § 10, att godkänna budget 2027, budgetramar för 2028–2029,
investeringsbudget för 2027–2031 samt ändringsförslag.

Kommunstyrelsens arbetsutskott har den 3 juni 2026, § 84 behandlat ärendet.
## Beslut
## Förslag till beslut i kommunfullmäktige
Budget 2027 och ramar 2028–2029 och investeringsbudget för 2027–2031 för Alingsås och
Vårgårda Räddningstjänstförbund godkänns.

## Beslutsunderlag
• §84 KSAU Budget 2027 och ramar 2028-2029 för AVRF
§ 114 2026.288 KS

## Initiativärende till kommunstyrelsen gällande utredning av utökad parkeringskapacitet vid Nolhaga - Jan-Erik Wallin (M) med flera

## Beslut
Initiativärendet avslås.
"""


@pytest.fixture
async def ks_chat(sqlite_engine) -> AsyncIterator:
    outcome = ingest_bytes(sqlite_engine, KS_2026_06_15.encode(), "kommunstyrelsen_2026-06-15.md")
    assert outcome.ok, outcome.failure
    async for c in _chat(sqlite_engine):
        yield c


async def test_a_proposal_to_kommunfullmäktige_is_shown_as_one(ks_chat):
    text = html_to_text(texts(await ks_chat.say("/beslut 2026.272 KS")))
    assert "§ 112" in text
    assert "Förslag till Kommunfullmäktige:" in text
    assert "Vårgårda Räddningstjänstförbund godkänns." in text
    assert "Beslut:" not in text  # not the styrelse's own decision
    assert "Förslag till beslut i kommunfullmäktige" not in text  # the sub-heading is no entry


async def test_the_styrelses_own_decision_stays_a_decision(ks_chat):
    text = html_to_text(texts(await ks_chat.say("/beslut 2026.288 KS")))
    assert "Beslut:" in text and "Initiativärendet avslås." in text
    assert "Förslag till" not in text


# Alingsås kommun, Tekniska nämnden 2026-05-18, § 28: the nämnd decides one thing itself and
# proposes another to kommunfullmäktige
TN_2026_05_18 = """Alingsås kommun
Tekniska nämnden
Protokoll
Sammanträdesdatum: 2026-05-18

§ 28 2026.067 TEN

## Revidering felparkeringsavgifter

Arbetsutskottet har behandlat ärendet under sitt sammanträde 11 maj, § 19.

## Beslut
Förvaltningens förslag godkänns

## Förslag till beslut i kommunfullmäktige
Felparkeringsavgifter i Alingsås kommun antas

## Expedieras till
KS, KF
"""


async def test_a_paragraph_that_decides_and_proposes_shows_each_as_what_it_is(sqlite_engine):
    outcome = ingest_bytes(sqlite_engine, TN_2026_05_18.encode(), "tekniska-namnden_2026-05-18.md")
    assert outcome.ok, outcome.failure
    async for chat in _chat(sqlite_engine):
        text = html_to_text(texts(await chat.say("/beslut 2026.067 TEN")))
        decided, proposed = text.index("Beslut:"), text.index("Förslag till Kommunfullmäktige:")
        assert decided < text.index("Förvaltningens förslag godkänns") < proposed
        assert proposed < text.index("Felparkeringsavgifter i Alingsås kommun antas")
