"""What happened when: the dated entities of the graph projection on one time axis.

Every entity with dates (:mod:`witness.browse.dates`) gives items: its ``startDate`` and
``endDate`` one span (a bar from the first day of the one to the last day of the other; a
year is the whole year), each other date one item of its own ("born 1957", "published
2020", "founded 2006"). An event no source dates, that a dated work is about, gets an item
too, marked as dated by that work: it happened by then (its *terminus ante quem*), which
is all the graph can say ("Wuhan lockdown, by 2020: Coronation is about it").

The items of a build are made once, sorted by their first day, and kept with the loaded
projection; a timeline is a filter of them: by kind (``films``, ``events``...), by period
(every item with a day in it), and by entity (the entity and its neighbours, one or two
steps away).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from witness.browse.dates import Interval
from witness.browse.projection import Projection
from witness.namespaces import WIT

SCHEMA = "http://schema.org/"
START, END, ABOUT = SCHEMA + "startDate", SCHEMA + "endDate", SCHEMA + "about"
PUBLISHED = SCHEMA + "datePublished"
DECADE = str(WIT.decade)

WORDS = {
    SCHEMA + "birthDate": "born",
    SCHEMA + "deathDate": "died",
    SCHEMA + "foundingDate": "founded",
    SCHEMA + "dissolutionDate": "dissolved",
    PUBLISHED: "published",
    SCHEMA + "dateCreated": "created",
    SCHEMA + "legislationDate": "enacted",
    SCHEMA + "availabilityStarts": "available from",
    SCHEMA + "availabilityEnds": "available until",
}
"""How an item of each dated property reads; other properties by their labels."""

KINDS = ("films", "events", "exhibitions", "people", "organizations", "places", "topics", "other")
"""The kinds of entity a timeline can be filtered by (the listings' names)."""

PAGE = 200
MAX_PAGE = 1000
MAX_HOPS = 2


@dataclass(frozen=True)
class Item:
    iri: str
    label: str
    kind: str
    what: str
    """What happened: "born", "published", "" for an entity's own span."""
    first: str
    last: str
    text: str
    """The dates as people read them: "2020", "20 March 2021 to 26 March 2021"."""
    span: bool
    """Drawn as a bar of its whole length (a span, or a date of a year or a month)."""
    dated_by: str = ""
    """For an undated event: the dated work about it that places it (by that date)."""


@dataclass(frozen=True)
class Filters:
    kinds: frozenset[str] = frozenset()
    """Only items of these kinds (none: every kind)."""
    period: tuple[str, str] | None = None
    entity: str = ""
    hops: int = 1


@dataclass(frozen=True)
class Timeline:
    filters: Filters
    items: tuple[Item, ...]
    """The page of items asked for."""
    total: int
    page: int
    size: int
    first: str
    last: str
    """The first and last day of every item found (not only those of the page)."""
    counts: dict[str, int]
    """Items found of each kind."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


_lock = threading.Lock()


def items(projection: Projection) -> tuple[Item, ...]:
    """Every item of the projection, by first day (made once per loaded projection)."""
    with _lock:
        found = projection.cache.get("timeline")
        if not isinstance(found, tuple):
            found = projection.cache["timeline"] = _items(projection)
    return found


def _items(projection: Projection) -> tuple[Item, ...]:
    graph = projection.graph
    found: list[Item] = []
    published: dict[str, Interval] = {}
    for iri, data in graph.nodes(data=True):
        label, kind = data["label"], data["kind"]
        starts = [d.when for d in data["dates"] if d.property == START]
        ends = [d.when for d in data["dates"] if d.property == END]
        if starts or ends:
            first = min(starts or ends, key=lambda w: w.first)
            last = max(ends or starts, key=lambda w: w.last)
            if starts and ends:
                text = first.text if first == last else f"{first.text} to {last.text}"
                what = ""
            else:
                text = first.text if starts else f"until {last.text}"
                what = ""
            found.append(Item(iri, label, kind, what, first.first, last.last, text, True))
        for dated in data["dates"]:
            if dated.property in (START, END):
                continue
            what = WORDS.get(dated.property) or projection.label(dated.property)
            when = dated.when
            text = when.text
            if dated.property == DECADE:
                what, text = "", f"in the {when.text}"
            if dated.property == PUBLISHED:
                published[iri] = min(published.get(iri, when), when, key=lambda w: w.first)
            span = when.precision in ("year", "month", "decade")
            found.append(Item(iri, label, kind, what, when.first, when.last, text, span))
    found += _placed(projection, published)
    found.sort(key=lambda item: (item.first, item.last, item.label.casefold(), item.iri))
    return tuple(found)


def _placed(projection: Projection, published: dict[str, Interval]) -> list[Item]:
    """Undated events placed by the earliest dated work about them."""
    graph = projection.graph
    placed: dict[str, tuple[Interval, str]] = {}
    for work, when in published.items():
        for other in graph.adj[work]:
            data = graph.nodes[other]
            if data["dates"] or data["kind"] not in ("events", "exhibitions"):
                continue
            if not any(
                s.property == ABOUT and s.subject == work for s in graph[work][other]["statements"]
            ):
                continue
            if other not in placed or when.first < placed[other][0].first:
                placed[other] = (when, work)
    return [
        Item(
            iri,
            graph.nodes[iri]["label"],
            graph.nodes[iri]["kind"],
            f"by {when.text}: {graph.nodes[work]['label']} is about it",
            when.first,
            when.last,
            f"by {when.text}",
            when.precision in ("year", "month", "decade"),
            dated_by=work,
        )
        for iri, (when, work) in placed.items()
    ]


def timeline(projection: Projection, filters: Filters, page: int = 1, size: int = PAGE) -> Timeline:
    """The items that pass ``filters``, a page at a time (each page in time order)."""
    chosen = _chosen(projection, filters)
    counts: dict[str, int] = {}
    for item in chosen:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    shown = [item for item in chosen if not filters.kinds or item.kind in filters.kinds]
    page = max(page, 1)
    return Timeline(
        filters,
        tuple(shown[(page - 1) * size : page * size]),
        len(shown),
        page,
        size,
        min((item.first for item in shown), default=""),
        max((item.last for item in shown), default=""),
        counts,
    )


def _chosen(projection: Projection, filters: Filters) -> list[Item]:
    """The items of the entity's neighbourhood and the period, of any kind."""
    every: Iterable[Item] = items(projection)
    if filters.entity:
        near = _near(projection, filters.entity, filters.hops)
        every = [item for item in every if item.iri in near]
    if filters.period is not None:
        first, last = filters.period
        every = [item for item in every if item.first <= last and first <= item.last]
    return list(every)


def _near(projection: Projection, iri: str, hops: int) -> set[str]:
    seen = {iri}
    frontier = [iri]
    for _ in range(hops):
        frontier = [o for node in frontier for o in projection.graph.adj[node] if o not in seen]
        seen.update(frontier)
    return seen
