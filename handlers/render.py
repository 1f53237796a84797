"""Views → Telegram HTML. The one place that writes markup.

Everything that came from a user or a protocol passes `esc` before it meets a tag. Dates are
written the Swedish way, every fact carries its citation, and `split_html` cuts long answers
into messages of at most 4,096 characters at paragraph boundaries without breaking a tag.
Pure functions: views in, `Reply` out; the handlers send it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from handlers import keys
from knowledge.parse.dates import MONTH_NAMES, swedish
from knowledge.search import SNIPPET_END, SNIPPET_START
from knowledge.views import (
    BodyView,
    Candidate,
    CaseCard,
    CaseLookup,
    FigureReport,
    FigureView,
    HandlingView,
    MeetingView,
    MotionView,
    ReservationView,
    SearchHit,
    Source,
)

T = TypeVar("T")

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_QUERY = 200  # characters of an argument we look up; longer is refused with a message
BUTTON_LABEL = 48
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
FIGURE_LABELS = {
    "utfall": "Utfall",
    "prognos": "Prognos",
    "budgetavvikelse": "Avvikelse mot budget",
    "budget": "Budget",
    "tillatet_underskott": "Tillåtet underskott",
}


@dataclass(frozen=True)
class Reply:
    """An answer ready to send: message parts (each ≤ 4,096) and buttons under the last one."""

    parts: list[str]
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None  # sent after the text (a chart)
    photo_caption: str | None = None
    notice: str | None = None  # a short callback-query answer ("toast")

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)


# --- small pieces -------------------------------------------------------------------------


def esc(text: object) -> str:
    """Escape user or protocol text for Telegram HTML (&, <, > and quotes)."""
    return html.escape(str(text), quote=True)


def swedish_date(d: date | None) -> str:
    return swedish(d) if d else "okänt datum"


def cite(src: Source, *, short: bool = False) -> str:
    """"Hälso- och sjukvårdsnämnden 2024-09-04 § 104" or "HSN 2024-09-04 § 104" (plain text)."""
    parts = [src.body_short if short and src.body_short else src.body]
    if src.date:
        parts.append(src.date.isoformat())
    if src.paragraph is not None:
        parts.append(f"§ {src.paragraph}")
    if src.date is None and src.paragraph is None and src.document:
        parts.append(f"({src.document})")
    return " ".join(p for p in parts if p)


def source_line(src: Source) -> str:
    return f"<i>Källa: {esc(cite(src))}</i>"


def doubt_note(page: int | None, doubts: Sequence[str]) -> str:
    """The one wording of a fact whose parse is in doubt (`knowledge.parse.health`): it is not
    stated as fact, the reader is sent to the protocol, and the first reason is given. Empty
    when there is no doubt."""
    if not doubts:
        return ""
    where = f"se protokollet, s. {page}" if page else "se protokollet"
    return f"⚠️ Osäker tolkning — {esc(where)}\n<i>{esc(shorten(doubts[0], 200))}</i>"


def caution(src: Source) -> str:
    """`doubt_note` for a cited fact."""
    return doubt_note(src.page, src.doubts)


def _caution_after(src: Source) -> str:
    note = caution(src)
    return f"\n{note}" if note else ""


def person(name: str | None, party: str | None) -> str:
    """"Pia Lundin (SJVP)"; a party-level entry: "Ledamöterna från (C)" (plain text)."""
    if name and party:
        return f"{name} ({party})"
    if name:
        return name
    if party:
        return f"Ledamöterna från ({party})"
    return "Okänd ledamot"


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:–-") + "…"


def mnkr(value: float) -> str:
    """"−277 mnkr", "1 234,5 mnkr", "−0,371 mnkr": Swedish digits, a real minus sign, and the
    decimals the figure has (up to thousandths: a small nämnd's 371 tkr is not "−0,4 mnkr")."""
    sign = "−" if round(value, 3) < 0 else ""
    body = f"{abs(value):,.3f}".rstrip("0").rstrip(".")
    body = body.replace(",", "\u00a0").replace(".", ",")
    return f"{sign}{body} mnkr"


def period(text: str | None) -> str:
    """"2024-01..2024-07" → "januari–juli 2024"; anything else as written."""
    if not text:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d\d)\.\.(\d{4})-(\d\d)", text)
    if m and 1 <= int(m[2]) <= 12 and 1 <= int(m[4]) <= 12:
        a, b = MONTH_NAMES[int(m[2])], MONTH_NAMES[int(m[4])]
        if m[1] == m[3]:
            return f"{a}–{b} {m[1]}"
        return f"{a} {m[1]}–{b} {m[3]}"
    if re.fullmatch(r"\d{4}", text):
        return f"helår {text}"
    return text


