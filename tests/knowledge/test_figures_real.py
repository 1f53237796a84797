"""Result figures on excerpts of the real protocols (../shared/real, copied here as strings) and on
variants for conventions they do not show: another municipality's wording, tkr and decimals,
tables with a deviation column, parts and prior years, entities."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from knowledge.parse.figures import extract_figures, extract_plan_figures


def summary(figures):
    return [(f.kind, f.value_mnkr, f.period, f.entity) for f in figures]


# --- the real paragraphs (Alingsås kommun, as the PDF layout reads them) ----------------------

# Överförmyndarnämnden 2018-02-13 § 3
OFN_3 = """§ 3 2018.001 ÖN

## Årsredovisning för överförmyndarnämnden 2017

## Ärendebeskrivning

Kommunledningskontoret har upprättat förslag till årsredovisning för år 2017. I
årsredovisningen framgår att överförmyndarverksamheten under året har arbetat
mycket med att upprätta rutiner och gemensamma förhållningssätt för att uppnå en
rättssäker och effektiv handläggning. Resultatet av arbetet visar goda resultat.

Ekonomiskt uppvisar överförmyndarnämnden ett negativt resultat om 371 tkr.
Underskottet går att härleda till att andelen barn som fått uppehållstillstånd ökat.

## Beslut
## Överförmyndarnämndens beslut:

Årsredovisning för år 2017 godkänns.
"""

# Kommunfullmäktige 2018-03-28 § 54 (shortened)
KF_54 = """§ 54 2018.106 KS

## Årsredovisning 2017 för Alingsås kommun

## Beredning
Alingsås kommun har för 2017 beslutat om 10 mål för god ekonomisk hushållning ur
ett finansiellt perspektiv. I bokslut 2017 uppfylls sex av tio mål. Dock vill kommunledningskontoret
fortsatt betona att årets resultat till största del beror på starka resultat under
finansieringen. Kommunens nämnder har fortsatt en ekonomi som ej är i balans.

Årets resultat uppgår till 125,1 mnkr vilket motsvarar 5,6 procent av skatteintäkter och
statsbidrag. Detta överstiger såväl kommunens uppsatta mål som praxis i landets
kommuner.

Fastighetsbolagen realiserade stora undervärden i sina
räntederivat i samband med införandet av gemensam finanshantering, vilket
medförde en negativ resultatpåverkan innevarande år. Alingsås kommunkoncern
redovisar ett resultat på 91,1 mnkr för år 2017.

Nämndernas underskott:

I årsbokslut 2017 för Alingsås kommun redovisar socialnämnden, barn- och
ungdomsnämnden, exploatering, samt överförmyndarnämnden underskott.
"""

# Kommunfullmäktige 2018-03-28 § 53: an accounting effect and a balance-sheet item
KF_53 = """§ 53 2018.181 KS

## Revisionsberättelse för år 2017 Alingsås kommun

Revisorernas bedömning är att räkenskaperna i allt väsentligt är rättvisande med
undantag för att kommunen inte följer Lag om kommunal redovisning kap 5 § 4,
Pensionsutbetalningar. Kommunen redovisar 838,5 mnkr som avsättning i
balansräkningen vilket i enlighet med lagstiftningen istället skall redovisas som en
ansvarsförbindelse. Kommunens redovisning av pensioner innebär också att årets
resultat är 22,2 mnkr högre redovisat än om lagen efterlevts.
"""

# Tekniska nämnden 2026-05-18 § 26: three economies, investments beside them
TN_26 = """§ 26 2026.072 TEN

## Ekonomiuppföljning

## Ärendebeskrivning
Enligt styrmodellen ska nämndens ekonomi följas upp löpande under året. Tekniska
nämndens verksamheter delas upp i tre olika ekonomier och i den fördjupade
månadsuppföljningen per 30 april följs nämndens drifts- och investeringsbudgetar upp.

## Beredning
Förvaltningen har i skrivelse den 5 maj 2026 lämnat följande yttrande:

Tekniska nämndens skattefinansierade verksamheter prognosticerar i dagsläget ett
nollresultat. Investeringsbudgeten förväntas i nuläget förbrukas i sin helhet under året.

Avfallsverksamheten prognosticerar i dagsläget ett resultat som är totalt sett i linje med
budget. Investeringsutgiften förväntas bli närmare 9 300 tkr lägre än budgeterat.

VA-verksamheten prognosticerar i dagsläget ett resultat som är ca 4 400 tkr bättre än
budgeterat. Av de budgeterade investeringsmedlen förväntas närmare 77 000 tkr inte
förbrukas under året.

Förklaringar till avvikelser rörande både drift och investering återfinns i bifogad bilaga.
"""

# Vård- och omsorgsnämnden 2026-05-18 § 35
VON_35 = """§ 35 2026.049 VON

