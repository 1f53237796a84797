"""One organisation, one body, one person, one case — across documents and layouts.

Protocols of one committee, written here the ways real ones come (without a header naming the
region, the region in the genitive, a header naming it, an utskott under another name), parsed
by the real parser and stored on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from knowledge import queries
from knowledge.models import Body, Case, Document, Meeting, Organisation, Paragraph, Person
from knowledge.parse import parse_text
from knowledge.store import ingest_document

# A later HSN protocol with no header naming the region; its text names "Region Västernorrlands
# hälso- och sjukvård" (that must not become an organisation).
HSN_NO_HEADER = """\
HÄLSO- OCH SJUKVÅRDSNÄMNDEN
PROTOKOLL
Datum: 2024-10-03

Beslutande: Elina Backlund Arab (S), ordförande
Per-Gordon Tranberg (M)
Ingela Andreén (L)

§ 110 Månadsuppföljning augusti 2024

Diarienummer: 24HSN74

Beslut
Hälso- och sjukvårdsnämnden beslutar

att godkänna månadsrapporten.

Ärendebeskrivning
Region Västernorrlands hälso- och sjukvård redovisar ett underskott.

Reservation
Per Tranberg (M) reserverar sig mot beslutet.

§ 111 Ändring i sammanträdesplan 2024

Diarienummer: 24HSN1

Beslut
Hälso- och sjukvårdsnämnden beslutar

att flytta nämndens sammanträde den 7 november 2024 till den 14 november 2024.
"""

# The same body as its header names it, the region stated.
HSN_STATED = """\
Region Västernorrland
Hälso- och sjukvårdsnämnden
Protokoll
Datum: 2024-09-04

§ 97 Månadsuppföljning juli 2024

Diarienummer: 24HSN74

Beslut
Hälso- och sjukvårdsnämnden beslutar

att godkänna månadsrapporten.

Reservation
Ingela Andreen (L) reserverar sig mot beslutet.
"""

# The region in the genitive, and a namesake of another party.
HSN_GENITIVE = """\
Region Västernorrlands
Hälso- och sjukvårdsnämnd
Protokoll
Datum: 2024-11-14

§ 130 Månadsuppföljning oktober 2024

Diarienummer: 24 HSN 74

Beslut
Hälso- och sjukvårdsnämnden beslutar

att godkänna månadsrapporten.

Reservation
Per Tranberg (S) reserverar sig mot beslutet.
"""


def ingest(s: Session, text: str, sha: str):
    return ingest_document(s, parse_text(text), source_name=f"{sha}.txt", sha256=sha)


def named_orgs(s: Session) -> list[str]:
    return sorted(s.exec(select(Organisation.name).where(Organisation.name != "")).all())


def test_one_committee_in_three_layouts_is_one_organisation_body_and_case(session):
    ingest(session, HSN_NO_HEADER, "a")  # first: nothing states the region yet
    assert named_orgs(session) == []
    ingest(session, HSN_STATED, "b")  # the region stated: the body filed as unknown comes home
    ingest(session, HSN_GENITIVE, "c")
    assert named_orgs(session) == ["Region Västernorrland"]
    org = session.exec(select(Organisation).where(Organisation.name == "Region Västernorrland")).one()
    assert session.exec(select(func.count()).select_from(Document).where(Document.organisation_id != org.id)).one() == 0
    assert session.exec(select(Body.name).where(Body.organisation_id == org.id)).all() == ["Hälso- och sjukvårdsnämnden"]
    case = session.exec(select(Case).where(Case.dnr_norm == "24HSN74")).one()
    numbers = sorted(session.exec(select(Paragraph.number).where(Paragraph.case_id == case.id)).all())
    assert numbers == [97, 110, 130]
    card = queries.lookup_case(session, "24HSN74").card
    assert card is not None and card.organisation == "Region Västernorrland" and len(card.handlings) == 3


def test_one_person_under_variants_of_the_name_and_namesakes_apart(session):
    for text, sha in ((HSN_STATED, "b"), (HSN_NO_HEADER, "a"), (HSN_GENITIVE, "c")):
        ingest(session, text, sha)
    people = {(p.name, p.party): p for p in session.exec(select(Person)).all()}
    tranberg = [p for (name, party), p in people.items() if "Tranberg" in name and party == "M"]
    assert len(tranberg) == 1 and "Per Tranberg" in tranberg[0].variants  # the signature's short form
    assert ("Per Tranberg", "S") in people  # a namesake in another party is another person
    andreen = [p for (name, _), p in people.items() if name.startswith("Ingela Andre")]
    assert len(andreen) == 1


def test_a_document_without_its_organisation_joins_the_one_that_has_its_body(session):
    ingest(session, HSN_STATED, "b")
    ingest(session, HSN_NO_HEADER, "a")  # inferred from the body already stored
    assert named_orgs(session) == ["Region Västernorrland"]
    doc = session.exec(select(Document).where(Document.source_name == "a.txt")).one()
    assert doc.organisation_id == session.exec(select(Organisation.id).where(Organisation.name != "")).one()
    moved = session.exec(select(Meeting).where(Meeting.date == date(2024, 11, 14))).one()
    assert moved.moved_from == date(2024, 11, 7)


KSAU = """\
Kommunstyrelsens arbetsutskott
Protokoll
2026-06-03

