"""Paragraphs: § headers, references in running text, continuations, titles and dnr."""

from knowledge.parse import parse_text
from tests.knowledge._samples import paragraph, parsed


def test_every_seed_paragraph_is_found_once_in_order():
    assert [p.number for p in parsed("hsn-2024-09-04").paragraphs] == list(range(94, 108))
    assert [p.number for p in parsed("vsu-2022-05-04").paragraphs] == list(range(23, 36))
    assert [p.number for p in parsed("hsu-2024-08-28").paragraphs] == list(range(64, 71))


def test_reference_at_a_line_start_is_not_a_paragraph():
    # vsu § 34: "Hälso- och sjukvårdsnämnden beslutade 2021-03-30 \n§53 om att en återredovisning …"
    assert 53 not in [p.number for p in parsed("vsu-2022-05-04").paragraphs]
    doc = parse_text("§ 4 Motion\n\nNämnden beslutade i\n§ 121. som gällde detta.\n(30 mars 2021 § 51)\n")
    assert [p.number for p in doc.paragraphs] == [4]
    assert "§ 121." in doc.paragraphs[0].text


def test_multi_line_titles_are_joined_and_stop_at_the_dnr_or_a_blank_line():
    assert paragraph("hsn-2024-09-04", 100).title == (
        "Återrapport av uppdrag om en prioritering och handlingsplan för hur den mobila tandvårdskliniken ska "
        "kunna nyttjas för annan vårdverksamhet"
    )
    assert paragraph("hsu-2024-08-28", 69).title == (  # bold across three lines
        "Återrapport - Projekt: Tillgänglighet och läkares arbetsvillkor inom primärvården i närsjukvårdsområde "
        "väster 2024–2026"
    )
    assert paragraph("hsn-2024-09-04", 94).title == "Val av justerare"


def test_dnr_in_every_format():
    text = (
        "§ 1 Ärende ett\nDiarienummer: 24HSN2937\n\n"
        "§ 2 Ärende två\nDnr HSN 2025/31\n\n"
        "§ 3 Ärende tre\n\nDnr: KS 2024/123\n\n"
        "§ 4 1379/22 Ärende fyra\n\n"
        "§ 5 Ärende fem\t\tHSN 656-2025\n\n"
        "§ 6 Ärende sex (Dnr KS 2023/9)\n\n"
        "§ 7 Ärende sju\n\nText utan nummer.\n"
    )
    doc = parse_text(text)
    assert [(p.title, p.dnr) for p in doc.paragraphs] == [
        ("Ärende ett", "24HSN2937"),
        ("Ärende två", "HSN 2025/31"),
        ("Ärende tre", "KS 2024/123"),
        ("Ärende fyra", "1379/22"),
        ("Ärende fem", "HSN 656-2025"),
        ("Ärende sex", "KS 2023/9"),
        ("Ärende sju", None),
    ]


def test_forts_header_and_repeated_header_continue_the_paragraph():
    text = (
        "§ 16 1379/22 Motion om kollektivtrafik\n\nBeslut\nKommunstyrelsen beslutar\n\natt avslå motionen.\n\n"
        "Sida 2(5)\nJusterandes sign Utdragsbestyrkande\n\n"
        "§ 16 1379/22 forts.\n\nReservationer\nEva Lind (V) reserverar sig mot beslutet.\n\n"
        "§ 17 Nästa ärende\n\nKommunstyrelsen beslutar att lägga informationen till handlingarna.\n"
    )
    doc = parse_text(text)
    assert [p.number for p in doc.paragraphs] == [16, 17]
    first = doc.paragraphs[0]
    assert first.title == "Motion om kollektivtrafik" and first.dnr == "1379/22"
    assert first.decision == ["att avslå motionen."]
    assert [(r.name, r.party) for r in first.reservations] == [("Eva Lind", "V")]
    assert "Justerandes sign" not in first.text and "Sida 2(5)" not in first.text


def test_paragraph_text_is_the_whole_cleaned_paragraph_without_signatures():
    p = paragraph("hsn-2024-09-04", 107)
    assert p.text.startswith("§ 107 Tilläggsbudget")
    assert "kostnadsnivåerna kan undvikas" in p.text
    assert "Ordförande Hälso- och sjukvårdsnämnden" not in p.text
    assert p.delges == ["Regiondirektören", "Ekonomidirektören"]


def test_labels_ärendeansvarig_and_handläggare():
    p = paragraph("hsu-2024-08-28", 66)  # "Ärendansvarig" misspelt in the protocol
    assert p.responsible == "Maria Strandberg"
    assert p.officer == "Henrik Kjellberg, Katarina Rask"


def test_title_after_the_dnr_line():
    doc = parse_text(
        "§ 45\nDnr 2024/00123\n\nMotion om cykelvägar\n\nKommunfullmäktige beslutar att avslå motionen.\n\n"
        "§ 46 Taxa\nDnr KS/2024:123\n\nBeslut\nKommunstyrelsen beslutar att anta taxan.\n"
    )
    assert [(p.number, p.title, p.dnr, p.decision) for p in doc.paragraphs] == [
        (45, "Motion om cykelvägar", "2024/00123", ["att avslå motionen."]),
        (46, "Taxa", "KS/2024:123", ["att anta taxan."]),
    ]


def test_dnr_after_the_title_in_parentheses_or_after_a_comma():
    for header in ("§ 45 Motion om cykelbanor (KS 2023/456)", "§ 45 Motion om cykelbanor, KS 2023/456",
                   "§ 45 Dnr KS 2023/456\nMotion om cykelbanor"):
        p = parse_text(header + "\n\nKommunfullmäktige beslutar att avslå motionen.\n").paragraphs[0]
        assert (p.title, p.dnr) == ("Motion om cykelbanor", "KS 2023/456"), header
    assert parse_text("§ 2 Status Q2-2024\n\nText.\n").paragraphs[0].dnr is None


def test_a_table_of_contents_does_not_make_paragraphs_of_its_own():
    text = (
        "Innehåll\n§ 1 Val av justerare ........ 2\n§ 2 Budget 2025 ........ 3\n\n"
        "§ 1 Val av justerare\n\nNämnden beslutar att utse Anna Berg (S) att justera.\n\n"
        "§ 2 Budget 2025\nDnr KS 2024/9\n\nBeslut\nNämnden beslutar\n\natt anta budgeten.\n"
    )
    doc = parse_text(text)
    assert [(p.number, p.title, p.dnr, p.decision) for p in doc.paragraphs] == [
        (1, "Val av justerare", None, ["att utse Anna Berg (S) att justera."]),
        (2, "Budget 2025", "KS 2024/9", ["att anta budgeten."]),
    ]
