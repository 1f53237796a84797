"""Bytes → text, per file type: the first step of every ingest.

`read_bytes` is pure (bytes in, `RawDocument` or `ReadError` out); `read_document` is the
file-system edge. Every failure is a `ReadError` whose message names the file and says, in
Swedish, why it cannot be read — a batch reports it and goes on with the next file.

Limits (hostile or mistaken input must fail fast, never stall the bot or the ingest batch):

- `MAX_FILE_MB`: a file over 20 MB is refused before it is read. A protocol PDF is well below
  (a 500-page PDF of dense text is ~1 MB), and 20 MB is also all a bot may download from
  Telegram (``INGEST_MAX_MB``).
- `MAX_PDF_PAGES`: a PDF of over 2,000 pages is refused before its text is extracted.
- `MAX_TEXT_CHARS`: over 5 million characters of text (PDF or text file, as extracted) are
  refused. The seed protocols have 20,000–50,000; a large plan a few hundred thousand. Parsing is
  linear, 0.4–1 million characters a second, so the limit bounds a parse to ~15 s.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

import charset_normalizer
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".pdf", ".txt", ".md"})

PAGE_BREAK = "\f"

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000  # decimal MB, as INGEST_MAX_MB and the chat replies
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 5_000_000


class ReadError(Exception):
    """A file that cannot be read; `str(exc)` is "<file>: <reason in Swedish>"."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class RawDocument:
    name: str
    sha256: str
    kind: Literal["pdf", "text"]
    pages: list[str]

    @property
    def text(self) -> str:
        """Pages joined with a form feed, so the cleaner can see where pages broke."""
        return PAGE_BREAK.join(self.pages)


