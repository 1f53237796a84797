"""§ headings, tables of contents, covers and chairs in the conventions of real protocols
(excerpts of ../shared/real: Alingsås kommun, Göteborgs Stad) and in kin they don't show,
written here the way other municipalities print them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.parse import parse_text


def paragraphs(text: str) -> dict[int, tuple[str, str | None]]:
    return {p.number: (p.title, p.dnr) for p in parse_text(text).paragraphs}


# --- § headings ---------------------------------------------------------------------------------

ALINGSAS = """\
Barn- och ungdomsnämnden
Protokoll
2026-05-26

§ 35 2026.034 BUN
## Förändring planeringsområden åk 7-9

## Ärendebeskrivning
Kommunfullmäktige beslutade den 25 oktober 2023, § 183 (2023.357 KS) om genomförande.

## Beslut
Barn- och ungdomsnämnden beslutar att anta förslaget.

§ 36 2026.057 BUN
## Övergångsregler för skolskjuts 2027-2030

## Beslut
Övergångsreglerna antas.
"""


def test_number_then_diarienummer_year_number_series():
    assert paragraphs(ALINGSAS) == {35: ("Förändring planeringsområden åk 7-9", "2026.034 BUN"),
                                    36: ("Övergångsregler för skolskjuts 2027-2030", "2026.057 BUN")}


GOTEBORG_OLD = """\
Göteborgs Stad Kommunfullmäktige, protokoll

Kommunfullmäktige

Protokoll (nr 2)
Sammanträdesdatum: 2023-02-23

§ 15 1435/22
Genomförandeavtal avseende detaljplan för bostäder,
verksamheter och uppgångar för Västlänken norr om
Nordstan
Beslut

Enligt kommunstyrelsens förslag:
Genomförandeavtalet mellan Göteborgs Stad och Trafikverket, i enlighet med bilaga 2 till
stadsledningskontorets tjänsteutlåtande, godkänns.

§ 16 1379/22
Antagande av detaljplan för bostäder, verksamheter och
uppgångar för Västlänken norr om Nordstan
Beslut

Detaljplanen antas.

Göteborgs Stad Kommunfullmäktige, protokoll

18 (73)

Kommunfullmäktige

Protokoll (nr 2)
Sammanträdesdatum: 2023-02-23

§ 16 1379/22
Protokollsutdrag skickas till
Exploateringsnämnden
"""


def test_number_then_a_bare_number_slash_year_and_a_continued_paragraph():
    found = paragraphs(GOTEBORG_OLD)
    assert found == {
        15: ("Genomförandeavtal avseende detaljplan för bostäder, verksamheter och uppgångar för Västlänken "
             "norr om Nordstan", "1435/22"),
        16: ("Antagande av detaljplan för bostäder, verksamheter och uppgångar för Västlänken norr om Nordstan",
             "1379/22"),
    }
    doc = parse_text(GOTEBORG_OLD)
    assert "Exploateringsnämnden" in doc.paragraphs[1].text  # the page-broken § goes on, not a new one


GOTEBORG_NEW = """\
Göteborgs Stad Kommunstyrelsen protokoll

Kommunstyrelsen

Protokoll nr 11
Sammanträdesdatum: 2024-04-10

§ 271 Ärendenummer SLK-2024-00074
Anmälan av jäv vid sammanträdet
Beslut

Marina Johansson (S) anmäler jäv under paragraf 313.

§ 318 Ärendenummer SLK-2024-00218:3
Stadsrevisionens rapportsammandrag - Granskning av Göteborgs Stads arbete för att minska
energianvändningen i bostäder och lokaler
Beslut

Rapporten antecknas.
"""


def test_arendenummer_label_and_a_document_suffix():
    assert paragraphs(GOTEBORG_NEW) == {
        271: ("Anmälan av jäv vid sammanträdet", "SLK-2024-00074"),
        318: ("Stadsrevisionens rapportsammandrag - Granskning av Göteborgs Stads arbete för att minska "
              "energianvändningen i bostäder och lokaler", "SLK-2024-00218:3"),
    }


# Kin: a municipality printing "Dnr" with a record-plan code after the number, and one printing
# the dnr on the line under the number.
DNR_WITH_CODE = """\
Protokoll Socialnämnden
Datum: 2021-03-16

§ 12 Dnr 00123/2021 2.6
Motion om trygghetsvärdar

Beslut
Motionen avslås.

§ 13
Dnr SN 2021/45
Yttrande över remiss om äldreomsorgslag

