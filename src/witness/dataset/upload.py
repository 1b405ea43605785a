"""Loading a build into a remote SPARQL engine, so that readers never see half of it.

``witness build --store-url`` builds and validates the store locally as always (the browser's
index, projection and dumps are made from it), then this deriver copies every named graph of
the build, and its materialised default graph, into the engine:

1. Each graph is written under a *staging* name (``urn:x-witness:staging:…``, emptied first
   in case an earlier upload was killed): with one PUT of N-Triples to the engine's graph
   store if it has one (SPARQL 1.1 Graph Store HTTP Protocol, section 5.3), else in
   ``INSERT DATA`` requests of at most :data:`BATCH` statements (SPARQL 1.1 Update, section
   3.1.1), which every SPARQL 1.1 engine takes on its update endpoint.
2. One update request (see below) then swaps the build in: ``MOVE`` each staging graph onto its real
   name (section 3.2.5: the destination is dropped first), ``DROP`` the previous build's
   graphs that this one no longer has, and rewrite the register graph (:data:`REGISTER`)
   naming the build and its graphs.

Readers (queries pinned to the graphs a server's build names, see
:mod:`witness.sparql.remote`) see the previous build until step 2 and the new one after it,
**if the switch fits one request** (:data:`OPERATIONS`: a build of fewer than about 100
graphs; a larger one is switched in several requests, and readers may see a mix of the two
builds while they run) **and the engine applies an update request atomically**: section 2
of SPARQL 1.1 Update asks implementations to ("SHOULD"); Oxigraph applies each request in one
transaction, Virtuoso in its default transaction mode (not probed under concurrent reads by
the tests). A failed or killed upload stops before step 2 and leaves the previous build
answering; its staging graphs are emptied by the next upload.

An engine keeps a blank node for one request: with ``INSERT DATA``, a graph of more than
:data:`BATCH` statements that has blank nodes is refused (they would lose their identity).
The artefact this deriver leaves beside the build (``remote-1-<engine>.json``) records what
the engine holds, and is how a server knows its graphs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from witness.dataset.engine import Engine
from witness.errors import StoreError, WitnessError

BATCH = 20_000
"""Most statements per ``INSERT DATA`` request."""

DEFAULT_GRAPH = "urn:x-witness:default-graph"
"""Where the engine keeps the build's default graph (the merge of its graphs, each fact
once): an engine's own default graph may hold other data (Virtuoso's system graphs)."""

REGISTER = "urn:x-witness:build"
"""The graph saying which build the engine holds, and its graphs."""
HOLDS = "urn:x-witness:holds"
BUILD = "urn:x-witness:build-name"

OPERATIONS = 100
"""Most operations in one update request: Virtuoso 7 refuses 1,000 ``MOVE``s of short names
("Query too large") and its parser runs out of memory on 250 of the bench's names."""
REGISTER_BATCH = 500
"""Most statements of the register graph in one ``INSERT DATA`` operation."""

UPDATE_TIMEOUT = 600.0
"""Seconds one update request may take."""


@dataclass(frozen=True)
class Held:
    """What an engine holds of a build: its name, default graph and named graphs."""

    build: str
    default: str
    named: tuple[str, ...]

    @staticmethod
    def read(path: Path) -> Held:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Held(data["build"], data["default"], tuple(data["named"]))


def artefact_name(engine: Engine) -> str:
    """The upload's artefact for ``engine`` (another engine gets its own upload)."""
    digest = hashlib.sha256(engine.query_url.encode()).hexdigest()[:12]
    return f"remote-1-{digest}.json"


