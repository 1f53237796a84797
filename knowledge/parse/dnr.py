"""Diarienummer (case numbers) in every format Swedish public bodies use.

Seen in the wild: "24HSN2937" (year, series, number), "24RS3172", "20RS12911-11" (with a
document suffix), "HSN 656-2025" / "HSN 656/2025" (series, number, year), "Dnr HSN 2025/31",
"KS 2024/123" (series, year, number), "2026.034 BUN" (year, number, series), "SLK-2024-00074"
(series, year, number with dashes), and a bare "1379/22" or "00123/2021" standing right of a §
header or a "Dnr" label.
The store keys cases on `normalise_dnr`, the query layer asks `looks_like_dnr` whether a user
typed a case number or a title. Pure functions, no other module's knowledge.
"""

from __future__ import annotations

import re

_SERIES = r"[A-ZÅÄÖ]{1,6}"  # series letters are written in capitals; user input is matched ignoring case
# Order matters: the longer, more specific shapes come first so that a regex alternation
# never stops at a prefix ("HSN 656" of "HSN 656-2025").
_SHAPES = [
    rf"\d{{2}}\s?{_SERIES}\s?\d{{1,6}}(?:-\d{{1,3}})?",  # 24HSN2937, 24 hsn 2937, 20RS12911-11
    rf"{_SERIES}\s?\d{{1,6}}\s?[-/]\s?(?:19|20)\d{{2}}(?!\d)",  # HSN 656-2025, HSN 656/2025
    rf"{_SERIES}\s?(?:19|20)\d{{2}}\s?[-/]\s?\d{{1,6}}",  # HSN 2025/31, KS 2024/123
    rf"{_SERIES}[/\s]?(?:19|20)\d{{2}}[:.]\d{{1,6}}",  # KS/2024:123, KS 2024.123
    rf"{_SERIES}-(?:19|20)\d{{2}}-\d{{1,6}}(?::\d{{1,3}})?",  # SLK-2024-00074, SLK-2024-00218:3
    rf"(?:19|20)\d{{2}}\.\d{{1,6}}\s?{_SERIES}(?![a-zåäö])",  # 2026.034 BUN, 2018.210 KS
]
# only trusted next to a § or a "Dnr" label: 1379/22, 2024/00123
_BARE = r"(?:\d{1,6}/(?:\d{2}|\d{4})|(?:19|20)\d{2}/\d{1,6})(?!\d)"

#: A dnr somewhere in running text (word-bounded); the bare "1379/22" form is not included.
DNR_PATTERN = re.compile(r"(?<![\w/-])(?:" + "|".join(_SHAPES) + r")(?![\w/]|-\d)")
#: The labelled or §-adjacent forms, which may also be bare "number/year".
DNR_PATTERN_LOOSE = re.compile(r"(?<![\w/-])(?:" + "|".join(_SHAPES + [_BARE]) + r")(?![\w/]|-\d)")
_LABEL = re.compile(r"^\s*(?:diarienummer|diarienr|dnr)\b\.?\s*:?\s*", re.IGNORECASE)
_FULL = re.compile(r"(?:" + "|".join(_SHAPES + [_BARE]) + r")", re.IGNORECASE)
# Words that the series shape would accept but that are plain prose ("år 2024", "kl 09").
_NOT_SERIES = {
    "AR", "ÅR", "KL", "NR", "SID", "SIDA", "BIL", "BILAGA", "TILL", "OCH", "FÖR", "AV", "DEN", "OM",
    "I", "PÅ", "MED", "EJ", "VECKA", "V", "KV", "Q", "DAG", "PER", "CA", "UNDER",
    # series of laws, bills and government reports, not of a body's cases: "SOU 2023:58", "SFS 2010:900"
    "SOU", "SFS", "DS", "PROP", "TSFS", "BFS", "AFS", "HSLF", "FS", "KAP", "LAG",
}


def normalise_dnr(dnr: str) -> str:
    """One canonical key for a case number: "24 hsn 2937" → "24HSN2937", "HSN 656/2025" → "HSN656-2025".

    Upper case, no "Dnr"/"Diarienummer" label, no spaces, no separator between series and number,
    "/" → "-", no trailing punctuation.
    """
    text = _LABEL.sub("", dnr.strip())
    text = re.sub(r"\s+", "", text).upper()
    text = re.sub(r"(?<=[A-ZÅÄÖ])[-/](?=\d)", "", text).replace("/", "-")  # "KS/2024:123" = "KS 2024:123"
    text = text.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-")
    return text.strip(".,;:()")


def _series_ok(match: str) -> bool:
    letters = re.findall(r"[A-ZÅÄÖa-zåäö]+", match)
    return bool(letters) and letters[0].upper() not in _NOT_SERIES


def looks_like_dnr(text: str) -> bool:
    """True when ``text`` as a whole is a case number (with or without a "Dnr" label)."""
    body = _LABEL.sub("", text.strip()).strip(" .,;")
    if not body or len(body) > 40:
        return False
    if not _FULL.fullmatch(body):
        return False
    return "/" in body and not re.search(r"[A-Za-zÅÄÖåäö]", body) or _series_ok(body)


def find_dnrs(text: str, loose: bool = False) -> list[str]:
    """Every case number in ``text`` in order, as written (spaces kept)."""
    pattern = DNR_PATTERN_LOOSE if loose else DNR_PATTERN
    found = []
    for m in pattern.finditer(text):
        value = m.group(0).strip()
        if re.search(r"[A-Za-zÅÄÖåäö]", value) and not _series_ok(value):
            continue
        found.append(value)
    return found


def first_dnr(text: str, loose: bool = False) -> str | None:
    found = find_dnrs(text, loose)
    return found[0] if found else None
