"""What handlers may ask the store. Every function takes a Session first and returns views.

No telegram here, no HTML: plain `knowledge.views` dataclasses, each fact with its `Source`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import String, cast, func, or_
from sqlmodel import Session, col, select

from knowledge import search
from knowledge.identity import same_person_name
from knowledge.models import (
    Abstention,
    Body,
    BodyName,
    Case,
    CaseLink,
    Decision,
    Document,
    Figure,
    Meeting,
    Motion,
    Note,
    Organisation,
    Paragraph,
    Person,
    Reservation,
    Vote,
)
from knowledge.parse.health import summary
from knowledge.parse.model import Health
from knowledge.search import fold, looks_like_dnr, normalise_dnr
from knowledge.views import (
    BodyView,
    Candidate,
    CaseCard,
    CaseLookup,
    FigureReport,
    FigureView,
    FlaggedDocument,
    HandlingView,
    IdentityReport,
    MeetingView,
    MotionView,
    NoteView,
    ReservationView,
    SearchHit,
    Source,
    StoreStats,
    VoteView,
)

#: A title match is "clearly meant" at this score and this lead over the next candidate.
CLEAR_SCORE = 90.0
CLEAR_LEAD = 10.0
MAX_QUERY_CHARS = 300

#: Party names as written out → the abbreviation protocols use.
PARTY_NAMES = {
    "socialdemokraterna": "S",
    "moderaterna": "M",
    "centerpartiet": "C",
    "liberalerna": "L",
    "kristdemokraterna": "KD",
    "vansterpartiet": "V",
    "miljopartiet": "MP",
    "sverigedemokraterna": "SD",
    "sjukvardspartiet": "SJVP",
    "sjukvardspartiet vasternorrland": "SJVP",
    "vasterbottens sjukvardsparti": "VSJP",
}


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())[:MAX_QUERY_CHARS]


# --------------------------------------------------------------------------- sources


class _Ctx:
    """Caches bodies and organisations for one query (a handful of rows)."""

    def __init__(self, s: Session):
        self.s = s
        self._bodies: dict[int, BodyView] = {}
        self._docs: dict[int, tuple[str, int | None, tuple[str, ...]]] = {}  # name, body, doubts
        self._marks: dict[tuple[int, int], tuple[int | None, tuple[str, ...]]] = {}  # (doc, §) → page, doubts

    def body(self, body_id: int | None) -> BodyView | None:
        if body_id is None:
            return None
        if body_id not in self._bodies:
            row = self.s.exec(
                select(Body, Organisation.name)
                .join(Organisation, Organisation.id == Body.organisation_id)
                .where(Body.id == body_id)
            ).first()
            if row is None:
                return None
            b, org = row
            self._bodies[body_id] = BodyView(b.id, b.name, b.short, org or None)
        return self._bodies[body_id]

    def preload_documents(self, document_ids) -> None:
        """One query for the source names of many rows (a figure series cites ~100 documents)."""
        missing = {i for i in document_ids if i is not None and i not in self._docs}
        if not missing:
            return
        for did, name, body_id, doubtful, health in self.s.exec(
            select(
                Document.id, Document.source_name, Document.body_id, Document.doubtful, Document.health
            ).where(col(Document.id).in_(missing))
        ).all():
            self._docs[did] = (name, body_id, _document_doubts(doubtful, health))

    def _document(self, document_id: int) -> tuple[str, int | None, tuple[str, ...]]:
        if document_id not in self._docs:
            d = self.s.get(Document, document_id)
            self._docs[document_id] = (
                (d.source_name, d.body_id, _document_doubts(d.doubtful, d.health)) if d else ("", None, ())
            )
        return self._docs[document_id]

    def document_name(self, document_id: int) -> str:
        return self._document(document_id)[0]

    def preload_marks(self, pairs) -> None:
        """The page and doubts of the § behind many figures: (document id, § number) pairs."""
        wanted = {(d, n) for d, n in pairs if d is not None and n is not None} - set(self._marks)
        if not wanted:
            return
        for did, number, page, doubts in self.s.exec(
            select(Paragraph.document_id, Paragraph.number, Paragraph.page, Paragraph.doubts).where(
                col(Paragraph.document_id).in_({d for d, _ in wanted}),
                col(Paragraph.number).in_({n for _, n in wanted}),
            )
        ).all():
            self._marks[(did, number)] = (page, tuple(doubts or ()))
        for pair in wanted - set(self._marks):  # no such § stored: nothing to add, and no query again
            self._marks[pair] = (None, ())

    def source(self, body_id, day, number, document_id, page=None, doubts=()) -> Source:
        b = self.body(body_id)
        name, _, document_doubts = self._document(document_id)
        return Source(
            body=b.name if b else "",
            body_short=b.short if b else "",
            date=day,
            paragraph=number,
            document=name,
            organisation=b.organisation if b else None,
            page=page,
            doubts=tuple(doubts) + document_doubts,
        )

    def paragraph_source(self, p: Paragraph) -> Source:
        return self.source(p.body_id, p.date, p.number, p.document_id, p.page, p.doubts or ())

    def figure_source(self, f: Figure) -> Source:
        """A figure's source carries the page and doubts of its § (figures have no § row of their own)."""
        self.preload_marks([(f.document_id, f.paragraph_number)])
        page, doubts = self._marks.get((f.document_id, f.paragraph_number), (None, ()))
        return self.source(f.body_id, f.date, f.paragraph_number, f.document_id, page, doubts)


