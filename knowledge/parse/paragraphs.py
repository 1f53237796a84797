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
from knowledge.parse.text import is_marked_heading, join_lines, strip_markup

# "§ 12 Title", and with a body's short name before it: "KS § 12", "Ks § 12", "HSNAU § 4"
_HEADER = re.compile(r"^(?:([A-ZÅÄÖ]{2,7}|[A-ZÅÄÖ][a-zåäö]{1,2})\s+)?§\s*(\d{1,4})\b\.?\s*(.*)$")
_NOT_PREFIX = {"Se", "Av", "Om", "Vid", "Enl", "Till", "Och", "Jfr", "Enligt", "Från", "Med", "Där", "Den", "Det"}
_FORTS = re.compile(r"^\(?\s*forts(?:\.|ättning)?\s*\)?\s*[.:]?\s*", re.I)
_DNR_LABEL_IN_TITLE = re.compile(r"[(\[]?\s*\b(?:dnr|diarienummer|diarienr)\.?\s*:?\s*(" + DNR_PATTERN_LOOSE.pattern
                                 + r")\s*[)\]]?", re.I)
_TRAILING_DNR = re.compile(r"(?:\s*[,–-]\s*|\s*\(\s*|\s{2,})(" + DNR_PATTERN.pattern + r")\s*\)?\s*$")
# headings that are also the title of a § of their own ("§ 36 Delgivningar")
_TITLE_HEADINGS = frozenset({"delgivningar", "noteras", "jäv", "ekonomiska konsekvenser", "bakgrund"})
# a record-plan code printed after the case number ("Dnr 00123/2021 2.6"): not part of it
_RECORD_CODE = re.compile(r"^\s+\d{1,2}(?:\.\d{1,2}){1,3}(?![\d.])")
_DNR_LABEL = re.compile(r"(?:ärendenummer|diarienummer|diarienr|dnr)\.?\s*(?::\s*)?", re.I)
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
    if "\t" in s[m.end(2):m.start(3)]:  # the number in a cell of its own (a laid-out contents line)
        return m
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


@dataclass(frozen=True)
class TocEntry:
    """A line of a table of contents: what the document announces before its paragraphs."""

    number: int
    title: str


@dataclass
class Split:
    preamble: list[str]  # the lines before the first §, the table of contents left out
    paragraphs: list[RawParagraph]
    toc: list[TocEntry] = field(default_factory=list)
    announced: range | None = None  # "Paragrafer §§111-122" on the cover
    appendix: list[str] = field(default_factory=list)  # "BILAGA 1" and what follows the last §


# "Paragrafer: §§111-122", "Paragrafer §116", or a line of its own "§§ 94–107"
_APPENDIX = re.compile(r"^\s*(?:#{1,6}\s+)?(?:BILAGA|Bilaga)\s+\d{1,3}\s*:?\s*$")
_ANNOUNCED = re.compile(r"^[^\S\n]*(?:paragrafer?[^\S\n]*:?[^\S\n]*)?§§?[^\S\n]*(\d{1,4})"
                        r"(?:[^\S\n]*[-–][^\S\n]*(\d{1,4}))?[^\S\n]*$", re.I | re.M)


def _announced(front: str) -> range | None:
    """The § numbers a cover announces; a "§§ 12-14" beside a person's name ("Anna Ek (S)
    §§ 12-14") says when that person attended, not what the protocol holds."""
    for m in _ANNOUNCED.finditer(front):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        if first <= last and (m.group(2) or "paragraf" in m.group(0).lower()):
            return range(first, last + 1)
    return None
_TOC_PAGE = re.compile(r"(?:\t|\s{2,})\d{1,3}\s*$")  # a page number right of a contents line


