"""Ingest: one transaction per document, idempotent, replacing old versions, events recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func
from sqlmodel import SQLModel, select

from knowledge.db import session
from knowledge.models import (
    Case,
    Document,
    Event,
    Meeting,
    Paragraph,
    Reservation,
)
from knowledge.queries import full_text
from knowledge.registry import short_name
from knowledge.store import ingest_document
from tests.knowledge import store_docs as D

# Tables whose rows an ingest writes (the store's own; other modules may register more).
STORE_TABLES = [
    "organisations", "bodies", "meetings", "documents", "cases", "paragraphs", "decisions",
    "people", "reservations", "notes", "motions", "abstentions", "votes", "attendance",
    "schedule_changes", "figures", "events",
]


def counts(s) -> dict[str, int]:
    tables = SQLModel.metadata.tables
    return {t: s.exec(select(func.count()).select_from(tables[t])).one() for t in STORE_TABLES}


def ingest(s, doc, sha, name=None):
    return ingest_document(s, doc, source_name=name or f"{sha}.txt", sha256=sha)


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Hälso- och sjukvårdsnämnden", "HSN"),
        ("Hälso- och sjukvårdsutskottet", "HSU"),
        ("Välfärd- och samverkansutskottet", "VSU"),
        ("Regionstyrelsen", "RS"),
        ("Kommunfullmäktige", "KF"),
        ("Barn- och utbildningsnämnden", "BUN"),
    ],
)
def test_short_name_from_words_and_compound_parts(name, short):
    assert short_name(name) == short


def test_ingest_writes_the_document(session):
    result = ingest(session, D.hsn_2024_09_04(), "a")
    assert result.status == "new"
    assert result.paragraphs == 7
    c = counts(session)
    assert c["documents"] == 1 and c["paragraphs"] == 7
    assert c["reservations"] == 6 and c["notes"] == 1 and c["figures"] == 3
    assert c["decisions"] == 7


def test_same_file_twice_changes_nothing(session):
    ingest(session, D.hsu_2024_08_28(), "a")
    ingest(session, D.hsn_2024_09_04(), "b")
    before = counts(session)
    again = ingest(session, D.hsn_2024_09_04(), "b", name="renamed.txt")
    assert again.status == "unchanged"
    assert again.event_ids == []
    assert counts(session) == before


def test_new_version_replaces_the_old_one_and_keeps_case_identity(session, engine):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    first = ingest(session, D.hsn_2024_09_04(), "v1")
    case_id = session.exec(select(Case.id).where(Case.dnr_norm == "23HSN2705")).one()

    v2 = D.hsn_2024_09_04()
    v2.paragraphs = [p for p in v2.paragraphs if p.number != 102]  # § 102 dropped in the new version
    v2.paragraphs[1].text = "Reviderad text om månadsuppföljningen."
    second = ingest(session, v2, "v2")

    assert second.status == "replaced"
    assert second.replaced_document_id == first.document_id
    with session_of(engine) as s:
        assert s.exec(select(func.count(Document.id))).one() == 2
        assert s.exec(select(func.count(Paragraph.id))).one() == 6 + 6
        assert s.exec(select(Case.id).where(Case.dnr_norm == "23HSN2705")).one() == case_id
        # § 102's case was only in the old version: gone with it
        assert s.exec(select(Case).where(Case.dnr_norm == "22HSN3175")).first() is None
        assert s.exec(select(func.count(Reservation.id))).one() == 6
        # the full-text index follows the replacement
        assert full_text(s, "Folktandvården") == []
        assert [h.source.paragraph for h in full_text(s, "Reviderad månadsuppföljningen")] == [97]


def session_of(engine):
    return session(engine)


def test_a_failure_mid_document_leaves_nothing(session, engine):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    before = counts(session)

    def boom(conn, cursor, statement, *_args):
        # The figures come after the meeting, document, paragraphs and their children.
        if statement.lstrip().upper().startswith("INSERT INTO FIGURES"):
            raise RuntimeError("disk full")

    event.listen(engine, "before_cursor_execute", boom)
    try:
        with pytest.raises(RuntimeError):
            ingest(session, D.hsn_2024_09_04(), "hsn")
    finally:
        event.remove(engine, "before_cursor_execute", boom)
    with session_of(engine) as s:
        assert counts(s) == before
    # and the same document goes in cleanly afterwards
    assert ingest(session, D.hsn_2024_09_04(), "hsn").status == "new"


def test_case_links_paragraphs_across_bodies_and_takes_the_latest_title(session):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    ingest(session, D.hsn_2024_09_04(), "hsn")
    case = session.exec(select(Case).where(Case.dnr_norm == "23HSN1831")).one()
    paragraphs = session.exec(select(Paragraph).where(Paragraph.case_id == case.id)).all()
    assert sorted(p.number for p in paragraphs) == [68, 100]
    assert case.first_date == date(2024, 8, 28) and case.last_date == date(2024, 9, 4)

    later = D.hsn_2024_09_04()
    later.meeting_date = date(2024, 10, 3)
    later.paragraphs = [p for p in later.paragraphs if p.number == 100]
    later.paragraphs[0].title = "Mobila tandvårdskliniken, slutrapport"
    later.schedule_changes = []
    ingest(session, later, "later")
    session.expire_all()
    assert session.get(Case, case.id).title == "Mobila tandvårdskliniken, slutrapport"


def test_a_dnr_is_unique_only_within_its_organisation(session):
    a = D.vsu_2022_05_04()
    a.organisation = "Region Västernorrland"
    b = D.vsu_2022_05_04()
    b.organisation = "Region Västerbotten"
    ingest(session, a, "a")
    ingest(session, b, "b")
    assert len(session.exec(select(Case).where(Case.dnr_norm == "22HSN1246")).all()) == 2


def test_schedule_change_makes_a_planned_meeting_on_the_new_date(session):
    first = ingest(session, D.hsn_2024_09_04(), "hsn")
    hsn = session.exec(select(Document).where(Document.id == first.document_id)).one().body_id
    moved_to = session.exec(
        select(Meeting).where(Meeting.body_id == hsn, Meeting.date == date(2024, 10, 3))
    ).one()
    assert moved_to.status == "planned" and moved_to.moved_from == date(2024, 10, 4)
    assert session.get(Paragraph, moved_to.moved_by_paragraph_id).number == 104


def test_planned_meeting_on_the_old_date_becomes_moved(session):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    hsn_doc = D.hsn_2024_09_04()
    # A calendar entry for 4 October exists before the protocol that moves it arrives.
    earlier = D.hsn_2024_09_04()
    earlier.meeting_date = date(2024, 6, 12)
    earlier.paragraphs, earlier.schedule_changes, earlier.figures = [], [], []
    ingest(session, earlier, "june")
    body_id = session.exec(select(Document.body_id).where(Document.sha256 == "june")).one()
    planned = Meeting(uid="cal-1@test", body_id=body_id, date=date(2024, 10, 4), status="planned",
                      time="09:00", place="Sundsvall")
    session.add(planned)
    session.commit()

    result = ingest(session, hsn_doc, "hsn")
    session.expire_all()
    old = session.get(Meeting, planned.id)
    assert old.status == "moved" and old.moved_to == date(2024, 10, 3)
    new = session.exec(
        select(Meeting).where(Meeting.body_id == body_id, Meeting.date == date(2024, 10, 3))
    ).one()
    assert (new.uid, new.sequence, new.time, new.place) == ("cal-1@test", 1, "09:00", "Sundsvall")
    moved = session.exec(select(Event).where(Event.kind == "meeting_moved")).all()
    assert len(moved) == 1 and moved[0].id in result.event_ids
    assert moved[0].payload["from"] == "2024-10-04" and moved[0].payload["to"] == "2024-10-03"
    assert moved[0].payload["paragraph"] == 104

    # a corrected version of the same protocol does not announce the move again
    v2 = D.hsn_2024_09_04()
    v2.chair = "Elina Backlund Arab (S)"
    ingest(session, v2, "hsn-v2")
    assert len(session.exec(select(Event).where(Event.kind == "meeting_moved")).all()) == 1
    assert len(session.exec(
        select(Meeting).where(Meeting.body_id == body_id, Meeting.date == date(2024, 10, 3))
    ).all()) == 1


def test_events_name_the_new_protocol_and_the_cases_that_appeared(session):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    result = ingest(session, D.hsn_2024_09_04(), "hsn")
    events = session.exec(select(Event).where(Event.id.in_(result.event_ids))).all()
    kinds = sorted(e.kind for e in events)
    assert kinds.count("protocol") == 1 and kinds.count("meeting_moved") == 1
    case_events = [e for e in events if e.kind == "case"]
    assert {e.payload["dnr"] for e in case_events} == {
        "24HSN74", "23HSN2705", "23HSN1831", "24HSN2937", "22HSN3175", "23HSN4128"
    }
    protocol = next(e for e in events if e.kind == "protocol")
    assert protocol.payload["date"] == "2024-09-04" and protocol.payload["paragraphs"] == 7


def test_plan_without_date_is_stored_with_its_figures(session):
    result = ingest(session, D.plan_2024(), "plan")
    assert result.status == "new"
    assert counts(session)["figures"] == 2
    newer = D.plan_2024()
    newer.figures = newer.figures[:1]
    assert ingest(session, newer, "plan-v2").status == "replaced"
    assert counts(session)["figures"] == 1


def test_concurrent_writers_wait_for_each_other_on_sqlite(sqlite_engine):
    """Ingest from several threads (as `bot ingest` next to the bot): none fails on a busy store."""
    import threading

    docs = [D.hsu_2024_08_28(), D.hsn_2024_09_04(), D.vsu_2022_05_04(), D.plan_2024()]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with session(sqlite_engine) as s:
                ingest(s, docs[i], f"t{i}")
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    with session(sqlite_engine) as reader:  # a reader holding a snapshot does not block them
        reader.exec(select(func.count(Document.id))).one()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(docs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    with session(sqlite_engine) as s:
        assert counts(s)["documents"] == 4 and counts(s)["reservations"] == 6


def test_a_misspelt_body_name_is_the_same_body(session):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    typo = D.hsu_2024_08_28()
    typo.body = "Hälso- och sjukvårsutskottet"
    typo.meeting_date = date(2024, 9, 25)
    ingest(session, typo, "typo")
    other = D.hsn_2024_09_04()
    ingest(session, other, "hsn")
    assert counts(session)["bodies"] == 2  # HSU (both spellings) and HSN


def test_a_paragraph_without_dnr_joins_the_case_of_the_paragraph_that_prepared_it(session):
    ingest(session, D.hsu_2024_08_28(), "hsu")
    hsn = D.hsn_2024_09_04()
    for p in hsn.paragraphs:
        if p.number == 98:
            p.dnr = None  # the nämnd's extract names only "Beredning: HSU 2024-08-28 § 66"
    ingest(session, hsn, "hsn")
    case = session.exec(select(Case).where(Case.dnr_norm == "23HSN2705")).one()
    numbers = session.exec(select(Paragraph.number).where(Paragraph.case_id == case.id)).all()
    assert sorted(numbers) == [66, 98]
