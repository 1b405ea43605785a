"""gunicorn's threaded worker, with what a server on the open internet needs on top.

* **A deadline on sending a request.** gunicorn reads a request's line and headers in a
  worker thread with no time limit, so clients that send half a request and wait (a
  slow-client attack) could hold every thread. Here a request must be sent whole within the
  client timeout; past it, the client gets 408 Request Timeout and the connection is shut. Its
  body is bounded the same way where it is read (:mod:`witness.web.body`), and each write of
  an answer by the socket's timeout (:mod:`witness.web.http`).
* **A share per client.** One client (IP address) may have at most
  ``max_client_connections`` requests in progress at once (each holds one of the worker's
  threads while it is received, answered and sent); one more is answered 429 at once, so that
  one address cannot take the threads others need.
* **Our words for malformed requests.** A request line or headers too long, a malformed
  chunked body: answered in plain text saying what was wrong and what to do (send a long
  query with POST), logged as one line, never with a traceback. A client that stops reading
  an answer is logged as one line too.
* **The next request in the same thread.** Once an answer is sent on a kept-alive
  connection, its thread waits up to :data:`NEXT` seconds for the client's next request and
  answers it too, rather than handing the connection back to gunicorn's event loop (a wake-up
  of the loop, a poller registration, and another of a thread from the pool for the next
  request: about as long as a cheap query takes). Past :data:`NEXT` the connection goes back
  to the loop as before; the next request is held to the same deadline as the first.
* **Closing off the event loop.** A connection that is done is closed gracefully in its
  request's thread (:func:`_linger`), not on gunicorn's event loop, where a client that
  never closes its side would stall every other connection.
* **A clean stop.** On SIGTERM the worker stops accepting; requests in flight have
  :data:`GRACE` seconds to finish, then their queries are stopped and they are answered 503
  (:class:`~witness.errors.Stopping`), and the worker exits with its query workers.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections import Counter
from typing import Any

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker

GRACE = 5.0
"""Seconds requests in flight may take to finish once the server is asked to stop."""

WATCH = 0.25
"""Seconds between looks for requests that take too long to arrive."""

LINGER = 2.0
"""Seconds a closed connection waits for its client to close its side."""

DRAIN = 64 * 1024
"""Most bytes read and dropped from a client while waiting for it to close."""

NEXT = 0.02
"""Seconds a thread waits for the next request of the connection it has just answered."""

REQUEST_LINE = 8190
"""Longest request line read (gunicorn's most): a query longer than fits goes in a POST."""


def _plain(status: str, message: str, *, retry_after: int | None = None) -> bytes:
    """A whole HTTP/1.1 response in plain text, for errors met before the app sees a request."""
    body = f"{status}\n\n{message}\n".encode()
    headers = [
        f"HTTP/1.1 {status}",
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
        "X-Content-Type-Options: nosniff",
    ]
    if retry_after is not None:
        headers.append(f"Retry-After: {retry_after}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def _linger(connection: socket.socket) -> None:
    """Close the sending side of a connection that is done, and wait (at most
    :data:`LINGER` s) for the client to close its own, dropping what it still sends, so that
    the answer's end is not lost to a reset (RFC 9112, section 9.6).

    gunicorn does this too, but on its event loop: a client that never closes would stall
    every other connection of the worker for two seconds. Here it happens in the request's
    own thread, which counts towards its client's share; gunicorn's own close then finds
    the connection shut and returns at once.
    """
    deadline = time.monotonic() + LINGER
    drained = 0
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        while drained < DRAIN and (remaining := deadline - time.monotonic()) > 0:
            connection.settimeout(remaining)
            data = connection.recv(65536)
            if not data:
                break
            drained += len(data)
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RD)


def _next_request(conn: Any, wait: float) -> bool:
    """Whether the client of ``conn`` sends its next request within ``wait`` seconds (or has
    sent it already: gunicorn may have read ahead into it)."""
    if conn.parser.unreader.buf.getvalue():
        return True
    try:
        ready, _, _ = select.select([conn.sock], [], [], wait)
    except (OSError, ValueError):
        return False
    return bool(ready)


class Worker(ThreadWorker):  # type: ignore[misc]
    """See the module's docstring. Its limits come from the app's settings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._arriving: dict[Any, float] = {}  # connection -> when its request must be in
        self._by_client: Counter[str] = Counter()
        self._watch = threading.Lock()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        self.settings = self.wsgi.extensions["witness"].settings
        threading.Thread(target=self._cut_slow_requests, daemon=True, name="witness-watch").start()

    def handle(self, conn: Any) -> Any:
        """One request of ``conn``, in one of the worker's threads: refused at once if its
        client already holds its share of the threads."""
        client = conn.client[0] if isinstance(conn.client, tuple) else ""
        limit = self.settings.max_client_connections
        with self._watch:
            refused = 0 < limit <= self._by_client[client]
            if not refused:
                self._by_client[client] += 1
                self._arriving[conn] = time.monotonic() + self.settings.client_timeout
        if refused:
            message = (
                f"This client already has {limit} requests in progress "
                "(--max-client-connections); send this one when one of them is answered."
            )
            self._refuse(conn.sock, _plain("429 Too Many Requests", message, retry_after=1))
            self.log.info(
                "Refused a request from %s: %d requests already in progress", client, limit
            )
            return False
        try:
            keep = super().handle(conn)
            while keep is True and self.alive and _next_request(conn, NEXT):
                with self._watch:
                    self._arriving[conn] = time.monotonic() + self.settings.client_timeout
                keep = super().handle(conn)
            if not keep:
                _linger(conn.sock)
            return keep
        finally:
            with self._watch:
                self._arriving.pop(conn, None)
                self._by_client[client] -= 1
                if self._by_client[client] <= 0:
                    del self._by_client[client]

    def handle_request(self, req: Any, conn: Any) -> Any:
        with self._watch:
            self._arriving.pop(conn, None)  # its line and headers are in: the body's reader
            # (witness.web.body) and the socket's timeout bound the rest
        try:
            return super().handle_request(req, conn)
        except TimeoutError:
            client = conn.client[0] if isinstance(conn.client, tuple) else ""
            self.log.info("%s stopped reading its answer to %s %s", client, req.method, req.path)
            return False

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        answer = self._answer_for(exc)
        if answer is None:
            super().handle_error(req, client, addr, exc)
            return
        where = addr[0] if isinstance(addr, tuple) else ""
        self.log.info("Refused a malformed request from %s: %s", where, exc)
        self._refuse(client, answer)

    def handle_exit(self, sig: int, frame: Any) -> None:
        if self.alive:
            timer = threading.Timer(GRACE, self._stop_queries)
            timer.daemon = True  # a worker done before the grace period ends need not wait
            timer.start()
        super().handle_exit(sig, frame)

    def _stop_queries(self) -> None:
        """The grace period is over: stop the queries still running (their requests are
        answered 503), so that the worker can exit."""
        self.wsgi.extensions["witness"].close()

    def _cut_slow_requests(self) -> None:
        timeout = self.settings.client_timeout
        message = (
            f"The request did not arrive whole within {timeout:g} s (--client-timeout), so it "
            "was not read."
        )
        while True:
            time.sleep(WATCH)
            now = time.monotonic()
            with self._watch:
                late = [conn for conn, due in self._arriving.items() if due < now]
            for conn in late:
                client = conn.client[0] if isinstance(conn.client, tuple) else ""
                with self._watch:
                    self._arriving.pop(conn, None)
                self.log.info("Cut off %s: its request took over %g s to arrive", client, timeout)
                self._refuse(conn.sock, _plain("408 Request Timeout", message))

    @staticmethod
    def _answer_for(exc: BaseException) -> bytes | None:
        """Our response to a request gunicorn could not read, or None for gunicorn's own
        handling (errors of the app, which are bugs)."""
        if isinstance(exc, http_errors.LimitRequestLine):
            return _plain(
                "414 URI Too Long",
                f"The request line is longer than the {REQUEST_LINE:,} bytes this server reads. "
                "Send a long query in the body of a POST instead (SPARQL 1.1 Protocol, sections "
                "2.1.2 and 2.1.3): curl --data-urlencode query@file.rq ...",
            )
        if isinstance(exc, http_errors.LimitRequestHeaders):
            return _plain(
                "431 Request Header Fields Too Large",
                f"The request's headers are too many or too long: {exc}.",
            )
        if isinstance(exc, http_errors.ParseException):
            return _plain("400 Bad Request", f"The request is not valid HTTP/1.1: {exc}.")
        return None

    @staticmethod
    def _refuse(connection: socket.socket, response: bytes) -> None:
        """Send ``response`` (if the client takes it within a second) and shut the connection."""
        with contextlib.suppress(OSError):
            connection.settimeout(1.0)
            connection.sendall(response)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
