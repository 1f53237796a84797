"""Parse health through the store, on SQLite and PostgreSQL: a document's health and doubt, a
§'s page and doubts are stored as parsed, and every view built on a flagged § carries them."""

from __future__ import annotations

from sqlmodel import select

from knowledge import queries as q
from knowledge.models import Document, Paragraph
from knowledge.parse import parse_text
from knowledge.parse.model import Health
from knowledge.store import ingest_document
from tests.knowledge.health_docs import CLEAN, CLEAN_PAGES, FLAGGED, protocol


def _ingest(s, text: str, name: str):
    parsed = parse_text(text)
    result = ingest_document(s, parsed, source_name=name, sha256=name)
    return parsed, result


def test_health_page_and_doubts_are_stored_as_parsed(session):
    parsed, result = _ingest(session, FLAGGED, "tn.txt")
    doc = session.get(Document, result.document_id)
    assert Health.model_validate(doc.health) == parsed.health
    assert doc.health["unread"][0] == {"paragraph": 22, "kind": "reservation", "text": "Mot beslutet reserverar sig."}
    assert doc.doubtful is False  # the document as a whole is fine; two of its § are not
    rows = session.exec(select(Paragraph).where(Paragraph.document_id == doc.id).order_by(Paragraph.number)).all()
    assert [(p.number, p.page, p.doubts) for p in rows] == [(p.number, p.page, p.doubts) for p in parsed.paragraphs]
    assert [(p.number, p.page, bool(p.doubts)) for p in rows] == [(22, 2, True), (23, 3, False), (24, 4, True)]


def test_views_on_a_flagged_paragraph_carry_its_doubt_and_page(session):
    _ingest(session, FLAGGED, "tn.txt")
    card = q.lookup_case(session, "TN 2024/31").card
    [h] = card.handlings
    assert h.source.page == 2 and h.source.doubtful
    assert h.source.doubts == ("texten säger att någon reserverade sig, men ingen reservation kunde läsas ut",)
    clean = q.lookup_case(session, "TN 2024/40").card.handlings[0].source
    assert clean.page == 3 and not clean.doubtful

    by_name = {r.name: r.source for r in q.reservations(session)}
    assert by_name["Cecilia Lind"].doubtful and by_name["Cecilia Lind"].page == 4  # § 24: the vote is unread
    assert not by_name["Bo Ek"].doubtful

    [report] = q.figure_reports(session)
    [prognos] = report.latest
    assert prognos.source.paragraph == 24 and prognos.source.page == 4 and prognos.source.doubtful

    hits = {h.source.paragraph: h.source for h in q.full_text(session, "felparkering cykelväg uppföljning")}
    assert not hits[23].doubtful and hits[22].doubtful


def test_a_doubtful_document_puts_every_answer_from_it_in_doubt(session):
    undated = protocol("Bygg- och miljönämnden", None, CLEAN_PAGES)
    parsed, result = _ingest(session, undated, "bmn-utan-datum.txt")
    assert parsed.health.doubtful and "date" in parsed.health.missing_cover
    assert all(p.doubts == [] for p in parsed.paragraphs)  # no § of it is in doubt by itself
    assert session.get(Document, result.document_id).doubtful is True
    source = q.lookup_case(session, "BMN 2024/77").card.handlings[0].source
    assert source.doubtful
    assert source.doubts[0].startswith("hela protokollets tolkning är osäker: hittades inte på försättsbladet: datum")


def test_flagged_documents_lists_the_doubtful_and_those_with_flagged_paragraphs(session):
    _ingest(session, CLEAN, "bmn.txt")
    assert q.flagged_documents(session) == [] and q.flagged_count(session) == 0
    _ingest(session, FLAGGED, "tn.txt")
    _ingest(session, protocol("Kommunstyrelsen", None, CLEAN_PAGES), "ks-utan-datum.txt")
    flagged = q.flagged_documents(session)
    assert [(f.document, f.doubtful, f.paragraphs) for f in flagged] == [
        ("tn.txt", False, [22, 24]),  # dated documents first, newest meeting first
        ("ks-utan-datum.txt", True, []),
    ]
    assert flagged[0].body == "Tekniska nämnden" and str(flagged[0].date) == "2024-05-13"
    assert "oläst reservation: § 22" in flagged[0].reasons and "oläst omröstning: § 24" in flagged[0].reasons
    assert q.flagged_count(session) == 2
    assert [f.document for f in q.flagged_documents(session, limit=1)] == ["tn.txt"]


def test_a_document_stored_before_parse_health_reads_as_clean(session):
    _, result = _ingest(session, CLEAN, "bmn.txt")
    doc = session.get(Document, result.document_id)
    doc.health = {}  # what migration 0004 gave documents stored before it
    session.add(doc)
    session.commit()
    assert not q.lookup_case(session, "BMN 2024/77").card.handlings[0].source.doubtful
    assert q.flagged_documents(session) == []


def test_a_notice_of_a_followed_case_in_a_flagged_paragraph_says_so(session):
    from datetime import UTC, datetime

    from handlers.render_notify import render_notice
    from knowledge.notify_models import Outbox
    from knowledge.search import normalise_dnr
    from knowledge.subscriptions import protocol_fanout, subscribe

    subscribe(session, 501, "case", normalise_dnr("TN 2024/31"), "TN 2024/31")
    subscribe(session, 502, "case", normalise_dnr("TN 2024/40"), "TN 2024/40")
    _, result = _ingest(session, FLAGGED, "tn.txt")
    assert protocol_fanout(session, result.document_id, render_notice, now=datetime(2024, 5, 14, tzinfo=UTC)) == 2
    text = {o.recipient: o.text for o in session.exec(select(Outbox)).all()}
    assert "Osäker tolkning — se protokollet, s. 2" in text[501]
    assert "Osäker tolkning" not in text[502]
