"""Reservations, protocol notes, särskilda yttranden and yrkanden as real protocols write them
(excerpts of ../shared/real copied as strings: Alingsås kommun and Göteborgs Stad), and the same
conventions in other municipalities' wordings. Each act belongs to its own § and its own author,
and so does its text."""

from __future__ import annotations

from knowledge.parse import parse_text
from knowledge.parse.debate import motions, notes, reservation_section, reservations
from knowledge.parse.parties import party_code
from knowledge.parse.people import document_parties
from tests.knowledge._samples import paragraph


def _one(text: str):
    [p] = parse_text(text).paragraphs
    return p


def _who(items) -> list[tuple[str | None, str | None]]:
    return [(x.name, x.party) for x in items]


# Alingsås KF 2026-06-10 § 116 (layout text: bold rows are "## " headings), shortened
ALINGSAS_KF = """Kommunfullmäktige
Beslutande: Linda Espeving (M) (ordförande)
Sebastian Aronsson (S) (vice ordförande)
Anton César (S)
Boris Jernskiegg (-)
Kristina Poulsen (-)
Martin Lindberg (V)
Britt Andersson Näsman (S) ersätter Annette Heineman (-)
Övriga deltagare: Ulrika Månsson (kommunsekreterare)

§ 116 2020.098 KS
Detaljplan för Alingsås, förskola vid Nolhaga allé

## Anförande
Anförande hålls av Anton César (S), Sanna Dabolins (V), Mats Eriksson (MP), Jan-Erik
Wallin (M), Jens Christian Berlin (L), Boris Jernskiegg (-), Adam Jansson (KD), Thomas Thim
(M) och Heidi Hankanen Ängberg (C).

## Förslag till beslut på sammanträdet
Anton César (S), Mats Eriksson (MP), Jan-Erik Wallin (M), Jens Christian Berlin (L), Adam
Jansson (KD) och Thomas Thim (M) föreslår att kommunstyrelsens förslag till beslut bifalls.

## Beslut
Planförslaget antas.

## Anteckning
Sebastian Aronsson (S), Birgit Börjesson (S), Anton César (S), Morgan Fredvi (S), Leif
Hansson (S), Irene Jonsson (S), Pamela Nilsson Ludvigsson (S), Peter Norlander (S), Håkan
Stern (S), Luzaan Eisa (S), Jenny Helgesson (S), Britt Andersson Näsman (S), Oscar Allard
(S) och Alexander Wikhall (S) lämnar följande protokollsanteckning:
Socialdemokraterna konstaterar att det finns behov av nya förskolor i kommunen. Det
handlar inte minst om att ett flertal befintliga förskolor har nått sin tekniska livslängd och
behöver ersättas.
För Socialdemokraterna är det viktigt att utvecklingen av Nolhagaområdet sker
utifrån en långsiktig helhetssyn.

Sanna Dabolins (V), Martin Lindberg (V), Christoffer Salander (V), Maria Stern (V) och
Marcus Wallin (V) lämnar följande protokollsanteckning:
Vänsterpartiet konstaterar att behovet av nya förskolelokaler är stort och att kommunen
behöver skapa goda förutsättningar för framtidens förskoleverksamhet.

Jens Christian Berlin (L), Holger Andersson (L), Anne Gunnevik (L) och Karin Josefsson (L)
lämnar följande protokollsanteckning:
Liberalerna konstaterar att behovet av nya förskolor i centrala Alingsås är stort.

## Expedieras till
Planenheten
"""


