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


# --- real protocols (../shared/real): Alingsås as the layout step reads the PDF ("## " is a bold
# row), Göteborg as plain text; and other municipalities' wordings of the same conventions -----


def _one(text: str):
    """The only § of ``text``."""
    [p] = parse_text(text).paragraphs
    return p


def _beslut(lines: str) -> list[str]:
    return parse_decision(lines.split("\n")).clauses


def test_proposal_sub_heading_under_beslut_is_a_proposal_to_that_body():
    # Alingsås KS 2026-06-15 § 112
    p = _one("""§ 112 2026.272 KS

## Budget 2027 och ramar 2028-2029 för AVRF

## Ärendebeskrivning
Kommunstyrelsens arbetsutskott har den 3 juni 2026, § 84 behandlat ärendet.
## Beslut
## Förslag till beslut i kommunfullmäktige
Budget 2027 och ramar 2028–2029 och investeringsbudget för 2027–2031 för Alingsås och
Vårgårda Räddningstjänstförbund godkänns.

## Beslutsunderlag
• §84 KSAU Budget 2027 och ramar 2028-2029 för AVRF
""")
    assert p.decision == ["Budget 2027 och ramar 2028–2029 och investeringsbudget för 2027–2031 för Alingsås och "
                          "Vårgårda Räddningstjänstförbund godkänns."]
    assert p.is_proposal and p.proposal_to == "Kommunfullmäktige"


def test_the_same_sub_heading_in_plain_text_and_in_other_wordings():
    for heading in ("Förslag till beslut i kommunfullmäktige", "Förslag till kommunfullmäktige",
                    "Kommunstyrelsens förslag till kommunfullmäktige:"):
        d = parse_decision([heading, "Felparkeringsavgifter i Alingsås kommun antas"])
        assert d.clauses == ["Felparkeringsavgifter i Alingsås kommun antas"], heading
        assert d.is_proposal and d.proposal_to == "Kommunfullmäktige", heading


def test_own_decision_and_proposal_in_one_beslut_is_not_all_a_proposal():
    # Alingsås TN 2026-05-18 § 28: the nämnd approves, and proposes to KF
    d = parse_decision(["Förvaltningens förslag godkänns", "", "## Förslag till beslut i kommunfullmäktige",
                        "Felparkeringsavgifter i Alingsås kommun antas", ""])
    assert d.clauses == ["Förvaltningens förslag godkänns", "Felparkeringsavgifter i Alingsås kommun antas"]
    assert not d.is_proposal and d.proposed_to == [None, "Kommunfullmäktige"]


def test_goteborg_own_decision_then_tillstyrker_and_proposal():
    # Göteborg KS 2024-04-10 § 272
    d = parse_decision(_lines("""
Enligt stadsledningskontorets förslag:
Verksamheten i stadens bolag har under 2023 varit förenlig med det fastställda
kommunala ändamålet och utförts inom ramen för de kommunala befogenheterna.
Kommunstyrelsen tillstyrker stadsledningskontorets förslag och föreslår att
kommunfullmäktige beslutar:
Göteborgs Stads årsredovisning för 2023, i enlighet med bilagan till
stadsledningskontorets tjänsteutlåtande, godkänns.
"""))
    assert d.clauses == [
        "Verksamheten i stadens bolag har under 2023 varit förenlig med det fastställda kommunala ändamålet och "
        "utförts inom ramen för de kommunala befogenheterna.",
        "Göteborgs Stads årsredovisning för 2023, i enlighet med bilagan till stadsledningskontorets "
        "tjänsteutlåtande, godkänns.",
    ]
    assert d.proposed_to == [None, "Kommunfullmäktige"] and not d.is_proposal


def _lines(text: str) -> list[str]:
    return text.strip("\n").split("\n")


