"""
Read N candidate rows from an .xlsx sheet: ketnap.sheets against a floor, in one run.

The floor reads the same file with the same library (openpyxl, read-only) into plain
dicts keyed by header; ketnap also parses every cell (dates as dd/mm/yyyy, labels) and
builds a validated dossier per row. It is timed twice: as a program reads (no progress),
and as ``ketnap import-sheet`` reads on a terminal, a click progress bar drawn after every
row (into the null device, as if it were a terminal). Memory is tracemalloc's peak per
row, at 10,000 rows and at N, so that a read that held the whole sheet would show a
growing figure.

This floor is a lower bound, not the same output: reading the cells is what no reader
of the sheet can skip, but it builds no dossier, so only the number of rows read is
compared. The three reads run interleaved (each round every one of them), the best of
--rounds kept.

    .venv/bin/python benchmarks/import.py            # 100,000 rows
    .venv/bin/python benchmarks/import.py --n 20000
    .venv/bin/python benchmarks/import.py --n 5000 --repeat 5   # each time the best of 5
                                                                # (--repeat is --rounds)

Last line: ``ratio_floor=R ratio_progress=R mem_10k=B mem_100k=B`` (bytes per row;
mem_100k is at N; ratio_progress is the read with its progress bar against the floor);
with --json, then one JSON line for each ratio.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import click
import openpyxl
import pendulum
from _harness import Ratio, Unequal, add_options, emit, interleaved

from ketnap import Dossier, Organization, Workflow
from ketnap.sheets import estimate_rows, read_dossiers, write_dossiers
from ketnap.testing import make_dossier

WORKFLOW = Workflow()
FLOOR = (
    "a lower bound, not the same output: the same file read with openpyxl (read-only)"
    " into plain dicts, no cell parsed, no dossier built"
)


def make_sheet(path: Path, n: int) -> None:
    template = make_dossier(
        meeting=pendulum.Date(2024, 3, 12), organization=Organization(name="Chi bộ 1", code="X.1")
    )

    def rows() -> Iterator[Dossier]:
        for i in range(n):
            template.id = f"HS-{i:07d}"
            yield template

    write_dossiers(path, rows())


def floor(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = [str(cell) for cell in next(rows)]
    count = sum(1 for row in rows if dict(zip(header, row, strict=False)))
    workbook.close()
    return count


def with_progress(path: Path) -> int:
    """Read as import-sheet does on a terminal: a progress bar drawn after every row."""
    with (
        Path(os.devnull).open("w", encoding="utf-8") as sink,
        click.progressbar(length=estimate_rows(path), label="Reading", file=sink) as bar,
    ):
        bar._is_atty = True  # noqa: SLF001 - drawn as on a terminal, into the null device
        return len(read_dossiers(path, workflow=WORKFLOW, progress=bar.update))


def peak_per_row(path: Path, n: int) -> int:
    tracemalloc.start()
    dossiers = read_dossiers(path, workflow=WORKFLOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(dossiers) == n
    return peak // n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000)
    add_options(parser)
    parser.add_argument("--repeat", dest="rounds", type=int, help="the same as --rounds")
    arguments = parser.parse_args()
    n = arguments.n
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder, "10k.xlsx"), Path(folder, "n.xlsx")
        make_sheet(small, min(10_000, n))
        make_sheet(large, n)
        read = {
            "ketnap": len(read_dossiers(large, workflow=WORKFLOW)),
            "progress": with_progress(large),
            "floor": floor(large),
        }
        if any(count != n for count in read.values()):
            raise Unequal(f"rows read: {read}, written: {n}")
        best = interleaved(
            {
                "ketnap": lambda: read_dossiers(large, workflow=WORKFLOW),
                "progress": lambda: with_progress(large),
                "floor": lambda: floor(large),
            },
            arguments.rounds,
        )
        ketnap_s, progress_s, floor_s = best["ketnap"], best["progress"], best["floor"]
        mem_small = peak_per_row(small, min(10_000, n))
        mem_large = peak_per_row(large, n)
    print(
        f"{n:,} rows, best of {arguments.rounds}: ketnap {ketnap_s:.2f} s, with a progress"
        f" bar {progress_s:.2f} s, floor (openpyxl into dicts) {floor_s:.2f} s"
    )
    emit(
        f"ratio_floor={ketnap_s / floor_s:.2f} ratio_progress={progress_s / floor_s:.2f} "
        f"mem_10k={mem_small} mem_100k={mem_large}",
        [
            Ratio("import", FLOOR, ketnap_s / floor_s, n),
            Ratio("import, with a progress bar", FLOOR, progress_s / floor_s, n),
        ],
        as_json=arguments.json,
    )


if __name__ == "__main__":
    main()
