"""/underskott draws a chart once a body has three or more dated figures of one kind."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from handlers import chart
from knowledge import store
from knowledge.db import session
from knowledge.parse.model import Figure, Paragraph, ParsedDocument
from tests.handlers.conftest import _chat, texts

PNG = b"\x89PNG\r\n\x1a\n"


def _protocol(day: date, prognos: float) -> ParsedDocument:
    return ParsedDocument(
        kind="protocol",
        organisation="Region Västernorrland",
        body="Hälso- och sjukvårdsnämnden",
        meeting_date=day,
        paragraphs=[Paragraph(number=10, title=f"Månadsuppföljning {day:%B}", dnr=f"24HSN{day.month}")],
        figures=[
            Figure(paragraph=10, kind="prognos", value_mnkr=prognos, period="2024",
                   quote=f"Prognosen för helåret är {prognos} mnkr.")
        ],
    )


@pytest.fixture
async def figures_chat(sqlite_engine):
    for i, (day, value) in enumerate(
        [(date(2024, 3, 6), -410), (date(2024, 5, 8), -480), (date(2024, 9, 4), -565)]
    ):
        with session(sqlite_engine) as s:
            store.ingest_document(s, _protocol(day, value), source_name=f"p{i}.txt", sha256=f"sha{i}")
    async for c in _chat(sqlite_engine):
        yield c


async def _photo(chat, timeout: float = 20.0):
    """The chart is drawn after the figures are sent: wait for it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not chat.request.of("sendPhoto") and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return chat.request.of("sendPhoto")


@pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")
async def test_three_points_give_a_png_chart_with_sources(figures_chat):
    calls = await figures_chat.say("/underskott hsn")
    assert [c.method for c in calls] == ["sendMessage"]
    calls += await _photo(figures_chat)
    assert [c.method for c in calls] == ["sendMessage", "sendPhoto"]
    assert "−565 mnkr" in texts(calls[:1]) and "Prognosen för helåret är -565 mnkr." in texts(calls[:1])
    photo = next(iter(calls[1].files.values()))
    assert photo.content.startswith(PNG) and len(photo.content) > 5_000
    caption = calls[1].params["caption"]
    for cited in ("HSN 2024-03-06 § 10", "HSN 2024-05-08 § 10", "HSN 2024-09-04 § 10"):
        assert cited in caption


async def test_fewer_than_three_points_give_no_chart(chat):
    await chat.say("/underskott")
    assert await _photo(chat, timeout=0.5) == []


def test_chart_is_none_without_enough_points():
    from knowledge.views import FigureReport

    assert chart.figure_chart(FigureReport(None, [], [], {})) is None
