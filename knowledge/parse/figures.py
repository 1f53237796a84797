"""Deficit and result figures (utfall, prognos, budgetavvikelse, budget, tillåtet underskott).

A politician quotes these in a debate, so a wrong number is worse than none: an amount becomes
a figure only on positive evidence — a keyword that says which kind of figure it is, a sign
(written or from "underskott", "sämre än budget", …) and no word that marks it as something
else (savings, grants, cost frames, investments, costs). Anything ambiguous is left out.

Sentences are read amount by amount: the words since the previous amount (or the sentence
start) say what an amount is; "… 115 mnkr sämre än budget" (right after the amount) marks a
budget deviation. Plans and reports also have tables under a header of years; rows are read by
their label ("Resultat", "Utgångspunkt/Resultat", "Tillåtet underskott") and the column years.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import pairwise

from rapidfuzz import fuzz

from knowledge.parse.bodies import find_bodies, normalise_body
from knowledge.parse.dates import MONTHS
from knowledge.parse.model import Figure, FigureKind

__all__ = ["extract_figures", "extract_plan_figures"]

# --- amounts -----------------------------------------------------------------------------

_MINUS = "-\u2013\u2212"  # hyphen-minus, en dash, minus sign
_MC = r"\-\u2013\u2212"  # the same inside a regex character class
_NUMBER = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d)"
_UNITS: list[tuple[str, float]] = [
    (r"mnkr|mkr|msek|mn\s?kr|miljoner\s+kronor|miljoner\s+kr\b|miljoner|milj\.?\s*kr", 1.0),
    (r"mdkr|mdr\s*kr|miljarder\s+kronor|miljarder", 1000.0),
    (r"tkr|tusen\s+kronor", 0.001),
    (r"kronor|kr\b", 0.000001),
]
_UNIT = "|".join(f"(?:{u})" for u, _ in _UNITS)
_AMOUNT = re.compile(
    rf"(?P<sign>[{_MC}+]\s*)?(?<![\d,.])(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})(?![\wåäö/])",
    re.IGNORECASE,
)


def _unit_factor(unit: str) -> float:
    for pattern, factor in _UNITS:
        if re.fullmatch(pattern, unit.strip(), re.IGNORECASE):
            return factor
    raise ValueError(unit)  # pragma: no cover - the amount regex only matches known units


def _number(text: str) -> float:
    return float(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


def _round(value: float) -> int | float:
    value = round(value, 3)
    return int(value) if value == int(value) else value


# --- vocabulary ---------------------------------------------------------------------------

# Words that make an amount something other than a result: savings, grants, frames, costs, ...
_NOT_A_RESULT = re.compile(
    r"bidrag|besparing|spar(?:krav|beting|mål)|kostnadsminskning|kostnadsreduc|kostnadsreduktion"
    r"|reducer|minska\w*\s+kostnad|effektivisering|investering|\bram(?:en|ar|arna)?\b"
    r"|kostnadsram|budgetram|tilldela|erhöll|erhåll|tillför|anslag|överenskommelse|\bmedel\b|medlen"
    r"|satsning|kostnad|intäkt|resultatnivå|resultatmål|finansiella\s+mål|(?<!efter\s)åtgärd"
    r"|potential|målvärde|effekt|eget\s+kapital",
    re.IGNORECASE,
)
_DEVIATION = re.compile(
    r"budgetavvikelse|avvikelse\w*\s+(?:mot|från|i\s+förhållande\s+till|jämfört\s+(?:med|mot))"
    r"\s+(?:den\s+)?(?:\w+\s+)?budget"
    r"|(?:sämre|bättre|försämring|förbättring)\w*\s+(?:än|mot|jämfört\s+(?:med|mot)|i\s+förhållande\s+till)"
    r"\s+(?:den\s+)?(?:\w+\s+)?budget",
    re.IGNORECASE,
)
# right after an amount: "115 mnkr sämre jämfört med beslutad budget", "4 400 tkr bättre än budgeterat"
_DEVIATION_AFTER = re.compile(
    r"^\s*(?:\)\s*)?(?:är\s+)?(?:(?:sämre|bättre|lägre|högre)\s+)?(?:än|mot|jämfört\s+(?:med|mot)"
    r"|i\s+förhållande\s+till)\s+(?:den\s+)?(?:\w+\s+)?budget(?:en|erat)?\b",
    re.IGNORECASE,
)
_SPECIFIC: list[tuple[re.Pattern[str], FigureKind]] = [
    (_DEVIATION, "budgetavvikelse"),
    (re.compile(r"prognos", re.IGNORECASE), "prognos"),
    (re.compile(r"utfall", re.IGNORECASE), "utfall"),
    (re.compile(r"tillåt\w*|\bfår\b[^.]{0,80}?\bbudgeter\w*\s+med", re.IGNORECASE), "tillatet_underskott"),
    (re.compile(r"budgeter\w*\s+(?:med\s+)?(?:ett\s+)?(?:resultat|underskott|överskott)"
                r"|budgeterat\s+resultat|resultatbudget", re.IGNORECASE), "budget"),
]
_GENERIC = re.compile(r"resultat|underskott|överskott", re.IGNORECASE)
_FUTURE = re.compile(r"beräkna[rs]|bedöm(?:s|er)\b|förvänta[sdt]|väntas|befaras|kommer\s+att", re.IGNORECASE)
_PAST = re.compile(r"\bblev\b|uppgick|uppgår|landade|redovisa[rd]e?\b|uppvisa[rd]e?\b|hittills|\bperiod|till\s+och\s+med|t\.\s?o\.\s?m\.",
                   re.IGNORECASE)
_NEGATIVE = re.compile(r"underskott|sämre|försämr|minus|negativ", re.IGNORECASE)
_POSITIVE = re.compile(r"överskott|bättre|förbättr|plus|positiv", re.IGNORECASE)
# a change is not a level: "prognosen har försämrats med 40 mnkr sedan juni"
_CHANGE = re.compile(r"(?:ök|minsk|försämr|förbättr|förändr|ändr)\w*\s+(?:med|på)\b|\bsedan\b"
                     r"|jämfört\s+med\s+(?:föregående|förra|tidigare|fjolår)", re.IGNORECASE)
# a part of the organisation, not the body: "Länssjukvården redovisar ett underskott på 180 mnkr",
# "Grundskoleverksamheten …", "Bolaget …" (a verksamhet named by a compound; the bare "nämndens
# verksamheter" are the body's)
_SUB_UNIT = re.compile(
    r"\b(?!ramområde)(?:\w*område[nt]?a?s?|primärvård\w*|länssjukvård\w*|närsjukvård\w*|\w*sjukhus\w*|\w*tandvård\w*"
    r"|\w*psykiatri\w*|\w*klinik\w*|avdelning\w*|enhet\w*|division\w*|hälsocentral\w*|varav"
    r"|\w+verksamhet(?:en|er|erna)?|\w*bolag(?:et|en|ets|ens)?|(?-i:AB))\b",
    re.IGNORECASE,
)
# a figure of an earlier year told for comparison: "föregående års resultat uppgick till 80 mnkr"
_PRIOR = re.compile(r"föregående\s+år|förra\s+år|fjolår|tidigare\s+år|året\s+(?:innan|före)|\bi\s+fjol\b",
                    re.IGNORECASE)
# The parts of an organisation that keep accounts of their own and are reported beside it: the
# koncern (the kommun or region with its bolag), and the verksamheter financed by fees, not tax,
# that the law keeps apart (VA, avfall) or that are named by how they are financed. The
# organisation itself (kommunen, regionen, förvaltningen) is no entity: it ends the one before.
_ENTITY = re.compile(
    r"(?<![\w-])(?:(?P<koncern>\w*koncern\w*)"
    r"|(?P<economy>\w+finansierade?\s+verksamhet\w*"
    r"|(?:VA|vatten-\s+och\s+avlopps|avfalls|renhållnings)-?\s?(?:verksamhet|kollektiv)\w*)"
    r"|(?P<own>kommun(?:en|ens)|region(?:en|ens)|landsting(?:et|ets)|förvaltning(?:en|ens)))(?![\w-])",
    re.IGNORECASE,
)
# a body named as the one that proposes or decides, not as the one whose result it is
_BODY_ACTS = re.compile(r"\s+(?:har\s+)?(?:\w+\s+)?(?:föresl|förslag|beslut|tillstyrk|godkän|behandl|yrka|bered|remitt)",
                        re.IGNORECASE)
_BODY_HEAD = re.compile(r"(?:nämnd|utskott|styrelse|fullmäktige|beredning|direktion|presidi)\w*$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:]\s|\btrots\b|\bmen\b", re.IGNORECASE)

_MONTH_NAMES = "|".join(MONTHS)
_TO_MONTH = re.compile(
    rf"(?:till\s+och\s+med|t\.\s?o\.\s?m\.?|\btom\b|\bper\b|\befter\b|januari\s*[-\u2013]\s*|jan\s*[-\u2013]\s*)"
    rf"\s*(?:den\s+)?(?:\d{{1,2}}\s+)?(?P<month>{_MONTH_NAMES})(?:\s+månad)?(?:\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
# not a range (2024–2026), nor the year of a diarienummer ("2018.001", "KS 2024/123", "SLK-2024-00074")
_YEAR = re.compile(r"(?<![\d\-\u2013/])(?:19|20)\d\d(?![\d\-\u2013/])(?![.,]\d)(?!\s*[-\u2013]\s*(?:19|20)\d\d)")


# --- sentences ----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”•])|\n\s*\n|\n(?=\s*[•\-\u2013*]\s+(?!\d))")


def _flat(text: str) -> str:
    text = re.sub(rf"(?<![\d\s])(\s[{_MC}])[ \t]*\n\s*(?=\d)", r"\1", text)  # "ca -\n600" → "ca -600"
    return re.sub(r"\s+", " ", text).strip()


def _sentences(text: str) -> list[str]:
    """Sentences with line breaks joined; blank lines and bullets also end a sentence."""
    return [s for _, s in _sentences_at(text)]


def _sentences_at(text: str) -> list[tuple[int, str]]:
    """(where it starts in ``text``, sentence) of each sentence."""
    out, start = [], 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        sentence = _flat(text[start:end])
        if sentence:
            out.append((start, sentence))
        start = m.end() if m else end
    return out


@dataclass(frozen=True)
class _Context:
    """What a sentence alone may not say: the meeting, and the period a title names."""

    paragraph: int | None
    meeting_date: date | None
    plan: bool
    title_month: tuple[int, int] | None = None  # (year, month) of "Månadsuppföljning juli 2024"
    title_year: int | None = None
    annual: bool = False  # the title names a year's accounts ("Årsredovisning 2017"): its result is that year's
    body: str | None = None  # the deciding body, when the caller knows it


_TITLE_MONTH = re.compile(rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_ANNUAL = re.compile(r"\b(?:års(?:redovisning|bokslut)|bokslut|verksamhetsberättelse)", re.IGNORECASE)
_HEAD_MARK = re.compile(r"^\s*(?:#+\s*)?(?:§\s*\d+\s*[a-z]?\b)?\s*(?:#+\s*)?")


def _context(text: str, paragraph: int | None, meeting_date: date | None, plan: bool,
             body: str | None = None) -> _Context:
    """The title is the first two lines, and the heading ("## …") that follows a § line after a
    blank line; the § number and the marks are left out (a dnr's year is not a year: `_YEAR`)."""
    lines = text.strip().splitlines()[:12]
    head_lines = lines[:2]
    if lines and lines[0].lstrip().startswith("§"):
        heading = next((line for line in lines[1:] if line.strip()), "")
        if heading.lstrip().startswith("#") and heading not in head_lines:
            head_lines.append(heading)
    head = _flat(" ".join(_HEAD_MARK.sub("", line) for line in head_lines))[:200]
    m = _TITLE_MONTH.search(head)
    years = {int(y.group()) for y in _YEAR.finditer(head)}
    return _Context(paragraph, meeting_date, plan,
                    (int(m["year"]), MONTHS[m["month"].lower()]) if m else None,
                    years.pop() if len(years) == 1 else None,
                    bool(_ANNUAL.search(head)), body)


@dataclass
class _Amount:
    start: int
    end: int
    value: float
    signed: int  # -1, +1 for a written sign, 0 without


_RANGE_END = re.compile(rf"\d\s*[{_MC}]$")
_PER_HEAD = re.compile(r"\s*(?:per|/)\s*(?:invånare|capita|person|patient)", re.I)
_LOOK_BACK = 100  # characters before an amount that can make it the end of a range


def _amounts(sentence: str) -> list[_Amount]:
    # Only the end of the text before an amount is looked at, not a copy of all of it: a
    # sentence of thousands of amounts (a table flattened into one line) was quadratic.
    found = []
    for m in _AMOUNT.finditer(sentence):
        sign_text = (m["sign"] or "").strip()
        start = m.start()
        if sign_text:
            before = sentence[max(0, start - _LOOK_BACK): start].rstrip()
            if before and before[-1].isdigit():  # "270 - 300 miljoner": a range, not a minus
                continue
        else:
            num = m.start("num")
            if _RANGE_END.search(sentence[max(0, num - _LOOK_BACK): num].rstrip()):  # the upper end of a range
                continue
        if _PER_HEAD.match(sentence, m.end()):
            continue
        signed = -1 if sign_text and sign_text in _MINUS else (1 if sign_text == "+" else 0)
        value = _number(m["num"]) * _unit_factor(m["unit"])
        if not math.isfinite(value):  # over 300 digits: no amount (and int(inf) would raise)
            continue
        found.append(_Amount(start, m.end(), value, signed))
    return found


def _nearest(pattern: re.Pattern[str], text: str) -> int:
    """End position of the last match of ``pattern`` in ``text``, or -1."""
    last = -1
    for m in pattern.finditer(text):
        last = m.end()
    return last


def _kind(before: str, plan: bool, tense: FigureKind | None = None) -> tuple[FigureKind | None, int]:
    """The kind the words before an amount name, and where that keyword ends. ``tense``: "prognos"
    or "utfall" when an earlier clause of the sentence has the verb ("Kommunens resultat uppgår
    till 125 mnkr och koncernens resultat till 91 mnkr")."""
    best: tuple[FigureKind | None, int] = (None, -1)
    for pattern, kind in _SPECIFIC:
        end = _nearest(pattern, before)
        if end > best[1]:
            best = (kind, end)
    if best[0] is not None:
        return best
    end = _nearest(_GENERIC, before)
    if end < 0:
        return None, -1
    if _FUTURE.search(before):
        return "prognos", end
    if plan and re.search(r"budget", before, re.IGNORECASE):
        return "budget", end
    if _PAST.search(before):
        return "utfall", end
    if plan:  # a plan's "resultat"/"underskott" is what it budgets
        return "budget", end
    if tense is not None:
        return tense, end
    return None, -1


def _sign(clause: str, after_phrase: str, written: int) -> int | None:
    """-1/+1 from the written sign and the words; None when they disagree or say nothing."""
    words = clause + " " + after_phrase
    neg, pos = bool(_NEGATIVE.search(words)), bool(_POSITIVE.search(words))
    if neg and pos:
        return written or None
    word = -1 if neg else (1 if pos else 0)
    if written and word and written != word:
        return None
    return written or word or None


_PROGNOS = re.compile("prognos", re.IGNORECASE | re.ASCII)  # as `"prognos" in text.lower()`


class _Sentence:
    """A sentence and what is read from the whole of it for each of its amounts — found once:
    found again for each amount, a sentence of thousands of amounts was quadratic."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def years(self) -> tuple[list[int], list[int]]:
        """(start, year) of the years, in order (ranges like 2024–2026 are not years)."""
        found = [(m.start(), int(m.group())) for m in _YEAR.finditer(self.text)]
        return [start for start, _ in found], [year for _, year in found]

    @cached_property
    def to_month(self) -> re.Match[str] | None:
        return _TO_MONTH.search(self.text)

    @cached_property
    def _prognos_end(self) -> int | None:
        m = _PROGNOS.search(self.text)
        return m.end() if m else None

    def says_prognos_before(self, position: int) -> bool:
        return self._prognos_end is not None and self._prognos_end <= position

    @cached_property
    def _tense_ends(self) -> tuple[int | None, int | None]:
        future, past = _FUTURE.search(self.text), _PAST.search(self.text)
        return (future.end() if future else None), (past.end() if past else None)

    def tense_before(self, position: int) -> FigureKind | None:
        """ "prognos" or "utfall" by the first verb of the future or past before ``position``."""
        future, past = self._tense_ends
        said: list[tuple[int, FigureKind]] = [(end, kind) for end, kind in ((future, "prognos"), (past, "utfall"))
                                              if end is not None and end <= position]
        return min(said)[1] if said else None

    @cached_property
    def _sub_units(self) -> tuple[list[int], list[int]]:
        found = [(m.start(), m.end()) for m in _SUB_UNIT.finditer(self.text)]
        return [start for start, _ in found], [end for _, end in found]

    def sub_unit_between(self, start: int, end: int) -> bool:
        """As ``_SUB_UNIT.search(text[start:end])``. Its matches lie within single words, so the
        first match in a word wholly inside is the first found from ``start``; only a word cut at
        ``end`` is searched again."""
        word = end
        while word > start and (self.text[word - 1].isalnum() or self.text[word - 1] == "_"):
            word -= 1
        starts, ends = self._sub_units
        i = bisect_left(starts, start)
        if i < len(starts) and ends[i] <= word:
            return True
        return word < end and _SUB_UNIT.search(self.text, word, end) is not None

    @cached_property
    def _mentions(self) -> tuple[list[int], list[tuple[str, str | None]]]:
        """(end, (what, name)) of each entity or body the sentence names, in order: what is
        "koncern", "economy", "own" (the organisation: no entity) or "body"."""
        found: list[tuple[int, str, str | None]] = []
        for m in _ENTITY.finditer(self.text):
            what = m.lastgroup or "own"
            found.append((m.end(), what, None if what == "own" else _entity_name(what, m.group())))
        for start, end, name in find_bodies(self.text):
            if _BODY_ACTS.match(self.text, end) or re.search(r"\benligt\s+$", self.text[max(0, start - 10):start], re.I):
                continue
            found.append((end, "body", name))
        found.sort(key=lambda t: t[0])
        return [end for end, _, _ in found], [(what, name) for _, what, name in found]

    @cached_property
    def bodies_named(self) -> int:
        """How many bodies the sentence names as having results (two or more: a list of parts)."""
        return len({name for what, name in self._mentions[1] if what == "body"})

    def named_before(self, position: int) -> tuple[int, str, str | None] | None:
        """(end, what, name) of the last entity or body named before ``position``."""
        ends, named = self._mentions
        i = bisect_left(ends, position + 1) - 1
        return (ends[i], *named[i]) if i >= 0 else None


def _entity_name(what: str, text: str) -> str:
    """ "Alingsås kommunkoncern" → "koncernen"; "Avfallsverksamheten" → "avfallsverksamheten"."""
    if what == "koncern":
        return "koncernen"
    text = re.sub(r"\s+", " ", text)
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _same_body(a: str, b: str) -> bool:
    return fuzz.ratio(normalise_body(a).casefold(), normalise_body(b).casefold()) >= 90


def _entity(sentence: _Sentence, position: int, ctx: _Context) -> tuple[bool, str | None]:
    """(whether the figure before ``position`` is the organisation's or an entity's of it, the entity).

    A part (an area, a clinic, a bolag, "varav …") named after the last entity is no headline
    figure; nor is another body's result (when the deciding body is known: else the body named
    is the entity, and a § that names two bodies lists parts, see `extract_figures`).
    """
    named = sentence.named_before(position)
    end, what, name = named if named else (0, "own", None)
    if sentence.sub_unit_between(end if what in ("koncern", "economy") else 0, position):
        return False, None
    if what == "body" and sentence.bodies_named > 1:
        return False, None  # "socialnämnden redovisar … och barn- och ungdomsnämnden …"
    if what == "body" and ctx.body is not None and name is not None:
        return (True, None) if _same_body(name, ctx.body) else (False, None)
    return True, name


def _year_near(sentence: _Sentence, position: int) -> int | None:
    """The year closest to ``position`` in the sentence, the earlier year when two are as close."""
    starts, years = sentence.years
    i = bisect_left(starts, position)
    near = [(abs(starts[k] - position), years[k]) for k in (i - 1, i) if 0 <= k < len(starts)]
    return min(near)[1] if near else None


def _month_period(sentence: _Sentence, ctx: _Context) -> str | None:
    """ "till och med juli" → "2024-01..2024-07"; the year from the sentence, the title or the meeting."""
    m = sentence.to_month
    if not m:
        return None
    month = MONTHS[m["month"].lower()]
    year = int(m["year"]) if m["year"] else _year_near(sentence, m.start())
    if year is None and ctx.title_month and ctx.title_month[1] == month:
        year = ctx.title_month[0]
    if year is None and ctx.meeting_date is not None:
        year = ctx.meeting_date.year if month <= ctx.meeting_date.month else ctx.meeting_date.year - 1
    if year is None:
        year = ctx.title_year
    return f"{year}-01..{year}-{month:02d}" if year else None


def _period(kind: FigureKind, sentence: _Sentence, position: int, ctx: _Context, inherited: str | None) -> str | None:
    if kind == "budgetavvikelse" and inherited:
        return inherited
    if kind in ("utfall", "budgetavvikelse"):
        month = _month_period(sentence, ctx)
        if month:
            return month
    year = _year_near(sentence, position)
    if year is None and kind == "utfall" and ctx.annual:
        year = ctx.title_year  # "Årets resultat uppgår till 125,1 mnkr" under "Årsredovisning 2017"
    if year is None and kind in ("utfall", "budgetavvikelse") and ctx.title_month:
        title_year, title_month = ctx.title_month  # "Månadsuppföljning juli 2024": the year to date
        return f"{title_year}-01..{title_year}-{title_month:02d}"
    if year is None and kind == "budgetavvikelse" and sentence.says_prognos_before(position):
        kind = "prognos"  # "helårsprognosen visar 60 mnkr sämre än budget": the forecast's year
    if year is None and kind == "prognos":
        # a forecast is for the current year: the one the title names, else the meeting's
        year = ctx.title_year or (ctx.meeting_date.year if ctx.meeting_date else None)
    return str(year) if year else None


_BALANCE = re.compile(r"\bi\s+(?:ekonomisk\s+)?balans\b|\bnollresultat"
                      r"|(?P<on_budget>\bi\s+(?:linje|nivå)\s+med\s+(?:\w+\s+)?budget\w*|\benligt\s+budget\b)",
                      re.IGNORECASE)
# a balance that is wished for, denied or far off is not a figure
_NOT_A_BALANCE = re.compile(
    r"\b(?:inte|ej|icke|ingen|aldrig|ska|skall|bör|måste|behöver|kan|om)\b|mål|sträva|krav|återgång|återställ"
    r"|\bmot\s+en\b|över\s+tid|långsiktig|för\s+att|underskott|överskott|sämre|bättre|avvikelse|ekonomin",
    re.IGNORECASE,
)
_BALANCE_KINDS: list[tuple[re.Pattern[str], FigureKind]] = [
    (re.compile(r"prognos", re.IGNORECASE), "prognos"),
    (re.compile(r"utfall", re.IGNORECASE), "utfall"),
    (re.compile(r"budget", re.IGNORECASE), "budget"),
]


def _balance_figure(sentence: str, ctx: _Context) -> Figure | None:
    """ "Prognosen för 2025 är ett resultat i balans" → 0; "ett resultat som är i linje med
    budget" → a deviation of 0 (only plain statements with their year)."""
    m = _BALANCE.search(sentence)
    if not m or _NOT_A_BALANCE.search(sentence) or _PRIOR.search(sentence):
        return None
    before = sentence[:m.start()]
    if _NOT_A_RESULT.search(before):
        return None
    kind: FigureKind | None
    if m["on_budget"]:  # what is in line with the budget must be a result
        kind = "budgetavvikelse" if re.search(r"resultat|prognos|utfall", before, re.IGNORECASE) else None
    else:
        kinds = [(_nearest(pattern, before), kind) for pattern, kind in _BALANCE_KINDS]
        end, kind = max(kinds)
        if end < 0:
            generic, _ = _kind(before, ctx.plan)
            kind = generic if generic in ("utfall", "prognos", "budget") else None
    if kind is None:
        return None
    whole = _Sentence(sentence)
    headline, entity = _entity(whole, m.start(), ctx)
    period = _period(kind, whole, m.start(), ctx, None)
    if period is None or not headline:
        return None
    return Figure(paragraph=ctx.paragraph, kind=kind, value_mnkr=0, period=period, quote=sentence, entity=entity)


