"""What the HTML pages about resources show, read off their descriptions (no Flask here).

A resource's page (``entity.html``) gives its label and types, then every statement about it
and every statement pointing at it, grouped by property, each value linked (IRIs under the
base to this server's pages, others to themselves) and each statement with the source
documents that state it (DESIGN.md, Provenance: "on every page"). It embeds the resource's
schema.org data as JSON-LD (:func:`schema_org`), the way search engines read it.
The ontology's page (``ontology.html``) documents every class and property of ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from witness.iris import Iris, compact
from witness.iris import href as iri_href
from witness.publish.labels import LABELS, best

SCHEMA = "http://schema.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = RDF + "langString"
TYPE = RDF + "type"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph


@dataclass(frozen=True)
class Link:
    """A resource as shown: its text, where it leads, and its full IRI ("" for a blank node)."""

    text: str
    href: str
    iri: str


@dataclass(frozen=True)
class Value:
    """A value of a statement and the source documents that state it (none: computed)."""

    text: str
    link: Link | None
    language: str
    datatype: str
    sources: tuple[Link, ...]


@dataclass(frozen=True)
class Group:
    """The values of one property, in or out."""

    property: Link
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Page:
    iri: str
    label: str
    types: tuple[Link, ...]
    outgoing: tuple[Group, ...]
    incoming: tuple[Group, ...]
    schema_org: str
    """The resource's schema.org data as JSON-LD, ready to go inside a ``<script>`` element."""


class _Reader:
    """Labels, links and sources for the terms of one description."""

    def __init__(self, quads: list[ox.Quad], iris: Iris) -> None:
        self.iris = iris
        self.prefixes = iris.prefixes()
        names: dict[Term, list[tuple[int, ox.Literal]]] = {}
        self.derived: dict[Term, list[Term]] = {}
        for quad in quads:
            predicate = quad.predicate.value
            if predicate in LABELS and isinstance(quad.object, ox.Literal):
                names.setdefault(quad.subject, []).append((LABELS.index(predicate), quad.object))
            elif predicate == DERIVED_FROM:
                self.derived.setdefault(quad.subject, []).append(quad.object)
        self.labels = {node: best(found) for node, found in names.items()}

    def name(self, term: Term) -> str:
        """The label of ``term``, else its compact IRI."""
        if term in self.labels:
            return self.labels[term]
        if isinstance(term, ox.NamedNode):
            return compact(term.value, self.prefixes).strip("<>")
        return str(term)

    def link(self, term: Term, text: str | None = None) -> Link:
        if isinstance(term, ox.NamedNode):
            href = iri_href(term.value, self.iris.base) or ""
            return Link(text or self.name(term), href, term.value)
        return Link(text or str(term), "", "")

    def value(self, term: Term, graphs: Iterable[Term]) -> Value:
        sources = tuple(dict.fromkeys(link for graph in graphs for link in self.sources(graph)))
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = "" if datatype in (XSD_STRING, LANG_STRING) else self.name(term.datatype)
            return Value(term.value, None, term.language or "", shown, sources)
        return Value(self.name(term), self.link(term), "", "", sources)

    def sources(self, graph: Term) -> list[Link]:
        """The source documents of ``graph`` (or the graph itself when it has none)."""
        if isinstance(graph, ox.DefaultGraph):
            return []
        return [self.link(source) for source in self.derived.get(graph, [graph])]


def page(subject: ox.NamedNode, quads: list[ox.Quad], iris: Iris) -> Page:
    """The page of ``subject`` from the quads of its description."""
    reader = _Reader(quads, iris)
    out: dict[tuple[ox.NamedNode, Term], list[Term]] = {}
    into: dict[tuple[ox.NamedNode, Term], list[Term]] = {}
    for quad in quads:
        if quad.subject == subject:
            out.setdefault((quad.predicate, quad.object), []).append(quad.graph_name)
        elif quad.object == subject:
            into.setdefault((quad.predicate, quad.subject), []).append(quad.graph_name)
    types = sorted(
        (reader.link(value) for (predicate, value) in out if predicate.value == TYPE),
        key=lambda link: link.text,
    )
    return Page(
        iri=subject.value,
        label=reader.name(subject),
        types=tuple(types),
        outgoing=_groups(out, reader),
        incoming=_groups(into, reader),
        schema_org=script_json(schema_org(subject, quads)),
    )


