"""The drawing of an entity's neighbourhood: the entity, what it links to and what links to
it (one hop), and on request their own links (two hops), as a
:class:`~witness.browse.drawing.Drawing`.

A drawing stays readable at :data:`MOST` nodes. Beyond that, the largest groups of links (all
the funders of an exhibition, ten thousand documents naming an organisation) become one node
each, "funder of: 10,000", linking to that group's pages; the second ring is filled with the
neighbours' links only while there is room.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from witness.browse.catalog import Catalog
from witness.browse.drawing import Drawing, Node
from witness.browse.entity import Entity, Group
from witness.browse.labels import Labels, Named
from witness.queries import named
from witness.sparql.endpoint import select
from witness.sparql.pool import Runs

MOST = 50
"""Most nodes drawn besides the entity itself."""


def kinds(catalog: Catalog, iris: list[str]) -> dict[str, str]:
    """The kind of each IRI for drawing (the name of its listing: ``films``...)."""
    found: dict[str, str] = {}
    for iri, listing in catalog.chunked(
        "SELECT t.iri, c.listing FROM types ty JOIN terms t ON t.id = ty.term "
        "JOIN classes c ON c.class = ty.class "
        "WHERE c.listing IS NOT NULL AND t.iri IN ({marks}) ORDER BY c.listing = 'events'",
        iris,
    ):
        found.setdefault(str(iri), str(listing))
    return found


def neighbourhood(
    entity: Entity,
    pool: Runs,
    catalog: Catalog,
    labels: Labels,
    hops: int,
    group_href: Callable[[Group], str],
) -> Drawing:
    """The drawing of ``entity``'s neighbourhood, ``hops`` (1 or 2) deep; a group of links
    too large to draw becomes one node leading to ``group_href(group)``."""
    this = entity.this
    drawing = Drawing(f"The neighbourhood of {this.text}", centre=this.iri)
    groups = sorted((*entity.outgoing, *entity.incoming), key=lambda g: g.count)
    room = MOST
    members: list[tuple[Group, Named]] = []
    whole: list[Group] = []
    for group in groups:
        linked = [value.link for value in group.values if value.link and value.link.iri]
        if group.complete and len(linked) <= room:
            members += [(group, link) for link in linked]
            room -= len(linked)
        else:
            whole.append(group)
    iris = [this.iri, *(link.iri for _, link in members)]
    found = kinds(catalog, iris)
    drawing.add(_node(this, found, entity.types[0].text if entity.types else ""))
    for group, link in members:
        drawing.add(_node(link, found, ""), 1)
        _link(drawing, group, this.iri, link.iri)
    for group in whole:
        key = f"{group.direction}:{group.predicate.iri}"
        text = f"{group.heading}: {group.count:,}"
        drawing.add(Node(key, text, group_href(group), "group", f"{text} (open the list)"), 1)
        _link(drawing, group, this.iri, key)
    if hops > 1 and room > 0:
        _second_ring(drawing, pool, catalog, labels, ox.NamedNode(this.iri), room)
    return drawing


def _second_ring(
    drawing: Drawing, pool: Runs, catalog: Catalog, labels: Labels, this: ox.NamedNode, room: int
) -> None:
    rows = select(pool, named("entity-second-hop"), {"this": this})
    links = [
        (str(row["s"].value), str(row["p"].value), str(row["o"].value))
        for row in rows
        if row["s"] is not None and row["p"] is not None and row["o"] is not None
    ]
    degree: dict[str, int] = {}
    for subject, _, value in links:
        for end in (subject, value):
            if end not in drawing.nodes:
                degree[end] = degree.get(end, 0) + 1
    chosen = sorted(degree, key=lambda iri: (-degree[iri], iri))[:room]
    named_ = labels.of([*chosen, *(p for _, p, _ in links)])
    found = kinds(catalog, chosen)
    for iri in chosen:
        drawing.add(_node(named_[iri], found, ""), 2)
    for subject, prop, value in links:
        drawing.link(subject, value, named_[prop].text)


def _node(named_: Named, found: dict[str, str], kind_name: str) -> Node:
    kind = found.get(named_.iri, "sources" if "/source/" in named_.iri else "other")
    title = f"{named_.text} ({kind_name})" if kind_name else named_.text
    return Node(named_.iri, named_.text, named_.href, kind, title)


def _link(drawing: Drawing, group: Group, this: str, other: str) -> None:
    if group.direction == "out":
        drawing.link(this, other, group.predicate.text)
    else:
        drawing.link(other, this, group.predicate.text)
