"""What the graph surfaces (``/path``, ``/timeline``, ``/network``, ``/exports``) share: the
live build's projection and network figures, loaded once per build
(:mod:`witness.browse.projection`, :mod:`witness.browse.network`; 503 while a build that
has none gets them), graph files as responses, and the ``/exports`` pages: a neighbourhood
(``/exports/around/{slug}.graphml?hops=2``) or the whole projection
(``/exports/graph.gexf``, made once per build and then served as a file) as GraphML, GEXF
or CSV node and edge lists."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
)
from flask.blueprints import BlueprintSetupState

from witness.browse.dates import period
from witness.browse.exports import FORMATS, ExportDeriver, Selection, around, write
from witness.browse.network import Network, Networks
from witness.browse.projection import Projection, Projections
from witness.browse.timeline import items
from witness.dataset.derived import Live
from witness.errors import BadRequest
from witness.negotiation import choose as negotiate
from witness.web.browsing import whole
from witness.web.services import Services, services

blueprint = Blueprint("exports", __name__)

SUFFIXES = {suffix: fmt for fmt, (_, _, suffix) in FORMATS.items()}
"""Export format by file suffix (``graphml``, ``nodes.csv``...)."""

OFFERED = {"text/html": "html", "application/json": "json", "text/csv": "csv"}

MAX_HOPS = 3
MAX_ENTITIES = 20_000
"""Most entities of a neighbourhood exported on request (the whole graph is a file)."""


class Graphs:
    """The app's holders of the live build's projection, network figures and whole-graph
    files."""

    def __init__(self, found: Services, log: Callable[[str], None]) -> None:
        self.services = found
        self.projections = Projections(found.location, found.iris, log, prepare=items)
        self.networks = Networks(found.location, found.iris, log)
        self.files: dict[str, Live[Path]] = {
            fmt: Live(found.location, ExportDeriver(found.iris, fmt), Path, log) for fmt in FORMATS
        }

    @property
    def wait(self) -> float:
        return min(10.0, self.services.settings.query_timeout)


@blueprint.record_once
def _register(state: BlueprintSetupState) -> None:
    app = state.app
    app.extensions["witness-graphs"] = Graphs(app.extensions["witness"], app.logger.warning)


def graphs() -> Graphs:
    found: Graphs = current_app.extensions["witness-graphs"]
    return found


def projection() -> Projection:
    """The live build's projection (made first if the build has none: 503 meanwhile)."""
    found = graphs()
    return found.projections.get(found.wait)


def network() -> Network:
    """The live build's network figures (made first if the build has none: 503 meanwhile)."""
    found = graphs()
    return found.networks.get(found.wait)


def file_name(text: str) -> str:
    """``text`` as a file name any header can carry (slugs may hold any character).

    >>> file_name("path-café-艾未未")
    'path-caf_-___'
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def graph_file(shown: Projection, selection: Selection, fmt: str, name: str) -> Response:
    """``selection`` as a downloadable file of ``fmt`` (a key of ``FORMATS``)."""
    out = io.StringIO()
    write(shown, selection, fmt, out)
    _, media, suffix = FORMATS[fmt]
    response = Response(out.getvalue(), mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(name)}.{suffix}"'
    return response


def form(suffix: str | None, offered: tuple[str, ...]) -> str:
    """The form of the answer: the suffix's (404 if not ``offered``), else HTML, JSON or CSV
    by ``Accept`` (HTML if none of them is)."""
    if suffix is not None:
        if suffix not in offered:
            abort(404)
        return suffix
    chosen = negotiate(request.headers.get("Accept"), list(OFFERED))
    return OFFERED[chosen] if chosen else "html"


def window() -> tuple[str, str] | None:
    """The period of ``from`` and ``to`` (either may be left out).

    :raises BadRequest: naming a bound that is not a year, a month or a day.
    """
    given = {name: request.args.get(name, "").strip() for name in ("from", "to")}
    if not any(given.values()):
        return None
    found: dict[str, str] = {}
    for name, text in given.items():
        day = period(text, end=name == "to") if text else ("0001-01-01", "9999-12-31")[name == "to"]
        if day is None:
            raise BadRequest(
                f"'{name}' must be a year (2008), a month (2020-06) or a day (2021-03-20); "
                f"it was '{text}'."
            )
        found[name] = day
    return found["from"], found["to"]


def entity_iri(slug: str) -> str:
    """The IRI of the entity ``slug`` names.

    :raises BadRequest: if it is not an entity of the projection.
    """
    iri = services().iris.entity(slug)
    if iri not in projection():
        raise BadRequest(f"There is no entity {slug} linked to any other in this graph.")
    return iri


@blueprint.route("/exports/")
def index() -> str:
    """The exports: what each format holds, and the whole graph in each."""
    shown = projection()
    return render_template(
        "exports.html",
        formats=FORMATS,
        entities=shown.graph.number_of_nodes(),
        links=sum(len(s) for _, _, s in shown.graph.edges(data="statements")),
    )


@blueprint.route("/exports/graph.<path:suffix>")
def whole_graph(suffix: str) -> Response:
    """The whole projection as one file, made once per build."""
    fmt = SUFFIXES.get(suffix) or abort(404)
    found = graphs()
    path = found.files[fmt].get(found.wait)
    _, media, _ = FORMATS[fmt]
    return send_file(path, mimetype=media, as_attachment=True, download_name=f"witness.{suffix}")


@blueprint.route("/exports/around/<name>")
def neighbourhood(name: str) -> Response:
    """An entity and what lies within ``hops`` steps of it (1 by default, at most 3):
    ``{slug}.{suffix}``, the suffix one of the formats' (``nodes.csv``...)."""
    suffix = next(
        (s for s in sorted(SUFFIXES, key=len, reverse=True) if name.endswith(f".{s}")), ""
    )
    if not suffix:
        abort(404)
    slug, fmt = name.removesuffix(f".{suffix}"), SUFFIXES[suffix]
    hops = whole("hops", 1, 1, MAX_HOPS)
    shown = projection()
    selection = around(shown, entity_iri(slug), hops, MAX_ENTITIES)
    return graph_file(shown, selection, fmt, f"{slug}-{hops}-steps")
