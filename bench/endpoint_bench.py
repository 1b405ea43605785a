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

Oxigraph serves the very database directory Witness built (read-only, union default graph);
rdflib-endpoint loads archive.nq, plus the ontology graph Witness adds to every build (dumped
from the store), into an rdflib ``Dataset(default_union=True)``, so all three hold the same
quads. Witness, Oxigraph and the floor run side by side and take turns (in blocks of 10 requests for
latency, in slices of at most 5 s for throughput), so that other load on the machine weighs
on both alike; rdflib-endpoint, slow to load, runs on its own afterwards. The CPU share other
processes took meanwhile is reported, to judge how quiet the machine was.

    python bench/endpoint_bench.py --size 1M --wait-idle 1800
    python bench/endpoint_bench.py --size 100k --requests 20 --duration 5 --soak 20
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from generate import generate, parse_scale
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI, bundled

OUT = Path(__file__).parent / "out"
HOST = "127.0.0.1"
SELECT_TYPE = "application/sparql-results+json"
GRAPH_TYPE = "application/n-triples"
REQUEST_TIMEOUT = 300.0
"""Seconds the client waits for one answer (rdflib-endpoint's aggregate at 1M is slow)."""

PREFIXES = """PREFIX schema: <http://schema.org/>
PREFIX id: <https://w3id.org/witness/id/>
"""


# The query mix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    graph: bool
    """CONSTRUCT or DESCRIBE: answered as N-Triples rather than SPARQL JSON results."""
    cheap: bool
    """Part of the throughput mix."""

    @property
    def accept(self) -> str:
        return GRAPH_TYPE if self.graph else SELECT_TYPE


def query_mix(copy: int, text: str) -> list[Query]:
    """The queries, on copy number ``copy`` of the curated data where they target one entity."""
    n = copy
    return [
        Query(
            "lookup",
            PREFIXES + f"SELECT ?p ?o WHERE {{ id:ai-weiwei-{n} ?p ?o }}",
            graph=False,
            cheap=True,
        ),
        Query(
            "two-hop",
            PREFIXES
            + f"""SELECT ?film ?title ?director ?name WHERE {{
  id:bearing-witness-{n} schema:workFeatured ?film .
  ?film schema:name ?title ; schema:director ?director .
  ?director schema:name ?name .
}}""",
            graph=False,
            cheap=True,
        ),
        Query(
            "aggregate",
            PREFIXES
            + """SELECT ?class (COUNT(DISTINCT ?s) AS ?resources) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?resources) ?class""",
            graph=False,
            cheap=False,
        ),
        Query(
            "text-filter",
            PREFIXES
            + f"""SELECT ?s ?name WHERE {{
  ?s schema:name ?name .
  FILTER(CONTAINS(LCASE(?name), "{text}"))
}}""",
            graph=False,
            cheap=False,
        ),
        Query("describe", PREFIXES + f"DESCRIBE id:the-rest-{n}", graph=True, cheap=True),
        Query(
            "construct",
            PREFIXES
            + f"""CONSTRUCT {{
  id:ai-weiwei-{n} ?p ?o . ?o schema:name ?oname .
  ?s ?q id:ai-weiwei-{n} . ?s schema:name ?sname .
}} WHERE {{
  {{ id:ai-weiwei-{n} ?p ?o . OPTIONAL {{ ?o schema:name ?oname }} }}
  UNION
  {{ ?s ?q id:ai-weiwei-{n} . OPTIONAL {{ ?s schema:name ?sname }} }}
}}""",
            graph=True,
            cheap=True,
        ),
    ]


# The client: the same code for every server ----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


def ask(session: requests.Session, url: str, query: Query) -> Answer:
    """One SPARQL 1.1 Protocol query by GET, reading the whole answer."""
    response = session.get(
        url,
        params={"query": query.text},
        headers={"Accept": query.accept},
        timeout=REQUEST_TIMEOUT,
    )
    body = response.content
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    return Answer(response.status_code, media, body)


Row = tuple[tuple[str, ...], ...]


def _term(binding: dict[str, str]) -> tuple[str, ...]:
    kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
    if kind == "bnode":
        return ("bnode",)
    datatype = binding.get("datatype", "")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = ""
    return (kind, binding["value"], binding.get("xml:lang", ""), datatype)


