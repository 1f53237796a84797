"""The one wording of a doubtful parse (`handlers.render.doubt_note`), and where answers put it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.offline import html_problem, html_to_text
from handlers import render
from handlers.render_admin import flagged_lines
from handlers.render_notify import render_protocol
from knowledge.subscriptions import BodyRef, ParagraphRef, ProtocolNotice
from knowledge.views import CaseCard, FlaggedDocument, HandlingView, Source

SRC = Source("Tekniska nämnden", "TN", date(2024, 5, 13), 22, "tn.txt")
DOUBT = "texten säger att någon reserverade sig, men ingen reservation kunde läsas ut"


def _card(src: Source) -> CaseCard:
    h = HandlingView(1, "Ny cykelväg", "TN 2024/31", ["att godkänna förslaget."], False, None, src)
    return CaseCard(1, "Lerums kommun", "TN 2024/31", "Ny cykelväg", [h])


def test_the_wording_with_and_without_a_page():
    assert render.doubt_note(None, ()) == ""
    assert html_to_text(render.doubt_note(41, [DOUBT])) == f"⚠️ Osäker tolkning — se protokollet, s. 41\n{DOUBT}"
    assert html_to_text(render.doubt_note(None, [DOUBT])).startswith("⚠️ Osäker tolkning — se protokollet\n")


def test_a_reason_from_the_protocol_is_escaped():
    note = render.doubt_note(3, ["diarienumret <KS 2024/1> & mer vid rubriken lästes inte"])
    assert "&lt;KS 2024/1&gt; &amp; mer" in note and html_problem(note) is None


def test_the_case_card_says_so_before_the_decision_only_when_in_doubt():
    flagged = render.case_card(_card(replace(SRC, page=2, doubts=(DOUBT,)))).text
    text = html_to_text(flagged)
    assert text.index("Osäker tolkning — se protokollet, s. 2") < text.index("att godkänna förslaget.")
    assert "Osäker tolkning" not in render.case_card(_card(replace(SRC, page=2))).text


def test_a_notice_of_a_followed_case_says_so_too():
    ref = ParagraphRef(22, "Ny cykelväg", "TN 2024/31", "att godkänna förslaget.", page=2, doubts=(DOUBT,))
    notice = ProtocolNotice(BodyRef(1, "Tekniska nämnden", "TN"), date(2024, 5, 13), 3, cases=[ref])
    text = html_to_text(render_protocol(notice))
    assert text.index("Osäker tolkning — se protokollet, s. 2") < text.index("att godkänna förslaget.")
    clean = ProtocolNotice(BodyRef(1, "Tekniska nämnden", "TN"), date(2024, 5, 13), 3, cases=[replace(ref, doubts=())])
    assert "Osäker tolkning" not in render_protocol(clean)


def test_status_lines_for_flagged_documents():
    assert flagged_lines([]) == ["Osäkra tolkningar: inga"]
    lines = flagged_lines(
        [FlaggedDocument("tn.txt", "Tekniska nämnden", date(2024, 5, 13), False, [22, 24], ["oläst reservation: § 22"]),
         FlaggedDocument("ks.txt", None, None, True, [3], ["saknade paragrafer (aviserade): § 4"])],
        total=5,
    )
    text = html_to_text("\n".join(lines))
    assert "Osäkra tolkningar: 5 protokoll, de 2 senaste" in text
    assert "• tn.txt (Tekniska nämnden 2024-05-13): § 22, § 24\n  oläst reservation: § 22" in text
    assert "• ks.txt: hela protokollet (§ 3)" in text
