"""Entity description benchmark: ``/id/...`` of ``witness serve`` against ``oxigraph
serve-read-only`` answering the equivalent CONSTRUCT, on the same synthetic archive, with the
same client.

Generates the archive (bench/generate.py) and builds a Witness store from it unless they exist
(under bench/out/SIZE), then starts both servers on free loopback ports: Witness on its store,
Oxigraph read-only on the very database directory Witness built (its stored default graph,
the merge of the named graphs). Each
request describes another copy of the entity (``ai-weiwei-17``, ``ai-weiwei-942``...), the
same sequence for both servers, so that no answer repeats the one before. Measured, per
entity kind: p50 and p99 of sequential requests (one ``requests.Session``, keep-alive) for

* Witness ``GET /id/{slug}`` with ``Accept: application/n-triples`` and ``text/turtle``: the
  full description, statements in and out with their sources (reified), neighbours' labels
  and types;
* Oxigraph ``GET /query`` with the CONSTRUCT of the same statements in and out and the same
  neighbour labels and types, as N-Triples (no provenance: Oxigraph has no such notion).

The servers take turns in rounds, so that other work on the machine weighs on both alike.
Before the servers start, the stages of a description are timed in this process on the same
store (no HTTP, no worker process): the description query, reading the sources of its rows,
writing N-Triples with provenance, and Oxigraph's CONSTRUCT, for the engine's share.

    python bench/describe_bench.py --size 1M
    python bench/describe_bench.py --size 100k --requests 50 --rounds 2
"""

from __future__ import annotations

import argparse
import io
import math
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests

from generate import generate, parse_scale, template
from peers import Server, free_port, start, wait_idle
from report import machine
from timing import Latency
from witness.dataset import provenance
from witness.formats import GRAPHS
from witness.iris import Iris
from witness.queries import named
from witness.settings import DEFAULT_BASE_IRI, bundled

OUT = Path(__file__).parent / "out"
HOST = "127.0.0.1"
IRIS = Iris(DEFAULT_BASE_IRI)
KINDS = ("ai-weiwei", "the-rest")
"""Entities described: a person (about a hundred statements in and out) and a film, whose
genre's label every copy of the archive states again (thousands of neighbour quads)."""

