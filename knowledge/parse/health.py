"""Parse health: how far one document's parse can be trusted, and where not.

The parser meets layouts nobody here has seen. A wrong fact stated with confidence is worse
than none, so each parse is checked against what the document says of itself, never against
a fixed idea of how long or how full a protocol is:

- the § the document announces (the cover's "Paragrafer §§ x–y", the table of contents)
  against those found; with nothing announced, a gap in the run of numbers (a meeting's § run
  on without gaps). The § before a missing one may have swallowed it.
- a § far longer than the document's others (judged by the document's own distribution of
  § lengths): one § that swallowed the next, or an appendix read as the last §'s text;
- passages that say someone reserved, that votes were counted or that a protocol note was
  made, in a § where no reservation, vote or note was read;
- dnr-shaped tokens at a § heading that were not read as the §'s dnr;
- cover fields not found (organisation, body, date, chair).

`assess` is pure: it takes the finished `ParsedDocument` and the `Split` it came from and
returns the `Health` and each §'s doubts (short Swedish reasons that answers show).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.parse.dnr import DNR_PATTERN, find_dnrs, normalise_dnr
from knowledge.parse.model import Health, Paragraph, ParsedDocument, UnreadPassage
from knowledge.parse.paragraphs import RawParagraph, Split
from knowledge.parse.sections import split_sections
from knowledge.parse.text import blocks, sentences, strip_markup

#: Fewer § than this give no distribution to judge a length by.
MIN_FOR_LENGTH = 5
#: A long § stands beyond the upper fence of the document's lengths and this many medians.
LONG_MEDIANS = 3.0
#: … and is this many times longer than any other § (no § of the document comes near it), or
#: repeats a heading that every other § has at most once (two "Beslut": two §).
ALONE_FACTOR = 5.0
MAX_GAP_LISTED = 100  # missing numbers listed at most (a run that jumps by thousands is one doubt)
EXCERPT = 200

# "reserverar sig", "reserverade sig", "anmäler reservation", "reservation lämnas"
_RESERVED = re.compile(
    r"\breserver(?:ar|ade|at|a)\s+(?:sig|oss|mig)\b"
    r"|\b(?:anmäl\w*|lämna\w*|inkom\w*|inkommer\s+med)\s+(?:en\s+|sin\s+|följande\s+)?(?:skriftliga?\s+)?reservation\b"
    r"|\breservation(?:en|er|erna)?\s+(?:anmäls|anmäldes|lämnas|lämnades|inkom|bifogas)\b",
    re.I,
)
# "7 ja-röster", "röstar ja", "8 ja mot 3 nej", "med 8 röster mot 3", "Omröstning begärs"
_VOTED = re.compile(
    r"\b(?:ja|nej)-?röst(?:er|erna)?\b"
    r"|\bröst(?:ar|ade)\s+(?:ja|nej)\b"
    r"|\b\d+\s+ja\b[^.\n]{0,40}?\b\d+\s+nej\b"
    r"|\bmed\s+\d+\s+röster\s+mot\s+\d+"
    r"|\b(?:omröstning|votering)(?:en)?\s+(?:begärs|begärdes|verkställs|verkställdes|genomförs|genomfördes|utföll)\b"
    r"|\bvoteringsproposition",
    re.I,
)
# "lämnar följande protokollsanteckning", "Protokollsanteckning", "särskilt yttrande"
_NOTED = re.compile(
    r"\bprotokollsanteckning(?:ar|en|arna)?\b|\bsärskil(?:t|da)\s+yttrande(?:n|na)?\b"
    r"|\b(?:anteckning\s+till|till)\s+protokollet\s+antecknas\b|\banteckning\s+till\s+protokollet\b"
    r"|\bantecknar\s+(?:som\s+yttrande|till\s+protokollet)\b",
    re.I,
)
# under a "Protokollsanteckningar" heading but no note (GOLD-RULES): who did not take part, jäv,
# the secretary's "Det antecknas att …"
_NOT_A_NOTE = re.compile(r"\bdeltar\s+(?:inte|ej)\b|\bdeltog\s+(?:inte|ej)\b|\bjäv\b|^det\s+antecknas\b", re.I)
# "Dnr TN 2024/31", "Diarienummer: 24HSN77", "Ärendenummer SLK-2024-00074"
_DNR_LINE = re.compile(r"^(?:dnr|diarienummer|diarienr|ärendenummer|ärende\s*nr)\b\.?\s*:?\s*(.+)$", re.I)
# the headings of those sections, loosely ("Prokollsanteckning"): a § without any needs no closer look
_HEADING_WORDS = re.compile(r"reserv|omröstn|voter|anteckn|yttrand", re.I)
# "Ingen reservation", "inga protokollsanteckningar", "utan omröstning": said not to have happened
_DENIED = re.compile(r"\b(?:ingen|inga|inte|ej|utan)\b[^.\n]{0,30}$", re.I)


@dataclass
class Assessment:
    """A document's health and each §'s doubts (§ number → reasons)."""

    health: Health
    doubts: dict[int, list[str]] = field(default_factory=dict)


def _span(numbers: list[int]) -> str:
    return f"§ {numbers[0]}" if len(numbers) == 1 else f"§ {numbers[0]}–{numbers[-1]}"


def _runs(numbers: list[int]) -> list[list[int]]:
    """Consecutive runs: [3, 4, 5, 9] → [[3, 4, 5], [9]]."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _numbering(found: list[int], split: Split) -> tuple[int | None, list[int], list[int]]:
    """(announced count, missing, unexpected). Announced: the cover's range and the table of
    contents; with neither, the run from the first § found to the last is what a meeting's
    numbering implies, and a gap in it is missing."""
    announced = set(split.announced or ()) | {entry.number for entry in split.toc}
    have = set(found)
    if announced:
        return len(announced), sorted(announced - have), sorted(have - announced)
    if len(have) < 2:
        return None, [], []
    gaps = [n for n in range(min(have), max(have) + 1) if n not in have][:MAX_GAP_LISTED]
    return None, gaps, []


