"""Parts of the graph projection as files for other tools: GraphML and GEXF (Gephi, Cytoscape,
yEd, igraph, networkx), and CSV node and edge lists (spreadsheets, Gephi's import).

A :class:`Selection` is entities and the statements between them: a neighbourhood
(:func:`around`), a path result, a timeline's items, or the whole projection
(:func:`everything`). Each statement is one directed edge, from its subject to its object,
so the files keep what the graph says and which way; parallel edges (two properties linking
the same pair) are kept apart.

Every node carries its label, kind, types, dates and the first and last day of its time
(``start``, ``end``), and every edge its property (IRI and label), the source documents that
state it (labels and IRIs) and the time both its ends share. The writers stream (a million
statements are never held twice in memory), escape every text, and drop the characters XML
1.0 cannot hold (section 2.2: most control characters), so that any label reads back intact
in XML readers:

* GraphML (graphml.graphdrawing.org, the GraphML Primer): typed ``<key>`` declarations for
  node and edge attributes, ``edgedefault="directed"``;
* GEXF 1.3 (gexf.net): ``mode="dynamic"`` with ``timeformat="date"``, so that Gephi's
  timeline shows each entity from its ``start`` to its ``end``; attributes as
  ``<attvalues>``;
* CSV (RFC 4180) with Gephi's spreadsheet columns (``Id``, ``Label``; ``Source``,
  ``Target``, ``Type``, ``Label``) first.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from witness.browse.projection import Projection, Statement, beside
from witness.errors import BadRequest
from witness.iris import Iris
from witness.progress import Progress

FORMATS = {
    "graphml": ("GraphML", "application/graphml+xml", "graphml"),
    "gexf": ("GEXF", "application/gexf+xml", "gexf"),
    "csv-nodes": ("CSV nodes", "text/csv", "nodes.csv"),
    "csv-edges": ("CSV edges", "text/csv", "edges.csv"),
}
"""Each export format: its name for people, its media type and its file suffix."""

NODE_FIELDS = ("label", "kind", "types", "dates", "start", "end")
EDGE_FIELDS = ("property", "label", "sources", "source_iris", "start", "end")

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (section 2.2, production [2])."""

Advance = Callable[[float], None]


@dataclass(frozen=True)
class Selection:
    """Entities and the statements between them, to be written as one file."""

    title: str
    nodes: tuple[str, ...]
    statements: tuple[Statement, ...]


def everything(projection: Projection, title: str = "The whole graph") -> Selection:
    """The whole projection."""
    graph = projection.graph
    statements = tuple(
        statement for _, _, found in graph.edges(data="statements") for statement in found
    )
    return Selection(title, tuple(graph.nodes), statements)


def among(projection: Projection, nodes: Iterable[str], title: str) -> Selection:
    """``nodes`` (those in the graph) and every statement between two of them."""
    kept = tuple(node for node in dict.fromkeys(nodes) if node in projection)
    chosen = set(kept)
    graph = projection.graph
    statements = tuple(
        statement
        for node in kept
        for other, data in graph.adj[node].items()
        if other in chosen and node < other
        for statement in data["statements"]
    )
    return Selection(title, kept, statements)


def around(projection: Projection, iri: str, hops: int, most: int | None = None) -> Selection:
    """An entity and everything within ``hops`` steps of it, with the statements between.

    :raises BadRequest: if there are more than ``most`` entities (when given).
    """
    seen = {iri: None}
    frontier = [iri]
    for _ in range(hops):
        following = []
        for node in frontier:
            for other in projection.graph.adj[node]:
                if other not in seen:
                    seen[other] = None
                    following.append(other)
        frontier = following
        if most is not None and len(seen) > most:
            raise BadRequest(
                f"The neighbourhood of {projection.label(iri)} within {hops} steps holds more "
                f"than {most:,} entities; ask for fewer steps, or export the whole graph."
            )
    return among(
        projection,
        seen,
        f"The neighbourhood of {projection.label(iri)}, {hops} step{'s' if hops > 1 else ''}",
    )


