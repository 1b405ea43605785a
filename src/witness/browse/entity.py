"""What an entity's page shows, bounded however many links the entity has.

The page (Wikidata's entity pages are the model) gives the label, the types and the key facts
first (the literal values: dates, runtimes, descriptions), the outside identifiers as links,
then every relation out and in, grouped by property under the property's label (read
backwards for the relations pointing in: "director of"), each value a link and each statement
with the source documents that state it.

It is read in steps, each a named query run in the query pool with the entity bound:
``entity-groups.rq`` counts the values of every property in each direction; an entity with
few statements (:data:`SMALL`) then has them all read at once (``entity-statements.rq``);
a larger one has each group read a page at a time (``entity-out-rows.rq``,
``entity-in-rows.rq`` in the store's index order, which keeps a value's rows together, with a
``LIMIT``), so an organisation with ten thousand incoming links costs a few small queries. A
statement that a thousand documents make names the first few and counts the others. Labels of
properties, types, values and sources come from the browser's index
(:mod:`witness.browse.labels`), never from the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from witness.browse.catalog import Catalog
from witness.browse.labels import Labels, Named
from witness.browse.listings import BY_NAME, Listing
from witness.browse.values import readable
from witness.queries import named
from witness.sparql.endpoint import select
from witness.sparql.pool import Runs

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMA = "http://schema.org/"
SAME_AS = (SCHEMA + "sameAs", "http://www.w3.org/2002/07/owl#sameAs")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SMALL = 400
"""Most values (all groups together) read in one query; a larger entity is read by group."""

PREVIEW = 25
"""Values of a group shown on the entity's page; the rest a page at a time."""

PAGE = 200
"""Values of a group shown per page when it is opened on its own."""

PREVIEW_ROWS = 300
"""Rows read for a group's preview (a value has a row per document stating it)."""

PAGE_ROWS = 2000
"""Rows read for a page of a group opened on its own."""

SOURCES = 6
"""Documents named on one statement; the others are counted."""

FIRST = (SCHEMA + "name", SCHEMA + "alternateName", SCHEMA + "description")
"""Facts shown first, in this order; the others by their labels."""

AUTHORITIES = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("https://www.wikidata.org/wiki/", "Wikidata"),
    ("http://vocab.getty.edu/ulan/", "Getty ULAN"),
    ("http://vocab.getty.edu/page/ulan/", "Getty ULAN"),
    ("https://www.moma.org/artists/", "MoMA"),
    ("https://www.imdb.com/", "IMDb"),
    ("http://viaf.org/viaf/", "VIAF"),
)
"""Registries whose identifiers are shown as such, by the start of their IRIs."""


@dataclass(frozen=True)
class Value:
    """One value of a group and the sources stating it (none: computed by the server)."""

    text: str
    link: Named | None
    lexical: str
    datatype: str
    """The datatype's label, for a literal that is not a plain string."""
    language: str
    sources: tuple[Named, ...]
    datatype_iri: str = ""
    more_sources: int = 0
    """Documents stating it beyond those in :attr:`sources` (at least so many: a page reads
    a bounded number of rows)."""


@dataclass(frozen=True)
class Group:
    """The values of one property in one direction: ``count`` in all, ``values`` shown."""

    predicate: Named
    direction: str
    count: int
    values: tuple[Value, ...]
    following: int | None = None
    """The row the next page starts at (None: this is the last)."""

    @property
    def heading(self) -> str:
        return self.predicate.text if self.direction == "out" else self.predicate.inverse

    @property
    def complete(self) -> bool:
        return len(self.values) >= self.count


@dataclass(frozen=True)
class Identifier:
    authority: str
    code: str
    href: str
    iri: str


@dataclass(frozen=True)
class Entity:
    this: Named
    types: tuple[Named, ...]
    listing: Listing | None
    facts: tuple[Group, ...]
    identifiers: tuple[Identifier, ...]
    outgoing: tuple[Group, ...]
    incoming: tuple[Group, ...]
    opened: Group | None = None
    """The group asked for on its own, a page at a time."""


Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]


