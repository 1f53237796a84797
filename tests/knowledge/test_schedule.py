"""Schedule changes in decision att-clauses."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.parse.schedule import extract_schedule_changes

HSN = "Hälso- och sjukvårdsnämnden"
MEETING = date(2024, 9, 4)


def test_seed_clause_moves_the_nämnd_meeting():
    # hsn-2024-09-04 § 104, as the parser hands over the decision
    changes = extract_schedule_changes("att flytta nämndens sammanträde 4 oktober till den 3 oktober.", 104, MEETING, HSN)
    assert len(changes) == 1
    change = changes[0]
    assert (change.body, change.from_, change.to, change.paragraph) == (HSN, date(2024, 10, 4), date(2024, 10, 3), 104)
    assert change.quote == "att flytta nämndens sammanträde 4 oktober till den 3 oktober."
    assert not change.cancelled
    assert change.model_dump(mode="json", by_alias=True)["from"] == "2024-10-04"


@pytest.mark.parametrize(("clause", "old", "new"), [
    ("att flytta sammanträdet den 12 mars 2025 till den 19 mars 2025", date(2025, 3, 12), date(2025, 3, 19)),
    ("att sammanträdet 4 oktober flyttas till 3 oktober", date(2024, 10, 4), date(2024, 10, 3)),
    ("att ändra datum för nämndens sammanträde från den 4 oktober till den 3 oktober",
     date(2024, 10, 4), date(2024, 10, 3)),
    ("att flytta sammanträdet den 2024-11-20 till den 2024-11-27", date(2024, 11, 20), date(2024, 11, 27)),
])
def test_move_variants(clause, old, new):
    [change] = extract_schedule_changes(clause, 5, MEETING, HSN)
    assert (change.body, change.from_, change.to) == (HSN, old, new)


def test_date_before_the_meeting_without_year_is_next_year():
    [change] = extract_schedule_changes("att flytta sammanträdet 15 januari till 22 januari", 7, date(2024, 12, 10), HSN)
    assert (change.from_, change.to) == (date(2025, 1, 15), date(2025, 1, 22))


def test_year_written_once_serves_both_dates():
    [change] = extract_schedule_changes("att flytta sammanträdet 15 januari 2026 till 22 januari", 7, MEETING, HSN)
    assert (change.from_, change.to) == (date(2026, 1, 15), date(2026, 1, 22))


def test_without_meeting_date_a_yearless_date_is_not_guessed():
    assert extract_schedule_changes("att flytta sammanträdet 4 oktober till 3 oktober", 1, None, HSN) == []


def test_cancellation():
    [change] = extract_schedule_changes("att ställa in sammanträdet den 5 december", 9, MEETING, HSN)
    assert change.cancelled
    assert (change.from_, change.to, change.body) == (date(2024, 12, 5), None, HSN)


def test_extra_meeting():
    [change] = extract_schedule_changes("att lägga till ett extra sammanträde den 20 november", 9, MEETING, HSN)
    assert (change.from_, change.to, change.cancelled) == (None, date(2024, 11, 20), False)


def test_whose_meeting():
    clauses = "\n".join([
        "att flytta utskottets sammanträde 4 oktober till 3 oktober",
        "att flytta hälso- och sjukvårdsutskottets sammanträde 10 oktober till 11 oktober",
        "att flytta regionstyrelsens sammanträde 14 oktober till 15 oktober",
    ])
    changes = extract_schedule_changes(clauses, 3, MEETING, HSN)
    # a bare "utskottets" decided by a nämnd: which utskott is not said
    assert [c.body for c in changes] == [None, "Hälso- och sjukvårdsutskottet", "Regionstyrelsen"]
    [own] = extract_schedule_changes("att flytta utskottets sammanträde 4 oktober till 3 oktober", 3, MEETING,
                                     "Hälso- och sjukvårdsutskottet")
    assert own.body == "Hälso- och sjukvårdsutskottet"


@pytest.mark.parametrize("clause", [
    "att lägga informationen till handlingarna.",
    "att fastställa sammanträdesplan för 2025.",
    "att flytta sammanträdet till den 3 oktober",  # the old date is not said
    "att ge direktören i uppdrag att återkomma till nämndens sammanträde den 3 oktober",
])
def test_not_a_schedule_change(clause):
    assert extract_schedule_changes(clause, 1, MEETING, HSN) == []


def test_moved_with_i_stället():
    [change] = extract_schedule_changes("att sammanträdet den 4 oktober i stället hålls den 3 oktober", 2, MEETING, HSN)
    assert (change.from_, change.to) == (date(2024, 10, 4), date(2024, 10, 3))


def test_two_meetings_moved_respektive():
    clause = "att flytta sammanträdena den 4 oktober och den 8 november till den 3 oktober respektive den 7 november"
    changes = extract_schedule_changes(clause, 2, MEETING, HSN)
    assert [(c.from_, c.to) for c in changes] == [(date(2024, 10, 4), date(2024, 10, 3)),
                                                  (date(2024, 11, 8), date(2024, 11, 7))]


def test_several_cancelled_or_added():
    cancelled = extract_schedule_changes("att nämndens sammanträden den 5 december och 12 december utgår", 2, MEETING, HSN)
    assert [(c.from_, c.to, c.cancelled) for c in cancelled] == [(date(2024, 12, 5), None, True),
                                                                 (date(2024, 12, 12), None, True)]
    added = extract_schedule_changes("att hålla ett extra sammanträde den 20 november 2024", 2, MEETING, HSN)
    assert [(c.from_, c.to) for c in added] == [(None, date(2024, 11, 20))]


@pytest.mark.parametrize("clause", [
    "att ändra tiden för sammanträdet den 4 oktober till kl. 13.00",  # same day, another hour
    "att sammanträdet den 4 oktober flyttas från Härnösand till Sundsvall",
    "att bordlägga ärendet till nämndens sammanträde den 3 oktober",
    "att från den 1 januari 2025 till den 30 juni 2025 ändra arvodet per sammanträde",
])
def test_not_a_date_change(clause):
    assert extract_schedule_changes(clause, 1, MEETING, HSN) == []
