"""``/path``: how are these entities connected? The relationship finder (an HTML form with the
entity picker, no IRI to type), and its answer as JSON, CSV (one row per statement of every
step), an SVG drawing, GraphML, GEXF and CSV node and edge lists (``/path.json?...``).

Parameters: ``entity`` (two, or up to six for a connecting tree; each a name, a slug or an
IRI, with ``entity_iri`` the picker's choice), ``k`` (paths, 1 to 20, default 5),
``length`` (most steps, 1 to 10, default 6), ``exclude`` (entities or properties to avoid:
IRIs, slugs or CURIEs; ``avoid`` a name to avoid), ``from`` and ``to`` (a period: a year,
a month or a day), ``hubs=1`` (pass through hubs). A bound passed is a 400 naming it; no
connection is an answer ("no connection within 6 steps"), not an error.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from flask import Blueprint, Response, render_template, request

from witness.browse.drawing import svg
from witness.browse.ends import Choice, choose
from witness.browse.exports import FORMATS, Selection
from witness.browse.graph_drawings import answer_drawing
from witness.browse.paths import (
    DEFAULT_K,
    DEFAULT_LENGTH,
    HUB_DEGREE,
    HUB_PROPERTIES,
    MAX_ENDS,
    MAX_K,
    MAX_LENGTH,
    Answer,
    Request,
    Step,
    connect,
)
from witness.browse.projection import Projection
from witness.errors import BadRequest
from witness.iris import href
from witness.web.browsing import csv_response, whole
from witness.web.graphs import SUFFIXES, form, graph_file, projection, window
from witness.web.services import services

blueprint = Blueprint("paths", __name__)

SUFFIXES_HERE = ("html", "json", "csv", "svg", *SUFFIXES)


def exclusions(shown: Projection) -> dict[str, str]:
    """The entities and properties to avoid (IRI: label).

    :raises BadRequest: naming one that is neither.
    """
    found = services()
    prefixes = found.iris.prefixes()
    avoided: dict[str, str] = {}
    for given in request.args.getlist("exclude"):
        given = given.strip()
        prefix, colon, local = given.partition(":")
        if colon and prefix in prefixes and not local.startswith("//"):
            given = prefixes[prefix] + local
        iri = given if "://" in given else found.iris.entity(given)
        if iri not in shown and iri not in shown.properties:
            raise BadRequest(f"'{given}' to exclude is neither an entity nor a property here.")
        avoided[iri] = shown.label(iri)
    text, iri = request.args.get("avoid", ""), request.args.get("avoid_iri", "")
    if text or iri:
        chosen = choose(text, iri, shown, found.catalog(), found.labels(), found.iris)
        if not chosen.iri:
            raise BadRequest(f"'{text}' to avoid names no single entity; choose one from the list.")
        avoided[chosen.iri] = shown.label(chosen.iri)
    return avoided


@blueprint.route("/path")
@blueprint.route("/path.<path:suffix>")
def page(suffix: str | None = None) -> Response:
    """The relationship finder and its answers."""
    chosen = form(suffix, SUFFIXES_HERE)
    shown = projection()
    found = services()
    k = whole("k", DEFAULT_K, 1, MAX_K)
    length = whole("length", DEFAULT_LENGTH, 1, MAX_LENGTH)
    through_hubs = request.args.get("hubs", "") in ("1", "on", "true", "yes")
    period_ = window()
    avoided = exclusions(shown)
    given = list(
        itertools.zip_longest(
            request.args.getlist("entity"), request.args.getlist("entity_iri"), fillvalue=""
        )
    )
    if len(given) > MAX_ENDS:
        raise BadRequest(
            f"At most {MAX_ENDS} entities can be connected at once; {len(given)} were given."
        )
    catalog, labels = found.catalog(), found.labels()
    choices = [
        choose(text, iri, shown, catalog, labels, found.iris)
        for text, iri in given
        if text.strip() or iri.strip()
    ]
    answer: Answer | None = None
    if len(choices) >= 2 and all(choice.iri for choice in choices):
        ends = tuple(choice.iri for choice in choices)
        answer = connect(
            shown,
            Request(ends, k, length, frozenset(avoided), period_, through_hubs),
        )
    if chosen == "html":
        drawing = svg(answer_drawing(answer, shown, found.iris), "path") if answer else ""
        body = render_template(
            "path.html",
            answer=answer,
            choices=choices,
            shown=shown,
            k=k,
            length=length,
            hubs=through_hubs,
            period=(request.args.get("from", ""), request.args.get("to", "")),
            avoided=avoided,
            drawing=drawing,
            message=_message(answer, shown) if answer else "",
            steps=_readable(shown, found.iris.base),
            limits={"k": MAX_K, "length": MAX_LENGTH, "hub_degree": HUB_DEGREE},
            hub_properties=[shown.label(p) for p in sorted(HUB_PROPERTIES)],
            formats=FORMATS,
            query=request.query_string.decode("utf-8", "replace"),
        )
        response = Response(body, mimetype="text/html")
    else:
        if answer is None:
            raise BadRequest(_unanswered(choices))
        response = _machine(chosen, answer, shown, found.iris.base)
    if suffix is None:
        response.vary.add("Accept")
    return response


def _unanswered(choices: list[Choice]) -> str:
    unclear = [choice for choice in choices if not choice.iri]
    if len(choices) < 2:
        return "Give two entities to connect (entity=...&entity=...), or more for a tree."
    choice = unclear[0]
    if choice.candidates:
        names = "; ".join(f"{c.text} <{c.iri}>" for c in choice.candidates)
        return f"'{choice.text}' may be any of: {names}. Give one's IRI as entity_iri."
    return f"No entity linked to others is called '{choice.text}'."


def _machine(chosen: str, answer: Answer, shown: Projection, base: str) -> Response:
    name = "path-" + "-".join(end.rsplit("/", 1)[-1] for end in answer.request.ends)
    if chosen == "json":
        body = json.dumps(_json(answer, shown, base), ensure_ascii=False)
        return Response(body, mimetype="application/json")
    if chosen == "csv":
        header = ["path", "step", "subject", "subject_label", "property", "property_label"]
        header += ["object", "object_label", "sources", "source_iris"]
        return csv_response(header, _rows(answer, shown), name)
    if chosen == "svg":
        drawing = svg(answer_drawing(answer, shown, services().iris))
        return Response(drawing, mimetype="image/svg+xml")
    statements = tuple(s for step in answer.steps() for s in step.statements)
    selection = Selection(_title(answer, shown), tuple(answer.nodes()), statements)
    return graph_file(shown, selection, SUFFIXES[chosen], name)


def _title(answer: Answer, shown: Projection) -> str:
    names = [shown.label(end) for end in answer.request.ends]
    return f"How {', '.join(names[:-1])} and {names[-1]} are connected"


def _rows(answer: Answer, shown: Projection) -> list[list[str]]:
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


def _entity(iri: str, shown: Projection, base: str) -> dict[str, Any]:
    data = shown.graph.nodes[iri]
    return {
        "iri": iri,
        "label": data["label"],
        "kind": data["kind"],
        "url": _absolute(href(iri, base) or ""),
    }


def _absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path if path.startswith("/") else path


def _steps(steps: tuple[Step, ...], shown: Projection, base: str) -> list[dict[str, Any]]:
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
                            "url": _absolute(href(source, base) or ""),
                        }
                        for source in s.sources
                    ],
                }
                for s in step.statements
            ],
        }
        for step in steps
    ]


def _json(answer: Answer, shown: Projection, base: str) -> dict[str, Any]:
    request_ = answer.request
    length = request_.max_length
    return {
        "ends": [_entity(end, shown, base) for end in request_.ends],
        "k": request_.k,
        "max_length": length,
        "exclude": [{"iri": iri, "label": shown.label(iri)} for iri in sorted(request_.exclude)],
        "period": {"from": request_.window[0], "to": request_.window[1]}
        if request_.window
        else None,
        "through_hubs": request_.through_hubs,
        "found": answer.found,
        "message": _message(answer, shown),
        "paths": [
            {
                "length": path.length,
                "nodes": [_entity(node, shown, base) for node in path.nodes],
                "steps": _steps(path.steps, shown, base),
            }
            for path in answer.paths
        ],
        "tree": _steps(answer.tree, shown, base) if answer.tree else None,
        "apart": [[_entity(end, shown, base) for end in group] for group in answer.apart],
        "hubs_not_passed": [
            {**_entity(hub, shown, base), "links": len(shown.graph.adj[hub])} for hub in answer.hubs
        ],
    }


def _message(answer: Answer, shown: Projection) -> str:
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


def _readable(shown: Projection, base: str) -> Any:
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
                            "href": href(source, base) or "",
                            "iri": source,
                        }
                        for source in s.sources
                    ],
                }
            )
        return rows

    return read
