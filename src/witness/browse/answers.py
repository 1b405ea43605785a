"""An answer of the relationship finder (:mod:`witness.browse.paths`) as people and programs
read it: one sentence, JSON, CSV rows (one per statement of every step), lines for a
terminal, the statements as a page shows them, and the :class:`Selection` that the graph
files are written from.

Every statement is given in its true direction (subject, property, object) beside the
direction the path walks it (``forward`` when the path goes from its subject to its object),
with the source documents that state it. Where an IRI leads is the caller's to say (``url``):
the web app gives addresses of its pages, the terminal none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from witness.browse.exports import Selection
from witness.browse.paths import Answer, Step
from witness.browse.projection import Projection

Url = Callable[[str], str]
"""Where a link to an IRI leads ("" for nowhere)."""

CSV_HEADER = (
    "path",
    "step",
    "subject",
    "subject_label",
    "property",
    "property_label",
    "object",
    "object_label",
    "sources",
    "source_iris",
)


def selection(answer: Answer, shown: Projection) -> Selection:
    """The entities and statements of ``answer``, for a graph file."""
    statements = tuple(s for step in answer.steps() for s in step.statements)
    return Selection(title(answer, shown), tuple(answer.nodes()), statements)


def lines(answer: Answer, shown: Projection) -> list[str]:
    """The answer for a terminal: the sentence, then each path (or the tree) step by step."""
    found = [message(answer, shown)]
    if answer.hubs:
        hubs = ", ".join(shown.label(hub) for hub in answer.hubs)
        found.append(f"Not passed through, as hubs: {hubs} (--through-hubs allows them).")
    numbered = [(f"Path {n}, {p.length} steps", p.steps) for n, p in enumerate(answer.paths, 1)]
    if answer.tree:
        numbered = [("The connecting tree", answer.tree)]
    for heading, steps in numbered:
        found += ["", f"{heading}:"]
        for step in steps:
            for s in step.statements:
                reads = shown.reads(s.property, forward=True)
                arrow = f"-[{reads}]->" if s.subject == step.start else f"<-[{reads}]-"
                sources = "; ".join(shown.label(source) for source in s.sources)
                found.append(f"  {shown.label(step.start)} {arrow} {shown.label(step.end)}")
                found.append(f"      stated by {sources}")
    return found


def title(answer: Answer, shown: Projection) -> str:
    names = [shown.label(end) for end in answer.request.ends]
    return f"How {', '.join(names[:-1])} and {names[-1]} are connected"


def rows(answer: Answer, shown: Projection) -> list[list[str]]:
    numbered = [(number, path.steps) for number, path in enumerate(answer.paths, 1)]
    if answer.tree:
        numbered = [(1, answer.tree)]
    rows = []
    for number, steps in numbered:
        for step_number, step in enumerate(steps, 1):
            for s in step.statements:
                rows.append(
                    [
                        str(number),
                        str(step_number),
                        s.subject,
                        shown.label(s.subject),
                        s.property,
                        shown.reads(s.property, forward=True),
                        s.object,
                        shown.label(s.object),
                        "; ".join(shown.label(source) for source in s.sources),
                        " ".join(s.sources),
                    ]
                )
    return rows


def entity(iri: str, shown: Projection, url: Url) -> dict[str, Any]:
    data = shown.graph.nodes[iri]
    return {
        "iri": iri,
        "label": data["label"],
        "kind": data["kind"],
        "url": url(iri),
    }


def steps_(steps: tuple[Step, ...], shown: Projection, url: Url) -> list[dict[str, Any]]:
    return [
        {
            "from": step.start,
            "to": step.end,
            "statements": [
                {
                    "subject": s.subject,
                    "property": s.property,
                    "property_label": shown.reads(s.property, forward=True),
                    "object": s.object,
                    "direction": "forward" if s.subject == step.start else "backward",
                    "reads": f"{shown.label(s.subject)} {shown.reads(s.property, forward=True)} "
                    f"{shown.label(s.object)}",
                    "sources": [
                        {
                            "iri": source,
                            "label": shown.label(source),
                            "url": url(source),
                        }
                        for source in s.sources
                    ],
                }
                for s in step.statements
            ],
        }
        for step in steps
    ]


def as_json(answer: Answer, shown: Projection, url: Url) -> dict[str, Any]:
    request_ = answer.request
    length = request_.max_length
    return {
        "ends": [entity(end, shown, url) for end in request_.ends],
        "k": request_.k,
        "max_length": length,
        "exclude": [{"iri": iri, "label": shown.label(iri)} for iri in sorted(request_.exclude)],
        "period": {"from": request_.window[0], "to": request_.window[1]}
        if request_.window
        else None,
        "through_hubs": request_.through_hubs,
        "found": answer.found,
        "message": message(answer, shown),
        "paths": [
            {
                "length": path.length,
                "nodes": [entity(node, shown, url) for node in path.nodes],
                "steps": steps_(path.steps, shown, url),
            }
            for path in answer.paths
        ],
        "tree": steps_(answer.tree, shown, url) if answer.tree else None,
        "apart": [[entity(end, shown, url) for end in group] for group in answer.apart],
        "hubs_not_passed": [
            {**entity(hub, shown, url), "links": len(shown.graph.adj[hub])} for hub in answer.hubs
        ],
    }


def message(answer: Answer, shown: Projection) -> str:
    """The answer in one sentence."""
    length = answer.request.max_length
    steps = f"{length} step{'' if length == 1 else 's'}"
    if answer.paths:
        count = len(answer.paths)
        lengths = sorted({path.length for path in answer.paths})
        span = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]} to {lengths[-1]}"
        return f"{count} path{'' if count == 1 else 's'} of {span} steps."
    if answer.tree:
        return f"A tree of {len(answer.tree)} steps connects them."
    if answer.apart:
        groups = " / ".join(", ".join(shown.label(end) for end in group) for group in answer.apart)
        return f"No connection within {steps} between these groups: {groups}."
    return f"No connection within {steps}."


def readable(shown: Projection, url: Url) -> Any:
    """For the template: each statement of a step as the page shows it."""

    def read(step: Step) -> list[dict[str, Any]]:
        rows = []
        for s in step.statements:
            forward = s.subject == step.start
            rows.append(
                {
                    "forward": forward,
                    "property": s.property,
                    "label": shown.reads(s.property, forward=True),
                    "sentence": f"{shown.label(s.subject)} {shown.reads(s.property, forward=True)} "
                    f"{shown.label(s.object)}",
                    "sources": [
                        {
                            "text": shown.label(source),
                            "href": url(source),
                            "iri": source,
                        }
                        for source in s.sources
                    ],
                }
            )
        return rows

    return read
