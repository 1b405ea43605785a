"""Soak: ``witness serve`` under 32 clients for 10 minutes, runaway queries among them, with a
query worker and a web worker killed (``kill -9``) on the way.

Each client is a thread with a ``requests.Session`` of its own, from an address of its own
(127.0.4.N), so that the server's per-client limits treat them as the hosts they stand for.
Most clients cycle through the endpoint bench's query mix (bench/mix.py) on random copies of
the data; ``--runaways`` of them send a three-way cross join that can only end at its deadline.
Every request is recorded (start, end, status or error). At a third of the run a query worker
is killed, at two thirds a web worker; a request that fails while in flight at a kill (or
sent within :data:`DYING` of it, before the process is gone) counts as held by the killed
process. Anything else that is not a 200 (for ordinary clients) or a
503 at the deadline or a 429 (for runaway clients) is an error.

Memory (proportional set size) of the web workers and of the query workers is sampled every
``--sample`` seconds and printed as a curve, with the first and last thirds compared.

    python bench/soak.py --size 1M --minutes 10
    python bench/soak.py --size 100k --minutes 1 --clients 8
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from generate import template
from mix import PREFIXES, Query, query_mix
from peers import HOST, Server, free_port, prepare, start, tree
from witness.settings import bundled

OUT = Path(__file__).parent / "out"
CROSS_JOIN = Query(
    "runaway",
    PREFIXES + "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    graph=False,
    cheap=False,
)
DYING = 1.0
"""Seconds a killed process may take to die: a request sent to it meanwhile was held by it."""
WEIGHTS = {"lookup": 6, "two-hop": 6, "describe": 6, "construct": 6, "aggregate": 1}


@dataclass(frozen=True)
class Outcome:
    client: int
    query: str
    started: float
    ended: float
    status: int
    """HTTP status, or 0 when the request failed without one."""
    error: str = ""


class _From(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(
    number: int, url: str, until: float, runaway: bool, copies: int, sink: list[Outcome]
) -> None:
    """One client's loop: a query, its answer read whole, the next."""
    chooser = random.Random(number)
    names = [name for name, weight in WEIGHTS.items() for _ in range(weight)]
    with requests.Session() as session:
        session.mount("http://", _From(f"127.0.4.{number + 1}"))
        while time.monotonic() < until:
            if runaway:
                query = CROSS_JOIN
            else:
                mix = {q.name: q for q in query_mix(chooser.randint(1, copies), "weiwei")}
                query = mix[chooser.choice(names)]
            began = time.monotonic()
            try:
                response = session.get(
                    url, params={"query": query.text}, headers={"Accept": query.accept}, timeout=60
                )
                _ = response.content
                sink.append(
                    Outcome(number, query.name, began, time.monotonic(), response.status_code)
                )
                if response.status_code == 429:
                    time.sleep(float(response.headers.get("Retry-After", "1")))
            except requests.RequestException as error:
                sink.append(
                    Outcome(number, query.name, began, time.monotonic(), 0, type(error).__name__)
                )


def processes(server: Server) -> tuple[list[int], list[int]]:
    """The server's web workers and query workers (pids)."""
    web = [pid for pid in tree(server.process.pid) if _parent(pid) == server.process.pid]
    queries = [
        pid
        for pid in tree(server.process.pid)
        if b"multiprocessing.forkserver" in _command(_parent(pid))
    ]
    return web, queries


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def sample(
    server: Server, began: float, until: float, every: float, samples: list[tuple[float, float]]
) -> None:
    """Memory of the web and query workers, every ``every`` seconds, printed as it goes."""
    while time.monotonic() < until:
        web, queries = processes(server)
        web_mb = sum(_own_pss(pid) for pid in web)
        query_mb = sum(_own_pss(pid) for pid in queries)
        samples.append((web_mb, query_mb))
        print(
            f"{time.monotonic() - began:7.0f} s  web {web_mb:7.1f} MB ({len(web)})  "
            f"query workers {query_mb:7.1f} MB ({len(queries)})",
            flush=True,
        )
        time.sleep(every)


