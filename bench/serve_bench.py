"""Serving at the engine's pace: ``witness serve`` against ``oxigraph serve-read-only`` on the
very database Witness built, side by side, with the same client, for the targets of the
issue "Serving at the engine's pace".

Both servers read the same stored default graph (the merge of the named graphs that every
build writes), so they answer the same rows. Measured, the servers taking turns in blocks:

* **light queries** (lookup, two-hop join, in+out neighbourhood, DESCRIBE, small CONSTRUCT,
  text FILTER with LIMIT), each request about another copy of the entity, drawn at random
  (the same sequence for both servers), and its text made unique by a comment, so that no
  answer is ever asked twice and no cache can hide the cost: p50 of each, and the
  difference, against ``+0.5 ms``;
* **engine-bound queries** (aggregates over the archive, a join with an aggregate, a text
  filter over every name), each request's text made unique by a comment (``# request 12``),
  so again no answer comes from memory: the ratio of p50s, against 1.10 where Oxigraph takes
  5 ms or more, with pyoxigraph's own time for the query in this process (the engine Witness
  runs, without HTTP or worker) beside them;
* **a repeated request**: the same DESCRIBE asked again and again, which Witness answers from
  its answer cache: p50 against Oxigraph's (which recomputes it), and the same request with
  ``If-None-Match``, answered 304;
* **throughput**: 8 client threads (one ``requests.Session`` each) cycling through the light
  queries, every request unique as above (no cache hits), against each server in turn, in
  slices of 5 s; then 32 clients for ``--soak`` seconds on Witness, counting errors, with
  its deadline, query workers and vetting in force (the per-client shares are off, since the
  bench's threads stand for many clients from one address).

    python bench/serve_bench.py --size 1M
    python bench/serve_bench.py --size 100k --requests 20 --duration 5 --soak 10
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from generate import template
from mix import PREFIXES, Query, ask
from peers import Cpu, Server, commands, prepare, start
from report import machine
from timing import Latency, Throughput, engine_alone, progress
from witness.settings import bundled

OUT = Path(__file__).parent / "out"

LIGHT = {
    "lookup": ("SELECT ?p ?o WHERE {{ id:ai-weiwei-{n} ?p ?o }}", False),
    "two-hop": (
        "SELECT ?film ?title ?name WHERE {{ id:bearing-witness-{n} schema:workFeatured ?film . "
        "?film schema:name ?title ; schema:director ?d . ?d schema:name ?name }}",
        False,
    ),
    "neighbourhood": (
        "SELECT ?p ?o ?q ?s WHERE {{ {{ id:ai-weiwei-{n} ?p ?o }} "
        "UNION {{ ?s ?q id:ai-weiwei-{n} }} }}",
        False,
    ),
    "describe": ("DESCRIBE id:the-rest-{n}", True),
    "construct": ("CONSTRUCT {{ id:the-rest-{n} ?p ?o }} WHERE {{ id:the-rest-{n} ?p ?o }}", True),
    "text-limit": (
        "SELECT ?o ?name WHERE {{ {{ id:ai-weiwei-{n} ?p ?o "
        'FILTER(STRSTARTS(STR(?o), "https://w3id.org/witness/id/")) }} ?o schema:name ?name '
        'FILTER(CONTAINS(LCASE(?name), "prize")) }} LIMIT 3',
        False,
    ),
}
"""Light queries: the text, with ``{n}`` a copy number. (Ai Weiwei's neighbourhood is not
taken whole in a CONSTRUCT: it reaches the genre "documentary film", named once by each of
the archive's copies.)"""

HEAVY = {
    "classes": (
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?resources) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?resources) ?class"
    ),
    "films-by-year": (
        "SELECT ?year (COUNT(?film) AS ?films) WHERE { ?film a schema:Movie ; "
        "schema:datePublished ?year } GROUP BY ?year ORDER BY ?year"
    ),
    "join-aggregate": (
        "SELECT ?name (COUNT(DISTINCT ?film) AS ?films) (COUNT(?event) AS ?subjects) WHERE { "
        "?film schema:director ?d . ?d schema:name ?name . ?film schema:about ?event } "
        "GROUP BY ?name ORDER BY DESC(?films) ?name LIMIT 10"
    ),
    "text-filter": (
        'SELECT ?s ?name WHERE { ?s schema:name ?name FILTER(CONTAINS(LCASE(?name), "rest #12")) }'
    ),
}
"""Engine-bound queries: the same text every time but for a comment that makes it unique."""

REPEATED = Query("repeated", PREFIXES + "DESCRIBE id:the-rest-17", graph=True, cheap=False)


def light(name: str, n: int, unique: str = "") -> Query:
    template, graph = LIGHT[name]
    text = PREFIXES + template.format(n=n) + unique
    return Query(name, text, graph=graph, cheap=True)


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)

    def p50(self, name: str) -> float:
        return statistics.median(self.samples[name]) * 1000

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds)


