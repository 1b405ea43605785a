"""How are these connected? The shortest chains of statements between entities of the graph
projection (:mod:`witness.browse.projection`), and the smallest tree that connects three or
more.

Between two entities: the ``k`` shortest simple paths of at most ``max_length`` steps, in
order of length (Yen's algorithm, networkx's ``shortest_simple_paths``), each step every
statement that links its two entities, whichever way it points. Between three or more: an
approximation of the smallest connecting subgraph (a Steiner tree, networkx's
``approximation.steiner_tree``, Mehlhorn's method).

Neither walks the whole graph. Every node of a path of at most ``L`` steps lies within
``L // 2`` steps of one of its ends (it is ``i`` steps from one end and ``l - i`` from the
other), so the walk first gathers the entities that near each end, with the request's
filters, and searches that region only: its cost follows the neighbourhoods of the ends,
not the size of the graph, and a pair with no connection within ``L`` steps is told so
after a bounded search.

What a path may pass through (never what it starts or ends at):

* **hubs**, by default, are not passed through: an entity linked to more than
  :data:`HUB_DEGREE` others (a country, a city, an institution every document names) and
  the statements of :data:`HUB_PROPERTIES` (a genre, a nationality, a language: values
  shared by thousands) would make every path trivial. ``through_hubs`` lifts both;
* ``exclude``: entities or properties (IRIs) the paths must avoid;
* ``window``: a period; an entity whose dates (:mod:`witness.browse.dates`) lie wholly
  outside it is not passed through (an undated entity always may be).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from witness.browse.projection import Projection, Statement
from witness.errors import BadRequest

SCHEMA = "http://schema.org/"

DEFAULT_K = 5
MAX_K = 20
DEFAULT_LENGTH = 6
MAX_LENGTH = 10
MAX_ENDS = 6
"""Most entities a tree connects."""

HUB_DEGREE = 1000
"""Entities linked to more others than this are hubs, not passed through by default."""

HUB_PROPERTIES = frozenset(
    SCHEMA + name
    for name in (
        "genre",
        "nationality",
        "inLanguage",
        "countryOfOrigin",
        "addressCountry",
        "additionalType",
        "sameAs",
    )
)
"""Properties whose values are shared categories, not connections, skipped by default."""


@dataclass(frozen=True)
class Request:
    """What to connect, and how: ``ends`` are entity IRIs (two for paths, more for a tree)."""

    ends: tuple[str, ...]
    k: int = DEFAULT_K
    max_length: int = DEFAULT_LENGTH
    exclude: frozenset[str] = frozenset()
    window: tuple[str, str] | None = None
    """First and last day (ISO dates) of the period entities must be active in."""
    through_hubs: bool = False


@dataclass(frozen=True)
class Step:
    """From one entity to the next, with every statement that links them."""

    start: str
    end: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Path:
    nodes: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def length(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class Answer:
    """The paths (two ends) or the tree's steps (more), and what the walk left out."""

    request: Request
    paths: tuple[Path, ...] = ()
    tree: tuple[Step, ...] = ()
    apart: tuple[tuple[str, ...], ...] = ()
    """For a tree that could not be made: the ends in groups that do not connect."""
    hubs: tuple[str, ...] = field(default=())
    """Hubs met and not passed through (the most linked first, a few of them)."""

    @property
    def found(self) -> bool:
        return bool(self.paths or self.tree)

    def nodes(self) -> list[str]:
        """Every entity of the answer, the ends first."""
        found = dict.fromkeys(self.request.ends)
        for path in self.paths:
            found.update(dict.fromkeys(path.nodes))
        for step in self.tree:
            found.update(dict.fromkeys((step.start, step.end)))
        return list(found)

    def steps(self) -> list[Step]:
        """Every step of the answer, each pair of entities once."""
        every = [step for path in self.paths for step in path.steps] + list(self.tree)
        seen: dict[frozenset[str], Step] = {}
        for step in every:
            seen.setdefault(frozenset((step.start, step.end)), step)
        return list(seen.values())


def check(request: Request, projection: Projection) -> None:
    """:raises BadRequest: naming the bound passed or the entity unknown."""
    if not 1 <= request.k <= MAX_K:
        raise BadRequest(f"k (the number of paths) must be from 1 to {MAX_K}; it was {request.k}.")
    if not 1 <= request.max_length <= MAX_LENGTH:
        raise BadRequest(
            f"The maximum length must be from 1 to {MAX_LENGTH} steps; it was {request.max_length}."
        )
    if len(set(request.ends)) < 2:
        raise BadRequest("Choose two different entities to connect (or more, for a tree).")
    if len(request.ends) > MAX_ENDS:
        raise BadRequest(
            f"At most {MAX_ENDS} entities can be connected at once; {len(request.ends)} were given."
        )
    for end in request.ends:
        if end not in projection:
            raise BadRequest(f"{end} is not an entity linked to any other in this graph.")
        if end in request.exclude:
            raise BadRequest(f"{projection.label(end)} is both an end and excluded.")
    if request.window is not None and request.window[0] > request.window[1]:
        raise BadRequest(f"The period ends ({request.window[1]}) before it starts.")


