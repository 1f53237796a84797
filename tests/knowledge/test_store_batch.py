"""Batches through the real pipeline (read → clean → parse → store) on the bundled samples."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge import queries as q
from knowledge.batch import ingest_paths
from knowledge.db import session
from knowledge.samples import ingest_samples_if_empty, sample_paths
from tests.knowledge.pdfgen import text_to_pdf

SAMPLES = {p.name: p for p in sample_paths()}


def test_the_four_samples_are_bundled():
    assert set(SAMPLES) == {
        "hsn-2024-09-04.txt", "hsn-verksamhetsplan-2024-2026.txt",
        "hsu-2024-08-28.txt", "vsu-2022-05-04.txt",
    }


def test_samples_give_the_case_history_across_utskott_and_namnd(engine):
    report = ingest_samples_if_empty(engine)
    assert report is not None and report.new == 4 and report.failures == []
    assert report.paragraphs == sum(r.paragraphs for _, r in report.results) > 20
    assert ingest_samples_if_empty(engine) is None  # not empty any more

    with session(engine) as s:
        card = q.lookup_case(s, "23HSN2705").card
        assert [(h.source.body_short, h.source.date, h.source.paragraph, h.is_proposal) for h in card.handlings] == [
            ("HSU", date(2024, 8, 28), 66, True),
            ("HSN", date(2024, 9, 4), 98, False),
        ]
        decision = card.handlings[1]
        assert len(decision.reservations) == 6 and len(decision.notes) == 1
        assert {r.party for r in decision.reservations} == {"SJVP", "SD", "KD"}

        assert q.lookup_case(s, "24 hsn 2937").card.dnr == "24HSN2937"
        assert q.lookup_case(s, "24HSN2973").candidates[0].dnr == "24HSN2937"
        assert q.lookup_case(s, "tandvard mobila").card.dnr == "23HSN1831"

        nxt = q.next_meetings(s, date(2024, 9, 10))
        assert [(m.body.short, m.date, m.moved_from) for m in nxt] == [
            ("HSN", date(2024, 10, 3), date(2024, 10, 4))
        ]
        reports = {r.body.short: r for r in q.figure_reports(s)}
        assert {f.kind: f.value_mnkr for f in reports["HSN"].latest}["utfall"] == -277
        assert any(f.kind == "tillatet_underskott" for f in reports["HSN"].budget)
        assert q.full_text(s, "vårdplatser")[0].source.paragraph == 98


def test_batch_with_a_broken_file_in_the_middle(sqlite_engine, tmp_path: Path):
    folder = tmp_path / "protokoll"
    (folder / "d").mkdir(parents=True)
    shutil.copy(SAMPLES["hsu-2024-08-28.txt"], folder / "a-hsu.txt")
    (folder / "b-trasig.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntrasig")
    (folder / "c-tom.txt").write_bytes(b"")
    shutil.copy(SAMPLES["hsn-2024-09-04.txt"], folder / "d" / "hsn.txt")
    (folder / "e-bild.png").write_bytes(b"\x89PNG\r\n")  # not a supported suffix: not picked up
    seen: list[str] = []

    report = ingest_paths(sqlite_engine, [folder], progress=lambda p: seen.append(p.name))

    assert seen == ["a-hsu.txt", "b-trasig.pdf", "c-tom.txt", "hsn.txt"]
    assert report.new == 2
    assert [name for name, _ in report.failures] == ["b-trasig.pdf", "c-tom.txt"]
    assert all(reason for _, reason in report.failures)
    with session(sqlite_engine) as s:
        assert q.stats(s).documents == 2

    again = ingest_paths(sqlite_engine, [folder / "a-hsu.txt", folder / "saknas.txt"])
    assert (again.new, again.unchanged) == (0, 1)
    assert again.failures[0][0] == "saknas.txt"


def test_text_without_a_protocol_is_a_failure_not_a_document(sqlite_engine, tmp_path: Path):
    path = tmp_path / "inkopslista.txt"
    path.write_text("mjölk\nsmör\nägg\n", encoding="utf-8")
    report = ingest_paths(sqlite_engine, [path])
    assert report.documents == 0 and report.failures[0][0] == "inkopslista.txt"


def test_a_pdf_of_a_protocol_ingests_like_its_text(sqlite_engine, tmp_path: Path):
    text = SAMPLES["hsu-2024-08-28.txt"].read_text(encoding="utf-8")
    pdf = tmp_path / "hsu-2024-08-28.pdf"
    pdf.write_bytes(text_to_pdf(text))
    from_pdf = ingest_paths(sqlite_engine, [pdf])
    assert from_pdf.new == 1, from_pdf.failures
    with session(sqlite_engine) as s:
        card = q.lookup_case(s, "24HSN2937").card
        assert card.handlings[0].source.document == "hsu-2024-08-28.pdf"
        assert card.handlings[0].source.paragraph == 69


@pytest.mark.parametrize("name", ["hsn-2024-09-04.txt"])
def test_an_edited_file_replaces_its_protocol(sqlite_engine, tmp_path: Path, name):
    path = tmp_path / name
    shutil.copy(SAMPLES[name], path)
    assert ingest_paths(sqlite_engine, [path]).new == 1
    path.write_text(SAMPLES[name].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = ingest_paths(sqlite_engine, [path])
    assert report.replaced == 1
    with session(sqlite_engine) as s:
        assert q.stats(s).documents == 1
        assert len(q.reservations(s, dnr="23HSN2705", limit=50)) == 6