def timed(session: requests.Session, server: Server, query: Query, timings: Timings) -> None:
    began = time.perf_counter()
    answer = ask(session, server.url, query)
    elapsed = time.perf_counter() - began
    if answer.status == 200:
        timings.add(query.name, elapsed)
    else:
        timings.errors[f"{query.name}: HTTP {answer.status}"] += 1


def turns(servers: list[Server], queries: list[Query], block: int) -> dict[str, Timings]:
    """Each server asks ``queries`` in order, the servers taking turns in blocks of ``block``
    (each block after one untimed request, the order alternating), so that other load on the
    machine weighs on both alike."""
    found = {server.name: Timings() for server in servers}
    sessions = {server.name: requests.Session() for server in servers}
    for b in range(math.ceil(len(queries) / block)):
        part = queries[b * block : (b + 1) * block]
        for server in servers if b % 2 == 0 else servers[::-1]:
            session = sessions[server.name]
            ask(session, server.url, part[0])  # the connection and the server are warm
            for query in part:
                timed(session, server, query, found[server.name])
    for session in sessions.values():
        session.close()
    return found


def conditional(server: Server, query: Query, count: int) -> tuple[list[float], Counter[int]]:
    """``count`` requests for ``query`` with the ``ETag`` of a first answer in ``If-None-Match``."""
    statuses: Counter[int] = Counter()
    samples = []
    with requests.Session() as session:
        params, headers = {"query": query.text}, {"Accept": query.accept}
        first = session.get(server.url, params=params, headers=headers, timeout=60)
        tag = first.headers.get("ETag")
        if tag is None:
            return [], Counter({first.status_code: 1})
        for _ in range(count):
            began = time.perf_counter()
            response = session.get(
                server.url, params=params, headers={**headers, "If-None-Match": tag}, timeout=60
            )
            samples.append(time.perf_counter() - began)
            statuses[response.status_code] += 1
    return samples, statuses


def load(url: str, clients: int, seconds: float, copies: int, seed: int) -> Throughput:
    """``clients`` threads cycling through the light queries for ``seconds``, each request
    about a random copy and unique (a comment names the client and the request)."""
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    totals = Throughput(clients, 0.0, 0, Counter())
    end = [0.0]
    names = list(LIGHT)

    def client(k: int) -> None:
        pick = random.Random(seed * 1000 + k)
        ok, failed, i = 0, Counter[str](), 0
        with requests.Session() as session:
            barrier.wait()
            while time.perf_counter() < end[0]:
                i += 1
                query = light(names[i % len(names)], pick.randint(1, copies), f"\n# {k}-{i}")
                try:
                    answer = ask(session, url, query)
                except requests.RequestException as error:
                    failed[type(error).__name__] += 1
                    continue
                if answer.status == 200:
                    ok += 1
                else:
                    failed[f"HTTP {answer.status}"] += 1
        with lock:
            totals.ok += ok
            totals.errors.update(failed)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    end[0] = began + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    totals.seconds = time.perf_counter() - began
    return totals