def _sentence_figures(sentence: str, ctx: _Context) -> list[Figure]:
    figures: list[Figure] = []
    amounts = _amounts(sentence)
    if not amounts:
        balance = _balance_figure(sentence, ctx)
        return [balance] if balance else []
    cursor = 0  # start of the words that belong to the next amount
    last_period: str | None = None
    whole = _Sentence(sentence)
    for i, amount in enumerate(amounts):
        words_start, before = cursor, sentence[cursor:amount.start]
        next_start = amounts[i + 1].start if i + 1 < len(amounts) else len(sentence)
        after = sentence[amount.end:next_start]
        cursor = amount.end
        deviation_after = _DEVIATION_AFTER.match(after)
        immediate = after[:40].split(".")[0]
        if _NOT_A_RESULT.match(immediate.strip()) or re.match(r"\s*i\s+\w*(?:bidrag|besparing|anslag)",
                                                             immediate, re.IGNORECASE):
            continue
        if deviation_after:
            kind: FigureKind | None = "budgetavvikelse"
            keyword_end = len(before)
            cursor = amount.end + deviation_after.end()
            after_phrase = deviation_after.group()
        else:
            kind, keyword_end = _kind(before, ctx.plan, whole.tense_before(words_start))
            after_phrase = ""
        if kind is None:
            continue
        headline, entity = _entity(whole, amount.start, ctx)
        if not headline:
            continue
        # the clause that carries the sign: since the last clause break before the amount
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
        clause = before[breaks[-1]:] if breaks else before
        between = clause if deviation_after else before[keyword_end:]
        if _NOT_A_RESULT.search(between) or _CHANGE.search(between) or _PRIOR.search(clause):
            continue
        if kind == "tillatet_underskott" and amount.signed == 0 and not _POSITIVE.search(clause):
            sign: int | None = -1  # an allowed deficit is a deficit
        else:
            sign = _sign(clause, after_phrase, amount.signed)
        if sign is None:
            if amount.value == 0:
                sign = 1
            elif kind in ("utfall", "prognos", "budget") and re.search(r"resultat", clause, re.I):
                sign = 1  # "resultatet blev 12 mnkr": a surplus stated plainly
            else:
                continue
        period = _period(kind, whole, amount.start, ctx, last_period)
        if ctx.plan and period is None:
            continue  # a plan figure without its year cannot be placed
        if kind != "budgetavvikelse":
            last_period = period
        figures.append(Figure(paragraph=ctx.paragraph, kind=kind, value_mnkr=_round(sign * amount.value),
                              period=period, quote=sentence, entity=entity))
    return figures