GOTEBORG_KS = """Göteborgs Stad Kommunstyrelsen protokoll

Kommunstyrelsen

Protokoll nr 11
Sammanträdesdatum: 2024-04-10

§ 275 Ärendenummer SLK-2024-00048
Bokslutsberedning avseende 2023
Beslut

På förslag av ordföranden Jonas Attenius (S):
Ärendet bordläggs till sammanträdet den 24 april 2024.

Handling

Stadsledningskontorets tjänsteutlåtande den 18 mars 2024.

§ 286 Ärendenummer SLK-2024-00224
Laglighetsprövning i mål 2557-24, överklagande av kommunstyrelsens beslut
Beslut

Enligt stadsledningskontorets förslag:
Som yttrande i mål nr 2557-24, laglighetsprövning enligt kommunallagen, översänds
bilaga 3 till stadsledningskontorets tjänsteutlåtande till förvaltningsrätten.

Justering

Protokollet under denna paragraf förklaras omedelbart justerat.

Handlingar

Stadsledningskontorets tjänsteutlåtande den 12 mars 2024.
Yrkande från L den 5 april 2024.

§ 288 Ärendenummer SLK-2024-00026
Val av ledamot i Göteborgs Stads HBTQI-råd i stället för Emma Altenhammar (SD)
Beslut

Till ledamot i Göteborgs Stads HBTQI-råd i stället för Emma Altenhammar (SD) för tiden
till och med 2026 utses Hanna Sadeghitehrani (SD).

Protokollsutdrag skickas till
Göteborgs Stads HBTQI-råd
Hanna Sadeghitehrani
Valberedningen

§ 309 Ärendenummer SLK-2023-00816
Motion av AnnaSara Perslow (C) om att möjliggöra för verksamheter att använda
kommunala lokaler
Beslut

Kommunstyrelsen föreslår att kommunfullmäktige beslutar:
Den av AnnaSara Perslow väckta motionen avslås.

Tidigare behandling

Bordlagt den 20 mars 2024, § 230.

§ 317 Ärendenummer SLK-2024-00025
Inkomna remisser till Göteborgs Stad, 2024
Beslut

Antecknas.

Handling

Inkomna remisser till Göteborgs Stad, 2024.
"""


def test_goteborg_text_lead_lines_and_headings_without_marks():
    paragraphs = {p.number: p for p in parse_text(GOTEBORG_KS).paragraphs}
    assert paragraphs[275].decision == ["Ärendet bordläggs till sammanträdet den 24 april 2024."]
    assert paragraphs[286].decision == [
        "Som yttrande i mål nr 2557-24, laglighetsprövning enligt kommunallagen, översänds bilaga 3 till "
        "stadsledningskontorets tjänsteutlåtande till förvaltningsrätten."]
    assert paragraphs[288].decision == ["Till ledamot i Göteborgs Stads HBTQI-råd i stället för Emma Altenhammar (SD) "
                                        "för tiden till och med 2026 utses Hanna Sadeghitehrani (SD)."]
    assert paragraphs[309].decision == ["Den av AnnaSara Perslow väckta motionen avslås."]
    assert paragraphs[309].is_proposal and paragraphs[309].proposal_to == "Kommunfullmäktige"
    assert paragraphs[317].decision == ["Antecknas."]  # a decision formula, not the heading "Antecknas"
    assert not any(paragraphs[n].is_proposal for n in (275, 286, 288, 317))


