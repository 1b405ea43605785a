"""``witness path`` and the graph formats of ``witness export`` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from witness.cli import main

ID = "https://w3id.org/witness/id/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built by ``witness build`` (which makes the projection with it)."""
    path = tmp_path_factory.mktemp("cli-graph") / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(path), "--no-validate"])
    assert result.exit_code == 0, result.output
    return path


def witness(store: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--store", str(store), *args[1:]])


def test_path_prints_each_step_with_its_sources(store: Path) -> None:
    result = witness(store, "path", "ai-weiwei", "carnegie-mellon-university", "--k", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 paths of 4 steps."
    assert "  Ai Weiwei <-[director]- The Rest" in lines
    assert any("stated by Weiwei Continues Focus on Refugees" in line for line in lines)


def test_path_takes_names_and_says_no_connection(store: Path) -> None:
    result = witness(store, "path", "Ai Weiwei", "Carnegie Mellon University", "--max-length", "2")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No connection within 2 steps."


def test_path_with_three_entities_and_exclusions(store: Path) -> None:
    ends = ("ai-weiwei", "vivos", "wuhan-lockdown")
    result = witness(store, "path", *ends, "--exclude", "wit:remoteDirector")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("A tree of ")
    assert "remote director" not in result.output
    assert "remote director" in witness(store, "path", *ends).output


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("ai", "vivos"), ("'ai' may be any of these", f"<{ID}ai-weiwei>")),
        (("ai-weiwei", "vivos", "--k", "21"), ("--k", "21 is not in the range 1<=x<=20")),
        (("ai-weiwei", "vivos", "--max-length", "11"), ("11 is not in the range 1<=x<=10",)),
        (("ai-weiwei", "vivos", "--exclude", "nothing"), ("'nothing' to avoid",)),
        (("ai-weiwei", "vivos", "--from", "soon"), ("--from and --to take a year",)),
        (("ai-weiwei",), ("two different entities",)),
    ],
)
def test_path_refuses_clearly(
    store: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    result = witness(store, "path", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def test_path_as_json_csv_and_graphml(store: Path, tmp_path: Path) -> None:
    body = json.loads(witness(store, "path", "ai-weiwei", "vivos", "--format", "json").output)
    assert body["found"] and body["paths"][0]["nodes"][-1]["iri"] == ID + "vivos"
    rows = list(
        csv.reader(
            io.StringIO(witness(store, "path", "ai-weiwei", "vivos", "--format", "csv").output)
        )
    )
    assert rows[0][0] == "path" and rows[1][3] == "Vivos"
    graphml = witness(store, "path", "ai-weiwei", "vivos", "--format", "graphml").output
    assert graphml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml')


def test_export_shows_progress_on_a_terminal(store: Path, tmp_path: Path) -> None:
    """Run under a pseudo-terminal, the export draws rich's bar on standard error."""
    script = (
        "import pty, sys; sys.exit(pty.spawn([sys.argv[1], 'export', '--store', sys.argv[2], "
        "'--format', 'gexf', '--output', sys.argv[3]]) >> 8)"
    )
    witness_ = str(Path(sys.executable).parent / "witness")
    out = tmp_path / "all.gexf"
    done = subprocess.run(
        [sys.executable, "-c", script, witness_, str(store), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout
    assert "Writing GEXF" in done.stdout and "nodes and edges" in done.stdout
    assert "Wrote " in done.stdout and out.read_text(encoding="utf-8").endswith("</gexf>\n")
