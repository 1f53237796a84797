"""The decision of a paragraph: its entries, and whether it is a proposal to another body.

What counts (see ../shared/protocol-export.md "decision" and ../shared/real/GOLD-RULES.md):
- att-clauses on lines of their own, after a lead-in ("Hälso- och sjukvårdsnämnden beslutar",
  "… föreslår att nämnden beslutar"): one entry each, a clause running until a blank line or the
  next clause, its wrapped lines joined;
- list items ("1. …", "2) …", "a) …", "• …", "- …"): one entry each, without the marker, however
  many sentences the item has; a dash list nested in a numbered item stays inside it;
- otherwise each sentence is one entry, and a sentence "<body> beslutar att X" is "att X";
- a lead that only announces what follows ("Kommunstyrelsen beslutar:", "… föreslår
  kommunfullmäktige besluta följande:", "Enligt stadsledningskontorets förslag:", "På förslag av
  ordföranden …:") and a sub-heading ("Förslag till beslut i kommunfullmäktige") are no entries;
  a lead that itself decides ("Redovisningen godkänns, med följande tillägg:") is one;
- the decision ends where the Beslut block's own text ends: at a heading (marked, or shaped like
  one in plain text), a table (only its lead sentence counts), a distribution list or an account
  of what has happened that follows it.

A lead or sub-heading that proposes ("föreslår att kommunfullmäktige beslutar:", "Förslag till
beslut i kommunfullmäktige") makes the entries after it a proposal to that body, one that
decides ("beslutar för egen del", "Enligt … förslag:") makes them the body's own again; the
decision is a proposal when all its entries are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.parse.bodies import find_bodies
from knowledge.parse.text import is_marked_heading, join_lines, sentences, strip_markup, unquoted

_VERB = re.compile(
    r"\b(?:beslutar|beslöt|beslutade|föreslår|föreslog|godkänner|fastställer|avslår|bifaller|antar|beviljar|"
    r"återremitterar|bordlägger|utser|väljer|uppdrar|tillstyrker|avstyrker)\b", re.I)
_PROPOSAL = re.compile(r"\bföresl(?:år|å|og)\b(?:\s+att)?\s+(.*?)(?:\s+(?:att\s+)?besluta[r]?\b|$)", re.I)
# "… beslutar", "att föreslå regionstyrelsen besluta", "… besluta följande:": a lead-in, no clause
_LEAD_IN_END = re.compile(r"\b(?:besluta|beslutar)(?:\s+(?:enligt\s+)?följande)?\s*(?::\s*)?$", re.I)
_GENERIC_TARGET = re.compile(r"\b(nämnden|fullmäktige|styrelsen|utskottet)\b", re.I)


@dataclass
class Decision:
    clauses: list[str] = field(default_factory=list)
    lead_in: str = ""  # the lines that are no entry (who decides, on whose proposal)
    is_proposal: bool = False
    proposal_to: str | None = None
    body: str | None = None  # the body that decides (the lead-in's first body)
    # per clause: the body it is proposed to, None where it is the deciding body's own decision
    proposed_to: list[str | None] = field(default_factory=list)


# --- the lines of the decision ------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(\d{1,2})\s?[.)]\s+(?=\S)")
_LETTERED = re.compile(r"^\s*([a-zåäö])\)\s+(?=\S)")
# "• X", "- X", "– X", and "-X" (no space: a dash list as some print it)
_BULLET = re.compile(r"^\s*(?:[•▪●◦■]\s*|[-–—]\s+|-(?=[A-ZÅÄÖ]))(?=\S)")
_ATT = re.compile(r"^\s*[Aa]tt\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;]\s*[”\")]?\s*$")


def _blank(line: str) -> bool:
    return not line.strip()


def _is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def _heading_shaped(lines: list[str], i: int) -> bool:
    """A plain-text heading ("Handling", "Information", "Justering", "Bilaga" in a .txt
    protocol): after a blank line, one capitalised word without a stop, or a few that stand
    apart (a blank line or a list after them)."""
    s = lines[i].strip()
    if not (s[:1].isupper() and len(s) <= 40 and len(s.split()) <= 3):
        return False
    if re.search(r"[.:;,!?)\d]$", s) or _NUMBERED.match(s) or _BULLET.match(s):
        return False
    if i > 0 and not _blank(lines[i - 1]):
        return False
    return (len(s.split()) == 1 or i + 1 >= len(lines) or _blank(lines[i + 1])
            or _marker(lines[i + 1]) is not None)


# a distribution list ("Länsstyrelsen VG, Klk-lön, Klk-kansli, M. Barkage Foster"): names and
# short forms only, separated by commas; its "Expedieras till" label may be lost with the page
# furniture
_LIST_ITEM = re.compile(r"^[A-ZÅÄÖ][\w.&/-]*(?:\s+[A-ZÅÄÖ][\w.&/-]*)*$")


def _distribution_list(paragraph: list[str]) -> bool:
    """Is this block of lines a list of recipients, names and short forms only?"""
    text = join_lines(paragraph).rstrip(".")
    items = [p.strip() for p in re.split(r",\s*|\.\s+(?=[A-ZÅÄÖ]{2,}\b)", text) if p.strip()]
    return len(items) >= 2 and all(_LIST_ITEM.match(item) for item in items)


# "Efter kommunfullmäktiges sammanträde den 26 januari 2023 har följande motioner … inkommit":
# an account of what has happened, set after the decision, is no part of it
_ACCOUNT = re.compile(r"^(?:Efter|Sedan|Under|Inför|Vid)\b[^.]{0,120}?\b(?:har|hade)\s+(?:\w+\s+){0,6}?\w+ts?\b", re.I)


def _proposal_heading(text: str) -> str | None:
    """The body a sub-heading proposes to: "Förslag till beslut i kommunfullmäktige",
    "Kommunstyrelsens förslag till kommunfullmäktige"."""
    m = re.match(r"^(?:[\w\- ]{2,60}?s\s+)?förslag\s+till\s+(?:beslut\s+(?:i|till|för|åt)\s+)?(.+?)\s*:?$", text, re.I)
    if not m or len(text.split()) > 8:
        return None
    bodies = find_bodies(m.group(1))
    if bodies and bodies[0][0] == 0:
        return bodies[0][2]
    generic = re.fullmatch(r"(nämnden|fullmäktige|styrelsen|utskottet)", m.group(1), re.I)
    return generic.group(1).capitalize() if generic else None


def _decision_part(lines: list[str]) -> list[str]:
    """The lines of the Beslut block that are the decision: up to a heading after its first
    entry (a sub-heading before it, or one that proposes, stays), without tables, and without a
    distribution list or an account that follows it."""
    out: list[str] = []
    started = False
    for i, line in enumerate(lines):
        if _blank(line):
            out.append("")
            continue
        if _is_table_row(line):
            continue
        s = strip_markup(line)
        if is_marked_heading(line):
            if started and _proposal_heading(s) is None:
                break
            out.append(line)
            continue
        if started and _heading_shaped(lines, i):
            break
        if started and (i == 0 or _blank(lines[i - 1])):
            end = i
            while end < len(lines) and not _blank(lines[end]):
                end += 1
            paragraph = lines[i:end]
            if _distribution_list(paragraph) or _ACCOUNT.match(join_lines(paragraph)):
                break
        out.append(line)
        started = True
    return out


# --- announcements ------------------------------------------------------------------------

# "Enligt stadsledningskontorets förslag:", "På förslag av ordföranden Jonas Attenius (S):",
# "I enlighet med yrkande från S, V och MP:": whose proposal is decided, said before it
_SOURCE = re.compile(r"^(?:enligt|på\s+förslag\s+(?:av|från)|i\s+enlighet\s+med|med\s+bifall\s+till)\b", re.I)
# the deciding verb, or the noun after a genitive ("Kommunfullmäktiges beslut") or in "fattar
# följande beslut"; not "Göteborgsförslag 12879 för beslut"
_DECIDING_WORD = re.compile(r"\b(?:beslutar|besluta|beslutade|beslöt|föreslår|föreslå|föreslog)\b|(?<=s\s)beslut\b|"
                            r"\b(?:fattar|följande)\s+(?:\w+\s+)?beslut\b", re.I)
_ANNOUNCING_TAIL = re.compile(r"^(?:(?:enligt\s+)?följande|för\s+egen\s+del(?:\s+(?:enligt\s+)?följande)?|"
                              r"således|därför|därmed|sålunda|att)?$", re.I)
# "… beslutar på hälso- och sjukvårdsutskottets förslag", "… beslutar enligt arbetsutskottets förslag:"
_SOURCE_TAIL = re.compile(r"^(?:på|enligt|i\s+enlighet\s+med)\s+(?:[\w\-]+\s+(?:och\s+)?){0,4}?(?:förslag|yrkande)(?:et)?"
                          r"(?:\s+(?:enligt\s+)?följande)?$", re.I)


def _announces(sentence: str) -> bool:
    """Does this lead only announce the decision that follows? It names who decides, on whose
    proposal or to whom it proposes, and ends in the deciding word ("beslutar:", "besluta
    följande:", "Kommunfullmäktiges beslut:") or before the list ("Enligt … förslag:")."""
    s = re.sub(r"\s+", " ", unquoted(sentence)).strip()
    if not s or re.search(r"[.!?]$", s):
        return False  # a finished sentence decides something
    s = s.rstrip(" :")
    if _SOURCE.match(s) and not _VERB.search(s) and sentence.rstrip().endswith(":"):
        return True
    if _proposal_heading(s):
        return True
    words = list(_DECIDING_WORD.finditer(s))
    if not words:
        return False
    tail = s[words[-1].end():].strip(" ,")
    if _ANNOUNCING_TAIL.match(tail) or _SOURCE_TAIL.match(tail):
        return True
    bodies = find_bodies(tail)  # "… beslutar Hälso- och sjukvårdsutskottet"
    return bool(bodies) and bodies[0][0] == 0 and bodies[-1][1] >= len(tail) - 1


def _target(lead: str) -> str | None:
    """The body a lead proposes to ("föreslår att kommunfullmäktige beslutar", "beslutar att
    föreslå regionstyrelsen besluta", "Förslag till beslut i kommunfullmäktige"); None when the
    lead decides for its own body ("föreslås besluta" is the förvaltning's proposal to it)."""
    if re.search(r"\bför\s+egen\s+del\b", lead, re.I):
        return None
    heading = _proposal_heading(re.sub(r"\s+", " ", lead).strip())
    if heading:
        return heading
    m = _PROPOSAL.search(lead)
    if not m:
        return None
    targets = [name for _, _, name in find_bodies(m.group(1))]
    if targets:
        return targets[0]
    generic = _GENERIC_TARGET.search(m.group(1))
    return generic.group(1).capitalize() if generic else None  # "föreslår att nämnden beslutar"


def _starts_announcement(lines: list[str], i: int) -> bool:
    """Does a lead that only announces begin at line ``i`` (it may wrap over a few lines)?"""
    parts = []
    for line in lines[i:i + 3]:
        if _blank(line):
            break
        parts.append(line)
        if re.search(r"[.:!?]\s*$", line):
            break
    return bool(parts) and parts[-1].rstrip().endswith(":") and _announces(join_lines(parts))


# --- units: list items, att-clauses, running text -------------------------------------------


@dataclass
class _Unit:
    kind: str  # "item" | "att" | "text" | "heading"
    lines: list[str]
    marker: str = ""  # "1", "a", "•": what kind of list an item belongs to


def _marker(line: str) -> tuple[str, int] | None:
    """("1"/"a"/"•", where the item's text starts) for a list item's first line."""
    for pattern in (_NUMBERED, _LETTERED):
        m = pattern.match(line)
        if m:
            return m.group(1), m.end()
    m = _BULLET.match(line)
    if m:
        return "•", m.end()
    return None


def _follows(marker: str, previous: str) -> bool:
    """Is ``marker`` the next number or letter after ``previous``?"""
    if marker.isdigit() and previous.isdigit():
        return int(marker) == int(previous) + 1
    if marker.isalpha() and previous.isalpha():
        return ord(marker) == ord(previous) + 1
    return marker == previous == "•"


def _lead_end(line: str) -> bool:
    """Does this line end a lead-in that att-clauses follow ("… beslutar", "… besluta följande:",
    "… beslutar för egen del", "Då inga extra ärenden föreligger beslutar Hälso- och
    sjukvårdsutskottet")?"""
    s = line.strip()
    return s.endswith(":") or _announces(s)


def _units(lines: list[str]) -> list[_Unit]:
    """The decision's lines as list items, att-clauses, running text and sub-headings, in order."""
    units: list[_Unit] = []
    current: _Unit | None = None
    previous = ""  # the last line that was not blank
    gap = True  # a blank line (or the start) came before this line
    for i, line in enumerate(lines):
        if _blank(line):
            gap = True
            if current is not None and current.kind != "item":
                current = None
            continue
        if is_marked_heading(line) or _plain_proposal_heading(line, previous, gap):
            units.append(_Unit("heading", [strip_markup(line)]))
            current, previous, gap = None, "", True
            continue
        marker = _marker(line)
        ended = gap or bool(_SENTENCE_END.search(previous)) or _lead_end(previous)
        if marker and marker[0] == "•" and current is not None and current.kind == "item" \
                and current.marker != "•" and not gap and not re.search(r"[.!?;]\s*$", previous):
            marker = None  # a dash list inside a numbered item ("De fem fokusområdena är / -Vackra miljöer") stays in it
        if marker and (ended or (current is not None and current.kind == "item"
                                 and _follows(marker[0], current.marker))):
            text = line[marker[1]:]
            current = _Unit("item", [text], marker[0])
            units.append(current)
        elif _ATT.match(line) and (gap or _lead_end(previous) or (current is not None and current.kind == "att")):
            current = _Unit("att", [line.strip()])
            units.append(current)
        elif current is not None and _continues(current, previous, lines, i, gap):
            current.lines.append(line)
        else:
            current = _Unit("text", [line])
            units.append(current)
        if current is not None and current.kind == "text" and line.rstrip().endswith(":"):
            current = None  # "… med följande tillägg:": what follows is an entry of its own
        previous, gap = line, False
    return units


def _plain_proposal_heading(line: str, previous: str, gap: bool) -> bool:
    """"Förslag till beslut i kommunfullmäktige" on a line of its own in plain text (no mark
    tells it is a heading): capitalised, no full stop, where a new line of text may begin."""
    s = line.strip()
    return (s[:1].isupper() and not re.search(r"[.!?]$", s) and (gap or not previous or _SENTENCE_END.search(previous))
            and _proposal_heading(s) is not None)


def _continues(current: _Unit, previous: str, lines: list[str], i: int, gap: bool) -> bool:
    """Does line ``i`` go on with the unit before it? A list item goes on until a blank line or
    a lead that announces the next part ("Enligt stadsledningskontorets förslag:"), an
    att-clause until a new sentence starts a lead-in, running text until a blank line."""
    if current.kind == "item":
        return not gap and not (_SENTENCE_END.search(previous) and _starts_announcement(lines, i))
    if current.kind == "att":
        return not _clause_ends(previous, lines[i])
    return current.kind == "text"


def _clause_ends(previous: str, line: str) -> bool:
    """Without blank lines (PDF text has none) an att-clause ends where a new sentence starts a
    lead-in: the clause's last line closed a sentence and the next one starts in capitals, or
    the next line is itself a lead-in ("Nämnden beslutar för egen del")."""
    s = line.strip()
    if _VERB.search(s) and find_bodies(s) and not s[:1].islower():
        return True
    return bool(re.search(r"[.!?]\s*$", previous)) and s[:1].isupper()


# --- entries --------------------------------------------------------------------------------

# "<body> beslutar att X" → "att X"; not where "beslutar" follows another verb ("godkänner … och
# beslutar att …") or a clause of its own ("Om nämnden beslutar att …, …")
_DECIDES_ATT = re.compile(r"^(?P<who>[^.]{0,150}?)\s+(?:beslutar|beslöt|beslutade)(?:\s+för\s+egen\s+del)?\s+(?P<att>att\s.+)$",
                          re.S)


def _att_of(sentence: str) -> str:
    """"Barn- och ungdomsnämnden beslutar att flytta …" → "att flytta …"; other sentences as they are."""
    m = _DECIDES_ATT.match(sentence)
    if not m:
        return sentence
    who = m.group("who")
    if _VERB.search(who) or re.search(r"(?:\boch|\bsamt|,)$", who) or not who[:1].isupper():
        return sentence
    if not find_bodies(who) and len(who.split()) > 4:
        return sentence  # "Efter att ha hört … beslutar …": not a plain subject
    if re.match(r"^(?:om|när|då|eftersom|sedan|innan|ifall)\b", who, re.I):
        return sentence
    return m.group("att").strip()


def _proposes(sentence: str) -> str | None:
    """The body a sentence of its own proposes to ("Kommunstyrelsen föreslår kommunfullmäktige
    att anta taxan."): its subject a body, its verb "föreslår"."""
    m = re.match(r"^(.{3,80}?)\s+föreslår\s", sentence)
    if not m:
        return None
    bodies = find_bodies(m.group(1))
    named = bodies and bodies[0][0] == 0 and bodies[-1][1] == len(m.group(1))
    if not named and not _GENERIC_SUBJECT.match(m.group(1) + " "):
        return None
    return _target(sentence)


def _protect_titles(text: str, titles: list[str]) -> str:
    """A title that holds a full stop ("Sätt Alingsås i rörelse. Program för idrott …") written
    in a sentence does not end it: such a stop, found with the words around it, is masked while
    the sentences are cut."""
    for title in titles:
        for m in re.finditer(r"((?:\S+\s+){0,2}\S+)\.\s+(\S+)", title or ""):
            found = re.search(re.escape(m.group(1)) + r"\.(?=\s+" + re.escape(m.group(2)) + ")", text)
            if found:
                text = text[:found.end() - 1] + _MASK + text[found.end():]
    return text


_MASK = "\u2024"  # one dot leader: no sentence ends at it


def _sentences(text: str, titles: list[str]) -> list[str]:
    return [s.replace(_MASK, ".") for s in sentences(_protect_titles(text, titles))]


def parse_decision(lines: list[str], titles: list[str] | None = None) -> Decision:
    """The decision in a Beslut section (or a paragraph without headings). ``titles``: the §'s
    title, whose full stops do not end a sentence."""
    titles = titles or []
    entries: list[str] = []
    targets: list[str | None] = []
    lead: list[str] = []
    mode: str | None = None  # the body the entries are proposed to, None for the body's own
    units = _units(_decision_part(lines))
    for n, unit in enumerate(units):
        following = units[n + 1] if n + 1 < len(units) else None
        if unit.kind == "heading":
            target = _proposal_heading(unit.lines[0])
            if target:
                mode = target
            lead.append(unit.lines[0])
            continue
        if unit.kind in ("item", "att"):
            text = join_lines(unit.lines)
            if unit.kind == "att" and _LEAD_IN_END.search(text):
                lead.append(text)  # "att föreslå regionstyrelsen besluta": a lead-in, not a clause
                mode = _target(text) or mode
                continue
            entries.append(text)
            targets.append(mode)
            continue
        said = _sentences(join_lines(unit.lines), titles)
        for k, sentence in enumerate(said):
            last = k == len(said) - 1
            introduces = last and following is not None and following.kind in ("att", "item")
            if _announces(sentence) or (introduces and following.kind == "att" and not re.search(r"[.!?]$", sentence)):
                lead.append(sentence)
                mode = _target(sentence)
                continue
            entries.append(_att_of(sentence))
            targets.append(_proposes(sentence) or mode)
    decision = Decision(clauses=entries, lead_in=" ".join(lead), proposed_to=targets)
    bodies = find_bodies(decision.lead_in) or find_bodies(join_lines(lines))
    if bodies:
        decision.body = bodies[0][2]
    if targets and targets[0] is not None and all(t == targets[0] for t in targets):
        decision.is_proposal = True
        decision.proposal_to = targets[0]
    return decision


# --- a decision without a Beslut heading ----------------------------------------------------

# a body deciding now, not one that decided before ("Kommunstyrelsens arbetsutskott beslutade …")
_PRESENT = re.compile(r"(?:beslutar|föreslår|godkänner|fastställer|avslår|bifaller|antar|beviljar|återremitterar|"
                      r"bordlägger|utser|väljer|uppdrar|tillstyrker|avstyrker)\b", re.I)
_GENERIC_SUBJECT = re.compile(r"(?:nämnden|styrelsen|utskottet|fullmäktige|direktionen|beredningen|presidiet)(?=\s)",
                              re.I)


def has_decision(lines: list[str]) -> bool:
    """Do these lines (a paragraph without headings) state a decision? A lead-in and att-clauses
    ("Hälso- och sjukvårdsnämnden beslutar / att utse …"), or a body that decides in so many
    words ("Kommunstyrelsen beslutar att …", "Nämnden godkänner …")."""
    previous = ""
    for line in lines:
        if _blank(line):
            continue
        if _ATT.match(line) and previous and _lead_end(previous):
            return True
        previous = line
    for sentence in sentences(join_lines(lines)):
        bodies = find_bodies(sentence)
        subject = bodies[0][1] if bodies and bodies[0][0] == 0 else None
        generic = _GENERIC_SUBJECT.match(sentence)
        if generic:
            subject = generic.end()
        if subject is not None and _PRESENT.match(sentence, subject + 1):
            return True
    return False


# "Informationen noteras.", "Meddelandena noteras.", "Antecknas.", "Redovisningen godkänns.": a
# decision formula, a short sentence that ends in a deciding verb in the passive
_FORMULA = re.compile(r"^(?:[A-ZÅÄÖ][\wåäö-]*\s+){0,2}?(?:noteras|antecknas|godkänns|läggs\s+till\s+handlingarna|"
                      r"fastställs|antas|bifalls|avslås|beviljas|tas\s+emot)(?:\s+till\s+protokollet)?\.$",
                      re.I)


def formula(lines: list[str]) -> str | None:
    """The decision formula a § without a Beslut heading opens with ("Informationen noteras."
    directly under the title, "Meddelandena noteras." under "Sammanfattning"), or None."""
    first = next((strip_markup(line) for line in lines if not _blank(line)), "")
    return first if _FORMULA.match(first) else None
