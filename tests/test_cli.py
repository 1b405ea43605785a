"""The ``witness`` command as a user runs it: build, validate, query, stats, and bad input."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.query import Result as SparqlResult

from witness.cli import main

TINY = Path(__file__).parent / "data" / "tiny"
COCKROACH = "https://w3id.org/witness/id/cockroach"
GRAPHS = "https://w3id.org/witness/graph/"


def witness(
    *args: str | Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin, env=env)


def inputs(data: Path = TINY / "data") -> list[str | Path]:
    return ["--ontology", TINY / "ontology", "--shapes", TINY / "shapes", "--data", data]


def assert_clean_failure(result: Result, code: int, *fragments: str) -> None:
    """Exit ``code``, one message naming each fragment, and no traceback."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store built from the tiny data set."""
    path = tmp_path / "store"
    result = witness("build", "--store", path, *inputs())
    assert result.exit_code == 0, result.output
    return path


def live_build(store: Path) -> Path:
    return (store / "current").resolve()


def test_help_shows_every_command_with_an_example() -> None:
    top = witness("--help")
    assert top.exit_code == 0
    for command in ("build", "validate", "query", "stats"):
        assert command in top.output
        help_text = witness(command, "--help").output
        assert "Example:" in help_text, command
        assert f"witness {command}" in help_text, command


def test_console_script_is_installed() -> None:
    done = subprocess.run(
        [Path(sys.executable).parent / "witness", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("witness, version ")


def test_build_reports_what_it_loaded(tmp_path: Path) -> None:
    result = witness("build", "--store", tmp_path / "s", *inputs())
    assert result.exit_code == 0, result.output
    built = "Built 15 statements in 3 named graphs, 15 distinct facts, from 2 files (validated"
    assert built in result.output


def test_query_table_uses_prefixes(store: Path) -> None:
    result = witness(
        "query",
        "--store",
        store,
        "SELECT ?film ?name WHERE { ?film schema:name ?name ; a schema:Movie }",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["film", "name"]
    assert lines[2].split() == ["id:cockroach", "Cockroach"]
    assert lines[-1] == "(1 row)"


def test_query_json_is_w3c_results_json(store: Path) -> None:
    result = witness(
        "query",
        "--store",
        store,
        "--format",
        "json",
        "SELECT ?d WHERE { id:cockroach schema:director ?d }",
    )
    answer = json.loads(result.output)
    assert answer["head"]["vars"] == ["d"]
    assert answer["results"]["bindings"] == [
        {"d": {"type": "uri", "value": "https://w3id.org/witness/id/ai-weiwei"}}
    ]


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_query_result_formats_parse(store: Path, fmt: str) -> None:
    result = witness(
        "query", "--store", store, "--format", fmt, "SELECT ?s ?name WHERE { ?s schema:name ?name }"
    )
    assert result.exit_code == 0, result.output
    parsed = SparqlResult.parse(io.BytesIO(result.stdout_bytes), format=fmt)
    names = {str(row[1]) for row in parsed}  # type: ignore[index]
    assert names == {"Cockroach", "Ai Weiwei", "A film programme", "The tiny test ontology"}


def test_query_csv_has_header_and_rows(store: Path) -> None:
    result = witness(
        "query",
        "--store",
        store,
        "--format",
        "csv",
        "SELECT ?name WHERE { ?s a schema:Person ; schema:name ?name }",
    )
    assert list(csv.reader(io.StringIO(result.output))) == [["name"], ["Ai Weiwei"]]


def test_ask(store: Path) -> None:
    assert (
        witness("query", "--store", store, "ASK { id:cockroach a schema:Movie }").output == "true\n"
    )
    result = witness(
        "query", "--store", store, "--format", "json", "ASK { id:cockroach a schema:Person }"
    )
    assert json.loads(result.output) == {"head": {}, "boolean": False}


@pytest.mark.parametrize(
    ("fmt", "syntax"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")]
)
def test_construct_formats_parse(store: Path, fmt: str, syntax: str) -> None:
    result = witness("query", "--store", store, "--format", fmt, "DESCRIBE id:cockroach")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format=syntax)
    assert (URIRef(COCKROACH), URIRef("http://schema.org/director"), None) in graph
    assert len(graph) == 3


def test_graph_query_defaults_to_turtle(store: Path) -> None:
    result = witness("query", "--store", store, "CONSTRUCT WHERE { ?s schema:director ?o }")
    assert "id:cockroach schema:director id:ai-weiwei ." in result.output


def test_union_of_graphs_and_graph_keyword(store: Path) -> None:
    query = "SELECT ?g WHERE { GRAPH ?g { id:cockroach schema:director ?d } }"
    result = witness("query", "--store", store, "--format", "csv", query)
    assert result.output.splitlines() == ["g", "https://w3id.org/witness/graph/films"]


def test_query_from_file_and_stdin(store: Path, tmp_path: Path) -> None:
    query = "SELECT ?name WHERE { id:cockroach schema:name ?name }"
    (tmp_path / "q.rq").write_text(query)
    from_file = witness("query", "--store", store, "--format", "csv", f"@{tmp_path / 'q.rq'}")
    from_stdin = witness("query", "--store", store, "--format", "csv", "-", stdin=query)
    assert from_file.stdout_bytes == from_stdin.stdout_bytes == b"name\r\nCockroach\r\n"


def test_missing_query_file(store: Path, tmp_path: Path) -> None:
    result = witness("query", "--store", store, f"@{tmp_path / 'nope.rq'}")
    assert_clean_failure(result, 2, "Cannot read the query file", "nope.rq")


def test_format_that_does_not_fit_the_answer(store: Path) -> None:
    result = witness("query", "--store", store, "--format", "csv", "DESCRIBE id:cockroach")
    assert_clean_failure(
        result, 2, "The format 'csv' cannot hold a graph", "turtle, ntriples, jsonld"
    )


def test_malformed_query_points_at_the_error(store: Path) -> None:
    result = witness("query", "--store", store, "SELECT * WHERE {\n  ?s ?p\n}")
    assert_clean_failure(result, 2, "not valid SPARQL", "error at 3:2", "  3 | }\n    | ^")


def test_query_without_a_store(tmp_path: Path) -> None:
    result = witness("query", "--store", tmp_path / "none", "ASK {}")
    assert_clean_failure(result, 2, "There is no store at", "run 'witness build' first")


def test_store_from_environment(store: Path) -> None:
    result = witness(
        "query", "ASK { id:cockroach a schema:Movie }", env={"WITNESS_STORE": str(store)}
    )
    assert result.output == "true\n"


def test_stats(store: Path) -> None:
    result = witness("stats", "--store", store)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("15 statements in 3 named graphs; 15 distinct facts")
    assert "5  graph:films  from source:programme" in result.output
    assert "1  schema:Movie" in result.output


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "films.nq",
            f'<{COCKROACH}> <http://schema.org/name> "Cockroach" <{GRAPHS}q> .\n',
        ),
        ("films.trig", f'<{COCKROACH}> <http://schema.org/name> "Cockroach" .\n'),
        ("films.ttl", f'<{COCKROACH}> <http://schema.org/name> "Cockroach" .\n'),
        ("films.nt", f'<{COCKROACH}> <http://schema.org/name> "Cockroach" .\n'),
    ],
)
def test_build_reads_each_syntax(tmp_path: Path, name: str, text: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / name).write_text(text)
    store = tmp_path / "store"
    result = witness("build", "--store", store, "--no-validate", *inputs(data))
    assert result.exit_code == 0, result.output
    expected = "q" if name.endswith(".nq") else "films"
    answer = witness(
        "query",
        "--store",
        store,
        "--format",
        "csv",
        "SELECT ?g WHERE { GRAPH ?g { id:cockroach ?p ?o } }",
    )
    assert answer.output.splitlines()[1] == f"https://w3id.org/witness/graph/{expected}"


