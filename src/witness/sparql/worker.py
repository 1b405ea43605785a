"""The query worker: a child process that answers SPARQL queries from a read-only store.

pyoxigraph's Python API has no query timeout (oxigraph issue #1926) and holds the process
for as long as a query runs, so queries run in these workers, which the parent can kill when
a deadline passes or lose when a hostile query crashes one, without harm to the server.
Each worker opens the live store read-only (many processes may) and talks to the parent over
a pipe: it receives a :class:`Job` and answers with messages:

``("head", kind, bytes, complete)``
    the query parsed and ran; ``kind`` is ``solutions``, ``boolean`` or ``graph``, or
    ``empty`` for a description of a resource nothing is known about. ``bytes`` is the
    first chunk of the serialised answer (up to :data:`CHUNK` bytes, in the job's format)
    and ``complete`` says whether it is the whole answer: most answers are small, and one
    message each way is the least a query can cost (every message wakes the other process).
``("data", bytes)``
    a further chunk of a larger answer (about :data:`CHUNK` bytes).
``("end",)``
    the larger answer is complete.
``("error", "syntax" | "evaluation" | "memory", message)``
    the query was refused by the parser, failed while running, or needed more memory than
    the worker may use (after which the pool replaces the worker).

A job may also be a description (:mod:`witness.publish.describe`): SELECTs whose rows are
quads, which the worker writes as one RDF document with the provenance of each statement
(:mod:`witness.dataset.provenance`), reading the sources of their graphs from its own store.

When a remote engine holds the data, the worker asks it instead of opening the store
(:mod:`witness.sparql.remote`); everything else is the same.

This module imports nothing but pyoxigraph and small modules (:mod:`witness.formats`,
:mod:`witness.dataset.provenance`, :mod:`witness.jsonld`, the remote store and its HTTP
clients), so workers start fast.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from witness.dataset import provenance
from witness.dataset.engine import Engine
from witness.errors import BackendTimeout, BackendUnavailable, QueryError
from witness.formats import GRAPHS, RESULTS
from witness.sparql import remote

Store = ox.Store | remote.RemoteStore

CHUNK = 64 * 1024
"""Bytes per data message: large enough to amortise the pipe, small enough to stream."""


@dataclass(frozen=True)
class Job:
    """One query and how to answer it.

    ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri`` (None: not given); when neither they nor the query's ``FROM``
    describe the dataset, the default graph is the store's, the merge of its named graphs.
    ``base_iri`` resolves relative IRIs in a query without ``BASE`` (SPARQL 1.1 Query,
    section 4.1.1.1, by RFC 3986, section 5.1.4: an application's default base); without
    one, pyoxigraph refuses ``<s>``, which the W3C protocol test
    ``query_content_type_construct`` sends.

    ``bindings`` are values substituted for variables of the query (pyoxigraph's
    ``substitutions``, after the SPARQL-dev proposal SEP-0007): our own queries take what a
    request names (a resource, a search word) this way and never as text, so no request can
    change a query's meaning. pyoxigraph 0.5 wants each one projected by the query, applies
    them to its top-level group only, not inside ``OPTIONAL`` or subqueries, and plans the
    query before knowing them: queries that take bindings are written with that in mind
    (``queries/describe.rq``).

    ``document`` makes the job a description: ``query`` and then each of ``more`` are SELECTs
    of ``?s ?p ?o ?g ?this`` whose rows together make one RDF document in ``graph_format``,
    with the provenance of each statement (:mod:`witness.dataset.provenance`).
    """

    query: str
    results_format: str
    graph_format: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: tuple[tuple[str, str], ...] = ()
    base_iri: str | None = None
    bindings: tuple[tuple[str, ox.NamedNode | ox.Literal], ...] = ()
    own_dataset: bool = False
    """The query describes its dataset itself (``FROM``, ``FROM NAMED``)."""
    document: bool = False
    more: tuple[str, ...] = ()


class _Chunks:
    """A binary file-like object that sends what is written as messages of ``kind``'s
    answer: the first chunk in the ``head``, the others as ``data``."""

    def __init__(self, conn: Connection, kind: str) -> None:
        self.conn = conn
        self.kind = kind
        self.buffer = bytearray()
        self.started = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self._send(complete=False)
        return len(data)

    def flush(self) -> None:
        """Nothing to do: pyoxigraph flushes when it finishes, before :meth:`close` says so."""

    def close(self) -> None:
        """Send what is left and say that the answer is complete."""
        if not self.started:
            self._send(complete=True)
            return
        if self.buffer:
            self._send(complete=False)
        self.conn.send(("end",))

    def _send(self, *, complete: bool) -> None:
        if self.started:
            self.conn.send(("data", bytes(self.buffer)))
        else:
            self.conn.send(("head", self.kind, bytes(self.buffer), complete))
            self.started = True
        self.buffer.clear()


def answer(store: Store, job: Job, conn: Connection, sources: provenance.Sources) -> None:
    """Run ``job`` on ``store`` and send its messages on ``conn``; descriptions read the
    sources of their graphs from ``sources`` (of the same store)."""
    statements: provenance.Statements | None = None
    try:
        result = _evaluate(store, job, job.query)
        if job.document:
            answers = [result, *(_evaluate(store, job, query) for query in job.more)]
            rows = chain.from_iterable(cast(list[Iterable[provenance.Row]], answers))
            statements = provenance.collect(rows, sources)
    except SyntaxError as error:
        conn.send(("error", "syntax", str(error)))
        return
    except BackendUnavailable as error:
        conn.send(("error", "backend", str(error)))
        return
    except BackendTimeout as error:
        conn.send(("error", "backend-timeout", str(error)))
        return
    except (OSError, ValueError, QueryError) as error:
        conn.send(("error", "evaluation", str(error)))
        return
    except MemoryError:
        conn.send(("error", "memory", "the query needed more memory than it may use"))
        return
    if statements is not None:
        kind = "graph" if statements.quads else "empty"
    elif isinstance(result, ox.QueryTriples | list):
        kind = "graph"
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
    chunks = _Chunks(conn, kind)
    out = cast(IO[bytes], chunks)  # file-like enough: pyoxigraph calls write() and flush()
    try:
        if statements is not None:
            if statements.quads:
                prefixes = dict(job.prefixes)
                provenance.write(statements, out, GRAPHS[job.graph_format], prefixes)
        elif isinstance(result, ox.QueryTriples | list):
            compact = dict(job.prefixes) or None  # prefixed names in Turtle, TriG and RDF/XML
            ox.serialize(result, out, GRAPHS[job.graph_format].syntax, prefixes=compact)
        else:
            result.serialize(out, RESULTS[job.results_format].syntax)
    except (OSError, ValueError, SyntaxError) as error:
        conn.send(("error", "evaluation", str(error)))
        return
    except MemoryError:
        conn.send(("error", "memory", "the answer needed more memory than it may use"))
        return
    chunks.close()


def _evaluate(store: Store, job: Job, query: str) -> remote.Answer | ox.QueryTriples:
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): term for name, term in job.bindings
    }
    options: dict[str, Any] = {
        "base_iri": job.base_iri,
        "prefixes": dict(job.prefixes),
        "substitutions": substitutions or None,
    }
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    if isinstance(store, remote.RemoteStore):
        options["own_dataset"] = job.own_dataset
    answer: remote.Answer | ox.QueryTriples = store.query(query, **options)
    return answer


@dataclass(frozen=True)
class Remote:
    """Where a worker finds its build when a remote engine holds it (see
    :mod:`witness.sparql.remote`), and how long a request to it may take."""

    engine: Engine
    dataset: remote.Dataset
    timeout: float


def main(conn: Connection, store_path: str, memory: int = 0, on: Remote | None = None) -> None:
    """A worker's life: open the store (or reach the remote engine ``on`` holds it), then
    answer jobs until the parent goes away.

    ``memory`` (bytes, 0: no cap) is how much more the worker's data segment may grow once
    the store is open (``RLIMIT_DATA``, which counts the heap and private mappings but not
    the store's files): past it an allocation fails, pyoxigraph aborts the process, and the
    pool reports the query as too big. Interrupts from a terminal (``SIGINT``, sent to the
    whole process group) are the server's to handle, not the worker's.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # an abort on a query's memory cap is one line, not 40
    store: Store
    if on:
        store = remote.RemoteStore(on.engine, on.dataset, on.timeout)
        sources = provenance.Sources(store)
    else:
        store = ox.Store.read_only(store_path)
        sources = provenance.Sources(provenance.Local(store))
    if memory:
        used = _data_segment()
        resource.setrlimit(resource.RLIMIT_DATA, (used + memory, resource.RLIM_INFINITY))
    try:
        conn.send(("ready",))
        while True:
            answer(store, conn.recv(), conn, sources)
    except (EOFError, OSError):
        return  # the parent closed the pipe: it no longer needs this worker


def _data_segment() -> int:
    """The bytes of this process's data segment (``VmData`` in ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0
