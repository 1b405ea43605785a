"""Witness in front of Virtuoso: loading, the endpoint's query mix and the browser's pages.

For the archive of ``--size`` statements (bench/generate.py), in one run on one machine:

1. **Loading.** ``witness build --no-validate --store-url --standby-url`` into a fresh pair of
   Virtuosos (the local build with the browser's index, projection and network figures, then
   the upload of every graph through the first one's graph store), against Virtuoso's own
   bulk loader (``ld_dir`` + ``rdf_loader_run``) reading the same N-Quads file into another
   fresh one.
2. **The query mix** of the endpoint bench, through ``witness serve --store-url`` and sent
   straight to the same Virtuoso with the same dataset (``default-graph-uri``, the build's
   default graph), taking turns in blocks.
3. **The browser** on the remote engine and, beside it, on the same build embedded: entity
   pages (HTML), a film's description (Turtle), a search, a path.

Usage::

    python bench/remote_bench.py --size 1M --requests 50
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from engines import Engine, virtuoso  # the tests' engine starter
from mix import Query, query_mix
from peers import Server, free_port, prepare, start, wait_idle
from report import machine
from timing import Latency, latency
from witness.browse import derivers
from witness.dataset.build import build
from witness.dataset.engine import Engine as RemoteEngine
from witness.dataset.engine import engine as engine_of
from witness.dataset.upload import DEFAULT_GRAPH, artefact_name
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI, Settings

OUT = Path(__file__).parent / "out"


def load_with_witness(
    data_dir: Path, store: Path, engine: Engine, standby: Engine | None = None
) -> tuple[float, float]:
    """``witness build --no-validate`` into ``engine`` (with its ``standby``, a first build
    goes to ``engine`` all the same): seconds in all, and for the upload."""
    env = engine.environment()
    settings = Settings(
        store=store,
        data_dir=data_dir,
        store_url=engine.query_url,
        update_url=engine.update_url,
        graph_store_url=engine.graph_store_url,
        standby_url=standby.query_url if standby else "",
        standby_update_url=standby.update_url if standby else "",
        standby_graph_store_url=standby.graph_store_url if standby else "",
        store_user=env["WITNESS_STORE_USER"],
        store_password=env["WITNESS_STORE_PASSWORD"],
    )
    remote = engine_of(settings)
    result = build(settings, validate=False, derivers=derivers(Iris(DEFAULT_BASE_IRI), remote))
    assert remote is not None
    return result.seconds, result.derived[artefact_name(remote)]


def load_with_virtuoso(archive: Path, engine: Engine) -> float:
    """Virtuoso's bulk loader on the archive: seconds, checkpoint included."""
    script = (
        f"ld_dir('{archive.parent}', '{archive.name}', 'urn:x-bench:triples');\n"
        "rdf_loader_run();\ncheckpoint;\n"
    )
    started = time.perf_counter()
    subprocess.run(
        ["isql-vt", str(engine.sql_port), "dba", "dba", f"exec={script}"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/')) }"
    )
    _, answer, _ = RemoteEngine(engine.query_url).query(count, "text/csv", timeout=600)
    print(f"Virtuoso's bulk loader loaded {answer.decode().split()[-1]} statements")
    return seconds


def page_latency(url: str, pages: dict[str, tuple[str, str]], requests_: int) -> list[Latency]:
    """p50s of each page (name: path and the media type asked for), the first three unmeasured."""
    measured: list[Latency] = []
    with requests.Session() as session:
        for name, (path, accept) in pages.items():
            found = Latency()
            measured.append(found)
            for attempt in range(requests_ + 3):
                started = time.perf_counter()
                response = session.get(url + path, headers={"Accept": accept}, timeout=120)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    if not found.errors:
                        print(f"{name}: {response.status_code} {response.text[:300]!r}")
                    found.errors += 1
                elif attempt >= 3:
                    found.samples.append(elapsed)
    return measured


def report_pages(copy: int, servers: list[Server], requests_: int) -> None:
    """The browser's pages and a description, on each of ``servers`` (Witness on the remote
    engine, then embedded)."""
    html, json_ = "text/html", "application/json"
    pages = {
        "entity page (a film)": (f"/id/coronation-{copy}", html),
        "entity page (Ai Weiwei)": (f"/id/ai-weiwei-{copy}", html),
        "description, Turtle (a film)": (f"/id/coronation-{copy}", "text/turtle"),
        f"search 'the rest {copy}'": (f"/search.json?q=the+rest+{copy}", json_),
        "path": (f"/path.json?entity=coronation-{copy}&entity=vivos-{copy}", json_),
    }
    found = [page_latency(s.url.removesuffix("/sparql"), pages, requests_) for s in servers]
    names = [server.name for server in servers]
    print(
        "\n| page | "
        + " | ".join(f"{n} p50 | {n} p99" for n in names)
        + " | errors |\n|---|"
        + "---|---|" * len(servers)
        + "---|"
    )
    for row, name in enumerate(pages):
        cells = [
            f"{f[row].p50:.1f} ms | {f[row].percentile(99):.1f} ms" if f[row].samples else "- | -"
            for f in found
        ]
        errors = "/".join(str(f[row].errors) for f in found)
        print(f"| {name} | {' | '.join(cells)} | {errors} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--copy", type=int, default=17)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--block", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--wait-idle", type=float, default=0.0)
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="Witness's deadline (its --timeout, also sent to Virtuoso): the scans of the mix "
        "pass the default 30 s at 10M, and are timed here, not refused",
    )
    args = parser.parse_args()
    data = prepare(args.size, OUT)
    print("\n".join(machine()))
    with tempfile.TemporaryDirectory(prefix="witness-remote-") as scratch:
        root = Path(scratch)
        with virtuoso(root / "bulk", readable=data.directory) as bulk:
            bulk_seconds = load_with_virtuoso(data.archive, bulk)
        with virtuoso(root / "engine") as engine, virtuoso(root / "standby") as standby:
            wait_idle(args.wait_idle)
            try:
                total, upload = load_with_witness(data.directory, root / "store", engine, standby)
            except Exception:
                for name in ("engine", "standby"):  # what the engines said of it
                    log = (root / name / "virtuoso.log").read_text(errors="replace")
                    print(f"\n{name}'s log, the end:\n{log[-3000:]}")
                raise
            print(
                f"\nloading {data.statements:,} statements: Virtuoso's bulk loader "
                f"{bulk_seconds:.1f} s; witness build --no-validate --store-url {total:.1f} s "
                f"(the upload {upload:.1f} s), {total / bulk_seconds:.2f}x; the upload alone "
                f"{upload / bulk_seconds:.2f}x"
            )
            embedded = start_witness(root, args.timeout)  # before the engines' settings
            witness = start_witness(root, args.timeout, engine, standby)
            direct = Server(
                "virtuoso",
                f"{engine.query_url}?default-graph-uri={DEFAULT_GRAPH}",
                engine.process,
                root / "engine" / "out.log",
            )
            try:
                report_mix(query_mix(args.copy, "weiwei"), [witness, direct], args)
                report_pages(args.copy, [witness, embedded], args.requests)
            finally:
                witness.stop()
                embedded.stop()


