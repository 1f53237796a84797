"""Parse health (`knowledge.parse.health`, pages from `knowledge.parse.pages`): real excerpts
come out clean, a broken layout is flagged where it broke, and what is flagged says why.

Excerpts are copied from ../shared/real (Alingsås tekniska nämnden 2026-05-18 as laid out from
its PDF, Göteborg KS 2024-04-10 and KF 2023-02-23 as text); the broken layouts are variants
written here for conventions those files do not show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from knowledge.clean import clean_text
from knowledge.parse import parse_text
from knowledge.parse.document import _NOT_THIS_MEETING
from knowledge.parse.health import assess, summary, verdict
from knowledge.parse.pages import header_places
from knowledge.parse.paragraphs import split_paragraphs
from tests.knowledge.health_docs import FLAGGED, protocol

# --- Alingsås, tekniska nämnden 2026-05-18: cover, contents, one § a page (trimmed) ---------

TEN_FURNITURE = ["Tekniska nämnden", "Protokoll", "2026-05-18", "Utdragsbestyrkande", "Paragrafen är justerad"]
TEN_COVER = """Plats och tid: Skräddaren
kl. 14:00-16:15
Paragrafer: §§25-31
Beslutande: Lars-Ivan Gustafsson (S) (vice ordförande)
Morgan Fredvi (S)
Britt Berggren (M)
Utses att justera: Britt Berggren (M)
Sekreterare: Peter Porss
Ordförande: Lars-Ivan Gustafsson (S)
Justerande: Britt Berggren (M)

Protokollet är justerat. Justeringen har tillkännagivits på Alingsås kommuns digitala anslagstavla."""
TEN_TOC = """§ 25\tInformation och föredragningar
§ 26\tEkonomiuppföljning
§ 27\tTekniska nämndens delegationsordning
§ 28\tRevidering felparkeringsavgifter
§ 29\tCykelplan
§ 30\tDelegerade beslut 2026
§ 31\tMeddelanden 2026"""
TEN_PARAGRAPHS = [
    """§ 25

## Information och föredragningar

Information från förvaltningen

Föredragningar
§ 25 Ekonomiuppföljning
§ 27 Tekniska nämndens delegationsordning""",
    """§ 26 2026.072 TEN

## Ekonomiuppföljning

## Ärendebeskrivning
Enligt styrmodellen ska nämndens ekonomi följas upp löpande under året.

## Beslut
Fördjupad månadsuppföljning godkänns.

## Expedieras till
KS""",
    """§ 27 2025.275 TEN

## Tekniska nämndens delegationsordning

## Ärendebeskrivning
Nämnden får enligt kommunallagen delegera delar av sin beslutskompetens till presidiet, ett
utskott, en ledamot eller ersättare.

## Beslut
Reviderad delegationsordning för tekniska nämnden godkänns och träder i kraft den 1 juni
2026.""",
    """§ 28 2026.067 TEN

## Revidering felparkeringsavgifter

## Ärendebeskrivning
Dokumentet Felparkeringsavgifter i Alingsås kommun innehåller slag av överträdelser som
styrs av Transportstyrelsens föreskrifter om parkeringsanmärkningar och felparkeringsavgift.

## Beslut
Förvaltningens förslag godkänns""",
    """§ 29 2026.008 TEN

## Cykelplan

## Ärendebeskrivning
Cykelplanen för Alingsås kommun har tagits fram på uppdrag av tekniska nämnden.

## Beslut
Cykelplan för Alingsås kommun antas.""",
    """§ 30 2026.001 TEN

## Delegerade beslut 2026

## Ärendebeskrivning
Genom sammanställning anmäls följande beslut fattade med stöd i nämndens
delegationsordning.

## Beslut
Tekniska nämnden tar del av redovisningen och lägger den till handlingarna.""",
    """§ 31 2026.002 TEN

## Meddelanden 2026

## Ärendebeskrivning
§ 67 2026.142 KS Revidering av riktlinjer av missförhållanden av allmänt intresse i Alingsås
kommun

