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

import ctypes
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

import charset_normalizer
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from knowledge.layout import BREAK, Glyph, PageGlyphs, lay_out

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
    # A PDF's running headers and footers, found by their place on the page and taken out of
    # ``pages`` (they state the body and the date); None for a text file, whose text still has them.
    furniture: list[str] | None = None

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
        pages, furniture = _pdf_pages(data, name)
        return RawDocument(name, _sha256(data), "pdf", pages, furniture)
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
_MARKER = re.compile(r"[\ufffe\x02](?P<gap>[^\S\n\f]*\n?[^\S\n\f]*)(?P<word>[^\s\ufffe\x02]*)(?P<space>[^\S\n\f]*)")
_CONJUNCTION_AFTER = re.compile(r"(?:och|eller|samt|respektive)\b")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _join_broken_word(text: str, start: int, end: int, vocabulary: _Vocabulary | None = None) -> str:
    """How a word broken at a line end goes on (funge¶rande → fungerande): "" (joined), "-"
    (a hyphen that belongs to the word) or "- " (a suspended compound). ``text[start]`` is the
    mark, ``text[end:]`` the rest of the word.

    The document's own words decide first: a word it writes elsewhere with its hyphen
    ("e-cigaretter", a Word document's real hyphen) keeps it, one it writes whole is joined.
    Otherwise both sides lower case is a typesetter's break, joined — unless a conjunction
    follows, which makes it a suspended compound ("Hälso¶och sjukvård" → "Hälso- och
    sjukvård"). Next to a capital or digit the hyphen is part of the text (AT-utvärderingen).
    """
    before, after = text[start - 1 : start], text[end : end + 1]
    if not (before.isalpha() and before.islower() and after.isalpha() and after.islower()):
        return "-"
    if _CONJUNCTION_AFTER.match(text, end):
        return "- "
    if vocabulary is not None:
        left = re.search(r"\w+$", text[max(0, start - 60):start])
        right = re.match(r"\w+", text[end:end + 60])
        said = vocabulary.says(left.group(), right.group()) if left and right else None
        if said is not None:
            return said
    return ""


def _rejoin(match: re.Match[str], vocabulary: _Vocabulary | None) -> str:
    """The mark, and the rest of the word after it: the word made whole on the first line, the
    line break kept after it (where no word follows, e.g. at the end of a page, the hyphen stays
    and the cleaner joins across the page break)."""
    word, gap = match.group("word"), match.group("gap")
    if not word:
        return "-" + gap + match.group("space")
    joiner = _join_broken_word(match.string, match.start(), match.start("word"), vocabulary)
    rest_of_line = match.string[match.end():match.end() + 1] not in ("", "\n", "\f")
    tail = "\n" if "\n" in gap and rest_of_line else match.group("space")
    return joiner + word + tail


def _pdf_text(page_text: str) -> str:
    """pdfium's text of a page: its line ends as "\n", its hyphen marks joined or kept."""
    text = page_text.replace("\r\n", "\n").replace("\r", "\n").replace(PAGE_BREAK, "\n")
    return join_marked_hyphens(text)


def join_marked_hyphens(text: str) -> str:
    """Every hyphen pdfium marked as ending a line, joined or kept (`_join_broken_word`), with the
    document's own words as evidence: "e-cigaretter" written whole elsewhere keeps its hyphen."""
    vocabulary = _Vocabulary(text) if ("\ufffe" in text or "\x02" in text) else None
    text = _MARKER.sub(lambda m: _rejoin(m, vocabulary), text)
    return unicodedata.normalize("NFC", _CONTROLS.sub("", text))


class _Vocabulary:
    """The words of a document (case-folded), built on first use."""

    def __init__(self, text: str) -> None:
        self.words = set(re.findall(r"\w+(?:-\w+)*", _MARKER.sub(" ", text).casefold()))

    def says(self, left: str, right: str) -> str | None:
        """"-" when the document writes the hyphenated word, "" when it writes it joined."""
        if f"{left}-{right}".casefold() in self.words:
            return "-"
        if f"{left}{right}".casefold() in self.words:
            return ""
        return None


