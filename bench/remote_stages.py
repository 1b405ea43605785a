"""Where a light query's time goes when Witness serves a remote engine: each stage timed on its
own, side by side, on one Virtuoso loaded (``witness build --store-url``) with the archive of
``--size`` statements (bench/generate.py).

Over HTTP, with one keep-alive client as the endpoint bench's: the query through ``witness
serve --store-url`` (the remote path), straight to Virtuoso with the build's default graph,
and through ``witness serve`` on the build's own store (the embedded path). In this process:
the query pool (one worker) on the engine and on the store; ``RemoteStore.query``;
``Engine.query``; the same request on a new connection with ``urllib``, as the engine client
made each one before it kept its connection; and the steps of ``RemoteStore.query`` around
the request: pyoxigraph's syntax check on an empty store, the lexer, parsing the engine's
answer and the worker writing it again.

Every measure takes its turn in each of ``--rounds`` rounds (one untimed request, then 10
timed), so that whatever else the machine does weighs on all of them alike; figures are
medians in ms. The derived rows split what Witness adds to a query sent straight to Virtuoso:

- **web layer**: the embedded path over HTTP less its query pool and less the client's share
  (Virtuoso over HTTP less ``Engine.query``): gunicorn, Flask, vetting, negotiation, headers,
  gzip, the answer's ETag;
- **pool hop**: the pool on the engine less ``RemoteStore.query`` (the job to a worker, the
  answer written there and sent back, through a pipe);
- **remote store**: ``RemoteStore.query`` less ``Engine.query`` (the steps listed above);
- **new connection**: ``urllib`` on a new connection less ``Engine.query``.

Usage::

    python bench/remote_stages.py --size 100k --rounds 30
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from engines import virtuoso  # the tests' engine starter
from mix import Query, ask, query_mix
from peers import Server, free_port, prepare, start, wait_idle
from remote_bench import OUT, load_with_witness, start_witness
from report import machine
from witness.dataset.engine import Engine
from witness.dataset.store import StoreLocation
from witness.sparql import lexer, remote
from witness.sparql.pool import QueryPool
from witness.sparql.worker import Job

Measure = Callable[[], object]


def stages(
    query: Query, servers: dict[str, str], pools: dict[str, QueryPool], store: remote.RemoteStore
) -> dict[str, Measure]:
    """What is timed for ``query``, by name."""
    form = lexer.inspect(query.text).form or "SELECT"
    accept = remote.ACCEPT[form]
    parameters = [("default-graph-uri", store.dataset.default), ("timeout", "30000")]
    engine = store.engine
    media, data, _ = engine.query(query.text, accept, parameters=parameters, timeout=30)
    graph = form in ("CONSTRUCT", "DESCRIBE")

    def written() -> None:
        if graph:
            triples = list(ox.parse(data, remote.PARSE_GRAPH[media]))
            ox.serialize(triples, io.BytesIO(), ox.RdfFormat.N_TRIPLES)
        else:
            answer = ox.parse_query_results(data, remote.PARSE_RESULTS[media])
            answer.serialize(io.BytesIO(), ox.QueryResultsFormat.JSON)

    def new_connection() -> bytes:
        body = urllib.parse.urlencode([("query", query.text), *parameters]).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        request = urllib.request.Request(engine.query_url, body, headers, method="POST")
        with urllib.request.build_opener().open(request, timeout=30) as response:
            answer: bytes = response.read()
            return answer

    job = Job(query.text, "json", "ntriples", own_dataset=lexer.inspect(query.text).dataset)
    measures: dict[str, Measure] = {
        f"{name} over HTTP": partial(ask, requests.Session(), url, query)
        for name, url in servers.items()
    }
    measures |= {f"pool on the {name}": partial(pooled, pool, job) for name, pool in pools.items()}
    return measures | {
        "RemoteStore.query": lambda: store.query(query.text),
        "Engine.query": lambda: engine.query(query.text, accept, parameters=parameters, timeout=30),
        "urllib, a new connection": new_connection,
        "syntax check (empty store)": lambda: store._parser.query(query.text),
        "lexer": lambda: lexer.inspect(query.text),
        "answer parsed and written again": written,
    }


def pooled(pool: QueryPool, job: Job) -> None:
    """``job`` run by ``pool``, its whole answer read."""
    _, complete = pool.execute(job).prefetch(1 << 20)
    assert complete


def timed(measures: dict[str, Measure], rounds: int) -> dict[str, float]:
    """Median ms of each measure, taking turns in ``rounds`` rounds of 10."""
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(rounds):
        for name, measure in measures.items():
            measure()
            for _ in range(10):
                started = time.perf_counter()
                measure()
                samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(found) * 1000 for name, found in samples.items()}


def derived(ms: dict[str, float]) -> dict[str, float]:
    client = ms["Virtuoso over HTTP"] - ms["Engine.query"]
    return {
        "added (Witness remote less Virtuoso, over HTTP)": ms["Witness remote over HTTP"]
        - ms["Virtuoso over HTTP"],
        "web layer": ms["Witness embedded over HTTP"] - ms["pool on the store"] - client,
        "pool hop": ms["pool on the engine"] - ms["RemoteStore.query"],
        "remote store": ms["RemoteStore.query"] - ms["Engine.query"],
        "new connection (no longer paid)": ms["urllib, a new connection"] - ms["Engine.query"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--copy", type=int, default=17)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--wait-idle", type=float, default=0.0)
    args = parser.parse_args()
    data = prepare(args.size, OUT)
    print("\n".join(machine()))
    with (
        tempfile.TemporaryDirectory(prefix="witness-stages-") as scratch,
        virtuoso(Path(scratch) / "engine") as engine,
        ExitStack() as running,
    ):
        root = Path(scratch)
        load_with_witness(data.directory, root / "store", engine)
        port = free_port()
        witness = str(Path(sys.executable).parent / "witness")
        command = [witness, "serve", "--store", str(root / "store"), "--port", str(port)]
        command += ["--answer-cache", "0"]
        url = f"http://127.0.0.1:{port}/sparql"
        embedded = start("embedded", command, url, root / "embedded.log", 120)
        running.callback(embedded.stop)
        served = start_witness(root, 30, engine)  # the engine's settings now in os.environ
        running.callback(served.stop)
        location = StoreLocation(root / "store")
        client = Engine(engine.query_url)
        pools = {
            "engine": QueryPool(location, 1, 30.0, engine=client),
            "store": QueryPool(location, 1, 30.0),
        }
        for pool in pools.values():
            pool.start()
            running.callback(pool.close)
        _, dataset = remote.held(location, location.live_build(), client)
        wait_idle(args.wait_idle)
        report(args, served, embedded, engine.query_url, pools, dataset, client)


def report(
    args: argparse.Namespace,
    served: Server,
    embedded: Server,
    query_url: str,
    pools: dict[str, QueryPool],
    dataset: remote.Dataset,
    client: Engine,
) -> None:
    servers = {
        "Witness remote": served.url,
        "Virtuoso": f"{query_url}?default-graph-uri={dataset.default}",
        "Witness embedded": embedded.url,
    }
    store = remote.RemoteStore(client, dataset, 30.0)
    light = [query for query in query_mix(args.copy, "weiwei") if query.cheap]
    found = {
        query.name: timed(stages(query, servers, pools, store), args.rounds) for query in light
    }
    names = list(found)
    print("\n| stage (median ms) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    columns = {q: found[q] | derived(found[q]) for q in names}
    for row in columns[names[0]]:
        print(f"| {row} | " + " | ".join(f"{columns[q][row]:.2f}" for q in names) + " |")


if __name__ == "__main__":
    main()
