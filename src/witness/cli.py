"""The ``witness`` command: a thin layer that parses options, calls the core, prints.

Exit codes (as pySHACL's): 0 success (or the data conforms), 1 the data does not conform to
the shapes, 2 an error (bad input, missing store, invalid query); the message says what and
where, without a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, TypeVar

import click

from witness import __version__
from witness.browse import derivers
from witness.browse.exports import FORMATS as GRAPH_FORMATS
from witness.browse_commands import AROUND, HOPS, export_graph
from witness.browse_commands import path as browse_path
from witness.browse_commands import search as browse_search
from witness.dataset.build import BuildResult
from witness.dataset.build import build as build_store
from witness.dataset.derived import ensure
from witness.dataset.engine import engine
from witness.dataset.manifest import Freshness, freshness
from witness.dataset.stats import stats as store_stats
from witness.dataset.store import StoreLocation
from witness.dataset.validation import validate as validate_dirs
from witness.errors import NotConforming, WitnessError
from witness.formats import GRAPHS
from witness.iris import Iris, compact
from witness.progress import Bar, Lines, Progress
from witness.publish.dumps import export as export_dataset
from witness.publish.dumps import replacing
from witness.settings import CREDENTIALS, ENV_PREFIX, REMOTE, Settings, documented
from witness.sparql.query import open_store, query_text, run
from witness.sparql.results import FORMATS, write

F = TypeVar("F", bound=Callable[..., Any])
HELP = documented()
SETTINGS = {spec.name: spec for spec in fields(Settings)}


class _Failed(click.ClickException):
    """An error: exit code 2."""

    exit_code = 2


class _DoesNotConform(click.ClickException):
    """The data does not conform to the shapes: exit code 1, as pySHACL."""

    exit_code = NotConforming.exit_code


class WitnessGroup(click.Group):
    """Translates :class:`WitnessError` into one clear message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NotConforming as error:
            raise _DoesNotConform(str(error)) from None
        except WitnessError as error:
            raise _Failed(str(error)) from None


def _setting(setting: str, flag: str | None = None) -> Callable[[F], F]:
    """An option for a setting, with its help, default and environment variable."""
    spec = SETTINGS[setting]
    if spec.default is MISSING:
        kind: Any = click.Path(path_type=Path)
        default = spec.default_factory()  # type: ignore[operator]  # default-factory fields
    else:
        kind, default = type(spec.default), spec.default
    return click.option(
        f"--{flag or setting.replace('_', '-')}",
        setting,
        type=kind,
        envvar=f"{ENV_PREFIX}{setting.upper()}",
        show_envvar=True,
        help=f"{HELP[setting]} [default: {default}]",
    )


def _options(*settings: str | tuple[str, str]) -> Callable[[F], F]:
    """Options for several settings; a tuple gives the setting and its option name."""

    def decorate(command: F) -> F:
        for item in reversed(settings):
            setting, flag = item if isinstance(item, tuple) else (item, None)
            command = _setting(setting, flag)(command)
        return command

    return decorate


INPUTS = (("ontology_dir", "ontology"), ("data_dir", "data"), ("shapes_dir", "shapes"))


def _settings(**options: Any) -> Settings:
    """The settings of the options given, and the credentials of the environment."""
    secrets = {name: os.environ.get(f"{ENV_PREFIX}{name.upper()}") for name in CREDENTIALS}
    given = {k: v for k, v in options.items() if k in SETTINGS}
    return Settings().with_changes(**given, **secrets)


QUIET = click.option(
    "--quiet", "-q", is_flag=True, help="No progress (there is none unless stderr is a terminal)."
)


def _progress(quiet: bool) -> Progress:
    """A live progress bar on standard error if it is a terminal, else nothing."""
    return Bar(sys.stderr) if sys.stderr.isatty() and not quiet else Progress()


@click.group(cls=WitnessGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="witness")
def main() -> None:
    """Witness: a knowledge graph of artists, films, events and institutions.

    \b
    Example:
      witness build
      witness query 'SELECT ?film WHERE { ?film schema:director id:ai-weiwei }'
    """