def test_a_plain_anteckning_heading_and_group_notes_one_entry_per_person_in_printed_order():
    p = _one(ALINGSAS_KF)
    assert p.decision == ["Planförslaget antas."]  # the notes are no decision clauses
    assert _who(p.protocol_notes) == [
        ("Sebastian Aronsson", "S"), ("Birgit Börjesson", "S"), ("Anton César", "S"), ("Morgan Fredvi", "S"),
        ("Leif Hansson", "S"), ("Irene Jonsson", "S"), ("Pamela Nilsson Ludvigsson", "S"),
        ("Peter Norlander", "S"), ("Håkan Stern", "S"), ("Luzaan Eisa", "S"), ("Jenny Helgesson", "S"),
        ("Britt Andersson Näsman", "S"), ("Oscar Allard", "S"), ("Alexander Wikhall", "S"),
        ("Sanna Dabolins", "V"), ("Martin Lindberg", "V"), ("Christoffer Salander", "V"), ("Maria Stern", "V"),
        ("Marcus Wallin", "V"),
        ("Jens Christian Berlin", "L"), ("Holger Andersson", "L"), ("Anne Gunnevik", "L"), ("Karin Josefsson", "L"),
    ]
    texts = {n.party: n.text for n in p.protocol_notes}
    assert texts["S"].startswith("Socialdemokraterna konstaterar") and texts["S"].endswith("långsiktig helhetssyn.")
    assert texts["V"].startswith("Vänsterpartiet konstaterar") and "Liberalerna" not in texts["V"]
    assert texts["L"] == "Liberalerna konstaterar att behovet av nya förskolor i centrala Alingsås är stort."
    assert {n.kind for n in p.protocol_notes} == {"protokollsanteckning"}


def test_förslag_till_beslut_på_sammanträdet_is_the_meetings_yrkanden():
    p = _one(ALINGSAS_KF)
    assert _who(p.motions) == [("Anton César", "S"), ("Mats Eriksson", "MP"), ("Jan-Erik Wallin", "M"),
                               ("Jens Christian Berlin", "L"), ("Adam Jansson", "KD"), ("Thomas Thim", "M")]
    assert {(m.kind, m.supports) for m in p.motions} == {("bifall", "kommunstyrelsens förslag till beslut")}
    # "Anförande hålls av …" names who spoke, not who proposed
    assert "Heidi Hankanen Ängberg" not in {m.name for m in p.motions}


def test_a_member_without_party_is_kept_with_the_dash_the_document_prints():
    doc = parse_text(ALINGSAS_KF)
    members = {a.name: (a.party, a.role, a.replaces) for a in doc.attendance}
    assert members["Boris Jernskiegg"] == ("-", "ledamot", None)
    assert members["Linda Espeving"] == ("M", "ordförande", None)
    assert members["Britt Andersson Näsman"] == ("S", "tjänstgörande ersättare", "Annette Heineman")
    assert "Ulrika Månsson" not in members  # an official, her title in parentheses
    assert party_code("-") is None  # outside a document that shows it, "-" is no party


# Alingsås KS 2026-06-15 § 114 and § 119
ALINGSAS_KS = """§ 114 2026.301 KS
Initiativärende om utökad parkeringskapacitet vid Nolhaga

## Förslag till beslut på sammanträdet
Jan-Erik Wallin (M) och Lady France Mulumba (KD) föreslår att initiativärendet lämnas till
kommunledningskontoret för beredning.

Anton César (S), Anita Hedén Unosson (S), Peter Norlander (S), Pamela Nilsson Ludvigsson
(S), Anders Julin (S), Irene Jonsson (S), Heidi Hankanen Ängberg (C) och Sanna
Dabolins (V) föreslår att initiativärendet avslås.

## Beslut
Initiativärendet avslås.

## Anteckning
Jan-Erik Wallin (M), Jimmy Lanevik (M), Karin Schagerlind (M), Lady France Mulumba (KD)
och Jens Christian Berlin (L) lämnar följande skriftliga protokollsanteckning:
Det är svårt att förstå invändningarna mot detta initiativärende. För Moderaterna,
Kristdemokraterna och Liberalerna handlar detta om att kombinera långsiktighet med
handlingskraft.

Anton César (S), Anita Hedén Unosson (S), Peter Norlander (S), Pamela Nilsson Ludvigsson
(S), Anders Julin (S) och Irene Jonsson (S) lämnar följande protokollsanteckning:
Socialdemokraterna delar uppfattningen att parkeringssituationen behöver hanteras.
Vi valde ändå att rösta nej till initiativärendet.

§ 119 2026.211 KS
Förtydligande parkering för förtroendevalda

## Förslag till beslut på sammanträdet
Jens Christian Berlin (L) föreslår i första hand avslag och i andra hand en annan tolkning av
reglementet:
Reglemente för ersättningar § 9 tolkas så att om avgiftsbelagd parkeringsplats måste
användas vid resor till och från sammanträde eller motsvarande, ska erlagd avgift ersättas.

## Beslut
Förtydligande kring vad som gäller för parkering för förtroendevalda antas.

## Reservation
Jens Christian Berlin (L) lämnar följande skriftliga reservation:
Förslaget till ”Förtydligande parkering för förtroendevalda” är enligt min mening felaktigt.
Förslaget till beslut borde ha avslagits.

Det är ”kostnader för resor till och från sammanträde eller motsvarande” som
ska ersättas enligt bland annat BIA.
"""


