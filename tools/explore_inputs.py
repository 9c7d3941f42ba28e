"""
Throw hostile input at the loader and the command line, and count what escapes.

Every input must end in a loaded (and saveable) dossier or one of ketnap's own errors;
a raw exception or a printed traceback is a bug. The test suite runs the same kinds of
input in smaller numbers on every `make test`; this runs them in bulk:

    .venv/bin/python tools/explore_inputs.py --documents 100000 --calls 3000
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import pendulum
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.storage.test_attack import HOSTILE
from tests.storage.test_fuzz import ODD_VALUES, _paths, mutate

from ketnap import KetnapError, Stage, Workflow
from ketnap.cli import cli
from ketnap.storage import checked_dumps, from_document, loads, to_document
from ketnap.testing import make_dossier, walk

MEETING = pendulum.Date(2024, 3, 12)


def shapes() -> list[dict[str, Any]]:
    """Documents of dossiers at four stages, the material every input starts from."""
    workflow = Workflow()
    found = []
    for stage in (Stage.TRAINED, Stage.PROPOSED, Stage.PROBATION, Stage.CARD_ISSUED):
        dossier = make_dossier(meeting=MEETING)
        walk(workflow, dossier, meeting=MEETING, until=stage)
        found.append(to_document(dossier))
    return found


def hostile_document(base: dict[str, Any], rng: random.Random) -> object:
    """One of: a structural mutation, a hostile value at a random place, a corrupted byte."""
    kind = rng.randrange(3)
    if kind == 0:
        return mutate(base, rng)
    if kind == 1:
        edited = copy.deepcopy(base)
        path = rng.choice(_paths(edited)[1:])
        parent: Any = edited
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = rng.choice(HOSTILE + ODD_VALUES)
        return edited
    text = json.dumps(base, ensure_ascii=False).encode()
    at = rng.randrange(len(text))
    return text[:at] + bytes([rng.randrange(256)]) + text[at + 1 :]


def documents(count: int, rng: random.Random) -> tuple[collections.Counter[str], list[str]]:
    """Load *count* hostile documents; return the outcomes and what escaped as raw errors."""
    outcomes: collections.Counter[str] = collections.Counter()
    escaped: list[str] = []
    bases = shapes()
    for _ in range(count):
        given = hostile_document(rng.choice(bases), rng)
        try:
            dossier = loads(given) if isinstance(given, bytes) else from_document(given)
            checked_dumps(dossier)
            outcomes["loaded and saveable"] += 1
        except KetnapError as exc:
            outcomes[type(exc).__name__] += 1
        except Exception as exc:  # noqa: BLE001 - what this script looks for
            escaped.append(f"{type(exc).__name__}: {exc}"[:160])
    return outcomes, escaped


COMMANDS = [
    ["check", "{file}", "--on", "{date}"],
    ["import", "{file}", "--store", "{store}"],
    ["verify", "--store", "{store}"],
    ["due", "--store", "{store}", "--on", "{date}", "--within", "{number}"],
    ["report", "--store", "{store}", "--unit", "{text}", "--year", "{number}"],
    ["rules", "--regulation", "{text}"],
    ["diagram", "--lang", "{text}"],
]
DATES = ["2024-03-12", "20240312", "2024-02-30", "9999-12-31", "", "\x1b[2J", "0000-01-01"]
NUMBERS = ["15", "-1", "0", "99999999999999", "x", "2024", "1900", "2101"]
TEXTS = ["H", "", "\x00", "24", "29", "294", "a" * 5000, "vi", "en"]


def calls(count: int, rng: random.Random) -> tuple[collections.Counter[int], list[str]]:
    """Run *count* random commands; return the exit codes and what escaped as tracebacks."""
    runner = CliRunner()
    codes: collections.Counter[int] = collections.Counter()
    escaped: list[str] = []
    bases = shapes()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for n in range(count):
            file = tmp / f"f{n % 7}.json"
            what = rng.randrange(4)
            if what == 0:
                file.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(200))))
            elif what == 3:
                file = tmp / "missing.json"
            else:
                given = hostile_document(rng.choice(bases), rng) if what == 1 else bases[0]
                if isinstance(given, bytes):
                    file.write_bytes(given)
                else:
                    # ASCII escapes: a lone surrogate reaches the command as JSON "\\ud800".
                    file.write_text(json.dumps(given), encoding="utf-8")
            store = rng.choice([tmp / "s.db", tmp / "new.db", file, Path(":memory:"), tmp])
            fields = {
                "file": str(file),
                "store": str(store),
                "date": rng.choice(DATES),
                "number": rng.choice(NUMBERS),
                "text": rng.choice(TEXTS),
            }
            args = [part.format(**fields) for part in rng.choice(COMMANDS)]
            result = runner.invoke(cli, args)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                escaped.append(f"{args[0]}: {type(result.exception).__name__}")
            elif "Traceback" in result.output or "internal error" in result.output:
                escaped.append(f"{args[0]} printed: {result.output[:100]}")
            else:
                codes[result.exit_code] += 1
    return codes, escaped


def main() -> int:
    """Run both explorations; exit 1 if anything escaped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    rng = random.Random(options.seed)  # noqa: S311 - reproducible, not secret
    outcomes, loader_escaped = documents(options.documents, rng)
    print(f"documents={options.documents} {dict(outcomes)}")  # noqa: T201
    codes, cli_escaped = calls(options.calls, rng)
    print(f"calls={options.calls} exit codes {dict(sorted(codes.items()))}")  # noqa: T201
    for line in loader_escaped + cli_escaped:
        print(f"ESCAPED {line}")  # noqa: T201
    print(f"escaped={len(loader_escaped) + len(cli_escaped)}")  # noqa: T201
    return 1 if loader_escaped or cli_escaped else 0


if __name__ == "__main__":
    raise SystemExit(main())