def copies_in(archive_lines: int) -> int:
    """How many copies of the curated data the archive holds (bench/generate.py)."""
    return max(archive_lines // len(template(bundled("data"))), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per query")
    parser.add_argument("--block", type=int, default=10)
    parser.add_argument("--duration", type=float, default=10.0, help="s per throughput run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--soak", type=float, default=60.0, help="s of 32 clients (0: skip)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--query-workers", type=int, default=0)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--web-threads", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    args.servers, args.copy, args.text = ["witness", "oxigraph"], 17, "rest #12"
    start_load = os.getloadavg()
    data = prepare(args.size, args.out)
    copies = copies_in(data.lines)
    servers = [
        start(name, command, url, data.directory / "logs" / f"serve-{name}.log", limit)
        for name, command, url, limit in commands(data, args)
    ]
    pids = [server.process.pid for server in servers]
    began = Cpu.now(pids)
    try:
        pick = random.Random(args.seed)
        results: dict[str, dict[str, Timings]] = {}
        for name in LIGHT:
            queries = [
                light(name, pick.randint(1, copies), f"\n# request {i}")
                for i in range(args.requests)
            ]
            results[name] = turns(servers, queries, args.block)
            progress(name)(", ".join(f"{s} {t.p50(name):.2f} ms" for s, t in results[name].items()))
        for name, text in HEAVY.items():
            count = max(args.requests // 4, 8)
            queries = [
                Query(name, PREFIXES + text + f"\n# request {i}", graph=False, cheap=False)
                for i in range(count)
            ]
            results[name] = turns(servers, queries, max(args.block // 2, 2))
            progress(name)(", ".join(f"{s} {t.p50(name):.2f} ms" for s, t in results[name].items()))
        engine = engine_alone(
            data,
            [Query(n, PREFIXES + t, graph=False, cheap=False) for n, t in HEAVY.items()],
            argparse.Namespace(warmup=2, requests=max(args.requests // 4, 8), budget=60.0),
        )
        results["repeated"] = turns(servers, [REPEATED] * 31, 31)
        witness = next(server for server in servers if server.name == "witness")
        not_modified, statuses = conditional(witness, REPEATED, 31)
        rates: dict[str, Throughput] = {
            s.name: Throughput(args.clients, 0.0, 0, Counter()) for s in servers
        }
        slices = max(math.ceil(args.duration / 5), 1)
        for k in range(slices):
            for server in servers if k % 2 == 0 else servers[::-1]:
                run = load(server.url, args.clients, args.duration / slices, copies, args.seed + k)
                rates[server.name] += run
        soak = load(witness.url, 32, args.soak, copies, args.seed) if args.soak else None
        others = Cpu.now(pids).others(began)
    finally:
        for server in servers:
            server.stop()
    report(data, args, results, engine, not_modified, statuses, rates, soak, others, start_load)


def report(
    data: object,
    args: argparse.Namespace,
    results: dict[str, dict[str, Timings]],
    engine: dict[str, Latency],
    not_modified: list[float],
    statuses: Counter[int],
    rates: dict[str, Throughput],
    soak: Throughput | None,
    others: float,
    start_load: tuple[float, float, float],
) -> None:
    now = os.getloadavg()
    print(f"### serve bench, {args.size}\n")
    print(*machine(), sep="\n")
    print(
        f"- load average (1, 5, 15 min) at start {start_load[0]:.2f} {start_load[1]:.2f} "
        f"{start_load[2]:.2f}, at end {now[0]:.2f} {now[1]:.2f} {now[2]:.2f}; other processes "
        f"took {others:.0%} of the CPUs meanwhile"
    )
    print(f"- witness serve --web-workers {args.web_workers} --query-workers {args.query_workers}")
    print()
    print(
        "| query | kind | witness p50 ms | oxigraph p50 ms | difference ms | ratio | target "
        "| pyoxigraph in-process p50 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, found in results.items():
        ours, theirs = found["witness"], found["oxigraph"]
        if name not in ours.samples or name not in theirs.samples:
            print(f"| {name} | | failed: {dict(ours.errors)} {dict(theirs.errors)} | | | | |")
            continue
        a, b = ours.p50(name), theirs.p50(name)
        if name in LIGHT:
            kind, verdict = "light", "met" if a - b <= 0.5 else f"MISSED by {a - b - 0.5:.2f} ms"
            target = f"<= +0.5 ms: {verdict}"
        elif name in HEAVY:
            kind = "engine-bound"
            if b < 5:
                target = "(Oxigraph under 5 ms: not a target)"
            else:
                target = "<= 1.10x: " + (
                    "met" if a / b <= 1.10 else f"MISSED by {a / b - 1.10:.3f}x"
                )
        else:
            kind = "repeated"
            target = "<= 1.0x: " + ("met" if a <= b else f"MISSED by {a / b - 1:.2f}x")
        alone = f"{engine[name].p50:.2f}" if name in engine else ""
        print(
            f"| {name} | {kind} | {a:.2f} | {b:.2f} | {a - b:+.2f} | {a / b:.2f} | {target} "
            f"| {alone} |"
        )
    if not_modified:
        p50 = statistics.median(not_modified) * 1000
        print(
            f"\nConditional GET with the answer's ETag: statuses {dict(statuses)}, "
            f"p50 {p50:.2f} ms."
        )
    else:
        print(f"\nConditional GET: no ETag ({dict(statuses)}).")
    mine, peer = rates["witness"], rates["oxigraph"]
    ratio = mine.rate / peer.rate if peer.rate else 0.0
    verdict = "met" if ratio >= 0.5 else f"MISSED by {0.5 - ratio:.2f}"
    print(
        f"\nThroughput, {args.clients} clients, light queries each about a random copy and "
        f"unique (no cache hits): witness {mine.rate:,.1f} req/s (errors {dict(mine.errors)}), "
        f"oxigraph {peer.rate:,.1f} req/s (errors {dict(peer.errors)}): "
        f"{ratio:.2f}x (target >= 0.5x: {verdict})."
    )
    if soak is not None:
        errors = sum(soak.errors.values())
        print(
            f"\nWitness, 32 clients for {soak.seconds:.0f} s: {soak.ok:,} answers "
            f"({soak.rate:,.1f}/s), {errors} errors {dict(soak.errors)} "
            f"(target: zero, {'met' if errors == 0 else 'MISSED'})."
        )


if __name__ == "__main__":
    main()