def start_witness(
    root: Path, timeout: float, engine: Engine | None = None, standby: Engine | None = None
) -> Server:
    """``witness serve --store-url`` (the engines' settings in this process's environment,
    which the server inherits), or without an ``engine`` the same build embedded."""
    port = free_port()
    witness = str(Path(sys.executable).parent / "witness")
    command = [witness, "serve", "--store", str(root / "store"), "--port", str(port)]
    command += ["--answer-cache", "0"]  # every request asks the engine, as the direct ones do
    command += ["--timeout", f"{timeout:g}"]
    if engine:
        os.environ.update(engine.with_standby(standby) if standby else engine.environment())
    name = "witness" if engine else "embedded"
    url = f"http://127.0.0.1:{port}/sparql"
    return start(name, command, url, root / f"{name}.log", 120)


def report_mix(mix: list[Query], servers: list[Server], args: argparse.Namespace) -> None:
    print("\n| query | Witness p50 | Virtuoso p50 | added | ratio | errors |")
    print("|---|---|---|---|---|---|")
    for query in mix:
        found = latency(servers, query, args)
        ours, theirs = found["witness"], found["virtuoso"]
        if not (ours.samples and theirs.samples):  # every request failed or timed out
            print(f"| {query.name} | - | - | - | - | {ours.errors}/{theirs.errors} |")
            continue
        print(
            f"| {query.name} | {ours.p50:.2f} ms | {theirs.p50:.2f} ms | "
            f"{ours.p50 - theirs.p50:+.2f} ms | {ours.p50 / theirs.p50:.2f}x | "
            f"{ours.errors}/{theirs.errors} |"
        )


if __name__ == "__main__":
    main()