def _document_doubts(doubtful: bool, health: dict | None) -> tuple[str, ...]:
    """A doubtful document's reason, which every fact from it carries."""
    if not doubtful:
        return ()
    from knowledge.parse.health import summary
    from knowledge.parse.model import Health

    try:
        lines = summary(Health.model_validate(health or {}))
    except ValueError:  # a health stored by another version of the model
        lines = []
    return ("hela protokollets tolkning är osäker" + (": " + "; ".join(lines) if lines else ""),)


def _case_info(s: Session, case_ids) -> dict[int, tuple[str, str]]:
    ids = {c for c in case_ids if c is not None}
    if not ids:
        return {}
    rows = s.exec(select(Case.id, Case.dnr, Case.title).where(col(Case.id).in_(ids))).all()
    return {cid: (dnr, title) for cid, dnr, title in rows}


# --------------------------------------------------------------------------- cases


def case_by_id(s: Session, case_id: int) -> CaseCard | None:
    case = s.get(Case, case_id)
    if case is None:
        return None
    org = s.get(Organisation, case.organisation_id)
    # the matter as it moved on under other numbers too ("Tekniska nämnden har … § 28 behandlat ärendet")
    linked = {a if b == case_id else b for a, b in s.exec(
        select(CaseLink.case_id, CaseLink.other_id).where((CaseLink.case_id == case_id) | (CaseLink.other_id == case_id))
    ).all()}
    paragraphs = s.exec(select(Paragraph).where(col(Paragraph.case_id).in_([case_id, *linked]))).all()
    ctx = _Ctx(s)
    handlings = _handlings(s, ctx, list(paragraphs), {case.id: (case.dnr, case.title)})
    handlings.sort(
        key=lambda h: (h.source.date or date.min, not h.is_proposal, h.source.paragraph or 0)
    )
    return CaseCard(case.id, (org.name or None) if org else None, case.dnr, case.title, handlings)


