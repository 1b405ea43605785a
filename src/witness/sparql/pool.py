"""A pool of query worker processes, with a deadline and a memory cap on every query.

Why processes: pyoxigraph's Python API has no query timeout (oxigraph issue #1926), a query
holds its thread until it finishes, and a hostile query can crash the engine. Each worker
(:mod:`witness.sparql.worker`) opens the live store read-only, which many processes may do at
once, so queries use every core. The parent sends a job over a pipe and reads the answer in
chunks; when the deadline passes it kills the worker (stopping the CPU work at once), reports
:class:`~witness.errors.QueryTimeout`, and starts a replacement in the background. A worker
that dies is replaced the same way: one that ran out of the memory a query may use (its data
segment is capped, and Rust aborts when an allocation fails) is reported as
:class:`~witness.errors.MemoryExceeded`. Workers are started from a fork server, never forked
from the (threaded) web process.

Workers are shared fairly between clients (:mod:`witness.sparql.admission`), and an answer
larger than what is read before responding is handed off to a spool as fast as the worker
writes it (:mod:`witness.sparql.spool`), so that no client, however slowly it reads, holds a
worker past the time its answer takes to compute.

Builds are swapped in atomically (:mod:`witness.dataset.store`), so each worker is tied to the
build it opened; when ``current`` points elsewhere, workers are replaced before their next job.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from witness.dataset.engine import Engine
from witness.dataset.store import StoreLocation
from witness.errors import (
    BackendTimeout,
    BackendUnavailable,
    MemoryExceeded,
    Overloaded,
    QueryError,
    QueryTimeout,
    Stopping,
    StoreError,
    WitnessError,
    WorkerLost,
)
from witness.sparql import remote, worker
from witness.sparql.admission import Admission
from witness.sparql.query import syntax_message
from witness.sparql.spool import Spool

START_TIMEOUT = 30.0
"""Seconds a new worker may take to open the store."""


@dataclass(eq=False)
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
    client: str
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
            raise self.pool.loss(self.worker) from None
        self._finish(failed=True)
        raise self.pool.timed_out()

    def start(self) -> None:
        """Wait until the worker has run the query and sends its first chunk, saying what
        kind of answer it is and whether the chunk is all of it.

        :raises QueryError: if the query is not valid SPARQL (the parser's message, with the
            offending line and a caret under the column, as ``witness query`` shows it), or
            if it failed before its first chunk was written.
        :raises MemoryExceeded: if the query needed more memory than a query may use.
        """
        message = self._next()
        if message[0] == "error":
            self._finish(failed=message[1] == "memory")
            if message[1] == "syntax":
                raise QueryError(syntax_message(self.query, message[2]))
            if message[1] == "memory":
                raise self.pool.memory_exceeded()
            _raise_backend(message)
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
        """The remaining chunks; closing the iterator early stops the worker.

        The worker's chunks are handed off to a :class:`~witness.sparql.spool.Spool` by a
        pump thread, so the worker is released when it has written its answer, however slowly
        this iterator is read.
        """
        yield from self._first
        self._first = []
        if self._done:
            return
        spool = Spool()
        threading.Thread(target=self._pump, args=(spool,), daemon=True, name="witness-pump").start()
        yield from spool.chunks()

    def _pump(self, spool: Spool) -> None:
        failure: WitnessError | None = None
        try:
            while not self._done and (chunk := self._chunk()) is not None:
                if not spool.write(chunk):
                    break  # the client has gone: no one wants the rest
        except WitnessError as error:
            failure = error
        except OSError as error:
            failure = WitnessError(f"The answer could not be held for sending: {error}")
        finally:
            if not self._done:
                self._finish(failed=True)
            spool.finish(failure)

    def _chunk(self) -> bytes | None:
        message = self._next()
        if message[0] == "data":
            data: bytes = message[1]
            return data
        if message[0] == "end":
            self._finish(failed=False)
            return None
        self._finish(failed=message[1] == "memory")
        if message[1] == "memory":
            raise self.pool.memory_exceeded()
        _raise_backend(message)
        raise QueryError(f"The query failed while running: {message[2]}")

    def _finish(self, *, failed: bool) -> None:
        if not self._done:
            self._done = True
            self.pool._release(self.worker, self.client, failed=failed)


def _raise_backend(message: tuple[Any, ...]) -> None:
    """Raise the remote engine's failure a worker reported, if it is one."""
    failure = {"backend": BackendUnavailable, "backend-timeout": BackendTimeout}.get(message[1])
    if failure:
        raise failure(message[2])