def node_fields(projection: Projection, iri: str) -> dict[str, str]:
    """The attributes a file gives an entity ("" for none)."""
    data = projection.graph.nodes[iri]
    return {
        "label": data["label"],
        "kind": data["kind"],
        "types": "; ".join(data["types"]),
        "dates": "; ".join(
            f"{projection.label(dated.property)} {dated.when.text}" for dated in data["dates"]
        ),
        "start": data["start"] or "",
        "end": data["end"] or "",
    }


def edge_fields(projection: Projection, statement: Statement) -> dict[str, str]:
    """The attributes a file gives a statement ("" for none): the time both ends share."""
    ends = [projection.graph.nodes[statement.subject], projection.graph.nodes[statement.object]]
    starts = [data["start"] for data in ends if data["start"]]
    stops = [data["end"] for data in ends if data["end"]]
    start, end = max(starts, default=""), min(stops, default="")
    if start and end and start > end:
        start = end = ""  # the ends were never there at once: no time for the link
    return {
        "property": statement.property,
        "label": projection.reads(statement.property, forward=True),
        "sources": "; ".join(projection.label(source) for source in statement.sources),
        "source_iris": " ".join(statement.sources),
        "start": start,
        "end": end,
    }


def write(
    projection: Projection,
    selection: Selection,
    fmt: str,
    out: IO[str],
    advance: Advance = lambda _: None,
) -> None:
    """Write ``selection`` in ``fmt`` (a key of :data:`FORMATS`) to ``out``, advancing
    ``advance`` by one per node and edge written."""
    writer = {"graphml": _graphml, "gexf": _gexf, "csv-nodes": _csv_nodes, "csv-edges": _csv_edges}
    pending = 0

    def step(amount: float) -> None:  # told a thousand at a time: a bar's update has a cost
        nonlocal pending
        pending += int(amount)
        if pending >= 1000:
            advance(pending)
            pending = 0

    for chunk in writer[fmt](projection, selection, step):
        out.write(chunk)
    if pending:
        advance(pending)


def size(selection: Selection, fmt: str) -> int:
    """How many nodes and edges writing ``selection`` in ``fmt`` goes through."""
    if fmt == "csv-nodes":
        return len(selection.nodes)
    if fmt == "csv-edges":
        return len(selection.statements)
    return len(selection.nodes) + len(selection.statements)


def _text(value: str) -> str:
    return escape(NOT_XML.sub("\ufffd", value))


