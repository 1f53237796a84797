"""Cleaning: page furniture out, broken words and sentences joined, nothing else changed.

Text extracted from a PDF protocol carries what every page repeats: the running header
("PROTOKOLL", the body's name in capitals, "Datum Dnr Sida", "2024-09-04 24HSN1 7(25)",
"Sida 2(15)"), the signature row ("Ordförandens sign Justerandens sign Exp den
Utdragsbestyrkande"), markdown emphasis, typographic hyphens, soft hyphens and ellipsis
leaders. Pages may be separated by "\\f" or, as in the seeds, the furniture may simply stand
inline wherever a page broke — so furniture is recognised by its shape, not by its position.

The running header also carries facts the parser needs (the meeting date, the body's name,
the dnr series). `extract_furniture` returns them from the *raw* text; `clean_text` drops
them. Both are pure; `knowledge.parse.parse_text` calls both, so the pipeline hands the
parser raw text.

A furniture block is a run of furniture and blank lines holding at least one unmistakable
furniture line (a "Datum Dnr Sida" label row, a page reference "7(25)", "PROTOKOLL", a
signature row). Weak lines (a lone date, a lone dnr, a line in capitals) go only inside such a
block. Where a block cut a sentence (the line before does not end a sentence and the line
after starts in lower case) the two halves are joined into one line again.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from knowledge.parse.bodies import find_bodies

_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u2212": "-"})
_PDF_BREAK = re.compile(r"[\ufffe\u0002]\s*\n?\s*")  # pypdfium2's marker of a word broken at a line end
# Blanks before the dots only from the start of their run: tried from inside a long run too, the
# run was rescanned from each of its characters. (A match never ends inside a run of blanks.)
_LEADER = re.compile(r"(?:(?<![ \t])[ \t]*)?[.…](?:[ \t]?[.…])+[ \t]*")
_ISO = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
_PAGE_REF = re.compile(r"^\d{1,3}\s?\(\s?\d{1,3}\s?\)$")  # 7(25)
_LABELS = {"datum", "dnr", "sida", "blad", "diarienummer", "sammanträdesdatum", "sid"}
_SIGN_WORDS = {
    "ordförandens", "ordförande", "sign", "sign.", "signatur", "justerandens", "justerandes", "justerare",
    "exp", "exp.", "den", "utdragsbestyrkande", "|", "expedierad",
}
_DNR_TOKEN = re.compile(r"^\d{2}[A-ZÅÄÖ]{1,6}\d{1,6}$|^[A-ZÅÄÖ]{1,6}\s?\d{1,6}[-/]\d{2,4}$")
_PAGE_LINE = re.compile(r"^(?:sida|blad)?\s*\d{1,3}\s*(?:\(\s*\d{1,3}\s*\)|av\s+\d{1,3})$", re.I)  # "Sida 3 av 12"
_HEADER_WORDS = re.compile(r"^(?:PROTOKOLL(?:SUTDRAG)?|SAMMANTRÄDESPROTOKOLL|UTDRAG UR PROTOKOLL)$")
_CAPS = re.compile(r"^[A-ZÅÄÖÉÜ][A-ZÅÄÖÉÜ\s\-,&/]*[A-ZÅÄÖÉÜ\-]$")
_TERMINAL = re.compile(r"[.!?:;”\"»)]\s*$")
_STRONG, _WEAK, _BLANK, _CONTENT = "strong", "weak", "blank", "content"


@dataclass(frozen=True)
class Furniture:
    """Facts read from the running headers before they are removed."""

    body: str | None = None  # the body's name as the header prints it, proper case
    date: date | None = None  # the most frequent header date (the meeting's)
    dnr: str | None = None  # the protocol's own dnr series ("24HSN1")
    pages: int | None = None  # "7(25)" → 25
    dates: list[date] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the header and footer lines themselves, once each


def _unbold(text: str) -> str:
    """Drop markdown emphasis; where it glued two things together ("1(15)**Tid:"), break the line."""
    out: list[str] = []
    pos = 0
    opened = False
    for m in re.finditer(r"\*{1,3}", text):
        out.append(text[pos:m.start()])
        before = text[m.start() - 1] if m.start() else "\n"
        after = text[m.end()] if m.end() < len(text) else "\n"
        if len(m.group(0)) == 1 and (before.isspace() and after.isspace()):
            out.append(m.group(0))  # a lone asterisk in prose ("5 * 3"), not emphasis
        elif opened:
            # closing marker: something glued right after it starts a new line
            if after not in " \t\n.,;:)!?" and before not in " \t\n":
                out.append("\n")
            opened = False
        else:
            if before not in " \t\n(\"”" and after not in " \t\n":
                out.append("\n")
            opened = True
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _unglue_labels(text: str) -> str:
    # "Maria ÖhmanDatum", "2024-08-28Dnr", "24HSN1Sida": header labels glued to the value before
    return re.sub(r"(?<=[a-zåäö0-9)])(Datum|Dnr|Sida)(?=\s|$)", r"\n\1", text)


def _classify(line: str) -> str:
    s = line.strip().strip("|").strip()
    if not s:
        return _BLANK
    if re.fullmatch(r"[-|\s:]{3,}", s):
        return _STRONG  # a markdown table rule under the signature row
    if _HEADER_WORDS.match(s) or _PAGE_LINE.match(s):
        return _STRONG
    tokens = s.split()
    lowered = [t.lower() for t in tokens]
    if any(t in ("sign", "utdragsbestyrkande") for t in lowered) and all(t in _SIGN_WORDS for t in lowered):
        return _STRONG
    if lowered == ["exp", "den"] or lowered == ["exp.", "den"]:
        return _STRONG
    has_label = has_page = False
    for tok, low in zip(tokens, lowered, strict=False):
        if low in _LABELS:
            has_label = True
        elif _PAGE_REF.match(tok) or (low.startswith("sida") and _PAGE_REF.match(tok[4:])):
            has_page = True
        elif _ISO.fullmatch(tok) or _DNR_TOKEN.match(tok):
            continue
        else:
            return _weak_or_content(s)
    if has_label or has_page:
        return _STRONG
    return _WEAK  # only dates and dnrs


def _weak_or_content(s: str) -> str:
    if _PAGE_REF.match(s.replace("Sida", "").strip()):
        return _STRONG
    if _CAPS.match(s) and len(re.sub(r"[^A-ZÅÄÖÉÜ]", "", s)) >= 4:
        return _WEAK  # the body's name in capitals
    return _CONTENT


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every furniture block: non-content runs holding a strong line."""
    kinds = [_classify(line) for line in lines]
    blocks = []
    i = 0
    while i < len(lines):
        if kinds[i] == _CONTENT:
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] != _CONTENT:
            j += 1
        strong = [k for k in range(i, j) if kinds[k] == _STRONG]
        if strong:
            # weak lines (capitals, a lone date) belong to the block only when they touch it: a
            # heading in capitals after a blank line ("BESLUT") is content
            start, end = strong[0], strong[-1] + 1
            while start > i and kinds[start - 1] == _WEAK:
                start -= 1
            while end < j and kinds[end] == _WEAK:
                end += 1
            blocks.append((start, end))
        i = j
    return blocks


