"""Search: names, other names, titles, descriptions and labels, ranked, filtered by type.

The index is SQLite FTS5 (:mod:`witness.browse.index`): its ``unicode61`` tokeniser with
``remove_diacritics 2`` folds case and accents, so "vaclav havel" finds "Václav Havel"; every
word typed is matched as a prefix (FTS5's ``"word" *``, section 3.4 of its documentation), so
"corona" finds "Coronation" while it is being typed; hits are ranked by FTS5's ``bm25``
(:data:`WEIGHTS` for the label, names and other names), every match of a name above every
match of a description only. Words are handed to FTS5 as quoted strings, so nothing typed is
read as FTS5 query syntax (``AND``, ``NEAR``, ``-``, ``:``...).

bm25 alone cannot rank a name that most resources share ("Ai Weiwei" in a graph about him): a
word found in more than half of them weighs next to nothing (FTS5 floors its inverse document
frequency), and the scores tie. Ties (to three decimals) go to the shorter label, so that the
exact name leads ("Ai Weiwei" before "Ai Weiwei's blog").

The hits of a search are found once, into a temporary table of the reading connection, then
counted, counted by type and paged from there.

>>> expression('vaclav  havel NEAR(x) -y')
'"vaclav"* "havel"* "NEAR(x)"* "-y"*'
>>> expression("  & ") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from witness.browse.catalog import Catalog
from witness.browse.labels import Labels, Named

WEIGHTS = (10.0, 10.0, 4.0)
"""bm25 weights of the columns of the names index: label, names, other names."""

DESCRIPTIONS = 1000.0
"""Added to the score of a match in descriptions only, so that it ranks below every match of
a name (bm25 scores of FTS5 are negative, better lower, and far smaller than this)."""

FOUND = f"""
INSERT INTO temp.hits (id, score)
SELECT id, min(score) FROM (
    SELECT rowid AS id, bm25(names, {", ".join(map(str, WEIGHTS))}) AS score
    FROM names WHERE names MATCH :query
    UNION ALL
    SELECT rowid, {DESCRIPTIONS} + bm25(texts) FROM texts WHERE texts MATCH :query
)
GROUP BY id
"""
"""Fills ``temp.hits`` with the hits for ``:query`` in names or descriptions, each once with
its best score: found once per search, then counted, counted by type and paged."""

MAX_PAGE_SIZE = 100
MAX_WORDS = 16
"""Most words of a search that count (a longer text is cut, not refused)."""


@dataclass(frozen=True)
class Hit:
    entity: Named
    types: tuple[Named, ...]


@dataclass(frozen=True)
class TypeCount:
    type: Named
    count: int


@dataclass(frozen=True)
class Results:
    text: str
    type: Named | None
    """The type the hits are filtered by, if any."""
    total: int
    """Hits in all (of the chosen type, if any)."""
    page: int
    size: int
    hits: tuple[Hit, ...]
    types: tuple[TypeCount, ...]
    """How many hits of each type there are (before filtering by type)."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def expression(text: str) -> str | None:
    """The FTS5 query for ``text``: each word (as separated by spaces) a quoted prefix; None
    if no word has a letter or digit."""
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)][:MAX_WORDS]
    if not words:
        return None
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def search(
    catalog: Catalog, labels: Labels, text: str, *, type: str = "", page: int = 1, size: int = 20
) -> Results:
    """The ``page``-th page of hits for ``text`` (of class ``type`` if given), best first."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    page = max(1, page)
    chosen = labels.one(type) if type else None
    query = expression(text)
    if query is None:
        return Results(text, chosen, 0, page, size, (), ())
    catalog.scratch("CREATE TEMP TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, score REAL)")
    catalog.scratch("DELETE FROM temp.hits")
    catalog.scratch(FOUND, {"query": query})
    counts = catalog.rows(
        "SELECT ty.class, count(*) FROM temp.hits h CROSS JOIN types ty ON ty.term = h.id "
        "GROUP BY ty.class ORDER BY 2 DESC, 1"
    )
    chosen_type = "JOIN types ty ON ty.term = t.id AND ty.class = :type " if type else ""
    if type:
        total = catalog.rows(
            "SELECT count(*) FROM temp.hits h CROSS JOIN types ty "
            "ON ty.term = h.id AND ty.class = :type",
            {"type": type},
        )[0][0]
    else:
        total = catalog.rows("SELECT count(*) FROM temp.hits")[0][0]
    found = catalog.rows(
        f"SELECT t.id, t.iri FROM temp.hits h CROSS JOIN terms t ON t.id = h.id {chosen_type}"
        "ORDER BY round(h.score, 3), length(t.label), t.label LIMIT :size OFFSET :skip",
        {"type": type, "size": size, "skip": (page - 1) * size},
    )
    ids = [str(row[0]) for row in found]
    types: dict[str, list[str]] = {}
    for term, cls in catalog.chunked(
        "SELECT t.iri, ty.class FROM types ty JOIN terms t ON t.id = ty.term "
        "WHERE ty.term IN ({marks})",
        ids,
    ):
        types.setdefault(str(term), []).append(str(cls))
    iris = [str(row[1]) for row in found]
    named = labels.of([*iris, *(cls for classes in types.values() for cls in classes)])
    named.update(labels.of(str(row[0]) for row in counts))
    hits = tuple(
        Hit(named[iri], tuple(sorted((named[c] for c in types.get(iri, [])), key=_text)))
        for iri in iris
    )
    return Results(
        text,
        chosen,
        int(str(total)),
        page,
        size,
        hits,
        tuple(TypeCount(named[str(cls)], int(str(count))) for cls, count in counts),
    )


def _text(named: Named) -> str:
    return named.text.casefold()
