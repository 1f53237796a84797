"""Cleaning: page furniture out wherever it falls, sentences whole again, nothing else changed."""

from datetime import date

from knowledge.clean import clean_text, extract_furniture
from tests.knowledge._samples import sample

HSN_FURNITURE = ("PROTOKOLL", "SJUKVÅRDSNÄMNDEN", "Datum Dnr Sida", "7(25)", "Ordförandens sign", "Utdragsbestyrkande")


def test_running_header_inside_paragraph_98_is_removed_and_the_text_around_it_kept():
    raw = sample("hsn-2024-09-04")
    cleaned = clean_text(raw)
    for furniture in HSN_FURNITURE:
        assert furniture in raw and furniture not in cleaned
    before = "Åtgärdsområdenas ekonomiska konsekvenser kommer, mot \ndenna bakgrund, att behöva preciseras."
    after = "Ambitionen är att återkomma till hälso- och sjukvårdsnämndens"
    assert before in cleaned and after in cleaned
    gap = cleaned[cleaned.index(before) + len(before):cleaned.index(after)]
    assert gap.strip() == ""  # only a paragraph break where the header block stood


def test_a_sentence_cut_by_a_page_header_reads_whole_again():
    raw = (
        "Det kan därmed konstateras att de beslutade åtgärderna i \n\n\n \n"
        "PROTOKOLL  \nHÄLSO- OCH \nSJUKVÅRDSNÄMNDEN \n\n Datum Dnr Sida \n 2024-09-04 \n\n24HSN1 7(25) \n\n"
        "Ordförandens sign Justerandens sign Exp den Utdragsbestyrkande \n\n   \n"
        "handlingsplanen inte har fått förväntad effekt.\n"
    )
    assert clean_text(raw) == "Det kan därmed konstateras att de beslutade åtgärderna i handlingsplanen inte har fått förväntad effekt.\n"


def test_a_sentence_cut_at_a_form_feed_joins_and_a_hyphenated_word_keeps_its_hyphen():
    raw = "till de somatiska slutenvård-\nSida 2(15)\n\fSida 3(15)\nverksamheterna inom vården.\n"
    assert clean_text(raw) == "till de somatiska slutenvård-verksamheterna inom vården.\n"


def test_a_page_break_between_paragraphs_stays_a_paragraph_break():
    raw = "Första stycket slutar här.\n\nSida 2(15)\n\nAndra stycket börjar här.\n"
    assert clean_text(raw) == "Första stycket slutar här.\n\nAndra stycket börjar här.\n"


def test_markdown_header_with_glued_labels_is_removed_and_facts_kept_apart():
    raw = sample("hsu-2024-08-28")
    cleaned = clean_text(raw)
    assert "Tid: 2024-08-28 kl. 09:15 – 12:00\n" in cleaned
    assert "Plats: Digitalt möte i Teams\n" in cleaned
    assert "**" not in cleaned and "Sida" not in cleaned and "Justerandens sign" not in cleaned
    assert "§ 68 Återrapport av uppdrag om en prioritering" in cleaned
    assert "de beslutade åtgärderna i handlingsplanen inte har fått" in cleaned


def test_signature_rows_in_every_layout_go():
    raw = "Text.\n\nOrdförandens sign\tJusterandens sign\tExp den\tUtdragsbestyrkande\n---------\t-------\t----\t----\n"
    assert clean_text(raw).strip() == "Text."
    raw = "Text.\n\nOrdförandens sign\n\nJusterandens sign\n\nExp den\n\nUtdragsbestyrkande\n\nMer text.\n"
    assert clean_text(raw) == "Text.\n\nMer text.\n"


def test_hyphens_soft_hyphens_emphasis_and_leaders():
    raw = "Hälso\u2010 och sjuk\u00advårds\u2011nämnden **beslutar**\n1 Inledning ........ 3\n……………………\nOch sedan...\n"
    assert clean_text(raw) == "Hälso- och sjukvårds-nämnden beslutar\n1 Inledning 3\n\nOch sedan...\n"


