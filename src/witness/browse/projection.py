"""The graph projection: the links between entities as a networkx graph, made once per build.

Paths, the timeline, network analysis and the exports for Gephi all walk the same graph,
made from the store by :class:`ProjectionDeriver` (a deriver of :mod:`witness.dataset.derived`,
so it is swapped in with its build) and kept beside the build as a pickle, which a server
loads once (:class:`Projections`) instead of reading a million statements at each start.

What it holds:

* a node per entity of ours (an IRI under ``{base}id/``), with its label (chosen by the one
  rule of :mod:`witness.publish.labels`), its kind (the listing its classes belong to:
  ``films``, ``people``...), its types' labels, its dates (each dated literal, read by
  :mod:`witness.browse.dates`) and the whole span they cover (``start``, ``end``), its other
  short literals (``attributes``, by property label) and its outside identifiers;
* an undirected edge between two entities that any statement links, holding every such
  statement as a :class:`Statement`: subject, property, object (so its true direction) and
  the source documents that state it (through the graphs' ``prov:wasDerivedFrom``);
* the labels of the properties (and how they read backwards, ``wit:inverseLabel``) and of
  the source documents, in ``graph.graph``.

Classes, the ontology and the source metadata are not nodes: ``rdf:type`` becomes a node's
types, the ontology's and the metadata graph's statements are not read as links, and an IRI
outside ``{base}id/`` (Wikidata, a genre) is an attribute, never a node, so that no path
runs through a class or a registry. Hub values are a matter of each request
(:mod:`witness.browse.paths`).

The store's default graph is never read: a statement counts once per document stating it.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from witness.browse.dates import DATATYPES, Interval, interval
from witness.browse.listings import listing_for
from witness.dataset.derived import Live
from witness.dataset.store import StoreLocation
from witness.errors import StoreError
from witness.iris import Iris
from witness.namespaces import WIT
from witness.publish.labels import LABELS, fallback, rank

NAME = "graph-1.pickle"
"""The projection's file in a build's derived directory; the number changes with its layout."""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
DECADE = str(WIT.decade)
INVERSE = str(WIT.inverseLabel)

SCHEMA = "http://schema.org/"
END_PROPERTIES = frozenset(
    SCHEMA + name
    for name in ("endDate", "deathDate", "dissolutionDate", "availabilityEnds", "expires")
)
"""Dates that end an entity's time; every other date is within it, or begins it."""
ENDURING = frozenset({"people", "organizations", "films", "places", "topics", "other"})
"""Kinds of entity that go on after their first date unless an end is stated (a person
after their birth, a film after its release); an event dated by its start alone lasts
that start's interval."""

