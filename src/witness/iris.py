"""Every IRI Witness mints, built in one place from the one configurable base IRI.

Entities are ``{base}id/{slug}``, named graphs ``{base}graph/{slug}``, sources
``{base}source/{slug}`` and ontology terms ``{base}ontology#{name}`` (DESIGN.md, IRIs).

>>> iris = Iris("https://example.org/w/")
>>> iris.entity("ai-weiwei")
'https://example.org/w/id/ai-weiwei'
>>> iris.graph_for_file(Path("data/Archive 2.nt"))
'https://example.org/w/graph/archive-2'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from witness.namespaces import PREFIXES

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A readable, stable slug: lower case ASCII letters and digits joined by hyphens.

    >>> slugify("Ai Weiwei: Never Sorry")
    'ai-weiwei-never-sorry'
    """
    return _SLUG_UNSAFE.sub("-", text.lower()).strip("-")


@dataclass(frozen=True)
class Iris:
    """IRIs under one base. The base must end with ``/``."""

    base: str

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            raise ValueError(f"the base IRI must end with '/': {self.base!r}")

    def entity(self, slug: str) -> str:
        return f"{self.base}id/{slug}"

    def graph(self, slug: str) -> str:
        return f"{self.base}graph/{slug}"

    def source(self, slug: str) -> str:
        return f"{self.base}source/{slug}"

    @property
    def ontology(self) -> str:
        """The ontology's own IRI (terms are this plus ``#name``)."""
        return f"{self.base}ontology"

    @property
    def ontology_namespace(self) -> str:
        """The namespace of the ontology's terms: ``{base}ontology#``."""
        return f"{self.ontology}#"

    @property
    def ontology_graph(self) -> str:
        """The named graph the ontology files are loaded into."""
        return self.graph("ontology")

    @property
    def metadata_graph(self) -> str:
        """The named graph describing the sources; the one graph not derived from a source."""
        return self.graph("sources")

    def graph_for_file(self, path: Path) -> str:
        """The named graph for the triples of a file that names no graph: one per file."""
        return self.graph(slugify(path.stem))

    def prefixes(self) -> dict[str, str]:
        """Query and display prefixes, with ``id:``, ``graph:``, ``source:`` under this base."""
        return PREFIXES | {
            "id": self.base + "id/",
            "graph": self.base + "graph/",
            "source": self.base + "source/",
        }


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """``iri`` as ``prefix:name`` where a prefix covers it, else in angle brackets.

    >>> compact("http://schema.org/Movie", {"schema": "http://schema.org/"})
    'schema:Movie'
    >>> compact("http://example.org/x", {})
    '<http://example.org/x>'
    """
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def local_path(iri: str, base: str) -> str | None:
    """The path at which this server answers for ``iri``, if it is under ``base``.

    >>> local_path("https://w3id.org/witness/id/vivos", "https://w3id.org/witness/")
    '/id/vivos'
    >>> local_path("http://www.wikidata.org/entity/Q160115", "https://w3id.org/witness/") is None
    True
    """
    return "/" + iri[len(base) :] if iri.startswith(base) and len(iri) > len(base) else None


LINKED_SCHEMES = ("http", "https", "mailto")
"""Schemes an IRI may have to become a link on our pages; any other (``javascript:``,
``data:``, ``vbscript:``, ``file:``...) is shown as text, since the data and the queries that
put IRIs on a page come from people we do not know."""


def href(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` leads from our pages, or None if it must not be a link.

    IRIs under ``base`` lead to this server (:func:`local_path`); other ``http``, ``https``
    and ``mailto`` IRIs to themselves.

    >>> href("https://w3id.org/witness/id/vivos", "https://w3id.org/witness/")
    '/id/vivos'
    >>> href("http://www.wikidata.org/entity/Q160115", "https://w3id.org/witness/")
    'http://www.wikidata.org/entity/Q160115'
    >>> href("javascript:alert(1)", "https://w3id.org/witness/") is None
    True
    >>> href(" JavaScript:alert(1)", "https://w3id.org/witness/") is None
    True
    """
    local = local_path(iri, base)
    if local is not None:
        return local
    scheme, colon, _ = iri.partition(":")
    return iri if colon and scheme.lower() in LINKED_SCHEMES else None


def iri_for_path(path: str, base: str) -> str:
    """The IRI under ``base`` that this server answers for at ``path`` (see :func:`local_path`).

    The path is taken as the server decoded it: percent-encoded UTF-8 becomes the characters
    of the IRI (RFC 3987, section 3.2), so ``/id/caf%C3%A9`` answers for ``{base}id/café``.

    >>> iri_for_path("/id/vivos", "https://w3id.org/witness/")
    'https://w3id.org/witness/id/vivos'
    """
    return base + path.lstrip("/")


def split_variant(path: str, extensions: Iterable[str]) -> tuple[str, str | None]:
    """A path without its format suffix (``.ttl``...), and that suffix's extension if any.

    The suffixed path names one document about the resource (W3C, "Cool URIs for the Semantic
    Web", section 4.3): ``/id/vivos.ttl`` is the Turtle description of ``/id/vivos``.

    >>> split_variant("/id/vivos.ttl", ["ttl", "html"])
    ('/id/vivos', 'ttl')
    >>> split_variant("/id/st.-louis", ["ttl"])
    ('/id/st.-louis', None)
    """
    stem, dot, extension = path.rpartition(".")
    if dot and stem and "/" not in extension and extension in set(extensions):
        return stem, extension
    return path, None


def variant_path(path: str, extension: str) -> str:
    """The path of the document describing ``path`` in the format of ``extension``.

    >>> variant_path("/id/vivos", "jsonld")
    '/id/vivos.jsonld'
    """
    return f"{path}.{extension}"
