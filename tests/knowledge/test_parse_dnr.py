"""Diarienummer: every format, one canonical key, and the query layer's yes/no."""

import pytest

from knowledge.parse.dnr import DNR_PATTERN, find_dnrs, looks_like_dnr, normalise_dnr


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("24HSN2937", "24HSN2937"),
        ("24 hsn 2937", "24HSN2937"),
        ("Dnr 24HSN2937", "24HSN2937"),
        ("HSN 656-2025", "HSN656-2025"),
        ("HSN 656/2025", "HSN656-2025"),
        ("Dnr HSN 2025/31", "HSN2025-31"),
        ("KS 2024/123", "KS2024-123"),
        ("1379/22", "1379-22"),
        ("20RS12911-11", "20RS12911-11"),
        ("KS/2024:123", "KS2024:123"),
        ("KS 2024:123", "KS2024:123"),
        ("2024/00123", "2024-00123"),
    ],
)
def test_normalise_dnr(written, key):
    assert normalise_dnr(written) == key


def test_the_two_spellings_of_one_case_share_a_key():
    assert normalise_dnr("HSN 656/2025") == normalise_dnr("hsn 656-2025")
    assert normalise_dnr("24 hsn 2937") == normalise_dnr("24HSN2937")


@pytest.mark.parametrize(
    "text", ["24HSN2937", "24 hsn 2937", "HSN 656-2025", "hsn 656/2025", "Dnr HSN 2025/31", "KS 2024/123", "1379/22",
             "KS/2024:123", "Dnr 2024/00123"]
)
def test_looks_like_dnr_accepts_case_numbers(text):
    assert looks_like_dnr(text)


@pytest.mark.parametrize(
    "text", ["etisk policy", "Digitaliseringsstrategi 2025", "2024", "4 oktober", "år 2024-2026", "", "x" * 5000]
)
def test_looks_like_dnr_rejects_titles_and_prose(text):
    assert not looks_like_dnr(text)


def test_dnr_pattern_finds_numbers_in_running_text_but_not_prose():
    text = "Protokoll KSA 2024-06-19, 24HSN96, bilaga 10 och HSN 656-2025 samt KS 2024/123 under 2024-2026."
    assert find_dnrs(text) == ["24HSN96", "HSN 656-2025", "KS 2024/123"]
    assert DNR_PATTERN.search("Projektet pågår 2024-2026 och år 2024/25, v30 jmf med v6.") is None
    assert find_dnrs("Ekonomisk status Q2-2024, bilaga 7") == []
