"""Swedish political parties: the one place that maps names and abbreviations to a code.

The fixed list holds the parties every protocol may name. A local party ("Sjöbopartiet (SJP)",
"(-)" for a member without party) is a party only in the document that shows it to be one: the
document's parse runs inside `local_parties(...)` with the codes `people.document_parties`
found there, and `party_code` knows them for that parse alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
#: What a local party's code may look like in "Name (CODE)": "SJP", "SjP", "KV", "-" (no party).
#: A word in parentheses after a name ("(Ekonom)", "(kommunsekreterare)") is a role, not a party.
CODE_SHAPE = r"-|[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,5}"

_LOCAL: ContextVar[frozenset[str]] = ContextVar("local_parties", default=frozenset())


def looks_like_code(text: str) -> bool:
    """"SJP", "SjP", "-": at least half of the letters capitals ("Ekonom" is a word)."""
    if text == "-":
        return True
    if not re.fullmatch(CODE_SHAPE, text):
        return False
    return 2 * sum(ch.isupper() for ch in text) >= len(text)


def local_codes() -> frozenset[str]:
    """The local parties of the document being parsed (none outside a parse)."""
    return _LOCAL.get()


@contextmanager
def local_parties(codes: Iterable[str]) -> Iterator[None]:
    """Know ``codes`` as parties while the block runs (one document's parse)."""
    token = _LOCAL.set(frozenset(codes))
    try:
        yield
    finally:
        _LOCAL.reset(token)


def party_code(text: str | None) -> str | None:
    """"(S)" / "s" / "Centerpartiet" / "centerpartiets" → the code; a local party of the document
    being parsed → its code as printed; anything else → None."""
    if not text:
        return None
    t = re.sub(r"[()\s]+", " ", text).strip()
    if t.upper() in CODES:
        return t.upper()
    if t in _LOCAL.get():
        return t
    low = t.lower()
    if low in _BY_NAME:
        return _BY_NAME[low]
    if low.endswith("s") and low[:-1] in _BY_NAME:  # genitive: "Centerpartiets ledamöter"
        return _BY_NAME[low[:-1]]
    return None
