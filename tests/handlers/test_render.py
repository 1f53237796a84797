"""render is pure: views built by hand in, Telegram HTML out."""

from __future__ import annotations

import html
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.offline import html_problem, html_to_text
from handlers import keys, render
from knowledge.views import (
    BodyView,
    Candidate,
    CaseCard,
    CaseLookup,
    FigureReport,
    FigureView,
    HandlingView,
    MeetingView,
    NoteView,
    ReservationView,
    SearchHit,
    Source,
)

HSU = Source("Hälso- och sjukvårdsutskottet", "HSU", date(2024, 8, 28), 69, "hsu-2024-08-28.txt")
HSN = Source("Hälso- och sjukvårdsnämnden", "HSN", date(2024, 9, 4), 101, "hsn-2024-09-04.txt")


def _reservation(id_: int = 7, text: str | None = "Vi anser att planen saknar konsekvensanalys.") -> ReservationView:
    return ReservationView(
        id=id_, name="Pia Lundin", party="SJVP", text=text, in_favour_of="eget ändringsyrkande",
        case_dnr="23HSN2705", case_title="Förslag till reviderad handlingsplan", source=HSN,
    )


def _card(title: str = "Återrapport - Projekt: Tillgänglighet") -> CaseCard:
    return CaseCard(
        case_id=3, organisation="Region Västernorrland", dnr="24HSN2937", title=title,
        handlings=[
            HandlingView(1, title, "24HSN2937", ["att lägga informationen till handlingarna."],
                         True, "Hälso- och sjukvårdsnämnden", HSU),
            HandlingView(2, title, "24HSN2937", ["att lägga informationen till handlingarna."],
                         False, None, HSN, reservations=[_reservation()],
                         notes=[NoteView(9, "Nina Orefjärd", "V", "protokollsanteckning", "Text.",
                                         "24HSN2937", title, HSN)]),
        ],
    )


def _well_formed(reply: render.Reply) -> None:
    for part in reply.parts:
        assert html_problem(part) is None, part
        assert render.utf16_len(part) <= render.MAX_MESSAGE
    for row in (reply.keyboard.inline_keyboard if reply.keyboard else ()):
        for b in row:
            assert len(b.callback_data.encode()) <= 64


def test_citations_long_and_short():
    src = Source("Hälso- och sjukvårdsnämnden", "HSN", date(2024, 9, 4), 104, "x.txt")
    assert render.cite(src) == "Hälso- och sjukvårdsnämnden 2024-09-04 § 104"
    assert render.cite(src, short=True) == "HSN 2024-09-04 § 104"
    plan = Source("Hälso- och sjukvårdsnämnden", "HSN", None, None, "plan.txt")
    assert render.cite(plan) == "Hälso- och sjukvårdsnämnden (plan.txt)"


def test_case_card_shows_each_handling_in_order_with_proposal_and_decision():
    reply = render.case_card(_card())
    _well_formed(reply)
    text = html_to_text(reply.text)
    assert text.index("HSU 2024-08-28 § 69") < text.index("HSN 2024-09-04 § 101")
    assert "28 augusti 2024" in text and "4 september 2024" in text
    assert "Förslag till Hälso- och sjukvårdsnämnden:" in text and "Beslut:" in text
    assert text.count("att lägga informationen till handlingarna.") == 2
    assert "Pia Lundin (SJVP)" in text and "till förmån för eget ändringsyrkande" in text
    assert "Protokollsanteckning: Nina Orefjärd (V)" in text
    buttons = [b.callback_data for row in reply.keyboard.inline_keyboard for b in row]
    assert buttons == ["r:7"]


def test_protocol_text_is_escaped_everywhere():
    evil = '<script>alert("x")</script> & <b>'
    reply = render.case_card(_card(title=evil))
    _well_formed(reply)
    assert "<script>" not in reply.text and "&lt;script&gt;" in reply.text
    assert evil in html_to_text(reply.text)
    hits = render.search_hits([SearchHit(1, evil, None, f"före {evil} efter", HSN, 3)], "script")
    _well_formed(hits)
    assert "<b>script</b>" in hits.text  # the query word is highlighted, the markup is not live


def test_unknown_lookup_never_invents_and_suggests_with_buttons():
    none = render.case_lookup(CaseLookup("dnr", "24HSN9999"))
    assert "känner inte till diarienumret" in html_to_text(none.text)
    assert none.keyboard is None
    near = render.case_lookup(CaseLookup("dnr", "24HSN2973", candidates=[
        Candidate(3, "24HSN2937", "Återrapport", 90.0), Candidate(4, "24HSN2973X", "Annat", 80.0)]))
    _well_formed(near)
    assert "Närmaste diarienummer" in near.text
    assert [row[0].callback_data for row in near.keyboard.inline_keyboard] == ["c:3", "c:4"]
    menade = render.case_lookup(CaseLookup("title", "tandvård", candidates=[
        Candidate(5, "22HSN3175", "Tandvård för asylsökande", 70.0)]))
    assert "Menade du" in menade.text


def test_reservation_list_pages_and_full_text_button():
    views = [_reservation(i, text=f"Lång text nr {i} " * 100) for i in range(1, 6)]
    reply = render.reservation_list(views, "SJVP", more=True)
    _well_formed(reply)
    data = [row[0].callback_data for row in reply.keyboard.inline_keyboard]
    assert data[:5] == ["r:1", "r:2", "r:3", "r:4", "r:5"]
    assert keys.decode(data[-1]) == keys.Key("p", "r", 5, "SJVP")
    assert "…" in reply.text  # only the start of each text
    party = render.reservation_list([ReservationView(1, None, "C", None, None, None, "T", HSN)])
    assert "Ledamöterna från (C)" in party.text


