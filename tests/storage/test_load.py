"""
Load: 8 processes write into one store at once, and no update is lost (SQLite and PostgreSQL).

Each writer loads a dossier of a shared set, adds a document of its own and saves,
reloading and retrying when another writer saved first (`StaleDossier`). At the end
every dossier's revision must count every successful save, every document added
by a successful save must be there, and no error other than ketnap's own occurred.
The writers are separate interpreters (not forked copies of pytest), as offices are.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ketnap import SQLiteStore, Stage, Workflow
from ketnap.storage import Store
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING

WRITERS = 8
DOSSIERS = 12
SECONDS = 4.0

WRITER = """
import json, random, sys, time
import pendulum
from ketnap import Document, SQLiteStore, StaleDossier, StoreError

where, writer, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
dossiers = int(sys.argv[4])
rng = random.Random(writer)
saved, raw, stale = [], [], 0
if where.startswith("postgresql:"):
    from ketnap.storage.postgres import PostgresStore
    url, schema = where.rsplit("#", 1)
    opened = PostgresStore(url, schema=schema, pool_size=1, create=False, timeout=30.0)
else:
    opened = SQLiteStore(where, timeout=30.0, durable=False, create=False)
with opened as store:
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # every writer starts at once
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        dossier_id = f"HS-{rng.randrange(dossiers):03d}"
        form = f"W{writer}-{n}"
        try:
            dossier = store.load(dossier_id)
            dossier.add_documents([Document(form=form, dated=pendulum.Date(2024, 3, 1))])
            store.save(dossier)
        except StaleDossier:
            stale += 1
            continue
        except StoreError as exc:  # a lock timeout: ours, but the test wants none
            raw.append(f"StoreError: {exc}")
            continue
        except Exception as exc:  # any foreign error is what the test looks for
            raw.append(type(exc).__name__)
            continue
        saved.append([dossier_id, form])
        n += 1
print(json.dumps({"saved": saved, "raw": raw, "stale": stale}))
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_eight_writers_lose_no_update(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    base = make_dossier(meeting=MEETING)
    walk(Workflow(), base, meeting=MEETING, until=Stage.PROPOSED)
    if kind == "sqlite":
        where = str(tmp_path / "load.db")

        def opener() -> Store:
            return SQLiteStore(where)
    else:
        from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

        url = request.getfixturevalue("postgres_url")
        schema = f"load_{uuid.uuid4().hex[:12]}"
        where = f"{url}#{schema}"

        def opener() -> Store:
            return PostgresStore(url, schema=schema)

    with opener() as store:
        store.save_all(clone(base, f"HS-{n:03d}") for n in range(DOSSIERS))
    writers = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WRITER, where, str(w), str(SECONDS), str(DOSSIERS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    for process in writers:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n", process.stderr and process.stderr.read()
    start = time.monotonic()
    for process in writers:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=60) for process in writers]
    elapsed = time.monotonic() - start
    saves: dict[str, set[str]] = {}
    for process, (out, err) in zip(writers, outputs, strict=True):
        assert process.returncode == 0, err
        outcome = json.loads(out)
        assert outcome["raw"] == []
        for dossier_id, form in outcome["saved"]:
            saves.setdefault(dossier_id, set()).add(form)
    total = sum(len(forms) for forms in saves.values())
    assert total > 0
    with opener() as store:
        for dossier_id, forms in saves.items():
            dossier = store.load(dossier_id)
            assert dossier.revision == 1 + len(forms)  # no save counted twice or lost
            assert forms <= set(dossier.documents)  # no update overwritten
        assert store.verify() == []
    rate = (
        f"{kind}: {total} saves by {WRITERS} processes in {elapsed:.1f} s: {total / elapsed:.0f}/s"
    )
    print(rate)  # noqa: T201 - shown with pytest -s, quoted in the release notes