class QueryPool:
    """Worker processes answering queries on the live build of a store.

    ``memory`` caps each worker's data segment (bytes; 0: no cap); ``per_client`` is how many
    queries one client may have running or waiting (0: no limit). With an ``engine``, the
    workers ask it for the build (:mod:`witness.sparql.remote`).
    """

    def __init__(
        self,
        location: StoreLocation,
        size: int,
        timeout: float,
        *,
        memory: int = 0,
        per_client: int = 0,
        engine: Engine | None = None,
    ) -> None:
        self.location = location
        self.engine = engine
        self.size = size
        self.timeout = timeout
        self.memory = memory
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["witness.sparql.worker"])
        self._workers: Admission[_Worker] = Admission(per_client)
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the store.

        :raises StoreError: if there is no store or it cannot be opened.
        """
        build = self.location.live_build()
        self._remote(build)  # the engine holds this build
        starters = [threading.Thread(target=self._add, args=(build,)) for _ in range(self.size)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        if self._workers.idle_count() < self.size:
            raise StoreError(f"Query workers could not open the store at {self.location.root}.")

    def close(self) -> None:
        """Stop every worker, idle or busy: queries being answered end with
        :class:`~witness.errors.Stopping`."""
        self._closed = True
        for idle in self._workers.idle():
            idle.stop()
        with self._lock:
            busy = list(self._busy)
        for running in busy:
            running.process.kill()

    def execute(self, job: worker.Job, client: str = "") -> Execution:
        """Send ``job`` to a free worker for ``client``; the deadline counts from now, waiting
        included.

        :raises TooManyRequests: if ``client`` already has its share of queries.
        :raises Overloaded: if no worker is free before the deadline.
        :raises QueryError: if the query is not valid SPARQL.
        :raises QueryTimeout: if parsing and starting take longer than the deadline.
        :raises MemoryExceeded: if the query needs more memory than a query may use.
        """
        if self._closed:
            raise self._stopping()
        deadline = time.monotonic() + self.timeout
        # A worker killed since it was last used is found dead only when the job cannot be
        # sent: the query never ran, so one more worker may take it.
        for attempt in range(2):
            chosen = self._acquire(client, deadline)
            try:
                chosen.conn.send(job)
                break
            except OSError:
                self._release(chosen, client, failed=True)
                if attempt:
                    raise WorkerLost("The query worker was lost before it got the query.") from None
        execution = Execution(self, chosen, client, deadline, job.query)
        execution.start()
        return execution

    def timed_out(self) -> WitnessError:
        limit = f"the {self.timeout:g} s deadline"
        if self.engine is None:
            return QueryTimeout(f"The query did not finish within {limit} and was stopped.")
        return BackendTimeout(
            f"The SPARQL engine at {self.engine.name} did not answer within "
            f"{limit}; the request was abandoned."
        )

    def loss(self, lost: _Worker) -> WitnessError:
        """Why ``lost`` died while answering, as the error its client gets."""
        lost.process.join(timeout=1)
        if self._closed:
            return self._stopping()
        if lost.process.exitcode == -signal.SIGABRT and self.memory:
            return self.memory_exceeded()
        return WorkerLost("The query worker died while answering; the query was stopped.")

    def memory_exceeded(self) -> MemoryExceeded:
        return MemoryExceeded(
            f"The query needed more than the {self.memory >> 20:,} MB a query may use "
            "(--max-query-memory) and was stopped."
        )

    def _stopping(self) -> Stopping:
        return Stopping(
            f"The server is stopping; ask again in {Stopping.retry_after} s, when it is back."
        )

    def _acquire(self, client: str, deadline: float) -> _Worker:
        build = self.location.live_build()
        chosen = self._workers.acquire(client, deadline)
        if chosen is None:
            raise Overloaded(
                f"All {self.size} query workers stayed busy for {self.timeout:g} s; "
                "try again later."
            )
        if chosen.build != build or not _usable(chosen):
            chosen.stop()
            replacement = self._spawn(build)
            if replacement is None:
                self._workers.done(client)
                threading.Thread(target=self._add, args=(build,), daemon=True).start()
                raise StoreError(f"A query worker could not open the store at {build}.")
            chosen = replacement
        with self._lock:
            self._busy.add(chosen)
        return chosen

    def _release(self, used: _Worker, client: str, *, failed: bool) -> None:
        with self._lock:
            self._busy.discard(used)
        self._workers.done(client)
        if self._closed:
            used.stop()
        elif failed:
            used.stop()
            threading.Thread(
                target=self._add, args=(self.location.live_build(),), daemon=True
            ).start()
        else:
            self._workers.put(used)

    def _add(self, build: Path) -> None:
        started = self._spawn(build)
        if started is not None:
            self._workers.put(started)

    def _spawn(self, build: Path) -> _Worker | None:
        try:
            on = self._remote(build)
        except StoreError:
            return None
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=worker.main,
            args=(child, str(build), self.memory, on),
            daemon=True,
            name="witness-query",
        )
        process.start()
        child.close()
        started = _Worker(process, parent, build)
        try:
            if parent.poll(START_TIMEOUT) and parent.recv() == ("ready",):
                return started
        except (EOFError, OSError):
            pass
        started.stop()
        return None

    def _remote(self, build: Path) -> worker.Remote | None:
        """Where the workers of ``build`` find it on the engine, if there is one."""
        if self.engine is None:
            return None
        member, dataset = remote.held(self.location, build, self.engine)
        return worker.Remote(member, dataset, self.timeout)


def _usable(idle: _Worker) -> bool:
    """Whether an idle worker can take a job: it is alive, and its pipe has nothing to read
    (an idle worker sends nothing; a readable pipe is the end of one that was killed and not
    yet reaped)."""
    try:
        return idle.process.is_alive() and not idle.conn.poll(0)
    except OSError:
        return False


class Runs(Protocol):
    """What runs our queries: the pool itself, or the pool as one client uses it."""

    def execute(self, job: worker.Job) -> Execution: ...