def _before_gaps(found: list[int], missing: list[int]) -> dict[int, str]:
    """The § standing just before each run of missing numbers: it may hold them."""
    out: dict[int, str] = {}
    for run in _runs(missing):
        before = [n for n in found if n < run[0]]
        if before:
            out[max(before)] = f"{_span(run)} saknas i protokollet och kan ha hamnat i den här paragrafens text"
    return out


Parts = list[tuple[str, list[str]]]  # a §'s sections in order: (heading key, lines)


def _long(paragraphs: list[Paragraph], parts: Callable[[int], Parts]) -> dict[int, str]:
    """§ whose text is far longer than the document's others: beyond the upper fence
    (Q3 + 1.5 IQR) of its § lengths and several medians long, and either alone at that length
    or repeating a heading that every other § has at most once. ``parts(i)``: the sections of
    the i-th §, read only when a § is long but not alone."""
    if len(paragraphs) < MIN_FOR_LENGTH:
        return {}
    lengths = [len(p.text) for p in paragraphs]
    q1, median, q3 = statistics.quantiles(lengths, n=4)
    fence = q3 + 1.5 * (q3 - q1)
    candidates = [i for i, n in enumerate(lengths) if n > fence and n >= LONG_MEDIANS * max(median, 1)]
    if not candidates:
        return {}
    counts: list[Counter] = []
    out: dict[int, str] = {}
    for i in candidates:
        others = [n for j, n in enumerate(lengths) if j != i]
        alone = lengths[i] >= ALONE_FACTOR * max(others)
        repeated: list[str] = []
        if not alone:
            counts = counts or [Counter(key for key, _ in parts(j) if key) for j in range(len(paragraphs))]
            repeated = [
                key for key, n in counts[i].items()
                if n >= 2 and all(c[key] <= 1 for j, c in enumerate(counts) if j != i)
                and sum(1 for c in counts if c[key]) * 2 >= len(counts)
            ]
        if alone or repeated:
            why = f"rubriken {repeated[0].capitalize()} står {counts[i][repeated[0]]} gånger" if repeated else \
                f"minst {ALONE_FACTOR:.0f} gånger längre än någon annan"
            out[paragraphs[i].number] = (
                f"ovanligt lång text för en paragraf ({lengths[i]} tecken, mot normalt {int(median)}; {why}): "
                "den kan ha slukat nästa paragraf eller en bilaga"
            )
    return out


def _said(pattern: re.Pattern[str], said: list[str]) -> str | None:
    """The first of the sentences ``said`` where ``pattern`` states that something happened
    (not "ingen …")."""
    for sentence in said:
        for m in pattern.finditer(sentence):
            if not _DENIED.search(sentence[max(0, m.start() - 40):m.start()]):
                return sentence[:EXCERPT]
    return None