@main.command()
@_options("store", "base_iri", *INPUTS, *REMOTE)
@click.option(
    "--no-validate", is_flag=True, help="Skip SHACL validation (for bulk loads of trusted data)."
)
@QUIET
def build(no_validate: bool, quiet: bool, **options: Any) -> None:
    """Validate the data and build a new store, swapped in only when complete.

    Reads the ontology and every RDF file of the data directory (TriG, N-Quads, Turtle,
    N-Triples, RDF/XML, JSON-LD); triples outside a named graph go to a graph named after
    their file; each statement also goes into the default graph, the merge of all graphs,
    which holds each fact once. A failed build leaves the live store as it was. On a terminal,
    each stage shows its progress, rate and time left.

    \b
    Example:
      witness build --store /tmp/witness --data ./data
    """
    settings = _settings(**options)
    result = _build(settings, validate=not no_validate, progress=_progress(quiet))
    _report(result, settings)


def _build(settings: Settings, *, validate: bool = True, progress: Progress) -> BuildResult:
    """A build with everything the browser derives from it (its search index...)."""
    return build_store(
        settings,
        validate=validate,
        derivers=derivers(Iris(settings.base_iri), engine(settings)),
        progress=progress,
    )


def _report(result: BuildResult, settings: Settings) -> None:
    checked = "validated, " if result.validated else "not validated, "
    click.echo(
        f"Built {result.quads:,} statements in {result.graphs} named graphs, "
        f"{result.facts:,} distinct facts, from {result.files} files "
        f"({checked}{result.seconds:.1f} s) into {settings.store}."
    )


@main.command()
@_options("base_iri", *INPUTS)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle"]),
    default="text",
    show_default=True,
    help="text: results grouped by focus node; turtle: the W3C SHACL validation report.",
)
@QUIET
def validate(fmt: str, quiet: bool, **options: Any) -> None:
    """Check the ontology and data against the SHACL shapes.

    Exits 0 if the data conforms, 1 if it does not, 2 on error (as pySHACL).

    \b
    Example:
      witness validate --data ./data --format turtle
    """
    settings = _settings(**options)
    report = validate_dirs(
        settings.ontology_dir,
        settings.data_dir,
        settings.shapes_dir,
        base_iri=settings.base_iri,
        progress=_progress(quiet),
    )
    if fmt == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    else:
        click.echo(report.text(Iris(settings.base_iri).prefixes()))
    if not report.conforms:
        sys.exit(NotConforming.exit_code)


@main.command()
@_options("store", "base_iri", *REMOTE)
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="table, csv, tsv, json (W3C SPARQL results JSON), xml for SELECT and ASK; "
    "turtle, ntriples, jsonld for CONSTRUCT and DESCRIBE. [default: table or turtle]",
)
def query(query: str, fmt: str | None, **options: Any) -> None:
    """Run a SPARQL query over all graphs and print the answer.

    QUERY is the query text, @FILE to read it from a file, or - to read standard input.
    Common prefixes (schema, wit, id, graph, source, rdfs, xsd, prov, ...) are declared.

    \b
    Example:
      witness query 'SELECT ?film ?minutes WHERE { ?film wit:runtimeMinutes ?minutes }'
      witness query @films.rq --format csv
    """
    settings = _settings(**options)
    text = query_text(query, sys.stdin)
    prefixes = Iris(settings.base_iri).prefixes()
    store = open_store(settings, timeout=settings.query_timeout)
    write(run(store, text, prefixes, settings.base_iri), sys.stdout.buffer, fmt, prefixes)