CONSTRUCT = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
CONSTRUCT { ?this ?p ?o . ?s ?q ?this . ?n ?np ?nv . ?m ?mp ?mv }
WHERE {
  { ?this ?p ?o }
  UNION { ?s ?q ?this }
  UNION { ?this ?toward ?n . FILTER(?toward != rdf:type) ?n ?np ?nv
          FILTER(?np IN (rdf:type, schema:name, rdfs:label, skos:prefLabel)) }
  UNION { ?m ?from ?this . ?m ?mp ?mv
          FILTER(?mp IN (rdf:type, schema:name, rdfs:label, skos:prefLabel)) }
}"""
"""What ``queries/describe.rq`` selects, as a CONSTRUCT over the default graph. The
Oxigraph server takes no bindings, so the client writes the entity's IRI (one of our own, made
by this script) in place of ``?this``."""


def construct(iri: str) -> str:
    return CONSTRUCT.replace("?this", f"<{iri}>")


@dataclass
class Series(Latency):
    """Latencies (s) of one server, entity kind and format, and the sizes of the answers."""

    sizes: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """One thing to measure: how to ask for the description of copy ``n`` of an entity."""

    server: str
    kind: str
    accept: str
    request: Callable[[requests.Session, int], requests.Response]

    @property
    def label(self) -> str:
        return f"{self.server} {self.kind} {self.accept}"


def targets(witness: str, oxigraph: str) -> list[Target]:
    """What to measure, given Witness's address and Oxigraph's query URL."""

    def describe(kind: str, accept: str) -> Callable[[requests.Session, int], requests.Response]:
        def ask(session: requests.Session, n: int) -> requests.Response:
            headers = {"Accept": accept}
            return session.get(f"{witness}/id/{kind}-{n}", headers=headers, timeout=300)

        return ask

    def query(kind: str) -> Callable[[requests.Session, int], requests.Response]:
        def ask(session: requests.Session, n: int) -> requests.Response:
            params = {"query": construct(IRIS.entity(f"{kind}-{n}"))}
            headers = {"Accept": "application/n-triples"}
            return session.get(oxigraph, params=params, headers=headers, timeout=300)

        return ask

    found = []
    for kind in KINDS:
        for accept in ("application/n-triples", "text/turtle"):
            found.append(Target("witness", kind, accept, describe(kind, accept)))
        found.append(Target("oxigraph", kind, "application/n-triples", query(kind)))
    return found


def check(targets: list[Target], copy: int) -> None:
    """Every answer parses, and Witness's holds every triple of Oxigraph's CONSTRUCT."""
    with requests.Session() as session:
        for kind in KINDS:
            answers = {}
            for target in (t for t in targets if t.kind == kind):
                response = target.request(session, copy)
                response.raise_for_status()
                media = response.headers["Content-Type"].split(";")[0]
                syntax = ox.RdfFormat.from_media_type(media)
                assert syntax is not None, media
                answers[target.label] = {q.triple for q in ox.parse(response.content, syntax)}
            found = [a for label, a in answers.items() if label.startswith("witness")]
            reference = next(a for label, a in answers.items() if label.startswith("oxigraph"))
            missing = [reference - triples for triples in found if not reference <= triples]
            assert not missing, f"{kind}: Witness misses {sorted(map(str, missing[0]))[:5]}"
            print(
                f"checked {kind}-{copy}: Oxigraph {len(reference)} triples, Witness "
                + ", ".join(f"{len(a)}" for a in found)
                + " (N-Triples, Turtle; with reification)",
                file=sys.stderr,
            )


def measure(
    targets: list[Target], copies: list[int], rounds: int, warmup: int
) -> dict[str, Series]:
    """``rounds`` rounds; in each, every target runs through ``copies`` (after ``warmup``)."""
    series = {target.label: Series() for target in targets}
    for round_ in range(rounds):
        order = targets if round_ % 2 == 0 else targets[::-1]
        for target in order:
            measured = series[target.label]
            with requests.Session() as session:
                for n in copies[-warmup:]:
                    target.request(session, n).raise_for_status()
                for n in copies:
                    began = time.perf_counter()
                    response = target.request(session, n)
                    body = response.content
                    elapsed = time.perf_counter() - began
                    if response.status_code == 200 and body:
                        measured.samples.append(elapsed)
                        measured.sizes.append(len(body))
                    else:
                        measured.errors += 1
            print(
                f"[round {round_ + 1}] {target.label}: p50 {measured.p50:.2f} ms", file=sys.stderr
            )
    return series


def stages(store: Path, copies: list[int]) -> list[str]:
    """p50 (ms) of each stage of a description, in this process, per entity kind (the
    second of two passes over ``copies``)."""
    opened = ox.Store.read_only(str((store / "current").resolve()))
    sources = provenance.Sources(provenance.Local(opened))
    prefixes = IRIS.prefixes()
    query = named("describe")
    lines = [
        "| entity | description query (rows) | sources | write N-Triples | sum "
        "| Oxigraph's CONSTRUCT as N-Triples |",
        "|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        times: dict[str, list[float]] = {"rows": [], "sources": [], "write": [], "construct": []}
        # A first pass warms the store's caches for every copy, as the servers' warm-up does.
        for n in [*copies, *copies]:
            this = ox.NamedNode(IRIS.entity(f"{kind}-{n}"))
            t0 = time.perf_counter()
            solutions = opened.query(query, substitutions={ox.Variable("this"): this})
            assert isinstance(solutions, ox.QuerySolutions)
            rows = list(solutions)
            t1 = time.perf_counter()
            found = provenance.collect(rows, sources)
            t2 = time.perf_counter()
            provenance.write(found, io.BytesIO(), GRAPHS["ntriples"], prefixes)
            t3 = time.perf_counter()
            answer = opened.query(construct(this.value))
            assert isinstance(answer, ox.QueryTriples)
            ox.serialize(answer, None, ox.RdfFormat.N_TRIPLES)
            t4 = time.perf_counter()
            for stage, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                times[stage].append(seconds)
        for stage in times:
            del times[stage][: len(copies)]
        p50 = {stage: statistics.median(values) * 1000 for stage, values in times.items()}
        total = p50["rows"] + p50["sources"] + p50["write"]
        lines.append(
            f"| {kind}-n | {p50['rows']:.2f} | {p50['sources']:.2f} | {p50['write']:.2f} "
            f"| {total:.2f} | {p50['construct']:.2f} |"
        )
    return lines


def prepare(size: str, out: Path) -> tuple[Path, int]:
    """The Witness store of the archive of ``size`` (made if missing), and its copy count."""
    directory = out / size
    if not (directory / "archive.nq").exists():
        generate(parse_scale(size), directory, bundled("data"))
    store = directory / "store"
    if not (store / "current").exists():
        witness = shutil.which("witness") or sys.exit("needs 'witness' on PATH")
        command = [witness, "build", "--no-validate", "--store", str(store), "--data"]
        subprocess.run([*command, str(directory)], check=True, stdout=subprocess.DEVNULL)
    copies = math.ceil(parse_scale(size) / len(template(bundled("data"))))
    return store, copies


def report(
    series: dict[str, Series], args: argparse.Namespace, store: Path, staged: list[str]
) -> str:
    lines = [
        f"`python bench/describe_bench.py --size {args.size} --requests {args.requests} "
        f"--rounds {args.rounds}`, store `{store}`:",
        "",
        *machine(),
        "",
        "| entity | server, format | p50 ms | p99 ms | mean bytes | vs Oxigraph p50 |",
        "|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        reference = series[f"oxigraph {kind} application/n-triples"].p50
        for label, measured in series.items():
            server, entity, accept = label.split(" ")
            if entity != kind:
                continue
            size = statistics.mean(measured.sizes) if measured.sizes else 0
            lines.append(
                f"| {kind}-n | {server}, {accept} | {measured.p50:.2f} | "
                f"{measured.percentile(99):.2f} | {size:,.0f} | {measured.p50 / reference:.2f}x |"
            )
    errors = {label: s.errors for label, s in series.items() if s.errors}
    if errors:
        lines.append(f"\nErrors: {errors}")
    lines += ["", "In-process stages of a description, p50 ms over the same copies:", ""]
    return "\n".join([*lines, *staged])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="archive size: 100k, 1M...")
    parser.add_argument("--requests", type=int, default=200, help="requests per target and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the servers taking turns")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per target")
    parser.add_argument(
        "--wait-idle", type=float, default=0, help="wait up to this many s for idle CPUs"
    )
    args = parser.parse_args()
    store, count = prepare(args.size, OUT)
    copies = random.Random(1926).sample(range(1, count + 1), min(args.requests, count))
    logs = OUT / args.size / "logs"
    staged = stages(store, copies)
    servers: list[Server] = []
    try:
        port = free_port()
        address = f"http://{HOST}:{port}"
        command = [shutil.which("witness") or "witness", "serve", "--store", str(store)]
        command += ["--host", HOST, "--port", str(port)]
        log = logs / "describe-witness.log"
        servers.append(start("witness", command, f"{address}/sparql", log, 120))
        port = free_port()
        query = f"http://{HOST}:{port}/query"
        command = [shutil.which("oxigraph") or "oxigraph", "serve-read-only", "--location"]
        command += [str((store / "current").resolve()), "--bind", f"{HOST}:{port}"]
        servers.append(start("oxigraph", command, query, logs / "describe-oxigraph.log", 120))
        found = targets(address, query)
        check(found, copies[0])
        if args.wait_idle:
            wait_idle(args.wait_idle)
        series = measure(found, copies, args.rounds, args.warmup)
    finally:
        for server in servers:
            server.stop()
    print(report(series, args, store, staged))


if __name__ == "__main__":
    main()
