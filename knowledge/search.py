"""Finding things from what people type: dnrs with typos, titles half-remembered, full text.

- `fold` is the one preprocessing step for every fuzzy comparison: NFC, casefold, diacritics
  off (å/ä → a, ö → o), punctuation to spaces. rapidfuzz gets folded strings and an explicit
  processor (its default processor is None since 3.0).
- Fuzzy titles at scale: an in-memory inverted index of folded title words, cached per engine
  and rebuilt when the store changes. A query word is matched against the vocabulary (typos,
  prefixes of Swedish compounds: "tandvard" ~ "tandvardskliniken"), the postings of the close
  words give a few hundred candidate cases, and only those are scored.
- Full text: FTS5 (SQLite) / tsvector 'swedish' (PostgreSQL); matches in snippets are wrapped
  in `SNIPPET_START` … `SNIPPET_END` for the renderer to emphasise.
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from knowledge.db import pg_text_search_config
from knowledge.models import Case, Document, Organisation, Paragraph
from knowledge.text import fold

try:  # the parser owns the dnr formats; fall back to the same rules while it is not there
    from knowledge.parse.dnr import looks_like_dnr as _looks_like_dnr
    from knowledge.parse.dnr import normalise_dnr as _normalise_dnr
except ImportError:  # pragma: no cover - only before knowledge/parse/dnr.py exists
    _normalise_dnr = None
    _looks_like_dnr = None

SNIPPET_START = "«"
SNIPPET_END = "»"

_NON_WORD = re.compile(r"[^\w]+")
STOPWORDS = frozenset(
    ["och", "av", "i", "for", "att", "en", "ett", "den", "det", "de", "om", "pa", "till", "med", "som", "inom", "hur", "ska", "for", "fran", "vid", "samt", "ar", "kan", "nar", "under", "efter", "mellan"]
)


def normalise_dnr(dnr: str) -> str:
    """"24 hsn 2937" → "24HSN2937", "HSN 656/2025" → "HSN656-2025" (the parser's rule)."""
    if _normalise_dnr is not None:
        return _normalise_dnr(unicodedata.normalize("NFC", dnr))
    value = re.sub(r"^\s*(?:diarienummer|diarienr|dnr)\b\.?\s*:?", "", dnr, flags=re.I)
    value = re.sub(r"\s+", "", unicodedata.normalize("NFC", value)).upper().replace("/", "-")
    return value.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-").strip(".,;:()")


def looks_like_dnr(value: str) -> bool:
    value = unicodedata.normalize("NFC", value)
    if _looks_like_dnr is not None:
        return _looks_like_dnr(value)
    return bool(re.fullmatch(r"\s*(?:dnr\.?:?\s*)?\d{2}\s?[a-zåäö]{1,6}\s?\d{1,6}\s*", value, re.I))


_SERIES = re.compile(r"[A-ZÅÄÖ]+")


def dnr_series_year(norm: str) -> tuple[str, str]:
    """("HSN", "24") for "24HSN2937", ("HSN", "2025") for "HSN656-2025", ("BUN", "2026") for
    "2026.034BUN", ("SLK", "2024") for "SLK2024-00074": to narrow typo search."""
    m = _SERIES.search(norm)
    if not m:
        return "", ""
    before, after = norm[:m.start()], norm[m.end():]
    found = re.match(r"(?:19|20)\d\d|\d\d", before) or re.search(r"(?:19|20)\d\d", after)
    return m.group(0), found.group(0) if found else ""


def tokens(folded: str) -> list[str]:
    return [t for t in folded.split() if t]


# --------------------------------------------------------------------------- in-memory index


@dataclass(frozen=True)
class _Entry:
    case_id: int
    title: str
    dnr: str
    dnr_norm: str
    organisation: str | None
    last_date: date | None
    titles: tuple[tuple[str, frozenset[str]], ...] = ()  # (folded title, its words), one per distinct title


@dataclass(frozen=True)
class _Index:
    """Immutable once built: a refresh makes a new one, so readers in other threads never see
    a half-updated index."""

    key: tuple
    max_paragraph_id: int
    entries: dict[int, _Entry]
    postings: dict[str, tuple[int, ...]]
    vocab: list[str]
    vocab_set: frozenset[str]
    prefix_cache: dict[int, list[str]]
    # dnr pools for typo search: key → (normalised dnrs, case ids), index-aligned
    by_series_year: dict[tuple[str, str], tuple[tuple[str, ...], tuple[int, ...]]]
    by_series: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]


