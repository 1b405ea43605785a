"""The graph features' benchmark: the projection's build time and memory, the network figures'
time at build, and the latency of paths, the timeline and neighbourhood exports.

On the synthetic archive (bench/generate.py) with hub entities shared by every copy
(``--shared``), it

1. builds the store with every deriver of the browser (``witness.dataset.build.build`` in
   this process, as ``witness build --no-validate`` does) and reports each deriver's time;
2. in fresh processes, projects the store (time, resident memory before and after) and loads
   the projection's file as a server does (time, resident memory);
3. starts ``witness serve`` and times, with one client, p50 and p99 of: paths between two
   random entities (a fixed seed; hubs excluded by default, then through hubs, then pairs of
   one copy, which are connected), the timeline (the first page, a period, around an
   entity), neighbourhood exports of two steps (GraphML) and the network page;
4. reports the machine's load and the CPU share other processes took meanwhile.

    python bench/graph_bench.py --size 1M --shared carnegie-mellon-university
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

from browse_bench import Series, hub_store, timed
from peers import HOST, Cpu, Server, free_port, start, wait_idle
from report import machine
from witness.browse.projection import NAME, Projection, project
from witness.dataset.store import StoreLocation
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI

IRIS = Iris(DEFAULT_BASE_IRI)
OUT = Path(__file__).parent / "out"


def rss() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak() -> float:
    """This process's largest resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_projection(store: Path) -> dict[str, float]:
    """In this (fresh) process: project the store, then nothing else."""
    opened = StoreLocation(store).open_read_only()
    before = rss()
    started = time.perf_counter()
    graph = project(opened, IRIS)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "before": before,
        "after": rss(),
        "peak": peak(),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
    }


def measure_load(store: Path) -> dict[str, float]:
    """In this (fresh) process: load the projection's file, as a server does."""
    location = StoreLocation(store)
    path = location.derived(location.live_build()) / NAME
    before = rss()
    started = time.perf_counter()
    Projection.load(path)
    return {
        "seconds": time.perf_counter() - started,
        "before": before,
        "after": rss(),
        "bytes": path.stat().st_size,
    }


