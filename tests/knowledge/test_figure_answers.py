"""The /underskott answer: at most one figure per body, kind, period and entity; when sources
disagree, the newest with the others noted (with their sources), the body's own name folded in,
another body's result left out."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge import queries as q
from knowledge.parse.model import Figure, Paragraph, ParsedDocument
from knowledge.store import ingest_document

HSN = "Hälso- och sjukvårdsnämnden"
PROGNOS_MAY = "Prognosen för helåret 2024 pekar på ett underskott på 480 mnkr."
PROGNOS_SEP = ("Den senaste analysen av det ekonomiska utrymmet visar att prognosen som bedömdes i maj pekar på "
               "ett underskott för 2024 på – 565 mnkr, vilket är -115 mnkr sämre jämfört med beslutad budget.")


def _protocol(day: date, number: int, figures: list[Figure], body: str = HSN) -> ParsedDocument:
    return ParsedDocument(kind="protocol", organisation="Region Västernorrland", body=body, meeting_date=day,
                          paragraphs=[Paragraph(number=number, title="Månadsuppföljning", dnr=f"24HSN{number}")],
                          figures=[f.model_copy(update={"paragraph": number}) for f in figures])


def _plan() -> ParsedDocument:
    """The plan's sentence (the starting point before measures) and its table row, as parsed."""
    return ParsedDocument(kind="plan", title="Verksamhetsplan med budget 2024–2026", body=HSN, figures=[
        Figure(kind="budget", value_mnkr=-600, period="2024",
               quote="Utgångspunkten inför budget 2024 är att det samlade resultatet visar på ett underskott på "
                     "ca -600 miljoner kronor (mnkr)."),
        Figure(kind="budget", value_mnkr=-379, period="2024", quote="Resultat -478 -379 -273 0"),
        Figure(kind="budget", value_mnkr=-273, period="2025", quote="Resultat -478 -379 -273 0"),
    ])


@pytest.fixture
def s(session):
    for sha, doc in [
        ("may", _protocol(date(2024, 5, 8), 10, [
            Figure(kind="prognos", value_mnkr=-480, period="2024", quote=PROGNOS_MAY),
            Figure(kind="utfall", value_mnkr=-150, period="2024-01..2024-04", quote="Utfallet … -150 mnkr."),
        ])),
        ("sep", _protocol(date(2024, 9, 4), 98, [
            Figure(kind="prognos", value_mnkr=-565, period="2024", quote=PROGNOS_SEP),
            Figure(kind="budgetavvikelse", value_mnkr=-115, period="2024", quote=PROGNOS_SEP),
            # the body's own name in the text ("Hälso- och sjukvårdsnämnden redovisar …"): the body itself
            Figure(kind="utfall", value_mnkr=-277, period="2024-01..2024-07", quote="… -277 mnkr.", entity=HSN),
            Figure(kind="utfall", value_mnkr=-40, period="2024-01..2024-07", quote="… -40 mnkr.",
                   entity="Regionstyrelsen"),  # another body's result: a part, not the nämnd's
            Figure(kind="utfall", value_mnkr=12, period="2024-01..2024-07", quote="Koncernen … 12 mnkr.",
                   entity="koncernen"),
        ])),
        ("plan", _plan()),
    ]:
        ingest_document(session, doc, source_name=f"{sha}.txt", sha256=sha)
    return session


def keys(views):
    return [(v.kind, v.period, v.entity) for v in views]


def test_one_answer_per_kind_period_and_entity(s):
    [report] = q.figure_reports(s)
    assert len(keys(report.latest)) == len(set(keys(report.latest)))
    assert len(keys(report.budget)) == len(set(keys(report.budget)))
    latest = {(v.kind, v.period, v.entity): v for v in report.latest}
    assert set(latest) == {("utfall", "2024-01..2024-07", None), ("utfall", "2024-01..2024-07", "koncernen"),
                           ("prognos", "2024", None), ("budgetavvikelse", "2024", None)}
    assert latest[("utfall", "2024-01..2024-07", None)].value_mnkr == -277
    assert latest[("utfall", "2024-01..2024-07", "koncernen")].value_mnkr == 12


def test_disagreeing_documents_give_the_newest_with_the_other_and_its_date(s):
    [report] = q.figure_reports(s)
    [prognos] = [v for v in report.latest if v.kind == "prognos"]
    assert (prognos.value_mnkr, prognos.source.date, prognos.source.paragraph) == (-565, date(2024, 9, 4), 98)
    assert [(o.value_mnkr, o.source.date, o.source.paragraph, o.quote) for o in prognos.others] == [
        (-480, date(2024, 5, 8), 10, PROGNOS_MAY)]


def test_one_document_giving_two_values_answers_with_the_later_statement(s):
    [report] = q.figure_reports(s)
    budget_2024 = [v for v in report.budget if v.period == "2024"]
    assert [(v.value_mnkr, v.quote) for v in budget_2024] == [(-379, "Resultat -478 -379 -273 0")]
    [other] = budget_2024[0].others
    assert other.value_mnkr == -600 and other.source == budget_2024[0].source
    assert other.quote.startswith("Utgångspunkten inför budget 2024")


def test_series_for_the_chart_hold_only_the_bodys_own_figures(s):
    [report] = q.figure_reports(s)
    assert [v.value_mnkr for v in report.series["utfall"]] == [-150, -277]
    assert [v.value_mnkr for v in report.series["prognos"]] == [-480, -565]


def test_agreeing_sources_are_no_disagreement(session):
    for sha, day in [("a", date(2024, 8, 28)), ("b", date(2024, 9, 4))]:
        ingest_document(session, _protocol(day, 66, [Figure(kind="prognos", value_mnkr=-565, period="2024",
                                                            quote=PROGNOS_SEP)]), source_name=sha, sha256=sha)
    [report] = q.figure_reports(session)
    [prognos] = report.latest
    assert prognos.source.date == date(2024, 9, 4) and prognos.others == ()
