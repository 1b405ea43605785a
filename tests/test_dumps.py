"""Dumps as a client gets them: ``/dumps/``, ``witness export``, and ``/context.jsonld``.

Each dump is fetched over real HTTP from a real server and read by a second, independent
parser: Debian's ``rapper`` (raptor2) for Turtle, N-Triples, N-Quads, TriG and RDF/XML, pyld
for JSON-LD. What it reads must be the store's content: per named graph for the syntaxes that
keep graphs, the union of the graphs for the others (compared with rdflib's isomorphism, so
blank nodes may be relabelled).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from pyld import jsonld as pyld
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from witness.cli import main
from witness.convert import triples_into
from witness.dataset.build import build
from witness.formats import GRAPHS
from witness.iris import Iris
from witness.jsonld import context
from witness.publish.dumps import file_name
from witness.settings import DEFAULT_BASE_IRI, Settings

if TYPE_CHECKING:
    from conftest import LiveServer

TINY = Path(__file__).parent / "data" / "tiny"
RAPPER = {name: name for name in ("turtle", "ntriples", "nquads", "trig", "rdfxml")}
"""rapper's name of each syntax (``-i``): ours, as it happens."""
IDENTITY = {"Accept-Encoding": "identity"}
"""Ask for the file's bytes as they are (requests asks for gzip unless told otherwise)."""

# rdflib's N-Quads parser still uses its deprecated Dataset API.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dataset.default_context is deprecated:DeprecationWarning"
)


