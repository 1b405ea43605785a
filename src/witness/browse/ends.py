"""Which entity does a person mean? The ends of a path, the entity of a timeline or an export,
as the picker sends them (an IRI chosen from its suggestions) or as typed (a name, a slug, an
IRI): nobody has to type an IRI.

A name is looked up in the search index (:mod:`witness.browse.search`): it names the entity
that is the only hit, or the only hit whose label is exactly what was typed; otherwise the
candidates are offered to choose from.
"""

from __future__ import annotations

from dataclasses import dataclass

from witness.browse.catalog import Catalog
from witness.browse.labels import Labels, Named
from witness.browse.projection import Projection
from witness.browse.search import search
from witness.errors import BadRequest
from witness.iris import Iris, iri_for_path

CANDIDATES = 8


@dataclass(frozen=True)
class Choice:
    """What was typed, and the entity it names, or the candidates it might mean."""

    text: str
    iri: str = ""
    candidates: tuple[Named, ...] = ()


def choose(
    text: str, iri: str, projection: Projection, catalog: Catalog, labels: Labels, iris: Iris
) -> Choice:
    """The entity meant by ``iri`` (from the picker) or else by ``text``. The picker's
    choice counts only while the text is still its label (or empty): a page sent back
    without JavaScript keeps the last choice in its hidden field while the text is
    changed."""
    text, iri = text.strip(), iri.strip()
    if iri in projection and text and text.casefold() != projection.label(iri).casefold():
        iri = ""
    for given in (iri, text):
        for candidate in _as_iri(given, iris):
            if candidate in projection:
                return Choice(text or projection.label(candidate), candidate)
    if not text:
        return Choice(text)
    hits = [
        hit.entity
        for hit in search(catalog, labels, text, size=CANDIDATES).hits
        if hit.entity.iri in projection
    ]
    exact = [hit for hit in hits if hit.text.casefold() == text.casefold()]
    if len(hits) == 1 or len(exact) == 1:
        chosen = hits[0] if len(hits) == 1 else exact[0]
        return Choice(text, chosen.iri)
    return Choice(text, "", tuple(hits))


def _as_iri(given: str, iris: Iris) -> list[str]:
    """What ``given`` may be: an IRI, a path of this site (``/id/x``) or a slug."""
    if not given or " " in given:
        return []
    if "://" in given:
        return [given]
    if given.startswith("/"):
        return [iri_for_path(given, iris.base)]
    return [iris.entity(given)]


def avoided(given: str, projection: Projection, iris: Iris) -> str:
    """The entity or property to avoid that ``given`` names: an IRI, a CURIE of the usual
    prefixes (``schema:genre``) or an entity's slug.

    :raises BadRequest: if it is neither an entity nor a property of the projection.
    """
    given = given.strip()
    prefixes = iris.prefixes()
    prefix, colon, local = given.partition(":")
    iri = given
    if colon and prefix in prefixes and not local.startswith("//"):
        iri = prefixes[prefix] + local
    elif "://" not in given:
        iri = iris.entity(given)
    if iri not in projection and iri not in projection.properties:
        raise BadRequest(f"'{given}' to avoid is neither an entity nor a property of this graph.")
    return iri
