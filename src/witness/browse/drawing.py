"""Drawings of parts of the graph as SVG, rendered on the server from a networkx layout.

A :class:`Drawing` is nodes (labelled, coloured by kind, each a link) and edges (labelled with
their property, with an arrow in their true direction); :func:`svg` lays it out with networkx
(rings around a centre, each ring in the order of the ring inside it, so the same graph is
always drawn the same) and writes standalone SVG 1.1: colours are presentation attributes,
not CSS, so the file reads the same downloaded as inline, and no ``style`` attribute is
needed under the site's Content Security Policy. Every text is escaped; labels longer than
:data:`LABEL` are cut, with the whole label in the node's ``<title>``. A legend names the
kinds drawn.

The entity pages draw neighbourhoods (:mod:`witness.browse.neighbourhood`) in rings; paths and
trees (:mod:`witness.browse.paths`) are drawn ``layered``: their rings become columns from
left to right (a path's first entity on the left, its last on the right), labels below the
nodes.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from html import escape

import networkx as nx

LABEL = 28
"""Most characters of a node's label drawn; the rest is in its tooltip."""

KINDS: dict[str, tuple[str, str]] = {
    "films": ("film", "#b3261e"),
    "people": ("person", "#1a55a8"),
    "organizations": ("organisation", "#6d4c9f"),
    "exhibitions": ("exhibition", "#b35c00"),
    "events": ("event", "#c77700"),
    "places": ("place", "#2e7d32"),
    "topics": ("topic", "#00838f"),
    "sources": ("source document", "#5d4037"),
    "group": ("group of links", "#ffffff"),
    "other": ("other", "#757575"),
}
"""Each kind of node: its name in the legend and its colour (WCAG contrast 4.5:1 or more
against white for the coloured kinds, since a node's colour is its only sign of kind)."""

WIDTH, HEIGHT = 960, 640
MARGIN = 200
"""Room left and right of the outer ring for its labels."""

COLUMN_MARGIN = 80
"""Room left and right of a layered drawing's outer columns for their labels."""
COLUMN_LABEL = 22
"""Most characters of a node's label in a layered drawing (its columns are close)."""

RINGS = ((1.0,), (0.0, 1.0), (0.0, 0.5, 1.0))
"""The radius of each ring (a fraction of the room) when there are one, two or three."""


@dataclass(frozen=True)
class Node:
    key: str
    """Its identity in the drawing (an IRI, or a name for a group of links)."""
    label: str
    href: str
    kind: str = "other"
    title: str = ""
    """The tooltip: the whole label and what it is."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Drawing:
    title: str
    centre: str | None = None
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    rings: list[list[str]] = field(default_factory=list)
    """Nodes by ring around the centre (first ring: next to it), or by column if layered."""
    layered: bool = False
    directed: bool = True
    """Whether edges have a direction (drawn as arrows)."""

    def add(self, node: Node, ring: int = 0) -> None:
        if node.key not in self.nodes:
            self.nodes[node.key] = node
            while len(self.rings) <= ring:
                self.rings.append([])
            self.rings[ring].append(node.key)

    def link(self, source: str, target: str, label: str) -> None:
        """An edge from ``source`` to ``target``; a second one between the same two nodes in
        the same direction joins the first's label (they would be drawn on top of each
        other)."""
        if source not in self.nodes or target not in self.nodes:
            return
        for number, edge in enumerate(self.edges):
            if (edge.source, edge.target) == (source, target):
                if label not in edge.label.split(", "):
                    self.edges[number] = Edge(source, target, f"{edge.label}, {label}")
                return
        self.edges.append(Edge(source, target, label))

    def pairs(self) -> set[tuple[str, str]]:
        """Every (source, target) an edge joins."""
        return {(edge.source, edge.target) for edge in self.edges}


def layout(drawing: Drawing) -> dict[str, tuple[float, float]]:
    """Where each node goes, in the SVG's coordinates."""
    if drawing.layered:
        return _columns(drawing)
    graph = nx.Graph()
    graph.add_nodes_from(drawing.nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in drawing.edges)
    shells = [ring for ring in drawing.rings if ring]
    if drawing.centre is not None:
        shells = [[drawing.centre], *[[k for k in ring if k != drawing.centre] for ring in shells]]
        shells = [ring for ring in shells if ring]
    for inner, outer in itertools.pairwise(range(len(shells))):
        # Each ring in the order of the nodes of the ring inside it that they link to, so
        # that links between rings are short and rarely cross.
        place = {key: index for index, key in enumerate(shells[inner])}
        shells[outer].sort(
            key=lambda key: min(
                (place[other] for other in graph.neighbors(key) if other in place),
                default=len(place),
            )
        )
    if len(graph) == 1:
        return {next(iter(graph)): (WIDTH / 2, HEIGHT / 2)}
    found = nx.shell_layout(graph, shells or None)
    # networkx spaces the rings evenly from the centre; an inner ring of many nodes needs more
    # room than that, so each ring is moved to its own radius (the outer one at the edge).
    rings = [ring for ring in shells if ring]
    radius = {
        key: 0.0 if number == 0 and len(ring) == 1 else RINGS[min(len(rings), 3) - 1][number]
        for number, ring in enumerate(rings)
        for key in ring
    }
    placed = {}
    for key, (x, y) in found.items():
        length = math.hypot(float(x), float(y)) or 1.0
        scale = radius.get(key, 1.0) / length
        placed[key] = (
            WIDTH / 2 + float(x) * scale * (WIDTH / 2 - MARGIN),
            HEIGHT / 2 + float(y) * scale * (HEIGHT / 2 - 40),
        )
    return placed


