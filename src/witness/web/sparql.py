"""``/sparql``: the SPARQL 1.1 Protocol query operation, its service description, its page.

A request with a query is answered in the negotiated format, streamed from a query worker.
A request without one gets the query page if it comes from a browser, else the Service
Description (SPARQL 1.1 Service Description, section 2) in the RDF syntax it accepts.
Relative IRIs in a query without ``BASE`` resolve against the dataset's base IRI, so that
``<id/cockroach>`` names ``{base}id/cockroach``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request, url_for

from witness.formats import GRAPHS, RESULTS
from witness.negotiation import choose, prefers_html
from witness.queries import examples, named
from witness.sparql import endpoint, protocol, service_description
from witness.sparql.pool import Execution
from witness.web import body as request_body
from witness.web.services import services

blueprint = Blueprint("sparql", __name__)

PREFETCH = 1 << 20
"""Bytes read before answering: a failure within them still becomes an error status."""


@blueprint.route("/sparql", methods=["GET", "POST"])
def query() -> Response:
    found = services()
    settings = found.settings
    data = b""
    if request.method == "POST":
        data = request_body.read(request.environ, settings.max_body_bytes, settings.client_timeout)
    incoming = protocol.read(
        request.method,
        list(request.args.items(multi=True)),
        request.headers.get("Content-Type"),
        data,
    )
    accept = request.headers.get("Accept")
    if incoming.query is None:
        if prefers_html(accept):
            return _page()
        return _description(accept)
    if prefers_html(accept) and "format" not in incoming.params and request.method == "GET":
        return _page(incoming.query)
    prepared = endpoint.prepare(
        incoming, accept, found.limits, found.iris.prefixes(), base_iri=found.iris.base
    )
    execution = endpoint.run(found.queries, prepared)
    chunks, complete = execution.prefetch(PREFETCH)
    body = chunks if complete else _stream(chunks, execution)
    response = Response(body, mimetype=prepared.format.media_type)
    if complete:
        response.content_length = sum(len(chunk) for chunk in chunks)
    response.vary.add("Accept")
    return response


def _stream(first: list[bytes], execution: Execution) -> Iterator[bytes]:
    yield from first
    yield from execution.rest()


def _description(accept: str | None) -> Response:
    offered = [GRAPHS[name] for name in ("turtle", "jsonld", "ntriples", "rdfxml")]
    chosen = choose(accept, [f.media_type for f in offered]) or offered[0].media_type
    fmt = next(f for f in offered if f.media_type == chosen)
    queries = services().queries
    graphs = endpoint.select(queries, named("named-graphs"))
    size = endpoint.select(queries, named("default-graph-size"))[0]["triples"]
    assert isinstance(size, ox.Literal)
    address = url_for("sparql.query", _external=True)
    triples = service_description.describe(address, int(size.value), graphs)
    prefixes = service_description.PREFIXES if fmt.name == "turtle" else None
    body = ox.serialize(triples, None, fmt.syntax, prefixes=prefixes)
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response


def _page(text: str | None = None) -> Response:
    found = services()
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in found.iris.prefixes().items())
    body = render_template(
        "sparql.html",
        query=text,
        prologue=prologue,
        examples=examples(),
        results=list(RESULTS.values()),
        graphs=list(GRAPHS.values()),
        base=found.iris.base,
        max_rows=found.settings.html_max_rows,
    )
    response = Response(body, mimetype="text/html")
    response.vary.add("Accept")
    return response
