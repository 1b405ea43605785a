"""HTTP concerns shared by every surface: security headers, CORS for reads, gzip compression.

Security headers, on every response: a strict Content Security Policy (CSP Level 3): scripts,
styles, images and fetches from this origin only, no inline script or style, no plugins, no
framing (``frame-ancestors 'none'``), no ``<base>``, forms posted only here; so even text
that slipped through escaping could not run. ``X-Content-Type-Options: nosniff`` stops a
browser reading a text answer as HTML or script, and ``Referrer-Policy`` keeps the query in a
page's address from leaking to the sites its links lead to.

CORS (Fetch standard, CORS protocol): every read may be made from any origin, so that
browser-based SPARQL clients (YASGUI and the like) work; preflight requests are answered.
Compression (RFC 9110, section 8.4): text responses are gzipped when the client accepts
gzip: a streamed one as a stream, so that large results never have to be held in memory to
compress, one already whole in a single call that keeps its Content-Length.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from flask import Flask, Response, request

from witness.negotiation import accepts_coding

COMPRESSIBLE = ("text/", "application/")
NOT_COMPRESSIBLE = ("application/gzip", "application/zip", "application/octet-stream")
MIN_SIZE = 1024


def _gzip(chunks: Iterable[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
"""The policy every response carries (``data:`` images: the page icon is ``data:,``)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _after(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Content-Type, Content-Length, ETag, Link"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Authorization"
        response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Accept-Encoding")
    mimetype = response.mimetype or ""
    if (
        request.method != "HEAD"
        and response.status_code >= 200
        and "Content-Encoding" not in response.headers
        and mimetype.startswith(COMPRESSIBLE)
        and mimetype not in NOT_COMPRESSIBLE
        and (response.is_streamed or (response.content_length or 0) >= MIN_SIZE)
        and accepts_coding(request.headers.get("Accept-Encoding"), "gzip")
    ):
        if response.is_streamed:
            response.response = _gzip(response.iter_encoded())
            response.headers.pop("Content-Length", None)
            response.direct_passthrough = False
        else:  # in one call, keeping a Content-Length
            response.set_data(zlib.compress(response.get_data(), 6, wbits=31))
        response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_after)