_cache: weakref.WeakKeyDictionary[Engine, _Index] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _store_key(s: Session) -> tuple:
    """Cheap fingerprint of the store (index lookups only): every ingest that adds or replaces a
    document changes it."""
    return tuple(
        s.exec(
            select(
                select(func.max(Document.id)).scalar_subquery(),
                select(func.count(Document.id)).scalar_subquery(),
                select(func.max(Paragraph.id)).scalar_subquery(),
            )
        ).one()
    )


def invalidate(engine: Engine | None = None) -> None:
    """Drop the index of ``engine`` (or all). Not needed after an ingest: the next query sees
    the changed fingerprint and brings the index up to date incrementally. For tests that
    empty tables behind the store's back."""
    with _lock:
        if engine is None:
            _cache.clear()
        else:
            _cache.pop(engine, None)


def warm(engine: Engine) -> None:
    """Build the index now (a bot calls this in a thread at start, so no user waits for it)."""
    from knowledge.db import session

    with session(engine) as s:
        _index(s)


def _index(s: Session) -> _Index:
    engine = s.get_bind()
    key = _store_key(s)
    cached = _cache.get(engine)
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cache.get(engine)
        if cached is not None and cached.key == key:
            return cached
        if cached is None or key[2] is None or cached.max_paragraph_id > key[2]:
            built = _build(s, key, None)
        else:
            built = _build(s, key, cached)
        _cache[engine] = built
        return built


def _case_rows(s: Session, ids: list[int] | None):
    q = select(
        Case.id, Case.title, Case.dnr, Case.dnr_norm, Organisation.name, Case.last_date
    ).join(Organisation, Organisation.id == Case.organisation_id)
    if ids is None:
        return s.exec(q).all()
    out = []
    for i in range(0, len(ids), 500):
        out += s.exec(q.where(col(Case.id).in_(ids[i : i + 500]))).all()
    return out


def _build(s: Session, key: tuple, base: _Index | None) -> _Index:
    """A new index: from scratch (``base`` None), or ``base`` plus the paragraphs added since.

    Replaced paragraphs may leave an old title behind for a case that still exists (it still
    finds the case); deleted cases are dropped.
    """
    since = base.max_paragraph_id if base else 0
    # A case's own title (its latest paragraph's) comes with the case row; only paragraph
    # titles that differ from it (an utskott's wording, a typo) are read separately.
    other_titles = s.exec(
        select(Paragraph.case_id, Paragraph.title)
        .join(Case, Case.id == Paragraph.case_id)
        .where(Paragraph.id > since, Paragraph.title != Case.title)
        .distinct()
    ).all()
    touched = None
    if base is not None:
        touched = sorted(
            s.exec(
                select(Paragraph.case_id)
                .where(Paragraph.id > since, col(Paragraph.case_id).is_not(None))
                .distinct()
            ).all()
        )
    titles: dict[int, dict[str, frozenset[str]]] = defaultdict(dict)
    folds: dict[str, str] = {}

    def add_title(cid: int, title: str) -> None:
        folded = folds.get(title)
        if folded is None:
            folded = folds[title] = fold(title)
        if folded not in titles[cid]:
            titles[cid][folded] = frozenset(tokens(folded))

    for cid, title in other_titles:
        add_title(cid, title)
    entries = dict(base.entries) if base else {}
    postings: dict[str, list[int] | tuple[int, ...]] = dict(base.postings) if base else {}
    changed_tokens: set[str] = set()
    for cid, title, dnr, norm, org, last in _case_rows(s, touched):
        add_title(cid, title)
        old = entries.get(cid)
        have = dict(old.titles) if old else {}
        new_titles = titles[cid]
        added = {t: ws for t, ws in new_titles.items() if t not in have}
        have.update(added)
        entries[cid] = _Entry(cid, title, dnr, norm, org or None, last, tuple(have.items()))
        for ws in added.values():
            for w in ws:
                plist = postings.get(w)
                if plist is None:
                    postings[w] = [cid]
                elif w in changed_tokens:
                    plist.append(cid)
                else:
                    postings[w] = [*plist, cid]
                changed_tokens.add(w)
    deleted = base is not None and s.exec(select(func.count(Case.id))).one() != len(entries)
    if deleted:
        alive = set(s.exec(select(Case.id)).all())
        entries = {cid: e for cid, e in entries.items() if cid in alive}
    for w in changed_tokens:
        postings[w] = tuple(sorted(set(postings[w])))
    if base is None or deleted:
        new_cases = list(entries.values())
        by_sy: dict = defaultdict(list)
        by_s: dict = defaultdict(list)
    else:  # only cases not indexed before join the dnr pools
        new_cases = [entries[c] for c in touched or () if c not in base.entries]
        by_sy, by_s = dict(base.by_series_year), dict(base.by_series)
    grown_sy: dict[tuple[str, str], list] = defaultdict(list)
    grown_s: dict[str, list] = defaultdict(list)
    for entry in new_cases:
        series, year = dnr_series_year(entry.dnr_norm)
        grown_sy[(series, year)].append((entry.dnr_norm, entry.case_id))
        grown_s[series].append((entry.dnr_norm, entry.case_id))
    for pools, grown in ((by_sy, grown_sy), (by_s, grown_s)):
        for k, items in grown.items():
            norms, ids = pools.get(k, ((), ()))
            pools[k] = (norms + tuple(n for n, _ in items), ids + tuple(i for _, i in items))
    max_pid = s.exec(select(func.max(Paragraph.id))).one() or 0
    return _Index(
        key=key,
        max_paragraph_id=max_pid,
        entries=entries,
        postings=postings,  # type: ignore[arg-type]
        vocab=sorted(postings),
        vocab_set=frozenset(postings),
        prefix_cache={},
        by_series_year=by_sy,
        by_series=by_s,
    )


