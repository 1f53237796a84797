"""Swedish political parties: the one place that maps names and abbreviations to a code."""

from __future__ import annotations

import re

#: code → long names (definite and indefinite forms, as protocols write them)
PARTIES: dict[str, tuple[str, ...]] = {
    "S": ("socialdemokraterna", "socialdemokratiska arbetarepartiet", "arbetarepartiet-socialdemokraterna"),
    "M": ("moderaterna", "moderata samlingspartiet"),
    "C": ("centerpartiet",),
    "V": ("vänsterpartiet",),
    "L": ("liberalerna", "folkpartiet"),
    "KD": ("kristdemokraterna",),
    "SD": ("sverigedemokraterna",),
    "MP": ("miljöpartiet", "miljöpartiet de gröna"),
    "SJVP": ("sjukvårdspartiet", "sjukvårdspartiet västernorrland"),
    "D": ("demokraterna",),  # Göteborg's local party
}
_BY_NAME = {name: code for code, names in PARTIES.items() for name in names}
CODES = frozenset(PARTIES)
#: A party code or long name as it stands in running text (for regexes built elsewhere).
PARTY_ALTERNATION = "|".join(
    sorted([re.escape(c) for c in CODES] + [re.escape(n) for n in _BY_NAME], key=len, reverse=True)
)


def party_code(text: str | None) -> str | None:
    """"(S)" / "s" / "Centerpartiet" / "centerpartiets" → the code; anything else → None."""
    if not text:
        return None
    t = re.sub(r"[()\s]+", " ", text).strip()
    if t.upper() in CODES:
        return t.upper()
    low = t.lower()
    if low in _BY_NAME:
        return _BY_NAME[low]
    if low.endswith("s") and low[:-1] in _BY_NAME:  # genitive: "Centerpartiets ledamöter"
        return _BY_NAME[low[:-1]]
    return None
