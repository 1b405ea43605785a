"""The SPARQL 1.1 Service Description of the endpoint (W3C SPARQL 1.1 Service Description).

Returned for a request to the endpoint with no query (section 2): the endpoint itself
(``sd:endpoint``, matching the URL it was fetched from), the language, the result formats,
the union default graph (``sd:UnionDefaultGraph``: the default graph is the RDF merge of the
named graphs, each fact once, stored by every build, :mod:`witness.dataset.merge`), and the
dataset: the default graph with its size, and each named graph with its size and the source
document it is derived from, so that a client can see the dataset's shape and where every
statement comes from before it sends a query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import pyoxigraph as ox

from witness.formats import GRAPHS, RESULTS

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {
    "sd": SD,
    "void": "http://rdfs.org/ns/void#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "formats": "http://www.w3.org/ns/formats/",
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(
    endpoint: str, default_size: int, graphs: Iterable[Mapping[str, Term | None]]
) -> Iterator[ox.Triple]:
    """The description of the service at ``endpoint``, whose default graph holds
    ``default_size`` triples and whose named graphs are ``graphs``.

    Each row of ``graphs`` has ``graph``, ``triples`` and optionally ``source``, ``title``
    (the bindings of ``queries/named-graphs.rq``).
    """
    service = ox.NamedNode(endpoint)
    yield ox.Triple(service, RDF_TYPE, _sd("Service"))
    yield ox.Triple(service, _sd("endpoint"), service)
    yield ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query"))
    yield ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph"))
    yield ox.Triple(
        service,
        _sd("defaultEntailmentRegime"),
        ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
    )
    for fmt in (*RESULTS.values(), *GRAPHS.values()):
        yield ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.iri))
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    yield ox.Triple(service, _sd("defaultDataset"), dataset)
    yield ox.Triple(dataset, RDF_TYPE, _sd("Dataset"))
    yield ox.Triple(dataset, _sd("defaultGraph"), default)
    yield ox.Triple(default, RDF_TYPE, _sd("Graph"))
    yield ox.Triple(default, VOID_TRIPLES, ox.Literal(str(default_size), datatype=INTEGER))
    for index, row in enumerate(graphs):
        name, size = row["graph"], row["triples"]
        assert isinstance(name, ox.NamedNode) and isinstance(size, ox.Literal)
        entry, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        yield ox.Triple(dataset, _sd("namedGraph"), entry)
        yield ox.Triple(entry, RDF_TYPE, _sd("NamedGraph"))
        yield ox.Triple(entry, _sd("name"), name)
        yield ox.Triple(entry, _sd("graph"), graph)
        yield ox.Triple(graph, RDF_TYPE, _sd("Graph"))
        yield ox.Triple(graph, VOID_TRIPLES, size)
        source, title = row.get("source"), row.get("title")
        if isinstance(source, ox.NamedNode):
            yield ox.Triple(graph, DERIVED_FROM, source)
            if isinstance(title, ox.Literal):
                yield ox.Triple(source, TITLE, title)