@dataclass(frozen=True)
class Scored:
    case_id: int
    title: str
    dnr: str
    score: float
    organisation: str | None
    last_date: date | None


MAX_WORD_VARIANTS = 40  # vocabulary words kept per query word (the closest)
MAX_CANDIDATES = 400  # cases scored per query


def _prefixes(idx: _Index, n: int) -> list[str]:
    """The vocabulary cut to ``n`` letters (index-aligned), made once per index and length."""
    got = idx.prefix_cache.get(n)
    if got is None:
        got = idx.prefix_cache[n] = [v[:n] for v in idx.vocab]
    return got


def _word_matches(word: str, idx: _Index) -> list[tuple[str, float]]:
    """Vocabulary words close to ``word`` with a similarity 0–100, closest first.

    Exact 100; a compound that starts with the word 96 ("tandvard" → "tandvardskliniken");
    typos by edit ratio, also against the compound's prefix of the same length.
    """
    if len(word) <= 2:
        return [(word, 100.0)] if word in idx.vocab_set else []
    found: dict[str, float] = {}
    if word in idx.vocab_set:
        found[word] = 100.0
    if len(word) >= 4:  # compounds that start with the word: a range of the sorted vocabulary
        i = bisect.bisect_right(idx.vocab, word)
        while i < len(idx.vocab) and idx.vocab[i].startswith(word):
            found[idx.vocab[i]] = 96.0
            i += 1
    if found:  # spelled as in some title: no need to look for typos
        return heapq.nlargest(
            MAX_WORD_VARIANTS, found.items(), key=lambda kv: (kv[1], -len(kv[0]))
        )
    cutoff = 80 if len(word) <= 4 else 72
    for choice, score, _ in process.extract(
        word, idx.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_WORD_VARIANTS
    ):
        found[choice] = max(found.get(choice, 0.0), score)
    if len(word) >= 4:
        n = len(word)
        for _, score, i in process.extract(
            word, _prefixes(idx, n), scorer=fuzz.ratio, score_cutoff=cutoff + 5, limit=None
        ):
            choice = idx.vocab[i]
            if len(choice) > n:
                found[choice] = max(found.get(choice, 0.0), score * 0.96)
    return heapq.nlargest(MAX_WORD_VARIANTS, found.items(), key=lambda kv: kv[1])


def fuzzy_titles(s: Session, query: str, limit: int = 5) -> list[Scored]:
    """Cases whose titles best match ``query`` (typos, word order, missing words, å/ä/ö).

    Score = the mean over the query's words of each word's best match among the case's title
    words (95 %), and the whole query against the whole title (5 %, a tie-break).
    """
    folded = fold(query)
    words = tokens(folded)
    if not words:
        return []
    content = [w for w in words if w not in STOPWORDS] or words
    content = list(dict.fromkeys(content))[:12]
    idx = _index(s)
    if not idx.entries:
        return []
    # Candidates: the postings of each query word's close vocabulary words; a case's score for
    # a word is its closest word's similarity (variants come closest first: setdefault keeps it).
    hits: dict[int, float] = defaultdict(float)
    for word in content:
        best: dict[int, float] = {}
        for token, sim in _word_matches(word, idx):
            for cid in idx.postings.get(token, ()):
                best.setdefault(cid, sim)
        for cid, sim in best.items():
            hits[cid] += sim
    if not hits:
        return []
    n = len(content)
    ranked = heapq.nlargest(MAX_CANDIDATES, hits.items(), key=lambda kv: kv[1])
    # The whole-title part weighs 5 %: a case more than 5/0.95 points of word score behind the
    # limit-th best cannot overtake it, so only the leaders are scored in full.
    floor = ranked[min(limit, len(ranked)) - 1][1] / n - 5 / 0.95
    results: list[Scored] = []
    for cid, total in ranked:
        if total / n < floor:
            break
        entry = idx.entries.get(cid)
        if entry is None:  # a case deleted since its words were indexed
            continue
        whole = max(fuzz.token_set_ratio(folded, ft, processor=None) for ft, _ in entry.titles)
        score = 0.95 * total / n + 0.05 * whole
        results.append(
            Scored(cid, entry.title, entry.dnr, round(score, 1), entry.organisation, entry.last_date)
        )
    results.sort(key=lambda r: (-r.score, -(r.last_date or date.min).toordinal(), r.case_id))
    return results[:limit]


