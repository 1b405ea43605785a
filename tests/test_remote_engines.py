"""Witness in front of a remote SPARQL engine: Oxigraph's server and Virtuoso 7, each started
here, loaded by ``witness build --store-url`` and asked through ``witness serve --store-url``.

The same build is also served from its embedded store: every answer compared here must be the
same from both (the remote engine is where the data lives, not what the user sees). Where an
engine differs, the test names it and says why.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from conftest import LiveServer, Servers
from engines import OXIGRAPH, VIRTUOSO, Engine, Proxy, oxigraph, virtuoso
from witness.dataset import upload
from witness.dataset.engine import Engine as RemoteEngine
from witness.errors import BackendUnavailable
from witness.sparql import remote

if not (Path(VIRTUOSO).exists() and OXIGRAPH):
    missing = "apt-get install virtuoso-opensource-7; pip install oxigraph"
    if os.environ.get("CI"):
        pytest.fail(f"the remote engines are missing ({missing})", pytrace=False)
    pytest.skip(f"the remote engines are missing ({missing})", allow_module_level=True)

XSD_DURATION = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#duration")
WITNESS = str(Path(sys.executable).parent / "witness")


@dataclass
class Deployment:
    engine: Engine
    store: Path
    remote: LiveServer
    embedded: LiveServer


def build(
    store: Path, engine: Engine, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``witness build --store-url`` (from the environment, as an operator sets it; ``env``
    instead of the engine's own)."""
    return subprocess.run(
        [WITNESS, "build", "--quiet", "--store", str(store), *options],
        env={**os.environ, **(env or engine.environment())},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    directory = tmp_path_factory.mktemp(request.param)
    start = oxigraph if request.param == "oxigraph" else virtuoso
    with start(directory / "engine") as engine:
        store = directory / "store"
        done = build(store, engine)
        assert done.returncode == 0, done.stderr
        servers = Servers(directory)
        try:
            remote = servers(store, env=engine.environment())
            embedded = servers(store)
            yield Deployment(engine, store, remote, embedded)
        finally:
            servers.stop()


def _select(server: LiveServer, query: str) -> list[dict[str, object]]:
    response = requests.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))


