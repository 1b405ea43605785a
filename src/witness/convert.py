"""The one boundary between rdflib and pyoxigraph terms (like oxrdflib's ``_converter``).

pyoxigraph parses, stores and queries; rdflib feeds pySHACL and serialises what pyoxigraph
cannot. No other module imports both.

>>> to_rdflib(ox.Literal("93", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
rdflib.term.Literal('93', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
>>> to_oxigraph(to_rdflib(ox.Literal("Vivos", language="en")))
<Literal value=Vivos language=en>
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: OxTerm | ox.Triple) -> Node:
    """An rdflib term for a pyoxigraph term. Quoted triples (RDF-star) are refused."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype)
    raise ValueError(f"RDF-star quoted triples are not supported: {term}")


def to_oxigraph(term: Node) -> OxTerm:
    """A pyoxigraph term for an rdflib term (IRI, blank node or literal)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term pyoxigraph can hold: {term!r}")


def triples_into(graph: Graph, quads: Iterable[ox.Quad | ox.Triple]) -> Graph:
    """Add the triples of ``quads`` (graph names dropped) to an rdflib graph and return it."""
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


RDFLIB_SYNTAX: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
"""rdflib's parser name for each RDF media type Witness serves (``witness.formats.GRAPHS``)."""