# --- tables -------------------------------------------------------------------------------

_CELL = re.compile(rf"[{_MC}+]?\s?\d+(?:,\d+)?")
# Possessive digits and blanks: "(?:\d+\s*)+" could cut a run of digits (or share the blanks between
# cells) in exponentially many ways before failing — a 30-digit number, or a row of 30 numbers
# with a word after them, under a header of years stalled the parser for minutes.
_ROW = re.compile(rf"^(?P<label>(?:.*[^\d\s{_MC}+,])?)\s*(?P<cells>(?:[{_MC}+]?\s?\d++(?:,\d++)?\s*+)+)$")
_HEADER_YEAR = re.compile(r"(?<![\d\-\u2013])(?:19|20)\d\d(?![\d\-\u2013])")
_HEADER_MONTHS = re.compile(rf"(?:{_MONTH_NAMES}|jan)\w*\.?\s*[-\u2013]\s*(?P<month>{_MONTH_NAMES}|"
                            r"jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|dec)\w*", re.IGNORECASE)
_ROW_LABELS: list[tuple[re.Pattern[str], FigureKind]] = [
    (re.compile(r"tillåt\w*\s+underskott", re.IGNORECASE), "tillatet_underskott"),
    (re.compile(r"(?:utgångspunkt\s*/\s*)?(?:budgeterat\s+|planerat\s+|årets\s+)?resultat"
                r"(?:\s+enligt\s+budget)?", re.IGNORECASE), "budget"),
    (re.compile(r"prognos(?:\s+helår)?|helårsprognos", re.IGNORECASE), "prognos"),
    (re.compile(r"budgetavvikelse|avvikelse\s+mot\s+budget", re.IGNORECASE), "budgetavvikelse"),
]
# a row of the body's total ("Totalt", "Summa nämnden"): of its columns only the deviation is a
# result figure (the others are net costs and frames)
_TOTAL_ROW = re.compile(r"(?:summa|totalt?)(?:\s+(?:för\s+)?(?:nämnden|styrelsen|förvaltningen|verksamheten))?"
                        r"|(?:nämnden|styrelsen|förvaltningen)\s+totalt", re.IGNORECASE)
