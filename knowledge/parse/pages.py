"""Where each § heading stands in the raw text: its page, so that an answer can say where to
look ("s. 7"), and the raw lines right under it, where parse health looks for a dnr that
cleaning or the parser lost.

A PDF's text (and some text files) separates pages with "\\f"; cleaning joins the pages into one
run of lines (and may drop a line it takes for a running header), so the heading is found in the
raw text: each paragraph's header line is looked up among the raw lines, in document order, after
the previous paragraph's header. A table of contents or a reference list repeats the same
"§ N …" line earlier; the header that opens the paragraph is the one followed by the
paragraph's own first lines. A document without page breaks has no page to cite.

The page cited is the one the reader sees: a text exported without its first pages still
prints "43 (73)" on the page that is the 41st here, so when the pages' own numbers say so
consistently, the printed number is cited.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from knowledge.parse.paragraphs import RawParagraph
from knowledge.parse.text import strip_markup

_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u2212": "-", "\ufffe": None, "\u0002": None})
_NUMBER = re.compile(r"§\s*(\d{1,4})\b")
_LOOK_AHEAD = 3  # lines after a header compared with the paragraph's first lines
_WINDOW = 4  # raw lines searched for each of them
_UNDER = 4  # raw lines kept from under a heading
# a page's own number at its top or bottom: "43 (73)", "Sida 7(25)", "24HSN1 7(25)", "3 av 12"
_PRINTED = re.compile(r"(?:^|\s)(?:sida\s+)?(\d{1,3})\s?(?:\(\s?(\d{1,3})\s?\)|av\s+(\d{1,3}))$", re.I)
_EDGE = 6  # lines at each end of a page where its number may stand
_NEXT_HEADER = re.compile(r"(?:\S{1,7}\s+)?§\s*\d")


@dataclass(frozen=True)
class Place:
    """Where a § heading stands: its page (None without page breaks) and the raw lines under it."""

    page: int | None
    under: list[str] = field(default_factory=list)


def _key(line: str) -> str:
    """A line as cleaning leaves it, for comparing: no markup, one space, one case."""
    return " ".join(strip_markup(line.translate(_HYPHENS)).split()).casefold()


def _same(raw: str, clean: str) -> bool:
    """``clean`` is the raw line, or the raw line with a page-broken continuation joined to it."""
    return bool(raw) and (clean == raw or clean.startswith(raw + " ") or clean.startswith(raw + "-"))


def _printed_offset(pages: list[str]) -> int:
    """How far the pages' printed numbers run ahead of their place in the text: the same
    difference on at least half of the pages (two or more), else 0."""
    offsets: Counter = Counter()
    for index, page in enumerate(pages, 1):
        content = [line.strip() for line in page.split("\n") if line.strip()]
        for line in content[:_EDGE] + content[-_EDGE:]:
            m = _PRINTED.search(line)
            if m and int(m.group(1)) <= int(m.group(2) or m.group(3)):
                offsets[int(m.group(1)) - index] += 1
                break
    if not offsets:
        return 0
    offset, count = offsets.most_common(1)[0]
    return offset if count >= max(2, len(pages) / 2) else 0


class _Keys:
    """The keys of the raw lines, each made when first asked for: a document of 300,000 lines
    has a few thousand headings and the lines right under them to compare."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._keys: list[str | None] = [None] * len(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> str:
        key = self._keys[i]
        if key is None:
            key = self._keys[i] = _key(self.lines[i])
        return key


def _followed_by(keys: _Keys, i: int, body: list[str]) -> bool:
    """Do the paragraph's first lines ``body`` follow line ``i``, in order, within a few lines
    and before another § heading? (Cleaning may have dropped a line between them, or joined two.)"""
    at = i + 1
    for line in body:
        for j in range(at, min(at + _WINDOW, len(keys))):
            if _same(keys[j], line):
                at = j + 1
                break
            if _NEXT_HEADER.match(keys[j]):
                return False
        else:
            return False
    return True


def _first_keys(lines: list[str], n: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        key = _key(line) if line.strip() else ""
        if key:
            out.append(key)
            if len(out) == n:
                break
    return out


def header_places(raw_text: str, paragraphs: list[RawParagraph]) -> dict[int, Place]:
    """§ number → where its header stands (1-based page; None when the text has no page breaks)."""
    pages = raw_text.split("\f")
    paged = len(pages) > 1
    offset = _printed_offset(pages) if paged else 0
    page_of: list[int] = []
    lines: list[str] = []
    for number, page in enumerate(pages, 1):
        for line in page.split("\n"):
            if line.strip():  # blank lines carry nothing to compare
                page_of.append(number)
                lines.append(line)
    keys = _Keys(lines)
    by_number: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        m = _NUMBER.search(keys[i][:24]) if "§" in line[:40] else None  # "§ 12", "KS § 12", "§12"
        if m:
            by_number.setdefault(int(m.group(1)), []).append(i)
    out: dict[int, Place] = {}
    cursor = 0
    for par in paragraphs:
        if not par.header_lines:
            continue
        header = _key(par.header_lines[0])
        body = _first_keys(par.lines, _LOOK_AHEAD)
        candidates = by_number.get(par.number, [])
        found = alone = first = None
        for i in candidates[bisect_left(candidates, cursor):]:
            if not _same(keys[i], header):
                continue
            first = i if first is None else first
            if body and _followed_by(keys, i, body):
                found = i
                break
            if alone is None and not (i + 1 < len(keys) and _NEXT_HEADER.match(keys[i + 1])):
                alone = i  # not one entry of a list of § lines (a table of contents)
        chosen = next((i for i in (found, alone, first) if i is not None), None)
        if chosen is not None:
            under = []
            for j in range(chosen + 1, min(chosen + 1 + _UNDER, len(lines))):
                if _NEXT_HEADER.match(keys[j]):
                    break  # the next §: what stands under it is not this one's
                under.append(lines[j])
            out[par.number] = Place(page_of[chosen] + offset if paged else None, under)
            cursor = chosen + 1
    return out
