"""Clients that hog the server: many runaway queries, answers never read, requests never
finished, bodies that lie about themselves (issue 9, findings 5 and 6).

Clients come from different loopback addresses (127.0.0.2, 127.0.0.3, ...), which the server
tells apart as it would tell apart hosts on the internet.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    from conftest import LiveServer

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MOVIES = "SELECT (COUNT(*) AS ?n) { ?film a <http://schema.org/Movie> }"
EVERYTHING = "SELECT ?s ?p ?o { ?s ?p ?o }"
CLIENT_TIMEOUT = 3


class _From(HTTPAdapter):
    """Connections made from one local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    """A session whose requests come from ``address`` (any of 127.0.0.0/8)."""
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def ask(session: requests.Session, server: LiveServer, text: str) -> requests.Response:
    return session.post(
        server.url + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )


def port(server: LiveServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def connect(server: LiveServer, address: str) -> socket.socket:
    sock = socket.socket()
    sock.bind((address, 0))
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port(server)))
    return sock


def answer_of(sock: socket.socket) -> str:
    """Everything the server sends until it closes the connection (or 30 s pass)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError:
        pass
    return received.decode(errors="replace")


@pytest.fixture(scope="module")
def server(archive_store: Path, serve_shared: Callable[..., LiveServer]) -> Iterator[LiveServer]:
    """Four query workers, two queries per client, a 20 s deadline, 3 s to send a request."""
    started = serve_shared(
        archive_store,
        *("--query-workers", "4", "--max-client-queries", "2", "--timeout", "20"),
        *("--client-timeout", str(CLIENT_TIMEOUT), "--max-client-connections", "8"),
    )
    with client("127.0.0.9") as session:
        assert ask(session, started, MOVIES).status_code == 200
    yield started
    started.stop()


# Finding 5: fairness ---------------------------------------------------------------------


def test_runaway_queries_of_one_client_leave_room_for_others(server: LiveServer) -> None:
    finished: list[tuple[str, int]] = []
    lock = threading.Lock()

    def run(address: str, text: str) -> requests.Response:
        with client(address) as session:
            response = ask(session, server, text)
        with lock:
            finished.append((address, response.status_code))
        return response

    with ThreadPoolExecutor(max_workers=21) as pool:
        runaways = [pool.submit(run, "127.0.0.2", CROSS_JOIN) for _ in range(20)]
        time.sleep(1)  # the attacker's queries are in
        ordinary = run("127.0.0.3", MOVIES)
        answers = [future.result() for future in runaways]
    assert ordinary.status_code == 200
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [429] * 18 + [503] * 2, "two run (to their deadline), the rest refused"
    refused = next(response for response in answers if response.status_code == 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert "2 queries" in refused.text
    stopped = [n for n, (address, status) in enumerate(finished) if status == 503]
    answered = finished.index(("127.0.0.3", 200))
    assert answered < min(stopped), "the ordinary query did not wait for the runaways"


def test_clients_that_never_read_their_answers_hold_no_worker(server: LiveServer) -> None:
    """Six large answers (about 7 MB each) that their clients never read: every worker
    would be held without a spool. The answers are spooled; others are served."""
    silent = []
    for n in range(6):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.bind((f"127.0.1.{n + 1}", 0))
        sock.connect(("127.0.0.1", port(server)))
        body = f"query={EVERYTHING}".encode()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Accept: application/sparql-results+json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        silent.append(sock)
    time.sleep(2)  # the six queries have started, and would hold the four workers
    try:
        with client("127.0.0.4") as session:
            for _ in range(5):
                assert ask(session, server, MOVIES).status_code == 200
    finally:
        for sock in silent:
            sock.close()


def test_clients_that_never_close_stall_no_one(server: LiveServer) -> None:
    """Ten clients read their answer (``Connection: close``) and keep their end open. The
    server waits for each to close in that request's thread, not on the loop every other
    connection needs: another client's kept-alive connection is not dropped meanwhile."""
    with client("127.0.0.8") as session:
        assert session.get(server.url + "/health", timeout=60).status_code == 200
        held = []
        for n in range(10):
            sock = connect(server, f"127.0.2.{n + 1}")
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            held.append(sock)
        try:
            time.sleep(0.5)
            for _ in range(5):
                assert session.get(server.url + "/health", timeout=60).status_code == 200
        finally:
            for sock in held:
                sock.close()