def _headed(parts: list[tuple[str, list[str]]], keys: tuple[str, ...], other: re.Pattern[str] | None) -> str | None:
    """The first sentence of a section under one of ``keys`` ("Reservation" / "Jens Berlin (L)
    lämnar …"), unless it says there was none ("Inga reservationer") or is ``other`` (under
    "Protokollsanteckningar": "X deltar inte i beslutet", which is not a note). Only the first
    block: a section runs on to the next heading the parser knows, past ones it does not
    ("Justering", "Protokollsutdrag skickas till")."""
    for key, lines in parts:
        if key not in keys:
            continue
        first = next(iter(blocks([strip_markup(line) for line in lines])), [])
        for sentence in sentences("\n".join(first)):
            if re.match(r"(?:ingen|inga|ej|inte)\b", sentence, re.I) or (other and other.search(sentence)):
                continue
            return sentence[:EXCERPT]
    return None


def _heading_dnrs(p: Paragraph, raw: RawParagraph, under: list[str]) -> list[str]:
    """Dnr-shaped tokens at the § heading: on the § line itself ("§ 12 KS 2024/1, KS 2024/2"),
    on a labelled or lone dnr line right under it in the raw text (which cleaning may have
    dropped as a running header), and in the title when no dnr was read."""
    tokens = find_dnrs(strip_markup(raw.header_rest), loose=True)
    for line in under:
        plain = strip_markup(line)
        labelled = _DNR_LINE.match(plain)
        if labelled:
            tokens += find_dnrs(labelled.group(1), loose=True)
        elif DNR_PATTERN.fullmatch(plain.strip(" .")):
            tokens += find_dnrs(plain)
    if p.dnr is None:
        tokens += find_dnrs(p.title)
    return list(dict.fromkeys(tokens))


def _unread(p: Paragraph, raw: RawParagraph, sections: Callable[[], Parts], elsewhere: tuple[str, ...],
            under: list[str]) -> list[tuple[UnreadPassage, str]]:
    out: list[tuple[UnreadPassage, str]] = []
    low = p.text.lower()  # each pattern's own word first: most § say none of this, and the patterns are slow
    checks = [check for check in (
        ("reservation", _RESERVED, ("reservationer",), None, p.reservations,
         "texten säger att någon reserverade sig, men ingen reservation kunde läsas ut", ("reserv",)),
        ("vote", _VOTED, ("omröstning",), None, p.votes,
         "texten nämner en omröstning, men inget röstresultat kunde läsas ut", ("röst", "voter", "nej")),
        ("note", _NOTED, ("protokollsanteckning", "särskilt yttrande"), _NOT_A_NOTE, p.protocol_notes,
         "texten nämner en protokollsanteckning eller ett särskilt yttrande, men ingen kunde läsas ut",
         ("anteckn", "yttrande")),
    ) if not check[4] and any(word in low for word in check[6])
        and (check[1].search(p.text) or _HEADING_WORDS.search(p.text))]  # nothing read, something said
    if checks:
        # the § text that tells what happened at this meeting: sections that quote another
        # body's handling (beredning, ärendebeskrivning, …) and the signatures left out
        parts = [(key, lines) for key, lines in sections() if key not in elsewhere]
        said = sentences("\n\n".join("\n".join(strip_markup(line) for line in lines) for _, lines in parts))
    for kind, pattern, keys, other, _, reason, _words in checks:
        passage = _said(pattern, said) or _headed(parts, keys, other)
        if passage:
            out.append((UnreadPassage(paragraph=p.number, kind=kind, text=passage), reason))
    own = normalise_dnr(p.dnr) if p.dnr else None
    for token in _heading_dnrs(p, raw, under):
        if normalise_dnr(token) != own:
            out.append((UnreadPassage(paragraph=p.number, kind="dnr", text=token),
                        f"diarienumret {token} vid rubriken lästes inte som paragrafens"))
    return out


def _cover(doc: ParsedDocument) -> list[str]:
    """Cover fields not found; a plan has no meeting date or chair to find."""
    fields = {"organisation": doc.organisation, "body": doc.body}
    if doc.kind != "plan":
        fields["date"] = doc.meeting_date
    if doc.kind == "protocol":
        fields["chair"] = doc.chair
    return [name for name, value in fields.items() if not value]


