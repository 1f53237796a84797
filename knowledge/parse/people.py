"""People in protocol prose: "Pia Lundin (SJVP)", "Ordförande Elina Backlund Arab (S)",
party-level actors ("Ledamöterna från Centerpartiet", "(M)-gruppen"), and the attendance list.

Which parenthesised codes are parties depends on the document: besides the fixed list, a code
the document itself shows to be a party (`document_parties`) while that document is parsed.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TypeVar

from knowledge.parse.model import Attendee, Person
from knowledge.parse.parties import (
    CODE_SHAPE,
    CODES,
    PARTIES,
    PARTY_ALTERNATION,
    local_codes,
    local_parties,
    looks_like_code,
    party_code,
)

T = TypeVar("T")

# A word of a name has at most 40 letters (each part of a double name): a "name" of thousands
# (hostile input) could not even be stored — PostgreSQL indexes no key over ~2,700 bytes — and
# a long capitalised run ("ÅÅÅ…", a table rule) was tried to its end from each of its letters.
_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüA-ZÅÄÖ'’]{0,39}(?:-[A-ZÅÄÖa-zåäö][a-zåäöéü]{1,39})?"
_PARTICLE = r"(?:af|von|de|van|der|di|la|el)"
NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{0,3}}"  # one line: never across a break


def _alternation(local: frozenset[str]) -> str:
    """The fixed parties' codes and names, and the document's local codes (printed case)."""
    extra = "|".join(sorted((re.escape(c) for c in local), key=len, reverse=True))
    return f"(?i:{PARTY_ALTERNATION})" + (f"|{extra}" if extra else "")


@functools.lru_cache(maxsize=32)
def _person_regex(local: frozenset[str]) -> re.Pattern:
    return re.compile(rf"({NAME})\s*\(\s*({_alternation(local)})\s*\)")


class _PersonPattern:
    """"Name (PARTY)" for the parties the current document knows (`parties.local_parties`): used
    like a compiled pattern, so that every caller sees a local party the same way."""

    @property
    def _regex(self) -> re.Pattern:
        return _person_regex(local_codes())

    def search(self, text: str, *args) -> re.Match | None:
        return self._regex.search(text, *args)

    def match(self, text: str, *args) -> re.Match | None:
        return self._regex.match(text, *args)

    def finditer(self, text: str, *args) -> Iterator[re.Match]:
        return self._regex.finditer(text, *args)

    def findall(self, text: str, *args) -> list:
        return self._regex.findall(text, *args)

    def sub(self, repl, text: str, *args) -> str:
        return self._regex.sub(repl, text, *args)

    @property
    def pattern(self) -> str:
        return self._regex.pattern


PERSON_PATTERN = _PersonPattern()
_ROLE_WORDS = {
    "ordförande", "ordföranden", "vice", "förste", "andre", "ledamot", "ledamoten", "ersättare", "ersättaren",
    "tjänstgörande", "ledamöterna", "ledamöter", "även", "dessutom", "också", "samt", "och", "då", "när",
    "sedan", "härefter", "därefter", "nämndens", "utskottets", "kommunalrådet", "regionrådet", "oppositionsrådet",
}
_LONG_NAMES = "|".join(sorted((re.escape(n) for names in PARTIES.values() for n in names), key=len, reverse=True))


@functools.lru_cache(maxsize=32)
def _party_mention(local: frozenset[str]) -> re.Pattern:
    """A party standing for its members: "Centerpartiet", "Sverigedemokraternas ledamöter",
    "C-gruppen", "(M)", "KD", and the document's local codes.
    (blanks before a code only after "(": "\\(?\\s*" rescanned a run of blanks from each of them)"""
    codes = "|".join(sorted((re.escape(c) for c in PARTIES.keys() | local if c != "-"), key=len, reverse=True))
    return re.compile(
        rf"(?<![\wåäö])(?:(?i:({_LONG_NAMES}))(?:s|:s)?(?:-?gruppen)?"
        rf"|(?:\(\s*)?({codes})\s*\)?(?:-gruppen|:s)?)(?![\wåäö])"
    )


def clean_name(name: str) -> str | None:
    words = name.split()
    while words and words[0].lower() in _ROLE_WORDS:
        words = words[1:]
    if not words:
        return None
    return " ".join(words)


def find_people(text: str) -> list[Person]:
    """Named people with a party in ``text``, in order, each once."""
    out: list[Person] = []
    seen = set()
    for m in PERSON_PATTERN.finditer(text):
        code = party_code(m.group(2))
        name = clean_name(m.group(1))
        if not code or not name or " " not in name:
            continue
        if (name, code) not in seen:
            seen.add((name, code))
            out.append(Person(name=name, party=code))
    return out


def find_party_actors(text: str) -> list[Person]:
    """Party-level actors: "Ledamöterna från Centerpartiet" / "M, KD och L" / "C-gruppen" →
    Person(name=None, party=…), each party once, in order."""
    out: list[Person] = []
    for m in _party_mention(local_codes()).finditer(text):
        code = party_code(m.group(1) or m.group(2))
        if code and all(p.party != code for p in out):
            out.append(Person(name=None, party=code))
    return out


_FILLER = re.compile(r"[\s,.;:]|\b(?:och|samt|ledamöterna|ledamöter|representanterna|från|för|i)\b", re.I)


def names_only(text: str) -> bool:
    """``text`` names people or parties and nothing else: "Ingela Korhonen (SJVP), … och Daniel
    Ekdahl (KD).", "Ledamöterna från M och KD" (not "Socialdemokraterna anser att …")."""
    rest = _party_mention(local_codes()).sub(" ", PERSON_PATTERN.sub(" ", text))
    return bool(text.strip()) and not _FILLER.sub("", rest)


