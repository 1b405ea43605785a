"""The query client of a remote engine (:mod:`witness.dataset.engine`), against a small local
HTTP/1.1 server that records what it receives: one connection kept for many queries, a
connection the engine closed replaced, credentials only in answer to a challenge, and every
failure in the same words as before. (test_remote_engines.py asks real engines.)"""

from __future__ import annotations

import base64
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from witness.dataset import challenge
from witness.dataset.engine import Engine
from witness.errors import BackendTimeout, BackendUnavailable, QueryError

RESULTS = "application/sparql-results+json"
ANSWER = b'{"head":{},"boolean":true}'


@dataclass
class Seen:
    """A request the server received: the client's port (one per connection) and its
    ``Authorization``, if any."""

    port: int
    authorization: str | None


@dataclass
class Engines:
    """What the server does (``mode``) and what it has seen."""

    url: str
    mode: str = "ok"
    seen: list[Seen] = field(default_factory=list)
    open: list[socket.socket] = field(default_factory=list)

    def drop(self) -> None:
        """Close every open connection, as an engine does with idle ones."""
        for connection in self.open:
            connection.shutdown(socket.SHUT_RDWR)
        self.open.clear()


BASIC = "Basic " + base64.b64encode(b"reader:secret").decode()


@pytest.fixture
def engine_server() -> Iterator[Engines]:
    state = Engines("")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            state.open.append(self.connection)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            authorization = self.headers.get("Authorization")
            state.seen.append(Seen(self.client_address[1], authorization))
            if state.mode == "hang":  # no answer: the client gives up first
                time.sleep(3)
                self.close_connection = True
            elif state.mode == "basic" and authorization != BASIC:
                self._answer(401, b"", {"WWW-Authenticate": 'Basic realm="SPARQL"'})
            elif state.mode in ("400", "500"):
                self._answer(int(state.mode), b"Virtuoso 37000 Error SP030: syntax error", {})
            else:
                self._answer(200, ANSWER, {"Content-Type": RESULTS, "Server": "test"})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def ask(engine: Engine, timeout: float = 5) -> bytes:
    media, data, headers = engine.query("ASK {}", RESULTS, timeout=timeout)
    assert media == RESULTS and headers["server"] == "test"
    return data


def test_queries_share_one_connection(engine_server: Engines) -> None:
    engine = Engine(engine_server.url)
    assert [ask(engine) for _ in range(3)] == [ANSWER] * 3
    assert len({seen.port for seen in engine_server.seen}) == 1


def test_a_connection_the_engine_closed_is_replaced(engine_server: Engines) -> None:
    engine = Engine(engine_server.url)
    ask(engine)
    engine_server.drop()
    time.sleep(0.1)
    assert ask(engine) == ANSWER
    first, *_, last = engine_server.seen
    assert first.port != last.port


def test_credentials_go_only_to_an_engine_that_asks(engine_server: Engines) -> None:
    engine = Engine(engine_server.url, user="reader", password="secret")
    ask(engine)
    assert [seen.authorization for seen in engine_server.seen] == [None]
    engine_server.mode = "basic"
    ask(engine)
    assert [seen.authorization for seen in engine_server.seen[1:]] == [None, BASIC]


def test_a_challenge_without_credentials_is_a_502(engine_server: Engines) -> None:
    engine_server.mode = "basic"
    with pytest.raises(BackendUnavailable, match=f"at {engine_server.url} answered 401"):
        ask(Engine(engine_server.url))
    with pytest.raises(BackendUnavailable, match="answered 401"):
        ask(Engine(engine_server.url, user="reader", password="wrong"))


def test_failures_keep_their_meaning(engine_server: Engines) -> None:
    engine = Engine(engine_server.url)
    engine_server.mode = "400"
    with pytest.raises(QueryError, match="refused the query: Virtuoso 37000 Error SP030"):
        ask(engine)
    engine_server.mode = "500"
    with pytest.raises(BackendUnavailable, match="answered 500 Internal Server Error: Virtuoso"):
        ask(engine)
    engine_server.mode = "hang"
    with pytest.raises(BackendTimeout, match=r"did not answer within 0\.5 s"):
        ask(engine, timeout=0.5)
    engine_server.mode = "ok"
    assert ask(engine) == ANSWER  # a connection left mid-answer is not reused
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{unused.getsockname()[1]}/sparql"
    with pytest.raises(BackendUnavailable, match=f"at {down} cannot be reached"):
        ask(Engine(down))


def test_challenges_are_read_several_to_a_header() -> None:
    found = challenge.challenges(
        ['Digest realm="a, b", nonce="n", qop="auth,auth-int", Basic realm="x"', "Bearer"]
    )
    assert found == {
        "digest": {"realm": "a, b", "nonce": "n", "qop": "auth,auth-int"},
        "basic": {"realm": "x"},
        "bearer": {},
    }


@pytest.mark.parametrize(
    ("algorithm", "response"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_digest_answers_as_rfc_7616_example(
    monkeypatch: pytest.MonkeyPatch, algorithm: str, response: str
) -> None:
    """RFC 7616, section 3.9.1: the same request answered with MD5 and with SHA-256."""
    cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    monkeypatch.setattr("secrets.token_hex", lambda _: cnonce)
    offered = {
        "realm": "http-auth@example.org",
        "qop": "auth, auth-int",
        "algorithm": algorithm,
        "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    }
    answer = challenge.digest(offered, "Mufasa", "Circle of Life", "GET", "/dir/index.html")
    assert answer is not None
    assert f'response="{response}"' in answer
    assert f'cnonce="{cnonce}"' in answer and "nc=00000001" in answer and "qop=auth," in answer
    assert challenge.digest({**offered, "algorithm": "MD5-sess"}, "u", "p", "GET", "/") is None
