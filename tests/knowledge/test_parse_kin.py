"""A protocol in a template none of ../shared/real uses, printed to PDF here: header and page
numbers at other places, labels and values beside each other, a bold § heading with its dnr at
the right margin, "Sida 1 av 3". It must parse without a rule made for it."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.pipeline import parse_raw
from knowledge.read import read_bytes
from tests.knowledge.pdfgen import placed_pdf


def furniture(n: int) -> list[tuple[float, float, str, float, bool]]:
    return [
        (20, 12, "Exempelby kommun", 9, False),
        (20, 18, "SAMMANTRÄDESPROTOKOLL", 12, True),
        (20, 24, "Miljö- och byggnadsnämnden", 11, False),
        (150, 18, "Sammanträdesdatum", 8, False),
        (150, 23, "2025-03-12", 10, False),
        (20, 287, "Justerandes signatur", 7, False),
        (90, 287, "Utdragsbestyrkande", 7, False),
        (170, 287, f"Sida {n} av 3", 8, False),
    ]


def form(y: float, label: str, *values: str) -> list[tuple[float, float, str, float, bool]]:
    rows = [(20, y, label, 10, True)]
    rows += [(65, y + 5 * i, v, 10, False) for i, v in enumerate(values)]
    return rows


COVER = furniture(1) + [
    *form(45, "Plats och tid", "Kommunhuset, Exempelby, kl. 13.00–15.30"),
    *form(57, "Beslutande", "Karin Ek (C), ordförande", "Per Holm (S), vice ordförande", "Lisa Berg (M)",
          "Olof Strand (KD), tjänstgörande ersättare för Anna Lund (M)"),
    *form(84, "Övriga närvarande", "Eva Nyström, nämndsekreterare"),
    *form(96, "Utses att justera", "Lisa Berg (M)"),
    *form(106, "Paragrafer", "§§ 14–16"),
    *form(200, "Sekreterare", "Eva Nyström"),
    *form(212, "Ordförande", "Karin Ek"),
    *form(224, "Justerande", "Lisa Berg"),
]

PAGE_2 = furniture(2) + [
    (20, 45, "§ 14", 11, True), (150, 45, "Dnr MBN 2025/17", 10, False),
    (20, 52, "Ansökan om bygglov för nybyggnad av enbostadshus, Norrby 2:14", 12, True),
    (20, 62, "Beslut", 10, True),
    (20, 68, "Miljö- och byggnadsnämnden beviljar bygglov enligt ansökan.", 10, False),
    (20, 78, "Reservation", 10, True),
    (20, 84, "Per Holm (S) reserverar sig mot beslutet.", 10, False),
    (20, 100, "§ 15", 11, True), (150, 100, "Dnr MBN 2025/3", 10, False),
    (20, 107, "Ekonomisk uppföljning februari 2025", 12, True),
    (20, 117, "Beslut", 10, True),
    (20, 123, "Uppföljningen godkänns.", 10, False),
]

PAGE_3 = furniture(3) + [
    (20, 45, "§ 16", 11, True),
    (20, 52, "Meddelanden", 12, True),
    (20, 62, "Beslut", 10, True),
    (20, 68, "Meddelandena läggs till handlingarna.", 10, False),
    (20, 80, "Omröstning", 10, True),
    (20, 86, "Omröstning begärs. Ja för bifall till förslaget, nej för avslag. Med 2 ja-röster mot 1 nej-röst", 10, False),
    (20, 91, "bifalls förslaget.", 10, False),
    # the named list, with a Parti column between the names and the marks
    (20, 105, "Namn", 10, True), (80, 105, "Parti", 10, True), (120, 105, "Ja", 10, True),
    (140, 105, "Nej", 10, True), (160, 105, "Avstår", 10, True),
    (20, 111, "Karin Ek", 10, False), (80, 111, "C", 10, False), (121, 111, "X", 10, False),
    (20, 117, "Per Holm", 10, False), (80, 117, "S", 10, False), (142, 117, "X", 10, False),
    (20, 123, "Lisa Berg", 10, False), (80, 123, "M", 10, False), (121, 123, "X", 10, False),
]


@pytest.fixture(scope="module")
def raw():
    return read_bytes(placed_pdf([COVER, PAGE_2, PAGE_3]), "mbn-2025-03-12.pdf")


def test_the_furniture_of_another_template_is_found_by_its_place(raw):
    assert "Miljö- och byggnadsnämnden" in raw.furniture and "2025-03-12" in raw.furniture
    assert "Sida" not in raw.text and "Utdragsbestyrkande" not in raw.text


def test_another_template_parses_without_a_rule_of_its_own(raw):
    doc = parse_raw(raw)
    assert (doc.kind, doc.organisation, doc.body, doc.meeting_date, doc.chair) == (
        "protocol", "Exempelby kommun", "Miljö- och byggnadsnämnden", date(2025, 3, 12), "Karin Ek")
    assert [(p.number, p.title, p.dnr) for p in doc.paragraphs] == [
        (14, "Ansökan om bygglov för nybyggnad av enbostadshus, Norrby 2:14", "MBN 2025/17"),
        (15, "Ekonomisk uppföljning februari 2025", "MBN 2025/3"),
        (16, "Meddelanden", None),
    ]
    first = doc.paragraphs[0]
    assert first.decision == ["Miljö- och byggnadsnämnden beviljar bygglov enligt ansökan."]
    assert [(r.name, r.party) for r in first.reservations] == [("Per Holm", "S")]
    attendance = {(a.name, a.role) for a in doc.attendance}
    assert ("Karin Ek", "ordförande") in attendance and ("Lisa Berg", "ledamot") in attendance


def test_a_named_vote_list_with_a_party_column_keeps_each_mark_in_its_column(raw):
    vote = next(p for p in parse_raw(raw).paragraphs if p.number == 16).votes[0]
    assert (vote.yes, vote.no, vote.abstain, vote.doubts) == (2, 1, 0, [])
    assert [(b.name, b.party, b.vote) for b in vote.ballots] == [
        ("Karin Ek", "C", "ja"), ("Per Holm", "S", "nej"), ("Lisa Berg", "M", "ja")]
