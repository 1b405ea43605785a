"""Statements and the documents that state them, written as one RDF document in any syntax.

A description (:mod:`witness.publish.describe`) is a SELECT whose rows are quads, ``?s ?p ?o ?g``
(``?g`` unbound for what the server computes, such as a graph's size: those go in the default
graph), with ``?this``, the resource described, bound in every row. The query worker turns the
rows into a document with the provenance of every statement (DESIGN.md, Provenance):

* **TriG and N-Quads** keep named graphs. Each statement sits in the named graph of every
  source document that states it, and for each of those graphs the document adds the metadata
  the store holds: ``?g prov:wasDerivedFrom ?source`` and the source's ``dcterms:title``, in
  the metadata graph that states them.
* **Turtle, N-Triples, RDF/XML and JSON-LD** hold one graph (JSON-LD could hold named graphs
  as graph objects, JSON-LD 1.1 section 4.9, but most consumers of a description, rdflib's
  ``Graph.parse`` and schema.org readers among them, read only its default graph, and would
  find nothing). They get each statement once and, for
  every statement about or pointing at ``?this`` and every named graph derived from a source
  that holds it, one node of RDF's reification vocabulary (RDF 1.1 Semantics, appendix D;
  RDF Schema 1.1, section 5.3) saying which source states it, plus the metadata triples of
  those graphs (derivation, source titles)::

      [] a rdf:Statement ;
         rdf:subject id:the-rest ; rdf:predicate schema:director ; rdf:object id:ai-weiwei ;
         prov:wasDerivedFrom source:cmu-news-the-rest .
      source:cmu-news-the-rest dcterms:title "Weiwei Continues Focus on Refugees..."@en .

  Labels and types of neighbours are not reified: they are there to name the neighbours, whose
  own descriptions give their sources. A document without ``?this`` (the ontology) reifies
  nothing and carries the metadata of all its graphs: their derivation says where all of it
  comes from.

Only pyoxigraph and the JSON-LD writer are imported, so query workers start fast.

>>> store = ox.Store()
>>> g, src = ox.NamedNode("https://w3id.org/witness/graph/g"), ox.NamedNode("http://s/1")
>>> store.add(ox.Quad(g, DERIVED_FROM, src, ox.NamedNode("https://w3id.org/witness/graph/m")))
>>> this = ox.NamedNode("https://w3id.org/witness/id/x")
>>> name = ox.NamedNode("http://schema.org/name")
>>> found = collect([(this, name, ox.Literal("X"), g, this)], Sources(Local(store)))
>>> [str(quad.predicate) for quad in found.dataset()]
['<http://schema.org/name>', '<http://www.w3.org/ns/prov#wasDerivedFrom>']
>>> len(found.reified())  # the statement, the metadata triple, five for the statement node
7
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Protocol, cast

import pyoxigraph as ox

from witness import jsonld
from witness.formats import GraphFormat

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = ox.NamedNode(RDF + "type")
STATEMENT = ox.NamedNode(RDF + "Statement")
SUBJECT = ox.NamedNode(RDF + "subject")
PREDICATE = ox.NamedNode(RDF + "predicate")
OBJECT = ox.NamedNode(RDF + "object")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

PREFIXED = ("turtle", "trig", "rdfxml")
"""Syntaxes that declare prefixes (N-Triples and N-Quads spell every IRI out)."""

Node = ox.NamedNode | ox.BlankNode
DEFAULT_GRAPH = ox.DefaultGraph()
Graph = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


Row = Iterable[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
"""A solution of a description's SELECT (a ``QuerySolution``): ``?s ?p ?o ?g ?this``, in order."""


class Derivations(Protocol):
    """Where :class:`Sources` reads the metadata of graphs: the embedded store
    (:class:`Local`) or a remote one (:mod:`witness.sparql.remote`)."""

    def derivations(self, graphs: Sequence[ox.NamedNode], /) -> Iterator[ox.Quad]:
        """For each of ``graphs``, the quads ``?g prov:wasDerivedFrom ?source`` in every named
        graph that states one, and each source's ``dcterms:title`` in that same graph."""
        ...


