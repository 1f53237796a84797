"""A paragraph's body cut at its headings: labels (dnr, ärendeansvarig, handläggare) become
facts, headings start sections, and the protocol's closing (signatures) ends the paragraph.

The lines before the first heading are the section "" (a paragraph without headings keeps its
decision there: "Hälso- och sjukvårdsnämnden beslutar / att utse …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.parse.headings import match_heading
from knowledge.parse.people import NAME
from knowledge.parse.text import is_marked_heading, strip_markup

_SIGNATURE_NAME = re.compile(rf"^{NAME}$")
_SIGNATURE_ROLE = re.compile(r"^(?:ordförande|sekreterare|justerare|justerande|vice ordförande)\b(?!.*[.(])",
                             re.I)


@dataclass
class Sections:
    labels: dict[str, str] = field(default_factory=dict)  # "dnr"/"responsible"/"officer" → value
    parts: list[tuple[str, list[str]]] = field(default_factory=list)  # (key, lines) in order
    closing: list[str] = field(default_factory=list)  # the signature lines cut off the end

    def get(self, key: str) -> list[list[str]]:
        return [lines for k, lines in self.parts if k == key]

    def text(self, key: str) -> str:
        return "\n\n".join("\n".join(lines).strip() for lines in self.get(key)).strip()

    def keys(self) -> list[str]:
        return [k for k, _ in self.parts]


def _closing_start(lines: list[str]) -> int | None:
    """Where the signatures begin: a "Justeras"/"Vid protokollet" line, or a name line followed
    by "Ordförande …"."""
    for i, line in enumerate(lines):
        s = strip_markup(line)
        h = match_heading(s) if s else None
        if h and h.kind == "closing":
            return i
        # "Ordförande Hälso- och sjukvårdsnämnden" under a name, not "Ordförande ställer …" under a heading
        if _SIGNATURE_ROLE.match(s) and i > 0 and len(s.split()) <= 6:
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            if j >= 0 and not is_marked_heading(lines[j]) and _SIGNATURE_NAME.match(strip_markup(lines[j])):
                return j
    return None


def split_sections(lines: list[str]) -> Sections:
    out = Sections()
    cut = _closing_start(lines)
    if cut is not None:
        out.closing = lines[cut:]
        lines = lines[:cut]
    key = ""
    current: list[str] = []
    out.parts.append((key, current))
    for line in lines:
        s = strip_markup(line)
        h = match_heading(s) if s else None
        if h and h.kind == "section" and not h.rest and s.endswith("."):
            h = None  # "Antecknas.", "Noteras.": a decision formula, a sentence, not the heading it spells
        if h and h.kind == "label":
            if h.rest and h.key not in out.labels:
                out.labels[h.key] = h.rest
            continue
        if h and h.kind == "section":
            current = [h.rest] if h.rest else []
            out.parts.append((h.key, current))
            continue
        current.append(line)
    out.parts = [(k, ls) for k, ls in out.parts if k or any(x.strip() for x in ls)]
    return out
