"""What a consumer who knows only schema.org asks of the graph, one test per kind of fact.

Each test also asks which document states the fact: the named graph that holds it, followed to
its source with ``prov:wasDerivedFrom`` (the archivist's question, "which document says this?").
"""

from __future__ import annotations

from collections.abc import Callable

Rows = list[dict[str, str]]
Select = Callable[[str], Rows]
Ask = Callable[[str], bool]

ID = "https://w3id.org/witness/id/"
SOURCE = "https://w3id.org/witness/source/"
SKIRBALL = SOURCE + "skirball-bearing-witness"
CMU = SOURCE + "cmu-news-the-rest"
REVIEW = SOURCE + "review-never-sorry"
AUTHORITIES = SOURCE + "witness-authorities"


def stated_by(sparql: Select, pattern: str) -> set[str]:
    """The sources of the named graphs in which the whole graph pattern holds."""
    rows = sparql(
        "SELECT DISTINCT ?source WHERE { "
        f"GRAPH ?g {{ {pattern} }} ?g prov:wasDerivedFrom ?source }}"
    )
    return {row["source"] for row in rows}


def values(sparql: Select, query: str, name: str) -> set[str]:
    return {row[name] for row in sparql(query)}


# Films -------------------------------------------------------------------------------------------


def test_films_directed_by_ai_weiwei(sparql: Select) -> None:
    films = values(
        sparql,
        """SELECT DISTINCT ?title WHERE {
            ?film a schema:Movie ; schema:name ?title ; schema:director ?d .
            ?d schema:name "Ai Weiwei"@en }""",
        "title",
    )
    assert films == {"Cockroach", "Coronation", "Vivos", "The Rest", "Human Flow"}
    assert stated_by(sparql, "id:the-rest schema:director id:ai-weiwei") == {SKIRBALL, CMU}
    assert stated_by(sparql, "id:cockroach schema:director id:ai-weiwei") == {SKIRBALL}


def test_never_sorry_credits(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?director ?company ?released (DATATYPE(?released) AS ?type) WHERE {
            ?film a schema:Movie ; schema:name "Ai Weiwei: Never Sorry"@en ;
                schema:director/schema:name ?director ;
                schema:productionCompany/schema:name ?company ;
                schema:datePublished ?released }"""
    )
    assert rows == [
        {
            "director": "Alison Klayman",
            "company": "United Expression Media",
            "released": "2012-04-16",
            "type": "http://www.w3.org/2001/XMLSchema#date",
        }
    ]
    assert stated_by(sparql, "id:ai-weiwei-never-sorry schema:director id:alison-klayman") == {
        REVIEW
    }


def test_release_years(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?title ?year WHERE {
            ?film a schema:Movie ; schema:name ?title ; schema:datePublished ?year .
            FILTER (DATATYPE(?year) = xsd:gYear) }"""
    )
    years = {row["title"]: row["year"] for row in rows}
    assert years == {
        "Cockroach": "2020",
        "Coronation": "2020",
        "Vivos": "2020",
        "The Rest": "2019",
        "Human Flow": "2017",
    }
    assert stated_by(sparql, 'id:human-flow schema:datePublished "2017"^^xsd:gYear') == {
        SKIRBALL,
        CMU,
    }


def test_runtimes(sparql: Select) -> None:
    # Compared as values: the store may write "PT93M" in its canonical form "PT1H33M".
    rows = sparql(
        """SELECT DISTINCT ?title WHERE {
            VALUES (?title ?duration ?minutes) {
                ("Cockroach"@en "PT93M"^^xsd:duration 93)
                ("Coronation"@en "PT115M"^^xsd:duration 115)
                ("Vivos"@en "PT112M"^^xsd:duration 112)
                ("The Rest"@en "PT78M"^^xsd:duration 78) }
            ?film schema:name ?title ; schema:duration ?duration ; wit:runtimeMinutes ?minutes }"""
    )
    assert {row["title"] for row in rows} == {"Cockroach", "Coronation", "Vivos", "The Rest"}
    assert stated_by(sparql, 'id:coronation schema:duration "PT115M"^^xsd:duration') == {SKIRBALL}


def test_content_ratings_as_stated(sparql: Select) -> None:
    rated = values(
        sparql,
        """SELECT DISTINCT ?title WHERE {
            ?film schema:name ?title ; schema:contentRating "No MPAA rating" }""",
        "title",
    )
    assert rated == {"Cockroach", "Coronation", "Vivos", "The Rest"}
    assert stated_by(sparql, 'id:vivos schema:contentRating "No MPAA rating"') == {SKIRBALL}


def test_courtesy_credit_is_not_a_production_company(sparql: Select, ask: Ask) -> None:
    assert values(
        sparql, "SELECT DISTINCT ?credit WHERE { id:vivos schema:creditText ?credit }", "credit"
    ) == {"courtesy of Ai Weiwei Studio"}
    assert not ask("ASK { id:vivos schema:productionCompany ?company }")
    assert stated_by(sparql, "id:vivos schema:creditText ?credit") == {SKIRBALL}


def test_documentary_genre(sparql: Select) -> None:
    documentaries = values(
        sparql,
        """SELECT DISTINCT ?title WHERE {
            ?film schema:genre wd:Q93204 ; schema:name ?title .
            wd:Q93204 skos:prefLabel "documentary film"@en }""",
        "title",
    )
    assert {"Cockroach", "Coronation", "Vivos", "The Rest", "Human Flow"} <= documentaries
    assert "Ai Weiwei: Never Sorry" in documentaries
    assert stated_by(sparql, 'wd:Q93204 skos:prefLabel "documentary film"@en') == {AUTHORITIES}


def test_follow_up_film(sparql: Select, ask: Ask) -> None:
    assert ask(
        'ASK { ?later wit:followUpTo ?earlier . ?later schema:name "The Rest"@en . '
        '?earlier schema:name "Human Flow"@en }'
    )
    # A consumer who does not know wit: finds its meaning through the ontology graph.
    assert ask(
        """ASK { GRAPH graph:ontology {
            wit:followUpTo skos:closeMatch <http://www.wikidata.org/prop/direct/P155> } }"""
    )
    assert stated_by(sparql, "id:the-rest wit:followUpTo id:human-flow") == {SKIRBALL}


