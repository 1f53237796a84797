"""HTML for notifications, subscriptions and the calendar (Swedish). Every value is escaped here.

Kept apart from `handlers.render` while several people build the bot at once; it follows the same
rules (escape everything, cite the source, ≤ 4,096 characters) and may be merged into it.
"""

from __future__ import annotations

from datetime import date
from html import escape

from handlers.render import MAX_MESSAGE, doubt_note, utf16_len
from knowledge.parse.dates import MONTH_NAMES, swedish
from knowledge.subscriptions import (
    MovedNotice,
    Notice,
    ProtocolNotice,
    ReminderNotice,
    SubscriptionView,
)

_WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def e(value: object) -> str:
    return escape(str(value), quote=False)


def day_month(d: date, other: date | None = None) -> str:
    """"4 oktober" when the year is clear from ``other`` (same year), else "4 oktober 2024"."""
    if other is not None and other.year == d.year:
        return f"{d.day} {MONTH_NAMES[d.month]}"
    return swedish(d)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fit(lines: list[str], limit: int = MAX_MESSAGE) -> str:
    """Join lines, dropping whole lines from the end (with a note) so no tag is ever cut.
    Counted in UTF-16 units of the HTML, as Telegram counts (tags make it an overestimate)."""
    out: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        if size + utf16_len(line) + 1 > limit - 40:
            out.append(f"<i>… och {len(lines) - i} rader till.</i>")
            break
        out.append(line)
        size += utf16_len(line) + 1
    return "\n".join(out)


def render_notice(notice: Notice) -> str:
    if isinstance(notice, ReminderNotice):
        return render_reminder(notice)
    if isinstance(notice, MovedNotice):
        return render_moved(notice)
    if isinstance(notice, ProtocolNotice):
        return render_protocol(notice)
    raise TypeError(f"okänd notis: {type(notice).__name__}")


def _when(d: date, at: str | None, place: str | None) -> str:
    parts = [f"{_WEEKDAYS[d.weekday()]} {swedish(d)}"]
    if at:
        parts.append(f"kl. {e(at)}")
    text = " ".join(parts)
    if place:
        text += f", {e(place)}"
    return text


def render_reminder(n: ReminderNotice) -> str:
    if n.days_before <= 0:
        lead = "i dag"
    elif n.days_before == 1:
        lead = "i morgon"
    else:
        lead = f"om {n.days_before} dagar"
    return (
        f"⏰ <b>Påminnelse:</b> {e(n.body.name)} ({e(n.body.short)}) sammanträder {lead}\n"
        f"{_when(n.date, n.time, n.place)}"
    )


def render_moved(n: MovedNotice) -> str:
    if n.to_date is None:  # cancelled
        head = f"📅 <b>{e(n.body.short)} {swedish(n.from_date)} är inställt</b>"
        if n.citation:
            head += f" — beslut {e(n.citation)}"
        elif n.by_admin:
            head += " — ändrat i sammanträdesplanen"
        return f"{head}\n{e(n.body.name)} sammanträder inte {_when(n.from_date, None, None)}."
    if n.from_date is not None:
        head = (f"📅 <b>{e(n.body.short)} {day_month(n.from_date, n.to_date)} är flyttat till "
                f"{day_month(n.to_date, n.from_date)}</b>")
    else:
        head = f"📅 <b>{e(n.body.short)} sammanträder {swedish(n.to_date)}</b>"
    if n.citation:
        head += f" — beslut {e(n.citation)}"
    elif n.by_admin:
        head += " — ändrat i sammanträdesplanen"
    lines = [head, f"{e(n.body.name)}: {_when(n.to_date, n.time, n.place)}"]
    return "\n".join(lines)


def render_protocol(n: ProtocolNotice) -> str:
    lines = [f"📄 <b>Nytt protokoll: {e(n.body.name)} {swedish(n.date)}</b> ({n.paragraph_count} §)"]
    if n.cases:
        lines.append("\n<b>Ärenden du bevakar:</b>")
        for p in n.cases:
            line = f"• {e(p.dnr or '')} {e(_clip(p.title, 200))} — {e(n.body.short)} {n.date.isoformat()} § {p.number}"
            if p.doubts:  # before the decision: it is our reading, not a fact
                line += "\n  " + doubt_note(p.page, p.doubts).replace("\n", "\n  ")
            if p.decision:
                line += f"\n  <i>{e(_clip(p.decision, 300))}</i>"
            lines.append(line)
    if n.words:
        lines.append("\n<b>Ord du bevakar:</b>")
        for word, p in n.words:
            lines.append(f"• «{e(word)}»: § {p.number} {e(_clip(p.title, 200))}")
    if n.summary:
        lines.append("\n<b>Ärenden:</b>")
        for p in n.summary:
            dnr = f" ({e(p.dnr)})" if p.dnr else ""
            lines.append(f"§ {p.number} {e(_clip(p.title, 160))}{dnr}")
    lines.append("\nSkriv /beslut och ett diarienummer för hela beslutet.")
    return _fit(lines)


