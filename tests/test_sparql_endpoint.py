"""``/sparql`` as a client sees it: the SPARQL 1.1 Protocol's query operation over real HTTP.

Every test talks to a real server (gunicorn, query workers) on the bundled data, and reads
each answer with a real parser (rdflib), comparing it where it can with what the store
itself says (the in-process ``sparql`` fixture).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.query import Result

from witness.convert import RDFLIB_SYNTAX

if TYPE_CHECKING:
    from conftest import LiveServer, Rows

SCHEMA = "http://schema.org/"
ID = "https://w3id.org/witness/id/"
GRAPH = "https://w3id.org/witness/graph/"
AI_WEIWEI = URIRef(ID + "ai-weiwei")
COCKROACH = URIRef(ID + "cockroach")
DIRECTOR = URIRef(SCHEMA + "director")
CMU = GRAPH + "cmu-news-the-rest"
SKIRBALL = GRAPH + "skirball-bearing-witness"

FILMS = "SELECT DISTINCT ?film { ?film schema:director id:ai-weiwei }"
"""Ai Weiwei's films; ``schema:`` and ``id:`` are among the prefixes the server declares."""

RESULTS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPHS = RDFLIB_SYNTAX
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def endpoint(live_server: LiveServer) -> str:
    return live_server.url + "/sparql"


def get(endpoint: str, query: str, accept: str | None = None, **params: str) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(endpoint, params={"query": query, **params}, headers=headers, timeout=30)


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def results(response: requests.Response) -> Result:
    """A SELECT or ASK answer, parsed in the syntax its Content-Type names."""
    assert response.status_code == 200, response.text
    return Result.parse(io.BytesIO(response.content), format=RESULTS[media_type(response)])


def column(response: requests.Response, name: str = "film") -> set[str]:
    return {str(row[name]) for row in results(response)}  # type: ignore[call-overload, index]


def graph(response: requests.Response) -> Graph:
    """A CONSTRUCT or DESCRIBE answer, parsed in the syntax its Content-Type names."""
    assert response.status_code == 200, response.text
    syntax = GRAPHS[media_type(response)]
    if syntax in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=response.content, format=syntax)
        merged = Graph()
        for quad in dataset.quads():
            merged.add(quad[:3])
        return merged
    return Graph().parse(data=response.content, format=syntax)


def values(rows: Rows, name: str = "film") -> set[str]:
    return {row[name] for row in rows}