## Beslutsunderlag
• Återrapportering av inkomna skrivelser""",
]


def ten(paragraphs: list[str] = TEN_PARAGRAPHS, cover: str = TEN_COVER):
    return parse_text("\f".join([cover, TEN_TOC, *paragraphs]), TEN_FURNITURE)


def doubts_of(doc) -> dict[int, list[str]]:
    return {p.number: p.doubts for p in doc.paragraphs if p.doubts}


def test_a_real_layout_comes_out_clean_with_the_page_of_each_heading():
    doc = ten()
    h = doc.health
    assert (h.paragraphs_found, h.paragraphs_announced) == (7, 7)
    assert h.missing == h.unexpected == h.long_paragraphs == h.unread == h.missing_cover == []
    assert not h.doubtful and doubts_of(doc) == {}
    # cover on page 1, contents on page 2 (its lines are not the headings), one § a page
    assert [(p.number, p.page) for p in doc.paragraphs] == [(n, n - 22) for n in range(25, 32)]
    assert verdict(h) == "ok (7 av 7 aviserade paragrafer)"


def test_a_heading_that_lost_its_mark_is_missing_and_the_paragraph_before_it_in_doubt():
    # the "§" of § 28 not extracted: its text runs on in § 27
    broken = [p.replace("§ 28 2026.067 TEN", "28 2026.067 TEN") for p in TEN_PARAGRAPHS]
    doc = ten(broken)
    h = doc.health
    assert h.missing == [28] and h.doubtful
    assert list(doubts_of(doc)) == [27]
    assert "§ 28 saknas" in doubts_of(doc)[27][0]
    assert verdict(h).startswith("OSÄKER TOLKNING (6 av 7 aviserade paragrafer)")
    assert "saknade paragrafer (aviserade): § 28" in summary(h)


def test_a_cover_without_date_makes_the_document_doubtful():
    cover = TEN_COVER.replace("kl. 14:00-16:15\n", "")
    doc = parse_text("\f".join([cover, TEN_TOC, *TEN_PARAGRAPHS]), ["Tekniska nämnden", "Protokoll"])
    assert doc.meeting_date is None
    assert "date" in doc.health.missing_cover and doc.health.doubtful
    assert "hittades inte på försättsbladet: datum" in summary(doc.health)


# --- a § that swallowed three others ------------------------------------------------------


def _seed_paragraph(number: int, title: str, mark: str = "§ {n}") -> str:
    return (
        f"{mark.format(n=number)} {title}\n\nDiarienummer: 24HSN{100 + number}\n\nBeslut:\n\n"
        "Hälso- och sjukvårdsnämnden beslutar\n\n"
        f"att godkänna redovisningen av {title.lower()} och lägga den till handlingarna.\n\n"
        "Ärendebeskrivning\nFörvaltningen har sammanställt underlaget inför nämndens sammanträde.\n"
    )


TITLES = ["Val av justerare", "Fastställande av föredragningslista", "Månadsuppföljning juli",
          "Tandvårdstaxa", "Ambulansstationer", "Primärvårdens tillgänglighet", "Läkemedelskostnader",
          "Digitala vårdmöten", "Ersättning till vårdcentraler", "Remisser", "Delgivningar"]
HSN_COVER = "Region Västernorrland\nHälso- och sjukvårdsnämnden\nSammanträdesdatum: 2024-09-04\n\n"


def _swallowing(swallowed: range) -> str:
    """§ 1–11, those in ``swallowed`` with a heading the splitter does not know ("4 §")."""
    parts = [_seed_paragraph(n, TITLES[n - 1], "{n} §" if n in swallowed else "§ {n}") for n in range(1, 12)]
    return HSN_COVER + "\n".join(parts) + "\nJusterandes signatur\n\nElina Backlund Arab\nOrdförande\n"


def test_the_last_paragraph_swallowing_three_is_flagged_by_length_and_its_repeated_headings():
    doc = parse_text(_swallowing(range(9, 12)))
    assert [p.number for p in doc.paragraphs] == list(range(1, 9))
    h = doc.health
    assert h.missing == [] and h.long_paragraphs == [8]  # nothing announced and no gap: only the length tells
    [reason] = doubts_of(doc)[8]
    assert "ovanligt lång" in reason and "Beslut står 4 gånger" in reason
    assert verdict(h).startswith("osäker i § 8 (8 paragrafer)")


def test_a_paragraph_swallowing_three_inside_the_run_leaves_a_gap():
    doc = parse_text(_swallowing(range(4, 7)))
    h = doc.health
    assert h.missing == [4, 5, 6] and h.paragraphs_announced is None and h.doubtful
    assert h.long_paragraphs == [3]
    assert any("§ 4–6 saknas" in d for d in doubts_of(doc)[3])
    assert "saknade paragrafer (luckor i numreringen): § 4–6" in summary(h)


def test_paragraphs_of_natural_lengths_are_not_flagged():
    doc = parse_text(_swallowing(range(0)))
    assert doc.health.long_paragraphs == [] and doubts_of(doc) == {}


# --- passages not turned into data --------------------------------------------------------

GBG_HEAD = "Göteborgs Stad Kommunstyrelsen protokoll\n\nKommunstyrelsen\n\nProtokoll nr 11\nSammanträdesdatum: 2024-04-10\n\n"
GBG_286 = """§ 286 Ärendenummer SLK-2024-00067

