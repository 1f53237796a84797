"""A moved meeting reaches every follower of the body, whichever document and layout moved it:
a protocol with no header naming the region is filed under the body already followed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.notify import Notifier, Pacing
from knowledge import subscriptions as subs
from knowledge.models import Body
from knowledge.parse import parse_text
from knowledge.store import ingest_document
from tests.knowledge.test_identity_store import HSN_GENITIVE, HSN_NO_HEADER, HSN_STATED

FAST = Pacing(private_interval=0.0, group_interval=0.0)
FOLLOWER = 21


def ingest(engine, text: str, sha: str) -> None:
    with Session(engine) as s:
        ingest_document(s, parse_text(text), source_name=f"{sha}.txt", sha256=sha)


def follow_hsn(engine) -> None:
    with Session(engine) as s:
        hsn = s.exec(select(Body).where(Body.name == "Hälso- och sjukvårdsnämnden")).one()
        subs.subscribe(s, FOLLOWER, "body", str(hsn.id), hsn.short)
        s.commit()


async def moves_heard(engine, clock, server, app) -> list[str]:
    notifier = Notifier(engine, now=clock.now, pacing=FAST, monotonic=clock.monotonic, sleep=clock.sleep)
    await notifier.tick(app.bot)
    return [d.text for d in server.delivered(FOLLOWER) if "flyttat" in d.text]


async def test_a_protocol_without_its_region_moves_the_followed_body_s_meeting(engine, clock, server, app):
    clock.set(datetime(2024, 10, 4, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm")))
    ingest(engine, HSN_STATED, "stated")
    follow_hsn(engine)
    ingest(engine, HSN_NO_HEADER, "no-header")  # "Region Västernorrlands hälso- och sjukvård" in its text
    moved = await moves_heard(engine, clock, server, app)
    assert len(moved) == 1 and "7 november är flyttat till 14 november" in moved[0]
    ingest(engine, HSN_GENITIVE, "genitive")  # another layout, no move: nothing more
    clock.advance(60)
    assert len(await moves_heard(engine, clock, server, app)) == 1


async def test_followers_of_a_body_first_filed_without_region_keep_hearing(engine, clock, server, app):
    clock.set(datetime(2024, 9, 5, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm")))
    ingest(engine, HSN_GENITIVE.replace("Region Västernorrlands\n", ""), "unknown")  # region not stated
    follow_hsn(engine)
    ingest(engine, HSN_STATED, "stated")  # the region stated: the followed body comes home, same row
    ingest(engine, HSN_NO_HEADER, "no-header")
    moved = await moves_heard(engine, clock, server, app)
    assert len(moved) == 1 and "14 november" in moved[0]
