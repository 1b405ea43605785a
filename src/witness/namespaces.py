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
    """Terms of the Witness ontology (``ontology/witness.ttl``); a test keeps the two in step."""

    _NS = Namespace(DEFAULT_BASE_IRI + "ontology#")
    _fail = True

    # Classes
    Award: URIRef  # a prize, medal or honour as a resource (subclass of schema:Intangible)
    GroupOfPeople: URIRef  # people a source names only together (subclass of schema:Organization)
    Programme: URIRef  # a curated series of films or events (subclass of schema:EventSeries)

    # Relations between resources
    awardReceived: URIRef  # an award a person or organisation has won (close to schema:award)
    conferredBy: URIRef  # the organisation that gives an award (under prov:wasAttributedTo)
    endedBy: URIRef  # what brought a period or state of affairs to its end (Wikidata P1534)
    firstOfItsKindAbout: URIRef  # a subject a work was the first of its kind about (schema:about)
    followUpTo: URIRef  # the earlier work this work follows up (Wikidata P155)
    inAssociationWith: URIRef  # what a programme is presented with (under dcterms:relation)
    inOppositionTo: URIRef  # what a protest or movement opposes (under dcterms:relation)
    latestRelease: URIRef  # the most recent work released as of the source (cf. Wikidata P800)
    medium: URIRef  # a medium or field an artist works in (Wikidata P101)
    membersNationality: URIRef  # the country a group's members are nationals of (Wikidata P27)
    perpetrator: URIRef  # who carried out an event such as a disappearance (Wikidata P8031)
    remoteDirector: URIRef  # a director who directed from afar (under schema:director)
    toldFromPerspectiveOf: URIRef  # whose point of view a work tells its story from
    victim: URIRef  # who an event such as a disappearance was done to (Wikidata P8032)

    # Literal values
    daysDetained: URIRef  # days a person was held in a detention (xsd:integer)
    decade: URIRef  # the decade something took place in, as its first year (xsd:gYear)
    medicalWorkersDeployed: URIRef  # medical workers brought in to respond to an event
    namesCollectedMoreThan: URIRef  # figure that the number of names collected exceeds
    numberOfDisappeared: URIRef  # people forcibly disappeared in an event (xsd:integer)
    population: URIRef  # inhabitants of a place, as the source states (xsd:integer)
    promoCode: URIRef  # promotion code an offer requires (close to schema:discountCode)
    runtimeMinutes: URIRef  # running time of a film in whole minutes (xsd:integer)

    # Annotations
    inverseLabel: URIRef  # how a relation reads from its value back to its subject


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
