"""Write one `ParsedDocument` into the store: one transaction, idempotent, replacing old versions.

- The same file again (same sha256) changes nothing.
- A new version of the same protocol (same body and meeting date; for an undated plan the same
  body and title) deletes the old document's rows (cascade) and writes the new ones; cases,
  meetings and people keep their identity.
- A schedule change makes a planned meeting on the new date, moved from the old one; a planned
  meeting already on the old date becomes "moved" and hands its calendar uid to the new one.
- What happened is recorded in ``events`` for the notifier (`knowledge.models.Event`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from knowledge.db import write_transaction
from knowledge.models import (
    Abstention,
    Attendance,
    Body,
    BodyName,
    Case,
    CaseLink,
    Decision,
    Document,
    Event,
    Figure,
    Meeting,
    Motion,
    Note,
    Organisation,
    Paragraph,
    ParagraphRef,
    Reservation,
    ScheduleChange,
    Vote,
    utcnow,
)
from knowledge.parse.model import ParsedDocument
from knowledge.parse.model import Person as ParsedPerson
from knowledge.registry import Registry, dnr_series
from knowledge.search import fold, normalise_dnr

IngestStatus = str  # "new" | "unchanged" | "replaced"

@dataclass
class IngestResult:
    status: IngestStatus
    document_id: int
    paragraphs: int = 0
    replaced_document_id: int | None = None
    event_ids: list[int] = field(default_factory=list)


def ingest_document(
    s: Session, parsed: ParsedDocument, *, source_name: str, sha256: str
) -> IngestResult:
    """Write ``parsed`` in one transaction (committed here; rolled back on any error)."""
    write_transaction(s)
    existing = s.exec(select(Document).where(Document.sha256 == sha256)).first()
    if existing is not None:
        result = IngestResult("unchanged", existing.id, existing.paragraph_count)
        s.rollback()  # release the write lock
        return result
    try:
        result = _Writer(s, parsed, source_name, sha256).run()
        s.commit()
    except BaseException:
        s.rollback()
        raise
    return result


class _Writer:
    def __init__(self, s: Session, parsed: ParsedDocument, source_name: str, sha256: str):
        self.s = s
        self.doc = parsed
        self.source_name = source_name
        self.sha256 = sha256
        self.people: dict[tuple[str, str], int] = {}
        self.cases: dict[str, int] = {}
        self.events: list[Event] = []
        self.registry = Registry(s)
        self.placed = "stated"
        self.prepared: dict[int, int | None] = {}

    # -- lookups -------------------------------------------------------------------------
    def organisation(self) -> Organisation:
        """As the document states it, else inferred from its body and dnr series, else unknown
        (`knowledge.registry`); a stated one brings home a body first filed as unknown."""
        series = {dnr_series(normalise_dnr(p.dnr)) for p in self.doc.paragraphs if p.dnr} - {""}
        placed = self.registry.organisation(self.doc.organisation, self.doc.body, series)
        self.placed = placed.how
        if placed.how == "stated":
            self.registry.adopt(placed.organisation, self.doc.body)
        return placed.organisation

    def body(self, name: str | None, within: Body | None = None) -> Body | None:
        parent = self.doc.body_parent if name == self.doc.body else None
        return self.registry.body(self.org, name, parent=parent, within=within)

    def _all_people(self) -> list[ParsedPerson]:
        doc = self.doc
        people: list[ParsedPerson] = list(doc.attendance)
        for p in doc.paragraphs:
            people += p.reservations + p.protocol_notes + p.motions + p.abstentions
        return [x for x in people if x.name]

    def resolve_people(self) -> None:
        """Every named person of the document: the same person under any spelling of the name."""
        wanted = {(fold(p.name), p.party or ""): " ".join(p.name.split()) for p in self._all_people()}
        self.people = self.registry.people(self.org, wanted)

    def case_key(self, p, body: Body | None) -> str:
        """The key of the case a paragraph belongs to: its normalised dnr; for a non-routine §
        without one, a case of its own ("§body:date:number"), so that its title finds it."""
        if p.dnr:
            return normalise_dnr(p.dnr)
        if p.routine or body is None or self.doc.meeting_date is None:
            return ""
        return f"§{body.id}:{self.doc.meeting_date.isoformat()}:{p.number}"

    def resolve_cases(self, body: Body | None) -> None:
        """Case ids for every dnr of the document (organisation + normalised dnr), and for each
        non-routine § without a dnr that no beredning ties to a case already."""
        wanted: dict[str, str] = {}
        self.prepared = {}
        for p in self.doc.paragraphs:
            if not p.dnr:
                self.prepared[p.number] = self.prepared_case(p)
                if self.prepared[p.number] is not None:
                    continue
            norm = self.case_key(p, body)
            if norm and norm not in wanted:
                wanted[norm] = " ".join(p.dnr.split()) if p.dnr else ""
        if not wanted:
            return
        for cid, norm in self.s.exec(
            select(Case.id, Case.dnr_norm).where(
                Case.organisation_id == self.org.id, col(Case.dnr_norm).in_(list(wanted))
            )
        ).all():
            self.cases[norm] = cid
        missing = [
            {"organisation_id": self.org.id, "dnr": dnr, "dnr_norm": norm, "title": "", "series": dnr_series(norm)}
            for norm, dnr in wanted.items()
            if norm not in self.cases
        ]
        if missing:
            rows = _insert_returning(self.s, Case, missing)
            for row, values in zip(rows, missing, strict=True):
                self.cases[values["dnr_norm"]] = row[0]

    def prepared_case(self, p) -> int | None:
        """No dnr, but "Beredning: HSU 2024-08-28 § 66": the case of the preparing paragraph."""
        prep = p.prepared_by
        if prep is None or not (prep.body and prep.date and prep.paragraph is not None):
            return None
        key = fold(prep.body)
        return self.s.exec(
            select(Paragraph.case_id)
            .join(Body, Body.id == Paragraph.body_id)
            .where(
                Body.organisation_id == self.org.id,
                Body.name_key == key,
                Paragraph.date == prep.date,
                Paragraph.number == prep.paragraph,
                col(Paragraph.case_id).is_not(None),
            )
        ).first()

    def ref(self, p: ParsedPerson) -> dict:
        key = (fold(p.name), p.party or "")
        return {
            "person_id": self.people.get(key) if p.name else None,
            "name": p.name,
            "name_key": key[0] or None,
            "party": p.party,
            "party_key": fold(p.party) or None,
        }

    def active_meeting(self, body_id: int, day: date) -> Meeting | None:
        return self.s.exec(
            select(Meeting)
            .where(
                Meeting.body_id == body_id,
                Meeting.date == day,
                col(Meeting.status).not_in(["moved", "cancelled"]),
            )
            .order_by(Meeting.id)
        ).first()

    # -- the write -----------------------------------------------------------------------
    def run(self) -> IngestResult:
        doc = self.doc
        self.org = self.organisation()
        body = self.body(doc.body)
        old = self.previous_version(body)
        old_cases: set[int] = set()
        if old is not None:
            old_cases = set(
                self.s.exec(
                    select(Paragraph.case_id)
                    .where(Paragraph.document_id == old.id, col(Paragraph.case_id).is_not(None))
                    .distinct()
                ).all()
            )
            self.s.exec(delete(Document).where(col(Document.id) == old.id))
            self.s.expire_all()

        meeting = None
        if body is not None and doc.meeting_date is not None and doc.kind != "plan":
            meeting = self.active_meeting(body.id, doc.meeting_date)
            if meeting is None:
                meeting = Meeting(uid=_uid(), body_id=body.id, date=doc.meeting_date)
                self.s.add(meeting)
            meeting.status = "held"
            meeting.time = doc.time or meeting.time
            meeting.place = doc.place or meeting.place
            meeting.updated_at = utcnow()
            self.s.flush()

        document = Document(
            source_name=self.source_name,
            sha256=self.sha256,
            kind=doc.kind,
            title=doc.title,
            organisation_id=self.org.id,
            body_id=body.id if body else None,
            meeting_id=meeting.id if meeting else None,
            meeting_date=doc.meeting_date,
            chair=doc.chair,
            paragraph_count=len(doc.paragraphs),
            health=doc.health.model_dump(mode="json"),
            doubtful=doc.health.doubtful,
        )
        self.s.add(document)
        self.s.flush()

        self.resolve_people()
        self.resolve_cases(body)
        _insert(self.s, Attendance, [
            {
                "document_id": document.id,
                "position": i,
                "role": a.role,
                "replaces": a.replaces,
                "except_paragraphs": list(a.except_paragraphs),
                **self.ref(a),
            }
            for i, a in enumerate(doc.attendance)
        ])

        paragraphs = self.write_paragraphs(document, body, meeting)
        by_number = {p.number: p for p in paragraphs}
        self.link_cases(body, paragraphs)
        self.write_figures(document, body, by_number)
        self.write_schedule_changes(document, body, by_number)

        touched = {p.case_id for p in paragraphs if p.case_id is not None}
        self.refresh_cases(touched | old_cases)

        if body is not None:
            self.events.append(
                Event(
                    kind="protocol",
                    body_id=body.id,
                    payload={
                        "document_id": document.id,
                        "source": self.source_name,
                        "kind": doc.kind,
                        "date": _iso(doc.meeting_date),
                        "paragraphs": len(paragraphs),
                        "replaced": old is not None,
                    },
                )
            )
        seen_cases: set[int] = set()
        for p in paragraphs:
            if p.case_id is None or p.case_id in old_cases or p.case_id in seen_cases:
                continue
            seen_cases.add(p.case_id)
            self.events.append(
                Event(
                    kind="case",
                    body_id=p.body_id,
                    case_id=p.case_id,
                    payload={
                        "paragraph_id": p.id,
                        "dnr": p.dnr,
                        "title": p.title,
                        "date": _iso(p.date),
                        "number": p.number,
                        "document_id": document.id,
                    },
                )
            )
        self.s.add_all(self.events)
        self.s.flush()
        return IngestResult(
            "replaced" if old is not None else "new",
            document.id,
            len(paragraphs),
            old.id if old is not None else None,
            [e.id for e in self.events],
        )

    def previous_version(self, body: Body | None) -> Document | None:
        doc = self.doc
        q = select(Document).where(Document.kind == doc.kind)
        if body is not None and doc.meeting_date is not None:
            q = q.where(Document.body_id == body.id, Document.meeting_date == doc.meeting_date)
        elif body is not None and doc.title:
            q = q.where(
                Document.body_id == body.id,
                col(Document.meeting_date).is_(None),
                Document.title == doc.title,
            )
        else:
            q = q.where(Document.source_name == self.source_name)
        return self.s.exec(q.order_by(col(Document.id).desc())).first()

    def write_paragraphs(
        self, document: Document, body: Body | None, meeting: Meeting | None
    ) -> list[_Written]:
        day = self.doc.meeting_date
        values = []
        for p in self.doc.paragraphs:
            norm = normalise_dnr(p.dnr) if p.dnr else None
            prep = p.prepared_by
            values.append(
                {
                    "document_id": document.id,
                    "body_id": body.id if body else None,
                    "meeting_id": meeting.id if meeting else None,
                    "case_id": self.cases.get(norm) if norm else (
                        self.prepared.get(p.number) or self.cases.get(self.case_key(p, body))),
                    "date": day,
                    "number": p.number,
                    "title": p.title,
                    "dnr": p.dnr,
                    "dnr_norm": norm or None,
                    "responsible": p.responsible,
                    "officer": p.officer,
                    "is_proposal": p.is_proposal,
                    "proposal_to": p.proposal_to,
                    "routine": p.routine,
                    "prepared_by_body": prep.body if prep else None,
                    "prepared_by_date": prep.date if prep else None,
                    "prepared_by_paragraph": prep.paragraph if prep else None,
                    "sections": dict(p.sections),
                    "prior_handlings": [h.model_dump(mode="json") for h in p.prior_handlings],
                    "delges": list(p.delges),
                    "text": p.text or "",
                    "page": p.page,
                    "doubts": list(p.doubts),
                }
            )
        if not values:
            return []
        ids = [r[0] for r in _insert_returning(self.s, Paragraph, values)]
        written = [
            _Written(pid, v["number"], v["case_id"], v["body_id"], v["dnr"], v["title"], day)
            for pid, v in zip(ids, values, strict=True)
        ]
        decisions, reservations, notes, motions, abstentions, votes = [], [], [], [], [], []
        for row, p in zip(written, self.doc.paragraphs, strict=True):
            pid, cid = row.id, row.case_id
            targets = p.decision_to if len(p.decision_to) == len(p.decision) else [None] * len(p.decision)
            decisions += [
                {"paragraph_id": pid, "position": i, "text": t, "proposed_to": to}
                for i, (t, to) in enumerate(zip(p.decision, targets, strict=True))
            ]
            reservations += [
                {"paragraph_id": pid, "case_id": cid, "date": day, "position": i,
                 "in_favour_of": r.in_favour_of, "text": r.text, **self.ref(r)}
                for i, r in enumerate(p.reservations)
            ]
            notes += [
                {"paragraph_id": pid, "case_id": cid, "date": day, "position": i,
                 "kind": n.kind, "text": n.text, **self.ref(n)}
                for i, n in enumerate(p.protocol_notes)
            ]
            motions += [
                {"paragraph_id": pid, "position": i, "kind": m.kind, "text": m.text, "supports": m.supports,
                 **self.ref(m)}
                for i, m in enumerate(p.motions)
            ]
            abstentions += [
                {"paragraph_id": pid, "position": i, **self.ref(a)}
                for i, a in enumerate(p.abstentions)
            ]
            votes += [
                {"paragraph_id": pid, "position": i, "yes": v.yes, "no": v.no,
                 "abstain": v.abstain, "text": v.text,
                 "ballots": [b.model_dump(mode="json") for b in v.ballots],
                 "yes_means": v.yes_means, "no_means": v.no_means, "doubts": list(v.doubts)}
                for i, v in enumerate(p.votes)
            ]
        _insert(self.s, Decision, decisions)
        _insert(self.s, Reservation, reservations)
        _insert(self.s, Note, notes)
        _insert(self.s, Motion, motions)
        _insert(self.s, Abstention, abstentions)
        _insert(self.s, Vote, votes)
        return written

    def write_figures(self, document: Document, body: Body | None, by_number: dict) -> None:
        _insert(self.s, Figure, [
            {
                "document_id": document.id,
                "paragraph_id": by_number[f.paragraph].id if f.paragraph in by_number else None,
                "paragraph_number": f.paragraph,
                "body_id": body.id if body else None,
                "date": self.doc.meeting_date,
                "position": i,
                "kind": f.kind,
                "value_mnkr": float(f.value_mnkr),
                "period": f.period,
                "quote": f.quote,
                "entity": f.entity,
            }
            for i, f in enumerate(self.doc.figures)
        ])

    def write_schedule_changes(
        self, document: Document, body: Body | None, by_number: dict
    ) -> None:
        for change in self.doc.schedule_changes:
            target = self.body(change.body, within=body) or body
            para = by_number.get(change.paragraph)
            self.s.add(
                ScheduleChange(
                    document_id=document.id,
                    paragraph_id=para.id if para else None,
                    body_id=target.id if target else None,
                    from_date=change.from_,
                    to_date=change.to,
                    cancelled=change.cancelled,
                    quote=change.quote,
                )
            )
            if target is None:
                continue
            if change.to is None:
                if change.from_ is not None:
                    self.cancel_meeting(target, change.from_, para, change.quote)
                continue
            self.move_meeting(target, change.from_, change.to, para, change.quote)

    def cancel_meeting(self, body: Body, day: date, para: _Written | None, quote) -> None:
        """"att ställa in sammanträdet den 5 december": the planned meeting is cancelled (a
        higher sequence, so calendars drop it), or recorded as cancelled when the store did not
        know it. Told once: a new version of the same protocol finds it cancelled already."""
        meeting = self.active_meeting(body.id, day)
        if meeting is not None and meeting.status != "planned":
            return  # a held meeting is history
        if meeting is None:
            if self.s.exec(
                select(Meeting.id).where(
                    Meeting.body_id == body.id, Meeting.date == day, Meeting.status == "cancelled"
                )
            ).first():
                return
            meeting = Meeting(uid=_uid(), sequence=0, body_id=body.id, date=day)
            self.s.add(meeting)
        else:
            meeting.sequence += 1
        meeting.status = "cancelled"
        meeting.moved_by_paragraph_id = para.id if para else None
        meeting.moved_quote = quote
        meeting.updated_at = utcnow()
        self.s.flush()
        self.meeting_event(body, meeting, day, None, para, quote)

    def move_meeting(
        self, body: Body, old_day: date | None, new_day: date, para: _Written | None, quote
    ) -> None:
        moved_by = para.id if para else None
        new = self.active_meeting(body.id, new_day)
        already_known = new is not None and new.moved_from == old_day and old_day is not None
        old = self.active_meeting(body.id, old_day) if old_day else None
        if old is not None and old.status != "planned":
            old = None  # a held meeting is history; only a planned one can move
        if new is None:
            new = Meeting(
                uid=old.uid if old else _uid(),
                sequence=old.sequence + 1 if old else 0,
                body_id=body.id,
                date=new_day,
                time=old.time if old else None,
                place=old.place if old else None,
                status="planned",
            )
            self.s.add(new)
        if new.status == "planned" or new.moved_from is None:
            new.moved_from = old_day
        new.moved_by_paragraph_id = moved_by
        new.moved_quote = quote
        new.updated_at = utcnow()
        if old is not None:
            old.status = "moved"
            old.moved_to = new_day
            old.updated_at = utcnow()
        self.s.flush()
        if not already_known:
            self.meeting_event(body, new, old_day, new_day, para, quote)

    def meeting_event(
        self, body: Body, meeting: Meeting, old_day: date | None, new_day: date | None,
        para: _Written | None, quote,
    ) -> None:
        """A "meeting_moved" event for the notifier; no new date means cancelled."""
        self.events.append(
            Event(
                kind="meeting_moved",
                body_id=body.id,
                payload={
                    "meeting_id": meeting.id,
                    "uid": meeting.uid,
                    "from": _iso(old_day),
                    "to": _iso(new_day),
                    "cancelled": new_day is None,
                    "paragraph_id": para.id if para else None,
                    "paragraph": para.number if para else None,
                    "decided": _iso(self.doc.meeting_date),
                    "quote": quote,
                },
            )
        )

    def link_cases(self, body: Body | None, written: list[_Written]) -> None:
        """Record where else each § says its matter was handled (a beredning, "Tekniska nämnden
        har den 18 maj 2026, § 28 behandlat ärendet"), and link the two cases when both §§ are
        stored: the ones this document names, and the stored ones that name this document's §§."""
        refs = []
        for row, p in zip(written, self.doc.paragraphs, strict=True):
            named = [(h.body, h.date, h.paragraph, h.kind or "behandlad") for h in p.prior_handlings]
            if p.prepared_by:
                named.append((p.prepared_by.body, p.prepared_by.date, p.prepared_by.paragraph, "beredning"))
            for name, day, number, kind in named:
                if not (name and day and number is not None):
                    continue
                target = self.registry.find_body(self.org, name, within=body)
                refs.append({"paragraph_id": row.id, "body_key": target.name_key if target else fold(name),
                             "date": day, "number": number, "kind": kind})
        _insert(self.s, ParagraphRef, refs)
        links: dict[tuple[int, int], str] = {}
        case_of = {row.id: row.case_id for row in written}
        for ref in refs:  # what this document names, among the stored §§
            for target_case in self.cases_at(ref["body_key"], ref["date"], ref["number"]):
                self.add_link(links, case_of[ref["paragraph_id"]], target_case, ref["kind"])
        if body is not None and self.doc.meeting_date is not None and written:
            names = self.registry.names_of(body)
            for source_case, number, kind in self.s.exec(  # stored §§ that name this document's
                select(Paragraph.case_id, ParagraphRef.number, ParagraphRef.kind)
                .join(Paragraph, Paragraph.id == ParagraphRef.paragraph_id)
                .join(Document, Document.id == Paragraph.document_id)
                .where(col(ParagraphRef.body_key).in_(names), ParagraphRef.date == self.doc.meeting_date,
                       col(ParagraphRef.number).in_([w.number for w in written]),
                       Document.organisation_id == self.org.id)
            ).all():
                for w in written:
                    if w.number == number:
                        self.add_link(links, source_case, w.case_id, kind)
        if links:
            have = set(self.s.exec(select(CaseLink.case_id, CaseLink.other_id).where(
                col(CaseLink.case_id).in_(sorted({a for a, _ in links})))).all())
            _insert(self.s, CaseLink, [{"case_id": a, "other_id": b, "kind": k}
                                       for (a, b), k in links.items() if (a, b) not in have])

    def cases_at(self, body_key: str, day: date, number: int) -> list[int]:
        """The cases of the stored § ``number`` of ``day`` of a body of this organisation."""
        return [cid for cid in self.s.exec(
            select(Paragraph.case_id)
            .join(Body, Body.id == Paragraph.body_id)
            .join(BodyName, BodyName.body_id == Body.id, isouter=True)
            .where(Body.organisation_id == self.org.id, Paragraph.date == day, Paragraph.number == number,
                   (Body.name_key == body_key) | (BodyName.name_key == body_key))
            .distinct()
        ).all() if cid is not None]

    @staticmethod
    def add_link(links: dict[tuple[int, int], str], a: int | None, b: int | None, kind: str) -> None:
        if a is not None and b is not None and a != b:
            links.setdefault((min(a, b), max(a, b)), kind)

    def refresh_cases(self, case_ids: set[int]) -> None:
        """Title = the latest paragraph's title; dates span its paragraphs; orphans go."""
        if not case_ids:
            return
        ids = sorted(case_ids)
        latest: dict[int, tuple] = {}
        for cid, title, day in self.s.exec(
            select(Paragraph.case_id, Paragraph.title, Paragraph.date)
            .where(col(Paragraph.case_id).in_(ids))
            .order_by(
                col(Paragraph.case_id),
                col(Paragraph.date).desc().nulls_last(),
                col(Paragraph.is_proposal).asc(),
                col(Paragraph.id).desc(),
            )
        ).all():
            latest.setdefault(cid, (title, day, day))
            t, first, last = latest[cid]
            if day is not None:
                latest[cid] = (t, min(first or day, day), max(last or day, day))
        orphans = [cid for cid in ids if cid not in latest]
        if orphans:
            self.s.exec(delete(Case).where(col(Case.id).in_(orphans)))
        if latest:
            self.s.execute(
                update(Case),
                [
                    {"id": cid, "title": t, "first_date": first, "last_date": last}
                    for cid, (t, first, last) in latest.items()
                ],
            )


@dataclass(frozen=True)
class _Written:
    """What later steps need of a paragraph row just inserted."""

    id: int
    number: int
    case_id: int | None
    body_id: int | None
    dnr: str | None
    title: str
    date: date | None


def _insert(s: Session, model, rows: list[dict]) -> None:
    """Many rows in one executemany, below the ORM (no objects, no events): the bulk of a
    document. Columns not given take the table's defaults."""
    if rows:
        table = model.__table__
        s.connection().execute(insert(table), [_complete(table, r) for r in rows])


def _insert_returning(s: Session, model, rows: list[dict]) -> list:
    """As `_insert`, returning the new ids in the order of ``rows``."""
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return s.connection().execute(stmt, [_complete(table, r) for r in rows]).all()


def _complete(table, row: dict) -> dict:
    # executemany needs the same keys in every row; SQLModel defaults live on the model, so
    # fill the columns a row leaves out with None (nullable) — every NOT NULL column is given.
    return {c.name: row.get(c.name) for c in table.columns if c.name != "id"}


def _uid() -> str:
    return f"{uuid.uuid4()}@namndbot"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
