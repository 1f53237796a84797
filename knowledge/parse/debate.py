"""What was said and done around a decision: yrkanden, reservationer, protokollsanteckningar
and särskilda yttranden, abstentions, beredning, tidigare behandling. Votes are `votes`'.

Each function takes a section's text (or the paragraph's text outside the sections it must not
read) and returns model objects. People come from `people`, bodies from `bodies`.
"""

from __future__ import annotations

import re
from collections import Counter

from knowledge.parse.bodies import find_bodies, resolve
from knowledge.parse.dates import find_dates
from knowledge.parse.model import (
    Motion,
    Note,
    Person,
    PreparedBy,
    PriorHandling,
    Reservation,
)
from knowledge.parse.people import actors
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