def _toc_runs(lines: list[str], headers: dict[int, int]) -> set[int]:
    """Indices of the lines that form a table of contents: § lines in rising order with nothing
    after each but a wrapped title line or two, their numbers standing again as headings later in
    the document (three entries or more: most of them; one or two: all). A § quoted in running
    text has text around it; a contents list has only its entries."""
    order = sorted(headers)
    last_seen = {number: i for i, number in sorted(headers.items())}  # where each number stands last
    out: set[int] = set()
    run: list[int] = []
    ends: dict[int, int] = {}  # entry → its last line (the entry and its wrapped title lines)

    def close() -> None:
        if run:
            again = sum(last_seen[headers[i]] > ends[run[-1]] for i in run)
            if again >= (0.6 * len(run) if len(run) >= 3 else len(run)):
                for i in run:
                    out.update(range(i, ends[i] + 1))
        run.clear()

    for k, i in enumerate(order):
        nxt = order[k + 1] if k + 1 < len(order) else len(lines)
        between = [j for j in range(i + 1, nxt) if lines[j].strip()]
        entry = len(between) <= 2 and not any(
            match_heading(strip_markup(lines[j])) or is_marked_heading(lines[j]) or len(lines[j]) > 120
            or re.search(r"[.:]\s*$", lines[j]) for j in between)
        if run and headers[i] <= headers[run[-1]]:
            close()
        if entry:
            ends[i] = between[-1] if between else i
            run.append(i)
        else:
            close()
    close()
    return out


def _sequence(lines: list[str], headers: dict[int, int], toc: set[int]) -> set[int]:
    """The header lines that start the document's paragraphs: the heaviest chain of rising §
    numbers, a header weighing more when text follows it. A list of § references inside a
    paragraph ("§ 27 …", "§ 28 …" one after the other) breaks the rise of the real headers
    that follow it, and its entries carry no text of their own, so the chain passes them by.
    Weighted longest increasing subsequence, by a Fenwick tree of prefix maxima over the
    numbers (a § number has at most four digits): linear-logarithmic in the headers."""
    candidates = [i for i in sorted(headers) if i not in toc]
    size = 10_001
    tree: list[tuple[float, int]] = [(0.0, 0)] * (size + 1)  # (score, -index of the chain's end)
    best: dict[int, float] = {}
    back: dict[int, int | None] = {}
    for k, i in enumerate(candidates):
        nxt = candidates[k + 1] if k + 1 < len(candidates) else len(lines)
        text = sum(1 for j in range(i + 1, min(nxt, i + 8)) if lines[j].strip())
        weight = 1.5 if text >= 3 else 1.0
        number = headers[i]
        found: tuple[float, int] = (0.0, 0)
        n = number  # prefix over numbers below this one (tree positions 1..number)
        while n > 0:
            found = max(found, tree[n])
            n -= n & -n
        best[i] = found[0] + weight
        back[i] = -found[1] if found[0] > 0 else None
        n = number + 1
        while n <= size:
            tree[n] = max(tree[n], (best[i], -i))
            n += n & -n
    if not best:
        return set()
    end = max(best, key=lambda i: (best[i], -i))
    chain: set[int] = set()
    at: int | None = end
    while at is not None:
        chain.add(at)
        at = back[at]
    return chain


def split_paragraphs(lines: list[str]) -> Split:
    """The lines before the first §, the paragraphs in order of first appearance, and the table
    of contents, if the document has one."""
    headers = {i: int(m.group(2)) for i, line in enumerate(lines) if (m := _is_header(line))}
    toc_lines = _toc_runs(lines, headers)
    body_start = next((i for i in sorted(headers) if i not in toc_lines), len(lines))
    # a list of § after the paragraphs began ("Föredragningar / § 27 … / § 28 …") refers to
    # paragraphs; only one before them is the document's contents
    for i in [i for i in toc_lines if i > body_start]:
        toc_lines.discard(i)
        headers.pop(i, None)
    front = "\n".join(line for i, line in enumerate(lines[:body_start]) if i not in toc_lines)
    announced = _announced(front)
    allowed = set(announced or ()) | {headers[i] for i in toc_lines if i in headers}
    if allowed:  # "§ 67 2026.142 KS Revidering …" in a list of messages is another body's §
        for i in [i for i in headers if headers[i] not in allowed and i not in toc_lines]:
            headers.pop(i)
    starts = _sequence(lines, headers, toc_lines)
    toc: list[TocEntry] = []
    preamble: list[str] = []
    paragraphs: list[RawParagraph] = []
    by_number: dict[int, RawParagraph] = {}
    checked: dict[int, int] = {}
    current: RawParagraph | None = None
    for i, line in enumerate(lines):
        if i in toc_lines:
            if i in headers:
                m = _is_header(line)
                toc.append(TocEntry(headers[i], _TOC_PAGE.sub("", _FORTS.sub("", m.group(3))).strip()))
            elif toc:  # a wrapped contents title
                toc[-1] = TocEntry(toc[-1].number, join_lines([toc[-1].title, _TOC_PAGE.sub("", line)]))
            continue
        m = _is_header(line) if i in headers else None
        if m and i not in starts and int(m.group(2)) not in by_number:
            m = None  # a § out of the document's sequence: a reference ("Föredragningar / § 27 …")
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
    appendix: list[str] = []
    if paragraphs:  # "BILAGA 1" after the last §: the protocol's appendices, no text of that §
        last = paragraphs[-1].lines
        cut = next((i for i, line in enumerate(last) if _APPENDIX.match(line)), None)
        if cut is not None:
            appendix, paragraphs[-1].lines = last[cut:], last[:cut]
    return Split(preamble, paragraphs, toc, announced, appendix)