def _label(text: str) -> str:
    return shorten(text, BUTTON_LABEL)


def keyboard(rows: Iterable[Iterable[tuple[str, str | None]]]) -> InlineKeyboardMarkup | None:
    """Buttons from (label, callback_data); a button whose data did not fit (None) is left out."""
    built = []
    for row in rows:
        buttons = [
            InlineKeyboardButton(_label(label), callback_data=data)
            for label, data in row
            if data and len(data.encode("utf-8")) <= keys.MAX_BYTES
        ]
        if buttons:
            built.append(buttons)
    return InlineKeyboardMarkup(built) if built else None


def simple(text_html: str, keyboard_: InlineKeyboardMarkup | None = None) -> Reply:
    return Reply(split_html(text_html), keyboard_)


# --- splitting ----------------------------------------------------------------------------

_TOKEN = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]+;|\n|[ \t]+|[^<&\n \t]{1,64}|[<&]")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def utf16_len(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _after(stack: tuple[tuple[str, str], ...], token: str) -> tuple[tuple[str, str], ...]:
    m = _TAG.match(token) if token.startswith("<") else None
    if not m:
        return stack
    if not m[1]:
        return (*stack, (m[2].lower(), token))
    name = m[2].lower()
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            return stack[:i]
    return stack


def _closers(stack: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut HTML into parts of at most ``limit`` UTF-16 units.

    Prefers a blank line (paragraph), then a line break, then a space; never cuts inside a tag
    or an entity. Tags open at a cut are closed at the end of the part and reopened at the start
    of the next, so every part is well-formed on its own.
    """
    text = text.strip()
    if utf16_len(text) <= limit:
        return [text] if text else []
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    stack: tuple[tuple[str, str], ...] = ()
    i, n = 0, len(tokens)
    while i < n:
        while i < n and tokens[i].isspace():
            i += 1
        if i >= n:
            break
        prefix = "".join(tag for _, tag in stack)
        length = utf16_len(prefix)
        st = stack
        best: dict[int, tuple[int, tuple, int]] = {}
        j = i
        while j < n:
            tok = tokens[j]
            new_st = _after(st, tok)
            size = utf16_len(tok)
            if length + size + utf16_len(_closers(new_st)) > limit:
                break
            length += size
            st = new_st
            j += 1
            if tok == "\n":
                prio = 3 if j - 2 >= i and tokens[j - 2] == "\n" else 2
            elif tok.isspace():
                prio = 1
            elif tok.startswith("<") and not tok.startswith("</"):
                continue  # never end a part right after an opening tag
            else:
                prio = 0
            best[prio] = (j, st, length)
        if j >= n:
            cut, cut_stack = n, st
        else:
            choice = None
            for prio in (3, 2, 1):
                if prio in best and best[prio][2] >= limit // 4:
                    choice = best[prio]
                    break
            if choice is None:
                choice = max(best.values(), key=lambda c: c[0]) if best else (max(j, i + 1), st, 0)
            cut, cut_stack = choice[0], choice[1]
        body = "".join(tokens[i:cut]).rstrip()
        part = prefix + body + _closers(cut_stack)
        if _visible(part):
            parts.append(part)
        stack, i = cut_stack, cut
    return parts


def _visible(part: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", part)).strip()


def truncate(text: str, limit: int = MAX_MESSAGE, note: str = "…") -> str:
    """The first part of ``text`` that fits, with ``note`` appended when something was cut."""
    parts = split_html(text, limit - len(note) - 2)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return parts[0] + "\n\n" + note


# --- messages -----------------------------------------------------------------------------


def help_text(bot_username: str | None = None) -> Reply:
    inline = (
        f"\n\nI andra chattar: skriv <code>@{esc(bot_username)} 24HSN2937</code> för att dela ett ärende."
        if bot_username
        else ""
    )
    text = (
        "<b>nämndbot</b> svarar på vad nämnderna har beslutat — alltid med källa "
        "(organ, datum och §).\n\n"
        "/beslut <i>dnr eller ord</i> — vad som beslutades i ett ärende, i alla möten\n"
        "  t.ex. <code>/beslut 24HSN2937</code> eller <code>/beslut tandvård</code>\n"
        "/reservationer <i>[parti, namn eller dnr]</i> — vem som reserverade sig\n"
        "  t.ex. <code>/reservationer SJVP</code>\n"
        "/nasta_mote <i>[organ]</i> — nästa sammanträde (även /nästa-möte)\n"
        "/underskott <i>[organ eller år]</i> — utfall, prognos och avvikelse mot budget\n"
        "/sok <i>text</i> — sök i protokollens text (även /sök)\n\n"
        "Du kan också skriva ett diarienummer eller några ord direkt."
        f"{inline}\n\nTryck på ett exempel:"
    )
    return simple(
        text,
        keyboard(
            [
                [("/beslut 24HSN2937", keys.example("beslut", "24HSN2937"))],
                [("/reservationer SJVP", keys.example("reservationer", "SJVP"))],
                [("/nasta_mote", keys.example("nasta_mote", "")),
                 ("/underskott", keys.example("underskott", ""))],
                [("/sok tandvård", keys.example("sok", "tandvård"))],
            ]
        ),
    )


def unknown_command(command: str) -> Reply:
    return simple(
        f"Kommandot <code>{esc(shorten(command, 40))}</code> känner jag inte till.\n\n"
        "Jag kan: /beslut, /reservationer, /nasta_mote, /underskott, /sok och /hjalp."
    )


def too_long(length: int) -> Reply:
    return simple(
        f"Frågan är för lång ({length:,} tecken).".replace(",", "\u00a0")
        + f" Skriv högst {MAX_QUERY} tecken, till exempel ett diarienummer "
        "(<code>24HSN2937</code>) eller några ord ur ärendets rubrik."
    )


def empty_store() -> Reply:
    return simple(
        "Databasen är tom: inga protokoll är inlästa ännu, så jag kan inte svara. "
        "Läs in protokoll med <code>python -m bot ingest MAPP</code>."
    )


def stale_button() -> str:
    return "Knappen är inaktuell. Fråga igen, till exempel med /beslut."


def failure_notice() -> str:
    return "Något gick fel. Försök igen om en stund."


# --- /beslut ------------------------------------------------------------------------------


def _handling(h: HandlingView, index: int) -> tuple[str, list[tuple[str, str | None]]]:
    src = h.source
    head = f"<b>{index}. {esc(src.body)}</b>, {esc(swedish_date(src.date))}"
    if src.paragraph is not None:
        head += f", § {src.paragraph}"
    lines = [head]
    if src.doubtful:  # before the decision: it is our reading, not a fact
        lines.append(caution(src))
    if h.is_proposal:
        lines.append("<u>Förslag till " + esc(h.proposal_to or "beslut") + ":</u>")
    elif h.decision or not h.proposals:
        lines.append("<u>Beslut:</u>")
    if h.decision:
        lines += [esc(clause) for clause in h.decision]
    elif not h.proposals:
        lines.append("<i>(beslutstexten kunde inte läsas ut ur protokollet)</i>")
    for target, entries in h.proposals:  # what the § only proposed, never shown as decided
        lines.append("<u>Förslag till " + esc(target) + ":</u>")
        lines += [esc(clause) for clause in entries]
    for vote in h.votes:
        counts = [f"{n} {w}" for n, w in ((vote.yes, "ja"), (vote.no, "nej"), (vote.abstain, "avstår")) if n is not None]
        if counts:
            lines.append("Omröstning: " + esc(", ".join(counts)))
    if h.motions:
        lines.append(
            "Yrkanden: "
            + esc("; ".join(
                ", ".join(person(m.name, m.party) for m in run) + ": " + _motion_what(run[0])
                for run in _runs(h.motions, lambda m: (m.kind, m.supports))
            ))
        )
    if h.abstentions:
        lines.append("Avstår: " + esc(", ".join(h.abstentions)))
    buttons: list[tuple[str, str | None]] = []
    if h.reservations:
        names = []
        texts: dict[str, list[str]] = {}
        first_id: dict[str, int] = {}
        for r in h.reservations:
            label = person(r.name, r.party)
            names.append(label)
            if r.text:
                texts.setdefault(r.text, []).append(label)
                first_id.setdefault(r.text, r.id)
        for text, who in texts.items():
            more = " m.fl." if len(who) > 1 else ""
            buttons.append((f"Reservationstext: {who[0]}{more}", keys.reservation(first_id[text])))
        line = "Reservationer: " + esc(", ".join(names))
        favour = {r.in_favour_of for r in h.reservations if r.in_favour_of}
        if favour:
            line += " — till förmån för " + esc(" / ".join(sorted(favour)))
        lines.append(line)
    for run in _runs(h.notes, lambda n: (n.kind, n.text)):  # a group note: its signers, its text once
        who = ", ".join(person(n.name, n.party) for n in run)
        lines.append(f"{esc(run[0].kind.capitalize())}: {esc(who)}")
        if run[0].text:
            lines.append(f"<i>{esc(shorten(run[0].text, 300))}</i>")
    lines.append(f"<i>Källa: {esc(cite(src))} ({esc(cite(src, short=True))})</i>")
    return "\n".join(lines), buttons


def _runs(items: Sequence[T], key: Callable[[T], object]) -> list[list[T]]:
    """Neighbours with the same key as one group: the members who proposed or noted one thing together."""
    out: list[list[T]] = []
    for item in items:
        if out and key(out[-1][0]) == key(item):
            out[-1].append(item)
        else:
            out.append([item])
    return out


def _motion_what(m: MotionView) -> str:
    """"bifall till Pia Lundins ändringsyrkande", "återremiss i enlighet med yrkandet från SD", "avslag"."""
    if not m.supports:
        return m.kind
    return f"bifall till {m.supports}" if m.kind == "bifall" else f"{m.kind} i enlighet med {m.supports}"


def case_text(card: CaseCard) -> tuple[str, list[tuple[str, str | None]]]:
    """The card as HTML, and the buttons its handlings ask for."""
    head = f"<b>{esc(card.title)}</b>\nDnr <code>{esc(card.dnr)}</code>"
    if card.organisation:
        head += f" · {esc(card.organisation)}"
    handlings = [h for h in card.handlings if not h.routine] or list(card.handlings)
    blocks = [head]
    buttons: list[tuple[str, str | None]] = []
    if not handlings:
        blocks.append("Inga behandlingar av ärendet finns i databasen.")
    for i, h in enumerate(handlings, 1):
        text, more = _handling(h, i)
        blocks.append(text)
        buttons += more
    if len(handlings) > 1:
        blocks.append(
            "<i>Behandlat: "
            + esc(" → ".join(cite(h.source, short=True) for h in handlings))
            + "</i>"
        )
    return "\n\n".join(blocks), buttons


def case_card(card: CaseCard) -> Reply:
    text, buttons = case_text(card)
    return simple(text, keyboard([[b] for b in buttons[:8]]))


def _candidate_label(c: Candidate) -> str:
    bits = [c.dnr] if c.dnr else []
    bits.append(c.title)
    return " · ".join(bits)


def case_lookup(lookup: CaseLookup) -> Reply:
    """The answer to /beslut ARG when no single card was found: suggestions or "unknown"."""
    if lookup.card is not None:
        return case_card(lookup.card)
    query = esc(shorten(lookup.query, 80))
    if not lookup.candidates:
        what = "diarienumret" if lookup.kind == "dnr" else "något ärende som matchar"
        return simple(
            f"Databasen känner inte till {what} <b>{query}</b>. "
            "Jag gissar inte: kontrollera stavningen eller sök i texten med "
            f"<code>/sok {query}</code>."
        )
    if lookup.kind == "dnr":
        intro = f"Diarienumret <b>{query}</b> finns inte i databasen. Närmaste diarienummer:"
    else:
        intro = f"Menade du …? Flera ärenden matchar <b>{query}</b>:"
    lines = [intro]
    for i, c in enumerate(lookup.candidates[:8], 1):
        when = f", senast {swedish_date(c.last_date)}" if c.last_date else ""
        dnr = f"<code>{esc(c.dnr)}</code> " if c.dnr else ""
        lines.append(f"{i}. {dnr}{esc(c.title)}{esc(when)}")
    return simple(
        "\n".join(lines),
        keyboard([[(f"{i}. {_candidate_label(c)}", keys.case(c.case_id))]
                  for i, c in enumerate(lookup.candidates[:8], 1)]),
    )


def case_gone() -> Reply:
    return simple("Ärendet finns inte längre i databasen. Fråga igen med /beslut.")


def latest_decisions(handlings: Sequence[HandlingView]) -> Reply:
    lines = [
        "Skriv <code>/beslut</code> följt av ett diarienummer eller några ord ur rubriken, "
        "t.ex. <code>/beslut 24HSN2937</code> eller <code>/beslut tandvård</code>.",
    ]
    buttons = []
    if handlings:
        lines.append("\n<b>Senaste besluten</b>")
        for h in handlings:
            dnr = f" (<code>{esc(h.dnr)}</code>)" if h.dnr else ""
            mark = " ⚠️ osäker tolkning" if h.source.doubtful else ""
            lines.append(f"• {esc(h.title)}{dnr}\n  <i>{esc(cite(h.source, short=True))}</i>{mark}")
            if h.dnr:
                buttons.append([(f"{h.dnr} · {h.title}", keys.dnr(h.dnr))])
    return simple("\n".join(lines), keyboard(buttons))


# --- /reservationer -----------------------------------------------------------------------


def _reservation_head(r: ReservationView) -> str:
    src = r.source
    who = esc(person(r.name, r.party))
    dnr = f" (<code>{esc(r.case_dnr)}</code>)" if r.case_dnr else ""
    where = f"{esc(src.body)}, {esc(swedish_date(src.date))}"
    if src.paragraph is not None:
        where += f", § {src.paragraph}"
    lines = [f"<b>{who}</b> reserverade sig", f"{esc(r.case_title)}{dnr}", where]
    if r.in_favour_of:
        lines.append(f"Till förmån för {esc(r.in_favour_of)}")
    if src.doubtful:
        lines.append(caution(src))
    return "\n".join(lines)


def _groups(views: Sequence[ReservationView]) -> list[list[ReservationView]]:
    """Reservations filed together (same paragraph, same proposal) read as one entry."""
    groups: list[list[ReservationView]] = []
    for r in views:
        last = groups[-1][0] if groups else None
        if last and (last.source, last.case_dnr, last.in_favour_of) == (r.source, r.case_dnr, r.in_favour_of):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def reservation_list(
    views: Sequence[ReservationView],
    filter_text: str = "",
    *,
    offset: int = 0,
    more: bool = False,
) -> Reply:
    """Latest reservations, with a button for each full text and one for the next page."""
    if not views:
        if filter_text:
            return simple(
                f"Inga reservationer för <b>{esc(shorten(filter_text, 80))}</b> finns i databasen."
            )
        return simple("Inga reservationer finns i databasen.")
    title = "Senaste reservationerna"
    if filter_text:
        title += f" — {esc(shorten(filter_text, 80))}"
    if offset:
        title += f" (fortsättning, från nr {offset + 1})"
    blocks = [f"<b>{title}</b>"]
    rows: list[list[tuple[str, str | None]]] = []
    for group in _groups(views):
        first = group[0]
        who = ", ".join(person(r.name, r.party) for r in group)
        block = _reservation_head(first).replace(
            f"<b>{esc(person(first.name, first.party))}</b> reserverade sig",
            f"<b>{esc(who)}</b> reserverade sig",
            1,
        )
        shown: set[str] = set()
        for r in group:
            if r.text and r.text not in shown:
                shown.add(r.text)
                # a text belongs to those who wrote it: named when others in the entry did not
                authors = [x for x in group if x.text == r.text]
                by = "" if len(authors) == len(group) else esc(", ".join(person(x.name, x.party) for x in authors)) + ": "
                block += f"\n{by}<i>”{esc(shorten(r.text, 220))}”</i>"
                rows.append([(f"Hela texten: {person(r.name, r.party)}", keys.reservation(r.id))])
        block += f"\n<i>Källa: {esc(cite(first.source, short=True))}</i>"
        blocks.append(block)
    if more:
        rows.append([("Fler reservationer ▸", keys.page("r", offset + len(views), filter_text))])
    return simple("\n\n".join(blocks), keyboard(rows))


def reservation_full(r: ReservationView) -> Reply:
    text = _reservation_head(r)
    text += "\n\n" + (
        f"”{esc(r.text)}”" if r.text else "<i>Protokollet återger ingen reservationstext.</i>"
    )
    text += "\n\n" + source_line(r.source)
    buttons = [[("Visa hela ärendet", keys.dnr(r.case_dnr))]] if r.case_dnr else []
    return simple(text, keyboard(buttons))


def reservation_gone() -> Reply:
    return simple("Reservationen finns inte längre i databasen. Fråga igen med /reservationer.")


# --- /nasta_mote --------------------------------------------------------------------------


def _when(m: MeetingView) -> str:
    text = f"{WEEKDAYS[m.date.weekday()]} {swedish(m.date)}"
    if m.time:
        text += f" kl. {m.time}"
    if m.place:
        text += f", {m.place}"
    return text


def meetings(views: Sequence[MeetingView], today: date, asked: str = "") -> Reply:
    if not views:
        about = f" för <b>{esc(shorten(asked, 80))}</b>" if asked else ""
        return simple(
            f"Inga kommande möten{about} efter {esc(swedish(today))} finns i databasen. "
            "Jag känner bara till de sammanträden som står i inlästa protokoll och planer."
        )
    lines = [f"<b>Nästa möte</b> (räknat från {esc(swedish(today))})"]
    for m in views:
        block = f"\n<b>{esc(m.body.name)}</b>\n{esc(_when(m))}"
        if m.status == "cancelled":
            block += "\n⚠️ Inställt"
        if m.moved_from:
            block += f"\n⚠️ Flyttat från {esc(swedish(m.moved_from))}"
            if m.moved_by:
                block += f" — beslut {esc(cite(m.moved_by))}" + _caution_after(m.moved_by)
            if m.moved_quote:
                block += f"\n<i>”{esc(shorten(m.moved_quote, 300))}”</i>"
        lines.append(block)
    return simple("\n".join(lines))


def unknown_body(asked: str, known: Sequence[BodyView]) -> Reply:
    names = ", ".join(f"{b.name} ({b.short})" if b.short else b.name for b in known)
    text = f"Jag känner inte till något organ som heter <b>{esc(shorten(asked, 80))}</b>."
    if names:
        text += f"\nKända organ: {esc(names)}."
    return simple(text)


# --- /underskott --------------------------------------------------------------------------


MAX_OTHERS = 2  # other values shown under a figure; the rest are counted


def _figure(f: FigureView) -> str:
    label = FIGURE_LABELS.get(f.kind, f.kind)
    when = period(f.period)
    about = f" ({esc(f.entity)})" if f.entity else ""
    head = f"<b>{esc(label)}</b>{' ' + esc(when) if when else ''}{about}: <b>{esc(mnkr(f.value_mnkr))}</b>"
    lines = [f"{head}{_caution_after(f.source)}", f"<i>”{esc(shorten(f.quote, 300))}”</i>", source_line(f.source)]
    lines += [_other(f, o) for o in f.others[:MAX_OTHERS]]
    if len(f.others) > MAX_OTHERS:
        lines.append(f"<i>… och {len(f.others) - MAX_OTHERS} äldre uppgifter med andra belopp.</i>")
    return "\n".join(lines)


def _other(shown: FigureView, other: FigureView) -> str:
    """A value another source (or another sentence of the same) gives for the same figure: the
    answer is the newest, but the sources disagree, so both are shown with where they stand."""
    value, quote = f"<b>{esc(mnkr(other.value_mnkr))}</b>", f"<i>”{esc(shorten(other.quote, 160))}”</i>"
    if other.source == shown.source:
        return f"⚠️ Samma källa anger också {value}: {quote}"
    lead = "Tidigare uppgift" if (other.source.date or date.min) < (shown.source.date or date.min) else "Annan uppgift"
    return f"⚠️ {lead}: {value} ({esc(cite(other.source))}): {quote}"


def _budget_rows(rep: FigureReport) -> list[FigureView]:
    """The plan's rows for the years the latest figures are about (all rows when none match)."""
    years = {f.period[:4] for f in rep.latest if f.period}
    return [f for f in rep.budget if (f.period or "")[:4] in years] or list(rep.budget)


def figures(reports: Sequence[FigureReport], asked: str = "") -> Reply:
    reports = [r for r in reports if r.latest or r.budget]
    if not reports:
        about = f" för <b>{esc(shorten(asked, 80))}</b>" if asked else ""
        return simple(
            f"Jag hittar inga ekonomiska siffror{about} i databasen, så jag kan inte säga något "
            "säkert om underskottet."
        )
    blocks = []
    for rep in reports:
        name = rep.body.name if rep.body else "Okänt organ"
        blocks.append(f"<b>Ekonomi — {esc(name)}</b>")
        if rep.latest:
            blocks += [_figure(f) for f in rep.latest]
        else:
            blocks.append("Inga uppgifter om utfall eller prognos finns i databasen.")
        budget = _budget_rows(rep)
        if budget:
            blocks.append("<b>Enligt verksamhetsplanen</b>")
            blocks += [_figure(f) for f in budget]
    blocks.append("<i>mnkr = miljoner kronor; minus betyder underskott.</i>")
    return simple("\n\n".join(blocks))


def chart_caption(report: FigureReport) -> str:
    name = report.body.short or report.body.name if report.body else ""
    sources = sorted({cite(f.source, short=True) for s in report.series.values() for f in s})
    text = f"{name}: utfall och prognos över tid (mnkr). Källor: " + "; ".join(sources)
    return esc(shorten(text, MAX_CAPTION - 50))


# --- /sok ---------------------------------------------------------------------------------


_MARKED = re.compile(re.escape(SNIPPET_START) + r"([^" + SNIPPET_START + SNIPPET_END + r"]*)" + re.escape(SNIPPET_END))


def _highlight(snippet: str, query: str) -> str:
    """Escape ``snippet`` and bold the matches: the store's «marks» when it set them, else the
    query's words."""
    if _MARKED.search(snippet):
        out, last = [], 0
        for m in _MARKED.finditer(snippet):
            out += [esc(snippet[last : m.start()]), f"<b>{esc(m[1])}</b>"]
            last = m.end()
        out.append(esc(snippet[last:]))
        return "".join(out)
    words = sorted({w for w in re.findall(r"\w{3,}", query)}, key=len, reverse=True)
    if not words:
        return esc(snippet)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(snippet):
        out.append(esc(snippet[last : m.start()]))
        out.append(f"<b>{esc(m.group())}</b>")
        last = m.end()
    out.append(esc(snippet[last:]))
    return "".join(out)


def search_hits(hits: Sequence[SearchHit], query: str) -> Reply:
    shown = esc(shorten(query, 80))
    if not hits:
        return simple(f"Inga träffar för <b>{shown}</b> i protokollen.")
    blocks = [f"<b>Träffar för {shown}</b>"]
    rows = []
    opened: set[int] = set()
    for n, h in enumerate(hits, 1):
        dnr = f" (<code>{esc(h.dnr)}</code>)" if h.dnr else ""
        snippet = " ".join(h.snippet.split())
        quote = f"\n{_highlight(shorten(snippet, 400), query)}" if snippet else ""
        blocks.append(f"{n}. <b>{esc(h.title)}</b>{dnr}{_caution_after(h.source)}{quote}\n{source_line(h.source)}")
        if h.case_id is not None and h.case_id not in opened:
            opened.add(h.case_id)
            rows.append([(f"Öppna {h.dnr or h.title}", keys.case(h.case_id))])
    return simple("\n\n".join(blocks), keyboard(rows))


def search_usage() -> Reply:
    return simple("Skriv <code>/sok</code> följt av det du letar efter, t.ex. <code>/sok tandvård</code>.")


# --- inline mode --------------------------------------------------------------------------


def _article(id_: str, title: str, description: str, text_html: str, kb=None) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=id_[:64],
        title=shorten(title, 100) or "nämndbot",
        description=shorten(description, 150),
        input_message_content=InputTextMessageContent(
            truncate(text_html, MAX_MESSAGE, "<i>(förkortat — fråga boten för hela svaret)</i>"),
            parse_mode=ParseMode.HTML,
        ),
        reply_markup=kb,
    )


