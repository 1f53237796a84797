"""Swedish dates in running text: "28 augusti 2024", "den 4 oktober", "2024-09-04".

Pure functions shared by every parser module that meets a date. A date without a year takes
``default_year`` (the meeting's year); without one either, it is not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_NAMES = {v: k for k, v in MONTHS.items()}
_ABBREV = {name[:3]: num for name, num in MONTHS.items()}

_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
_NAMED = re.compile(
    # "\s*(?::\s*)?e" is "\s*:?\s*e" without two ways to split a run of blanks (quadratic in it)
    r"\b(\d{1,2})(?:\s*(?::\s*)?e)?\s+(januari|februari|mars|april|maj|juni|juli|augusti|september|"
    r"oktober|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?"
    r"(?:\s+(\d{4}))?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    value: date
    year_given: bool


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or _ABBREV.get(word[:3])


def find_dates(text: str, default_year: int | None = None) -> list[FoundDate]:
    """Every date in ``text`` in order of appearance (ISO and Swedish written forms)."""
    found: list[FoundDate] = []
    for m in _ISO.finditer(text):
        try:
            found.append(FoundDate(m.start(), m.end(), date(int(m[1]), int(m[2]), int(m[3])), True))
        except ValueError:
            continue
    for m in _NAMED.finditer(text):
        month = _month(m[2])
        year = int(m[3]) if m[3] else default_year
        if month is None or year is None:
            continue
        try:
            found.append(FoundDate(m.start(), m.end(), date(year, month, int(m[1])), bool(m[3])))
        except ValueError:
            continue
    found.sort(key=lambda f: f.start)
    return found


def parse_swedish_date(text: str, default_year: int | None = None) -> date | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text, default_year)
    return dates[0].value if dates else None


def swedish(d: date) -> str:
    """"3 oktober 2024" — how a Swede writes a date in prose."""
    return f"{d.day} {MONTH_NAMES[d.month]} {d.year}"
