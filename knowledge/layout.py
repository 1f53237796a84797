"""PDF pages → text that keeps what the page shows: the layout step of reading a PDF.

pdfium gives every character with its box and font. From those this module finds, by position
and typography rather than by words:

- rows and cells: characters on one baseline, cut into cells where a gap is wider than a
  column gap (a cover's label column and value column, a table's columns);
- running headers, footers and page numbers: cells in the top or bottom band of a page whose
  text repeats on many pages (or is a page number). They are taken out of the text and handed
  on as `furniture`, since they state the body and the meeting date;
- paragraphs: a vertical gap clearly wider than the line spacing is a blank line;
- headings: a short row set wholly in bold, or larger than the body text. A heading wrapped
  over rows is one heading;
- forms: a column of bold labels with values beside them (a cover page's "Beslutande",
  "Ordförande") becomes "Label: value", each value row below under the label it stands beside;
- tables of marks: a header row of columns and rows with marks (X) under them (a
  Voteringslista) becomes a Markdown table, each mark in its column.

The result is text in conventions the parser reads from any file: Markdown "## " headings,
"Label: value" lines, "| a | b |" tables and a tab between cells. A .txt or .md file and a PDF
go through the same rules; a PDF only says more. Pure functions over `PageGlyphs`, so they are
tested with glyphs made in the test as well as with real PDFs (`knowledge.read` extracts them).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

__all__ = ["Glyph", "PageGlyphs", "LaidOut", "lay_out", "HEADING_MARK", "SOFT_HYPHEN"]

#: What a heading line starts with in laid-out text (Markdown's level-2 heading).
HEADING_MARK = "## "
#: pdfium's mark for a hyphen at a line end; `knowledge.read` joins or keeps it by the document's words.
SOFT_HYPHEN = "\ufffe"

# A gap between two characters on one baseline wider than this many glyph heights separates
# cells. Word spaces are a third of a height, a justified line's at most about one.
_COLUMN_GAP = 1.3
# Bands where running headers and footers stand (fractions of the page height).
_TOP_BAND = 0.16
_BOTTOM_BAND = 0.88
_PAGE_NUMBER = re.compile(r"(?:sida\s*)?\d{1,4}(?:\s*(?:\(\s*\d{1,4}\s*\)|av\s+\d{1,4}|/\s*\d{1,4}))?", re.I)
# page references inside a repeated header ("Protokoll 3 (12)") are the only numbers that vary
_PAGE_REF = re.compile(r"\b(?:sida\s*)?\d{1,4}\s*(?:\(\s*\d{1,4}\s*\)|av\s+\d{1,4}|/\s*\d{1,4})|\bsida\s*\d{1,4}\b", re.I)
_LIST_MARKER = re.compile(r"(?:[•●▪◦·\-–o*]|\(?\d{1,2}[.)]|[a-zA-Z][.)])")
_MARK = re.compile(r"[Xx×✓✔✗✘]")
_LEADER = re.compile(r"\s*(?:[.…_]\s*){4,}$")


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as the page places it; y grows downwards from the top of the page."""

    char: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool = False
    hyphen: bool = False  # pdfium's judgement: a hyphen that ends a line


#: A line break pdfium put into its text order (its generated "\r\n").
BREAK = Glyph("\n", 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class PageGlyphs:
    width: float
    height: float
    glyphs: list[Glyph]


@dataclass(slots=True)
class _Cell:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool
    hyphen_end: bool  # the last character is a hyphen pdfium marked as ending a line

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Row:
    cells: list[_Cell]
    mid: float

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)

    @property
    def height(self) -> float:
        return max(c.height for c in self.cells)

    @property
    def x0(self) -> float:
        return self.cells[0].x0

    @property
    def x1(self) -> float:
        return self.cells[-1].x1

    @property
    def bold(self) -> bool:
        return all(c.bold for c in self.cells)

    def text(self, sep: str = "\t") -> str:
        return sep.join(_cell_text(c) for c in self.cells)


def _cell_text(cell: _Cell) -> str:
    return cell.text[:-1] + SOFT_HYPHEN if cell.hyphen_end and cell.text.endswith("-") else cell.text


@dataclass(frozen=True)
class LaidOut:
    """The document's text page by page, and the running headers and footers taken out of it."""

    pages: list[str]
    furniture: list[str] = field(default_factory=list)


# --- characters → cells → rows -----------------------------------------------------------------


