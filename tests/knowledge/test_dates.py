from datetime import date

from knowledge.parse.dates import find_dates, parse_swedish_date, swedish


def test_written_date_with_year():
    assert parse_swedish_date("Hälso- och sjukvårsutskottet den 28 augusti 2024 § 66.") == date(2024, 8, 28)


def test_date_without_year_takes_meeting_year():
    found = find_dates("att flytta nämndens sammanträde 4 oktober till den 3 oktober.", 2024)
    assert [f.value for f in found] == [date(2024, 10, 4), date(2024, 10, 3)]
    assert not found[0].year_given


def test_date_without_year_and_no_context_is_not_guessed():
    assert parse_swedish_date("den 3 oktober") is None


def test_iso_and_invalid():
    assert parse_swedish_date("2024-09-04 24HSN1 7(25)") == date(2024, 9, 4)
    assert parse_swedish_date("31 februari 2024") is None


def test_swedish_rendering():
    assert swedish(date(2024, 10, 3)) == "3 oktober 2024"
