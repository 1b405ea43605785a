"""The browser's commands, for :mod:`witness.cli` (which gives them their store options):
``witness search``, ``witness path`` and the graph formats of ``witness export`` (whose
options it parses): the live build's projection and
index made first if missing, entities named by slug, IRI or name, answers and files written
to a terminal or a file, with a progress bar on a terminal."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from witness.browse import derivers
from witness.browse.answers import CSV_HEADER, as_json, lines, rows, selection
from witness.browse.catalog import Catalog
from witness.browse.dates import period
from witness.browse.ends import avoided, choose
from witness.browse.exports import FORMATS as GRAPH_FORMATS
from witness.browse.exports import export, write
from witness.browse.labels import Labels
from witness.browse.paths import DEFAULT_K, DEFAULT_LENGTH, MAX_K, MAX_LENGTH, Request, connect
from witness.browse.projection import Projection, ProjectionDeriver
from witness.browse.search import MAX_PAGE_SIZE
from witness.browse.search import search as search_index
from witness.dataset.derived import ensure
from witness.dataset.store import StoreLocation
from witness.errors import BadRequest
from witness.iris import Iris, compact
from witness.progress import Bar, Progress
from witness.publish.dumps import replacing
from witness.settings import Settings

AROUND = click.option(
    "--around",
    default="",
    help="With a graph format: only this entity's neighbourhood (a slug, IRI or name).",
)
HOPS = click.option(
    "--hops",
    default=1,
    show_default=True,
    type=click.IntRange(1, 10),
    help="With --around: how many steps from the entity.",
)


def _terminal_progress() -> Progress:
    """A live progress bar on standard error if it is a terminal, else none."""
    return Bar(sys.stderr) if sys.stderr.isatty() else Progress()


def _projection(settings: Settings) -> tuple[Projection, Catalog]:
    """The live build's graph projection and browser's index, made first if missing."""
    iris = Iris(settings.base_iri)
    location = StoreLocation(settings.store)
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    catalog = Catalog(ensure(location, derivers(iris)[0], log=say))
    return Projection.load(ensure(location, ProjectionDeriver(iris), log=say)), catalog


def _entity(text: str, projection: Projection, catalog: Catalog, iris: Iris) -> str:
    """The entity a slug, IRI or name names; an error listing the candidates otherwise."""
    found = choose(text, "", projection, catalog, Labels(catalog, iris), iris)
    if found.iri:
        return found.iri
    if found.candidates:
        names = "\n".join(f"  {c.text}  <{c.iri}>" for c in found.candidates)
        raise BadRequest(f"'{text}' may be any of these; give its slug or IRI:\n{names}")
    raise BadRequest(f"No entity linked to others is called '{text}'.")


def export_graph(settings: Settings, fmt: str, output: Path | None, around: str, hops: int) -> None:
    """``witness export`` of a graph format: the whole projection or a neighbourhood, to
    ``output`` (replaced only when complete) or standard output."""
    iris = Iris(settings.base_iri)
    progress = _terminal_progress()
    with progress.stage("Loading the graph projection"):
        projection, catalog = _projection(settings)
    centre = _entity(around, projection, catalog, iris) if around else ""
    if output is None:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        export(projection, fmt, out, progress, centre, hops)
        out.flush()
        out.detach()
        return
    with replacing(output) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        chosen = export(projection, fmt, text, progress, centre, hops)
        text.flush()
        text.detach()
    click.echo(
        f"Wrote {len(chosen.nodes):,} entities and {len(chosen.statements):,} statements "
        f"to {output}.",
        err=True,
    )


@click.command()
@click.argument("entities", nargs=-1, required=True)
@click.option(
    "--k",
    default=DEFAULT_K,
    show_default=True,
    type=click.IntRange(1, MAX_K),
    help="How many paths, shortest first.",
)
@click.option(
    "--max-length",
    default=DEFAULT_LENGTH,
    show_default=True,
    type=click.IntRange(1, MAX_LENGTH),
    help="Most steps of a path.",
)
@click.option(
    "--exclude",
    multiple=True,
    help="An entity (slug or IRI) or property (IRI or CURIE, schema:sponsor) to avoid; repeatable.",
)
@click.option("--from", "start", default="", help="Only through entities active from (2008).")
@click.option("--to", "end", default="", help="Only through entities active until (2021-03).")
@click.option(
    "--through-hubs",
    is_flag=True,
    help="Also pass through hubs (entities with more than 1,000 links, genres, nationalities).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", *GRAPH_FORMATS]),
    default="text",
    show_default=True,
    help="text for people; json and csv (a row per statement); graphml, gexf, csv-nodes "
    "and csv-edges for other tools.",
)
def path(
    entities: tuple[str, ...],
    k: int,
    max_length: int,
    exclude: tuple[str, ...],
    start: str,
    end: str,
    through_hubs: bool,
    fmt: str,
    **options: Any,
) -> None:
    """Show how entities are connected: the shortest chains of statements between two
    (each step with the documents that state it), or the smallest tree connecting more.

    ENTITIES are slugs, IRIs or names. "No connection within N steps" is an answer
    (exit 0), not an error.

    \b
    Example:
      witness path ai-weiwei carnegie-mellon-university
      witness path "Ai Weiwei" "Wuhan lockdown" --k 3 --exclude schema:about
      witness path ai-weiwei vivos coronation --format json
    """
    settings = Settings().with_changes(**options)
    show_path(settings, entities, k, max_length, exclude, (start, end), through_hubs, fmt)


def show_path(
    settings: Settings,
    entities: tuple[str, ...],
    k: int,
    max_length: int,
    exclude: tuple[str, ...],
    period_: tuple[str, str],
    through_hubs: bool,
    fmt: str,
) -> None:
    """``witness path``: the answer printed in ``fmt``."""
    iris = Iris(settings.base_iri)
    projection, catalog = _projection(settings)
    ends = tuple(_entity(text, projection, catalog, iris) for text in entities)
    window = None
    start, end = period_
    if start or end:
        first = period(start, end=False) if start else "0001-01-01"
        last = period(end, end=True) if end else "9999-12-31"
        if first is None or last is None:
            raise BadRequest("--from and --to take a year (2008), a month (2020-06) or a day.")
        window = (first, last)
    avoid = frozenset(avoided(given, projection, iris) for given in exclude)
    answer = connect(projection, Request(ends, k, max_length, avoid, window, through_hubs))
    if fmt == "text":
        click.echo("\n".join(lines(answer, projection)))
    elif fmt == "json":
        click.echo(json.dumps(as_json(answer, projection, lambda _: ""), ensure_ascii=False))
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(CSV_HEADER)
            writer.writerows(rows(answer, projection))
        else:
            write(projection, selection(answer, projection), fmt, out)
        out.flush()
        out.detach()


@click.command()
@click.argument("text")
@click.option("--type", "kind", default="", help="Only resources of this class (an IRI or CURIE).")
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(1, MAX_PAGE_SIZE), help="Hits."
)
def search(text: str, kind: str, limit: int, **options: Any) -> None:
    """Search names, titles, descriptions and labels; print the best hits first.

    Case and accents do not matter, and each word matches the start of a word, as in the
    browser's search (the same index).

    \b
    Example:
      witness search "vaclav havel"
      witness search corona --type schema:Movie
    """
    settings = Settings().with_changes(**options)
    iris = Iris(settings.base_iri)
    prefixes = iris.prefixes()
    location = StoreLocation(settings.store)
    path = ensure(location, derivers(iris)[0], log=lambda line: click.echo(line, err=True))
    catalog = Catalog(path)
    prefix, colon, local = kind.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        kind = prefixes[prefix] + local
    results = search_index(catalog, Labels(catalog, iris), text, type=kind, size=limit)
    shown = f"{results.total:,} result{'' if results.total == 1 else 's'}"
    click.echo(
        f"{shown} for {text!r}" + (f" of the type {results.type.text}" if results.type else "")
    )
    for number, hit in enumerate(results.hits, 1):
        types = ", ".join(t.text for t in hit.types)
        click.echo(f"{number:>3}. {hit.entity.text}" + (f"  ({types})" if types else ""))
        click.echo(f"     {compact(hit.entity.iri, prefixes)}")