def test_each_group_note_keeps_its_own_text_and_a_party_named_inside_a_text_is_no_author():
    p114, p119 = parse_text(ALINGSAS_KS).paragraphs
    assert [n.party for n in p114.protocol_notes] == ["M", "M", "M", "KD", "L"] + ["S"] * 6
    first, last = p114.protocol_notes[0], p114.protocol_notes[-1]
    assert first.text.startswith("Det är svårt") and first.text.endswith("handlingskraft.")
    assert last.text.startswith("Socialdemokraterna delar") and "Moderaterna" not in last.text
    assert p119.protocol_notes == [] and p114.reservations == []


def test_alingsås_proposals_with_what_they_propose():
    p114, p119 = parse_text(ALINGSAS_KS).paragraphs
    kinds = {(m.name, m.kind, m.text) for m in p114.motions}
    assert ("Jan-Erik Wallin", "övrigt", "att initiativärendet lämnas till kommunledningskontoret för beredning") in kinds
    assert ("Sanna Dabolins", "avslag", "att initiativärendet avslås") in kinds
    [berlin] = p119.motions
    assert berlin.kind == "avslag" and berlin.text.startswith("Reglemente för ersättningar § 9 tolkas")


def test_a_written_reservation_is_the_whole_text_below_its_author_not_a_quote_inside_it():
    [berlin] = parse_text(ALINGSAS_KS).paragraphs[1].reservations
    assert (berlin.name, berlin.party, berlin.in_favour_of) == ("Jens Christian Berlin", "L", None)
    assert berlin.text.startswith("Förslaget till ”Förtydligande parkering för förtroendevalda” är enligt")
    assert berlin.text.endswith("enligt bland annat BIA.")


def test_the_secretarys_det_antecknas_under_an_anteckning_heading_is_no_ones_note():
    # Alingsås KF 2018-03-28 § 53
    p = _one("""§ 53 2018.072 KS
Ansvarsfrihet för 2017

## Beslut
Styrelsen och de övriga nämnderna beviljas ansvarsfrihet för 2017.

## Anteckning

Det antecknas att endast de ledamöter vilka jämlikt 5 kap 20a § kommunallagen är
att anse som berättigade att delta i handläggningen av ärende om ansvarsfrihet
deltar i respektive beslutspunkt om ansvarsfrihet.
""")
    assert p.protocol_notes == []


# Göteborgs Stad, KS 2024-04-10 § 286 and § 309 (text protocols)
GBG_NOTES = """Protokollsanteckningar

Axel Josefson (M), Hampus Magnusson (M), Martin Wannholt (D) och tjänstgörande
ersättaren Nina Miskovsky (M) deltar inte i beslutet med hänvisning till yttrandet från
M, D och KD den 8 april 2024.
Jörgen Fogelklou (SD) deltar inte i beslutet.
Emmyly Bönfors (C) antecknar som yttrande en skrivelse från den 3 april 2024.
Representanterna från M och D antecknar som yttrande en skrivelse från den 8 april 2024.

Protokollsutdrag skickas till
Förvaltningsrätten
"""


