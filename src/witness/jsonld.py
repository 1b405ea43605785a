"""JSON-LD of ours: the published context, and a streaming writer that uses it.

pyoxigraph writes expanded JSON-LD (full IRIs everywhere); people and tools reading our JSON-LD
are better served by compact IRIs (``schema:name``, ``id:vivos``). The context
(:func:`context`) declares the prefixes Witness uses (JSON-LD 1.1, section 4.1.5, compact
IRIs); it is published at ``/context.jsonld`` and embedded in every JSON-LD document we
write, so that a document stands alone. The writer needs quads grouped by graph then subject
(the order a store gives when read one graph at a time) and holds one subject at a time,
so a dump of any size streams in constant memory.

>>> import io
>>> out = io.StringIO()
>>> quads = [ox.Quad(ox.NamedNode("https://w3id.org/witness/id/vivos"),
...     ox.NamedNode("http://schema.org/name"), ox.Literal("Vivos", language="en"),
...     ox.NamedNode("https://w3id.org/witness/graph/g"))]
>>> write(quads, out, {"schema": "http://schema.org/", "id": "https://w3id.org/witness/id/"})
>>> json.loads(out.getvalue())["@graph"][0]["@graph"][0]["schema:name"]
[{'@value': 'Vivos', '@language': 'en'}]
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph


def context(prefixes: dict[str, str]) -> dict[str, Any]:
    """The JSON-LD context for ``prefixes`` (each a compact-IRI prefix, JSON-LD 1.1 4.1.5)."""
    return {"@version": 1.1, **{p: {"@id": iri, "@prefix": True} for p, iri in prefixes.items()}}


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(best) and len(iri) > len(namespace):
            best = namespace
            chosen = prefix
    return f"{chosen}:{iri[len(best) :]}" if best else iri


def _node_id(term: Term, prefixes: dict[str, str]) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    assert isinstance(term, ox.NamedNode), f"not a node: {term}"
    return _compact(term.value, prefixes)


def _value(term: Term, prefixes: dict[str, str]) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": _compact(term.datatype.value, prefixes)}
    return {"@id": _node_id(term, prefixes)}


def _node(subject: Term, quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _node_id(subject, prefixes)}
    for quad in quads:
        if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            node.setdefault("@type", []).append(_compact(quad.object.value, prefixes))
        else:
            key = _compact(quad.predicate.value, prefixes)
            node.setdefault(key, []).append(_value(quad.object, prefixes))
    return node


def write(quads: Iterable[ox.Quad], out: IO[str], prefixes: dict[str, str]) -> None:
    """Write ``quads`` (grouped by graph, then subject) as one JSON-LD document to ``out``.

    Named graphs become graph objects (``{"@id": g, "@graph": [...]}``, JSON-LD 1.1 4.9);
    triples of the default graph are top-level nodes.
    """
    out.write('{"@context": ' + json.dumps(context(prefixes)) + ', "@graph": [')
    first_graph = True
    for graph, in_graph in groupby(quads, key=lambda q: q.graph_name):
        nodes = (
            _node(subject, group, prefixes)
            for subject, group in groupby(in_graph, key=lambda q: q.subject)
        )
        named = not isinstance(graph, ox.DefaultGraph)
        if not first_graph:
            out.write(",")
        first_graph = False
        if named:
            out.write('\n{"@id": ' + json.dumps(_node_id(graph, prefixes)) + ', "@graph": [')
        first = True
        for node in nodes:
            out.write(("\n" if first else ",\n") + json.dumps(node, ensure_ascii=False))
            first = False
        if named:
            out.write("]}")
    out.write("\n]}\n")