def test_goteborg_numbered_lists_around_leads():
    # Göteborg KS 2025-06-11 § 552: a proposal list, then the styrelse's own decision
    d = parse_decision(_lines("""
Kommunstyrelsen tillstyrker stadsledningskontorets förslag och föreslår att
kommunfullmäktige beslutar:
1. Göteborgs Stads riktlinje för hantering av ägarstyrda investeringar, i enlighet med
bilaga 14 till stadsledningskontorets tjänsteutlåtande, antas.
2. Göteborgs Stads riktlinje för beslutsnivåer vid investering i och inhyrning av samt
inriktning för att äga eller hyra kommunala verksamhetslokaler revideras i enlighet
med bilaga 15 till stadsledningskontorets tjänsteutlåtande.
Enligt stadsledningskontorets förslag:
Kommunstyrelsens uppdrag 2021-12-15 § 996 till stadsledningskontoret om att arbeta
fram förslag till principer för Göteborgs Stads investeringsstyrning, antecknas och
förklaras fullgjort.
"""))
    assert [c.split(",")[0] for c in d.clauses] == [
        "Göteborgs Stads riktlinje för hantering av ägarstyrda investeringar",
        "Göteborgs Stads riktlinje för beslutsnivåer vid investering i och inhyrning av samt inriktning för att äga "
        "eller hyra kommunala verksamhetslokaler revideras i enlighet med bilaga 15 till stadsledningskontorets "
        "tjänsteutlåtande.",
        "Kommunstyrelsens uppdrag 2021-12-15 § 996 till stadsledningskontoret om att arbeta fram förslag till "
        "principer för Göteborgs Stads investeringsstyrning"]
    assert d.proposed_to == ["Kommunfullmäktige", "Kommunfullmäktige", None]
    # Göteborg KF 2023-02-23 § 28: "att" opening a wrapped line inside an item goes on with it
    d = parse_decision(_lines("""
Enligt stadsledningskontorets förslag och tilläggsyrkande från M, D, L och KD i
kommunstyrelsen:
1. Socialnämnderna Centrum, Hisingen, Nordost och Sydväst får i uppdrag att inrätta
särskilda FUT-funktioner med uppdrag att utreda felaktiga utbetalningar samt
samverka i arbetet mot välfärdsbrott inom staden.
2. Nämnden för funktionsstöd och äldre samt vård- och omsorgsnämnden får i uppdrag
att stärka arbetet mot välfärdsbrott i enlighet med vad som framgår av
stadsledningskontorets tjänsteutlåtande.
"""))
    assert d.clauses[1] == ("Nämnden för funktionsstöd och äldre samt vård- och omsorgsnämnden får i uppdrag att "
                            "stärka arbetet mot välfärdsbrott i enlighet med vad som framgår av "
                            "stadsledningskontorets tjänsteutlåtande.")
    assert len(d.clauses) == 2 and not d.is_proposal


def test_goteborg_a_blank_line_inside_a_numbered_list_and_an_item_without_full_stop():
    # Göteborg KS 2025-06-11 § 558 (shortened)
    d = parse_decision(_lines("""
4. Redovisning av kommunfullmäktiges uppdrag, 2024-06-19, § 265, att utreda för- och
nackdelar med att flytta ansvaret för skolskjuts till stadsmiljönämnden, antecknas och
förklaras fullgjort.

5. Justering av Göteborgs Stads regler för ekonomisk planering, budget och uppföljning,
i enlighet med vad som framgår i stadsledningskontorets tjänsteutlåtande, godkänns.
6. Stadsfastighetsnämndens hemställan om att inte behöva återställa 2024 års ej
beviljade underskott under 2025 godkänns.
7. Business Region Göteborg AB hemställan om utökad kommuncentral avsättning för
ägarfinansiering till Lindholmen Science Park AB om 400 tkr för 2025 och framåt
godkänns
8. Inköps- och upphandlingsnämndens hemställan om utökat kommunbidrag om
1,5 mnkr från år 2025 och framåt godkänns.
"""))
    assert len(d.clauses) == 5
    assert d.clauses[3].endswith("om 400 tkr för 2025 och framåt godkänns")  # verbatim, no stop added


def test_goteborg_an_account_after_the_decision_is_not_part_of_it():
    # Göteborg KF 2023-02-23 § 34
    assert _beslut("""
Antecknas.

Efter kommunfullmäktiges sammanträde den 26 januari 2023 har följande motioner och
en skrivelse inkommit till kommunfullmäktige.
En motion har återtagits av motionärerna.
Motioner
2023-01-25
""") == ["Antecknas."]