def _handlings(
    s: Session, ctx: _Ctx, paragraphs: list[Paragraph], cases: dict[int, tuple[str, str]]
) -> list[HandlingView]:
    ids = [p.id for p in paragraphs]
    if not ids:
        return []
    decisions: dict[int, list[str]] = defaultdict(list)
    proposals: dict[int, dict[str, list[str]]] = defaultdict(dict)  # entries another body is to decide
    for d in s.exec(
        select(Decision).where(col(Decision.paragraph_id).in_(ids)).order_by(Decision.position)
    ).all():
        if d.proposed_to:
            proposals[d.paragraph_id].setdefault(d.proposed_to, []).append(d.text)
        else:
            decisions[d.paragraph_id].append(d.text)
    by_para: dict[int, Paragraph] = {p.id: p for p in paragraphs}
    reservations: dict[int, list[ReservationView]] = defaultdict(list)
    for r in s.exec(
        select(Reservation)
        .where(col(Reservation.paragraph_id).in_(ids))
        .order_by(Reservation.position)
    ).all():
        reservations[r.paragraph_id].append(_reservation_view(ctx, r, by_para[r.paragraph_id], cases))
    notes: dict[int, list[NoteView]] = defaultdict(list)
    for n in s.exec(
        select(Note).where(col(Note.paragraph_id).in_(ids)).order_by(Note.position)
    ).all():
        notes[n.paragraph_id].append(_note_view(ctx, n, by_para[n.paragraph_id], cases))
    motions: dict[int, list[MotionView]] = defaultdict(list)
    for m in s.exec(
        select(Motion).where(col(Motion.paragraph_id).in_(ids)).order_by(Motion.position)
    ).all():
        motions[m.paragraph_id].append(MotionView(m.name, m.party, m.kind, m.text, m.supports))
    votes: dict[int, list[VoteView]] = defaultdict(list)
    for v in s.exec(
        select(Vote).where(col(Vote.paragraph_id).in_(ids)).order_by(Vote.position)
    ).all():
        votes[v.paragraph_id].append(VoteView(v.yes, v.no, v.abstain))
    abstentions: dict[int, list[str]] = defaultdict(list)
    for a in s.exec(
        select(Abstention).where(col(Abstention.paragraph_id).in_(ids)).order_by(Abstention.position)
    ).all():
        who = a.name or (f"Ledamöterna från {a.party}" if a.party else "")
        abstentions[a.paragraph_id].append(f"{who} ({a.party})" if a.name and a.party else who)
    out = []
    for p in paragraphs:
        out.append(
            HandlingView(
                paragraph_id=p.id,
                title=p.title,
                dnr=p.dnr,
                decision=decisions[p.id],
                is_proposal=p.is_proposal,
                proposal_to=p.proposal_to,
                source=ctx.paragraph_source(p),
                routine=p.routine,
                reservations=reservations[p.id],
                notes=notes[p.id],
                motions=motions[p.id],
                votes=votes[p.id],
                abstentions=abstentions[p.id],
                proposals=list(proposals[p.id].items()),
            )
        )
    return out


def _candidate(c: search.Scored) -> Candidate:
    return Candidate(c.case_id, c.dnr, c.title, c.score, c.organisation, c.last_date)


def nearest_dnrs(s: Session, dnr: str, limit: int = 5) -> list[Candidate]:
    return [_candidate(c) for c in search.nearest_dnrs(s, _clean(dnr), limit)]


def search_titles(s: Session, text: str, limit: int = 5) -> list[Candidate]:
    return [_candidate(c) for c in search.fuzzy_titles(s, _clean(text), limit)]


def cases_by_dnr(s: Session, dnr: str) -> list[Case]:
    norm = normalise_dnr(_clean(dnr))
    if not norm:
        return []
    return list(s.exec(select(Case).where(Case.dnr_norm == norm).order_by(Case.id)).all())


def lookup_case(s: Session, text: str) -> CaseLookup:
    """"/beslut ARG": a dnr → its card or the nearest dnrs; words → a clear winner or candidates."""
    query = _clean(text)
    if not query:
        return CaseLookup("empty", query)
    dnr = query if looks_like_dnr(query) else _single_dnr_in(query)
    if dnr:
        found = cases_by_dnr(s, dnr)
        if len(found) == 1:
            return CaseLookup("dnr", query, card=case_by_id(s, found[0].id))
        if found:  # the same dnr in several organisations
            return CaseLookup("dnr", query, candidates=[_case_candidate(s, c, 100.0) for c in found])
        return CaseLookup("dnr", query, candidates=nearest_dnrs(s, dnr))
    candidates = search_titles(s, query, limit=5)
    if candidates and candidates[0].score >= CLEAR_SCORE and (
        len(candidates) == 1 or candidates[0].score - candidates[1].score >= CLEAR_LEAD
    ):
        return CaseLookup("title", query, card=case_by_id(s, candidates[0].case_id))
    return CaseLookup("title", query, candidates=candidates)