Laglighetsprövning i mål 2557-24, överklagande av
kommunstyrelsens beslut den 6 mars 2024 om val av ombud
till årsstämma i Göteborgs Stadshus AB
Beslut

Enligt stadsledningskontorets förslag:
Som yttrande i mål nr 2557-24, laglighetsprövning enligt kommunallagen, översänds
bilaga 3 till stadsledningskontorets tjänsteutlåtande till förvaltningsrätten.

Yrkanden

Axel Darvik (L) yrkar bifall till yrkande från L den 5 april 2024.
Ordföranden Jonas Attenius (S) yrkar bifall till stadsledningskontorets förslag och avslag
på yrkande från L den 5 april 2024.

Propositionsordning

Ordföranden Jonas Attenius (S) ställer propositioner på yrkandena och finner att det egna
yrkandet bifallits. Omröstning begärs.

Omröstning

Godkänd voteringsproposition: "Ja för bifall till Jonas Attenius yrkande och Nej för bifall
till Axel Darviks yrkande."
Daniel Bernmar (V), Viktoria Tryggvadottir Rolka (S), Ingrid Andreae (S), Marina
Johansson (S), Karin Pleijel (MP), tjänstgörande ersättaren Marie Brynolfsson (V) och
ordföranden Jonas Attenius (S) röstar Ja (7).
Axel Darvik (L) röstar Nej (1).

Protokollsanteckningar

Jörgen Fogelklou (SD) deltar inte i beslutet.
Emmyly Bönfors (C) antecknar som yttrande en skrivelse från den 3 april 2024.

Protokollsutdrag skickas till
Förvaltningsrätten
"""
KF_15 = """§ 15 1435/22
Genomförandeavtal avseende detaljplan för bostäder,
verksamheter och uppgångar för Västlänken norr om
Nordstan
Beslut

Enligt kommunstyrelsens förslag:
Genomförandeavtalet mellan Göteborgs Stad och Trafikverket godkänns.

Protokollsanteckning

Ledamöterna från D deltar inte i beslutet.

Justering

