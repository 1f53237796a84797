"""knowledge.read on real input: the bundled seed protocols, PDFs generated here, a real
published PDF, and the broken files a batch meets in practice."""

from __future__ import annotations

import difflib
import hashlib
import io
import random
import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from knowledge.read import (
    SUPPORTED_SUFFIXES,
    RawDocument,
    ReadError,
    _pdf_text,
    read_bytes,
    read_document,
)
from tests.knowledge.pdfgen import new_pdf, text_to_pdf

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "knowledge" / "samples").glob("*.txt"))
REAL_PDF = REPO / ".." / "shared" / "real-pdf" / "revision-verksamhetsfordon.pdf"

SNIPPET = "Hälso- och sjukvårdsnämnden beslutar att godkänna förslaget.\nÅtgärd – ”klart” före 31 maj."


def read_error(data: bytes, name: str) -> str:
    with pytest.raises(ReadError) as info:
        read_bytes(data, name)
    message = str(info.value)
    assert message.startswith(f"{name}: "), message
    assert info.value.name == name
    return message


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def squash(text: str) -> str:
    """Text up to layout: whitespace runs are one space, a hyphen takes no space after it."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def test_contract_names() -> None:
    assert frozenset({".pdf", ".txt", ".md"}) == SUPPORTED_SUFFIXES
    doc = RawDocument("a.pdf", "0" * 64, "pdf", ["sida 1", "sida 2"])
    assert doc.text == "sida 1\fsida 2"


# --- text files ------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_utf8_sample_reads_unchanged(sample: Path) -> None:
    data = sample.read_bytes()
    doc = read_bytes(data, sample.name)
    assert doc.kind == "text"
    assert doc.name == sample.name
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.pages == [unicodedata.normalize("NFC", data.decode("utf-8"))]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_single_byte_sample_decodes_with_swedish_letters(sample: Path, encoding: str) -> None:
    text = sample.read_text("utf-8")
    expected = "".join(c for c in text if c.encode(encoding, errors="ignore"))
    doc = read_bytes(expected.encode(encoding), sample.stem + ".txt")
    assert doc.pages == [expected]
    assert "å" in doc.text and "ä" in doc.text and "ö" in doc.text


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_short_single_byte_text_is_not_mistaken_for_central_european(encoding: str) -> None:
    # charset-normalizer alone ranks cp1250 first here and would give "sjukvĺrd", "Ĺtgärd".
    text = SNIPPET if encoding == "cp1252" else SNIPPET.replace("–", "-").replace("”", '"')
    assert read_bytes(text.encode(encoding), "kort.txt").text == text


def test_utf8_bom_is_stripped() -> None:
    assert read_bytes(b"\xef\xbb\xbf" + SNIPPET.encode(), "bom.md").text == SNIPPET


def test_utf16_with_bom_decodes() -> None:
    assert read_bytes(SNIPPET.encode("utf-16"), "windows.txt").text == SNIPPET


def test_line_ends_and_unicode_form_are_normalised() -> None:
    data = "Beslut\r\nsjukva\u030ard\rslut\n".encode()
    assert read_bytes(data, "a.txt").text == "Beslut\nsjukvård\nslut\n"


def test_text_mentioning_the_pdf_header_stays_text() -> None:
    data = "# Om filformat\nEn PDF börjar med %PDF-1.7 och slutar med %%EOF.\n".encode()
    assert read_bytes(data, "format.md").kind == "text"


def test_name_loses_its_directories() -> None:
    assert read_bytes(b"Beslut", "arkiv/2024/hsn.txt").name == "hsn.txt"


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "tom.txt"), (b"  \n\t\r\n ", "blank.md"), (b"\xef\xbb\xbf\n", "bara-bom.txt"), (b"", "tom.pdf")],
)
def test_empty_file_is_an_error(data: bytes, name: str) -> None:
    assert "filen är tom" in read_error(data, name)


def test_png_renamed_txt_is_binary() -> None:
    assert "binära data" in read_error(png_bytes(), "protokoll.txt")


def test_garbage_without_nul_bytes_is_binary() -> None:
    garbage = bytes(b for b in random.Random(7).randbytes(4000) if b)
    assert "binära data" in read_error(garbage, "skräp.md")


@pytest.mark.parametrize("name", ["protokoll.docx", "protokoll"])
def test_unsupported_suffix_is_an_error(name: str) -> None:
    message = read_error(b"Beslut att godkanna", name)
    assert "stöds inte" in message and ".pdf" in message


# --- PDF -------------------------------------------------------------------------------------


def test_generated_pdf_pages_come_back_one_by_one() -> None:
    doc = read_bytes(text_to_pdf("Sida ett: åäö ÅÄÖ\fSida två – §\fSida tre"), "tre.pdf")
    assert doc.kind == "pdf"
    assert [p.strip() for p in doc.pages] == ["Sida ett: åäö ÅÄÖ", "Sida två – §", "Sida tre"]
    assert doc.text.count("\f") == 2


def test_long_text_runs_over_pages_in_order() -> None:
    lines = [f"Rad {n}: nämnden beslutar att godkänna ärende {n}." for n in range(200)]
    doc = read_bytes(text_to_pdf("\n".join(lines)), "lång.pdf")
    assert len(doc.pages) > 1
    assert [line.strip() for line in doc.text.replace("\f", "\n").splitlines()] == lines


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_pdf_of_a_sample_reads_like_its_text(sample: Path) -> None:
    text = sample.read_text("utf-8")
    doc = read_bytes(text_to_pdf(text), sample.stem + ".pdf")
    assert len(doc.pages) > 1
    # Private-use symbols (a Wingdings bullet in one seed) have no glyph in the font, and a
    # hyphen between lower-case letters at a line end is a word break, joined on reading.
    expected = "".join(c for c in text if unicodedata.category(c) != "Co")
    expected = re.sub(r"(?<=[a-zåäö])-[ \t]*\n(?=[a-zåäö])(?!(?:och|eller|samt)\b)", "", expected)
    # Word for word, but what the layout found repeated at the edges of the pages (the seeds
    # carry their own running headers inline) is out of the text and in ``furniture``.
    want, got = squash(expected).split(), squash(doc.text).split()
    furniture = " ".join(squash(line) for line in doc.furniture or [])
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        assert tag in ("equal", "delete"), (tag, want[i1:i2])
        if tag == "delete":
            # page numbers and dotted signature lines are no text either
            assert all(re.fullmatch(r"\d{1,3}\(\d{1,3}\)|[.…_]{4,}", w) for w in want[i1:i2]) or (
                " ".join(want[i1:i2]) in furniture), want[i1:i2]


def test_words_broken_at_line_ends_are_joined() -> None:
    text = (
        "Verksamheten har funge-\nrande rutiner mot bak-\ngrund av riskbilden.\n"
        "Analysarbete inför AT-\nutvärderingen och 2021-\ntalet.\n"
        "Hälso-\noch sjukvårdsnämnden beslutar."
    )
    data = text_to_pdf(text)
    with pdfium.PdfDocument(data) as pdf:  # the test is only worth something if pdfium marks
        assert "\ufffe" in pdf[0].get_textpage().get_text_range()
    read = read_bytes(data, "avstavning.pdf").text
    assert "fungerande\n" in read  # the word is made whole on its first line, the line break kept
    got = re.sub(r"\s+", " ", read)
    assert "fungerande rutiner mot bakgrund av" in got
    assert "AT-utvärderingen" in got
    assert "2021-" in got and "talet" in got
    assert "Hälso- och sjukvårdsnämnden" in got
    assert "\ufffe" not in got and "\x02" not in got and "\r" not in got


@pytest.mark.parametrize(
    ("extracted", "expected"),
    [
        ("funge\ufffe\r\nrande", "fungerande"),
        ("funge\ufffe rande", "fungerande"),
        ("funge\x02\nrande", "fungerande"),
        ("Hälso\ufffeoch sjukvård", "Hälso- och sjukvård"),
        ("AT\ufffeutvärderingen", "AT-utvärderingen"),
        ("slutet av sidan ar\ufffe", "slutet av sidan ar-"),
        ("rad ett\r\nrad två\rtre\fsist", "rad ett\nrad två\ntre\nsist"),
    ],
)
def test_pdfium_markers_and_line_ends(extracted: str, expected: str) -> None:
    assert _pdf_text(extracted) == expected


def test_pdf_content_wins_over_a_wrong_suffix() -> None:
    assert read_bytes(text_to_pdf("Beslut"), "felnamn.txt").kind == "pdf"


def test_encrypted_pdf_is_an_error() -> None:
    message = read_error(text_to_pdf("Hemligt beslut", user_password="hemligt"), "hsn.pdf")
    assert "krypterad" in message and "lösenordsskyddad" in message


def test_pdf_with_only_an_owner_password_still_reads() -> None:
    pdf = new_pdf()
    pdf.set_encryption(owner_password="ägare")
    pdf.add_page()
    pdf.cell(text="Nämnden beslutar")
    assert read_bytes(bytes(pdf.output()), "skyddad.pdf").text.strip() == "Nämnden beslutar"


def test_scanned_pdf_without_text_is_an_error() -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.image(io.BytesIO(png_bytes()), x=20, y=20, w=100)
    assert "ingen text (skannad?)" in read_error(bytes(pdf.output()), "skannad.pdf")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9, 0.999])
def test_truncated_pdf_is_an_error(keep: float) -> None:
    data = text_to_pdf("\n".join(f"§ {n} Beslut om ärende {n}" for n in range(150)))
    message = read_error(data[: int(len(data) * keep)], "avkortad.pdf")
    assert "avkortad" in message


def test_corrupt_pdf_body_is_an_error() -> None:
    garbage = b"%PDF-1.7\n" + random.Random(3).randbytes(5000) + b"\n%%EOF\n"
    assert "skadad" in read_error(garbage, "trasig.pdf")


def test_random_bytes_named_pdf_is_an_error() -> None:
    message = read_error(random.Random(11).randbytes(3000), "slump.pdf")
    assert "ingen giltig PDF" in message


# --- a real published PDF --------------------------------------------------------------------

needs_real_pdf = pytest.mark.skipif(
    not REAL_PDF.is_file(), reason=f"real PDF not found at {REAL_PDF} (shared/ beside the repo)"
)


@needs_real_pdf
def test_real_pdf_reads_with_broken_words_joined() -> None:
    doc = read_document(REAL_PDF)
    assert doc.name == "revision-verksamhetsfordon.pdf" and doc.kind == "pdf"
    assert len(doc.pages) == 5
    text = re.sub(r"[ \t\n]+", " ", doc.text)  # line breaks stay where the page has them
    for phrase in (
        "har fungerande rutiner",  # "funge\ufffe rande" in pdfium's output
        "mot bakgrund av den riskbild",
        "socialnämnd Sydväst",
        "oegentligheter",
        "personuppgiftsbehandlingen",
        "park- och naturnämnden",
        "Användning av verksamhetsfordon",
    ):
        assert phrase in text, phrase
    assert "\ufffe" not in text and "\x02" not in text and "\r" not in text


@needs_real_pdf
@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_real_pdf_truncated_is_an_error(cut: float) -> None:
    # Cut inside the last update: pdfium alone would open the 0.999 cut without complaint.
    data = REAL_PDF.read_bytes()
    assert "avkortad" in read_error(data[: int(len(data) * cut)], "hsn.pdf")


# --- the file-system edge --------------------------------------------------------------------


def test_read_document_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "protokoll.md"
    path.write_bytes(SNIPPET.encode("cp1252"))
    assert read_document(path) == read_bytes(path.read_bytes(), "protokoll.md")


def test_read_document_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^saknas\.pdf: filen finns inte"):
        read_document(tmp_path / "saknas.pdf")
    (tmp_path / "mapp.txt").mkdir()
    with pytest.raises(ReadError, match=r"^mapp\.txt: .*mapp"):
        read_document(tmp_path / "mapp.txt")
