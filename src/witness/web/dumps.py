"""The dataset as a whole: its dumps (``/dumps/``), VoID (``/.well-known/void``), JSON-LD context.

Dumps are files made once per build by a background producer (:mod:`witness.publish.dumps`, which
says why): a request for one that is not made yet starts the producer, waits for it at most
:data:`WAIT` seconds (and never past the query deadline), then answers 503 with
``Retry-After``; the files are then served as they are, with ``ETag``, ``Last-Modified`` (the
build's time), conditional requests (RFC 9110, section 13: ``If-None-Match``,
``If-Modified-Since`` answered 304) and ranges (RFC 9110, section 14), by Werkzeug. A client
that accepts gzip gets the plain dump's URL as the ready-made ``.gz`` file with
``Content-Encoding: gzip`` (RFC 9110, section 8.4), and its own ``ETag``: nothing is
compressed on the fly. The VoID description waits the same way for the build's counts.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState

from witness import jsonld
from witness.dataset.store import built_at
from witness.formats import GRAPHS
from witness.negotiation import accepts_coding, choose, prefers_html
from witness.publish import void
from witness.publish.dumps import Dumps, Entry, NotReady, by_file_name, etag, file_name
from witness.publish.void import GZIP
from witness.web.errors import render
from witness.web.services import services

blueprint = Blueprint("dumps", __name__)

WAIT = 10.0
"""Most seconds a request waits for a file being made (less if the query deadline is less)."""

VOID_FORMATS = [GRAPHS[name] for name in ("turtle", "jsonld", "ntriples", "rdfxml")]
"""The syntaxes of the VoID description, Turtle first (as for the service description)."""


@blueprint.record_once
def _register(state: BlueprintSetupState) -> None:
    found = state.app.extensions["witness"]
    state.app.extensions["witness.publish.dumps"] = Dumps(found.location, found.iris)


def _dumps() -> Dumps:
    made: Dumps = current_app.extensions["witness.publish.dumps"]
    return made


def _wait() -> float:
    return min(WAIT, services().settings.query_timeout)


def _address(endpoint: str, **values: str) -> str:
    """The absolute URL of ``endpoint``, as the client reached this server."""
    return url_for(endpoint, _external=True, **values)


@blueprint.errorhandler(NotReady)
def _not_ready(error: NotReady) -> Response:
    response = render(503, "Service Unavailable", str(error))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


@blueprint.route("/dumps/")
def index() -> Response:
    """The dumps of the live build: HTML for browsers, JSON for everyone else."""
    build = services().location.live_build()
    entries = _dumps().listing(build)
    modified = built_at(build)
    if prefers_html(request.headers.get("Accept")):
        response = Response(
            render_template("dumps.html", entries=entries, modified=modified), mimetype="text/html"
        )
    else:
        response = jsonify(
            build=build.name,
            modified=modified.isoformat(),
            void=_address("dumps.void_description"),
            context=_address("dumps.context"),
            dumps=[_listed(entry) for entry in entries],
        )
    response.vary.add("Accept")
    return response


def _listed(entry: Entry) -> dict[str, object]:
    return {
        "format": entry.format.name,
        "mediaType": entry.format.media_type,
        "url": _address("dumps.dump", name=entry.name),
        "bytes": entry.size,
        "gzip": {
            "mediaType": GZIP,
            "url": _address("dumps.dump", name=entry.gzip_name),
            "bytes": entry.gzip_size,
        },
    }


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump, ``witness.<ext>`` or ``witness.<ext>.gz``."""
    try:
        fmt, compressed = by_file_name(name)
    except KeyError:
        abort(404)
    build = services().location.live_build()
    encoded = not compressed and accepts_coding(request.headers.get("Accept-Encoding"), "gzip")
    served = file_name(fmt, compressed=compressed or encoded)
    response = send_file(
        _dumps().file(build, served, _wait()),
        mimetype=GZIP if compressed else fmt.media_type,
        download_name=name,
        etag=etag(build, served),
        last_modified=built_at(build),
        conditional=True,
    )
    if encoded:
        response.headers["Content-Encoding"] = "gzip"
    return response


@blueprint.route("/context.jsonld")
def context() -> Response:
    """The JSON-LD context our JSON-LD uses (embedded in each document, published here too)."""
    document = {"@context": jsonld.context(services().iris.prefixes())}
    return Response(json.dumps(document, indent=2) + "\n", mimetype="application/ld+json")


@blueprint.route("/.well-known/void")
def void_description() -> Response:
    """The VoID and DCAT description of the dataset, in the RDF syntax the client prefers."""
    found = services()
    build = found.location.live_build()
    statistics = _dumps().statistics(build, _wait())
    chosen = choose(request.headers.get("Accept"), [f.media_type for f in VOID_FORMATS])
    fmt = next((f for f in VOID_FORMATS if f.media_type == chosen), VOID_FORMATS[0])
    links = void.Links(
        home=_address("home.home"),
        endpoint=_address("sparql.query"),
        dumps=[
            void.Dump(
                dumped,
                _address("dumps.dump", name=file_name(dumped)),
                _address("dumps.dump", name=file_name(dumped, compressed=True)),
            )
            for dumped in GRAPHS.values()
        ],
    )
    description = void.describe(statistics, found.iris, built_at(build), links)
    body = void.serialize(description, fmt, found.iris)
    response = Response(body, mimetype=fmt.media_type)
    response.vary.add("Accept")
    return response
