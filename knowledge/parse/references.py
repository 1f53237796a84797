"""Where else a matter was handled: "Tekniska nämnden har den 18 maj 2026, § 28 behandlat
ärendet", "Kommunstyrelsens arbetsutskott informerades den 3 juni 2026, § 88 om ärendet".

A protocol names the § of another body (or of its own utskott) that handled the same matter,
often under another diarienummer. The store links the two cases when both are stored, so a
case card follows the matter across bodies. Only a sentence that names a body, a date and a
§ together counts: with any of the three missing, no § can be found, and nothing is guessed.
"""

from __future__ import annotations

import re
from collections import Counter

from knowledge.parse.bodies import find_bodies, resolve
from knowledge.parse.dates import find_dates
from knowledge.parse.model import PriorHandling
from knowledge.parse.text import sentences

# "<body> har den <date>, § N behandlat ärendet", "<body> behandlade den <date>, § N ärendet",
# "<body> informerades den <date>, § N om ärendet", "<body> beslutade den <date>, § N att …"
_HANDLED = re.compile(r"\b(?:har\s+den\b.{0,40}?\bbehandlat|behandlade\s+den|informerades\s+den|"
                      r"beslutade\s+den|har\s+den\b.{0,40}?\b(?:beslutat|yttrat\s+sig))", re.I)
_PARAGRAPH = re.compile(r"§\s*(\d{1,4})(?!\d)")
_KINDS = (("informerades", "informerad"), ("yttrat", "yttrande"), ("beslutade", "beslutad"),
          ("beslutat", "beslutad"))


def handled_elsewhere(text: str, known_bodies: Counter, default_year: int | None) -> list[PriorHandling]:
    """Each § of a body the text says handled this matter, once, in the order stated."""
    out: list[PriorHandling] = []
    seen: set[tuple[str, object, int]] = set()
    for sentence in sentences(text):
        verb = _HANDLED.search(sentence)
        if not verb:
            continue
        bodies = [b for b in find_bodies(sentence) if b[1] <= verb.end()]
        dates = find_dates(sentence, default_year)
        number = _PARAGRAPH.search(sentence, bodies[-1][1] if bodies else 0)
        if not bodies or not dates or number is None:
            continue
        body = resolve(bodies[-1][2], known_bodies)
        key = (body, dates[0].value, int(number.group(1)))
        if key in seen:
            continue
        seen.add(key)
        kind = next((k for word, k in _KINDS if word in verb.group(0).lower()), "behandlad")
        out.append(PriorHandling(kind=kind, body=body, date=dates[0].value, paragraph=key[2], text=sentence))
    return out