def test_rebuild_swaps_atomically_and_keeps_one_previous_build(store: Path) -> None:
    first = live_build(store)
    for _ in range(3):
        assert witness("build", "--store", store, "--no-validate", *inputs()).exit_code == 0
    assert live_build(store) != first
    assert (store / "current").is_symlink()
    assert len(list((store / "builds").iterdir())) == 2


def test_syntax_error_names_file_and_line(store: Path, tmp_path: Path) -> None:
    before = live_build(store)
    data = tmp_path / "broken"
    shutil.copytree(TINY / "data", data)
    (data / "zz.ttl").write_text(
        '@prefix s: <http://schema.org/> .\n\n<http://a> s:name "x" ;\n  s:name .\n'
    )
    for extra in ([], ["--no-validate"]):
        result = witness("build", "--store", store, *extra, *inputs(data))
        assert_clean_failure(result, 2, "zz.ttl, line 4", "not valid Turtle")
        assert live_build(store) == before
        assert len(list((store / "builds").iterdir())) == 1
    assert (
        witness("query", "--store", store, "ASK { id:cockroach a schema:Movie }").output == "true\n"
    )


def test_shacl_violation_names_focus_property_and_message(store: Path, tmp_path: Path) -> None:
    before = live_build(store)
    data = tmp_path / "broken"
    shutil.copytree(TINY / "data", data)
    films = data / "films.trig"
    films.write_text(
        films.read_text().replace(
            "id:ai-weiwei a schema:Person", "id:ai-weiwei a schema:Organization"
        )
    )
    result = witness("build", "--store", store, *inputs(data))
    assert_clean_failure(
        result,
        1,
        'id:cockroach ("Cockroach")',
        "schema:director",
        "A film's director is a schema:Person",
    )
    assert live_build(store) == before
    validated = witness("validate", *inputs(data))
    assert_clean_failure(validated, 1, 'id:cockroach ("Cockroach")', "[value: id:ai-weiwei]")


