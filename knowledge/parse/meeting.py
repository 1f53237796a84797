"""Facts about the meeting and the document: kind, organisation, time, place, chair, date."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date

from knowledge.identity import organisation_name
from knowledge.parse.dates import find_dates
from knowledge.parse.people import NAME
from knowledge.parse.text import strip_markup

_PLAN_WORDS = re.compile(
    r"\b(verksamhetsplan(?:en)?|delårsrapport(?:en)?|årsredovisning(?:en)?|årsrapport(?:en)?|"
    r"verksamhetsberättelse(?:n)?|månadsrapport(?:en)?|budget\s+\d{4}|regionplan(?:en)?|"
    r"handlingsplan(?:en)?|strategi(?:n)?|tertialrapport(?:en)?|bokslut(?:et)?|rapportsammandrag(?:et)?|"
    r"revisionsrapport(?:en)?|granskningsrapport(?:en)?|uppföljningsrapport(?:en)?)\b",
    re.I,
)
_TIME = re.compile(r"\b(?:kl\.?|klockan)?\s*(\d{1,2})[.:](\d{2})\s*(?:[-–]|till)\s*(\d{1,2})[.:](\d{2})\b")
_ORG = re.compile(
    r"\b(Region\s+[A-ZÅÄÖ][a-zåäö]{1,40}(?:\s+[A-ZÅÄÖ][a-zåäö]{1,40})?|[A-ZÅÄÖ][a-zåäö]{1,40}\s+kommuns?|"
    r"Landstinget\s+[A-ZÅÄÖ][a-zåäö]{1,40}|[A-ZÅÄÖ][a-zåäö]{1,40}s\s+läns\s+landsting|[A-ZÅÄÖ][a-zåäö]{1,40}s?\s+Stads?)\b"
)
_NOT_ORG_WORDS = {"region", "regionen"}
_DATE_LABEL = re.compile(r"^(?:datum|tid|sammanträdesdatum|sammanträdesdag|mötesdatum|plats och tid|tid och plats)\b",
                         re.I)


def document_kind(has_paragraphs: bool, text: str) -> str:
    if has_paragraphs:
        return "protocol"
    head = text[:3000]
    if _PLAN_WORDS.search(head) or len(_PLAN_WORDS.findall(text)) >= 3:
        return "plan"
    return "unknown"


def title_lines(lines: list[str]) -> list[str]:
    """A plan's or report's title page: its first short lines that are not sentences."""
    out = []
    for line in [ln for ln in lines if ln.strip()][:12]:
        s = strip_markup(line)
        if len(s) > 90 or s.endswith("."):
            break
        out.append(s)
    return out


def plan_title(lines: list[str]) -> str | None:
    """A plan's title when one of its first lines names it ("Verksamhetsplan 2024–2026")."""
    for line in lines[:15]:
        s = strip_markup(line)
        if 0 < len(s) <= 90 and _PLAN_WORDS.search(s) and not s.endswith("."):
            return s
    return None


def stated_organisation(header: list[str], cover: list[str]) -> str | None:
    """The region or municipality the document states as its own: in its running header, else
    on its cover (the lines before the first §: "… på Alingsås kommuns digitala anslagstavla").
    Never from the paragraphs' running text, where any organisation may be named; None when
    the document does not state it (`knowledge.registry` then infers it from what is stored)."""
    for lines in (header, cover):
        found = organisation("\n".join(lines))
        if found:
            return organisation_name(found)
    return None


def organisation(text: str) -> str | None:
    """The region or municipality the text names most often ("Region Västernorrland")."""
    counts: Counter = Counter()
    for m in _ORG.finditer(text):
        name = re.sub(r"\s+", " ", m.group(1))
        name = name[:-1] if name.endswith(" Stads") else name
        words = name.split(" ")
        if words[0].lower() == "region" and len(words) == 3 and words[2][0].isupper():
            name = " ".join(words[:2])  # "Region Västernorrland Sundsvall": a name then a place
        counts[name] += 1
    for name in list(counts):
        if name.endswith("s") and name[:-1] in counts:  # genitive
            counts[name[:-1]] += counts.pop(name)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def meeting_time(lines: list[str]) -> str | None:
    """"09:15-12:00" from "kl. 09.15–12.00"; a start time alone ("Tid: kl. 13.00") gives "13:00"."""
    for line in lines:
        m = _TIME.search(strip_markup(line))
        if m:
            return f"{int(m.group(1)):02d}:{m.group(2)}-{int(m.group(3)):02d}:{m.group(4)}"
    for line in lines:
        m = re.search(r"\b(?:kl\.?|klockan)\s*(\d{1,2})[.:](\d{2})\b", strip_markup(line), re.I)
        if m:
            return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None


def stated_chair(lines: list[str]) -> str | None:
    """"Ordförande: Anna Svensson" / "Ordförande Anna Svensson (S)" in the preamble."""
    for line in lines:
        m = re.match(rf"^ordförande(?:\s*:)?\s+({NAME})", strip_markup(line), re.I)  # not \s*:?\s+: see dates
        if m:
            return m.group(1).strip()
    return None


def header_body(lines: list[str]) -> str | None:
    """The body named on a short header line before the first § ("Protokoll Kommunstyrelsen")."""
    from knowledge.parse.bodies import find_bodies

    for line in [ln for ln in lines if ln.strip()][:15]:
        s = strip_markup(line)
        if len(s) <= 70 and not re.search(r"[.!?]$", s):
            found = find_bodies(s)
            if found:
                return found[0][2]
    return None


