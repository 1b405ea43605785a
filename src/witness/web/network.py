"""``/network``: who sits at the centre? The most central entities by degree, betweenness and
PageRank, and the communities, each named by its most central members
(:mod:`witness.browse.network`, computed once per build): tables with links and a drawing of
the community structure; as JSON (``/network.json``), CSV (``/network.csv``: one row per
entity and measure, then one per community member) and the drawing alone
(``/network.svg``)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from witness.browse.drawing import svg
from witness.browse.graph_drawings import community_drawing
from witness.browse.network import MEASURES, Central, Network
from witness.iris import href
from witness.web.browsing import csv_response
from witness.web.graphs import form, network
from witness.web.services import services

blueprint = Blueprint("network", __name__)

SUFFIXES_HERE = ("html", "json", "csv", "svg")
SHOWN = 20
"""Entities shown per measure on the page (the JSON and CSV have all those kept)."""


@blueprint.route("/network")
@blueprint.route("/network.<suffix>")
def page(suffix: str | None = None) -> Response:
    """The network figures of the live build."""
    chosen = form(suffix, SUFFIXES_HERE)
    found = network()
    base = services().iris.base
    if chosen == "json":
        response = Response(
            json.dumps(_json(found, base), ensure_ascii=False), mimetype="application/json"
        )
    elif chosen == "csv":
        response = csv_response(
            ["table", "rank", "iri", "label", "kind", "value", "community"], _rows(found), "network"
        )
    else:
        drawing = svg(community_drawing(found, url_for("network.page")), "communities")
        if chosen == "svg":
            response = Response(drawing, mimetype="image/svg+xml")
        else:
            body = render_template(
                "network.html",
                network=found,
                measures=MEASURES,
                shown=SHOWN,
                drawing=drawing,
                href=lambda iri: href(iri, base) or "",
            )
            response = Response(body, mimetype="text/html")
    if suffix is None:
        response.vary.add("Accept")
    return response


def _central(entity: Central, base: str) -> dict[str, Any]:
    url = href(entity.iri, base) or ""
    return {
        "iri": entity.iri,
        "label": entity.label,
        "kind": entity.kind,
        "value": entity.value,
        "url": request.host_url.rstrip("/") + url if url.startswith("/") else url,
    }


def _json(found: Network, base: str) -> dict[str, Any]:
    return {
        "entities": found.entities,
        "links": found.links,
        "betweenness_sampled_from": found.sampled,
        "seed": found.seed,
        "seconds": found.seconds,
        "measures": {
            name: [_central(entity, base) for entity in rows]
            for name, rows in found.measures.items()
        },
        "community_count": found.community_count,
        "communities": [
            {
                "number": community.number,
                "name": community.name,
                "size": community.size,
                "members": [_central(entity, base) for entity in community.members],
            }
            for community in found.communities
        ],
        "links_between_communities": [
            {"communities": [a, b], "links": count} for a, b, count in found.between
        ],
    }


def _rows(found: Network) -> list[list[str]]:
    rows = []
    for name, entities in found.measures.items():
        for rank, entity in enumerate(entities, 1):
            rows.append(
                [name, str(rank), entity.iri, entity.label, entity.kind, f"{entity.value:.6g}", ""]
            )
    for community in found.communities:
        for rank, entity in enumerate(community.members, 1):
            rows.append(
                [
                    "community",
                    str(rank),
                    entity.iri,
                    entity.label,
                    entity.kind,
                    f"{entity.value:.6g}",
                    str(community.number),
                ]
            )
    return rows
