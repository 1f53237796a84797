"""Raw text → ParsedDocument: the orchestration of every parsing concern.

Flow: furniture facts are read from the raw text, the text is cleaned, split into the
preamble and the § paragraphs; each paragraph is split into labels and sections, and the
decision, debate and references are read from the sections they belong to. Figures and
schedule changes come from `figures` and `schedule` (another module's rules), called with the
paragraph's cleaned text and its decision clauses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date

from knowledge.clean import clean_text, extract_furniture, furniture_facts
from knowledge.parse import debate, votes
from knowledge.parse.bodies import body_counts, normalise_body, own_name, resolve
from knowledge.parse.decisions import Decision, formula, has_decision, parse_decision
from knowledge.parse.dnr import DNR_PATTERN_LOOSE, first_dnr
from knowledge.parse.figures import extract_figures, extract_plan_figures
from knowledge.parse.headings import match_heading
from knowledge.parse.health import assess
from knowledge.parse.meeting import (
    adjusters,
    chair_in_text,
    document_kind,
    header_body,
    header_date,
    labelled_date,
    meeting_place,
    meeting_time,
    plan_title,
    signed_chair,
    stated_chair,
    stated_organisation,
    title_lines,
)
from knowledge.parse.model import Paragraph, ParsedDocument
from knowledge.parse.pages import header_places
from knowledge.parse.paragraphs import RawParagraph, split_paragraphs, title_and_dnr, title_width
from knowledge.parse.people import parse_attendance, with_document_parties
from knowledge.parse.references import handled_elsewhere
from knowledge.parse.routine import is_routine
from knowledge.parse.schedule import extract_schedule_changes
from knowledge.parse.sections import Sections, split_sections
from knowledge.parse.text import sentences_cache_clear

# sections whose people acted elsewhere (the utskott that prepared the item), or that quote others
_NOT_THIS_MEETING = ("beredning", "tidigare behandling", "ärendebeskrivning", "bakgrund", "förvaltningens bedömning",
                     "beslutsunderlag", "delges", "delgivningar")


# "Nämnden beslutar enligt förslaget", "Nämnden bifaller arbetsutskottets förslag", "Förslaget bifalls"
_AS_PROPOSED = re.compile(r"\b(?:enligt|i enlighet med|bifaller|bifalla|bifalls|godkänner)\s+(?:[\w:-]+\s+){0,3}?"
                          r"förslag(?:et)?\b|\bförslag(?:et)?\s+bifalls\b", re.I)


def _decision(sections: Sections, title: str | None = None) -> Decision:
    """The Beslut section's decision; "… beslutar enligt förslaget" takes the proposal's clauses.
    A § without a Beslut opens with its decision formula or has none ("Informationen noteras."
    under the title, "Meddelandena noteras." under "Sammanfattning"). ``title``: the §'s title,
    whose full stops end no sentence of the decision."""
    lines = _decision_lines(sections)
    if not lines:
        said = formula(sections.parts[0][1]) if sections.parts else None
        return parse_decision([said]) if said else Decision()
    decision = parse_decision(lines, [title] if title else None)
    proposal = sections.get("förslag till beslut")
    if (sections.get("beslut") and proposal and len(decision.clauses) == 1
            and not decision.clauses[0].lower().startswith("att ") and _AS_PROPOSED.search(decision.clauses[0])):
        proposed = parse_decision(sum(proposal, []))
        if proposed.clauses:
            decision.clauses = proposed.clauses
    return decision


def _decision_lines(sections: Sections) -> list[str]:
    for key in ("beslut", "förslag till beslut"):
        found = sections.get(key)
        if found:
            out: list[str] = []
            for lines in found:
                out.extend(lines + [""])
            return out
    pre = sections.get("")
    if pre and has_decision(pre[0]):
        return pre[0]
    return []


def _dnr(header_dnr: str | None, sections: Sections, body_lines: list[str]) -> str | None:
    """The § line's dnr, else the "Diarienummer:" label, else a "Dnr …" near the top."""
    if header_dnr:
        return header_dnr
    label = sections.labels.get("dnr")
    if label:
        return first_dnr(label, loose=True) or label.strip() or None
    lead = "\n".join(body_lines[:6])
    # "\s*(?::\s*)?" is "\s*:?\s*" without two ways to split a run of blanks (quadratic in it)
    m = re.search(r"\b(?:dnr|diarienummer)\.?\s*(?::\s*)?(" + DNR_PATTERN_LOOSE.pattern + ")", lead, re.I)
    return m.group(1) if m else None


