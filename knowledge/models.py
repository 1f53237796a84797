"""SQLModel tables: the store of everything the bot can answer.

One ingested file is one `Document`; deleting it (a new version of the same protocol) cascades
to every row it produced. Cases and people outlive documents: a case links the paragraphs that
handled one diarienummer across meetings and bodies of one organisation. Rows that queries
filter or sort on carry denormalised keys (``date``, ``*_key``) so that the hot queries need no
joins beyond the one they display. ``*_key`` columns hold `knowledge.text.fold` of a value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Organisation(SQLModel, table=True):
    """A region or municipality. The empty name stands for "not stated in the document"."""

    __tablename__ = "organisations"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    key: str = Field(default="", index=True)  # knowledge.identity.organisation_key: one per spelling


class Body(SQLModel, table=True):
    """A deciding body: nämnd, utskott, styrelse, fullmäktige."""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    name: str
    short: str  # "HSN": initials of the name's words and compound parts
    name_key: str = Field(index=True)
    # the nämnd or styrelse an utskott belongs to ("Kommunstyrelsens arbetsutskott" → Kommunstyrelsen)
    parent_id: int | None = Field(default=None, foreign_key="bodies.id", ondelete="SET NULL")


class BodyName(SQLModel, table=True):
    """Every name a body goes by (folded): its own, its initials, "KSAU", "arbetsutskottet"."""

    __tablename__ = "body_names"
    __table_args__ = (UniqueConstraint("body_id", "name_key"),)
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", ondelete="CASCADE", index=True)
    name_key: str = Field(index=True)


class Meeting(SQLModel, table=True):
    """A sitting of a body: held (a protocol says so), planned, moved or cancelled.

    A moved meeting keeps its row (status "moved", ``moved_to``); the meeting on the new date
    shares its ``uid`` with a higher ``sequence`` so that calendars update the event in place.
    """

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_body_date", "body_id", "date"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(index=True)
    sequence: int = 0
    body_id: int = Field(foreign_key="bodies.id", ondelete="CASCADE")
    date: dt.date
    time: str | None = None
    place: str | None = None
    status: str = "planned"  # held | planned | moved | cancelled
    moved_from: dt.date | None = None
    moved_to: dt.date | None = None
    # Named and added after the tables (use_alter): meetings and paragraphs refer to each other.
    moved_by_paragraph_id: int | None = Field(
        default=None,
        sa_column_args=[
            ForeignKey(
                "paragraphs.id", ondelete="SET NULL", use_alter=True, name="fk_meetings_moved_by"
            )
        ],
    )
    moved_quote: str | None = None
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Document(SQLModel, table=True):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_body_date", "body_id", "meeting_date"),)
    id: int | None = Field(default=None, primary_key=True)
    source_name: str
    sha256: str = Field(unique=True)
    ingested_at: dt.datetime = Field(default_factory=utcnow, index=True)
    kind: str = "unknown"
    title: str | None = None
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id")
    body_id: int | None = Field(default=None, foreign_key="bodies.id")
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL")
    meeting_date: dt.date | None = None
    chair: str | None = None
    paragraph_count: int = 0
    # knowledge.parse.model.Health as JSON: how far the parse can be trusted ({} for documents
    # stored before parse health existed)
    health: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    doubtful: bool = False


class Case(SQLModel, table=True):
    """One diarienummer of one organisation; its title is that of its latest paragraph. A
    non-routine § without a dnr is a case of its own (``dnr`` "", ``dnr_norm`` "§body:date:number")."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("organisation_id", "dnr_norm"),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id")
    dnr: str  # as first written
    dnr_norm: str = Field(index=True)
    series: str = Field(default="", index=True)  # "HSN" of "24HSN2937": which organisation a dnr belongs to
    title: str = ""
    first_date: dt.date | None = None
    last_date: dt.date | None = Field(default=None, index=True)