class _Reader:
    def __init__(self, pool: Runs, catalog: Catalog, labels: Labels, this: ox.NamedNode) -> None:
        self.pool = pool
        self.catalog = catalog
        self.labels = labels
        self.this = this

    def groups(self) -> list[tuple[str, str, int]]:
        rows = select(self.pool, named("entity-groups"), {"this": self.this})
        return [
            (_text(row["direction"]), _text(row["property"]), int(_text(row["values"])))
            for row in rows
        ]

    def everything(self) -> dict[tuple[str, str], list[Row]]:
        found: dict[tuple[str, str], list[Row]] = {}
        for row in select(self.pool, named("entity-statements"), {"this": self.this}):
            found.setdefault((_text(row["direction"]), _text(row["property"])), []).append(row)
        return found

    def page(
        self, direction: str, prop: str, skip: int, size: int, rows: int
    ) -> tuple[list[Row], int | None]:
        """The rows of up to ``size`` whole values of a group, from the ``skip``-th row, read
        ``rows`` at most; and the row the next page starts at (None: this is the last)."""
        found = select(
            self.pool,
            paged(f"entity-{direction}-rows", rows, skip),
            {"this": self.this, "property": ox.NamedNode(prop)},
        )
        kept: list[Row] = []
        seen: list[str] = []
        for number, row in enumerate(found):
            key = str(row["value"])
            if not seen or seen[-1] != key:
                if len(seen) == size:
                    return kept, skip + number
                seen.append(key)
            kept.append(row)
        return kept, skip + len(found) if len(found) == rows else None


def paged(name: str, limit: int, offset: int) -> str:
    """The named query ``name`` with ``LIMIT`` and ``OFFSET`` (SPARQL 1.1 Query, sections
    15.4 and 15.5, which take integers in the text: no binding can stand for them). The two
    numbers are computed here and pass through ``int``; nothing a request sends reaches the
    query's text."""
    return f"{named(name)}\nLIMIT {int(limit)} OFFSET {max(int(offset), 0)}"


def entity(
    pool: Runs,
    catalog: Catalog,
    labels: Labels,
    this: ox.NamedNode,
    opened: tuple[str, str, int] | None = None,
) -> Entity | None:
    """The page of ``this``; None if nothing is said about it. ``opened`` is a group to show
    a page at a time: ``(direction, property IRI, first row)``."""
    reader = _Reader(pool, catalog, labels, this)
    counts = reader.groups()
    if not counts:
        return None
    rows: dict[tuple[str, str], list[Row]] = {}
    if sum(count for _, _, count in counts) <= SMALL:
        rows = reader.everything()
    else:
        for direction, prop, _ in counts:
            rows[direction, prop], _ = reader.page(direction, prop, 0, PREVIEW, PREVIEW_ROWS)
    page: tuple[str, str, list[Row], int | None] | None = None
    if opened is not None and (opened[0], opened[1]) in {(d, p) for d, p, _ in counts}:
        found, following = reader.page(opened[0], opened[1], opened[2], PAGE, PAGE_ROWS)
        page = (opened[0], opened[1], found, following)
    return _assemble(reader, counts, rows, page)