def results(query: Query, answer: Answer) -> Counter[Any]:
    """The answer as a multiset: rows of a SELECT, triples of a graph (blank nodes blurred)."""
    if not query.graph:
        document = json.loads(answer.body)
        rows: Counter[Any] = Counter()
        for binding in document["results"]["bindings"]:
            rows[tuple(sorted((k, *_term(v)) for k, v in binding.items()))] += 1
        return rows
    if answer.media_type in ("application/sparql-results+xml", "application/xml"):
        # rdflib-endpoint answers DESCRIBE in RDF/XML, labelled as SPARQL XML results.
        syntax = ox.RdfFormat.RDF_XML
    else:
        found = ox.RdfFormat.from_media_type(answer.media_type)
        if found is None:
            raise ValueError(f"unexpected graph media type {answer.media_type!r}")
        syntax = found
    triples: Counter[Any] = Counter()
    for quad in ox.parse(answer.body, format=syntax):
        terms = (quad.subject, quad.predicate, quad.object)
        triples[tuple("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms)] += 1
    return triples


# Servers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    ready_seconds: float = 0.0

    def stop(self) -> None:
        """Stop the server and everything it started (its own process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        # Children that outlived their parent (gunicorn workers, query workers).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


PROBE = Query("probe", "ASK { }", graph=False, cheap=False)


def start(name: str, command: list[str], path: str, log: Path, limit: float) -> Server:
    """Start ``command`` (which listens on the port in ``path``'s URL) and wait until it answers.

    The server runs in its own process group, so that :meth:`Server.stop` reaches the
    processes it starts in turn.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True
        )
    server = Server(name, path, process, log)
    started = time.perf_counter()
    deadline = started + limit
    try:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                if process.poll() is not None:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")
                try:
                    if ask(session, path, PROBE).status == 200:
                        server.ready_seconds = time.perf_counter() - started
                        return server
                except requests.RequestException:
                    pass
                time.sleep(0.25)
        raise RuntimeError(f"{name} did not answer within {limit:.0f} s; see {log}")
    except BaseException:
        server.stop()
        raise


def tree(pid: int) -> list[int]:
    """``pid`` and its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def memory(pid: int) -> tuple[float, float]:
    """Proportional set size (MB) of ``pid`` and its descendants, and the largest peak RSS."""
    pss = peak = 0.0
    for current in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
    return pss, peak


TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cpu:
    """CPU seconds at one moment: the whole machine's busy time, the servers', this client's."""

    wall: float
    machine: float
    server: float
    client: float

    @staticmethod
    def now(servers: list[int]) -> Cpu:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
        busy = (user + nice + system + irq + softirq + steal) / TICK
        spent = 0.0
        for pid in (p for server in servers for p in tree(server)):
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), 12 to 15 here.
                spent += sum(int(v) for v in stat[11:15]) / TICK
        mine = os.times()
        return Cpu(time.monotonic(), busy, spent, mine.user + mine.system)

    def others(self, start: Cpu) -> float:
        """Share of the machine's CPUs used by other processes since ``start`` (0 to 1)."""
        capacity = (self.wall - start.wall) * len(os.sched_getaffinity(0))
        used = (self.machine - start.machine) - (self.server - start.server)
        used -= self.client - start.client
        return max(used, 0.0) / capacity if capacity > 0 else 0.0


# Measurements ----------------------------------------------------------------------------------


@dataclass
class Latency:
    samples: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in ms (p99 of fewer than 100 samples is the maximum)."""
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000


def latency(servers: list[Server], query: Query, args: argparse.Namespace) -> dict[str, Latency]:
    """``args.requests`` sequential requests to each server, after ``args.warmup`` ones.

    The servers take turns in blocks of ``args.block`` requests (each block after one untimed
    request, in alternating order), so that whatever else the machine does weighs on all of
    them alike while each block still sees a warm server. Stops early once ``args.budget`` s
    have passed, but at least 5 requests per server are timed.
    """
    measured = {server.name: Latency() for server in servers}
    sessions = {server.name: requests.Session() for server in servers}

    def timed(server: Server) -> None:
        t0 = time.perf_counter()
        answer = ask(sessions[server.name], server.url, query)
        elapsed = time.perf_counter() - t0
        if answer.status == 200:
            measured[server.name].samples.append(elapsed)
        else:
            measured[server.name].errors += 1

    try:
        began = time.perf_counter()
        for _ in range(args.warmup):
            for server in servers:
                ask(sessions[server.name], server.url, query)
            if time.perf_counter() - began > args.budget / 10:
                break
        began = time.perf_counter()
        blocks = math.ceil(args.requests / args.block)
        for b in range(blocks):
            for server in servers if b % 2 == 0 else servers[::-1]:
                ask(sessions[server.name], server.url, query)
                for _ in range(min(args.block, args.requests - b * args.block)):
                    done = len(measured[server.name].samples) + measured[server.name].errors
                    if done >= 5 and time.perf_counter() - began > args.budget:
                        break
                    timed(server)
    finally:
        for session in sessions.values():
            session.close()
    return measured


def engine_alone(data: Data, mix: list[Query], args: argparse.Namespace) -> dict[str, Latency]:
    """Each query run by pyoxigraph in this process on the store's live build and written in
    the format the servers are asked for: the engine's share of a request, without HTTP."""
    store = ox.Store.read_only(str(data.database))
    measured = {}
    for query in mix:
        runs = measured[query.name] = Latency()
        began = time.perf_counter()
        for n in range(args.warmup + args.requests):
            t0 = time.perf_counter()
            result = store.query(query.text, use_default_graph_as_union=True)
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, None, ox.RdfFormat.N_TRIPLES)
            else:
                result.serialize(None, ox.QueryResultsFormat.JSON)
            if n >= args.warmup:
                runs.samples.append(time.perf_counter() - t0)
            if len(runs.samples) >= 5 and time.perf_counter() - began > args.budget:
                break
        _progress("engine")(f"{query.name}: p50 {runs.p50:.2f} ms")
    return measured