def _columns(drawing: Drawing) -> dict[str, tuple[float, float]]:
    """Each ring a column, left to right, its nodes spread from top to bottom."""
    columns = [ring for ring in drawing.rings if ring]
    placed = {}
    for number, column in enumerate(columns):
        x = COLUMN_MARGIN + (WIDTH - 2 * COLUMN_MARGIN) * number / max(len(columns) - 1, 1)
        for row, key in enumerate(column):
            # alternate rows sit a little higher and lower, so that labels do not meet
            shift = 12 if number % 2 else -12
            y = (HEIGHT - 40) * (row + 1) / (len(column) + 1) + (shift if len(column) > 1 else 0)
            placed[key] = (x, y)
    return placed


def svg(drawing: Drawing, ident: str = "drawing") -> str:
    """The drawing as a standalone SVG document (also fit to sit inside an HTML page);
    ``ident`` prefixes its element ids, so that several drawings can share a page."""
    places = layout(drawing)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="drawing" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="group" aria-labelledby="{ident}-title"'
        ' font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(drawing.title)}</title>',
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5"'
        ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g class="edges">',
    ]
    joined = drawing.pairs()
    for edge in drawing.edges:
        out.append(_edge(edge, places, drawing, ident, (edge.target, edge.source) in joined))
    out.append('</g><g class="nodes">')
    for key, node in drawing.nodes.items():
        out.append(_node(node, places[key], key == drawing.centre, layered=drawing.layered))

    out.append("</g>")
    out.append(_legend(drawing))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _radius(drawing: Drawing, key: str) -> float:
    return 14.0 if key == drawing.centre else 9.0


def _edge(
    edge: Edge,
    places: dict[str, tuple[float, float]],
    drawing: Drawing,
    ident: str,
    both_ways: bool,
) -> str:
    (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    start = _radius(drawing, edge.source) / length
    end = (_radius(drawing, edge.target) + 2) / length
    ax, ay = x1 + (x2 - x1) * start, y1 + (y2 - y1) * start
    bx, by = x2 - (x2 - x1) * end, y2 - (y2 - y1) * end
    # Edges both ways between two nodes share a line: their labels sit apart along it.
    along = 0.38 if both_ways else 0.5
    mx, my = x1 + (x2 - x1) * along, y1 + (y2 - y1) * along
    arrow = f' marker-end="url(#{ident}-arrow)"' if drawing.directed else ""
    return (
        f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="#9aa0a6"'
        f' stroke-width="1.2"{arrow}/>'
        f'<text class="edge-label" x="{mx:.1f}" y="{my:.1f}" font-size="11" fill="#3c4043"'
        ' text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="3">'
        f"{escape(_cut(edge.label, LABEL))}</text>"
    )


def _node(node: Node, place: tuple[float, float], centre: bool, *, layered: bool = False) -> str:
    """A node, its label outside it, away from the middle of the drawing (below it in a
    layered drawing)."""
    x, y = place
    colour = KINDS.get(node.kind, KINDS["other"])[1]
    radius = 14 if centre else 9
    stroke = "#1d1d1f" if node.kind == "group" or centre else "#ffffff"
    shape = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}" stroke="{stroke}"'
        ' stroke-width="2"/>'
    )
    weight = ' font-weight="700"' if centre else ""
    dx, dy = x - WIDTH / 2, y - HEIGHT / 2
    length = math.hypot(dx, dy)
    most = COLUMN_LABEL if layered else LABEL
    if centre or length < 1 or layered:
        tx, ty, anchor = x, y + radius + 16, "middle"
    else:
        ux, uy = dx / length, dy / length
        anchor = "start" if ux > 0.35 else "end" if ux < -0.35 else "middle"
        tx, ty = x + ux * (radius + 4), y + uy * (radius + 6) + (4 if abs(uy) < 0.9 else 0)
        ty += 10 if uy >= 0.9 else -4 if uy <= -0.9 else 0
    text = (
        f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="13" fill="#1d1d1f"'
        f' text-anchor="{anchor}" paint-order="stroke" stroke="#ffffff" stroke-width="4"{weight}>'
        f"{escape(_cut(node.label, most))}</text>"
    )
    tooltip = f"<title>{escape(node.title or node.label)}</title>"
    body = f"{tooltip}{shape}{text}"
    if node.href:
        return f'<a class="node" href="{escape(node.href)}">{body}</a>'
    return f'<g class="node">{body}</g>'


def _legend(drawing: Drawing) -> str:
    kinds = [kind for kind in KINDS if any(n.kind == kind for n in drawing.nodes.values())]
    rows = ['<g class="legend">']
    for number, kind in enumerate(kinds):
        name, colour = KINDS[kind]
        y = 18 + number * 20
        rows.append(
            f'<circle cx="16" cy="{y}" r="6" fill="{colour}" stroke="#1d1d1f" stroke-width="1"/>'
            f'<text x="28" y="{y + 4}" font-size="12" fill="#1d1d1f">{escape(name)}</text>'
        )
    rows.append("</g>")
    return "".join(rows)


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