def test_who_does_not_take_part_gives_no_note_and_a_party_that_notes_is_a_party_entry():
    found = notes(GBG_NOTES.split("\n", 1)[1], whole_section=True)
    assert _who(found) == [("Emmyly Bönfors", "C"), (None, "M"), (None, "D")]
    assert all(n.text is None for n in found)  # a skrivelse is attached, no text stands here
    p = _one("§ 286 0512/24\nLaglighetsprövning\n\nBeslut\nYttrande avges.\n\n" + GBG_NOTES)
    assert _who(p.protocol_notes) == [("Emmyly Bönfors", "C"), (None, "M"), (None, "D")]
    assert ("Axel Josefson", "M") in _who(p.abstentions) and (None, "KD") not in _who(p.abstentions)


def test_göteborg_party_lines_that_are_not_notes():
    p = _one("""§ 15 1435/22
Genomförandeavtal

Beslut
Enligt kommunstyrelsens förslag:
Genomförandeavtalet godkänns.

Protokollsanteckning

Ledamöterna från D deltar inte i beslutet.

Justering

Protokollet under denna paragraf förklaras omedelbart justerat.
""")
    assert p.protocol_notes == []
    assert _who(p.abstentions) == [(None, "D")]
    jäv = notes("Parisa Rezaeivar (S) deltar inte i handläggningen av ärendet på grund av jäv.", whole_section=True)
    assert jäv == []


def test_göteborg_yrkanden_say_whose_proposal_each_speaker_backs():
    # KF 2023-02-23 § 16 and § 29, KF 2025-06-12 § 335 and KS 2024-04-10 § 286
    found = motions("""Robert Hammarstrand (S) och Petra Elf (MP) yrkar bifall till
kommunstyrelsens förslag.
Jörgen Fogelklou (SD) yrkar att ärendet ska återremitteras till stadsbyggnadsnämnden i
enlighet med yrkandet från SD i kommunstyrelsen.
Axel Josefson (M), Axel Darvik (L) och Jörgen Fogelklou (SD) yrkar bifall till
kommunstyrelsens förslag och tilläggsyrkande från M, D, L och KD i kommunstyrelsen.
Agneta Kjaerbeck (SD) yrkar i första hand bifall till yrkande från SD den 28 maj 2025
och i andra hand bifall till motionen.
Jonas Attenius (S) yrkar bifall till stadsledningskontorets förslag och avslag på yrkande från L
den 5 april 2024.
""", whole_section=True)
    got = [(m.name, m.kind, m.supports) for m in found]
    assert got == [
        ("Robert Hammarstrand", "bifall", "kommunstyrelsens förslag"),
        ("Petra Elf", "bifall", "kommunstyrelsens förslag"),
        ("Jörgen Fogelklou", "återremiss", "yrkandet från SD i kommunstyrelsen"),
        ("Axel Josefson", "bifall", "kommunstyrelsens förslag och tilläggsyrkande från M, D, L och KD i kommunstyrelsen"),
        ("Axel Darvik", "bifall", "kommunstyrelsens förslag och tilläggsyrkande från M, D, L och KD i kommunstyrelsen"),
        ("Agneta Kjaerbeck", "bifall", "yrkande från SD den 28 maj 2025"),
        ("Jonas Attenius", "bifall", "stadsledningskontorets förslag"),
    ]
    assert found[2].text == ("att ärendet ska återremitteras till stadsbyggnadsnämnden i enlighet med yrkandet "
                             "från SD i kommunstyrelsen")


def test_a_decision_taken_på_förslag_av_a_member_is_that_members_yrkande():
    # Göteborg KS 2024-04-10 § 287; the Handlingar listed below it ("Yrkande från SD …") are no yrkanden
    p = _one("""§ 287 0123/24
Motion om trygghet

Beslut
På förslag av Axel Josefson (M):
Ärendet bordläggs till sammanträdet den 24 april 2024.

Handlingar

Stadsledningskontorets tjänsteutlåtande den 15 mars 2024.
Yrkande från SD den 5 april 2024.
""")
    assert [(m.name, m.party, m.kind, m.text) for m in p.motions] == [
        ("Axel Josefson", "M", "bordläggning", "Ärendet bordläggs till sammanträdet den 24 april 2024.")]


