"""Reporting for the endpoint benchmark: what was found about each server (:class:`Report`),
the description of the machine and its software, and the Markdown tables printed at the end,
with each target's verdict (met or MISSED).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mix import Query
from peers import Data
from timing import Latency, Throughput


@dataclass
class Report:
    """What was found about one server: its answers, timings and footprint."""

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
