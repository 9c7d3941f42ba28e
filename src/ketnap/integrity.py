"""
A tamper-evident history: each entry is chained to the one before by a SHA-256 digest.

Every `ketnap.HistoryEntry` carries ``previous`` (the digest of the entry before it,
or the dossier's chain start) and ``digest`` (SHA-256 over ``previous`` and the entry's
own canonical content). `verify` recomputes the chain, so editing, removing, inserting
or reordering any entry, or changing a dossier's stage without an entry, is detected.

The limit: somebody who rewrites the whole chain from the edited entry onwards
produces a chain that verifies. Keep the `anchor` (the last digest) somewhere the
records cannot reach, e.g. beside the decision's number in the organisation's
register, and pass it to `verify`; a rewritten chain then no longer matches it.

>>> import pendulum
>>> from ketnap import Stage, Workflow
>>> from ketnap.testing import make_dossier, walk
>>> workflow = Workflow()
>>> dossier = make_dossier(meeting=pendulum.date(2024, 3, 12))
>>> _ = walk(workflow, dossier, meeting=pendulum.date(2024, 3, 12), until=Stage.PROPOSED)
>>> kept = anchor(dossier)
>>> verify(dossier, anchor=kept)
>>> dossier.stage = Stage.PROBATION
>>> verify(dossier)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ketnap.errors.TamperedHistory: $.stage: stage 'probation' is not where the history leads ...
"""

from __future__ import annotations

from ketnap.errors import TamperedHistory
from ketnap.model import Dossier
from ketnap.model.chain import chain_start, entry_digest
from ketnap.process import ADMISSION, Process

__all__ = ["anchor", "chain_start", "entry_digest", "verify"]


def anchor(dossier: Dossier) -> str:
    """
    Return the digest that seals *dossier*'s whole history: its last entry's digest.

    With no history yet, it is the chain start. Record it outside the dossier (the
    register of decisions) to detect a history rewritten from end to end.
    """
    if dossier.history:
        return dossier.history[-1].digest
    return chain_start(dossier.id)


def verify(dossier: Dossier, *, anchor: str | None = None, process: Process = ADMISSION) -> None:
    """
    Check *dossier*'s history chain, that each step is one of *process*, and its stage.

    Args:
        dossier: the dossier to check.
        anchor: a digest recorded earlier with `ketnap.integrity.anchor`; if given, the
            chain must end in it.
        process: the process the dossier follows; the history starts at its initial stage
            and every entry is a row of its table.

    Raises:
        TamperedHistory: the first inconsistency, with the path of the offending field.
    """
    previous = chain_start(dossier.id)
    stage = process.initial
    for index, entry in enumerate(dossier.history):
        path = f"$.history[{index}]"
        if entry.previous != previous:
            raise TamperedHistory(
                f"{path}.previous", "does not chain to the entry before it (removed or reordered)"
            )
        if entry.source != stage:
            raise TamperedHistory(f"{path}.source", f"starts from {entry.source!r}, not {stage!r}")
        if entry.digest != entry.expected_digest():
            raise TamperedHistory(f"{path}.digest", "does not match the entry's content (edited)")
        row = process.row(entry.source, entry.step)
        if row is None or row.target != entry.target:
            raise TamperedHistory(
                f"{path}.step",
                f"the process has no step {entry.step!r} from {entry.source!r} to {entry.target!r}",
            )
        previous = entry.digest
        stage = entry.target
    if dossier.stage != stage:
        raise TamperedHistory(
            "$.stage", f"stage {str(dossier.stage)!r} is not where the history leads ({stage!r})"
        )
    if anchor is not None and previous != anchor:
        raise TamperedHistory(
            "$.history", "does not end in the recorded anchor (rewritten or truncated)"
        )