def _text_of(sections: Sections, skip: tuple[str, ...]) -> str:
    return "\n\n".join("\n".join(lines) for key, lines in sections.parts if key not in skip)


def _debate(sections: Sections, known_bodies: Counter, year: int | None) -> dict:
    """Reservations, notes, motions, votes, abstentions, beredning, tidigare behandling."""
    proceedings = _text_of(sections, _NOT_THIS_MEETING)
    reservations = []
    for lines in sections.get("reservationer"):  # first: these carry the reservation text
        reservations.extend(debate.reservation_section("\n".join(lines)))
    reservations = debate.dedupe(reservations + debate.reservations(proceedings))
    notes = []
    for key, lines in sections.parts:  # in printed order, each section of its kind
        if key in ("protokollsanteckning", "särskilt yttrande"):
            notes.extend(debate.notes("\n".join(lines), kind=key, whole_section=True))
    outside = _text_of(sections, _NOT_THIS_MEETING + ("protokollsanteckning", "särskilt yttrande"))
    beredning = sections.text("beredning")
    prior = debate.prior_handlings(sections.text("tidigare behandling"), known_bodies, year)
    if not prior:  # "Ärendet bordlades den 25 januari 2024, § 12." standing in the text
        prior = debate.prior_handlings(proceedings, known_bodies, year, stated_only=True)
    return {
        "reservations": reservations,
        "protocol_notes": debate.dedupe(notes + debate.notes(outside)),
        "motions": (debate.motions(sections.text("yrkanden"), whole_section=True) if sections.get("yrkanden")
                    else debate.motions(proceedings)),
        "votes": votes.votes(_text_of(sections, _NOT_THIS_MEETING + votes.OWN_WORDS), bool(sections.get("omröstning"))),
        "abstentions": debate.abstentions(proceedings),
        "prepared_by": debate.prepared_by(beredning, known_bodies, year) if beredning else None,
        "prior_handlings": prior,
    }


def _paragraph(raw: RawParagraph, known_bodies: Counter, meeting_date: date | None,
               width: int | None = None) -> tuple[Paragraph, Decision]:
    title, header_dnr, used = title_and_dnr(raw, width)
    body_lines = raw.lines[used:]
    sections = split_sections(body_lines)
    decision = _decision(sections, title)
    text = "\n".join(raw.header_lines + raw.lines[: len(raw.lines) - len(sections.closing)]).strip()
    paragraph = Paragraph(
        number=raw.number,
        title=title,
        dnr=_dnr(header_dnr, sections, body_lines),
        responsible=sections.labels.get("responsible"),
        officer=sections.labels.get("officer"),
        decision=decision.clauses,
        is_proposal=decision.is_proposal,
        proposal_to=decision.proposal_to,
        decision_to=_targets(decision),
        sections={key: sections.text(key) for key in dict.fromkeys(sections.keys()) if key},
        delges=_delges(sum(sections.get("delges"), [])),
        routine=is_routine(title),
        text=text,
        **_debate(sections, known_bodies, meeting_date.year if meeting_date else None),
    )
    # where else the matter was handled ("Tekniska nämnden har den 18 maj 2026, § 28 behandlat
    # ärendet"): the store links the cases
    stated = {(h.body, h.date, h.paragraph) for h in paragraph.prior_handlings}
    paragraph.prior_handlings += [
        h for h in handled_elsewhere(text, known_bodies, meeting_date.year if meeting_date else None)
        if (h.body, h.date, h.paragraph) not in stated
    ]
    return paragraph, decision


def _targets(decision: Decision) -> list[str | None]:
    """Which body each entry is proposed to, when some are and some are the body's own; [] when
    all are one kind (`is_proposal` says which)."""
    targets = list(decision.proposed_to) if len(decision.proposed_to) == len(decision.clauses) else []
    if decision.is_proposal or not any(targets):
        return []
    return targets


def _dominant(counts: Counter) -> str | None:
    """The body a plan or report is about: named at least three times and more than twice as
    often as any other; a report that discusses several bodies alike names none."""
    top = counts.most_common(2)
    if not top or top[0][1] < 3 or (len(top) > 1 and top[0][1] <= 2 * top[1][1]):
        return None
    return top[0][0]


