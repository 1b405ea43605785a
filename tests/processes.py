"""The processes of a live server, read from ``/proc`` as an operator would find them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import LiveServer


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    state: str
    cpu: float
    """User and system CPU time, in seconds."""


def process(pid: int) -> Process | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)"
    ticks = os.sysconf("SC_CLK_TCK")
    return Process(pid, int(fields[1]), fields[0], (int(fields[11]) + int(fields[12])) / ticks)


def query_workers(server: LiveServer) -> dict[int, Process]:
    """The server's query workers: the processes its multiprocessing fork server started."""
    table = {p.pid: p for p in map(process, _all_pids()) if p is not None}
    family = {server.process.pid}
    grew = True
    while grew:
        found = {pid for pid, p in table.items() if p.ppid in family} - family
        family |= found
        grew = bool(found)
    return {
        pid: p
        for pid, p in table.items()
        if pid in family and p.ppid in family and _is_fork_server(p.ppid)
    }


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _is_fork_server(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return b"multiprocessing.forkserver" in command


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def settled(server: LiveServer, count: int) -> dict[int, Process]:
    """Wait until the server has ``count`` query workers, all asleep; return them."""
    workers: dict[int, Process] = {}

    def ready() -> bool:
        nonlocal workers
        workers = query_workers(server)
        return len(workers) == count and all(p.state == "S" for p in workers.values())

    wait_for(ready)
    return workers


def web_workers(server: LiveServer) -> dict[int, Process]:
    """The server's web (gunicorn) workers: the children of its main process."""
    table = {p.pid: p for p in map(process, _all_pids()) if p is not None}
    return {pid: p for pid, p in table.items() if p.ppid == server.process.pid}


def cpu_of_tree(server: LiveServer) -> float:
    """CPU seconds used so far by the server's web processes (not its query workers)."""
    main = process(server.process.pid)
    return (main.cpu if main else 0.0) + sum(p.cpu for p in web_workers(server).values())