def test_half_sent_requests_hold_no_thread(server: LiveServer) -> None:
    """Forty-eight requests that stop half way (headers or body): past eight at once from
    one address they are refused (429), the eight are cut off after the client timeout
    (408), and another client is served meanwhile."""
    halves = [
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: text/",
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK {",
    ]
    sockets = []
    for n in range(48):
        sock = connect(server, "127.0.0.5")
        sock.sendall(halves[n % 2])
        sockets.append(sock)
    with client("127.0.0.6") as session:
        response = ask(session, server, MOVIES)
    assert response.status_code == 200
    answers = [answer_of(sock) for sock in sockets]
    for sock in sockets:
        sock.close()
    statuses = [answer.split(" ", 2)[1] if answer else "closed" for answer in answers]
    assert sorted(statuses) == ["408"] * 8 + ["429"] * 40, statuses
    assert any(str(CLIENT_TIMEOUT) in answer for answer in answers if " 408 " in answer)


# Finding 6: bodies -------------------------------------------------------------------------


def chunked(body: bytes, size: int = 65536) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def send_raw(server: LiveServer, head: bytes, body: bytes = b"", *, close: bool = False) -> str:
    sock = connect(server, "127.0.0.7")
    try:
        with contextlib.suppress(OSError):  # refused before all of it was sent
            sock.sendall(head + body)
        if close:
            sock.shutdown(socket.SHUT_WR)
        return answer_of(sock)
    finally:
        sock.close()


CHUNKED_QUERY = (
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
)
CHUNKED_FORM = CHUNKED_QUERY.replace(b"sparql-query", b"x-www-form-urlencoded")


def test_a_chunked_body_over_the_limit_is_refused_not_cut(server: LiveServer) -> None:
    answer = send_raw(server, CHUNKED_QUERY, chunked(b"ASK {}" + b" " * 5_000_000))
    assert answer.startswith("HTTP/1.1 413 ")
    assert "1,000,000 bytes" in answer


def test_a_chunked_form_over_the_limit_is_not_answered_on_its_start(server: LiveServer) -> None:
    form = b"query=ASK%7B%7D&padding=" + b"a" * 1_100_000
    answer = send_raw(server, CHUNKED_FORM, chunked(form))
    assert answer.startswith("HTTP/1.1 413 ")


def test_a_chunked_body_within_the_limit_is_read_whole(server: LiveServer) -> None:
    answer = send_raw(server, CHUNKED_QUERY, chunked(b"ASK { ?s ?p ?o }" + b" " * 90_000, 999))
    assert answer.startswith("HTTP/1.1 200 ")


def test_malformed_chunks_are_a_bad_request(server: LiveServer) -> None:
    answer = send_raw(server, CHUNKED_QUERY, b"zz\r\nASK {}\r\n0\r\n\r\n")
    assert answer.startswith("HTTP/1.1 400 ")
    assert "chunked" in answer
    assert "Traceback" not in server.log.read_text()


def test_a_body_shorter_than_its_length_is_a_bad_request(server: LiveServer) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    answer = send_raw(server, head, b"ASK {}", close=True)
    assert answer.startswith("HTTP/1.1 400 ")
    assert "6 of 100 bytes" in answer


def test_a_body_that_stops_coming_times_out(server: LiveServer) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    answer = send_raw(server, head, b"ASK {")
    assert " 408 " in answer.split("\r\n", 1)[0]
    assert f"{CLIENT_TIMEOUT} s" in answer