def test_goteborg_a_spaced_dash_that_wraps_is_no_list_item():
    # Göteborg KS 2024-04-10 § 271
    assert _beslut("""
Marina Johansson (S) anmäler jäv under paragraf 313: Göteborgsförslag 12879 för beslut
- Leksaksbibliotek.
""") == ["Marina Johansson (S) anmäler jäv under paragraf 313: Göteborgsförslag 12879 för beslut - Leksaksbibliotek."]


def test_a_leftover_running_header_date_is_no_entry():
    # Göteborg KF 2023-02-23 § 3: "Sammanträdesdatum: …" left between the decision and the next §
    p = _one("""§ 3 Anmälan av länsstyrelsens beslut

Beslut

Länsstyrelsens beslut antecknas.



Sammanträdesdatum: 2023-02-23
""")
    assert p.decision == ["Länsstyrelsens beslut antecknas."]


def test_lists_under_their_own_heading_after_the_decision_are_not_entries():
    # Alingsås KS 2026-06-15 § 121 ("Delegationsbeslut"), TN 2026-05-18 § 29 ("Bilaga"),
    # KF 2026-06-10 § 116 ("Anteckning")
    assert _beslut("""Redovisningen godkänns.

## Delegationsbeslut
• 2026.276 KS-001\tDelegationsbeslut exploateringsingenjör - Enligt punkt 5.22 - Avtal om
överlåtelse av arrende, Tuvebo 1:45
""") == ["Redovisningen godkänns."]
    assert _beslut("Cykelplan för Alingsås kommun antas.\n\n## Bilaga\nCykelplan för Alingsås kommun\n") == [
        "Cykelplan för Alingsås kommun antas."]
    assert _beslut("Planförslaget antas.\n\n## Anteckning\nSebastian Aronsson (S) lämnar följande "
                   "protokollsanteckning:\nSocialdemokraterna konstaterar att det finns behov av nya förskolor.\n") == [
        "Planförslaget antas."]
    # the same in plain text: a short heading standing apart, then its list or its text
    assert _beslut("Redovisningen godkänns.\n\nDelegationsbeslut\n• 2026.276 KS-001 Avtal om arrende\n") == [
        "Redovisningen godkänns."]
    assert _beslut("Planförslaget antas.\n\nAnteckning\nSebastian Aronsson (S) lämnar följande protokollsanteckning:\n"
                   "Socialdemokraterna konstaterar att det finns behov av nya förskolor.\n") == ["Planförslaget antas."]


def test_a_distribution_list_whose_label_was_lost_is_not_an_entry():
    # Alingsås KF 2018-03-28 § 29/§ 36: "Expedieras till" stood in the page margin, taken away as
    # page furniture; the recipients it labelled follow the decision
    assert _beslut("\n## Kommunfullmäktiges beslut:\nAvsägelsen beviljas.\n\n"
                   "M. Barkhage Foster, BUN, Klk-lön, Klk-kansli") == ["Avsägelsen beviljas."]
    assert _beslut("Avsägelsen beviljas.\n\nL. Pettersson. SBN, Klk-lön, Klk-kansli") == ["Avsägelsen beviljas."]


def test_dash_list_items_and_their_lead_sentence():
    # Alingsås KF 2018-03-28 § 57
    assert _beslut("""
Tillsynsavgifter för vissa receptbelagda läkemedel, folköl, tobak och e-cigaretter
godkänns. Tillsynsavgiften tas ut enligt följande:
- En produkt: 2 000 kr
- Två produkter: 3 000 kr
- Tre produkter: 4 000 kr
- Fyra produkter: 5 000 kr
- Avgift om fler än ett besök per år: 2 000 kr.

Avgifterna träder i kraft den 1 maj 2018.""") == [
        "Tillsynsavgifter för vissa receptbelagda läkemedel, folköl, tobak och e-cigaretter godkänns.",
        "Tillsynsavgiften tas ut enligt följande:",
        "En produkt: 2 000 kr", "Två produkter: 3 000 kr", "Tre produkter: 4 000 kr", "Fyra produkter: 5 000 kr",
        "Avgift om fler än ett besök per år: 2 000 kr.",
        "Avgifterna träder i kraft den 1 maj 2018.",
    ]


