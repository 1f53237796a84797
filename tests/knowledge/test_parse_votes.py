"""Omröstningar: counts, named ballots, what "ja" meant, lists standing apart, doubts.

The excerpts are copied from ../shared/real (Göteborg's text protocols, the layout step's text
of Alingsås KS 2026-06-15); the variants are other municipalities' ways of writing the same.
"""

import json
from pathlib import Path

import pytest

from knowledge.parse import parse_text
from knowledge.parse.votes import votes


def _votes(text: str, number: int):
    return next(p for p in parse_text(text).paragraphs if p.number == number).votes


def _counts(vote) -> tuple:
    return vote.yes, vote.no, vote.abstain


# ------------------------------------------------------------------ Göteborg KS: roll calls

KS_307 = """Kommunstyrelsen
Protokoll nr 11
Sammanträdesdatum: 2024-04-10

§ 307 Ärendenummer SLK-2023-00808
Redovisning av uppdrag att i samverkan med akademin utföra en extern utvärdering

Beslut

Enligt stadsledningskontorets förslag:
1. Redovisningen antecknas och förklaras fullgjord.

Yrkanden

Tjänstgörande ersättaren Marie Brynolfsson (V) och Axel Josefson (M) yrkar bifall till
stadsledningskontorets förslag och avslag på övriga yrkanden.

Propositionsordning

Ordföranden ställer härefter propositioner på bifall respektive avslag på tilläggsyrkandet
från SD och D och finner att det avslagits. Omröstning begärs.

Kommunstyrelsen

Omröstning

Protokoll nr 11
Sammanträdesdatum: 2024-04-10

Godkänd voteringsproposition: "Ja för avslag och Nej för bifall till tilläggsyrkandet från
SD och D."
Axel Josefson (M), Daniel Bernmar (V), Hampus Magnusson (M), Viktoria
Tryggvadottir Rolka (S), Ingrid Andreae (S), Axel Darvik (L), Marina Johansson (S),
Karin Pleijel (MP), tjänstgörande ersättarna Marie Brynolfsson (V) och Nina Miskovsky
(M) samt ordföranden Jonas Attenius (S) röstar Ja (11).
Martin Wannholt (D) och Jörgen Fogelklou (SD) röstar Nej (2).

Propositionsordning

Ordföranden ställer därefter propositioner på bifall respektive avslag på tilläggsyrkandet
från D och SD och finner att det avslagits. Omröstning begärs.

Omröstning

Godkänd voteringsproposition: "Ja för avslag och Nej för bifall till tilläggsyrkandet från
D och SD."
Axel Josefson (M), Daniel Bernmar (V), Hampus Magnusson (M), Viktoria
Tryggvadottir Rolka (S), Ingrid Andreae (S), Axel Darvik (L), Marina Johansson (S),
Karin Pleijel (MP), tjänstgörande ersättarna Marie Brynolfsson (V) och Nina Miskovsky
(M) samt ordföranden Jonas Attenius (S) röstar Ja (11).
Martin Wannholt (D) och Jörgen Fogelklou (SD) röstar Nej (2).

Protokollsanteckning

Representanterna från V, S och MP antecknar som yttrande en skrivelse från
den 29 februari 2024.

Reservation

Jörgen Fogelklou (SD) och Martin Wannholt (D) reserverar sig mot beslutet till förmån
för det egna yrkandet.
"""


def test_two_votes_in_one_paragraph_stay_two_with_their_roll_calls():
    first, second = _votes(KS_307, 307)
    assert _counts(first) == _counts(second) == (11, 2, 0)
    assert len(first.ballots) == len(second.ballots) == 13
    # names wrapped over lines, roles ("tjänstgörande ersättarna", "ordföranden") left out
    assert [(b.name, b.party, b.vote) for b in first.ballots][3:4] == [("Viktoria Tryggvadottir Rolka", "S", "ja")]
    assert [b.name for b in first.ballots][9:11] == ["Nina Miskovsky", "Jonas Attenius"]
    assert [(b.name, b.party, b.vote) for b in first.ballots][-2:] == [("Martin Wannholt", "D", "nej"),
                                                                       ("Jörgen Fogelklou", "SD", "nej")]
    assert first.yes_means == "avslag på tilläggsyrkandet från SD och D"
    assert first.no_means == "bifall till tilläggsyrkandet från SD och D"
    assert second.yes_means == "avslag på tilläggsyrkandet från D och SD"
    assert first.doubts == second.doubts == []