def test_film_subjects(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?film ?subject WHERE {
            ?f a schema:Movie ; schema:name ?film ; schema:about ?s .
            { ?s skos:prefLabel ?subject } UNION { ?s a schema:Event ; schema:name ?subject } }"""
    )
    subjects = {(row["film"], row["subject"]) for row in rows}
    assert ("The Rest", "refugees") in subjects
    assert ("The Rest", "migration") in subjects
    assert ("Vivos", "Forced disappearance of 43 students in Iguala") in subjects
    assert ("Coronation", "Wuhan lockdown") in subjects
    assert ("Ai Weiwei: Never Sorry", "activism") in subjects
    assert stated_by(sparql, "id:the-rest schema:about id:migration") == {CMU}
    assert stated_by(sparql, "id:the-rest schema:about id:refugees") == {SKIRBALL, CMU}
    recorded = values(
        sparql, "SELECT DISTINCT ?e WHERE { id:cockroach schema:recordedAt/schema:name ?e }", "e"
    )
    assert recorded == {"Protests over Hong Kong's extradition bill"}


def test_streaming_availability(sparql: Select) -> None:
    platforms = values(
        sparql,
        """SELECT DISTINCT ?platform WHERE {
            ?film schema:name "Ai Weiwei: Never Sorry"@en ;
                schema:offers/schema:offeredBy/schema:name ?platform }""",
        "platform",
    )
    assert platforms == {"Netflix", "Hulu"}
    on_demand = values(
        sparql,
        """SELECT DISTINCT ?title WHERE {
            id:bearing-witness schema:offers ?offer .
            ?offer schema:availability schema:OnlineOnly ;
                schema:itemOffered/schema:name ?title }""",
        "title",
    )
    assert on_demand == {"Cockroach", "Coronation", "Vivos", "The Rest"}
    assert stated_by(sparql, "?film schema:offers/schema:offeredBy id:hulu") == {REVIEW}


# The Skirball programme and exhibition ------------------------------------------------------------


def test_bearing_witness_programme(sparql: Select, ask: Ask) -> None:
    rows = sparql(
        """SELECT DISTINCT ?exhibition WHERE {
            ?p a schema:EventSeries ; schema:name "Bearing Witness"@en ;
                wit:inAssociationWith/schema:name ?exhibition }"""
    )
    assert rows == [{"exhibition": "Ai Weiwei: Trace"}]
    assert ask("ASK { wit:inAssociationWith rdfs:subPropertyOf dcterms:relation }")
    assert (
        len(
            values(
                sparql,
                "SELECT DISTINCT ?f WHERE { id:bearing-witness schema:workFeatured ?f }",
                "f",
            )
        )
        == 4
    )
    assert stated_by(sparql, "id:bearing-witness wit:inAssociationWith id:ai-weiwei-trace") == {
        SKIRBALL
    }


def test_exhibition_donors(sparql: Select) -> None:
    lead = sparql(
        """SELECT DISTINCT ?donor WHERE {
            ?exhibition schema:name "Ai Weiwei: Trace"@en ; schema:funder ?role .
            ?role a schema:Role ; schema:roleName "Lead Donor"@en ;
                schema:funder/schema:name ?donor }"""
    )
    assert lead == [{"donor": "Steve Tisch Family Foundation"}]
    donors = values(
        sparql,
        """SELECT DISTINCT ?donor WHERE {
            id:ai-weiwei-trace schema:funder ?d . ?d schema:name ?donor .
            FILTER NOT EXISTS { ?d a schema:Role } }""",
        "donor",
    )
    assert donors == {
        "Billie B. and Steven G. Fischer Foundation",
        "Chara Schreyer",
        "Gordon Freund",
    }
    assert stated_by(sparql, "id:ai-weiwei-trace schema:funder id:chara-schreyer") == {SKIRBALL}


# The CMU festival and the screening ---------------------------------------------------------------


def test_screening_of_the_rest(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?start ?end ?festival WHERE {
            ?screening a schema:ScreeningEvent ; schema:workPresented id:the-rest ;
                schema:startDate ?start ; schema:endDate ?end ;
                schema:superEvent ?f .
            ?f a schema:Festival ; schema:name ?festival .
            FILTER (DATATYPE(?start) = xsd:date && DATATYPE(?end) = xsd:date) }"""
    )
    assert rows == [
        {
            "start": "2021-03-20",
            "end": "2021-03-26",
            "festival": "Carnegie Mellon International “Faces” Film Festival",
        }
    ]
    assert stated_by(sparql, "?s schema:workPresented id:the-rest") == {CMU}


def test_live_discussion(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?start (DATATYPE(?start) AS ?type) ?free WHERE {
            ?talk schema:superEvent ?screening ; schema:startDate ?start ;
                schema:isAccessibleForFree ?free .
            ?screening schema:workPresented id:the-rest }"""
    )
    assert rows == [
        {
            "start": "2021-03-25T18:00:00-05:00",
            "type": "http://www.w3.org/2001/XMLSchema#dateTime",
            "free": "true",
        }
    ]
    assert stated_by(sparql, "id:the-rest-live-discussion schema:startDate ?start") == {CMU}


def test_tickets_and_free_offer(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?price ?currency ?code ?first ?from WHERE {
            id:the-rest-cmu-iff-2021 schema:offers ?offer .
            ?offer schema:price ?price ; schema:priceCurrency ?currency .
            OPTIONAL { ?offer wit:promoCode ?code ;
                              schema:eligibleQuantity/schema:maxValue ?first ;
                              schema:availabilityStarts ?from } }"""
    )
    offers = {
        (float(row["price"]), row["currency"], row.get("code"), row.get("first"), row.get("from"))
        for row in rows
    }
    assert offers == {
        (5.0, "USD", None, None, None),
        (0.0, "USD", "CMUIFF", "30", "2021-03-18"),
    }
    assert stated_by(sparql, 'id:the-rest-cmu-iff-2021-offer-free wit:promoCode "CMUIFF"') == {CMU}