# a column of the deviation from budget, with or without a year of its own ("Avvikelse mot budget")
_DEVIATION_HEAD = re.compile(r"budgetavvikelse|avvikelse(?:\s+(?:mot|från)\s+(?:\w+\s+)?budget\w*)?|\bdiff\w*",
                             re.IGNORECASE)
_KIND_WORD = re.compile(r"utfall|bokslut|budget|prognos|\bplan\b|\bram", re.IGNORECASE)
_COLUMN_HINTS: list[tuple[re.Pattern[str], FigureKind]] = [
    (_DEVIATION_HEAD, "budgetavvikelse"),
    (re.compile(r"utfall|bokslut", re.IGNORECASE), "utfall"),
    (re.compile(r"prognos", re.IGNORECASE), "prognos"),
    (re.compile(r"budget|plan|\bram", re.IGNORECASE), "budget"),
]
_TABLE_UNITS = [(re.compile(r"\b(?:mnkr|mkr|msek|miljoner\s+kronor)\b", re.I), 1.0),
                (re.compile(r"\b(?:tkr|tusen\s+kronor)\b", re.I), 0.001),
                (re.compile(r"\b(?:mdkr|miljarder\s+kronor)\b", re.I), 1000.0)]


def _month_number(word: str) -> int:
    word = word.lower()
    return next(number for name, number in MONTHS.items() if name.startswith(word[:3]))


