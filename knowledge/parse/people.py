"""People in protocol prose: "Pia Lundin (SJVP)", "Ordförande Elina Backlund Arab (S)",
party-level actors ("Ledamöterna från Centerpartiet", "(M)-gruppen"), and the attendance list.
"""

from __future__ import annotations

import re

from knowledge.parse.model import Attendee, Person
from knowledge.parse.parties import CODES, PARTIES, PARTY_ALTERNATION, party_code

# A word of a name has at most 40 letters (each part of a double name): a "name" of thousands
# (hostile input) could not even be stored — PostgreSQL indexes no key over ~2,700 bytes — and
# a long capitalised run ("ÅÅÅ…", a table rule) was tried to its end from each of its letters.
_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüA-ZÅÄÖ'’]{0,39}(?:-[A-ZÅÄÖa-zåäö][a-zåäöéü]{1,39})?"
_PARTICLE = r"(?:af|von|de|van|der|di|la|el)"
NAME = rf"{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{0,3}}"  # one line: never across a break
PERSON_PATTERN = re.compile(rf"({NAME})\s*\(\s*((?i:{PARTY_ALTERNATION}))\s*\)")
_ROLE_WORDS = {
    "ordförande", "ordföranden", "vice", "förste", "andre", "ledamot", "ledamoten", "ersättare", "ersättaren",
    "tjänstgörande", "ledamöterna", "ledamöter", "även", "dessutom", "också", "samt", "och", "då", "när",
    "sedan", "härefter", "därefter", "nämndens", "utskottets", "kommunalrådet", "regionrådet", "oppositionsrådet",
}
_LONG_NAMES = "|".join(sorted((re.escape(n) for names in PARTIES.values() for n in names), key=len, reverse=True))
_CODE_NAMES = "|".join(sorted(PARTIES, key=len, reverse=True))
# a party standing for its members: "Centerpartiet", "Sverigedemokraternas ledamöter", "C-gruppen", "(M)", "KD"
# (blanks before a code only after "(": "\(?\s*" rescanned a run of blanks from each of them)
_PARTY_MENTION = re.compile(
    rf"(?<![\wåäö])(?:(?i:({_LONG_NAMES}))(?:s|:s)?(?:-?gruppen)?"
    rf"|(?:\(\s*)?({_CODE_NAMES})\s*\)?(?:-gruppen|:s)?)(?![\wåäö])"
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
    for m in _PARTY_MENTION.finditer(text):
        code = party_code(m.group(1) or m.group(2))
        if code and all(p.party != code for p in out):
            out.append(Person(name=None, party=code))
    return out


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
_CODES = "|".join(sorted(CODES, key=len, reverse=True))
# a table row without parentheses: "Anna Svensson, S, ordförande" / "Anna Svensson\tS\tOrdförande"
# The separator is a comma, a tab or two blanks; written so that a run of blanks is consumed in
# one way only ("[ \t]*(?:\t+[ \t]*|[ \t]{2,})" split a run of n tabs in ~n³ ways: seconds a line).
_ROW = re.compile(rf"^({NAME})(?:[ \t]*+,[ \t]*+|(?=[ \t]*\t|[ \t]{{2}})[ \t]++)({_CODES})(?![\wåäö])")
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


_LABELLED = re.compile(r"^([A-ZÅÄÖ][^:()]{1,40}):[ \t]*(.*)$")


def parse_attendance(lines: list[str]) -> list[Attendee]:
    """The list of members present, from the lines before the first §."""
    role: str | None = None
    active = False
    out: list[Attendee] = []
    for raw in lines:
        line = re.sub(r"[*_]+", "", raw).strip()
        if not line:
            continue
        labelled = _LABELLED.match(line)  # "Beslutande: Karin Ek (C), ordförande" (a cover's label and value)
        head = labelled.group(1) if labelled else line
        for pattern, new_role in _ROLE_HEADINGS:
            if pattern.match(head) and (labelled or not PERSON_PATTERN.search(
                    line.split("\t")[0][:60] if "(" in line else "")):
                role, active = new_role, new_role is not None
                break
        if labelled:
            line = labelled.group(2)
        if not active:
            continue
        m = PERSON_PATTERN.search(line) or _ROW.match(line)
        if not m:
            continue
        name = clean_name(m.group(1))
        code = party_code(m.group(2))
        if not name or not code:
            continue
        rest = line[m.end():]
        this_role = role
        rm = _ROLE_IN_LINE.search(rest)
        if rm and role == "ledamot":
            this_role = rm.group(1).lower()
        replaces = None
        rep = _REPLACES.search(rest)
        if rep:
            replaces = clean_name(rep.group(1))
        if this_role == "ledamot" and (replaces or re.search(r"\bersättare\b", rest, re.I)):
            # listed among the members but serving for someone: a tjänstgörande ersättare
            this_role = "tjänstgörande ersättare" if replaces or re.search(r"tjänstgörande", rest, re.I) else "ersättare"
        excepts: list[int] = []
        for em in _EXCEPT.finditer(" ".join(rest.split())):  # blanks as one: runs of them were quadratic
            excepts.extend(_numbers(em.group(1) or em.group(2)))
        out.append(Attendee(name=name, party=code, role=this_role, replaces=replaces, except_paragraphs=excepts))
    return out