def _pdf_pages(data: bytes, name: str) -> tuple[list[str], list[str]]:
    """(the laid-out text of every page, the running headers and footers taken out of it)."""
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
    glyph_pages: list[PageGlyphs] = []
    chars = 0
    try:
        if len(pdf) > MAX_PDF_PAGES:
            raise ReadError(name, f"PDF-filen har för många sidor ({_number(len(pdf))}; högst {_number(MAX_PDF_PAGES)} läses in)")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                glyph_pages.append(_page_glyphs(page))
            finally:
                page.close()
            chars += len(glyph_pages[-1].glyphs) + 1
            if chars > MAX_TEXT_CHARS:
                raise _too_long(name)
    except pdfium.PdfiumError:
        raise ReadError(name, f"sidan {len(glyph_pages) + 1} i PDF-filen är skadad och kan inte läsas") from None
    finally:
        pdf.close()
    laid = lay_out(glyph_pages)
    # hyphen marks are joined over the whole text: a word may be broken across a page
    joined = join_marked_hyphens(PAGE_BREAK.join(laid.pages))
    pages = joined.split(PAGE_BREAK)
    if not any(p.strip() for p in pages):
        raise ReadError(name, "PDF-filen innehåller ingen text (skannad?) – text i bilder kan inte läsas")
    return pages, laid.furniture


_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag


def _page_glyphs(page: pdfium.PdfPage) -> PageGlyphs:
    """Every character of a page with its box (y from the top) and whether its font is bold.

    The characters come from one bulk call; per character only its box is asked for, and its
    font only where a word starts (a font changes between words, not inside one): this is the
    hot path of reading a PDF.
    """
    width, height = page.get_size()
    textpage = page.get_textpage()
    glyphs: list[Glyph] = []
    try:
        raw = textpage.raw
        count = pdfium_c.FPDFText_CountChars(raw)
        text = textpage.get_text_range(0, count) if count > 0 else ""
        if len(text) != count:  # characters beyond the BMP: two UTF-16 units each, ask one by one
            text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
        box = pdfium_c.FS_RECTF()
        flags = ctypes.c_int()
        bold_of: dict[tuple[int, int, int], bool] = {}
        bold = False
        word_start = True
        get_box = pdfium_c.FPDFText_GetLooseCharBox
        for i, char in enumerate(text):
            if char in "\r\n":
                if glyphs and glyphs[-1] is not BREAK:
                    glyphs.append(BREAK)
                word_start = True
                continue
            hyphen = char in "\ufffe\x02"
            if hyphen:
                char = "-"
            elif char.isspace():
                glyphs.append(_SPACE)
                word_start = True
                continue
            elif char < " " or "\ud800" <= char <= "\udfff" or char == "\uffff":
                continue
            if not get_box(raw, i, box):
                continue
            if word_start:
                bold = _bold(raw, i, flags, bold_of)
                word_start = False
            glyphs.append(Glyph(char, box.left, box.right, height - box.top, height - box.bottom, bold, hyphen))
    finally:
        textpage.close()
    return PageGlyphs(width, height, glyphs)


def _bold(raw, index: int, flags: ctypes.c_int, seen: dict[tuple[int, int, int], bool]) -> bool:
    """Is the character's font bold: by its name ("Arial-BoldMT"), its descriptor's flag or its
    weight. Fonts are told apart by the length of their name, their flags and weight, so a name
    is read once per font."""
    length = pdfium_c.FPDFText_GetFontInfo(raw, index, None, 0, flags)
    weight = pdfium_c.FPDFText_GetFontWeight(raw, index)
    key = (length, flags.value, weight)
    if key not in seen:
        name = ctypes.create_string_buffer(max(length, 1))
        pdfium_c.FPDFText_GetFontInfo(raw, index, name, length, flags)
        font = name.raw[: max(0, length - 1)].decode("latin-1", "replace")
        seen[key] = bool(_BOLD_NAME.search(font)) or bool(flags.value & _FORCE_BOLD) or weight >= 600
    return seen[key]


_SPACE = Glyph(" ", 0.0, 0.0, 0.0, 0.0)