@dataclass(frozen=True)
class _Column:
    hint: FigureKind | None  # what the header words over the year say: "Utfall", "Budget", "Ram", ...
    period: str


def _header_columns(line: str) -> list[_Column] | None:
    """The columns of a header line of years ("Ram 2023 Ram 2024 …", "Utfall 2023 Budget 2024 Prognos 2024").

    Only years as numbers, at least two, never falling; ranges ("2024–2026") are not columns.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 120 or stripped.endswith((".", ",")):
        return None
    matches = list(_HEADER_YEAR.finditer(stripped))
    if len(matches) < 2 or re.search(r"\d", _HEADER_YEAR.sub("", stripped)):
        return None
    columns: list[_Column] = []
    previous_end = 0
    for m in matches:
        words = stripped[previous_end:m.start()]
        previous_end = m.end()
        words, yearless = _yearless_deviation(words)
        if yearless and columns:  # "Prognos 2024 Avvikelse Utfall 2023": the deviation of the column before
            columns.append(_Column("budgetavvikelse", columns[-1].period))
        hint = next((kind for pattern, kind in _COLUMN_HINTS if pattern.search(words)), None)
        year = int(m.group())
        months = _HEADER_MONTHS.search(words)
        if months:
            month = _month_number(months["month"])
            period = f"{year}-01..{year}-{month:02d}"
        else:
            period = str(year)
        columns.append(_Column(hint, period))
    if _DEVIATION_HEAD.search(stripped[previous_end:]):  # "… Prognos 2024 Avvikelse mot budget"
        columns.append(_Column("budgetavvikelse", columns[-1].period))
    years = [int(m.group()) for m in matches]
    if any(b < a for a, b in pairwise(years)) or len(set(columns)) != len(columns):
        return None
    return columns


def _yearless_deviation(words: str) -> tuple[str, bool]:
    """The words before a year without a deviation column of their own, and whether they held one:
    in "Avvikelse Utfall" the deviation heads a column without a year, in "Avvikelse" it heads the year's."""
    m = _DEVIATION_HEAD.search(words)
    if m and _KIND_WORD.search(words, m.end()):
        return words[:m.start()] + words[m.end():], True
    return words, False