def _own_pss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def kill(server: Server, kind: str, kills: list[tuple[float, str, int]]) -> None:
    web, queries = processes(server)
    victims = queries if kind == "query worker" else [pid for pid in web if pid not in queries]
    if not victims:
        print(f"no {kind} to kill", flush=True)
        return
    victim = random.Random(len(kills)).choice(victims)
    kills.append((time.monotonic(), kind, victim))
    os.kill(victim, signal.SIGKILL)
    print(f"killed {kind} {victim}", flush=True)


def judge(
    outcomes: list[Outcome], kills: list[tuple[float, str, int]], runaways: int
) -> dict[str, int]:
    """Counts per verdict: answered, refused runaways, held by a killed process, errors."""
    verdicts: Counter[str] = Counter()
    for outcome in outcomes:
        held = any(
            outcome.started <= moment + DYING and moment <= outcome.ended for moment, _, _ in kills
        )
        if outcome.client < runaways:
            if outcome.status in (503, 429):
                verdicts[f"runaway refused ({outcome.status})"] += 1
            elif held and outcome.status in (0, 500, 503):
                verdicts["held by a killed process"] += 1
            else:
                verdicts[f"error: runaway got {outcome.status or outcome.error}"] += 1
        elif outcome.status == 200:
            verdicts["answered 200"] += 1
        elif held and outcome.status in (0, 500, 503):
            verdicts["held by a killed process"] += 1
        else:
            verdicts[f"error: {outcome.query} got {outcome.status or outcome.error}"] += 1
    return dict(sorted(verdicts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="archive size (bench/generate.py)")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--runaways", type=int, default=2, help="clients sending runaways")
    parser.add_argument("--timeout", type=float, default=10.0, help="the query deadline, s")
    parser.add_argument("--sample", type=float, default=20.0, help="seconds between samples")
    args = parser.parse_args()

    data = prepare(args.size, OUT)
    copies = max(1, data.lines // len(template(bundled("data"))))
    port = free_port()
    witness = shutil.which("witness") or "witness"
    command = [witness, "serve", "--store", str(data.store), "--host", HOST]
    command += ["--port", str(port), "--timeout", str(args.timeout)]
    server = start("witness", command, f"http://{HOST}:{port}/sparql", OUT / "soak.log", 120.0)
    outcomes: list[Outcome] = []
    kills: list[tuple[float, str, int]] = []
    samples: list[tuple[float, float]] = []
    try:
        began = time.monotonic()
        until = began + args.minutes * 60
        threads = [
            threading.Thread(
                target=client,
                args=(n, server.url, until, n < args.runaways, copies, outcomes),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        threads.append(
            threading.Thread(
                target=sample, args=(server, began, until, args.sample, samples), daemon=True
            )
        )
        for thread in threads:
            thread.start()
        time.sleep(args.minutes * 20)
        kill(server, "query worker", kills)
        time.sleep(args.minutes * 20)
        kill(server, "web worker", kills)
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    verdicts = judge(outcomes, kills, args.runaways)
    print(f"\n{len(outcomes):,} requests from {args.clients} clients in {args.minutes:g} min")
    for verdict, count in verdicts.items():
        print(f"  {count:>8,}  {verdict}")
    print("memory (PSS), per third of the run: web workers / query workers, MB, min-max")
    third = max(1, len(samples) // 3)
    for part in range(3):
        chunk = samples[part * third : (part + 1) * third] or samples[-1:]
        web = [w for w, _ in chunk]
        query = [q for _, q in chunk]
        print(
            f"  {part + 1}/3: web {min(web):.0f}-{max(web):.0f}, "
            f"query workers {min(query):.0f}-{max(query):.0f}"
        )


if __name__ == "__main__":
    main()
