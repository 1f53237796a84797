"""The one way to find or make the row of an organisation, a body or a person.

`knowledge.identity` says which names are one thing; this module applies it to what is
stored. The store (ingest) and the meeting-plan import both come here, so one real body is
one row whichever document or plan named it, and its followers hear of every change to it.

- An organisation is taken as the document states it (any spelling of it: its key). When the
  document does not state it, it is the one organisation that already has the document's body
  and does not contradict its dnr series (an organisation whose cases all carry other series is
  another one); otherwise the unknown organisation (the empty name): nothing is guessed. A document that later states the organisation of a
  body first filed under the unknown one brings that body, its documents, cases and people home.
- A body is found by any name it goes by (`BodyName`); a generic name ("Arbetsutskottet") by
  the body it belongs to; an utskott knows its parent.
- A person is one per organisation however documents spell the name (`identity.match_person`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import update
from sqlmodel import Session, col, select

from knowledge.identity import (
    Known,
    body_abbreviations,
    is_generic_body,
    match_person,
    organisation_key,
    organisation_name,
    person_name,
)
from knowledge.models import (
    Abstention,
    Attendance,
    Body,
    BodyName,
    Case,
    Document,
    Motion,
    Note,
    Organisation,
    Paragraph,
    Person,
    Reservation,
)
from knowledge.text import fold

_BODY_SUFFIXES = (
    "nämnden", "nämnd", "utskottet", "utskott", "styrelsen", "styrelse", "fullmäktige",
    "beredningen", "beredning", "rådet", "råd", "delegationen", "presidiet", "kommittén",
)
_SMALL_WORDS = {"och", "för", "i", "av", "med", "om", "samt", "till", "&"}


def short_name(name: str) -> str:
    """Initials of the words and compound parts: "Hälso- och sjukvårdsnämnden" → "HSN".

    "Regionstyrelsen" → "RS", "Välfärd- och samverkansutskottet" → "VSU", "Kommunfullmäktige" →
    "KF", "Kommunstyrelsens arbetsutskott" → "KSAU" (a genitive is read as its word).
    """
    letters: list[str] = []
    for word in re.findall(r"[\wÅÄÖåäö]+", name):
        low = word.lower()
        if low in _SMALL_WORDS:
            continue
        stem = low[:-1] if low.endswith("s") and any(low[:-1].endswith(x) for x in _BODY_SUFFIXES) else low
        for suffix in _BODY_SUFFIXES:
            if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
                letters.append(word[0])
                letters.append(suffix[0])
                break
        else:
            letters.append(word[0])
    return "".join(letters).upper() or name[:6].upper()


def dnr_series(norm: str) -> str:
    """The letters of a normalised dnr: "HSN" of "24HSN2937", "BUN" of "2026.034BUN"."""
    found = re.search(r"[A-ZÅÄÖ]+", norm or "")
    return found.group(0) if found else ""


def _genitive(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def _indefinite(word: str) -> str:
    """"arbetsutskottet" → "arbetsutskott", "presidiet" → "presidium"."""
    low = word.lower()
    if low.endswith("utskottet"):
        return low[:-2]
    if low.endswith("presidiet"):
        return low[:-2] + "um"
    return low


@dataclass
class Placed:
    """The organisation a document was filed under, and how that was known."""

    organisation: Organisation
    how: str  # "stated" | "inferred" | "unknown"


class Registry:
    """Finds or makes rows in one session (an ingest's or a plan import's transaction)."""

    def __init__(self, s: Session) -> None:
        self.s = s

    # -- organisations -----------------------------------------------------------------------

    def organisation(self, stated: str | None, body: str | None = None, series: set[str] | None = None) -> Placed:
        name = " ".join((stated or "").split())
        if name:
            return Placed(self._organisation_named(name), "stated")
        # both must agree: every municipality has a Kommunfullmäktige and many a "KS" series, so
        # either alone says little; together, in one organisation only, they say which one
        candidates = self._orgs_with_body(body) if body else set()
        if series:  # an organisation whose cases carry other series only is another one
            numbered = self._orgs_with_series(None)
            candidates = {o for o in candidates if o not in numbered} | (candidates & self._orgs_with_series(series))
        found = candidates
        if len(found) == 1:
            return Placed(self.s.get(Organisation, next(iter(found))), "inferred")
        return Placed(self.unknown(), "unknown")

    def _organisation_named(self, name: str) -> Organisation:
        key = organisation_key(name)
        self._key_old_rows()
        org = self.s.exec(select(Organisation).where(Organisation.key == key)).first()
        if org is None:
            display = organisation_name(name)
            org = self.s.exec(select(Organisation).where(Organisation.name == display)).first()
            if org is None:
                org = Organisation(name=display, key=key)
                self.s.add(org)
                self.s.flush()
        return org

    def _key_old_rows(self) -> None:
        """Organisations stored before keys existed get theirs (once: later ones have a key)."""
        for org in self.s.exec(select(Organisation).where(Organisation.key == "", Organisation.name != "")).all():
            org.key = organisation_key(org.name)
        self.s.flush()

    def unknown(self) -> Organisation:
        org = self.s.exec(select(Organisation).where(Organisation.name == "")).first()
        if org is None:
            org = Organisation(name="", key="")
            self.s.add(org)
            self.s.flush()
        return org

    def _orgs_with_body(self, name: str) -> set[int]:
        key = fold(name)
        rows = self.s.exec(
            select(Body.organisation_id, Organisation.name)
            .join(Organisation, Organisation.id == Body.organisation_id)
            .join(BodyName, BodyName.body_id == Body.id, isouter=True)
            .where((Body.name_key == key) | (BodyName.name_key == key))
        ).all()
        return {org for org, org_name in rows if org_name}

    def _orgs_with_series(self, series: set[str] | None) -> set[int]:
        """Organisations with a case of one of ``series``; None: with any lettered case at all."""
        q = (select(Case.organisation_id, Organisation.name)
             .join(Organisation, Organisation.id == Case.organisation_id).distinct())
        q = q.where(Case.series != "") if series is None else q.where(col(Case.series).in_(sorted(series)))
        return {org for org, org_name in self.s.exec(q).all() if org_name}

    # -- bodies ------------------------------------------------------------------------------

    def body(self, org: Organisation, name: str | None, *, parent: str | None = None,
             within: Body | None = None) -> Body | None:
        """The body ``name`` means in ``org``: found by any of its names, made when new.
        ``parent``: the nämnd an utskott belongs to, as the document names it; ``within``: the
        deciding body of the document, for a generic name ("arbetsutskottets sammanträde")."""
        name = " ".join((name or "").split())
        if not name:
            return None
        if is_generic_body(name):
            return self._generic(org, name, within)
        key = fold(name)
        body = self._named(org, key)
        if body is None:
            body = self._similar(org, name, key)
        if body is None:
            parent_body = self.body(org, parent) if parent else None
            body = self._make(org, name, parent_body)
        elif parent and body.parent_id is None:
            parent_body = self.body(org, parent)
            body.parent_id = parent_body.id if parent_body and parent_body.id != body.id else None
        return body

    def find_body(self, org: Organisation, name: str, within: Body | None = None) -> Body | None:
        """The stored body ``name`` means, without making one (a body a protocol only mentions)."""
        name = " ".join(name.split())
        if is_generic_body(name):
            key = fold(_indefinite(name))
            if within is not None and fold(_indefinite(within.name.split()[-1])) == key:
                return within
            children = self.s.exec(select(Body).where(Body.parent_id == within.id)).all() if within else []
            return next((c for c in children if fold(_indefinite(c.name.split()[-1])) == key), None)
        return self._named(org, fold(name))

    def names_of(self, body: Body) -> list[str]:
        """Every folded name ``body`` goes by."""
        names = set(self.s.exec(select(BodyName.name_key).where(BodyName.body_id == body.id)).all())
        return sorted(names | {body.name_key})

    def _named(self, org: Organisation, key: str) -> Body | None:
        return self.s.exec(
            select(Body)
            .join(BodyName, BodyName.body_id == Body.id, isouter=True)
            .where(Body.organisation_id == org.id, (Body.name_key == key) | (BodyName.name_key == key))
            .order_by(Body.id)
        ).first()

    def _similar(self, org: Organisation, name: str, key: str) -> Body | None:
        """A known body spelled a little differently ("Hälso- och sjukvårsutskottet")."""
        short = short_name(name)
        for body in self.s.exec(select(Body).where(Body.organisation_id == org.id)).all():
            if body.short == short and fuzz.ratio(key, body.name_key) >= 94:
                return body
        return None

    def _generic(self, org: Organisation, name: str, within: Body | None) -> Body | None:
        """"Arbetsutskottet" means the arbetsutskott of the body in whose protocol it stands."""
        key = fold(_indefinite(name))
        if within is not None:
            if fold(_indefinite(within.name.split()[-1])) == key:
                return within  # the deciding body is itself the arbetsutskott
            for child in self.s.exec(select(Body).where(Body.parent_id == within.id)).all():
                if fold(_indefinite(child.name.split()[-1])) == key:
                    return child
            full = f"{_genitive(within.name)} {_indefinite(name)}"
            return self._named(org, fold(full)) or self._make(org, full, within)
        found = [b for b in self.s.exec(select(Body).where(Body.organisation_id == org.id)).all()
                 if fold(_indefinite(b.name.split()[-1])) == key and b.parent_id is not None]
        if len(found) == 1:
            return found[0]
        # a document that names itself only "Arbetsutskottet": kept as it says, the report shows it
        return self._named(org, fold(name)) or self._make(org, name, None)

    def _make(self, org: Organisation, name: str, parent: Body | None) -> Body:
        body = Body(organisation_id=org.id, name=name, short=short_name(name), name_key=fold(name),
                    parent_id=parent.id if parent else None)
        self.s.add(body)
        self.s.flush()
        names = [name, *body_abbreviations(name, body.short, parent.short if parent else None)]
        if parent is not None:  # "Kommunstyrelsens arbetsutskott" is also "KS arbetsutskott", "KS AU"
            own = name.split()[-1]
            names += [f"{parent.short} {own}", f"{parent.short} {_indefinite(own)}"]
        self.add_names(body, names)
        return body

    def add_names(self, body: Body, names: list[str]) -> None:
        have = set(self.s.exec(select(BodyName.name_key).where(BodyName.body_id == body.id)).all())
        for key in dict.fromkeys(fold(n) for n in names):
            if key and key not in have:
                self.s.add(BodyName(body_id=body.id, name_key=key))
                have.add(key)
        self.s.flush()

    # -- people ------------------------------------------------------------------------------

    def people(self, org: Organisation, wanted: dict[tuple[str, str], str]) -> dict[tuple[str, str], int]:
        """Person ids for {(folded name, party): name as printed}: the same person found under
        a variant of the name in the same party, a new one made otherwise."""
        if not wanted:
            return {}
        families = {_family(name) for name in wanted.values()}
        known: dict[str, list[Known]] = {}
        rows: dict[int, Person] = {}
        for person in self.s.exec(
            select(Person).where(Person.organisation_id == org.id, col(Person.family_key).in_(sorted(families)))
        ).all():
            rows[person.id] = person
            parties = frozenset(person.parties or [person.party])
            known.setdefault(person.family_key, []).append(Known(person.id, person.name, parties))
        out: dict[tuple[str, str], int] = {}
        for (key, party), name in wanted.items():
            family = _family(name)
            found = match_person(name, party or None, known.get(family, []))
            if found is not None:
                out[(key, party)] = found.id
                person = rows[found.id]
                if fold(person.name) != fold(name) and name not in (person.variants or []):
                    person.variants = [*(person.variants or []), name]
                if party and party not in (person.parties or []):  # "(-)": left the party since
                    person.parties = [*(person.parties or []), party]
                continue
            person = Person(organisation_id=org.id, name=name, name_key=key, family_key=family, party=party,
                            parties=[party] if party else [])
            self.s.add(person)
            self.s.flush()
            rows[person.id] = person
            known.setdefault(family, []).append(Known(person.id, name, frozenset([party] if party else [])))
            out[(key, party)] = person.id
        self.s.flush()
        return out

    # -- a body found its organisation --------------------------------------------------------

    def adopt(self, org: Organisation, body_name: str | None) -> None:
        """A document states ``org`` for a body first filed under the unknown organisation: that
        body, its documents, cases and people move to ``org``, where ``org`` does not already
        have a body of that name (then both are kept, and the identity report shows the pair)."""
        if not body_name or not org.name:
            return
        unknown = self.s.exec(select(Organisation).where(Organisation.name == "")).first()
        if unknown is None:
            return
        stray = self._named(unknown, fold(body_name))
        if stray is None or self._named(org, fold(body_name)) is not None:
            return
        family = [stray.id] + list(self.s.exec(select(Body.id).where(Body.parent_id == stray.id)).all())
        self.s.exec(update(Body).where(col(Body.id).in_(family)).values(organisation_id=org.id))
        docs = list(self.s.exec(select(Document.id).where(col(Document.body_id).in_(family))).all())
        self.s.exec(update(Document).where(col(Document.id).in_(docs)).values(organisation_id=org.id))
        self._move_cases(unknown, org, docs)
        self._move_people(unknown, org, docs)
        self.s.flush()
        self.s.expire_all()

    def _move_cases(self, unknown: Organisation, org: Organisation, docs: list[int]) -> None:
        cases = set(self.s.exec(
            select(Paragraph.case_id).where(col(Paragraph.document_id).in_(docs), col(Paragraph.case_id).is_not(None))
        ).all())
        for case in self.s.exec(select(Case).where(col(Case.id).in_(sorted(cases)), Case.organisation_id == unknown.id)).all():
            home = self.s.exec(select(Case).where(Case.organisation_id == org.id, Case.dnr_norm == case.dnr_norm)).first()
            if home is None:
                case.organisation_id = org.id
                continue
            for model in (Paragraph, Reservation, Note):
                self.s.exec(update(model).where(model.case_id == case.id).values(case_id=home.id))
            self.s.delete(case)

    def _move_people(self, unknown: Organisation, org: Organisation, docs: list[int]) -> None:
        paragraphs = select(Paragraph.id).where(col(Paragraph.document_id).in_(docs))
        ids: set[int] = set(self.s.exec(select(Attendance.person_id).where(col(Attendance.document_id).in_(docs))).all())
        for model in (Reservation, Note, Motion, Abstention):
            ids |= set(self.s.exec(select(model.person_id).where(col(model.paragraph_id).in_(paragraphs))).all())
        for person in self.s.exec(select(Person).where(col(Person.id).in_(sorted(i for i in ids if i)),
                                                       Person.organisation_id == unknown.id)).all():
            home = self.s.exec(select(Person).where(Person.organisation_id == org.id, Person.name_key == person.name_key,
                                                    Person.party == person.party)).first()
            if home is None:
                person.organisation_id = org.id
                continue
            for model in (Attendance, Reservation, Note, Motion, Abstention):
                self.s.exec(update(model).where(model.person_id == person.id).values(person_id=home.id))
            self.s.delete(person)


def _family(name: str) -> str:
    words = fold(person_name(name)).split()
    return words[-1] if words else ""