def test_numbered_items_keep_their_sentences_and_a_nested_dash_list():
    # Alingsås KF 2018-03-28 § 55
    assert _beslut("""
1. Vision för Alingsås 2040 antas enligt följande lydelse:
Alingsås är Västsveriges vackraste kulturstad i en levande bygd.
Genom nytänkande, engagemang och tillgänglighet skapar vi livskvalitet för alla.

2. Tillsammans med visionstexten antas fem fokusområden som skall kommuniceras
tillsammans med vision 2040. Fokusområdena pekar ut de områden
som är särskilt viktiga i strategin för att uppnå vision 2040.
De fem fokusområdena är
-Vackra miljöer
-Livskvalitet
-Experimentlust
-Omställning
-Tillsammans

3. Kommunstyrelsen får i uppdrag utarbeta ett ”Brev från framtiden” på visionstemat.
""") == [
        "Vision för Alingsås 2040 antas enligt följande lydelse: Alingsås är Västsveriges vackraste kulturstad i en "
        "levande bygd. Genom nytänkande, engagemang och tillgänglighet skapar vi livskvalitet för alla.",
        "Tillsammans med visionstexten antas fem fokusområden som skall kommuniceras tillsammans med vision 2040. "
        "Fokusområdena pekar ut de områden som är särskilt viktiga i strategin för att uppnå vision 2040. "
        "De fem fokusområdena är -Vackra miljöer -Livskvalitet -Experimentlust -Omställning -Tillsammans",
        "Kommunstyrelsen får i uppdrag utarbeta ett ”Brev från framtiden” på visionstemat.",
    ]


def test_leads_that_decide_are_entries_and_quoted_stops_end_nothing():
    # Alingsås KS 2026-06-15 § 115 (shortened) and § 116
    assert _beslut("""Kommunstyrelsen antar tekniska nämndens förslag till inspel till strategiska vägval för
storregional kollektivtrafik enligt bilaga 1, med följande ändringar:
Följande stycke läggs till efter meningen ”Kommunen ser också att det är angeläget att ta
höjd för teknikutveckling som kan påverka förutsättningarna och behoven avsevärt.”:

Alingsås kommun vill betona att den storregionala kollektivtrafikplaneringen även behöver
omfatta landsbygden. Möjligheten att bo på landsbygden är beroende av att det finns en
grundläggande kollektivtrafik.

Följande tre punkter läggs till sist under rubriken ”Gällande busstrafiken vill Alingsås särskilt
betona:”:

- Landsbygdsresor måste värderas utifrån tillgänglighet, inte enbart resandevolymer. Trafik
på landsbygden fyller en viktig funktion även där resandeunderlaget är mindre.
- Närtrafiken behöver utvecklas som en del av kollektivtrafiksystemet.
""") == [
        "Kommunstyrelsen antar tekniska nämndens förslag till inspel till strategiska vägval för storregional "
        "kollektivtrafik enligt bilaga 1, med följande ändringar:",
        "Följande stycke läggs till efter meningen ”Kommunen ser också att det är angeläget att ta höjd för "
        "teknikutveckling som kan påverka förutsättningarna och behoven avsevärt.”:",
        "Alingsås kommun vill betona att den storregionala kollektivtrafikplaneringen även behöver omfatta "
        "landsbygden.",
        "Möjligheten att bo på landsbygden är beroende av att det finns en grundläggande kollektivtrafik.",
        "Följande tre punkter läggs till sist under rubriken ”Gällande busstrafiken vill Alingsås särskilt "
        "betona:”:",
        "Landsbygdsresor måste värderas utifrån tillgänglighet, inte enbart resandevolymer. Trafik på landsbygden "
        "fyller en viktig funktion även där resandeunderlaget är mindre.",
        "Närtrafiken behöver utvecklas som en del av kollektivtrafiksystemet.",
    ]
    assert _beslut("""Förslag till ramar för kommunens nämnder 2027-2029 godkänns, med följande två tillägg:

1. Vård- och omsorgsnämnden föreslås tillföras 13 miljoner kronor under 2027.
2. Barn- och ungdomsnämnden föreslås få 12 miljoner kronor under 2027.""") == [
        "Förslag till ramar för kommunens nämnder 2027-2029 godkänns, med följande två tillägg:",
        "Vård- och omsorgsnämnden föreslås tillföras 13 miljoner kronor under 2027.",
        "Barn- och ungdomsnämnden föreslås få 12 miljoner kronor under 2027.",
    ]