def _cells(glyphs: list[Glyph]) -> list[_Cell]:
    cells: list[_Cell] = []
    chars: list[str] = []
    boxes: list[Glyph] = []
    space = False

    def flush() -> None:
        nonlocal space
        if boxes:
            heights = sorted(g.bottom - g.top for g in boxes)
            tall = heights[len(heights) // 2]  # the median glyph: one tall symbol does not stretch the cell
            mids = sorted((g.top + g.bottom) / 2 for g in boxes)
            mid = mids[len(mids) // 2]
            cells.append(_Cell(
                text="".join(chars).strip(),
                x0=min(g.x0 for g in boxes), x1=max(g.x1 for g in boxes),
                top=mid - tall / 2, bottom=mid + tall / 2,
                bold=sum(g.bold for g in boxes) * 2 > len(boxes),
                hyphen_end=boxes[-1].hyphen,
            ))
        chars.clear()
        boxes.clear()
        space = False

    for g in glyphs:
        if g.char == "\n":
            flush()
            continue
        if g.char.isspace():
            space = bool(boxes)
            continue
        if boxes:
            last = boxes[-1]
            h = max(last.bottom - last.top, g.bottom - g.top, 1.0)
            off_line = abs((g.top + g.bottom) - (last.top + last.bottom)) / 2 > 0.5 * h
            gap = g.x0 - last.x1
            if off_line or gap > _COLUMN_GAP * h or g.x0 < last.x0 - 0.5 * h:
                flush()
            elif gap > 0.25 * h:
                space = True  # a gap as wide as a space, where the PDF set no space character
        if space and boxes:
            chars.append(" ")
        space = False
        chars.append(g.char)
        boxes.append(g)
    flush()
    # a dotted or ruled signature line ("Ordförande ........") is no text
    return [c for c in cells if c.text and not _LEADER.fullmatch(" " + c.text)]


def _rows(cells: list[_Cell]) -> list[_Row]:
    """Cells on one baseline form a row; rows from the top of the page down, cells left to right."""
    rows: list[_Row] = []
    for cell in sorted(cells, key=lambda c: c.mid):
        for row in reversed(rows[-4:]):
            if abs(cell.mid - row.mid) <= 0.4 * max(cell.height, row.cells[0].height):
                row.cells.append(cell)
                break
        else:
            rows.append(_Row([cell], cell.mid))
    for row in rows:
        row.cells.sort(key=lambda c: c.x0)
        merged: list[_Cell] = []
        for cell in row.cells:
            prev = merged[-1] if merged else None
            if prev is not None and (
                cell.x0 - prev.x1 <= _COLUMN_GAP * max(prev.height, cell.height)
                or (_LIST_MARKER.fullmatch(prev.text) and len(merged) == 1 and not _MARK.fullmatch(prev.text))
            ):
                merged[-1] = _Cell(f"{_cell_text(prev)} {cell.text}".replace(f"{SOFT_HYPHEN} ", SOFT_HYPHEN),
                                   prev.x0, cell.x1, min(prev.top, cell.top), max(prev.bottom, cell.bottom),
                                   prev.bold and cell.bold, cell.hyphen_end)
            else:
                merged.append(cell)
        row.cells = merged
    return _centred_labels(rows)


def _centred_labels(rows: list[_Row]) -> list[_Row]:
    """A cell set beside a text of two rows, centred between them ("§ 70" left of a contents
    title wrapped over two lines), belongs to the first of them."""
    out: list[_Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if (out and i + 1 < len(rows) and len(row.cells) == 1
                and out[-1].x0 > row.x1 and rows[i + 1].x0 > row.x1
                and rows[i + 1].top - out[-1].bottom < 1.2 * row.height
                and out[-1].mid < row.mid < rows[i + 1].mid):
            out[-1].cells.insert(0, row.cells[0])
            i += 1
            continue
        out.append(row)
        i += 1
    return out


# --- the document's furniture -----------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", _PAGE_REF.sub("#", text)).strip().casefold()


def _in_band(cell: _Cell, height: float) -> bool:
    return cell.bottom <= _TOP_BAND * height or cell.top >= _BOTTOM_BAND * height


def _furniture(pages: list[tuple[PageGlyphs, list[_Row]]]) -> set[tuple[int, int, int]]:
    """(page, row, cell) of every running header, footer and page number.

    A header or footer repeats on many pages (on 40 % of them, numbers of pages aside) in a band
    at the top or bottom of the page; printed from a flow of text, a footer may instead stand
    right under the page's last line, so a page's last row repeated as often is one too. A page
    number stands alone in a band. A bare number elsewhere is data, never furniture.
    """
    band: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for page, rows in pages:
        band.update({_key(c.text) for row in rows for c in row.cells if _in_band(c, page.height)})
        last.update({_key(c.text) for c in rows[-1].cells} if rows else set())
    need_band = need_last = max(2, math.ceil(0.4 * len(pages)))
    out: set[tuple[int, int, int]] = set()
    for p, (page, rows) in enumerate(pages):
        for r, row in enumerate(rows):
            for k, cell in enumerate(row.cells):
                if cell.text.startswith("§"):
                    continue
                in_band = _in_band(cell, page.height)
                if _PAGE_NUMBER.fullmatch(cell.text):
                    if in_band:
                        out.add((p, r, k))
                    continue
                key = _key(cell.text)
                if len(pages) > 1 and ((in_band and band[key] >= need_band)
                                       or (r == len(rows) - 1 and last[key] >= need_last)):
                    out.add((p, r, k))
    return out


# --- forms, tables of marks, headings ------------------------------------------------------------


@dataclass
class _Label:
    parts: list[str]
    values: list[str]
    extra: list[str]
    last_row: int


def _form(rows: list[_Row], start: int, margin: float) -> tuple[list[str], int] | None:
    """A run of label/value rows starting at ``rows[start]`` ("Beslutande  Anna Ek (S)" …), as
    "Label: value" lines and the index after the run; None when no form starts there."""

    def label_cell(row: _Row) -> bool:
        first = row.cells[0]
        return (first.bold and abs(first.x0 - margin) <= 6 and len(_LEADER.sub("", first.text)) <= 40
                and not first.text.startswith("§"))

    first = rows[start]
    if not label_cell(first):
        return None
    # the value column: the first non-bold cell right of a label, on this row or the next
    value_x = None
    for row in rows[start:start + 2]:
        rest = [c for c in row.cells[1:] if not c.bold] if row is first else [c for c in row.cells if not c.bold]
        if rest and rest[0].x0 > first.cells[0].x1 + 4:
            value_x = rest[0].x0
            break
    if value_x is None:
        return None
    labels: list[_Label] = []
    i = start
    while i < len(rows):
        row = rows[i]
        prev = rows[i - 1] if i > start else None
        if label_cell(row) and row.cells[0].x1 < value_x - 2:
            cells = row.cells[1:]
            # a label wrapped over rows goes on in lower case ("Ej tjänstgörande" / "ersättare")
            wrapped = (labels and labels[-1].last_row == i - 1 and prev is not None
                       and row.top - prev.bottom <= 0.6 * row.height and row.cells[0].text[:1].islower())
            if wrapped:
                labels[-1].parts.append(row.cells[0].text)
                labels[-1].last_row = i
            else:
                labels.append(_Label([row.cells[0].text], [], [], i))
        elif labels and abs(row.x0 - value_x) <= 10 and not row.bold:
            cells = row.cells
        else:
            break
        values: list[str] = []
        for k, cell in enumerate(cells):
            nxt = cells[k + 1] if k + 1 < len(cells) else None
            if cell.bold and nxt is not None and not nxt.bold and k > 0:  # a second pair on the row
                labels[-1].extra.append(f"{_label_text([cell.text])}: {nxt.text}")
                break
            values.append(cell.text)
        if values:
            labels[-1].values.append("\t".join(values))
        i += 1
    if sum(bool(label.values) for label in labels) < 2:  # a form pairs labels with values, again and again
        return None
    lines: list[str] = []
    for label in labels:
        name = _label_text(label.parts)
        lines.append(f"{name}: {label.values[0]}" if label.values else f"{name}:")
        lines.extend(label.values[1:])
        lines.extend(label.extra)
    return lines, i


def _label_text(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", _LEADER.sub("", " ".join(parts))).strip().rstrip(":").strip()


def _mark_table(rows: list[_Row], start: int) -> tuple[list[str], int] | None:
    """A header row of short cells and rows with marks under them, as a Markdown table."""
    header = rows[start]
    if len(header.cells) < 3 or any(len(c.text) > 30 for c in header.cells):
        return None
    centres = [(c.x0 + c.x1) / 2 for c in header.cells]
    bounds = [(centres[k] + centres[k + 1]) / 2 for k in range(len(centres) - 1)]

    def column(cell: _Cell) -> int:
        mid = (cell.x0 + cell.x1) / 2
        return sum(1 for b in bounds if mid > b)

    body: list[list[str]] = []
    marked = 0
    i = start + 1
    while i < len(rows):
        row = rows[i]
        if row.top - rows[i - 1].bottom > 1.5 * row.height or len(row.cells) > len(header.cells):
            break
        cols = [column(c) for c in row.cells]
        if len(row.cells) < 2 or cols[0] != 0 or len(set(cols)) != len(cols):
            break
        # a row of the table: short cells, a mark among them ("Bo Ek | M | X"), or a sum row of numbers
        tail = [c.text for c in row.cells[1:]]
        has_mark = any(_MARK.fullmatch(t) for t in tail)
        if any(len(t) > 30 for t in tail) or not (has_mark or all(re.fullmatch(r"\d{1,4}", t) for t in tail)):
            break
        marked += has_mark
        cells = [""] * len(header.cells)
        for col, cell in zip(cols, row.cells, strict=True):
            cells[col] = cell.text
        body.append(cells)
        i += 1
    if marked < 2:
        return None
    lines = ["| " + " | ".join(c.text for c in header.cells) + " |",
             "|" + "---|" * len(header.cells)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines, i


# --- the whole document -----------------------------------------------------------------------


def _body_height(pages: list[tuple[PageGlyphs, list[_Row]]]) -> float:
    weights: Counter[float] = Counter()
    for _, rows in pages:
        for row in rows:
            for cell in row.cells:
                weights[round(cell.height, 1)] += len(cell.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _line_gap(pages: list[tuple[PageGlyphs, list[_Row]]], body: float) -> float:
    """The usual space between two rows of body text (the leading)."""
    gaps = [b.top - a.bottom for _, rows in pages for a, b in zip(rows, rows[1:], strict=False)
            if abs(a.height - body) < 0.2 * body and abs(b.height - body) < 0.2 * body and b.top > a.bottom - 1]
    return median(gaps) if gaps else 0.2 * body


def _render_page(rows: list[_Row], body: float, leading: float) -> list[str]:
    out: list[str] = []
    if not rows:
        return out
    margin = min(r.x0 for r in rows)
    right = max(r.x1 for r in rows)
    i = 0
    prev: _Row | None = None
    while i < len(rows):
        row = rows[i]
        if prev is not None and row.top - prev.bottom > leading + 0.45 * body and out and out[-1] != "":
            out.append("")
        form = _form(rows, i, margin)
        if form:
            out.extend(form[0])
            prev, i = rows[form[1] - 1], form[1]
            continue
        table = _mark_table(rows, i)
        if table:
            if out and out[-1] != "":
                out.append("")
            out.extend(table[0])
            out.append("")
            prev, i = rows[table[1] - 1], table[1]
            continue
        if _heading(row, body):
            parts = [row.text(" ")]
            j = i + 1
            while (j < len(rows) and len(parts) < 4 and rows[j].bold == row.bold and len(rows[j].text()) <= 160
                   and not rows[j].text().endswith((".", ";", ","))
                   and abs(rows[j].height - rows[j - 1].height) < 0.15 * body
                   and rows[j].top - rows[j - 1].bottom <= leading + 0.3 * body
                   and rows[j - 1].x1 >= margin + 0.6 * (right - margin)):
                parts.append(rows[j].text(" "))
                j += 1
            out.append(HEADING_MARK + _join_wrapped(parts))
            prev, i = rows[j - 1], j
            continue
        out.append(row.text())
        prev, i = row, i + 1
    return out


def _heading(row: _Row, body: float) -> bool:
    text = row.text(" ")
    if len(text) > 160 or not re.search(r"[A-Za-zÅÄÖåäö]{2}", text) or text.startswith("§"):
        return False
    larger = all(c.height >= 1.2 * body for c in row.cells)
    return (row.bold or larger) and not re.search(r"[.;]$", text)


def _join_wrapped(parts: list[str]) -> str:
    """Rows of one heading as one line; a hyphen mark at a row's end stays for
    `knowledge.read.join_marked_hyphens`, which judges it by the document's own words."""
    out = parts[0]
    for part in parts[1:]:
        out = out + part if out.endswith(SOFT_HYPHEN) else f"{out} {part}"
    return re.sub(r"\s+", " ", out).strip()


def lay_out(pages: list[PageGlyphs]) -> LaidOut:
    """The text of every page, laid out as the module docstring says, and the furniture: each
    running header and footer once, in the order first met, page numbers left out."""
    laid = [(page, _rows(_cells(page.glyphs))) for page in pages]
    furniture = _furniture(laid)
    body = _body_height(laid)
    kept: list[list[_Row]] = []
    header_lines: dict[str, str] = {}  # key → the first text of each header or footer, in order
    for p, (_, rows) in enumerate(laid):
        page_rows: list[_Row] = []
        for r, row in enumerate(rows):
            cells = [c for k, c in enumerate(row.cells) if (p, r, k) not in furniture]
            for k, c in enumerate(row.cells):
                if (p, r, k) in furniture and not _PAGE_NUMBER.fullmatch(c.text):
                    header_lines.setdefault(_key(c.text), c.text)
            if cells:
                page_rows.append(_Row(cells, row.mid))
        kept.append(page_rows)
    leading = _line_gap([(page, rows) for (page, _), rows in zip(laid, kept, strict=True)], body)
    texts = ["\n".join(_render_page(rows, body, leading)) for rows in kept]
    return LaidOut(pages=texts, furniture=list(header_lines.values()))
