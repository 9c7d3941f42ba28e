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

import hashlib
from typing import TYPE_CHECKING

from ketnap.errors import TamperedHistory

if TYPE_CHECKING:
    import datetime as dt

    from ketnap.model import Dossier

__all__ = ["anchor", "chain_start", "entry_digest", "verify"]

# Bumped only if the canonical form below changes; old chains then need a migration.
_FORMAT = "ketnap-history-1"


def _field(value: str) -> str:
    # Length-prefixed, so that no choice of free text (a regulation code, a document
    # number) can make two different entries hash the same content.
    return f"{len(value)}:{value}"


def chain_start(dossier_id: str) -> str:
    """Return the ``previous`` of a dossier's first entry: binds the chain to the dossier."""
    return hashlib.sha256(f"{_FORMAT}|{_field(dossier_id)}".encode()).hexdigest()


def entry_digest(
    *,
    previous: str,
    on: dt.date,
    step: str,
    actor: str,
    source: str,
    target: str,
    regulation: str,
    reference: str | None,
) -> str:
    """Return the SHA-256 digest of one history entry's canonical content."""
    ref = "-" if reference is None else _field(reference)
    content = (
        f"{_FORMAT}|{previous}|{on.isoformat()}|{step}|{actor}|{source}|{target}"
        f"|{_field(regulation)}|{ref}"
    )
    return hashlib.sha256(content.encode()).hexdigest()


def anchor(dossier: Dossier) -> str:
    """
    Return the digest that seals *dossier*'s whole history: its last entry's digest.

    With no history yet, it is the chain start. Record it outside the dossier (the
    register of decisions) to detect a history rewritten from end to end.
    """
    if dossier.history:
        return dossier.history[-1].digest
    return chain_start(dossier.id)


def verify(dossier: Dossier, *, anchor: str | None = None) -> None:
    """
    Check *dossier*'s history chain and that its stage is where the history leads.

    Args:
        dossier: the dossier to check.
        anchor: a digest recorded earlier with `ketnap.integrity.anchor`; if given, the
            chain must end in it.

    Raises:
        TamperedHistory: the first inconsistency, with the path of the offending field.
    """
    from ketnap.model import Stage  # noqa: PLC0415 - model imports this module

    previous = chain_start(dossier.id)
    stage = Stage.SOURCE_POOL
    for index, entry in enumerate(dossier.history):
        path = f"$.history[{index}]"
        if entry.previous != previous:
            raise TamperedHistory(
                f"{path}.previous", "does not chain to the entry before it (removed or reordered)"
            )
        if entry.source is not stage:
            raise TamperedHistory(
                f"{path}.source", f"starts from {entry.source.value!r}, not {stage.value!r}"
            )
        if entry.digest != entry.expected_digest():
            raise TamperedHistory(f"{path}.digest", "does not match the entry's content (edited)")
        previous = entry.digest
        stage = entry.target
    if dossier.stage is not stage:
        raise TamperedHistory(
            "$.stage",
            f"stage {dossier.stage.value!r} is not where the history leads ({stage.value!r})",
        )
    if anchor is not None and previous != anchor:
        raise TamperedHistory(
            "$.history", "does not end in the recorded anchor (rewritten or truncated)"
        )
