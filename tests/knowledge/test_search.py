"""Pure helpers of knowledge.search: folding, dnr normalisation, the typo-tolerant word index."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from knowledge import queries as q
from knowledge.db import session as open_session
from knowledge.search import dnr_series_year, fold, looks_like_dnr, normalise_dnr
from knowledge.store import ingest_document
from tests.knowledge import store_docs as D


def test_fold_removes_case_diacritics_and_punctuation():
    assert fold("Återrapport – Tandvårdskliniken, ÖVERSYN!") == "aterrapport tandvardskliniken oversyn"
    decomposed = unicodedata.normalize("NFD", "hälso- och sjukvårdsnämnden")
    assert fold(decomposed) == fold("Hälso- och sjukvårdsnämnden") == "halso och sjukvardsnamnden"
    assert fold(None) == "" and fold("  ") == ""


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("24 hsn 2937", "24HSN2937"),
        ("24HSN2937", "24HSN2937"),
        ("Dnr: 24hsn2937", "24HSN2937"),
        ("HSN 656/2025", "HSN656-2025"),
        ("HSN 656-2025", "HSN656-2025"),
    ],
)
def test_normalise_dnr(raw, norm):
    assert normalise_dnr(raw) == norm


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24 hsn 2937", True), ("24HSN2937", True), ("HSN 656-2025", True),
     ("tandvård", False), ("mobila tandvårdskliniken", False), ("", False)],
)
def test_looks_like_dnr(text, expected):
    assert looks_like_dnr(text) is expected


def test_dnr_series_and_year_narrow_typo_search():
    assert dnr_series_year("24HSN2937") == ("HSN", "24")
    assert dnr_series_year("HSN656-2025") == ("HSN", "2025")
    assert dnr_series_year("KS2024-123") == ("KS", "2024")


# --- the cached title index follows the store --------------------------------------------------


def test_index_follows_ingests_replacements_and_other_sessions(engine):
    with open_session(engine) as s:
        ingest_document(s, D.hsu_2024_08_28(), source_name="hsu.txt", sha256="hsu")
        assert q.search_titles(s, "folktandvården") == []
        assert q.lookup_case(s, "digitaliseringsstrategi").card.dnr == "24HSN3226"

    # Another session (as another process would) adds a protocol: the next query sees it.
    with open_session(engine) as other:
        ingest_document(other, D.hsn_2024_09_04(), source_name="hsn.txt", sha256="hsn")
    with open_session(engine) as s:
        assert q.lookup_case(s, "folktandvarden vuxna").card.dnr == "22HSN3175"
        assert q.nearest_dnrs(s, "22HSN3157")[0].dnr == "22HSN3175"

        # A new version without § 102 deletes that case: it is no longer offered.
        v2 = D.hsn_2024_09_04()
        v2.paragraphs = [p for p in v2.paragraphs if p.number != 102]
        ingest_document(s, v2, source_name="hsn.txt", sha256="hsn-v2")
        assert all(c.dnr != "22HSN3175" for c in q.search_titles(s, "folktandvarden vuxna"))
        assert all(c.dnr != "22HSN3175" for c in q.nearest_dnrs(s, "22HSN3157"))

        # A later paragraph renames a case: the new title is found and shown.
        later = D.hsn_2024_09_04()
        later.meeting_date = date(2024, 10, 3)
        later.schedule_changes, later.figures = [], []
        later.paragraphs = [p for p in later.paragraphs if p.number == 100]
        later.paragraphs[0].title = "Mobil tandvårdsklinik i glesbygd, slutrapport"
        ingest_document(s, later, source_name="oct.txt", sha256="oct")
        found = q.lookup_case(s, "glesbygd slutrapport")
        assert found.card is not None and found.card.title == later.paragraphs[0].title