@main.command()
@_options("store", "base_iri", *INPUTS, *REMOTE)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@_options(
    ("query_timeout", "timeout"),
    "query_workers",
    "web_workers",
    "web_threads",
    "max_query_bytes",
    "max_query_depth",
    "max_body_bytes",
    "max_query_memory",
    "max_client_queries",
    "max_client_connections",
    "client_timeout",
    "answer_cache",
    "html_max_rows",
)
def serve(host: str, port: int, **options: Any) -> None:
    """Serve the web app and SPARQL endpoint (building the store first if need be).

    Builds the store first if there is none, or if the ontology, data or shapes it was built
    from have changed since (a store built from other directories is served as it is, with a
    word saying so). Runs gunicorn with threaded workers; queries run in a pool of worker
    processes, each stopped when it passes its deadline.

    \b
    Example:
      witness serve --host 0.0.0.0 --port 8000 --timeout 10
    """
    from witness.web.server import serve as run_server

    settings = _settings(**options)
    state, manifest = freshness(settings)
    if state is Freshness.MISSING:
        click.echo(f"No store at {settings.store} yet: building it from {settings.data_dir}.")
        _report(_build(settings, progress=Lines(sys.stderr)), settings)
    elif state is Freshness.STALE:
        validate = manifest.validated if manifest else True
        click.echo(
            f"The store at {settings.store} was built from older data than "
            f"{settings.data_dir} holds now (or by an older Witness): rebuilding it."
        )
        _report(_build(settings, validate=validate, progress=Lines(sys.stderr)), settings)
    elif manifest is not None:
        click.echo(
            f"Serving {manifest.statements:,} statements ({manifest.facts:,} distinct facts) "
            f"in {manifest.graphs} named graphs from {settings.store}."
        )
        if state is Freshness.OTHER:
            click.echo(
                f"It was built from {manifest.data_dir}, not {settings.data_dir}: "
                "'witness build' with the same --data rebuilds it."
            )
    for deriver in derivers(
        Iris(settings.base_iri), engine(settings)
    ):  # made now if an older build lacks them
        ensure(StoreLocation(settings.store), deriver, log=click.echo)
    run_server(settings, host, port)


@main.command()
@_options("store", "base_iri")
def stats(**options: Any) -> None:
    """Count the statements: in all, per named graph (with its source), per class.

    A fact that two documents state is two statements (one in each document's graph) and
    one fact of the default graph.

    \b
    Example:
      witness stats --store /tmp/witness
    """
    settings = _settings(**options)
    prefixes = Iris(settings.base_iri).prefixes()
    counts = store_stats(StoreLocation(settings.store).open_read_only())
    click.echo(
        f"{counts.quads:,} statements in {len(counts.graphs)} named graphs; "
        f"{counts.facts:,} distinct facts in the default graph\n"
    )
    click.echo("Statements per graph:")
    for graph in counts.graphs:
        source = f"  from {compact(graph.source, prefixes)}" if graph.source else ""
        click.echo(f"  {graph.triples:>10,}  {compact(graph.graph, prefixes)}{source}")
    click.echo("\nResources per class:")
    for cls, count in counts.classes:
        click.echo(f"  {count:>10,}  {compact(cls, prefixes)}")


@main.command()
@_options("store", "base_iri")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*GRAPHS, *GRAPH_FORMATS]),
    required=True,
    help="nquads and trig keep the named graphs; turtle, ntriples and rdfxml hold the "
    "default graph (their merge, each fact once); jsonld keeps them as graph objects. "
    "graphml, gexf (for Gephi, with each entity's start and end), csv-nodes and csv-edges "
    "hold the graph of the links between entities.",
)
@AROUND
@HOPS
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write, replaced only when complete. [default: standard output]",
)
@click.option("--gzip", "compress", is_flag=True, help="Compress the output with gzip.")
@QUIET
def export(
    fmt: str,
    output: Path | None,
    compress: bool,
    around: str,
    hops: int,
    quiet: bool,
    **options: Any,
) -> None:
    """Write the whole dataset in one RDF syntax, streamed from the store; or the graph of
    the links between entities (or one entity's neighbourhood) for Gephi and spreadsheets.

    The RDF output is byte for byte the dump the server publishes at /dumps/witness.EXT
    (and /dumps/witness.EXT.gz with --gzip). On a terminal, a graph export shows its
    progress.

    \b
    Example:
      witness export --format nquads --output witness.nq
      witness export --format turtle --gzip > witness.ttl.gz
      witness export --format gexf --output witness.gexf
      witness export --format graphml --around ai-weiwei --hops 2 --output ai-weiwei.graphml
    """
    settings = _settings(**options)
    location, iris = StoreLocation(settings.store), Iris(settings.base_iri)
    if fmt in GRAPH_FORMATS:
        if compress:
            raise click.UsageError("--gzip is for the RDF formats.")
        export_graph(settings, fmt, output, around, hops)
        return
    if around:
        raise click.UsageError("--around is for the graph formats (graphml, gexf, csv-...).")
    progress = _progress(quiet)
    if output is None:
        export_dataset(
            location, GRAPHS[fmt], sys.stdout.buffer, iris, compressed=compress, progress=progress
        )
        return
    with replacing(output) as out:
        export_dataset(location, GRAPHS[fmt], out, iris, compressed=compress, progress=progress)


for command in (browse_search, browse_path):
    main.add_command(_options("store", "base_iri")(command))