def _single_dnr_in(query: str) -> str | None:
    """"beslut i 24HSN2937?" → "24HSN2937" when the words hold exactly one dnr."""
    found = [w for w in re.split(r"[\s,;?!]+", query) if w and looks_like_dnr(w)]
    return found[0] if len(found) == 1 else None


def _case_candidate(s: Session, case: Case, score: float) -> Candidate:
    org = s.get(Organisation, case.organisation_id)
    return Candidate(case.id, case.dnr, case.title, score, (org.name or None) if org else None, case.last_date)


def latest_decisions(s: Session, limit: int = 5, include_routine: bool = False) -> list[HandlingView]:
    q = select(Paragraph)
    if not include_routine:
        q = q.where(Paragraph.routine == False)  # noqa: E712
    q = q.order_by(
        col(Paragraph.date).desc().nulls_last(), col(Paragraph.number).desc(), col(Paragraph.id).desc()
    ).limit(limit)
    paragraphs = list(s.exec(q).all())
    cases = _case_info(s, [p.case_id for p in paragraphs])
    return _handlings(s, _Ctx(s), paragraphs, cases)


# --------------------------------------------------------------------------- reservations, notes


def _reservation_view(ctx: _Ctx, r: Reservation, p: Paragraph, cases) -> ReservationView:
    dnr, title = cases.get(p.case_id, (p.dnr, p.title))
    return ReservationView(
        id=r.id,
        name=r.name,
        party=r.party,
        text=r.text,
        in_favour_of=r.in_favour_of,
        case_dnr=dnr,
        case_title=title or p.title,
        source=ctx.paragraph_source(p),
    )


def _note_view(ctx: _Ctx, n: Note, p: Paragraph, cases) -> NoteView:
    dnr, title = cases.get(p.case_id, (p.dnr, p.title))
    return NoteView(
        id=n.id,
        name=n.name,
        party=n.party,
        kind=n.kind,
        text=n.text,
        case_dnr=dnr,
        case_title=title or p.title,
        source=ctx.paragraph_source(p),
    )