@dataclass
class Throughput:
    clients: int
    seconds: float
    ok: int
    errors: Counter[str]
    client_cpu: float = 0.0
    """CPU seconds the client (this process) used."""

    @property
    def rate(self) -> float:
        return self.ok / self.seconds

    def __add__(self, other: Throughput) -> Throughput:
        return Throughput(
            self.clients,
            self.seconds + other.seconds,
            self.ok + other.ok,
            self.errors + other.errors,
            self.client_cpu + other.client_cpu,
        )


def throughput(url: str, mix: list[Query], clients: int, duration: float) -> Throughput:
    """``clients`` threads, one Session each, cycling through ``mix`` for ``duration`` s."""
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    ok = 0
    errors: Counter[str] = Counter()
    end = [0.0]

    def client(offset: int) -> None:
        nonlocal ok
        done = 0
        failed: Counter[str] = Counter()
        with requests.Session() as session:
            barrier.wait()
            i = offset
            while time.perf_counter() < end[0]:
                query = mix[i % len(mix)]
                i += 1
                try:
                    answer = ask(session, url, query)
                except requests.RequestException as error:
                    failed[type(error).__name__] += 1
                    continue
                if answer.status == 200:
                    done += 1
                else:
                    failed[f"HTTP {answer.status}"] += 1
        with lock:
            ok += done
            errors.update(failed)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    cpu = os.times()
    began = time.perf_counter()
    end[0] = began + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    used = os.times()
    spent = used.user + used.system - cpu.user - cpu.system
    return Throughput(clients, seconds, ok, errors, spent)


# Running one server ----------------------------------------------------------------------------


