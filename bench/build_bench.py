"""Build and validation benchmark: ``witness build`` against ``oxigraph load``, side by side.

For each size, generates the synthetic archive (bench/generate.py) once, as N-Quads (one
named graph per copy of each source document) and as one N-Triples file (the same triples
without their graphs: Witness puts them in the file's graph, Oxigraph in its default graph),
then alternates ``oxigraph load`` (PyPI package ``oxigraph``) and ``witness build
--no-validate`` on the same file, each into a fresh directory, and reports the median wall
time, peak memory and the ratio. Witness writes every statement twice, into its named graph
and into the default graph that merges them (witness.dataset.merge); Oxigraph writes each
once. ``witness validate`` and ``witness build`` with validation are timed at each size.

    python bench/build_bench.py --sizes 100k 1M --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from generate import generate, parse_scale
from witness.settings import bundled

OUT = Path(__file__).parent / "out"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def timed(command: list[str]) -> Run:
    """Run ``command``; its wall time and peak resident memory (from wait4's rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        assert process.stderr is not None
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024)


def archive(size: str, syntax: str) -> tuple[Path, int]:
    """A directory holding only the archive of ``size`` triples in ``syntax`` (``nq`` or
    ``nt``), generated unless it exists already, and its number of lines."""
    directory = OUT / size
    quads = directory / "archive.nq"
    if not quads.exists():
        generate(parse_scale(size), directory, bundled("data"))
    if syntax == "nq":
        return directory, sum(1 for _ in quads.open("rb"))
    alone = OUT / f"{size}-nt"
    target = alone / "archive.nt"
    if not target.exists():
        alone.mkdir(exist_ok=True)
        parsed = ox.parse(path=quads, format=ox.RdfFormat.N_QUADS)
        ox.serialize((quad.triple for quad in parsed), target, ox.RdfFormat.N_TRIPLES)
    return alone, sum(1 for _ in target.open("rb"))


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs), statistics.median(r.peak_mb for r in runs)
    )


def load_rounds(directory: Path, syntax: str, rounds: int) -> tuple[Run, Run]:
    """Median of ``rounds`` alternating loads by oxigraph's CLI and by witness build."""
    oxigraph = shutil.which("oxigraph")
    witness = shutil.which("witness")
    if not oxigraph or not witness:
        sys.exit("needs the 'oxigraph' CLI (pip install oxigraph) and 'witness' on PATH")
    ours: list[Run] = []
    theirs: list[Run] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(dir=OUT) as scratch:
            base = Path(scratch)
            theirs.append(
                timed(
                    [
                        oxigraph,
                        "load",
                        "--location",
                        str(base / "ox"),
                        "--file",
                        str(directory / f"archive.{syntax}"),
                    ]
                )
            )
            ours.append(
                timed(
                    [
                        witness,
                        "build",
                        "--no-validate",
                        "--store",
                        str(base / "w"),
                        "--data",
                        str(directory),
                    ]
                )
            )
    return median(ours), median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"])
    parser.add_argument("--rounds", type=int, default=3, help="loads per tool and size")
    parser.add_argument("--syntaxes", nargs="+", default=["nq", "nt"], choices=["nq", "nt"])
    parser.add_argument(
        "--validate", nargs="*", default=None, help="sizes to validate (default: all)"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    witness = shutil.which("witness") or "witness"
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| size | file | lines | oxigraph load | witness build --no-validate | ratio", end=" ")
    print("| peak MB ox / witness |")
    print("|---|---|---|---|---|---|---|")
    validations: list[tuple[str, int, Run, Run]] = []
    for size in args.sizes:
        for syntax in args.syntaxes:
            directory, quads = archive(size, syntax)
            ours, theirs = load_rounds(directory, syntax, args.rounds)
            print(
                f"| {size} | archive.{syntax} | {quads:,} | {theirs.seconds:.2f} s "
                f"| {ours.seconds:.2f} s | {ours.seconds / theirs.seconds:.2f}x "
                f"| {theirs.peak_mb:.0f} / {ours.peak_mb:.0f} |",
                flush=True,
            )
        if args.validate is None or size in args.validate:
            directory, quads = archive(size, "nq")
            checked = timed([witness, "validate", "--data", str(directory)])
            with tempfile.TemporaryDirectory(dir=OUT) as scratch:
                store = str(Path(scratch) / "w")
                built = timed([witness, "build", "--store", store, "--data", str(directory)])
            validations.append((size, quads, checked, built))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| size | quads | witness validate | µs per quad | peak MB | witness build (validated) |")
    print("|---|---|---|---|---|---|")
    for size, quads, run, built in validations:
        print(
            f"| {size} | {quads:,} | {run.seconds:.1f} s | {run.seconds / quads * 1e6:.1f} "
            f"| {run.peak_mb:.0f} | {built.seconds:.1f} s ({built.peak_mb:.0f} MB) |"
        )
    if len(validations) >= 2:
        (small, n_small, r_small, _), (large, n_large, r_large, _) = validations[0], validations[-1]
        growth = (r_large.seconds / r_small.seconds) / (n_large / n_small)
        print(f"\nvalidation time per quad, {large} vs {small}: {growth:.2f}x (1.00 = linear)")


if __name__ == "__main__":
    main()