def test_co_presenter_and_sponsors(sparql: Select) -> None:
    organizers = values(
        sparql,
        "SELECT DISTINCT ?n WHERE { id:the-rest-cmu-iff-2021 schema:organizer/schema:name ?n }",
        "n",
    )
    assert "School of Art at Carnegie Mellon University" in organizers
    sponsors = values(
        sparql,
        "SELECT DISTINCT ?n WHERE { id:the-rest-cmu-iff-2021 schema:sponsor/schema:name ?n }",
        "n",
    )
    assert sponsors == {
        "The Doc Salon",
        "JFCS Refugee & Immigrant Services",
        "Humanities Scholars Program",
        "Graduate Student Assembly",
    }
    assert values(
        sparql,
        """SELECT DISTINCT ?u WHERE {
            id:cmu-graduate-student-assembly schema:parentOrganization/schema:name ?u }""",
        "u",
    ) == {"Carnegie Mellon University"}
    assert stated_by(sparql, "id:the-rest-cmu-iff-2021 schema:sponsor id:the-doc-salon") == {CMU}


def test_festival(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?founded ?centre ?university ?city WHERE {
            ?festival a schema:Festival ; schema:alternateName "CMU IFF"@en ;
                schema:foundingDate ?founded ; schema:location/schema:name ?city ;
                schema:parentOrganization ?c .
            ?c schema:name ?centre ; schema:parentOrganization/schema:name ?university }"""
    )
    assert rows == [
        {
            "founded": "2006",
            "centre": "Humanities Center at Carnegie Mellon University",
            "university": "Carnegie Mellon University",
            "city": "Pittsburgh",
        }
    ]
    assert stated_by(
        sparql, 'id:cmu-international-film-festival schema:foundingDate "2006"^^xsd:gYear'
    ) == {CMU}


def test_festival_directors(sparql: Select) -> None:
    directors = values(
        sparql,
        """SELECT DISTINCT ?name WHERE {
            id:cmu-international-film-festival schema:contributor ?role .
            ?role schema:roleName "featured director"@en ;
                schema:contributor/schema:name ?name }""",
        "name",
    )
    assert directors == {
        "Ken Loach",
        "Xiaoshuai Wang",
        "Jan Komasa",
        "Jeremiah Mosese",
        "Ai Weiwei",
    }
    assert stated_by(sparql, "?role schema:contributor id:ken-loach") == {CMU}


# Ai Weiwei ----------------------------------------------------------------------------------------


def test_birth(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?year (DATATYPE(?year) AS ?type) ?place WHERE {
            id:ai-weiwei schema:birthDate ?year ; schema:birthPlace/schema:name ?place }"""
    )
    assert rows == [
        {"year": "1957", "type": "http://www.w3.org/2001/XMLSchema#gYear", "place": "Beijing"}
    ]
    assert stated_by(sparql, "id:ai-weiwei schema:birthPlace id:beijing") == {CMU}


def test_residence_history(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?place ?end WHERE {
            id:ai-weiwei schema:homeLocation ?role .
            ?role a schema:Role ; schema:homeLocation/schema:name ?place .
            OPTIONAL { ?role schema:endDate ?end } }"""
    )
    homes = {row["place"]: row.get("end") for row in rows}
    assert homes == {
        "China": "2015",
        "Germany": None,
        "United Kingdom": None,
        "New York City": None,
    }
    assert stated_by(sparql, "id:ai-weiwei schema:homeLocation id:ai-weiwei-home-germany") == {CMU}
    assert stated_by(
        sparql, "id:ai-weiwei schema:homeLocation id:ai-weiwei-home-new-york-city"
    ) == {REVIEW}


def test_awards(sparql: Select, ask: Ask) -> None:
    awards = values(sparql, "SELECT DISTINCT ?a WHERE { id:ai-weiwei schema:award ?a }", "a")
    assert awards == {
        "Skowhegan Medal",
        "Václav Havel Prize for Creative Dissent",
        "Amnesty International's Ambassador of Conscience Award",
    }
    conferred = sparql(
        """SELECT DISTINCT ?award ?by WHERE {
            id:ai-weiwei wit:awardReceived ?a . ?a schema:name ?award .
            ?a wit:conferredBy/schema:name ?by }"""
    )
    assert conferred == [{"award": "Ambassador of Conscience Award", "by": "Amnesty International"}]
    assert ask("ASK { id:amnesty-international schema:sameAs wd:Q42970 }")
    assert stated_by(sparql, 'id:ai-weiwei schema:award "Skowhegan Medal"@en') == {CMU}


def test_exhibitions_of_his_work(sparql: Select) -> None:
    good_fences = sparql(
        """SELECT DISTINCT ?organizer ?city WHERE {
            ?e a schema:ExhibitionEvent ; schema:name "Good Fences Make Good Neighbors"@en ;
                schema:organizer/schema:name ?organizer ; schema:location/schema:name ?city ;
                schema:contributor/schema:contributor id:ai-weiwei }"""
    )
    assert good_fences == [{"organizer": "Public Art Fund", "city": "New York City"}]
    megacities = sparql(
        """SELECT DISTINCT ?museum ?also WHERE {
            ?e a schema:ExhibitionEvent ; schema:name "Megacities Asia"@en ;
                schema:location ?m ; schema:workFeatured/schema:creator id:ai-weiwei .
            ?m schema:name ?museum ; schema:alternateName ?also }"""
    )
    assert megacities == [{"museum": "Museum of Fine Arts", "also": "Museum of Fine Arts, Boston"}]
    assert stated_by(sparql, "id:megacities-asia schema:location id:museum-of-fine-arts") == {
        REVIEW
    }
    assert stated_by(
        sparql, 'id:museum-of-fine-arts schema:alternateName "Museum of Fine Arts, Boston"@en'
    ) == {AUTHORITIES}


def test_vox_media_quote(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?text ?interviewer WHERE {
            ?quote a schema:Quotation ; schema:creator id:ai-weiwei ; schema:text ?text ;
                schema:isPartOf/schema:contributor ?i .
            ?i a schema:Organization ; schema:name ?interviewer }"""
    )
    assert len(rows) == 1
    assert rows[0]["interviewer"] == "Vox Media"
    assert rows[0]["text"].startswith("We\u2019ve always seen our film")
    assert rows[0]["text"].endswith("They\u2019re the ones who are stuck.")
    assert stated_by(sparql, "?q schema:creator id:ai-weiwei ; schema:text ?t") == {CMU}


