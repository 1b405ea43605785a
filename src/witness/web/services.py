"""What a running app holds: its settings, the query pool (started on first use) and the
browser's index of the live build."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app, request

from witness.browse.catalog import Catalog, Catalogs
from witness.browse.labels import Labels
from witness.dataset.engine import engine
from witness.dataset.store import StoreLocation
from witness.iris import Iris
from witness.settings import Settings
from witness.sparql.endpoint import Limits
from witness.sparql.pool import QueryPool
from witness.sparql.shares import ClientQueries, default_size


class Services:
    """The app's long-lived objects, reachable from views as :func:`services`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.location = StoreLocation(settings.store)
        self.iris = Iris(settings.base_iri)
        self.limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._pool: QueryPool | None = None
        self._lock = threading.Lock()
        self.catalogs = Catalogs(self.location, self.iris)

    def init_app(self, app: Flask) -> None:
        app.extensions["witness"] = self
        self.catalogs.log = app.logger.warning

    def catalog(self) -> Catalog:
        """The browser's index of the live build (made first if the build has none; a
        request waits for it at most as long as for a query)."""
        return self.catalogs.live(min(10.0, self.settings.query_timeout))

    def labels(self) -> Labels:
        """The label lookup of the live build."""
        return Labels(self.catalog(), self.iris)

    @property
    def pool(self) -> QueryPool:
        """The query workers, started by the first caller (in the process that serves)."""
        with self._lock:
            if self._pool is None:
                settings = self.settings
                size = settings.query_workers or default_size(settings.max_client_queries)
                pool = QueryPool(
                    self.location,
                    size,
                    settings.query_timeout,
                    memory=settings.max_query_memory << 20,
                    per_client=settings.max_client_queries,
                    engine=engine(settings),
                )
                pool.start()
                atexit.register(pool.close)
                self._pool = pool
            return self._pool

    @property
    def queries(self) -> ClientQueries:
        """The query workers as the client of the current request uses them (its share)."""
        return ClientQueries(self.pool, request.remote_addr or "")

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def services() -> Services:
    """The services of the app handling the current request."""
    found: Services = current_app.extensions["witness"]
    return found
