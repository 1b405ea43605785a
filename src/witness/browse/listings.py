"""The listings of the browser: one table per kind of resource, with the columns that matter
for that kind (films: title, year, runtime, director...), sortable and paged.

A listing is declared here as data (:data:`LISTINGS`): its path (``/films``), the named
queries that give its rows (``queries/listing-*.rq``, each a SELECT of ``?entity`` and some
of the columns) and its columns. The rows are computed once per build, into the browser's
index (:mod:`witness.browse.index`), with a sort key per column, so that a page of any
listing, sorted by any column, is one indexed SQLite query however large the store
(datasette's tables are the model: sortable columns by link, every page also as CSV).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the index imports the listings to make them: no import at run time
    from witness.browse.catalog import Catalog


class Kind(Enum):
    """How a column's values are shown and sorted."""

    LABEL = "label"
    """The entity's own label (the first column, linking to its page)."""
    TEXT = "text"
    """Literals, shown as they are read (dates and durations made readable)."""
    NUMBER = "number"
    """Numbers, sorted as numbers."""
    LINK = "link"
    """Other resources, shown by their labels and linked."""


@dataclass(frozen=True)
class Column:
    key: str
    """The variable of the listing's queries that gives it, and its name in CSV and JSON."""
    heading: str
    kind: Kind


@dataclass(frozen=True)
class Listing:
    name: str
    """Its path (``/films``) and the name of its table."""
    title: str
    singular: str
    description: str
    queries: tuple[str, ...]
    """Named queries giving ``?entity`` and some of the columns, merged by entity."""
    columns: tuple[Column, ...]
    classes: tuple[str, ...]
    """The classes whose entities it lists (an entity page links back to the listing of its
    type); their subclasses count too."""
    default_sort: str = "label"

    def column(self, key: str) -> Column | None:
        return next((column for column in self.columns if column.key == key), None)


SCHEMA = "http://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL = Column("label", "Name", Kind.LABEL)
LINKS = Column("links", "Links", Kind.NUMBER)

LISTINGS: tuple[Listing, ...] = (
    Listing(
        "films",
        "Films",
        "film",
        "Every film, with its year, running time and director.",
        ("listing-films",),
        (
            Column("label", "Title", Kind.LABEL),
            Column("year", "Year", Kind.TEXT),
            Column("minutes", "Runtime (minutes)", Kind.NUMBER),
            Column("director", "Director", Kind.LINK),
        ),
        (SCHEMA + "Movie",),
        "year",
    ),
    Listing(
        "people",
        "People",
        "person",
        "Every person, with when and where they were born.",
        ("listing-people",),
        (
            LABEL,
            Column("born", "Born", Kind.TEXT),
            Column("birthplace", "Place of birth", Kind.LINK),
        ),
        (SCHEMA + "Person",),
    ),
    Listing(
        "organizations",
        "Organisations",
        "organisation",
        "Every organisation, with the organisation it belongs to and how many resources it is "
        "linked to.",
        ("listing-organizations", "listing-links-organizations"),
        (LABEL, Column("parent", "Part of", Kind.LINK), LINKS),
        (SCHEMA + "Organization",),
    ),
    Listing(
        "events",
        "Events",
        "event",
        "Every event (exhibitions, screenings and festivals included), with its dates and place.",
        ("listing-events",),
        (
            LABEL,
            Column("start", "Starts", Kind.TEXT),
            Column("end", "Ends", Kind.TEXT),
            Column("place", "Place", Kind.LINK),
        ),
        (SCHEMA + "Event",),
        "start",
    ),
    Listing(
        "exhibitions",
        "Exhibitions",
        "exhibition",
        "Every exhibition, with its dates, place and funders.",
        ("listing-exhibitions", "listing-exhibitions-funders"),
        (
            LABEL,
            Column("start", "Starts", Kind.TEXT),
            Column("end", "Ends", Kind.TEXT),
            Column("place", "Place", Kind.LINK),
            Column("funder", "Funders", Kind.LINK),
        ),
        (SCHEMA + "ExhibitionEvent",),
        "start",
    ),
    Listing(
        "places",
        "Places",
        "place",
        "Every place, with the place it lies in.",
        ("listing-places",),
        (LABEL, Column("within", "In", Kind.LINK)),
        (SCHEMA + "Place",),
    ),
    Listing(
        "topics",
        "Topics",
        "topic",
        "Every topic the works and events are about.",
        ("listing-topics",),
        (LABEL,),
        (SKOS + "Concept",),
    ),
    Listing(
        "sources",
        "Sources",
        "source",
        "Every source document the statements are drawn from, with its kind, publisher and date.",
        ("listing-sources",),
        (
            Column("label", "Title", Kind.LABEL),
            Column("kind", "Kind", Kind.LINK),
            Column("publisher", "Publisher", Kind.LINK),
            Column("published", "Published", Kind.TEXT),
        ),
        (),
    ),
)
"""Every listing, in the order the site's navigation shows them."""

