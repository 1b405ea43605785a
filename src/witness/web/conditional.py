"""Conditional requests and the answer cache, in one place for every GET surface.

A build never changes, so whatever a ``GET`` is answered (a query's results, a description,
a page, VoID, the context) depends only on the build, the request (its path, its parameters
in a normal order, and the ``Accept`` and gzip preference that choose its format) and this
server's code and settings. This WSGI layer, in front of Flask, names that with a weak
entity tag (RFC 9110, section 8.8.3: two answers with the same tag mean the same, though a
GROUP BY may list rows in another order) and:

* answers ``If-None-Match`` with a matching tag by ``304 Not Modified`` (RFC 9110, section
  13.1.2) before any work is done: no query runs, no page is rendered;
* answers again a request it has answered on the same build, from an
  :class:`~witness.sparql.cache.AnswerCache` bounded by bytes (the ``answer_cache`` setting):
  only whole answers with status 200 that fit in a sixteenth of it, never streamed ones;
* gives every answer it could have cached ``ETag`` and ``Cache-Control: public, no-cache``:
  clients and shared caches may keep it, and revalidate it before each use (RFC 9111,
  section 5.2.2.4), which costs them a 304 until the next build changes the tag. An answer
  stays valid until then, and no one can know beforehand when that is.

The build is read before the request is answered and again after: an answer is only kept
if the build did not change meanwhile, so no answer is ever kept under another build's
name. Dumps (files with tags of their own), static files, ``/health`` and other methods
pass through untouched. The same layer bounds each write of an answer by the client timeout
(gunicorn's socket has none of its own), for the answers it gives itself as for Flask's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from witness import __version__
from witness.dataset.store import StoreLocation
from witness.negotiation import accepts_coding
from witness.settings import Settings
from witness.sparql.cache import AnswerCache

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]
"""Status line, headers and body of an answer as the app gave it."""

PASS_THROUGH = ("/dumps/", "/static/", "/health")
"""Paths answered as they are: files with tags of their own, and the health check."""

CACHE_CONTROL = "public, no-cache"
VARY = "Accept, Accept-Encoding"


class Conditional:
    """The WSGI app answering conditional and repeated ``GET`` requests before ``app``."""

    def __init__(self, app: WSGIApp, settings: Settings) -> None:
        self.app = app
        self.current = StoreLocation(settings.store).current
        self.cache: AnswerCache[Answer] = AnswerCache(settings.answer_cache << 20)
        self.timeout = settings.client_timeout
        # Another version or other settings may answer the same request differently.
        self.salt = f"{__version__}\0{settings!r}"

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        connection = environ.get("gunicorn.socket")
        if connection is not None:
            connection.settimeout(self.timeout)
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or path.startswith(PASS_THROUGH):
            return self.app(environ, start_response)
        build = self._build()
        if build is None:
            return self.app(environ, start_response)
        key = (build, _request(environ))
        tag = self.tag(key)
        if _matches(environ.get("HTTP_IF_NONE_MATCH"), tag):
            start_response("304 Not Modified", _validators(tag))
            return []
        found = self.cache.get(key)
        if found is not None:
            status, headers, body = found
            start_response(status, headers)
            return [body] if method == "GET" else []
        return self._answer(environ, start_response, key, tag)

    def _build(self) -> str | None:
        """The name of the live build (read from the ``current`` link: every request asks
        twice, and the app says what is wrong when there is no store)."""
        try:
            return self.current.readlink().name
        except OSError:
            return None

    def tag(self, key: tuple[str, tuple[str, ...]]) -> str:
        """The weak entity tag of the answer to ``key`` (a build and a request)."""
        digest = hashlib.blake2b(digest_size=12)
        digest.update(self.salt.encode())
        for part in (key[0], *key[1]):
            digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        return f'W/"{digest.hexdigest()}"'

    def _answer(
        self,
        environ: Environ,
        start_response: StartResponse,
        key: tuple[str, tuple[str, ...]],
        tag: str,
    ) -> Iterable[bytes]:
        given: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], *info: Any) -> Any:
            if status.startswith("200") and not any(n.lower() == "etag" for n, _ in headers):
                headers = [*headers, *_validators(tag)[:2]]
            given[:] = [status, headers]
            return start_response(status, headers, *info)

        body = self.app(environ, capture)
        status, headers = given or ("", [])
        if (
            environ["REQUEST_METHOD"] != "GET"
            or not status.startswith("200")
            or ("ETag", tag) not in headers
        ):
            return body
        length = next((v for n, v in headers if n.lower() == "content-length"), None)
        if length is None or int(length) > self.cache.largest:
            return body  # streamed, or too large to keep: sent as it comes
        try:
            whole = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if self._build() == key[0]:
            self.cache.put(key, (status, headers, whole), len(whole) + 512)
        return [whole]


def _request(environ: Environ) -> tuple[str, ...]:
    """What names a GET request's answer: its path, its parameters sorted (so that their
    order and spelling in the URL do not matter), its ``Accept``, and whether it takes gzip.

    >>> _request({"PATH_INFO": "/sparql", "QUERY_STRING": "b=2&a=%31",
    ...           "HTTP_ACCEPT": "text/csv", "HTTP_ACCEPT_ENCODING": "gzip"})
    ('/sparql', 'a=1&b=2', 'text/csv', 'gzip')
    """
    raw = environ.get("QUERY_STRING", "")
    parameters = urlencode(sorted(parse_qsl(raw, keep_blank_values=True))) if raw else ""
    gzip = accepts_coding(environ.get("HTTP_ACCEPT_ENCODING"), "gzip")
    return (
        environ.get("PATH_INFO", ""),
        parameters,
        environ.get("HTTP_ACCEPT", ""),
        "gzip" if gzip else "",
    )


def _validators(tag: str) -> list[tuple[str, str]]:
    return [("ETag", tag), ("Cache-Control", CACHE_CONTROL), ("Vary", VARY)]


def _matches(header: str | None, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag``, by weak comparison (RFC 9110, 13.1.2).

    >>> _matches('"a", W/"b"', 'W/"b"'), _matches('"b"', 'W/"b"'), _matches("*", 'W/"x"')
    (True, True, True)
    >>> _matches(None, 'W/"b"'), _matches('W/"c"', 'W/"b"')
    (False, False)
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(item.strip().removeprefix("W/") == opaque for item in header.split(","))