ATTRIBUTE = 200
"""Longest literal kept as a node attribute (descriptions and quotations are not)."""


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement linking two entities, and the documents that state it."""

    subject: str
    property: str
    object: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dated:
    """A dated literal of an entity: its property and the days it stands for."""

    property: str
    when: Interval


Labels = dict[str, tuple[tuple[int, int, str, str], str]]


class Projection:
    """The projection of one build, loaded: an undirected :class:`networkx.Graph` whose edges
    hold their :class:`Statement` s (``graph[a][b]["statements"]``)."""

    def __init__(self, graph: nx.Graph) -> None:
        self.graph = graph
        self.properties: dict[str, tuple[str, str]] = graph.graph["properties"]
        """Label and backwards label of each property."""
        self.sources: dict[str, str] = graph.graph["sources"]
        """Label of each source document."""
        self.cache: dict[str, object] = {}
        """What is computed once from the loaded projection (the timeline's items)."""

    @classmethod
    def load(cls, path: Path) -> Projection:
        """The projection written at ``path`` by :class:`ProjectionDeriver`.

        :raises StoreError: if it cannot be read.
        """
        try:
            with path.open("rb") as file:
                graph = pickle.load(file)  # written by this class's deriver, in the build
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            raise StoreError(f"Cannot read the graph projection {path}: {error}") from None
        return cls(graph)

    def __contains__(self, iri: object) -> bool:
        return iri in self.graph

    def label(self, iri: str) -> str:
        """What an entity, a property or a source is called."""
        node = self.graph.nodes.get(iri)
        if node is not None:
            return str(node["label"])
        if iri in self.properties:
            return self.properties[iri][0]
        return self.sources.get(iri) or fallback(iri)

    def reads(self, prop: str, *, forward: bool) -> str:
        """How a property reads from its subject (``forward``) or back from its object."""
        found = self.properties.get(prop)
        if found is None:
            text = fallback(prop)
            return text if forward else f"{text} of"
        return found[0] if forward else found[1]

    def statements(self, a: str, b: str) -> list[Statement]:
        """The statements linking ``a`` and ``b`` (either way)."""
        found: list[Statement] = self.graph[a][b]["statements"]
        return found


class ProjectionDeriver:
    """The deriver of the projection, for a store under ``iris``' base."""

    name = NAME

    def __init__(self, iris: Iris) -> None:
        self.iris = iris

    def make(self, store: ox.Store, target: Path) -> None:
        """Write the projection of ``store``'s data at ``target``.

        :raises OSError: if it cannot be written.
        """
        graph = project(store, self.iris)
        with target.open("wb") as file:
            pickle.dump(graph, file, protocol=pickle.HIGHEST_PROTOCOL)


def project(store: ox.Store, iris: Iris) -> nx.Graph:
    """The projection of ``store`` (see the module's documentation)."""
    return _Reader(store, iris).graph()


class _Reader:
    def __init__(self, store: ox.Store, iris: Iris) -> None:
        self.store = store
        self.iris = iris
        self.entities = iris.entity("")
        self.skipped = {ox.NamedNode(iris.ontology_graph), ox.NamedNode(iris.metadata_graph)}

    def graph(self) -> nx.Graph:
        sources = self._sources()
        labels: Labels = {}
        inverses: Labels = {}
        types: dict[str, dict[str, None]] = {}
        dates: dict[str, dict[Dated, None]] = {}
        attributes: dict[str, dict[str, dict[str, None]]] = {}
        outside: dict[str, dict[str, None]] = {}
        links: dict[tuple[str, str, str], dict[str, None]] = {}
        label_order = {prop: order for order, prop in enumerate(LABELS)}
        intern = sys.intern
        names: dict[str, str] = {}
        same = names.setdefault  # one string per IRI, however many statements name it
        for quad in self.store.quads_for_pattern(None, None, None, None):
            graph_name = quad.graph_name
            if not isinstance(graph_name, ox.NamedNode):
                continue  # the default graph repeats what the named graphs state
            subject, prop, value = quad.subject, quad.predicate.value, quad.object
            if not isinstance(subject, ox.NamedNode):
                continue
            iri = same(subject.value, subject.value)
            if isinstance(value, ox.Literal):
                if prop in label_order:
                    _keep(labels, iri, rank(label_order[prop], value), value.value)
                elif prop == INVERSE:
                    _keep(inverses, iri, rank(0, value), value.value)
                elif graph_name in self.skipped or not iri.startswith(self.entities):
                    continue
                elif value.datatype.value in DATATYPES:
                    when = interval(value.value, value.datatype.value, decade=prop == DECADE)
                    if when is not None:
                        dates.setdefault(iri, {})[Dated(intern(prop), when)] = None
                elif len(value.value) <= ATTRIBUTE:
                    attributes.setdefault(iri, {}).setdefault(intern(prop), {})[value.value] = None
                continue
            if graph_name in self.skipped or not iri.startswith(self.entities):
                continue
            if not isinstance(value, ox.NamedNode):
                continue
            if prop == RDF_TYPE:
                types.setdefault(iri, {})[intern(value.value)] = None
            elif value.value.startswith(self.entities):
                key = (iri, intern(prop), same(value.value, value.value))
                links.setdefault(key, {})[sources.get(graph_name.value, graph_name.value)] = None
            else:
                outside.setdefault(iri, {})[value.value] = None
        return self._assemble(labels, inverses, types, dates, attributes, outside, links, sources)

    def _sources(self) -> dict[str, str]:
        """The source document of each graph (``prov:wasDerivedFrom`` in the metadata)."""
        metadata = ox.NamedNode(self.iris.metadata_graph)
        found = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(DERIVED_FROM), None, metadata):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                found[quad.subject.value] = quad.object.value
        return found

    def _kinds(self) -> Callable[[dict[str, None]], str]:
        """The kind of an entity of given classes: the listing they belong to (through
        ``rdfs:subClassOf``), ``other`` for none."""
        parents: dict[str, set[str]] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(SUBCLASS), None, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                parents.setdefault(quad.subject.value, set()).add(quad.object.value)
        memo: dict[tuple[str, ...], str] = {}

        def kind(classes: dict[str, None]) -> str:
            key = tuple(classes)
            if key not in memo:
                found, todo = set(key), list(key)
                while todo:
                    for parent in parents.get(todo.pop(), ()):
                        if parent not in found:
                            found.add(parent)
                            todo.append(parent)
                listing = listing_for(found)
                memo[key] = listing.name if listing else "other"
            return memo[key]

        return kind

    def _assemble(
        self,
        labels: Labels,
        inverses: Labels,
        types: dict[str, dict[str, None]],
        dates: dict[str, dict[Dated, None]],
        attributes: dict[str, dict[str, dict[str, None]]],
        outside: dict[str, dict[str, None]],
        links: dict[tuple[str, str, str], dict[str, None]],
        sources: dict[str, str],
    ) -> nx.Graph:
        def label(iri: str) -> str:
            return labels[iri][1] if iri in labels else fallback(iri)

        kind = self._kinds()
        every = dict.fromkeys([*types, *dates, *attributes, *outside])
        for subject, _, value in links:
            every[subject] = every[value] = None
        graph = nx.Graph()
        used = {prop for _, prop, _ in links}
        for values in attributes.values():
            used.update(values)
        for dated in dates.values():
            used.update(d.property for d in dated)
        graph.graph["properties"] = {
            prop: (label(prop), inverses[prop][1] if prop in inverses else f"{label(prop)} of")
            for prop in used
        }
        graph.graph["sources"] = {
            source: label(source) for found in links.values() for source in found
        }
        # The working tables are emptied as the graph is filled: they are not held twice.
        for iri in every:
            classes = types.pop(iri, {})
            found_dates = tuple(dates.pop(iri, ()))
            first, last = _span(found_dates, kind(classes) if classes else "other")
            own = labels.pop(iri, None)
            graph.add_node(
                iri,
                label=own[1] if own else fallback(iri),
                kind=kind(classes) if classes else "other",
                types=tuple(label(cls) for cls in classes),
                dates=found_dates,
                start=first,
                end=last,
                attributes={
                    label(prop): tuple(values) for prop, values in attributes.pop(iri, {}).items()
                },
                outside=tuple(outside.pop(iri, ())),
            )
        for subject, prop, value in list(links):
            stated = links.pop((subject, prop, value))
            if subject == value:
                continue  # a statement about itself links nothing
            statement = Statement(subject, prop, value, tuple(stated))
            if graph.has_edge(subject, value):
                graph[subject][value]["statements"].append(statement)
            else:
                graph.add_edge(subject, value, statements=[statement])
        return graph


