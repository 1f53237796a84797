"""Queries the handlers call, on a store filled with the sample protocols (built by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge import queries as q
from knowledge.search import SNIPPET_END, SNIPPET_START
from knowledge.store import ingest_document
from tests.knowledge import store_docs as D


@pytest.fixture
def s(session):
    for sha, doc in [
        ("hsu", D.hsu_2024_08_28()),
        ("hsn", D.hsn_2024_09_04()),
        ("vsu", D.vsu_2022_05_04()),
        ("plan", D.plan_2024()),
    ]:
        ingest_document(session, doc, source_name=f"{sha}.txt", sha256=sha)
    return session


@pytest.mark.parametrize("arg", ["23HSN2705", "23 hsn 2705", "Dnr 23hsn2705", " 23HSN 2705 "])
def test_case_card_by_dnr_in_any_spacing(s, arg):
    found = q.lookup_case(s, arg)
    assert found.kind == "dnr" and found.card is not None
    card = found.card
    assert card.dnr == "23HSN2705" and card.title == D.T98
    steps = [(h.source.body_short, h.source.date, h.source.paragraph, h.is_proposal) for h in card.handlings]
    assert steps == [
        ("HSU", date(2024, 8, 28), 66, True),
        ("HSN", date(2024, 9, 4), 98, False),
    ]
    hsu, hsn = card.handlings
    assert hsu.abstentions == ["Pia Lundin (SJVP)", "Erica Stenberg (SD)"]
    assert len(hsn.reservations) == 6 and len(hsn.notes) == 1
    assert hsn.reservations[0].name == "Pia Lundin" and hsn.reservations[0].text == D.RES_TEXT
    assert hsn.notes[0].party == "V"
    assert hsn.decision == [D.D98]
    assert hsn.source.document == "hsn.txt"


def test_typo_in_a_dnr_gives_the_nearest_dnrs(s):
    found = q.lookup_case(s, "24HSN2973")
    assert found.kind == "dnr" and found.card is None
    assert found.candidates[0].dnr == "24HSN2937"
    assert found.candidates[0].score > found.candidates[1].score


def test_nearest_dnrs_across_series_when_the_series_is_wrong(s):
    assert q.nearest_dnrs(s, "23HNS1831")[0].dnr == "23HSN1831"  # a typo in the series letters


def test_nearest_dnrs_never_from_another_series(s):
    # "KS" is a series of its own, not a typo of "HSN": its numbers are no HSN case's
    assert q.nearest_dnrs(s, "KS-2023-00412") == []


@pytest.mark.parametrize(
    ("text", "dnr"),
    [
        ("tandvard mobila", "23HSN1831"),  # no diacritics, a prefix of a compound
        ("mobila tandvårdskliniken återrapport", "23HSN1831"),  # word order
        ("handlingsplan kostnadsreduceringar", "23HSN2705"),  # missing words
        ("digitaliseringstrategi", "24HSN3226"),  # a typo
        ("LÄKARES ARBETSVILLKOR primärvården", "24HSN2937"),
        ("etisk polisy", "22HSN1246"),
    ],
)
def test_fuzzy_title_with_one_clear_winner_opens_the_card(s, text, dnr):
    found = q.lookup_case(s, text)
    assert found.kind == "title"
    assert found.card is not None, found.candidates
    assert found.card.dnr == dnr


def test_ambiguous_words_give_scored_candidates(s):
    found = q.lookup_case(s, "tandvård")
    assert found.kind == "title" and found.card is None
    assert {c.dnr for c in found.candidates[:2]} == {"22HSN3175", "23HSN1831"}
    assert all(0 <= c.score <= 100 for c in found.candidates)


def test_unknown_words_and_empty_input(s):
    assert q.lookup_case(s, "").kind == "empty"
    assert q.lookup_case(s, "   ").kind == "empty"
    nothing = q.lookup_case(s, "xyzzy qwerty")
    assert nothing.card is None and nothing.candidates == []
    assert q.lookup_case(s, "99XYZ1").card is None
    long = q.lookup_case(s, "tandvård " * 800)
    assert long.kind == "title"


def test_case_by_id(s):
    card = q.lookup_case(s, "24HSN2937").card
    assert q.case_by_id(s, card.case_id) == card
    assert q.case_by_id(s, 10**9) is None


def test_latest_decisions_hide_routine_items(s):
    latest = q.latest_decisions(s, limit=3)
    assert [h.source.paragraph for h in latest] == [104, 102, 101]
    assert all(not h.routine for h in latest)
    with_routine = q.latest_decisions(s, limit=20, include_routine=True)
    assert any(h.routine for h in with_routine)


def test_reservations_newest_first_and_filtered(s):
    later = D.hsn_2024_09_04()
    later.meeting_date = date(2024, 10, 3)
    later.schedule_changes = []
    later.paragraphs = [p for p in later.paragraphs if p.number == 98]
    later.paragraphs[0].reservations = later.paragraphs[0].reservations[:1]
    ingest_document(s, later, source_name="oct.txt", sha256="oct")

    everything = q.reservations(s, limit=50)
    assert len(everything) == 7
    assert everything[0].source.date == date(2024, 10, 3)
    assert [r.source.date for r in everything] == sorted((r.source.date for r in everything), reverse=True)
    assert len(q.reservations(s, party="SJVP", limit=50)) == 4
    assert len(q.reservations(s, party="sd")) == 2
    assert {r.name for r in q.reservations(s, person="Lundin")} == {"Pia Lundin"}
    assert len(q.reservations(s, dnr="23 hsn 2705", limit=50)) == 7
    assert len(q.reservations(s, since=date(2024, 9, 5))) == 1
    assert len(q.reservations(s, until=date(2024, 9, 4), limit=50)) == 6
    assert q.reservations(s, party="SJVP", since=date(2025, 1, 1)) == []
    assert len(q.reservations(s, limit=3)) == 3

    first = everything[0]
    assert first.case_dnr == "23HSN2705" and first.case_title == D.T98
    assert q.reservation(s, first.id) == first
    assert q.reservation(s, 10**9) is None


def test_notes_filtered(s):
    found = q.notes(s, party="V")
    assert len(found) == 1
    assert found[0].name == "Nina Orefjärd" and found[0].kind == "protokollsanteckning"
    assert found[0].text == D.NOTE_TEXT
    assert q.notes(s, party="M") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SJVP", ("party", "SJVP")),
        ("sd", ("party", "SD")),
        ("Sjukvårdspartiet", ("party", "SJVP")),
        ("kristdemokraterna", ("party", "KD")),
        ("Pia Lundin", ("person", "Pia Lundin")),
        ("pia lundn", ("person", "Pia Lundin")),
        ("Orefjard", ("person", "Nina Orefjärd")),
        ("23 hsn 2705", ("dnr", "23HSN2705")),
        ("", ("none", "")),
        ("vad som helst", ("none", "")),
    ],
)
def test_filter_kind(s, text, expected):
    assert q.filter_kind(s, text) == expected


def test_bodies_with_short_names(s):
    assert {(b.name, b.short) for b in q.bodies(s)} == {
        (D.HSN, "HSN"), (D.HSU, "HSU"), (D.VSU, "VSU"),
    }


@pytest.mark.parametrize(
    ("text", "shorts"),
    [
        ("hsn", {"HSN"}),
        ("HSU", {"HSU"}),
        ("nämnden", {"HSN"}),
        ("utskottet", {"HSU", "VSU"}),
        ("hälso", {"HSN", "HSU"}),
        ("halso- och sjukvardsnamnden", {"HSN"}),
        ("Hälso och sjukvårdsnämden", {"HSN"}),
        ("välfärd", {"VSU"}),
        ("zzz", set()),
    ],
)
def test_find_bodies(s, text, shorts):
    assert {b.short for b in q.find_bodies(s, text)} == shorts


def test_next_meetings_show_the_moved_meeting_with_its_decision(s):
    upcoming = q.next_meetings(s, date(2024, 9, 10))
    assert len(upcoming) == 1
    m = upcoming[0]
    assert (m.body.short, m.date, m.moved_from) == ("HSN", date(2024, 10, 3), date(2024, 10, 4))
    assert (m.moved_by.body_short, m.moved_by.date, m.moved_by.paragraph) == ("HSN", date(2024, 9, 4), 104)
    assert "3 oktober" in m.moved_quote

    hsn = m.body.id
    assert [x.date for x in q.next_meetings(s, date(2024, 9, 1), body_id=hsn)] == [date(2024, 9, 4)]
    before = {x.body.short: x.date for x in q.next_meetings(s, date(2024, 8, 1))}
    assert before == {"HSU": date(2024, 8, 28), "HSN": date(2024, 9, 4)}
    assert q.next_meetings(s, date(2025, 1, 1)) == []
    assert [(x.date, x.status) for x in q.meetings(s, hsn)] == [
        (date(2024, 9, 4), "held"), (date(2024, 10, 3), "planned"),
    ]
    assert [x.date for x in q.meetings(s, hsn, since=date(2024, 10, 1))] == [date(2024, 10, 3)]


def test_figure_reports_latest_first_with_budget_and_series(s):
    later = D.hsn_2024_09_04()
    later.meeting_date = date(2024, 10, 3)
    later.paragraphs, later.schedule_changes = [], []
    later.figures = [D.Figure(kind="prognos", value_mnkr=-590, period="2024",
                              quote="prognosen för helåret är -590 mnkr")]
    ingest_document(s, later, source_name="oct.txt", sha256="oct")

    reports = q.figure_reports(s)
    assert [r.body.short for r in reports] == ["HSN", "HSU"]
    hsn = reports[0]
    latest = {f.kind: f for f in hsn.latest}
    assert latest["prognos"].value_mnkr == -590 and latest["prognos"].source.date == date(2024, 10, 3)
    assert latest["utfall"].value_mnkr == -277 and latest["utfall"].source.paragraph == 97
    assert "-277 mnkr" in latest["utfall"].quote
    assert [f.value_mnkr for f in hsn.series["prognos"]] == [-565, -590]  # oldest first
    assert [(f.kind, f.value_mnkr) for f in hsn.budget] == [("budget", -379), ("tillatet_underskott", -70)]
    assert hsn.budget[0].source.document == "plan.txt"

    only_hsu = q.figure_reports(s, body_id=reports[1].body.id)
    assert len(only_hsu) == 1 and only_hsu[0].latest[0].value_mnkr == -565
    assert q.figure_reports(s, year=2023) == []
    assert q.figure_reports(s, year=2024)[0].body.short == "HSN"


def test_full_text_search_with_snippets(s):
    hits = q.full_text(s, "vårdplatser")
    assert [(h.source.body_short, h.source.paragraph) for h in hits] == [("HSN", 98)]
    assert f"{SNIPPET_START}vårdplatser{SNIPPET_END}" in hits[0].snippet
    assert hits[0].dnr == "23HSN2705" and hits[0].case_id is not None

    without_diacritics = {(h.source.body_short, h.source.paragraph) for h in q.full_text(s, "tandvard", limit=10)}
    assert ("HSN", 102) in without_diacritics
    both = q.full_text(s, "mobila tandvårdskliniken", limit=10)
    assert {h.dnr for h in both} == {"23HSN1831"}
    assert q.full_text(s, "") == []
    assert q.full_text(s, "ordsomintefinns") == []
    assert isinstance(q.full_text(s, '"; DROP TABLE paragraphs; -- * AND OR NEAR('), list)
    assert q.stats(s).paragraphs == 14


def test_stats(s):
    st = q.stats(s)
    assert (st.documents, st.paragraphs, st.bodies) == (4, 14, 3)
    assert st.cases == 8 and st.last_ingest is not None
