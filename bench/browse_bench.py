"""The browser's benchmark: search, entity pages, listings, and the index's share of a build.

On the synthetic archive (bench/generate.py) with hub entities shared by every copy
(``--shared``, so that one organisation has thousands of links), it

1. builds the store with the browser's deriver (``witness.dataset.build.build`` in this process,
   as ``witness build --no-validate`` does) and reports the build's time and the index's part;
2. starts ``witness serve`` on it and ``oxigraph serve-read-only`` on the very same database;
3. times, with one client and the servers taking turns in blocks, p50 and p99 of: searches
   (JSON, as the picker asks), an ordinary entity's page and the most connected entity's page
   (HTML), each beside Oxigraph's own ``DESCRIBE`` of the same entity (N-Triples), and listing
   pages (HTML) deep into their tables;
4. reports the CPU share that other processes took meanwhile (the machine is shared).

    python bench/browse_bench.py --size 1M --shared carnegie-mellon-university
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

from generate import generate, parse_scale
from peers import HOST, Cpu, Server, free_port, start, wait_idle
from report import machine
from witness.browse import derivers
from witness.dataset.build import BuildResult, build
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI, Settings, bundled

IRIS = Iris(DEFAULT_BASE_IRI)
OUT = Path(__file__).parent / "out"


@dataclass
class Series:
    samples: list[float] = field(default_factory=list)
    failures: int = 0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in ms."""
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000


@dataclass(frozen=True)
class Target:
    """One thing timed: a name, and how to ask each server for it."""

    name: str
    witness: str
    """A path of the Witness server."""
    accept: str
    describe: str = ""
    """An entity IRI, for Oxigraph's DESCRIBE beside it."""


def hub_store(args: argparse.Namespace, name: str) -> tuple[Path, BuildResult | None]:
    """The archive with its shared hubs (made here unless present) and its store ``name``,
    built here with the browser's derivers unless present (or with ``--rebuild``): the
    store, and the build's result if it was built."""
    directory = OUT / f"{args.size}-hubs"
    if not (directory / "archive.nq").exists():
        generate(parse_scale(args.size), directory, bundled("data"), tuple(args.shared))
    settings = Settings(store=directory / name, data_dir=directory)
    if args.rebuild or not (settings.store / "current").exists():
        return settings.store, build(settings, validate=False, derivers=derivers(IRIS))
    return settings.store, None


def prepare(args: argparse.Namespace) -> tuple[Path, dict[str, float]]:
    """The archive and its store; build timings if built."""
    store, result = hub_store(args, "store")
    if result is None:
        return store, {}
    index = sum(result.derived.values())
    return store, {"build": result.seconds, "index": index, "quads": result.quads}


def targets(args: argparse.Namespace) -> list[Target]:
    copy = args.copy
    hub = args.shared[0] if args.shared else "ai-weiwei"
    html, json_ = "text/html", "application/json"
    found = [
        Target(f"search '{text}'", f"/search.json?q={quote(text)}", json_)
        for text in ("vaclav havel", "corona", "ai weiwei", f"the rest {copy}", "skirball cult")
    ]
    found += [
        Target("entity page (a film)", f"/id/coronation-{copy}", html, f"coronation-{copy}"),
        Target(
            "entity page (Ai Weiwei, 44 relations)",
            f"/id/ai-weiwei-{copy}",
            html,
            f"ai-weiwei-{copy}",
        ),
        Target(f"entity page (most connected: {hub})", f"/id/{hub}", html, hub),
        Target(
            "entity page drawing, 2 steps (film)",
            f"/id/coronation-{copy}.svg?hops=2",
            "image/svg+xml",
        ),
        Target("listing: films, page 40 by year", "/films?sort=year&page=40", html),
        Target("listing: organisations by links", "/organizations?sort=links&order=desc", html),
        Target("listing: events, page 200", "/events?page=200", html),
        Target("home page", "/", html),
    ]
    return found


def timed(session: requests.Session, url: str, accept: str, params: dict[str, str]) -> float | None:
    t0 = time.perf_counter()
    response = session.get(url, params=params, headers={"Accept": accept}, timeout=120)
    _ = response.content
    elapsed = time.perf_counter() - t0
    return elapsed if response.status_code == 200 else None


