"""The query pool as the web app uses it: each client's share of it, and its size."""

from __future__ import annotations

import os
from dataclasses import dataclass

from witness.sparql import worker
from witness.sparql.pool import Execution, QueryPool


@dataclass(frozen=True)
class ClientQueries:
    """The pool as one client uses it: each query counts towards that client's share."""

    pool: QueryPool
    client: str

    def execute(self, job: worker.Job) -> Execution:
        """:meth:`QueryPool.execute` for :attr:`client`."""
        return self.pool.execute(job, self.client)


def default_size(per_client: int) -> int:
    """Two workers per core, and always more than one client may take."""
    return max(2 * len(os.sched_getaffinity(0)), per_client + 2)