# Historical events --------------------------------------------------------------------------------


def test_iguala_disappearance(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?year ?city ?state ?students WHERE {
            id:iguala-mass-disappearance a schema:Event ; schema:startDate ?year ;
                schema:location ?c ; wit:numberOfDisappeared ?students .
            ?c schema:name ?city ; schema:containedInPlace/schema:name ?state }"""
    )
    assert rows == [{"year": "2014", "city": "Iguala", "state": "Guerrero", "students": "43"}]
    assert stated_by(sparql, "id:iguala-mass-disappearance wit:numberOfDisappeared 43") == {
        SKIRBALL
    }


def test_hong_kong(sparql: Select) -> None:
    bill = sparql(
        """SELECT DISTINCT ?proposed (DATATYPE(?proposed) AS ?type) WHERE {
            id:hong-kong-extradition-bill a schema:Legislation ; schema:dateCreated ?proposed }"""
    )
    assert bill == [{"proposed": "2019-02", "type": "http://www.w3.org/2001/XMLSchema#gYearMonth"}]
    siege = sparql(
        """SELECT DISTINCT ?where WHERE {
            ?siege schema:superEvent id:hong-kong-extradition-bill-protests ;
                schema:location/schema:name ?where }"""
    )
    assert siege == [{"where": "Hong Kong Polytechnic University"}]
    law = sparql(
        """SELECT DISTINCT ?date ?where WHERE {
            ?law a schema:Legislation ; schema:name "National Security Law"@en ;
                schema:legislationDate ?date ;
                schema:legislationJurisdiction/schema:name ?where }"""
    )
    assert law == [{"date": "2020-06-30", "where": "Hong Kong"}]
    assert stated_by(sparql, "id:hong-kong-national-security-law schema:legislationDate ?d") == {
        SKIRBALL
    }


def test_wuhan_lockdown(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?population ?workers ?pandemic WHERE {
            ?lockdown schema:name "Wuhan lockdown"@en ; wit:medicalWorkersDeployed ?workers ;
                schema:location/wit:population ?population ;
                schema:superEvent/schema:sameAs ?pandemic }"""
    )
    assert rows == [
        {
            "population": "11000000",
            "workers": "40000",
            "pandemic": "http://www.wikidata.org/entity/Q81068910",
        }
    ]
    assert stated_by(sparql, "id:wuhan wit:population ?p") == {SKIRBALL}
    assert stated_by(sparql, "id:covid-19-pandemic schema:sameAs ?same") == {AUTHORITIES}


def test_detention(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?duration ?days WHERE {
            ?d a schema:Event ; schema:about id:ai-weiwei ; schema:duration ?duration ;
                wit:daysDetained ?days }"""
    )
    assert rows == [{"duration": "P81D", "days": "81"}]
    assert stated_by(sparql, "id:ai-weiwei-detention wit:daysDetained 81") == {REVIEW}


def test_sichuan_earthquake_names(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?names ?year WHERE {
            ?project schema:founder id:ai-weiwei ; wit:namesCollectedMoreThan ?names .
            ?collapses schema:superEvent ?quake .
            ?quake schema:name "Sichuan earthquake"@en ; schema:startDate ?year .
            ?wall a schema:VisualArtwork ; schema:creator id:ai-weiwei ;
                schema:about ?collapses }"""
    )
    assert rows == [{"names": "5000", "year": "2008"}]
    assert stated_by(sparql, "?p wit:namesCollectedMoreThan 5000") == {REVIEW}


def test_persecution_in_never_sorry(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?event ?place ?by WHERE {
            id:ai-weiwei-never-sorry schema:about ?e . ?e a schema:Event ; schema:name ?event .
            OPTIONAL { ?e schema:location/schema:name ?place }
            OPTIONAL { ?e schema:organizer/schema:name ?by } }"""
    )
    events = {(row["event"], row.get("place"), row.get("by")) for row in rows}
    assert ("Police beating of Ai Weiwei in Chengdu", "Chengdu", None) in events
    assert ("Shutdown of Ai Weiwei's blog", None, "Chinese government") in events
    assert (
        "Demolition of Ai Weiwei's studios in Shanghai",
        "Shanghai",
        "Chinese government",
    ) in events
    assert stated_by(sparql, "id:ai-weiwei-chengdu-beating schema:location id:chengdu") == {REVIEW}


# The review ---------------------------------------------------------------------------------------


def test_review_and_rating(sparql: Select, ask: Ask) -> None:
    rows = sparql(
        """SELECT DISTINCT ?rating ?series ?challenge WHERE {
            ?review a schema:Review ; schema:itemReviewed id:ai-weiwei-never-sorry ;
                schema:reviewRating/schema:ratingValue ?rating ;
                schema:isPartOf/schema:name ?series .
            ?c schema:workFeatured ?review ; schema:name ?challenge }"""
    )
    assert rows == [
        {
            "rating": "4",
            "series": "Documentary movies from A to Z",
            "challenge": "Blogging A to Z Challenge",
        }
    ]
    assert not ask("ASK { ?rating schema:bestRating ?best }")
    others = values(
        sparql,
        """SELECT DISTINCT ?title WHERE {
            ?r a schema:Review ; schema:author id:never-sorry-reviewer ;
                schema:itemReviewed/schema:name ?title }""",
        "title",
    )
    assert len(others) == 4
    assert stated_by(sparql, "id:review-never-sorry-rating schema:ratingValue 4") == {REVIEW}


def test_reviewer_first_name_from_a_readers_comment(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?given ?evidence WHERE {
            ?review a schema:Review ; schema:itemReviewed id:ai-weiwei-never-sorry ;
                schema:author ?blogger ; schema:comment ?comment .
            ?blogger schema:givenName ?given .
            ?comment a schema:Comment ; schema:mentions ?blogger ; schema:text ?evidence }"""
    )
    assert rows == [{"given": "Liam", "evidence": "Thanks so much for putting me onto this, Liam."}]
    assert stated_by(sparql, 'id:never-sorry-reviewer schema:givenName "Liam"') == {REVIEW}


