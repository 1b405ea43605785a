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
from collections.abc import Callable

from flask import Blueprint, Response, render_template, request

from witness.browse.answers import CSV_HEADER, as_json, message, readable, rows, selection
from witness.browse.drawing import svg
from witness.browse.ends import Choice, avoided, choose
from witness.browse.exports import FORMATS
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
    connect,
)
from witness.browse.projection import Projection
from witness.errors import BadRequest
from witness.iris import href
from witness.web.browsing import csv_response, whole
from witness.web.graphs import SUFFIXES, file_name, form, graph_file, projection, window
from witness.web.services import services

blueprint = Blueprint("paths", __name__)

SUFFIXES_HERE = ("html", "json", "csv", "svg", *SUFFIXES)


def exclusions(shown: Projection) -> dict[str, str]:
    """The entities and properties to avoid (IRI: label), from ``exclude`` and ``avoid``.

    :raises BadRequest: naming one that is neither.
    """
    found = services()
    chosen = {
        iri: shown.label(iri)
        for iri in (avoided(given, shown, found.iris) for given in request.args.getlist("exclude"))
    }
    text, iri = request.args.get("avoid", ""), request.args.get("avoid_iri", "")
    if text or iri:
        choice = choose(text, iri, shown, found.catalog(), found.labels(), found.iris)
        if not choice.iri:
            raise BadRequest(f"'{text}' to avoid names no single entity; choose one from the list.")
        chosen[choice.iri] = shown.label(choice.iri)
    return chosen


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
            message=message(answer, shown) if answer else "",
            steps=readable(shown, lambda iri: href(iri, found.iris.base) or ""),
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
    name = file_name("path-" + "-".join(end.rsplit("/", 1)[-1] for end in answer.request.ends))
    if chosen == "json":
        body = json.dumps(as_json(answer, shown, _url(base)), ensure_ascii=False)
        return Response(body, mimetype="application/json")
    if chosen == "csv":
        return csv_response(list(CSV_HEADER), rows(answer, shown), name)
    if chosen == "svg":
        drawing = svg(answer_drawing(answer, shown, services().iris))
        return Response(drawing, mimetype="image/svg+xml")
    return graph_file(shown, selection(answer, shown), SUFFIXES[chosen], name)


def _url(base: str) -> Callable[[str], str]:
    """The address of an IRI's page, whole (for JSON read elsewhere)."""

    def url(iri: str) -> str:
        path = href(iri, base) or ""
        return request.host_url.rstrip("/") + path if path.startswith("/") else path

    return url
