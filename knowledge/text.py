"""Text rules every layer shares: `fold`, the one key for comparing what people write.

Pure and dependency-free, so the parser, the store and the queries use the same rule without
the parser importing the store (`knowledge.search` re-exports it for its callers).
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")
_NO_DECOMPOSITION = (("æ", "ae"), ("ø", "o"), ("ß", "ss"), ("ł", "l"), ("đ", "d"), ("_", " "))


def fold(value: str | None) -> str:
    """NFC, casefold, no diacritics (å ä → a, ö → o), words separated by single spaces."""
    if not value:
        return ""
    value = _NON_WORD.sub(" ", unicodedata.normalize("NFC", value).casefold())
    if not value.isascii():
        for letter, plain in _NO_DECOMPOSITION:
            if letter in value:
                value = value.replace(letter, plain)
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(value.split())
