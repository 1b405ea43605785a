"""Witness: a knowledge graph of artists, films, events and institutions, as linked data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("witness")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
