"""Omröstningar: every counted vote of a §, in order, with its named ballots and what a "ja" meant.

A § tells its votes as a sequence. A vote is asked for ("Omröstning begärs"), its proposition is
approved ("Ja för avslag och Nej för bifall till tilläggsyrkandet från SD"), and its result is
told: as counts ("Omröstningen utfaller med 67 Ja mot 9 Nej", "Med 7 ja-röster och 8
nej-röster"), as a roll call ("Anna Ek (S) och Bo Ek (M) röstar Ja (11)."), as grouped lines
("Ja: Anna Berg (S), …") or as a table of marks (`| Ledamot | Ja | Nej | Avstår |`). `votes`
reads that sequence; a new request or proposition after a result, or a result the vote already
has, starts the next vote — so two votes in one § stay two.

The named list may stand apart from the § text: on a page after it ("Voteringslista: §114") or in
an appendix the § cites ("Hur var och en röstar framgår av bilaga 2."). `attach_lists` links
those lists to their votes once the whole document is parsed. Counts are kept as printed; when
they disagree with the names, the disagreement is a doubt (`Vote.doubts`), never silently mended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.parse.model import Paragraph, Vote, VoteBallot
from knowledge.parse.parties import party_code
from knowledge.parse.people import NAME, PERSON_PATTERN, clean_name, find_people
from knowledge.parse.text import sentences, strip_markup

#: sections people write in their own name: "vi röstade nej" there is no roll call
OWN_WORDS = ("protokollsanteckning", "särskilt yttrande", "reservationer")

_KEYS = ("yes", "no", "abstain")
_WORD_KEY = {"ja": "yes", "nej": "no", "avstår": "abstain"}

# A count has at most four digits: a longer number is no count of votes, and one of thousands
# of digits made int() fail (and one over 2**63 could not be stored).
_NUMBER_WORDS = {w: n for n, w in enumerate((
    "noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv", "tretton",
    "fjorton", "femton", "sexton", "sjutton", "arton", "nitton", "tjugo"))} | {"ett": 1}
_N = (r"(?<![\dA-Za-zåäöÅÄÖ])(\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
      + r")(?![\dA-Za-zåäöÅÄÖ])")
_NO_SHARE = r"(?!\s*(?:%|procent|kr\b|st\b|tkr|mnkr|år\b))"  # "Ja 45 %" in a survey is no count
_COUNT = {
    # "\s*(?::\s*)?" is "\s*:?\s*" without two ways to split a run of blanks (quadratic)
    "yes": re.compile(rf"{_N}\s+ja(?:-?röster)?\b|\bja(?:-?röster)?\s*(?::\s*)?{_N}{_NO_SHARE}", re.I),
    "no": re.compile(rf"{_N}\s+nej(?:-?röster)?\b|\bnej(?:-?röster)?\s*(?::\s*)?{_N}{_NO_SHARE}", re.I),
    "abstain": re.compile(rf"{_N}\s+(?:(?:som|ledamöter|ledamot)\s+)?(?:avstår|avstod|avstående|nedlagda)\b|"
                          rf"\b(?:avstår|avstående|nedlagda)(?:\s+röster)?\s*(?::\s*)?{_N}",
                          re.I),
}
_PLAIN = re.compile(rf"\bmed\s+{_N}\s+röster\s+mot\s+{_N}", re.I)  # "med 8 röster mot 3", "med sju röster mot sex"

# A vote asked for: what comes after it is the next vote, whatever the last one said.
_START = re.compile(r"\b(?:omröstning|votering)\s+(?:begärs|begärdes|verkställs|verkställdes|genomförs|genomfördes|"
                    r"äger\s+rum)\b|\bbegär(?:s|de|des)?\s+(?:omröstning|votering)\b", re.I)
# The approved proposition: "Godkänd voteringsproposition: …", "Följande beslutsgång godkänns: Ja-röst för …"
_PROPOSITION = re.compile(r"voteringsproposition|omröstningsproposition|beslutsgång\s+godkänns|"
                          r"propositionsordning\s+för\s+(?:voteringen|omröstningen)", re.I)
# "Ja för …", "Ja-röst för …", "Nej innebär …", "Ja = …"
_MEANS = re.compile(r"(?<![\wåäö-])(ja|nej)(?:-?röst(?:en)?)?\s+(?:för|innebär|betyder|=)\s+", re.I)
# "Den som vill bifalla X röstar ja"
_WHO_WANTS = re.compile(r"\b(?:den|de)\s+som\s+(?:vill\s+|önskar\s+)?", re.I)
# A roll call, the people first: "… röstar Ja (11).", "… avstår från att rösta (5)."
_SAYS = re.compile(r"(?<![\wåäö])(?:röst(?:ar|ade|at)\s+(ja|nej)|(avst(?:år|od|ått))\s+från\s+att\s+rösta)"
                   r"(?![\wåäö-])(?:\s*\((\d{1,4})\))?", re.I)
# A roll call, the word first: "Ja: Anna Berg (S), …", "Nej (2): …", "Följande röstade ja: …", "För ja röstade …"
_WORD_FIRST = re.compile(r"^(?:följande\s+(?:ledamöter\s+|ersättare\s+)?röst(?:ar|ade)\s+|för\s+)?"
                         r"(ja|nej|avstår|avstod|avstående)(?:-?röster)?(?:\s*\((\d{1,4})\))?"
                         r"(?:\s*:|\s+röst(?:ar|ade)\b\s*:?)\s*", re.I)
# A heading over a column of names: "Ja-röster (7)", "Nej:", "Avstår (1)"
_WORD_HEAD_LINE = re.compile(r"^(?:för\s+)?(ja|nej|avstår|avstod|avstående)(-?röster)?(?:\s*\((\d{1,4})\))?\s*:?$",
                             re.I)
# Where the names are: "framgår av bilaga 2", "se voteringslista", "i slutet av paragrafen"
_REFERS = re.compile(r"\bbilaga\s+\d|voteringslist|röstlist|omröstningslist|i\s+slutet\s+av\s+paragrafen", re.I)
_CITES = re.compile(r"\b(?:[a-zåäö]+s)?bilaga\s+(\d{1,3})(?!\d)", re.I)  # "bilaga 2", "voteringsbilaga 2"
_NAMED = re.compile(rf"({NAME})\s*\(\s*([A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{{0,11}})\s*\)")  # "Anna Berg (XY)"
_SPOKEN = re.compile(r"omröstning|votering|röst|\bmed\s+\S+\s+(?:ja|nej)\b|\bja\s+mot\b", re.I)
_VOTE_CONTEXT = re.compile(r"röst|votering|omröstning|lista", re.I)

# A list's parts
_ROLE = (r"(?:(?:\d:e|förste|andre|1:e|2:e)\s+)?(?:vice\s+)?ordförande|(?:tjänstgörande\s+)?ersättare|"
         r"ledamot|ordf\.?|ers\.?|tjg\.?\s+ers\.?")
_ROLE_SUFFIX = re.compile(rf"\s*,\s*(?:{_ROLE})\s*$", re.I)
_ROLE_ONLY = re.compile(rf"^(?:\d{{1,3}}\s+)?(?:{_ROLE})$", re.I)
_NAME_CELL = re.compile(NAME)
_CODE_CELL = re.compile(r"[A-ZÅÄÖ]{1,5}")
_VOTE_CELL = re.compile(r"(ja|nej|avstår|avstod|avstående)", re.I)
_RESULT_CELL = re.compile(r"ja|nej|avstår|avstod|avstående|frånvarande|frånv\.?|kvittad|kvittade|ej\s+närvarande|"
                          r"ej\s+röstat|deltar\s+ej|-", re.I)
_MARK = re.compile(r"[xX×✓✔☒1]|ja|nej")
_TOTAL_ROW = {"resultat", "summa", "totalt", "antal", "summering", "summa röster", "totalt antal", "antal röster"}
_NAME_HEAD = {"ledamot", "ledamöter", "namn", "ledamot/ersättare", "ledamöter och ersättare", "beslutande",
              "ledamot (parti)", "namn (parti)", "tjänstgörande"}
_PARTY_HEAD = {"parti"}
_VALUE_HEAD = {"röst", "resultat", "votering", "röstning", "röstade", "röstat", "svar"}
_WORD_HEAD = {"yes": {"ja", "ja-röst", "ja-röster"}, "no": {"nej", "nej-röst", "nej-röster"},
              "abstain": {"avstår", "avstod", "avstående", "avstår från att rösta", "avst"}}
_FLAT_HEAD = {"namn", "parti", "plats", "funktion", "resultat", "röst", "röstning", "votering", "mandat", "nr"}
_ANTAL = re.compile(r"^antal\s+(ja|nej|avstår|avstod|avstående|frånv\w*|kvitt\w*)\s*(?::\s*)?(\d{1,4})$", re.I)

# Labels of a list standing apart: "Voteringslista: §114", "BILAGA 2"
_LIST_LABEL = re.compile(r"^(?:voterings|omröstnings|röst)(?:lista|listor|list\(or\)|protokoll)\b", re.I)
# "BILAGA 2", "Bilaga 2 Voteringslista § 15", "Voteringsbilaga 2" — not "Bilaga 2 till tjänsteutlåtandet"
_APPENDIX = re.compile(r"^(?:[a-zåäö]+s)?bilaga\s+(\d{1,3})(?![\d.,])\s*(?:$|[,:–-]|(?=.*(?:röst|votering|protokoll|§)))",
                       re.I)
_PARAGRAPH_REF = re.compile(r"§\s*(\d{1,4})(?!\d)")
_HEADING = re.compile(r"^#*\s*§\s*\d{1,4}(?!\d)")
_LABEL_REACH = 15  # non-blank lines from a label to the list it labels
# Lists labelled "Voteringslista" with no § are found by searching the §s' texts: a protocol has a
# few, and a text of thousands (hostile input) would make that search quadratic.
_UNNUMBERED = 50


def _vote_word(word: str) -> str:
    word = word.lower()
    return "avstår" if word.startswith("avst") else word


def _norm(cell: str) -> str:
    return re.sub(r"\s+", " ", strip_markup(cell)).strip(" :.").casefold()


# ------------------------------------------------------------------------------- named lists


@dataclass
class NamedList:
    """A list of ballots: a table of marks, a table with a vote column, or an appendix printed
    one cell a line. ``paragraph``/``appendix`` say where it belongs when it stands apart."""

    ballots: list[VoteBallot] = field(default_factory=list)
    listed: dict[str, int] = field(default_factory=dict)  # the list's own totals ("Resultat | 7 | 8 | 0")
    doubts: list[str] = field(default_factory=list)
    paragraph: int | None = None  # "Voteringslista: §114"
    appendix: int | None = None  # "BILAGA 2"
    anchor: str = ""  # a line of it, to find the § that holds an unnumbered list
    label: str = ""  # the label line as printed
    start: int = 0  # the line where it (or its label) begins


def _person(cell: str, party_cell: str | None = None,
            party_column: bool = False) -> tuple[str | None, str | None, str | None]:
    """(name, party, doubt) of a list's name cell: "Jan-Erik Wallin (M), ordförande",
    "Wallin, Jan-Erik", or a name with the party in a column of its own."""
    s = re.sub(r"\s+", " ", strip_markup(cell)).strip()
    m = PERSON_PATTERN.search(s)
    if m:
        return clean_name(m.group(1)), party_code(m.group(2)), None
    s = _ROLE_SUFFIX.sub("", s).strip()
    printed = re.match(rf"^({NAME})\s*\(\s*([^()]{{1,12}}?)\s*\)", s)  # a code no party list knows
    if printed:
        name = clean_name(printed.group(1))
        return name, None, f"Partiet för {name} ({printed.group(2)}) är inget känt parti."
    if "," in s:  # "Wallin, Jan-Erik": surname first, as sorted lists print it
        last, first = (p.strip() for p in s.split(",", 1))
        if _NAME_CELL.fullmatch(first) and _NAME_CELL.fullmatch(last):
            s = f"{first} {last}"
    if not _NAME_CELL.fullmatch(s) or " " not in s:
        return None, None, None
    name = clean_name(s)
    if party_cell is None:
        return name, None, f"Partiet för {name} framgår inte av listan."
    printed_code = strip_markup(party_cell).strip()
    code = party_code(printed_code)
    if code is None and party_column and _CODE_CELL.fullmatch(printed_code):
        code = printed_code  # the list's Parti column says it is a party: kept as printed
    return name, code, None if code else f"Partiet för {name} framgår inte av listan."


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        return [c.strip() for c in s.strip("|").split("|")]
    if "\t" in s:
        return [c.strip() for c in s.split("\t")]
    spaced = _spaced_row(s)
    return list(spaced) if spaced else [s]


def _spaced_row(s: str) -> tuple[str, str] | None:
    """"Anna Berg (S)   Ja" / "Anna Berg (S), ledamot Nej": one person, then the word that ends the line."""
    m = PERSON_PATTERN.search(s)
    if not m or len(PERSON_PATTERN.findall(s)) != 1:
        return None
    rest = re.match(rf"^(?:\s*,?\s*(?:{_ROLE}))?\s+(ja|nej|avstår|avstod)\s*$", s[m.end():], re.I)
    return (s[:m.end()], rest.group(1)) if rest else None


def _is_row(line: str) -> bool:
    s = line.strip()
    return (s.startswith("|") and s.count("|") >= 2) or "\t" in s or _spaced_row(s) is not None


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column roles of a header row: name, party, a vote word per column, or one column of words."""
    low = [_norm(c) for c in cells]
    cols: dict[str, int] = {}
    for i, c in enumerate(low):
        for key, heads in _WORD_HEAD.items():
            if c in heads and key not in cols:
                cols[key] = i
        if c in _NAME_HEAD and "name" not in cols:
            cols["name"] = i
        elif c in _PARTY_HEAD and "party" not in cols:
            cols["party"] = i
        elif c in _VALUE_HEAD and "value" not in cols:
            cols["value"] = i
    if ("yes" in cols and "no" in cols) or ("name" in cols and "value" in cols):
        return cols
    return None


