"""ParsedDocuments built by hand from the bundled sample protocols (knowledge/samples/*.txt).

Store and query tests use these so that they do not depend on the parser; the values are
those of the real protocols (HSU 2024-08-28, HSN 2024-09-04, VSU 2022-05-04, the HSN plan).
"""

from __future__ import annotations

from datetime import date

from knowledge.parse.model import (
    Attendee,
    Figure,
    Motion,
    Note,
    Paragraph,
    ParsedDocument,
    Person,
    PreparedBy,
    Reservation,
    ScheduleChange,
)

HSN = "Hälso- och sjukvårdsnämnden"
HSU = "Hälso- och sjukvårdsutskottet"
VSU = "Välfärd- och samverkansutskottet"

T98 = "Förslag till reviderad handlingsplan för kostnadsreduceringar inom hälso- och sjukvården"
T_MOBIL = (
    "Återrapport av uppdrag om en prioritering och handlingsplan för hur den mobila "
    "tandvårdskliniken ska kunna nyttjas för annan vårdverksamhet"
)
T_PRIMAR = (
    "Återrapport - Projekt: Tillgänglighet och läkares arbetsvillkor inom primärvården i "
    "närsjukvårdsområde väster 2024–2026"
)
T_FOLK = "Återrapport av projekt inom Folktandvården – tandvård för att nå fler vuxna utifrån behov"
T_DIGI = "Digitaliseringsstrategi 2025 – 2027"
RES_TEXT = (
    "Eftersom det i handlingsplanen nämns så många olika besparingsåtgärder från "
    "strukturförändringar, förändringar av verksamheter, neddragning av disponibla vårdplatser "
    "och avveckling av jourlinjer så behövs det åtminstone välgjorda underlag med risk- och "
    "konsekvensanalyser innan beslut och verkställighet."
)
NOTE_TEXT = (
    "Uppdraget att ta fram kostnadsreduceringar kommer sig av den svåra situationen ekonomiskt "
    "såväl som verksamhetsmässigt regionen befinner sig i."
)
D98 = (
    "att ge hälso- och sjukvårdsdirektören i uppdrag att återkomma med en redovisning av "
    "åtgärder och utfall enligt lagd plan."
)


def _routine(number: int, title: str, clause: str) -> Paragraph:
    return Paragraph(number=number, title=title, decision=[clause], routine=True, text=clause)


def hsu_2024_08_28() -> ParsedDocument:
    return ParsedDocument(
        kind="protocol",
        body=HSU,
        meeting_date=date(2024, 8, 28),
        time="09:15-12:00",
        place="Digitalt möte i Teams",
        chair="Elina Backlund Arab",
        attendance=[
            Attendee(name="Elina Backlund Arab", party="S", role="ordförande"),
            Attendee(name="Pia Lundin", party="SJVP", role="ledamot"),
            Attendee(name="Viktoria Jansson", party="M", role="ledamot"),
        ],
        paragraphs=[
            _routine(64, "Val av justerare", "att utse Pia Lundin (SJVP) att jämte ordföranden justera protokollet."),
            _routine(65, "Fastställande av föredragningslista", "att fastställa upprättat förslag till föredragningslista."),
            Paragraph(
                number=66,
                title=T98,
                dnr="23HSN2705",
                decision=[D98],
                is_proposal=True,
                proposal_to=HSN,
                abstentions=[Person(name="Pia Lundin", party="SJVP"), Person(name="Erica Stenberg", party="SD")],
                text="Prognosen för 2024 pekar på ett underskott på -565 mnkr. " + D98,
            ),
            Paragraph(
                number=67,
                title=T_DIGI,
                dnr="24HSN3226",
                decision=["att fastställa föreslagen Digitaliseringsstrategi för åren 2025–2027"],
                is_proposal=True,
                proposal_to=HSN,
                text="Region Västernorrland har sedan tidigare en digitaliseringsstrategi.",
            ),
            Paragraph(
                number=68,
                title=T_MOBIL,
                dnr="23HSN1831",
                decision=["att lägga informationen till handlingarna."],
                is_proposal=True,
                proposal_to=HSN,
                text="Den mobila tandvårdskliniken kan nyttjas för annan vårdverksamhet.",
            ),
            Paragraph(
                number=69,
                title=T_PRIMAR,
                dnr="24HSN2937",
                decision=["att lägga informationen till handlingarna."],
                is_proposal=True,
                proposal_to=HSN,
                text="Projektet gäller läkares arbetsvillkor i primärvården.",
            ),
        ],
        figures=[
            Figure(paragraph=66, kind="prognos", value_mnkr=-565, period="2024",
                   quote="Prognosen pekar på ett underskott för 2024 på – 565 mnkr"),
        ],
    )


