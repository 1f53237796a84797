"""Names of one thing as real protocols print them, folded to one; namesakes kept apart."""

from __future__ import annotations

import pytest

from knowledge.identity import (
    Known,
    body_abbreviations,
    is_generic_body,
    match_person,
    organisation_key,
    organisation_name,
    same_person_name,
)


@pytest.mark.parametrize(
    ("variants", "display"),
    [
        (["Region Västernorrland", "Region Västernorrlands", "REGION VÄSTERNORRLAND"], "Region Västernorrland"),
        (["Göteborgs Stad", "Göteborg Stad", "Göteborgs stads"], "Göteborgs Stad"),
        (["Alingsås kommun", "Alingsås kommuns"], "Alingsås kommun"),
        (["Kramfors kommun", "Kramfors kommuns"], "Kramfors kommun"),
    ],
)
def test_spellings_of_one_organisation_share_a_key(variants: list[str], display: str):
    assert len({organisation_key(v) for v in variants}) == 1
    assert organisation_name(variants[1]) == organisation_name(display) == display


def test_different_organisations_keep_different_keys():
    keys = {organisation_key(n) for n in ["Region Västernorrland", "Region Västerbotten", "Alingsås kommun",
                                          "Göteborgs Stad", "Göteborgs kommun"]}
    assert len(keys) == 5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Per Tranberg", "Per-Gordon Tranberg"),  # a hyphenated given name
        ("Ingela Andreén", "Ingela Andreen"),  # an accent
        ("Anita Hedén Unosson", "Anita Hedén-Unosson"),  # a hyphen in the family name
        ("M. Barkhage Foster", "Marita Barkhage Foster"),  # an initial
        ("Jan-Erik Wallin, ordförande", "Jan-Erik Wallin"),  # a role suffix from a vote list
        ("Maria B Nilsson", "Maria Nilsson"),  # a middle initial
    ],
)
def test_variants_of_one_name(a: str, b: str):
    assert same_person_name(a, b) and same_person_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna Andersson", "Anders Andersson"),  # shared family name
        ("Per Tranberg", "Pär Tranberg"),  # another given name (ä folds to a: "par" is not "per")
        ("Lisa Berg", "Lisa Bergström"),
        ("Karin Johansson", "K. Svensson"),
    ],
)
def test_namesakes_are_not_one_person(a: str, b: str):
    assert not same_person_name(a, b)


def test_a_variant_merges_only_when_one_person_fits():
    per = Known(1, "Per-Gordon Tranberg", frozenset({"M"}))
    assert match_person("Per Tranberg", "M", [per]) == per
    # the same name in another party is another person
    assert match_person("Per Tranberg", "S", [per]) is None
    # two people fit the short form: merge with neither
    pelle = Known(2, "Per-Erik Tranberg", frozenset({"M"}))
    assert match_person("Per Tranberg", "M", [per, pelle]) is None
    # the exact name wins over variants
    assert match_person("Per-Erik Tranberg", "M", [per, pelle]) == pelle
    # a party the person has had ("(fd SD)") matches too
    martini = Known(3, "Peter Martini", frozenset({"M", "SD"}))
    assert match_person("Peter Martini", "SD", [martini]) == martini


def test_an_utskott_goes_by_its_parents_initials_too():
    assert "KSAU" in body_abbreviations("Kommunstyrelsens arbetsutskott", "AU", "KS")
    assert is_generic_body("Arbetsutskottet") and is_generic_body("presidiet")
    assert not is_generic_body("Välfärd- och samverkansutskottet")


def test_a_politician_who_left_the_party_is_still_one_person():
    boris = Known(4, "Boris Jernskiegg", frozenset({"SD"}))
    assert match_person("Boris Jernskiegg", "-", [boris]) == boris  # "(-)" after leaving SD
    assert match_person("Boris Jernskiegg", "M", [boris]) is None  # another party: a namesake