def _cell(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _table(rows: list[list[str]]) -> NamedList:
    """Ballots of a table: under a header, by its columns; without one, a person and a vote word a row."""
    out = NamedList()
    cols: dict[str, int] | None = None
    width = 0
    unplaced = 0
    for cells in rows:
        if all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
            continue  # a Markdown rule
        if cols is None:
            cols = _header(cells)
            width = len(cells)
            if cols is not None:
                continue
        if cols is None:  # "Anna Berg (S) | Ja"
            word = next((c for c in cells if _VOTE_CELL.fullmatch(_norm(c))), None)
            who = next((c for c in cells if PERSON_PATTERN.search(c)), None)
            if word and who:
                name, party, doubt = _person(who)
                if name:
                    out.ballots.append(VoteBallot(name=name, party=party, vote=_vote_word(_norm(word))))
                    if doubt:
                        out.doubts.append(doubt)
            continue
        first = _norm(_cell(cells, cols.get("name", 0)))
        if first in _TOTAL_ROW:
            out.listed.update(_totals(cells, cols, width))
            continue
        party_cell = _cell(cells, cols["party"]) if "party" in cols else None
        name, party, doubt = _person(_cell(cells, cols.get("name", 0)), party_cell, "party" in cols)
        if not name:
            continue
        if "value" in cols:
            value = _norm(_cell(cells, cols["value"])) if len(cells) == width else ""
            if len(cells) != width:  # a cell left out: the word is wherever it stands
                found = [_norm(c) for c in cells[1:] if _VOTE_CELL.fullmatch(_norm(c))]
                value = found[0] if len(found) == 1 else ""
            words = [_vote_word(value)] if _VOTE_CELL.fullmatch(value) else []
        elif len(cells) != width:
            unplaced += 1  # the text kept the marks but not the empty cells beside them: which column?
            continue
        else:
            words = [w for key, w in (("yes", "ja"), ("no", "nej"), ("abstain", "avstår"))
                     if key in cols and _MARK.fullmatch(_norm(_cell(cells, cols[key])))]
        if len(words) > 1:
            out.doubts.append(f"{name} har fler än ett kryss i listan.")
        elif words:
            out.ballots.append(VoteBallot(name=name, party=party, vote=words[0]))
            if doubt:
                out.doubts.append(doubt)
    if unplaced:
        out.doubts.append(f"Kryssen på {unplaced} rader i voteringslistan kan inte knytas till Ja, Nej eller Avstår "
                          "(texten saknar de tomma cellerna); de namnen är inte med.")
    return out


def _totals(cells: list[str], cols: dict[str, int], width: int) -> dict[str, int]:
    """A sum row's counts ("| Resultat | 7 | 8 | 0 |"): by column, or, when the text left empty
    cells out, its numbers in the order of the vote columns if there are as many."""
    keys = sorted((k for k in _KEYS if k in cols), key=lambda k: cols[k])
    if len(cells) == width:
        numbers = [(k, _norm(_cell(cells, cols[k]))) for k in keys]
    else:
        numbers = list(zip(keys, [_norm(c) for c in cells[1:] if _norm(c)], strict=False))
        if len(numbers) != len(keys) or len([c for c in cells[1:] if _norm(c)]) != len(keys):
            return {}
    return {k: int(n) for k, n in numbers if re.fullmatch(r"\d{1,4}", n)}


def _record_person(cells: list[str], party_column: bool) -> tuple[str | None, str | None, str | None]:
    """The person of an appendix row printed one cell a line: "Aslan Akbas / S / 1 / Ordförande",
    "Robert Andersson Hammarstrand S / 22 / Ledamot"; the page's running header may stand among them."""
    def is_code(c: str) -> bool:
        return party_code(c) is not None or (party_column and bool(_CODE_CELL.fullmatch(c)))

    def is_name(c: str) -> bool:
        return bool(_NAME_CELL.fullmatch(c)) and not is_code(c) and not _ROLE_ONLY.match(c) \
            and c.casefold().strip(" :.") not in _FLAT_HEAD

    k = next((i for i in range(len(cells) - 1, -1, -1) if is_code(cells[i])), None)
    if k is not None:
        run: list[str] = []
        j = k - 1
        while j >= 0 and is_name(_ROLE_SUFFIX.sub("", cells[j])):
            run.insert(0, _ROLE_SUFFIX.sub("", cells[j]))
            j -= 1
        while len(run) > 1 and " " not in run[0] and " " in " ".join(run[1:]):
            run = run[1:]  # a one-word line before a whole name: the page's header, not a name part
        if run:
            return _person(" ".join(run), cells[k], party_column)
    for cell in cells:  # "Robert Andersson Hammarstrand S": the party ends the name's line
        m = re.fullmatch(rf"({NAME})\s+([A-ZÅÄÖ]{{1,5}})", _ROLE_SUFFIX.sub("", cell))
        if m and " " in m.group(1) and is_code(m.group(2)):
            return _person(m.group(1), m.group(2), party_column)
    return None, None, None


def _flat_list(lines: list[str]) -> NamedList | None:
    """An appendix list printed one cell a line (a table flattened by the text extraction): a
    header ("Namn", "Parti", "Plats", "Funktion", "Resultat"), then rows each ending in its result."""
    out = NamedList()
    header = party_column = False
    cells: list[str] = []
    seen = 0
    for line in lines:
        s = re.sub(r"\s+", " ", strip_markup(line)).strip()
        if not s:
            continue
        seen += 1
        antal = _ANTAL.match(s)
        if antal:
            word = _vote_word(antal.group(1))
            if word in _WORD_KEY:
                out.listed[_WORD_KEY[word]] = int(antal.group(2))
            continue
        low = s.casefold().strip(" :.")
        if low in _FLAT_HEAD:
            header = True
            party_column = party_column or low == "parti"
            cells = []
            continue
        if not header:
            if seen > 2 * _LABEL_REACH:  # the list's title and totals come first, then its header
                return None
            continue
        if _RESULT_CELL.fullmatch(s):
            word = _vote_word(s) if _VOTE_CELL.fullmatch(s) else None
            name, party, doubt = _record_person(cells, party_column)
            if word and name:
                out.ballots.append(VoteBallot(name=name, party=party, vote=word))
                if doubt:
                    out.doubts.append(doubt)
            elif word:
                out.doubts.append(f"En {word}-röst i listan har inget läsbart namn.")
            cells = []
            continue
        cells = cells[-11:] + [s]  # a row has a handful of cells; the rest is the page's furniture
    return out if len(out.ballots) >= 2 else None


def _label(line: str) -> tuple[int | None, int | None] | None:
    """(paragraph, appendix) a line names as a list's label, or None when it is no label."""
    s = strip_markup(line)
    if len(s) > 120 or s.endswith("."):
        return None
    if _LIST_LABEL.match(s):
        ref = _PARAGRAPH_REF.search(s)
        return (int(ref.group(1)) if ref else None), None
    m = _APPENDIX.match(s)
    if m:
        ref = _PARAGRAPH_REF.search(s)
        return (int(ref.group(1)) if ref else None), int(m.group(1))
    return None


def _run_end(lines: list[str], i: int, end: int) -> int:
    """Where the table starting at line ``i`` ends: its rows may stand a blank line apart (a text
    extraction spaces them, and a Markdown rule may have been cleaned to a blank line)."""
    j = i
    while j < end and _is_row(lines[j]):
        j += 1
        if j + 1 < end and not lines[j].strip() and _is_row(lines[j + 1]):
            j += 1
    return j


def _rows(lines: list[str]) -> list[list[str]]:
    return [_cells(x) for x in lines if x.strip()]


def _row_runs(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    i = start
    while i < end:
        if _is_row(lines[i]):
            j = _run_end(lines, i, end)
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _labels(lines: list[str]) -> list[tuple[int, int, int | None, int | None]]:
    """(line, end of its block, paragraph, appendix) of each label: a block ends at the next label
    or § heading."""
    found = [(i, label) for i, line in enumerate(lines) if (label := _label(line)) is not None]
    out = []
    for n, (i, (paragraph, appendix)) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        end = next((j for j in range(i + 1, end) if _HEADING.match(lines[j])), end)
        out.append((i, end, paragraph, appendix))
    return out


def named_lists(text: str) -> list[NamedList]:
    """Lists under a label ("Voteringslista: §114", "BILAGA 2"), in order: the tables below it,
    else the appendix printed one cell a line. A label with no list within reach labels nothing."""
    lines = text.split("\n")
    out: list[NamedList] = []
    for i, end, paragraph, appendix in _labels(lines):
        out.extend(_lists_under(lines, i, end, paragraph, appendix))
    return out


def _lists_under(lines: list[str], i: int, end: int, paragraph: int | None, appendix: int | None) -> list[NamedList]:
    """The lists of the label at line ``i`` whose block ends at ``end``."""
    reach = i + 1
    seen = 0
    while reach < end and seen < _LABEL_REACH:
        seen += bool(lines[reach].strip())
        reach += 1
    found: list[NamedList] = []
    for a, b in _row_runs(lines, i + 1, end):
        if not found and a >= reach:
            break
        table = _table(_rows(lines[a:b]))
        if table.ballots or table.listed or table.doubts:
            table.anchor = next((x for x in lines[a:b] if PERSON_PATTERN.search(x)), lines[a])
            found.append(table)
    if not found and appendix is not None:
        flat = _flat_list(lines[i + 1:end])
        if flat:
            found.append(flat)
    for lst in found:
        lst.paragraph, lst.appendix, lst.start, lst.label = paragraph, appendix, i, strip_markup(lines[i])
        lst.anchor = lst.anchor or lines[i]
    return found


# ------------------------------------------------------------------------------------ a §'s votes


@dataclass
class _Unit:
    kind: str  # "prose" (a sentence), "group" (a line "Ja: Anna Berg (S), …"), "table"
    text: str
    table: NamedList | None = None


def _continues(line: str) -> bool:
    """A grouped line runs on: it ends in a comma, "och"/"samt", or inside a name."""
    s = line.rstrip()
    return bool(s) and (s.endswith(",") or re.search(r"\b(?:och|samt)$", s) is not None or s[-1] not in ").")


def _person_line(line: str) -> bool:
    """A line that is one person and nothing else: "Anna Berg (S)", "Bo Ek (M), ersättare"."""
    s = strip_markup(line)
    m = PERSON_PATTERN.match(s)
    return bool(m) and re.fullmatch(rf"(?:\s*,\s*(?:{_ROLE}))?\s*[,.]?", s[m.end():], re.I) is not None


def _column(lines: list[str], i: int) -> tuple[str, int] | None:
    """A heading over a column of names: "Ja-röster (2)" / "Nej:" and then one person a line, as
    a grouped line "Ja (2): Anna Berg (S), Bo Ek (M)", and the line after it. A bare "Ja" is
    not such a heading: in a table printed one cell a line it is the result of the row above."""
    m = _WORD_HEAD_LINE.match(strip_markup(lines[i]))
    if not m or not (m.group(2) or m.group(3) or strip_markup(lines[i]).endswith(":")):
        return None
    people: list[str] = []
    j = i + 1
    while j < len(lines) and (_person_line(lines[j]) or not lines[j].strip() and j + 1 < len(lines)
                              and _person_line(lines[j + 1]) and people):
        if lines[j].strip():
            people.append(strip_markup(lines[j]).rstrip(",."))
        j += 1
    if not people:
        return None
    count = f" ({m.group(3)})" if m.group(3) else ""
    return f"{m.group(1)}{count}: {', '.join(people)}", j


def _pairs(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    """A two-column table printed one cell a line: "Anna Berg (S)" / "Ja" / "Bo Ek (M)" / "Nej"."""
    rows: list[list[str]] = []
    j = i
    while j < len(lines) and _person_line(lines[j]):
        k = j + 1
        while k < len(lines) and not lines[k].strip() and k - j < 3:
            k += 1
        if k >= len(lines) or not _VOTE_CELL.fullmatch(_norm(lines[k])):
            break
        rows.append([strip_markup(lines[j]), _norm(lines[k])])
        j = k + 1
        while j < len(lines) and not lines[j].strip() and j + 1 < len(lines) and _person_line(lines[j + 1]):
            j += 1
    return rows, j


def _units(text: str) -> list[_Unit]:
    """The § text as sentences, grouped lines and tables, in order."""
    lines = text.split("\n")
    units: list[_Unit] = []
    prose: list[str] = []

    def flush() -> None:
        units.extend(_Unit("prose", s) for s in sentences("\n".join(prose)))
        prose.clear()

    i = 0
    while i < len(lines):
        if _is_row(lines[i]):
            j = _run_end(lines, i, len(lines))
            table = _table(_rows(lines[i:j]))
            if table.ballots or table.listed or table.doubts:
                flush()
                units.append(_Unit("table", "\n".join(lines[i:j]), table))
            else:
                prose.extend(lines[i:j])
            i = j
            continue
        pairs, j = _pairs(lines, i)
        if pairs:
            flush()
            units.append(_Unit("table", "\n".join(lines[i:j]), _table(pairs)))
            i = j
            continue
        column = _column(lines, i)
        if column:
            flush()
            units.append(_Unit("group", column[0]))
            i = column[1]
            continue
        if _WORD_FIRST.match(strip_markup(lines[i])):
            flush()
            group = [strip_markup(lines[i])]
            i += 1
            while (i < len(lines) and lines[i].strip() and _continues(group[-1]) and not _is_row(lines[i])
                   and not _WORD_FIRST.match(strip_markup(lines[i]))):
                group.append(lines[i].strip())
                i += 1
            units.append(_Unit("group", " ".join(group)))
            continue
        prose.append(lines[i])
        i += 1
    flush()
    return units


def _trim(s: str) -> str:
    """A proposition's part without the joints around it: quotes, "och", commas, the full stop
    (an abbreviation's "m.fl." keeps its own)."""
    s = s.strip()
    for _ in range(4):  # a few joints at most: "m.fl.” och" (a run of "och och …" is no proposition)
        before = s
        s = s.strip(" ,;:”\"“»«")
        s = re.sub(r"\s+(?:och|samt)$", "", s)
        if s.endswith(".") and not re.search(r"\b(?:m\.?\s?fl|m\.m|bl\.a|t\.ex)\.$", s, re.I):
            s = s[:-1]
        if s == before:
            break
    return s


def _means(s: str) -> dict[str, str]:
    """What "ja" and "nej" stood for: "Ja för avslag och Nej för bifall till X" → {"ja": "avslag på X",
    "nej": "bifall till X"}; "Den som vill bifalla X röstar ja" → {"ja": "bifalla X"}."""
    out: dict[str, str] = {}
    found = list(_MEANS.finditer(s))
    if not _PROPOSITION.search(s) and not any(m.group(1)[0].isupper() for m in found):
        found = []  # "… sa nej för att …" in running text is no proposition
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(s)
        part = _trim(s[m.end():end])
        if part:
            out.setdefault(m.group(1).lower(), part)
    says = [m for m in _SAYS.finditer(s) if m.group(1)]
    k = 0
    for m in _WHO_WANTS.finditer(s):
        while k < len(says) and says[k].start() < m.end():
            k += 1
        if k < len(says):
            part = _trim(s[m.end():says[k].start()])
            if part and "." not in part:
                out.setdefault(says[k].group(1).lower(), part)
    # "Ja för avslag och Nej för bifall till tilläggsyrkandet": the object is said once
    for bare, other in (("ja", "nej"), ("nej", "ja")):
        word = out.get(bare, "").lower()
        obj = re.match(r"(?:bifall\s+till|avslag\s+på)\s+(.+)$", out.get(other, ""), re.I)
        if word in ("avslag", "bifall") and obj:
            out[bare] = f"{out[bare]} {'på' if word == 'avslag' else 'till'} {obj.group(1)}"
    return out


def _number(n: str) -> int:
    return int(n) if n.isdigit() else _NUMBER_WORDS[n.lower()]


def _counts(s: str) -> dict[str, int]:
    """Counts a sentence states: "67 Ja mot 9 Nej", "7 ja-röster", "Avstår: 0", "5 ledamöter avstår",
    "med sju röster mot sex" (the first for, the second against)."""
    counts = {}
    for key, pattern in _COUNT.items():
        m = pattern.search(s)
        if m:
            counts[key] = _number(m.group(1) or m.group(2))
    plain = _PLAIN.search(s)
    if plain and not counts:
        counts = {"yes": _number(plain.group(1)), "no": _number(plain.group(2))}
    return counts


def _unread(people_text: str, people: list) -> list[str]:
    """A doubt when a roll call names someone whose party is no known party ("Anna Berg (XY)"):
    that ballot is left out rather than guessed."""
    read = {p.name for p in people}
    out = []
    for m in _NAMED.finditer(people_text):
        name = clean_name(m.group(1))
        if name and " " in name and name not in read and party_code(m.group(2)) is None:
            out.append(f"{name} ({m.group(2)}) i uppropet har inget känt parti och är inte med bland namnen.")
    return out


def _groups(s: str) -> list[tuple[str, list, int | None, list[str]]]:
    """Roll-call groups of a sentence: (word, people, the count it states, doubts)."""
    first = _WORD_FIRST.match(s)
    if first:
        rest = s[first.end():]
        people = find_people(rest)
        stated = int(first.group(2)) if first.group(2) else None
        return [(_vote_word(first.group(1)), people, stated, _unread(rest, people))] if people else []
    out = []
    prev = 0
    for m in _SAYS.finditer(s):
        before = s[prev:m.start()]
        people = find_people(before)
        if people:
            out.append((_vote_word(m.group(1) or m.group(2)), people, int(m.group(3)) if m.group(3) else None,
                        _unread(before, people)))
        prev = m.end()
    return out


@dataclass
class _Draft:
    stated: dict[str, int] = field(default_factory=dict)  # counts the text states
    said: dict[str, int] = field(default_factory=dict)  # counts a roll call states: "röstar Ja (11)"
    listed: dict[str, int] = field(default_factory=dict)  # a table's own totals
    ballots: list[VoteBallot] = field(default_factory=list)
    words: set[str] = field(default_factory=set)  # roll-call words heard
    tabled: bool = False
    means: dict[str, str] = field(default_factory=dict)
    told: list[str] = field(default_factory=list)  # proposition, counts, references
    called: list[str] = field(default_factory=list)  # roll-call sentences
    doubts: list[str] = field(default_factory=list)
    refers: bool = False
    heard: bool = False  # a vote was spoken of ("omröstning", "röster", a heading) by the time it was told

    def has_result(self) -> bool:
        return bool(self.stated or self.ballots or self.said)


def _tally(ballots: list[VoteBallot]) -> dict[str, int]:
    return {key: sum(1 for b in ballots if b.vote == word) for word, key in _WORD_KEY.items()}


def _spelled(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[key]} {word}" for word, key in _WORD_KEY.items() if key in counts)


def _disagreements(sources: list[tuple[str, dict[str, int]]], ballots: list[VoteBallot]) -> list[str]:
    """A doubt for each source whose stated counts the names do not bear out (what it leaves
    unsaid — often the abstentions — it does not contradict)."""
    if not ballots:
        return []
    tally = _tally(ballots)
    out = []
    for what, counts in sources:
        if not counts:
            continue
        if any(counts[key] != tally[key] for key in counts):
            out.append(f"{what} ({_spelled(counts)}) stämmer inte med namnen i listan ({_spelled(tally)}).")
    return out


def _vote(d: _Draft) -> Vote | None:
    tally = _tally(d.ballots) if d.ballots else {}
    counts: dict[str, int] = {}
    for key in _KEYS:
        for source in (d.stated, d.said, d.listed, tally):
            if key in source:
                counts[key] = source[key]
                break
    if not d.ballots and not (d.heard and ("yes" in counts and "no" in counts or d.refers)):
        return None  # no names, and no counts of a vote spoken of nor a list elsewhere to wait for
    if "yes" in counts and "no" in counts and not d.refers:
        counts.setdefault("abstain", 0)  # yes and no told, no one said to abstain (a list elsewhere may)
    doubts = d.doubts + _disagreements([("Räkningen i texten", d.stated), ("Siffrorna i uppropet", d.said),
                                        ("Listans summa", d.listed)], d.ballots)
    text = " ".join(d.told + d.called)
    return Vote(yes=counts.get("yes"), no=counts.get("no"), abstain=counts.get("abstain"), ballots=d.ballots,
                text=text[:1000] or None, yes_means=d.means.get("ja"), no_means=d.means.get("nej"),
                doubts=list(dict.fromkeys(doubts)))


def _appendix_start(text: str) -> str:
    """The § text before a numbered list standing in it ("BILAGA 2" after the last §,
    "Voteringslista: §114"): that list is linked by `attach_lists`, and its totals are no vote of
    this §'s own."""
    lines = text.split("\n")
    for i, end, paragraph, appendix in _labels(lines):
        if (paragraph is not None or appendix is not None) and _lists_under(lines, i, end, paragraph, appendix):
            return "\n".join(lines[:i])
    return text


def votes(text: str, heading: bool = False) -> list[Vote]:
    """Every omröstning told in a §'s text (its proceedings, without what members wrote
    themselves), in order: counts, roll calls, tables, and what "ja" and "nej" meant.

    Counts alone make a vote only where a vote is spoken of (``heading``: the § has an
    Omröstning heading): "Ja 45 %, Nej 55 %" in a survey the § reports is none."""
    drafts: list[_Draft] = []
    cur: _Draft | None = None
    heard = heading

    def new() -> _Draft:
        drafts.append(_Draft())
        return drafts[-1]

    for unit in _units(_appendix_start(text)):
        if unit.kind == "table" and unit.table is not None:
            if cur is None or cur.ballots:
                cur = new()
            cur.ballots.extend(unit.table.ballots)
            cur.listed.update(unit.table.listed)
            cur.doubts.extend(unit.table.doubts)
            cur.tabled = True
            continue
        s = unit.text
        heard = heard or bool(_SPOKEN.search(s))
        if _START.search(s) and cur is not None and cur.has_result():
            cur = None  # a new vote is asked for
        means = _means(s) if unit.kind == "prose" else {}
        if means or _PROPOSITION.search(s):
            if cur is None or cur.has_result() or set(means) & set(cur.means):
                cur = new()
            cur.means.update(means)
            cur.heard = cur.heard or heard
            cur.told.append(s)
            continue
        groups = _groups(s)
        if groups:
            for word, people, stated, doubts in groups:
                if cur is None or word in cur.words or cur.tabled:
                    cur = new()
                cur.words.add(word)
                cur.ballots.extend(VoteBallot(name=p.name, party=p.party, vote=word) for p in people)
                cur.doubts.extend(doubts)
                if stated is not None:
                    cur.said[_WORD_KEY[word]] = stated
            cur.called.append(s)
            continue
        counts = _counts(s)
        if counts:
            if cur is None or any(cur.stated.get(k, v) != v for k, v in counts.items()):
                cur = new()
            cur.stated.update(counts)
            cur.heard = cur.heard or heard
            cur.told.append(s)
            cur.refers = cur.refers or bool(_REFERS.search(s))
            continue
        if cur is not None and _REFERS.search(s):
            cur.told.append(s)
            cur.refers = True
            cur.heard = cur.heard or heard
    return [v for v in (_vote(d) for d in drafts) if v is not None]


# ------------------------------------------------------------------- lists standing apart


def _cited(vote: Vote) -> int | None:
    """The appendix a vote's text names for its list: "Hur var och en röstar framgår av bilaga 2"."""
    for s in sentences(vote.text or ""):
        m = _CITES.search(s)
        if m and _VOTE_CONTEXT.search(s):
            return int(m.group(1))
    return None


def _take(vote: Vote, lst: NamedList) -> None:
    """The list's names on the vote; counts the text left open from the list; disagreements noted."""
    stated = {key: v for key in _KEYS if (v := getattr(vote, key)) is not None}
    vote.ballots = list(lst.ballots)
    tally = _tally(lst.ballots)
    for key in _KEYS:
        if getattr(vote, key) is None and (key in lst.listed or lst.ballots):
            setattr(vote, key, lst.listed.get(key, tally[key]))
    doubts = lst.doubts + _disagreements([("Räkningen i texten", stated), ("Listans summa", lst.listed)], lst.ballots)
    vote.doubts = list(dict.fromkeys(vote.doubts + doubts))


def _best(paragraph: Paragraph, lst: NamedList) -> Vote | None:
    """The § vote a list belongs to: the first without names whose counts the list bears out, else
    the first without names."""
    open_votes = [v for v in paragraph.votes if not v.ballots]
    if lst.ballots and any(v.ballots == lst.ballots for v in paragraph.votes):
        return None  # read already, inline
    tally = _tally(lst.ballots)
    for v in open_votes:
        if v.yes == tally["yes"] and v.no == tally["no"]:
            return v
    return open_votes[0] if open_votes else None


def attach_lists(paragraphs: list[Paragraph], text: str) -> None:
    """Give each labelled list to its vote: "Voteringslista: §114" to § 114, "BILAGA 2" to the vote
    that cites bilaga 2, an unnumbered "Voteringslista" to the § it stands in. A vote whose list
    is cited but absent says so; a vote still without counts or names is dropped."""
    by_number = {p.number: p for p in paragraphs if p.number is not None}
    citing: dict[int, tuple[Paragraph, Vote]] = {}
    for p in paragraphs:
        for v in p.votes:
            n = _cited(v)
            if n is not None and not v.ballots:
                citing.setdefault(n, (p, v))
    lists = named_lists(text)
    found = {lst.appendix for lst in lists if lst.appendix is not None}
    unnumbered = 0
    for lst in lists:
        target = None
        if lst.paragraph is not None:
            target = by_number.get(lst.paragraph)
        elif lst.appendix is not None:
            target = citing[lst.appendix][0] if lst.appendix in citing else None
        elif unnumbered < _UNNUMBERED:
            unnumbered += 1
            holders = [p for p in paragraphs if lst.anchor and lst.anchor in p.text]
            target = holders[0] if len(holders) == 1 else None
        if target is None:
            continue
        if lst.appendix is not None and lst.paragraph is None:
            vote: Vote | None = citing[lst.appendix][1]
        else:
            vote = _best(target, lst)
        if vote is None and lst.paragraph is not None and not target.votes:
            vote = Vote(text=lst.label[:1000] or None)
            target.votes.append(vote)
        if vote is not None and not vote.ballots:
            _take(vote, lst)
    for n, (_, vote) in citing.items():
        if n not in found and not vote.ballots:
            vote.doubts.append(f"Namnlistan i bilaga {n} finns inte i dokumentet.")
    for p in paragraphs:
        p.votes = [v for v in p.votes if v.ballots or (v.yes is not None and v.no is not None)]
        for v in p.votes:
            if v.abstain is None and v.yes is not None and v.no is not None:
                v.abstain = 0  # yes and no told, and no list says anyone abstained
