"""Splitting a protocol into its paragraphs (§): header lines, titles, dnr, continuations.

A § header is "§ N" at the start of a line followed by the title (or nothing: the title is on
the next line), a dnr ("§ 16 1379/22 Title"), or "forts.". "§ 121." or "§53 om att …" that
continues running text is a reference: its rest starts in lower case. A header whose number was
already seen ("§ 16 1379/22 forts.", a repeated header after a page break) continues that
paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.parse.dnr import DNR_PATTERN, DNR_PATTERN_LOOSE, find_dnrs
from knowledge.parse.headings import match_heading
from knowledge.parse.text import join_lines, strip_markup

# "§ 12 Title", and with a body's short name before it: "KS § 12", "Ks § 12", "HSNAU § 4"
_HEADER = re.compile(r"^(?:([A-ZÅÄÖ]{2,7}|[A-ZÅÄÖ][a-zåäö]{1,2})\s+)?§\s*(\d{1,4})\b\.?\s*(.*)$")
_NOT_PREFIX = {"Se", "Av", "Om", "Vid", "Enl", "Till", "Och", "Jfr", "Enligt", "Från", "Med", "Där", "Den", "Det"}
_FORTS = re.compile(r"^\(?\s*forts(?:\.|ättning)?\s*\)?\s*[.:]?\s*", re.I)
_DNR_LABEL_IN_TITLE = re.compile(r"[(\[]?\s*\b(?:dnr|diarienummer|diarienr)\.?\s*:?\s*(" + DNR_PATTERN_LOOSE.pattern
                                 + r")\s*[)\]]?", re.I)
_TRAILING_DNR = re.compile(r"(?:\s*[,–-]\s*|\s*\(\s*|\s{2,})(" + DNR_PATTERN.pattern + r")\s*\)?\s*$")
_TITLE_STOP = re.compile(r"\b(?:beslutar|beslöt|föreslår)\b|^att\s", re.I)


@dataclass
class RawParagraph:
    number: int
    header_rest: str  # what stood right of "§ N" on the header line
    lines: list[str] = field(default_factory=list)  # every line after the header, continuations included
    header_lines: list[str] = field(default_factory=list)  # the header line(s) as written


def _is_header(line: str) -> re.Match | None:
    s = strip_markup(line)
    m = _HEADER.match(s)
    if not m or (m.group(1) and m.group(1) in _NOT_PREFIX):
        return None
    rest = m.group(3).strip()
    if rest[:1] in ",:;–-" and _FORTS.match(rest[1:].strip()):
        return m
    if not rest:
        return m
    if _FORTS.match(rest):
        return m
    if rest[0].isdigit():
        return m if DNR_PATTERN_LOOSE.match(rest) else None
    if rest[0].isupper() or rest[0] in "\"”«(":
        return m
    return None  # "§53 om att …": a reference inside a sentence


def _no_text_yet(par: RawParagraph, checked: dict[int, int]) -> bool:
    """Are all of ``par.lines`` blank? ``checked`` remembers where the search stopped (lines are
    only appended), so a header repeated thousands of times does not rescan its lines each time."""
    i = checked.get(par.number, 0)
    while i < len(par.lines) and not par.lines[i].strip():
        i += 1
    checked[par.number] = i
    return i == len(par.lines)


def split_paragraphs(lines: list[str]) -> tuple[list[str], list[RawParagraph]]:
    """(the lines before the first §, the paragraphs in order of first appearance)."""
    preamble: list[str] = []
    paragraphs: list[RawParagraph] = []
    by_number: dict[int, RawParagraph] = {}
    checked: dict[int, int] = {}
    current: RawParagraph | None = None
    for line in lines:
        m = _is_header(line)
        if m:
            number = int(m.group(2))
            rest = m.group(3).strip().lstrip(",:;–-").strip()
            if number in by_number and _no_text_yet(by_number[number], checked):
                # the first was an entry of a table of contents ("§ 94 Val av justerare 3"): this is the paragraph
                current = by_number[number]
                current.header_rest, current.header_lines = rest, [line]
                continue
            if number in by_number:
                # "§ 16 1379/22 forts." or the header repeated at a page top: continue that paragraph
                current = by_number[number]
                continued = _FORTS.sub("", DNR_PATTERN_LOOSE.sub("", rest, count=1).strip()).strip()
                first = _FORTS.sub("", DNR_PATTERN_LOOSE.sub("", current.header_rest, count=1).strip()).strip()
                if continued and continued != first:
                    current.lines.append(continued)
                continue
            if current is not None and number < current.number and paragraphs:
                # a lower number than the one we are in: a reference at a line start
                current.lines.append(line)
                continue
            current = RawParagraph(number=number, header_rest=rest, header_lines=[line])
            by_number[number] = current
            paragraphs.append(current)
            continue
        if current is None:
            preamble.append(line)
        else:
            current.lines.append(line)
    return preamble, paragraphs


def title_and_dnr(par: RawParagraph) -> tuple[str, str | None, int]:
    """The paragraph's title (wrapped lines joined), a dnr written in the header, and how many
    of ``par.lines`` the title used."""
    rest = _FORTS.sub("", par.header_rest).strip()
    dnr = None
    m = DNR_PATTERN_LOOSE.match(rest)
    if m:
        dnr = m.group(0)
        rest = _FORTS.sub("", rest[m.end():].strip(" ,–-")).strip()
    # a dnr standing at the right end of the header line ("Val av justerare    KS 2024/123")
    tail = re.search(r"(?<!\s)(?:\s{2,}|\t)(" + DNR_PATTERN_LOOSE.pattern + r")\s*$", rest)  # (?<!\s): see clean._LEADER
    if tail and dnr is None:
        dnr = tail.group(1)
        rest = rest[:tail.start()].strip()
    parts = [rest] if rest else []
    used = 0
    for line in par.lines:
        s = strip_markup(line)
        if not s:
            if parts:
                break
            used += 1
            continue
        heading = match_heading(s)
        if heading and heading.kind == "label" and heading.key == "dnr" and not parts:
            # "§ 45 / Dnr 2024/00123 / Motion om …": the title comes after the dnr line
            found = DNR_PATTERN_LOOSE.search(heading.rest)
            if dnr is None and found:
                dnr = found.group(0)
            used += 1
            continue
        if heading or _TITLE_STOP.search(s) or len(parts) >= 5 or _is_header(s):
            break
        if parts and re.search(r"[.!?]$", s) and len(s) > 40:
            break  # a sentence, not a wrapped title: text without blank lines (PDF) goes on here
        if DNR_PATTERN.fullmatch(s.strip(" .")):
            if dnr is None:
                dnr = s.strip(" .")
            used += 1
            break
        parts.append(s)
        used += 1
    title = join_lines(parts)
    labelled = _DNR_LABEL_IN_TITLE.search(title)
    if labelled:
        dnr = dnr or labelled.group(1)
        title = (title[:labelled.start()] + title[labelled.end():]).strip(" ,–-")
    trailing = _TRAILING_DNR.search(title)  # "Motion om cykelbanor (KS 2023/456)" / "…, KS 2023/456"
    if trailing and find_dnrs(trailing.group(1)):
        dnr = dnr or trailing.group(1)
        title = title[:trailing.start()].strip(" ,–-")
    title = re.sub(r"\s+([,.;:])", r"\1", title).strip()
    return title, dnr, used