def _groups(
    statements: dict[tuple[ox.NamedNode, Term], list[Term]], reader: _Reader
) -> tuple[Group, ...]:
    by_property: dict[ox.NamedNode, list[Value]] = {}
    for (predicate, value), graphs in statements.items():
        by_property.setdefault(predicate, []).append(reader.value(value, graphs))

    def order(predicate: ox.NamedNode) -> tuple[int, str]:
        first = {TYPE: 0, SCHEMA + "name": 1}.get(predicate.value, 2)
        return (first, reader.link(predicate, _compact(predicate, reader)).text)

    return tuple(
        Group(
            reader.link(predicate, _compact(predicate, reader)),
            tuple(sorted(values, key=lambda v: (v.text, v.language, v.datatype))),
        )
        for predicate, values in sorted(by_property.items(), key=lambda item: order(item[0]))
    )


def _compact(term: Term, reader: _Reader) -> str:
    return (
        compact(term.value, reader.prefixes).strip("<>") if isinstance(term, ox.NamedNode) else ""
    )


def schema_org(subject: ox.NamedNode, quads: list[ox.Quad]) -> dict[str, Any]:
    """The resource's schema.org data as a JSON-LD node object (JSON-LD 1.1, section 4.1).

    Its types and its statements with schema.org properties, each once; every resource it
    links to is a node with its ``schema:name``. The context only sets ``@vocab`` (no remote
    context to fetch), so that any JSON-LD processor reads it as the very same triples.
    """
    node: dict[str, Any] = {"@context": {"@vocab": SCHEMA}, "@id": subject.value}
    seen: set[tuple[Term, Term]] = set()
    for quad in quads:
        predicate, value = quad.predicate.value, quad.object
        if quad.subject != subject or (quad.predicate, value) in seen:
            continue
        seen.add((quad.predicate, value))
        if predicate == TYPE and isinstance(value, ox.NamedNode):
            node.setdefault("@type", []).append(value.value.removeprefix(SCHEMA))
        elif predicate.startswith(SCHEMA):
            key = predicate.removeprefix(SCHEMA)
            node.setdefault(key, []).append(_json_value(value, quads))
    return node


def _json_value(term: Term, quads: list[ox.Quad]) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": term.datatype.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    assert isinstance(term, ox.NamedNode), "RDF-star is not used"
    names = [
        _json_value(quad.object, [])
        for quad in quads
        if quad.subject == term and quad.predicate.value == SCHEMA + "name"
    ]
    found: dict[str, Any] = {"@id": term.value}
    unique = list({json.dumps(name, sort_keys=True): name for name in names}.values())
    return found | {"name": unique} if unique else found