Beslut
Socialnämnden beslutar att avge yttrande enligt förvaltningens förslag.
"""


def test_a_dnr_label_with_a_record_plan_code_and_a_dnr_on_the_line_below():
    assert paragraphs(DNR_WITH_CODE) == {12: ("Motion om trygghetsvärdar", "00123/2021"),
                                         13: ("Yttrande över remiss om äldreomsorgslag", "SN 2021/45")}


def test_a_dnr_alone_on_the_line_between_number_and_title():
    text = "Kommunstyrelsen\n2026-06-15\n\n§ 32\n2026.034 KS\nRevidering av taxa\n\nBeslut\nTaxan antas.\n"
    assert paragraphs(text) == {32: ("Revidering av taxa", "2026.034 KS")}


# --- what is not a § heading ----------------------------------------------------------------------

CONTENTS_AND_REFERENCES = """\
Tekniska nämnden
Protokoll
2026-05-18

Paragrafer: §§25-28

§ 25\tInformation och föredragningar
§ 26\tEkonomiuppföljning
§ 27\tTekniska nämndens delegationsordning
§ 28\tMeddelanden 2026

§ 25
## Information och föredragningar

Föredragningar
§ 26 Ekonomiuppföljning
§ 27 Tekniska nämndens delegationsordning

Enligt kommunallagen 4 kap.
§ 20 har varje ledamot rätt att väcka ärende.

§ 26 2026.072 TEN
## Ekonomiuppföljning

## Beslut
Fördjupad månadsuppföljning godkänns.

§ 27 2025.275 TEN
## Tekniska nämndens delegationsordning

## Beslut
Delegationsordningen antas.

§ 28
## Meddelanden 2026

## Ärendebeskrivning
§ 67 2026.142 KS Revidering av riktlinjer av missförhållanden av allmänt intresse
§ 63 2025.354 KS Rutin för att förebygga och hantera hat, hot och våld
"""


def test_contents_references_and_quotes_are_not_paragraphs():
    doc = parse_text(CONTENTS_AND_REFERENCES)
    assert [(p.number, p.title, p.dnr) for p in doc.paragraphs] == [
        (25, "Information och föredragningar", None),
        (26, "Ekonomiuppföljning", "2026.072 TEN"),
        (27, "Tekniska nämndens delegationsordning", "2025.275 TEN"),
        (28, "Meddelanden 2026", None),
    ]
    by_number = {p.number: p for p in doc.paragraphs}
    # the list of references and the quoted "§ 20" stay text of § 25; another body's § 67 of § 28
    assert "§ 27 Tekniska nämndens delegationsordning" in by_number[25].text
    assert "§ 20 har varje ledamot" in by_number[25].text
    assert "§ 67 2026.142 KS" in by_number[28].text
    assert by_number[26].decision == ["Fördjupad månadsuppföljning godkänns."]


def test_a_contents_entry_for_the_only_paragraph_of_an_extract():
    text = ("Kommunfullmäktige\nProtokoll\n2026-06-10\n\n"
            "§ 116\tDetaljplan för Alingsås, förskola vid Nolhaga allé,\nbeslut om antagande\n\n"
            "§ 116 2020.008 KS\n\n## Detaljplan för Alingsås, förskola vid Nolhaga allé, beslut om antagande\n\n"
            "## Beslut\nDetaljplanen antas.\n")
    assert paragraphs(text) == {116: ("Detaljplan för Alingsås, förskola vid Nolhaga allé, beslut om antagande",
                                      "2020.008 KS")}


# --- the cover: body, date, chair ---------------------------------------------------------------


def test_the_chair_is_the_signature_not_the_secretary_nor_a_replaced_member():
    text = """\
Tekniska nämnden
Protokoll
2026-05-18

Beslutande: Lars-Ivan Gustafsson (S) (vice ordförande)
Morgan Fredvi (S)
Roland Alm (KD) ersätter Ingela Andreen (L) (ordförande)
Sekreterare: Peter Porss
Ordförande: Lars-Ivan Gustafsson (S)
Justerande: Britt Berggren (M)

