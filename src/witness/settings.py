"""Every setting Witness has, with its default and its help text, declared once.

The core takes a :class:`Settings` as an ordinary argument; only the edges (the CLI's
``envvar=`` options, the web app factory) read the environment, through :data:`ENV_PREFIX`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

ENV_PREFIX = "WITNESS_"

DEFAULT_BASE_IRI = "https://w3id.org/witness/"


def bundled(name: str) -> Path:
    """The bundled ``ontology``, ``data`` or ``shapes`` directory.

    A wheel carries them inside the package (``witness/bundled``); a source checkout installed
    in editable mode has them at the top of the repository.
    """
    packaged = Path(str(files("witness"))) / "bundled" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


@dataclass(frozen=True)
class Settings:
    """Configuration of one Witness installation. Fields are documented by their ``help``."""

    base_iri: str = field(
        default=DEFAULT_BASE_IRI,
        metadata={"help": "Base IRI of the dataset: entities are {base}id/{slug}."},
    )
    store: Path = field(
        default_factory=lambda: Path.home() / ".local" / "share" / "witness" / "store",
        metadata={"help": "Directory of the Oxigraph store: its builds and the 'current' link."},
    )
    ontology_dir: Path = field(
        default_factory=lambda: bundled("ontology"),
        metadata={"help": "Directory of the ontology files (Turtle)."},
    )
    data_dir: Path = field(
        default_factory=lambda: bundled("data"),
        metadata={"help": "Directory of the curated data files (TriG, N-Quads, ...)."},
    )
    shapes_dir: Path = field(
        default_factory=lambda: bundled("shapes"),
        metadata={"help": "Directory of the SHACL shapes (Turtle)."},
    )

    store_url: str = field(
        default="",
        metadata={
            "help": "SPARQL 1.1 query endpoint of a remote engine that holds the data (Virtuoso, "
            "Oxigraph, Fuseki...): builds load it, servers ask it; empty: the embedded store."
        },
    )
    update_url: str = field(
        default="",
        metadata={
            "help": "SPARQL 1.1 Update endpoint of that engine, for builds; empty: its query "
            "endpoint."
        },
    )
    graph_store_url: str = field(
        default="",
        metadata={
            "help": "SPARQL 1.1 Graph Store HTTP Protocol endpoint of that engine: builds then "
            "load each graph with one PUT (faster, and the engine's own RDF reader); empty: "
            "INSERT DATA requests to the update endpoint."
        },
    )
    standby_url: str = field(
        default="",
        metadata={
            "help": "Query endpoint of a second engine (or dataset) of the same kind: builds "
            "then load whichever of the two does not hold the live build, and servers switch "
            "to it with the build, so that readers never see a half-loaded build however "
            "large; empty: one engine, switched by graph names (atomic up to about 100 graphs)."
        },
    )
    standby_update_url: str = field(
        default="",
        metadata={
            "help": "SPARQL 1.1 Update endpoint of the second engine; empty: its query endpoint."
        },
    )
    standby_graph_store_url: str = field(
        default="",
        metadata={
            "help": "Graph Store HTTP Protocol endpoint of the second engine; empty: "
            "INSERT DATA requests."
        },
    )
    store_user: str = field(
        default="",
        metadata={
            "help": "User name for the remote engine, if it asks for one (environment only: "
            "WITNESS_STORE_USER)."
        },
    )
    store_password: str = field(
        default="",
        metadata={
            "help": "Password for the remote engine (environment only: WITNESS_STORE_PASSWORD)."
        },
    )

    query_timeout: float = field(
        default=30.0,
        metadata={"help": "Seconds a query may run before it is stopped (its deadline)."},
    )
    query_workers: int = field(
        default=0,
        metadata={
            "help": "Query worker processes per web worker; 0 means two per core (and always "
            "more than max_client_queries)."
        },
    )
    max_query_memory: int = field(
        default=1024,
        metadata={
            "help": "Most memory one query may use, in MB (its worker's data segment); a query "
            "that needs more is stopped (503)."
        },
    )
    max_client_queries: int = field(
        default=4,
        metadata={
            "help": "Queries one client (IP address) may have running or waiting at once "
            "(429 beyond); 0: no limit."
        },
    )
    max_client_connections: int = field(
        default=8,
        metadata={
            "help": "Requests one client (IP address) may have in progress at once, each "
            "being received or answered (429 beyond); 0: no limit."
        },
    )
    client_timeout: float = field(
        default=10.0,
        metadata={
            "help": "Seconds a client may take to send its request, or to take each part of an "
            "answer, before it is cut off."
        },
    )
    web_workers: int = field(
        default=1,
        metadata={"help": "Web server (gunicorn) worker processes."},
    )
    web_threads: int = field(
        default=32,
        metadata={"help": "Threads per web worker: the requests each serves at once."},
    )
    max_query_bytes: int = field(
        default=100_000,
        metadata={"help": "Largest SPARQL request text accepted, in bytes (400 beyond)."},
    )
    max_query_depth: int = field(
        default=64,
        metadata={"help": "Deepest nesting of { ( [ accepted in a query (400 beyond)."},
    )
    max_body_bytes: int = field(
        default=1_000_000,
        metadata={"help": "Largest HTTP request body accepted, in bytes (413 beyond)."},
    )
    answer_cache: int = field(
        default=64,
        metadata={
            "help": "Memory for answers remembered until the next build, in MB per web worker "
            "(0: none); an answer larger than a sixteenth of it is never kept."
        },
    )
    html_max_rows: int = field(
        default=1_000,
        metadata={"help": "Most result rows shown in an HTML page (downloads have them all)."},
    )

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; ``None`` values keep the current one."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


REMOTE = (
    "store_url",
    "update_url",
    "graph_store_url",
    "standby_url",
    "standby_update_url",
    "standby_graph_store_url",
)
"""The settings that name a remote engine (and its standby): options of the commands that
build, serve or query."""
CREDENTIALS = ("store_user", "store_password")
"""Settings read from the environment only: never from a command line, where other users of
the machine can read them."""


def documented() -> dict[str, str]:
    """Each setting's name mapped to its help text (used by ``--help`` and the README test)."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}