KS_286 = """§ 286 Ärendenummer SLK-2024-00204
Laglighetsprövning i mål 2557-24

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
Axel Josefson (M), Hampus Magnusson (M), Martin Wannholt (D), Jörgen Fogelklou (SD)
och tjänstgörande ersättaren Nina Miskovsky (M) avstår från att rösta (5).

Protokollsanteckningar

Jörgen Fogelklou (SD) deltar inte i beslutet.
"""


def test_roll_call_with_abstentions():
    (vote,) = _votes(KS_286, 286)
    assert _counts(vote) == (7, 1, 5)
    assert [b.name for b in vote.ballots if b.vote == "avstår"] == [
        "Axel Josefson", "Hampus Magnusson", "Martin Wannholt", "Jörgen Fogelklou", "Nina Miskovsky"]
    assert (vote.yes_means, vote.no_means) == ("bifall till Jonas Attenius yrkande", "bifall till Axel Darviks yrkande")


def test_a_roll_call_count_the_names_do_not_bear_out_is_a_doubt():
    short = KS_286.replace("Axel Darvik (L) röstar Nej (1).", "Axel Darvik (L) röstar Nej (2).")
    (vote,) = _votes(short, 286)
    assert _counts(vote) == (7, 2, 5)  # as printed
    assert vote.doubts == ["Siffrorna i uppropet (7 ja, 2 nej, 5 avstår) stämmer inte med namnen i listan "
                           "(7 ja, 1 nej, 5 avstår)."]


# ------------------------------------------------------- Göteborg KF: counts and bilagor

KF_2023 = """Kommunfullmäktige
Protokoll (nr 2)
Sammanträdesdatum: 2023-02-23

§ 14 1380/22
Genomförandeavtal avseende detaljplan för bostäder

Beslut

Enligt kommunstyrelsens förslag:
Genomförandeavtal, i enlighet med
bilaga 2 till stadsledningskontorets tjänsteutlåtande, godkänns.

Propositionsordning

Ordföranden ställer propositioner på bifall respektive avslag på tilläggsyrkandet
från SD i kommunstyrelsen och finner att det har avslagits. Omröstning begärs.

Omröstning

Godkänd voteringsproposition: ”Ja för avslag och Nej för bifall till tilläggsyrkandet från
SD i kommunstyrelsen.”
Omröstningen utfaller med 4 Ja mot 1 Nej. 1 ledamöter avstår från att rösta. Hur var och
en röstar framgår av bilaga 2.

§ 15 1381/22
Förteckning över anmälningsärenden

Beslut

Antecknas.

BILAGA 1
Plats

Ledamot

Ersättare

Parti

Ankom

Utgick

1

Akbas, Aslan

S

15:48

20:47

BILAGA 2

Ärende: 15
Ärendemening: Genomförandeavtal avseende detaljplan för bostäder,
verksamheter och uppgångar för Västlänken norr om Nordstan
Antal Ja: 4

Antal Nej: 1

Antal Avstår: 1

Antal Frånv: 1

Namn

Parti

Plats

Funktion

Resultat

Aslan Akbas

S

1

Ordförande

Ja

Ann-Christine Andersson

S

25

Ledamot

Ja

Robert Andersson Hammarstrand S

22

Ledamot

Ja

Göteborgs Stad Kommunfullmäktige, protokoll

47 (73)

Kommunfullmäktige

Protokoll (nr 2)
Sammanträdesdatum: 2023-02-23
Sanda Anton Henriksson

SD

72

Ersättare

Nej

Hans Arby

C

48

Ledamot

Ja

Martin Wannholt

D

36

Ledamot

Avstår

Mats Arnsmar

S

20

Ledamot

Frånvarande
"""


