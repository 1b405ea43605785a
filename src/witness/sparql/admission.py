"""Fair shares of the query workers: a few clients cannot take every one of them.

A public endpoint meets clients that send many expensive queries at once. Two rules keep the
others served:

* **per client**, at most ``per_client`` queries running or waiting at once (a client is an IP
  address as the web server sees it); one more is refused at once with
  :class:`~witness.errors.TooManyRequests` (HTTP 429 with ``Retry-After``, RFC 6585, section 4),
  rather than queued behind the client's own runaways;
* **round robin** between clients when every worker is busy: a freed worker goes to the client
  whose turn it is, not to whoever asked first, so one client's queue never delays another's
  queries by more than one query of each waiting client.

The resources handed out are the pool's idle workers (:mod:`witness.sparql.pool`); this module
knows nothing else about them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from witness.errors import TooManyRequests

T = TypeVar("T")


@dataclass
class _Waiter(Generic[T]):
    given: T | None = None
    event: threading.Event = field(default_factory=threading.Event)


class Admission(Generic[T]):
    """Idle resources, and the clients waiting for one (thread-safe).

    >>> shares = Admission[str](per_client=1)
    >>> shares.put("worker 1")
    >>> shares.acquire("192.0.2.1", time.monotonic() + 1)
    'worker 1'
    >>> shares.acquire("192.0.2.1", time.monotonic() + 1)
    Traceback (most recent call last):
    witness.errors.TooManyRequests: This client already has 1 query running or waiting; ...
    """

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._lock = threading.Lock()
        self._idle: deque[T] = deque()  # oldest first: every worker takes its turn
        self._waiting: dict[str, deque[_Waiter[T]]] = {}  # in turn order: a round robin
        self._holding: Counter[str] = Counter()

    def acquire(self, client: str, deadline: float) -> T | None:
        """A resource for ``client``, waiting for one until ``deadline`` (None if none came).

        :raises TooManyRequests: if ``client`` already holds or awaits ``per_client``.
        """
        with self._lock:
            if self.per_client and self._holding[client] >= self.per_client:
                many = "query" if self.per_client == 1 else "queries"
                raise TooManyRequests(
                    f"This client already has {self.per_client} {many} running or waiting; "
                    "this endpoint answers at most that many at once for each client. "
                    f"Try again in {TooManyRequests.retry_after} s."
                )
            self._holding[client] += 1
            if self._idle and not self._waiting:
                return self._idle.popleft()
            waiter: _Waiter[T] = _Waiter()
            self._waiting.setdefault(client, deque()).append(waiter)
        waiter.event.wait(max(deadline - time.monotonic(), 0))
        with self._lock:
            if waiter.given is not None:
                return waiter.given
            queue = self._waiting.get(client)
            if queue is not None and waiter in queue:
                queue.remove(waiter)
                if not queue:
                    del self._waiting[client]
            self._release_share(client)
            return None

    def put(self, resource: T) -> None:
        """A resource is free: it goes to the next waiting client in turn, else waits idle."""
        with self._lock:
            if not self._waiting:
                self._idle.append(resource)
                return
            client = next(iter(self._waiting))
            queue = self._waiting.pop(client)
            waiter = queue.popleft()
            if queue:
                self._waiting[client] = queue  # to the back of the round
            waiter.given = resource
            waiter.event.set()

    def done(self, client: str) -> None:
        """``client`` no longer uses the resource it acquired (which the caller puts back)."""
        with self._lock:
            self._release_share(client)

    def idle(self) -> list[T]:
        """Take every idle resource out (to stop them)."""
        with self._lock:
            taken = list(self._idle)
            self._idle.clear()
            return taken

    def idle_count(self) -> int:
        with self._lock:
            return len(self._idle)

    def _release_share(self, client: str) -> None:
        self._holding[client] -= 1
        if self._holding[client] <= 0:
            del self._holding[client]
