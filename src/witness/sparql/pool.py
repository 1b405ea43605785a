"""A pool of query worker processes, with a deadline on every query.

Why processes: pyoxigraph's Python API has no query timeout (oxigraph issue #1926), a query
holds its thread until it finishes, and a hostile query can crash the engine. Each worker
(:mod:`witness.sparql.worker`) opens the live store read-only, which many processes may do at once,
so queries use every core. The parent sends a job over a pipe and reads the answer in chunks;
when the deadline passes it kills the worker (stopping the CPU work at once), reports
:class:`~witness.errors.QueryTimeout`, and starts a replacement in the background. A worker
that dies is replaced the same way. Workers are started from a fork server, never forked
from the (threaded) web process.

Builds are swapped in atomically (:mod:`witness.dataset.store`), so each worker is tied to the build
it opened; when ``current`` points elsewhere, workers are replaced before their next job.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from witness.dataset.store import StoreLocation
from witness.errors import Overloaded, QueryError, QueryTimeout, StoreError, WorkerLost
from witness.sparql import worker
from witness.sparql.query import syntax_message

START_TIMEOUT = 30.0
"""Seconds a new worker may take to open the store."""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    build: Path

    def stop(self) -> None:
        self.process.kill()
        self.conn.close()
        self.process.join(timeout=5)


@dataclass
class Execution:
    """A query being answered by one worker: its kind, then its bytes as they come.

    ``kind`` is ``solutions``, ``boolean`` or ``graph`` (see :mod:`witness.sparql.worker`), or
    ``empty`` for a description of a resource the store knows nothing about.
    """

    pool: QueryPool
    worker: _Worker
    deadline: float
    query: str = ""
    kind: str = ""
    _first: list[bytes] = field(default_factory=list, init=False)
    _done: bool = field(default=False, init=False)

    def _next(self) -> tuple[Any, ...]:
        remaining = self.deadline - time.monotonic()
        try:
            ready = self.worker.conn.poll(max(remaining, 0))
            if ready:
                message: tuple[Any, ...] = self.worker.conn.recv()
                return message
        except (EOFError, OSError):
            self._finish(failed=True)
            raise WorkerLost(
                "The query worker died while answering; the query was stopped."
            ) from None
        self._finish(failed=True)
        raise QueryTimeout(
            f"The query did not finish within the {self.pool.timeout:g} s deadline and was stopped."
        )

    def start(self) -> None:
        """Wait until the worker has run the query and sends its first chunk, saying what
        kind of answer it is and whether the chunk is all of it.

        :raises QueryError: if the query is not valid SPARQL (the parser's message, with the
            offending line and a caret under the column, as ``witness query`` shows it), or
            if it failed before its first chunk was written.
        """
        message = self._next()
        if message[0] == "error":
            self._finish(failed=False)
            if message[1] == "syntax":
                raise QueryError(syntax_message(self.query, message[2]))
            raise QueryError(message[2])
        _, self.kind, first, complete = message
        self._first = [first] if first else []
        if complete:
            self._finish(failed=False)

    def prefetch(self, limit: int) -> tuple[list[bytes], bool]:
        """Read up to ``limit`` bytes (or the whole answer if smaller) before responding.

        Reading ahead lets a quick query's failure or timeout still become an error status;
        past ``limit`` the answer is streamed and a late failure can only cut it short.
        Returns the chunks and whether the answer is complete.
        """
        chunks, self._first = self._first, []
        size = sum(len(chunk) for chunk in chunks)
        while size < limit and not self._done:
            chunk = self._chunk()
            if chunk is None:
                break
            chunks.append(chunk)
            size += len(chunk)
        return chunks, self._done

    def rest(self) -> Iterator[bytes]:
        """The remaining chunks; closing the iterator early stops the worker."""
        try:
            yield from self._first
            while not self._done and (chunk := self._chunk()) is not None:
                yield chunk
        finally:
            if not self._done:
                self._finish(failed=True)

    def _chunk(self) -> bytes | None:
        message = self._next()
        if message[0] == "data":
            data: bytes = message[1]
            return data
        if message[0] == "end":
            self._finish(failed=False)
            return None
        self._finish(failed=False)
        raise QueryError(f"The query failed while running: {message[2]}")

    def _finish(self, *, failed: bool) -> None:
        if not self._done:
            self._done = True
            self.pool._release(self.worker, failed=failed)


class QueryPool:
    """Worker processes answering queries on the live build of a store."""

    def __init__(self, location: StoreLocation, size: int, timeout: float) -> None:
        self.location = location
        self.size = size
        self.timeout = timeout
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["witness.sparql.worker"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the store.

        :raises StoreError: if there is no store or it cannot be opened.
        """
        build = self.location.live_build()
        starters = [threading.Thread(target=self._add, args=(build,)) for _ in range(self.size)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        if self._idle.qsize() < self.size:
            raise StoreError(f"Query workers could not open the store at {self.location.root}.")

    def close(self) -> None:
        """Stop every idle worker; busy ones are stopped as they are released."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return

    def execute(self, job: worker.Job) -> Execution:
        """Send ``job`` to a free worker; the deadline counts from now, waiting included.

        :raises Overloaded: if no worker is free before the deadline.
        :raises QueryError: if the query is not valid SPARQL.
        :raises QueryTimeout: if parsing and starting take longer than the deadline.
        """
        deadline = time.monotonic() + self.timeout
        chosen = self._acquire(deadline)
        try:
            chosen.conn.send(job)
        except OSError:
            self._release(chosen, failed=True)
            raise WorkerLost("The query worker was lost before it got the query.") from None
        execution = Execution(self, chosen, deadline, job.query)
        execution.start()
        return execution

    def _acquire(self, deadline: float) -> _Worker:
        build = self.location.live_build()
        while True:
            try:
                chosen = self._idle.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise Overloaded(
                    f"All {self.size} query workers stayed busy for {self.timeout:g} s; "
                    "try again later."
                ) from None
            if chosen.build == build and chosen.process.is_alive():
                return chosen
            chosen.stop()
            self._add(build)

    def _release(self, used: _Worker, *, failed: bool) -> None:
        if self._closed:
            used.stop()
        elif failed:
            used.stop()
            threading.Thread(
                target=self._add, args=(self.location.live_build(),), daemon=True
            ).start()
        else:
            self._idle.put(used)

    def _add(self, build: Path) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker.main, args=(child, str(build)), daemon=True, name="witness-query"
        )
        process.start()
        child.close()
        started = _Worker(process, parent, build)
        try:
            if parent.poll(START_TIMEOUT) and parent.recv() == ("ready",):
                self._idle.put(started)
                return
        except (EOFError, OSError):
            pass
        started.stop()


def default_size() -> int:
    """One worker per core."""
    return len(os.sched_getaffinity(0))
