"""The one label lookup of the browser: what every page, drawing, listing and export calls a
resource, a class or a property.

Labels are chosen once per build by the rule of :mod:`witness.publish.labels` (``schema:name``,
``rdfs:label``, ``skos:prefLabel``, ``dcterms:title``; English first) and kept in the
browser's index, which holds the ontology's and schema.org's own labels for classes and
properties too (``ontology/vocabularies.ttl``): a lookup is one indexed SQLite query for any
number of IRIs. A property read backwards ("director of") uses its ``wit:inverseLabel``.
Only a resource that has no label at all is called by the last segment of its IRI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from witness.browse.catalog import Catalog
from witness.iris import Iris, href
from witness.publish.labels import fallback


@dataclass(frozen=True)
class Named:
    """A resource as pages show it: its label, where a link to it leads ("" for none: a blank
    node, or an IRI of a scheme that must not be a link), and its IRI."""

    text: str
    href: str
    iri: str
    inverse: str = ""
    """For a property: how it reads from its value back to its subject."""
    description: str = ""
    language: str = ""
    """The label's language tag ("" for none)."""
    is_name: bool = False
    """Whether the label is the resource's ``schema:name`` (not another labelling property)."""


class Labels:
    """Labels of the resources of one build, for IRIs under ``iris``' base."""

    def __init__(self, catalog: Catalog, iris: Iris) -> None:
        self.catalog = catalog
        self.iris = iris

    def of(self, iris: Iterable[str]) -> dict[str, Named]:
        """The label of each IRI (its slug or local name when it has none)."""
        wanted = list(dict.fromkeys(iris))
        found = {
            str(row[0]): row[1:]
            for row in self.catalog.chunked(
                "SELECT iri, label, inverse, description, label_language, label_is_name "
                "FROM terms WHERE iri IN ({marks})",
                wanted,
            )
        }
        named = {}
        for iri in wanted:
            label, inverse, description, language, is_name = found.get(
                iri, (fallback(iri), "", "", "", 0)
            )
            text = str(label)
            named[iri] = Named(
                text,
                href(iri, self.iris.base) or "",
                iri,
                str(inverse or f"{text} of"),
                str(description or ""),
                str(language or ""),
                bool(is_name),
            )
        return named

    def one(self, iri: str) -> Named:
        """The label of one IRI."""
        return self.of([iri])[iri]
