"""Every error a client sees is rendered here, once: an HTML page for browsers, JSON for
clients that ask for it, else plain text (``STATUS Title``, a blank line, the message).

Statuses follow the SPARQL 1.1 Protocol (section 2.1.5: 400 for a malformed or refused
query, 415 for an unsupported body) and HTTP semantics for the rest (RFC 9110, section 15:
404, 405, 406, 408, 413, 503; RFC 6585: 429 with ``Retry-After``). Werkzeug's own errors
(an unknown path, a method not allowed) get the same treatment, with our words.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from witness.errors import (
    BackendTimeout,
    BackendUnavailable,
    BadRequest,
    DataError,
    MemoryExceeded,
    NotAcceptable,
    Overloaded,
    ProtocolError,
    QueryError,
    QueryTimeout,
    Stopping,
    StoreError,
    TooManyRequests,
    WitnessError,
    WorkerLost,
)
from witness.negotiation import choose, prefers_html

STATUS: list[tuple[type[WitnessError], int]] = [
    (NotAcceptable, 406),
    (TooManyRequests, 429),
    (QueryTimeout, 503),
    (BackendUnavailable, 502),
    (BackendTimeout, 504),
    (MemoryExceeded, 503),
    (Overloaded, 503),
    (Stopping, 503),
    (StoreError, 503),
    (WorkerLost, 500),
    (QueryError, 400),
    (DataError, 400),
    (BadRequest, 400),
]
"""HTTP status per error type, most specific first."""

RETRY_AFTER: list[tuple[type[WitnessError], int]] = [
    (TooManyRequests, TooManyRequests.retry_after),
    (Stopping, Stopping.retry_after),
    (Overloaded, 1),
]
"""Seconds a client is told to wait (``Retry-After``) before asking again, per error type."""

TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

MESSAGES = {
    404: "There is nothing at {path} on this server. Entities are at /id/..., the SPARQL "
    "endpoint at /sparql, the whole dataset at /dumps/.",
    405: "{path} does not take {method}.",
    413: "The request body is larger than the {limit:,} bytes this server accepts "
    "(--max-body-bytes).",
}
"""Our words for Werkzeug's errors, which name the path, method or limit."""


def status_of(error: WitnessError) -> int:
    if isinstance(error, ProtocolError):
        return error.status
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def render(status: int, title: str, message: str) -> Response:
    """An error response in the form the client reads best (HTML, JSON or text)."""
    accept = request.headers.get("Accept")
    if prefers_html(accept):
        body = render_template("error.html", status=status, title=title, message=message)
        return Response(body, status, mimetype="text/html")
    if choose(accept, ["text/plain", "application/json"]) == "application/json":
        response = jsonify(status=status, title=title, message=message)
        response.status_code = status
        return response
    return Response(f"{status} {title}\n\n{message}\n", status, mimetype="text/plain")


def _witness_error(error: WitnessError) -> Response:
    status = status_of(error)
    response = render(status, TITLES.get(status, "Error"), str(error))
    wait = next((seconds for kind, seconds in RETRY_AFTER if isinstance(error, kind)), None)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    limit = request.max_content_length or 0
    words = MESSAGES.get(status)
    if words and error.description == type(error).description:  # Werkzeug's stock words
        message = words.format(path=request.path, method=request.method, limit=limit)
    else:
        message = error.description or error.name
    response = render(status, TITLES.get(status, error.name), message)
    allowed = error.get_response().headers.get("Allow")
    if status == 405 and allowed:
        response.headers["Allow"] = allowed
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(WitnessError, _witness_error)
    app.register_error_handler(HTTPException, _http_error)
