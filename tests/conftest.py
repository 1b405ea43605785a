"""Shared fixtures: the bundled data built once into a store, and a way to ask it questions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

import engines
from engines import free_port
from witness.browse import derivers
from witness.dataset.build import build
from witness.dataset.engine import engine as engine_of
from witness.dataset.store import StoreLocation
from witness.iris import Iris
from witness.namespaces import PREFIXES
from witness.settings import Settings

Rows = list[dict[str, str]]

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the bundled ontology, data and shapes, with a store of the session's own."""
    return Settings(store=tmp_path_factory.mktemp("bundled") / "store")


@pytest.fixture(scope="session")
def bundled_store(bundled_settings: Settings) -> ox.Store:
    """The bundled data, validated and built once for the whole session (read-only)."""
    build(bundled_settings)
    return StoreLocation(bundled_settings.store).open_read_only()


@pytest.fixture(scope="session")
def sparql(bundled_store: ox.Store) -> Callable[[str], Rows]:
    """Run a SELECT over the default graph (the merge of all graphs); each row maps variable
    to the term's value.

    The usual prefixes (schema, wit, id, graph, source, xsd, ...) are declared for you.
    """

    def select(query: str) -> Rows:
        solutions = bundled_store.query(PROLOGUE + query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            {name: row[name].value for name in names if row[name] is not None} for row in solutions
        ]

    return select


@pytest.fixture(scope="session")
def ask(bundled_store: ox.Store) -> Callable[[str], bool]:
    """Run an ASK over the default graph (the merge of all graphs), prefixes declared."""

    def run(query: str) -> bool:
        return bool(bundled_store.query(PROLOGUE + query))

    return run


@dataclass
class LiveServer:
    """A ``witness serve`` process on a free local port."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    store: Path, log: Path, *options: str, env: dict[str, str] | None = None
) -> LiveServer:
    """Start ``witness serve`` on ``store`` (with more ``env``ironment variables) and wait
    until /health answers."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "witness"), "serve", "--store", str(store)]
    command += ["--port", str(port), *options]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"witness serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"witness serve did not come up: {log.read_text()}")


class Servers:
    """Starts servers with their logs in one folder, and stops every one of them at the end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[LiveServer] = []

    def __call__(self, store: Path, *options: str, env: dict[str, str] | None = None) -> LiveServer:
        log = self.logs / f"serve-{len(self.started)}.log"
        server = start_server(store, log, *options, env=env)
        self.started.append(server)
        return server

    def stop(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Servers]:
    """Start servers of the test's own (on any store, with any options); stopped after it."""
    servers = Servers(tmp_path)
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def serve_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Like ``serve``, for module or session fixtures: servers shared by many tests.

    The fixture using it may stop its server early; any still running stop at the end.
    """
    servers = Servers(tmp_path_factory.mktemp("servers"))
    yield servers
    servers.stop()


BACKENDS = ["embedded", "virtuoso", "oxigraph"]
"""Where ``live_server`` keeps the data: the embedded store, or a remote engine."""
DURATIONS_DIFFER = pytest.mark.differs_on(
    "virtuoso",
    'Virtuoso 7 gives an xsd:duration back as seconds ("PT1H18M" as "4680.0", '
    "openlink/virtuoso-opensource#936); its other statements are compared with the embedded "
    "store's in test_remote_engines",
)
OXIGRAPH_MODULES = {
    "test_sparql_endpoint",
    "test_sparql_clients",
    "test_sparql_w3c",
    "test_linked_data",
}
"""The tests run a third time, on Oxigraph's server: the endpoint's and linked data's."""


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest,
    bundled_store: ox.Store,
    bundled_settings: Settings,
    serve_shared: Servers,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """A real server (gunicorn, query workers) on the bundled data, for the whole session:
    once with the embedded store, and again with the data in each remote engine (started
    here, loaded by a build, stopped at the end). A test that only makes sense on the
    embedded store says so with ``@pytest.mark.embedded_only(reason)``."""
    if request.param == "embedded":
        yield serve_shared(bundled_settings.store)
        return
    root = tmp_path_factory.mktemp(request.param)
    with deployed(bundled_settings, request.param, root) as (settings, environment):
        server = serve_shared(settings.store, env=environment)
        yield server
        server.stop()


@contextmanager
def deployed(
    settings: Settings, backend: str, root: Path, *, validate: bool = True
) -> Iterator[tuple[Settings, dict[str, str]]]:
    """The data of ``settings`` built into a new store under ``root`` and loaded into a new
    ``backend`` engine (``virtuoso`` or ``oxigraph``); the settings and the environment of a
    server using it. The engine is stopped afterwards."""
    start = engines.virtuoso if backend == "virtuoso" else engines.oxigraph
    with start(root / "engine") as engine:
        environment = engine.environment()
        remote = settings.with_changes(
            store=root / "store",
            store_url=engine.query_url,
            update_url=engine.update_url,
            graph_store_url=engine.graph_store_url,
            store_user=environment.get("WITNESS_STORE_USER", ""),
            store_password=environment.get("WITNESS_STORE_PASSWORD", ""),
        )
        loads = derivers(Iris(remote.base_iri), engine_of(remote))
        build(remote, validate=validate, derivers=loads)
        yield remote, environment


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded_only(reason): not run on a remote engine, for the reason given"
    )
    config.addinivalue_line(
        "markers", "differs_on(engine, reason): not run on that engine, which differs as said"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests of ``live_server`` on Oxigraph's server only where :data:`OXIGRAPH_MODULES`
    say, and a test marked ``embedded_only`` on the embedded store only (skipped elsewhere,
    with its reason)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        backend = params.get("live_server") or params.get("w3c_server")
        if backend == "oxigraph" and item.path.stem not in OXIGRAPH_MODULES:
            dropped.append(item)
            continue
        marker = item.get_closest_marker("embedded_only")
        if backend not in (None, "embedded") and marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"on {backend}: {marker.args[0]}"))
        for differs in item.iter_markers("differs_on"):
            if differs.args[0] == backend:
                item.add_marker(pytest.mark.skip(reason=f"on {backend}: {differs.args[1]}"))
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def archive_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 50,000 statements made by ``bench/generate.py`` from the bundled data, unvalidated.

    Big enough for answers that are streamed and for a cross join that would run for hours.
    """
    root = tmp_path_factory.mktemp("archive")
    generator = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    subprocess.run(
        [sys.executable, str(generator), "50k", str(root / "data")], check=True, capture_output=True
    )
    settings = Settings(store=root / "store", data_dir=root / "data")
    build(settings, validate=False)
    return settings.store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory of the test's own."""
    path = tmp_path / "data"
    path.mkdir()
    return path


# A real browser --------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (``apt-get install chromium``); the tests never download a browser."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium driven by Playwright, for the whole session. Without Chromium the browser
    tests are skipped on a developer's machine, and fail in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM} for the browser tests (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page_at(browser: Browser) -> Iterator[Callable[[str], Page]]:
    """Opens a page of its own browser context on a server (``page_at(server.url)``); at the
    end of the test, fails it on any script error a page raised."""
    opened: list[tuple[BrowserContext, list[str]]] = []

    def open_page(base_url: str) -> Page:
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        opened.append((context, errors))
        return page

    yield open_page
    for context, _ in opened:
        context.close()
    errors = [error for _, found in opened for error in found]
    assert not errors, f"script errors on the page: {errors}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the browser tests left their screenshots, for people to look at."""
    shots = Path(__file__).parent / "artifacts" / "browser"
    if shots.is_dir() and any(shots.glob("*.png")):
        terminalreporter.write_line(f"screenshots of every page type: {shots}")