def connect(projection: Projection, request: Request) -> Answer:
    """The paths between the two ends of ``request``, or the tree connecting its ends.

    :raises BadRequest: if the request is out of bounds (:func:`check`).
    """
    check(request, projection)
    walk = _Walk(projection, request)
    region = walk.region()
    near = walk.subgraph(region)
    hubs = tuple(sorted(walk.hubs, key=lambda h: -len(projection.graph[h]))[:5])
    if len(request.ends) == 2:
        paths = _paths(near, walk, request)
        return Answer(request, paths=paths, hubs=hubs)
    groups = _groups(near, request.ends)
    if len(groups) > 1:
        return Answer(request, apart=groups, hubs=hubs)
    tree = nx.algorithms.approximation.steiner_tree(near, list(request.ends), method="mehlhorn")
    steps = _tree_steps(tree, request.ends[0], walk)
    return Answer(request, tree=steps, hubs=hubs)


def _paths(near: nx.Graph, walk: _Walk, request: Request) -> tuple[Path, ...]:
    a, b = request.ends
    if a not in near or b not in near or not nx.has_path(near, a, b):
        return ()
    found = nx.shortest_simple_paths(near, a, b)
    short = itertools.takewhile(lambda nodes: len(nodes) - 1 <= request.max_length, found)
    return tuple(
        Path(tuple(nodes), tuple(walk.step(x, y) for x, y in itertools.pairwise(nodes)))
        for nodes in itertools.islice(short, request.k)
    )


def _groups(near: nx.Graph, ends: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """The ends grouped by the part of the region each lies in."""
    component = {}
    for number, members in enumerate(nx.connected_components(near)):
        for node in members:
            component[node] = number
    groups: dict[int, list[str]] = {}
    for end in ends:
        groups.setdefault(component.get(end, -1 - len(groups)), []).append(end)
    return tuple(tuple(group) for group in groups.values())


def _tree_steps(tree: nx.Graph, root: str, walk: _Walk) -> tuple[Step, ...]:
    """The tree's edges as steps leading away from ``root`` (breadth first)."""
    return tuple(walk.step(x, y) for x, y in nx.bfs_edges(tree, root))


class _Walk:
    """The request's filters over the projection, and the region near the ends."""

    def __init__(self, projection: Projection, request: Request) -> None:
        self.projection = projection
        self.adjacency = projection.graph.adj
        self.nodes = projection.graph.nodes
        self.request = request
        self.ends = frozenset(request.ends)
        skipped = set(request.exclude)
        if not request.through_hubs:
            skipped |= HUB_PROPERTIES
        self.skipped_properties = frozenset(skipped)
        self.hubs: set[str] = set()

    def passable(self, node: str) -> bool:
        """Whether a path may pass through (or end at) ``node``."""
        if node in self.ends:
            return True
        if node in self.request.exclude:
            return False
        if not self.request.through_hubs and len(self.adjacency[node]) > HUB_DEGREE:
            self.hubs.add(node)
            return False
        window = self.request.window
        if window is not None:
            data = self.nodes[node]
            start, end = data["start"], data["end"]
            if (start is not None and start > window[1]) or (end is not None and end < window[0]):
                return False
        return True

    def statements(self, a: str, b: str) -> tuple[Statement, ...]:
        """The statements linking ``a`` and ``b`` that the request lets a path follow."""
        return tuple(
            statement
            for statement in self.adjacency[a][b]["statements"]
            if statement.property not in self.skipped_properties
        )

    def region(self) -> set[str]:
        """The entities a path or tree within the request's length may pass through.

        Between two ends, a node ``i`` steps along a path of ``l`` steps is at most ``i``
        from the first end and ``l - i`` from the second, so walking ``r1`` steps from the
        one and ``r2`` from the other with ``r1 + r2 = max_length - 1`` meets every node
        of every such path (a node beyond ``r1`` from the first end is within ``r2`` of the
        second). Each step goes from the end whose walk is cheaper to extend (fewer links
        to follow), as a bidirectional search does: a hub at one end is walked one step, the
        other end the rest. Between more ends, each end is walked ``max_length // 2``
        steps."""
        if len(self.ends) > 2:
            found: set[str] = set()
            for end in self.ends:
                walk = _Ball(self, end)
                for _ in range(self.request.max_length // 2):
                    walk.extend()
                found |= walk.seen
            return found
        first, second = (_Ball(self, end, stop=self.ends) for end in self.request.ends)
        for _ in range(self.request.max_length - 1):
            cheaper = min((first, second), key=lambda ball: (ball.cost(), ball is second))
            if not cheaper.frontier:
                cheaper = second if cheaper is first else first
            if not cheaper.frontier:
                break
            cheaper.extend()
        return first.seen | second.seen

    def subgraph(self, region: set[str]) -> nx.Graph:
        """The region as a graph of its own, with the links the request lets paths follow."""
        near = nx.Graph()
        near.add_nodes_from(region)
        for node in region:
            for other in self.adjacency[node]:
                if other in region and node < other and self.statements(node, other):
                    near.add_edge(node, other)
        return near

    def step(self, a: str, b: str) -> Step:
        return Step(a, b, self.statements(a, b))


class _Ball:
    """The passable entities within some steps of one end, one step more at a time."""

    def __init__(self, walk: _Walk, end: str, stop: frozenset[str] = frozenset()) -> None:
        self.walk = walk
        self.seen = {end}
        self.frontier = [end]
        self.stop = stop - {end}
        """Ends the walk reaches but does not go on from (a path ends there)."""

    def cost(self) -> int:
        """The links the next step would follow."""
        adjacency = self.walk.adjacency
        return sum(len(adjacency[node]) for node in self.frontier)

    def extend(self) -> None:
        walk, following = self.walk, []
        for node in self.frontier:
            for other in walk.adjacency[node]:
                if other in self.seen or not walk.passable(other):
                    continue
                if not walk.statements(node, other):
                    continue
                self.seen.add(other)
                if other not in self.stop:
                    following.append(other)
        self.frontier = following