def test_a_line_ending_in_a_colon_ends_the_sentence_and_a_hyphen_joins_a_range():
    # Alingsås KF 2018-03-28 § 62 (shortened)
    assert _beslut("""## Kommunfullmäktiges beslut:
Göteborgsregionens kommunalförbund (GR) förslag till verksamhetsinriktning 2017-
2019 och budget för 2019 godkänns med följande tillägg:
GR ska utreda möjligheten att stötta medlemskommunerna för ökad lokal
livsmedelsproduktion. En kartläggning av jordbruksmark är nödvändig.""") == [
        "Göteborgsregionens kommunalförbund (GR) förslag till verksamhetsinriktning 2017-2019 och budget för 2019 "
        "godkänns med följande tillägg:",
        "GR ska utreda möjligheten att stötta medlemskommunerna för ökad lokal livsmedelsproduktion.",
        "En kartläggning av jordbruksmark är nödvändig.",
    ]


def test_abbreviation_stops_end_no_sentence():
    # Alingsås KS 2026-06-15 § 117
    assert _beslut("""Föreningen Holmalund City FF (org.nr. 864000-1015) beviljas ett investeringsbidrag om
maximalt hälften av föreningens totala utgift, men maximalt 400 000 kronor.""") == [
        "Föreningen Holmalund City FF (org.nr. 864000-1015) beviljas ett investeringsbidrag om maximalt hälften av "
        "föreningens totala utgift, men maximalt 400 000 kronor."]


def test_a_title_with_a_full_stop_in_the_decision_and_beslutar_att_after_another_verb():
    # Alingsås KUN 2026-06-17 § 63
    p = _one("""§ 63 2026.123 KUN

## Sätt Alingsås i rörelse. Program för idrott, rörelse och friluftsliv i Alingsås kommun 2027-2030

## Beslut
Kultur- och utbildningsnämnden godkänner förslag till Sätt Alingsås i rörelse. Program för
idrott, rörelse och friluftsliv 2027–2030 och beslutar att remittera programmet till samtliga
nämnder och bolag inom Alingsås kommun samt till berörda råd för yttrande.
""")
    assert p.decision == [
        "Kultur- och utbildningsnämnden godkänner förslag till Sätt Alingsås i rörelse. Program för idrott, rörelse "
        "och friluftsliv 2027–2030 och beslutar att remittera programmet till samtliga nämnder och bolag inom "
        "Alingsås kommun samt till berörda råd för yttrande."]