def test_the_appendix_a_vote_cites_gives_its_names_not_the_agenda_item_it_names():
    doc = parse_text(KF_2023)
    (vote,) = next(p for p in doc.paragraphs if p.number == 14).votes
    assert _counts(vote) == (4, 1, 1)
    assert [(b.name, b.party, b.vote) for b in vote.ballots] == [
        ("Aslan Akbas", "S", "ja"), ("Ann-Christine Andersson", "S", "ja"),
        ("Robert Andersson Hammarstrand", "S", "ja"), ("Sanda Anton Henriksson", "SD", "nej"),
        ("Hans Arby", "C", "ja"), ("Martin Wannholt", "D", "avstår")]  # the absent Mats Arnsmar cast none
    assert vote.yes_means == "avslag på tilläggsyrkandet från SD i kommunstyrelsen"
    assert vote.doubts == []
    # "Ärende: 15" in the bilaga is the agenda item; § 15, where the bilagor stand, voted on nothing
    assert next(p for p in doc.paragraphs if p.number == 15).votes == []


def test_the_list_in_the_merged_cell_layout():
    """BILAGA 4 of KF 2023: only "Namn" and "Parti" as headers, the place and function in one cell."""
    merged = KF_2023.replace("Plats\n\nFunktion\n\nResultat\n\n", "").replace("\n\n1\n\nOrdförande\n", "\n\n1 Ordförande\n")
    merged = merged.replace("\n\n25\n\nLedamot\n", "\n\n25 Ledamot\n")
    (vote,) = next(p for p in parse_text(merged).paragraphs if p.number == 14).votes
    assert [b.name for b in vote.ballots][:3] == ["Aslan Akbas", "Ann-Christine Andersson", "Robert Andersson Hammarstrand"]
    assert _counts(vote) == (4, 1, 1)


def test_counts_that_disagree_with_the_list_are_kept_and_doubted():
    wrong = KF_2023.replace("utfaller med 4 Ja mot 1 Nej", "utfaller med 5 Ja mot 1 Nej")
    (vote,) = _votes(wrong, 14)
    assert _counts(vote) == (5, 1, 1)
    assert vote.doubts == ["Räkningen i texten (5 ja, 1 nej, 1 avstår) stämmer inte med namnen i listan "
                           "(4 ja, 1 nej, 1 avstår)."]


def test_a_cited_appendix_that_is_missing_is_said():
    cut = KF_2023[: KF_2023.index("BILAGA 2")]
    (vote,) = _votes(cut, 14)
    assert _counts(vote) == (4, 1, 1) and vote.ballots == []
    assert vote.doubts == ["Namnlistan i bilaga 2 finns inte i dokumentet."]


KF_2025 = """§ 332 Ärendenummer SLK-2024-00074
Motion av Axel Darvik (L) och Eva Flyborg (L) om att skydda barn

Propositionsordning

Ordföranden ställer propositioner på yrkandena och finner att kommunstyrelsens förslag
har bifallits. Omröstning begärs.
Ordföranden antecknar kommunstyrelsens förslag som Ja-proposition i huvudvoteringen.
Återstående yrkanden ställs under proposition. Ordföranden finner att yrkandet från
Axel Darvik m.fl. antagits som motförslag i huvudvoteringen.

Huvudvotering

Godkänd voteringsproposition: "Ja för bifall till kommunstyrelsens förslag. Nej för bifall
till yrkandet från Axel Darvik m.fl."
Omröstningen utfaller med 43 Ja mot 38 Nej. Hur var och en röstar framgår av bilaga 2.

Reservation

Ledamöterna från SD reserverar sig mot beslutet till förmån för det egna yrkandet.
"""


