"""Named SPARQL queries, one ``.rq`` file each, so that no code spells SPARQL inline."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def named(name: str) -> str:
    """The text of ``queries/{name}.rq``.

    >>> "GROUP BY ?class" in named("class-sizes")
    True
    """
    return files(__package__).joinpath(f"{name}.rq").read_text(encoding="utf-8")
