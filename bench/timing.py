"""Timing for the endpoint benchmark: latency of sequential requests, throughput of
concurrent clients, and the engine alone.

Every server is timed by the same client (:func:`mix.ask`). Latency is per query, over
sequential keep-alive requests, the servers taking turns; throughput counts the answers of
several client threads, one ``requests.Session`` each, cycling through a mix for a while; the
engine alone is pyoxigraph in this process, without HTTP, the engine's share of a request.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests

from mix import Query, ask
from peers import Data, Server


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
            result = store.query(query.text)
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, None, ox.RdfFormat.N_TRIPLES)
            else:
                result.serialize(None, ox.QueryResultsFormat.JSON)
            if n >= args.warmup:
                runs.samples.append(time.perf_counter() - t0)
            if len(runs.samples) >= 5 and time.perf_counter() - began > args.budget:
                break
        progress("engine")(f"{query.name}: p50 {runs.p50:.2f} ms")
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


def progress(name: str) -> Callable[[str], None]:
    """A printer of progress lines about ``name``, on standard error."""

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {message}", file=sys.stderr, flush=True)

    return say
