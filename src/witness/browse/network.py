"""Who sits at the centre? Centrality and communities of the graph projection, computed once
per build and kept beside it (a deriver of :mod:`witness.dataset.derived`), so that
``/network`` reads a small file instead of analysing a million statements per request.

Over the whole projection (:mod:`witness.browse.projection`, hubs included: they are
central), with networkx:

* **degree**: how many other entities an entity is linked to;
* **betweenness** (Brandes' algorithm, ``betweenness_centrality``): each source entity costs
  a walk of the whole graph, so on a large graph it is estimated from as many sources,
  drawn with the fixed seed :data:`SEED`, as :data:`WALKS` entity visits allow (at least
  :data:`FEWEST`; 11 at a million triples), so that every build of the same data gives the
  same figures; a graph of up to about 1,400 entities gets the exact figures;
* **PageRank** (``pagerank``, damping 0.85);
* **communities**: Louvain's method (``community.louvain_communities``, seed :data:`SEED`),
  each named by its members of highest PageRank; with the number of links between the
  largest ones, for the drawing of the community structure.

The most central :data:`TOP` entities by each measure are kept, with their labels and kinds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from witness.browse.projection import Projection, beside
from witness.dataset.derived import Live
from witness.dataset.store import StoreLocation
from witness.errors import StoreError
from witness.iris import Iris

NAME = "network-1.json"
"""The figures' file in a build's derived directory; the number changes with its layout."""

SEED = 42
WALKS = 2_000_000
"""Entity visits betweenness may spend: sources sampled times entities."""
FEWEST = 8
"""Fewest source entities betweenness is estimated from."""
TOP = 100
"""Entities kept per measure."""
COMMUNITIES = 50
"""Communities kept (the largest), each with its :data:`MEMBERS` most central members."""
MEMBERS = 10
NAMED_BY = 3
"""Members a community is named by."""
DRAWN = 12
"""Communities in the drawing of the community structure."""

MEASURES = {
    "degree": "Degree: how many entities it is linked to",
    "betweenness": "Betweenness: how many shortest paths pass through it",
    "pagerank": "PageRank: how much it is linked to by well-linked entities",
}


@dataclass(frozen=True)
class Central:
    iri: str
    label: str
    kind: str
    value: float


@dataclass(frozen=True)
class Community:
    number: int
    name: str
    size: int
    members: tuple[Central, ...]
    """Its most central members (by PageRank), best first."""


@dataclass(frozen=True)
class Network:
    """The figures of one build."""

    entities: int
    links: int
    sampled: int | None
    """Entities betweenness was estimated from (None: computed exactly)."""
    seed: int
    seconds: float
    measures: dict[str, tuple[Central, ...]]
    communities: tuple[Community, ...]
    community_count: int
    between: tuple[tuple[int, int, int], ...]
    """Links between the drawn communities: (number, number, how many)."""

    @classmethod
    def load(cls, path: Path) -> Network:
        """The figures written at ``path`` by :class:`NetworkDeriver`.

        :raises StoreError: if they cannot be read.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise StoreError(f"Cannot read the network figures {path}: {error}") from None
        return cls(
            entities=data["entities"],
            links=data["links"],
            sampled=data["sampled"],
            seed=data["seed"],
            seconds=data["seconds"],
            measures={
                name: tuple(Central(*row) for row in rows)
                for name, rows in data["measures"].items()
            },
            communities=tuple(
                Community(
                    c["number"], c["name"], c["size"], tuple(Central(*m) for m in c["members"])
                )
                for c in data["communities"]
            ),
            community_count=data["community_count"],
            between=tuple((a, b, count) for a, b, count in data["between"]),
        )


class NetworkDeriver:
    """The deriver of the network figures, for a store under ``iris``' base. It reads the
    projection made just before it in the same build if there is one, else projects the
    store itself."""

    name = NAME

    def __init__(self, iris: Iris) -> None:
        self.iris = iris

    def make(self, store: ox.Store, target: Path) -> None:
        """Write the figures of ``store``'s projection at ``target``.

        :raises OSError: if they cannot be written.
        """
        figures = analyse(beside(store, target, self.iris))
        target.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")


def analyse(projection: Projection) -> dict[str, Any]:
    """The figures of ``projection``, as the JSON document :meth:`Network.load` reads."""
    started = time.perf_counter()
    graph = projection.graph
    size = graph.number_of_nodes()
    sources = max(FEWEST, WALKS // max(size, 1))
    sampled = sources if size > sources else None
    degree = {node: float(value) for node, value in graph.degree()}
    between = nx.betweenness_centrality(graph, k=sampled, seed=SEED) if size else {}
    rank = nx.pagerank(graph) if size else {}
    communities = (
        sorted(nx.community.louvain_communities(graph, seed=SEED), key=len, reverse=True)
        if size
        else []
    )

    def central(iri: str, value: float) -> list[object]:
        data = graph.nodes[iri]
        return [iri, data["label"], data["kind"], value]

    def top(values: dict[str, float]) -> list[list[object]]:
        best = sorted(values, key=lambda iri: (-values[iri], iri))[:TOP]
        return [central(iri, values[iri]) for iri in best]

    kept = []
    number_of: dict[str, int] = {}
    for number, members in enumerate(communities[:COMMUNITIES], 1):
        best = sorted(members, key=lambda iri: (-rank[iri], iri))
        for iri in members:
            number_of[iri] = number
        kept.append(
            {
                "number": number,
                "name": ", ".join(graph.nodes[iri]["label"] for iri in best[:NAMED_BY]),
                "size": len(members),
                "members": [central(iri, rank[iri]) for iri in best[:MEMBERS]],
            }
        )
    links: dict[tuple[int, int], int] = {}
    for a, b in graph.edges():
        x, y = number_of.get(a, 0), number_of.get(b, 0)
        if x != y and 0 < x <= DRAWN and 0 < y <= DRAWN:
            pair = (min(x, y), max(x, y))
            links[pair] = links.get(pair, 0) + 1
    return {
        "entities": size,
        "links": graph.number_of_edges(),
        "sampled": sampled,
        "seed": SEED,
        "seconds": round(time.perf_counter() - started, 3),
        "measures": {"degree": top(degree), "betweenness": top(between), "pagerank": top(rank)},
        "communities": kept,
        "community_count": len(communities),
        "between": [[x, y, count] for (x, y), count in sorted(links.items())],
    }


class Networks(Live[Network]):
    """The network figures of the live build, made first if the build has none."""

    def __init__(
        self, location: StoreLocation, iris: Iris, log: Callable[[str], None] = lambda _: None
    ) -> None:
        super().__init__(location, NetworkDeriver(iris), Network.load, log)
