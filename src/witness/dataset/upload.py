"""Loading a build into a remote SPARQL engine, so that readers never see half of it.

``witness build --store-url`` builds and validates the store locally as always (the browser's
index, projection and dumps are made from it), then this deriver copies every named graph of
the build, and its materialised default graph, into the engine: with one PUT of N-Triples per
graph to the engine's graph store if it has one (SPARQL 1.1 Graph Store HTTP Protocol, section
5.3; a large graph then in parts added with POST, section 5.5), else in ``INSERT DATA``
requests (SPARQL 1.1 Update, section 3.1.1), which every SPARQL 1.1 engine takes on its
update endpoint. A register graph (:data:`REGISTER`) on the engine names the build and its
graphs.

How readers are kept from a half-loaded build depends on what the engine offers.

**A pair** (``--standby-url``: two Virtuoso instances, two Fuseki datasets or GraphDB
repositories, two Oxigraph servers). The build is loaded, under its graphs' own names, into
whichever of the two does not hold the live build, which no server reads; servers move to it
when the build is swapped in on the local disk (one rename). That switch is atomic and costs
the same at any size, and asks nothing of the engines but SPARQL 1.1. The register first lists
every graph the upload may write and names the build only at the end, so the next upload
clears what a killed one left. The other engine keeps the previous build, answering
throughout; a failed or killed upload leaves it untouched.

**One engine.** Each graph is written under a *staging* name (``urn:x-witness:staging:…``,
replaced if an earlier upload was killed), then update requests swap the build in: ``MOVE``
each staging graph onto its real name (section 3.2.5: the destination is dropped first),
``DROP`` the previous build's graphs that this one no longer has, and rewrite the register.
Readers see the previous build until then and the new one after, **if the switch fits one
request** (:data:`OPERATIONS`: a build of fewer than about 100 graphs; a larger one is
switched in several requests, and readers may see a mix of the two builds while they run)
**and the engine applies an update request atomically**: section 2 of SPARQL 1.1 Update asks
implementations to ("SHOULD"); Oxigraph applies each request in one transaction, Virtuoso in
its default transaction mode, whose log must then hold the whole build (its
``TransactionAfterImageLimit``). A failed or killed upload stops before the switch and leaves
the previous build answering.

A large graph goes in parts (:meth:`_Load._insert`), so that no request is a transaction
the engine cannot hold. The artefact this deriver leaves beside the build
(``remote-2-<engine>.json``) records which engine holds it and how a server's queries see
exactly its graphs there (see :class:`Held`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from witness.dataset.engine import Engine, Loader
from witness.dataset.store import StoreLocation
from witness.errors import StoreError, WitnessError

BATCH = 20_000
"""Most statements per ``INSERT DATA`` request."""
PART = 50_000
"""Most statements per graph-store request (about 8 MB of N-Triples): Virtuoso 7 took the
10M archive's metadata graph (639,298 statements) in parts of 50,000 in under a second
each, and held its locks for minutes over one part of 500,000."""

DEFAULT_GRAPH = "urn:x-witness:default-graph"
"""Where the engine keeps the build's default graph (the merge of its graphs, each fact
once): an engine's own default graph may hold other data (Virtuoso's system graphs)."""

REGISTER = "urn:x-witness:build"
"""The graph saying which build the engine holds, and its graphs."""
HOLDS = "urn:x-witness:holds"
"""The register's property naming a graph, as an ``xsd:anyURI`` literal: with the names as
IRIs, Virtuoso 7.2 stopped ("GPF: page.c:119 row length out of range") on the 8,815th graph
written after the register listed the 10M archive's 45,667 graphs (reproduced twice; not
with the names as literals)."""
ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
BUILD = "urn:x-witness:build-name"

OPERATIONS = 100
"""Most operations in one update request: Virtuoso 7 refuses 1,000 ``MOVE``s of short names
("Query too large") and its parser runs out of memory on 250 of the bench's names."""
REGISTER_BATCH = 500
"""Most statements of the register graph in one ``INSERT DATA`` operation."""

Name = ox.NamedNode | ox.Literal
"""What names a graph in an answer: an IRI, or a register's literal."""

UPDATE_TIMEOUT = 600.0
"""Seconds one update request may take."""


