"""The listings (``/films``, ``/people``, ``/organizations``, ``/events``, ``/exhibitions``,
``/places``, ``/topics``, ``/sources``): sortable, paged tables, also as JSON and CSV
(``/films.csv``, or by ``Accept``). The CSV has every row, not one page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request

from witness.browse.listings import (
    BY_NAME,
    LISTINGS,
    MAX_PAGE_SIZE,
    csv_header,
    csv_row,
    every_row,
    page,
)
from witness.web.browsing import csv_response, form, whole
from witness.web.services import services

blueprint = Blueprint("listings", __name__)

NAMES = ",".join(listing.name for listing in LISTINGS)


@blueprint.route(f"/<any({NAMES}):name>")
@blueprint.route(f"/<any({NAMES}):name>.<suffix>")
def listing(name: str, suffix: str | None = None) -> Response:
    """A page of the listing ``name``, sorted by ``sort`` (``order=desc`` reverses it)."""
    if suffix not in (None, "json", "csv", "html"):
        abort(404)
    chosen = form(suffix)
    table = BY_NAME[name]
    catalog = services().catalog()
    sort = request.args.get("sort", "")
    if sort and table.column(sort) is None:
        keys = ", ".join(column.key for column in table.columns)
        abort(
            400,
            f"The listing of {table.title.lower()} cannot be sorted by '{sort}'; "
            f"its columns are {keys}.",
        )
    descending = request.args.get("order", "asc") == "desc"
    if chosen == "csv":
        rows = every_row(catalog, table, sort=sort, descending=descending)
        response = csv_response(csv_header(table), (csv_row(table, row) for row in rows), name)
    else:
        found = page(
            catalog,
            table,
            sort=sort,
            descending=descending,
            number=whole("page", 1, 1, 1_000_000),
            size=whole("size", 50, 1, MAX_PAGE_SIZE),
        )
        if chosen == "json":
            body = {
                "listing": name,
                "title": table.title,
                "sort": found.sort,
                "order": "desc" if descending else "asc",
                "page": found.page,
                "pages": found.pages,
                "total": found.total,
                "columns": [
                    {"key": c.key, "heading": c.heading, "kind": c.kind.value}
                    for c in table.columns
                ],
                "rows": [
                    {
                        "iri": row.iri,
                        **{
                            key: [{"text": cell.text, "iri": cell.iri or None} for cell in cells]
                            for key, cells in row.cells.items()
                        },
                    }
                    for row in found.rows
                ],
            }
            response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
        else:
            body_html = render_template("listing.html", page=found, base=services().iris.base)
            response = Response(body_html, mimetype="text/html")
    if suffix is None:
        response.vary.add("Accept")
    return response
