"""The vocabularies Witness speaks, by name.

schema.org is used in its ``http://`` namespace (the one its JSON-LD context and Wikidata use);
rdflib's ``SDO`` is the ``https://`` one, so it is declared here instead. Our own terms are a
:class:`~rdflib.namespace.DefinedNamespace`, so a misspelt term fails at import time; a test
keeps it in step with ``ontology/witness.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

from witness.settings import DEFAULT_BASE_IRI

SCHEMA = Namespace("http://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")


class WIT(DefinedNamespace):
    """Terms of the Witness ontology (``ontology/witness.ttl``), filled in with the ontology."""

    _NS = Namespace(DEFAULT_BASE_IRI + "ontology#")
    _fail = True


PREFIXES: dict[str, str] = {
    "schema": str(SCHEMA),
    "wit": str(WIT._NS),
    "id": DEFAULT_BASE_IRI + "id/",
    "graph": DEFAULT_BASE_IRI + "graph/",
    "source": DEFAULT_BASE_IRI + "source/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "wd": str(WD),
}
"""Prefixes pre-declared for queries and used when printing IRIs compactly."""

__all__ = ["PREFIXES", "SCHEMA", "SD", "WD", "WIT", "URIRef"]
