"""What the browser's surfaces share: the form of an answer (HTML, JSON or CSV, by suffix or
``Accept``), whole-number parameters checked with a clear 400, CSV responses, and the 503 of
an artefact of the build (the index) still being made."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState

from witness.browse.listings import LISTINGS
from witness.dataset.derived import NotReady
from witness.errors import ProtocolError
from witness.iris import href
from witness.negotiation import choose
from witness.web.errors import render

FORMS = {"text/html": "html", "application/json": "json", "text/csv": "csv"}
"""Media types of the browser's pages, in order of preference, and their suffixes."""

blueprint = Blueprint("browsing", __name__)


@blueprint.record_once
def _register(state: BlueprintSetupState) -> None:
    state.app.register_error_handler(NotReady, _not_ready)


@blueprint.app_context_processor
def _helpers() -> dict[str, object]:
    """``link_to(iri)``: where a link to an IRI leads from our pages ("" for no link); the
    listings and ``form`` for every template."""
    base = current_app.extensions["witness"].iris.base
    return {"link_to": lambda iri: href(iri, base) or "", "listings": LISTINGS}


def _not_ready(error: NotReady) -> Response:
    response = render(503, "Service Unavailable", str(error))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def form(suffix: str | None) -> str:
    """``html``, ``json`` or ``csv``: the suffix asked for, else the best by ``Accept``.

    :raises ProtocolError: 406 if the client accepts none of them.
    """
    if suffix is not None:
        return suffix
    chosen = choose(request.headers.get("Accept"), list(FORMS))
    if chosen is None:
        raise ProtocolError(406, f"This page is offered as {', '.join(FORMS)}.")
    return FORMS[chosen]


def whole(name: str, default: int, low: int, high: int) -> int:
    """The whole-number parameter ``name`` of the request, ``default`` if absent.

    :raises ProtocolError: 400 naming the parameter and its bounds if it is not a whole
        number between ``low`` and ``high``.
    """
    given = request.args.get(name)
    if given is None or given == "":
        return default
    try:
        value = int(given)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ProtocolError(
            400, f"The parameter '{name}' must be a whole number from {low:,} to {high:,}."
        )
    return value


def csv_response(header: list[str], rows: Iterable[list[str]], name: str) -> Response:
    """A CSV document (RFC 4180: CRLF line ends, fields quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    return response