def _split_cells(tokens: list[str], n: int) -> list[float] | None:
    """Group loose numeric tokens ("6 319 6 635 …") into exactly n cells, when only one way fits."""
    if len(tokens) > 3 * n:
        return None
    if len(tokens) == n:
        groups = [[t] for t in tokens]
    else:
        found = _only_grouping(tokens, n)
        if found is None:
            return None
        groups = found
    values = []
    for group in groups:
        text = "".join(group).replace(" ", "")
        sign = -1 if text[0] in _MINUS else 1
        values.append(sign * _number(text.lstrip(_MINUS + "+")))
    if not all(math.isfinite(v) for v in values):
        return None  # a "cell" of hundreds of digits
    return values


def _only_grouping(tokens: list[str], n: int) -> list[list[str]] | None:
    """The one way to cut ``tokens`` into n cells of "-6" + "319"-style thousands, or None.

    Counted (up to two) by dynamic programming over where each cell starts: trying every set of
    cuts was exponential — a row of 36 numbers under 12 years took hours.
    """
    head = [re.fullmatch(rf"[{_MC}+]?\s?\d{{1,3}}", t) is not None for t in tokens]
    tail = [re.fullmatch(r"\d{3}", t) is not None for t in tokens]
    m = len(tokens)
    # ways[i][k]: the ways (0, 1 or "2 or more") to cut tokens[i:] into k cells
    ways = [[0] * (n + 1) for _ in range(m + 1)]
    ways[m][0] = 1
    for i in range(m - 1, -1, -1):
        if not head[i]:
            continue
        j = i + 1  # a cell is tokens[i:j]: a head, then thousands
        while True:
            for k in range(1, n + 1):
                ways[i][k] = min(2, ways[i][k] + ways[j][k - 1])
            if j < m and tail[j]:
                j += 1
            else:
                break
    if ways[0][n] != 1:
        return None
    groups: list[list[str]] = []
    i = 0
    for k in range(n, 0, -1):
        j = i + 1
        while not ways[j][k - 1]:  # the one end from which the rest can be cut
            j += 1
        groups.append(tokens[i:j])
        i = j
    return groups


