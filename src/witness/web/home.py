"""``/`` (the home page: what the graph holds, the search, the listings) and ``/health``
(for load balancers and monitors)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from witness import __version__
from witness.browse.overview import overview
from witness.queries import examples
from witness.web.services import services

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def home() -> str:
    found = services()
    summary = overview(found.location, found.catalog(), found.labels())
    return render_template("home.html", overview=summary, examples=examples())


@blueprint.route("/health")
def health() -> Response:
    """200 when the store is there to answer queries, 503 when it is not."""
    location = services().location
    ok = location.exists()
    response = jsonify(status="ok" if ok else "no store", version=__version__)
    response.status_code = 200 if ok else 503
    return response