def _filtered(s: Session, model, party, person, dnr, since, until, limit):
    limit = max(1, min(limit, 200))
    conds = []
    if party:
        conds.append(model.party_key == fold(party))
    if person:
        key = fold(person)
        conds.append(or_(model.name_key == key, col(model.name_key).contains(key)))
    if dnr:  # by case, so that a paragraph linked through its Beredning counts too
        cases = select(Case.id).where(Case.dnr_norm == normalise_dnr(dnr))
        conds.append(col(model.case_id).in_(cases))
    if since:
        conds.append(model.date >= since)
    if until:
        conds.append(model.date <= until)
    # The date of the limit-th newest row, from the (party_key, date) index: only rows from
    # then on are joined and sorted (a party has thousands of reservations on a large store).
    # With fewer dated rows than the limit there is no cutoff and undated rows come last.
    cutoff = s.exec(
        select(model.date)
        .where(*conds, col(model.date).is_not(None))
        .order_by(col(model.date).desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    if cutoff is not None:
        conds.append(model.date >= cutoff)
    q = (
        select(model, Paragraph)
        .join(Paragraph, Paragraph.id == model.paragraph_id)
        .where(*conds)
        .order_by(
            col(model.date).desc().nulls_last(),
            col(Paragraph.number).desc(),
            col(model.position).asc(),
        )
        .limit(limit)
    )
    return list(s.exec(q).all())


def reservations(
    s: Session,
    *,
    party: str | None = None,
    person: str | None = None,
    dnr: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 10,
) -> list[ReservationView]:
    """Newest first; filters combine (party abbreviation, person name, dnr, period)."""
    rows = _filtered(s, Reservation, party, person, dnr, since, until, limit)
    cases = _case_info(s, [p.case_id for _, p in rows])
    ctx = _Ctx(s)
    return [_reservation_view(ctx, r, p, cases) for r, p in rows]


def reservation(s: Session, reservation_id: int) -> ReservationView | None:
    r = s.get(Reservation, reservation_id)
    if r is None:
        return None
    p = s.get(Paragraph, r.paragraph_id)
    return _reservation_view(_Ctx(s), r, p, _case_info(s, [p.case_id]))


def notes(
    s: Session,
    *,
    party: str | None = None,
    person: str | None = None,
    dnr: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 10,
) -> list[NoteView]:
    rows = _filtered(s, Note, party, person, dnr, since, until, limit)
    cases = _case_info(s, [p.case_id for _, p in rows])
    ctx = _Ctx(s)
    return [_note_view(ctx, n, p, cases) for n, p in rows]


def filter_kind(s: Session, text: str) -> tuple[str, str]:
    """What "/reservationer ARG" filters on: ("party", "SJVP"), ("person", "Pia Lundin"),
    ("dnr", "23HSN2705") or ("none", "")."""
    query = _clean(text)
    if not query:
        return ("none", "")
    if looks_like_dnr(query):
        return ("dnr", normalise_dnr(query))
    folded = fold(query)
    parties = _known_parties(s)
    by_key = {fold(p): p for p in parties}
    if folded in by_key:
        return ("party", by_key[folded])
    if folded in PARTY_NAMES:
        return ("party", PARTY_NAMES[folded])
    best = process.extractOne(
        folded, list(PARTY_NAMES), scorer=fuzz.ratio, processor=None, score_cutoff=85
    )
    if best:
        return ("party", PARTY_NAMES[best[0]])
    names = list(s.exec(select(Person.name).distinct()).all())
    if names:
        found = process.extractOne(
            folded, names, scorer=fuzz.WRatio, processor=fold, score_cutoff=86
        )
        if found:
            return ("person", found[0])
    return ("none", "")


def _known_parties(s: Session) -> set[str]:
    """Parties of named people (a small table) and the well-known abbreviations."""
    parties = set(s.exec(select(Person.party).distinct()).all()) | set(PARTY_NAMES.values())
    return {p for p in parties if p}


# --------------------------------------------------------------------------- bodies, meetings


def bodies(s: Session) -> list[BodyView]:
    rows = s.exec(
        select(Body, Organisation.name)
        .join(Organisation, Organisation.id == Body.organisation_id)
        .order_by(Organisation.name, Body.name)
    ).all()
    return [BodyView(b.id, b.name, b.short, org or None) for b, org in rows]


def find_bodies(s: Session, text: str) -> list[BodyView]:
    """"hsn", "HSU", "nämnden", "utskottet", "hälso", a typo → the best matching bodies. A name
    a body goes by ("KSAU", "kommunstyrelsens arbetsutskott") finds it first."""
    query = fold(_clean(text))
    if not query:
        return []
    named = set(s.exec(select(BodyName.body_id).where(BodyName.name_key == query)).all())
    if named:
        return [b for b in bodies(s) if b.id in named]
    scored: list[tuple[float, BodyView]] = []
    for b in bodies(s):
        name = fold(b.name)
        words = name.split()
        if query in (b.short.casefold(), name):
            score = 100.0
        elif len(query) >= 3 and (
            any(w.startswith(query) for w in words) or words and words[-1].endswith(query)
        ):
            score = 95.0
        else:
            score = max(
                fuzz.WRatio(query, name, processor=None),
                fuzz.ratio(query, b.short.casefold()) if len(query) <= 5 else 0,
            )
        if score >= 75:
            scored.append((score, b))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    return [b for score, b in sorted(scored, key=lambda t: (-t[0], t[1].name)) if score >= top - 5]


def _meeting_view(ctx: _Ctx, m: Meeting) -> MeetingView:
    moved_by = None
    if m.moved_by_paragraph_id is not None:
        p = ctx.s.get(Paragraph, m.moved_by_paragraph_id)
        if p is not None:
            moved_by = ctx.paragraph_source(p)
    return MeetingView(
        body=ctx.body(m.body_id),
        date=m.date,
        time=m.time,
        place=m.place,
        moved_from=m.moved_from,
        moved_by=moved_by,
        moved_quote=m.moved_quote,
        id=m.id,
        status=m.status,
    )


def next_meetings(s: Session, today: date, body_id: int | None = None) -> list[MeetingView]:
    """The next meeting on or after ``today`` of each body (or of one), moved ones with why."""
    first = (
        select(Meeting.body_id, func.min(Meeting.date).label("d"))
        .where(Meeting.date >= today, col(Meeting.status).in_(["planned", "held"]))
        .group_by(Meeting.body_id)
    )
    if body_id is not None:
        first = first.where(Meeting.body_id == body_id)
    sub = first.subquery()
    rows = s.exec(
        select(Meeting)
        .join(sub, (sub.c.body_id == Meeting.body_id) & (sub.c.d == Meeting.date))
        .where(col(Meeting.status).in_(["planned", "held"]))
        .order_by(Meeting.date, Meeting.body_id, Meeting.id)
    ).all()
    ctx = _Ctx(s)
    seen: set[int] = set()
    out = []
    for m in rows:
        if m.body_id in seen:
            continue
        seen.add(m.body_id)
        out.append(_meeting_view(ctx, m))
    return out


def meetings(s: Session, body_id: int, since: date | None = None) -> list[MeetingView]:
    """Every known meeting of a body in date order, moved and cancelled ones included."""
    q = select(Meeting).where(Meeting.body_id == body_id)
    if since is not None:
        q = q.where(Meeting.date >= since)
    ctx = _Ctx(s)
    return [_meeting_view(ctx, m) for m in s.exec(q.order_by(Meeting.date, Meeting.id)).all()]


# --------------------------------------------------------------------------- figures

RESULT_KINDS = ("utfall", "prognos", "budgetavvikelse")
SERIES_LENGTH = 36  # figures per body and kind: enough for three years of monthly reports
BUDGET_KINDS = ("budget", "tillatet_underskott")


def figure_reports(
    s: Session, *, body_id: int | None = None, year: int | None = None
) -> list[FigureReport]:
    """One report per body with figures: the newest figure(s) of each kind, the plan's budget
    rows and each kind's series oldest first. ``year`` keeps figures of that year."""
    # The newest SERIES_LENGTH figures of each body and kind: a few (body, kind) pairs, each
    # read newest first from the (body_id, kind, date) index. A window function over the whole
    # table took 15 ms on 20,000 figures; this stays at a few.
    conds = []
    if body_id is not None:
        conds.append(Figure.body_id == body_id)
    if year is not None:
        conds.append(
            or_(
                col(Figure.period).startswith(str(year)),
                (col(Figure.period).is_(None)) & (Figure.date >= date(year, 1, 1))
                & (Figure.date <= date(year, 12, 31)),
            )
        )
    pairs = s.exec(select(Figure.body_id, Figure.kind).where(*conds).distinct()).all()
    figures: list[Figure] = []
    for bid, kind in pairs:
        figures += s.exec(
            select(Figure)
            .where(*conds, Figure.kind == kind)
            .where(col(Figure.body_id).is_(None) if bid is None else Figure.body_id == bid)
            .order_by(col(Figure.date).desc().nulls_last(), col(Figure.id).desc())
            .limit(SERIES_LENGTH)
        ).all()
    ctx = _Ctx(s)
    ctx.preload_documents(f.document_id for f in figures)
    ctx.preload_marks((f.document_id, f.paragraph_number) for f in figures)
    by_body: dict[int | None, list[Figure]] = defaultdict(list)
    for f in figures:
        by_body[f.body_id].append(f)
    reports = []
    for bid, rows in by_body.items():
        body = ctx.body(bid)
        # another body's result in this body's document (a nämnd's in the fullmäktige's) is a part
        rows = [f for f in rows if not _another_body(f.entity, body)]
        entity = {f.id: _entity(f.entity, body) for f in rows}
        if not rows:
            continue
        rows.sort(key=lambda f: (f.date or date.min, f.period or "", f.position, f.id))
        views = {f.id: _figure_view(ctx, f, entity[f.id]) for f in rows}
        series: dict[str, list[FigureView]] = {}
        for f in rows:
            if entity[f.id] is None:
                series.setdefault(f.kind, []).append(views[f.id])
        latest: list[FigureView] = []
        for kind in RESULT_KINDS:
            of_kind = [f for f in rows if f.kind == kind]
            if not of_kind:
                continue
            # the periods the newest document of this kind reports, each answered once
            newest = max(f.date or date.min for f in of_kind)
            current = {(f.period, entity[f.id]) for f in of_kind if (f.date or date.min) == newest}
            latest += _answers([f for f in of_kind if (f.period, entity[f.id]) in current], entity, views)
        budget = sorted(
            _answers([f for f in rows if f.kind in BUDGET_KINDS], entity, views),
            key=lambda v: (v.kind != "budget", v.period or "", v.entity or ""),
        )
        newest_any = max((f.date or date.min) for f in rows)
        reports.append((newest_any, FigureReport(body, latest, budget, series)))
    reports.sort(key=lambda t: (t[0], t[1].body.name if t[1].body else ""), reverse=True)
    return [r for _, r in reports]


_BODY_HEAD = re.compile(r"(?:nämnd|utskott|styrelse|fullmäktige|beredning|direktion|presidi)\w*$", re.IGNORECASE)


def _is_body(entity: str | None, body: BodyView | None) -> bool:
    return bool(entity) and body is not None and fuzz.ratio(fold(entity), fold(body.name)) >= 90


def _another_body(entity: str | None, body: BodyView | None) -> bool:
    """The entity is a body, not the one whose report this is."""
    return bool(entity and body is not None and _BODY_HEAD.search(entity)) and not _is_body(entity, body)


def _entity(entity: str | None, body: BodyView | None) -> str | None:
    """The figure's entity as the answer groups it: None for the body itself (the parse names it
    when its text does: "Överförmyndarnämnden uppvisar …"), else the part ("koncernen")."""
    return None if not entity or _is_body(entity, body) else entity


def _recency(f: Figure) -> tuple:
    """Newest source first; within one document the later statement (a plan's result after its
    measures comes after its starting point)."""
    return (f.date or date.min, f.document_id, f.position, f.id)


def _answers(rows: list[Figure], entity: dict[int | None, str | None],
             views: dict[int | None, FigureView]) -> list[FigureView]:
    """One answer per kind, period and entity: the newest source's figure, with each other value
    given for the same (the newest figure that gave it) as its ``others``, newest first. In the
    order the rows come."""
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in rows:
        groups[(f.kind, f.period, entity[f.id])].append(f)
    answers = []
    for group in groups.values():
        ordered = sorted(group, key=_recency, reverse=True)
        head, seen, others = ordered[0], {ordered[0].value_mnkr}, []
        for f in ordered[1:]:
            if f.value_mnkr not in seen:
                seen.add(f.value_mnkr)
                others.append(views[f.id])
        answers.append(replace(views[head.id], others=tuple(others)))
    return answers


def _figure_view(ctx: _Ctx, f: Figure, entity: str | None = None) -> FigureView:
    return FigureView(
        kind=f.kind,
        value_mnkr=f.value_mnkr,
        period=f.period,
        quote=f.quote,
        source=ctx.figure_source(f),
        entity=entity,
    )


# --------------------------------------------------------------------------- text search, stats


def full_text(s: Session, text: str, limit: int = 5) -> list[SearchHit]:
    """Best full-text hits over paragraph titles and text, each with a snippet and source."""
    rows = search.full_text_rows(s, _clean(text), max(1, min(limit, 50)))
    if not rows:
        return []
    ids = [pid for pid, _ in rows]
    paragraphs = {p.id: p for p in s.exec(select(Paragraph).where(col(Paragraph.id).in_(ids))).all()}
    ctx = _Ctx(s)
    hits = []
    for pid, snippet in rows:
        p = paragraphs.get(pid)
        if p is None:
            continue
        hits.append(
            SearchHit(
                paragraph_id=p.id,
                title=p.title,
                dnr=p.dnr,
                snippet=" ".join((snippet or "").split()),
                source=ctx.paragraph_source(p),
                case_id=p.case_id,
            )
        )
    return hits


def stats(s: Session) -> StoreStats:
    documents, last = s.exec(select(func.count(Document.id), func.max(Document.ingested_at))).one()
    return StoreStats(
        documents=documents,
        paragraphs=s.exec(select(func.count(Paragraph.id))).one(),
        cases=s.exec(select(func.count(Case.id))).one(),
        bodies=s.exec(select(func.count(Body.id))).one(),
        last_ingest=last,
    )


def identity_report(s: Session) -> IdentityReport:
    """Organisations, bodies with every name they go by, people whose spellings were merged,
    and pairs of people or bodies that look alike but were kept apart."""
    docs = dict(s.exec(select(Document.organisation_id, func.count(Document.id)).group_by(Document.organisation_id)).all())
    organisations = [(org.name or None, docs.get(org.id, 0)) for org in s.exec(select(Organisation).order_by(Organisation.name)).all()
                     if docs.get(org.id) or org.name]
    names: dict[int, list[str]] = defaultdict(list)
    for body_id, key in s.exec(select(BodyName.body_id, BodyName.name_key).order_by(BodyName.id)).all():
        names[body_id].append(key)
    all_bodies = s.exec(select(Body).order_by(Body.organisation_id, Body.name)).all()
    by_id = {b.id: b for b in all_bodies}
    org_names = dict(s.exec(select(Organisation.id, Organisation.name)).all())
    bodies = [(org_names.get(b.organisation_id) or None, b.name, by_id[b.parent_id].name if b.parent_id in by_id else None,
               [n for n in names[b.id] if n != b.name_key]) for b in all_bodies]
    people = s.exec(select(Person).order_by(Person.organisation_id, Person.family_key, Person.name)).all()
    # spellings merged into one person, and one person printed with several parties over time
    merged = [(p.name, ", ".join(p.parties or [p.party]), list(p.variants)) for p in people
              if p.variants or len(p.parties or []) > 1]
    apart: list[tuple[str, str]] = []
    groups: dict[tuple, list[Person]] = defaultdict(list)
    for p in people:
        groups[(p.organisation_id, p.family_key)].append(p)
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if same_person_name(a.name, b.name):
                    apart.append((f"{a.name} ({a.party or '–'})", f"{b.name} ({b.party or '–'})"))
    for i, a in enumerate(all_bodies):
        for b in all_bodies[i + 1:]:
            if a.organisation_id == b.organisation_id and (a.short == b.short or fuzz.ratio(a.name_key, b.name_key) >= 88):
                apart.append((a.name, b.name))
    return IdentityReport(organisations, bodies, merged, apart)


def flagged_documents(s: Session, limit: int = 20) -> list[FlaggedDocument]:
    """Stored documents whose parse is in doubt, newest meeting first: doubtful as a whole, or
    with § that carry doubts (their answers say "osäker tolkning")."""
    flagged: dict[int, list[int]] = defaultdict(list)
    for did, number in s.exec(
        select(Paragraph.document_id, Paragraph.number)
        # an empty JSON list is stored as "[]" on SQLite and PostgreSQL alike
        .where(cast(Paragraph.doubts, String) != "[]")
        .order_by(Paragraph.document_id, Paragraph.number)
    ).all():
        flagged[did].append(number)
    rows = s.exec(
        select(Document).where(or_(Document.doubtful == True, col(Document.id).in_(list(flagged) or [-1])))  # noqa: E712
        .order_by(col(Document.meeting_date).desc().nulls_last(), col(Document.id).desc())
        .limit(max(1, limit))
    ).all()
    ctx = _Ctx(s)
    out = []
    for d in rows:
        try:
            reasons = summary(Health.model_validate(d.health or {}))
        except ValueError:
            reasons = []
        body = ctx.body(d.body_id)
        out.append(FlaggedDocument(d.source_name, body.name if body else None, d.meeting_date, d.doubtful,
                                   flagged.get(d.id, []), reasons))
    return out


def flagged_count(s: Session) -> int:
    """How many stored documents `flagged_documents` would list without a limit."""
    with_doubts = select(Paragraph.document_id).where(cast(Paragraph.doubts, String) != "[]")
    return s.exec(
        select(func.count(Document.id)).where(or_(Document.doubtful == True, col(Document.id).in_(with_doubts)))  # noqa: E712
    ).one()
