"""``witness stats``: how big the graph is, per named graph and per class."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from witness.dataset.merge import facts
from witness.queries import named


@dataclass(frozen=True)
class GraphSize:
    graph: str
    triples: int
    source: str | None


@dataclass(frozen=True)
class Stats:
    """Counts of one store."""

    quads: int
    facts: int
    graphs: list[GraphSize]
    classes: list[tuple[str, int]]


def stats(store: ox.Store) -> Stats:
    """Count the statements of ``store``: in all (each fact once per graph that states it),
    the distinct facts (the default graph), per named graph, and resources per class."""
    graphs = [
        GraphSize(
            graph=_value(row["graph"]),
            triples=int(_value(row["triples"])),
            source=_value(row["source"]) if row["source"] is not None else None,
        )
        for row in _select(store, named("graph-sizes"))
    ]
    classes = [
        (_value(row["class"]), int(_value(row["resources"])))
        for row in _select(store, named("class-sizes"))
    ]
    distinct = facts(store)
    return Stats(quads=len(store) - distinct, facts=distinct, graphs=graphs, classes=classes)


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _value(term: object) -> str:
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
    return term.value
