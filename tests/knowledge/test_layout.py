"""The layout step on pages built glyph by glyph: the shapes of real protocol pages (Alingsås
kommun's template and its kin), with positions and fonts set as the real PDFs set them."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.layout import BREAK, HEADING_MARK, Glyph, PageGlyphs, lay_out
from knowledge.read import join_marked_hyphens

A4 = (595.0, 842.0)


def run(text: str, x: float, top: float, size: float = 10.0, bold: bool = False) -> list[Glyph]:
    """``text`` set on one baseline from ``x``: each character 0.55 of the size wide, as Arial."""
    out = []
    for ch in text:
        width = 0.55 * size
        out.append(Glyph(ch, x, x + width, top, top + 1.15 * size, bold))
        x += width
    return out


def page(*runs: list[Glyph]) -> PageGlyphs:
    glyphs: list[Glyph] = []
    for r in runs:
        glyphs += r + [BREAK]
    return PageGlyphs(*A4, glyphs)


def header(n: int) -> list[list[Glyph]]:
    """Alingsås's running header, top right, and the page number above it; a footer at the bottom."""
    return [run(str(n), 530, 21), run("Kommunstyrelsen", 389, 38, 12, True), run("Protokoll", 389, 52, 12, True),
            run("2026-06-15", 388, 78, 12), run("Utdragsbestyrkande", 438, 777, 7)]


def body_page(n: int, *rows: list[Glyph]) -> PageGlyphs:
    return page(*header(n), *rows)


COVER = body_page(
    1,
    run("Plats och tid", 72, 146, 9, True) + run("Rådslaget, Rådhuset", 185, 146) + run("Paragrafer", 380, 146, 9, True)
    + run("§§111-114", 450, 146),
    run("kl. 14:00-16:08", 185, 158),
    run("Beslutande", 72, 180, 9, True) + run("Jan-Erik Wallin (M) (ordförande)", 185, 180),
    run("Anton César (S) (vice ordförande)", 185, 192),
    run("Irene Jonsson (S) ersätter Janine Alm Ericson (MP)", 185, 204),
    run("Ej tjänstgörande", 72, 226, 9, True) + run("Oscar Allard (S)", 185, 226),
    run("ersättare", 72, 238, 9, True) + run("Lena Eriksson (S)", 185, 238),
    run("Sekreterare", 72, 630, 9, True) + run("....................", 150, 630, 9, True),
    run("Ulrika Månsson", 183, 644),
    run("Ordförande", 72, 666, 9, True),
    run("Jan-Erik Wallin (M)", 183, 680),
    run("Justerande", 72, 703, 9, True),
    run("Anton César", 183, 716),
)

CONTENTS = body_page(
    2,
    run("§ 111", 72, 150) + run("Information och överläggningar", 130, 150),
    run("Initiativärende till kommunstyrelsen gällande utredning av utökad", 130, 164),
    run("§ 112", 72, 170),
    run("parkeringskapacitet vid Nolhaga - Jan-Erik Wallin (M) med flera", 130, 176),
    run("§ 113", 72, 190) + run("Revidering felparkeringsavgifter", 130, 190),
)

PARAGRAPH = body_page(
    3,
    run("§ 112  2026.288 KS", 72, 160, 11),
    run("Initiativärende till kommunstyrelsen gällande utredning av utökad", 72, 185, 13, True),
    run("parkeringskapacitet vid Nolhaga - Jan-Erik Wallin (M) med flera", 72, 202, 13, True),
    run("Ärendebeskrivning", 72, 230, 11, True),
    run("Enligt kommunallagen har varje ledamot rätt att väcka ärende.", 72, 244, 11),
    run("Jan-Erik Wallin (M) har lämnat ett initiativärende.", 72, 272, 11),
    run("Beslut", 72, 300, 11, True),
    run("Förslag till beslut i kommunfullmäktige", 72, 315, 11, True),
    run("Initiativärendet avslås.", 72, 329, 11),
)