class Upload:
    """The deriver that copies a build into ``engine`` (see the module's documentation)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = artefact_name(engine)
        self.loader = engine.loader()

    def make(self, store: ox.Store, target: Path) -> None:
        """Upload the build ``store`` holds and swap it in on the engine.

        :raises StoreError: if the engine refuses or fails (the previous build still answers).
        """
        build = target.parent.name
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        staging = {graph: _staging(graph) for graph in [*graphs, DEFAULT_GRAPH]}
        try:
            self._updates([f"DROP SILENT GRAPH <{s}>" for s in staging.values()])
            for graph in graphs:
                self._insert(
                    staging[graph], store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                )
            self._insert(
                staging[DEFAULT_GRAPH],
                store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
            )
            self._updates(self._switch(build, graphs, staging))
        except WitnessError as error:
            raise StoreError(
                f"The build could not be loaded into the SPARQL engine at {self.engine.name} "
                f"(the data it held before still answers): {error}"
            ) from None
        held = {"engine": self.engine.name, "build": build, "default": DEFAULT_GRAPH}
        target.write_text(json.dumps({**held, "named": graphs}, indent=1), encoding="utf-8")

    def _insert(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        if self.engine.graph_store_url:
            self._put(graph, quads)
            return
        batch: list[str] = []
        blank = False
        sent = 0
        for quad in quads:
            blank = (
                blank
                or isinstance(quad.subject, ox.BlankNode)
                or isinstance(quad.object, ox.BlankNode)
            )
            batch.append(f"{quad.subject} {quad.predicate} {quad.object} .")
            if len(batch) == BATCH:
                self._send(graph, batch)
                sent += len(batch)
                batch = []
            if blank and sent:
                raise StoreError(
                    f"A graph with blank nodes has more than {BATCH:,} statements: they would "
                    "not keep their identity across update requests."
                )
        if batch:
            self._send(graph, batch)

    def _put(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """One PUT of the whole graph, as N-Triples."""
        triples = (quad.triple for quad in quads)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self.loader.put(graph, body, timeout=UPDATE_TIMEOUT)

    def _send(self, graph: str, statements: list[str]) -> None:
        body = "\n".join(statements)
        self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    def _switch(self, build: str, graphs: list[str], staging: dict[str, str]) -> list[str]:
        """The operations that swap the staged build in (see :meth:`_updates`)."""
        previous = self._held_graphs()
        steps = [f"DROP SILENT GRAPH <{g}>" for g in previous if g not in staging]
        steps += [f"MOVE SILENT GRAPH <{s}> TO GRAPH <{g}>" for g, s in staging.items()]
        held = [f"<{REGISTER}> <{HOLDS}> <{g}> ." for g in graphs]
        steps += [
            f"DROP SILENT GRAPH <{REGISTER}>",
            f'INSERT DATA {{ GRAPH <{REGISTER}> {{ <{REGISTER}> <{BUILD}> "{build}" }} }}',
        ]
        steps += [
            f"INSERT DATA {{ GRAPH <{REGISTER}> {{ {' '.join(held[n : n + REGISTER_BATCH])} }} }}"
            for n in range(0, len(held), REGISTER_BATCH)
        ]
        return steps

    def _held_graphs(self) -> list[str]:
        """The graphs of the build the engine holds now, by its register."""
        media, data, _ = self.engine.query(
            f"SELECT ?g WHERE {{ GRAPH <{REGISTER}> {{ <{REGISTER}> <{HOLDS}> ?g }} }}",
            "application/sparql-results+json",
            parameters=[("named-graph-uri", REGISTER)],
            timeout=UPDATE_TIMEOUT,
        )
        try:
            answer = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"the engine's answer is not {media}: {error}") from None
        assert isinstance(answer, ox.QuerySolutions)
        return [row["g"].value for row in answer if isinstance(row["g"], ox.NamedNode)]

    def _update(self, update: str) -> None:
        self.loader.update(update, timeout=UPDATE_TIMEOUT)

    def _updates(self, operations: list[str]) -> None:
        """The operations in as few requests as the engine takes: one if there are at most
        :data:`OPERATIONS` of them (the only case a switch is atomic)."""
        for start in range(0, len(operations), OPERATIONS):
            self._update(" ;\n".join(operations[start : start + OPERATIONS]))


def _staging(graph: str) -> str:
    return "urn:x-witness:staging:" + hashlib.sha256(graph.encode()).hexdigest()[:24]
