"""Every error a client sees is rendered here, once: as HTML for browsers, else as text.

Statuses follow the SPARQL 1.1 Protocol (section 2.1.5: 400 for a malformed or refused
query, 415 for an unsupported body) and HTTP semantics for the rest (406, 413, 503...).
"""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from witness.errors import (
    DataError,
    NotAcceptable,
    Overloaded,
    QueryError,
    QueryTimeout,
    StoreError,
    WitnessError,
    WorkerLost,
)
from witness.negotiation import prefers_html
from witness.sparql.protocol import ProtocolError

STATUS: list[tuple[type[WitnessError], int]] = [
    (NotAcceptable, 406),
    (QueryTimeout, 503),
    (Overloaded, 503),
    (StoreError, 503),
    (WorkerLost, 500),
    (QueryError, 400),
    (DataError, 400),
]
"""HTTP status per error type, most specific first."""


def status_of(error: WitnessError) -> int:
    if isinstance(error, ProtocolError):
        return error.status
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def render(status: int, title: str, message: str) -> Response:
    """An error response in the form the client reads best."""
    if prefers_html(request.headers.get("Accept")):
        body = render_template("error.html", status=status, title=title, message=message)
        return Response(body, status, mimetype="text/html")
    return Response(f"{status} {title}\n\n{message}\n", status, mimetype="text/plain")


def _witness_error(error: WitnessError) -> Response:
    status = status_of(error)
    response = render(status, _TITLES.get(status, "Error"), str(error))
    if isinstance(error, Overloaded):
        response.headers["Retry-After"] = "1"
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = render(status, error.name, error.description or error.name)
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


_TITLES = {
    400: "Bad Request",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(WitnessError, _witness_error)
    app.register_error_handler(HTTPException, _http_error)
