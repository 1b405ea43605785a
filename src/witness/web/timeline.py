"""``/timeline``: what happened when, drawn as SVG on the server (:mod:`witness.browse.timeline`,
:mod:`witness.browse.timeline_drawing`), with a table of the same items; as JSON and CSV
(``/timeline.json``, ``/timeline.csv``: every item found), the drawing alone
(``/timeline.svg``), and the entities of the items found, with the links between them, as
GraphML, GEXF and CSV node and edge lists.

Parameters: ``type`` (kinds, repeatable: ``films``, ``events``...), ``from`` and ``to`` (a
year, a month or a day), ``entity`` (a name, slug or IRI; ``entity_iri`` the picker's
choice) and ``hops`` (1 or 2: the entity's neighbourhood), ``page`` and ``size`` (items per
page of the drawing and the JSON, 1 to 1,000; default 200).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request

from witness.browse.ends import Choice, choose
from witness.browse.exports import FORMATS, among
from witness.browse.projection import Projection
from witness.browse.timeline import KINDS, MAX_HOPS, MAX_PAGE, PAGE, Filters, Item, Timeline
from witness.browse.timeline import timeline as find
from witness.browse.timeline_drawing import svg
from witness.errors import BadRequest
from witness.iris import href
from witness.web.browsing import csv_response, whole
from witness.web.graphs import SUFFIXES, form, graph_file, projection, window
from witness.web.services import services

blueprint = Blueprint("timeline", __name__)

SUFFIXES_HERE = ("html", "json", "csv", "svg", *SUFFIXES)
KIND_NAMES = {
    "films": "Films",
    "events": "Events",
    "exhibitions": "Exhibitions",
    "people": "People",
    "organizations": "Organisations",
    "places": "Places",
    "topics": "Topics",
    "other": "Other",
}


def _filters(shown: Projection) -> tuple[Filters, Choice | None]:
    kinds = frozenset(request.args.getlist("type"))
    unknown = kinds - set(KINDS)
    if unknown:
        raise BadRequest(
            f"No kind of entity is called {', '.join(sorted(unknown))}; "
            f"the kinds are {', '.join(KINDS)}."
        )
    hops = whole("hops", 1, 1, MAX_HOPS)
    text, iri = request.args.get("entity", ""), request.args.get("entity_iri", "")
    choice = None
    if text.strip() or iri.strip():
        found = services()
        choice = choose(text, iri, shown, found.catalog(), found.labels(), found.iris)
    entity = choice.iri if choice else ""
    return Filters(kinds, window(), entity, hops), choice


@blueprint.route("/timeline")
@blueprint.route("/timeline.<path:suffix>")
def page(suffix: str | None = None) -> Response:
    """The timeline, filtered, in the form asked for."""
    chosen = form(suffix, SUFFIXES_HERE)
    shown = projection()
    filters, choice = _filters(shown)
    if choice is not None and not choice.iri and chosen != "html":
        raise BadRequest(f"'{choice.text}' names no single entity; give its IRI as entity_iri.")
    number = whole("page", 1, 1, 1_000_000)
    size = whole("size", PAGE, 1, MAX_PAGE)
    base = services().iris.base
    if chosen in ("csv", *SUFFIXES):
        every = find(shown, filters, 1, 1 << 62)
        response = _file(chosen, every, shown)
    else:
        found = find(shown, filters, number, size)
        hrefs = {item.iri: href(item.iri, base) or "" for item in found.items}
        drawing = svg(found.items, _title(found, shown), hrefs)
        if chosen == "json":
            body = json.dumps(_json(found, shown, base), ensure_ascii=False)
            response = Response(body, mimetype="application/json")
        elif chosen == "svg":
            response = Response(drawing, mimetype="image/svg+xml")
        else:
            query = request.query_string.decode("utf-8", "replace")
            body = render_template(
                "timeline.html",
                found=found,
                choice=choice,
                drawing=drawing,
                title=_title(found, shown),
                kinds=KIND_NAMES,
                hrefs=hrefs,
                period=(request.args.get("from", ""), request.args.get("to", "")),
                formats=FORMATS,
                query=query,
                args=request.args,
            )
            response = Response(body, mimetype="text/html")
    if suffix is None:
        response.vary.add("Accept")
    return response


def _title(found: Timeline, shown: Projection) -> str:
    filters = found.filters
    title = "Timeline"
    if filters.kinds:
        title += " of " + ", ".join(KIND_NAMES[kind].lower() for kind in sorted(filters.kinds))
    if filters.entity:
        steps = "one step" if filters.hops == 1 else f"{filters.hops} steps"
        title += f" around {shown.label(filters.entity)} ({steps})"
    if filters.period:
        title += f", {filters.period[0]} to {filters.period[1]}"
    return title


def _file(chosen: str, every: Timeline, shown: Projection) -> Response:
    if chosen == "csv":
        header = ["iri", "label", "kind", "what", "date", "first_day", "last_day", "dated_by"]
        rows = [
            [i.iri, i.label, i.kind, i.what, i.text, i.first, i.last, i.dated_by]
            for i in every.items
        ]
        return csv_response(header, rows, "timeline")
    selection = among(shown, (item.iri for item in every.items), _title(every, shown))
    return graph_file(shown, selection, SUFFIXES[chosen], "timeline")


def _item(item: Item, base: str) -> dict[str, Any]:
    url = href(item.iri, base) or ""
    return {
        "iri": item.iri,
        "label": item.label,
        "kind": item.kind,
        "what": item.what,
        "date": item.text,
        "first_day": item.first,
        "last_day": item.last,
        "span": item.span,
        "dated_by": item.dated_by or None,
        "url": request.host_url.rstrip("/") + url if url.startswith("/") else url,
    }


def _json(found: Timeline, shown: Projection, base: str) -> dict[str, Any]:
    filters = found.filters
    return {
        "types": sorted(filters.kinds),
        "period": {"from": filters.period[0], "to": filters.period[1]} if filters.period else None,
        "entity": {"iri": filters.entity, "label": shown.label(filters.entity)}
        if filters.entity
        else None,
        "hops": filters.hops if filters.entity else None,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "first_day": found.first or None,
        "last_day": found.last or None,
        "counts": found.counts,
        "items": [_item(item, base) for item in found.items],
    }
