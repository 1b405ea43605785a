"""The few exceptions Witness raises, each carrying a message fit to show a user as it is.

Every boundary translates these once: the CLI prints the message and exits with
:attr:`WitnessError.exit_code`; the web layer picks an HTTP status. Nothing else in the code
formats errors for people.
"""

from __future__ import annotations


class WitnessError(Exception):
    """Base class: something the user gave or asked for cannot be done; ``str()`` says why."""

    exit_code = 2


class DataError(WitnessError):
    """An input file or directory is missing, unreadable or not valid RDF."""


class StoreError(WitnessError):
    """The store cannot be created, swapped in, or opened."""


class QueryError(WitnessError):
    """A SPARQL query cannot be parsed or executed."""


class NotConforming(WitnessError):
    """The data does not conform to the shapes (pySHACL's exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class QueryRefused(QueryError):
    """The request is not allowed here (too large, too deep, federated, an update...)."""


class QueryTimeout(WitnessError):
    """A query ran past its deadline and was stopped."""


class BackendUnavailable(WitnessError):
    """The remote SPARQL engine holding the data is down, refused the request or answered
    something that is not an answer (HTTP 502)."""


class BackendTimeout(WitnessError):
    """The remote SPARQL engine did not answer in time; the request was abandoned (HTTP 504)."""


class Overloaded(WitnessError):
    """No query worker became free before the request's deadline."""


class WorkerLost(WitnessError):
    """The query worker died while answering (the query crashed the engine)."""


class NotAcceptable(WitnessError):
    """None of the formats the client accepts can hold the answer (HTTP 406)."""


class ProtocolError(WitnessError):
    """A request HTTP or the SPARQL Protocol does not allow (a malformed, incomplete or
    oversized request); ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class TooManyRequests(WitnessError):
    """The client already has as many queries running or waiting as one client may (HTTP 429);
    it may try again after :attr:`retry_after` seconds."""

    retry_after = 1


class MemoryExceeded(WitnessError):
    """A query needed more memory than a query may use, and was stopped."""


class Stopping(WitnessError):
    """The server is shutting down; the request was not (or not fully) answered."""

    retry_after = 5


class BadRequest(WitnessError):
    """A question of the browser (a path, a timeline, an export) that cannot be answered as
    asked: an entity that is not in the graph, a bound passed; the message names what was
    wrong and the limit (HTTP 400)."""
