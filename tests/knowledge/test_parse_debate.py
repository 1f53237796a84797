"""Yrkanden, omröstning, reservationer, anteckningar, abstentions, beredning, tidigare behandling."""

from datetime import date

from knowledge.parse import parse_text
from tests.knowledge._samples import paragraph

DEBATE = """§ 16 Motion om kollektivtrafik

Förslag till beslut
Kommunstyrelsen föreslår att kommunfullmäktige beslutar att avslå motionen.

Yrkanden
Eva Lind (V) yrkar bifall till motionen.
Anna Svensson (S) yrkar avslag på motionen.
Karin Berg (C) yrkar återremiss.
Per Olsson (M) yrkar på följande tillägg: "att redovisa kostnaderna."

Omröstning
Omröstning begärs och verkställs. Med 8 ja-röster mot 3 nej-röster och 1 som avstår beslutar kommunstyrelsen.

Reservationer
Ledamöterna från Centerpartiet reserverar sig mot beslutet till förmån för Karin Bergs yrkande.
Eva Lind (V) reserverar sig till förmån för eget yrkande.

Särskilt yttrande
Lars Nilsson (SD) lämnar ett särskilt yttrande: "Vi stöder intentionen men inte formen."

Protokollsanteckning
Maja Holm (KD) antecknar till protokollet att underlaget kom sent.

Tidigare behandling
Bordlagd den 25 januari 2024, § 12
"""


def _p():
    return parse_text(DEBATE).paragraphs[0]


def test_reservations_with_party_and_in_favour_of_and_their_text():
    p = paragraph("hsn-2024-09-04", 98)
    assert [(r.name, r.party) for r in p.reservations] == [
        ("Pia Lundin", "SJVP"), ("Ingela Korhonen", "SJVP"), ("Isabelle Tejbo", "SJVP"),
        ("Erica Stenberg", "SD"), ("Jenny Voittonen", "SD"), ("Daniel Ekdahl", "KD"),
    ]
    # "till förmån för eget ändringsyrkande": Pia Lundin's, for her and for those who joined her
    assert {r.in_favour_of for r in p.reservations} == {"Pia Lundins ändringsyrkande"}
    assert p.reservations[0].text.startswith("Eftersom det i handlingsplanen nämns")


def test_party_level_reservation():
    reservations = _p().reservations
    assert (reservations[0].name, reservations[0].party) == (None, "C")
    assert reservations[0].in_favour_of == "Karin Bergs yrkande"
    assert (reservations[1].name, reservations[1].party, reservations[1].in_favour_of) == ("Eva Lind", "V", "Eva Linds yrkande")


def test_protocol_note_and_särskilt_yttrande_are_kept_apart_from_reservations():
    p = paragraph("hsn-2024-09-04", 98)
    assert [(n.name, n.party, n.kind) for n in p.protocol_notes] == [("Nina Orefjärd", "V", "protokollsanteckning")]
    assert p.protocol_notes[0].text.startswith("Uppdraget att ta fram kostnadsreduceringar")
    notes = {(n.name, n.kind): n for n in _p().protocol_notes}
    assert notes[("Lars Nilsson", "särskilt yttrande")].text == "Vi stöder intentionen men inte formen."
    assert ("Maja Holm", "protokollsanteckning") in notes
    assert all(r.name != "Lars Nilsson" for r in _p().reservations)


def test_motions_with_kinds():
    p = paragraph("hsn-2024-09-04", 98)
    assert [(m.name, m.party, m.kind) for m in p.motions] == [
        ("Pia Lundin", "SJVP", "ändringsyrkande"), ("Daniel Ekdahl", "KD", "bifall"),
        ("Jenny Voittonen", "SD", "bifall"), ("Nina Orefjärd", "V", "bifall"), ("Elina Backlund Arab", "S", "bifall"),
    ]
    assert p.motions[0].text.startswith("att ge hälso- och sjukvårdsdirektören")
    assert [(m.name, m.kind) for m in _p().motions] == [
        ("Eva Lind", "bifall"), ("Anna Svensson", "avslag"), ("Karin Berg", "återremiss"),
        ("Per Olsson", "tilläggsyrkande"),
    ]