# The three ways to send a query (Protocol, 2.1.1-2.1.3) -----------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(endpoint: str) -> None:
    by_get = get(endpoint, FILMS)
    by_form = requests.post(endpoint, data={"query": FILMS}, timeout=30)
    by_direct = requests.post(
        endpoint,
        data=FILMS.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    answers = [column(response) for response in (by_get, by_form, by_direct)]
    assert answers[0] == answers[1] == answers[2]
    assert str(COCKROACH) in answers[0]


def test_post_direct_takes_the_dataset_from_the_url(
    endpoint: str, sparql: Callable[[str], Rows]
) -> None:
    response = requests.post(
        endpoint,
        params={"default-graph-uri": CMU},
        data=FILMS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
        timeout=30,
    )
    assert column(response) == values(sparql(in_graphs(CMU)))


# The four query forms ------------------------------------------------------------------


def test_select_finds_ai_weiweis_films(endpoint: str, sparql: Callable[[str], Rows]) -> None:
    assert column(get(endpoint, FILMS)) == values(sparql(FILMS)) > {str(COCKROACH)}


def test_ask(endpoint: str) -> None:
    yes = results(get(endpoint, "ASK { id:cockroach schema:director id:ai-weiwei }"))
    no = results(get(endpoint, "ASK { id:ai-weiwei schema:director id:cockroach }"))
    assert (yes.type, yes.askAnswer, no.askAnswer) == ("ASK", True, False)


def test_construct(endpoint: str) -> None:
    query = "CONSTRUCT { ?film schema:director ?who } WHERE { ?film schema:director ?who }"
    answer = graph(get(endpoint, query))
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer
    assert set(answer.predicates()) == {DIRECTOR}


def test_describe(endpoint: str) -> None:
    answer = graph(get(endpoint, "DESCRIBE id:cockroach"))
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer
    assert (COCKROACH, URIRef(SCHEMA + "name"), Literal("Cockroach", lang="en")) in answer


def test_relative_iris_resolve_against_the_dataset_base(endpoint: str) -> None:
    answer = results(get(endpoint, "ASK { <id/cockroach> schema:director <id/ai-weiwei> }"))
    assert answer.askAnswer is True


# The dataset: union by default, or chosen by the protocol or FROM (Protocol 2.1.4) ----------


def in_graphs(*graphs: str) -> str:
    """FILMS over the given graphs only, for the in-process store to answer."""
    union = " UNION ".join(
        f"{{ GRAPH <{g}> {{ ?film schema:director id:ai-weiwei }} }}" for g in graphs
    )
    return f"SELECT DISTINCT ?film {{ {union} }}"


def test_default_graph_is_the_union_of_all_graphs(
    endpoint: str, sparql: Callable[[str], Rows]
) -> None:
    every = [row["g"] for row in sparql("SELECT DISTINCT ?g { GRAPH ?g {} }")]
    assert {CMU, SKIRBALL} <= set(every)
    assert column(get(endpoint, FILMS)) == values(sparql(in_graphs(*every)))


def test_graph_variable_tells_which_graph_states_it(
    endpoint: str, sparql: Callable[[str], Rows]
) -> None:
    query = "SELECT DISTINCT ?g { GRAPH ?g { id:cockroach schema:director id:ai-weiwei } }"
    answer = column(get(endpoint, query), "g")
    assert answer == values(sparql(query), "g")
    assert SKIRBALL in answer


def test_a_fact_two_documents_state_is_one_row_without_graph_and_two_with_it(
    endpoint: str,
) -> None:
    fact = "id:the-rest schema:director ?who"
    merged = list(results(get(endpoint, f"SELECT ?who {{ {fact} }}")))
    by_graph = list(results(get(endpoint, f"SELECT ?who ?g {{ GRAPH ?g {{ {fact} }} }}")))
    assert [str(row["who"]) for row in merged] == [ID + "ai-weiwei"]  # type: ignore[call-overload, index]
    assert {str(row["g"]) for row in by_graph} == {CMU, SKIRBALL}  # type: ignore[call-overload, index]
    assert len(by_graph) == 2
    counted = list(results(get(endpoint, f"SELECT (COUNT(*) AS ?n) {{ {fact} }}")))
    assert str(counted[0]["n"]) == "1"  # type: ignore[call-overload, index]


def test_default_graph_uri_selects_store_graphs(
    endpoint: str, sparql: Callable[[str], Rows]
) -> None:
    only_cmu = column(get(endpoint, FILMS, **{"default-graph-uri": CMU}))
    assert only_cmu == values(sparql(in_graphs(CMU)))
    assert str(COCKROACH) not in only_cmu  # the Skirball page states it, the CMU news does not
    response = requests.get(
        endpoint,
        params=[("query", FILMS), ("default-graph-uri", CMU), ("default-graph-uri", SKIRBALL)],
        timeout=30,
    )
    assert column(response) == values(sparql(in_graphs(CMU, SKIRBALL))) > only_cmu


def test_default_graph_uri_naming_no_graph_gives_an_empty_default_graph(endpoint: str) -> None:
    response = get(endpoint, FILMS, **{"default-graph-uri": "https://example.org/no-such-graph"})
    assert column(response) == set()


def test_named_graph_uri_limits_graph_patterns(endpoint: str) -> None:
    query = "SELECT DISTINCT ?g { GRAPH ?g { ?film schema:director id:ai-weiwei } }"
    assert column(get(endpoint, query, **{"named-graph-uri": CMU}), "g") == {CMU}
    # Only named graphs given: the default graph is empty (Protocol 2.1.4).
    assert column(get(endpoint, FILMS, **{"named-graph-uri": CMU})) == set()


def test_from_clause_is_respected(endpoint: str, sparql: Callable[[str], Rows]) -> None:
    query = f"SELECT DISTINCT ?film FROM <{CMU}> {{ ?film schema:director id:ai-weiwei }}"
    assert column(get(endpoint, query)) == values(sparql(in_graphs(CMU)))
    named = f"SELECT DISTINCT ?g FROM NAMED <{SKIRBALL}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert column(get(endpoint, named), "g") == {SKIRBALL}


def test_protocol_dataset_overrides_from(endpoint: str, sparql: Callable[[str], Rows]) -> None:
    query = f"SELECT DISTINCT ?film FROM <{CMU}> {{ ?film schema:director id:ai-weiwei }}"
    response = get(endpoint, query, **{"default-graph-uri": SKIRBALL})
    assert column(response) == values(sparql(in_graphs(SKIRBALL)))


# Content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize("accept", list(RESULTS))
def test_select_in_each_results_format(
    endpoint: str, accept: str, sparql: Callable[[str], Rows]
) -> None:
    response = get(endpoint, FILMS, accept)
    assert media_type(response) == accept
    assert response.headers["Vary"].startswith("Accept")
    assert column(response) == values(sparql(FILMS))


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_in_json_and_xml(endpoint: str, accept: str) -> None:
    response = get(endpoint, "ASK { id:cockroach a schema:Movie }", accept)
    assert media_type(response) == accept
    assert results(response).askAnswer is True


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values"])
def test_ask_in_csv_and_tsv(endpoint: str, accept: str) -> None:
    response = get(endpoint, "ASK { id:cockroach a schema:Movie }", accept)
    assert (response.status_code, media_type(response)) == (200, accept)
    assert response.text.strip() == "true"


# rdflib's own TriG and N-Quads parsers still use its deprecated Dataset API.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize("accept", list(GRAPHS))
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graphs_in_each_rdf_syntax(endpoint: str, accept: str, form: str) -> None:
    query = {
        "CONSTRUCT": "CONSTRUCT WHERE { id:cockroach ?p ?o }",
        "DESCRIBE": "DESCRIBE id:cockroach",
    }[form]
    response = get(endpoint, query, accept)
    assert media_type(response) == accept
    answer = graph(response)
    reference = graph(get(endpoint, query, "application/n-triples"))
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer
    assert len(answer) == len(reference)


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (
            FILMS,
            "application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.5",
            "application/sparql-results+xml",
        ),
        (
            FILMS,
            "text/csv;q=0.2, text/tab-separated-values;q=0.8, */*;q=0.1",
            "text/tab-separated-values",
        ),
        (FILMS, "text/*;q=0.5, text/csv;q=0", "text/tab-separated-values"),
        (FILMS, "application/json", "application/sparql-results+json"),
        (FILMS, "*/*", JSON),
        ("DESCRIBE id:cockroach", "text/turtle;q=0.1, application/ld+json", "application/ld+json"),
        (
            "DESCRIBE id:cockroach",
            "application/rdf+xml;q=0.5, application/n-triples;q=0.6",
            "application/n-triples",
        ),
        ("DESCRIBE id:cockroach", "*/*", "text/turtle"),
    ],
)
def test_q_values_choose_the_format(endpoint: str, query: str, accept: str, expected: str) -> None:
    response = get(endpoint, query, accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected


def test_default_format_without_accept(endpoint: str) -> None:
    no_accept = {"Accept": None}  # requests would send */*
    select = requests.get(endpoint, params={"query": FILMS}, headers=no_accept, timeout=30)
    describe = requests.get(
        endpoint, params={"query": "DESCRIBE id:cockroach"}, headers=no_accept, timeout=30
    )
    assert media_type(select) == JSON and column(select)
    assert media_type(describe) == "text/turtle" and len(graph(describe)) > 0


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (FILMS, "csv", "text/csv"),
        (FILMS, "xml", "application/sparql-results+xml"),
        (FILMS, "application/sparql-results+json", JSON),
        ("DESCRIBE id:cockroach", "jsonld", "application/ld+json"),
        ("DESCRIBE id:cockroach", "text/turtle", "text/turtle"),
        # Names other servers and clients use: file extensions, and for a graph "xml" is
        # RDF/XML and "json" JSON-LD (as in Fuseki; SPARQLWrapper sends format=xml).
        (FILMS, "srx", "application/sparql-results+xml"),
        ("DESCRIBE id:cockroach", "ttl", "text/turtle"),
        ("DESCRIBE id:cockroach", "xml", "application/rdf+xml"),
        ("DESCRIBE id:cockroach", "json", "application/ld+json"),
        ("DESCRIBE id:cockroach", "n-triples", "application/n-triples"),
    ],
)
def test_format_parameter_overrides_accept(
    endpoint: str, query: str, fmt: str, expected: str
) -> None:
    response = get(endpoint, query, "application/n-quads, application/xml", format=fmt)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected


def test_first_format_parameter_this_server_knows_wins(endpoint: str) -> None:
    params = [("query", "DESCRIBE id:cockroach"), ("format", "rdf+xml")]
    params += [("format", "application/rdf+xml"), ("output", "rdf+xml")]  # as SPARQLWrapper
    response = requests.get(endpoint, params=params, timeout=30)
    assert media_type(response) == "application/rdf+xml"
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in graph(response)
    unknown_first = [("query", FILMS), ("format", "text"), ("format", "tsv")]
    assert media_type(requests.get(endpoint, params=unknown_first, timeout=30)) == (
        "text/tab-separated-values"
    )


def test_format_parameter_in_a_posted_form(endpoint: str) -> None:
    response = requests.post(endpoint, data={"query": FILMS, "format": "tsv"}, timeout=30)
    assert media_type(response) == "text/tab-separated-values"
    assert column(response)


@pytest.mark.parametrize(
    ("query", "accept", "params", "offered"),
    [
        (FILMS, "text/turtle", {}, JSON),
        (FILMS, "image/png", {}, "text/tab-separated-values"),
        (FILMS, "application/sparql-results+json;q=0", {}, JSON),
        ("DESCRIBE id:cockroach", JSON, {}, "application/ld+json"),
        ("DESCRIBE id:cockroach", None, {"format": "csv"}, "jsonld"),
        (FILMS, None, {"format": "bogus"}, "csv"),
    ],
)
def test_not_acceptable(
    endpoint: str, query: str, accept: str | None, params: dict[str, str], offered: str
) -> None:
    response = get(endpoint, query, accept, **params)
    assert response.status_code == 406
    assert offered in response.text  # the message says what is offered