@dataclass(frozen=True)
class Held:
    """What an engine holds of a build: the engine (its :attr:`Engine.name`), the build's
    name, default graph and named graphs, and ``exclude``: on Virtuoso, the engine's other
    graphs when they are fewer than the build's.

    A query is given its dataset by the protocol (SPARQL 1.1 Protocol, section 2.1.4): the
    default graph, and the named graphs listed one by one. Virtuoso 7 refuses a list of more
    than about 4,000 ("Too many arguments"), and without one reads every graph it has, its
    own included. So there, a query that reads only named graphs (an entity page's) leaves
    out the graphs that are not the build's instead, with Virtuoso's
    ``define input:named-graph-exclude``, whose list stays short and constant. That pragma
    also takes its graph out of the default graph: a query that reads the default graph too
    gets the list (:mod:`witness.sparql.remote`)."""

    engine: str
    build: str
    default: str
    named: tuple[str, ...]
    exclude: tuple[str, ...] | None

    @staticmethod
    def read(path: Path) -> Held:
        data = json.loads(path.read_text(encoding="utf-8"))
        exclude = data["exclude"]
        return Held(
            data["engine"],
            data["build"],
            data["default"],
            tuple(data["named"]),
            None if exclude is None else tuple(exclude),
        )


def artefact_name(engine: Engine) -> str:
    """The upload's artefact for ``engine`` (another engine gets its own upload)."""
    digest = hashlib.sha256(engine.query_url.encode()).hexdigest()[:12]
    return f"remote-2-{digest}.json"


