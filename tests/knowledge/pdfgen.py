"""PDFs made in the test, so the PDF path is tested on files whose text we know.

fpdf2 with a Unicode TrueType font (DejaVu Sans: matplotlib ships it, so it is present wherever
the project's dependencies are), so å ä ö and – survive the round trip.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF


def unicode_font() -> Path:
    import matplotlib

    candidates = [
        Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf",
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError("no DejaVuSans.ttf found (matplotlib's mpl-data or the system fonts)")


def new_pdf(font_size: float = 9) -> FPDF:
    """An A4 document with the Unicode font selected and small margins, so that lines of
    extracted protocol text (rarely over 100 characters) fit without being wrapped."""
    pdf = FPDF(format="A4")
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("dejavu", "", str(unicode_font()))
    pdf.set_font("dejavu", size=font_size)
    return pdf


def text_to_pdf(text: str, *, font_size: float = 9, user_password: str | None = None) -> bytes:
    """`text` as a PDF: line breaks kept, long lines wrapped, new pages when a page is full.

    Tabs become spaces (the font has no tab glyph, and a PDF has no tabs, only positions).

    A form feed ("\\f") starts a new page, so `read_bytes(text_to_pdf("a\\fb"), …).pages` has
    two pages. With `user_password` the PDF is encrypted and cannot be opened without it.
    """
    pdf = new_pdf(font_size)
    if user_password is not None:
        pdf.set_encryption(owner_password=user_password + "-owner", user_password=user_password)
    for page_text in text.split("\f"):
        pdf.add_page()
        pdf.multi_cell(0, font_size * 0.5, page_text.expandtabs(4))
    return bytes(pdf.output())


def placed_pdf(pages: list[list[tuple[float, float, str, float, bool]]]) -> bytes:
    """A PDF of text placed where a template places it: each page a list of (x mm, y mm from the
    top, text, size pt, bold). DejaVu Sans and DejaVu Sans Bold, so the layout step sees two fonts."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("dejavu", "", str(unicode_font()))
    pdf.add_font("dejavu", "B", str(unicode_font().with_name("DejaVuSans-Bold.ttf")))
    for items in pages:
        pdf.add_page()
        for x, y, text, size, bold in items:
            pdf.set_font("dejavu", "B" if bold else "", size)
            pdf.text(x, y, text)
    return bytes(pdf.output())
