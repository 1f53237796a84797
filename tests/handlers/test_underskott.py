"""/underskott through the real Application: one line per body, kind, period and entity; when two
documents disagree, both values with their dates; a plan's two budgets for one year as one line
with the other noted."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.offline import html_to_text
from knowledge import store
from knowledge.db import session
from knowledge.parse.figures import extract_figures
from knowledge.parse.model import Figure, Paragraph, ParsedDocument
from tests.handlers.conftest import _chat, texts

HEAD = re.compile(r"^(Utfall|Prognos|Avvikelse mot budget|Budget|Tillåtet underskott) (.+?): ", re.MULTILINE)


def plain(calls) -> str:
    return html_to_text(texts(calls))


def heads_per_body(text: str) -> dict[str, list[tuple[str, str]]]:
    """(kind, period and entity) of each figure line, per "Ekonomi — <body>" block."""
    out: dict[str, list[tuple[str, str]]] = {}
    for block in text.split("Ekonomi — ")[1:]:
        name = block.splitlines()[0]
        out[name] = HEAD.findall(block)
    return out


@pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")
async def test_the_plans_two_budgets_for_2024_are_one_line_with_the_other_noted(chat):
    text = plain(await chat.say("/underskott hsn"))
    for body, heads in heads_per_body(text).items():
        assert len(heads) == len(set(heads)), f"{body}: {heads}"
    assert text.count("Budget helår 2024") == 1
    budget = text[text.index("Budget helår 2024"):].split("\n\n")[0]
    assert budget.startswith("Budget helår 2024: −379 mnkr")
    assert "”Resultat -478 -379 -273 0”" in budget
    assert "Samma källa anger också −600 mnkr: ”Utgångspunkten inför budget 2024" in budget


# Two protocols of one nämnd that disagree about the 2024 forecast; the later one also names the
# koncern's result beside the nämnd's (parsed from the text, as a protocol states it).
SEPTEMBER_98 = """§ 98 Månadsuppföljning augusti 2024

Prognosen för helåret 2024 pekar på ett underskott på 565 mnkr.
Regionkoncernen redovisar ett resultat till och med augusti på -610 mnkr.
"""


def _protocol(day: date, number: int, figures: list[Figure]) -> ParsedDocument:
    return ParsedDocument(
        kind="protocol", organisation="Region Västernorrland", body="Hälso- och sjukvårdsnämnden", meeting_date=day,
        paragraphs=[Paragraph(number=number, title="Månadsuppföljning", dnr=f"24HSN{number}")], figures=figures)


@pytest.fixture
async def disagreeing_chat(sqlite_engine):
    may = _protocol(date(2024, 5, 8), 10, [
        Figure(paragraph=10, kind="prognos", value_mnkr=-480, period="2024",
               quote="Prognosen för helåret 2024 pekar på ett underskott på 480 mnkr.")])
    september = _protocol(date(2024, 9, 4), 98, extract_figures(SEPTEMBER_98, 98, date(2024, 9, 4)))
    for i, doc in enumerate([may, september]):
        with session(sqlite_engine) as s:
            store.ingest_document(s, doc, source_name=f"p{i}.txt", sha256=f"sha{i}")
    async for c in _chat(sqlite_engine):
        yield c


async def test_two_documents_that_disagree_give_one_line_and_both_values_with_their_dates(disagreeing_chat):
    text = plain(await disagreeing_chat.say("/underskott hsn"))
    heads = heads_per_body(text)["Hälso- och sjukvårdsnämnden"]
    assert heads == [("Utfall", "januari–augusti 2024 (koncernen)"), ("Prognos", "helår 2024")]
    prognos = text[text.index("Prognos helår 2024"):].split("\n\n")[0]
    assert prognos.startswith("Prognos helår 2024: −565 mnkr")
    assert "Källa: Hälso- och sjukvårdsnämnden 2024-09-04 § 98" in prognos
    assert "Tidigare uppgift: −480 mnkr (Hälso- och sjukvårdsnämnden 2024-05-08 § 10)" in prognos
    assert "”Prognosen för helåret 2024 pekar på ett underskott på 480 mnkr.”" in prognos
    assert "Utfall januari–augusti 2024 (koncernen): −610 mnkr" in text



@pytest.mark.parametrize(("value", "shown"), [(-277, "−277 mnkr"), (1234.5, "1\u00a0234,5 mnkr"),
                                              (-0.371, "−0,371 mnkr"), (4.4, "4,4 mnkr"), (-0.0, "0 mnkr")])
def test_an_amount_keeps_the_decimals_it_has(value, shown):
    # Överförmyndarnämnden 2018: "ett negativt resultat om 371 tkr" is not "−0,4 mnkr"
    from handlers.render import mnkr

    assert mnkr(value) == shown