def test_reviewer_is_no_longer_said_to_be_unnamed(ask: Ask) -> None:
    """The page does give a name (in a comment): the old descriptions said it gave none."""
    assert not ask(
        """ASK { ?s schema:description ?d .
            FILTER (CONTAINS(?d, "does not give the author's name")
                || CONTAINS(?d, "its author are not known")) }"""
    )
    assert not ask('ASK { ?s schema:name "Reviewer of Ai Weiwei: Never Sorry"@en }')


def test_review_comment_count(sparql: Select) -> None:
    assert values(
        sparql,
        "SELECT DISTINCT ?n WHERE { id:review-never-sorry schema:commentCount ?n }",
        "n",
    ) == {"8"}
    assert stated_by(sparql, "id:review-never-sorry schema:commentCount 8") == {REVIEW}


# Hong Kong, Wuhan and Iguala, as the Skirball page tells them ------------------------------------


def test_national_security_law_imposed_by_china(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?by ?date ?where WHERE {
            ?law a schema:Legislation ; schema:name "National Security Law"@en ;
                schema:legislationPassedBy/schema:name ?by ; schema:legislationDate ?date ;
                schema:legislationJurisdiction/schema:name ?where }"""
    )
    assert rows == [{"by": "Chinese government", "date": "2020-06-30", "where": "Hong Kong"}]
    assert stated_by(
        sparql,
        "id:hong-kong-national-security-law schema:legislationPassedBy id:chinese-government",
    ) == {SKIRBALL}


def test_national_security_law_imposed_despite_mass_protests(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?protests ?where WHERE {
            ?p a schema:Event ; schema:name ?protests ; schema:location/schema:name ?where ;
                schema:about id:hong-kong-national-security-law ;
                wit:inOppositionTo id:hong-kong-national-security-law }"""
    )
    assert rows == [
        {"protests": "Mass protests before the National Security Law", "where": "Hong Kong"}
    ]
    assert stated_by(
        sparql,
        "id:hong-kong-national-security-law-protests wit:inOppositionTo "
        "id:hong-kong-national-security-law",
    ) == {SKIRBALL}


def test_pro_democracy_movement_opposing_the_law(sparql: Select) -> None:
    opponents = values(
        sparql,
        """SELECT DISTINCT ?name WHERE {
            ?o wit:inOppositionTo id:hong-kong-national-security-law ; a wit:GroupOfPeople ;
                schema:name ?name }""",
        "name",
    )
    assert opponents == {"Pro-democracy movement in Hong Kong"}
    assert stated_by(sparql, "id:hong-kong-pro-democracy-movement wit:inOppositionTo ?law") == {
        SKIRBALL
    }


def test_national_security_law_ended_hong_kongs_autonomy(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?autonomy ?end ?where ?principle WHERE {
            ?a schema:alternateName "Hong Kong's judicial and political autonomy"@en ;
                schema:name ?autonomy ; schema:endDate ?end ; schema:location/schema:name ?where ;
                schema:about/skos:prefLabel ?principle ;
                wit:endedBy/schema:name "National Security Law"@en }"""
    )
    assert rows == [
        {
            "autonomy": 'Hong Kong\'s independence under "one country, two systems"',
            "end": "2020-06-30",
            "where": "Hong Kong",
            "principle": "one country, two systems",
        }
    ]
    assert stated_by(sparql, "id:hong-kong-autonomy wit:endedBy ?law") == {SKIRBALL}


def test_cockroach_records_the_final_moments_of_hong_kongs_independence(sparql: Select) -> None:
    assert "Hong Kong's judicial and political autonomy" in values(
        sparql,
        "SELECT DISTINCT ?n WHERE { id:cockroach schema:about/schema:alternateName ?n }",
        "n",
    )
    assert stated_by(sparql, "id:cockroach schema:about id:hong-kong-autonomy") == {SKIRBALL}


def test_what_the_extradition_bill_would_have_allowed(sparql: Select) -> None:
    subjects = values(
        sparql,
        "SELECT DISTINCT ?s WHERE { id:hong-kong-extradition-bill schema:about/schema:name ?s }",
        "s",
    )
    assert "trial of Hong Kong citizens in mainland China" in subjects
    assert stated_by(
        sparql, "id:hong-kong-extradition-bill schema:about id:trial-in-mainland-china"
    ) == {SKIRBALL}


def test_extradition_bill_in_its_one_country_two_systems_context(sparql: Select) -> None:
    assert values(
        sparql,
        """SELECT DISTINCT ?principle WHERE {
            id:hong-kong-extradition-bill schema:about/schema:about/skos:prefLabel ?principle }""",
        "principle",
    ) == {"one country, two systems"}
    assert stated_by(
        sparql, "id:hong-kong-extradition-bill schema:about id:hong-kong-autonomy"
    ) == {SKIRBALL}


def test_coronation_filmed_by_wuhan_citizens(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?role ?who ?where WHERE {
            id:coronation schema:contributor ?r .
            ?r a schema:Role ; schema:roleName ?role ; schema:contributor ?g .
            ?g a schema:Organization ; schema:name ?who ; schema:location/schema:name ?where }"""
    )
    assert rows == [
        {"role": "filming", "who": "Wuhan citizens who filmed Coronation", "where": "Wuhan"}
    ]
    assert stated_by(sparql, "?role schema:contributor id:coronation-wuhan-citizens") == {SKIRBALL}


