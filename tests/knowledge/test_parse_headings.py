"""Headings are matched tolerantly against one canonical list."""

import pytest

from knowledge.parse.headings import match_heading
from knowledge.parse.routine import is_routine


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Beslut:", "beslut"),
        (" Beslut ", "beslut"),
        ("**Beslut**", "beslut"),
        ("Beslutsunderlag", "beslutsunderlag"),
        ("Beslutsunderlag:", "beslutsunderlag"),
        ("Prokollsanteckning", "protokollsanteckning"),  # typo in a real protocol
        ("PROTOKOLLSANTECKNING", "protokollsanteckning"),
        ("Reservation", "reservationer"),
        ("Yrkande", "yrkanden"),
        ("Beslutsgång", "propositionsordning"),
        ("Särskilt yttrande", "särskilt yttrande"),
        ("Tidigare behandling:", "tidigare behandling"),
        ("Förvaltningens bedömning", "förvaltningens bedömning"),
        ("Förvaltningens bedömming", "förvaltningens bedömning"),
        ("Delges", "delges"),
    ],
)
def test_section_headings_with_and_without_colon_bold_or_typos(line, key):
    heading = match_heading(line)
    assert heading is not None and heading.kind == "section" and heading.key == key


@pytest.mark.parametrize(
    ("line", "key", "rest"),
    [
        ("Ärendansvarig: Maria Strandberg", "responsible", "Maria Strandberg"),  # typo in a real protocol
        ("Ärendeansvarig Maria Strandberg", None, None),  # without a colon a label needs its own line
        ("Handläggare: Henrik Kjellberg, Katarina Rask", "officer", "Henrik Kjellberg, Katarina Rask"),
        ("Diarienummer: 24HSN77", "dnr", "24HSN77"),
        ("Dnr HSN 2025/31", "dnr", "HSN 2025/31"),
    ],
)
def test_labels_carry_their_value(line, key, rest):
    heading = match_heading(line)
    if key is None:
        assert heading is None or heading.kind != "label"
    else:
        assert heading.kind == "label" and heading.key == key and heading.rest == rest


@pytest.mark.parametrize(
    "line",
    [
        "handlingarna.",  # a wrapped sentence's last word
        "förslag",
        "Beslut från Inspektionen för vård och omsorg (IVO), uppföljning av tidigare beslut",
        "Hälso- och sjukvårdsnämnden beslutar",
        "Utmaningar",
        "",
    ],
)
def test_content_lines_are_not_headings(line):
    assert match_heading(line) is None


def test_beslut_and_beslutsunderlag_are_never_confused():
    assert match_heading("Beslut").key == "beslut"
    assert match_heading("Beslutsunderlag").key == "beslutsunderlag"
    assert match_heading("Beslutsunderla").key == "beslutsunderlag"


def test_routine_items():
    for title in ("Val av justerare", "Fastställande av föredragningslista", "Upprop", "Mötets öppnande",
                  "Val av justerare och tid för justering", "Justering"):
        assert is_routine(title), title
    assert not is_routine("Revidering av etisk policy")
    assert not is_routine("Val av ledamot till regionala etikprövningsnämnden")
