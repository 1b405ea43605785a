"""Linked data: ``/id/…``, ``/source/…``, ``/graph/…`` and ``/ontology`` answer for the IRIs
of the dataset.

Every IRI under the base is served at the same path of this host (DESIGN.md, IRIs; the
mapping is :mod:`witness.iris`). A browser gets an HTML page; an RDF client the description
(:mod:`witness.publish.describe`) in Turtle, JSON-LD, N-Triples, RDF/XML, TriG or N-Quads, chosen by
``Accept`` with its q-values (RFC 9110, section 12.5.1; ``Vary: Accept``) or by a suffix
(``/id/vivos.ttl``, ``.jsonld .nt .rdf .trig .nq .html``), which names one document and is
never negotiated. Every answer lists the documents in each format in ``Link`` headers
(``rel="alternate"``, RFC 8288). ``HEAD`` answers as ``GET`` would, without the body.

**200 with Content-Location, not 303.** W3C's "Cool URIs for the Semantic Web" (section 4.3)
shows a server answering for a thing (a person, a film) with 303 See Other to a document
about it. Witness answers 200 with the document itself, and names that document in
``Content-Location`` (``/id/vivos.ttl``), which RFC 9110 (section 8.7) defines as the
identifier of the resource this representation is of. The thing and the document about it
are still told apart (the document has its own URL, given in every answer), while every
client saves a round trip, clients that do not follow redirects (curl without ``-L``, many
RDF loaders) still get data, and one cache entry per format serves the negotiated and the
suffixed URL alike. The rule holds for every path here, negotiated or suffixed.

Nothing known about a resource is 404, with resources of similar slug or label suggested
and the search offered; a path that is no IRI (quotes, ``>``, spaces) is simply not found and
never reaches a query.

The HTML page of an entity or a graph is the browser's (:mod:`witness.browse.entity`), with
the drawing of its neighbourhood, also served on its own as ``/id/{slug}.svg`` (``?hops=2``
for two steps); a source document's page lists the statements drawn from it
(:mod:`witness.browse.sources`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import NotFound

from witness.browse.drawing import svg
from witness.browse.entity import Group, entity
from witness.browse.markup import schema_org
from witness.browse.neighbourhood import neighbourhood
from witness.browse.sources import source
from witness.errors import NotAcceptable
from witness.formats import GRAPHS, GraphFormat
from witness.iris import split_variant, variant_path
from witness.negotiation import choose, prefers_html
from witness.publish import describe
from witness.sparql.pool import Execution
from witness.web.browsing import whole
from witness.web.services import services

blueprint = Blueprint("resources", __name__)

PREFETCH = 1 << 20
"""Bytes read before answering: a failure within them still becomes an error status."""

HTML = "html"
SVG = "svg"
FORMATS: dict[str, GraphFormat] = {fmt.extension: fmt for fmt in GRAPHS.values()}
"""RDF formats by suffix (``ttl``...)."""

EXTENSIONS = (*FORMATS, HTML, SVG)

OFFERS: dict[str, str] = {
    **{fmt.media_type: fmt.extension for fmt in GRAPHS.values()},
    **{alias: fmt.extension for fmt in GRAPHS.values() for alias in fmt.aliases},
    "text/html": HTML,
    "application/xhtml+xml": HTML,
}
"""Media types offered, in order of preference when a client has none (RDF first, Turtle
first of all), and the suffix of the document each one gets."""


@blueprint.route("/id/<path:slug>")
@blueprint.route("/source/<path:slug>")
@blueprint.route("/graph/<path:slug>")
def resource(slug: str) -> Response:
    """An entity, a source document or a named graph: its description or its page.

    The whole path (not only ``slug``) names the IRI: ``/source/x`` answers for
    ``{base}source/x``.
    """
    found = services()
    path, suffix = split_variant(request.path, EXTENSIONS)
    chosen = _negotiate(suffix)
    subject = describe.resource(found.iris, path)
    if chosen in (HTML, SVG):
        response = _page(path, subject, chosen) if subject else None
        if response is None:
            return _not_found(path, html=chosen == HTML)
        return _headers(response, path, chosen, suffix)
    fmt = FORMATS[chosen]
    execution = describe.document(found.queries, found.iris, subject, fmt) if subject else None
    if execution is None:
        return _not_found(path, html=prefers_html(request.headers.get("Accept")))
    return _headers(_streamed(execution, fmt), path, chosen, suffix)


@blueprint.route("/ontology")
@blueprint.route("/ontology.<suffix>")
def ontology(suffix: str | None = None) -> Response:
    """The ontology: its documentation page, or its graph as RDF."""
    if suffix is not None and suffix not in EXTENSIONS:
        abort(404)
    found = services()
    path = "/ontology"
    chosen = _negotiate(suffix)
    if chosen == HTML:
        document = describe.ontology_page(found.queries, found.iris)
        if document is None:
            abort(404, "This store holds no ontology graph.")
        body = render_template("ontology.html", ontology=document, formats=_alternates(path))
        return _headers(Response(body, mimetype="text/html"), path, chosen, suffix)
    fmt = FORMATS[chosen]
    execution = describe.ontology_document(found.queries, found.iris, fmt)
    if execution is None:
        abort(404, "This store holds no ontology graph.")
    return _headers(_streamed(execution, fmt), path, chosen, suffix)


def _page(path: str, subject: ox.NamedNode, chosen: str) -> Response | None:
    """The HTML page (or the drawing) of an entity, a graph or a source document; None if
    nothing is known about it."""
    found = services()
    catalog, labels = found.catalog(), found.labels()
    if chosen == HTML and path.startswith(("/source/", "/graph/")):
        graph = path.startswith("/graph/")
        skip = whole("skip", 0, 0, 1 << 40)
        page = source(found.queries, catalog, labels, subject, skip, graph=graph)
        if page is None:
            return None
        body = render_template(
            "source.html", page=page, page_path=quote(path), graph=graph, formats=_alternates(path)
        )
        return Response(body, mimetype="text/html")
    shown = entity(found.queries, catalog, labels, subject, _opened())
    if shown is None:
        return None
    hops = whole("hops", 1, 1, 2)
    drawing = neighbourhood(shown, found.queries, catalog, labels, hops, _group_address(path))
    if chosen == SVG:
        return Response(svg(drawing), mimetype="image/svg+xml")
    body = render_template(
        "entity.html",
        entity=shown,
        page_path=quote(path),
        hops=hops,
        drawing=svg(drawing),
        svg_address=quote(variant_path(path, SVG)) + ("?hops=2" if hops == 2 else ""),
        schema_org=schema_org(shown),
        formats=_alternates(path),
    )
    return Response(body, mimetype="text/html")


def _opened() -> tuple[str, str, int] | None:
    """The group of links asked for on its own (``?in=IRI`` or ``?out=IRI``, from the row
    ``skip``)."""
    for direction in ("out", "in"):
        wanted = request.args.get(direction)
        if wanted:
            return direction, wanted, whole("skip", 0, 0, 1 << 40)
    return None


def _group_address(path: str) -> Callable[[Group], str]:
    def address(group: Group) -> str:
        return f"{quote(path)}?{urlencode({group.direction: group.predicate.iri})}#opened"

    return address


def _negotiate(suffix: str | None) -> str:
    """The suffix of the document to answer with: the one asked for, else by ``Accept``.

    :raises NotAcceptable: if the client accepts none of the formats offered.
    """
    if suffix is not None:
        return suffix
    chosen = choose(request.headers.get("Accept"), list(OFFERS))
    if chosen is None:
        offered = ", ".join(dict.fromkeys(OFFERS))
        raise NotAcceptable(
            f"None of the accepted types is offered here; this server offers {offered}."
        )
    return OFFERS[chosen]


def _streamed(execution: Execution, fmt: GraphFormat) -> Response:
    """The description as the worker writes it: whole if small (or for HEAD), else streamed."""
    limit = 1 << 62 if request.method == "HEAD" else PREFETCH
    chunks, complete = execution.prefetch(limit)
    response = Response(chunks if complete else _rest(chunks, execution), mimetype=fmt.media_type)
    if complete:
        response.content_length = sum(len(chunk) for chunk in chunks)
    return response


def _rest(first: list[bytes], execution: Execution) -> Iterator[bytes]:
    yield from first
    yield from execution.rest()


def _alternates(path: str) -> list[tuple[str, str, str]]:
    """Name, URL and media type of the document about ``path`` in each format."""
    documents = [
        (fmt.w3c.replace("_", "/"), fmt.extension, fmt.media_type) for fmt in GRAPHS.values()
    ]
    documents.append(("HTML", HTML, "text/html"))
    if path.startswith("/id/"):
        documents.append(("SVG drawing", SVG, "image/svg+xml"))
    return [(name, quote(variant_path(path, suffix)), media) for name, suffix, media in documents]


def _headers(response: Response, path: str, chosen: str, suffix: str | None) -> Response:
    """``Content-Location`` (the document sent), ``Link`` to the others, ``Vary`` if negotiated."""
    response.headers["Content-Location"] = quote(variant_path(path, chosen))
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="alternate"; type="{media}"' for _, url, media in _alternates(path)
    )
    if suffix is None:
        response.vary.add("Accept")
    return response


def _not_found(path: str, *, html: bool) -> Response:
    """404, with resources of similar slug or label: an HTML page for browsers, else text."""
    found = services()
    suggestions = describe.suggestions(found.queries, found.iris, path)
    title = f"Nothing is known about {path}"
    if html:
        words = path.lstrip("/").partition("/")[2].replace("-", " ")
        body = render_template("not_found.html", title=title, suggestions=suggestions, query=words)
        return Response(body, NotFound.code, mimetype="text/html")
    lines = [f"404 Not Found\n\n{title}."]
    if suggestions:
        lines.append("Did you mean:")
        lines += [
            f"  {request.host_url.rstrip('/')}{quote(s.path)}  ({s.label})" for s in suggestions
        ]
    return Response("\n".join(lines) + "\n", NotFound.code, mimetype="text/plain")
