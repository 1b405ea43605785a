"""An entity's schema.org data, embedded in its page as JSON-LD (JSON-LD 1.1, section 4.1),
the way search engines and crawlers (extruct) read a page.

Its types and its statements with schema.org properties, each once, as the page shows them;
every resource it links to is a node with its ``schema:name`` where its label is one. The
context only sets ``@vocab`` (no remote context to fetch), so that any JSON-LD processor reads
it as the very same triples as the store holds.
"""

from __future__ import annotations

from typing import Any

from witness.browse.entity import RDF_TYPE, SCHEMA, XSD_STRING, Entity, Value
from witness.publish.pages import script_json


def schema_org(entity: Entity) -> str:
    """The JSON-LD of ``entity``, ready to sit inside a ``<script>`` element."""
    node: dict[str, Any] = {"@context": {"@vocab": SCHEMA}, "@id": entity.this.iri}
    types = [t.iri.removeprefix(SCHEMA) for t in entity.types]
    if types:
        node["@type"] = types
    for group in (*entity.facts, *entity.outgoing):
        iri = group.predicate.iri
        if group.predicate.iri == RDF_TYPE or not iri.startswith(SCHEMA):
            continue
        node[iri.removeprefix(SCHEMA)] = [_json(value) for value in group.values]
    if entity.identifiers:
        node["sameAs"] = [{"@id": identifier.iri} for identifier in entity.identifiers]
    return script_json(node)


def _json(value: Value) -> dict[str, Any]:
    if value.link is None:
        if value.language:
            return {"@value": value.lexical, "@language": value.language}
        if value.datatype_iri in ("", XSD_STRING):
            return {"@value": value.lexical}
        return {"@value": value.lexical, "@type": value.datatype_iri}
    if not value.link.iri:
        return {"@id": f"_:{value.lexical}"}
    found: dict[str, Any] = {"@id": value.link.iri}
    if value.link.is_name:
        name: dict[str, str] = {"@value": value.link.text}
        if value.link.language:
            name["@language"] = value.link.language
        found["name"] = [name]
    return found
