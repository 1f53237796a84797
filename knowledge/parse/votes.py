"""Omröstningar: the counts, and the named ballots where the protocol prints them.

`votes` reads an Omröstning section; `votes_in` a vote told in running text (a Beslutsgång
without its own heading). People come from `people`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.parse.model import Vote, VoteBallot
from knowledge.parse.parties import party_code
from knowledge.parse.people import PERSON_PATTERN, clean_name, find_people
from knowledge.parse.text import sentences

# A count has at most four digits: a longer number is no count of votes, and one of thousands
# of digits made int() fail (and one over 2**63 could not be stored).
_N = r"(?<!\d)(\d{1,4})(?!\d)"
_COUNT = {
    # "\s*(?::\s*)?" is "\s*:?\s*" without two ways to split a run of blanks (quadratic)
    "yes": re.compile(rf"{_N}\s+ja(?:-?röster)?\b|\bja(?:-?röster)?\s*(?::\s*)?{_N}", re.I),
    "no": re.compile(rf"{_N}\s+nej(?:-?röster)?\b|\bnej(?:-?röster)?\s*(?::\s*)?{_N}", re.I),
    "abstain": re.compile(rf"{_N}\s+(?:(?:som|ledamöter|ledamot)\s+)?(?:avstår|avstod|avstående|nedlagda)\b|"
                          rf"\b(?:avstår|avstående|nedlagda)(?:\s+röster)?\s*(?::\s*)?{_N}",
                          re.I),
}
_BALLOT = re.compile(r"\b(ja|nej|avstår|avstod)\s*$", re.I)
# "Ja: Anna Berg (S), Bo Ek (M)": the word, then the people
_GROUPED_BY_WORD = re.compile(
    r"(?im)^[^\S\n]*(ja|nej|avstår|avstod|avstående)(?:-?röster)?\s*(?:\(\d+\)\s*)?:\s*(.+)$"
)
# "Anna Berg (S) och Bo Ek (M) röstar nej": the people, then the word. Found from its end: the
# blanks, "röstar"/"röstade" and the word (from the start of the blanks only).
_SAYS_END = re.compile(r"(?<!\s)\s+(röst(?:ar|ade))\s+(ja|nej)\b", re.I)


def _grouped(text: str) -> Iterator[tuple[str, str]]:
    """(word, people) of both grouped forms in order — what ``finditer`` gave for the two as one
    alternation, "(?im)^\\s*(ja|nej|…)…:\\s*(.+)$|([^.\\n]*?)\\s+röst(?:ar|ade)\\s+(ja|nej)\\b",
    in linear time.

    That pattern was tried from every position, its lazy run of people scanning on to the next
    "." or line break each time: quadratic in a long sentence, cubic in a long run of blanks.
    The second form from a position ``p`` takes the first "… röstar ja" after ``p`` that no "."
    or line break separates from it, so the leftmost match from ``pos`` starts at ``pos`` or at
    the start of that run of text, whichever is later; the people are what lies between.
    """
    ends = list(_SAYS_END.finditer(text))
    i = 0
    pos = 0
    by_word = _GROUPED_BY_WORD.search(text)
    while pos < len(text):
        if by_word is not None and by_word.start() < pos:
            by_word = _GROUPED_BY_WORD.search(text, pos)
        while i < len(ends) and ends[i].start(1) <= pos:
            i += 1
        says = None
        if i < len(ends):
            blanks = ends[i].start()
            cut = max(text.rfind(".", pos, blanks), text.rfind("\n", pos, blanks))
            start = max(pos, cut + 1)
            says = (start, ends[i].end(), ends[i].group(2), text[start:blanks])
        if by_word is not None and (says is None or by_word.start() <= says[0]):
            yield by_word.group(1), by_word.group(2)
            pos = by_word.end()
        elif says is not None:
            yield says[2], says[3]
            pos = says[1]
        else:
            return


def _vote_word(word: str) -> str:
    word = word.lower()
    return "avstår" if word.startswith("avst") else word


def votes(text: str) -> list[Vote]:
    """An omröstning: counts, and per-person ballots where a list gives them."""
    counts = {}
    for key, pattern in _COUNT.items():
        m = pattern.search(text)
        if m:
            counts[key] = int(m.group(1) or m.group(2))
    plain = re.search(rf"\bmed\s+{_N}\s+röster\s+mot\s+{_N}", text, re.I)  # "med 8 röster mot 3"
    if plain and not counts:
        counts = {"yes": int(plain.group(1)), "no": int(plain.group(2))}
    ballots: list[VoteBallot] = []
    for line in text.split("\n"):
        pm = PERSON_PATTERN.search(line)
        bm = _BALLOT.search(line)
        if pm and bm and len(PERSON_PATTERN.findall(line)) == 1:  # a table row: "Anna Berg (S)   Ja"
            name, code = clean_name(pm.group(1)), party_code(pm.group(2))
            if name and code:
                ballots.append(VoteBallot(name=name, party=code, vote=_vote_word(bm.group(1))))
    if not ballots:  # grouped: "Ja: Anna Berg (S), Bo Ek (M)" / "Anna Berg (S) och Bo Ek (M) röstar nej."
        for word, people in _grouped(text):
            for person in find_people(people):
                ballots.append(VoteBallot(name=person.name, party=person.party, vote=_vote_word(word)))
    if ballots:
        for key, word in (("yes", "ja"), ("no", "nej"), ("abstain", "avstår")):
            counts.setdefault(key, sum(1 for b in ballots if b.vote == word))
    if not counts and not ballots:
        return []
    flat = re.sub(r"\s+", " ", text).strip()
    return [Vote(yes=counts.get("yes"), no=counts.get("no"), abstain=counts.get("abstain"), ballots=ballots,
                 text=flat[:1000] or None)]


_VOTE_SENTENCE = re.compile(r"\b(?:omröstning|votering|ja-röst|nej-röst|röster\s+mot)", re.I)


def votes_in(text: str) -> list[Vote]:
    """An omröstning told in running text (a Beslutsgång without an Omröstning heading)."""
    told = " ".join(s for s in sentences(text) if _VOTE_SENTENCE.search(s))
    return votes(told) if told and re.search(r"\d", told) else []