def _table_unit(lines: list[str]) -> float | None:
    found = {factor for line in lines for pattern, factor in _TABLE_UNITS if pattern.search(line)}
    return found.pop() if len(found) == 1 else None


def _row_kind(label: str) -> FigureKind | None:
    label = re.sub(r"\s+", " ", label).strip(" :").lower()
    for pattern, kind in _ROW_LABELS:
        if pattern.fullmatch(label):
            return kind
    return None


_HEADER_SPAN = 40  # lines: 12 column heads with blank lines between them
_TABLE_SPAN = 61  # lines: the most `_table_rows` reads


def _header_at(lines: list[str], i: int) -> tuple[list[_Column], int] | None:
    """The header of years starting at line i, and the line after it.

    PDF extraction may put each column head on a line of its own ("Ram 2023" / "Ram 2024" / …),
    blank lines between them; looked for within `_HEADER_SPAN` lines (else a long run of blank
    lines was walked again from each of its lines, quadratic in the run).
    """
    columns = _header_columns(lines[i])
    if columns:
        return columns, i + 1
    parts: list[str] = []
    j = i
    while j < min(len(lines), i + _HEADER_SPAN) and len(parts) < 12:
        line = lines[j].strip()
        if line:
            deviation = bool(parts) and _DEVIATION_HEAD.fullmatch(line) is not None  # "Avvikelse mot budget"
            if not deviation and (len(line) > 30 or len(_HEADER_YEAR.findall(line)) != 1
                                  or re.search(r"\d", _HEADER_YEAR.sub("", line))):
                break
            parts.append(line)
        j += 1
    if len(parts) < 2:
        return None
    columns = _header_columns(" ".join(parts))
    return (columns, j) if columns else None


_ONE_NUMBER = re.compile(rf"[{_MC}+]?\s?(?:\d{{1,3}}(?:[ \u00a0]\d{{3}})++|\d++)(?:,\d++)?")


def _table_rows(lines: list[str], width: int) -> tuple[list[tuple[str, list[str], str, int]], int]:
    """Rows (label, numeric cells, quote, line) under a header of ``width`` columns, and where the table ends.

    A label may run over lines of its own above its numbers ("Åtgärder i / handlingsplan / 0 151"),
    and a row's numbers over several lines ("Resultat" / "-478" / "-379" / …): then each line is
    one cell, "1 250" too.
    """
    rows: list[list] = []  # [label, tokens, quote text, line, cells per line or None]
    label_lines: list[str] = []
    j = 0
    while j < len(lines) and j < _TABLE_SPAN:
        line = lines[j].strip()
        if j > 0 and _header_at(lines, j):
            break
        if line:
            row = _ROW.match(line)
            if row:
                cells = [c.replace(" ", "") for c in _CELL.findall(row["cells"])]
                one = re.sub(r"\s", "", row["cells"]) if _ONE_NUMBER.fullmatch(row["cells"].strip()) else None
                if not row["label"] and not label_lines and rows and _filled(rows[-1]) < width:
                    rows[-1][1] += cells  # the rest of the row above
                    rows[-1][2] += f" {row['cells']}"
                    rows[-1][4] = rows[-1][4] + [one] if rows[-1][4] is not None and one else None
                else:
                    label = " ".join([*label_lines, row["label"]]).strip()
                    rows.append([label, cells, f"{label} {row['cells']}", j, [one] if one else None])
                label_lines = []
            elif len(line.split()) > 8:  # running prose: the table has ended
                break
            else:
                label_lines.append(line)
        j += 1
    return [(label, ones if ones and len(ones) > 1 else tokens, _flat(quote), line)
            for label, tokens, quote, line, ones in rows], j


