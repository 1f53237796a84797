"""Texts of the gate (refusal, flood notice), the database-down notice and the admin replies.

Like `handlers.render`: pure functions, everything from a user or a file escaped with `esc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from handlers.render import Reply, esc, shorten, simple, swedish_date
from knowledge.batch import DocumentOutcome
from knowledge.parse.health import verdict
from knowledge.views import FlaggedDocument, IdentityReport, StoreStats

STORE_DOWN = "Databasen svarar inte just nu. Försök igen om en stund."
STORE_BUSY = "Databasen är upptagen av en annan skrivning just nu. Försök igen om en stund."
STORE_LIMIT = "Databasen har nått en gräns (fullt eller för många anslutningar). Försök igen om en stund."
#: What the user is told for each `bot.faults.StoreFault`: the store is down only when it is.
STORE_FAULTS = {"connection": STORE_DOWN, "busy": STORE_BUSY, "conflict": STORE_BUSY, "limit": STORE_LIMIT}


def refusal(user_id: int | None, chat_id: int | None = None) -> str:
    """The one message an outsider gets: polite, and with the id an administrator needs."""
    if chat_id is not None and user_id is not None and chat_id != user_id:
        who = f"Gruppens id är <code>{chat_id}</code>."
    elif user_id is not None:
        who = f"Ditt användar-id är <code>{user_id}</code>."
    else:
        who = ""
    return (
        "Hej! Den här boten är bara öppen för inbjudna användare, så jag kan tyvärr inte svara "
        "dig. Vill du ha tillgång, kontakta den som driver boten. " + who
    ).strip()


def refusal_short() -> str:
    """For a button press or an inline query from an outsider (no HTML: a toast or a label)."""
    return "Du har inte tillgång till den här boten."


def flood_notice() -> str:
    return (
        "Du skickar många meddelanden på kort tid – vänta en stund, så svarar jag igen."
    )


def store_problem(kind: str = "connection") -> str:
    return esc(store_problem_short(kind))


def store_problem_short(kind: str = "connection") -> str:
    """For an inline query's button or a callback toast (plain text)."""
    return STORE_FAULTS.get(kind, STORE_DOWN)


def admins_only_documents() -> Reply:
    return simple(
        "Tack! Men bara administratörer kan läsa in protokoll. "
        "Fråga mig i stället, till exempel med /beslut eller /sok."
    )


def file_too_large(name: str, size: int, limit: int) -> Reply:
    return simple(
        f"<b>{esc(name)}</b> är för stor ({_mb(size)}). Gränsen är {_mb(limit)} "
        "(så stora filer kan en bot hämta från Telegram). Inget lästes in."
    )


def file_type_refused(name: str, reason: str) -> Reply:
    return simple(f"<b>{esc(name)}</b> kan inte läsas in: {esc(reason)}. Inget lästes in.")


_STATUS_TEXT = {
    "new": "ny i databasen",
    "unchanged": "oförändrad – exakt samma fil fanns redan, inget ändrades",
    "replaced": "ersatte en tidigare version av samma protokoll",
}


def ingest_outcome(outcome: DocumentOutcome, *, store: str | None = None) -> Reply:
    """What an admin's file became: body, date, paragraphs and new/unchanged/replaced, or why
    nothing was stored (``store``: the kind of store failure, `bot.faults.StoreFault`)."""
    name = esc(outcome.name)
    if outcome.result is None:
        if store is not None:
            return simple(
                f"<b>{name} lästes inte in.</b>\n{store_problem(store)} Inget sparades – "
                "skicka filen igen om en stund."
            )
        return simple(
            f"<b>{name} lästes inte in.</b>\nOrsak: {esc(outcome.failure or 'okänt fel')}.\n"
            "Inget sparades."
        )
    parsed = outcome.parsed
    result = outcome.result
    lines = [f"<b>Inläst: {name}</b>"]
    if parsed is not None:
        lines.append(f"Organ: {esc(parsed.body or 'okänt organ')}")
        lines.append(f"Datum: {esc(swedish_date(parsed.meeting_date))}")
        lines.append(f"Paragrafer: {len(parsed.paragraphs)}")
        if parsed.figures:
            lines.append(f"Ekonomiska siffror: {len(parsed.figures)}")
        if parsed.schedule_changes:
            lines.append(f"Ändrade sammanträden: {len(parsed.schedule_changes)}")
    lines.append(f"Status: {_STATUS_TEXT.get(result.status, esc(result.status))}")
    if parsed is not None:
        lines.append(f"Tolkning: {esc(verdict(parsed.health))}")
    return simple("\n".join(lines))


