"""What ``/sparql`` does with hostile or unlucky queries, shown on real servers.

Each query runs in a worker process under a deadline; the servers here have a short one
(``--timeout 2``) and run on about 50,000 statements, where a three-way cross join would take
hours. Worker processes are found through ``/proc``, as an operator would find them.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from processes import process, query_workers, settled, wait_for
from witness.dataset.build import build
from witness.settings import Settings

if TYPE_CHECKING:
    from conftest import LiveServer

TIMEOUT = 2.0
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MOVIES = "SELECT (COUNT(*) AS ?n) { ?film a schema:Movie }"


def query(server: LiveServer, text: str, **params: str) -> requests.Response:
    """POST the query as a form (no URL length limit), asking for JSON results."""
    return requests.post(
        server.url + "/sparql",
        data={"query": text, **params},
        headers={"Accept": "application/sparql-results+json"},
        timeout=TIMEOUT + 30,
    )


def rows(response: requests.Response) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text
    bindings: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return bindings


def movie_count(server: LiveServer) -> int:
    return int(rows(query(server, MOVIES))[0]["n"]["value"])


# Servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(archive_store: Path, serve_shared: Callable[..., LiveServer]) -> Iterator[LiveServer]:
    """A server with a 2 s deadline and two query workers, shared by this module's tests.

    Its tests stand for many clients, all on one address here: it lets one address have 16
    queries and 32 requests in progress at once. Tests that stop, crash or kill its workers
    wait until it has two idle ones again.
    """
    server = serve_shared(
        archive_store,
        *("--timeout", str(TIMEOUT), "--query-workers", "2", "--max-client-queries", "16"),
        *("--max-client-connections", "32"),
    )
    assert movie_count(server) > 0  # the workers are up
    yield server
    server.stop()


# (a) The deadline ----------------------------------------------------------------------


def test_a_query_past_its_deadline_is_stopped(guarded: LiveServer) -> None:
    movies = movie_count(guarded)
    before = settled(guarded, 2)
    answers: list[tuple[requests.Response, float]] = []

    def slow() -> None:
        started = time.monotonic()
        response = query(guarded, CROSS_JOIN)
        answers.append((response, time.monotonic() - started))

    client = threading.Thread(target=slow)
    client.start()
    busy: list[int] = []

    def one_worker_burns_cpu() -> bool:
        busy[:] = [
            pid
            for pid, p in query_workers(guarded).items()
            if pid in before and p.cpu > before[pid].cpu + 0.1
        ]
        return bool(busy) or not client.is_alive()

    wait_for(one_worker_burns_cpu)
    assert len(busy) == 1, "the cross join is running in one worker"
    # Meanwhile, another client is answered as usual by the other worker.
    assert movie_count(guarded) == movies
    client.join()

    ((response, seconds),) = answers
    assert response.status_code == 503
    assert "deadline" in response.text
    assert seconds < TIMEOUT + 1

    assert process(busy[0]) is None, "the worker that ran the cross join is gone"
    assert movie_count(guarded) == movies
    first = settled(guarded, 2)
    assert busy[0] not in first
    time.sleep(1)
    second = query_workers(guarded)
    assert second.keys() == first.keys()
    burnt = sum(second[pid].cpu - first[pid].cpu for pid in first)
    assert burnt < 0.1, f"idle workers used {burnt:.2f} s of CPU in a second"


# (b) No outbound connection ------------------------------------------------------------


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    sock: socket.socket
    connections: list[tuple[str, int]] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()
        return f"http://{host}:{port}"

    def serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.closing.is_set():
            try:
                conn, peer = self.sock.accept()
            except TimeoutError:
                continue
            self.connections.append(peer)
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    found = Listener(sock)
    thread = threading.Thread(target=found.serve, daemon=True)
    thread.start()
    yield found
    found.closing.set()
    thread.join()
    sock.close()


FEDERATED = [
    "SELECT * {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "select * {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?x a schema:Movie OPTIONAL {{ SeRvIcE<{url}/sparql>{{ ?x ?p ?o }} }} }}",
    "SELECT * {{ BIND(<{url}/sparql> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "ASK {{ FILTER NOT EXISTS {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }}",
    # Text the lexer must not mistake for a string or an IRI while the engine runs it:
    'SELECT * {{ ?s ?p (_:b" x ") . SERVICE <{url}/sparql> {{ ?a ?b ?c }} }} # "',
    "SELECT * {{ FILTER(?o<'>'||true) SERVICE <{url}/sparql> {{ ?a ?b ?c }} }} # '",
    "SELECT * {{ FILTER(1 < (?o<'>')||true) SERVICE <{url}/sparql> {{ ?a ?b ?c }} }} # '",
    "SELECT * {{ FILTER(?o<#>'''\n?o||true) SERVICE <{url}/sparql> {{ ?a ?b ?c }} }} # '''",
]


@pytest.mark.parametrize("template", FEDERATED)
def test_service_is_refused(guarded: LiveServer, listener: Listener, template: str) -> None:
    response = query(guarded, template.format(url=listener.url))
    assert response.status_code == 400
    assert "SERVICE" in response.text or "'<'" in response.text
    assert "federated" in response.text or "could be a less-than" in response.text
    assert listener.connections == []


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("SELECT * FROM <{url}/x> {{ ?s ?p ?o }}", {}),
        ("SELECT * FROM NAMED <{url}/x> {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        ("SELECT * {{ ?s ?p ?o }}", {"default-graph-uri": "{url}/x"}),
        ("SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} }}", {"named-graph-uri": "{url}/x"}),
        ("SELECT * {{ GRAPH <{url}/x> {{ ?s ?p ?o }} }}", {}),
    ],
)
def test_dataset_iris_are_never_fetched(
    guarded: LiveServer, listener: Listener, text: str, params: dict[str, str]
) -> None:
    url = listener.url
    filled = {name: value.format(url=url) for name, value in params.items()}
    assert rows(query(guarded, text.format(url=url), **filled)) == []
    assert listener.connections == []


def test_describe_and_load_fetch_nothing(guarded: LiveServer, listener: Listener) -> None:
    describe = requests.post(
        guarded.url + "/sparql",
        data={"query": f"DESCRIBE <{listener.url}/x>"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert (describe.status_code, describe.text) == (200, "")
    assert query(guarded, f"LOAD <{listener.url}/x>").status_code == 400
    assert listener.connections == []


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x {{ BIND("SERVICE <{url}/sparql> {{ ?s ?p ?o }}" AS ?x) }}',
        "SELECT ?x {{ BIND('''\nSERVICE <{url}/sparql> {{}}\n''' AS ?x) }}",
        "SELECT ?x {{ BIND(<{url}/SERVICE> AS ?x) }}",
        "# SERVICE <{url}/sparql> {{ ?s ?p ?o }}\nSELECT ?x {{ BIND(1 AS ?x) }}",
        "PREFIX service: <{url}/> SELECT ?x {{ BIND(service:SERVICE AS ?x) }}",
        "SELECT ?x {{ VALUES (?x ?y) {{ (<{url}/a#SERVICE> <{url}/b#(>) }} }}",
        "SELECT ?x {{ BIND(2021 AS ?x) FILTER(?x > '2020'^^<{url}/t#y> || ?x != <{url}/a#b>) }}",
    ],
)
def test_service_in_text_is_not_refused(guarded: LiveServer, listener: Listener, text: str) -> None:
    assert len(rows(query(guarded, text.format(url=listener.url)))) == 1
    assert listener.connections == []


# (c), (d) Limits on the query and the request ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ASK " + "{" * 3000 + "}" * 3000,
        "ASK { FILTER(" + "(" * 3000 + "true" + ")" * 3000 + ") }",
        "ASK { ?s ?p " + "[ ?p " * 3000 + "?o" + " ]" * 3000 + " }",
    ],
    ids=["braces", "parentheses", "brackets"],
)
def test_deep_nesting_is_refused(guarded: LiveServer, text: str) -> None:
    response = query(guarded, text)
    assert response.status_code == 400
    assert re.search(r"nests brackets 3,00\d deep", response.text), response.text
    assert "at most 64" in response.text
    assert movie_count(guarded) > 0  # and the server keeps serving


def test_query_over_the_size_limit(guarded: LiveServer) -> None:
    text = "ASK {}\n#" + "x" * 100_000
    response = query(guarded, text)
    assert response.status_code == 400
    assert "100,000" in response.text


def test_body_over_the_limit(guarded: LiveServer) -> None:
    response = requests.post(
        guarded.url + "/sparql",
        data=b"ASK {}" + b" " * 1_000_000,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413
    assert movie_count(guarded) > 0


# (e) Regular expressions ---------------------------------------------------------------


def test_backtracking_regex_answers_in_time(
    tmp_path: Path, serve: Callable[..., LiveServer]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lines = [
        f'<http://example.org/s{n}> <http://example.org/p> "{"a" * 5000}!" .' for n in range(100)
    ]
    lines += [
        f'<http://example.org/t{n}> <http://example.org/p> "{"a" * 5000}" .' for n in range(7)
    ]
    (data / "strings.nt").write_text("\n".join(lines) + "\n")
    settings = Settings(store=tmp_path / "store", data_dir=data)
    build(settings, validate=False)
    server = serve(settings.store, "--timeout", str(TIMEOUT), "--query-workers", "1")
    text = 'SELECT (COUNT(*) AS ?n) { ?s <http://example.org/p> ?o FILTER(REGEX(?o, "(a+)+$")) }'
    assert rows(query(server, text))[0]["n"]["value"] == "7"


# (f) A crashed or killed worker ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ASK { FILTER(" + "!" * 20_000 + "true) }",
        "ASK { FILTER(1 " + "+ 1 " * 8_000 + ") }",
    ],
    ids=["20k-nots", "8k-sums"],
)
def test_operator_chains_that_crash_the_engine_are_refused(guarded: LiveServer, text: str) -> None:
    """pyoxigraph 0.5.13 recurses once per operator of a chain and overflows its stack (killing
    the process) on some thousands of them, at a bracket depth of only 2: refused up front."""
    movies = movie_count(guarded)
    response = query(guarded, text)
    assert response.status_code == 400
    assert "operators together" in response.text
    assert "at most 1,000" in response.text
    assert movie_count(guarded) == movies
    settled(guarded, 2)


def test_a_killed_worker_is_replaced(guarded: LiveServer) -> None:
    movies = movie_count(guarded)
    victim = next(iter(settled(guarded, 2)))
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: victim not in query_workers(guarded))
    for _ in range(4):  # every worker is used at least once
        assert movie_count(guarded) == movies
    assert victim not in settled(guarded, 2)


# (g) Concurrency -------------------------------------------------------------------------


def test_many_clients_at_once(guarded: LiveServer) -> None:
    movies = movie_count(guarded)
    queries: list[tuple[str, Callable[[requests.Response], bool]]] = [
        (MOVIES, lambda r: int(rows(r)[0]["n"]["value"]) == movies),
        ("ASK { ?film a schema:Movie }", lambda r: r.json()["boolean"] is True),
        ("SELECT ?s { ?s ?p ?o } LIMIT 7", lambda r: len(rows(r)) == 7),
    ]

    def client(number: int) -> list[bool]:
        checks = []
        with requests.Session() as session:
            for n in range(10):
                text, check = queries[(number + n) % len(queries)]
                response = session.post(
                    guarded.url + "/sparql",
                    data={"query": text},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=30,
                )
                checks.append(response.status_code == 200 and check(response))
        return checks

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = [ok for checks in pool.map(client, range(16)) for ok in checks]
    assert len(outcomes) == 160 and all(outcomes)