QUERIES = [
    "SELECT ?film ?minutes WHERE { ?film wit:runtimeMinutes ?minutes }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?film ?source WHERE { GRAPH ?g { ?film schema:director id:ai-weiwei } "
    "?g prov:wasDerivedFrom ?source }",
    "SELECT ?name WHERE { ?x schema:name ?name FILTER(LANG(?name) = 'en' && "
    "CONTAINS(?name, 'Wei')) }",
    "SELECT ?n WHERE { GRAPH graph:sources { ?s ?p ?o } BIND(1 AS ?n) } LIMIT 1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_select_answers_as_the_embedded_store(deployment: Deployment, query: str) -> None:
    assert _select(deployment.remote, query) == _select(deployment.embedded, query)


def test_ask_answers_true_and_false(deployment: Deployment) -> None:
    # Virtuoso 7 answers ASK as a one-row table of __ASK_RETVAL: Witness reads it as a boolean.
    for query, expected in [("ASK { id:coronation ?p ?o }", True), ("ASK { ?s ?p 12345 }", False)]:
        response = requests.get(
            deployment.remote.url + "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert response.json() == {"head": {}, "boolean": expected}


def test_construct_is_the_same_graph(deployment: Deployment) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH graph:review-never-sorry { ?s ?p ?o } }"
    graphs = []
    for server in (deployment.remote, deployment.embedded):
        response = requests.get(
            server.url + "/sparql",
            params={"query": query},
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        assert response.status_code == 200
        graphs.append(rdflib.Graph().parse(data=response.text, format="turtle"))
    assert len(graphs[0]) == 228
    assert isomorphic(*(_comparable(graph, deployment) for graph in graphs))


def _comparable(graph: rdflib.Graph, deployment: Deployment) -> rdflib.Graph:
    """The graph, without its durations if Virtuoso answered (see
    test_virtuoso_rewrites_durations)."""
    if deployment.engine.name != "virtuoso":
        return graph
    kept = rdflib.Graph()
    for triple in graph:
        value = triple[2]
        if not (isinstance(value, rdflib.Literal) and value.datatype == XSD_DURATION):
            kept.add(triple)
    return kept


def test_dataset_of_the_request_and_of_the_query(deployment: Deployment) -> None:
    # The protocol's default-graph-uri and the query's FROM pick the graph; neither sees the
    # engine's own default graph or other data.
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = "https://w3id.org/witness/graph/authorities"
    for server in (deployment.remote, deployment.embedded):
        response = requests.get(
            server.url + "/sparql",
            params={"query": query, "default-graph-uri": graph},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "22"
        own = f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"
        assert _select(server, own)[0]["n"]["value"] == "22"  # type: ignore[index]


def test_description_with_provenance_is_the_same(deployment: Deployment) -> None:
    found = []
    for server in (deployment.remote, deployment.embedded):
        response = requests.get(
            server.url + "/id/coronation", headers={"Accept": "text/turtle"}, timeout=60
        )
        assert response.status_code == 200, response.text
        found.append(rdflib.Graph().parse(data=response.text, format="turtle"))
    remote, embedded = found
    assert len(remote) == len(embedded) > 20
    assert isomorphic(_comparable(remote, deployment), _comparable(embedded, deployment))
    quads = []
    for server in (deployment.remote, deployment.embedded):
        response = requests.get(
            server.url + "/id/coronation", headers={"Accept": "application/n-quads"}, timeout=60
        )
        quads.append(
            {
                str(quad)
                for quad in ox.parse(response.content, ox.RdfFormat.N_QUADS)
                if not (isinstance(quad.object, ox.Literal) and "duration" in str(quad.object))
            }
        )
    assert quads[0] == quads[1]
    assert any("skirball-bearing-witness" in quad for quad in quads[0])


def test_browser_pages_work(deployment: Deployment) -> None:
    remote, embedded = deployment.remote, deployment.embedded
    page = requests.get(remote.url + "/id/coronation", timeout=60)
    assert page.status_code == 200
    assert "Ai Weiwei" in page.text and "Bearing Witness" in page.text
    for path in ["/search.json?q=corona", "/films.csv"]:
        answers = [requests.get(server.url + path, timeout=60) for server in (remote, embedded)]
        assert [a.status_code for a in answers] == [200, 200], path
        texts = [
            a.text.replace(server.url, "")
            for a, server in zip(answers, (remote, embedded), strict=True)
        ]
        assert texts[0] == texts[1], path
    # Paths come from the build's projection, not the engine: as many, as long, between the
    # same ends. (Which of several equally short paths come first may differ between two
    # processes: compared here is what does not.)
    found = [
        requests.get(server.url + "/path.json?entity=coronation&entity=vivos", timeout=60).json()
        for server in (remote, embedded)
    ]
    lengths = [[path["length"] for path in answer["paths"]] for answer in found]
    assert lengths[0] == lengths[1] != []


def test_virtuoso_rewrites_durations(deployment: Deployment) -> None:
    # Virtuoso 7 keeps an xsd:duration as a number of seconds and gives back "6900.0", not the
    # "PT1H55M" it was given: a difference of the engine, which Witness passes on as it is.
    query = "SELECT ?d WHERE { id:coronation schema:duration ?d }"
    value = _select(deployment.remote, query)[0]["d"]["value"]  # type: ignore[index]
    assert value == ("6900.0" if deployment.engine.name == "virtuoso" else "PT1H55M")


def test_a_digest_challenge_to_a_query_is_answered(deployment: Deployment) -> None:
    # Virtuoso's authenticated endpoint takes queries after an HTTP Digest challenge (MD5,
    # qop=auth); Oxigraph's server challenges no one (the client's side of challenges, and
    # that credentials go to no one else: test_engine_http.py).
    if deployment.engine.name != "virtuoso":
        pytest.skip("Oxigraph's server asks for no credentials")
    url = deployment.engine.update_url
    accept = "application/sparql-results+json"
    media, _, _ = RemoteEngine(url, user="dba", password="dba").query("ASK {}", accept, timeout=30)
    assert media == accept
    with pytest.raises(BackendUnavailable, match="answered 401"):
        RemoteEngine(url).query("ASK {}", accept, timeout=30)


def test_failed_upload_leaves_the_previous_build_answering(
    deployment: Deployment, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "extra.ttl").write_text(
        "@prefix schema: <http://schema.org/> .\n"
        "<https://w3id.org/witness/id/only-in-new> schema:name 'New'@en .\n"
    )
    broken = Engine(
        deployment.engine.name,
        deployment.engine.query_url,
        "http://127.0.0.1:9/update",
        deployment.engine.process,
        deployment.engine.env,
    )
    done = build(deployment.store, broken, "--data", str(data), "--no-validate")
    assert done.returncode != 0
    assert "failed an update" in done.stderr and "still answers" in done.stderr
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _select(deployment.remote, count)[0]["n"]["value"] == "1663"  # type: ignore[index]


def test_engine_down_is_a_clear_502(tmp_path: Path, serve: Servers) -> None:
    with oxigraph(tmp_path) as engine:
        store = tmp_path / "store"
        assert build(store, engine).returncode == 0
        server = serve(store, "--timeout", "5", env=engine.environment())
        engine.process.terminate()
        engine.process.wait()
        response = requests.get(
            server.url + "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
            headers={"Accept": "application/json"},
            timeout=30,
        )
        assert response.status_code == 502
        assert engine.query_url in response.text and "cannot be reached" in response.text
        page = requests.get(server.url + "/id/coronation", timeout=30)
        assert page.status_code == 502
        assert "Traceback" not in page.text


def test_slow_engine_is_a_504_and_garbage_a_502(tmp_path: Path, serve: Servers) -> None:
    with oxigraph(tmp_path) as engine:
        proxy = Proxy(engine.query_url.rsplit("/", 1)[0])
        try:
            through = Engine("proxy", proxy.url + "/query", proxy.url + "/update", engine.process)
            store = tmp_path / "store"
            assert build(store, through).returncode == 0
            server = serve(store, "--timeout", "2", env=through.environment())
            json_ = {"Accept": "application/json"}

            def ask(limit: int) -> requests.Response:  # a query of its own: none is remembered
                query = {"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"}
                return requests.get(server.url + "/sparql", params=query, headers=json_, timeout=30)

            assert ask(1).status_code == 200
            proxy.mode = "hang"  # for 60 s: an answer within the client's 30 s is our deadline's
            slow = ask(2)
            assert slow.status_code == 504
            assert through.query_url in slow.text and "did not answer" in slow.text
            proxy.mode = "garbage"
            bad = ask(3)
            assert bad.status_code == 502
            assert through.query_url in bad.text and "not application/sparql-results" in bad.text
            proxy.mode = "pass"
            assert ask(4).status_code == 200
        finally:
            proxy.close()


def test_a_build_of_many_graphs_is_switched_in_batches(tmp_path: Path, serve: Servers) -> None:
    # More graphs than one update request may switch (witness.dataset.upload.OPERATIONS):
    # every one of them arrives, and the next build replaces them all.
    data = tmp_path / "data"
    data.mkdir()
    query = (
        "SELECT ?b (COUNT(DISTINCT ?g) AS ?n) "
        "WHERE { GRAPH ?g { ?s <urn:x:build> ?b } } GROUP BY ?b"
    )
    with oxigraph(tmp_path / "engine") as engine:
        for number, count in [(1, 300), (2, 280)]:
            (data / "many.trig").write_text(
                "".join(
                    f"<urn:x:g{n}> {{ <urn:x:s{n}> <urn:x:build> {number} . }}\n"
                    for n in range(count)
                )
            )
            done = build(tmp_path / "store", engine, "--data", str(data), "--no-validate")
            assert done.returncode == 0, done.stderr
            server = serve(tmp_path / "store", env=engine.environment())
            rows = _select(server, query)
            assert [(row["b"]["value"], row["n"]["value"]) for row in rows] == [  # type: ignore[index]
                (str(number), str(count))
            ]
            server.stop()


def _marked(data: Path, build_number: int, graphs: int = 2) -> None:
    """Data whose every graph says which build it is from (``<urn:x:build>``)."""
    (data / "marked.trig").write_text(
        "".join(
            f"<https://w3id.org/witness/graph/t{n}> {{\n"
            f"  <https://w3id.org/witness/id/thing-{n}> <urn:x:build> {build_number} ;\n"
            f"    <http://schema.org/name> 'Thing {n}'@en .\n}}\n"
            for n in range(graphs)
        )
    )


def _build_on(engine: Engine) -> list[str]:
    """The build marks in the default graph of the build ``engine`` holds, asked directly."""
    query = "SELECT DISTINCT ?b WHERE { ?s <urn:x:build> ?b }"
    rows = _answer(engine.query_url, query, [("default-graph-uri", upload.DEFAULT_GRAPH)])
    return sorted(row["b"]["value"] for row in rows)


def test_a_pair_is_loaded_in_turn_and_the_server_follows(tmp_path: Path, serve: Servers) -> None:
    # Each build goes to the engine of the pair that does not hold the live build; the server
    # moves to it with the build (no restart), the other keeps the previous build, and a
    # build whose engine is down leaves the live one answering.
    data = tmp_path / "data"
    data.mkdir()
    store = tmp_path / "store"
    mark = "SELECT DISTINCT ?b WHERE { ?s <urn:x:build> ?b }"
    with oxigraph(tmp_path / "first") as first, oxigraph(tmp_path / "second") as second:
        pair = first.with_standby(second)
        _marked(data, 1)
        done = build(store, first, "--data", str(data), "--no-validate", env=pair)
        assert done.returncode == 0, done.stderr
        assert (_build_on(first), _build_on(second)) == (["1"], [])
        server = serve(store, env=pair)
        assert [row["b"]["value"] for row in _select(server, mark)] == ["1"]  # type: ignore[index]

        _marked(data, 2)
        done = build(store, first, "--data", str(data), "--no-validate", env=pair)
        assert done.returncode == 0, done.stderr
        assert (_build_on(first), _build_on(second)) == (["1"], ["2"])
        assert [row["b"]["value"] for row in _select(server, mark)] == ["2"]  # type: ignore[index]
        page = requests.get(server.url + "/id/thing-1", timeout=60)
        assert page.status_code == 200 and "Thing 1" in page.text

        first.process.terminate()  # the next build's engine
        first.process.wait()
        _marked(data, 3)
        done = build(store, first, "--data", str(data), "--no-validate", env=pair)
        assert done.returncode != 0
        assert first.query_url in done.stderr and "still answers" in done.stderr
        assert [row["b"]["value"] for row in _select(server, mark)] == ["2"]  # type: ignore[index]


def test_virtuoso_takes_more_graphs_than_its_dataset_list(tmp_path: Path, serve: Servers) -> None:
    # Virtuoso 7 refuses a query's dataset of more than about 4,000 named graphs: a build of
    # more still answers queries that read named graphs only (entity and source pages, the
    # service description) and queries that name their graphs; one that reads both the
    # default graph and every named graph is refused in our words. A description naming
    # every graph (a neighbour's label in each) has their metadata asked for in a few
    # requests: one or two per graph did not end within the deadline.
    data = tmp_path / "data"
    data.mkdir()
    count = 4_500
    _marked(data, 1, graphs=count)
    (data / "sources.trig").write_text(
        "<https://w3id.org/witness/graph/sources> {\n"
        "  <https://w3id.org/witness/graph/t7> <http://www.w3.org/ns/prov#wasDerivedFrom>\n"
        "    <https://w3id.org/witness/source/doc-7> .\n"
        "  <https://w3id.org/witness/source/doc-7> <http://purl.org/dc/terms/title> 'Doc 7' .\n"
        "}\n"
    )
    # a neighbour of thing 7 named in every graph (as a genre is in each source's authorities)
    (data / "hub.trig").write_text(
        "<https://w3id.org/witness/graph/t7> { <https://w3id.org/witness/id/thing-7> "
        "<http://schema.org/about> <https://w3id.org/witness/id/hub> . }\n"
        + "".join(
            f"<https://w3id.org/witness/graph/t{n}> "
            "{ <https://w3id.org/witness/id/hub> <http://schema.org/name> 'Hub'@en . }\n"
            for n in range(count)
        )
    )
    with virtuoso(tmp_path / "engine") as direct:
        proxy = Proxy(direct.query_url.rsplit("/", 1)[0])  # counting the queries
        engine = dataclasses.replace(direct, query_url=proxy.url + "/sparql")
        store = tmp_path / "store"
        done = build(store, engine, "--data", str(data), "--no-validate")
        assert done.returncode == 0, done.stderr
        server = serve(store, env=engine.environment())
        graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s <urn:x:build> ?b } }"
        assert _select(server, graphs)[0]["n"]["value"] == str(count)  # type: ignore[index]
        every = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        assert _select(server, every) == _select(serve(store), every)
        named = "SELECT ?o WHERE { GRAPH graph:t7 { ?s schema:name ?o } } ORDER BY ?o"
        assert [row["o"]["value"] for row in _select(server, named)] == ["Hub", "Thing 7"]  # type: ignore[index]
        asked = len(proxy.seen)
        page = requests.get(server.url + "/id/thing-7", timeout=60)
        assert page.status_code == 200 and "Thing 7" in page.text, page.text[-3000:]
        assert len(proxy.seen) - asked <= 10 + count // remote.DERIVATIONS  # not one per graph
        description = requests.get(
            server.url + "/id/thing-7", headers={"Accept": "application/n-quads"}, timeout=60
        )
        assert description.status_code == 200, description.text
        assert "<https://w3id.org/witness/graph/t7>" in description.text
        assert description.text.count('"Hub"@en') == count
        assert (
            "<https://w3id.org/witness/graph/t7> <http://www.w3.org/ns/prov#wasDerivedFrom> "
            "<https://w3id.org/witness/source/doc-7> <https://w3id.org/witness/graph/sources> ."
        ) in description.text
        source = requests.get(
            server.url + "/source/doc-7", headers={"Accept": "text/html"}, timeout=60
        )
        assert source.status_code == 200 and "Thing 7" in source.text, source.text[-2000:]
        described = requests.get(
            server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=60
        )
        assert described.status_code == 200, described.text
        assert "Doc 7" in described.text and "graph/t4499" in described.text
        both = "SELECT ?s WHERE { GRAPH ?g { ?s <urn:x:build> 1 } ?s schema:name ?name }"
        refused = requests.post(
            server.url + "/sparql",
            data={"query": both},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert refused.status_code == 400
        assert "at most 4,000 named graphs" in refused.text and "FROM NAMED" in refused.text


def test_a_large_graph_arrives_in_parts_with_its_blank_nodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A graph larger than one request goes in parts (the first replaces, the others add), on
    # the graph store and with INSERT DATA; the statements with blank nodes go together, so a
    # blank node is the same node across its statements. Parts made small to have several.
    monkeypatch.setattr(upload, "PART", 4)
    monkeypatch.setattr(upload, "BATCH", 3)
    name = ox.NamedNode("urn:x:big")
    value, link = ox.NamedNode("urn:x:value"), ox.NamedNode("urn:x:link")
    node = ox.BlankNode()
    triples = [ox.Triple(ox.NamedNode(f"urn:x:s{n}"), value, ox.Literal(str(n))) for n in range(11)]
    triples += [ox.Triple(ox.NamedNode(f"urn:x:s{n}"), link, node) for n in (0, 5, 9)]
    triples.append(ox.Triple(node, value, ox.Literal("b")))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    expected = rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )
    with oxigraph(tmp_path / "engine") as engine:
        graph_store = engine.query_url.rsplit("/", 1)[0] + "/store"
        for number, store_url in enumerate([graph_store, ""]):
            remote = RemoteEngine(engine.query_url, engine.update_url, store_url)
            target = tmp_path / "store" / "derived" / f"build-{number}" / "remote.json"
            target.parent.mkdir(parents=True)
            upload.Upload(remote).make(store, target)
            found = requests.post(
                engine.query_url,
                data={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:x:big> { ?s ?p ?o } }"},
                headers={"Accept": "application/n-triples"},
                timeout=60,
            )
            assert isomorphic(rdflib.Graph().parse(data=found.text, format="nt"), expected)


def test_an_upload_clears_what_its_register_listed(tmp_path: Path) -> None:
    # The register lists the graphs an upload may write before it writes them, so the next
    # upload drops those a killed one left; a register written by the earlier version (the
    # names as IRIs, which crashed Virtuoso 7.2 at 10M) is read as well.
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("urn:x:s"),
            ox.NamedNode("urn:x:p"),
            ox.Literal("o"),
            ox.NamedNode("urn:x:kept"),
        )
    )
    ask = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    with oxigraph(tmp_path / "engine") as engine:
        remote = RemoteEngine(engine.query_url, engine.update_url)
        old_register = (
            f"INSERT DATA {{ GRAPH <{upload.REGISTER}> {{ <{upload.REGISTER}> <{upload.HOLDS}> "
            "<urn:x:left> }} ; INSERT DATA { GRAPH <urn:x:left> { <urn:x:a> <urn:x:b> 1 } }"
        )
        requests.post(
            engine.update_url, data={"update": old_register}, timeout=60
        ).raise_for_status()
        load = upload._Load(remote)
        load.in_place(store, "build-1", ["urn:x:kept"])
        graphs = [row["g"]["value"] for row in _answer(engine.query_url, ask)]
        assert graphs == [upload.REGISTER, "urn:x:kept"]  # urn:x:left dropped
        assert load._held_graphs() == ["urn:x:kept"]


def _answer(
    url: str, query: str, parameters: Sequence[tuple[str, str]] = ()
) -> list[dict[str, dict[str, str]]]:
    """The rows of ``query`` asked straight of the engine at ``url``."""
    response = requests.post(
        url,
        data=[("query", query), *parameters],
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]  # type: ignore[no-any-return]


def test_virtuoso_answers_a_query_of_hundreds_of_named_graphs(
    tmp_path: Path, serve: Servers
) -> None:
    # A query that reads the default graph and every named graph gets the build's graphs as
    # a list, and Virtuoso answers with one header per graph: hundreds of them.
    data = tmp_path / "data"
    data.mkdir()
    _marked(data, 1, graphs=300)
    with virtuoso(tmp_path / "engine") as engine:
        store = tmp_path / "store"
        done = build(store, engine, "--data", str(data), "--no-validate")
        assert done.returncode == 0, done.stderr
        server = serve(store, env=engine.environment())
        both = (
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <urn:x:build> 1 } ?s schema:name ?name }"
        )
        assert _select(server, both)[0]["n"]["value"] == "300"  # type: ignore[index]
