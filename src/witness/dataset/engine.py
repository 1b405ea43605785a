"""A remote SPARQL engine holding the data: where it is, how to reach it, and its failures in
our words.

This is the one place that speaks HTTP to the engine. Queries go to its SPARQL 1.1 query
endpoint by POST with a form body (SPARQL 1.1 Protocol, section 2.1.2: "query via POST with
URL-encoded parameters", which every engine supports and which carries ``default-graph-uri``
and ``named-graph-uri`` without length limits); updates go to its update endpoint the same way
(section 2.2.1). Credentials, when the engine wants them, are answered to its challenge (HTTP
Basic or Digest, RFC 7617 and RFC 7616), never sent to an engine that did not ask.

Every failure becomes a :class:`BackendUnavailable` (the engine down, refusing, answering an
error or garbage: HTTP 502 for a web client) or a :class:`BackendTimeout` (no answer in time:
504), each naming the engine, or a :class:`~witness.errors.QueryError` when the engine refuses
the query itself (HTTP 400 from it).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from witness.errors import BackendTimeout, BackendUnavailable, QueryError
from witness.settings import Settings

MESSAGE_CHARS = 300
"""Most characters of an engine's own error message repeated to the user."""


@dataclass(frozen=True)
class Engine:
    """A remote SPARQL 1.1 service: ``query_url`` answers queries, ``update_url`` (the query
    endpoint if empty) takes the updates of a build, ``graph_store_url`` (if any) its graphs
    (SPARQL 1.1 Graph Store HTTP Protocol, section 5.3: PUT replaces a graph); ``user`` and
    ``password`` answer its authentication challenge, if it makes one."""

    query_url: str
    update_url: str = ""
    graph_store_url: str = ""
    user: str = ""
    password: str = ""

    @property
    def updates(self) -> str:
        return self.update_url or self.query_url

    @property
    def name(self) -> str:
        """How messages name the engine: its query endpoint, without credentials."""
        parts = urllib.parse.urlsplit(self.query_url)
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))

    def query(
        self,
        query: str,
        accept: str,
        *,
        parameters: list[tuple[str, str]] = (),  # type: ignore[assignment]
        timeout: float,
    ) -> tuple[str, bytes, dict[str, str]]:
        """POST ``query`` with the protocol's other ``parameters``; the answer's media type
        (without parameters), its bytes and its headers (lower-case names).

        :raises QueryError: if the engine refuses the query (HTTP 400).
        :raises BackendUnavailable: if the engine cannot be reached or answers an error.
        :raises BackendTimeout: if it does not answer within ``timeout`` seconds.
        """
        body = [("query", query), *parameters]
        return self._post(self.query_url, body, accept, timeout)

    def update(self, update: str, *, timeout: float) -> None:
        """POST ``update`` to the update endpoint (see :meth:`query` for the errors)."""
        self._post(self.updates, [("update", update)], "*/*", timeout)

    def put(self, graph: str, ntriples: bytes, *, timeout: float) -> None:
        """Replace ``graph`` with ``ntriples`` on the graph store (see :meth:`query` for the
        errors). The body is bytes, not a stream: an authentication challenge sends it twice."""
        url = self.graph_store_url + "?" + urllib.parse.urlencode({"graph": graph})
        self._send(url, "PUT", ntriples, {"Content-Type": "application/n-triples"}, "*/*", timeout)

    def _post(
        self, url: str, body: list[tuple[str, str]], accept: str, timeout: float
    ) -> tuple[str, bytes, dict[str, str]]:
        data = urllib.parse.urlencode(body).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._send(url, "POST", data, form, accept, timeout)

    def _send(
        self,
        url: str,
        method: str,
        data: bytes,
        headers: dict[str, str],
        accept: str,
        timeout: float,
    ) -> tuple[str, bytes, dict[str, str]]:
        request = urllib.request.Request(
            url,
            data=data,
            headers={**headers, "Accept": accept, "User-Agent": "witness"},
            method=method,
        )
        try:
            with self._opener().open(request, timeout=timeout) as response:
                answer: bytes = response.read()
                media = response.headers.get_content_type()
                received = {key.lower(): value for key, value in response.headers.items()}
        except urllib.error.HTTPError as error:
            detail = _excerpt(error.read())
            if error.code == 400:
                message = f"The SPARQL engine at {self.name} refused the query: {detail}"
                raise QueryError(message) from None
            raise BackendUnavailable(
                f"The SPARQL engine at {self.name} answered {error.code} {error.reason}"
                + (f": {detail}" if detail else ".")
            ) from None
        except TimeoutError:
            raise BackendTimeout(
                f"The SPARQL engine at {self.name} did not answer within {timeout:g} s; "
                "the request was abandoned."
            ) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise BackendTimeout(
                    f"The SPARQL engine at {self.name} did not answer within {timeout:g} s; "
                    "the request was abandoned."
                ) from None
            raise BackendUnavailable(
                f"The SPARQL engine at {self.name} cannot be reached: {error.reason}."
            ) from None
        except OSError as error:
            raise BackendUnavailable(
                f"The SPARQL engine at {self.name} broke off its answer: {error}."
            ) from None
        return media, answer, received

    def _opener(self) -> urllib.request.OpenerDirector:
        if not self.user:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in {self.query_url, self.updates, self.graph_store_url} - {""}:
            passwords.add_password(None, url, self.user, self.password)
        return urllib.request.build_opener(
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        )


def engine(settings: Settings) -> Engine | None:
    """The remote engine ``settings`` name, if any."""
    if not settings.store_url:
        return None
    return Engine(
        settings.store_url,
        settings.update_url,
        settings.graph_store_url,
        settings.store_user,
        settings.store_password,
    )


def _excerpt(data: bytes) -> str:
    text = " ".join(data.decode("utf-8", "replace").split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