def test_the_seed_yrkanden_say_whose_proposal_was_backed():
    p = paragraph("hsn-2024-09-04", 98)
    backs = {m.name: (m.kind, m.supports) for m in p.motions}
    assert backs["Nina Orefjärd"] == ("bifall", "Pia Lundins ändringsyrkande")
    assert backs["Elina Backlund Arab"] == ("bifall", "hälso- och sjukvårdsutskottets förslag")
    assert backs["Pia Lundin"] == ("ändringsyrkande", None)


def test_a_party_level_reservation_after_a_personal_one_does_not_take_its_text():
    found = reservation_section("""Anna Ek (M) reserverar sig mot beslutet till förmån för eget yrkande och
lämnar följande reservation:
”Förslaget saknar finansiering.”
Ledamöterna i (S) reserverar sig mot beslutet.
""")
    assert [(r.name, r.party, r.in_favour_of, r.text) for r in found] == [
        ("Anna Ek", "M", "Anna Eks yrkande", "Förslaget saknar finansiering."),
        (None, "S", None, None),
    ]


def test_reservation_text_announced_by_its_own_sentence_belongs_to_those_before_it():
    # the seed's form, and Göteborg's "det egna yrkandet" said by a party and by two members
    found = reservations("""Ledamöterna från SD reserverar sig mot beslutet till förmån för det egna yrkandet.
Jörgen Fogelklou (SD) och Martin Wannholt (D) reserverar sig mot beslutet till förmån
för det egna yrkandet.""")
    assert [(r.name, r.party, r.in_favour_of) for r in found] == [
        (None, "SD", "SD:s yrkande"),
        ("Jörgen Fogelklou", "SD", "Jörgen Fogelklou och Martin Wannholts yrkande"),
        ("Martin Wannholt", "D", "Jörgen Fogelklou och Martin Wannholts yrkande"),
    ]


def test_other_municipalities_wordings():
    assert _who(reservations("Skriftlig reservation inlämnas av Karin Berg (C) och Olle Ek (C).")) == [
        ("Karin Berg", "C"), ("Olle Ek", "C")]
    assert _who(reservations("Mot beslutet reserverar sig Vänsterpartiet.")) == [(None, "V")]
    # the people after "till förmån för" are whose proposal it was, not reservers
    found = reservations("Lisa Holm (MP) reserverar sig till förmån för Karin Bergs (C) yrkande.")
    assert [(r.name, r.in_favour_of) for r in found] == [("Lisa Holm", "Karin Bergs (C) yrkande")]
    [joined] = motions("Per Olsson (KD) instämmer i Eva Linds yrkande.", whole_section=True)
    assert (joined.name, joined.kind, joined.supports) == ("Per Olsson", "bifall", "Eva Linds yrkande")
    # a reservation section that names its authors without a verb
    found = reservation_section("Anna Ek (M), Per Ek (M):\n”Vi anser att utredningen ska göras om.”")
    assert [(r.name, r.text) for r in found] == [("Anna Ek", "Vi anser att utredningen ska göras om."),
                                                 ("Per Ek", "Vi anser att utredningen ska göras om.")]


def test_särskilt_yttrande_is_kept_apart_from_a_protokollsanteckning():
    p = _one("""§ 12 KS 2025/88
Budget 2026

Beslut
Kommunstyrelsen beslutar att anta budgeten.

Särskilt yttrande
Anna Ek (M) och Per Ek (KD) lämnar följande särskilda yttrande:
Vi stöder budgetens inriktning men inte dess finansiering.

Protokollsanteckning
Lisa Holm (V) lämnar en anteckning till protokollet: ”Vi vill se en bredare analys.”
Olle Ek (S) deltar inte i beslutet.
""")
    got = [(n.name, n.kind, n.text) for n in p.protocol_notes]
    assert got == [
        ("Anna Ek", "särskilt yttrande", "Vi stöder budgetens inriktning men inte dess finansiering."),
        ("Per Ek", "särskilt yttrande", "Vi stöder budgetens inriktning men inte dess finansiering."),
        ("Lisa Holm", "protokollsanteckning", "Vi vill se en bredare analys."),
    ]


