"""Routine items of a meeting (upprop, val av justerare, …): lists may hide them."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

ROUTINE_TITLES = (
    "upprop", "val av justerare", "val av justerare och tid för justering", "justering", "justering av protokoll",
    "tid och plats för justering", "fastställande av föredragningslista", "godkännande av föredragningslista",
    "fastställande av dagordning", "godkännande av dagordning", "mötets öppnande", "sammanträdets öppnande",
    "mötets avslutande", "sammanträdets avslutande", "anmälan av jäv", "närvaro", "protokollets justering",
    "val av protokolljusterare", "föregående protokoll", "justerare",
)


def is_routine(title: str) -> bool:
    t = re.sub(r"\s+", " ", title).strip(" .:").casefold()
    if not t:
        return False
    return any(fuzz.ratio(t, r) >= 88 for r in ROUTINE_TITLES)