@dataclass
class Report:
    name: str
    ready_seconds: float = 0.0
    pss_mb: float = 0.0
    peak_mb: float = 0.0
    found: dict[str, Counter[Any]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    latencies: dict[str, Latency] = field(default_factory=dict)
    rates: list[Throughput] = field(default_factory=list)
    soak: Throughput | None = None
    others: float = 0.0
    """Share of the machine's CPU time taken by other processes during the measurements."""


def check(server: Server, mix: list[Query], report: Report) -> None:
    """Run each query once: record its results, or why it has none."""
    with requests.Session() as session:
        for query in mix:
            try:
                answer = ask(session, server.url, query)
            except requests.RequestException as error:
                report.problems[query.name] = f"request failed: {error}"
                continue
            if answer.status != 200:
                report.problems[query.name] = f"HTTP {answer.status}: {answer.body[:300]!r}"
                continue
            try:
                report.found[query.name] = results(query, answer)
            except (ValueError, SyntaxError, KeyError) as error:
                report.problems[query.name] = f"unreadable {answer.media_type} answer: {error}"
                continue
            if not report.found[query.name]:
                report.problems[query.name] = "empty result"


def measure(
    servers: list[Server], mix: list[Query], args: argparse.Namespace, clients: list[int]
) -> dict[str, Report]:
    """Check and time the servers of one group, which run side by side and take turns."""
    reports = {server.name: Report(server.name, server.ready_seconds) for server in servers}
    pids = [server.process.pid for server in servers]
    began = Cpu.now(pids)
    for server in servers:
        check(server, mix, reports[server.name])
        _progress(server.name)(f"checked; problems: {reports[server.name].problems or 'none'}")
    for query in mix:
        able = [server for server in servers if query.name not in reports[server.name].problems]
        if not able:
            continue
        timed = latency(able, query, args)
        for name, measured in timed.items():
            reports[name].latencies[query.name] = measured
            p50 = f"{measured.p50:.2f} ms" if measured.samples else "-"
            _progress(name)(f"{query.name}: p50 {p50} over {len(measured.samples)}")
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
            _progress(name)(f"{count} clients: {run.rate:.1f} req/s, errors {errors}")
    for server in servers:
        cheap = [q for q in mix if q.cheap and q.name not in reports[server.name].problems]
        if server.name == "witness" and args.soak > 0 and cheap:
            run = reports[server.name].soak = throughput(server.url, cheap, 32, args.soak)
            _progress(server.name)(f"soak: {run.ok} ok, errors {dict(run.errors)}")
    others = Cpu.now(pids).others(began)
    for server in servers:
        report = reports[server.name]
        report.pss_mb, report.peak_mb = memory(server.process.pid)
        report.others = others
    return reports


def wait_idle(limit: float, threshold: float = 0.1) -> None:
    """Wait up to ``limit`` s until other processes use less than ``threshold`` of the CPUs
    (measured over 5 s windows): for shared machines."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        start = Cpu.now([os.getpid()])
        time.sleep(5)
        if Cpu.now([os.getpid()]).others(start) < threshold:
            return


def _progress(name: str) -> Callable[[str], None]:
    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {message}", file=sys.stderr, flush=True)

    return say


# Data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    directory: Path
    archive: Path
    store: Path
    database: Path
    ontology: Path
    lines: int
    statements: int


def prepare(size: str, out: Path) -> Data:
    """The archive, the Witness store built from it, and the ontology graph as N-Quads."""
    directory = out / size
    archive = directory / "archive.nq"
    if not archive.exists():
        generate(parse_scale(size), directory, bundled("data"))
    store = directory / "store"
    if not (store / "current").exists():
        witness = shutil.which("witness") or sys.exit("needs 'witness' on PATH")
        subprocess.run(
            [witness, "build", "--no-validate", "--store", str(store), "--data", str(directory)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    database = (store / "current").resolve()
    ontology = directory / "rdflib" / "ontology.nq"
    graph = ox.NamedNode(Iris(DEFAULT_BASE_IRI).ontology_graph)
    opened = ox.Store.read_only(str(database))
    statements = len(opened)
    if not ontology.exists():
        ontology.parent.mkdir(exist_ok=True)
        quads = opened.quads_for_pattern(None, None, None, graph)
        ox.serialize(quads, ontology, ox.RdfFormat.N_QUADS)
    del opened
    with archive.open("rb") as lines:
        count = sum(1 for _ in lines)
    return Data(directory, archive, store, database, ontology, count, statements)


def commands(data: Data, args: argparse.Namespace) -> Iterator[tuple[str, list[str], str, float]]:
    """Name, command line, query URL and readiness limit (s) of each server."""
    if "witness" in args.servers:
        port = free_port()
        command = [
            shutil.which("witness") or "witness",
            "serve",
            "--store",
            str(data.store),
            "--host",
            HOST,
            "--port",
            str(port),
            "--query-workers",
            str(args.query_workers),
            "--web-workers",
            str(args.web_workers),
            "--timeout",
            str(args.timeout),
        ]
        if args.web_threads:
            command += ["--web-threads", str(args.web_threads)]
        yield "witness", command, f"http://{HOST}:{port}/sparql", 120.0
    if "oxigraph" in args.servers:
        port = free_port()
        command = [
            shutil.which("oxigraph") or "oxigraph",
            "serve-read-only",
            "--location",
            str(data.database),
            "--bind",
            f"{HOST}:{port}",
            "--union-default-graph",
        ]
        yield "oxigraph", command, f"http://{HOST}:{port}/query", 120.0
    for floor in ("floor", "floor-flask"):
        if floor not in args.servers:
            continue
        port = free_port()
        command = [
            sys.executable,
            str(Path(__file__).parent / "floor_server.py"),
            "--store",
            str(data.store),
            "--host",
            HOST,
            "--port",
            str(port),
            "--copy",
            str(args.copy),
            "--text",
            args.text,
            *(["--flask"] if floor == "floor-flask" else []),
        ]
        yield floor, command, f"http://{HOST}:{port}/sparql", 300.0
    if "rdflib" in args.servers:
        port = free_port()
        command = [
            shutil.which("rdflib-endpoint") or "rdflib-endpoint",
            "serve",
            str(data.archive),
            str(data.ontology),
            "--host",
            HOST,
            "--port",
            str(port),
        ]
        yield "rdflib", command, f"http://{HOST}:{port}/", 7200.0


# Reporting -------------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = 0.0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024**2
    oxigraph = shutil.which("oxigraph")
    cli = "not installed"
    if oxigraph:
        cli = subprocess.run(
            [oxigraph, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return [
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}, {ram:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- versions: witness {_version('witness')}, pyoxigraph {_version('pyoxigraph')}, "
        f"oxigraph CLI {cli.removeprefix('oxigraph ')}, rdflib {_version('rdflib')}, "
        f"rdflib-endpoint {_version('rdflib-endpoint')}, gunicorn {_version('gunicorn')}, "
        f"uvicorn {_version('uvicorn')}, requests {_version('requests')}",
    ]


def _cell(report: Report | None, query: str) -> str:
    if report is None:
        return "-"
    if query in report.problems:
        return "FAILED"
    found = report.found[query]
    total, distinct = sum(found.values()), len(found)
    return f"{total}" if total == distinct else f"{total} ({distinct} distinct)"


def tables(
    data: Data,
    mix: list[Query],
    reports: dict[str, Report],
    engine: dict[str, Latency],
    args: argparse.Namespace,
    load: tuple[float, float, float],
) -> None:
    names = ("witness", "oxigraph", "floor", "floor-flask", "rdflib")
    order = [name for name in names if name in reports]
    ours, theirs, slow = (reports.get(n) for n in ("witness", "oxigraph", "rdflib"))
    floors = [reports[n] for n in ("floor", "floor-flask") if n in reports]
    print(f"### {args.size}: {data.lines:,} quads in archive.nq, {data.statements:,} in the store")
    print()
    print(*machine(), sep="\n")
    now = os.getloadavg()
    print(
        f"- load average (1, 5, 15 min) at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"at end {now[0]:.2f} {now[1]:.2f} {now[2]:.2f}"
    )
    print(
        f"- witness serve: --query-workers {args.query_workers} --web-workers {args.web_workers}"
        f" --timeout {args.timeout:g}"
        + (f" --web-threads {args.web_threads}" if args.web_threads else "")
    )
    print()
    print(
        "| server | ready after (s) | memory after the run: PSS MB (peak RSS MB) "
        "| CPU taken by other processes meanwhile |"
    )
    print("|---|---|---|---|")
    for name in order:
        r = reports[name]
        print(
            f"| {name} | {r.ready_seconds:.1f} | {r.pss_mb:.0f} ({r.peak_mb:.0f}) "
            f"| {r.others:.0%} |"
        )
    print()
    print("Results per query (rows, or triples for graphs), before timing:")
    print()
    print(f"| query | {' | '.join(order)} | same answer |")
    print(f"|---|{'---|' * len(order)}---|")
    for query in mix:
        answers = [reports[n].found.get(query.name) for n in order]
        complete = [a for a in answers if a is not None]
        if len(complete) < 2:
            same = "-"
        elif all(a == complete[0] for a in complete):
            same = "yes"
        elif all(set(a) == set(complete[0]) for a in complete):
            same = "same distinct set"
        else:
            same = "no"
        counts = " | ".join(_cell(reports[n], query.name) for n in order)
        print(f"| {query.name} | {counts} | {same} |")
    for name in order:
        for query_name, problem in reports[name].problems.items():
            print(f"\n- {name} / {query_name}: {problem}")
    print()
    print("Latency, ms, p50 / p99 (nearest rank) over sequential keep-alive requests:")
    print()
    head = " | ".join(f"{n} p50 / p99" for n in order)
    bounds = "".join(f" | ({r.name} + engine) / oxigraph p50" for r in floors)
    print(f"| query | {head} | witness / oxigraph p50 (target <= 1.3) | engine alone p50{bounds} |")
    print(f"|---|{'---|' * len(order)}---|---|{'---|' * len(floors)}")
    for query in mix:
        cells = []
        for name in order:
            measured = reports[name].latencies.get(query.name)
            if measured is None or not measured.samples:
                cells.append("-")
                continue
            n = len(measured.samples)
            extra = "" if n == args.requests else f" (n={n})"
            if measured.errors:
                extra += f" {measured.errors} errors"
            cells.append(f"{measured.p50:.2f} / {measured.percentile(99):.2f}{extra}")
        ratio = alone = "-"
        bound = []
        a = ours.latencies.get(query.name) if ours else None
        b = theirs.latencies.get(query.name) if theirs else None
        if a and b and a.samples and b.samples:
            value = a.p50 / b.p50
            ratio = f"{value:.2f} {'met' if value <= 1.3 else 'MISSED'}"
        e = engine.get(query.name)
        if e and e.samples:
            alone = f"{e.p50:.2f}"
        for report in floors:
            f = report.latencies.get(query.name)
            if e and f and b and e.samples and f.samples and b.samples:
                bound.append(f"{(f.p50 + e.p50) / b.p50:.2f}")
            else:
                bound.append("-")
        extra = "".join(f" | {x}" for x in bound)
        print(f"| {query.name} | {' | '.join(cells)} | {ratio} | {alone}{extra} |")
    a = ours.latencies.get("aggregate") if ours else None
    c = slow.latencies.get("aggregate") if slow else None
    if a and c and a.samples and c.samples:
        value = c.p50 / a.p50
        verdict = "met" if value >= 5 else "MISSED"
        print(f"\nrdflib / witness p50, aggregate: {value:.1f}x (target >= 5: {verdict})")
    print()
    cheap = ", ".join(q.name for q in mix if q.cheap)
    print(f"Throughput, {args.duration:g} s per run, clients cycling through: {cheap}")
    print()
    print("| server | clients | requests/s | errors | client CPU (cores) |")
    print("|---|---|---|---|---|")
    for name in order:
        for run in reports[name].rates:
            errors = sum(run.errors.values())
            detail = f" ({', '.join(f'{k}: {v}' for k, v in run.errors.items())})" if errors else ""
            print(
                f"| {name} | {run.clients} | {run.rate:.1f} | {errors}{detail} "
                f"| {run.client_cpu / run.seconds:.2f} |"
            )
    if ours:
        by_clients = {run.clients: run.rate for run in ours.rates}
        if 1 in by_clients and 8 in by_clients:
            value = by_clients[8] / by_clients[1]
            verdict = "met" if value >= 1.6 else "MISSED"
            print(f"\nwitness throughput, 8 vs 1 clients: {value:.2f}x (target >= 1.6: {verdict})")
        if ours.soak:
            run = ours.soak
            errors = sum(run.errors.values())
            detail = f" ({dict(run.errors)})" if errors else ""
            print(
                f"\nwitness, {args.soak:g} s with 32 clients: {run.ok:,} requests "
                f"({run.rate:.1f}/s), {errors} errors{detail} "
                f"(target zero: {'met' if errors == 0 else 'MISSED'})"
            )


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
                _progress(name)("starting " + " ".join(command))
                log = data.directory / "logs" / f"{name}.log"
                servers.append(start(name, command, url, log, limit))
                _progress(name)(f"ready after {servers[-1].ready_seconds:.1f} s")
            clients = args.rdflib_clients if group[0][0] == "rdflib" else args.clients
            reports.update(measure(servers, mix, args, clients))
        finally:
            for server in servers:
                server.stop()
    tables(data, mix, reports, engine, args, load)


if __name__ == "__main__":
    main()
