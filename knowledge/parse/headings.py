"""Section headings and labels of a protocol, matched tolerantly.

Real protocols write "Ärendansvarig", "Prokollsanteckning", "Beslut:" or "**Beslut**", with or
without a colon. One canonical list names every heading this parser understands (key → the
spellings that mean it); a line is a heading when, case-folded and stripped of markup and colon,
it is close enough (rapidfuzz ratio) to one of them. Short names must match exactly, because
"Beslut" and "Besluta" differ by one letter but not in meaning only by accident.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

#: section key → spellings. Keys are what `Paragraph.sections` uses.
HEADINGS: dict[str, tuple[str, ...]] = {
    "beslut": ("beslut", "beslutet", "nämndens beslut", "utskottets beslut", "styrelsens beslut"),
    "förslag till beslut": ("förslag till beslut", "förslag till beslut:", "arbetsutskottets förslag",
                            "utskottets förslag", "förvaltningens förslag"),
    "ärendebeskrivning": ("ärendebeskrivning", "ärendet", "beskrivning av ärendet", "sammanfattning",
                          "sammanfattning av ärendet"),
    "bakgrund": ("bakgrund",),
    "förvaltningens bedömning": ("förvaltningens bedömning", "bedömning", "överväganden",
                                 "förvaltningens synpunkter"),
    "beslutsunderlag": ("beslutsunderlag", "underlag för beslut", "bilagor", "handling", "handlingar"),
    "beredning": ("beredning", "beredningsgång", "tidigare beredning"),
    "yrkanden": ("yrkanden", "yrkande", "yrkanden och förslag", "förslag till beslut på sammanträdet",
                 "förslag på sammanträdet", "yrkanden på sammanträdet"),
    "propositionsordning": ("propositionsordning", "proposition", "beslutsgång", "propositionsordning och beslut"),
    "omröstning": ("omröstning", "omröstningsresultat", "votering"),
    "reservationer": ("reservationer", "reservation"),
    "protokollsanteckning": ("protokollsanteckning", "protokollsanteckningar", "anteckning till protokollet",
                             "anteckning", "anteckningar"),
    "särskilt yttrande": ("särskilt yttrande", "särskilda yttranden"),
    "noteras": ("noteras till protokollet", "noteras", "antecknas"),
    "jäv": ("jäv", "anmälan om jäv"),
    "tidigare behandling": ("tidigare behandling", "tidigare beslut", "ärendets tidigare behandling"),
    "delges": ("delges", "beslutet delges", "beslutet skickas till", "expedieras till", "skickas till",
               "expediering", "protokollsutdrag skickas till", "protokollsutdrag till", "utdrag skickas till"),
    "delgivningar": ("delgivningar", "anmälningsärenden"),
    "ekonomiska konsekvenser": ("ekonomiska konsekvenser", "konsekvenser", "ekonomi"),
}

#: label key → spellings: lines "Label: value" that are facts, not sections.
LABELS: dict[str, tuple[str, ...]] = {
    "dnr": ("diarienummer", "dnr", "diarienr", "ärendenummer", "ärende nr"),
    "responsible": ("ärendeansvarig", "ansvarig"),
    "officer": ("handläggare", "handläggare/kontaktperson", "föredragande"),
    # a running header's date line left inside a § ("Sammanträdesdatum: 2023-02-23"): no content
    "meeting_date": ("sammanträdesdatum", "sammanträdesdag"),
}

#: lines that end the last paragraph: the protocol's signatures.
CLOSING: tuple[str, ...] = ("justeras", "justerat", "vid protokollet", "justerandes signatur",
                            "underskrifter", "sekreterare", "protokollet justeras")

_CHOICES = {spelling: key for key, spellings in HEADINGS.items() for spelling in spellings}
_LABEL_CHOICES = {spelling: key for key, spellings in LABELS.items() for spelling in spellings}
_CLOSING = {spelling: "closing" for spelling in CLOSING}


@dataclass(frozen=True)
class Heading:
    key: str  # a HEADINGS/LABELS key, or "closing"
    kind: str  # "section" | "label" | "closing"
    rest: str  # text after the heading on the same line ("Beslut: Nämnden beslutar att …")


def _norm(text: str) -> str:
    text = re.sub(r"[*_]+", "", text).strip().casefold()
    return re.sub(r"\s+", " ", text).strip(" :.-–")


def _best(name: str, choices: dict[str, str]) -> str | None:
    if not name or len(name) > 45:
        return None
    if name in choices:
        return choices[name]
    if len(name) <= 7:
        return None
    hit = process.extractOne(name, list(choices), scorer=fuzz.ratio, score_cutoff=88)
    if hit is None:
        return None
    spelling = hit[0]
    if len(spelling) <= 7:
        return None
    return choices[spelling]


# "Hälso- och sjukvårdsnämndens beslut", "Kommunstyrelsens förslag till beslut": a body's decision or proposal
_OWNED = re.compile(r"^[\w\- ]{3,60}?(?:s|:s)\s+(beslut|förslag till beslut|förslag)$")


@functools.lru_cache(maxsize=8192)  # pure, and asked of the same lines by several steps
def match_heading(line: str) -> Heading | None:
    """The heading or label this line is, or None for a content line."""
    s = re.sub(r"[*_]+", "", line).strip()
    if not s or not s[0].isupper() or len(s) > 200:
        return None  # headings are capitalised; "handlingarna." or "förslag" wrapped from a sentence is not one
    whole = _norm(s)
    owned = _OWNED.match(whole) if not s.endswith(".") and len(whole.split()) <= 7 else None
    if owned and not re.search(r"\b(?:att|om|enligt|till|bifaller|beslutar|godkänner|avslår|antar)\s",
                               whole[: owned.start(1)]):
        return Heading("beslut" if owned.group(1) == "beslut" else "förslag till beslut", "section", "")
    for choices, kind in ((_CHOICES, "section"), (_LABEL_CHOICES, "label"), (_CLOSING, "closing")):
        key = _best(whole, choices)
        if key:
            return Heading(key, kind, "")
    m = re.match(r"^([^:]{2,40}):\s*(.*)$", s)
    if m:
        name = _norm(m.group(1))
        for choices, kind in ((_LABEL_CHOICES, "label"), (_CHOICES, "section")):
            key = _best(name, choices)
            if key:
                return Heading(key, kind, m.group(2).strip())
    m = re.match(r"^(diarienummer|dnr|diarienr)\.?\s+(.+)$", s, re.IGNORECASE)
    if m:
        return Heading("dnr", "label", m.group(2).strip())
    return None
