"""What the ontology's HTML page shows, read off the ontology's graph (no Flask here), and
the one way our pages embed JSON in a ``<script>`` element (:func:`script_json`).

The ontology's page (``ontology.html``) documents every class and property of ours. The pages
of entities, sources and graphs are the browser's (:mod:`witness.browse.entity`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

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

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph


@dataclass(frozen=True)
class Link:
    """A resource as shown: its text, where it leads, and its full IRI ("" for a blank node)."""

    text: str
    href: str
    iri: str


class _Reader:
    """Labels and links for the terms of the ontology's graph."""

    def __init__(self, quads: list[ox.Quad], iris: Iris) -> None:
        self.iris = iris
        self.prefixes = iris.prefixes()
        names: dict[Term, list[tuple[int, ox.Literal]]] = {}
        for quad in quads:
            predicate = quad.predicate.value
            if predicate in LABELS and isinstance(quad.object, ox.Literal):
                names.setdefault(quad.subject, []).append((LABELS.index(predicate), quad.object))
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


def _compact(term: Term, reader: _Reader) -> str:
    return (
        compact(term.value, reader.prefixes).strip("<>") if isinstance(term, ox.NamedNode) else ""
    )


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