def _continues(before: str, after: str) -> bool:
    """Does ``after`` carry on the sentence that ``before`` left unfinished?"""
    b, a = before.rstrip(), after.lstrip()
    if not b or not a or _TERMINAL.search(b[-1:]):  # the end only: ``before`` may be long
        return False
    if re.match(r"(?:att|o|-|•)\s", a) or a.startswith("§"):
        return False  # a new att-clause or list item is a line of its own
    return a[0].islower()


# A line being cleaned is kept as a list of pieces while page-broken parts are joined onto it:
# a text that breaks the same sentence thousands of times (hostile, or one word a page) would
# otherwise copy the growing line at every join, quadratic in its length.
Pieces = list[str]


def _join_into(line: Pieces, after: str) -> None:
    """Append ``after`` to ``line``, the sentence it continues (`_continues`)."""
    b, a = line[-1].rstrip(), after.lstrip()
    line[-1] = b
    if re.search(r"[A-Za-zÅÄÖåäö]-$", b[-2:]) and not re.match(r"(?:och|eller|samt|respektive|till)\b", a):
        line.append(a)  # "slutenvård-" + "verksamheterna"
    else:
        line.append(" " + a)


def _blank(line: Pieces) -> bool:
    return len(line) == 1 and not line[0].strip()  # a joined line is never blank