§ 25
## Information
"""
    doc = parse_text(text)
    assert (doc.body, doc.meeting_date, doc.chair) == ("Tekniska nämnden", date(2026, 5, 18), "Lars-Ivan Gustafsson")


@pytest.mark.parametrize(
    ("signatures", "chair"),
    [
        # role above name, as a cover's two columns read in text order
        ("Sekreterare\nUlrika Månsson\nOrdförande\nJan-Erik Wallin (M)\nJusterande\nAnton César", "Jan-Erik Wallin"),
        ("Sekreterare ........\nAnci Eyoum\nOrdförande ........\nKristina Grapenholm (L)", "Kristina Grapenholm"),
        # name above role
        ("Justeras\n\nElina Backlund Arab\nOrdförande Hälso- och sjukvårdsnämnden\n\nPia Lundin", "Elina Backlund Arab"),
        ("Justeras\nUlrika Månsson\nSekreterare\nJan-Erik Wallin\nOrdförande\nAnton César\nJusterare", "Jan-Erik Wallin"),
    ],
)
def test_the_signature_block_in_either_order(signatures: str, chair: str):
    doc = parse_text(f"Kommunstyrelsen\nDatum: 2026-06-15\n\n§ 1 Val av justerare\n\nBeslut\nAnton César utses.\n\n"
                     f"{signatures}\n")
    assert doc.chair == chair


def test_without_a_cover_the_chair_is_who_the_proceedings_call_ordforanden():
    text = """\
Kommunfullmäktige
Sammanträdesdatum: 2023-02-23

§ 2
Bestämmande av tid för justering
Beslut

Förste vice ordföranden Håkan Eriksson (V) justerar dagens protokoll tillsammans med ordföranden
Aslan Akbas (S) på Stadshuset.
"""
    assert parse_text(text).chair == "Aslan Akbas"


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ("Tekniska nämnden\nProtokoll\n2026-05-18", "Tekniska nämnden"),  # an adjective and the head noun
        ("PROTOKOLL\nHÄLSO- OCH SJUKVÅRDSNÄMNDENS VÄLFÄRD- OCH SAMVERKANSUTSKOTT\nDatum Dnr Sida\n2022-05-04 24HSN1 1(9)",
         "Välfärd- och samverkansutskottet"),  # an utskott named with its nämnd goes by its own name
        ("Göteborgs Stad Kommunfullmäktige, protokoll\n\nKommunfullmäktige\nSammanträdesdatum: 2023-02-23",
         "Kommunfullmäktige"),
    ],
)
def test_the_deciding_body_is_the_one_the_header_names(header: str, body: str):
    text = f"{header}\n\n§ 1 Val av justerare\n\nBeslut\nKommunstyrelsen föreslår kommunfullmäktige att besluta.\n"
    assert parse_text(text).body == body


# --- the real documents -------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[3] / "shared" / "real"


@pytest.mark.skipif(not (REAL / "gold").is_dir(), reason="../shared/real not present")
@pytest.mark.parametrize("gold", sorted((REAL / "gold").glob("*.json")), ids=lambda p: p.stem)
def test_real_documents_paragraphs_titles_dnr_and_cover(gold: Path):
    import json

    from knowledge.pipeline import parse_file

    want = json.loads(gold.read_text(encoding="utf-8"))
    doc = parse_file(REAL / "docs" / want["source"])
    chairs = want["chair"] if isinstance(want["chair"], list) else [want["chair"]]
    assert (doc.body, str(doc.meeting_date), doc.chair in chairs) == (want["body"], want["meeting_date"], True)
    assert [(p.number, p.dnr) for p in doc.paragraphs] == [(p["number"], p["dnr"]) for p in want["paragraphs"]]
    assert [" ".join(p.title.split()) for p in doc.paragraphs] == [p["title"] for p in want["paragraphs"]]


def test_appendices_after_the_last_paragraph_are_not_its_text():
    text = ("Kommunfullmäktige\nSammanträdesdatum: 2023-02-23\n\n§ 34\nFörteckning över anmälningsärenden\nBeslut\n\n"
            "Antecknas.\n\nBILAGA 1\nPlats\nLedamot\nAkbas, Aslan\nS\n15:48\n\nBILAGA 2\nÄrende: 14\nNamn\nParti\n")
    last = parse_text(text).paragraphs[-1]
    assert last.number == 34 and "Antecknas." in last.text and "BILAGA" not in last.text


def test_place_wrapped_over_the_value_column_and_the_adjusters_of_a_cover():
    text = """\
Kommunfullmäktige
Protokoll
2018-03-28

Plats och tid: Alströmerteatern,
Alströmergymnasiet
kl. 18:00-21:30
Beslutande: Linda Espeving (M) (ordförande)
Utses att justera: Leif Hansson (S)
Anita Brodén (L)
Justeringens plats och tid: Rådhuset, Alingsås, 2018-04-09 11:00
Sekreterare: Anci Eyoum
Ordförande: Linda Espeving (M)

§ 27 2018.210 KS
## Avsägelse av kommunalt uppdrag
"""
    doc = parse_text(text)
    assert (doc.place, doc.time, doc.chair) == ("Alströmerteatern, Alströmergymnasiet", "18:00-21:30", "Linda Espeving")
    assert doc.adjusters == ["Leif Hansson", "Anita Brodén"]