def test_validate_conforms_and_gives_the_w3c_report(tmp_path: Path) -> None:
    result = witness("validate", *inputs())
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    report = Graph().parse(
        data=witness("validate", "--format", "turtle", *inputs()).output, format="turtle"
    )
    assert (None, SH.conforms, None) in report


def test_graph_without_a_source_is_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY / "data", data)
    (data / "extra.nt").write_text(f'<{COCKROACH}> <http://schema.org/name> "Cockroach" .\n')
    result = witness("validate", *inputs(data))
    assert_clean_failure(
        result, 1, "graph:extra", "Every named graph is derived from a described source"
    )


@pytest.mark.parametrize("state", ["missing", "empty", "a file"])
def test_unusable_data_directory(store: Path, tmp_path: Path, state: str) -> None:
    data = tmp_path / "data"
    if state == "empty":
        data.mkdir()
        (data / "README.md").write_text("not RDF")
    elif state == "a file":
        data.write_text("")
    before = live_build(store)
    for command in (["build", "--store", store], ["validate"]):
        result = witness(*command, *inputs(data))
        reason = {
            "missing": "does not exist",
            "empty": "holds no RDF file",
            "a file": "is not a directory",
        }
        assert_clean_failure(result, 2, f"The data directory {data}", reason[state])
    assert live_build(store) == before


def test_unwritable_store_location(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    result = witness("build", "--store", blocker / "store", *inputs())
    assert_clean_failure(
        result, 2, f"Cannot write the store at {blocker / 'store'}", "Not a directory"
    )


def test_one_build_at_a_time(store: Path) -> None:
    before = live_build(store)
    with (store / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = witness("build", "--store", store, *inputs())
    assert_clean_failure(result, 2, f"Another build is running on {store}")
    assert live_build(store) == before


def test_from_clause_selects_the_dataset(store: Path) -> None:
    query = "SELECT (COUNT(*) AS ?n) {} "
    films = witness(
        "query",
        "--store",
        store,
        "--format",
        "csv",
        query.replace("{}", "FROM graph:films { ?s ?p ?o }"),
    )
    union = witness(
        "query", "--store", store, "--format", "csv", query.replace("{}", "{ ?s ?p ?o }")
    )
    assert films.output.splitlines() == ["n", "5"]
    assert union.output.splitlines() == ["n", "15"]


def test_relative_iris_resolve_against_the_base(store: Path) -> None:
    result = witness("query", "--store", store, "ASK { <id/cockroach> a schema:Movie }")
    assert result.output == "true\n"


def test_search_prints_ranked_hits(tmp_path: Path) -> None:
    """``witness search`` reads the browser's index (made by the build) and prints the best
    hits, case and accents aside, with their types and IRIs."""
    store = tmp_path / "store"
    assert witness("build", "--store", store).exit_code == 0
    result = witness("search", "VACLAV havel", "--store", store)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1 result for 'VACLAV havel'"
    assert lines[1] == "  1. Václav Havel Prize for Creative Dissent  (award)"
    assert lines[2] == "     id:vaclav-havel-prize-for-creative-dissent"
    typed = witness("search", "corona", "--type", "schema:Movie", "--store", store)
    assert "1. Coronation  (film)" in typed.output
    nothing = witness("search", "zzzqqq", "--store", store)
    assert nothing.exit_code == 0 and nothing.output.startswith("0 results")


def test_search_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    assert_clean_failure(witness("search", "x", "--store", tmp_path / "none"), 2, "witness build")


def _on_a_terminal(*args: str | Path) -> str:
    """Run ``witness ARGS`` with its standard error on a pseudo-terminal; what it wrote."""
    main_end, terminal = pty.openpty()
    command = [str(Path(sys.executable).parent / "witness"), *map(str, args)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    written = b""
    with contextlib.suppress(OSError):  # EIO once the process has closed the terminal
        while chunk := os.read(main_end, 65536):
            written += chunk
    os.close(main_end)
    assert process.wait(timeout=120) == 0, written
    return written.decode(errors="replace")


def test_build_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    shown = _on_a_terminal("build", "--store", tmp_path / "s", *inputs())
    assert "Reading" in shown and "Validating" in shown and "Loading" in shown
    assert "Counting" in shown and "100%" in shown and "statements" in shown
    quiet = _on_a_terminal("build", "--quiet", "--store", tmp_path / "s", *inputs())
    assert "Reading" not in quiet and quiet == ""
    piped = witness("build", "--store", tmp_path / "s", *inputs())
    assert "Reading" not in piped.output
