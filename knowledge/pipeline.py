"""File → ParsedDocument: read, clean, parse. The one path every file takes, CLI and bot alike."""

from __future__ import annotations

from pathlib import Path

from knowledge.parse import parse_text
from knowledge.parse.model import ParsedDocument
from knowledge.read import RawDocument, read_document


def parse_raw(raw: RawDocument) -> ParsedDocument:
    # parse_text cleans the text itself: it first reads the running headers' facts (meeting date,
    # body) that cleaning removes
    return parse_text(raw.text, raw.furniture)


def parse_file(path: Path) -> ParsedDocument:
    """Raises `knowledge.read.ReadError` (naming the file) for unreadable input."""
    return parse_raw(read_document(path))