def test_pdf_line_break_markers_join_the_word():
    assert clean_text("kostnads\ufffe\nreduceringar och åt\u0002gärder") == "kostnadsreduceringar och åtgärder"


def test_content_in_capitals_is_not_furniture_without_a_header_around_it():
    raw = "Förkortningar\n\nRPK\nSKR\n\nSlut.\n"
    assert clean_text(raw) == raw


def test_cleaning_is_idempotent_and_keeps_every_paragraph():
    for name in ("hsn-2024-09-04", "hsu-2024-08-28", "vsu-2022-05-04", "hsn-verksamhetsplan-2024-2026"):
        cleaned = clean_text(sample(name))
        assert clean_text(cleaned) == cleaned
    assert clean_text(sample("vsu-2022-05-04")).count("§ ") >= 13


def test_extract_furniture_reads_the_header_facts_before_removal():
    hsn = extract_furniture(sample("hsn-2024-09-04"))
    assert hsn.date == date(2024, 9, 4) and hsn.body == "Hälso- och sjukvårdsnämnden" and hsn.dnr == "24HSN1"
    assert hsn.pages == 25
    vsu = extract_furniture(sample("vsu-2022-05-04"))  # U+2010 hyphens in the header date
    assert vsu.date == date(2022, 5, 4)
    assert vsu.body == "Hälso- och sjukvårdsnämndens välfärd- och samverkansutskott"
    assert extract_furniture(sample("hsu-2024-08-28")).date == date(2024, 8, 28)
    assert extract_furniture(sample("hsn-verksamhetsplan-2024-2026")).date is None


def test_running_header_ending_in_a_page_number_goes_even_when_glued_to_a_sentence():
    raw = (
        "Stadsrevisionen, Granskning av fordon 1 (3)\nVi har granskat fordonen. Varje resa registreras\f"
        "i körjournalen Stadsrevisionen, Granskning av fordon 2 (3)\nsom föraren fyller i.\f"
        "Slutsatsen är klar.Stadsrevisionen, Granskning av fordon 3 (3)\n"
    )
    cleaned = clean_text(raw)
    assert "Granskning av fordon" not in cleaned and "(3)" not in cleaned
    assert "Varje resa registreras i körjournalen" in cleaned
    assert "Slutsatsen är klar." in cleaned


def test_lines_repeated_at_the_top_of_most_pages_go():
    pages = [f"Region Exempel\nKommunstyrelsen protokoll\nSida {n} av 4\n\nInnehåll på sida {n}.\n" for n in range(1, 5)]
    cleaned = clean_text("\f".join(pages))
    assert "Region Exempel" not in cleaned and "Sida" not in cleaned
    assert all(f"Innehåll på sida {n}." in cleaned for n in range(1, 5))


def test_a_heading_in_capitals_next_to_a_page_footer_is_kept():
    raw = "Text slutar här.\n\nBESLUTSUNDERLAG\nRapport\n\nSida 2(5)\nOrdförandens sign Justerandens sign\n\nBESLUT\nNämnden beslutar\n"
    assert clean_text(raw) == "Text slutar här.\n\nBESLUTSUNDERLAG\nRapport\n\nBESLUT\nNämnden beslutar\n"


def test_a_lone_page_number_line_goes():
    raw = "Det var en\n\nSida 3 av 12\n\nmening som fortsätter.\n4 (12)\nNästa.\n"
    assert clean_text(raw) == "Det var en mening som fortsätter.\n\nNästa.\n"


def test_a_dnr_at_the_top_of_every_page_is_the_pages_own_not_a_running_header():
    pages = [f"Tekniska nämnden 2024-05-13 Sida {n} av 4\n§ {n} Ärende {n}\nDnr TN 2024/{30 + n}\n\nBeslut\n"
             f"Nämnden beslutar att godkänna ärende {n}.\n" for n in range(1, 5)]
    cleaned = clean_text("\f".join(pages))
    assert all(f"Dnr TN 2024/{30 + n}" in cleaned for n in range(1, 5))
    assert "Sida" not in cleaned  # the running header with its page number is gone
