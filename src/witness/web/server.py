"""Serving the app in production: gunicorn with threaded workers, never Flask's dev server.

Each gunicorn worker process builds its own app (after the fork) and so its own pool of
query processes; threads accept requests while queries run in the pool, so a slow query
never holds up the others.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from witness.settings import Settings
from witness.web import create_app
from witness.web.worker import GRACE, REQUEST_LINE


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # settings newer gunicorns added are optional
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.settings)


def options(settings: Settings, host: str, port: int, *, access_log: bool = True) -> dict[str, Any]:
    """gunicorn's settings for serving ``settings`` on ``host:port`` (the benchmark's
    "floor" server, ``bench/floor_server.py``, runs gunicorn with these very settings)."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": settings.web_workers,
        "worker_class": "witness.web.worker.Worker",
        "threads": settings.web_threads,
        "timeout": int(settings.query_timeout) + 30,
        # In flight requests get GRACE seconds, then their queries are stopped and they are
        # answered 503 (witness.web.worker); this leaves time to write those answers.
        "graceful_timeout": int(GRACE) + 5,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "proc_name": "witness",
        "control_socket_disable": True,
        # A longer query goes in a POST (the 414 says so); reading an unlimited request line
        # takes gunicorn time that grows with the square of its length.
        "limit_request_line": REQUEST_LINE,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
    }


def serve(settings: Settings, host: str, port: int, *, access_log: bool = True) -> None:
    """Serve the app on ``host:port`` until interrupted."""
    _Gunicorn(settings, options(settings, host, port, access_log=access_log)).run()