VOTES = body_page(
    4,
    run("Voteringslista: §112", 72, 160, 9, True),
    run("Ledamot", 90, 200) + run("Ja", 330, 200) + run("Nej", 385, 200) + run("Avstår", 430, 200),
    run("Jan-Erik Wallin (M), ordförande", 90, 214) + run("X", 332, 214),
    run("Anton César (S), vice ordförande", 90, 228) + run("X", 388, 228),
    run("Irene Jonsson (S), ersättare", 90, 242) + run("X", 388, 242),
    run("Resultat", 90, 256) + run("1", 332, 256) + run("2", 388, 256) + run("0", 440, 256),
)


@pytest.fixture(scope="module")
def laid():
    return lay_out([COVER, CONTENTS, PARAGRAPH, VOTES])


def test_running_headers_and_page_numbers_leave_the_text_and_state_their_facts(laid):
    text = "\f".join(laid.pages)
    assert laid.furniture == ["Kommunstyrelsen", "Protokoll", "2026-06-15", "Utdragsbestyrkande"]
    assert "Utdragsbestyrkande" not in text and "2026-06-15" not in text
    assert not any(line.strip().isdigit() for line in text.splitlines())  # page numbers gone


def test_a_cover_page_of_labels_and_values_reads_as_label_value_lines(laid):
    cover = laid.pages[0].splitlines()
    assert cover[:3] == ["Plats och tid: Rådslaget, Rådhuset", "kl. 14:00-16:08", "Paragrafer: §§111-114"]
    assert "Beslutande: Jan-Erik Wallin (M) (ordförande)" in cover
    # a label wrapped over two rows is one label; its values stay under it
    assert cover[cover.index("Ej tjänstgörande ersättare: Oscar Allard (S)") + 1] == "Lena Eriksson (S)"
    # each name under the label it stands beside: the secretary is not the chair
    assert cover[-3:] == ["Sekreterare: Ulrika Månsson", "Ordförande: Jan-Erik Wallin (M)", "Justerande: Anton César"]


def test_a_number_centred_beside_a_wrapped_contents_title_is_that_entry(laid):
    contents = laid.pages[1].splitlines()
    assert contents[1].startswith("§ 112\tInitiativärende")
    assert contents[2].startswith("parkeringskapacitet")


def test_bold_and_large_rows_are_headings_and_a_wrapped_heading_is_one(laid):
    lines = laid.pages[2].splitlines()
    title = ("Initiativärende till kommunstyrelsen gällande utredning av utökad parkeringskapacitet "
             "vid Nolhaga - Jan-Erik Wallin (M) med flera")
    assert HEADING_MARK + title in lines
    # two short bold rows one under the other are two headings, not one
    assert lines[lines.index(HEADING_MARK + "Beslut") + 1] == HEADING_MARK + "Förslag till beslut i kommunfullmäktige"
    assert lines[0] == "§ 112 2026.288 KS"  # plain type: not a heading


def test_a_gap_wider_than_the_leading_is_a_paragraph_break(laid):
    lines = laid.pages[2].splitlines()
    first = lines.index("Enligt kommunallagen har varje ledamot rätt att väcka ärende.")
    assert lines[first + 1] == "" and lines[first + 2].startswith("Jan-Erik Wallin (M) har")


def test_a_table_of_marks_keeps_each_mark_in_its_column(laid):
    lines = laid.pages[3].splitlines()
    start = lines.index("| Ledamot | Ja | Nej | Avstår |")
    assert lines[start + 2:start + 6] == [
        "| Jan-Erik Wallin (M), ordförande | X |  |  |",
        "| Anton César (S), vice ordförande |  | X |  |",
        "| Irene Jonsson (S), ersättare |  | X |  |",
        "| Resultat | 1 | 2 | 0 |",
    ]