def test_beslutar_att_beside_another_sentence():
    # Alingsås BUN 2026-05-26 § 35 (shortened)
    assert _beslut("""Nyckelkodsområdena för Ingared, Hemsjö och Ödenäs flyttas från Gustav Adolfsskolans
planeringsområde till ett nytt planeringsområde för Ingaredsskolan 7–9.
Barn- och ungdomsnämnden beslutar att flytta Kullingsberg och Stadsskogens nyckelkoder
(111021,114020) från Nolhagaskolans planeringsområde till Gustav
Adolfsskolans planeringsområde.""") == [
        "Nyckelkodsområdena för Ingared, Hemsjö och Ödenäs flyttas från Gustav Adolfsskolans planeringsområde till "
        "ett nytt planeringsområde för Ingaredsskolan 7–9.",
        "att flytta Kullingsberg och Stadsskogens nyckelkoder (111021,114020) från Nolhagaskolans planeringsområde "
        "till Gustav Adolfsskolans planeringsområde.",
    ]
    assert _beslut("Byggnadsnämnden beslutade att bevilja bygglov.") == ["att bevilja bygglov."]
    assert _beslut("Om nämnden beslutar att bevilja bygglov ska avgift tas ut.") == [
        "Om nämnden beslutar att bevilja bygglov ska avgift tas ut."]


def test_a_decision_formula_without_a_beslut_heading():
    # Alingsås KUN 2026-06-17 § 75 (under the title) and BUN 2026-05-26 § 40 (under "Sammanfattning")
    p = _one("""§ 75

## Meddelanden för kännedom
Informationen noteras.
## Anmälningar
• 2026.078 KUN-004 Hyresavtal Alingsås Konståkningsklubb 2026-03-01 till 2028-05-
31 Nolhaga Ishall
""")
    assert p.decision == ["Informationen noteras."]
    p = _one("""§ 40

## Anmälningar för kännedom

## Sammanfattning
Meddelandena noteras.
## Anmälningar
• Revidering av riktlinjer av missförhållanden av allmänt intresse i Alingsås kommun
""")
    assert p.decision == ["Meddelandena noteras."]


def test_a_paragraph_without_a_deciding_sentence_has_no_decision():
    # Alingsås KF 2018-03-28 § 63: an enkel fråga, its history told in the past tense
    p = _one("""§ 63 2018.182 KS

## Enkel fråga till kommunstyrelsens ordförande angående olycksfallsförsäkring på barn och elevers fritid

## Fråga
Den 21 februari 2017 beslutade barn- och ungdomsnämnden att överlämna
principfrågan om vilken nämnd som kan fatta beslut om olycksfallsförsäkring för barn
och elever på fritiden, till kommunstyrelsen.
Kommunstyrelsens arbetsutskott beslutade den 16 augusti 2017 att återremittera
ärendet.
""")
    assert p.decision == []
    # Göteborg KF 2023-02-23 § 8: a question's wrapped line starting with "att"
    p = _one("""§ 8
Frågestund
Fråga 5
Jörgen Fogelklou (SD) ställer en fråga som lyder: Hur ska ni kunna attrahera tillbaka den personal som valt
att gå över och arbeta i den privata regin?

Kommunstyrelsens ordförande Jonas Attenius (S) besvarar frågan.
""")
    assert p.decision == []
    # Alingsås TN 2026-05-18 § 25: the nämnd's letter, told in the information listing
    p = _one("""§ 25

## Information och föredragningar
Information från förvaltningen
• Playa Mjörn invigd
Fokusområde: Park, natur och teknisk service
Tekniska nämnden skickar skrivelse till Västtrafik med synpunkter kring problem för
kollektivtrafikresenärer, dnr 2026.115 TEN.
""")
    assert p.decision == []