# A local party that the document itself shows to be one (another municipality's wording)
LOCAL_PARTY = """Kommunstyrelsen
Beslutande
Anna Ek (S), ordförande
Bo Al (SJP)
Eva Lind (M)

Övriga närvarande
Erik Söderberg (EY, revisionsbyrå)
Lina Berg (KLK)
Mats Ros (KLK)

§ 4 KS 2025/12
Målbild tåg 2035

Ärendebeskrivning
Västra Götalandsregionen (VGR) har beslutat att revidera Målbild tåg 2035.

Beslut
Kommunstyrelsen beslutar att godkänna yttrandet.

Reservation
Bo Al (SJP) reserverar sig mot beslutet.
"""


def test_a_local_party_is_a_party_where_the_document_shows_it_and_an_organisation_is_not():
    assert document_parties(LOCAL_PARTY) == frozenset({"SJP"})  # not VGR, not EY, not the officials' KLK
    doc = parse_text(LOCAL_PARTY)
    assert [(a.name, a.party) for a in doc.attendance] == [("Anna Ek", "S"), ("Bo Al", "SJP"), ("Eva Lind", "M")]
    assert _who(doc.paragraphs[0].reservations) == [("Bo Al", "SJP")]
    assert party_code("SJP") is None  # known only while that document is parsed
    # a code after a member doing what members do is a party too, even standing alone
    assert document_parties("Ordföranden finner bifall.\nKim Lo (KiA) yrkar avslag.") == frozenset({"KiA"})
    assert document_parties("Lina Ekerbäck (Ekonom) §25\nAnna Ek (S)") == frozenset()


def test_only_an_actor_of_the_act_is_its_author():
    # a body's act names no author, even when a member is mentioned after it
    assert notes("Nämnden antecknar att Anna Ek (S) har avsagt sig sitt uppdrag.") == []
    # one sentence, two acts: each is found
    text = "Anna Ek (M) yrkar avslag och reserverar sig mot beslutet."
    assert [(m.name, m.kind) for m in motions(text)] == [("Anna Ek", "avslag")]
    assert _who(reservations(text)) == [("Anna Ek", "M")]
    # "vi deltar inte" inside a note's own text does not end it; a member's line after it does
    [note] = notes("""Eva Lind (V) lämnar följande protokollsanteckning:
Vi deltar inte i beslutet eftersom underlaget kom sent. Vi vill se en ny remiss.
Olle Ek (S) deltar inte i beslutet.
Det här är inte Eva Linds text.""", whole_section=True)
    assert note.text == "Vi deltar inte i beslutet eftersom underlaget kom sent. Vi vill se en ny remiss."


def test_note_and_yrkande_headings_as_alingsås_prints_them():
    from knowledge.parse.headings import match_heading

    assert match_heading("Anteckning").key == "protokollsanteckning"
    assert match_heading("Protokollsanteckningar").key == "protokollsanteckning"
    assert match_heading("Förslag till beslut på sammanträdet").key == "yrkanden"
    assert match_heading("Förslag till beslut").key == "förslag till beslut"  # the förvaltning's, unchanged
    assert match_heading("Det antecknas att …") is None


def test_a_section_without_a_verb_names_its_authors_only_on_a_line_of_names():
    [r] = reservation_section("Ledamöterna från SD:\n”Beslutet saknar underlag.”")
    assert (r.name, r.party, r.text) == (None, "SD", "Beslutet saknar underlag.")
    assert notes("Socialdemokraterna anser att beslutet är fel.", whole_section=True) == []
