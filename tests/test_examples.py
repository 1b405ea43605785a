"""The example queries of the query page really answer on the bundled data."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from witness.namespaces import PREFIXES
from witness.queries import Example, examples
from witness.sparql.query import Answer, run

ID = "https://w3id.org/witness/id/"

EXPECTED: dict[str, set[str]] = {
    "01-films-by-ai-weiwei": {"Cockroach", "Coronation", "Vivos", "The Rest", "Human Flow"},
    "02-who-says-what": {
        "Bearing Witness: Documentary Films by Ai Weiwei",
        "Weiwei Continues Focus on Refugees in New Film “The Rest”",
    },
    "03-events-the-films-bear-witness-to": {
        "Wuhan lockdown",
        "Forced disappearance of 43 students in Iguala",
        "Siege of Hong Kong Polytechnic University",
    },
    "04-screening-of-the-rest": {ID + "the-rest-cmu-iff-2021", "CMUIFF"},
    "05-funders-of-ai-weiwei-trace": {
        "Lead Donor",
        "Steve Tisch Family Foundation",
        "Gordon Freund",
        "Chara Schreyer",
    },
    "06-cockroach-as-a-graph": {ID + "cockroach", "Hong Kong"},
}
"""Values that each example's answer must contain, by the example's file name."""


def values(answer: Answer) -> set[str]:
    """Every term value in the answer (solutions' bindings, or triples' parts)."""
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        return {row[n].value for row in answer for n in names if row[n] is not None}
    if isinstance(answer, ox.QueryTriples):
        return {term.value for triple in answer for term in triple}
    return {str(bool(answer)).lower()}


def test_there_are_five_or_six_titled_examples() -> None:
    found = examples()
    assert 5 <= len(found) <= 6
    assert len({e.title for e in found}) == len(found)
    for example in found:
        assert example.title and not example.title.startswith("#")
        assert example.text.startswith(f"# {example.title}\n")


def test_every_example_has_expectations() -> None:
    assert {e.name for e in examples()} == set(EXPECTED)


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_example_answers(example: Example, bundled_store: ox.Store) -> None:
    answer = values(run(bundled_store, example.text, PREFIXES))
    assert answer, f"{example.name} has no answer"
    missing = EXPECTED[example.name] - answer
    assert not missing, f"{example.name} lacks {sorted(missing)}"


def test_films_example_gives_year_and_runtime(bundled_store: ox.Store) -> None:
    films = next(e for e in examples() if e.name == "01-films-by-ai-weiwei")
    answer = run(bundled_store, films.text, PREFIXES)
    assert isinstance(answer, ox.QuerySolutions)
    rows = {
        row["title"].value: (row["year"], row["minutes"])
        for row in answer
        if row["title"] is not None
    }
    year, minutes = rows["Cockroach"]
    assert year is not None and year.value == "2020"
    assert minutes is not None and minutes.value == "93"


def test_first_example_is_a_select() -> None:
    """The first example fills the editor on arrival: it should give a table, not a graph."""
    assert "SELECT" in examples()[0].text