def meeting_place(lines: list[str]) -> str | None:
    """"Plats: Digitalt möte i Teams"; from "Plats och tid: Kommunhuset, kl. 13.00–16.30" the place only.
    A value wrapped over lines ("Alströmerteatern," / "Alströmergymnasiet") is read whole."""
    for i, line in enumerate(lines):
        m = re.match(r"^(?:plats\s+och\s+tid|tid\s+och\s+plats|plats|sammanträdesplats|mötesplats)\s*:?\s+(.+)$",
                     strip_markup(line), re.I)
        if m:
            value = m.group(1)
            nxt = strip_markup(lines[i + 1]) if i + 1 < len(lines) else ""
            if value.rstrip().endswith(",") and nxt and ":" not in nxt and not _TIME.search(nxt) and len(nxt) < 60:
                value = f"{value} {nxt}"
            value = _TIME.sub("", value)
            value = re.sub(r"\b(?:kl\.?|klockan)\s*\d{1,2}[.:]\d{2}", "", value)
            for found in reversed(find_dates(value)):
                value = value[:found.start] + value[found.end:]
            # (?<!\s): from the start of a run of blanks only, not again from each blank in it
            value = re.sub(r"(?<!\s)(?:\s*,\s*)+$|^\s*,\s*", "", re.sub(r"(?<!\s)\s*,\s*(?:,\s*)+", ", ", value))
            value = value.strip(" .,")
            if value:
                return value
    return None


_ADJUSTERS = re.compile(r"^(?:utses\s+att\s+justera|justerare|justerande|justeras\s+av)\s*:\s*(.*)$", re.I)


def adjusters(lines: list[str]) -> list[str]:
    """Who was chosen to check the protocol (justerare): "Utses att justera: Leif Hansson (S)" and
    the names on the lines under it, up to the next label. Not the chair: the chair signs anyway."""
    out: list[str] = []
    for i, line in enumerate(lines):
        m = _ADJUSTERS.match(strip_markup(line))
        if not m:
            continue
        values = [m.group(1)] + [strip_markup(x) for x in itertools.takewhile(
            lambda x: x.strip() and ":" not in x, lines[i + 1:i + 6])]
        for value in values:
            for name in re.split(r"\t|,\s*|\s+och\s+", value):
                found = re.match(rf"^({NAME})(?:\s*\([^)]*\))?$", name.strip())
                if found and " " in found.group(1) and found.group(1) not in out:
                    out.append(found.group(1))
        if out:
            return out
    return out


def header_date(lines: list[str]) -> date | None:
    """A date standing alone on one of a protocol's first lines, beside its body and "Protokoll"
    ("Tekniska nämnden / Protokoll / 2026-05-18"): the meeting's."""
    for line in [ln for ln in lines if ln.strip()][:6]:
        s = strip_markup(line)
        found = find_dates(s)
        if len(found) == 1 and found[0].year_given and found[0].start == 0 and found[0].end == len(s):
            return found[0].value
    return None


def labelled_date(lines: list[str]) -> date | None:
    """A meeting date that the preamble states next to a label ("Tid: 2024-08-28 kl. 09:15")."""
    for line in lines:
        s = strip_markup(line)
        if _DATE_LABEL.match(s):
            found = find_dates(s)
            if found:
                return found[0].value
    return None


# A signature's role standing alone: "Sekreterare", "Ordförande ........", "Justerande"
_ROLE_LABEL = re.compile(r"^(?:sekreterare|ordförande|justerare|justerande|protokollförare|mötessekreterare)"
                         r"[\s.…_:]*$", re.I)
_SIGNER = re.compile(rf"^({NAME}[ \t]+{NAME})(?:\s*\([A-ZÅÄÖ\-]{{1,6}}\))?$")  # a first name and a surname at least


def signed_chair(text: str) -> str | None:
    """The name signed as "Ordförande" at the end of a protocol.

    Two orders are printed: the name above its role ("Elina Backlund Arab" / "Ordförande
    Hälso- och sjukvårdsnämnden"), or the role above its name, each role a label of its own
    ("Sekreterare" / "Ulrika Månsson" / "Ordförande" / "Jan-Erik Wallin (M)"). The order is
    read from the block itself: it is role-first when the run of roles and names that holds
    "Ordförande" begins with a role.
    """
    lines = [s for s in (strip_markup(line) for line in text.split("\n")) if s]
    found = None
    start = 0  # where the current run of roles and names began
    for i, line in enumerate(lines):
        if re.match(r"^Ordförande\b", line):
            above = _SIGNER.match(lines[i - 1]) if i > 0 else None
            below = _SIGNER.match(lines[i + 1]) if i + 1 < len(lines) else None
            if _ROLE_LABEL.match(line) and below and _ROLE_LABEL.match(lines[start]):
                found = below.group(1)
            elif above:
                found = above.group(1)
        if not (_ROLE_LABEL.match(line) or _SIGNER.match(line)):
            start = i + 1
    return found.strip() if found else None


# "tillsammans med ordföranden Aslan Akbas (S)", "Ordföranden Jonas Attenius (S) ställer …";
# not "förste vice ordföranden", nor a nämnd's "ordförande" (indefinite after its genitive)
_CHAIR_IN_TEXT = re.compile(rf"(?<!vice )\b[Oo]rdföranden(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)({NAME})[^\S\n]*\(")


def chair_in_text(text: str) -> str | None:
    """The chair as the proceedings name them, when no signature or members list is there
    (a protocol published without its cover): the person most often called "ordföranden"."""
    found = Counter(m.group(1) for m in _CHAIR_IN_TEXT.finditer(text))
    return found.most_common(1)[0][0] if found else None