def _prepare(text: str) -> str:
    text = text.translate(_HYPHENS)
    text = _PDF_BREAK.sub("", text)
    text = _unbold(text)
    text = _unglue_labels(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean_page_text(lines: list[str]) -> list[Pieces]:
    blocks = _blocks(lines)
    out: list[Pieces] = []
    pos = 0
    for start, end in blocks:
        out.extend([ln] for ln in lines[pos:start])
        pos = end
        nxt = end
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        if nxt < len(lines):
            prev_i = len(out) - 1
            while prev_i >= 0 and _blank(out[prev_i]):
                prev_i -= 1
            if prev_i >= 0 and _continues(out[prev_i][-1], lines[nxt]):
                del out[prev_i + 1:]
                _join_into(out[prev_i], lines[nxt])
                pos = nxt + 1
                continue
            pos = nxt  # the blank lines around the block become one paragraph break
            if out and not _blank(out[-1]):
                out.append([""])
    out.extend([ln] for ln in lines[pos:])
    return out


def _join_page_gaps(lines: list[str]) -> list[str]:
    """A page break without furniture leaves two or more blank lines inside a sentence: close it."""
    out: list[Pieces] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and out and not _blank(out[-1]):
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j - i >= 2 and j < len(lines) and _continues(out[-1][-1], lines[j]):
                _join_into(out[-1], lines[j])
                i = j + 1
                continue
        out.append([line])
        i += 1
    return ["".join(pieces) for pieces in out]


# The lookbehind keeps the lazy prefix from ending inside a run of blanks: each such end would
# rescan the rest of the run (quadratic in a line of many blanks), and none can match.
_PAGED = re.compile(r"(?im)^([^\n]*?)(?<![ \t])[ \t]*\b(?:sida[ \t]+)?(\d{1,3})[ \t]?(?:\([ \t]?(\d{1,3})[ \t]?\)|av[ \t]+(\d{1,3}))"
                    r"[ \t]*$")


def _common_suffix(texts: list[str]) -> str:
    first = texts[0]
    n = 0
    while n < len(first) and all(len(t) > n and t[-1 - n] == first[-1 - n] for t in texts):
        n += 1
    suffix = first[len(first) - n:] if n else ""
    if any(len(t) > n and t[-1 - n].isalnum() for t in texts) and suffix[:1].isalnum():
        suffix = suffix[suffix.find(" ") + 1:] if " " in suffix else ""  # never start inside a word
    return suffix.strip()


def _paged_headers(text: str) -> tuple[str, list[str]]:
    """A running header that ends in a page number ("Stadsrevisionen, Rapportens titel 2 (5)"),
    recognised by the text it repeats before the page number on two or more pages; removed
    wherever it stands, also when glued to the end of a sentence."""
    lines = list(_PAGED.finditer(text))
    groups: dict[str, list[str]] = {}
    for m in lines:
        groups.setdefault(m.group(3) or m.group(4), []).append(m.group(1))
    patterns: dict[str, re.Pattern[str]] = {}
    for total, prefixes in groups.items():
        if len(prefixes) < 2:
            continue
        header = _common_suffix(prefixes)
        if len(header) < 6 or not re.search(r"[A-Za-zÅÄÖåäö]", header):
            continue
        patterns[total] = re.compile(re.escape(header) + r"[ \t]*(?:[Ss]ida[ \t]+)?\d{1,3}[ \t]?(?:\([ \t]?" + total
                                     + r"[ \t]?\)|av[ \t]+" + total + r")[ \t]*$")
    # Each header is looked for only in the lines that end in its page count — not in the whole
    # text once per count: a text of hundreds of counts was read hundreds of times.
    removed: dict[str, list[str]] = {total: [] for total in patterns}
    kept: list[str] = []
    pos = 0
    for m in lines:
        total = m.group(3) or m.group(4)
        found = patterns[total].search(m.group(0)) if total in patterns else None
        if found:
            removed[total].append(found.group(0))
            kept.append(text[pos:m.start() + found.start()])
            pos = m.start() + found.end()
    kept.append(text[pos:])
    return "".join(kept), [line for total in patterns for line in removed[total]]


# the numbers that change from page to page in a running header: the page ("3 (73)", "Sida 3 av
# 12", "3/12", a lone "3"); any other number (a dnr at the top of each §'s page) is the page's own
_PAGE_NUMBERS = re.compile(r"\bsida\s*\d{1,4}(?:\s*(?:/|av)\s*\d{1,4})?|\b\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|av\s+\d{1,4})"
                           r"|^\d{1,4}$", re.I)


def _edge_key(line: str) -> str:
    return _PAGE_NUMBERS.sub("#", re.sub(r"\s+", " ", line.strip()))


def _repeated_edges(pages: list[str]) -> set[str]:
    """Lines standing at the top or bottom of most pages, equal but for their numbers."""
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        for key in {_edge_key(ln) for ln in lines[:3] + lines[-3:]}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {
        key for key, n in counts.items()
        if n >= need and len(key) <= 120 and re.search(r"[A-Za-zÅÄÖåäö]{2}", key)
        and not re.match(r"(?:§|att\s|[•\-–o]\s)", key) and ":" not in key and not key.endswith((".", "!", "?"))
    }


def _strip_edges(pages: list[str]) -> tuple[list[str], list[str]]:
    keys = _repeated_edges(pages)
    if not keys:
        return pages, []
    removed: list[str] = []
    out = []
    for page in pages:
        lines = page.split("\n")
        content = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(content[:3] + content[-3:])
        kept = []
        for i, ln in enumerate(lines):
            if i in edge and _edge_key(ln) in keys:
                removed.append(ln)
                kept.append("")
            else:
                kept.append(ln)
        out.append("\n".join(kept))
    return out, removed


def clean_text(text: str, *, furniture: bool = True) -> str:
    """The document's text with page furniture removed and page-broken sentences whole again.

    ``furniture=False``: the text has no running headers left (a PDF laid out by
    `knowledge.layout`, which found them by their place on the page), so nothing is removed
    by its shape; sentences are joined across pages all the same.

    Idempotent: cleaning cleaned text changes nothing.
    """
    text = _prepare(text)
    if furniture:
        text, _ = _paged_headers(text)
        pages, _ = _strip_edges(text.split("\f"))
    else:
        pages = text.split("\f")
    # join across form feeds too: the last line of one page may continue on the next
    merged: list[Pieces] = []
    last = -1  # index of the last line in ``merged`` that is not blank
    for page in pages:
        lines = _clean_page_text(page.split("\n")) if furniture else [[ln] for ln in page.split("\n")]
        if merged and lines:
            first = next((n for n, ln in enumerate(lines) if not _blank(ln)), None)
            if last >= 0 and first is not None and _continues(merged[last][-1], "".join(lines[first])):
                del merged[last + 1:]
                _join_into(merged[last], "".join(lines[first]))
                lines = lines[first + 1:]
            else:
                merged.append([""])
        for line in lines:
            merged.append(line)
            if not _blank(line):
                last = len(merged) - 1
    joined = _join_page_gaps(["".join(pieces) for pieces in merged])
    return "\n".join(_drop_leaders(ln) if ("…" in ln or "...." in ln) else ln for ln in joined)


def _drop_leaders(line: str) -> str:
    """Ellipsis leaders ("Inledning ........ 3", a dotted signature line) go; a plain "..." stays."""

    def repl(m: re.Match) -> str:
        run = m.group(0)
        return " " if run.count(".") + 3 * run.count("…") >= 4 else run

    out = _LEADER.sub(repl, line)
    return "" if not out.strip() else out


def _proper(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    name = name.lower()
    return name[:1].upper() + name[1:]


def extract_furniture(text: str) -> Furniture:
    """The meeting date, body name, dnr series and page count that the running headers state."""
    text = _prepare(text)
    dates: list[date] = []
    text, headers = _paged_headers(text)
    pages, edges = _strip_edges(text.split("\f"))
    bodies: list[str] = []
    for line in headers + edges:
        for m in _ISO.finditer(line):
            with contextlib.suppress(ValueError):
                dates.append(date.fromisoformat(m.group(0)))
        bodies += [name for _, _, name in find_bodies(line)]  # "Göteborgs Stad Kommunfullmäktige, protokoll"
    lines = [ln for page in text.split("\f") for ln in page.split("\n")]
    dnrs: list[str] = []
    pages: list[int] = []
    for start, end in _blocks(lines):
        caps: list[str] = []
        caps_done = False
        for line in lines[start:end]:
            s = line.strip()
            for m in _ISO.finditer(s):
                with contextlib.suppress(ValueError):
                    dates.append(date.fromisoformat(m.group(0)))
            for tok in s.split():
                if _DNR_TOKEN.match(tok):
                    dnrs.append(tok)
                page = re.search(r"\(\s?(\d{1,3})\s?\)$", tok)
                if page and _PAGE_REF.match(tok):
                    pages.append(int(page.group(1)))
            if _classify(line) == _WEAK and _CAPS.match(s) and not _ISO.search(s) and not _HEADER_WORDS.match(s):
                if not caps_done:
                    caps.append(s)
            elif caps and s:
                caps_done = True
        if caps:
            joined = caps[0]
            for part in caps[1:]:
                if joined.endswith("-") and not re.match(r"(?:OCH|ELLER|SAMT)\b", part):
                    joined = joined[:-1] + part  # a word hyphenated at the line end
                else:
                    joined = joined + " " + part
            bodies.append(_proper(joined))
    return Furniture(
        body=_most_common(bodies),
        date=_most_common(dates),
        dnr=_most_common(dnrs),
        pages=max(pages) if pages else None,
        dates=dates,
        lines=list(dict.fromkeys(line.strip() for line in headers + edges if line.strip())),
    )


def furniture_facts(lines: list[str]) -> Furniture:
    """The facts a PDF's running headers and footers state (`knowledge.layout` took them out of
    the text): the body they name and the date they repeat."""
    joined = ""
    for line in lines:
        s = _proper(line) if line.isupper() else line.strip()  # "VÄLFÄRD- OCH SAMVERKANSUTSKOTTET"
        if joined.endswith("-") and not re.match(r"(?:och|eller|samt)\b", s):
            joined = joined[:-1] + s
        else:
            joined = f"{joined} {s}" if joined else s
    dates = []
    for m in _ISO.finditer(joined):
        with contextlib.suppress(ValueError):
            dates.append(date.fromisoformat(m.group(0)))
    bodies = [name for _, _, name in find_bodies(joined)]
    return Furniture(body=bodies[0] if bodies else None, date=_most_common(dates), dates=dates, lines=list(lines))


def _most_common(values: list):
    """The most frequent value, the first seen among equals (one pass: a hostile text may have
    thousands of distinct header dates)."""
    return Counter(values).most_common(1)[0][0] if values else None
