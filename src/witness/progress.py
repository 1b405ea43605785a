"""Progress of long work (building, validating, exporting a million statements), reported
as its caller wants: a live bar on a terminal, a line per stage in a log, or nothing.

The core takes a :class:`Progress` as an ordinary argument and calls :meth:`Progress.stage`
for each stage of its work, advancing it as it goes; only the edges choose the kind: the
CLI a :class:`Bar` when standard error is a terminal (and not ``--quiet``), the web app a
:class:`Lines` into its log when it builds at start. The default reports nothing.

>>> import io
>>> out = io.StringIO()
>>> with Lines(out).stage("Loading", total=3, unit="statements") as advance:
...     advance(3)
>>> out.getvalue().splitlines()[0]
'Loading...'
>>> out.getvalue().splitlines()[1].startswith("Loading: 3 statements in ")
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

Advance = Callable[[float], None]
"""Called with how much more of a stage is done (bytes, statements...)."""

T = TypeVar("T")

BYTES = "bytes"
"""The unit of stages measured in bytes read (shown as kB, MB...)."""


def _ignore(amount: float) -> None:
    return None


class Progress:
    """Reports nothing: the default for the core, and for output that is not a terminal."""

    @contextmanager
    def stage(
        self, description: str, total: float | None = None, unit: str = ""
    ) -> Iterator[Advance]:
        """A stage of work called ``description``, of ``total`` ``unit`` if known; the block
        advances it with the function it is given."""
        yield _ignore


class Lines(Progress):
    """One line when a stage starts and one when it ends, with its amount, time and rate:
    for logs, where a live bar would be noise."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    @contextmanager
    def stage(
        self, description: str, total: float | None = None, unit: str = ""
    ) -> Iterator[Advance]:
        done = 0.0

        def advance(amount: float) -> None:
            nonlocal done
            done += amount

        print(f"{description}...", file=self.stream, flush=True)
        started = time.perf_counter()
        yield advance
        seconds = time.perf_counter() - started
        amount = ""
        if done:
            rate = f", {_amount(done / seconds, unit)}/s" if seconds > 0 else ""
            amount = f" {_amount(done, unit)} in"
            print(f"{description}:{amount} {seconds:.1f} s{rate}", file=self.stream, flush=True)
        else:
            print(f"{description}: {seconds:.1f} s", file=self.stream, flush=True)


class Bar(Progress):
    """A live progress bar on a terminal (rich): amount done, rate and time left when the
    total is known, a spinner and the time so far when it is not."""

    def __init__(self, stream: IO[str]) -> None:
        self.console = Console(file=stream)

    @contextmanager
    def stage(
        self, description: str, total: float | None = None, unit: str = ""
    ) -> Iterator[Advance]:
        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), TaskProgressColumn()]
        if unit == BYTES:
            columns += [DownloadColumn(), TransferSpeedColumn()]
        elif unit:
            columns += [MofNCompleteColumn() if total else TextColumn("{task.completed:,.0f}")]
            columns += [TextColumn(unit), _Rate(unit)]
        columns += [TimeElapsedColumn()]
        if total is not None:
            columns += [TimeRemainingColumn()]
        with RichProgress(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(description, total=total)

            def advance(amount: float) -> None:
                bar.advance(task, amount)

            yield advance
            if total is not None:
                bar.update(task, completed=total)


class _Rate(ProgressColumn):
    """How many ``unit`` a second (rich's own rate column counts bytes)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text(f"{speed:,.0f} {self.unit}/s" if speed else "", style="progress.data.speed")


def counted(items: Iterable[T], advance: Advance, every: int = 10_000) -> Iterator[T]:
    """``items``, advancing the progress by one per item (in steps of ``every``)."""
    count = 0
    for item in items:
        yield item
        count += 1
        if count == every:
            advance(count)
            count = 0
    if count:
        advance(count)


def _amount(value: float, unit: str) -> str:
    """``value`` of ``unit`` for people: ``12.3 MB``, ``1,204 statements``.

    >>> _amount(12_345_678, BYTES), _amount(1204, "statements")
    ('12.3 MB', '1,204 statements')
    """
    if unit != BYTES:
        return f"{value:,.0f} {unit}".rstrip()
    for prefix in ("", "k", "M", "G"):
        if value < 1000 or prefix == "G":
            return f"{value:,.1f} {prefix}B" if prefix else f"{value:,.0f} B"
        value /= 1000
    raise AssertionError("unreachable")
