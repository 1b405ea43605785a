"""Named SPARQL queries, one ``.rq`` file each, so that no code spells SPARQL inline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@cache
def named(name: str) -> str:
    """The text of ``queries/{name}.rq``.

    >>> "GROUP BY ?class" in named("class-sizes")
    True
    """
    return files(__package__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Example:
    """An example query shown to people: its title (the first comment line) and text."""

    name: str
    title: str
    text: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries of ``queries/examples``, in file-name order.

    >>> all(example.text.lstrip().startswith("#") for example in examples())
    True
    """
    found = []
    folder = files(__package__).joinpath("examples")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            title = text.splitlines()[0].lstrip("# ").strip()
            found.append(Example(entry.name.removesuffix(".rq"), title, text))
    return tuple(found)