def assess(doc: ParsedDocument, split: Split, elsewhere: tuple[str, ...] = (),
           under: dict[int, list[str]] | None = None) -> Assessment:
    """The health of ``doc``, parsed from ``split``. ``elsewhere``: section keys whose text tells
    of another meeting (a reservation quoted from the utskott is not this meeting's). ``under``:
    § number → the raw lines under its heading (`knowledge.parse.pages.header_places`)."""
    under = under or {}
    found = [p.number for p in doc.paragraphs]
    announced, missing, unexpected = _numbering(found, split)
    raws = {raw.number: raw for raw in split.paragraphs}
    pairs = [(p, raws[p.number]) for p in doc.paragraphs if p.number in raws]
    doubts: dict[int, list[str]] = {}

    def doubt(number: int, reason: str) -> None:
        doubts.setdefault(number, []).append(reason)

    for number, reason in _before_gaps(found, missing).items():
        doubt(number, reason)
    read: dict[int, Parts] = {}

    def sections(i: int) -> Parts:  # each §'s sections read once, and only when a check needs them
        if i not in read:
            read[i] = split_sections(pairs[i][1].lines).parts
        return read[i]

    long = _long([p for p, _ in pairs], sections)
    for number, reason in long.items():
        doubt(number, reason)
    unread: list[UnreadPassage] = []
    for i, (p, raw) in enumerate(pairs):
        for passage, reason in _unread(p, raw, lambda i=i: sections(i), elsewhere, under.get(p.number, [])):
            unread.append(passage)
            doubt(p.number, reason)
        for vote in p.votes:
            for reason in vote.doubts:
                doubt(p.number, f"omröstningen: {reason}")
    missing_cover = _cover(doc)
    doubtful = bool(missing or unexpected) or (
        doc.kind == "protocol" and bool({"body", "date"} & set(missing_cover))
    )
    health = Health(
        paragraphs_found=len(found),
        paragraphs_announced=announced,
        missing=missing,
        unexpected=unexpected,
        long_paragraphs=sorted(long),
        unread=unread,
        missing_cover=missing_cover,
        doubtful=doubtful,
    )
    return Assessment(health, doubts)


def summary(health: Health) -> list[str]:
    """The health in a few Swedish lines (for `python -m bot ingest` and /status); empty when clean."""
    lines: list[str] = []
    if health.missing:
        what = ", ".join(_span(run) for run in _runs(health.missing))
        said = "aviserade" if health.paragraphs_announced is not None else "luckor i numreringen"
        lines.append(f"saknade paragrafer ({said}): {what}")
    if health.unexpected:
        lines.append("paragrafer som inte aviserades: " + ", ".join(_span(r) for r in _runs(health.unexpected)))
    if health.long_paragraphs:
        lines.append("ovanligt långa paragrafer: " + ", ".join(f"§ {n}" for n in health.long_paragraphs))
    kinds = {"reservation": "reservation", "vote": "omröstning", "note": "anteckning", "dnr": "diarienummer"}
    by_kind: dict[str, list[int]] = {}
    for u in health.unread:
        by_kind.setdefault(kinds[u.kind], []).append(u.paragraph)
    for kind, numbers in by_kind.items():
        lines.append(f"oläst {kind}: " + ", ".join(f"§ {n}" for n in numbers if n is not None))
    if health.missing_cover:
        names = {"organisation": "organisation", "body": "organ", "date": "datum", "chair": "ordförande"}
        lines.append("hittades inte på försättsbladet: " + ", ".join(names.get(f, f) for f in health.missing_cover))
    return lines


def verdict(health: Health) -> str:
    """One line on a document's parse: "ok (12 av 12 aviserade paragrafer)", "osäker i § 34
    (…); ovanligt långa paragrafer: § 34" or "OSÄKER TOLKNING (…); saknade paragrafer …"."""
    if health.paragraphs_announced is not None:
        count = f"{health.paragraphs_found} av {health.paragraphs_announced} aviserade paragrafer"
    else:
        count = f"{health.paragraphs_found} paragrafer"
    if health.doubtful:
        head = "OSÄKER TOLKNING"
    elif health.flagged:
        head = "osäker i " + ", ".join(f"§ {n}" for n in health.flagged)
    else:
        head = "ok"
    return "; ".join([f"{head} ({count})", *summary(health)])