def measure(
    witness: str, oxigraph: str, target: Target, args: argparse.Namespace
) -> tuple[Series, Series | None]:
    """Latency of the target on Witness (and of DESCRIBE on Oxigraph), taking turns."""
    ours, theirs = Series(), Series() if target.describe else None
    session = requests.Session()
    asks: list[tuple[Series, Callable[[], float | None]]] = [
        (ours, lambda: timed(session, witness + target.witness, target.accept, {}))
    ]
    if theirs is not None:
        describe = f"DESCRIBE <{IRIS.entity(target.describe)}>"
        asks.append(
            (
                theirs,
                lambda: timed(session, oxigraph, "application/n-triples", {"query": describe}),
            )
        )
    for _ in range(args.warmup):
        for _, ask in asks:
            ask()
    blocks = math.ceil(args.requests / args.block)
    for block in range(blocks):
        order = asks if block % 2 == 0 else list(reversed(asks))
        for series, ask in order:
            ask()  # untimed: the other server ran last
            for _ in range(args.block):
                elapsed = ask()
                if elapsed is None:
                    series.failures += 1
                else:
                    series.samples.append(elapsed)
    return ours, theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--shared", nargs="*", default=["carnegie-mellon-university"])
    parser.add_argument("--copy", type=int, default=17, help="copy of the data to ask about")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per target")
    parser.add_argument("--block", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--wait-idle", type=float, default=0.0, help="s to wait for a calm CPU")
    args = parser.parse_args()
    store, timings = prepare(args)
    if timings:
        share = timings["index"] / (timings["build"] - timings["index"])
        print(
            f"build: {timings['quads']:,.0f} quads in {timings['build']:.1f} s, of which the "
            f"browser's index {timings['index']:.1f} s: +{share:.0%} on the build without it"
        )
    if args.wait_idle:
        wait_idle(args.wait_idle)
    logs = OUT / "browse-logs"
    witness_port, oxigraph_port = free_port(), free_port()
    witness_command = [
        shutil.which("witness") or sys.exit("needs 'witness' on PATH"),
        "serve",
        "--store",
        str(store),
        "--host",
        HOST,
        "--port",
        str(witness_port),
    ]
    oxigraph_command = [
        shutil.which("oxigraph")
        or sys.exit("needs 'oxigraph' on PATH (pip install -e '.[bench]')"),
        "serve-read-only",
        "--location",
        str((store / "current").resolve()),
        "--bind",
        f"{HOST}:{oxigraph_port}",
        "--union-default-graph",
    ]
    servers: list[Server] = []
    try:
        servers.append(
            start(
                "witness",
                witness_command,
                f"http://{HOST}:{witness_port}/sparql",
                logs / "witness.log",
                600,
            )
        )
        servers.append(
            start(
                "oxigraph",
                oxigraph_command,
                f"http://{HOST}:{oxigraph_port}/query",
                logs / "oxigraph.log",
                120,
            )
        )
        witness = f"http://{HOST}:{witness_port}"
        oxigraph = f"http://{HOST}:{oxigraph_port}/query"
        load = os.getloadavg()
        before = Cpu.now([server.process.pid for server in servers])
        rows = []
        for target in targets(args):
            ours, theirs = measure(witness, oxigraph, target, args)
            rows.append((target, ours, theirs))
            print(f"  {target.name}: p50 {ours.p50:.1f} ms", file=sys.stderr)
        after = Cpu.now([server.process.pid for server in servers])
        print()
        print(*machine(), sep="\n")
        print(
            f"- load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; other "
            f"processes took {after.others(before):.0%} of the CPUs while timing"
        )
        print()
        print(
            "| request | Witness p50 | p99 | Oxigraph DESCRIBE p50 | p99 | ratio p50 | failures |"
        )
        print("|---|---|---|---|---|---|---|")
        for target, ours, theirs in rows:
            other = (
                f"{theirs.p50:.1f} ms | {theirs.percentile(99):.1f} ms | "
                f"{ours.p50 / theirs.p50:.2f}x"
                if theirs and theirs.samples
                else "- | - | -"
            )
            failures = ours.failures + (theirs.failures if theirs else 0)
            print(
                f"| {target.name} | {ours.p50:.1f} ms | {ours.percentile(99):.1f} ms | "
                f"{other} | {failures} |"
            )
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