Protokollet under denna paragraf förklaras omedelbart justerat.
"""


def _reassess(doc, text: str, **cleared):
    """The health of ``doc`` as if the parser had not read ``cleared`` (votes=[], …)."""
    split = split_paragraphs(clean_text(text).split("\n"))
    changed = doc.model_copy(deep=True)
    for p in changed.paragraphs:
        for key, value in cleared.items():
            setattr(p, key, value)
    return assess(changed, split, _NOT_THIS_MEETING)


def test_votes_and_notes_read_leave_a_real_paragraph_clean_and_would_be_missed_if_unread():
    text = GBG_HEAD + GBG_286
    doc = parse_text(text)
    [p] = doc.paragraphs
    assert p.votes and p.protocol_notes  # read by the parser: nothing to flag
    assert doc.health.unread == [] and p.doubts == []
    missed = _reassess(doc, text, votes=[], protocol_notes=[])
    kinds = {u.kind: u.text for u in missed.health.unread}
    assert set(kinds) == {"vote", "note"}
    assert "Omröstning begärs" in kinds["vote"]
    assert kinds["note"].startswith("Emmyly Bönfors (C) antecknar som yttrande")
    assert missed.doubts[286] == [
        "texten nämner en omröstning, men inget röstresultat kunde läsas ut",
        "texten nämner en protokollsanteckning eller ett särskilt yttrande, men ingen kunde läsas ut",
    ]


def test_who_did_not_take_part_under_a_note_heading_is_no_unread_note():
    # GOLD-RULES: "X deltar inte i beslutet" is not a protocol note, even under that heading
    text = GBG_HEAD.replace("Kommunstyrelsen", "Kommunfullmäktige") + KF_15
    doc = parse_text(text)
    missed = _reassess(doc, text, protocol_notes=[])
    assert [u for u in missed.health.unread if u.kind == "note"] == []


def test_a_reservation_without_a_name_is_flagged_with_its_passage():
    doc = parse_text(FLAGGED)
    p22 = next(p for p in doc.paragraphs if p.number == 22)
    assert p22.reservations == []
    assert [(u.paragraph, u.kind, u.text) for u in doc.health.unread if u.kind == "reservation"] == [
        (22, "reservation", "Mot beslutet reserverar sig.")
    ]
    assert p22.doubts == ["texten säger att någon reserverade sig, men ingen reservation kunde läsas ut"]
    # § 23 and § 24 name who reserved: read, not flagged for it
    assert all("reserverade" not in d for p in doc.paragraphs if p.number != 22 for d in p.doubts)


@pytest.mark.parametrize("line", ["Ingen reserverade sig mot beslutet.", "Inga reservationer anmäldes.",
                                  "Reservation\nIngen."])
def test_a_reservation_said_not_to_have_been_made_is_not_unread(line):
    text = protocol("Tekniska nämnden", "2024-05-13", [
        f"§ 5 Taxa för felparkering\n\nBeslut\nTekniska nämnden beslutar\natt anta taxan.\n\n{line}\n"
    ])
    assert parse_text(text).health.unread == []


def test_a_reservation_quoted_from_the_preparing_body_is_not_this_meetings():
    text = protocol("Tekniska nämnden", "2024-05-13", [
        "§ 5 Taxa för felparkering\n\nBeredning\nI arbetsutskottet reserverade sig Bo Ek (M) mot förslaget.\n\n"
        "Beslut\nTekniska nämnden beslutar\natt anta taxan.\n"
    ])
    assert parse_text(text).health.unread == []


# --- dnr at the heading -------------------------------------------------------------------


def test_a_second_dnr_on_the_heading_line_is_unread():
    text = protocol("Kommunstyrelsen", "2024-05-13", [
        "§ 12 KS 2024/12, KS 2024/13 Gemensam remiss om vatten och avlopp\n\n"
        "Beslut\nKommunstyrelsen beslutar\natt anta remissvaret.\n"
    ])
    doc = parse_text(text)
    [p] = doc.paragraphs
    assert p.dnr == "KS 2024/12"
    assert [(u.kind, u.text) for u in doc.health.unread] == [("dnr", "KS 2024/13")]
    assert p.doubts == ["diarienumret KS 2024/13 vid rubriken lästes inte som paragrafens"]


def test_a_dnr_under_the_heading_is_read_or_flagged_never_lost_silently():
    # "Dnr TN 2024/31" at the top of every page: cleaning may take it for a running header
    pages = [f"§ {n} Ärende nummer {n}\nDnr TN 2024/{30 + n}\n\nBeslut\nTekniska nämnden beslutar\n"
             f"att godkänna ärende {n}.\n" for n in range(1, 5)]
    doc = parse_text(protocol("Tekniska nämnden", "2024-05-13", pages))
    unread = {u.paragraph: u.text for u in doc.health.unread if u.kind == "dnr"}
    for p in doc.paragraphs:
        expected = f"TN 2024/{30 + p.number}"
        assert p.dnr == expected or unread.get(p.number) == expected


def test_a_dnr_read_from_the_label_line_is_not_flagged():
    doc = parse_text(protocol("Tekniska nämnden", "2024-05-13", [
        "§ 5 Taxa för felparkering\n\nDiarienummer: TN 2024/40\n\nBeslut\nTekniska nämnden beslutar\natt anta taxan.\n"
    ]))
    assert doc.paragraphs[0].dnr == "TN 2024/40" and doc.health.unread == []


# --- pages --------------------------------------------------------------------------------


def test_pages_skip_a_contents_page_whose_lines_equal_the_headings():
    raw = ("Innehåll\n§ 1 Val av justerare\n§ 2 Budget 2025\n\f"
           "§ 1 Val av justerare\n\nBeslut\natt utse Bo Ek att justera.\n\f\f"
           "§ 2 Budget 2025\n\nBeslut\natt anta budgeten.\n")
    split = split_paragraphs(clean_text(raw).split("\n"))
    places = header_places(raw, split.paragraphs)
    assert {n: place.page for n, place in places.items()} == {1: 2, 2: 4}


def test_the_page_cited_is_the_printed_one_when_the_pages_say_so():
    # Göteborg KF 2023-02-23 as text: its first two pages are not in the file, so the page that
    # is the 2nd here prints "4 (73)"
    head = "Göteborgs Stad Kommunfullmäktige, protokoll\n\n{n} (73)\n\nKommunfullmäktige\n\nProtokoll (nr 2)\n" \
           "Sammanträdesdatum: 2023-02-23\n\n"
    raw = "\f".join([
        head.format(n=3) + "§1\nParentation\nKommunfullmäktiges tidigare ledamot Birger Hassel (S) har avlidit.\n",
        head.format(n=4) + "§2\nBestämmande av tid för nästa sammanträde\nBeslut\n\nNästa sammanträde hålls den 23 mars.\n",
        head.format(n=5) + "Fortsättning av föregående paragraf.\n",
        head.format(n=6) + "§ 3 1435/22\nGenomförandeavtal för Västlänken\nBeslut\n\nAvtalet godkänns.\n",
    ])
    doc = parse_text(raw)
    assert [(p.number, p.page) for p in doc.paragraphs] == [(1, 3), (2, 4), (3, 6)]


def test_text_without_page_breaks_has_no_page():
    doc = parse_text(FLAGGED.replace("\f", "\n\n"))
    assert [p.page for p in doc.paragraphs] == [None, None, None]
    assert [p.page for p in parse_text(FLAGGED).paragraphs] == [2, 3, 4]


def test_the_health_is_in_the_export():
    exported = parse_text(FLAGGED).export()
    assert exported["health"]["unread"][0] == {"paragraph": 22, "kind": "reservation",
                                               "text": "Mot beslutet reserverar sig."}
    assert [(p["number"], p["page"], bool(p["doubts"])) for p in exported["paragraphs"]] == [
        (22, 2, True), (23, 3, False), (24, 4, True)
    ]


# --- the real documents -------------------------------------------------------------------

REAL = Path("/work/shared/real/docs")
SEEDS = Path("/work/shared/seeds")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is not here")


@needs_real
@pytest.mark.parametrize("path", sorted([*REAL.glob("*"), *SEEDS.glob("*")]) if REAL.is_dir() else [],
                         ids=lambda p: p.name)
def test_real_documents_announce_what_is_found_and_pages_rise(path):
    from knowledge.pipeline import parse_file

    doc = parse_file(path)
    h = doc.health
    assert h.paragraphs_found == len(doc.paragraphs)
    if h.paragraphs_announced is not None:
        assert h.missing == h.unexpected == []
    if path.suffix == ".pdf" and doc.paragraphs:
        pages = [p.page for p in doc.paragraphs]
        assert None not in pages and pages == sorted(pages)
    # an appendix read as the last §'s text is flagged (Göteborg KF: "BILAGA 1", the
    # attendance and the named votes, after the last §)
    for p in doc.paragraphs:
        if re.search(r"(?m)^BILAGA 1$", p.text):
            assert p.number in h.long_paragraphs
    json.dumps(doc.export())  # the health exports
