"""The Witness web application: ``create_app(settings)`` builds it, nothing at import time."""

from __future__ import annotations

from flask import Flask

from witness.settings import Settings
from witness.web import errors, http
from witness.web.browsing import blueprint as browsing
from witness.web.conditional import Conditional
from witness.web.dumps import blueprint as dumps
from witness.web.graphs import blueprint as exports
from witness.web.home import blueprint as home
from witness.web.listings import blueprint as listings
from witness.web.network import blueprint as network
from witness.web.paths import blueprint as paths
from witness.web.resources import blueprint as resources
from witness.web.search import blueprint as search
from witness.web.services import Services
from witness.web.sparql import blueprint as sparql
from witness.web.timeline import blueprint as timeline


def create_app(settings: Settings | None = None) -> Flask:
    """A Flask app serving the store of ``settings`` (default: the default settings).

    The query workers start with the first query, not here, so that the app can be created
    before a fork (gunicorn) and in tests without cost.
    """
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    Services(settings).init_app(app)
    errors.init_app(app)
    http.init_app(app)
    app.register_blueprint(home)
    app.register_blueprint(sparql)
    app.register_blueprint(resources)
    app.register_blueprint(dumps)
    app.register_blueprint(browsing)
    app.register_blueprint(search)
    app.register_blueprint(listings)
    app.register_blueprint(exports)
    app.register_blueprint(paths)
    app.register_blueprint(timeline)
    app.register_blueprint(network)
    app.wsgi_app = Conditional(app.wsgi_app, settings)  # type: ignore[method-assign]
    return app