def read_document(path: Path) -> RawDocument:
    try:
        if path.is_file():  # the size first: a file over the limit is never loaded
            _check_size(path.stat().st_size, path.name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(path.name, "filen finns inte") from None
    except IsADirectoryError:
        raise ReadError(path.name, "är en mapp, inte en fil") from None
    except PermissionError:
        raise ReadError(path.name, "behörighet saknas för att läsa filen") from None
    except OSError as exc:
        raise ReadError(path.name, f"filen kunde inte läsas ({exc.strerror or exc})") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> RawDocument:
    """The type comes from the content first (a PDF is a PDF whatever its name), then the suffix."""
    name = PurePath(name).name
    suffix = PurePath(name).suffix.lower()
    _check_size(len(data), name)
    if not data.strip():
        raise ReadError(name, "filen är tom")
    # PDF readers accept the header anywhere in the first 1 KiB; a text file merely mentioning
    # "%PDF-" is not taken for a PDF unless it is named .pdf.
    if data.lstrip().startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return RawDocument(name, _sha256(data), "pdf", _pdf_pages(data, name))
    if suffix == ".pdf":
        raise ReadError(name, "filen är ingen giltig PDF (PDF-huvudet saknas; skadad eller fel filtyp)")
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "utan filändelse"
        raise ReadError(name, f"filtypen {shown} stöds inte (använd .pdf, .txt eller .md)")
    return RawDocument(name, _sha256(data), "text", [_decode_text(data, name)])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _number(n: float) -> str:
    """Swedish digits: "52,4", "25 000"."""
    return (f"{n:,.1f}" if n % 1 else f"{n:,.0f}").replace(",", " ").replace(".", ",")


def _check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ReadError(
            name, f"filen är för stor ({_number(round(size / 1_000_000, 1))} MB; högst {MAX_FILE_MB} MB läses in)"
        )


def _too_long(name: str, chars: int | None = None) -> ReadError:
    """``chars`` None: extraction stopped at the limit, the whole length is not known."""
    limit = f"{MAX_TEXT_CHARS // 1_000_000} miljoner"
    shown = f"{_number(round(chars / 1_000_000, 1))} miljoner" if chars else f"över {limit}"
    return ReadError(name, f"texten är för lång ({shown} tecken; högst {limit} tecken läses in)")


# --- text files -----------------------------------------------------------------------------

# Control characters other than tab, line and page breaks; above 1 % of the characters the
# decoded bytes are taken for binary data rather than text.
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01


def _decode_text(data: bytes, name: str) -> str:
    text = _decode(data, name)
    if len(_BINARY_CONTROLS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise ReadError(name, "filen innehåller binära data och är ingen textfil")
    # A few NULs pass the check in UTF-16 text; PostgreSQL can store no NUL in a text column, so
    # left in they made the file fail only when stored, and only there.
    text = text.replace("\x00", "")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ReadError(name, "filen är tom")
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long(name, len(text))
    return text


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else a detected single-byte encoding.

    charset-normalizer judges whether the bytes are text at all, but its ranking among
    single-byte code pages is a guess: short Swedish text in cp1252 often ranks cp1250 first
    and comes out as "sjukvĺrd". So whenever cp1252/latin-1 is among the encodings that fit,
    use cp1252 — the Swedish Windows default, identical to latin-1 for every letter in å ä ö.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(name, "filen är skadad (ogiltig UTF-16-text)") from None
    if b"\x00" in data:
        raise ReadError(name, "filen innehåller binära data och är ingen textfil")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    if any({"cp1252", "latin_1"} & set(m.could_be_from_charset) for m in matches):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
            return data.decode("latin-1")
    best = matches.best()
    if best is None:
        raise ReadError(name, "filen innehåller binära data eller okänd teckenkodning och är ingen textfil")
    return str(best)


# --- PDF -------------------------------------------------------------------------------------

# pdfium replaces a hyphen at a line end that it takes for a word break by U+FFFE (older
# builds: U+0002), sometimes still followed by the line break.
_MARKER = re.compile(r"[\ufffe\x02][^\S\n]*\n?[^\S\n]*")
_CONJUNCTION_AFTER = re.compile(r"(?:och|eller|samt|respektive)\b")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _join_broken_word(match: re.Match[str]) -> str:
    """Join a word broken at a line end (funge¶rande → fungerande) when that is surely right.

    Both sides lower case: a typesetter's break, joined — unless a conjunction follows, which
    makes it a suspended compound ("Hälso¶och sjukvård" → "Hälso- och sjukvård"). Next to a
    capital or digit the hyphen is part of the text (AT-utvärderingen) and is kept, as it is
    where no word follows (end of a page: the cleaner joins across the page break).
    """
    text, start, end = match.string, match.start(), match.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if not (before.isalpha() and before.islower() and after.isalpha() and after.islower()):
        return "-" if after.isalnum() else "-" + match.group()[1:]
    if _CONJUNCTION_AFTER.match(text, end):
        return "- "
    return ""


def _pdf_text(page_text: str) -> str:
    text = page_text.replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, "\n")
    text = _MARKER.sub(_join_broken_word, text)
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


def _pdf_pages(data: bytes, name: str) -> list[str]:
    # Adobe's rule: %%EOF must lie within the last 1 KiB. Without it the file was cut off, and
    # pdfium may still open what is left — a protocol missing its end must not pass for whole.
    if b"%%EOF" not in data[-1024:]:
        raise ReadError(name, "PDF-filen är avkortad eller skadad (slutmarkeringen %%EOF saknas)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ReadError(name, "filen är krypterad (lösenordsskyddad PDF) och kan inte läsas") from None
        raise ReadError(name, "PDF-filen är skadad och kan inte öppnas") from None
    pages: list[str] = []
    chars = 0
    try:
        if len(pdf) > MAX_PDF_PAGES:
            raise ReadError(name, f"PDF-filen har för många sidor ({_number(len(pdf))}; högst {_number(MAX_PDF_PAGES)} läses in)")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                pages.append(_pdf_text(textpage.get_text_range()))
                textpage.close()
            finally:
                page.close()
            chars += len(pages[-1]) + 1
            if chars > MAX_TEXT_CHARS:
                raise _too_long(name)
    except pdfium.PdfiumError:
        raise ReadError(name, f"sidan {len(pages) + 1} i PDF-filen är skadad och kan inte läsas") from None
    finally:
        pdf.close()
    if not any(p.strip() for p in pages):
        raise ReadError(name, "PDF-filen innehåller ingen text (skannad?) – text i bilder kan inte läsas")
    return pages
