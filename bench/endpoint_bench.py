"""SPARQL endpoint benchmark: ``witness serve`` against ``oxigraph serve-read-only`` and
``rdflib-endpoint``, on the same synthetic archive, with the same client, and against the
"floor": gunicorn set up as ``witness serve`` sets it up, replaying answers computed before it
started (``floor_server.py``), the least any server on gunicorn can take.

Generates the archive (bench/generate.py) and builds a Witness store from it unless they
exist (under bench/out/SIZE), starts the servers on free loopback ports, checks that every
query of the mix answers (and how many results each server gives), and measures:

* per query, p50 and p99 latency over ``--requests`` sequential requests (keep-alive);
* throughput with several concurrent clients (threads, one ``requests.Session`` each), for
  ``--duration`` seconds, cycling through the cheap queries (lookup, two-hop, describe,
  construct);
* for witness, a ``--soak`` second run with 32 clients, counting errors.

Witness, Oxigraph and the floor run side by side and take turns (in blocks of 10 requests for
latency, in slices of at most 5 s for throughput), so that other load on the machine weighs
on both alike; rdflib-endpoint, slow to load, runs on its own afterwards. The CPU share other
processes took meanwhile is reported, to judge how quiet the machine was.

The parts: peers.py (the data and the servers), mix.py (the queries and the client),
timing.py (latency, throughput, the engine alone), report.py (the tables).

    python bench/endpoint_bench.py --size 1M --wait-idle 1800
    python bench/endpoint_bench.py --size 100k --requests 20 --duration 5 --soak 20
"""

from __future__ import annotations

import argparse
import math
import os
from collections import Counter
from pathlib import Path

from mix import Query, check, query_mix
from peers import Cpu, Server, commands, memory, prepare, start, wait_idle
from report import Report, tables
from timing import Throughput, engine_alone, latency, progress, throughput

OUT = Path(__file__).parent / "out"


def measure(
    servers: list[Server], mix: list[Query], args: argparse.Namespace, clients: list[int]
) -> dict[str, Report]:
    """Check and time the servers of one group, which run side by side and take turns."""
    reports = {server.name: Report(server.name, server.ready_seconds) for server in servers}
    pids = [server.process.pid for server in servers]
    began = Cpu.now(pids)
    for server in servers:
        reports[server.name].found, reports[server.name].problems = check(server.url, mix)
        progress(server.name)(f"checked; problems: {reports[server.name].problems or 'none'}")
    for query in mix:
        able = [server for server in servers if query.name not in reports[server.name].problems]
        if not able:
            continue
        timed = latency(able, query, args)
        for name, measured in timed.items():
            reports[name].latencies[query.name] = measured
            p50 = f"{measured.p50:.2f} ms" if measured.samples else "-"
            progress(name)(f"{query.name}: p50 {p50} over {len(measured.samples)}")
    # Throughput runs are cut into slices of at most 5 s, the servers taking turns.
    slices = max(math.ceil(args.duration / 5), 1)
    for count in clients:
        runs = {server.name: Throughput(count, 0.0, 0, Counter()) for server in servers}
        for k in range(slices):
            for server in servers if k % 2 == 0 else servers[::-1]:
                cheap = [q for q in mix if q.cheap and q.name not in reports[server.name].problems]
                if cheap:
                    runs[server.name] += throughput(
                        server.url, cheap, count, args.duration / slices
                    )
        for name, run in runs.items():
            if not run.seconds:
                continue
            reports[name].rates.append(run)
            errors = sum(run.errors.values())
            progress(name)(f"{count} clients: {run.rate:.1f} req/s, errors {errors}")
    for server in servers:
        cheap = [q for q in mix if q.cheap and q.name not in reports[server.name].problems]
        if server.name == "witness" and args.soak > 0 and cheap:
            run = reports[server.name].soak = throughput(server.url, cheap, 32, args.soak)
            progress(server.name)(f"soak: {run.ok} ok, errors {dict(run.errors)}")
    others = Cpu.now(pids).others(began)
    for server in servers:
        report = reports[server.name]
        report.pss_mb, report.peak_mb = memory(server.process.pid)
        report.others = others
    return reports


# Main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="archive size, as for generate.py")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="where archives and stores are kept (SIZE/ under it)"
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        default=["witness", "oxigraph", "floor", "floor-flask", "rdflib"],
        choices=["witness", "oxigraph", "floor", "floor-flask", "rdflib"],
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per query")
    parser.add_argument(
        "--block", type=int, default=10, help="requests per turn when servers take turns"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds per server and query for the timed requests (at least 5 are made)",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per throughput run")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument(
        "--rdflib-clients", type=int, nargs="+", default=[1, 8], help="throughput runs for rdflib"
    )
    parser.add_argument(
        "--soak", type=float, default=60.0, help="seconds of 32 clients on witness (0: skip)"
    )
    parser.add_argument("--copy", type=int, default=17, help="copy number the lookups target")
    parser.add_argument("--text", default="rest #12", help="substring of the text filter")
    parser.add_argument("--query-workers", type=int, default=0, help="for witness serve")
    parser.add_argument("--web-workers", type=int, default=1, help="for witness serve")
    parser.add_argument("--web-threads", type=int, default=0, help="for witness serve (0: default)")
    parser.add_argument("--timeout", type=float, default=30.0, help="for witness serve")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        help="before each server, wait up to this many seconds until other processes use "
        "less than 10%% of the CPUs (for shared machines)",
    )
    args = parser.parse_args()
    load = os.getloadavg()

    args.out.mkdir(parents=True, exist_ok=True)
    data = prepare(args.size, args.out)
    mix = query_mix(args.copy, args.text)
    reports: dict[str, Report] = {}
    engine = engine_alone(data, mix, args) if {"floor", "floor-flask"} & set(args.servers) else {}
    launches = list(commands(data, args))
    # witness and oxigraph side by side, taking turns; rdflib-endpoint (slow to load) alone.
    groups = [[x for x in launches if x[0] != "rdflib"], [x for x in launches if x[0] == "rdflib"]]
    for group in (g for g in groups if g):
        wait_idle(args.wait_idle)
        servers: list[Server] = []
        try:
            for name, command, url, limit in group:
                progress(name)("starting " + " ".join(command))
                log = data.directory / "logs" / f"{name}.log"
                servers.append(start(name, command, url, log, limit))
                progress(name)(f"ready after {servers[-1].ready_seconds:.1f} s")
            clients = args.rdflib_clients if group[0][0] == "rdflib" else args.clients
            reports.update(measure(servers, mix, args, clients))
        finally:
            for server in servers:
                server.stop()
    tables(data, mix, reports, engine, args, load)


if __name__ == "__main__":
    main()
