"""Export benchmark: ``witness export`` in every syntax, time and peak memory, at 1M triples.

Dumps must stream (the store read graph by graph into the serialiser), so exporting should
need little more memory than opening the store at all. The baseline is ``witness stats`` on
the same store (Python, click, pyoxigraph, the store opened read-only and queried); each
export's peak resident memory is compared with it. The producer the web app starts
(``python -m witness.publish.dumps``, every syntax plain and gzipped plus the VoID counts, in one
process) is measured the same way.

    python bench/export_bench.py --size 1M
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from build_bench import OUT, Run, archive, timed
from witness.dataset.store import StoreLocation
from witness.formats import GRAPHS
from witness.settings import DEFAULT_BASE_IRI

TARGET_MB = 200
"""Most peak memory an export may add to the baseline."""


def store_for(size: str) -> Path:
    """The store of the ``size`` archive, built (without validation) unless it exists."""
    directory, _ = archive(size, "nq")
    store = directory / "store"
    if not StoreLocation(store).exists():
        witness = shutil.which("witness") or "witness"
        subprocess.run(
            [witness, "build", "--no-validate", "--store", str(store), "--data", str(directory)],
            check=True,
        )
    return store


def row(label: str, run: Run, baseline: Run, size: int | None) -> str:
    growth = run.peak_mb - baseline.peak_mb
    written = f"{size / 1e6:.0f}" if size is not None else "—"
    return f"| {label} | {run.seconds:.1f} s | {run.peak_mb:.0f} | {growth:+.0f} | {written} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M")
    args = parser.parse_args()
    witness = shutil.which("witness")
    if not witness:
        sys.exit("needs 'witness' on PATH (pip install -e .)")
    store = store_for(args.size)
    quads = len(StoreLocation(store).open_read_only())
    baseline = timed([witness, "stats", "--store", str(store)])
    print(f"{args.size}: {quads:,} statements; baseline `witness stats`: ", end="")
    print(f"{baseline.seconds:.1f} s, {baseline.peak_mb:.0f} MB peak\n")
    print("| export | wall time | peak MB | vs stats MB | output MB |")
    print("|---|---|---|---|---|")
    worst = float("-inf")
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        for name, fmt in GRAPHS.items():
            for compressed in (False, True) if name == "nquads" else (False,):
                target = Path(scratch) / f"witness.{fmt.extension}"
                command = [witness, "export", "--store", str(store), "--format", name]
                command += ["--output", str(target)] + (["--gzip"] if compressed else [])
                run = timed(command)
                worst = max(worst, run.peak_mb - baseline.peak_mb)
                label = f"`--format {name}`" + (" `--gzip`" if compressed else "")
                print(row(label, run, baseline, target.stat().st_size), flush=True)
                target.unlink()
        build = StoreLocation(store).live_build()
        made = Path(scratch) / "made"
        producer = [
            sys.executable,
            "-m",
            "witness.publish.dumps",
            str(build),
            str(made),
            DEFAULT_BASE_IRI,
        ]
        run = timed(producer)
        size = sum(path.stat().st_size for path in made.iterdir())
        print(row("producer: all 12 files + VoID counts", run, baseline, size))
        worst = max(worst, run.peak_mb - baseline.peak_mb)
    verdict = "met" if worst < TARGET_MB else "MISSED"
    print(
        f"\nLargest growth over the baseline: {worst:.0f} MB (target < {TARGET_MB} MB: {verdict})"
    )


if __name__ == "__main__":
    main()