def test_reservations_filed_together_read_as_one_entry():
    same = [_reservation(1), ReservationView(2, "Erica Stenberg", "SD", None, "eget ändringsyrkande",
                                             "23HSN2705", "Förslag", HSN)]
    reply = render.reservation_list(same)
    assert "Pia Lundin (SJVP), Erica Stenberg (SD)</b> reserverade sig" in reply.text
    assert reply.text.count("Källa:") == 1


def test_meeting_moved_shows_previous_date_and_decision():
    body = BodyView(1, "Hälso- och sjukvårdsnämnden", "HSN", "Region Västernorrland")
    mover = Source("Hälso- och sjukvårdsnämnden", "HSN", date(2024, 9, 4), 104, "x")
    reply = render.meetings([MeetingView(body, date(2024, 10, 3), "09.00", None, date(2024, 10, 4), mover,
                                         "att flytta nämndens sammanträde 4 oktober till den 3 oktober.")],
                            date(2024, 9, 5))
    text = html_to_text(reply.text)
    assert "torsdag 3 oktober 2024 kl. 09.00" in text
    assert "Flyttat från 4 oktober 2024 — beslut Hälso- och sjukvårdsnämnden 2024-09-04 § 104" in text


def test_figures_cite_each_number():
    body = BodyView(1, "Hälso- och sjukvårdsnämnden", "HSN", None)
    f = FigureView("utfall", -277, "2024-01..2024-07", "Det ackumulerade utfallet … är -277 mnkr", HSN)
    reply = render.figures([FigureReport(body, [f], [], {"utfall": [f]})])
    text = html_to_text(reply.text)
    assert "Utfall januari–juli 2024: −277 mnkr" in text
    assert "Källa: Hälso- och sjukvårdsnämnden 2024-09-04 § 101" in text
    assert "inga ekonomiska siffror" in render.figures([]).text


def test_too_long_and_empty_store_are_swedish():
    assert "för lång (5\u00a0000 tecken)" in render.too_long(5000).text
    assert "Databasen är tom" in render.empty_store().text


def test_keys_round_trip_and_stale_data():
    assert keys.decode(keys.case(12)) == keys.Key("c", "12")
    assert keys.decode(keys.reservation(4)) == keys.Key("r", "4")
    assert keys.decode(keys.dnr("HSN 656-2025")) == keys.Key("d", "HSN 656-2025")
    assert keys.page("r", 5, "x" * 80) is None  # would not fit in 64 bytes: no button
    for junk in ["", "zz", "c:", "c:abc", "p:r:x:", "ä" * 40, None, "x:1"]:
        assert keys.decode(junk) is None


def test_inline_article_is_capped_at_4096():
    long_card = _card(title="Rubrik " * 1000)
    [article] = render.inline_cards([long_card])
    text = article.input_message_content.message_text
    assert render.utf16_len(text) <= 4096 and html_problem(text) is None
    assert "förkortat" in text


# --- splitting ------------------------------------------------------------------------------

_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=0, max_size=30)


@st.composite
def _html(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 60))):
        words = " ".join(draw(st.lists(_words, max_size=80)))
        tag = draw(st.sampled_from(["", "b", "i", "code"]))
        body = html.escape(words)
        if tag:
            inner = html.escape(draw(_words) * draw(st.integers(0, 300)))
            body = f"<{tag}>{body}<u>{inner}</u></{tag}>"
        blocks.append(body + draw(st.sampled_from(["\n", "\n\n", " "])))
    return "".join(blocks)


def _visible(text: str) -> str:
    return re.sub(r"\s+", "", html_to_text(text))


@settings(max_examples=60, deadline=None)
@given(_html(), st.sampled_from([200, 1000, 4096]))
def test_split_never_breaks_tags_and_loses_nothing(text, limit):
    parts = render.split_html(text, limit)
    for p in parts:
        assert render.utf16_len(p) <= limit
        assert html_problem(p) is None, p
        assert not re.search(r"&[#\w]*$", p)  # no entity cut in half
    assert "".join(_visible(p) for p in parts) == _visible(text)


def test_split_prefers_paragraph_boundaries():
    paras = [f"<b>Stycke {i}</b>\n" + "ord " * 150 for i in range(20)]
    parts = render.split_html("\n\n".join(paras))
    assert len(parts) > 1
    for p in parts:
        assert p.startswith("<b>Stycke ")
        assert p.rstrip().endswith("ord")


def test_search_snippet_marks_become_bold_and_the_rest_is_escaped():
    hit = SearchHit(1, "T", "24HSN1", "före «tandvården» <i>efter</i>…", HSN, 3)
    reply = render.search_hits([hit, SearchHit(2, "T", "24HSN1", "", HSN, 3)], "tandvård")
    _well_formed(reply)
    assert "före <b>tandvården</b> &lt;i&gt;efter&lt;/i&gt;…" in reply.text
    assert len(reply.keyboard.inline_keyboard) == 1  # one button per case


def test_notification_lines_are_cut_by_telegrams_count_not_pythons():
    """An emoji is one Python character and two UTF-16 units: Telegram's limit is in units."""
    from handlers import render_notify

    text = render_notify._fit([f"• § {i} " + "🏥" * 100 for i in range(100)])
    assert render.utf16_len(text) <= render.MAX_MESSAGE
    assert text.endswith("rader till.</i>") and html_problem(text) is None