class CaseLink(SQLModel, table=True):
    """A matter that moved on under another number: a nämnd's § that a KS or KF ärende cites
    ("Tekniska nämnden har den 18 maj 2026, § 28 behandlat ärendet"), a beredning."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", ondelete="CASCADE", index=True)
    other_id: int = Field(foreign_key="cases.id", ondelete="CASCADE", index=True)
    kind: str = "behandlad"  # beredning | behandlad | bordlagd | återremitterad | yttrande


class ParagraphRef(SQLModel, table=True):
    """A § that a paragraph says handled the same matter ("Tekniska nämnden har den 18 maj 2026,
    § 28 behandlat ärendet", a beredning): resolved to a case link when both are stored, in
    whichever order the documents come."""

    __tablename__ = "paragraph_refs"
    __table_args__ = (Index("ix_paragraph_refs_target", "body_key", "date", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    body_key: str  # the folded name of the body that handled it
    date: dt.date
    number: int
    kind: str = "behandlad"


class Paragraph(SQLModel, table=True):
    __tablename__ = "paragraphs"
    __table_args__ = (
        Index("ix_paragraphs_case_date", "case_id", "date"),
        Index("ix_paragraphs_date", "date", "number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", ondelete="CASCADE", index=True)
    body_id: int | None = Field(default=None, foreign_key="bodies.id")
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL")
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    date: dt.date | None = None
    number: int
    title: str
    dnr: str | None = None
    dnr_norm: str | None = None
    responsible: str | None = None
    officer: str | None = None
    is_proposal: bool = False
    proposal_to: str | None = None
    routine: bool = False
    prepared_by_body: str | None = None
    prepared_by_date: dt.date | None = None
    prepared_by_paragraph: int | None = None
    sections: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prior_handlings: list[dict[str, Any]] = _json()
    delges: list[str] = _json()
    text: str = ""
    page: int | None = None
    doubts: list[str] = _json()  # why this §'s parse may be wrong; answers built on it say so


class Decision(SQLModel, table=True):
    """One att-clause; ``position`` keeps the protocol's order. ``proposed_to``: the body it is
    proposed to, where a § decides some things itself and proposes others."""

    __tablename__ = "decisions"
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    position: int
    text: str
    proposed_to: str | None = None


class Person(SQLModel, table=True):
    """One politician of one organisation, however documents spell the name
    (`knowledge.identity.match_person`); ``parties`` are all the parties they have been printed with."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name_key", "party", name="uq_people_organisation_id_name_key_party"),
    )
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    name: str
    name_key: str = Field(index=True)
    family_key: str = Field(default="", index=True)  # the folded family name: where variants are looked for
    party: str = ""  # "" when the protocol names no party
    parties: list[str] = _json()
    # the spellings merged into this person ("Per Tranberg" for "Per-Gordon Tranberg"), for the report
    variants: list[str] = _json()


class _PersonRef(SQLModel):
    """Who: a person, or a whole party group when ``person_id`` and ``name`` are None."""

    person_id: int | None = Field(default=None, foreign_key="people.id")
    name: str | None = None
    name_key: str | None = Field(default=None, index=True)
    party: str | None = None
    party_key: str | None = Field(default=None, index=True)


class Reservation(_PersonRef, table=True):
    __tablename__ = "reservations"
    __table_args__ = (
        Index("ix_reservations_date", "date"),
        Index("ix_reservations_party_date", "party_key", "date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL", index=True)
    date: dt.date | None = None
    position: int = 0
    in_favour_of: str | None = None
    text: str | None = None


class Note(_PersonRef, table=True):
    """A protokollsanteckning or a särskilt yttrande (``kind``)."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_date", "date"),
        Index("ix_notes_party_date", "party_key", "date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL", index=True)
    date: dt.date | None = None
    position: int = 0
    kind: str = "protokollsanteckning"
    text: str | None = None


class Motion(_PersonRef, table=True):
    __tablename__ = "motions"
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    position: int = 0
    kind: str = "övrigt"
    text: str | None = None
    supports: str | None = None


class Abstention(_PersonRef, table=True):
    __tablename__ = "abstentions"
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    position: int = 0


class Vote(SQLModel, table=True):
    __tablename__ = "votes"
    id: int | None = Field(default=None, primary_key=True)
    paragraph_id: int = Field(foreign_key="paragraphs.id", ondelete="CASCADE", index=True)
    position: int = 0
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    text: str | None = None
    ballots: list[dict[str, Any]] = _json()  # [{"name", "party", "vote"}]
    yes_means: str | None = None
    no_means: str | None = None
    doubts: list[str] = _json()


class Attendance(_PersonRef, table=True):
    __tablename__ = "attendance"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", ondelete="CASCADE", index=True)
    position: int = 0
    role: str | None = None
    replaces: str | None = None
    except_paragraphs: list[int] = _json()


class ScheduleChange(SQLModel, table=True):
    __tablename__ = "schedule_changes"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", ondelete="CASCADE", index=True)
    paragraph_id: int | None = Field(default=None, foreign_key="paragraphs.id", ondelete="CASCADE")
    body_id: int | None = Field(default=None, foreign_key="bodies.id")
    from_date: dt.date | None = None
    to_date: dt.date | None = None  # None: the meeting on from_date is cancelled
    cancelled: bool = False
    quote: str | None = None


class Figure(SQLModel, table=True):
    """A deficit/result figure in mnkr with the sentence it came from."""

    __tablename__ = "figures"
    __table_args__ = (Index("ix_figures_body_kind_date", "body_id", "kind", "date"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", ondelete="CASCADE", index=True)
    paragraph_id: int | None = Field(default=None, foreign_key="paragraphs.id", ondelete="CASCADE")
    paragraph_number: int | None = None
    body_id: int | None = Field(default=None, foreign_key="bodies.id")
    date: dt.date | None = None  # the meeting's date; None for an undated plan
    position: int = 0
    kind: str
    value_mnkr: float
    period: str | None = None
    quote: str = ""
    entity: str | None = None


class Event(SQLModel, table=True):
    """Something an ingest did that subscribers may want to hear about (read by the notifier).

    kind: "protocol" (a new or replaced document of a body), "meeting_moved", "case" (a case
    appeared in a newly ingested protocol). ``payload`` holds the details as JSON.
    """

    __tablename__ = "events"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    body_id: int | None = Field(default=None, foreign_key="bodies.id", ondelete="SET NULL")
    case_id: int | None = Field(default=None, foreign_key="cases.id", ondelete="SET NULL")
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
