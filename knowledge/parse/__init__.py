"""Text → ParsedDocument. The parser's one entry point.

`parse_text` takes the document's text as read (page furniture still in it): it reads the
running headers' facts (meeting date, body) with `knowledge.clean.extract_furniture`, cleans the
text with `knowledge.clean.clean_text`, and parses the rest. Cleaned text works as well (cleaning
is idempotent), but then a date that only the page headers state is lost.
"""

from __future__ import annotations

from knowledge.parse.model import ParsedDocument


def parse_text(text: str, furniture: list[str] | None = None) -> ParsedDocument:
    """``furniture``: the running headers and footers a PDF's layout took out of ``text``
    (`knowledge.read.RawDocument.furniture`); None for text that still holds them."""
    from knowledge.parse.document import parse_document

    return parse_document(text, furniture)


__all__ = ["parse_text", "ParsedDocument"]
