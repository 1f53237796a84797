"""The typed result of parsing one document.

This is the contract between the pure parser and the store: the parser fills it from text,
`knowledge.store` writes it in one transaction, and `python -m bot parse --json` prints it in
the export schema (`../shared/protocol-export.md`). Nothing the text does not state is guessed:
unknown values stay ``None`` or empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["protocol", "plan", "unknown"]
MotionKind = Literal[
    "bifall", "avslag", "ändringsyrkande", "återremiss", "tilläggsyrkande", "bordläggning", "övrigt"
]
FigureKind = Literal["utfall", "prognos", "budgetavvikelse", "budget", "tillatet_underskott"]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Person(_Model):
    """A named politician; ``name`` is None for a party-level entry ("Ledamöterna från (C)")."""

    name: str | None = None
    party: str | None = None


class Attendee(Person):
    role: str | None = None  # "ordförande", "vice ordförande", "ledamot", "tjänstgörande ersättare", "ersättare", ...
    replaces: str | None = None  # "ersätter X" / "för X"
    except_paragraphs: list[int] = Field(default_factory=list)  # "ej § 66"


class Motion(Person):
    """A yrkande: who proposed what kind of thing, and its text when stated."""

    kind: MotionKind = "övrigt"
    text: str | None = None
    supports: str | None = None  # whose proposal it backs: "Pia Lundins ändringsyrkande", "kommunstyrelsens förslag"


class Reservation(Person):
    in_favour_of: str | None = None  # "till förmån för ..." whose proposal
    text: str | None = None  # the reservation's own text (may be long)


class Note(Person):
    """A protokollsanteckning or a särskilt yttrande (kept apart by ``kind``)."""

    kind: Literal["protokollsanteckning", "särskilt yttrande"] = "protokollsanteckning"
    text: str | None = None


class VoteBallot(Person):
    vote: Literal["ja", "nej", "avstår"]


class Vote(_Model):
    """An omröstning: counts, and the per-person list where the protocol gives one."""

    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    ballots: list[VoteBallot] = Field(default_factory=list)
    text: str | None = None
    yes_means: str | None = None  # what a "ja" was for: "avslag på tilläggsyrkandet från SD"
    no_means: str | None = None
    doubts: list[str] = Field(default_factory=list)  # "räkningen 7–8–0 stämmer inte med listan 6–8–0"


class PreparedBy(_Model):
    """Beredning: which body, date and § prepared this item."""

    body: str | None = None
    date: dt.date | None = None
    paragraph: int | None = None


class PriorHandling(_Model):
    """Tidigare behandling, e.g. "Bordlagd den 25 januari 2024, § 12"."""

    kind: str | None = None  # "bordlagd", "återremitterad", "behandlad", ...
    body: str | None = None
    date: dt.date | None = None
    paragraph: int | None = None
    text: str | None = None


class Paragraph(_Model):
    number: int
    title: str
    dnr: str | None = None  # as written, spaces kept ("HSN 656-2025")
    responsible: str | None = None  # ärendeansvarig
    officer: str | None = None  # handläggare
    decision: list[str] = Field(default_factory=list)  # att-clauses in order
    # True when the decision is an utskott's proposal to another body ("föreslår att nämnden beslutar")
    is_proposal: bool = False
    proposal_to: str | None = None
    # per entry of ``decision``: the body it is proposed to, None for the body's own decision (a §
    # may decide some things itself and propose others: "… föreslår kommunfullmäktige besluta")
    decision_to: list[str | None] = Field(default_factory=list)
    sections: dict[str, str] = Field(default_factory=dict)  # "ärendebeskrivning", "bakgrund", ... → text
    reservations: list[Reservation] = Field(default_factory=list)
    protocol_notes: list[Note] = Field(default_factory=list)  # protokollsanteckningar and särskilda yttranden
    motions: list[Motion] = Field(default_factory=list)
    abstentions: list[Person] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    prepared_by: PreparedBy | None = None
    prior_handlings: list[PriorHandling] = Field(default_factory=list)
    delges: list[str] = Field(default_factory=list)
    routine: bool = False  # upprop, val av justerare, fastställande av föredragningslista, ...
    text: str = ""  # the whole cleaned text of the paragraph, for full-text search
    page: int | None = None  # the page (1-based) where the § heading stands, when the document has pages
    doubts: list[str] = Field(default_factory=list)  # why this §'s parse may be wrong (parse health)


class ScheduleChange(_Model):
    body: str | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None  # None only for a cancelled meeting
    cancelled: bool = False  # "att ställa in sammanträdet den 5 december": from = that date
    paragraph: int | None = None
    quote: str | None = None


class Figure(_Model):
    paragraph: int | None = None
    kind: FigureKind
    value_mnkr: int | float  # mnkr; negative = deficit
    period: str | None = None  # "2024", "2024-01..2024-07"
    quote: str
    entity: str | None = None  # the part of the organisation ("koncernen", "VA-verksamheten"); None: the body itself


class UnreadPassage(_Model):
    """A passage that says a reservation, vote or note happened, but gave no data."""

    paragraph: int | None = None
    kind: Literal["reservation", "vote", "note", "dnr"]
    text: str


class Health(_Model):
    """How far the parse of one document can be trusted, and where not (`knowledge.parse.health`)."""

    paragraphs_found: int = 0
    paragraphs_announced: int | None = None  # the cover's "§§ x–y" or the table of contents
    missing: list[int] = Field(default_factory=list)  # announced, not found
    unexpected: list[int] = Field(default_factory=list)  # found, not announced
    long_paragraphs: list[int] = Field(default_factory=list)  # text abnormally long for one §
    unread: list[UnreadPassage] = Field(default_factory=list)
    missing_cover: list[str] = Field(default_factory=list)  # "organisation", "body", "date", "chair"
    doubtful: bool = False  # the document as a whole is not to be stated as fact

    @property
    def flagged(self) -> list[int]:
        """The § numbers whose parse is in doubt."""
        return sorted({*self.long_paragraphs, *(u.paragraph for u in self.unread if u.paragraph is not None)})


class ParsedDocument(_Model):
    kind: DocumentKind = "unknown"
    title: str | None = None  # a plan's or report's title
    organisation: str | None = None
    body: str | None = None
    body_parent: str | None = None  # the nämnd or styrelse the body belongs to, when the document says
    meeting_date: dt.date | None = None
    time: str | None = None
    place: str | None = None
    chair: str | None = None
    adjusters: list[str] = Field(default_factory=list)  # justerare: "Utses att justera: …"
    attendance: list[Attendee] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    schedule_changes: list[ScheduleChange] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    health: Health = Field(default_factory=Health)

    def export(self) -> dict:
        """The export schema of ``../shared/protocol-export.md`` (JSON-ready)."""
        return self.model_dump(mode="json", by_alias=True)
