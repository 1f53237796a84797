"""Small text helpers every parser module shares: joining wrapped lines, blocks, sentences."""

from __future__ import annotations

import functools
import re

_KEEP_HYPHEN_SPACE = re.compile(r"(?:och|eller|samt|respektive|till|som)\b")


_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")


def strip_markup(line: str) -> str:
    """A line without markdown emphasis, heading marks and list-table debris, outer whitespace removed."""
    return re.sub(r"\*+", "", _HEADING.sub("", line)).strip()


def is_marked_heading(line: str) -> bool:
    """A Markdown heading ("## Beslut"): how a laid-out PDF marks a row set in bold or large type,
    and how a .md file marks its headings."""
    return bool(_HEADING.match(line))


def join_lines(lines: list[str]) -> str:
    """Lines of one wrapped sentence or clause as one line.

    A word or range hyphenated at a line end ("slutenvård-" / "verksamheterna", "2017-" /
    "2019") keeps its hyphen and loses the space; a hyphen before "och" ("hälso- " / "och") is a
    compound and keeps both, as does a spaced dash (" -" / "Anders Dahl").
    """
    parts: list[str] = []
    for raw in lines:
        line = re.sub(r"\s+", " ", strip_markup(raw) if is_marked_heading(raw) else raw).strip()
        if not line:
            continue
        last = parts[-1] if parts else ""
        if not parts or last.endswith("-") and last[-2:-1].isalnum() and not _KEEP_HYPHEN_SPACE.match(line):
            parts.append(line)
        else:
            parts.append(" " + line)
    return "".join(parts)


def blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    out: list[list[str]] = []
    cur: list[str] = []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


_ABBREV = r"(?:m\.?\s?fl|bl\.a|t\.ex|m\.m|fr\.o\.m|t\.o\.m|dvs|ca|kl|nr|resp|jmf|tf|st|s\.k|p\.g\.a|m:\s?fl)"
_QUOTES = "”\"“«»"


def _quote_open_after(text: str, state: bool) -> bool:
    for ch in text:
        if ch in "”\"":
            state = not state
        elif ch in "«“":
            state = True
        elif ch == "»":
            state = False
    return state


def _sentences_of(flat: str) -> list[str]:
    out: list[str] = []
    start = 0
    in_quote = False
    for i, ch in enumerate(flat):
        if ch in _QUOTES:
            in_quote = _quote_open_after(ch, in_quote)
            if not in_quote and i + 2 < len(flat) and flat[i + 1] == " " and flat[i + 2].isupper():
                out.append(flat[start:i + 1].strip())
                start = i + 2
            continue
        if ch in ".!?" and not in_quote and i + 2 < len(flat) and flat[i + 1] == " ":
            nxt = flat[i + 2]
            # the last characters are enough for both patterns (they end in "$"): the sentence so
            # far, copied and searched at every stop, was quadratic in a sentence of many stops
            end = flat[max(start, i - 19):i + 1]
            if (nxt.isupper() or nxt in "”\"(") and not re.search(_ABBREV + r"\.$", end, re.IGNORECASE) \
                    and not re.search(r"\b[A-ZÅÄÖ]\.$", end):
                out.append(flat[start:i + 1].strip())
                start = i + 2
    tail = flat[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def sentences(text: str) -> list[str]:
    """Sentences of running text: line breaks are spaces, a blank line ends a sentence, and a
    quoted passage stays whole inside the sentence that introduces it. Several readers of a §
    (notes, votes, references, health) split the same text: it is split once."""
    return list(_sentences(text))


@functools.lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[str, ...]:
    groups: list[str] = []
    pending: list[str] = []
    in_quote = False
    for block in re.split(r"\n\s*\n", text):
        pending.append(block)
        in_quote = _quote_open_after(block, in_quote)
        if not in_quote or len(pending) > 20:  # a quote never closed does not swallow the rest
            groups.append("\n".join(pending))
            pending = []
            in_quote = False
    if pending:
        groups.append("\n".join(pending))
    out: list[str] = []
    for group in groups:
        flat = re.sub(r"\s+", " ", group).strip()
        if flat:
            out.extend(_sentences_of(flat))
    return tuple(out)


def quoted(text: str) -> str | None:
    """The first quoted passage ("…" or ”…”), quotes removed."""
    m = re.search(r"[”\"“«](.+?)[”\"»]", text, re.DOTALL)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else None


def unquoted(text: str) -> str:
    """``text`` with quoted passages removed (what people said, not who said it)."""
    return re.sub(r"[”\"“«].*?[”\"»]", " ", text, flags=re.DOTALL)


def sentences_cache_clear() -> None:
    """Forget the sentences split so far (`knowledge.parse.document` starts each document so)."""
    _sentences.cache_clear()
