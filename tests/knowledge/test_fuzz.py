"""Hostile input (issue 6): random bytes, mutated seed protocols, broken and encrypted PDFs,
oversized files and texts. Every input ends as a `ReadError` naming the file or as a parsed
document — never another exception, never a stall — and a document that fails while it is
being stored leaves nothing of itself in the store.

The Hypothesis examples are the same on every run (derandomised, so the suite cannot turn red
by chance); ``NB_FUZZ_EXAMPLES=5000 pytest tests/knowledge/test_fuzz.py`` runs a longer, random
campaign.
"""

from __future__ import annotations

import os
import random
import string
import time
from functools import cache
from pathlib import Path, PurePath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text
from sqlmodel import SQLModel

from knowledge.batch import ingest_bytes, ingest_paths
from knowledge.db import init_db, make_engine, session
from knowledge.models import Document
from knowledge.parse.model import ParsedDocument
from knowledge.pipeline import parse_raw
from knowledge.read import (
    MAX_FILE_MB,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    ReadError,
    read_bytes,
    read_document,
)
from knowledge.samples import sample_paths
from tests.knowledge.pdfgen import new_pdf, text_to_pdf

SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sample_paths()}
HSN = "hsn-2024-09-04.txt"  # a protocol with figures, reservations and a schedule change

_CAMPAIGN = int(os.environ.get("NB_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=_CAMPAIGN or examples,
        derandomize=not _CAMPAIGN,
        deadline=None,  # no timing in examples: the time bounds are the tests below
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow, HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,  # one store for all examples: wanted
        ],
    )


def read_and_parse(data: bytes, name: str) -> ParsedDocument | None:
    """The document, or None for a `ReadError`; any other exception fails the test."""
    try:
        raw = read_bytes(data, name)
    except ReadError as exc:
        assert str(exc) == f"{PurePath(name).name}: {exc.reason}" and exc.reason.strip()
        return None
    doc = parse_raw(raw)
    assert isinstance(doc, ParsedDocument)
    doc.export()  # what the store and `python -m bot parse --json` take from it
    return doc


@cache
def seed_pdf(name: str) -> bytes:
    return text_to_pdf(SEEDS[name])


# --- random and mutated input ----------------------------------------------------------------

NAMES = st.sampled_from(["protokoll.txt", "protokoll.md", "protokoll.pdf", "protokoll", "p.docx"])


@fuzz(200)
@given(
    data=st.one_of(
        st.binary(max_size=4000),
        st.binary(max_size=4000).map(lambda b: b"%PDF-1.7\n" + b + b"\n%%EOF\n"),  # into pdfium
        st.binary(max_size=2000).map(lambda b: b"\xff\xfe" + b),  # "UTF-16"
    ),
    name=NAMES,
)
def test_random_bytes_read_or_fail_cleanly(data: bytes, name: str) -> None:
    read_and_parse(data, name)


@fuzz(150)
@given(st.text(max_size=3000), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_random_text_parses_or_fails_cleanly(text_: str, encoding: str) -> None:
    read_and_parse(text_.encode(encoding, errors="replace"), "text.txt")


# Fragments that parsers trip over: headers, counts and amounts of absurd size, page furniture,
# quotes never closed, blank runs, long words.
HOSTILE = [
    "\n", "\n\n\n", "\f", "\t", "   ", "§ 1 ", "§ 9999 Titel\n", "§ 0\n", "§§ 3–5", "(S)", "(KD)\n",
    "Ordförande\n", "Justeras\n", "Sida 3(9)\n", "PROTOKOLL\n", "2024-02-30", "31 juni 2024",
    "Omröstning\n", "99999999999999999999999 ja-röster", "1" * 5000 + " nej", "9" * 400 + " mnkr",
    "-" + "9" * 30 + " mnkr", "ej § " + "7" * 40, "Reservation\n", "att ", "”", "«", "**", "\u00ad",
    "\ufffe", "\x00", "Region ", "Ram 2023 Ram 2024 Ram 2025\n", "Resultat " + "100 " * 36 + "\n",
    "-\n", "…" * 50, "A" * 3000, "Anna " + "B" + "x" * 3000 + " (S)", "Tjänstgörande ersättare\n",
    "Beslut\n", "Delges\n", "kl. 25.99–99.00", "Hälso- och sjukvårdsnämnden",
    # whole lines that once crashed or stalled the parser
    "\nÅrets resultat blev ett underskott på " + "9" * 400 + " mnkr 2024.\n",
    "\nOmröstning\n" + "1" * 5000 + " ja-röster\n",
    "\nLedamöter\nAnna Berg (S) ej § " + "1" * 5000 + "\n",
    "\nResultat i mnkr\n" + " ".join(str(y) for y in range(2013, 2025)) + "\nResultat " + "100 " * 36 + "\n",
]


@st.composite
def mutated_seed(draw) -> str:
    text_ = list(draw(st.sampled_from(sorted(SEEDS.values()))))
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(text_)))
        op = draw(st.sampled_from(["insert", "delete", "repeat", "random"]))
        if op == "insert":
            text_[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(1, 30))
        elif op == "delete":
            del text_[at : at + draw(st.integers(1, 2000))]
        elif op == "repeat":
            text_[at:at] = text_[at : at + draw(st.integers(1, 300))] * draw(st.integers(2, 50))
        else:
            text_[at:at] = draw(st.text(max_size=50))
    return "".join(text_)


