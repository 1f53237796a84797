"""What was said and done around a decision: yrkanden, reservationer, protokollsanteckningar
and särskilda yttranden, abstentions, beredning, tidigare behandling. Votes are `votes`'.

Each function takes a section's text (or the paragraph's text outside the sections it must not
read) and returns model objects. People come from `people`, bodies from `bodies`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

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
from knowledge.parse.people import actors, find_people, names_only, starts_with_actor
from knowledge.parse.text import quoted, sentences, unquoted

_RESERVES = re.compile(r"\breserver(?:ar|ade|at)\s+sig\b|\b(?:lämnar|lämnade|anmäler|anmälde|inkommer\s+med|inkom\s+med|"
                       r"inlämnar)\s+(?:en\s+|följande\s+)?(?:skriftlig(?:a|t)?\s+)?reservation(?:er|en)?\b|"
                       r"\b(?:skriftlig\s+)?reservation(?:er)?\s+(?:lämnas|lämnades|anmäls|anmäldes|inlämnas|inkom)\b", re.I)
# a note by members (not "Det antecknas att …", the secretary's): "lämnar följande protokollsanteckning",
# "antecknar som yttrande", "lämnar en anteckning till protokollet", "lämnar ett särskilt yttrande"
_NOTE = re.compile(r"protokollsanteckning(?:ar|en)?\b|\banteckning(?:ar|en)?\s+till\s+protokollet|\bantecknar\b|"
                   r"\b(?:lämnar|avger|anmäler|lämnade|avgav)\s+(?:en\s+|följande\s+)?(?:skriftlig\s+)?anteckning\b|"
                   r"\bsärskil(?:t|da)\s+yttranden?\b", re.I)
_SPECIAL = re.compile(r"\bsärskil(?:t|da)\s+yttranden?\b", re.I)
# said in a note section, but not a note: "X deltar inte i beslutet", jäv, "Det antecknas att …"
_NOT_A_NOTE = re.compile(r"\bdelta(?:r|git|g)?\s+(?:inte|ej)\s+i\s+(?:beslutet|handläggningen|behandlingen|"
                         r"överläggningen|ärendet)|\bjäv\b|^\W*det\s+antecknas\b|\bantecknas\s+att\b|"
                         r"\bavst(?:år|od|ått)\s+från\s+att\s+(?:delta|deltaga|rösta)", re.I)
_ABSTAIN = re.compile(r"\bavst(?:år|od|ått)\s+från\s+att\s+(?:delta|deltaga|rösta)|\bdelta(?:r|git)?\s+(?:inte|ej)\s+i\s+"
                      r"beslutet|\bavstår\s+från\s+(?:beslut|ställningstagande)", re.I)
# What a member proposes at the meeting: "yrkar" ("yrkande", the noun, names a document, not an act);
# "På förslag av Axel Josefson (M): / Ärendet bordläggs …", a decision taken on a member's proposal;
# and in a Yrkanden section ("Förslag till beslut på sammanträdet") also "föreslår", "instämmer i",
# "tillstyrker", "har inkommit med följande tillägg".
_MOTION = re.compile(r"\byrka(?:r|de|t)\b|^\W*på\s+förslag\s+av\b", re.I)
_MOTION_IN_SECTION = re.compile(r"\byrka(?:r|de|t)\b|^\W*på\s+förslag\s+av\b|\bföresl(?:år|og|agit)\b|\binstämm(?:er|de)\b|"
                                r"\btillstyrk(?:er|te)\b|\binkommit\s+med\b|\binkommer\s+med\b", re.I)
_IN_FAVOUR = re.compile(r"till\s+förmån\s+för\s+(.+?)(?=\s+samt\b|\s+och\s+[A-ZÅÄÖ]|[.;,]|$)", re.I)
_MOTION_KINDS = [
    ("återremiss", re.compile(r"återremi", re.I)),
    ("bordläggning", re.compile(r"bordlägg", re.I)),
    ("tilläggsyrkande", re.compile(r"tillägg", re.I)),
    ("ändringsyrkande", re.compile(r"ändring|ändra\b|ändringsyrkande", re.I)),
    ("avslag", re.compile(r"\bavslag|\bavslå", re.I)),
    ("bifall", re.compile(r"\bbifall|\binstämm|\btillstyrk", re.I)),
]
# whose proposal a yrkande backs: "bifall till X", "instämmer i X", "att X bifalls", "i enlighet med X",
# "enligt yrkande från SD …"
_SUPPORTS = [
    re.compile(r"\bbifall\s+(?:till|av)\s+(.+)", re.I),
    re.compile(r"\binstämm(?:er|de)\s+i\s+(.+)", re.I),
    re.compile(r"\batt\s+(.+?)\s+(?:bifalls|bifalles|ska\s+bifallas)\b", re.I),
    re.compile(r"\bi\s+enlighet\s+med\s+(.+)", re.I),
    re.compile(r"\benligt\s+((?:det\s+|den\s+)?(?:\w+s\s+)?(?:\w*yrkande|förslag)\w*\b.*)", re.I),
]
# "… och i andra hand bifall till motionen": the first-hand proposal is the one backed
# and "bifall till stadsledningskontorets förslag och avslag på yrkande från L": what is backed ends there
_SECOND_HAND = re.compile(r"\s*(?:,|;|\s(?:och|samt))?\s+i\s+andra\s+hand\b.*$|\s+(?:och|samt)\s+avslag\s+på\b.*$|"
                          r"[\s.;:,]+$", re.I)
# a lead that announces a text below it: "… lämnar följande protokollsanteckning:", "… nedanstående tillägg"
_ANNOUNCES = re.compile(r":\s*$|\b(?:följande|nedanstående|enligt\s+nedan)\b", re.I)
_QUOTE_CHARS = "”\"“«»"
# a sentence that introduces the text of the act before it
_TEXT_OF = re.compile(r"reservation|anteckning|yttrande|yrkande|förslag", re.I)
# between an act and its actor in inverted order: "Mot beslutet reserverar sig Moderaterna", "Särskilt
# yttrande anmäls av ordföranden Anna Ek (S)"
_INVERTED = re.compile(r"\s*(?:sig\s+|mot\s+beslutet\s+)?(?:(?:lämnas|lämnades|anmäls|anmäldes|inlämnas|inkom)\s+)?"
                       r"(?:av\s+|från\s+)?(?:(?:ordföranden|ledamoten|ledamöterna|ersättaren|tjänstgörande)\s+)*", re.I)
# co-signers named after the act: "… till förmån för eget ändringsyrkande samt Ingela Korhonen (SJVP), …"
_JOINED = re.compile(r"\s(?:samt|liksom|jämte|tillsammans\s+med)\s+(.+)$", re.I)


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


@dataclass
class _Statement:
    """One act said in a section: its kind, who did it, and its own text (a reservation's text is
    its author's: never another statement's)."""

    kind: str  # "reservation" | "note" | "motion"
    plain: str  # the lead sentence up to its colon, quotes removed
    act: re.Match  # the verb in ``plain``
    who: list[Person]
    parts: list[str] = field(default_factory=list)
    open: bool = False  # the lead announced a text: the following sentences are it

    @property
    def owners(self) -> list[Person]:
        """Whose "eget yrkande" it is: those before the verb, not co-signers joined after it."""
        head = actors(self.plain[:self.act.start()])
        return head or self.who

    @property
    def text(self) -> str | None:
        body = re.sub(r"\s+", " ", " ".join(self.parts)).strip()
        inner = quoted(body) if body[:1] in _QUOTE_CHARS else None
        if inner and len(inner) >= len(body) - 4:  # a quoted text: without its quotes
            body = inner
        return body or None


def _who(plain: str, act: re.Match) -> list[Person]:
    """Who did the act: the people or parties before the verb ("Representanterna från M och D
    antecknar …"), or after it when nobody stands before ("Mot beslutet reserverar sig Moderaterna",
    "Särskilt yttrande anmäls av Anna Ek (M)"); co-signers joined after the act with "samt" count
    when that part names nothing but people. What the act is about ("till förmån för Pia Lundins
    (SJVP) yrkande", "med hänvisning till yttrandet från M") names no actor."""
    head, tail = plain[:act.start()], plain[act.end():]
    found = actors(head)
    if not found:  # only an actor right after the act: "Nämnden antecknar att Anna Ek (S) …" names no author
        after = tail[_INVERTED.match(tail).end():]
        about = re.split(r"\b(?:till\s+förmån\s+för|med\s+hänvisning\s+till|i\s+enlighet\s+med|bifall\s+till|"
                         r"avslag\s+på|mot\s+beslutet\s+att)\b", after, maxsplit=1, flags=re.I)[0]
        return actors(about) if starts_with_actor(about) else []
    joined = _JOINED.search(tail)
    if joined and find_people(joined.group(1)) and names_only(joined.group(1)):
        found = found + find_people(joined.group(1))
    return found


def _acts(plain: str, motion_verbs: re.Pattern) -> list[tuple[str, re.Match]]:
    """The acts a sentence states: a note, a reservation, a yrkande ("Anna Ek (M) yrkar avslag och
    reserverar sig" is both), each at its own verb."""
    return [(kind, m) for kind, pattern in (("note", _NOTE), ("reservation", _RESERVES), ("motion", motion_verbs))
            if (m := pattern.search(plain))]


def _stops(plain: str) -> bool:
    """"Ledamöterna från D deltar inte i beslutet", "X (S) anmäler jäv", "Det antecknas att …": no
    one's note, and the end of the text before it (a text's own "vi deltar inte" does not end it)."""
    m = _NOT_A_NOTE.search(plain)
    return bool(m) and (bool(actors(plain[:m.start()])) or bool(re.match(r"\W*(?:det|till\s+protokollet)\s+antecknas",
                                                                       plain, re.I)))


def _statements(text: str, motion_verbs: re.Pattern = _MOTION) -> list[_Statement]:
    """The acts of ``text`` in order, each with its own text: the passage quoted in its sentence,
    or what it announces ("… lämnar följande protokollsanteckning:" and the lines below) up to
    the next act or a line that is no one's act ("X deltar inte i beslutet", "Det antecknas att …").
    A sentence that announces a text without naming anyone ("Följande reservationstext lämnas
    till protokollet:") gives its text to the act before it."""
    out: list[_Statement] = []
    current: list[_Statement] = []  # the acts whose announced text is being read
    for sentence in sentences(text):
        lead, rest = _at_colon(sentence)
        plain = unquoted(lead)
        said = quoted(lead)
        found = [_Statement(kind, plain, act, who) for kind, act in _acts(plain, motion_verbs)
                 if (who := _who(plain, act))]
        if found:
            for statement in found:
                statement.parts = [p for p in (said, rest) if p]
                statement.open = bool(rest) or (not said and bool(_ANNOUNCES.search(plain[statement.act.end():])))
            out.extend(found)
            current = [st for st in found if st.open]
        elif _stops(plain):
            current = []
        elif current:
            for statement in current:
                statement.parts.append(sentence)
        elif out and lead.rstrip().endswith(":") and _TEXT_OF.search(plain):
            current = [out[-1]]  # "Följande reservationstext lämnas till protokollet:" and the text below
            out[-1].parts.extend(p for p in (said, rest) if p)
    return out


def _at_colon(sentence: str) -> tuple[str, str]:
    """"A (S) lämnar följande protokollsanteckning: Vi menar …" → the lead and the text after
    its colon (a colon inside quotes or a time "kl. 14:00" does not count)."""
    depth = False
    for i, ch in enumerate(sentence):
        if ch in _QUOTE_CHARS:
            depth = not depth if ch in "”\"" else ch in "«“"
        elif ch == ":" and not depth and not sentence[i + 1:i + 2].isdigit():
            return sentence[:i + 1], sentence[i + 1:].strip()
    return sentence, ""


def _first_lines(text: str, kind: str) -> list[_Statement]:
    """A section that names its authors without a verb ("Reservation / Anna Ek (M), Per Ek (KD):
    ”…”"): the people of its first line, and the text after them."""
    found = sentences(text)
    if not found:
        return []
    lead, rest = _at_colon(found[0])
    plain = unquoted(lead)
    names = plain.rstrip(": ")
    if len(plain) > 200 or _NOT_A_NOTE.search(plain):
        return []
    who = actors(names) if names_only(names) else []
    if not who:
        return []
    statement = _Statement(kind, plain, re.match(r"", plain), who, open=True)
    statement.parts = [p for p in (quoted(lead), rest) if p] + found[1:]
    return [statement]


def reservations(text: str, whole_section: bool = False) -> list[Reservation]:
    """Reservations stated in ``text`` (each reserving person; a party when no one is named),
    each with its own text. ``whole_section``: ``text`` is a Reservation section, whose authors
    may stand without a verb."""
    found = [s for s in _statements(text) if s.kind == "reservation"]
    if not found and whole_section:
        found = _first_lines(text, "reservation")
    out: list[Reservation] = []
    for statement in found:
        favour = _IN_FAVOUR.search(statement.plain)
        in_favour = _whose(favour.group(1).strip(), statement.owners) if favour else None
        for person in statement.who:
            out.append(Reservation(name=person.name, party=person.party, in_favour_of=in_favour, text=statement.text))
    return dedupe(out)


def _whose(proposal: str, owners: list[Person]) -> str:
    """"eget ändringsyrkande" said by Pia Lundin → "Pia Lundins ändringsyrkande" (true for every
    co-signer who joined her); "det egna yrkandet" said by the members of SD → "SD:s yrkande";
    said by two → "Jörgen Fogelklou och Martin Wannholts yrkande" (theirs together)."""
    own = re.match(r"(?:det\s+|den\s+|de\s+)?(?:sitt\s+|sina\s+)?eg(?:et|na|en)\s+(.+)$", proposal, re.I)
    names = [p.name or p.party for p in owners]
    if not own or not names or None in names:
        return proposal
    last = names[-1]
    genitive = last if last[-1] in "sxzSXZ" else last + ("s" if owners[-1].name else ":s")
    who = genitive if len(names) == 1 else f"{', '.join(names[:-1])} och {genitive}"
    return f"{who} {_indefinite(own.group(1))}"


def _indefinite(noun: str) -> str:
    """After a genitive the noun is indefinite: "yrkandet" → "yrkande", "förslaget" → "förslag"."""
    words = noun.split()
    last = words[-1]
    if re.search(r"nde(?:t|na)$", last):
        words[-1] = last[:-1]
    elif re.search(r"[^aeiouyåäö]et$", last) and len(last) > 5:
        words[-1] = last[:-2]
    return " ".join(words)


def reservation_section(text: str) -> list[Reservation]:
    """A "Reservationer" section: the reservers, each with the reservation text that follows them."""
    return reservations(text, whole_section=True)


def notes(text: str, kind: str = "protokollsanteckning", whole_section: bool = False) -> list[Note]:
    """Protokollsanteckningar / särskilda yttranden in ``text``, one per person in printed order,
    each with its own text. ``whole_section``: ``text`` is a section of that ``kind`` (its authors
    may stand without a verb; "X deltar inte i beslutet" and "Det antecknas att …" there are no
    one's note)."""
    found = [s for s in _statements(text) if s.kind == "note"]
    if not found and whole_section:
        found = _first_lines(text, "note")
    out: list[Note] = []
    for statement in found:
        this = ("särskilt yttrande" if _SPECIAL.search(statement.plain)
                else "protokollsanteckning" if re.search(r"anteckning", statement.plain, re.I) or not whole_section
                else kind)
        for person in statement.who:
            out.append(Note(name=person.name, party=person.party, kind=this, text=statement.text))
    return dedupe(out)


def abstentions(text: str) -> list[Person]:
    out: list[Person] = []
    for sentence in sentences(text):
        plain = unquoted(sentence)
        act = _ABSTAIN.search(plain)
        if act:
            out.extend(_who(plain, act))
    return dedupe(out)


def motions(text: str, whole_section: bool = False) -> list[Motion]:
    """Yrkanden: who proposed what kind of thing, whose proposal it backs ("bifall till Pia Lundins
    ändringsyrkande"), and its text (the quoted or announced proposal, or "att …"). In a Yrkanden
    section ("Förslag till beslut på sammanträdet") "föreslår", "instämmer i" and the like are
    yrkanden too."""
    out: list[Motion] = []
    for statement in _statements(text, _MOTION_IN_SECTION if whole_section else _MOTION):
        if statement.kind != "motion":
            continue
        after = statement.plain[statement.act.end():]
        if statement.act.group(0).lower().lstrip(" \t\n(").startswith("på"):  # the proposal is the decision below
            after = statement.parts[0] if statement.parts else ""
            statement.parts = statement.parts[:1]
        hits = [(m.start(), k) for k, pattern in _MOTION_KINDS if (m := pattern.search(after))]
        kind = min(hits)[1] if hits else "övrigt"  # the first kind word after "yrkar" says it
        if statement.act.group(0).lower().startswith(("instäm", "tillstyrk")):
            kind = "bifall"
        said = statement.text or _att_clause(after)
        supports = _supports(statement.plain[statement.act.start():], statement.owners)
        for person in statement.who:
            out.append(Motion(name=person.name, party=person.party, kind=kind, text=said, supports=supports))
    return dedupe(out)


def _att_clause(after: str) -> str | None:
    """"yrkar att ärendet ska återremitteras …" → "att ärendet ska återremitteras …"; after a
    reason ("yrkar, med hänvisning till att …, att summan …") the last ", att" clause."""
    clause = re.match(r"\s*(att\s+.+)", after, re.I)
    if not clause and after.lstrip().startswith(","):
        clause = re.search(r",\s*(att\s+(?:(?!,\s*att\s).)+)$", after, re.I)
    return re.sub(r"[\s.;:]+$", "", clause.group(1)) if clause else None


def _supports(after: str, owners: list[Person]) -> str | None:
    for pattern in _SUPPORTS:
        m = pattern.search(after)
        if m:
            backed = _SECOND_HAND.sub("", m.group(1)).strip()
            if backed:
                return _whose(backed, owners)
    return None


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
