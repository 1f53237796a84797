"""Ingest throughput and store size. Prints figures; asserts nothing.

    python bench/ingest.py [--copies 100]

- parse: read → clean → parse of the bundled sample texts (documents/s, pages/s).
- store: the parsed samples written ``--copies`` times into a temporary SQLite file, each copy
  with its own meeting dates and diarienummer so that every copy is a new protocol
  (documents/s, paragraphs/s, one transaction per document).
- text end to end: parse + store per document.
- PDF: a sample rendered to PDF with fpdf2 and read back with pypdfium2 (pages/s), then the
  whole pipeline from that PDF.
- store size: bytes of the SQLite file (after a WAL checkpoint) per document.
- real protocols (``--real``, default ../shared/real/docs when it is there): every PDF and text
  protocol read, laid out and parsed (PDF pages/s, documents/s), then read, parsed and stored
  into a fresh SQLite file, end to end (documents/s, pages/s).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from knowledge.db import init_db, make_engine, session  # noqa: E402
from knowledge.parse.model import ParsedDocument  # noqa: E402
from knowledge.pipeline import parse_raw  # noqa: E402
from knowledge.read import read_bytes, read_document  # noqa: E402
from knowledge.samples import sample_paths  # noqa: E402
from knowledge.store import ingest_document  # noqa: E402

_DNR = re.compile(r"^(\d{2})([A-ZÅÄÖ]+)(\d+)$")


def varied(doc: ParsedDocument, copy: int) -> ParsedDocument:
    """The same protocol as if held ``copy`` weeks later, with its own case numbers."""
    d = doc.model_copy(deep=True)
    shift = timedelta(weeks=copy)
    if d.meeting_date:
        d.meeting_date += shift
    elif d.title:
        d.title = f"{d.title} ({copy})"
    for p in d.paragraphs:
        m = _DNR.match((p.dnr or "").replace(" ", ""))
        if m:
            p.dnr = f"{m[1]}{m[2]}{int(m[3]) + 10000 * copy}"
        p.title = f"{p.title} {copy}" if copy % 3 == 0 else p.title
        if p.prepared_by and p.prepared_by.date:
            p.prepared_by.date += shift
    for c in d.schedule_changes:
        c.to += shift
        if c.from_:
            c.from_ += shift
    return d


def pdf_of(text_value: str) -> bytes:
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF(format="A4")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("dejavu", "", str(font))
    pdf.set_font("dejavu", size=9)
    for page in text_value.split("\f"):
        pdf.add_page()
        pdf.multi_cell(0, 4.5, page.expandtabs(4))
    return bytes(pdf.output())


REAL = Path(__file__).resolve().parents[2] / "shared" / "real" / "docs"


def _timed(fn, seconds: float = 3.0) -> float:
    """Seconds one call of ``fn`` takes, over as many calls as fit in ``seconds`` (one at least)."""
    t0, n = time.perf_counter(), 0
    while n == 0 or time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return (time.perf_counter() - t0) / n


def real(folder: Path) -> None:
    """Real published protocols: the PDF path with its layout step, and text, end to end."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".pdf", ".txt"))
    pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    data = {p: p.read_bytes() for p in paths}
    pages = {p: len(read_bytes(data[p], p.name).pages) for p in pdfs}
    read_s = _timed(lambda: [read_bytes(data[p], p.name) for p in pdfs])
    parse_s = _timed(lambda: [parse_raw(read_bytes(data[p], p.name)) for p in pdfs])
    n_pages = sum(pages.values())
    print(f"real PDF read (layout):  {n_pages / read_s:7.1f} pages/s   ({len(pdfs)} PDFs, {n_pages} pages, {folder})")
    print(f"real PDF read+parse:     {n_pages / parse_s:7.1f} pages/s  {len(pdfs) / parse_s:6.1f} documents/s")
    texts = [p for p in paths if p not in pages]
    if texts:
        text_s = _timed(lambda: [parse_raw(read_bytes(data[p], p.name)) for p in texts])
        print(f"real text read+parse:    {len(texts) / text_s:7.1f} documents/s  ({len(texts)} texts)")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'real.db'}")
        init_db(engine)
        t0 = time.perf_counter()
        for p in paths:
            raw = read_bytes(data[p], p.name)
            with session(engine) as s:
                ingest_document(s, parse_raw(raw), source_name=raw.name, sha256=raw.sha256)
        total = time.perf_counter() - t0
        engine.dispose()
    print(f"real end to end (store): {len(paths) / total:7.1f} documents/s  "
          f"{(n_pages + len(texts)) / total:6.1f} pages/s (a text counted as one page)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=100, help="copies of the four samples to store")
    ap.add_argument("--real", type=Path, default=REAL, help="a folder of real protocols (.pdf, .txt)")
    args = ap.parse_args()
    if args.real.is_dir():
        real(args.real)
    paths = sample_paths()

    # Parse: read → clean → parse, repeated until ~2 s have passed.
    raws = [read_document(p) for p in paths]
    parsed = [parse_raw(r) for r in raws]
    pages = sum(len(r.pages) for r in raws)
    t0, rounds = time.perf_counter(), 0
    while time.perf_counter() - t0 < 2.0:
        for p in paths:
            parse_raw(read_document(p))
        rounds += 1
    parse_s = (time.perf_counter() - t0) / (rounds * len(paths))
    print(f"parse (text):  {1 / parse_s:8.1f} documents/s   ({pages} pages in {len(paths)} samples)")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{db}")
        init_db(engine)
        docs = [(varied(d, c), f"{c}-{r.name}", f"{r.sha256}-{c}")
                for c in range(args.copies) for d, r in zip(parsed, raws, strict=True)]
        paragraphs = sum(len(d.paragraphs) for d, _, _ in docs)
        t0 = time.perf_counter()
        for doc, name, sha in docs:
            with session(engine) as s:
                ingest_document(s, doc, source_name=name, sha256=sha)
        store_s = time.perf_counter() - t0
        print(f"store (SQLite): {len(docs) / store_s:8.1f} documents/s  "
              f"{paragraphs / store_s:8.1f} paragraphs/s   ({len(docs)} documents, {paragraphs} paragraphs)")
        per_doc = parse_s + store_s / len(docs)
        per_para = per_doc * len(docs) / paragraphs
        print(f"text end to end: {1 / per_doc:6.1f} documents/s  {1 / per_para:8.1f} paragraphs/s")

        with engine.begin() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        engine.dispose()
        size = db.stat().st_size
        print(f"store size:    {size / len(docs):8.0f} bytes/document  ({size / 1e6:.1f} MB for {len(docs)})")

    # PDF: render the largest sample, then read it back page by page.
    sample = max(raws, key=lambda r: len(r.text))
    data = pdf_of(sample.text)
    pdf_raw = read_bytes(data, "bench.pdf")
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < 2.0:
        read_bytes(data, "bench.pdf")
        n += 1
    read_s = (time.perf_counter() - t0) / n
    t0, m = time.perf_counter(), 0
    while time.perf_counter() - t0 < 2.0:
        parse_raw(read_bytes(data, "bench.pdf"))
        m += 1
    full_s = (time.perf_counter() - t0) / m
    npages = len(pdf_raw.pages)
    print(f"PDF read:      {npages / read_s:8.1f} pages/s  ({npages} pages, {len(data) // 1024} KiB)")
    print(f"PDF read+parse: {npages / full_s:7.1f} pages/s")


if __name__ == "__main__":
    main()
