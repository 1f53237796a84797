"""What a name means across documents: organisations, bodies and people, each one thing.

Real protocols name one thing several ways: "Region Västernorrland" and "Region
Västernorrlands" (genitive), "Göteborgs Stad" and "Göteborg Stad"; "Kommunstyrelsens
arbetsutskott", "KSAU" and "arbetsutskottet" inside a KS protocol; "Per Tranberg" in a signature
and "Per-Gordon Tranberg" in the members list, "Ingela Andreén" and "Ingela Andreen". These
are pure rules over names; `knowledge.store` applies them to what is already stored. When a
rule cannot tell (two people match a variant), nothing is merged: a wrong merge puts one
politician's votes on another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.text import fold

# --- organisations ---------------------------------------------------------------------------

def organisation_key(name: str | None) -> str:
    """One key for every spelling of one organisation: genitives and "Göteborg Stad" folded.

    "Region Västernorrlands" → "region vasternorrland"; "Göteborgs Stad", "Göteborg stad" →
    "goteborg stad"; "Alingsås kommuns" → "alingsas kommun". An empty name gives "".
    """
    folded = fold(name)
    if not folded:
        return ""
    words = folded.split()
    if words[0] in ("region", "landstinget") and len(words) >= 2:
        place = " ".join(words[1:])
        return f"{words[0]} {_ungenitive(place)}"
    if len(words) >= 2 and _ungenitive(words[-1]) in ("kommun", "stad"):
        return f"{_ungenitive(' '.join(words[:-1]))} {_ungenitive(words[-1])}"
    return folded


def _ungenitive(word: str) -> str:
    """"vasternorrlands" → "vasternorrland", "goteborgs" → "goteborg"; a name ending in -s of its
    own ("alingsas", "kramfors") stays: the genitive of those adds nothing in writing."""
    if word.endswith(("ss", "as", "os", "us", "is", "ås", "ös")):
        return word
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def organisation_name(name: str) -> str:
    """The display form: "Region Västernorrlands" → "Region Västernorrland", "Göteborg Stad" →
    "Göteborgs Stad" (the city's own form), "Alingsås kommuns" → "Alingsås kommun"."""
    words = " ".join(name.split()).split(" ")
    if not words or not words[0]:
        return ""
    if words[0].lower() in ("region", "landstinget") and len(words) >= 2:
        last = words[-1]
        if last.endswith("s") and not last.endswith(("ss", "ås", "ös", "as", "os", "us", "is")):
            words[-1] = last[:-1]
        return " ".join([words[0].capitalize(), *words[1:]])
    if len(words) >= 2 and words[-1].lower().rstrip("s") in ("kommun", "stad"):
        kind = words[-1][:-1] if words[-1].lower().endswith("s") else words[-1]
        place = " ".join(words[:-1])
        if kind.lower() == "stad":  # a city goes by its genitive: "Göteborgs Stad"
            return f"{place if place.endswith('s') else place + 's'} {kind}"
        return f"{place} {kind}"
    return " ".join(words)


# --- people ----------------------------------------------------------------------------------

_SUFFIX = re.compile(r",\s*(?:ordförande|vice ordförande|\d:e vice ordförande|ledamot|ersättare|"
                     r"tjänstgörande ersättare|ej tjänstgörande ersättare|sekreterare)\s*$", re.I)


def person_name(name: str) -> str:
    """A name as printed, without a role suffix (", ledamot") and extra spaces."""
    return " ".join(_SUFFIX.sub("", name).split())


def _given_and_family(name: str) -> tuple[list[str], str]:
    words = fold(person_name(name)).split()
    return words[:-1], words[-1] if words else ""


def same_person_name(a: str, b: str) -> bool:
    """Could ``a`` and ``b`` be one person's name as two documents print it?

    The family name must agree (accents and hyphens aside: "Andreén" = "Andreen", "Hedén-Unosson"
    = "Hedén Unosson"); the given names must not contradict: one may add a hyphenated or
    second given name ("Per" / "Per-Gordon"), or shorten one to its initial ("M." / "Marita").
    """
    given_a, family_a = _given_and_family(a)
    given_b, family_b = _given_and_family(b)
    if not family_a or family_a != family_b:
        return False
    if not given_a or not given_b:
        return not given_a and not given_b
    shorter, longer = sorted((given_a, given_b), key=len)
    # every given name of the shorter form matches the longer form's, in order, whole or as an initial
    k = 0
    for word in shorter:
        while k < len(longer) and not _same_given(word, longer[k]):
            k += 1
        if k == len(longer):
            return False
        k += 1
    return _same_given(given_a[0], given_b[0])


def _same_given(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


@dataclass(frozen=True)
class Known:
    """A person already stored: their id, their name as first printed, the parties they have had."""

    id: int
    name: str
    parties: frozenset[str]


def match_person(name: str, party: str | None, known: list[Known]) -> Known | None:
    """The stored person a printed name is, when exactly one fits; None when none or several do.

    A name only merges within one party: a namesake in another party is another person. The
    exception is a politician printed without party ("(-)", who left one): the same name in
    the same organisation is the same person, now outside the party (the caller records both).
    """
    folded = fold(person_name(name))

    def party_fits(k: Known) -> bool:
        return party is None or not k.parties or party in k.parties or party == "-" or "-" in k.parties

    exact = [k for k in known if fold(k.name) == folded and party_fits(k)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    variants = [k for k in known if same_person_name(name, k.name) and (party is None or party in k.parties)]
    return variants[0] if len(variants) == 1 else None


# --- bodies ----------------------------------------------------------------------------------

_GENERIC_UTSKOTT = re.compile(r"^(?:arbetsutskott(?:et)?|utskott(?:et)?|presidi(?:um|et)|au)$", re.I)


def body_abbreviations(name: str, short: str, parent_short: str | None) -> list[str]:
    """The short names a body goes by: its initials ("HSN"), and for an utskott of a nämnd or
    styrelse also the parent's initials joined to its own ("KSAU" for Kommunstyrelsens
    arbetsutskott, written "KS AU" too)."""
    out = [short]
    if parent_short:
        own = short[len(parent_short):] if short.startswith(parent_short) else short
        out += [parent_short + own, f"{parent_short} {own}"]
    return list(dict.fromkeys(a for a in out if a))


def is_generic_body(name: str) -> bool:
    """"Arbetsutskottet", "Presidiet": a name that says which body only beside its parent's."""
    return bool(_GENERIC_UTSKOTT.match(" ".join(name.split())))
