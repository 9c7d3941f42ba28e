"""
Run every benchmark that has a floor and write their ratios as one Markdown table.

Each benchmark runs with ``--n`` (small by default, for a quick check) and ``--json``;
the JSON lines it ends with (one per ratio, `_harness.Ratio`) become the rows of a
table (benchmark, floor, ratio, target, n, date measured), after a line saying how it
was run, written to OUTPUT, or with ``--into DOC`` between the markers
``<!-- benchmarks:start -->`` and ``<!-- benchmarks:end -->`` of DOC (everything else in
DOC is left as it is; a DOC without the markers is refused before anything runs).
``make bench-docs`` regenerates docs/performance.md that way. The forms benchmark runs
a tenth of ``--n`` (a form costs about ten times a dossier elsewhere).

    python benchmarks/run_all.py /tmp/perf_table.md                   # --n 2000, SQLite
    python benchmarks/run_all.py table.md --n 100000 --postgresql      # and PostgreSQL
    python benchmarks/run_all.py table.md --only report store         # some of them
    python benchmarks/run_all.py --into docs/performance.md --n 100000 --postgresql

With ``--postgresql`` the benchmarks that have a PostgreSQL side run on it too, on the
server ``--url`` or $KETNAP_BENCH_POSTGRES_URL names, or each on a throwaway one. A
benchmark that fails is named in the table and makes the exit status 1. Ratios
measured on a loaded machine are indicative only: say how the figures were taken.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
START = "<!-- benchmarks:start -->"
END = "<!-- benchmarks:end -->"

# (name, script, share of --n, has a PostgreSQL side)
BENCHMARKS = (
    ("lifecycle", "lifecycle.py", 1.0, False),
    ("store", "store.py", 1.0, True),
    ("report", "report.py", 1.0, True),
    ("statistics", "new_members.py", 1.0, True),
    ("forms", "forms.py", 0.1, False),
    ("deadlines", "deadlines.py", 1.0, False),
    ("import", "import.py", 1.0, False),
)

# The project's targets (issue 28), by the start of a row's name, for the rows whose
# benchmark sets none itself; the longest matching start wins.
TARGETS = {
    "deadlines": 3.0,
    "lifecycle": 1.5,
    "store save": 2.0,
    "store load": 2.0,
    "report": 1.5,
    "statistics": 1.5,
    "forms": 2.0,
    "import": 3.0,
}


def target_of(row: dict[str, Any]) -> float | None:
    """The row's own target, or else the project's for its benchmark."""
    if row.get("target") is not None:
        return float(row["target"])
    starts = [name for name in TARGETS if row["benchmark"].startswith(name)]
    return TARGETS[max(starts, key=len)] if starts else None


def run(script: str, options: list[str], timeout: float) -> tuple[list[dict[str, Any]], str]:
    """Run one benchmark; return its JSON lines and, if it failed, why."""
    command = [sys.executable, str(HERE / script), *options, "--json"]
    try:
        done = subprocess.run(  # noqa: S603 - our own scripts
            command, capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout:.0f} s"
    rows = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            found = json.loads(line)
            if isinstance(found, dict) and "benchmark" in found:
                rows.append(found)
    if done.returncode != 0 or not rows:
        last = (done.stderr.strip().splitlines() or ["no JSON line"])[-1]
        return rows, f"exit {done.returncode}: {last}"
    return rows, ""


def table(rows: list[dict[str, Any]], failures: list[tuple[str, str]]) -> str:
    """The rows as a Markdown table, failures after it."""
    lines = [
        "| Benchmark | Floor | Ratio to floor | Target | n | Measured |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        goal = target_of(row)
        target = "—" if goal is None else f"≤ {goal:g}"
        lines.append(
            f"| {row['benchmark']} | {row['floor']} | {row['ratio']:.2f} | {target}"
            f" | {row['n']:,} | {row['date']} |"
        )
    if failures:
        lines += ["", *(f"- {name} failed: {why}" for name, why in failures)]
    return "\n".join(lines) + "\n"


def caption(n: int, *, postgresql: bool) -> str:
    """One line saying how the table was measured: the command's size and the machine."""
    command = f"benchmarks/run_all.py --n {n}{' --postgresql' if postgresql else ''}"
    return (
        f"Measured with `{command}` on {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, {platform.system()}.\n"
    )


def insert(document: str, text: str) -> str:
    """*document* with *text* in place of what stands between its benchmark markers.

    Raises:
        ValueError: the markers are missing, repeated or out of order.
    """
    starts, ends = document.count(START), document.count(END)
    if starts != 1 or ends != 1 or document.index(START) > document.index(END):
        msg = (
            f"the document must hold {START} once, then {END} once"
            f" (found {starts} and {ends}{', in the wrong order' if starts == ends == 1 else ''})"
        )
        raise ValueError(msg)
    head, rest = document.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n\n{text.strip()}\n\n{END}{tail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("output", type=Path, nargs="?", help="the Markdown file to write")
    parser.add_argument(
        "--into", type=Path, help="write the table between the benchmark markers of this file"
    )
    parser.add_argument("--n", type=int, default=2_000, help="dossiers (default 2,000)")
    parser.add_argument("--rounds", type=int, help="timed rounds (default: each benchmark's)")
    parser.add_argument("--postgresql", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--url", help="a PostgreSQL server (default: a throwaway one each)")
    parser.add_argument(
        "--only", nargs="+", choices=[b[0] for b in BENCHMARKS], help="run only these"
    )
    parser.add_argument(
        "--timeout", type=float, default=6 * 3600, help="seconds per run (default 6 hours)"
    )
    args = parser.parse_args()
    if args.output is None and args.into is None:
        parser.error("give an OUTPUT file, --into DOC, or both")
    if args.into is not None:
        try:
            insert(args.into.read_text(encoding="utf-8"), "")
        except (OSError, ValueError) as error:
            parser.error(f"--into {args.into}: {error}")
    rows: list[dict[str, Any]] = []
    failures: list[tuple[str, str]] = []
    for name, script, share, postgresql in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        options = ["--n", str(max(1, round(args.n * share)))]
        if args.rounds is not None:
            options += ["--rounds", str(args.rounds)]
        stores = [["--store", "sqlite"]] if postgresql else [[]]
        if postgresql and args.postgresql:
            stores.append(["--store", "postgresql", *(["--url", args.url] if args.url else [])])
        for store in stores:
            label = f"{name} {' '.join(store[1:2])}".strip()
            print(f"{label} ...", end=" ", flush=True)
            started = time.perf_counter()
            found, failed = run(script, options + store, args.timeout)
            print(f"{time.perf_counter() - started:.0f} s{' FAILED' if failed else ''}")
            rows += found
            if failed:
                failures.append((label, failed))
    text = caption(args.n, postgresql=args.postgresql) + "\n" + table(rows, failures)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    if args.into is not None:
        document = args.into.read_text(encoding="utf-8")
        args.into.write_text(insert(document, text), encoding="utf-8")
    print(text, end="")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
