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

import requests
import requests.auth

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
    standby: Engine | None = None
    """A second engine (or dataset) of the same kind, loaded in turn with this one (see
    :mod:`witness.dataset.upload`); it takes the same credentials."""

    @property
    def updates(self) -> str:
        return self.update_url or self.query_url

    @property
    def pair(self) -> tuple[Engine, ...]:
        """This engine and its standby, if it has one."""
        return (self,) if self.standby is None else (self, self.standby)

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

    def loader(self) -> Loader:
        """A connection for a build's updates and uploads (see :class:`Loader`)."""
        return Loader(self)

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
        for url in {self.query_url, self.updates}:
            passwords.add_password(None, url, self.user, self.password)
        return urllib.request.build_opener(
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        )


class Loader:
    """Updates (SPARQL 1.1 Update) and graph uploads (Graph Store HTTP Protocol, section 5.3)
    of one build, on one HTTP session.

    A large body must not be the one that meets the engine's authentication challenge: the
    engine answers 401 and closes the connection while the body is still being sent (Virtuoso
    does). So the session learns the engine's scheme from a first small update, and then
    answers every later request's challenge in advance (HTTP Basic always; HTTP Digest with
    the nonce of the last challenge, as ``requests`` does).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "witness"
        self._scheme_known = not engine.user
        self.server = ""
        """The engine's ``Server`` header, once it has answered."""

    def update(self, update: str, *, timeout: float) -> None:
        """POST ``update`` to the update endpoint (see :meth:`Engine.query` for the errors)."""
        if not self._scheme_known:
            self._learn_scheme(timeout)
        self._send("POST", self.engine.updates, {"update": update}, {}, timeout)

    def put(self, graph: str, ntriples: bytes, *, replace: bool = True, timeout: float) -> None:
        """Replace ``graph`` with ``ntriples`` on the graph store (PUT, section 5.3), or add
        them to it (POST, section 5.5) if not ``replace``."""
        if not self._scheme_known:
            self._learn_scheme(timeout)
        url = self.engine.graph_store_url + "?" + urllib.parse.urlencode({"graph": graph})
        headers = {"Content-Type": "application/n-triples"}
        self._send("PUT" if replace else "POST", url, ntriples, headers, timeout)

    def _learn_scheme(self, timeout: float) -> None:
        """Send a no-op update (dropping a graph that does not exist) to learn the scheme."""
        probe = {"update": "DROP SILENT GRAPH <urn:x-witness:probe>"}
        found = self._send("POST", self.engine.updates, probe, {}, timeout, check=False)
        challenge = found.headers.get("WWW-Authenticate", "")
        user, password = self.engine.user, self.engine.password
        if challenge.lower().startswith("digest"):
            self.session.auth = requests.auth.HTTPDigestAuth(user, password)
        else:
            self.session.auth = requests.auth.HTTPBasicAuth(user, password)
        self._scheme_known = True
        if found.status_code == 401:  # answered now, the nonce is known from here on
            self._send("POST", self.engine.updates, probe, {}, timeout)

    def _send(
        self,
        method: str,
        url: str,
        data: bytes | dict[str, str],
        headers: dict[str, str],
        timeout: float,
        *,
        check: bool = True,
    ) -> requests.Response:
        name = self.engine.name
        try:
            response = self.session.request(
                method, url, data=data, headers=headers, timeout=timeout
            )
        except requests.Timeout:
            raise BackendTimeout(
                f"The SPARQL engine at {name} did not answer within {timeout:g} s."
            ) from None
        except requests.RequestException as error:
            raise BackendUnavailable(
                f"The SPARQL engine at {name} cannot be reached: {error}."
            ) from None
        self.server = response.headers.get("Server", self.server)
        if check and response.status_code >= 300:
            detail = _excerpt(response.content)
            raise BackendUnavailable(
                f"The SPARQL engine at {name} answered {response.status_code} {response.reason}"
                + (f": {detail}" if detail else ".")
            )
        return response


def engine(settings: Settings) -> Engine | None:
    """The remote engine ``settings`` name, if any, with its standby."""
    if not settings.store_url:
        return None
    user, password = settings.store_user, settings.store_password
    standby = None
    if settings.standby_url:
        standby = Engine(
            settings.standby_url,
            settings.standby_update_url,
            settings.standby_graph_store_url,
            user,
            password,
        )
    return Engine(
        settings.store_url,
        settings.update_url,
        settings.graph_store_url,
        user,
        password,
        standby,
    )


def _excerpt(data: bytes) -> str:
    text = " ".join(data.decode("utf-8", "replace").split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
