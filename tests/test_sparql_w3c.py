"""The W3C SPARQL 1.1 Protocol and Service Description tests, run over HTTP against ``/sparql``.

The cases come from the W3C test suite (w3c/rdf-tests, ``sparql/sparql11/protocol`` and
``sparql/sparql11/service-description``), copied into ``tests/data/w3c/``:

* ``protocol-query-tests.json``: the Protocol manifest's query cases, flattened (method,
  path, headers, body, expected status and format): every ``query_*`` and ``bad_*`` case,
  and ``bad_update_get``, since an update sent by GET to the query endpoint must be refused
  whatever else the server does. The update cases (``update_*``, the other ``bad_update_*``
  and ``bad_multiple_updates``) belong to the update operation, a later issue.
* ``protocol-data.nq``: the manifest's ``data1.nt``, ``data2.nt`` and ``data3.nt``, each in
  the graph the cases name (``http://kasei.us/2009/09/sparql/data/data{1,2,3}.rdf``), built
  into a store of the test's own: graphs are selected from the store, never fetched.

The Service Description manifest names three cases and no requests; they are written out
here, each in Turtle and JSON-LD (and the returns-RDF case in every syntax offered).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.query import Result

from conftest import BACKENDS, deployed
from witness.convert import RDFLIB_SYNTAX
from witness.dataset.build import build
from witness.settings import Settings

if TYPE_CHECKING:
    from conftest import LiveServer

W3C = Path(__file__).parent / "data" / "w3c"
CASES: list[dict[str, Any]] = json.loads((W3C / "protocol-query-tests.json").read_text())
KASEI = "http://kasei.us/2009/09/sparql/data/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

RESULT_SYNTAX = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_SYNTAX = RDFLIB_SYNTAX


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


@pytest.fixture(scope="module", params=BACKENDS)
def w3c_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    serve_shared: Callable[..., LiveServer],
) -> Iterator[LiveServer]:
    """A server on the Protocol tests' data, built without validation (it is not Witness
    data): embedded, and in each remote engine."""
    root = tmp_path_factory.mktemp(f"w3c-{request.param}")
    settings = Settings(store=root / "store", data_dir=W3C)
    if request.param == "embedded":
        build(settings, validate=False)
        server = serve_shared(settings.store, "--query-workers", "1")
        yield server
        server.stop()
        return
    with deployed(settings, request.param, root, validate=False) as (remote, environment):
        server = serve_shared(remote.store, "--query-workers", "1", env=environment)
        yield server
        server.stop()


def send(server: LiveServer, request: dict[str, Any]) -> requests.Response:
    """Send one request of a case as written: its method, path, headers and encoded body."""
    path: str = request["path"]
    assert path.startswith("/sparql/"), path
    url = server.url + "/sparql" + path.removeprefix("/sparql/")
    # requests adds "Accept: */*" unless told not to; the cases send no Accept header.
    headers: dict[str, str | None] = {"Accept": None, **request["headers"]}
    body = request["body"]
    data = body.encode(request["body_encoding"]) if body is not None else None
    return requests.request(request["method"], url, headers=headers, data=data, timeout=30)


def check(response: requests.Response, expect: dict[str, Any]) -> None:
    """The status class, then the answer parsed in the syntax its Content-Type names."""
    assert f"{response.status_code // 100}xx" in expect["status"], response.text
    if response.status_code >= 400:
        assert response.text.strip(), "an error response says what went wrong"
        return
    kind = expect.get("expectedFormat")
    if kind in ("boolean", "tabular"):
        syntax = RESULT_SYNTAX[media_type(response)]
        result = Result.parse(io.BytesIO(response.content), format=syntax)
        if kind == "boolean":
            assert result.type == "ASK"
            if "expectedBoolean" in expect:
                assert result.askAnswer is expect["expectedBoolean"]
        else:
            assert result.type == "SELECT"
            assert [str(v) for v in result.vars or []] == ["value"]
            assert [int(row[0]) for row in result] == [1]  # type: ignore[index, arg-type]
    elif kind == "RDF":
        Graph().parse(data=response.content, format=RDF_SYNTAX[media_type(response)])


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_protocol_query_case(case: dict[str, Any], w3c_server: LiveServer) -> None:
    assert case["requests"], case["id"]
    for request in case["requests"]:
        check(send(w3c_server, request), request["expect"])


def test_the_copied_cases_are_the_query_cases() -> None:
    ids = {case["id"] for case in CASES}
    assert len(ids) == len(CASES) == 21
    assert all(case["suite"] == "protocol" for case in CASES)
    assert "bad_update_get" in ids
    assert not any(i.startswith("update_") or i == "bad_multiple_updates" for i in ids)


# Service Description (SPARQL 1.1 Service Description, section 2) --------------------------


def description(server: LiveServer, accept: str | None) -> tuple[requests.Response, Graph]:
    response = requests.get(server.url + "/sparql", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.content, format=RDF_SYNTAX[media_type(response)])
    return response, graph


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle"),
    ],
)
def test_sd_returns_rdf(w3c_server: LiveServer, accept: str | None, expected: str) -> None:
    """returns-rdf: a GET on the endpoint, no query, returns RDF."""
    response, graph = description(w3c_server, accept)
    assert media_type(response) == expected
    assert len(graph) > 0


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_sd_has_endpoint_triple(w3c_server: LiveServer, accept: str) -> None:
    """has-endpoint-triple: ``?service sd:endpoint <the URL fetched>``."""
    fetched = w3c_server.url + "/sparql"
    _, graph = description(w3c_server, accept)
    assert list(graph.subjects(SD.endpoint, URIRef(fetched)))


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_sd_conforms_to_schema(w3c_server: LiveServer, accept: str) -> None:
    """conforms-to-schema: an sd:Service with language, result formats and its dataset."""
    _, graph = description(w3c_server, accept)
    services = set(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services.pop()
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "Turtle", "N-Triples", "JSON-LD"):
        assert FORMATS[name] in formats
    (dataset,) = graph.objects(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    (default,) = graph.objects(dataset, SD.defaultGraph)
    assert (default, RDF.type, SD.Graph) in graph
    named = {
        graph.value(entry, SD.name): graph.value(entry, SD.graph)
        for entry in graph.objects(dataset, SD.namedGraph)
    }
    for n in (1, 2, 3):
        described = named[URIRef(f"{KASEI}data{n}.rdf")]
        assert (described, RDF.type, SD.Graph) in graph
