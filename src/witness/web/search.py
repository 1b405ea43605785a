"""``/search``: the search page and its JSON and CSV forms, the OpenSearch description
(``/opensearch.xml``) that lets a browser add the site as a search engine, and its
suggestions (``/search/suggest``, the OpenSearch suggestions extension's JSON)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for

from witness.browse.search import MAX_PAGE_SIZE, Results, search
from witness.web.browsing import csv_response, form, whole
from witness.web.services import services

blueprint = Blueprint("search", __name__)

SUGGESTIONS = 8


def _results() -> Results:
    found = services()
    return search(
        found.catalog(),
        found.labels(),
        request.args.get("q", ""),
        type=request.args.get("type", ""),
        page=whole("page", 1, 1, 10_000),
        size=whole("size", 20, 1, MAX_PAGE_SIZE),
    )


@blueprint.route("/search")
@blueprint.route("/search.<suffix>")
def page(suffix: str | None = None) -> Response:
    """The hits for ``q`` (of class ``type``), a page at a time, as HTML, JSON or CSV."""
    if suffix not in (None, "json", "csv", "html"):
        abort(404)
    chosen = form(suffix)
    results = _results()
    if chosen == "json":
        response = Response(
            json.dumps(_json(results), ensure_ascii=False), mimetype="application/json"
        )
    elif chosen == "csv":
        rows = [
            [
                hit.entity.iri,
                hit.entity.text,
                "; ".join(t.text for t in hit.types),
                hit.entity.description,
            ]
            for hit in results.hits
        ]
        response = csv_response(["iri", "label", "types", "description"], rows, "search")
    else:
        response = Response(render_template("search.html", results=results), mimetype="text/html")
    if suffix is None:
        response.vary.add("Accept")
    return response


def _json(results: Results) -> dict[str, Any]:
    def address(page: int) -> str:
        return url_for(
            "search.page",
            suffix="json",
            q=results.text,
            type=results.type.iri if results.type else None,
            page=page,
            size=results.size,
            _external=True,
        )

    return {
        "query": results.text,
        "type": results.type.iri if results.type else None,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "next": address(results.page + 1) if results.page < results.pages else None,
        "types": [
            {"type": count.type.iri, "label": count.type.text, "count": count.count}
            for count in results.types
        ],
        "results": [
            {
                "iri": hit.entity.iri,
                "label": hit.entity.text,
                "url": request.host_url.rstrip("/") + hit.entity.href
                if hit.entity.href.startswith("/")
                else hit.entity.href,
                "types": [{"type": t.iri, "label": t.text} for t in hit.types],
                "description": hit.entity.description,
            }
            for hit in results.hits
        ],
    }


@blueprint.route("/search/suggest")
def suggest() -> Response:
    """Suggestions while typing, in the OpenSearch suggestions format:
    ``[query, [labels], [descriptions], [addresses]]``."""
    found = services()
    text = request.args.get("q", "")
    results = search(found.catalog(), found.labels(), text, size=SUGGESTIONS)
    hits = results.hits
    body = [
        text,
        [hit.entity.text for hit in hits],
        [", ".join(t.text for t in hit.types) for hit in hits],
        [request.host_url.rstrip("/") + hit.entity.href for hit in hits],
    ]
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/x-suggestions+json")


@blueprint.route("/opensearch.xml")
def opensearch() -> Response:
    """The OpenSearch 1.1 description of the search, linked from every page."""
    body = render_template("opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")
