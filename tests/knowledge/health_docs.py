"""Protocols for parse-health tests, written for this suite in a layout none of the real files
uses (Lerums kommun, text with form feeds between pages): one whose parse the health report
flags, one it leaves clean. Store, handler and CLI tests ingest them through the real parser."""

from __future__ import annotations


def protocol(body: str, date: str | None, pages: list[str], organisation: str = "Lerums kommun") -> str:
    """A cover page (organisation, body, date, attendance) and the § pages, one per form feed."""
    dated = f"Sammanträdesdatum {date}\n" if date else ""
    cover = (
        f"{organisation}\nPROTOKOLL\n{body}\n{dated}\n"
        "Plats och tid: Kommunhuset, kl. 18.00-20.00\n"
        "Beslutande: Anna Berg (S), ordförande\nBo Ek (M)\nCecilia Lind (L)\n"
    )
    return "\f".join([cover, *pages])


# § 22: "Mot beslutet reserverar sig." names nobody, so no reservation can be read.
# § 24: a vote was taken, but its result stands in an appendix the protocol does not hold.
FLAGGED_PAGES = [
    """§ 22 Ny gång- och cykelväg längs Alingsåsvägen

Diarienummer: TN 2024/31

Beslut
Tekniska nämnden beslutar
att godkänna förslaget till gång- och cykelväg.

Yrkanden
Bo Ek (M) yrkar avslag.

Propositionsordning
Ordföranden ställer proposition och finner att nämnden bifaller förslaget.

Reservation
Mot beslutet reserverar sig.
""",
    """§ 23 Taxa för felparkering

Diarienummer: TN 2024/40

Beslut
Tekniska nämnden beslutar
att anta taxan för felparkering.

Bo Ek (M) reserverar sig mot beslutet.
""",
    """§ 24 Ekonomisk uppföljning april 2024

Diarienummer: TN 2024/12

Beslut
Tekniska nämnden beslutar
att godkänna den ekonomiska uppföljningen.

Ärendebeskrivning
Prognosen för helåret 2024 är ett underskott på 12 mnkr.

Yrkanden
Cecilia Lind (L) yrkar återremiss.

Propositionsordning
Omröstning begärs och verkställs. Resultatet framgår av bilaga 3.

Cecilia Lind (L) reserverar sig mot beslutet.

Justerandes signatur

Anna Berg
Ordförande
""",
]

FLAGGED = protocol("Tekniska nämnden", "2024-05-13", FLAGGED_PAGES)

CLEAN_PAGES = [
    """§ 7 Strandskyddsdispens för brygga vid Mjörn

Diarienummer: BMN 2024/77

Beslut
Bygg- och miljönämnden beslutar
att bevilja dispens från strandskyddet.

Cecilia Lind (L) reserverar sig mot beslutet.
""",
    """§ 8 Tillsynsplan 2024

Diarienummer: BMN 2024/80

Beslut
Bygg- och miljönämnden beslutar
att anta tillsynsplanen för 2024.

Justerandes signatur

Anna Berg
Ordförande
""",
]

CLEAN = protocol("Bygg- och miljönämnden", "2024-05-14", CLEAN_PAGES)
