"""Deficit figures on the real seed paragraphs and on written variants."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from knowledge.clean import clean_text
from knowledge.parse.figures import extract_figures, extract_plan_figures

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "samples"


def paragraph_text(sample: str, number: int) -> str:
    """The text of "§ number" in a sample: from its header to the next § header."""
    text = (SAMPLES / sample).read_text(encoding="utf-8")
    parts = re.split(r"^\s*§\s*(\d+)\b", text, flags=re.MULTILINE)
    return "".join(parts[i + 1] for i in range(1, len(parts), 2) if int(parts[i]) == number)


def summary(figures):
    return [(f.kind, f.value_mnkr, f.period) for f in figures]


# --- the real paragraphs --------------------------------------------------------------------

def test_monthly_follow_up_gives_result_to_date_and_deviation():
    figures = extract_figures(paragraph_text("hsn-2024-09-04.txt", 97), 97, date(2024, 9, 4))
    assert summary(figures) == [("utfall", -277, "2024-01..2024-07"),
                                ("budgetavvikelse", -37, "2024-01..2024-07")]
    assert figures[0].paragraph == 97
    assert figures[0].quote.startswith("Det ackumulerade utfallet till och med juli månad är -277 mnkr")
    assert "\n" not in figures[0].quote


@pytest.mark.parametrize(("sample", "number", "meeting"), [
    ("hsn-2024-09-04.txt", 98, date(2024, 9, 4)),
    ("hsu-2024-08-28.txt", 66, date(2024, 8, 28)),
])
def test_forecast_with_line_broken_minus_and_savings_left_out(sample, number, meeting):
    # the paragraph also holds 175, 133, 164, 570 and 675 mnkr of cost reductions: none is a figure
    figures = extract_figures(paragraph_text(sample, number), number, meeting)
    assert summary(figures) == [("prognos", -565, "2024"), ("budgetavvikelse", -115, "2024")]
    assert "115 mnkr sämre jämfört med beslutad budget" in figures[1].quote


def test_no_other_paragraph_of_the_seed_protocols_has_figures():
    found = []
    for sample, meeting in [("hsn-2024-09-04.txt", date(2024, 9, 4)), ("hsu-2024-08-28.txt", date(2024, 8, 28)),
                            ("vsu-2022-05-04.txt", date(2022, 5, 4))]:
        text = (SAMPLES / sample).read_text(encoding="utf-8")
        for number in sorted({int(n) for n in re.findall(r"^\s*§\s*(\d+)\b", text, flags=re.MULTILINE)}):
            found += [(sample, number, f.value_mnkr) for f in extract_figures(paragraph_text(sample, number),
                                                                               number, meeting)]
    assert found == [("hsn-2024-09-04.txt", 97, -277), ("hsn-2024-09-04.txt", 97, -37),
                     ("hsn-2024-09-04.txt", 98, -565), ("hsn-2024-09-04.txt", 98, -115),
                     ("hsu-2024-08-28.txt", 66, -565), ("hsu-2024-08-28.txt", 66, -115)]


def test_same_figures_from_the_cleaned_text():
    found = []
    for sample, meeting in [("hsn-2024-09-04.txt", date(2024, 9, 4)), ("hsu-2024-08-28.txt", date(2024, 8, 28)),
                            ("vsu-2022-05-04.txt", date(2022, 5, 4))]:
        text = clean_text((SAMPLES / sample).read_text(encoding="utf-8"))
        parts = re.split(r"^\s*§\s*(\d+)\b", text, flags=re.MULTILINE)
        for i in range(1, len(parts), 2):
            found += [(sample, f.paragraph, f.kind, f.value_mnkr, f.period)
                      for f in extract_figures(parts[i + 1], int(parts[i]), meeting)]
    assert found == [
        ("hsn-2024-09-04.txt", 97, "utfall", -277, "2024-01..2024-07"),
        ("hsn-2024-09-04.txt", 97, "budgetavvikelse", -37, "2024-01..2024-07"),
        ("hsn-2024-09-04.txt", 98, "prognos", -565, "2024"), ("hsn-2024-09-04.txt", 98, "budgetavvikelse", -115, "2024"),
        ("hsu-2024-08-28.txt", 66, "prognos", -565, "2024"), ("hsu-2024-08-28.txt", 66, "budgetavvikelse", -115, "2024"),
    ]


def test_grants_are_not_figures():
    # § 107: sektorsbidraget 150 910 744 kronor, 6 000 000 000 kronor i sektorsbidrag, besparingar (150 miljoner kronor)
    assert extract_figures(paragraph_text("hsn-2024-09-04.txt", 107), 107, date(2024, 9, 4)) == []


def test_plan_budget_table_and_sentences():
    figures = extract_plan_figures((SAMPLES / "hsn-verksamhetsplan-2024-2026.txt").read_text(encoding="utf-8"))
    assert all(f.paragraph is None for f in figures)
    got = set(summary(figures))
    assert got == {
        ("budget", -600, "2024"), ("budget", -628, "2023"), ("budget", -449, "2025"), ("budget", -273, "2026"),
        ("budget", -478, "2023"), ("budget", -379, "2024"), ("budget", -273, "2025"), ("budget", 0, "2026"),
        ("tillatet_underskott", -150, "2023"), ("tillatet_underskott", -70, "2024"),
        ("tillatet_underskott", 0, "2025"), ("tillatet_underskott", 0, "2026"),
    }
    assert len(figures) == len(got)  # the -600 and -70 of the sentences are not repeated from the table
    by_key = {(f.kind, f.period, f.value_mnkr): f.quote for f in figures}
    assert by_key[("budget", "2023", -478)] == "Resultat -478 -379 -273 0"
    # "dessa fyra områden [får] budgeteras med ett sammanlagt underskott med 70 miljoner kronor för år 2024"
    # is four areas' share, not the nämnd's: the -70 comes from the table row
    assert by_key[("tillatet_underskott", "2024", -70)] == "Tillåtet underskott -150 -70 0 0"
    assert "underskott på ca -600 miljoner kronor" in by_key[("budget", "2024", -600)]


# --- written variants -----------------------------------------------------------------------

MEETING = date(2024, 9, 4)


def one(text: str, meeting: date | None = MEETING):
    return summary(extract_figures(text, 5, meeting))


@pytest.mark.parametrize(("text", "expected"), [
    ("Prognosen för helåret 2024 pekar på ett underskott på 1,2 miljarder kronor.", ("prognos", -1200, "2024")),
    ("Prognosen för 2024 är -1,2 mdkr.", ("prognos", -1200, "2024")),
    ("Utfallet till och med mars är -12 500 tkr.", ("utfall", -12.5, "2024-01..2024-03")),
    ("Prognosen för 2025 visar ett underskott på 1 234,5 mnkr.", ("prognos", -1234.5, "2025")),
    ("Prognosen för 2024 är ett underskott på 45 miljoner kronor.", ("prognos", -45, "2024")),
    ("Prognosen för 2024 är -45 MSEK.", ("prognos", -45, "2024")),
])
def test_units(text, expected):
    assert one(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Prognosen för 2024 är \u221242 mnkr.", ("prognos", -42, "2024")),  # minus sign
    ("Prognosen för 2024 är \u2013 42 mnkr.", ("prognos", -42, "2024")),  # en dash and a space
    ("Prognosen för 2024 är -\n42 mnkr.", ("prognos", -42, "2024")),  # broken at the line end
    ("Prognosen för 2024 är \u2013\n42 mnkr.", ("prognos", -42, "2024")),
])
def test_written_minus(text, expected):
    assert one(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("Prognosen för 2024 visar ett överskott på 20 mnkr.", [("prognos", 20, "2024")]),
    ("Utfallet till och med juni är 45 mnkr bättre än budget.", [("budgetavvikelse", 45, "2024-01..2024-06")]),
    ("Utfallet till och med juni är 45 mnkr sämre än budget.", [("budgetavvikelse", -45, "2024-01..2024-06")]),
    ("Resultatet till och med augusti blev ett underskott på 80 mnkr, vilket är en resultatförsämring "
     "jämfört med budget med 12 mnkr.", [("utfall", -80, "2024-01..2024-08"),
                                         ("budgetavvikelse", -12, "2024-01..2024-08")]),
    ("Årets resultat för 2023 blev ett underskott på 300 mnkr.", [("utfall", -300, "2023")]),
    ("Resultatet till och med juli är 12 mnkr.", [("utfall", 12, "2024-01..2024-07")]),
    ("Prognosen för 2025 är ett resultat i balans.", [("prognos", 0, "2025")]),
])
def test_signs_from_words(text, expected):
    assert one(text) == expected


def test_period_from_the_title_and_the_meeting():
    text = "Månadsuppföljning mars 2025\n\nUtfallet för perioden är -40 mnkr och prognosen visar -120 mnkr."
    assert one(text, date(2025, 4, 2)) == [("utfall", -40, "2025-01..2025-03"), ("prognos", -120, "2025")]
    # December's result reported in January belongs to the year before
    assert one("Utfallet till och med december är -310 mnkr.", date(2025, 1, 20)) == [
        ("utfall", -310, "2024-01..2024-12")]


@pytest.mark.parametrize("text", [
    "Åtgärderna beräknades leda till en kostnadsminskning om 175 mnkr 2024.",
    "Uppdraget för planperioden är att uppnå kostnadsreducerande åtgärder med 570 mnkr.",
    "Regionen har tilldelats statsbidrag på 150 miljoner kronor för 2024.",
    "Av medlen tilldelades Region Västernorrland 150 910 744 kronor.",
    "Regeringen beslutade att tillföra landets regioner 6 000 000 000 kronor i sektorsbidrag.",
    "Nämnden beslutar om investeringar om 300 mnkr under 2024.",
    "Den ekonomiska ramen för 2024 är 6 635 mnkr.",
    "Prognosen för personalkostnaderna 2024 är 3 100 mnkr.",
    "Åtgärderna beräknas ge en resultateffekt på 50 mnkr för 2024.",
    "Prognosen för 2024 pekar på ett underskott på 270 - 300 mnkr.",  # a range: which number?
    "Prognosen för 2024 är 50 mnkr.",  # no sign and no word for one: surplus or cost?
    "Avvikelsen mot budget är 40 mnkr.",
    "kostnadsreduktion som är inarbetad i årets budget för besparingar (150 miljoner kronor) inte kommer att kunna"
    " genomföras.",
    "Ekonomiska underskott får inte utläsas som en viljeyttring om en återgång till en budget i balans.",
    "Det ekonomiska målet för planperioden 2024–2026 är att ekonomin är i balans vid utgången av 2026.",
    "Det ackumulerade underskottet i eget kapital uppgår till 1 200 mnkr.",
    "Målvärdet för 2024 är 32 817 kr/invånare.",
])
def test_not_result_figures(text):
    assert one(text) == []


def test_savings_next_to_a_forecast_leave_the_forecast_alone():
    text = "För att nå resultatet i prognosen -565 mnkr behöver kostnaderna reduceras med 133 mnkr under hösten 2024."
    assert one(text) == [("prognos", -565, "2024")]


def test_table_in_a_report():
    text = ("Delårsrapport augusti 2024\n\nEkonomiskt resultat (mnkr) Utfall 2023 Budget 2024 Prognos 2024\n"
            "Intäkter 6 100 6 300 6 250\nKostnader -6 612 -6 750 -6 815\nResultat -512 -450 -565\n")
    assert summary(extract_plan_figures(text)) == [("utfall", -512, "2023"), ("budget", -450, "2024"),
                                                   ("prognos", -565, "2024")]


def test_table_without_a_unit_is_left_out():
    text = "Ramområde 2024 2025 2026\nResultat -10 -5 0\n"
    assert extract_plan_figures(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Nämnden redovisar ett negativt resultat till och med maj på 45 mnkr.", [("utfall", -45, "2024-01..2024-05")]),
    ("Prognosen för 2024 visar en negativ avvikelse mot budget med 40 mnkr.", [("budgetavvikelse", -40, "2024")]),
    ("Helårsprognosen visar ett underskott på 60 mnkr jämfört med budget.", [("budgetavvikelse", -60, "2024")]),
    ("Nämndens budgeterade underskott för 2025 är 450 mnkr.", [("budget", -450, "2025")]),
    ("Prognosen är -565 mnkr, varav -200 mnkr avser inhyrd personal.", [("prognos", -565, "2024")]),
])
def test_more_phrasings(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "Prognosen har försämrats med -40 mnkr sedan juni.",
    "Utfallet har ökat med 20 mnkr jämfört med föregående år.",
])
def test_changes_are_not_levels(text):
    assert one(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Resultatet för perioden januari–augusti uppgår till -312 mnkr.", [("utfall", -312, "2024-01..2024-08")]),
    ("Prognosen för helåret är ett underskott på 410 mnkr, vilket är en negativ avvikelse mot budget på 180 mnkr.",
     [("prognos", -410, "2024"), ("budgetavvikelse", -180, "2024")]),
    ("Helårsprognos: -410 mnkr.", [("prognos", -410, "2024")]),
    ("Underskottet för 2023 blev 312 mnkr.", [("utfall", -312, "2023")]),
    ("Utfallet efter augusti visar ett överskott på 12,3 mnkr.", [("utfall", 12.3, "2024-01..2024-08")]),
])
def test_other_regions_phrasings(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "Länssjukvården redovisar ett underskott på 180 mnkr till och med juli.",
    "Primärvårdens prognos för 2024 är -40 mnkr.",
    "Närsjukvårdsområde söder prognostiserar ett underskott på 60 mnkr.",
    "Dessa fyra områden får budgeteras med ett sammanlagt underskott med 70 miljoner kronor för år 2024.",
])
def test_a_part_of_the_organisation_is_not_the_body(text):
    assert one(text) == []


def test_minus_at_the_start_of_a_line_is_not_a_bullet():
    text = "Prognosen pekar på ett underskott för 2024 på\n– 565 mnkr.\n\n• Åtgärder för att minska behovet av inhyrd personal"
    assert one(text) == [("prognos", -565, "2024")]


def test_table_for_one_area_is_left_out():
    text = ("Länssjukvården\n\nEkonomiskt resultat (mnkr) Utfall 2023 Budget 2024 Prognos 2024\n"
            "Resultat -212 -150 -265\n")
    assert extract_plan_figures(text) == []


def test_report_sentences_keep_their_kind():
    text = ("Delårsrapport augusti 2024\n\nResultatet till och med augusti är -380 mnkr. "
            "Prognosen för helåret är -565 mnkr. Budgeten för 2025 uppgår till ett underskott på 449 mnkr.")
    assert summary(extract_plan_figures(text)) == [("utfall", -380, "2024-01..2024-08"), ("prognos", -565, "2024"),
                                                   ("budget", -449, "2025")]


def test_table_as_loose_pdf_lines():
    # each column head and each number on a line of its own, as PDF text extraction can give it
    text = ("3.2 Ekonomiska ramar (mnkr)\nRamområde\nRam 2024\nRam 2025\nRam 2026\n\n"
            "Ekonomisk ram\n6 635\n6 859\n6 959\nResultat\n-379\n-273\n0\n"
            "Tillåtet\nunderskott\n-70\n0\n0\n")
    assert summary(extract_plan_figures(text)) == [
        ("budget", -379, "2024"), ("budget", -273, "2025"), ("budget", 0, "2026"),
        ("tillatet_underskott", -70, "2024"), ("tillatet_underskott", 0, "2025"), ("tillatet_underskott", 0, "2026")]