# --------------------------------------------------------------------------- command replies

KIND_NAMES = {"body": "organ", "case": "ärende", "word": "ord"}


def subscribed(kind: str, label: str, new: bool, reminder_days: int | None = None) -> str:
    what = f"{KIND_NAMES.get(kind, kind)} <b>{e(label)}</b>"
    if not new:
        return f"Du bevakar redan {what}."
    text = f"✅ Du bevakar nu {what}."
    if kind == "body":
        if reminder_days:
            text += f"\nDu får en påminnelse {reminder_days} dag{'ar' if reminder_days != 1 else ''} före varje sammanträde, besked direkt om ett möte flyttas och en sammanfattning av varje nytt protokoll."
        else:
            text += "\nPåminnelser är avstängda (/paminnelse 1 slår på dem); du får besked om flyttade möten och nya protokoll."
    elif kind == "case":
        text += "\nDu får besked när ärendet finns i ett nytt protokoll."
    else:
        text += "\nDu får besked när ordet finns i rubrik eller beslut i ett nytt protokoll."
    return text


def unsubscribed(label: str, removed: int) -> str:
    if not removed:
        return f"Du bevakar inte <b>{e(label)}</b>. /bevakningar visar vad du bevakar."
    return f"🛑 Du bevakar inte längre <b>{e(label)}</b>."


SUBSCRIPTIONS_SHOWN = 1000
"""Characters of labels listed per kind: three kinds and the rest of the list fit one message."""


def _listed(labels: list[str], budget: int) -> str:
    """Escaped labels, comma-separated, as many as fit in ``budget`` characters (at least one),
    then how many more. One line per kind: `_fit` drops a line that does not fit whole, and a
    chat following many words saw none of them."""
    shown: list[str] = []
    size = 0
    for i, label in enumerate(labels):
        item = e(label)
        if shown and size + len(item) + 2 > budget:
            return ", ".join(shown) + f" … och {len(labels) - i} till"
        shown.append(item)
        size += len(item) + 2
    return ", ".join(shown)


def subscription_list(rows: list[SubscriptionView], reminder_days: int) -> str:
    if not rows:
        return ("Du bevakar ingenting ännu.\n"
                "Exempel: /bevaka HSN · /bevaka 24HSN2937 · /bevaka akutmottagning")
    lines = ["<b>Dina bevakningar</b>"]
    for kind in ("body", "case", "word"):
        items = [r.label for r in rows if r.kind == kind]
        if items:
            lines.append(f"{KIND_NAMES[kind].capitalize()}: " + _listed(items, SUBSCRIPTIONS_SHOWN))
    if any(r.paused for r in rows):
        lines.append("⏸ Utskicken är pausade (boten kunde inte nå chatten). /bevaka igen för att återuppta.")
    lines.append(
        f"Påminnelse: {reminder_days} dag{'ar' if reminder_days != 1 else ''} före" if reminder_days
        else "Påminnelser: av"
    )
    lines.append("Sluta med /sluta_bevaka och samma ord.")
    return _fit(lines)


def reminder_set(days: int) -> str:
    if days == 0:
        return "🔕 Påminnelser före sammanträden är avstängda."
    return f"⏰ Du får påminnelser {days} dag{'ar' if days != 1 else ''} före varje sammanträde (kl. 08.00)."


def usage(command: str, text: str) -> str:
    return f"Så här: <code>/{e(command)} {e(text)}</code>"


def error(text: str) -> str:
    return f"⚠️ {e(text)}"


def unknown_body(query: str, known: list[str]) -> str:
    text = f"Jag känner inte till organet <b>{e(_clip(query, 80))}</b>."
    if known:
        text += "\nKända organ: " + ", ".join(e(k) for k in known)
    return text


def admins_only() -> str:
    return "Bara gruppens administratörer kan ändra gruppens bevakningar."


def calendar_caption(body: str | None, count: int) -> str:
    where = f" för {e(body)}" if body else ""
    if not count:
        return f"Inga kommande sammanträden{where} i kalendern."
    return f"📅 {count} kommande sammanträde{'n' if count != 1 else ''}{where}. Öppna filen för att lägga in dem i kalendern."


def no_meetings(body: str | None) -> str:
    return calendar_caption(body, 0)


def meeting_added(short: str, d: date, at: str | None, place: str | None, created: bool) -> str:
    verb = "Lagt till" if created else "Uppdaterat"
    return f"✅ {verb}: {e(short)} {_when(d, at, place)}"


def meeting_moved(short: str, from_date: date, to_date: date, notified: bool) -> str:
    text = f"✅ {e(short)} {day_month(from_date, to_date)} är flyttat till {day_month(to_date, from_date)}."
    if notified:
        text += " Bevakarna får besked nu."
    return text
