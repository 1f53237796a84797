"""Plain, frozen results of `knowledge.queries`: what handlers may see of the store.

Handlers render these; they never see SQLModel rows or sessions. Every view that states a fact
carries a `Source` so that every answer can cite body, date and §.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: "Hälso- och sjukvårdsnämnden 2024-09-04 § 104"."""

    body: str
    body_short: str  # "HSN", "HSU": for compact citations
    date: date | None
    paragraph: int | None
    document: str  # source file name
    organisation: str | None = None
    page: int | None = None  # the protocol's page where the § stands, when the file has pages
    # Why the parse behind this fact may be wrong (the §'s doubts, its document's): an answer
    # built on it says "osäker tolkning — se protokollet" instead of stating it (parse health).
    doubts: tuple[str, ...] = ()

    @property
    def doubtful(self) -> bool:
        return bool(self.doubts)


@dataclass(frozen=True)
class ReservationView:
    id: int
    name: str | None  # None: a party-level reservation
    party: str | None
    text: str | None
    in_favour_of: str | None
    case_dnr: str | None
    case_title: str
    source: Source


@dataclass(frozen=True)
class NoteView:
    id: int
    name: str | None
    party: str | None
    kind: str  # "protokollsanteckning" | "särskilt yttrande"
    text: str | None
    case_dnr: str | None
    case_title: str
    source: Source


@dataclass(frozen=True)
class MotionView:
    name: str | None
    party: str | None
    kind: str
    text: str | None
    supports: str | None = None  # whose proposal it backs: "Pia Lundins ändringsyrkande"


@dataclass(frozen=True)
class VoteView:
    yes: int | None
    no: int | None
    abstain: int | None


@dataclass(frozen=True)
class HandlingView:
    """One paragraph of one meeting that handled a case."""

    paragraph_id: int
    title: str
    dnr: str | None
    decision: list[str]
    is_proposal: bool  # an utskott's proposal rather than a final decision
    proposal_to: str | None
    source: Source
    routine: bool = False
    reservations: list[ReservationView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)
    motions: list[MotionView] = field(default_factory=list)
    votes: list[VoteView] = field(default_factory=list)
    abstentions: list[str] = field(default_factory=list)  # "Pia Lundin (SJVP)"
    # where a § decides some things and proposes others: (body, entries proposed to it), in order
    proposals: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class CaseCard:
    case_id: int
    organisation: str | None
    dnr: str  # as first written
    title: str
    handlings: list[HandlingView]  # date order, oldest first


@dataclass(frozen=True)
class Candidate:
    """A fuzzy match for a dnr or a title; score 0–100."""

    case_id: int
    dnr: str | None
    title: str
    score: float
    organisation: str | None = None
    last_date: date | None = None


@dataclass(frozen=True)
class BodyView:
    id: int
    name: str
    short: str
    organisation: str | None


@dataclass(frozen=True)
class MeetingView:
    body: BodyView
    date: date
    time: str | None
    place: str | None
    moved_from: date | None = None
    moved_by: Source | None = None  # the decision that moved it
    moved_quote: str | None = None
    id: int | None = None  # the meeting row (stable across moves for calendar updates)
    status: str = "planned"  # held | planned | moved | cancelled


@dataclass(frozen=True)
class FigureView:
    kind: str
    value_mnkr: float
    period: str | None
    quote: str
    source: Source
    entity: str | None = None  # the part of the organisation ("koncernen"); None: the body itself
    # other values given for the same body, kind, period and entity, newest first: what an
    # earlier document, or another sentence of the same one, said instead
    others: tuple[FigureView, ...] = ()


@dataclass(frozen=True)
class FigureReport:
    body: BodyView | None
    latest: list[FigureView]  # one per kind, period and entity: the newest source's (utfall, prognos, ...)
    budget: list[FigureView]  # the plan's budget / tillåtet underskott: one per kind, period and entity
    series: dict[str, list[FigureView]]  # kind → oldest first (the body's own figures)


@dataclass(frozen=True)
class SearchHit:
    paragraph_id: int
    title: str
    dnr: str | None
    snippet: str
    source: Source
    case_id: int | None = None


@dataclass(frozen=True)
class StoreStats:
    documents: int
    paragraphs: int
    cases: int
    bodies: int
    last_ingest: datetime | None


@dataclass(frozen=True)
class IdentityReport:
    """What the store made one, and what it kept apart (`knowledge.registry`)."""

    organisations: list[tuple[str | None, int]]  # (name, None when not stated; documents)
    bodies: list[tuple[str | None, str, str | None, list[str]]]  # (organisation, name, parent, other names)
    merged_people: list[tuple[str, str, list[str]]]  # (name, its parties, spellings merged into it)
    kept_apart: list[tuple[str, str]]  # ("Per Tranberg (M)", "Per Tranberg (S)"): alike, not merged


@dataclass(frozen=True)
class FlaggedDocument:
    """A stored document whose parse is in doubt (/status): as a whole, or in some §."""

    document: str  # source file name
    body: str | None
    date: date | None
    doubtful: bool  # the document as a whole
    paragraphs: list[int]  # the § with doubts
    reasons: list[str]  # the health in short Swedish lines


@dataclass(frozen=True)
class CaseLookup:
    """The answer to "/beslut ARG": a card when one case is clearly meant, else candidates.

    kind: "dnr" (ARG looked like a diarienummer), "title" (words), "empty" (nothing to look up).
    """

    kind: str
    query: str
    card: CaseCard | None = None
    candidates: list[Candidate] = field(default_factory=list)