def inline_cards(cards: Sequence[CaseCard]) -> list[InlineQueryResultArticle]:
    results = []
    for card in cards:
        text, _buttons = case_text(card)
        last = card.handlings[-1].source if card.handlings else None
        desc = card.dnr + (f" · {cite(last, short=True)}" if last else "")
        if any(h.source.doubtful for h in card.handlings):
            desc = "⚠️ osäker tolkning · " + desc
        results.append(_article(f"c{card.case_id}", card.title, desc, text))
    return results


def inline_candidates(candidates: Sequence[Candidate]) -> list[InlineQueryResultArticle]:
    """A short card per candidate; its button replaces it with the full card."""
    results = []
    for c in candidates:
        when = f", senast behandlat {swedish_date(c.last_date)}" if c.last_date else ""
        dnr = f"Dnr <code>{esc(c.dnr)}</code>" if c.dnr else "Utan diarienummer"
        text = f"<b>{esc(c.title)}</b>\n{dnr}{esc(when)}"
        kb = keyboard([[("Visa besluten", keys.case(c.case_id))]])
        desc = " · ".join(x for x in (c.dnr, swedish_date(c.last_date) if c.last_date else None) if x)
        results.append(_article(f"k{c.case_id}", c.title, desc, text, kb))
    return results


def inline_hits(hits: Sequence[SearchHit], query: str) -> list[InlineQueryResultArticle]:
    return [
        _article(
            f"s{h.paragraph_id}",
            h.title,
            f"{h.dnr or ''} · {cite(h.source, short=True)}".strip(" ·"),
            search_hits([h], query).text,
        )
        for h in hits
    ]


def inline_help() -> list[InlineQueryResultArticle]:
    text = (
        "<b>nämndbot</b> — skriv ett diarienummer eller några ord efter botens namn, "
        "t.ex. <code>24HSN2937</code> eller <code>tandvård</code>, så får du ärendets beslut "
        "med källa att dela i chatten."
    )
    return [_article("help", "Sök ett ärende", "Skriv ett diarienummer eller några ord", text)]


def inline_too_long(length: int) -> list[InlineQueryResultArticle]:
    reply = too_long(length)
    return [_article("long", "Frågan är för lång", f"Skriv högst {MAX_QUERY} tecken", reply.text)]


def inline_nothing(query: str) -> list[InlineQueryResultArticle]:
    text = f"Databasen känner inte till något ärende som matchar <b>{esc(shorten(query, 80))}</b>."
    return [_article("none", "Ingen träff", f"Inget ärende matchar {shorten(query, 60)}", text)]