def hsn_2024_09_04() -> ParsedDocument:
    prepared = PreparedBy(body=HSU, date=date(2024, 8, 28))
    return ParsedDocument(
        kind="protocol",
        body=HSN,
        meeting_date=date(2024, 9, 4),
        chair="Elina Backlund Arab",
        paragraphs=[
            _routine(94, "Val av justerare", "att utse Pia Lundin (SJVP) att jämte ordföranden justera protokollet."),
            Paragraph(
                number=97,
                title="Månadsuppföljning juli 2024, hälso- och sjukvården",
                dnr="24HSN74",
                decision=["att godkänna och lägga månadsrapport för perioden januari – juli 2024 till handlingarna."],
                text="Det ackumulerade utfallet till och med juli månad är -277 mnkr. Beläggningen på sjukhusen har varit hårt ansträngd.",
            ),
            Paragraph(
                number=98,
                title=T98,
                dnr="23HSN2705",
                decision=[D98],
                prepared_by=prepared.model_copy(update={"paragraph": 66}),
                reservations=[
                    Reservation(name="Pia Lundin", party="SJVP", in_favour_of="eget ändringsyrkande", text=RES_TEXT),
                    Reservation(name="Ingela Korhonen", party="SJVP", in_favour_of="Pia Lundins ändringsyrkande"),
                    Reservation(name="Isabelle Tejbo", party="SJVP", in_favour_of="Pia Lundins ändringsyrkande"),
                    Reservation(name="Erica Stenberg", party="SD", in_favour_of="Pia Lundins ändringsyrkande"),
                    Reservation(name="Jenny Voittonen", party="SD", in_favour_of="Pia Lundins ändringsyrkande"),
                    Reservation(name="Daniel Ekdahl", party="KD", in_favour_of="Pia Lundins ändringsyrkande"),
                ],
                protocol_notes=[Note(name="Nina Orefjärd", party="V", text=NOTE_TEXT)],
                motions=[
                    Motion(name="Pia Lundin", party="SJVP", kind="ändringsyrkande"),
                    Motion(name="Elina Backlund Arab", party="S", kind="bifall"),
                ],
                text="Handlingsplanen nämner besparingsåtgärder och neddragning av disponibla vårdplatser. " + D98,
            ),
            Paragraph(
                number=100,
                title=T_MOBIL,
                dnr="23HSN1831",
                decision=["att lägga informationen till handlingarna."],
                prepared_by=prepared.model_copy(update={"paragraph": 68}),
                text="Den mobila tandvårdskliniken ska kunna nyttjas för annan vårdverksamhet.",
            ),
            Paragraph(
                number=101,
                title=T_PRIMAR,
                dnr="24HSN2937",
                decision=["att lägga informationen till handlingarna."],
                prepared_by=prepared.model_copy(update={"paragraph": 69}),
                text="Återrapport om tillgänglighet och läkares arbetsvillkor inom primärvården.",
            ),
            Paragraph(
                number=102,
                title=T_FOLK,
                dnr="22HSN3175",
                decision=["att lägga den muntliga återrapporten till handlingarna."],
                text="Folktandvården har arbetat för att nå fler vuxna utifrån behov av tandvård.",
            ),
            Paragraph(
                number=104,
                title="Ändring i sammanträdesplan 2024",
                dnr="23HSN4128",
                decision=["att flytta nämndens sammanträde 4 oktober till den 3 oktober."],
                text="Förslag om att flytta hälso- och sjukvårdsnämndens sammanträde den 4 oktober.",
            ),
        ],
        schedule_changes=[
            ScheduleChange(body=HSN, **{"from": date(2024, 10, 4)}, to=date(2024, 10, 3), paragraph=104,
                           quote="att flytta nämndens sammanträde 4 oktober till den 3 oktober."),
        ],
        figures=[
            Figure(paragraph=97, kind="utfall", value_mnkr=-277, period="2024-01..2024-07",
                   quote="Det ackumulerade utfallet till och med juli månad är -277 mnkr"),
            Figure(paragraph=97, kind="budgetavvikelse", value_mnkr=-37, period="2024-01..2024-07",
                   quote="en resultatförsämring jämfört mot budget med -37 mnkr"),
            Figure(paragraph=98, kind="prognos", value_mnkr=-565, period="2024",
                   quote="ett underskott för 2024 på – 565 mnkr"),
        ],
    )


def vsu_2022_05_04() -> ParsedDocument:
    return ParsedDocument(
        kind="protocol",
        body=VSU,
        meeting_date=date(2022, 5, 4),
        paragraphs=[
            Paragraph(
                number=26,
                title="Revidering av etisk policy",
                dnr="22HSN1246",
                decision=["att fastställa reviderad ”Etisk policy” (551819)"],
                text="Etisk policy fastställd av landstingsfullmäktige.",
            ),
        ],
    )


def plan_2024() -> ParsedDocument:
    return ParsedDocument(
        kind="plan",
        title="Verksamhetsplan med budget 2024–2026",
        body=HSN,
        figures=[
            Figure(kind="budget", value_mnkr=-379, period="2024", quote="Resultat -379 (2024)"),
            Figure(kind="tillatet_underskott", value_mnkr=-70, period="2024",
                   quote="sammanlagt underskott med 70 miljoner kronor för år 2024"),
        ],
    )