def title_width(paragraphs: list[RawParagraph]) -> int | None:
    """How wide the document's titles run before they wrap, when titles stand on lines of their
    own: the longest of most first title lines. A title set in a larger type wraps before the body
    text does, so in text without blank lines a much longer line is no longer the title, and a
    line well short of the width is the title's last."""
    lengths = []
    for par in paragraphs:
        rest = _FORTS.sub("", DNR_PATTERN_LOOSE.sub("", _DNR_LABEL.sub("", par.header_rest, count=1), count=1)).strip()
        if rest:
            continue
        first = next((strip_markup(ln) for ln in par.lines if ln.strip()), "")
        if first and not is_marked_heading(first) and not match_heading(first) and not DNR_PATTERN.fullmatch(first):
            lengths.append(len(first))
    if len(lengths) < 5:
        return None
    lengths.sort()
    return lengths[int(0.9 * (len(lengths) - 1))]


# a title line cannot end in these: "… omsorgsnämnden om" / "att tillsätta …" is one title
_OPEN_END = re.compile(r"\b(?:om|för|av|att|till|och|i|på|med|från|gällande|avseende|inom|vid|mot|under|samt|kring|"
                       r"angående|efter|mellan|enligt|ang\.)$|[-–,]$", re.I)


def title_and_dnr(par: RawParagraph, width: int | None = None) -> tuple[str, str | None, int]:
    """The paragraph's title (wrapped lines joined), a dnr written in the header, and how many
    of ``par.lines`` the title used. ``width``: `title_width` of the document."""
    rest = _FORTS.sub("", par.header_rest).strip()
    dnr = None
    label = _DNR_LABEL.match(rest)  # "§ 271 Ärendenummer SLK-2024-00074"
    if label and DNR_PATTERN_LOOSE.match(rest, label.end()):
        rest = rest[label.end():]
    m = DNR_PATTERN_LOOSE.match(rest)
    if m:
        dnr = m.group(0)
        rest = _FORTS.sub("", _RECORD_CODE.sub("", rest[m.end():]).strip(" ,–-")).strip()
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
        if is_marked_heading(line) and not parts and (heading is None or heading.key in _TITLE_HEADINGS):
            # the title set as a heading (bold or large, its wrapped rows already one line)
            parts.append(s)
            used += 1
            break
        if heading and heading.kind == "label" and heading.key == "dnr" and not parts:
            # "§ 45 / Dnr 2024/00123 / Motion om …": the title comes after the dnr line
            found = DNR_PATTERN_LOOSE.search(heading.rest)
            if dnr is None and found:
                dnr = found.group(0)
            used += 1
            continue
        # the line before ends mid-phrase, or it ran the full width: the title wrapped
        open_end = bool(parts) and (_OPEN_END.search(parts[-1]) is not None
                                    or bool(width) and len(parts[-1]) >= 0.9 * width)
        if heading or (_TITLE_STOP.search(s) and not open_end) or len(parts) >= 5 or _is_header(s):
            break
        if width and parts and len(s) > 1.15 * width and not open_end:
            break  # a line of body text, wider than the titles run
        if parts and re.search(r"[.!?]$", s) and len(s) > 40:
            break  # a sentence, not a wrapped title: text without blank lines (PDF) goes on here
        if DNR_PATTERN.fullmatch(s.strip(" .")):  # a dnr on a line of its own, above or below the title
            if dnr is None:
                dnr = s.strip(" .")
            used += 1
            if parts:
                break
            continue
        parts.append(s)
        used += 1
        if width and len(s) < 0.5 * width and not _OPEN_END.search(s):
            break  # the title's last line: it stops well short of the width it wraps at
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
