"""A process killed mid-way through a bulk save leaves the store whole: all or none of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pendulum
import pytest

from ketnap import SQLiteStore, Stage, Workflow
from ketnap.derived import facts_for
from ketnap.testing import make_dossier

BATCH = 10_000

CHILD = f"""
import sys, time
from pathlib import Path
import pendulum
from ketnap import SQLiteStore, Stage, Workflow
from ketnap.derived import facts_for
from ketnap.testing import clone, make_dossier, walk

path, marker, stop_after = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
meeting = pendulum.Date(2021, 3, 12)
workflow = Workflow()
template = make_dossier(meeting=meeting)
walk(workflow, template, meeting=meeting, until=Stage.PROBATION)

def batch():
    for i in range({BATCH}):
        if i == stop_after:
            marker.touch()  # the transaction is open and half the batch is written
            time.sleep(120)
        yield clone(template, f"HS-{{i:05d}}")

with SQLiteStore(path, facts=facts_for(workflow.law)) as store:
    store.save_all(batch())
marker.touch()
"""


def run_child(path: Path, marker: Path, stop_after: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, str(path), str(marker), str(stop_after)],
        stderr=subprocess.PIPE,
    )


def wait_for(marker: Path, child: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not marker.exists():
        if child.poll() is not None:
            pytest.fail(
                f"child ended early: {child.stderr.read().decode() if child.stderr else ''}"
            )
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail("child did not reach the marker")
        time.sleep(0.05)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_mid_batch_leaves_none_and_a_finished_batch_leaves_all(tmp_path: Path) -> None:
    path = tmp_path / "district.db"
    # Committed before the crash, must survive it; saved with the same facts as the batch.
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        store.save(make_dossier(meeting=pendulum.Date(2021, 3, 1), id="EARLIER"))

    killed = run_child(path, tmp_path / "half", BATCH // 2)
    wait_for(tmp_path / "half", killed)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(30)
    assert killed.returncode == -signal.SIGKILL
    if killed.stderr:
        killed.stderr.close()

    # Verified with the facts function the child saved with: the columns are derived again.
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        assert store.verify() == []
        assert [d.id for d in store.find()] == ["EARLIER"]

    finished = run_child(path, tmp_path / "done", BATCH + 1)
    wait_for(tmp_path / "done", finished)
    assert finished.wait(60) == 0
    if finished.stderr:
        finished.stderr.close()
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        assert store.count() == BATCH + 1
        assert store.verify() == []
        assert store.load("HS-09999").stage == Stage.PROBATION


SHEET_ROWS = 1_200  # three chunks of a batch: a kill after the second leaves one unsent

SHEET_CHILD = """
import sys, time
from pathlib import Path
from ketnap.cli import main
from ketnap.storage.sqlite import SQLiteStore

path, sheet, marker, stop_after = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
journal = SQLiteStore._journal
chunks = 0

def journal_then_stop(self, links):
    # Called once per chunk written, inside the batch's one transaction.
    global chunks
    journal(self, links)
    chunks += 1
    if chunks == stop_after:
        marker.touch()  # the transaction is open and part of the sheet is written
        time.sleep(120)

SQLiteStore._journal = journal_then_stop
status = main(["import-sheet", "--store", path, sheet])
marker.touch()
sys.exit(status)
"""


def run_import_sheet(
    path: Path, sheet: Path, marker: Path, stop_after: int
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SHEET_CHILD, str(path), str(sheet), str(marker), str(stop_after)],
        stderr=subprocess.PIPE,
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_during_import_sheet_leaves_none_of_the_sheet_and_a_rerun_all(
    tmp_path: Path,
) -> None:
    from ketnap import Organization  # noqa: PLC0415
    from ketnap.sheets import write_dossiers  # noqa: PLC0415
    from ketnap.testing import clone  # noqa: PLC0415

    path, sheet = tmp_path / "district.db", tmp_path / "danh-sach.csv"
    branch = Organization(name="Thôn 1", code="X.1")  # a sheet names the branch by code
    template = make_dossier(meeting=pendulum.Date(2021, 3, 1), organization=branch)
    write_dossiers(sheet, (clone(template, f"HS-{i:05d}") for i in range(SHEET_ROWS)))
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        store.save(make_dossier(meeting=pendulum.Date(2021, 3, 1), id="EARLIER"))

    killed = run_import_sheet(path, sheet, tmp_path / "half", 2)
    wait_for(tmp_path / "half", killed)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(30)
    assert killed.returncode == -signal.SIGKILL
    if killed.stderr:
        killed.stderr.close()
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        assert store.verify() == []
        assert store.ids() == ["EARLIER"]

    finished = run_import_sheet(path, sheet, tmp_path / "done", 0)
    wait_for(tmp_path / "done", finished)
    assert finished.wait(60) == 0
    if finished.stderr:
        finished.stderr.close()
    with SQLiteStore(path, facts=facts_for(Workflow().law)) as store:
        assert store.count() == SHEET_ROWS + 1
        assert store.verify() == []
