"""A protocol printed to PDF (with running headers on every page) parses like its text."""

import difflib
import re
from pathlib import Path

import pytest

from knowledge.pipeline import parse_raw
from knowledge.read import read_bytes
from tests.knowledge._samples import parsed, sample
from tests.knowledge.pdfgen import text_to_pdf

HEADER = "PROTOKOLL\n{body}\nDatum Dnr Sida\n{date} 24HSN1 {page}(9)\n\n"  # as a real one, it names its body
FOOTER = "\n\nOrdförandens sign Justerandens sign Exp den Utdragsbestyrkande\n"


def _flat(s):
    return re.sub(r"\s+", " ", s or "").strip()


def _facts(doc):
    return (doc.kind, doc.body, doc.meeting_date, [
        (p.number, _flat(p.title), p.dnr, len(p.decision), [(r.name, r.party) for r in p.reservations],
         [(n.name, n.party) for n in p.protocol_notes], [(m.name, m.kind) for m in p.motions])
        for p in doc.paragraphs
    ])


def _same_clauses(a, b):
    # the PDF reader joins a word hyphenated at a line end ("slutenvård-/verksamheterna") without its hyphen
    return all(difflib.SequenceMatcher(None, _flat(x), _flat(y)).ratio() > 0.98 for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("name", ["hsn-2024-09-04", "hsu-2024-08-28", "vsu-2022-05-04"])
def test_pdf_with_page_headers_parses_like_the_text(name):
    lines = sample(name).split("\n")
    pages = ["\n".join(lines[i:i + 70]) for i in range(0, len(lines), 70)]
    day, body = parsed(name).meeting_date, parsed(name).body.upper()
    text = "\f".join(HEADER.format(body=body, date=day, page=n + 1) + page + FOOTER for n, page in enumerate(pages))
    raw = read_bytes(text_to_pdf(text), f"{name}.pdf")
    assert body in raw.furniture  # the running header, found by its place
    assert not re.search(r"24HSN1 \d\(9\)", raw.text)
    from_pdf = parse_raw(raw)
    from_text = parsed(name)
    assert _facts(from_pdf) == _facts(from_text)
    for p, q in zip(from_pdf.paragraphs, from_text.paragraphs, strict=True):
        assert _same_clauses(p.decision, q.decision), p.number
    assert from_pdf.schedule_changes == from_text.schedule_changes


REAL_PDF = Path(__file__).resolve().parents[3] / "shared" / "real-pdf" / "revision-verksamhetsfordon.pdf"


@pytest.mark.skipif(not REAL_PDF.is_file(), reason="../shared/real-pdf not present")
def test_a_real_published_report():
    from knowledge.clean import clean_text
    from knowledge.read import read_document

    raw = read_document(REAL_PDF)
    cleaned = clean_text(raw.text, furniture=False)
    # the running header, found by its place on every page, is out of the text and kept aside
    assert "Stadsrevisionen, Användning av verksamhetsfordon samt inköp av drivmedel" in raw.furniture
    assert not re.search(r"\d \(5\)", raw.text)
    assert "registreras varje resa \nsom fordonet gör" in cleaned or "registreras varje resa som fordonet gör" in cleaned
    doc = parse_raw(raw)
    # a report about several bodies: the kind is known, the body is not guessed; the city is
    # named only in its running text ("Göteborgs Stads verksamheter"), so it is not stated
    assert (doc.kind, doc.organisation, doc.body, doc.meeting_date, doc.paragraphs) == (
        "plan", None, None, None, [])
