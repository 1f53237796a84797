"""The decision of a paragraph: its att-clauses, and whether it is a proposal to another body.

Shapes handled (see ../shared/protocol-export.md "decision"):
- a lead-in ("Hälso- och sjukvårdsnämnden beslutar", "… föreslår att nämnden beslutar") and
  att-clauses on lines of their own, possibly numbered ("1. att …", "a) att …", "- att …");
  a clause runs until a blank line or the next clause, its wrapped lines joined;
- "… beslutar att X" on one line without clause lines → "att X";
- no "att" at all ("Kommunfullmäktige avslår motionen.") → each sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.parse.bodies import find_bodies
from knowledge.parse.text import join_lines, sentences

_ATT_LINE = re.compile(r"^\s*(?:(?:\d{1,2}|[a-z])[.)]\s*|[-•–]\s+)?([Aa]tt\s.*)$")
_LEAD_IN_END = re.compile(r"\b(?:besluta|beslutar|beslutar följande|besluta följande)\s*(?::\s*)?$", re.I)
_VERB = re.compile(
    r"\b(?:beslutar|beslöt|beslutade|föreslår|föreslog|godkänner|fastställer|avslår|bifaller|antar|beviljar|"
    r"återremitterar|bordlägger|utser|väljer|uppdrar|tillstyrker|avstyrker)\b", re.I)
_PROPOSAL = re.compile(r"\bföresl(?:år|å|og)\b(?:\s+att)?\s+(.*?)(?:\s+(?:att\s+)?besluta[r]?\b|$)", re.I)


@dataclass
class Decision:
    clauses: list[str] = field(default_factory=list)
    lead_in: str = ""  # the text that is not a clause (who decides, on whose proposal)
    is_proposal: bool = False
    proposal_to: str | None = None
    body: str | None = None  # the body that decides (the lead-in's first body)


def _ends_clause(previous: str, line: str) -> bool:
    """Without blank lines (PDF text has none) a clause ends where a new sentence starts a
    lead-in: the clause's last line closed a sentence and the next one starts in capitals, or
    the next line is itself a lead-in ("Nämnden beslutar för egen del")."""
    s = line.strip()
    if _VERB.search(s) and find_bodies(s) and not s[:1].islower():
        return True
    return bool(re.search(r"[.!?]\s*$", previous)) and s[:1].isupper()


def _att_clauses(lines: list[str]) -> tuple[list[str], list[str]]:
    clauses: list[list[str]] = []
    lead: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if not line.strip():
            current = None
            continue
        m = _ATT_LINE.match(line)
        if m and not _LEAD_IN_END.search(line):
            current = [m.group(1)]
            clauses.append(current)
        elif current is not None and not _ends_clause(current[-1], line):
            current.append(line)
        else:
            current = None
            lead.append(line)
    return [join_lines(c) for c in clauses], lead


_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z]\))\s+(\S.*)$")


def _numbered_items(lines: list[str]) -> tuple[list[str], list[str]]:
    """"1. Nämnden godkänner rapporten." items without "att": each item one clause."""
    items: list[list[str]] = []
    lead: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if not line.strip():
            current = None
            continue
        m = _NUMBERED.match(line)
        if m:
            current = [m.group(1)]
            items.append(current)
        elif current is not None:
            current.append(line)
        else:
            lead.append(line)
    return ([join_lines(i) for i in items], lead) if len(items) >= 1 else ([], lines)


_DECIDES = re.compile(r"\b(?:beslutar|beslöt|beslutade|föreslår|föreslog)\b", re.I)
_ATT_TO_END = re.compile(r"\b(att\s.+)$", re.I)


def parse_decision(lines: list[str]) -> Decision:
    """The decision in a Beslut section (or a paragraph without headings)."""
    clauses, lead = _att_clauses(lines)
    if not clauses:
        clauses, lead = _numbered_items(lines)
    lead_text = join_lines(lead)
    if not clauses:
        text = join_lines(lines)
        # the first verb, then the first "att" after it: ``text`` is one line, so where the first
        # verb has no "att" after it no later one has (one regex tried from every verb was quadratic)
        verb = _DECIDES.search(text)
        m = _ATT_TO_END.search(text, verb.end()) if verb else None
        if m:
            lead_text = text[:m.start(1)].strip()
            clauses = [m.group(1).strip()]
        elif text:
            lead_text = ""
            clauses = [s for s in sentences(text) if s]
    decision = Decision(clauses=clauses, lead_in=lead_text)
    bodies = find_bodies(lead_text) or find_bodies(join_lines(lines))
    if bodies:
        decision.body = bodies[0][2]
    prop = _PROPOSAL.search(lead_text)
    if prop:
        targets = [name for _, _, name in find_bodies(prop.group(1))]
        generic = re.search(r"\b(nämnden|fullmäktige|styrelsen|utskottet)\b", prop.group(1), re.I)
        if not targets and generic:
            targets = [generic.group(1).capitalize()]  # "föreslår att nämnden beslutar"
        own = re.search(r"\bför egen del\b", join_lines(lines), re.I)
        if targets and not own:
            decision.is_proposal = True
            decision.proposal_to = targets[0]
    return decision


def has_decision(lines: list[str]) -> bool:
    """Do these lines (a paragraph without headings) state a decision?"""
    text = join_lines(lines)
    return bool(_VERB.search(text)) or any(_ATT_LINE.match(line) for line in lines)