def _span(dates: tuple[Dated, ...], kind: str) -> tuple[str | None, str | None]:
    """When an entity was there: from its earliest date to its latest end date; an event
    dated by its start alone lasts its start's interval, anything else (a person, a film, an
    organisation) has no end unless one is stated."""
    if not dates:
        return None, None
    ends = [d.when.last for d in dates if d.property in END_PROPERTIES]
    starts = [d.when.first for d in dates if d.property not in END_PROPERTIES]
    if not ends and kind in ENDURING:
        return min(starts), None
    return (min(starts) if starts else None), max(ends or [d.when.last for d in dates])


def beside(store: ox.Store, target: Path, iris: Iris) -> Projection:
    """For a deriver that works on the projection: the projection made before it in the same
    build (its file beside ``target``), or made here from ``store`` if there is none."""
    made = target.parent / NAME
    return Projection.load(made) if made.exists() else Projection(project(store, iris))


def _keep(found: Labels, iri: str, ranked: tuple[int, int, str, str], text: str) -> None:
    if iri not in found or ranked < found[iri][0]:
        found[iri] = (ranked, text)


class Projections(Live[Projection]):
    """The projection of the live build of a store, loaded once, made first if missing;
    ``prepare`` computes what requests will share as it is loaded (the timeline's items), so
    that no request waits for it."""

    def __init__(
        self,
        location: StoreLocation,
        iris: Iris,
        log: Callable[[str], None] = lambda _: None,
        prepare: Callable[[Projection], object] = lambda _: None,
    ) -> None:
        def load(path: Path) -> Projection:
            loaded = Projection.load(path)
            prepare(loaded)
            return loaded

        super().__init__(location, ProjectionDeriver(iris), load, log)