class Local:
    """The metadata of graphs in pyoxigraph's store, read from its indexes graph by graph
    (microseconds each: no query to plan)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def derivations(self, graphs: Sequence[ox.NamedNode], /) -> Iterator[ox.Quad]:
        for graph in graphs:
            for link in self.store.quads_for_pattern(graph, DERIVED_FROM, None, None):
                if isinstance(link.graph_name, ox.DefaultGraph):
                    continue  # read from named graphs only, as from a remote engine
                yield link
                if isinstance(link.object, Node):
                    yield from self.store.quads_for_pattern(
                        link.object, TITLE, None, link.graph_name
                    )


class Sources:
    """The source documents of a store's named graphs, and the metadata quads that say so.

    The graphs of a description are looked up together (one or two requests to a remote
    engine, however many graphs: a film's neighbour may be named in a thousand documents)
    and remembered: a worker keeps one of these for the build it has open, and a build never
    changes. At most :data:`REMEMBERED` graphs are remembered at a time.
    """

    def __init__(self, store: Derivations) -> None:
        self.store = store
        self._known: dict[Graph, tuple[list[Node], list[ox.Quad]]] = {}

    def learn(self, graphs: Iterable[Graph]) -> None:
        """Look up those of ``graphs`` not yet known, all at once."""
        unknown = [g for g in dict.fromkeys(graphs) if g not in self._known]
        if len(self._known) + len(unknown) > REMEMBERED:
            self._known.clear()
        links: dict[Graph, list[tuple[Node, ox.Quad]]] = {graph: [] for graph in unknown}
        titles: dict[tuple[Node, Graph], list[ox.Quad]] = {}
        named = [g for g in unknown if isinstance(g, ox.NamedNode)]
        for quad in self.store.derivations(named) if named else ():
            subject, value = quad.subject, quad.object
            if quad.predicate == DERIVED_FROM and isinstance(subject, ox.NamedNode):
                if isinstance(value, Node) and subject in links:  # a literal is no document
                    links[subject].append((value, quad))
            elif quad.predicate == TITLE and isinstance(subject, Node):
                titles.setdefault((subject, quad.graph_name), []).append(quad)
        for graph, stated in links.items():
            stated.sort(key=lambda found: (str(found[0]), str(found[1].graph_name)))
            metadata: dict[ox.Quad, None] = {}
            for source, link in stated:
                metadata[link] = None
                metadata.update(dict.fromkeys(titles.get((source, link.graph_name), [])))
            sources = list(dict.fromkeys(source for source, _ in stated))
            self._known[graph] = (sources, list(metadata))

    def of(self, graph: Graph) -> tuple[list[Node], list[ox.Quad]]:
        """The sources of ``graph`` and the metadata quads (derivations, titles)."""
        if graph not in self._known:
            self.learn([graph])
        return self._known[graph]


REMEMBERED = 100_000
"""Most graphs whose sources a :class:`Sources` keeps in memory."""


@dataclass
class Statements:
    """The statements of a description (deduplicated) and the metadata of their graphs.

    ``sources`` maps each named graph to the source documents it is derived from, and
    ``metadata`` to the quads that say so and give those sources' titles.
    """

    this: ox.NamedNode | None
    quads: list[ox.Quad] = field(default_factory=list)
    sources: dict[Graph, list[Node]] = field(default_factory=dict)
    metadata: dict[Graph, list[ox.Quad]] = field(default_factory=dict)

    def dataset(self) -> list[ox.Quad]:
        """Every quad, graph by graph (as TriG and JSON-LD group them), each once."""
        metadata = (quad for quads in self.metadata.values() for quad in quads)
        quads = dict.fromkeys([*self.quads, *metadata])
        return sorted(quads, key=lambda quad: (_graph(quad), *_order(quad, self.this)))

    def reified(self) -> list[ox.Triple]:
        """The triples for a one-graph syntax: the statements, a reification node per statement
        about or pointing at the resource and graph that holds it, and the metadata of those
        graphs (not of the graphs that only hold neighbours' labels: nothing names them here)."""
        this = self.this
        ordered = sorted(self.quads, key=lambda quad: _order(quad, this))
        triples = dict.fromkeys(quad.triple for quad in ordered)
        nodes: list[ox.Triple] = []
        graphs: dict[Graph, None] = {}
        count = 0
        for quad in ordered:
            sources = self.sources.get(quad.graph_name, [])
            if this is None or not sources or this not in (quad.subject, quad.object):
                continue
            graphs[quad.graph_name] = None
            count += 1
            node = ox.BlankNode(f"statement{count}")
            nodes += [
                ox.Triple(node, RDF_TYPE, STATEMENT),
                ox.Triple(node, SUBJECT, quad.subject),
                ox.Triple(node, PREDICATE, quad.predicate),
                ox.Triple(node, OBJECT, quad.object),
            ]
            nodes += [ox.Triple(node, DERIVED_FROM, source) for source in sources]
        named = self.metadata if this is None else graphs
        metadata = sorted(
            (quad for graph in named for quad in self.metadata[graph]),
            key=lambda quad: _order(quad, None),
        )
        triples.update(dict.fromkeys(quad.triple for quad in metadata))
        triples.update(dict.fromkeys(nodes))
        return list(triples)


def collect(rows: Iterable[Row], sources: Sources) -> Statements:
    """The quads of ``rows`` (variables ``s p o g this``) and the metadata of their graphs."""
    this: ox.NamedNode | None = None
    found: dict[ox.Quad, None] = {}
    for subject, predicate, value, graph, about, *_ in rows:
        quad = ox.Quad(
            cast(Node, subject),
            cast(ox.NamedNode, predicate),
            cast(ox.NamedNode | ox.BlankNode | ox.Literal, value),
            cast(Node, graph) if graph is not None else DEFAULT_GRAPH,
        )
        found[quad] = None
        this = this or cast(ox.NamedNode | None, about)
    statements = Statements(this, list(found))
    graphs = list(dict.fromkeys(quad.graph_name for quad in found))
    sources.learn(graphs)
    for name in graphs:
        statements.sources[name], statements.metadata[name] = sources.of(name)
    return statements


def _graph(quad: ox.Quad) -> str:
    return "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value


def _order(quad: ox.Quad, this: ox.NamedNode | None) -> tuple[bool, str, str]:
    """The resource's own statements first, then subject by subject (an IRI before the
    longer ones it starts: the ontology before its terms), then property by property."""
    subject = quad.subject
    key = str(subject) if isinstance(subject, ox.Triple) else subject.value
    return (subject != this, key, quad.predicate.value)


def write(
    statements: Statements, out: IO[bytes], fmt: GraphFormat, prefixes: dict[str, str]
) -> None:
    """Write ``statements`` to ``out`` in ``fmt``, named graphs or reification as it allows.

    JSON-LD is the one-graph form (as Turtle), every node at the top level of its ``@graph``
    with the described resource first, compacted with our published context.
    """
    if fmt.name == "jsonld":
        text = io.StringIO()
        triples = statements.reified()
        first: dict[object, int] = {}
        for triple in triples:
            first.setdefault(triple.subject, len(first))
        ordered = sorted(triples, key=lambda triple: first[triple.subject])
        quads = (ox.Quad(t.subject, t.predicate, t.object, DEFAULT_GRAPH) for t in ordered)
        jsonld.write(quads, text, prefixes)
        out.write(text.getvalue().encode("utf-8"))
        return
    document: list[ox.Quad] | list[ox.Triple]
    document = statements.dataset() if fmt.holds_datasets else statements.reified()
    declared = _used(prefixes, document) if fmt.name in PREFIXED else None
    ox.serialize(document, out, fmt.syntax, prefixes=declared or None)


def _used(prefixes: dict[str, str], document: list[ox.Quad] | list[ox.Triple]) -> dict[str, str]:
    """The prefixes that some IRI of ``document`` starts with, so none is declared in vain."""
    iris = {
        term.value
        for statement in document
        for term in (statement.subject, statement.predicate, statement.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {
        quad.graph_name.value
        for quad in document
        if isinstance(quad, ox.Quad) and isinstance(quad.graph_name, ox.NamedNode)
    }
    iris |= {
        term.datatype.value
        for statement in document
        if isinstance(term := statement.object, ox.Literal)
    }
    # An IRI starts with a namespace (which ends with "/" or "#") if and only if its part up to
    # its last "/" or "#" does: the few distinct parts are quicker to check than every IRI.
    stems = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    return {p: ns for p, ns in prefixes.items() if any(stem.startswith(ns) for stem in stems)}