def _attribute(value: str) -> str:
    return quoteattr(NOT_XML.sub("\ufffd", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _graphml(projection: Projection, selection: Selection, advance: Advance) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for name in NODE_FIELDS:
        yield f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="string"/>\n'
    for name in EDGE_FIELDS:
        yield f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="string"/>\n'
    yield '<key id="g_title" for="graph" attr.name="title" attr.type="string"/>\n'
    yield '<graph id="witness" edgedefault="directed">\n'
    yield f'<data key="g_title">{_text(selection.title)}</data>\n'
    for iri in selection.nodes:
        fields = node_fields(projection, iri)
        data = "".join(
            f'<data key="n_{key}">{_text(value)}</data>' for key, value in fields.items() if value
        )
        yield f"<node id={_attribute(iri)}>{data}</node>\n"
        advance(1)
    for number, statement in enumerate(selection.statements):
        fields = edge_fields(projection, statement)
        data = "".join(
            f'<data key="e_{key}">{_text(value)}</data>' for key, value in fields.items() if value
        )
        yield (
            f'<edge id="e{number}" source={_attribute(statement.subject)}'
            f" target={_attribute(statement.object)}>{data}</edge>\n"
        )
        advance(1)
    yield "</graph>\n</graphml>\n"


def _gexf(projection: Projection, selection: Selection, advance: Advance) -> Iterator[str]:
    today = datetime.now(UTC).date().isoformat()
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
        f'<meta lastmodifieddate="{today}"><creator>Witness</creator>'
        f"<description>{_text(selection.title)}</description></meta>\n"
        '<graph defaultedgetype="directed" mode="dynamic" timeformat="date"'
        ' timerepresentation="interval">\n'
    )
    node_keys = [key for key in NODE_FIELDS if key not in ("label", "start", "end")]
    edge_keys = [key for key in EDGE_FIELDS if key not in ("start", "end")]
    yield '<attributes class="node" mode="static">\n'
    for number, key in enumerate(node_keys):
        yield f'<attribute id="{number}" title="{key}" type="string"/>\n'
    yield '</attributes>\n<attributes class="edge" mode="static">\n'
    for number, key in enumerate(edge_keys):
        yield f'<attribute id="{number}" title="{key}" type="string"/>\n'
    yield "</attributes>\n<nodes>\n"
    for iri in selection.nodes:
        fields = node_fields(projection, iri)
        values = _attvalues(node_keys, fields)
        yield f"<node id={_attribute(iri)} label={_attribute(fields['label'])}{_time(fields)}>"
        yield f"{values}</node>\n"
        advance(1)
    yield "</nodes>\n<edges>\n"
    for number, statement in enumerate(selection.statements):
        fields = edge_fields(projection, statement)
        values = _attvalues(edge_keys, fields)
        yield (
            f'<edge id="{number}" source={_attribute(statement.subject)}'
            f" target={_attribute(statement.object)} label={_attribute(fields['label'])}"
            f"{_time(fields)}>{values}</edge>\n"
        )
        advance(1)
    yield "</edges>\n</graph>\n</gexf>\n"


def _time(fields: dict[str, str]) -> str:
    start = f' start="{fields["start"]}"' if fields["start"] else ""
    end = f' end="{fields["end"]}"' if fields["end"] else ""
    return start + end


def _attvalues(keys: list[str], fields: dict[str, str]) -> str:
    values = "".join(
        f'<attvalue for="{number}" value={_attribute(fields[key])}/>'
        for number, key in enumerate(keys)
        if fields[key]
    )
    return f"<attvalues>{values}</attvalues>" if values else ""


class _Line:
    """A file-like object holding the last line a csv writer wrote."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text = text
        return len(text)


def _rows(rows: Iterable[list[str]]) -> Iterator[str]:
    line = _Line()
    writer = csv.writer(line)
    for row in rows:
        writer.writerow(row)
        yield line.text


def _csv_nodes(projection: Projection, selection: Selection, advance: Advance) -> Iterator[str]:
    def rows() -> Iterator[list[str]]:
        yield ["Id", "Label", "Kind", "Types", "Dates", "Start", "End"]
        for iri in selection.nodes:
            fields = node_fields(projection, iri)
            yield [iri, *(fields[key] for key in NODE_FIELDS)]
            advance(1)

    return _rows(rows())


def _csv_edges(projection: Projection, selection: Selection, advance: Advance) -> Iterator[str]:
    def rows() -> Iterator[list[str]]:
        yield [
            "Source",
            "Target",
            "Type",
            "Label",
            "Property",
            "Sources",
            "Source IRIs",
            "Start",
            "End",
        ]
        for statement in selection.statements:
            fields = edge_fields(projection, statement)
            yield [
                statement.subject,
                statement.object,
                "Directed",
                fields["label"],
                fields["property"],
                fields["sources"],
                fields["source_iris"],
                fields["start"],
                fields["end"],
            ]
            advance(1)

    return _rows(rows())


class ExportDeriver:
    """The whole projection as a file of ``fmt``, made once per build when first asked for
    (:func:`witness.dataset.derived.ensure`), so that the server streams a file."""

    def __init__(self, iris: Iris, fmt: str) -> None:
        self.iris = iris
        self.fmt = fmt
        self.name = f"graph-1.{FORMATS[fmt][2]}"

    def make(self, store: ox.Store, target: Path) -> None:
        """Write the whole projection of ``store`` at ``target``.

        :raises OSError: if it cannot be written.
        """
        projection = beside(store, target, self.iris)
        with target.open("w", encoding="utf-8", newline="") as out:
            write(projection, everything(projection), self.fmt, out)


def export(
    projection: Projection,
    fmt: str,
    out: IO[str],
    progress: Progress,
    around_iri: str = "",
    hops: int = 1,
) -> Selection:
    """Write the whole projection, or ``around_iri``'s neighbourhood of ``hops`` steps, in
    ``fmt`` to ``out``, its progress shown by ``progress``; return what was written."""
    chosen = around(projection, around_iri, hops) if around_iri else everything(projection)
    name = FORMATS[fmt][0]
    with progress.stage(f"Writing {name}", size(chosen, fmt), "nodes and edges") as advance:
        write(projection, chosen, fmt, out, advance)
    return chosen
