"""Yrkanden, reservations and notes as a politician reads them in /beslut and /reservationer:
whose proposal each speaker backed, a group note once with its signers, and a reservation's text
only under those who wrote it."""

from __future__ import annotations

from bot.offline import html_to_text
from knowledge.batch import ingest_bytes
from tests.handlers.conftest import buttons, texts

PROTOCOL = """Kommunstyrelsen
Protokoll
Sammanträdesdatum: 2024-09-02

§ 12 KS 2024/88
Budget 2025

Yrkanden
Anna Ek (M) yrkar på följande ändring: ”att höja ramen för äldreomsorgen.”
Per Olsson (KD) och Lisa Holm (L) yrkar bifall till Anna Eks ändringsyrkande.
Olle Berg (S) yrkar bifall till arbetsutskottets förslag.

Beslut
Kommunstyrelsen beslutar att anta budgeten.

Reservationer
Anna Ek (M) och Per Olsson (KD) reserverar sig mot beslutet och lämnar följande reservation:
”Budgeten saknar finansiering för äldreomsorgen.”
Ledamöterna i (V) reserverar sig mot beslutet.

Protokollsanteckning
Karin Berg (C) och Olof Ek (C) lämnar följande protokollsanteckning:
Centerpartiet vill se en bredare analys av landsbygdens behov.
"""


def _plain(calls) -> str:
    return html_to_text(texts(calls))


async def test_beslut_card_says_whose_proposal_was_backed_and_shows_a_group_note_once(sqlite_engine, empty_chat):
    assert ingest_bytes(sqlite_engine, PROTOCOL.encode(), "ks-2024-09-02.txt").ok
    calls = await empty_chat.say("/beslut KS 2024/88")
    text = _plain(calls)
    assert "Per Olsson (KD), Lisa Holm (L): bifall till Anna Eks ändringsyrkande" in text
    assert "Olle Berg (S): bifall till arbetsutskottets förslag" in text
    assert "Protokollsanteckning: Karin Berg (C), Olof Ek (C)" in text
    assert text.count("Centerpartiet vill se en bredare analys") == 1
    labels = [label for label, _, _ in buttons(calls)]
    assert labels == ["Reservationstext: Anna Ek (M) m.fl."]  # the party-level reservation wrote none


async def test_reservation_text_stands_under_its_authors_not_the_party_beside_them(sqlite_engine, empty_chat):
    assert ingest_bytes(sqlite_engine, PROTOCOL.encode(), "ks-2024-09-02.txt").ok
    calls = await empty_chat.say("/reservationer")
    text = _plain(calls)
    assert "Anna Ek (M), Per Olsson (KD), Ledamöterna från (V) reserverade sig" in text
    assert "Anna Ek (M), Per Olsson (KD): ”Budgeten saknar finansiering för äldreomsorgen.”" in text
    assert [label for label, _, _ in buttons(calls)] == ["Hela texten: Anna Ek (M)"]
    calls = await empty_chat.say("/reservationer V")
    text = _plain(calls)
    assert "Ledamöterna från (V) reserverade sig" in text and "Budgeten saknar" not in text