BY_NAME = {listing.name: listing for listing in LISTINGS}


def listing_for(classes: set[str]) -> Listing | None:
    """The listing the entity of these classes (its types and their superclasses) belongs
    to: the most specific one (exhibitions before events).

    >>> listing_for({SCHEMA + "ExhibitionEvent", SCHEMA + "Event"}).name
    'exhibitions'
    """
    for listing in sorted(LISTINGS, key=lambda listing: listing.name != "exhibitions"):
        if classes & set(listing.classes):
            return listing
    return None


# Reading a listing's pages ----------------------------------------------------------------------

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Cell:
    """One value of a cell: its text, and its IRI for a resource ("" for a literal)."""

    text: str
    iri: str


@dataclass(frozen=True)
class Row:
    iri: str
    cells: dict[str, tuple[Cell, ...]]


@dataclass(frozen=True)
class Page:
    listing: Listing
    sort: str
    descending: bool
    page: int
    size: int
    total: int
    rows: tuple[Row, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def count(catalog: Catalog, listing: Listing) -> int:
    """How many rows ``listing`` has."""
    found = catalog.rows("SELECT rows FROM listings WHERE name = ?", [listing.name])
    return int(str(found[0][0])) if found else 0


def page(
    catalog: Catalog,
    listing: Listing,
    *,
    sort: str = "",
    descending: bool = False,
    number: int = 1,
    size: int = 50,
) -> Page:
    """The ``number``-th page of ``listing`` sorted by column ``sort`` (its default if the
    column is unknown), rows without a value last whichever the direction.
    """
    column = listing.column(sort) or listing.column(listing.default_sort) or listing.columns[0]
    size = max(1, min(size, MAX_PAGE_SIZE))
    number = max(1, number)
    key = f"s_{column.key}"
    # Missing values last either way, in the order of an index (witness.browse.index).
    order = f"{key} DESC, l.term DESC" if descending else f"coalesce({key}, x'ff'), l.term"
    found = catalog.rows(
        f"SELECT t.iri, l.cells FROM listing_{listing.name} l CROSS JOIN terms t ON t.id = l.term "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        [size, (number - 1) * size],
    )
    rows = tuple(
        Row(
            str(iri),
            {
                key: tuple(Cell(text, value or "") for text, value in values)
                for key, values in json.loads(str(cells)).items()
            },
        )
        for iri, cells in found
    )
    return Page(listing, column.key, descending, number, size, count(catalog, listing), rows)


def every_row(
    catalog: Catalog, listing: Listing, *, sort: str = "", descending: bool = False
) -> tuple[Row, ...]:
    """All the rows of ``listing`` in the order of :func:`page` (for its CSV)."""
    total = count(catalog, listing)
    rows: list[Row] = []
    for number in range(1, -(-total // MAX_PAGE_SIZE) + 1):
        found = page(
            catalog, listing, sort=sort, descending=descending, number=number, size=MAX_PAGE_SIZE
        )
        rows += found.rows
    return tuple(rows)


def csv_header(listing: Listing) -> list[str]:
    """The columns of a listing's CSV: the entity's IRI, then each column (and the IRIs of a
    column of links)."""
    header = ["iri"]
    for column in listing.columns:
        header.append(column.key)
        if column.kind is Kind.LINK:
            header.append(f"{column.key}_iri")
    return header


def csv_row(listing: Listing, row: Row) -> list[str]:
    """A row of the CSV (several values of a cell joined by "; ")."""
    values = [row.iri]
    for column in listing.columns:
        cells = row.cells.get(column.key, ())
        values.append("; ".join(cell.text for cell in cells))
        if column.kind is Kind.LINK:
            values.append(" ".join(cell.iri for cell in cells))
    return values