def test_the_new_format_main_vote():
    (vote,) = _votes(KF_2025, 332)
    assert _counts(vote) == (43, 38, 0)
    assert vote.yes_means == "bifall till kommunstyrelsens förslag"
    assert vote.no_means == "bifall till yrkandet från Axel Darvik m.fl."


# --------------------------------------------- Alingsås KS: a Voteringslista after the §

ALINGSAS_114 = """§ 114 2026.288 KS

## Initiativärende till kommunstyrelsen gällande utredning av utökad parkeringskapacitet vid Nolhaga

## Beslutsgång
Ordföranden ställer förslagen mot varandra och finner att kommunstyrelsen beslutar att
bifalla Jan-Erik Wallins med fleras förslag till beslut.

## Omröstning
Omröstning begärs.

Följande beslutsgång godkänns:
Ja-röst för bifall till Jan-Erik Wallins med fleras förslag att lämna initiativärendet till
kommunledningskontoret för beredning.
Nej-röst för bifall till Anton Césars med fleras förslag att avslå initiativärendet.

## Omröstningsresultat
Med 7 ja-röster och 8 nej-röster finner ordföranden att kommunstyrelsen beslutar enligt
Anton Césars med fleras förslag att avslå initiativärendet.

Omröstningsresultatet finns i slutet av paragrafen.

## Beslut
Initiativärendet avslås.

## Beslutsunderlag
• § 110 KS - Initiativärende till kommunstyrelsen
Voteringslista

## Voteringslista: §114
Ärende: Initiativärende till kommunstyrelsen gällande utredning av utökad parkeringskapacitet vid
Nolhaga - Jan-Erik Wallin (M) med flera, 2026.288 KS

Voteringslist(or)
Omröstning gällande initiativärende till kommunstyrelsen utökad parkeringskapacitet vid Nolhaga

| Ledamot | Ja | Nej | Avstår |
|---|---|---|---|
| Jan-Erik Wallin (M), ordförande | X |  |  |
| Anton César (S), vice ordförande |  | X |  |
| Anita Hedén Unosson (S), ledamot |  | X |  |
| Peter Norlander (S), ledamot |  | X |  |
| Pamela Nilsson Ludvigsson (S), ledamot |  | X |  |
| Anders Julin (S), ledamot |  | X |  |
| Karin Schagerlind (M), ledamot | X |  |  |
| Gunilla Gomér (SD), ledamot | X |  |  |
| Sanna Dabolins (V), ledamot |  | X |  |
| Heidi Hankanen Ängberg (C), ledamot |  | X |  |
| Lady France Mulumba (KD), ledamot | X |  |  |
| Jens Christian Berlin (L), ledamot | X |  |  |
| Irene Jonsson (S), ersättare |  | X |  |
| Jimmy Lanevik (M), ersättare | X |  |  |
| Kjerstin Hansson (SD), ersättare | X |  |  |
| Resultat | 7 | 8 | 0 |
§ 115 2026.265 KS

## Strategiska vägval storregional kollektivtrafik

## Beslut
Kommunstyrelsen beslutar att lägga informationen till handlingarna.
"""


def test_a_voteringslista_after_the_paragraph_belongs_to_the_paragraph_it_names():
    doc = parse_text(ALINGSAS_114)
    (vote,) = next(p for p in doc.paragraphs if p.number == 114).votes
    assert _counts(vote) == (7, 8, 0)
    assert [(b.name, b.party, b.vote) for b in vote.ballots][:3] == [
        ("Jan-Erik Wallin", "M", "ja"), ("Anton César", "S", "nej"), ("Anita Hedén Unosson", "S", "nej")]
    assert [b.name for b in vote.ballots][-1] == "Kjerstin Hansson"  # ", ersättare" is no part of the name
    assert vote.yes_means == ("bifall till Jan-Erik Wallins med fleras förslag att lämna initiativärendet till "
                              "kommunledningskontoret för beredning")
    assert vote.no_means == "bifall till Anton Césars med fleras förslag att avslå initiativärendet"
    assert vote.doubts == []
    assert next(p for p in doc.paragraphs if p.number == 115).votes == []