def nearest_dnrs(s: Session, dnr: str, limit: int = 5) -> list[Scored]:
    """Known dnrs closest to ``dnr`` (a typo) of the same series, the same year first."""
    norm = normalise_dnr(dnr)
    if not norm:
        return []
    idx = _index(s)
    series, year = dnr_series_year(norm)
    if series not in idx.by_series:  # "23HNS1831": a series no case has, one typo from one that does
        near = [known for known in idx.by_series if known and OSA.distance(series, known) <= 1]
        series = near[0] if len(near) == 1 else series
    # only numbers of the same series: another series' case is another matter, never "near"
    pools = (
        lambda: idx.by_series_year.get((series, year), ((), ())),
        lambda: idx.by_series.get(series, ((), ())),
    )
    found: dict[int, float] = {}
    for pool in pools:
        norms, ids = pool()
        for _, score, i in process.extract(
            norm, norms, scorer=fuzz.ratio, score_cutoff=60, limit=limit * 3
        ):
            found[ids[i]] = max(found.get(ids[i], 0.0), score)
        if len(found) >= limit:  # the narrower pool had enough; wider only for typos in it
            break
    out = []
    for cid, score in found.items():
        e = idx.entries[cid]  # pools are rebuilt from live entries
        out.append(Scored(cid, e.title, e.dnr, round(score, 1), e.organisation, e.last_date))
    out.sort(key=lambda r: (-r.score, r.dnr))
    return out[:limit]


# --------------------------------------------------------------------------- full text


def _fts5_query(words: list[str], joiner: str) -> str:
    return f" {joiner} ".join('"' + w.replace('"', "") + '"*' for w in words)


def full_text_rows(s: Session, query: str, limit: int = 5) -> list[tuple[int, str]]:
    """(paragraph id, snippet) of the best full-text hits, best first."""
    words = [w for w in _NON_WORD.sub(" ", unicodedata.normalize("NFC", query)).split() if w][:20]
    if not words:
        return []
    if s.get_bind().dialect.name == "sqlite":
        sql = text(
            "SELECT rowid, snippet(paragraphs_fts, 1, :a, :b, '…', 24) FROM paragraphs_fts "
            "WHERE paragraphs_fts MATCH :q ORDER BY bm25(paragraphs_fts, 5.0, 1.0) LIMIT :n"
        )
        for joiner in ("AND", "OR"):
            params = {"q": _fts5_query(words, joiner), "a": SNIPPET_START, "b": SNIPPET_END}
            rows = s.exec(sql.bindparams(**params, n=limit)).all()
            if rows or len(words) == 1:
                return [(r[0], r[1]) for r in rows]
        return []
    config = _pg_config(s)
    sql = text(
        f"SELECT id, ts_headline('{config}', text, q, :opts) FROM ("
        " SELECT p.id, p.text, q, ts_rank(p.tsv, q) AS rank FROM paragraphs p,"
        f" to_tsquery('{config}', :q) AS q WHERE p.tsv @@ q ORDER BY rank DESC, p.id DESC LIMIT :n"
        ") AS hits ORDER BY rank DESC, id DESC"
    )
    opts = (
        f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxWords=30, MinWords=12, "
        "MaxFragments=2, FragmentDelimiter=…"
    )
    for joiner in (" & ", " | "):
        q = joiner.join(_pg_term(w) for w in words)
        rows = s.exec(sql.bindparams(q=q, n=limit, opts=opts)).all()
        if rows or len(words) == 1:
            return [(r[0], r[1]) for r in rows]
    return []


_pg_configs: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _pg_config(s: Session) -> str:
    engine = s.get_bind()
    if engine not in _pg_configs:
        _pg_configs[engine] = pg_text_search_config(s.connection())
    return _pg_configs[engine]


def _pg_term(word: str) -> str:
    return "'" + word.replace("'", "").replace("\\", "") + "':*"
