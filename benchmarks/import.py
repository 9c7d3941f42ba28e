"""
Read N candidate rows from an .xlsx sheet: ketnap.sheets against a floor, in one run.

The floor reads the same file with the same library (openpyxl, read-only) into plain
dicts keyed by header; ketnap also parses every cell (dates as dd/mm/yyyy, labels) and
builds a validated dossier per row. Memory is tracemalloc's peak per row, at 10,000 rows
and at N, so that a read that held the whole sheet would show a growing figure.

    .venv/bin/python benchmarks/import.py            # 100,000 rows
    .venv/bin/python benchmarks/import.py --n 20000

Last line: ``ratio_floor=R mem_10k=B mem_100k=B`` (bytes per row; mem_100k is at N).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pendulum

from ketnap import Dossier, Organization, Workflow
from ketnap.sheets import read_dossiers, write_dossiers
from ketnap.testing import make_dossier

WORKFLOW = Workflow()


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


def timed(function: Callable[[Path], object], path: Path) -> float:
    start = time.perf_counter()
    function(path)
    return time.perf_counter() - start


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
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder, "10k.xlsx"), Path(folder, "n.xlsx")
        make_sheet(small, min(10_000, n))
        make_sheet(large, n)
        floor_s = timed(floor, large)
        ketnap_s = timed(lambda path: read_dossiers(path, workflow=WORKFLOW), large)
        mem_small = peak_per_row(small, min(10_000, n))
        mem_large = peak_per_row(large, n)
    print(f"{n:,} rows: ketnap {ketnap_s:.2f} s, floor (openpyxl into dicts) {floor_s:.2f} s")
    print(f"ratio_floor={ketnap_s / floor_s:.2f} mem_10k={mem_small} mem_100k={mem_large}")


if __name__ == "__main__":
    main()