def test_coronation_directed_remotely(sparql: Select, ask: Ask) -> None:
    assert ask(
        "ASK { id:coronation wit:remoteDirector id:ai-weiwei ; schema:director id:ai-weiwei }"
    )
    assert ask(
        "ASK { GRAPH graph:ontology { wit:remoteDirector rdfs:subPropertyOf schema:director } }"
    )
    assert not ask("ASK { ?film wit:remoteDirector ?d FILTER (?film != id:coronation) }")
    assert stated_by(sparql, "id:coronation wit:remoteDirector id:ai-weiwei") == {SKIRBALL}


def test_coronation_first_feature_length_documentary_on_the_wuhan_response(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?subject ?by ?where WHERE {
            id:coronation wit:firstOfItsKindAbout ?r ; schema:about ?r ;
                schema:genre wd:Q93204, ?feature .
            ?feature skos:prefLabel "feature-length film"@en .
            ?r a schema:Event ; schema:name ?subject ; schema:organizer/schema:name ?by ;
                schema:location/schema:name ?where ;
                schema:subEvent/schema:name "Wuhan lockdown"@en }"""
    )
    assert rows == [
        {"subject": "Coronavirus response in Wuhan", "by": "Chinese government", "where": "Wuhan"}
    ]
    assert stated_by(sparql, "id:coronation wit:firstOfItsKindAbout ?r") == {SKIRBALL}


def test_forty_three_mexican_students(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?victims ?country WHERE {
            id:iguala-mass-disappearance wit:victim ?g .
            ?g a wit:GroupOfPeople ; schema:name ?victims ;
                wit:membersNationality/schema:name ?country }"""
    )
    assert rows == [
        {"victims": "The forty-three students disappeared in Iguala", "country": "Mexico"}
    ]
    assert stated_by(sparql, "id:iguala-forty-three-students wit:membersNationality id:mexico") == {
        SKIRBALL
    }


def test_taken_by_police_and_other_masked_assailants(sparql: Select) -> None:
    perpetrators = values(
        sparql,
        """SELECT DISTINCT ?who WHERE {
            id:iguala-mass-disappearance wit:perpetrator/schema:name ?who }""",
        "who",
    )
    assert perpetrators == {
        "Police who took part in the Iguala disappearance",
        "Masked assailants in the Iguala disappearance",
    }
    assert stated_by(sparql, "id:iguala-mass-disappearance wit:perpetrator id:iguala-police") == {
        SKIRBALL
    }


def test_iguala_guerrero_mexico(sparql: Select) -> None:
    assert values(
        sparql,
        """SELECT DISTINCT ?country WHERE {
            id:iguala-mass-disappearance schema:location/schema:containedInPlace+ ?c .
            ?c a schema:Country ; schema:name ?country }""",
        "country",
    ) == {"Mexico"}
    assert stated_by(sparql, "id:guerrero schema:containedInPlace id:mexico") == {SKIRBALL}


def test_vivos_interviewees(sparql: Select) -> None:
    interviewed = values(
        sparql,
        """SELECT DISTINCT ?who WHERE {
            id:vivos schema:contributor ?r .
            ?r schema:roleName "interviewee"@en ; schema:contributor/schema:name ?who }""",
        "who",
    )
    assert interviewed == {
        "Family members of the forty-three students disappeared in Iguala",
        "Surviving classmates of the forty-three students disappeared in Iguala",
        "Human rights experts interviewed in Vivos",
        "International investigators interviewed in Vivos",
    }
    assert stated_by(
        sparql, "id:vivos schema:contributor id:vivos-interviewees-family-members"
    ) == {SKIRBALL}


def test_cockroach_latest_release_at_the_time_of_the_page(sparql: Select) -> None:
    assert values(
        sparql,
        "SELECT DISTINCT ?t WHERE { id:ai-weiwei wit:latestRelease/schema:name ?t }",
        "t",
    ) == {"Cockroach"}
    assert stated_by(sparql, "id:ai-weiwei wit:latestRelease id:cockroach") == {SKIRBALL}


# Ai Weiwei's life and work, as the article and the film show them -------------------------------


def test_ai_weiweis_media(sparql: Select) -> None:
    media = values(
        sparql,
        "SELECT DISTINCT ?m WHERE { id:ai-weiwei wit:medium/skos:prefLabel ?m }",
        "m",
    )
    assert media == {"architecture", "installations", "social media", "documentary film"}
    assert stated_by(sparql, "id:ai-weiwei wit:medium id:architecture") == {CMU}


def test_left_china_following_tensions_with_the_government(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?left ?cause WHERE {
            id:ai-weiwei schema:homeLocation ?r .
            ?r schema:homeLocation id:china ; schema:endDate ?left ; wit:endedBy ?t .
            ?t a schema:Event ; schema:name ?cause ; schema:about id:chinese-government }"""
    )
    assert rows == [
        {"left": "2015", "cause": "Tensions between Ai Weiwei and the Chinese government"}
    ]
    assert stated_by(sparql, "id:ai-weiwei-home-china wit:endedBy ?tensions") == {CMU}


def test_the_rest_told_from_the_migrants_perspective(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?who WHERE {
            id:the-rest wit:toldFromPerspectiveOf ?g ; schema:about ?g .
            ?g a wit:GroupOfPeople ; schema:name ?who }"""
    )
    assert rows == [{"who": "Migrants making their way to Europe, in The Rest"}]
    assert stated_by(sparql, "id:the-rest wit:toldFromPerspectiveOf ?who") == {CMU}


