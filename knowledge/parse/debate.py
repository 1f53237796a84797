"""What was said and done around a decision: yrkanden, omröstning, reservationer,
protokollsanteckningar and särskilda yttranden, abstentions, beredning, tidigare behandling.

Each function takes a section's text (or the paragraph's text outside the sections it must not
read) and returns model objects. People come from `people`, bodies from `bodies`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from knowledge.parse.bodies import find_bodies, resolve
from knowledge.parse.dates import find_dates
from knowledge.parse.model import (
    Motion,
    Note,
    Person,
    PreparedBy,
    PriorHandling,
    Reservation,
    Vote,
    VoteBallot,
)
from knowledge.parse.parties import party_code
from knowledge.parse.people import PERSON_PATTERN, actors, clean_name, find_people
from knowledge.parse.text import quoted, sentences, unquoted

_RESERVES = re.compile(r"\breserver(?:ar|ade|at)\s+sig\b|\b(?:lämnar|anmäler|inkommer med)\s+(?:en\s+)?"
                       r"(?:skriftlig\s+)?reservation\b|\breservation(?:er)?\s+(?:lämnas|anmäls|inkom)", re.I)
_NOTE = re.compile(r"protokollsanteckning|anteckning\s+till\s+protokollet|antecknar\s+till\s+protokollet|"
                   r"(?:lämnar|avger)\s+(?:ett\s+)?särskilt\s+yttrande", re.I)
_ABSTAIN = re.compile(r"\bavst(?:år|od|ått)\s+från\s+att\s+(?:delta|deltaga|rösta)|\bdelta(?:r|git)?\s+(?:inte|ej)\s+i\s+"
                      r"beslutet|\bavstår\s+från\s+(?:beslut|ställningstagande)", re.I)
_MOTION = re.compile(r"\byrka(?:r|de|nde)?\b", re.I)
_IN_FAVOUR = re.compile(r"till\s+förmån\s+för\s+(.+?)(?=\s+samt\b|\s+och\s+[A-ZÅÄÖ]|[.;,]|$)", re.I)
_MOTION_KINDS = [
    ("återremiss", re.compile(r"återremi", re.I)),
    ("bordläggning", re.compile(r"bordlägg", re.I)),
    ("tilläggsyrkande", re.compile(r"tillägg", re.I)),
    ("ändringsyrkande", re.compile(r"ändring|ändra\b|ändringsyrkande", re.I)),
    ("avslag", re.compile(r"\bavslag", re.I)),
    ("bifall", re.compile(r"\bbifall", re.I)),
]


def dedupe(items: list) -> list:
    """Each (name, party) once, the first occurrence kept."""
    seen = set()
    out = []
    for item in items:
        key = (item.name, item.party)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def reservations(text: str) -> list[Reservation]:
    """Reservations stated in ``text`` (each reserving person; a party when no one is named)."""
    out: list[Reservation] = []
    found = sentences(text)
    for i, sentence in enumerate(found):
        plain = unquoted(sentence)
        if not _RESERVES.search(plain):
            continue
        favour = _IN_FAVOUR.search(plain)
        body = quoted(sentence)
        if body is None:  # "Följande reservationstext lämnas:" and the quoted text just below
            body = next((quoted(s) for s in found[i + 1:i + 3] if s.lstrip()[:1] in "”\"“«"), None)
        who = actors(plain)
        in_favour = _whose(favour.group(1).strip(), who[0]) if favour and who else None
        for person in who:
            out.append(Reservation(name=person.name, party=person.party, in_favour_of=in_favour, text=body))
    return dedupe(out)


def _whose(proposal: str, first: Person) -> str:
    """"eget ändringsyrkande" said by Pia Lundin → "Pia Lundins ändringsyrkande" (true for every co-signer)."""
    own = re.match(r"(?:sitt\s+|sina\s+)?eg(?:et|na|en)\s+(.+)$", proposal, re.I)
    if not own:
        return proposal
    owner = first.name or first.party
    if owner is None:
        return proposal
    genitive = owner if owner[-1] in "sxzSXZ" else owner + ("s" if first.name else ":s")
    return f"{genitive} {own.group(1)}"


def reservation_section(text: str) -> list[Reservation]:
    """A "Reservationer" section: the reservers, and the reservation text that follows them."""
    found = reservations(text)
    if not found:
        found = [Reservation(name=p.name, party=p.party) for p in actors(unquoted(text))]
    body = quoted(text)
    if body:
        for r in found:
            if r.text is None:
                r.text = body
    return found


def notes(text: str, kind: str = "protokollsanteckning", whole_section: bool = False) -> list[Note]:
    """Protokollsanteckningar / särskilda yttranden in ``text``."""
    out: list[Note] = []
    if whole_section:
        plain = unquoted(text)
        who = actors(plain.split(":")[0] if ":" in plain[:300] else plain[:300]) or actors(plain)
        body = quoted(text)
        if body is None:
            after = text.split(":", 1)[1] if ":" in text[:300] else text
            body = re.sub(r"\s+", " ", after).strip() or None
        for person in who:
            out.append(Note(name=person.name, party=person.party, kind=kind, text=body))
        return dedupe(out)
    for sentence in sentences(text):
        plain = unquoted(sentence)
        if not _NOTE.search(plain):
            continue
        k = "särskilt yttrande" if re.search(r"särskilt\s+yttrande", plain, re.I) else "protokollsanteckning"
        for person in actors(plain):
            out.append(Note(name=person.name, party=person.party, kind=k, text=quoted(sentence)))
    return dedupe(out)


def abstentions(text: str) -> list[Person]:
    out: list[Person] = []
    for sentence in sentences(text):
        plain = unquoted(sentence)
        if _ABSTAIN.search(plain):
            out.extend(actors(plain))
    return dedupe(out)


def motions(text: str) -> list[Motion]:
    out: list[Motion] = []
    found = sentences(text)
    for i, sentence in enumerate(found):
        plain = unquoted(sentence)
        verb = _MOTION.search(plain)
        if not verb:
            continue
        before, after = plain[:verb.start()], plain[verb.end():]
        hits = [(m.start(), k) for k, pattern in _MOTION_KINDS if (m := pattern.search(after))]
        kind = min(hits)[1] if hits else "övrigt"  # the first kind word after "yrkar" says it
        who = actors(before) or actors(plain)
        said = quoted(sentence)
        if said is None and sentence.rstrip().endswith(":") and i + 1 < len(found):
            said = quoted(found[i + 1])  # "yrkar på följande ändring:" and the quoted proposal below
        for person in who:
            out.append(Motion(name=person.name, party=person.party, kind=kind, text=said))
    return dedupe(out)


# A count has at most four digits: a longer number is no count of votes, and one of thousands
# of digits made int() fail (and one over 2**63 could not be stored).
_N = r"(?<!\d)(\d{1,4})(?!\d)"
_COUNT = {
    # "\s*(?::\s*)?" is "\s*:?\s*" without two ways to split a run of blanks (quadratic)
    "yes": re.compile(rf"{_N}\s+ja(?:-?röster)?\b|\bja(?:-?röster)?\s*(?::\s*)?{_N}", re.I),
    "no": re.compile(rf"{_N}\s+nej(?:-?röster)?\b|\bnej(?:-?röster)?\s*(?::\s*)?{_N}", re.I),
    "abstain": re.compile(rf"{_N}\s+(?:(?:som|ledamöter|ledamot)\s+)?(?:avstår|avstod|avstående|nedlagda)\b|"
                          rf"\b(?:avstår|avstående|nedlagda)(?:\s+röster)?\s*(?::\s*)?{_N}",
                          re.I),
}
_BALLOT = re.compile(r"\b(ja|nej|avstår|avstod)\s*$", re.I)
# "Ja: Anna Berg (S), Bo Ek (M)": the word, then the people
_GROUPED_BY_WORD = re.compile(
    r"(?im)^[^\S\n]*(ja|nej|avstår|avstod|avstående)(?:-?röster)?\s*(?:\(\d+\)\s*)?:\s*(.+)$"
)
# "Anna Berg (S) och Bo Ek (M) röstar nej": the people, then the word. Found from its end: the
# blanks, "röstar"/"röstade" and the word (from the start of the blanks only).
_SAYS_END = re.compile(r"(?<!\s)\s+(röst(?:ar|ade))\s+(ja|nej)\b", re.I)


def _grouped(text: str) -> Iterator[tuple[str, str]]:
    """(word, people) of both grouped forms in order — what ``finditer`` gave for the two as one
    alternation, "(?im)^\\s*(ja|nej|…)…:\\s*(.+)$|([^.\\n]*?)\\s+röst(?:ar|ade)\\s+(ja|nej)\\b",
    in linear time.

    That pattern was tried from every position, its lazy run of people scanning on to the next
    "." or line break each time: quadratic in a long sentence, cubic in a long run of blanks.
    The second form from a position ``p`` takes the first "… röstar ja" after ``p`` that no "."
    or line break separates from it, so the leftmost match from ``pos`` starts at ``pos`` or at
    the start of that run of text, whichever is later; the people are what lies between.
    """
    ends = list(_SAYS_END.finditer(text))
    i = 0
    pos = 0
    by_word = _GROUPED_BY_WORD.search(text)
    while pos < len(text):
        if by_word is not None and by_word.start() < pos:
            by_word = _GROUPED_BY_WORD.search(text, pos)
        while i < len(ends) and ends[i].start(1) <= pos:
            i += 1
        says = None
        if i < len(ends):
            blanks = ends[i].start()
            cut = max(text.rfind(".", pos, blanks), text.rfind("\n", pos, blanks))
            start = max(pos, cut + 1)
            says = (start, ends[i].end(), ends[i].group(2), text[start:blanks])
        if by_word is not None and (says is None or by_word.start() <= says[0]):
            yield by_word.group(1), by_word.group(2)
            pos = by_word.end()
        elif says is not None:
            yield says[2], says[3]
            pos = says[1]
        else:
            return


def _vote_word(word: str) -> str:
    word = word.lower()
    return "avstår" if word.startswith("avst") else word


def votes(text: str) -> list[Vote]:
    """An omröstning: counts, and per-person ballots where a list gives them."""
    counts = {}
    for key, pattern in _COUNT.items():
        m = pattern.search(text)
        if m:
            counts[key] = int(m.group(1) or m.group(2))
    plain = re.search(rf"\bmed\s+{_N}\s+röster\s+mot\s+{_N}", text, re.I)  # "med 8 röster mot 3"
    if plain and not counts:
        counts = {"yes": int(plain.group(1)), "no": int(plain.group(2))}
    ballots: list[VoteBallot] = []
    for line in text.split("\n"):
        pm = PERSON_PATTERN.search(line)
        bm = _BALLOT.search(line)
        if pm and bm and len(PERSON_PATTERN.findall(line)) == 1:  # a table row: "Anna Berg (S)   Ja"
            name, code = clean_name(pm.group(1)), party_code(pm.group(2))
            if name and code:
                ballots.append(VoteBallot(name=name, party=code, vote=_vote_word(bm.group(1))))
    if not ballots:  # grouped: "Ja: Anna Berg (S), Bo Ek (M)" / "Anna Berg (S) och Bo Ek (M) röstar nej."
        for word, people in _grouped(text):
            for person in find_people(people):
                ballots.append(VoteBallot(name=person.name, party=person.party, vote=_vote_word(word)))
    if ballots:
        for key, word in (("yes", "ja"), ("no", "nej"), ("abstain", "avstår")):
            counts.setdefault(key, sum(1 for b in ballots if b.vote == word))
    if not counts and not ballots:
        return []
    flat = re.sub(r"\s+", " ", text).strip()
    return [Vote(yes=counts.get("yes"), no=counts.get("no"), abstain=counts.get("abstain"), ballots=ballots,
                 text=flat[:1000] or None)]


_VOTE_SENTENCE = re.compile(r"\b(?:omröstning|votering|ja-röst|nej-röst|röster\s+mot)", re.I)


def votes_in(text: str) -> list[Vote]:
    """An omröstning told in running text (a Beslutsgång without an Omröstning heading)."""
    told = " ".join(s for s in sentences(text) if _VOTE_SENTENCE.search(s))
    return votes(told) if told and re.search(r"\d", told) else []


def prepared_by(text: str, known_bodies: Counter, default_year: int | None) -> PreparedBy | None:
    """Beredning: "Hälso- och sjukvårsutskottet den 28 augusti 2024 § 66." → body, date, §."""
    bodies = find_bodies(text)
    if not bodies:
        return None
    start, end, name = bodies[0]
    rest = text[start:]
    found = find_dates(rest, default_year)
    para = re.search(r"§\s*(\d{1,4})", rest)
    return PreparedBy(body=resolve(name, known_bodies), date=found[0].value if found else None,
                      paragraph=int(para.group(1)) if para else None)


_PRIOR = re.compile(r"\b(bordlag[dt]|återremitterad|återremitterat|återremitterades|behandlad|behandlat|"
                    r"bordlades|behandlades|beslutad|beslutades)\b", re.I)


_STATED_PRIOR = re.compile(r"^(?:ärendet\s+)?(?:bordlag[dt]|bordlades|återremitter(?:ad|at|ades))\b", re.I)


def prior_handlings(text: str, known_bodies: Counter, default_year: int | None,
                    stated_only: bool = False) -> list[PriorHandling]:
    """Tidigare behandling: "Bordlagd den 25 januari 2024, § 12" → one link per sentence.

    With ``stated_only`` (running text outside the section) only sentences that open with
    "Bordlagd …"/"Ärendet återremitterades …" count."""
    out: list[PriorHandling] = []
    for sentence in sentences(text):
        if stated_only and not _STATED_PRIOR.match(sentence):
            continue
        m = _PRIOR.search(sentence)
        para = re.search(r"§\s*(\d{1,4})", sentence)
        found = find_dates(sentence, default_year)
        if not (m or para) or not (found or para):
            continue
        kind = m.group(1).lower() if m else "behandlad"
        kind = "bordlagd" if kind.startswith("bordla") else "återremitterad" if kind.startswith("återremi") else kind
        bodies = find_bodies(sentence)
        out.append(PriorHandling(kind=kind, body=resolve(bodies[0][2], known_bodies) if bodies else None,
                                 date=found[0].value if found else None,
                                 paragraph=int(para.group(1)) if para else None, text=sentence))
    return out
