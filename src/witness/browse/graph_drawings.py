"""Drawings of what the projection answers (:mod:`witness.browse.drawing`): a path result or a
connecting tree, and the community structure of the whole graph.

A path result is drawn layered: the first entity on the left, the last on the right, each
entity in the column of its distance from the first, every statement of every step an
arrow in its true direction, labelled with its property. The community structure is drawn
as a ring of the largest communities, each named by its most central members and sized by
its members, linked by how many links run between them.
"""

from __future__ import annotations

from witness.browse.drawing import Drawing, Node
from witness.browse.network import DRAWN, Network
from witness.browse.paths import Answer
from witness.browse.projection import Projection
from witness.iris import Iris, href


def answer_drawing(answer: Answer, projection: Projection, iris: Iris) -> Drawing:
    """The entities and statements of ``answer``, in columns by distance from its first end."""
    ends = answer.request.ends
    names = ", ".join(projection.label(end) for end in ends[:-1])
    title = f"How {names} and {projection.label(ends[-1])} are connected"
    drawing = Drawing(title, layered=True)
    column = {ends[0]: 0}
    for path in answer.paths:
        for number, node in enumerate(path.nodes):
            column[node] = min(column.get(node, number), number)
    for step in answer.tree:
        column.setdefault(step.end, column.get(step.start, 0) + 1)
    if len(ends) == 2 and not answer.found:
        column.setdefault(ends[1], 1)
    for node in ends:
        column.setdefault(node, 0)
    for node, number in sorted(column.items(), key=lambda item: item[1]):
        data = projection.graph.nodes[node]
        title_ = f"{data['label']} ({', '.join(data['types'])})" if data["types"] else ""
        drawing.add(
            Node(node, data["label"], href(node, iris.base) or "", data["kind"], title_), number
        )
    for step in answer.steps():
        for statement in step.statements:
            label = projection.reads(statement.property, forward=True)
            drawing.link(statement.subject, statement.object, label)
    return drawing


def community_drawing(network: Network, address: str) -> Drawing:
    """The largest communities as a ring of groups, each linking to ``address#c{number}``."""
    drawing = Drawing("Communities of the graph, linked by the links between them", directed=False)
    for community in network.communities[:DRAWN]:
        key = str(community.number)
        first = community.members[0].label if community.members else str(community.number)
        text = f"{community.number}. {first} ({community.size:,})"
        title = (
            f"Community {community.number}: {community.size:,} entities, around {community.name}"
        )
        kind = community.members[0].kind if community.members else "other"
        drawing.add(Node(key, text, f"{address}#c{community.number}", kind, title))
    for a, b, count in network.between:
        drawing.link(str(a), str(b), f"{count:,} link{'' if count == 1 else 's'}")
    return drawing
