"""``/.well-known/void``: the VoID and DCAT description, read as a client reads it.

The description is fetched from a real server on the bundled data and parsed with rdflib;
its counts are checked against the store itself and against ``witness stats``, and the
addresses it gives (the SPARQL endpoint, every dump) are fetched to see that they answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD
from rdflib.term import Node

from witness.dataset.stats import stats
from witness.formats import GRAPHS
from witness.publish.void import LICENSE

if TYPE_CHECKING:
    from conftest import LiveServer, Rows

BASE = "https://w3id.org/witness/"
DATASET = URIRef(BASE + ".well-known/void#dataset")
IANA = "https://www.iana.org/assignments/media-types/"
FORMATS = Namespace("http://www.w3.org/ns/formats/")


def fetch(url: str, accept: str = "text/turtle") -> requests.Response:
    """Ask until the description is made: 503 with Retry-After means it is being made."""
    deadline = time.monotonic() + 120
    while True:
        response = requests.get(url, headers={"Accept": accept}, timeout=60)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


@pytest.fixture(scope="module")
def void_url(live_server: LiveServer) -> str:
    return live_server.url + "/.well-known/void"


@pytest.fixture(scope="module")
def void(void_url: str) -> Graph:
    response = fetch(void_url)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == "text/turtle"
    return Graph().parse(data=response.text, format="turtle")


def one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def count(graph: Graph, subject: Node, predicate: URIRef) -> int:
    value = one(graph, subject, predicate)
    assert isinstance(value, Literal)
    assert value.datatype == XSD.integer
    return int(value)


def test_dataset_has_the_required_terms(void: Graph, live_server: LiveServer) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    assert one(void, DATASET, DCTERMS.title) == Literal("Witness", lang="en")
    assert isinstance(one(void, DATASET, DCTERMS.description), Literal)
    assert one(void, DATASET, DCTERMS.license) == URIRef(LICENSE)
    assert LICENSE == "https://creativecommons.org/licenses/by/4.0/"
    publisher = one(void, DATASET, DCTERMS.publisher)
    assert list(void.predicate_objects(publisher)), "the publisher is described"
    modified = one(void, DATASET, DCTERMS.modified)
    assert isinstance(modified, Literal)
    assert modified.datatype == XSD.dateTime
    assert one(void, DATASET, VOID.uriSpace) == Literal(BASE + "id/")
    assert one(void, DATASET, VOID.sparqlEndpoint) == URIRef(live_server.url + "/sparql")


def test_triples_and_entities_match_the_store(
    void: Graph, bundled_store: ox.Store, sparql: Callable[[str], Rows]
) -> None:
    [facts] = sparql("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    [statements] = sparql("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    # Each fact once, though some are stated by two documents (so in two named graphs).
    assert count(void, DATASET, VOID.triples) == int(facts["n"]) < int(statements["n"])
    [row] = sparql(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(id:))) }"
    )
    assert count(void, DATASET, VOID.entities) == int(row["n"])


def test_class_partitions_are_those_of_witness_stats(void: Graph, bundled_store: ox.Store) -> None:
    partitions = {
        str(one(void, part, VOID["class"])): count(void, part, VOID.entities)
        for part in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions == dict(stats(bundled_store).classes)


def test_property_partitions_count_every_fact_once(
    void: Graph, sparql: Callable[[str], Rows]
) -> None:
    partitions = {
        str(one(void, part, VOID.property)): count(void, part, VOID.triples)
        for part in void.objects(DATASET, VOID.propertyPartition)
    }
    distinct = "SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }"
    rows = sparql(f"SELECT ?p (COUNT(*) AS ?n) {{ {{ {distinct} }} }} GROUP BY ?p")
    assert partitions == {row["p"]: int(row["n"]) for row in rows}
    assert sum(partitions.values()) == count(void, DATASET, VOID.triples)


def test_vocabularies_are_the_namespaces_used(void: Graph) -> None:
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"http://schema.org/", BASE + "ontology#", str(RDF), str(DCTERMS)} <= vocabularies


def test_sources_are_those_of_the_metadata_graph(
    void: Graph, sparql: Callable[[str], Rows]
) -> None:
    rows = sparql(
        "SELECT DISTINCT ?source { GRAPH graph:sources { ?g prov:wasDerivedFrom ?source } }"
    )
    sources = set(void.objects(DATASET, DCTERMS.source))
    assert sources == {URIRef(row["source"]) for row in rows}
    titles = {str(one(void, source, DCTERMS.title)) for source in sources}
    assert "Bearing Witness: Documentary Films by Ai Weiwei" in titles


def test_every_dump_is_a_data_dump_and_a_distribution(void: Graph, live_server: LiveServer) -> None:
    dumps = {str(url) for url in void.objects(DATASET, VOID.dataDump)}
    expected = {f"{live_server.url}/dumps/witness.{fmt.extension}" for fmt in GRAPHS.values()}
    assert dumps == expected
    features = set(void.objects(DATASET, VOID.feature))
    assert {FORMATS.Turtle, FORMATS["N-Quads"], FORMATS["JSON-LD"]} <= features
    distributions = list(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 2 * len(GRAPHS)
    downloads = {}
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in void
        url = str(one(void, distribution, DCAT.downloadURL))
        downloads[url] = str(one(void, distribution, DCAT.mediaType))
        if url.endswith(".gz"):
            assert one(void, distribution, DCAT.compressFormat) == URIRef(IANA + "application/gzip")
    for fmt in GRAPHS.values():
        url = f"{live_server.url}/dumps/witness.{fmt.extension}"
        assert downloads[url] == downloads[url + ".gz"] == IANA + fmt.media_type


def test_the_addresses_it_gives_answer(void: Graph) -> None:
    endpoint = str(one(void, DATASET, VOID.sparqlEndpoint))
    answer = requests.get(
        endpoint,
        params={"query": "ASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.json()["boolean"] is True
    for dump in void.objects(DATASET, VOID.dataDump):
        response = fetch(str(dump), accept="*/*")
        assert response.status_code == 200, dump
        assert response.content
    for distribution in void.objects(DATASET, DCAT.distribution):
        assert fetch(str(one(void, distribution, DCAT.downloadURL))).status_code == 200


@pytest.mark.parametrize(
    ("accept", "media_type", "syntax"),
    [
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=0.5, application/n-triples;q=0.9", "application/n-triples", "nt"),
        ("application/rdf+xml;q=0.2, application/ld+json;q=0.4", "application/ld+json", "json-ld"),
        ("*/*", "text/turtle", "turtle"),
        ("text/html, */*;q=0.8", "text/turtle", "turtle"),
    ],
)
def test_negotiated_syntaxes_say_the_same(
    void_url: str, void: Graph, accept: str, media_type: str, syntax: str
) -> None:
    response = fetch(void_url, accept)
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    assert isomorphic(Graph().parse(data=response.content, format=syntax), void)