# Refusals: 400, 405, 413, 415 ---------------------------------------------------------------


def test_malformed_query_names_line_and_column(endpoint: str) -> None:
    response = get(endpoint, "SELECT * WHERE {\n  ?s ?p\n}")
    assert response.status_code == 400
    assert "The query is not valid SPARQL: error at 3:2:" in response.text
    assert "  3 | }\n    | ^" in response.text  # the line, and a caret under the column


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameter_that_is_not_an_iri(endpoint: str, name: str) -> None:
    response = get(endpoint, FILMS, **{name: "skirball bearing witness"})
    assert response.status_code == 400
    assert f"{name} must be an absolute IRI" in response.text


def test_two_query_parameters(endpoint: str) -> None:
    response = requests.get(
        endpoint, params=[("query", "ASK {}"), ("query", "SELECT * {}")], timeout=30
    )
    assert response.status_code == 400
    assert "more than one 'query'" in response.text


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"INSERT DATA { <http://e/s> <http://e/p> 1 }", "application/sparql-update"),
        (b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
        (b"INSERT DATA { <http://e/s> <http://e/p> 1 }", "application/sparql-query"),
        (b"query=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D", "application/x-www-form-urlencoded"),
    ],
)
def test_updates_are_refused(endpoint: str, data: bytes, content_type: str) -> None:
    response = requests.post(
        endpoint, data=data, headers={"Content-Type": content_type}, timeout=30
    )
    assert response.status_code == 400
    assert "update" in response.text
    assert results(get(endpoint, "ASK { ?s ?p ?o }")).askAnswer is True  # nothing was cleared


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"ASK {}", "text/plain"),
        (b"ASK {}", None),
        ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),
        (b"ASK {}", "application/sparql-query; charset=ISO-8859-1"),
        (b'ASK { FILTER("caf\xe9") }', "application/sparql-query"),
        (b"query=ASK+%7B%7D", "application/json"),
    ],
)
def test_unsupported_body_type_or_charset(
    endpoint: str, data: bytes, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(endpoint, data=data, headers=headers, timeout=30)
    assert response.status_code == 415, response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_allowed(endpoint: str, method: str) -> None:
    response = requests.request(method, endpoint, params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allowed and method not in allowed


def test_body_over_the_limit(endpoint: str) -> None:
    body = b"ASK {}" + b" " * 1_000_000
    response = requests.post(
        endpoint, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 413


# CORS, compression, streaming ------------------------------------------------------------


def test_cors_on_get_and_on_errors(endpoint: str) -> None:
    origin = {"Origin": "https://yasgui.example"}
    answer = requests.get(endpoint, params={"query": "ASK {}"}, headers=origin, timeout=30)
    refused = requests.get(endpoint, params={"query": "ASK {"}, headers=origin, timeout=30)
    for response in (answer, refused):
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight(endpoint: str) -> None:
    response = requests.options(
        endpoint,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


EVERYTHING = "CONSTRUCT WHERE { ?s ?p ?o }"


def test_large_answer_is_gzipped_when_accepted(endpoint: str) -> None:
    response = requests.get(
        endpoint,
        params={"query": EVERYTHING},
        headers={"Accept": "application/n-triples", "Accept-Encoding": "gzip"},
        stream=True,
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    compressed = response.raw.read(decode_content=False)
    assert int(response.headers["Content-Length"]) == len(compressed)  # whole, so not chunked
    text = gzip.decompress(compressed)
    assert len(compressed) < len(text)
    answer = Graph().parse(data=text, format="nt")
    assert (COCKROACH, DIRECTOR, AI_WEIWEI) in answer


def test_not_gzipped_unless_accepted(endpoint: str) -> None:
    response = requests.get(
        endpoint,
        params={"query": EVERYTHING},
        headers={"Accept": "application/n-triples", "Accept-Encoding": "identity"},
        timeout=30,
    )
    assert "Content-Encoding" not in response.headers
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert len(Graph().parse(data=response.content, format="nt")) > 1000


@pytest.fixture(scope="module")
def archive_endpoint(archive_store: Path, serve_shared: Callable[..., LiveServer]) -> Iterator[str]:
    server = serve_shared(archive_store, "--query-workers", "1")
    yield server.url + "/sparql"
    server.stop()


def test_large_select_is_streamed(archive_endpoint: str) -> None:
    query = "SELECT ?s ?p ?o { ?s ?p ?o } LIMIT 20000"
    response = requests.get(
        archive_endpoint,
        params={"query": query},
        headers={"Accept": JSON, "Accept-Encoding": "identity"},
        stream=True,
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in response.headers
    chunks = list(response.iter_content(chunk_size=None))
    assert len(chunks) > 1
    answer = json.loads(b"".join(chunks))
    assert answer["head"]["vars"] == ["s", "p", "o"]
    assert len(answer["results"]["bindings"]) == 20000


def test_streamed_answer_can_be_gzipped(archive_endpoint: str) -> None:
    response = requests.get(
        archive_endpoint,
        params={"query": "SELECT ?s ?p ?o { ?s ?p ?o } LIMIT 20000"},
        headers={"Accept": "text/csv", "Accept-Encoding": "gzip"},
        stream=True,
        timeout=60,
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response.headers
    rows = gzip.decompress(response.raw.read(decode_content=False)).decode().splitlines()
    assert rows[0] == "s,p,o" and len(rows) == 20001


# Browsers -----------------------------------------------------------------------------


def test_browser_gets_the_query_page(endpoint: str) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = requests.get(endpoint, headers={"Accept": browser}, timeout=30)
    assert page.status_code == 200 and media_type(page) == "text/html"
    assert "<form" in page.text and "<textarea" in page.text
    with_query = get(endpoint, "ASK { ?s ?p ?o }", browser)
    assert media_type(with_query) == "text/html"
    assert "ASK { ?s ?p ?o }" in with_query.text


def test_non_browser_without_query_gets_the_service_description(endpoint: str) -> None:
    response = requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30)
    assert media_type(response) == "text/turtle"
    description = Graph().parse(data=response.content, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    names = set(description.objects(None, URIRef(sd + "name")))
    assert {URIRef(CMU), URIRef(SKIRBALL)} <= names
