"""The query worker: a child process that answers SPARQL queries from a read-only store.

pyoxigraph's Python API has no query timeout (oxigraph issue #1926) and holds the process
for as long as a query runs, so queries run in these workers, which the parent can kill when
a deadline passes or lose when a hostile query crashes one, without harm to the server.
Each worker opens the live store read-only (many processes may) and talks to the parent over
a pipe: it receives a :class:`Job` and answers with messages:

``("head", kind)``
    the query parsed and started; ``kind`` is ``solutions``, ``boolean`` or ``graph``.
``("data", bytes)``
    a chunk of the serialised answer (about :data:`CHUNK` bytes), in the job's format.
``("end",)``
    the answer is complete.
``("error", "syntax" | "evaluation", message)``
    the query was refused by the parser, or failed while running.

This module imports nothing but pyoxigraph and :mod:`witness.formats`, so workers start fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import IO, cast

import pyoxigraph as ox

from witness.formats import GRAPHS, RESULTS

CHUNK = 64 * 1024
"""Bytes per data message: large enough to amortise the pipe, small enough to stream."""


@dataclass(frozen=True)
class Job:
    """One query and how to answer it.

    ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri`` (None: not given); ``union`` makes the default graph the union of
    all graphs when neither they nor the query's ``FROM`` describe the dataset.
    ``base_iri`` resolves relative IRIs in a query without ``BASE`` (SPARQL 1.1 Query,
    section 4.1.1.1, by RFC 3986, section 5.1.4: an application's default base); without
    one, pyoxigraph refuses ``<s>``, which the W3C protocol test
    ``query_content_type_construct`` sends.
    """

    query: str
    results_format: str
    graph_format: str
    union: bool = True
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: tuple[tuple[str, str], ...] = ()
    base_iri: str | None = None


class _Chunks:
    """A binary file-like object that sends what is written as ``data`` messages."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.conn.send(("data", bytes(self.buffer)))
            self.buffer.clear()


def answer(store: ox.Store, job: Job, conn: Connection) -> None:
    """Run ``job`` on ``store`` and send its messages on ``conn``."""
    dataset = job.default_graphs is not None or job.named_graphs is not None
    try:
        if dataset:
            result = store.query(
                job.query,
                base_iri=job.base_iri,
                prefixes=dict(job.prefixes),
                default_graph=[ox.NamedNode(g) for g in job.default_graphs or ()],
                named_graphs=[ox.NamedNode(g) for g in job.named_graphs or ()],
            )
        else:
            result = store.query(
                job.query,
                base_iri=job.base_iri,
                prefixes=dict(job.prefixes),
                use_default_graph_as_union=job.union,
            )
    except SyntaxError as error:
        conn.send(("error", "syntax", str(error)))
        return
    except (OSError, ValueError) as error:
        conn.send(("error", "evaluation", str(error)))
        return
    chunks = _Chunks(conn)
    out = cast(IO[bytes], chunks)  # file-like enough: pyoxigraph only calls write()
    try:
        if isinstance(result, ox.QueryTriples):
            conn.send(("head", "graph"))
            ox.serialize(result, out, GRAPHS[job.graph_format].syntax)
        else:
            conn.send(("head", "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"))
            result.serialize(out, RESULTS[job.results_format].syntax)
    except (OSError, ValueError, SyntaxError) as error:
        conn.send(("error", "evaluation", str(error)))
        return
    chunks.flush()
    conn.send(("end",))


def main(conn: Connection, store_path: str) -> None:
    """A worker's life: open the store, then answer jobs until the parent goes away."""
    store = ox.Store.read_only(store_path)
    try:
        conn.send(("ready",))
        while True:
            answer(store, conn.recv(), conn)
    except (EOFError, OSError):
        return  # the parent closed the pipe: it no longer needs this worker
