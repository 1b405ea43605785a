"""What a running app holds: its settings and the query pool, started on first use."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from witness.dataset.store import StoreLocation
from witness.iris import Iris
from witness.settings import Settings
from witness.sparql.endpoint import Limits
from witness.sparql.pool import QueryPool, default_size


class Services:
    """The app's long-lived objects, reachable from views as :func:`services`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.location = StoreLocation(settings.store)
        self.iris = Iris(settings.base_iri)
        self.limits = Limits(settings.max_query_bytes, settings.max_query_depth)
        self._pool: QueryPool | None = None
        self._lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        app.extensions["witness"] = self

    @property
    def pool(self) -> QueryPool:
        """The query workers, started by the first caller (in the process that serves)."""
        with self._lock:
            if self._pool is None:
                size = self.settings.query_workers or default_size()
                pool = QueryPool(self.location, size, self.settings.query_timeout)
                pool.start()
                atexit.register(pool.close)
                self._pool = pool
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def services() -> Services:
    """The services of the app handling the current request."""
    found: Services = current_app.extensions["witness"]
    return found
