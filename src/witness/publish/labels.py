"""How resources are named for people: one rule for every page, drawing and export.

A resource's label is the value of the first of :data:`LABELS` it has, English first, then a
string with no language, then other languages in alphabetical order; its IRI (compacted) or
slug is only a last resort, for the caller to choose.

>>> best([(1, ox.Literal("Vivos (Film)", language="de")), (0, ox.Literal("Vivos", language="en"))])
'Vivos'
>>> best([(1, ox.Literal("Ai")), (0, ox.Literal("艾未未", language="zh"))])
'Ai'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

SCHEMA = "http://schema.org/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

LABELS = (SCHEMA + "name", RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")
"""Properties that name a resource, in order of preference."""

LANGUAGES = ("en", "")
"""Languages preferred for labels, in order; other languages come after, alphabetically."""


def rank(order: int, literal: ox.Literal) -> tuple[int, int, str, str]:
    """How good a label ``literal`` is, stated with the ``order``-th of :data:`LABELS`
    (lower is better): language first, then property, then text, so the choice is stable."""
    language = literal.language or ""
    preferred = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
    return (preferred, order, language, literal.value)


def best(found: Iterable[tuple[int, ox.Literal]]) -> str:
    """The text of the best label among ``(order in LABELS, literal)`` pairs (at least one).

    :raises ValueError: if ``found`` is empty.
    """
    return min(found, key=lambda item: rank(*item))[1].value


def fallback(iri: str) -> str:
    """What names a resource that has no label: the last segment of its IRI (our slug, or an
    outside term's local name), readable enough to tell things apart.

    >>> fallback("https://w3id.org/witness/id/ai-weiwei")
    'ai-weiwei'
    >>> fallback("http://schema.org/Movie")
    'Movie'
    >>> fallback("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    'type'
    """
    stripped = iri.rstrip("/#")
    cut = max(stripped.rfind("/"), stripped.rfind("#"))
    return stripped[cut + 1 :] or iri
