"""Another region's layout: body-prefixed § headers, owned decision headings, numbered
decisions without "att", attendance rows without parentheses, "beslutar enligt förslaget"."""

from datetime import date

from knowledge.parse import parse_text

VASTERBOTTEN = """\
Protokoll
Hälso- och sjukvårdsnämnden
Region Västerbotten

Sammanträdesdatum: 2025-02-13
Tid: kl. 08.30–15.00
Plats: Regionens hus, Umeå

Beslutande
Anna Andersson, S, ordförande
Bo Berg, M, vice ordförande
Cecilia Ek, V
David Falk, C, ersätter Erik Gran

HSN § 12 Delårsrapport januari–mars 2025
Dnr HSN 656-2025

Hälso- och sjukvårdsnämndens beslut
1. Hälso- och sjukvårdsnämnden godkänner delårsrapporten.
2. Nämnden uppdrar åt hälso- och sjukvårdsdirektören att
   redovisa åtgärder i juni.

Sammanfattning av ärendet
Resultatet är ett underskott.

Beslutsgång
Ordföranden frågar om nämnden kan besluta enligt förslaget och finner att så sker.

HSN § 12, forts.

Reservation
Moderaterna reserverar sig mot beslutet.

HSN § 13 Ändrad sammanträdesplan
Dnr HSN 101-2025

Regiondirektörens förslag till beslut
Hälso- och sjukvårdsnämnden beslutar att flytta sammanträdet den 10 april till den 17 april.

Hälso- och sjukvårdsnämndens beslut
Hälso- och sjukvårdsnämnden beslutar enligt förslaget.
"""


def _doc():
    return parse_text(VASTERBOTTEN)


def test_meeting_facts_and_attendance_rows_without_parentheses():
    doc = _doc()
    assert (doc.organisation, doc.body, doc.meeting_date, doc.time, doc.place, doc.chair) == (
        "Region Västerbotten", "Hälso- och sjukvårdsnämnden", date(2025, 2, 13), "08:30-15:00",
        "Regionens hus, Umeå", "Anna Andersson")
    assert [(a.name, a.party, a.role, a.replaces) for a in doc.attendance] == [
        ("Anna Andersson", "S", "ordförande", None), ("Bo Berg", "M", "vice ordförande", None),
        ("Cecilia Ek", "V", "ledamot", None), ("David Falk", "C", "tjänstgörande ersättare", "Erik Gran")]


def test_body_prefixed_headers_and_forts_with_comma():
    doc = _doc()
    assert [(p.number, p.title, p.dnr) for p in doc.paragraphs] == [
        (12, "Delårsrapport januari–mars 2025", "HSN 656-2025"), (13, "Ändrad sammanträdesplan", "HSN 101-2025")]
    assert [(r.name, r.party) for r in doc.paragraphs[0].reservations] == [(None, "M")]


def test_owned_decision_heading_with_numbered_clauses_without_att():
    assert _doc().paragraphs[0].decision == [
        "Hälso- och sjukvårdsnämnden godkänner delårsrapporten.",
        "Nämnden uppdrar åt hälso- och sjukvårdsdirektören att redovisa åtgärder i juni.",
    ]


def test_decision_as_proposed_takes_the_proposals_clauses_and_feeds_schedule_changes():
    doc = _doc()
    assert doc.paragraphs[1].decision == ["att flytta sammanträdet den 10 april till den 17 april."]
    assert [(c.from_, c.to, c.paragraph) for c in doc.schedule_changes] == [(date(2025, 4, 10), date(2025, 4, 17), 13)]