## Fördjupad månadsuppföljning per april 2026

## Beredning
Vård- och omsorgsförvaltningen har i skrivelse den 6 maj 2026 lämnat följande yttrande:

Förvaltningen prognostiserar per april ett resultat i balans vid årets slut. Prognosen innehåller
fortfarande vissa osäkerheter, men utvecklingen går i rätt riktning inom flera delar av
verksamheten. Sedan föregående prognos har ytterligare statsbidrag beslutats, vilket ger en
ökad stabilitet i den ekonomiska bedömningen.

De verksamheter som tidigare redovisat underskott har fått i uppdrag att ta fram åtgärder för
att minska dessa. Åtgärderna kan vid behov konkretiseras i handlingsplaner. För att nå en
prognos i balans används stor del av tillgängliga buffertar och överskott i volymer.
"""

# Bygg- och miljönämnden 2026-05-19 § 42
BMN_42 = """§ 42 2026.030 BMN

## Ekonomiuppföljning

## Beredning
Förvaltningen har i skrivelse den 30 april 2026 lämnat följande yttrande:

Bygg- och miljönämndens verksamheter prognosticerar i dagsläget ett nollresultat.
Avvikelser mot budget förekommer dock både på intäkts- och kostnadssidan. Förklaringar till
avvikelser återfinns i bifogad bilaga.
"""

# Barn- och ungdomsnämnden 2026-05-26 § 33: a surplus without an amount, and a budget change
BUN_33 = """§ 33 2026.007 BUN

## Ekonomisk uppföljning 2026

## Beredning
Helårsprognosen per april är ett överskott med anledning av att antal barn i förskola och
elever i grundskola beräknas bli färre än budgeterat. Det genererar under 2026 ett tillfälligt
ekonomiskt utrymme som dels kan möta prognostiserat underskott inom
verksamhetsområde grundskola, dels utökade behov av lokalanpassningar.

Barn- och ungdomsnämndens budget 2026 har förstärkts med 30 miljoner kronor vilket har
möjliggjort satsningar i förskola men framförallt inom grundskola i syfte att öka andelen
elever som blir behöriga till gymnasieskolan.
"""

# Kommunstyrelsen 2026-06-15 § 117: a project budget and a grant
KS_117 = """§ 117 2026.240 KS

## Ansökan om investeringsbidrag

