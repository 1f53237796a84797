"""Names of deciding bodies (nämnd, utskott, styrelse, fullmäktige …) in running text.

A body's name is recognised by its head noun, not by a list of names: "Hälso- och
sjukvårdsnämnden", "Välfärd- och samverkansutskottet", "Regionstyrelsens arbetsutskott",
"Kommunfullmäktige". Names are returned in proper case and in the definite form
("hälso- och sjukvårdsutskottets förslag" → "Hälso- och sjukvårdsutskottet"). A misspelt name
("Hälso- och sjukvårsutskottet") is resolved to the closest name the same document spells
often (`resolve`).
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

_HEADS = (
    r"nämnd(?:en|ens)?|utskott(?:et|ets)?|styrelse(?:n|ns)?|fullmäktige(?:s)?|beredning(?:en|ens)?|"
    r"kommitt[ée](?:n|ns)?|presidi(?:um|et|ets)|direktion(?:en|ens)?|förbundsstyrelse(?:n|ns)?"
)
_WORD = r"[A-ZÅÄÖÉa-zåäöéü]"
# "Hälso- och sjukvårdsnämnden", "Regionstyrelsen", "Regionstyrelsens arbetsutskott"; at most 60
# letters before the head noun (a longer "name", hostile input, could not be stored: see people)
BODY_PATTERN = re.compile(
    rf"(?<![\w-])((?:{_WORD}{{1,60}}-\s+(?:och|samt)\s+)?{_WORD}{{0,60}}?(?:{_HEADS}))(?![\w-])"
    rf"(?:\s+((?:{_WORD}{{1,60}}-\s+(?:och|samt)\s+)?{_WORD}{{0,60}}?(?:utskott(?:et)?|presidi(?:um|et))))?(?![\w-])",
)
# words that end like a body but are not one ("ledamöterna i nämnden" keeps "nämnden": generic)
_GENERIC = {"nämnd", "nämnden", "utskott", "utskottet", "styrelse", "styrelsen", "fullmäktige", "beredning",
            "beredningen", "kommittén", "presidiet", "presidium", "direktionen", "direktion"}


def _definite(word: str) -> str:
    """Genitive and indefinite → definite: "utskottets"/"utskott" → "utskottet"."""
    w = word
    if re.search(r"(nämndens|utskottets|styrelsens|beredningens|kommitténs|presidiets|direktionens)$", w) or w.endswith("fullmäktiges"):
        w = w[:-1]
    if w.endswith("nämnd"):
        w += "en"
    elif w.endswith("utskott"):
        w += "et"
    elif w.endswith("styrelse"):
        w += "n"
    return w


def normalise_body(name: str) -> str:
    """Proper case, definite form, one space: "HÄLSO- OCH SJUKVÅRDSNÄMNDENS" → "Hälso- och sjukvårdsnämnden".

    A two-part name ("Regionstyrelsens arbetsutskott") keeps its head noun as written.
    """
    name = re.sub(r"\s+", " ", name).strip()
    words = name.split(" ")
    last = words[-1].lower()
    two_part = len(words) >= 2 and words[-2].lower().endswith("s") and words[-2].lower() not in ("och", "samt")
    if two_part and re.search(r"(utskott|presidium)$", last):
        words[-1] = last
    elif two_part and last.endswith("s") and re.search(r"(utskotts|presidiets|utskottets)$", last):
        words[-1] = last[:-1]
    else:
        words[-1] = _definite(last)
    text = " ".join(w.lower() for w in words)
    return text[:1].upper() + text[1:]


def find_bodies(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised name) of every specific body name in ``text``."""
    out = []
    for m in BODY_PATTERN.finditer(text):
        first, second = m.group(1), m.group(2)
        name = f"{first} {second}" if second else first
        if name.lower() in _GENERIC or len(name) < 6:
            continue
        if second is None and not re.search(r"s$", first) and first.lower() in _GENERIC:
            continue
        if second and not first.lower().endswith("s"):
            name = second  # "nämnden utskottet" is two mentions, keep the latter
            if name.lower() in _GENERIC:
                continue
        norm = normalise_body(name)
        if norm.lower() in _GENERIC:
            continue
        out.append((m.start(), m.end(), norm))
    return sorted(out + _adjective_bodies(text, out))


# "Tekniska nämnden", "Gemensamma nämnden": a capitalised adjective names the body; not one
# that only picks among bodies ("Berörda nämnden", sentence-initial)
_ADJECTIVE_BODY = re.compile(
    r"(?<![\w-])([A-ZÅÄÖ][a-zåäö]{3,20}a)\s+(nämnd(?:en|ens)?|styrelse(?:n|ns)?|beredning(?:en|ens)?)(?![\w-])")
_NOT_NAMING = {"berörda", "aktuella", "ansvariga", "samtliga", "övriga", "andra", "samma", "gamla", "första",
               "sista", "egna", "hela", "enskilda", "olika", "respektive", "kommunala", "regionala", "nuvarande",
               "tidigare", "kommande", "nya", "denna", "varje", "vilka", "sådana", "dessa", "flera", "några",
               "ordinarie", "politiska", "berörd", "båda", "bägge", "utsedda", "valda", "nyvalda"}


def _adjective_bodies(text: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out = []
    for m in _ADJECTIVE_BODY.finditer(text):
        if m.group(1).lower() in _NOT_NAMING or any(s < m.end() and m.start() < e for s, e, _ in taken):
            continue
        out.append((m.start(), m.end(), normalise_body(f"{m.group(1)} {m.group(2)}")))
    return out


def own_name(name: str) -> tuple[str, str | None]:
    """(the body's own name, the body it belongs to) for "<nämnd>s <name>utskottet":
    "Hälso- och sjukvårdsnämndens välfärd- och samverkansutskottet" → ("Välfärd- och
    samverkansutskottet", "Hälso- och sjukvårdsnämnden"). A generic utskott or presidium keeps
    its parent in its name ("Kommunstyrelsens arbetsutskott", "Kommunstyrelsen"); a one-part
    name has no parent."""
    m = re.match(r"^(.+?s)\s+((?:[\wåäöÅÄÖé]+-\s+(?:och|samt)\s+)?[\wåäöÅÄÖé]+)$", name)
    if not m or not re.search(r"(?:nämnden|nämnd|styrelsen|styrelse|fullmäktige)s$", m.group(1), re.I):
        return name, None
    part = m.group(2)
    parent = normalise_body(m.group(1))
    if re.fullmatch(r"(?:arbets)?utskott(?:et)?|presidi(?:um|et)", part, re.I):
        return name, parent  # "Kommunstyrelsens arbetsutskott" keeps its parent in its name
    part = _definite(part.lower())
    return part[:1].upper() + part[1:], parent


def first_body(text: str) -> str | None:
    found = find_bodies(text)
    return found[0][2] if found else None


def body_counts(text: str) -> Counter:
    return Counter(name for _, _, name in find_bodies(text))


def resolve(name: str, known: Counter | dict[str, int], cutoff: float = 90) -> str:
    """A (possibly misspelt) body name → the document's usual spelling of it, if one is close."""
    if not known:
        return name
    close = process.extract(name.lower(), {k: k.lower() for k in known}, scorer=fuzz.ratio, score_cutoff=cutoff,
                            limit=None)
    best = max((hit[2] for hit in close), key=lambda k: (known[k], k == name), default=name)
    return best if known.get(best, 0) > known.get(name, 0) else name