def starts_with_actor(text: str) -> bool:
    """``text`` opens with a person or a party: "Anna Ek (M) och …", "Moderaterna.", "(M)"."""
    text = text.lstrip()
    return bool(PERSON_PATTERN.match(text) or _party_mention(local_codes()).match(text))


def actors(text: str) -> list[Person]:
    """Named people, or the party-level actor when no one is named."""
    people = find_people(text)
    return people or find_party_actors(text)


# ---------------------------------------------------------------------------------- attendance

_ROLE_HEADINGS = [
    (re.compile(r"^(?:tjänstgörande ersättare|ersättare,? tjänstgörande)\b", re.I), "tjänstgörande ersättare"),
    (re.compile(r"^(?:ledamöter|beslutande|närvarande ledamöter|ordinarie ledamöter|närvarande beslutande|"
                r"beslutande ledamöter|närvarande)\b", re.I), "ledamot"),
    (re.compile(r"^(?:övriga ersättare|ersättare|icke tjänstgörande ersättare|närvarande ersättare|"
                r"ej tjänstgörande ersättare)\b", re.I), "ersättare"),
    (re.compile(r"^(?:tjänstepersoner|övriga närvarande|övriga deltagande|övriga|närvarande tjänstepersoner|"
                r"sekreterare|justerare|utses att justera|justering|frånvarande|tid|plats)\b", re.I), None),
]


@functools.lru_cache(maxsize=32)
def _row(local: frozenset[str]) -> re.Pattern:
    """A table row without parentheses: "Anna Svensson, S, ordförande" / "Anna Svensson\tS\tOrdförande".
    The separator is a comma, a tab or two blanks; written so that a run of blanks is consumed in
    one way only ("[ \\t]*(?:\\t+[ \\t]*|[ \\t]{2,})" split a run of n tabs in ~n³ ways: seconds a line)."""
    codes = "|".join(sorted((re.escape(c) for c in CODES | local), key=len, reverse=True))
    return re.compile(rf"^({NAME})(?:[ \t]*+,[ \t]*+|(?=[ \t]*\t|[ \t]{{2}})[ \t]++)({codes})(?![\wåäö])")


_LABEL = re.compile(r"^([A-ZÅÄÖa-zåäö ,]{3,40}):[ \t]*(\S.*)$")
_ROLE_IN_LINE = re.compile(r"\b((?:\d:e |förste |andre )?vice ordförande|ordförande)\b", re.I)
_REPLACES = re.compile(rf"\b(?:ersätter|för|i stället för|istället för)\s+({NAME})")
_EXCEPT = re.compile(r"(?:ej|inte|utom)\s+§§?\s*([\d\s,–\-och]+)|§§?\s*([\d\s,–\-och]+?)\s*(?:ej|inte)\b", re.I)


