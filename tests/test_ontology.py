"""The Witness ontology: every term used is declared, documented and linked to a known vocabulary,
and the ``WIT`` namespace in code lists exactly the ontology's terms."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from witness.namespaces import SCHEMA, WIT

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_IRI = URIRef("https://w3id.org/witness/ontology")
WIT_NS = str(WIT._NS)

# Where a term of ours may be anchored: schema.org, Dublin Core, PROV-O or Wikidata.
ANCHORS = (str(SCHEMA), str(DCTERMS), str(PROV), "http://www.wikidata.org/")
LINKS = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch, SKOS.relatedMatch)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def turtle(*paths: Path) -> Graph:
    """The union of Turtle files (read as text: rdflib leaves files it opens itself unclosed)."""
    graph = Graph()
    for path in paths:
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return graph


def ontology() -> Graph:
    return turtle(ROOT / "ontology" / "witness.ttl")


def declared_terms() -> set[URIRef]:
    graph = ontology()
    return {
        s
        for kind in KINDS
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(WIT_NS)
    }


def quads(path: Path) -> list[ox.Quad]:
    kind = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    return list(ox.parse(path=path, format=kind))


def terms_used_in(paths: list[Path]) -> set[URIRef]:
    return {
        URIRef(term.value)
        for path in paths
        for quad in quads(path)
        for term in (quad.subject, quad.predicate, quad.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(WIT_NS)
    }


TERMS = sorted(declared_terms())
PROPERTIES = [t for t in TERMS if (t, RDF.type, OWL.Class) not in ontology()]


def test_ontology_header() -> None:
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(
        "https://w3id.org/witness/ontology/0.1.0"
    )
    for prop in (OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert graph.value(ONTOLOGY_IRI, prop) is not None, f"the ontology lacks {prop}"


def test_every_wit_term_the_data_and_shapes_use_is_declared() -> None:
    files = sorted((ROOT / "data").glob("*.trig")) + sorted((ROOT / "shapes").glob("*.ttl"))
    undeclared = terms_used_in(files) - set(TERMS)
    assert not undeclared, f"used but not declared in ontology/witness.ttl: {sorted(undeclared)}"


def test_every_declared_term_is_used() -> None:
    """Every term is used in data/, or (the annotations for people) on the vocabularies."""
    files = [*sorted((ROOT / "data").glob("*.trig")), ROOT / "ontology" / "vocabularies.ttl"]
    unused = set(TERMS) - terms_used_in(files)
    assert not unused, f"declared but never used in data/: {sorted(unused)}"


@pytest.mark.parametrize("term", TERMS, ids=[t.split("#")[-1] for t in TERMS])
def test_term_is_documented_and_linked(term: URIRef) -> None:
    graph = ontology()
    for annotation in (RDFS.label, RDFS.comment):
        values = list(graph.objects(term, annotation))
        assert any(isinstance(v, Literal) and v.language == "en" for v in values), (
            f"{term} needs an English {annotation}"
        )
    assert graph.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI
    anchors = [o for link in LINKS for o in graph.objects(term, link) if str(o).startswith(ANCHORS)]
    assert anchors, f"{term} is not linked to schema.org, Dublin Core, PROV-O or Wikidata"


@pytest.mark.parametrize("term", PROPERTIES, ids=[t.split("#")[-1] for t in PROPERTIES])
def test_property_has_domain_and_range(term: URIRef) -> None:
    graph = ontology()
    assert graph.value(term, RDFS.domain) or graph.value(term, SCHEMA.domainIncludes)
    assert graph.value(term, RDFS.range) or graph.value(term, SCHEMA.rangeIncludes)


def test_classes_specialise_schema_org() -> None:
    graph = ontology()
    for cls in graph.subjects(RDF.type, OWL.Class):
        parents = [str(p) for p in graph.objects(cls, RDFS.subClassOf)]
        assert any(p.startswith(str(SCHEMA)) for p in parents), f"{cls} is no schema.org subclass"


def test_namespace_in_code_lists_exactly_the_ontology_terms() -> None:
    in_code = {name for name in WIT.__annotations__ if not name.startswith("_")}
    in_ontology = {str(term)[len(WIT_NS) :] for term in TERMS}
    assert in_code == in_ontology


def test_every_class_the_data_uses_is_declared() -> None:
    vocabularies = turtle(*sorted((ROOT / "ontology").glob("*.ttl")))
    declared = set(vocabularies.subjects(RDF.type, RDFS.Class)) | set(
        vocabularies.subjects(RDF.type, OWL.Class)
    )
    for path in sorted((ROOT / "data").glob("*.trig")):
        for quad in quads(path):
            if quad.predicate.value == str(RDF.type) and isinstance(quad.object, ox.NamedNode):
                cls = URIRef(quad.object.value)
                assert cls in declared, f"{path.name} uses the undeclared class {cls}"
