"""Decisions: att-clauses in every shape, proposals, and Beslut wherever it stands."""

from knowledge.parse import parse_text
from knowledge.parse.decisions import parse_decision
from tests.knowledge._samples import paragraph


def test_lead_in_and_clauses_on_lines_of_their_own():
    p = paragraph("hsn-2024-09-04", 99)
    assert p.decision == [
        "att fastställa föreslagen Digitaliseringsstrategi för åren 2025–2027; samt",
        "att Digitaliseringsstrategi 2025–2027 är den sista och att den fr.o.m. 2028 inarbetas i regionplanen.",
    ]
    assert p.is_proposal and p.proposal_to == "Regionfullmäktige"


def test_wrapped_clause_is_joined_and_a_hyphenated_word_keeps_its_hyphen():
    p = paragraph("hsn-2024-09-04", 107)
    assert p.decision[0].endswith("till de somatiska slutenvård-verksamheterna inom hälso-och Sjukvården.")
    assert p.decision[2] == "att förklara paragrafen för omedelbart justerad."
    assert not p.is_proposal  # "beslutar för egen del": not only a proposal


def test_paragraph_without_headings_keeps_its_decision():
    assert paragraph("hsn-2024-09-04", 95).decision == ["att fastställa upprättat förslag till föredragningslista."]


def test_beslut_after_beslutsunderlag_is_the_decision():
    # vsu § 25: "Beslutsunderlag / Beredning av …" comes before "Beslut:"
    p = paragraph("vsu-2022-05-04", 25)
    assert p.decision == ["att lägga informationen till handlingarna."]
    assert "beslutsunderlag" in p.sections and "Beredning av" in p.sections["beslutsunderlag"]
    assert list(p.sections).index("beslutsunderlag") < list(p.sections).index("beslut")


def test_utskott_proposal_to_the_nämnd():
    p = paragraph("hsu-2024-08-28", 66)
    assert p.is_proposal and p.proposal_to == "Hälso- och sjukvårdsnämnden"
    p = paragraph("hsu-2024-08-28", 70)  # "beslutar att föreslå hälso- och sjukvårdsnämnden besluta"
    assert p.is_proposal and p.proposal_to == "Hälso- och sjukvårdsnämnden"
    assert not paragraph("hsn-2024-09-04", 98).is_proposal  # decided "på utskottets förslag"


def test_beslutar_att_on_one_line():
    d = parse_decision(["Kommunstyrelsen beslutar att anta planen för 2025."])
    assert d.clauses == ["att anta planen för 2025."] and d.body == "Kommunstyrelsen"


def test_numbered_att_list():
    d = parse_decision([
        "Nämnden föreslår att kommunfullmäktige beslutar",
        "1. att avslå motionen,",
        "2) att uppdra åt förvaltningen att utreda",
        "   frågan vidare.",
        "- att redovisa senast i juni.",
    ])
    assert d.clauses == ["att avslå motionen,", "att uppdra åt förvaltningen att utreda frågan vidare.",
                         "att redovisa senast i juni."]
    assert d.is_proposal and d.proposal_to == "Kommunfullmäktige"


def test_decision_without_att_gives_its_sentences():
    doc = parse_text("§ 3 Motion om X\n\nBeslut\nKommunfullmäktige avslår motionen. Ärendet är avslutat.\n")
    assert doc.paragraphs[0].decision == ["Kommunfullmäktige avslår motionen.", "Ärendet är avslutat."]


def test_lead_in_ending_in_besluta_is_not_a_clause():
    d = parse_decision(["Nämnden beslutar", "att föreslå regionstyrelsen besluta", "", "att anta X."])
    assert d.clauses == ["att anta X."]


def test_förslag_till_beslut_is_used_when_there_is_no_beslut():
    doc = parse_text("§ 8 Ärende\n\nFörslag till beslut\nUtskottet föreslår att nämnden beslutar\n\natt anta X.\n")
    assert doc.paragraphs[0].decision == ["att anta X."]
    assert doc.paragraphs[0].is_proposal


def test_beslut_that_refers_to_the_proposal_takes_its_clauses():
    for said in ("Nämnden beslutar enligt förslaget.", "Nämnden bifaller arbetsutskottets förslag.",
                 "Kommunstyrelsen beslutar i enlighet med förvaltningens förslag."):
        text = f"§ 1 Plan\n\nFörslag till beslut\nNämnden föreslås besluta\n\natt anta planen.\n\nBeslut\n{said}\n"
        assert parse_text(text).paragraphs[0].decision == ["att anta planen."], said
    text = "§ 1 Plan\n\nFörslag till beslut\natt anta planen.\n\nBeslut\nNämnden avslår förslaget.\n"
    assert parse_text(text).paragraphs[0].decision == ["Nämnden avslår förslaget."]