def test_festival_organized_and_run_by_university_students(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?who ?where WHERE {
            ?f a schema:Festival ; schema:alternateName "CMU IFF"@en ; schema:organizer ?g .
            ?g a wit:GroupOfPeople ; schema:name ?who ; schema:location/schema:name ?where }"""
    )
    assert rows == [{"who": "University students from across Pittsburgh", "where": "Pittsburgh"}]
    assert stated_by(
        sparql,
        "id:cmu-international-film-festival schema:organizer id:pittsburgh-university-students",
    ) == {CMU}


def test_chengdu_trial_of_a_fellow_activist(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?trial ?where ?beating WHERE {
            ?journey schema:attendee id:ai-weiwei ; schema:about ?t ; schema:subEvent ?b .
            ?t a schema:Event ; schema:name ?trial ; schema:location/schema:name ?where .
            ?b schema:name ?beating ; wit:victim id:ai-weiwei }"""
    )
    assert rows == [
        {
            "trial": "Trial of a fellow activist of Ai Weiwei in Chengdu",
            "where": "Chengdu",
            "beating": "Police beating of Ai Weiwei in Chengdu",
        }
    ]
    assert values(
        sparql,
        """SELECT DISTINCT ?by WHERE {
            id:ai-weiwei-chengdu-beating wit:perpetrator/schema:name ?by }""",
        "by",
    ) == {"Police in Chengdu"}
    assert stated_by(sparql, "?j schema:about id:chengdu-trial-of-a-fellow-activist") == {REVIEW}


def test_never_sorry_interviews_family_and_fellow_artists(sparql: Select) -> None:
    interviewed = values(
        sparql,
        """SELECT DISTINCT ?who WHERE {
            id:ai-weiwei-never-sorry schema:contributor ?r .
            ?r schema:roleName "interviewee"@en ; schema:contributor/schema:name ?who }""",
        "who",
    )
    assert interviewed == {"Ai Weiwei's family", "Ai Weiwei's fellow artists"}
    assert stated_by(sparql, "?r schema:contributor id:ai-weiwei-fellow-artists") == {REVIEW}


def test_supervising_the_making_of_his_sculpture(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?makers ?work ?form WHERE {
            id:ai-weiwei-never-sorry schema:mentions ?a .
            ?a a schema:CreateAction ; schema:participant id:ai-weiwei ;
                schema:agent/schema:name ?makers ; schema:result ?w .
            ?w schema:creator id:ai-weiwei ; schema:name ?work ; schema:artform ?form }"""
    )
    assert rows == [
        {"makers": "Ai Weiwei's assistants", "work": "Ai Weiwei's sculpture", "form": "sculpture"}
    ]
    assert stated_by(sparql, "id:ai-weiwei-sculpture-making schema:participant id:ai-weiwei") == {
        REVIEW
    }


def test_attending_openings_of_installations(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?openings ?of WHERE {
            id:ai-weiwei-never-sorry schema:mentions ?e .
            ?e a schema:Event ; schema:attendee id:ai-weiwei ; schema:name ?openings ;
                schema:about/skos:prefLabel ?of }"""
    )
    assert rows == [
        {
            "openings": "Openings of installations in various parts of the world, "
            "attended by Ai Weiwei",
            "of": "installations",
        }
    ]
    assert stated_by(sparql, "id:ai-weiwei-installation-openings schema:attendee id:ai-weiwei") == {
        REVIEW
    }


