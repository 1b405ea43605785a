"""A server's life: started on stale data, stopped with queries in flight, and builds
killed half way (issue 9, findings 8 and 9)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from processes import wait_for
from witness.settings import bundled

if TYPE_CHECKING:
    from conftest import LiveServer

WITNESS = str(Path(sys.executable).parent / "witness")
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ABORTS = ("std::system_error", "Aborted", "SIGABRT", "Traceback", "core dumped")


def ask(server: LiveServer, text: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )


# Finding 8: a clean stop -------------------------------------------------------------------


def test_sigterm_stops_in_flight_queries_and_exits_cleanly(
    archive_store: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(archive_store, "--timeout", "60", "--query-workers", "2")
    answers: list[requests.Response] = []
    clients = [
        threading.Thread(target=lambda: answers.append(ask(server, CROSS_JOIN))) for _ in range(2)
    ]
    for client in clients:
        client.start()
    time.sleep(1)  # both runaway queries are running
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    for client in clients:
        client.join()
    assert [response.status_code for response in answers] == [503, 503]
    assert all("stopping" in response.text for response in answers)
    log = server.log.read_text()
    assert not [word for word in ABORTS if word in log], log


def test_sigterm_lets_a_quick_query_finish(
    archive_store: Path, serve: Callable[..., LiveServer]
) -> None:
    server = serve(archive_store, "--query-workers", "1")
    assert ask(server, "ASK {}").status_code == 200
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    log = server.log.read_text()
    assert not [word for word in ABORTS if word in log], log


# Finding 9: stale data, and builds killed half way -----------------------------------------

EXTRA = """
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/witness/graph/extra> {
    <https://w3id.org/witness/id/extra> a schema:Thing ; schema:name "Added after the build" .
}
<https://w3id.org/witness/graph/sources> {
    <https://w3id.org/witness/graph/extra>
        prov:wasDerivedFrom <https://w3id.org/witness/source/extra> .
    <https://w3id.org/witness/source/extra> a schema:WebPage ;
        dcterms:title "An extra page" ; schema:name "An extra page" .
}
"""


def test_serve_rebuilds_a_store_built_from_older_data(
    tmp_path: Path, serve: Callable[..., LiveServer]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled("data"), data)
    store = tmp_path / "store"
    first = serve(store, "--data", str(data))
    assert "Built " in first.log.read_text() and " named graphs" in first.log.read_text()
    first.stop()

    (data / "extra.trig").write_text(EXTRA, encoding="utf-8")
    second = serve(store, "--data", str(data))
    log = second.log.read_text()
    assert "built from older data" in log and "rebuilding it" in log
    built = next(line for line in log.splitlines() if line.startswith("Built "))
    assert "statements in" in built and "named graphs" in built
    answer = ask(second, 'ASK { ?s <http://schema.org/name> "Added after the build" }')
    assert answer.json()["boolean"] is True
    second.stop()

    third = serve(store, "--data", str(data))
    log = third.log.read_text()
    assert "Serving " in log and "rebuilding" not in log


def test_a_build_killed_half_way_leaves_the_live_store_and_is_cleared_next_time(
    tmp_path: Path, serve: Callable[..., LiveServer]
) -> None:
    data = tmp_path / "data"
    generator = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    subprocess.run([sys.executable, str(generator), "400k", str(data)], check=True)
    store = tmp_path / "store"
    command = [WITNESS, "build", "--store", str(store), "--data", str(data), "--no-validate"]
    subprocess.run(command, check=True, capture_output=True)
    live = (store / "current").resolve()
    server = serve(store, "--data", str(data))
    before = ask(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").json()

    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    builds = store / "builds"
    wait_for(lambda: any(b != live for b in builds.iterdir()) or killed.poll() is not None)
    time.sleep(0.5)  # it is writing
    killed.kill()
    killed.wait()
    assert killed.returncode == -signal.SIGKILL, "the build was killed before it finished"
    (left,) = [b for b in builds.iterdir() if b != live]
    assert (store / "current").resolve() == live
    assert ask(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").json() == before

    subprocess.run(command, check=True, capture_output=True)
    assert not left.exists(), "the next build cleared what the killed one left"
    assert not (store / "derived" / left.name).exists()
    assert (store / "current").resolve() != live
