"""The SHACL shapes: the bundled data conforms, and each broken example breaks exactly its rule.

Every file in ``tests/data/invalid/`` is a small self-contained dataset whose header names the
shape it violates, the focus node and (where the shape has a simple path) the result path::

    # shape: https://w3id.org/witness/shapes#Movie-director
    # focus: https://w3id.org/witness/id/film
    # path: http://schema.org/director
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, DefinedNamespace

from witness.dataset.validation import Report, shapes_graph, validate
from witness.namespaces import SCHEMA, SD

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
DATA = ROOT / "data"
SHAPES = ROOT / "shapes"
INVALID = Path(__file__).parent / "data" / "invalid"
EXAMPLES = sorted(INVALID.glob("*.trig"))

HEADER = re.compile(r"^# (shape|focus|path): (\S+)$", re.MULTILINE)


def expected(example: Path) -> dict[str, str]:
    """The shape, focus node and path an invalid example declares in its header."""
    found = dict(HEADER.findall(example.read_text(encoding="utf-8")))
    assert {"shape", "focus"} <= found.keys(), f"{example.name} lacks a '# shape:' or '# focus:'"
    return found


def explain(report: Report) -> str:
    return "\n".join(
        f"- {r.focus} {r.path or ''} [{r.source_shape}]: {r.message}" for r in report.results
    )


def turtle(*paths: Path) -> Graph:
    """The union of Turtle files (read as text: rdflib leaves files it opens itself unclosed)."""
    graph = Graph()
    for path in paths:
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return graph


def ontology_graph() -> Graph:
    return turtle(*sorted(ONTOLOGY.glob("*.ttl")))


def classes_the_data_uses() -> set[URIRef]:
    """Every class a data file gives as an ``rdf:type``, in any graph."""
    return {
        URIRef(quad.object.value)
        for path in sorted(DATA.glob("*.trig"))
        for quad in ox.parse(path=path, format=ox.RdfFormat.TRIG)
        if quad.predicate.value == str(RDF.type) and isinstance(quad.object, ox.NamedNode)
    }


def test_bundled_data_conforms() -> None:
    report = validate(ONTOLOGY, DATA, SHAPES)
    assert report.conforms, "the bundled data does not conform:\n" + explain(report)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_invalid_example_breaks_exactly_its_constraint(example: Path, data_dir: Path) -> None:
    want = expected(example)
    shutil.copy(example, data_dir)

    report = validate(ONTOLOGY, data_dir, SHAPES)

    assert not report.conforms, f"{example.name} conforms but should not"
    assert {r.source_shape for r in report.results} == {want["shape"]}, explain(report)
    at_focus = [r for r in report.results if r.focus == want["focus"]]
    assert at_focus, f"no result for {want['focus']}:\n{explain(report)}"
    if "path" in want:
        assert any(r.path == want["path"] for r in at_focus), explain(report)
    assert all(r.message for r in report.results), "every result needs a message"


def constraint_shapes(shapes: Graph) -> set[str]:
    """The shapes that carry constraints: property shapes, and node shapes with SPARQL."""
    found = {str(s) for s in shapes.subjects(SH.path, None) if isinstance(s, URIRef)}
    found |= {str(s) for s in shapes.subjects(SH.sparql, None) if isinstance(s, URIRef)}
    return found


def test_every_constraint_has_a_broken_example() -> None:
    covered = {expected(example)["shape"] for example in EXAMPLES}
    assert constraint_shapes(shapes_graph(SHAPES)) - covered == set()


def test_every_shape_has_a_message() -> None:
    shapes = shapes_graph(SHAPES)
    for shape in constraint_shapes(shapes):
        node = URIRef(shape)
        messages = list(shapes.objects(node, SH.message))
        messages += [
            m for c in shapes.objects(node, SH.sparql) for m in shapes.objects(c, SH.message)
        ]
        assert messages, f"{shape} has no sh:message"


def test_every_class_the_data_uses_is_targeted_by_a_shape() -> None:
    targeted = set(shapes_graph(SHAPES).objects(None, SH.targetClass))
    ontology = ontology_graph()
    for cls in classes_the_data_uses():
        lineage = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        assert lineage & targeted, f"no shape targets {cls} or any of its superclasses"


# The vocabularies the declarations may come from, with the namespace rdflib knows them by.
# rdflib's SDO is schema.org's https namespace: terms are compared by local name.
KNOWN: dict[str, tuple[str, type[DefinedNamespace] | frozenset[str]]] = {
    str(SCHEMA): ("https://schema.org/", SDO),
    str(DCTERMS): (str(DCTERMS), DCTERMS),
    str(PROV): (str(PROV), PROV),
    str(SKOS): (str(SKOS), SKOS),
    str(RDF): (str(RDF), RDF),
    str(RDFS): (str(RDFS), RDFS),
    str(OWL): (str(OWL), OWL),
    # rdflib has no DefinedNamespace for SPARQL 1.1 Service Description (W3C Recommendation,
    # section 3: classes); these are the terms of it that exist and that Witness may use.
    str(SD): (str(SD), frozenset({"Service", "Dataset", "Graph", "NamedGraph", "GraphCollection"})),
}


def test_every_declared_vocabulary_term_exists() -> None:
    declarations = turtle(ONTOLOGY / "vocabularies.ttl")
    subjects = {s for s in declarations.subjects() if isinstance(s, URIRef)}
    assert subjects, "vocabularies.ttl declares nothing"
    for term in sorted(subjects):
        namespace = next((ns for ns in KNOWN if str(term).startswith(ns)), None)
        assert namespace is not None, f"{term} is not in a known vocabulary"
        rdflib_ns, terms = KNOWN[namespace]
        local = str(term)[len(namespace) :]
        if isinstance(terms, frozenset):
            assert local in terms, f"{term} does not exist"
        else:
            assert URIRef(rdflib_ns + local) in terms, f"{term} does not exist (misspelt?)"
        defined_by = declarations.value(term, RDFS.isDefinedBy)
        assert defined_by == URIRef(namespace), f"{term} should be rdfs:isDefinedBy <{namespace}>"


def test_declared_properties_and_classes_are_named_like_them() -> None:
    declarations = turtle(ONTOLOGY / "vocabularies.ttl")
    for prop in declarations.subjects(RDF.type, RDF.Property):
        assert str(prop).rsplit("/", 1)[-1].rsplit("#", 1)[-1][0].islower(), prop
    for cls in declarations.subjects(RDF.type, RDFS.Class):
        assert str(cls).rsplit("/", 1)[-1].rsplit("#", 1)[-1][0].isupper(), cls


def test_sh_in_lists_name_declared_terms() -> None:
    shapes = shapes_graph(SHAPES)
    declared = set(turtle(ONTOLOGY / "vocabularies.ttl").subjects())
    for values in shapes.objects(None, SH["in"]):
        for value in Collection(shapes, values):
            if isinstance(value, URIRef):
                assert value in declared, f"sh:in names {value}, which is not declared"