def fetch(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> requests.Response:
    """Ask until the file is made: 503 with Retry-After means it is being made."""
    deadline = time.monotonic() + 120
    while True:
        response = requests.request(method, url, headers=headers or IDENTITY, timeout=60)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        assert response.headers["Retry-After"].isdigit()
        time.sleep(0.2)


def rapper() -> str:
    """The path of ``rapper``; its absence fails the test in CI and skips it elsewhere."""
    found = shutil.which("rapper")
    if found is None:
        message = "rapper is missing: apt-get install -y raptor2-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def read_with_rapper(data: bytes, syntax: str, tmp_path: Path) -> bytes:
    """N-Quads of what ``rapper`` reads in ``data`` (N-Triples for a triple syntax)."""
    source = tmp_path / f"dump.{syntax}"
    source.write_bytes(data)
    done = subprocess.run(
        [rapper(), "-q", "-i", syntax, "-o", "nquads", str(source), DEFAULT_BASE_IRI],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def graphs_of(nquads: bytes) -> dict[str, Graph]:
    """Each named graph of an N-Quads document (rdflib's parser), by name."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    found: dict[str, Graph] = {}
    for graph in dataset.graphs():
        if len(graph):
            found[str(graph.identifier)] = Graph().__iadd__(graph)
    return found


def union_of(nquads: bytes) -> Graph:
    return Graph().parse(data=nquads, format="nt")


@pytest.fixture(scope="module")
def expected(bundled_store: ox.Store) -> dict[str, Graph]:
    """The store's content as rdflib graphs, by graph name."""
    graphs: dict[str, Graph] = {}
    for name in bundled_store.named_graphs():
        quads = bundled_store.quads_for_pattern(None, None, None, name)
        graphs[name.value] = triples_into(Graph(), quads)
    return graphs


@pytest.fixture(scope="module")
def expected_union(expected: dict[str, Graph]) -> Graph:
    union = Graph()
    for graph in expected.values():
        union += graph
    return union


@pytest.fixture(scope="module")
def dumps(live_server: LiveServer) -> str:
    return live_server.url + "/dumps/"


def test_the_store_states_some_triples_in_two_graphs(
    expected: dict[str, Graph], expected_union: Graph
) -> None:
    """The union dumps are only worth testing for duplicates if there are some."""
    assert sum(len(g) for g in expected.values()) > len(expected_union)


@pytest.mark.parametrize("name", ["turtle", "ntriples", "rdfxml"])
def test_triple_dumps_hold_the_union_of_the_graphs(
    dumps: str, name: str, expected_union: Graph, tmp_path: Path
) -> None:
    fmt = GRAPHS[name]
    response = fetch(dumps + file_name(fmt))
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    read = read_with_rapper(response.content, RAPPER[name], tmp_path)
    assert len(read.splitlines()) == len(expected_union), "each triple once"
    assert isomorphic(union_of(read), expected_union)


@pytest.mark.parametrize("name", ["nquads", "trig"])
def test_quad_dumps_keep_every_named_graph(
    dumps: str, name: str, expected: dict[str, Graph], tmp_path: Path
) -> None:
    fmt = GRAPHS[name]
    response = fetch(dumps + file_name(fmt))
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    read = graphs_of(read_with_rapper(response.content, RAPPER[name], tmp_path))
    assert read.keys() == expected.keys()
    for graph, content in expected.items():
        assert isomorphic(read[graph], content), graph


def test_jsonld_dump_keeps_every_named_graph(dumps: str, expected: dict[str, Graph]) -> None:
    response = fetch(dumps + "witness.jsonld")
    assert response.headers["Content-Type"].split(";")[0] == "application/ld+json"
    document = response.json()
    assert document["@context"] == context(Iris(DEFAULT_BASE_IRI).prefixes())
    expanded = pyld.expand(document)
    nquads = pyld.to_rdf(expanded, {"format": "application/n-quads"})
    read = graphs_of(nquads.encode())
    assert read.keys() == expected.keys()
    for graph, content in expected.items():
        assert isomorphic(read[graph], content), graph


@pytest.mark.parametrize("name", list(GRAPHS))
def test_gzip_variant_holds_the_same_bytes(dumps: str, name: str) -> None:
    plain = fetch(dumps + file_name(GRAPHS[name]))
    packed = fetch(dumps + file_name(GRAPHS[name], compressed=True))
    assert packed.headers["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in packed.headers
    assert gzip.decompress(packed.content) == plain.content


def test_clients_that_accept_gzip_get_the_ready_made_file(dumps: str) -> None:
    plain = fetch(dumps + "witness.nt")
    encoded = fetch(dumps + "witness.nt", {"Accept-Encoding": "gzip"})
    packed = fetch(dumps + "witness.nt.gz")
    assert encoded.headers["Content-Encoding"] == "gzip"
    assert encoded.headers["Content-Type"].split(";")[0] == "application/n-triples"
    assert encoded.headers["Content-Length"] == packed.headers["Content-Length"]
    assert encoded.headers["ETag"] != plain.headers["ETag"]
    assert encoded.content == plain.content  # requests decodes it
    assert "Accept-Encoding" in encoded.headers["Vary"]


def test_validators_and_conditional_requests(dumps: str) -> None:
    url = dumps + "witness.ttl"
    first = fetch(url)
    assert first.headers["Content-Length"] == str(len(first.content))
    assert first.headers["Accept-Ranges"] == "bytes"
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert tag.startswith('"')
    again = requests.get(url, headers={"If-None-Match": tag, **IDENTITY}, timeout=30)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == tag
    since = requests.get(url, headers={"If-Modified-Since": modified, **IDENTITY}, timeout=30)
    assert since.status_code == 304
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    old = requests.get(url, headers={"If-Modified-Since": earlier, **IDENTITY}, timeout=30)
    assert old.status_code == 200
    other = requests.get(url, headers={"If-None-Match": '"other"', **IDENTITY}, timeout=30)
    assert other.status_code == 200


def test_head_and_ranges(dumps: str) -> None:
    url = dumps + "witness.nq"
    whole = fetch(url)
    head = fetch(url, method="HEAD")
    assert head.status_code == 200
    assert head.content == b""
    for header in ("Content-Length", "ETag", "Last-Modified", "Content-Type"):
        assert head.headers[header] == whole.headers[header]
    part = requests.get(url, headers={"Range": "bytes=100-199", **IDENTITY}, timeout=30)
    assert part.status_code == 206
    assert part.content == whole.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"


def test_unknown_dump_is_404(dumps: str) -> None:
    assert requests.get(dumps + "witness.n3", timeout=30).status_code == 404
    assert requests.get(dumps + "other.ttl", timeout=30).status_code == 404


def test_index_lists_every_dump_with_its_size(dumps: str) -> None:
    fetch(dumps + "witness.nq")  # all dumps of a build are made together
    listing = fetch(dumps, {"Accept": "application/json"}).json()
    assert [entry["format"] for entry in listing["dumps"]] == list(GRAPHS)
    for entry in listing["dumps"]:
        fmt = GRAPHS[entry["format"]]
        assert entry["mediaType"] == fmt.media_type
        assert entry["url"] == dumps + file_name(fmt)
        assert entry["gzip"]["url"] == dumps + file_name(fmt, compressed=True)
        assert entry["gzip"]["mediaType"] == "application/gzip"
        assert int(fetch(entry["url"]).headers["Content-Length"]) == entry["bytes"]
        assert len(fetch(entry["gzip"]["url"]).content) == entry["gzip"]["bytes"]
    assert fetch(listing["void"]).status_code == 200
    assert fetch(listing["context"]).status_code == 200


def test_index_is_a_page_for_browsers(dumps: str) -> None:
    fetch(dumps + "witness.nq")
    page = requests.get(dumps, headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Accept" in page.headers["Vary"]
    for fmt in GRAPHS.values():
        assert f'href="/dumps/{file_name(fmt)}"' in page.text
        assert f'href="/dumps/{file_name(fmt, compressed=True)}"' in page.text


def test_context_is_published(live_server: LiveServer) -> None:
    response = requests.get(live_server.url + "/context.jsonld", timeout=30)
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.json() == {"@context": context(Iris(DEFAULT_BASE_IRI).prefixes())}


def export(*args: str | Path) -> bytes:
    result = CliRunner().invoke(main, ["export", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.embedded_only("it exports the embedded server's own build to compare byte for byte")
@pytest.mark.parametrize("name", list(GRAPHS))
def test_export_writes_the_served_dump(
    name: str, dumps: str, bundled_settings: Settings, tmp_path: Path
) -> None:
    fmt, store = GRAPHS[name], bundled_settings.store
    served = fetch(dumps + file_name(fmt)).content
    assert export("--store", store, "--format", name) == served
    packed = fetch(dumps + file_name(fmt, compressed=True)).content
    assert export("--store", store, "--format", name, "--gzip") == packed
    target = tmp_path / "out" / file_name(fmt)
    target.parent.mkdir()
    assert export("--store", store, "--format", name, "--output", target) == b""
    assert target.read_bytes() == served
    assert list(target.parent.iterdir()) == [target], "no temporary file left behind"


def test_export_failures_are_clean(tmp_path: Path, bundled_settings: Settings) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["export", "--store", str(tmp_path), "--format", "turtle"])
    assert missing.exit_code == 2
    assert "There is no store" in missing.output
    unwritable = runner.invoke(
        main,
        [
            "export",
            "--store",
            str(bundled_settings.store),
            "--format",
            "turtle",
            "--output",
            str(tmp_path / "no" / "such" / "dir.ttl"),
        ],
    )
    assert unwritable.exit_code == 2
    assert "Cannot write" in unwritable.output
    assert "Traceback" not in unwritable.output


def test_export_needs_a_known_format() -> None:
    result = CliRunner().invoke(main, ["export", "--format", "n3"])
    assert result.exit_code == 2
    assert "turtle" in result.output


def tiny_settings(root: Path, data: Path) -> Settings:
    return Settings(
        store=root / "store",
        ontology_dir=TINY / "ontology",
        shapes_dir=TINY / "shapes",
        data_dir=data,
    )


def test_dumps_follow_each_build(tmp_path: Path, serve: Callable[..., LiveServer]) -> None:
    """A new build gets new dumps (new ETag, new content); old builds' dumps are pruned.

    The server's deadline is tiny, so the first request cannot wait for the producer: it
    must get 503 with Retry-After, and the file once made.
    """
    data = tmp_path / "data"
    shutil.copytree(TINY / "data", data)
    settings = tiny_settings(tmp_path, data)
    build(settings)
    server = serve(settings.store, "--timeout", "0.01")
    url = server.url + "/dumps/witness.nt"
    first = requests.get(url, headers=IDENTITY, timeout=30)
    assert first.status_code == 503
    assert int(first.headers["Retry-After"]) > 0
    before = fetch(url)
    assert before.status_code == 200
    assert b"Vivos" not in before.content

    vivos = (
        "@prefix schema: <http://schema.org/> . @prefix id: <https://w3id.org/witness/id/> .\n"
        "@prefix graph: <https://w3id.org/witness/graph/> .\n"
        'graph:films { id:vivos a schema:Movie ; schema:name "Vivos"@en . }\n'
    )
    (data / "more.trig").write_text(vivos)
    build(settings)
    after = fetch(url)
    assert after.status_code == 200
    assert b"Vivos" in after.content
    assert after.headers["ETag"] != before.headers["ETag"]
    assert export("--store", settings.store, "--format", "ntriples") == after.content

    build(settings)  # a third build: the first is pruned, and its dumps with it
    fetch(url)
    builds = sorted(p.name for p in (settings.store / "builds").iterdir())
    assert len(builds) == 2
    assert sorted(p.name for p in (settings.store / "derived").iterdir()) == builds


def test_a_failed_producer_is_reported(tmp_path: Path, serve: Callable[..., LiveServer]) -> None:
    settings = tiny_settings(tmp_path, TINY / "data")
    build(settings)
    live = (settings.store / "current").resolve().name
    (settings.store / "derived" / live / ".lock").mkdir()  # the producer cannot take its lock
    server = serve(settings.store)
    response = requests.get(server.url + "/dumps/witness.ttl", timeout=60)
    assert response.status_code == 500
    assert "Making the dumps of build" in response.text
    assert "Cannot make the dumps" in server.log.read_text()
