"""The SPARQL 1.1 Protocol's query operation: reading a request, whatever way it was sent.

SPARQL 1.1 Protocol, section 2.1 allows three ways to send a query:

* ``GET`` with ``query`` in the URL (2.1.1);
* ``POST`` of an HTML form, ``application/x-www-form-urlencoded`` (2.1.2);
* ``POST`` of the query itself, ``application/sparql-query`` (2.1.3), the other parameters
  then being in the URL.

Each may carry ``default-graph-uri`` and ``named-graph-uri`` (the RDF dataset, 2.1.4), which
take precedence over the query's own ``FROM``/``FROM NAMED``. This module turns a request into
a :class:`QueryRequest` or a :class:`ProtocolError` with the status the Protocol gives it
(section 2.1.5 and the W3C protocol tests): 400 for a malformed request, 415 for a body
type or charset the operation does not take.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from witness.errors import ProtocolError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

UPDATES_REFUSED = (
    "This endpoint answers queries only; SPARQL updates are not accepted here: the graph is "
    "curated as files and rebuilt with 'witness build'."
)

Params = list[tuple[str, str]]


@dataclass(frozen=True)
class QueryRequest:
    """A query operation: the query, its dataset, and the other parameters (``format``...).

    ``params`` keeps the first value of each other parameter; ``formats`` every ``format``
    value, in order, since clients that cannot tell which name a server knows send several
    (SPARQLWrapper sends ``format=rdf+xml&format=application/rdf+xml``).
    """

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    params: dict[str, str]
    formats: tuple[str, ...] = ()


def read(method: str, url_params: Params, content_type: str | None, body: bytes) -> QueryRequest:
    """Read a query request (``query`` None: the client asked for the service itself).

    >>> request = read("GET", [("query", "ASK {}"), ("default-graph-uri", "http://g")], None, b"")
    >>> request.query, request.default_graphs, request.named_graphs, request.formats
    ('ASK {}', ('http://g',), (), ())

    :raises ProtocolError: 400 for repeated or conflicting parameters or an update, 415 for a
        body that is neither a form nor a query, or not UTF-8.
    """
    params = list(url_params)
    if method == "POST":
        media, charset = _media_type(content_type)
        if charset not in (None, "utf-8", "utf8", "us-ascii"):
            raise ProtocolError(415, f"The request body must be UTF-8, not {charset}.")
        text = _utf8(body)
        if media == FORM:
            params += parse_qsl(text, keep_blank_values=True)
        elif media == DIRECT:
            if any(name == "query" for name, _ in params):
                raise ProtocolError(400, "Send the query in the body or in the URL, not both.")
            params.append(("query", text))
        elif media == UPDATE:
            raise ProtocolError(400, UPDATES_REFUSED)
        else:
            got = media or "no Content-Type"
            raise ProtocolError(
                415,
                f"A POSTed query must be {FORM} or {DIRECT}, not {got}.",
            )
    elif method not in ("GET", "HEAD"):
        raise ProtocolError(405, f"The query operation takes GET or POST, not {method}.")
    return _request(params)


def _request(params: Params) -> QueryRequest:
    queries = [value for name, value in params if name == "query"]
    if any(name == "update" for name, _ in params):
        raise ProtocolError(400, UPDATES_REFUSED)
    if len(queries) > 1:
        raise ProtocolError(400, "The request has more than one 'query' parameter.")
    defaults = tuple(value for name, value in params if name == "default-graph-uri")
    named = tuple(value for name, value in params if name == "named-graph-uri")
    for name, values in (("default-graph-uri", defaults), ("named-graph-uri", named)):
        for value in values:
            if not _ABSOLUTE_IRI.fullmatch(value):
                raise ProtocolError(400, f"{name} must be an absolute IRI, not {value!r}.")
    others: dict[str, str] = {}
    for name, value in params:
        if name not in ("query", "default-graph-uri", "named-graph-uri"):
            others.setdefault(name, value)
    dataset = bool(defaults or named)
    return QueryRequest(
        query=queries[0] if queries else None,
        default_graphs=defaults if dataset else None,
        named_graphs=named if dataset else None,
        params=others,
        formats=tuple(value for name, value in params if name == "format" and value),
    )


_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`]*")
"""An absolute IRI (RFC 3987): a scheme, then no character an IRI may not hold. The graphs
of the dataset (Protocol, section 2.1.4) are named by IRIs; anything else would otherwise
only fail later, in the engine, with a message that does not say which parameter it was."""


def _media_type(header: str | None) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header, lower-cased."""
    if not header:
        return "", None
    media, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            415, f"The request body is not valid UTF-8 (byte {error.start})."
        ) from None
