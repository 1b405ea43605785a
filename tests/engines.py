"""Remote SPARQL engines for the tests: Virtuoso Open Source 7 (Debian's
``virtuoso-opensource-7``) and Oxigraph's server (PyPI ``oxigraph``), each started on free
ports with a throwaway database directory, and stopped afterwards.

Each :class:`Engine` says where Witness finds it: the query endpoint, the update endpoint and
the credentials (given to Witness through the environment, as an operator would).
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
VIRTUOSO_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")
OXIGRAPH = shutil.which("oxigraph")

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {allowed}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
TransactionAfterImageLimit = 1500000000
[HTTPServer]
ServerPort = {http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@dataclass
class Engine:
    name: str
    query_url: str
    update_url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)
    """What Witness reads from the environment to reach the engine (credentials)."""

    graph_store_url: str = ""
    sql_port: int = 0
    """Virtuoso's SQL port, for its own tools (``isql-vt``)."""

    def environment(self) -> dict[str, str]:
        """The environment of a Witness server or build using this engine."""
        return {
            "WITNESS_STORE_URL": self.query_url,
            "WITNESS_UPDATE_URL": self.update_url,
            "WITNESS_GRAPH_STORE_URL": self.graph_store_url,
            **self.env,
        }

    def with_standby(self, standby: Engine) -> dict[str, str]:
        """The environment of a Witness server or build using this engine and ``standby``."""
        return {
            **self.environment(),
            "WITNESS_STANDBY_URL": standby.query_url,
            "WITNESS_STANDBY_UPDATE_URL": standby.update_url,
            "WITNESS_STANDBY_GRAPH_STORE_URL": standby.graph_store_url,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the engine exited with {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def _running(
    command: list[str], directory: Path, log: Path, url: str, seconds: float
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running in ``directory`` in a session of its own, its output in ``log``,
    once ``url`` answers a query (within ``seconds``); stopped afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=directory, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            _wait_until_answering(url, process, seconds)
            yield process
        finally:
            _stop(process)


@contextmanager
def virtuoso(directory: Path, readable: Path | None = None) -> Iterator[Engine]:
    """Virtuoso in the foreground (``+foreground``), its database under ``directory``; its
    update endpoint is ``/sparql-auth`` and its graph store ``/sparql-graph-crud-auth`` (HTTP
    digest, user ``dba``, the fresh database's password ``dba``): its SPARQL compiler refuses
    ``xsd:duration`` literals in ``INSERT DATA``, so builds load it through the graph store.
    Its bulk loader may read the files in ``readable``. Loading a graph and a build's switch
    are each one transaction, whose log may grow to the size of the data: its limit
    (``TransactionAfterImageLimit``, 50 MB by default, a 32-bit number) is raised to 1.5 GB."""
    directory.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    allowed = f"{directory}, {readable}" if readable else str(directory)
    ini.write_text(
        VIRTUOSO_INI.format(
            db=directory, allowed=allowed, sql_port=sql_port, http_port=http_port, vsp=VIRTUOSO_VSP
        )
    )
    base = f"http://127.0.0.1:{http_port}"
    command = [VIRTUOSO, "+foreground", "+configfile", str(ini)]
    with _running(command, directory, directory / "out.log", base + "/sparql", 120) as process:
        yield Engine(
            "virtuoso",
            base + "/sparql",
            base + "/sparql-auth",
            process,
            {"WITNESS_STORE_USER": "dba", "WITNESS_STORE_PASSWORD": "dba"},
            base + "/sparql-graph-crud-auth",
            sql_port,
        )


@contextmanager
def oxigraph(directory: Path) -> Iterator[Engine]:
    """Oxigraph's server (``oxigraph serve``) on a new database under ``directory``; builds
    load it with ``INSERT DATA`` on its update endpoint (the other way)."""
    if OXIGRAPH is None:
        raise RuntimeError("the oxigraph command is not installed (pip install oxigraph)")
    directory.mkdir(parents=True, exist_ok=True)
    bind = f"127.0.0.1:{free_port()}"
    base = f"http://{bind}"
    command = [OXIGRAPH, "serve", "--location", str(directory / "db"), "--bind", bind]
    with _running(command, directory, directory / "oxigraph.log", base + "/query", 60) as process:
        yield Engine("oxigraph", base + "/query", base + "/update", process)


class Proxy:
    """An HTTP proxy in front of an engine, to make it misbehave on demand: ``mode`` is
    ``pass`` (forward every request), ``hang`` (never answer) or ``garbage`` (answer 200 with
    bytes that are no SPARQL answer); ``seen`` holds the body of every request it had."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.mode = "pass"
        self.seen: list[bytes] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.seen.append(body)
                if proxy.mode == "hang":
                    time.sleep(60)
                    return
                if proxy.mode == "garbage":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"<html>oh!")
                    return
                forwarded = urllib.request.Request(
                    proxy.target + self.path,
                    data=body,
                    headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                    method="POST",
                )
                try:
                    with urllib.request.urlopen(forwarded, timeout=60) as answer:
                        status, headers, data = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, headers, data = error.code, error.headers, error.read()
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