def _delges(lines: list[str]) -> list[str]:
    """Recipients, one a line or separated by commas ("Regionstyrelsen, Ekonomidirektören")."""
    out: list[str] = []
    for line in lines:
        s = re.sub(r"^[•\-–o]\s+", "", line.strip()).strip(" .;")
        if not s:
            continue
        parts = [p.strip() for p in re.split(r",\s*|\s+samt\s+|\s+och\s+(?=[A-ZÅÄÖ])", s)]
        out.extend(parts if all(0 < len(p) <= 50 for p in parts) else [s])
    return out


@with_document_parties  # a local party is one where the document itself shows it
def parse_document(raw_text: str, furniture_lines: list[str] | None = None) -> ParsedDocument:
    """``furniture_lines``: the running headers and footers a PDF's layout already took out of
    ``raw_text``; None when the text still holds them (a text file), found then by their shape."""
    sentences_cache_clear()  # the memo of one document's sentences and headings, not of the last one's
    match_heading.cache_clear()
    if furniture_lines is None:
        furniture = extract_furniture(raw_text)
        text = clean_text(raw_text)
    else:
        furniture = furniture_facts(furniture_lines)
        if furniture.body is None or furniture.date is None:  # what the headers do not say, their shape may
            shaped = extract_furniture(raw_text)
            furniture = replace(furniture, body=furniture.body or shaped.body, date=furniture.date or shaped.date)
        text = clean_text(raw_text, furniture=False)
    lines = text.split("\n")
    split = split_paragraphs(lines)
    preamble, raws = split.preamble, split.paragraphs
    kind = document_kind(bool(raws), text)
    known = body_counts(text)
    if kind == "protocol":
        meeting_date = furniture.date or labelled_date(preamble) or header_date(preamble)
    else:
        meeting_date = labelled_date(preamble)

    paragraphs: list[Paragraph] = []
    deciders: Counter = Counter()
    width = title_width(raws)
    for raw in raws:
        paragraph, decision = _paragraph(raw, known, meeting_date, width)
        paragraphs.append(paragraph)
        if decision.body:
            deciders[resolve(decision.body, known)] += 1
    votes.attach_lists(paragraphs, text)  # a Voteringslista after the §, or the bilaga a vote cites

    # The deciding body is the one the document's own frame names: its running header, else its
    # first lines; a body named in the decisions (often another's: "föreslår kommunfullmäktige")
    # only when the frame names none.
    first_lines = header_body(preamble) if kind == "protocol" else None
    if furniture.body:
        body = normalise_body(furniture.body)
    elif first_lines:
        body = resolve(first_lines, known)
    elif deciders:
        body = deciders.most_common(1)[0][0]
    else:
        body = _dominant(known)

    body, parent = own_name(body) if body else (body, None)
    attendance = parse_attendance(preamble)
    # the signature ("Ordförande: Anna Ek" beside or under its label) wins over an
    # "(ordförande)" mark in the members list: that member may be absent and replaced
    chair = (stated_chair(preamble) or signed_chair(text)
             or next((a.name for a in attendance if a.role == "ordförande" and not a.replaces), None)
             or chair_in_text(text))
    doc = ParsedDocument(
        kind=kind,
        title=plan_title(lines) if kind == "plan" else None,
        # a plan has no cover of labels: its title lines are where it states its organisation
        organisation=stated_organisation(furniture.lines, preamble if kind == "protocol" else title_lines(lines)),
        body=body,
        body_parent=parent,
        meeting_date=meeting_date,
        time=meeting_time(preamble) if kind == "protocol" else None,
        place=meeting_place(preamble) if kind == "protocol" else None,
        chair=chair if kind == "protocol" else None,
        adjusters=adjusters(preamble) if kind == "protocol" else [],
        attendance=attendance,
        paragraphs=paragraphs,
    )
    for paragraph in paragraphs:
        # the deciding body's own figures; another body's named result is left out
        doc.figures.extend(extract_figures(paragraph.text, paragraph.number, meeting_date, body))
        if paragraph.decision:
            doc.schedule_changes.extend(
                extract_schedule_changes("\n".join(paragraph.decision), paragraph.number, meeting_date, body))
    if kind == "plan":
        doc.figures.extend(extract_plan_figures(text, body))
    # last: the health judges what the parse above produced (knowledge.parse.health)
    places = header_places(raw_text, raws)
    report = assess(doc, split, _NOT_THIS_MEETING, {n: place.under for n, place in places.items()})
    for paragraph in paragraphs:
        paragraph.page = places[paragraph.number].page if paragraph.number in places else None
        paragraph.doubts = report.doubts.get(paragraph.number, [])
    doc.health = report.health
    return doc
