"""Two SPARQL clients people use from Python, against a real server on the bundled data.

SPARQLWrapper and rdflib's ``SPARQLStore`` each send SELECT, ASK, CONSTRUCT and DESCRIBE
their own way (GET with ``format``/``output`` parameters, their own Accept headers) and
must get real answers: Ai Weiwei's films, and what the data says about Cockroach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import LiveServer, Rows

PROLOGUE = "PREFIX schema: <http://schema.org/>\nPREFIX id: <https://w3id.org/witness/id/>\n"
FILMS = (
    PROLOGUE
    + "SELECT DISTINCT ?film ?name { ?film schema:director id:ai-weiwei ; schema:name ?name }"
)
DIRECTED = PROLOGUE + "ASK { id:cockroach schema:director id:ai-weiwei }"
NOT_DIRECTED = PROLOGUE + "ASK { id:ai-weiwei schema:director id:cockroach }"
CONSTRUCT = PROLOGUE + (
    "CONSTRUCT { ?film schema:director id:ai-weiwei }\nWHERE { ?film schema:director id:ai-weiwei }"
)
DESCRIBE = PROLOGUE + "DESCRIBE id:cockroach"

COCKROACH = URIRef("https://w3id.org/witness/id/cockroach")
AI_WEIWEI = URIRef("https://w3id.org/witness/id/ai-weiwei")
DIRECTOR = URIRef("http://schema.org/director")
NAME = URIRef("http://schema.org/name")

# SPARQLWrapper parses RDF answers into rdflib's deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def endpoint(live_server: LiveServer) -> str:
    return live_server.url + "/sparql"


@pytest.fixture(scope="module")
def films(sparql: Callable[[str], Rows]) -> set[str]:
    """Ai Weiwei's films, as the store itself says."""
    found = {row["film"] for row in sparql(FILMS)}
    assert str(COCKROACH) in found
    return found


def wrapper(endpoint: str, query: str, fmt: str, method: str | None = None) -> Any:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client.query().convert()


# SPARQLWrapper ------------------------------------------------------------------------


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_select(endpoint: str, films: set[str], method: str | None) -> None:
    answer = wrapper(endpoint, FILMS, JSON, method)
    rows = answer["results"]["bindings"]
    assert {row["film"]["value"] for row in rows} == films
    assert {"value": "Cockroach", "type": "literal", "xml:lang": "en"} in [r["name"] for r in rows]


def test_sparqlwrapper_select_in_xml_csv_and_tsv(
    endpoint: str, films: set[str], sparql: Callable[[str], Rows]
) -> None:
    document = wrapper(endpoint, FILMS, XML)
    uris = {node.firstChild.data for node in document.getElementsByTagName("uri")}
    assert uris == films
    for fmt, separator in ((CSV, b","), (TSV, b"\t")):
        lines = wrapper(endpoint, FILMS, fmt).splitlines()
        assert lines[0].replace(b"?", b"") == b"film" + separator + b"name"
        assert len(lines) - 1 == len(sparql(FILMS))


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, fmt: str) -> None:
    if fmt == JSON:
        assert wrapper(endpoint, DIRECTED, fmt)["boolean"] is True
        assert wrapper(endpoint, NOT_DIRECTED, fmt)["boolean"] is False
    else:
        answer = wrapper(endpoint, DIRECTED, fmt).getElementsByTagName("boolean")
        assert answer[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [XML, RDFXML, JSONLD])
def test_sparqlwrapper_construct(endpoint: str, films: set[str], fmt: str) -> None:
    """SPARQLWrapper asks for RDF/XML with ``format=xml`` by default, JSON-LD with
    ``format=json-ld&format=application/ld+json``; both parse into a graph."""
    answer: Graph = wrapper(endpoint, CONSTRUCT, fmt)
    assert {str(film) for film in answer.subjects(DIRECTOR, AI_WEIWEI)} == films
    assert len(answer) == len(films)


@pytest.mark.parametrize("fmt", [TURTLE, N3])
def test_sparqlwrapper_describe_in_turtle(endpoint: str, fmt: str) -> None:
    answer = Graph().parse(data=wrapper(endpoint, DESCRIBE, fmt), format="turtle")
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer
    assert (COCKROACH, NAME, Literal("Cockroach", lang="en")) in answer


def test_sparqlwrapper_describe_in_rdfxml(endpoint: str) -> None:
    answer: Graph = wrapper(endpoint, DESCRIBE, RDFXML)
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer


# rdflib's SPARQLStore -------------------------------------------------------------------


@pytest.fixture(scope="module")
def remote(endpoint: str) -> Graph:
    """A read-only rdflib graph whose store is the endpoint."""
    return Graph(store=SPARQLStore(endpoint))


def test_sparqlstore_select(remote: Graph, films: set[str]) -> None:
    answer = remote.query(FILMS)
    assert answer.type == "SELECT"
    rows = list(answer)
    assert {str(row.film) for row in rows} == films  # type: ignore[union-attr]
    assert Literal("Cockroach", lang="en") in {row.name for row in rows}  # type: ignore[union-attr]


def test_sparqlstore_ask(remote: Graph) -> None:
    assert remote.query(DIRECTED).askAnswer is True
    assert remote.query(NOT_DIRECTED).askAnswer is False


def test_sparqlstore_construct(remote: Graph, films: set[str]) -> None:
    answer = remote.query(CONSTRUCT).graph
    assert answer is not None
    assert {str(film) for film in answer.subjects(DIRECTOR, AI_WEIWEI)} == films


def test_sparqlstore_describe(remote: Graph) -> None:
    answer = remote.query(DESCRIBE).graph
    assert answer is not None
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer
    assert (COCKROACH, NAME, Literal("Cockroach", lang="en")) in answer


def test_sparqlstore_reads_triples_like_a_graph(remote: Graph) -> None:
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in remote
    assert Literal("Cockroach", lang="en") in set(remote.objects(COCKROACH, NAME))
    assert len(remote) > 1000


def test_sparqlstore_sends_a_longer_query_by_get(remote: Graph) -> None:
    names = " ".join(f"<https://w3id.org/witness/id/film-{n}>" for n in range(40))
    assert len(list(remote.query(f"SELECT ?film {{ VALUES ?film {{ {names} }} }}"))) == 40