def test_vote_counts_and_ballots():
    vote = _p().votes[0]
    assert (vote.yes, vote.no, vote.abstain) == (8, 3, 1)
    doc = parse_text(
        "§ 2 Ärende\n\nOmröstning\nAnna Svensson (S)\tJa\nPer Olsson (M)\tNej\nEva Lind (V)\tAvstår\n"
        "Karin Berg (C)\tJa\n"
    )
    vote = doc.paragraphs[0].votes[0]
    assert (vote.yes, vote.no, vote.abstain) == (2, 1, 1)
    assert [(b.name, b.vote) for b in vote.ballots][:3] == [("Anna Svensson", "ja"), ("Per Olsson", "nej"),
                                                             ("Eva Lind", "avstår")]


def test_abstentions_of_this_meeting_not_of_the_preparing_utskott():
    assert [(a.name, a.party) for a in paragraph("hsu-2024-08-28", 66).abstentions] == [
        ("Pia Lundin", "SJVP"), ("Erica Stenberg", "SD")]
    assert paragraph("hsu-2024-08-28", 66).protocol_notes == []
    # hsn § 98's Beredning says the utskott members abstained there, not in the nämnd
    assert paragraph("hsn-2024-09-04", 98).abstentions == []


def test_beredning_resolves_a_misspelt_body():
    prepared = paragraph("hsn-2024-09-04", 98).prepared_by  # "Hälso- och sjukvårsutskottet" in the text
    assert (prepared.body, prepared.date, prepared.paragraph) == ("Hälso- och sjukvårdsutskottet", date(2024, 8, 28), 66)


def test_tidigare_behandling_links_the_earlier_paragraph():
    prior = _p().prior_handlings[0]
    assert (prior.kind, prior.date, prior.paragraph) == ("bordlagd", date(2024, 1, 25), 12)


def test_prior_handling_stated_in_running_text():
    doc = parse_text("§ 9 Motion\n\nÄrendet bordlades den 12 mars 2025, § 40.\n\nBeslut\nNämnden beslutar\n\natt avslå.\n")
    prior = doc.paragraphs[0].prior_handlings
    assert [(h.kind, h.date, h.paragraph) for h in prior] == [("bordlagd", date(2025, 3, 12), 40)]


def test_party_level_reservations_in_many_phrasings():
    from knowledge.parse.debate import reservations

    cases = {
        "Mot beslutet reserverar sig Moderaterna.": ["M"],
        "Sverigedemokraternas ledamöter reserverar sig mot beslutet.": ["SD"],
        "C-gruppen reserverar sig.": ["C"],
        "Ledamöterna från M, KD och L reserverar sig mot beslutet.": ["M", "KD", "L"],
        "(M) och (KD) reserverar sig mot beslutet till förmån för eget förslag.": ["M", "KD"],
    }
    for text, parties in cases.items():
        got = reservations(text)
        assert [(r.name, r.party) for r in got] == [(None, p) for p in parties], text


def test_vote_told_in_the_beslutsgång():
    doc = parse_text(
        "§ 3 Budget\n\nBeslut\nNämnden beslutar\n\natt anta budgeten.\n\nBeslutsgång\n"
        "Omröstning begärs. Nämnden beslutar med 7 röster mot 4 att anta förslaget.\n"
    )
    vote = doc.paragraphs[0].votes[0]
    assert (vote.yes, vote.no) == (7, 4)
    assert parse_text("§ 4 Info\n\nNämnden beslutar att lägga informationen till handlingarna.\n").paragraphs[0].votes == []


def test_grouped_ballots():
    doc = parse_text(
        "§ 5 Budget\n\nOmröstning\nJa: Anna Svensson (S), Eva Lind (V)\nNej: Per Olsson (M)\n"
        "Karin Berg (C) avstår.\n"
    )
    vote = doc.paragraphs[0].votes[0]
    assert [(b.name, b.vote) for b in vote.ballots] == [("Anna Svensson", "ja"), ("Eva Lind", "ja"), ("Per Olsson", "nej")]
    assert (vote.yes, vote.no) == (2, 1)
