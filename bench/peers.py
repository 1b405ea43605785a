"""The peers of the endpoint benchmark: what they serve, how they start and stop, and what
they and the rest of the machine use meanwhile.

:func:`prepare` generates the archive (bench/generate.py) and builds a Witness store from it
unless they exist. :func:`commands` gives the command line of each server: ``witness serve`` on
the store; ``oxigraph serve-read-only`` on the very database directory Witness built
(read-only; its default graph is the merge every build stores, as Witness queries it); the
floor peers (``floor_server.py``, with and without
Flask); ``rdflib-endpoint``, which loads archive.nq, plus the ontology graph Witness adds to
every build (dumped from the store), into an rdflib ``Dataset(default_union=True)``, so that
all of them hold the same quads. Each listens on a free loopback port, in a process group of
its own; memory and CPU time are read from /proc over the whole process tree.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from generate import generate, parse_scale
from mix import PROBE, ask
from witness.dataset import merge
from witness.iris import Iris
from witness.settings import DEFAULT_BASE_IRI, bundled

HOST = "127.0.0.1"


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
    statements = merge.statements(opened)
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
            # The bench's clients all come from one address and stand for many clients.
            *("--max-client-queries", "0", "--max-client-connections", "0"),
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


def wait_idle(limit: float, threshold: float = 0.1) -> None:
    """Wait up to ``limit`` s until other processes use less than ``threshold`` of the CPUs
    (measured over 5 s windows): for shared machines."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        start = Cpu.now([os.getpid()])
        time.sleep(5)
        if Cpu.now([os.getpid()]).others(start) < threshold:
            return