Budgeten för hela projektet är 1,8 miljoner kronor där föreningen ansöker om 400 000 kronor
från kommunen och resterande avses finansieras via bidrag från SISU och Sparbanksstiftelsen samt
med föreningens egna medel.
"""


def test_a_result_the_body_shows_in_its_annual_report():
    [figure] = extract_figures(OFN_3, 3, date(2018, 2, 13))
    assert (figure.kind, figure.value_mnkr, figure.period) == ("utfall", -0.371, "2017")
    assert figure.quote == "Ekonomiskt uppvisar överförmyndarnämnden ett negativt resultat om 371 tkr."
    # the text names the body itself; told which body decides, the figure is the body's own
    assert figure.entity == "Överförmyndarnämnden"
    assert summary(extract_figures(OFN_3, 3, date(2018, 2, 13), body="Överförmyndarnämnden")) == [
        ("utfall", -0.371, "2017", None)]


def test_kommun_and_koncern_each_their_own_figure_and_the_year_from_the_title_not_the_dnr():
    figures = extract_figures(KF_54, 54, date(2018, 3, 28))
    assert summary(figures) == [("utfall", 125.1, "2017", None), ("utfall", 91.1, "2017", "koncernen")]
    assert figures[1].quote == "Alingsås kommunkoncern redovisar ett resultat på 91,1 mnkr för år 2017."


def test_an_accounting_effect_and_a_provision_are_not_results():
    assert extract_figures(KF_53, 53, date(2018, 3, 28)) == []


def test_three_economies_of_one_body_and_investments_left_out():
    figures = extract_figures(TN_26, 26, date(2026, 5, 18))
    assert summary(figures) == [
        ("prognos", 0, "2026", "skattefinansierade verksamheter"),
        ("budgetavvikelse", 0, "2026", "avfallsverksamheten"),
        ("budgetavvikelse", 4.4, "2026", "VA-verksamheten"),
    ]
    assert [f.quote for f in figures] == [
        "Tekniska nämndens skattefinansierade verksamheter prognosticerar i dagsläget ett nollresultat.",
        "Avfallsverksamheten prognosticerar i dagsläget ett resultat som är totalt sett i linje med budget.",
        "VA-verksamheten prognosticerar i dagsläget ett resultat som är ca 4 400 tkr bättre än budgeterat.",
    ]


@pytest.mark.parametrize(("text", "number", "meeting", "quote"), [
    (VON_35, 35, date(2026, 5, 18), "Förvaltningen prognostiserar per april ett resultat i balans vid årets slut."),
    (BMN_42, 42, date(2026, 5, 19), "Bygg- och miljönämndens verksamheter prognosticerar i dagsläget ett nollresultat."),
])
def test_a_balance_in_words_is_zero(text, number, meeting, quote):
    [figure] = extract_figures(text, number, meeting)
    assert (figure.kind, figure.value_mnkr, figure.period, figure.quote) == ("prognos", 0, "2026", quote)


@pytest.mark.parametrize(("text", "number"), [(BUN_33, 33), (KS_117, 117)])
def test_budget_changes_grants_and_a_surplus_without_amount_are_not_figures(text, number):
    assert extract_figures(text, number, date(2026, 6, 1)) == []


REAL = Path("/work/shared/real")


@pytest.mark.skipif(not (REAL / "gold").is_dir(),
                    reason="the real protocols are not here")
@pytest.mark.parametrize("gold", sorted((REAL / "gold").glob("*.json")) if (REAL / "gold").is_dir() else [],
                         ids=lambda p: p.stem)
def test_every_real_protocol_gives_the_gold_figures(gold):
    from knowledge.pipeline import parse_file

    expected = json.loads(gold.read_text(encoding="utf-8"))
    parsed = parse_file(REAL / "docs" / expected["source"])
    got = sorted((f.paragraph, f.kind, f.value_mnkr, f.period) for f in parsed.figures)
    assert got == sorted((f["paragraph"], f["kind"], f["value_mnkr"], f["period"]) for f in expected["figures"])
    assert all(f.quote for f in parsed.figures)


# --- variants: conventions the real files do not show -----------------------------------------

MEETING = date(2025, 10, 20)


def one(text: str, meeting: date | None = MEETING, body: str | None = None):
    return summary(extract_figures(text, 5, meeting, body=body))


@pytest.mark.parametrize(("text", "expected"), [
    ("Nämnden prognostiserar ett underskott om 12,3 mnkr för helåret.", ("prognos", -12.3, "2025", None)),
    ("Helårsprognosen pekar mot ett underskott på 8,5 miljoner kronor.", ("prognos", -8.5, "2025", None)),
    ("Nämnden beräknar att lämna ett underskott på 3,2 mnkr vid årets slut.", ("prognos", -3.2, "2025", None)),
    ("Årsprognosen efter september uppgår till ett underskott om 12,3 mnkr.", ("prognos", -12.3, "2025", None)),
    ("Förvaltningen bedömer att årets resultat blir ett överskott på 4 400 tkr.", ("prognos", 4.4, "2025", None)),
    ("Nämnden redovisar ett överskott på 4 400 tkr för perioden januari–augusti.",
     ("utfall", 4.4, "2025-01..2025-08", None)),
    ("Utfallet per augusti visar ett överskott på 4 400 tkr.", ("utfall", 4.4, "2025-01..2025-08", None)),
])
def test_other_municipalities_wording(text, expected):
    assert one(text) == [expected]


def test_a_forecast_and_its_deviation_in_one_sentence():
    text = "Prognosen för helåret visar ett resultat på -8,5 mnkr, vilket är 3,1 mnkr sämre än budget."
    assert one(text) == [("prognos", -8.5, "2025", None), ("budgetavvikelse", -3.1, "2025", None)]


@pytest.mark.parametrize("text", [
    "Föregående års resultat uppgick till 80 mnkr.",
    "Resultatet i fjol uppgick till ett underskott på 12 mnkr.",
    "Socialnämnden redovisar ett underskott på 45 mnkr och barn- och ungdomsnämnden ett underskott på 12 mnkr.",
    "Grundskoleverksamheten prognostiserar ett underskott om 5 mnkr.",
    "Alingsåshem AB redovisar ett resultat på 30 mnkr.",
    "Bolaget redovisar ett resultat på 30 mnkr för 2024.",
    "Hemtjänstverksamheten prognostiserar ett resultat i balans.",
    "Kostnaderna för 2025 ligger i linje med budget.",
    "Investeringsutgiften förväntas bli närmare 9 300 tkr lägre än budgeterat.",
])
def test_parts_prior_years_and_costs_are_not_headline_figures(text):
    assert one(text) == []


def test_another_body_named_is_left_out_when_the_deciding_body_is_known():
    text = "Socialnämnden prognostiserar ett underskott om 12,3 mnkr."
    assert one(text) == [("prognos", -12.3, "2025", "Socialnämnden")]  # the text names it: its entity
    assert one(text, body="Kommunfullmäktige") == []  # a nämnd's result in the fullmäktige's protocol
    assert one(text, body="Socialnämnden") == [("prognos", -12.3, "2025", None)]


def test_a_proposer_is_not_the_entity():
    assert one("Enligt kommunstyrelsens förslag uppgår årets resultat till 125 mnkr för 2024.") == [
        ("utfall", 125, "2024", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Kommunens resultat uppgår till 125 mnkr och koncernens resultat till 91 mnkr för 2024.",
     [("utfall", 125, "2024", None), ("utfall", 91, "2024", "koncernen")]),
    ("VA-kollektivet prognostiserar ett överskott på 2,1 mnkr.", [("prognos", 2.1, "2025", "VA-kollektivet")]),
    ("Den avgiftsfinansierade verksamheten prognostiserar ett resultat i balans.",
     [("prognos", 0, "2025", "avgiftsfinansierade verksamheten")]),
    ("Prognosen för helåret är ett överskott på 4 400 tkr, varav 1 200 tkr avser vakanser.",
     [("prognos", 4.4, "2025", None)]),
])
def test_entities_and_a_part_of_a_total(text, expected):
    assert one(text) == expected


def test_a_table_with_a_deviation_column_and_a_total_row():
    text = ("Driftredovisning (mnkr)    Budget 2025    Prognos 2025    Avvikelse mot budget\n"
            "Nämnd och förvaltning    -5,0    -5,0    0,0\n"
            "Grundskola    -400,0    -410,0    -10,0\n"
            "Förskola    -200,0    -198,0    2,0\n"
            "Totalt    -605,0    -613,0    -8,0\n")
    # the rows are parts; of the total only the deviation is a result (the rest are net costs)
    [figure] = extract_figures(text, 5, MEETING)
    assert (figure.kind, figure.value_mnkr, figure.period) == ("budgetavvikelse", -8, "2025")
    assert figure.quote == "Totalt -605,0 -613,0 -8,0"


def test_a_result_row_under_budget_forecast_and_deviation():
    text = ("Resultaträkning, mnkr\tBudget 2025\tPrognos 2025\tAvvikelse mot budget\n"
            "Intäkter\t120,0\t125,3\t5,3\nKostnader\t-450,0\t-462,1\t-12,1\nResultat\t-330,0\t-336,8\t-6,8\n")
    assert one(text) == [("budget", -330, "2025", None), ("prognos", -336.8, "2025", None),
                         ("budgetavvikelse", -6.8, "2025", None)]


def test_a_loose_table_of_a_fee_financed_verksamhet_with_the_deviation_of_the_period():
    # each column head and each number on a line of its own, as PDF text extraction can give it
    text = ("Resultat VA-verksamheten (tkr)\nUtfall jan-aug 2025\nBudget jan-aug 2025\nAvvikelse mot budget\n"
            "Prognos 2025\n\nResultat\n1 250\n900\n350\n2 100\n")
    assert one(text) == [("utfall", 1.25, "2025-01..2025-08", "VA-verksamheten"),
                         ("budget", 0.9, "2025-01..2025-08", "VA-verksamheten"),
                         ("budgetavvikelse", 0.35, "2025-01..2025-08", "VA-verksamheten"),
                         ("prognos", 2.1, "2025", "VA-verksamheten")]


def test_a_table_of_a_part_is_left_out_but_not_one_of_an_economy():
    table = "Budget 2025\tPrognos 2025\tAvvikelse\nResultat\t-2,0\t-2,5\t-0,5\n"
    assert one("Resultat grundskoleverksamheten (mnkr)\n" + table) == []
    assert one("Resultat avfallsverksamheten (mnkr)\n" + table)[-1] == (
        "budgetavvikelse", -0.5, "2025", "avfallsverksamheten")


def test_a_plan_states_its_figures_in_the_order_of_the_text():
    text = ("Utgångspunkten inför budget 2024 är att det samlade resultatet visar på ett underskott på ca -\n"
            "600 miljoner kronor (mnkr).\n\n3.2 Ekonomiska ramar\nRamområde Ram 2023 Ram 2024 Ram 2025 Ram 2026\n\n"
            "Utgångspunkt/Resultat -628 -600 -449 -273\n\nResultat -478 -379 -273 0\n\n"
            "Ovan tabell redovisar preliminära ramar. Belopp redovisar i miljoner kronor, mnkr.\n")
    figures = extract_plan_figures(text)
    of_2024 = [(f.value_mnkr, f.quote[:22]) for f in figures if f.period == "2024"]
    # the sentence's -600 first (the table's repeat of it is the same figure), then the result row
    assert of_2024 == [(-600, "Utgångspunkten inför b"), (-379, "Resultat -478 -379 -27")]