class Upload:
    """The deriver that copies a build into ``engine`` or its standby (see the module's
    documentation)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = artefact_name(engine)

    def make(self, store: ox.Store, target: Path) -> None:
        """Upload the build ``store`` holds: switched in on a single engine, or left on the
        unread engine of a pair for servers to move to with the build.

        :raises StoreError: if the engine refuses or fails (the live build still answers).
        """
        build = target.parent.name
        graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        # target is <store>/derived/<build>/<artefact>: the live build is the store's
        member = self._unread(StoreLocation(target.parents[2]))
        load = _Load(member)
        try:
            if self.engine.standby is None:
                load.staged(store, build, graphs)
            else:
                load.in_place(store, build, graphs)
            exclude = load.others(graphs) if load.loader.server.startswith("Virtuoso") else None
        except WitnessError as error:
            raise StoreError(
                f"The build could not be loaded into the SPARQL engine at {member.name} "
                f"(the live build still answers): {error}"
            ) from None
        held = {"engine": member.name, "build": build, "default": DEFAULT_GRAPH}
        record = {**held, "named": graphs, "exclude": exclude}
        target.write_text(json.dumps(record, indent=1), encoding="utf-8")

    def _unread(self, location: StoreLocation) -> Engine:
        """The engine of the pair that does not hold the live build (the first if it is
        unknown), or the only one."""
        if self.engine.standby is None:
            return self.engine
        try:
            live = Held.read(location.derived(location.live_build()) / self.name)
        except (StoreError, OSError, ValueError, KeyError):
            return self.engine
        return self.engine.standby if live.engine == self.engine.name else self.engine


class _Load:
    """One upload's requests to one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.loader: Loader = engine.loader()

    def staged(self, store: ox.Store, build: str, graphs: list[str]) -> None:
        """Load under staging names, then switch (one engine)."""
        staging = {graph: _staging(graph) for graph in [*graphs, DEFAULT_GRAPH]}
        for graph in graphs:
            self._insert(staging[graph], _quads(store, ox.NamedNode(graph)))
        self._insert(staging[DEFAULT_GRAPH], _quads(store, ox.DefaultGraph()))
        previous = self._held_graphs()
        steps = [f"DROP SILENT GRAPH <{g}>" for g in previous if g not in staging]
        steps += [f"MOVE SILENT GRAPH <{s}> TO GRAPH <{g}>" for g, s in staging.items()]
        self._updates([*steps, *_register(graphs), _named(build)])

    def in_place(self, store: ox.Store, build: str, graphs: list[str]) -> None:
        """Load under the graphs' own names an engine that no server reads (a pair)."""
        previous = self._held_graphs()
        self._updates(_register(sorted({*previous, *graphs})))
        self._updates([f"DROP SILENT GRAPH <{g}>" for g in previous if g not in set(graphs)])
        for graph in graphs:
            self._insert(graph, _quads(store, ox.NamedNode(graph)))
        self._insert(DEFAULT_GRAPH, _quads(store, ox.DefaultGraph()))
        self._updates([*_register(graphs), _named(build)])

    def others(self, graphs: list[str]) -> list[str] | None:
        """The engine's graphs that are not the build's, if they are fewer (see
        :class:`Held`)."""
        # GROUP BY, not DISTINCT: Virtuoso 7 takes seconds over DISTINCT ?g of a few graphs
        answer = self._select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", [])
        ours = set(graphs)
        found = sorted(g for g in answer if g not in ours)
        return found if len(found) < len(graphs) else None

    def _insert(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace ``graph`` with ``quads``, in parts of at most :data:`PART` statements (or
        :data:`BATCH` with ``INSERT DATA``): the first replaces the graph, the others add to
        it. A part is one request and one transaction on the engine, which must hold it
        (see :data:`PART`). An engine keeps a blank node for one request only, so the
        statements with blank nodes all go in the last part, whatever its size."""
        size = PART if self.engine.graph_store_url else BATCH
        part: list[ox.Triple] = []
        blank: list[ox.Triple] = []
        first = True
        for quad in quads:
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                blank.append(quad.triple)
                continue
            part.append(quad.triple)
            if len(part) == size:
                self._write(graph, part, replace=first)
                part, first = [], False
        self._write(graph, part + blank, replace=first)

    def _write(self, graph: str, triples: list[ox.Triple], *, replace: bool) -> None:
        if self.engine.graph_store_url:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self.loader.put(graph, body, replace=replace, timeout=UPDATE_TIMEOUT)
            return
        if replace:
            self._update(f"DROP SILENT GRAPH <{graph}>")
        if triples:
            statements = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
            self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{statements}\n}} }}")

    def _held_graphs(self) -> list[str]:
        """The graphs the engine's register lists (as literals, or as IRIs by an earlier
        version)."""
        return self._select(
            f"SELECT ?g WHERE {{ GRAPH <{REGISTER}> {{ <{REGISTER}> <{HOLDS}> ?g }} }}",
            [("named-graph-uri", REGISTER)],
        )

    def _select(self, query: str, parameters: list[tuple[str, str]]) -> list[str]:
        """The IRIs ``?g`` takes in the answer of ``query``."""
        media, data, _ = self.engine.query(
            query,
            "application/sparql-results+json",
            parameters=parameters,
            timeout=UPDATE_TIMEOUT,
        )
        try:
            answer = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"the engine's answer is not {media}: {error}") from None
        assert isinstance(answer, ox.QuerySolutions)
        return [g.value for g in (row["g"] for row in answer) if isinstance(g, Name)]

    def _update(self, update: str) -> None:
        self.loader.update(update, timeout=UPDATE_TIMEOUT)

    def _updates(self, operations: list[str]) -> None:
        """The operations in as few requests as the engine takes: one if there are at most
        :data:`OPERATIONS` of them (the only case a switch on one engine is atomic)."""
        for start in range(0, len(operations), OPERATIONS):
            self._update(" ;\n".join(operations[start : start + OPERATIONS]))


def _quads(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Iterable[ox.Quad]:
    return store.quads_for_pattern(None, None, None, graph)


def _register(graphs: list[str]) -> list[str]:
    """The operations that make the register list ``graphs`` (and name no build yet)."""
    any_uri = ox.NamedNode(ANY_URI)
    held = [f"<{REGISTER}> <{HOLDS}> {ox.Literal(g, datatype=any_uri)} ." for g in graphs]
    return [f"DROP SILENT GRAPH <{REGISTER}>"] + [
        f"INSERT DATA {{ GRAPH <{REGISTER}> {{ {' '.join(held[n : n + REGISTER_BATCH])} }} }}"
        for n in range(0, len(held), REGISTER_BATCH)
    ]


def _named(build: str) -> str:
    """The operation that names the build in the register: the last of an upload."""
    return f'INSERT DATA {{ GRAPH <{REGISTER}> {{ <{REGISTER}> <{BUILD}> "{build}" }} }}'


def _staging(graph: str) -> str:
    return "urn:x-witness:staging:" + hashlib.sha256(graph.encode()).hexdigest()[:24]
