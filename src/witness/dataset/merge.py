"""The default graph: the merge of the named graphs, each fact once, stored at build time.

DESIGN.md (Provenance) makes the default graph of a query the merge of all source graphs,
each fact once: a fact two documents state is one row without ``GRAPH``, two with
``GRAPH ?g``. SPARQL 1.1 Query (section 13.1) leaves the default graph to the service, and
the Service Description's ``sd:UnionDefaultGraph`` names this very choice, the RDF merge of
the named graphs. Oxigraph can only offer it as a view (``use_default_graph_as_union``),
which matches a triple once per graph that holds it (a bag, not a merge; oxigraph issue
#1919) and evaluates aggregates about 1.6 times slower than over a stored default graph.
So a build writes every statement twice: into the named graph of its document and into the
default graph, where the store keeps each triple once. The default graph is therefore
derived data: dumps, statistics and descriptions read the named graphs, and count the
default graph only where they state the number of distinct facts.

Both copies come from one parse, so that a blank node is the same node in its named graph
and in the default graph (a second parse, or pyoxigraph's bulk loader, would mint new ones).

>>> quad = ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal("o"),
...                ox.NamedNode("http://g"))
>>> [str(q.graph_name) for q in merged([quad])]
['<http://g>', 'DEFAULT']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from witness.queries import named

LAYOUT = 2
"""The layout of a build's database: 2 holds the merge as its default graph, 1 (builds
made before it, whose manifests have no layout) held named graphs only."""


def merged(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad of a named graph, followed by its triple in the default graph."""
    for quad in quads:
        yield quad
        yield ox.Quad(quad.subject, quad.predicate, quad.object)


def facts(store: ox.Store) -> int:
    """The triples of the default graph: the distinct facts of the dataset."""
    solutions = store.query(named("default-graph-size"))
    assert isinstance(solutions, ox.QuerySolutions)
    count = next(iter(solutions))["triples"]
    assert isinstance(count, ox.Literal)
    return int(count.value)


def statements(store: ox.Store) -> int:
    """The quads of the named graphs: each fact once per document that states it (as the
    N-Quads dump has them)."""
    return len(store) - facts(store)