def _filled(row: list) -> int:
    """The cells a row has so far: its lines when each holds one number, else its numeric tokens."""
    return len(row[4]) if row[4] is not None else len(row[1])


def _caption_entity(caption: str) -> tuple[bool, str | None]:
    """(whether the table is the organisation's or an entity's of it, the koncern or fee-financed
    verksamhet its caption names: "Resultaträkning koncernen"); a table of a part is not."""
    found = [m for m in _ENTITY.finditer(caption) if m.lastgroup in ("koncern", "economy")]
    if _SUB_UNIT.search(caption, found[-1].end() if found else 0):
        return False, None
    return True, (_entity_name(found[-1].lastgroup or "", found[-1].group()) if found else None)


def _table_figures(text: str, ctx: _Context) -> list[tuple[int, Figure]]:
    """(line, figure) of each result in a table of years."""
    lines = text.splitlines()
    figures: list[tuple[int, Figure]] = []
    i = 0
    while i < len(lines):
        header = _header_at(lines, i)
        if not header:
            i += 1
            continue
        columns, first_row = header
        # the lines a table can span, not all the rest: a copy of the rest for each of thousands
        # of headers (a text of year rows) was quadratic
        rows, length = _table_rows(lines[first_row:first_row + _TABLE_SPAN + _HEADER_SPAN], len(columns))
        end = first_row + length
        caption = [line for line in lines[max(0, i - 3): i + 1] if line.strip()][-3:]
        headline, entity = _caption_entity(" ".join(caption))
        if not headline:  # a table for one part of the organisation
            i = end
            continue
        # the unit is stated in the caption, the header or the note under the table
        factor = _table_unit(lines[max(0, i - 3): end + 5])
        for label, tokens, quote, line in rows if factor is not None else []:
            total = _TOTAL_ROW.fullmatch(re.sub(r"\s+", " ", label).strip(" :")) is not None
            row_kind = _row_kind(label)
            values = _split_cells(tokens, len(columns)) if row_kind or total else None
            if values is None:
                continue
            for column, value in zip(columns, values, strict=True):
                kind = row_kind
                if total:
                    kind = "budgetavvikelse" if column.hint == "budgetavvikelse" else None
                elif row_kind == "budget":  # a "Resultat" row: what its column is (utfall, budget, ...)
                    kind = column.hint or ("budget" if ctx.plan else None)
                if kind is None:
                    continue
                figures.append((first_row + line, Figure(paragraph=ctx.paragraph, kind=kind,
                                                         value_mnkr=_round(value * factor), period=column.period,
                                                         quote=quote, entity=entity)))
        i = max(end, i + 1)
    return figures


# --- public -------------------------------------------------------------------------------

def _dedupe(figures: list[Figure]) -> list[Figure]:
    seen: set[tuple] = set()
    out = []
    for f in figures:
        key = (f.paragraph, f.kind, f.period, f.value_mnkr)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _in_order(text: str, ctx: _Context) -> list[Figure]:
    """The figures of sentences and tables in the order the text states them: the answer takes the
    later of two a document gives for the same thing (a plan's result after its measures)."""
    line_starts, at = [], 0
    for line in text.splitlines(keepends=True):  # the lines `_table_figures` counts
        line_starts.append(at)
        at += len(line)
    placed: list[tuple[int, Figure]] = []
    for start, sentence in _sentences_at(text):
        line = bisect_right(line_starts, start) - 1
        placed += [(line, f) for f in _sentence_figures(sentence, ctx)]
    placed += _table_figures(text, ctx)
    placed.sort(key=lambda t: t[0])  # stable: a line's sentence figures stay before its table row
    return [f for _, f in placed]


def _without_listed_bodies(figures: list[Figure]) -> list[Figure]:
    """A § that gives the results of two or more bodies lists parts of a total ("socialnämnden
    redovisar … och barn- och ungdomsnämnden …"): none of them is a headline figure."""
    bodies = {f.entity for f in figures if f.entity and _BODY_HEAD.search(f.entity)}
    return [f for f in figures if f.entity not in bodies] if len(bodies) > 1 else figures


def extract_figures(text: str, paragraph: int | None, meeting_date: date | None,
                    body: str | None = None) -> list[Figure]:
    """Result figures in one paragraph's whole cleaned text, in order of appearance.

    ``body``: the deciding body, when known: its own figures get no entity and other bodies'
    are left out. Without it a body the text names is the figure's entity.
    """
    ctx = _context(text, paragraph, meeting_date, plan=False, body=body)
    return _without_listed_bodies(_dedupe(_in_order(text, ctx)))


def extract_plan_figures(text: str, body: str | None = None) -> list[Figure]:
    """Budget figures of a plan or report without § (sentences and its tables of years)."""
    ctx = _context(text, None, None, plan=True, body=body)
    return _without_listed_bodies(_dedupe(_in_order(text, ctx)))