def test_a_list_whose_sum_row_disagrees_with_its_marks_is_doubted():
    wrong = ALINGSAS_114.replace("| Resultat | 7 | 8 | 0 |", "| Resultat | 8 | 7 | 0 |")
    (vote,) = _votes(wrong, 114)
    assert _counts(vote) == (7, 8, 0)
    assert vote.doubts == ["Listans summa (8 ja, 7 nej, 0 avstår) stämmer inte med namnen i listan "
                           "(7 ja, 8 nej, 0 avstår)."]


def test_a_voteringslista_at_the_end_with_other_columns_and_no_count_in_the_text():
    text = """§ 12 Dnr KS 2025/88
Budget 2026

Beslutsgång
Omröstning begärs. Ordföranden ställer proposition och finner att förslaget bifalls.
Ja-röst för att anta budgeten, nej-röst för att avslå budgeten.
Omröstningsresultat, se voteringslista.

Beslut
Kommunstyrelsen beslutar att anta budgeten.

§ 13 Dnr KS 2025/90
Information

Beslut
Informationen noteras.

Bilaga 1 Voteringslista § 12

| Namn | Parti | Avstår | Nej | Ja |
|---|---|---|---|---|
| Berg, Anna | S |  |  | X |
| Bo Ek | M |  | X |  |
| Carl Dahl | NYP | X |  |  |
| Eva Lind | V |  |  | X |
"""
    doc = parse_text(text)
    (vote,) = next(p for p in doc.paragraphs if p.number == 12).votes
    assert _counts(vote) == (2, 1, 1)
    # surname first as sorted lists print it; a party the Parti column names is kept as printed
    assert [(b.name, b.party, b.vote) for b in vote.ballots] == [
        ("Anna Berg", "S", "ja"), ("Bo Ek", "M", "nej"), ("Carl Dahl", "NYP", "avstår"), ("Eva Lind", "V", "ja")]
    assert (vote.yes_means, vote.no_means) == ("att anta budgeten", "att avslå budgeten")
    assert next(p for p in doc.paragraphs if p.number == 13).votes == []


def test_a_table_with_one_column_of_words():
    (vote,) = votes("Omröstning\n\n| Ledamot | Röst |\n|---|---|\n| Anna Berg (S), ordförande | Ja |\n"
                    "| Bo Ek (M), ledamot | Nej |\n| Eva Lind (V), ersättare | Avstår |\n| Carl Dahl (C) | Ja |\n")
    assert _counts(vote) == (2, 1, 1)
    assert [(b.name, b.vote) for b in vote.ballots] == [("Anna Berg", "ja"), ("Bo Ek", "nej"), ("Eva Lind", "avstår"),
                                                         ("Carl Dahl", "ja")]


# ------------------------------------------------------------- other wordings of the same


def test_roll_calls_in_other_wordings():
    (vote,) = votes("Omröstning begärs och verkställs.\nFöljande ledamöter röstar ja: Anna Berg (S), Eva Lind (V) "
                    "och Per Holm (MP).\nFör nej röstade Bo Ek (M) och Karin Sten (KD).\nCarl Dahl (C) avstod från "
                    "att rösta.\nMed 3 ja-röster mot 2 nej-röster beslutar nämnden enligt Anna Bergs yrkande.")
    assert _counts(vote) == (3, 2, 1)
    assert [(b.name, b.vote) for b in vote.ballots] == [
        ("Anna Berg", "ja"), ("Eva Lind", "ja"), ("Per Holm", "ja"), ("Bo Ek", "nej"), ("Karin Sten", "nej"),
        ("Carl Dahl", "avstår")]
    assert vote.doubts == []
    (one,) = votes("Anna Berg (S) röstar ja, Bo Ek (M) röstar nej och Carl Dahl (C) avstår från att rösta.")
    assert [(b.name, b.vote) for b in one.ballots] == [("Anna Berg", "ja"), ("Bo Ek", "nej"), ("Carl Dahl", "avstår")]