def script_json(data: object) -> str:
    """``data`` as JSON that can sit inside a ``<script>`` element as it is.

    The HTML standard (section 4.12.1.3, restrictions for contents of script elements) ends
    the element at ``</script`` and lets ``<!--`` change how it is read, whatever the type;
    escaping ``<``, ``>`` and ``&`` as ``\\u003c``... (and the line separators U+2028, U+2029)
    rules both out. They can only occur inside JSON strings, where the escapes mean the same
    characters, so the JSON-LD read back is the very same data.

    >>> script_json({"name": "</script><b>&"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for character, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


_SCRIPT_ESCAPES = {
    "&": "\\u0026",
    "<": "\\u003c",
    ">": "\\u003e",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


# The ontology ----------------------------------------------------------------------------------


KINDS = {
    OWL + "Class": "Class",
    RDFS + "Class": "Class",
    OWL + "ObjectProperty": "Object property",
    OWL + "DatatypeProperty": "Datatype property",
    OWL + "AnnotationProperty": "Annotation property",
    RDF + "Property": "Property",
}

FACTS = (
    ("Subclass of", RDFS + "subClassOf"),
    ("Subproperty of", RDFS + "subPropertyOf"),
    ("Domain", RDFS + "domain"),
    ("Domain includes", SCHEMA + "domainIncludes"),
    ("Range", RDFS + "range"),
    ("Range includes", SCHEMA + "rangeIncludes"),
    ("Equivalent class", OWL + "equivalentClass"),
    ("Equivalent property", OWL + "equivalentProperty"),
    ("Exact match", SKOS + "exactMatch"),
    ("Close match", SKOS + "closeMatch"),
    ("Related match", SKOS + "relatedMatch"),
    ("See also", RDFS + "seeAlso"),
)
"""What the ontology page says of a term: its place among schema.org, Dublin Core, PROV-O and
Wikidata terms, in this order."""


@dataclass(frozen=True)
class OntologyTerm:
    name: str
    """The fragment of the term's IRI: the anchor ``{base}ontology#name`` lands on."""
    iri: str
    kind: str
    label: str
    comment: str
    facts: tuple[tuple[str, tuple[Link, ...]], ...]

    @property
    def is_class(self) -> bool:
        return self.kind == "Class"


@dataclass(frozen=True)
class Ontology:
    iri: str
    title: str
    description: str
    version: str
    license: Link | None
    classes: tuple[OntologyTerm, ...]
    properties: tuple[OntologyTerm, ...]


def ontology(quads: list[ox.Quad], iris: Iris) -> Ontology:
    """The documentation of the ontology, from its graph's quads."""
    reader = _Reader(quads, iris)
    about: dict[Term, dict[str, list[Term]]] = {}
    for quad in quads:
        values = about.setdefault(quad.subject, {}).setdefault(quad.predicate.value, [])
        if quad.object not in values:
            values.append(quad.object)

    def text(subject: Term, *predicates: str) -> str:
        values = [v for p in predicates for v in about.get(subject, {}).get(p, [])]
        literals = [(0, v) for v in values if isinstance(v, ox.Literal)]
        return best(literals) if literals else ""

    terms = []
    for subject, facts in about.items():
        if not isinstance(subject, ox.NamedNode):
            continue
        if not subject.value.startswith(iris.ontology_namespace):
            continue
        types = facts.get(TYPE, [])
        kinds = [KINDS[t.value] for t in types if isinstance(t, ox.NamedNode) and t.value in KINDS]
        links = tuple(
            (title, tuple(reader.link(v, _compact(v, reader)) for v in facts[predicate]))
            for title, predicate in FACTS
            if predicate in facts
        )
        terms.append(
            OntologyTerm(
                name=subject.value.removeprefix(iris.ontology_namespace),
                iri=subject.value,
                kind=kinds[0] if kinds else "Term",
                label=text(subject, RDFS + "label"),
                comment=text(subject, RDFS + "comment"),
                facts=links,
            )
        )
    terms.sort(key=lambda term: term.name.lower())
    header = ox.NamedNode(iris.ontology)
    licenses = about.get(header, {}).get(DCTERMS + "license", [])
    return Ontology(
        iri=iris.ontology,
        title=text(header, DCTERMS + "title", RDFS + "label") or "Ontology",
        description=text(header, DCTERMS + "description", RDFS + "comment"),
        version=text(header, OWL + "versionInfo"),
        license=reader.link(licenses[0], getattr(licenses[0], "value", "")) if licenses else None,
        classes=tuple(term for term in terms if term.is_class),
        properties=tuple(term for term in terms if not term.is_class),
    )