def test_new_york_city_art_scene_in_the_1980s(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?decade (DATATYPE(?decade) AS ?type) WHERE {
            id:ai-weiwei schema:homeLocation ?r .
            ?r schema:homeLocation id:new-york-city ; wit:decade ?decade }"""
    )
    assert rows == [{"decade": "1980", "type": "http://www.w3.org/2001/XMLSchema#gYear"}]
    assert stated_by(sparql, 'id:ai-weiwei-home-new-york-city wit:decade "1980"^^xsd:gYear') == {
        REVIEW
    }


# Claims: what a document thinks, attributed to it -------------------------------------------------


def claims_about(sparql: Select, resource: str) -> dict[str, tuple[str, str | None]]:
    """Each claim about ``resource``: its short form, the title of the document it appears in
    and who the document says holds it."""
    rows = sparql(
        f"""SELECT DISTINCT ?claim ?document ?author WHERE {{
            ?c a schema:Claim ; schema:about {resource} ; schema:name ?claim ;
                schema:appearance/dcterms:title ?document .
            OPTIONAL {{ ?c schema:author/schema:name ?author }} }}"""
    )
    return {row["claim"]: (row["document"], row.get("author")) for row in rows}


CMU_TITLE = "Weiwei Continues Focus on Refugees in New Film “The Rest”"


def test_greatest_chinese_artist_is_the_articles_claim(sparql: Select, ask: Ask) -> None:
    claims = claims_about(sparql, "id:ai-weiwei")
    claim = "Ai Weiwei is considered the greatest Chinese artist of his generation"
    assert claims[claim] == (CMU_TITLE, None)
    assert stated_by(sparql, f'?c schema:name "{claim}"@en ; schema:appearance ?d') == {CMU}
    # Not a fact about him: no description of him says it any more.
    assert not ask('ASK { id:ai-weiwei schema:description ?d FILTER (CONTAINS(?d, "greatest")) }')


def test_the_rest_similar_to_human_flow_is_the_articles_claim(sparql: Select, ask: Ask) -> None:
    claims = claims_about(sparql, "id:human-flow")
    assert claims["The Rest is similar to Human Flow"] == (CMU_TITLE, None)
    assert "The Rest is similar to Human Flow" in claims_about(sparql, "id:the-rest")
    # The Skirball page's "follow-up" is its own fact; the article states no relation between
    # the films, and no description says "similar".
    assert stated_by(sparql, "id:the-rest wit:followUpTo id:human-flow") == {SKIRBALL}
    assert not ask(
        """ASK { GRAPH graph:cmu-news-the-rest {
            { id:the-rest ?p id:human-flow } UNION { id:human-flow ?p id:the-rest } } }"""
    )
    assert not ask('ASK { ?s schema:description ?d FILTER (CONTAINS(?d, "similar to")) }')


def test_human_flow_widely_acclaimed_is_the_articles_claim(sparql: Select) -> None:
    assert claims_about(sparql, "id:human-flow")["Human Flow is widely acclaimed"] == (
        CMU_TITLE,
        None,
    )


def test_festival_only_one_of_its_kind_is_the_festivals_claim(sparql: Select, ask: Ask) -> None:
    claims = claims_about(sparql, "id:cmu-international-film-festival")
    assert claims == {
        "The CMU International Film Festival is the only international film festival organized "
        "and run by university students from across Pittsburgh": (
            CMU_TITLE,
            "Carnegie Mellon International “Faces” Film Festival",
        )
    }
    assert not ask(
        'ASK { ?s schema:description ?d FILTER (CONTAINS(?d, "the only international film")) }'
    )


def test_claims_quote_the_document_they_appear_in(sparql: Select) -> None:
    """Each claim appears in the very document whose graph holds it, and quotes it."""
    rows = sparql(
        """SELECT ?claim ?document ?source WHERE {
            GRAPH ?g { ?claim a schema:Claim ; schema:appearance ?document ; schema:text ?t }
            ?g prov:wasDerivedFrom ?source }"""
    )
    assert len(rows) == 4
    assert all(row["document"] == row["source"] for row in rows), rows


# What the documents do not state ------------------------------------------------------------------


def test_skirball_is_known_only_as_the_pages_publisher(sparql: Select, ask: Ask) -> None:
    assert values(
        sparql,
        f"SELECT DISTINCT ?name WHERE {{ <{SKIRBALL}> schema:publisher/schema:name ?name }}",
        "name",
    ) == {"Skirball Cultural Center"}
    assert stated_by(
        sparql, "source:skirball-bearing-witness schema:publisher id:skirball-cultural-center"
    ) == {AUTHORITIES}
    # The page never names the Skirball: its graph says nothing of it.
    assert not ask(
        """ASK { GRAPH graph:skirball-bearing-witness {
            { id:skirball-cultural-center ?p ?o } UNION { ?s ?p id:skirball-cultural-center } } }"""
    )


def test_programme_organizer_is_not_stated(ask: Ask) -> None:
    assert not ask("ASK { id:bearing-witness schema:organizer ?organizer }")


def test_video_on_demand_seller_is_not_stated(ask: Ask) -> None:
    assert not ask("ASK { id:bearing-witness-video-on-demand schema:offeredBy ?seller }")


def test_screening_attendance_mode_is_not_stated(ask: Ask) -> None:
    assert not ask("ASK { id:the-rest-cmu-iff-2021 schema:eventAttendanceMode ?mode }")


def test_live_discussion_attendance_mode_is_not_stated(ask: Ask) -> None:
    assert not ask("ASK { id:the-rest-live-discussion schema:eventAttendanceMode ?mode }")


def test_extradition_protests_are_no_longer_the_mass_protests(ask: Ask) -> None:
    """ "Despite mass protests" is said of the National Security Law, not of the protests over
    the bill, whose description no longer borrows the words."""
    assert not ask(
        """ASK { id:hong-kong-extradition-bill-protests schema:description ?d .
            FILTER (CONTAINS(?d, "Mass protests")) }"""
    )


# Identity and provenance --------------------------------------------------------------------------


def test_identity_links(sparql: Select, ask: Ask) -> None:
    same = values(
        sparql, "SELECT DISTINCT ?same WHERE { id:ai-weiwei schema:sameAs ?same }", "same"
    )
    assert same == {
        "http://www.wikidata.org/entity/Q160115",
        "http://vocab.getty.edu/ulan/500125586",
        "https://www.moma.org/artists/34722",
    }
    assert stated_by(sparql, "id:ai-weiwei schema:sameAs wd:Q160115") == {AUTHORITIES}
    assert ask("ASK { id:human-flow schema:sameAs <https://www.imdb.com/title/tt6573444/> }")
    # Identifiers seen in only one source are left out.
    assert not ask("ASK { id:hulu schema:sameAs ?x }")
    assert not ask("ASK { id:hong-kong-polytechnic-university schema:sameAs ?x }")
    assert not ask("ASK { ?x owl:sameAs ?y }")


def test_sources_are_described(sparql: Select) -> None:
    rows = sparql(
        """SELECT DISTINCT ?source ?type ?publisher ?date WHERE {
            GRAPH graph:sources { ?source a ?type ; dcterms:title ?title .
                OPTIONAL { ?source schema:publisher/schema:name ?publisher }
                OPTIONAL { ?source schema:datePublished ?date } }
            FILTER (?type IN (schema:WebPage, schema:NewsArticle, schema:BlogPosting)) }"""
    )
    described = {row["source"]: (row.get("publisher"), row.get("date")) for row in rows}
    assert described[SKIRBALL] == ("Skirball Cultural Center", None)
    assert described[CMU] == ("Carnegie Mellon University", "2021-03-19")
    assert described[REVIEW] == (None, None)
    assert values(
        sparql, f"SELECT DISTINCT ?url WHERE {{ <{SKIRBALL}> schema:url ?url }}", "url"
    ) == {"https://www.skirball.org/programs/film/bearing-witness"}


def test_every_statement_is_traceable_to_a_source(sparql: Select) -> None:
    untraced = sparql(
        """SELECT DISTINCT ?g WHERE {
            GRAPH ?g { ?s ?p ?o }
            FILTER (?g != graph:sources)
            FILTER NOT EXISTS { ?g prov:wasDerivedFrom/dcterms:title ?title } }"""
    )
    assert untraced == []


def test_every_resource_has_an_english_name(sparql: Select) -> None:
    unnamed = sparql(
        """SELECT DISTINCT ?s WHERE {
            ?s ?p ?o .
            FILTER (STRSTARTS(STR(?s), "https://w3id.org/witness/id/"))
            FILTER NOT EXISTS {
                ?s schema:name ?name . FILTER (LANGMATCHES(LANG(?name), "en")) } }"""
    )
    assert unnamed == []