@fuzz(100)
@given(mutated_seed(), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_mutated_seed_protocols_parse_or_fail_cleanly(text_: str, encoding: str) -> None:
    read_and_parse(text_.encode(encoding, errors="replace"), "muterad.txt")


@st.composite
def broken_pdf(draw) -> bytes:
    data = bytearray(seed_pdf(draw(st.sampled_from(sorted(SEEDS)))))
    cut = draw(st.integers(0, len(data)))
    op = draw(st.sampled_from(["truncate", "truncate-with-eof", "flip", "zero", "splice"]))
    if op == "truncate":
        return bytes(data[:cut])
    if op == "truncate-with-eof":  # past the %%EOF check, into pdfium with a body cut off
        return bytes(data[:cut]) + b"\n%%EOF\n"
    if op == "flip":
        for _ in range(draw(st.integers(1, 50))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
        return bytes(data)
    if op == "zero":
        end = min(len(data), cut + draw(st.integers(1, 5000)))
        data[cut:end] = bytes(end - cut)
        return bytes(data)
    other = seed_pdf(draw(st.sampled_from(sorted(SEEDS))))
    return bytes(data[:cut]) + other[draw(st.integers(0, len(other))) :]


@fuzz(100)
@given(broken_pdf())
def test_truncated_and_damaged_seed_pdfs_read_or_fail_cleanly(data: bytes) -> None:
    read_and_parse(data, "skadad.pdf")


def test_the_damage_is_not_all_caught_by_the_eof_check() -> None:
    """The PDF fuzz reaches pdfium and the parser: a damaged body that still opens."""
    data = bytearray(seed_pdf(HSN))
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(200)
    assert read_and_parse(bytes(data), "skadad.pdf") is not None


# --- size and time bounds --------------------------------------------------------------------

BOUND_READ_S = 10  # generous: a refusal takes milliseconds


def refused_in_time(read, name: str) -> str:
    started = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read()
    assert time.perf_counter() - started < BOUND_READ_S
    assert info.value.name == name
    return info.value.reason


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "arkiv.txt"
    with big.open("wb") as out:
        chunk = SEEDS[HSN].encode()
        while out.tell() < 50_000_000:
            out.write(chunk)
    reason = refused_in_time(lambda: read_document(big), "arkiv.txt")
    assert reason == f"filen är för stor (50 MB; högst {MAX_FILE_MB} MB läses in)"


def test_50_mb_of_random_bytes_are_refused() -> None:
    data = random.Random(6).randbytes(50_000_000)
    for name in ("slump.pdf", "slump.txt"):
        assert "för stor" in refused_in_time(lambda name=name: read_bytes(data, name), name)


def test_a_text_over_the_character_limit_is_refused() -> None:
    # 12 MB of printable text: under the file limit, over the text limit
    rng = random.Random(8)
    words = ["".join(rng.choices(string.ascii_lowercase + "åäö", k=rng.randint(2, 12))) for _ in range(5000)]
    data = " ".join(rng.choices(words, k=1_700_000)).encode()
    assert MAX_TEXT_CHARS < len(data) < MAX_FILE_MB * 1_000_000
    reason = refused_in_time(lambda: read_bytes(data, "lang.txt"), "lang.txt")
    assert reason.startswith("texten är för lång (") and "högst 5 miljoner tecken" in reason


def test_a_pdf_over_the_page_limit_is_refused() -> None:
    pdf = new_pdf()
    for n in range(MAX_PDF_PAGES + 1):
        pdf.add_page()
        if n == 0:
            pdf.cell(text="Nämnden beslutar")
    data = bytes(pdf.output())
    reason = refused_in_time(lambda: read_bytes(data, "tjock.pdf"), "tjock.pdf")
    assert reason == "PDF-filen har för många sidor (2 001; högst 2 000 läses in)"


def hundred_thousand_paragraphs() -> str:
    return "".join(f"§ {n} Titel\nBeslut\natt godkänna\n" for n in range(1, 100_001))


def test_a_hundred_thousand_paragraphs_parse_within_a_time_bound() -> None:
    """3.4 million characters: ~9 s on the 2-core test machine, linear; the bound is ~6 ×."""
    data = hundred_thousand_paragraphs().encode()
    started = time.perf_counter()
    doc = read_and_parse(data, "många.txt")
    assert time.perf_counter() - started < 60
    assert doc is not None and doc.kind == "protocol"
    # § numbers have at most four digits (a body numbers its § anew each year), so § 10000 and
    # up are text of § 9999
    assert [p.number for p in doc.paragraphs[:3]] == [1, 2, 3] and doc.paragraphs[-1].number == 9999
    assert doc.paragraphs[41].title == "Titel" and doc.paragraphs[41].decision == ["att godkänna"]


def test_a_hundred_thousand_longer_paragraphs_are_refused_quickly() -> None:
    data = "".join(f"§ {n} Titel {n}\nBeslut\natt godkänna ärende {n}\n\n" for n in range(1, 100_001)).encode()
    assert "texten är för lång" in refused_in_time(lambda: read_bytes(data, "många.txt"), "många.txt")


_P = "§ 1 Titel\nBeslut\n"
_YEARS = " ".join(str(y) for y in range(2013, 2025))
# Shapes that took the parser from 3 s to 90 s before this issue (the vote count and the table
# rows: hours or more) and now each take under 1 s: regexes that rescanned runs of blanks from
# each of their characters or cut a run of digits every way, lines copied at every join, a
# header repeated thousands of times, every grouping of a table row's numbers tried.
SLOW_ONCE = {
    "blank run in a line": "a" + " " * 20_000 + "b",
    "words between double blank lines": "a\n\n\n" * 80_000,
    "form feeds": "§ 1 Titel\n" + "\f" * 20_000 + "slut",
    "a word a page": "a\f" * 20_000,
    "furniture between words": "a\n7(25)\n" * 20_000,
    "capitals in the preamble": "Ledamöter\n" + "A" * 48_000,
    "tabs after a name": "Ledamöter\nAnna Berg Carl Dahl" + "\t" * 2_000 + "x\n§ 1 T\n",
    "a § header repeated": "§ 1\n\n" * 48_000,
    "blank lines in a §": _P + "A" + "\n\n" * 12_000 + "A",
    "amounts in one sentence": _P + "Resultat 3 mnkr 2024, " * 12_000,
    "initials": _P + "A.\n\n" * 12_000,
    "beslutar": _P + "beslutar " * 12_000,
    "blank lines after Reservation": _P + "Reservation" + "\n\n" * 16_000 + "Reservation",
    "a vote count and blanks": _P + "Omröstning\n3" + " " * 20_000 + "x\n",
    "a place and blanks": "Plats: Kommunhuset" + " " * 40_000 + "x\n§ 1 Titel\n",
    "a title and blanks": "§ 1 Titel" + " " * 40_000 + ",\n",
    "a dnr label and blanks": "§ 1 Titel\nDnr" + " " * 20_000 + "x\n",
    "a table row of 36 numbers": "Verksamhetsplan\nResultat i mnkr\n" + _YEARS + "\nResultat " + "100 " * 36,
    "a table row of 30 numbers and a word": "Verksamhetsplan\nResultat i mnkr\n" + _YEARS + "\nResultat "
    + "1 " * 30 + "x",
    "a long number under a table header": "Verksamhetsplan\nResultat i mnkr\n" + _YEARS + "\nResultat "
    + "9" * 40 + " mnkr",
}


@pytest.mark.parametrize("shape", sorted(SLOW_ONCE))
def test_hostile_shapes_parse_within_a_time_bound(shape: str) -> None:
    started = time.perf_counter()
    assert read_and_parse(SLOW_ONCE[shape].encode(), "form.txt") is not None
    assert time.perf_counter() - started < 10


# --- the store: whole or nothing -------------------------------------------------------------


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


def test_a_batch_with_oversized_and_encrypted_files_goes_on(sqlite_engine, tmp_path: Path) -> None:
    """What `python -m bot ingest` does: each refusal is a failure with its reason, the rest goes in."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-hsn.txt").write_text(SEEDS[HSN], encoding="utf-8")
    with (folder / "b-stor.pdf").open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(30_000_000)
    (folder / "c-hemlig.pdf").write_bytes(text_to_pdf(SEEDS["hsu-2024-08-28.txt"], user_password="x"))
    (folder / "d-vsu.txt").write_text(SEEDS["vsu-2022-05-04.txt"], encoding="utf-8")
    report = ingest_paths(sqlite_engine, [folder])
    assert report.new == 2
    assert report.failures == [
        ("b-stor.pdf", f"filen är för stor (30 MB; högst {MAX_FILE_MB} MB läses in)"),
        ("c-hemlig.pdf", "filen är krypterad (lösenordsskyddad PDF) och kan inte läsas"),
    ]


# Documents that each used to fail — in the parser (int() of 5,000 digits, float infinity) or
# only when stored (a count over 2**63, a name beyond PostgreSQL's index row size, a NUL) —
# and now store on both databases.
ONCE_FAILING = {
    "rostsiffra.txt": SEEDS[HSN] + "\n§ 200 Omröstning\nOmröstning\n" + "9" * 21 + " ja-röster 3 nej-röster\n",
    "jattetal.txt": SEEDS[HSN] + "\n§ 201 Bokslut\nBeslut\nÅrets resultat blev ett underskott på " + "9" * 400
    + " mnkr 2024.\nOmröstning\n" + "1" * 5000 + " ja\n",
    "namn.txt": SEEDS[HSN].replace(
        "Elina Backlund Arab (S)", "A" + "".join(random.Random(2).choices(string.ascii_lowercase, k=4000)) + " Berg (S)", 1
    ),
}


@pytest.mark.parametrize("name", sorted(ONCE_FAILING) + ["nul-utf16.txt"])
def test_documents_that_failed_to_store_now_store(engine, name: str) -> None:
    if name == "nul-utf16.txt":
        data = SEEDS[HSN].replace("beslutar", "besl\x00utar", 3).encode("utf-16")
    else:
        data = ONCE_FAILING[name].encode()
    outcome = ingest_bytes(engine, data, name)
    assert outcome.ok, outcome.failure
    assert counts(engine)["paragraphs"] == outcome.result.paragraphs > 10


@fuzz(25)
@given(mutated_seed())
def test_mutated_seed_protocols_are_stored_whole_or_not_at_all(engine, text_: str) -> None:
    before = counts(engine)
    outcome = ingest_bytes(engine, text_.encode(), "muterad.txt")
    if outcome.ok and outcome.result.status != "unchanged":
        with session(engine) as s:
            stored = s.get(Document, outcome.result.document_id)
            assert stored is not None and stored.paragraph_count == outcome.result.paragraphs
    else:
        assert counts(engine) == before, outcome.failure


REFUSED = "b-hsn.txt"


def refuse_figures_of(engine: Engine, source_name: str) -> None:
    """A rule in the database itself: no figure may belong to ``source_name``'s document.

    Fault injection, said plainly: after this issue's fixes no real document is known that
    parses but cannot be stored, so the test makes the database refuse one. Figures are written
    after the document, its meeting, people, cases, attendance, paragraphs, decisions,
    reservations, notes, motions and votes — a failure deep inside the transaction.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_figures BEFORE INSERT ON figures "
                f"WHEN (SELECT source_name FROM documents WHERE id = NEW.document_id) = '{source_name}' "
                "BEGIN SELECT RAISE(ABORT, 'figuren vägras'); END"
            ))
        else:
            conn.execute(text(
                "CREATE FUNCTION refuse_figures() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF (SELECT source_name FROM documents WHERE id = NEW.document_id) = '{source_name}' THEN "
                "RAISE EXCEPTION 'figuren vägras' USING ERRCODE = 'check_violation'; END IF; "
                "RETURN NEW; END $$"
            ))
            conn.execute(text(
                "CREATE TRIGGER refuse_figures BEFORE INSERT ON figures "
                "FOR EACH ROW EXECUTE FUNCTION refuse_figures()"
            ))