def test_ordförande_opening_a_sentence_under_a_heading_is_no_signature():
    # Alingsås KUN 2026-06-17 § 64: the § went on after "## Beslutsgång / Ordförande ställer …"
    p = _one("""§ 64 2026.102 KUN

## Genomlysning 2026-2027 kultur- och utbildningsnämnden

## Beslutsgång
Ordförande ställer arbetsutskottets förslag till beslut mot Anne Gunnevik och Alexander
Wikhalls förslag till beslut och finner att nämnden beslutar enligt Anne Gunnevik och
Alexander Wikhalls förslag.

## Beslut
Kultur- och utbildningsnämnden beslutar att anta genomlysning 2026-2027 enligt Anne
Gunnvik (L) och Alexander Wikhalls (S) förslag.
""")
    assert p.decision == ["att anta genomlysning 2026-2027 enligt Anne Gunnvik (L) och Alexander Wikhalls (S) förslag."]


def test_a_table_in_a_decision_gives_its_lead_sentence():
    assert _beslut("""Taxan fastställs enligt följande tabell:
| Avgift | Kronor |
|---|---|
| Tillsyn | 1 200 |
Taxan gäller från den 1 januari 2027.""") == ["Taxan fastställs enligt följande tabell:",
                                              "Taxan gäller från den 1 januari 2027."]


def test_announcements_in_other_wordings_are_not_entries():
    for lead in ("Socialnämnden beslutar:", "Socialnämnden beslutar enligt följande:", "Miljönämndens beslut:",
                 "Nämnden fattar följande beslut:", "I enlighet med arbetsutskottets förslag:",
                 "Kommunstyrelsen beslutar på arbetsutskottets förslag:",
                 "Kommunstyrelsen beslutar för egen del:"):
        d = parse_decision([lead, "1. Planen antas.", "2. Förvaltningen får i uppdrag att följa upp planen."])
        assert d.clauses == ["Planen antas.", "Förvaltningen får i uppdrag att följa upp planen."], lead
        assert not d.is_proposal, lead
    for lead in ("Kommunstyrelsen föreslår kommunfullmäktige besluta följande:",
                 "Kommunstyrelsen föreslår att kommunfullmäktige beslutar:",
                 "Bildningsnämnden tillstyrker förvaltningens förslag och föreslår kommunfullmäktige att besluta:"):
        d = parse_decision([lead, "• Planen antas.", "• Taxan höjs med 2 procent."])
        assert d.clauses == ["Planen antas.", "Taxan höjs med 2 procent."], lead
        assert d.is_proposal and d.proposal_to == "Kommunfullmäktige", lead


def test_own_part_and_proposal_in_other_wordings():
    d = parse_decision(_lines("""
Kommunstyrelsen beslutar för egen del:
1. Förvaltningen får i uppdrag att ta fram en plan.
Kommunstyrelsen föreslår kommunfullmäktige besluta följande:
1. Taxan för 2027 antas.
"""))
    assert d.clauses == ["Förvaltningen får i uppdrag att ta fram en plan.", "Taxan för 2027 antas."]
    assert d.proposed_to == [None, "Kommunfullmäktige"] and not d.is_proposal
    # an utskott to its nämnd, the nämnd unnamed
    d = parse_decision(["Arbetsutskottet föreslår att nämnden beslutar:", "Rapporten läggs till handlingarna."])
    assert d.clauses == ["Rapporten läggs till handlingarna."] and d.proposal_to == "Nämnden"


def test_a_sentence_that_proposes_in_so_many_words():
    d = parse_decision(["Kommunstyrelsen föreslår kommunfullmäktige att anta taxan för 2027."])
    assert d.clauses == ["Kommunstyrelsen föreslår kommunfullmäktige att anta taxan för 2027."]
    assert d.is_proposal and d.proposal_to == "Kommunfullmäktige"
    d = parse_decision(["Kommunstyrelsen godkänner rapporten.",
                        "Kommunstyrelsen föreslår kommunfullmäktige att anta taxan för 2027."])
    assert d.proposed_to == [None, "Kommunfullmäktige"] and not d.is_proposal
    # "föreslås" is the förvaltning's proposal, decided here: the § decides for itself
    assert not parse_decision(["Vård- och omsorgsnämnden föreslås tillföras 13 miljoner kronor under 2027."]).is_proposal