Protokollet är justerat. Justeringen har tillkännagivits på Alingsås kommuns digitala anslagstavla.

§ 84 2026.272 KS
## Budget 2027 och ramar 2028-2029 för AVRF

## Beslut
Arbetsutskottet beslutar att flytta arbetsutskottets sammanträde den 17 juni 2026 till den 24 juni 2026.
"""

KS = """\
Kommunstyrelsen
Protokoll
2026-06-15

Protokollet är justerat. Justeringen har tillkännagivits på Alingsås kommuns digitala anslagstavla.

§ 112 2026.272 KS
## Budget 2027 och ramar 2028-2029 för AVRF

## Ärendebeskrivning
Kommunstyrelsens arbetsutskott har den 3 juni 2026, § 84 behandlat ärendet.
Tekniska nämnden har den 18 maj 2026, § 28 behandlat ärendet.

## Beslut
Budgeten godkänns.
"""

TN = """\
Tekniska nämnden
Protokoll
2026-05-18

Protokollet är justerat. Justeringen har tillkännagivits på Alingsås kommuns digitala anslagstavla.

§ 28 2026.067 TEN
## Revidering felparkeringsavgifter

## Beslut
Nämnden föreslår kommunstyrelsen att anta taxan.
"""


def test_an_utskott_is_one_body_by_any_of_its_names_and_knows_its_nämnd(session):
    ingest(session, KS, "ks")
    ingest(session, KSAU, "ksau")
    au = session.exec(select(Body).where(Body.name == "Kommunstyrelsens arbetsutskott")).one()
    ks = session.exec(select(Body).where(Body.name == "Kommunstyrelsen")).one()
    assert au.parent_id == ks.id
    assert session.exec(select(func.count()).select_from(Body)).one() == 2  # no made-up "Arbetsutskottet"
    for name in ("kommunstyrelsens arbetsutskott", "KSAU", "KS AU"):
        assert [b.id for b in queries.find_bodies(session, name)] == [au.id], name
    upcoming = queries.next_meetings(session, date(2026, 6, 4), au.id)
    assert [(m.date, m.moved_from) for m in upcoming] == [(date(2026, 6, 24), date(2026, 6, 17))]


def test_a_case_card_follows_the_matter_across_bodies_in_either_order(session):
    ingest(session, KS, "ks")  # names TN § 28 and KSAU § 84 before they are stored
    ingest(session, TN, "tn")
    ingest(session, KSAU, "ksau")
    card = queries.lookup_case(session, "2026.272 KS").card
    handled = {(h.source.body_short, h.source.paragraph, h.dnr) for h in card.handlings}
    # KSAU § 84 shares the dnr; TN § 28 handled the matter under its own number
    assert handled == {("KS", 112, "2026.272 KS"), ("KSAU", 84, "2026.272 KS"), ("TN", 28, "2026.067 TEN")}
    assert queries.lookup_case(session, "2026.067 TEN").card.dnr == "2026.067 TEN"  # and back


def test_a_dnr_typed_as_printed_finds_its_case_first_in_every_format(session):
    texts = {
        "2026.272 KS": KS,
        "SLK-2024-00074": "Göteborgs Stad Kommunstyrelsen protokoll\nSammanträdesdatum: 2024-04-10\n\n"
                          "§ 271 Ärendenummer SLK-2024-00074\nAnmälan av jäv vid sammanträdet\nBeslut\n\nJäv anmäls.\n",
        "KS 2024/123": "Kommunstyrelsen\nUmeå kommun\nDatum: 2024-05-02\n\n§ 5 Motion om cykelbanor\nDnr KS 2024/123\n\n"
                       "Beslut\nMotionen avslås.\n",
        "HSN 656-2025": "Region Västerbotten\nHälso- och sjukvårdsnämnden\nDatum: 2025-02-13\n\n"
                        "§ 12 Delårsrapport\nDnr HSN 656-2025\n\nBeslut\nRapporten godkänns.\n",
        "24HSN2937": HSN_STATED.replace("24HSN74", "24HSN2937"),
    }
    for i, text in enumerate(texts.values()):
        ingest(session, text, f"d{i}")
    for dnr in texts:
        found = queries.lookup_case(session, dnr)
        assert found.card is not None and found.card.dnr.replace(" ", "") == dnr.replace(" ", ""), dnr
    # a dnr of a known series that matches nothing: said so, with only that series' numbers near
    missing = queries.lookup_case(session, "KS 2024/124")
    assert missing.card is None and all("KS" in c.dnr for c in missing.candidates)
    unknown = queries.lookup_case(session, "SLK-2024-00075")
    assert unknown.card is None and all(c.dnr.startswith("SLK") for c in unknown.candidates)


def test_a_paragraph_without_a_dnr_is_a_case_of_its_own_found_by_title(session):
    ingest(session, "Kommunstyrelsen\nProtokoll\n2026-06-15\n\nProtokollet är justerat på Alingsås kommuns "
                    "anslagstavla.\n\n§ 121\n## Redovisning av delegationsbeslut\n\n## Beslut\nRedovisningen godkänns.\n",
           "own")
    found = queries.lookup_case(session, "redovisning av delegationsbeslut")
    assert found.card is not None and found.card.handlings[0].decision == ["Redovisningen godkänns."]


def test_the_identity_report_shows_what_was_merged_and_what_kept_apart(session):
    for text, sha in ((HSN_STATED, "b"), (HSN_NO_HEADER, "a"), (HSN_GENITIVE, "c"), (KS, "ks"), (KSAU, "ksau")):
        ingest(session, text, sha)
    report = queries.identity_report(session)
    assert ("Region Västernorrland", 3) in report.organisations and ("Alingsås kommun", 2) in report.organisations
    au = next(b for b in report.bodies if b[1] == "Kommunstyrelsens arbetsutskott")
    assert au[2] == "Kommunstyrelsen" and "ksau" in au[3]
    assert any(name == "Per-Gordon Tranberg" and "Per Tranberg" in variants for name, _, variants in report.merged_people)
    assert ("Per Tranberg (S)", "Per-Gordon Tranberg (M)") in report.kept_apart or (
        "Per-Gordon Tranberg (M)", "Per Tranberg (S)") in report.kept_apart


REAL = Path(__file__).resolve().parents[3] / "shared"


@pytest.mark.skipif(not (REAL / "real" / "docs").is_dir(), reason="../shared/real not present")
def test_the_seeds_and_the_real_protocols_make_one_of_each(session):
    from knowledge.pipeline import parse_file

    for path in sorted((REAL / "seeds").glob("*.txt")) + sorted((REAL / "real" / "docs").iterdir()):
        ingest_document(session, parse_file(path), source_name=path.name, sha256=path.name)
    orgs = {o.id: o.name for o in session.exec(select(Organisation)).all()}
    docs = {d.source_name: orgs[d.organisation_id] for d in session.exec(select(Document)).all()}
    assert {docs[n] for n in docs if n.startswith("goteborg")} == {"Göteborgs Stad"}
    # the 2018 protocols state no organisation: KF 2018 joins the Alingsås KF a later one states
    assert docs["kommunfullmaktige_2018-03-28.pdf"] == docs["kommunstyrelsen_2026-06-15.pdf"] == "Alingsås kommun"
    bodies = session.exec(select(Body.organisation_id, Body.name)).all()
    assert len(bodies) == len(set(bodies))
    kf = session.exec(select(Body).where(Body.name == "Kommunfullmäktige",
                                         Body.organisation_id == next(i for i, n in orgs.items() if n == "Alingsås kommun"))).one()
    assert {d.meeting_date.year for d in session.exec(select(Document).where(Document.body_id == kf.id)).all()} == {2018, 2026}
    # one person across documents: Per-Gordon Tranberg (M) sits in KF 2018 and KF 2026
    assert len(session.exec(select(Person).where(Person.name == "Per-Gordon Tranberg")).all()) == 1
    for dnr in ("2026.272 KS", "SLK-2024-00074", "1435/22", "24HSN2937", "2018.106 KS"):
        card = queries.lookup_case(session, dnr).card
        assert card is not None and card.dnr.replace(" ", "") == dnr.replace(" ", ""), dnr