def _numbers(spec: str) -> list[int]:
    """§ numbers, four digits at most as in a § header (thousands of digits made int() fail)."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|och)\s*", spec.strip()):
        rng = re.match(r"(\d{1,4})\s*[–-]\s*(\d{1,4})(?!\d)", part)
        if rng:
            a, b = int(rng.group(1)), int(rng.group(2))
            if 0 <= b - a < 200:
                out.extend(range(a, b + 1))
        elif part.strip().isdigit() and len(part.strip()) <= 4:
            out.append(int(part))
    return out


def parse_attendance(lines: list[str]) -> list[Attendee]:
    """The list of members present, from the lines before the first §."""
    role: str | None = None
    active = False
    out: list[Attendee] = []
    for raw in lines:
        line = re.sub(r"[*_]+", "", raw).strip()
        if not line:
            continue
        labelled = _LABEL.match(line)  # a cover form: "Beslutande: Linda Espeving (M) (ordförande)"
        for pattern, new_role in _ROLE_HEADINGS:
            if labelled and pattern.match(labelled.group(1)):
                role, active = new_role, new_role is not None
                line = labelled.group(2)
                break
            if pattern.match(line) and not PERSON_PATTERN.search(line.split("\t")[0][:60] if "(" in line else ""):
                role, active = new_role, new_role is not None
                break
        if not active:
            continue
        m = PERSON_PATTERN.search(line) or _row(local_codes()).match(line)
        if not m:
            continue
        name = clean_name(m.group(1))
        code = party_code(m.group(2))
        if not name or not code:
            continue
        rest = line[m.end():]
        this_role = role
        replaces = None
        rep = _REPLACES.search(rest)
        if rep:
            replaces = clean_name(rep.group(1))
        # "Roland Alm (KD) ersätter Ingela Andreen (L) (ordförande)": the mark is the replaced member's
        rm = _ROLE_IN_LINE.search(rest[:rep.start()] if rep else rest)
        if rm and role == "ledamot":
            this_role = rm.group(1).lower()
        if this_role == "ledamot" and (replaces or re.search(r"\bersättare\b", rest, re.I)):
            # listed among the members but serving for someone: a tjänstgörande ersättare
            this_role = "tjänstgörande ersättare" if replaces or re.search(r"tjänstgörande", rest, re.I) else "ersättare"
        excepts: list[int] = []
        for em in _EXCEPT.finditer(" ".join(rest.split())):  # blanks as one: runs of them were quadratic
            excepts.extend(_numbers(em.group(1) or em.group(2)))
        out.append(Attendee(name=name, party=code, role=this_role, replaces=replaces, except_paragraphs=excepts))
    return out


# ------------------------------------------------------------------------------- local parties

_PAREN_CODE = re.compile(rf"\([ \t]*({CODE_SHAPE})[ \t]*\)")
_NAME_BEFORE = re.compile(rf"(?<![\wåäöÅÄÖ])({NAME})[ \t]*\Z")
_NAME_REACH = 4 * 41 + 12  # a NAME is at most four words of at most 40 letters and a hyphenated part
# what stands between two people of one enumeration or list: ", ", " och ", " samt ", a line
# break, "ersätter", a role in parentheses ("Linda Espeving (M) (ordförande)")
_BETWEEN = re.compile(r"[ \t]*(?:\([a-zåäö0-9:. -]{1,40}\)[ \t]*)?(?:,|och|samt|,[ \t]*och|ersätter)?\s*", re.I)
# what members do, and officials, organisations and diagnoses do not
_MEMBERS_ACT = re.compile(r"[^.:;\n]{0,200}?\b(?:yrka(?:r|de)|reserver(?:ar|ade)\s+sig|röstar|röstade|avst(?:år|od)|"
                          r"delta(?:r|g)\s+(?:inte|ej)|protokollsanteckning|särskilt\s+yttrande)\b", re.I)
# occurrences looked at, of one unknown code and of all: a party shows itself early (the attendance
# list, the first yrkanden), and a text of a million "(X)" is not read a million times
_EVIDENCE_TRIES = 40
_EVIDENCE_TOTAL = 2000


def _person_before(text: str, end: int) -> int | None:
    """Where the name of at least two words that ends at ``end`` begins ("Bo Al (…)"), or None."""
    start = max(0, end - _NAME_REACH)
    m = _NAME_BEFORE.search(text, start, end)
    if not m:
        return None
    name = clean_name(m.group(1))
    return m.start() if name and " " in name else None


def document_parties(text: str) -> frozenset[str]:
    """Codes beyond the fixed list that this document shows to be parties: "Name (CODE)" beside
    a member of a known party in one enumeration or list ("Anna Ek (S), Bo Al (SJP) och …",
    the attendance list), or a person of that code doing what members do ("Bo Al (SJP) yrkar",
    "… reserverar sig"). "Västra Götalandsregionen (VGR)" and "(EY, revisionsbyrå)" stand alone
    or are not codes; a role in parentheses ("(Ekonom)") is not a code.

    Only the parentheses are searched through the whole text; names are read just before them."""
    out: set[str] = set()
    tries: Counter = Counter()
    done: set[str] = set()  # known parties, codes already found, codes looked at often enough
    previous: re.Match | None = None
    for m in _PAREN_CODE.finditer(text):
        code = m.group(1)
        before, previous = previous, m
        if code in done:
            continue
        if code.upper() in CODES or not looks_like_code(code) or tries[code] >= _EVIDENCE_TRIES:
            done.add(code)
            continue
        if tries.total() >= _EVIDENCE_TOTAL:
            break
        tries[code] += 1
        start = _person_before(text, m.start())
        if start is None:
            continue
        following = _PAREN_CODE.search(text, m.end())
        if _beside_member(text, before, start, left=True) or _beside_member(text, following, m.end(), left=False) \
                or _MEMBERS_ACT.match(text, m.end()):
            out.add(code)
            done.add(code)
    return frozenset(out)


def _beside_member(text: str, other: re.Match | None, edge: int, left: bool) -> bool:
    """``other`` ("(S)") follows a member's name, and only a list separator stands between that
    member and the person whose name starts (``left``) or whose code ends at ``edge``."""
    if other is None or other.group(1).upper() not in CODES:
        return False
    other_start = _person_before(text, other.start())
    if other_start is None:
        return False
    between = text[other.end():edge] if left else text[edge:other_start]
    return len(between) <= 80 and bool(_BETWEEN.fullmatch(between))


def with_document_parties(parse: Callable[..., T]) -> Callable[..., T]:
    """A document's parse that knows the local parties its own text shows (see `document_parties`)."""

    @functools.wraps(parse)
    def run(raw_text: str, *args, **kwargs) -> T:
        with local_parties(document_parties(raw_text)):
            return parse(raw_text, *args, **kwargs)

    return run