def test_a_table_of_marks_with_a_text_column_keeps_every_column():
    laid = lay_out([page(
        run("Ledamot", 90, 200) + run("Parti", 260, 200) + run("Ja", 330, 200) + run("Nej", 385, 200)
        + run("Avstår", 430, 200),
        run("Ek, Bo", 90, 214) + run("M", 262, 214) + run("X", 388, 214),
        run("Berg, Anna", 90, 228) + run("S", 262, 228) + run("X", 332, 228),
        run("Holm, Lisa", 90, 242) + run("L", 262, 242) + run("X", 440, 242),
    )])
    assert laid.pages[0].splitlines()[2:] == [
        "| Ek, Bo | M |  | X |  |", "| Berg, Anna | S | X |  |  |", "| Holm, Lisa | L |  |  | X |"]


def test_a_heading_repeated_on_every_page_is_not_furniture():
    pages = [body_page(n, run("Beslut", 72, 400, 11, True), run(f"Text {n}.", 72, 414, 11)) for n in range(1, 6)]
    laid = lay_out(pages)
    assert all(HEADING_MARK + "Beslut" in p for p in laid.pages)


def test_a_footer_right_under_the_text_is_found_by_repetition():
    """Printed from a text flow, the footer stands where the page's text ends, not at the bottom."""
    pages = [page(run(f"Rad {n} av texten.", 72, 100), run("Ordförandens sign Utdragsbestyrkande", 72, 150 + 30 * n, 8))
             for n in range(1, 5)]
    laid = lay_out(pages)
    assert laid.furniture == ["Ordförandens sign Utdragsbestyrkande"]
    assert all("Utdragsbestyrkande" not in p for p in laid.pages)


def test_a_dotted_signature_line_is_no_value():
    laid = lay_out([page(run("Sekreterare", 72, 300, 9, True) + run(".........................", 150, 300),
                         run("Anci Eyoum", 183, 314),
                         run("Ordförande", 72, 340, 9, True) + run("..........................", 150, 340),
                         run("Kristina Grapenholm (L)", 183, 354))])
    assert laid.pages[0].splitlines() == ["Sekreterare: Anci Eyoum", "Ordförande: Kristina Grapenholm (L)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the document writes the word with its hyphen elsewhere: a real hyphen, kept
        ("tobak och e\ufffe\ncigaretter godkänns. Avgift för e-cigaretter.", "tobak och e-cigaretter\ngodkänns."),
        # written whole elsewhere: a typesetter's break, joined
        ("har funge\ufffe\nrande rutiner. Fungerande rutiner.", "har fungerande\nrutiner."),
        # no evidence: between lower-case letters, joined; before "och", a suspended compound
        ("mot bak\ufffe\ngrund av", "mot bakgrund\nav"),
        ("Hälso\ufffe\noch sjukvård", "Hälso- och\nsjukvård"),
    ],
)
def test_a_word_broken_at_a_line_end_is_judged_by_the_document_s_own_words(text: str, expected: str) -> None:
    assert join_marked_hyphens(text).startswith(expected)


REAL = Path(__file__).resolve().parents[3] / "shared" / "real" / "docs"


@pytest.mark.skipif(not (REAL / "kommunstyrelsen_2026-06-15.pdf").is_file(), reason="../shared/real not present")
def test_a_real_cover_and_voteringslista() -> None:
    from knowledge.read import read_document

    raw = read_document(REAL / "kommunstyrelsen_2026-06-15.pdf")
    assert raw.furniture[:3] == ["Kommunstyrelsen", "Protokoll", "2026-06-15"]
    cover = raw.pages[0].splitlines()
    assert "Ordförande: Jan-Erik Wallin (M)" in cover and "Sekreterare: Ulrika Månsson" in cover
    table = [ln for ln in raw.text.splitlines() if ln.startswith("| ")]
    assert table[0] == "| Ledamot | Ja | Nej | Avstår |" and len(table) == 17
    assert sum(ln.split("|")[2].strip() == "X" for ln in table[1:-1]) == 7  # seven ja, as "Resultat" says
    assert table[-1] == "| Resultat | 7 | 8 | 0 |"