def allow_figures(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_figures"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS refuse_figures ON figures"))
            conn.execute(text("DROP FUNCTION IF EXISTS refuse_figures()"))


def test_a_document_failing_deep_in_its_transaction_leaves_nothing(engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = {"a-hsu.txt": "hsu-2024-08-28.txt", REFUSED: HSN, "c-vsu.txt": "vsu-2022-05-04.txt"}
    for name, seed in files.items():
        (folder / name).write_text(SEEDS[seed], encoding="utf-8")

    # what the store holds with the two other protocols alone (a store of its own)
    alone = make_engine(f"sqlite:///{tmp_path / 'utan-b.db'}")
    init_db(alone)
    assert ingest_paths(alone, [folder / "a-hsu.txt", folder / "c-vsu.txt"]).new == 2
    expected = counts(alone)
    alone.dispose()
    assert read_and_parse((folder / REFUSED).read_bytes(), REFUSED).figures  # it has some to refuse

    refuse_figures_of(engine, REFUSED)
    try:
        report = ingest_paths(engine, [folder])
    finally:
        allow_figures(engine)
    assert report.new == 2
    assert [name for name, _ in report.failures] == [REFUSED]
    assert report.failures[0][1].startswith("kunde inte sparas (IntegrityError")
    with session(engine) as s:
        assert s.scalars(select(Document.source_name).order_by(Document.source_name)).all() == [
            "a-hsu.txt", "c-vsu.txt"
        ]
    assert counts(engine) == expected, "nothing of the refused protocol, nothing missing of the others"

    # the same file goes in once the database allows it
    again = ingest_paths(engine, [folder])
    assert (again.new, again.unchanged, again.failures) == (1, 2, [])
