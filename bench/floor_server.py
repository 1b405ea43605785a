"""The "floor" peer of the endpoint benchmark: gunicorn, set up exactly as ``witness serve``
sets it up, answering each query of the mix with bytes computed before it starts.

It does no work per request beyond HTTP: no Flask, no vetting, no query, no worker process.
So no server on gunicorn can answer the mix faster than it does, and its latency against
Oxigraph's tells what part of a ratio target the HTTP server alone uses up. With ``--flask``
the answers come from a Flask app of one view, the least a Flask app on gunicorn can do.
The answers are pyoxigraph's on the same store (its stored default graph, as ``oxigraph
serve-read-only`` and Witness answer), so the benchmark checks them like any server's.

    python bench/floor_server.py --store bench/out/1M/store --port 8001
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication

from mix import PROBE, Query, query_mix
from witness.settings import Settings
from witness.web.server import options

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def answers(store: ox.Store, queries: list[Query]) -> dict[str, tuple[str, bytes]]:
    """Media type and body of each query's answer, keyed by the query's text."""
    found = {}
    for query in queries:
        result = store.query(query.text)
        if isinstance(result, ox.QueryTriples):
            body = ox.serialize(result, None, ox.RdfFormat.N_TRIPLES)
        else:
            body = result.serialize(None, ox.QueryResultsFormat.JSON)
        assert body is not None  # no output file given: the bytes are returned
        found[query.text] = (query.accept, body)
    return found


def replay(found: dict[str, tuple[str, bytes]]) -> App:
    """A WSGI app answering ``?query=`` from ``found``, 404 for anything else."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", "")).get("query", [""])[0]
        media_type, body = found.get(query, ("text/plain", b"not a query of the mix\n"))
        status = "200 OK" if query in found else "404 Not Found"
        start_response(status, [("Content-Type", media_type), ("Content-Length", str(len(body)))])
        return [body]

    return app


def flask_replay(found: dict[str, tuple[str, bytes]]) -> Flask:
    """The same, as a Flask app with one view."""
    app = Flask(__name__)

    @app.get("/sparql")
    def query() -> Response:
        text = request.args.get("query", "")
        if text not in found:
            return Response(b"not a query of the mix\n", 404, mimetype="text/plain")
        media_type, body = found[text]
        return Response(body, mimetype=media_type)

    return app


class Floor(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: App | Flask, settings: dict[str, Any]) -> None:
        self.app = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> App | Flask:
        return self.app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a Witness store directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--copy", type=int, default=17, help="as for endpoint_bench.py")
    parser.add_argument("--text", default="rest #12", help="as for endpoint_bench.py")
    parser.add_argument("--flask", action="store_true", help="answer from a Flask app")
    args = parser.parse_args()
    store = ox.Store.read_only(str((args.store / "current").resolve()))
    found = answers(store, [PROBE, *query_mix(args.copy, args.text)])
    del store
    settings = Settings(store=args.store)
    app = flask_replay(found) if args.flask else replay(found)
    Floor(app, options(settings, args.host, args.port)).run()


if __name__ == "__main__":
    main()
