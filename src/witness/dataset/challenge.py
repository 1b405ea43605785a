"""Answering a remote engine's authentication challenge, for its query endpoint.

An engine that wants credentials answers a request without them with 401 and the schemes it
accepts in ``WWW-Authenticate`` (RFC 9110, section 11.6.1); the request is then sent again
with an ``Authorization`` answering one of them. So credentials go only to an engine that
asked for them. HTTP Digest is preferred when offered (RFC 7616: the password itself is never
sent), else HTTP Basic (RFC 7617). Each challenge is answered once, with the server's fresh
nonce: a query endpoint normally asks for none, so nothing is remembered between requests.
(A build's updates and uploads answer in advance instead: see
:class:`witness.dataset.engine.Loader`.)
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.request

DIGESTS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
"""The HTTP Digest algorithms answered (RFC 7616, section 3.3: SHA-256, and MD5 for the
servers of RFC 2617, Virtuoso 7 among them)."""


def answer(headers: list[str], user: str, password: str, method: str, target: str) -> str | None:
    """The ``Authorization`` answering the challenges of ``headers`` (``WWW-Authenticate``) to
    a request of ``method`` for ``target`` (its path and query); None if none is answerable."""
    offered = challenges(headers)
    if "digest" in offered:
        return digest(offered["digest"], user, password, method, target)
    if "basic" in offered:
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return f"Basic {token}"
    return None


def challenges(headers: list[str]) -> dict[str, dict[str, str]]:
    """The challenges of ``WWW-Authenticate`` headers, by lower-case scheme, each with its
    parameters (lower-case names, unquoted values): a header may hold several, separated by
    commas like the parameters (RFC 9110, section 11.6.1); each starts with its scheme."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for header in headers:
        for item in urllib.request.parse_http_list(header):
            scheme, _, rest = item.partition(" ")
            if "=" not in scheme:  # a new challenge: 'Digest realm="x"', or 'Basic'
                current = found.setdefault(scheme.lower(), {})
                item = rest.strip()
            if "=" in item:
                name, _, value = item.partition("=")
                current[name.strip().lower()] = value.strip().removeprefix('"').removesuffix('"')
    return found


def digest(
    challenge: dict[str, str], user: str, password: str, method: str, uri: str
) -> str | None:
    """The HTTP Digest answer to ``challenge`` (RFC 7616, section 3.4), with ``qop=auth`` if
    the server offers it; None for an algorithm or a ``qop`` not known here."""
    algorithm = challenge.get("algorithm", "MD5")
    qops = [qop.strip() for qop in challenge.get("qop", "").split(",") if qop.strip()]
    if algorithm.upper() not in DIGESTS or (qops and "auth" not in qops):
        return None
    new = DIGESTS[algorithm.upper()]

    def hashed(text: str) -> str:
        return new(text.encode()).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    secret, request = hashed(f"{user}:{realm}:{password}"), hashed(f"{method}:{uri}")
    fields = [f'username="{user}"', f'realm="{realm}"', f'uri="{uri}"', f"algorithm={algorithm}"]
    fields.append(f'nonce="{nonce}"')
    if qops:
        cnonce, count = secrets.token_hex(16), "00000001"  # the nonce is answered once
        response = hashed(f"{secret}:{nonce}:{count}:{cnonce}:auth:{request}")
        fields += [f"nc={count}", f'cnonce="{cnonce}"', "qop=auth"]
    else:
        response = hashed(f"{secret}:{nonce}:{request}")
    fields.append(f'response="{response}"')
    if "opaque" in challenge:
        fields.append(f'opaque="{challenge["opaque"]}"')
    return "Digest " + ", ".join(fields)