def in_fresh_process(stage: str, store: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--stage", stage, "--store", str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, float] = json.loads(done.stdout)
    return found


def prepare(args: argparse.Namespace) -> tuple[Path, dict[str, float]]:
    """The archive and a store of its own; build timings, per deriver, if built."""
    store, result = hub_store(args, "graph-store")
    if result is None:
        return store, {}
    return store, {"build": result.seconds, "quads": result.quads, **result.derived}


def pairs(
    store: Path, count: int, seed: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Random pairs of entities, and random pairs of entities of one copy."""
    location = StoreLocation(store)
    graph = Projection.load(location.derived(location.live_build()) / NAME).graph
    nodes = sorted(graph.nodes)
    chosen = random.Random(seed)
    anywhere = [tuple(chosen.sample(nodes, 2)) for _ in range(count)]
    by_copy: dict[str, list[str]] = {}
    for node in nodes:
        copy = node.rsplit("-", 1)[-1]
        if copy.isdigit():
            by_copy.setdefault(copy, []).append(node)
    copies = sorted(copy for copy, members in by_copy.items() if len(members) > 1)
    within = []
    for _ in range(count):
        members = by_copy[chosen.choice(copies)]
        within.append(tuple(chosen.sample(members, 2)))
    return anywhere, within  # type: ignore[return-value]


def slug(iri: str) -> str:
    return quote(iri.removeprefix(IRIS.entity("")), safe="")


def run(session: requests.Session, url: str, accept: str, series: Series) -> None:
    elapsed = timed(session, url, accept, {})
    if elapsed is None:
        series.failures += 1
    else:
        series.samples.append(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--shared", nargs="*", default=["carnegie-mellon-university"])
    parser.add_argument("--copy", type=int, default=17, help="copy of the data to ask about")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per target")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--wait-idle", type=float, default=0.0, help="s to wait for a calm CPU")
    parser.add_argument("--stage", choices=["project", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        measure = measure_projection if args.stage == "project" else measure_load
        print(json.dumps(measure(args.store)))
        return
    store, timings = prepare(args)
    if timings:
        print(f"build: {timings['quads']:,.0f} quads in {timings['build']:.1f} s, of which")
        for name, seconds in timings.items():
            if name not in ("build", "quads"):
                print(f"  {name}: {seconds:.1f} s")
    projected = in_fresh_process("project", store)
    loaded = in_fresh_process("load", store)
    print(
        f"projection: {projected['nodes']:,.0f} entities, {projected['edges']:,.0f} linked pairs; "
        f"made in {projected['seconds']:.1f} s, resident memory {projected['before']:.0f} MB -> "
        f"{projected['after']:.0f} MB (peak {projected['peak']:.0f} MB)"
    )
    print(
        f"projection file: {loaded['bytes'] / 1e6:.0f} MB, loaded in {loaded['seconds']:.1f} s, "
        f"resident memory {loaded['before']:.0f} MB -> {loaded['after']:.0f} MB"
    )
    location = StoreLocation(store)
    figures = json.loads((location.derived(location.live_build()) / "network-1.json").read_text())
    print(
        f"network figures: {figures['seconds']:.1f} s (betweenness sampled from "
        f"{figures['sampled']} entities), {figures['community_count']:,} communities"
    )
    anywhere, within = pairs(store, args.requests, args.seed)
    if args.wait_idle:
        wait_idle(args.wait_idle)
    port = free_port()
    command = [
        shutil.which("witness") or sys.exit("needs 'witness' on PATH"),
        "serve",
        "--store",
        str(store),
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    server: Server | None = None
    try:
        started = time.perf_counter()
        server = start("witness", command, f"http://{HOST}:{port}/health", OUT / "graph.log", 600)
        witness = f"http://{HOST}:{port}"
        session = requests.Session()
        session.get(f"{witness}/path.json?entity=ai-weiwei-1&entity=vivos-1", timeout=600)
        session.get(f"{witness}/network.json", timeout=600)
        print(f"server ready with the projection loaded: {time.perf_counter() - started:.1f} s")
        load = os.getloadavg()
        before = Cpu.now([server.process.pid])
        copy = args.copy
        targets: list[tuple[str, list[str], str]] = [
            (
                "path, random pairs (hubs not passed)",
                [f"{witness}/path.json?entity={slug(a)}&entity={slug(b)}" for a, b in anywhere],
                "application/json",
            ),
            (
                "path, random pairs through hubs",
                [
                    f"{witness}/path.json?entity={slug(a)}&entity={slug(b)}&hubs=1"
                    for a, b in anywhere
                ],
                "application/json",
            ),
            (
                "path, random pairs of one copy",
                [f"{witness}/path.json?entity={slug(a)}&entity={slug(b)}" for a, b in within],
                "application/json",
            ),
            (
                f"path, ai-weiwei-{args.copy} to the hub {args.shared[0]} (an end)",
                [f"{witness}/path.json?entity=ai-weiwei-{args.copy}&entity={args.shared[0]}"],
                "application/json",
            ),
            (
                "path page (HTML, drawing), one copy",
                [f"{witness}/path?entity={slug(a)}&entity={slug(b)}" for a, b in within],
                "text/html",
            ),
            ("timeline, first page (HTML)", [f"{witness}/timeline"], "text/html"),
            (
                "timeline, 2008 to 2015 (HTML)",
                [f"{witness}/timeline?from=2008&to=2015"],
                "text/html",
            ),
            (
                f"timeline around ai-weiwei-{copy}, 2 steps",
                [f"{witness}/timeline?entity=ai-weiwei-{copy}&hops=2"],
                "text/html",
            ),
            ("timeline JSON, events", [f"{witness}/timeline.json?type=events"], "application/json"),
            (
                "neighbourhood export, 2 steps, random entities (GraphML)",
                [f"{witness}/exports/around/{slug(a)}.graphml?hops=2" for a, _ in anywhere],
                "application/graphml+xml",
            ),
            (
                f"neighbourhood export, 2 steps, ai-weiwei-{copy} (GEXF)",
                [f"{witness}/exports/around/ai-weiwei-{copy}.gexf?hops=2"],
                "application/gexf+xml",
            ),
            ("network page (HTML)", [f"{witness}/network"], "text/html"),
        ]
        rows = []
        for name, urls, accept in targets:
            series = Series()
            for number in range(args.requests):
                run(session, urls[number % len(urls)], accept, series)
            rows.append((name, series))
            print(f"  {name}: p50 {series.p50:.1f} ms", file=sys.stderr)
        after = Cpu.now([server.process.pid])

        def connected(chosen: list[tuple[str, str]]) -> int:
            return sum(
                1
                for a, b in chosen[:50]
                if session.get(
                    f"{witness}/path.json?entity={slug(a)}&entity={slug(b)}", timeout=60
                ).json()["found"]
            )

        found, found_within = connected(anywhere), connected(within)
        print()
        print(*machine(), sep="\n")
        print(
            f"- load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; other "
            f"processes took {after.others(before):.0%} of the CPUs while timing"
        )
        print(
            f"- pairs connected within 6 steps (hubs not passed): random {found} of 50, "
            f"of one copy {found_within} of 50"
        )
        print()
        print("| request | p50 | p99 | failures |")
        print("|---|---|---|---|")
        for name, series in rows:
            print(
                f"| {name} | {series.p50:.1f} ms | {series.percentile(99):.1f} ms | "
                f"{series.failures} |"
            )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
