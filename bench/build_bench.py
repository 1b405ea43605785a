"""Build and validation benchmark: ``witness build`` against ``oxigraph load``, side by side.

For each size, generates the synthetic archive (bench/generate.py) once, then alternates
``oxigraph load`` (PyPI package ``oxigraph``) and ``witness build --no-validate`` on the same
file, each into a fresh directory, and reports the median wall time, peak memory and the
ratio. ``witness validate`` is timed at each size, to show how validation grows.

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


def archive(size: str) -> tuple[Path, int]:
    """The archive of ``size`` triples, generated unless it exists already."""
    directory = OUT / size
    target = directory / "archive.nq"
    if not target.exists():
        generate(parse_scale(size), directory, bundled("data"))
    lines = sum(1 for _ in target.open("rb"))
    return directory, lines


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs), statistics.median(r.peak_mb for r in runs)
    )


def load_rounds(directory: Path, rounds: int) -> tuple[Run, Run]:
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
                        str(directory / "archive.nq"),
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
    parser.add_argument(
        "--validate", nargs="*", default=None, help="sizes to validate (default: all)"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    witness = shutil.which("witness") or "witness"
    print("| size | quads | oxigraph load | witness build --no-validate | ratio", end=" ")
    print("| peak MB ox / witness |")
    print("|---|---|---|---|---|---|")
    validations: list[tuple[str, int, Run]] = []
    for size in args.sizes:
        directory, quads = archive(size)
        ours, theirs = load_rounds(directory, args.rounds)
        print(
            f"| {size} | {quads:,} | {theirs.seconds:.2f} s | {ours.seconds:.2f} s "
            f"| {ours.seconds / theirs.seconds:.2f}x | {theirs.peak_mb:.0f} / {ours.peak_mb:.0f} |",
            flush=True,
        )
        if args.validate is None or size in args.validate:
            validations.append(
                (size, quads, timed([witness, "validate", "--data", str(directory)]))
            )
    print()
    print("| size | quads | witness validate | µs per quad | peak MB |")
    print("|---|---|---|---|---|")
    for size, quads, run in validations:
        print(
            f"| {size} | {quads:,} | {run.seconds:.1f} s | {run.seconds / quads * 1e6:.1f} "
            f"| {run.peak_mb:.0f} |"
        )
    if len(validations) >= 2:
        (small, n_small, r_small), (large, n_large, r_large) = validations[0], validations[-1]
        growth = (r_large.seconds / r_small.seconds) / (n_large / n_small)
        print(f"\nvalidation time per quad, {large} vs {small}: {growth:.2f}x (1.00 = linear)")


if __name__ == "__main__":
    main()