def _assemble(
    reader: _Reader,
    counts: list[tuple[str, str, int]],
    rows: dict[tuple[str, str], list[Row]],
    page: tuple[str, str, list[Row], int | None] | None,
) -> Entity:
    every = [row for found in rows.values() for row in found] + (page[2] if page else [])
    graphs = {_text(row["g"]) for row in every if row.get("g") is not None}
    sources: dict[str, list[str]] = {}
    for graph, source in reader.catalog.chunked(
        "SELECT graph, source FROM graphs WHERE graph IN ({marks})", graphs
    ):
        sources.setdefault(str(graph), []).append(str(source))
    iris = [reader.this.value, *(prop for _, prop, _ in counts)]
    iris += [row["value"].value for row in every if isinstance(row["value"], ox.NamedNode)]
    iris += [s for graph in graphs for s in sources.get(graph, [graph])]
    iris += [row["value"].datatype.value for row in every if isinstance(row["value"], ox.Literal)]
    named_ = reader.labels.of(iris)

    def group(direction: str, prop: str, count: int, found: list[Row], alone: bool) -> Group:
        values: dict[str, tuple[ox.NamedNode | ox.BlankNode | ox.Literal, list[str]]] = {}
        for row in found:
            value = row["value"]
            assert value is not None
            entry = values.setdefault(str(value), (value, []))
            if row.get("g") is not None:
                entry[1].append(_text(row["g"]))
        shown = [_value(term, graphs_, sources, named_) for term, graphs_ in values.values()]
        if len(shown) >= count:  # the whole group: in the order of its labels
            shown.sort(key=lambda value: (value.text.casefold(), value.lexical))
        limit = len(shown) if prop == RDF_TYPE else PAGE if alone else PREVIEW
        following = page[3] if alone and page else None
        return Group(named_[prop], direction, count, tuple(shown[:limit]), following)

    built = {
        (direction, prop): group(direction, prop, count, rows.get((direction, prop), []), False)
        for direction, prop, count in counts
    }
    out = [g for (d, _), g in built.items() if d == "out"]
    types = [value.link for value in built.get(("out", RDF_TYPE), _EMPTY).values if value.link]
    facts = [g for g in out if g.values and all(v.link is None for v in g.values)]
    same = [g for g in out if g.predicate.iri in SAME_AS]
    related = [g for g in out if g not in facts and g not in same and g.predicate.iri != RDF_TYPE]
    incoming = [g for (d, _), g in built.items() if d == "in"]
    opened = group(page[0], page[1], _count(counts, page), page[2], True) if page else None
    return Entity(
        this=named_[reader.this.value],
        types=tuple(sorted(types, key=lambda t: t.text.casefold())),
        listing=_listing(reader.catalog, [t.iri for t in types]),
        facts=tuple(sorted(facts, key=_fact_order)),
        identifiers=tuple(_identifier(v) for g in same for v in g.values if v.link),
        outgoing=tuple(sorted(related, key=lambda g: g.heading.casefold())),
        incoming=tuple(sorted(incoming, key=lambda g: g.heading.casefold())),
        opened=opened,
    )


_EMPTY = Group(Named("", "", ""), "out", 0, ())


def _count(counts: list[tuple[str, str, int]], page: tuple[str, str, list[Row], int | None]) -> int:
    return next(count for d, p, count in counts if (d, p) == page[:2])


def _value(
    term: ox.NamedNode | ox.BlankNode | ox.Literal,
    graphs: list[str],
    sources: dict[str, list[str]],
    named_: dict[str, Named],
) -> Value:
    every = list(dict.fromkeys(s for graph in graphs for s in sources.get(graph, [graph])))
    found = tuple(named_[s] for s in every[:SOURCES])
    more = len(every) - len(found)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown = "" if datatype in (XSD_STRING, LANG_STRING) else named_[datatype].text
        return Value(
            readable(term.value, datatype),
            None,
            term.value,
            shown,
            term.language or "",
            found,
            datatype,
            more,
        )
    if isinstance(term, ox.NamedNode):
        link = named_[term.value]
        return Value(link.text, link, term.value, "", "", found, more_sources=more)
    return Value(term.value, Named(term.value, "", ""), term.value, "", "", found, "", more)


def _fact_order(group: Group) -> tuple[int, str]:
    iri = group.predicate.iri
    return (FIRST.index(iri) if iri in FIRST else len(FIRST), group.heading.casefold())


def _identifier(value: Value) -> Identifier:
    assert value.link is not None
    iri = value.link.iri
    for start, authority in AUTHORITIES:
        if iri.startswith(start):
            return Identifier(authority, iri.removeprefix(start).strip("/"), value.link.href, iri)
    return Identifier(value.link.text, iri, value.link.href, iri)


def _listing(catalog: Catalog, types: list[str]) -> Listing | None:
    found = catalog.chunked(
        "SELECT listing FROM classes WHERE listing IS NOT NULL AND class IN ({marks})", types
    )
    names = {str(row[0]) for row in found}
    for candidate in ("exhibitions", *BY_NAME):
        if candidate in names:
            return BY_NAME[candidate]
    return None


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    return term.value if term is not None else ""
