"""Request bodies: read whole within a time limit, or refused; never cut and never waited on.

A body is the length its ``Content-Length`` says (RFC 9112, section 6.2) or the chunks of
its chunked transfer coding (section 7.1). Either way it is read here in pieces, up to one
byte past the largest body accepted:

* longer than that: 413 Content Too Large (RFC 9110, section 15.5.14), whether the length
  was declared (refused before reading) or only found out while reading chunks (nothing is
  parsed from a body that was cut);
* shorter than its ``Content-Length`` when the client closes, or chunks that are malformed:
  400, naming which;
* not all there within the client timeout (a client that stops sending, or sends a byte at a
  time): 408 Request Timeout (section 15.5.9). The timeout bounds the whole body, not each
  read, so no client can hold a web thread longer than that.
"""

from __future__ import annotations

import socket
import time
from typing import Any, BinaryIO

from gunicorn.http.errors import ParseException

from witness.errors import ProtocolError

PIECE = 64 * 1024
"""Bytes asked for at a time."""


def read(environ: dict[str, Any], limit: int, timeout: float) -> bytes:
    """The whole body of the request ``environ`` describes (WSGI, PEP 3333).

    :raises ProtocolError: 413, 400 or 408 as the module's docstring says.
    """
    declared = _declared_length(environ)
    if declared is not None and declared > limit:
        raise _too_large(limit, f"its Content-Length is {declared:,} bytes")
    stream: BinaryIO = environ["wsgi.input"]
    connection: socket.socket | None = environ.get("gunicorn.socket")
    deadline = time.monotonic() + timeout
    wanted = limit + 1 if declared is None else declared
    pieces: list[bytes] = []
    size = 0
    try:
        while size < wanted:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if connection is not None:
                connection.settimeout(remaining)
            piece = stream.read(min(PIECE, wanted - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    except TimeoutError:
        raise ProtocolError(
            408,
            f"The request body did not arrive whole within {timeout:g} s (--client-timeout); "
            f"{size:,} bytes came.",
        ) from None
    except ParseException as error:
        raise ProtocolError(
            400, f"The request body's chunked coding is malformed: {error}."
        ) from None
    except OSError as error:
        raise ProtocolError(
            400, f"The connection failed while the body was sent: {error}."
        ) from None
    finally:
        if connection is not None:
            connection.settimeout(timeout)
    if size > limit:
        raise _too_large(limit, "its chunks add up to more")
    if declared is not None and size < declared:
        raise ProtocolError(
            400,
            f"The request body is shorter than its Content-Length: {size:,} of "
            f"{declared:,} bytes came before the client closed the connection.",
        )
    return b"".join(pieces)


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The ``Content-Length`` of the request, or None for a chunked body (or none at all)."""
    header = environ.get("CONTENT_LENGTH") or ""
    if not header:
        return None
    if not header.isdigit():
        raise ProtocolError(400, f"The Content-Length {header!r} is not a number of bytes.")
    return int(header)


def _too_large(limit: int, why: str) -> ProtocolError:
    return ProtocolError(
        413,
        f"The request body is too large ({why}); this server accepts at most {limit:,} bytes "
        "(--max-body-bytes).",
    )