def test_grouped_lines_with_their_counts():
    (vote,) = votes("Omröstning\nJa (3): Anna Berg (S), Eva Lind (V),\nPer Holm (MP)\nNej (2): Bo Ek (M)\n"
                    "Avstår: Carl Dahl (C)\n")
    assert [(b.name, b.vote) for b in vote.ballots] == [
        ("Anna Berg", "ja"), ("Eva Lind", "ja"), ("Per Holm", "ja"), ("Bo Ek", "nej"), ("Carl Dahl", "avstår")]
    assert _counts(vote) == (3, 2, 1)
    assert vote.doubts == ["Siffrorna i uppropet (3 ja, 2 nej) stämmer inte med namnen i listan "
                           "(3 ja, 1 nej, 1 avstår)."]


def test_counts_in_other_wordings():
    assert _counts(votes("Omröstning begärs. Kommunfullmäktige beslutar med sju röster mot sex att avslå.")[0]) \
        == (7, 6, 0)
    assert _counts(votes("Omröstningsresultat: 31 ja, 28 nej och 2 avstår.")[0]) == (31, 28, 2)
    assert _counts(votes("Omröstning\nJa: 9\nNej: 4\nAvstår: 2\n")[0]) == (9, 4, 2)
    assert votes("Omröstning begärs inte. Nämnden beslutar enligt förslaget.") == []
    assert votes("Ordföranden ställer proposition på förslagen och finner att nämnden bifaller förslaget.") == []


def test_what_ja_meant_when_whoever_wants_votes_ja():
    (vote,) = votes("Omröstning begärs. Den som vill bifalla kommunstyrelsens förslag röstar ja, den som vill "
                    "bifalla Anna Bergs (S) yrkande röstar nej. Omröstningen utfaller med 30 ja-röster mot 20 "
                    "nej-röster.")
    assert (vote.yes_means, vote.no_means) == ("bifalla kommunstyrelsens förslag", "bifalla Anna Bergs (S) yrkande")
    assert vote.ballots == [] and _counts(vote) == (30, 20, 0)


def test_an_unknown_party_in_a_roll_call_is_reported_not_guessed():
    (vote,) = votes("Anna Berg (S) och Olle Ny (ÖP) röstar ja (2). Bo Ek (M) röstar nej (1).")
    assert [b.name for b in vote.ballots] == ["Anna Berg", "Bo Ek"]
    assert "Olle Ny (ÖP) i uppropet har inget känt parti och är inte med bland namnen." in vote.doubts


def test_what_members_wrote_themselves_is_no_roll_call():
    text = ("§ 4 Budget\n\nBeslutsgång\nOmröstning begärs. Med 5 ja-röster mot 4 nej-röster beslutar nämnden att "
            "anta budgeten.\n\nProtokollsanteckning\nAnna Berg (S) och Bo Ek (M) röstade nej eftersom budgeten "
            "saknar medel.\n")
    (vote,) = _votes(text, 4)
    assert _counts(vote) == (5, 4, 0) and vote.ballots == []


# ------------------------------------------------------------- the real documents, whole

SHARED = next((p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "real" / "gold").is_dir()),
              None)


@pytest.mark.skipif(SHARED is None, reason="../shared/real not present")
@pytest.mark.parametrize("name", ["goteborg_kommunfullmaktige_2023-02-23", "goteborg_kommunfullmaktige_2025-06-12",
                                  "goteborg_kommunstyrelsen_2024-04-10", "goteborg_kommunstyrelsen_2025-06-11",
                                  "kommunstyrelsen_2026-06-15", "kommunfullmaktige_2018-03-28"])