def status(
    stats: StoreStats,
    *,
    version: str,
    database: str,
    access: str,
    refused: int | None,
    tz: tzinfo,
    extra: Sequence[str] = (),
    flagged: Sequence[FlaggedDocument] = (),
    flagged_total: int | None = None,
    identity: IdentityReport | None = None,
) -> Reply:
    last = _when(stats.last_ingest, tz) if stats.last_ingest else "aldrig"
    lines = [
        f"<b>nämndbot {esc(version)}</b>",
        f"Databas: {esc(database)}",
        f"Protokoll: {stats.documents}",
        f"Paragrafer: {stats.paragraphs}",
        f"Ärenden: {stats.cases}",
        f"Organ: {stats.bodies}",
        f"Senaste inläsning: {esc(last)}",
        f"Åtkomst: {esc(access)}",
    ]
    if refused is not None:
        lines.append(f"Nekade chattar: {refused}")
    lines += [esc(x) for x in extra]
    lines += flagged_lines(flagged, flagged_total)
    if identity is not None:
        lines += identity_lines(identity)
    return simple("\n".join(lines))


def identity_lines(report: IdentityReport, limit: int = 8) -> list[str]:
    """What the store made one thing and what it kept apart (`queries.identity_report`), at most
    ``limit`` lines of each list and then how many more."""

    def capped(items: list[str]) -> list[str]:
        return items[:limit] + ([f"  … och {len(items) - limit} till"] if len(items) > limit else [])

    orgs = [f"{esc(name or 'okänd (ej angiven i dokumenten)')}: {n} dokument" for name, n in report.organisations]
    lines = ["\n<b>Identitet</b>", "Organisationer: " + ("; ".join(orgs) or "inga")]
    bodies = []
    for org, name, parent, names in report.bodies:
        also = f" — även {esc(', '.join(names))}" if names else ""
        under = f" (under {esc(parent)})" if parent else ""
        bodies.append(f"• {esc(name)}{under}{also}" + ("" if org else " [organisation okänd]"))
    lines += ["Organ:"] + capped(bodies)
    merged = [f"• {esc(name)} ({esc(party or '–')})" + (f" = {esc(', '.join(variants))}" if variants else "")
              for name, party, variants in report.merged_people]
    lines += ["Personer sammanslagna (stavningar, partibyten):"] + (capped(merged) or ["• inga"])
    apart = [f"• {esc(a)} ≠ {esc(b)}" for a, b in report.kept_apart]
    lines += ["Lika men hållna isär:"] + (capped(apart) or ["• inga"])
    return lines


def flagged_lines(flagged: Sequence[FlaggedDocument], total: int | None = None) -> list[str]:
    """The documents whose parse is in doubt (their answers say "osäker tolkning"), newest first."""
    total = len(flagged) if total is None else total
    if not total:
        return ["Osäkra tolkningar: inga"]
    more = f", de {len(flagged)} senaste" if total > len(flagged) else ""
    lines = [f"\n<b>Osäkra tolkningar: {total} protokoll{more}</b>"]
    for f in flagged:
        where = " ".join(x for x in (f.body, f.date.isoformat() if f.date else None) if x)
        what = "hela protokollet" if f.doubtful else ", ".join(f"§ {n}" for n in f.paragraphs)
        if f.doubtful and f.paragraphs:
            what += " (" + ", ".join(f"§ {n}" for n in f.paragraphs) + ")"
        line = f"• {esc(f.document)}" + (f" ({esc(where)})" if where else "") + f": {esc(what)}"
        if f.reasons:
            line += f"\n  <i>{esc(shorten('; '.join(f.reasons), 300))}</i>"
        lines.append(line)
    return lines


def _when(moment: datetime, tz: tzinfo) -> str:
    if moment.tzinfo is None:  # stored as UTC without zone
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tz)
    return f"{swedish_date(local.date())} kl. {local:%H:%M}"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")