def test_every_vote_and_ballot_of_the_real_documents(name):
    from knowledge.pipeline import parse_file

    gold = json.loads((SHARED / "real" / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    doc = parse_file(SHARED / "real" / "docs" / gold["source"])
    got = {p.number: p for p in doc.paragraphs}
    for paragraph in gold["paragraphs"]:
        want = [((v["yes"], v["no"], v["abstain"]), [(b["name"], b["party"], b["vote"]) for b in v["ballots"]])
                for v in paragraph["votes"]]
        have = [(_counts(v), [(b.name, b.party, b.vote) for b in v.ballots]) for v in got[paragraph["number"]].votes]
        assert have == want, paragraph["number"]
        assert all(v.doubts == [] for v in got[paragraph["number"]].votes)


def test_counts_with_no_vote_spoken_of_are_no_vote():
    survey = ("§ 8 Medborgarförslag om hundrastgård\n\nBeslut\nFörslaget avslås.\n\n"
              "Enkäten: Ja 45 %, Nej 55 %. Av de svarande ville 12 ja och 30 nej.\n")
    assert _votes(survey, 8) == []
    under_heading = "§ 9 Budget\n\nBeslut\nBudgeten antas.\n\nOmröstning\nJa: 9\nNej: 4\n"
    assert [_counts(v) for v in _votes(under_heading, 9)] == [(9, 4, 0)]


def test_a_column_of_names_under_each_vote_word():
    (vote,) = votes("Omröstning begärs och verkställs.\n\nJa-röster (2)\nAnna Berg (S)\nEva Lind (V), ersättare\n\n"
                    "Nej-röster (1)\nBo Ek (M)\n\nAvstår:\nCarl Dahl (C)\n")
    assert [(b.name, b.vote) for b in vote.ballots] == [("Anna Berg", "ja"), ("Eva Lind", "ja"), ("Bo Ek", "nej"),
                                                         ("Carl Dahl", "avstår")]
    assert _counts(vote) == (2, 1, 1) and vote.doubts == []
    # a bare "Ja" under a name is that row's result (a table printed one cell a line), not a
    # heading over the next name
    (flat,) = votes("Omröstning\nAnna Berg (S)\nJa\nBo Ek (M)\n\nNej\nCarl Dahl (C)\nJa\n")
    assert [(b.name, b.vote) for b in flat.ballots] == [("Anna Berg", "ja"), ("Bo Ek", "nej"), ("Carl Dahl", "ja")]


def test_marks_whose_column_the_text_lost_are_not_guessed():
    """A PDF's Voteringslista with a Parti column: the layout step keeps each X but not the empty
    cells beside it ("Bo Ek<TAB>M<TAB>X" under "Namn Parti Ja Nej Avstår"), so which column is unknown."""
    text = ("§ 12 Budget\n\nBeslutsgång\nOmröstning begärs.\n\nVoteringslista § 12\n\nNamn\tParti\tJa\tNej\tAvstår\n"
            "Anna Berg\tS\tX\nBo Ek\tM\tX\nCarl Dahl\tC\tX\nEva Lind\tV\tX\nResultat\t2\t1\t1\n")
    (vote,) = _votes(text, 12)
    assert vote.ballots == [] and _counts(vote) == (2, 1, 1)  # the sum row's numbers, in column order
    assert vote.doubts == ["Kryssen på 4 rader i voteringslistan kan inte knytas till Ja, Nej eller Avstår (texten "
                           "saknar de tomma cellerna); de namnen är inte med."]
    # with every cell kept (a Markdown table), each mark has its column
    full = text[: text.index("Namn\t")] + (
        "| Namn | Parti | Ja | Nej | Avstår |\n|---|---|---|---|---|\n| Anna Berg | S | X |  |  |\n"
        "| Bo Ek | M |  | X |  |\n| Carl Dahl | C |  |  | X |\n| Eva Lind | V | X |  |  |\n")
    (vote,) = _votes(full, 12)
    assert [(b.name, b.vote) for b in vote.ballots] == [("Anna Berg", "ja"), ("Bo Ek", "nej"), ("Carl Dahl", "avstår"),
                                                         ("Eva Lind", "ja")]
    assert _counts(vote) == (2, 1, 1) and vote.doubts == []
