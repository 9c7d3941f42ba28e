"""
Exceptions raised by ketnap.

The tree::

    KetnapError
    ├── InvalidInput (also ValueError)      bad data: a future birth date, an unknown
    │                                       education level, a negative vote count
    ├── InvalidRuleSet (also ValueError)    a rule set that cannot work (duplicate rule ids)
    ├── InvalidWorkflow                     a stage table that cannot work, found when built
    ├── NoRegulationInForce (also LookupError)
    │                                       no rule set covers the date of the act
    ├── TransitionRefused                   a step refused; ``.failures`` lists every failed rule
    ├── AdoptionRefused                     a dossier in progress not adopted, the same
    │                                       (both in `ketnap.rules.refused`, beside the
    │                                       rules' `Failure` they carry)
    ├── InvalidDocument (also ValueError)   a stored or sent dossier that cannot be loaded;
    │   │                                   ``.path`` names the field, e.g. ``$.votes[0].held_on``
    │   └── TamperedHistory                 a history chain or stage that fails verification
    ├── DossierNotFound (also LookupError)  no stored dossier has that id
    ├── StoreError                          a store file that cannot be used (not a database,
    │                                       a newer layout, locked for too long)
    └── StaleDossier                        a save based on an outdated revision (another
                                            writer saved first); nothing was written

Catch `KetnapError` for anything ketnap raises on purpose, or the builtin base
(`ValueError`, `LookupError`) where that reads better.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "DossierNotFound",
    "InvalidDocument",
    "InvalidInput",
    "InvalidRuleSet",
    "InvalidWorkflow",
    "KetnapError",
    "NoRegulationInForce",
    "StaleDossier",
    "StoreError",
    "TamperedHistory",
]


class KetnapError(Exception):
    """Base class of every exception ketnap raises on purpose."""


class InvalidInput(KetnapError, ValueError):
    """
    A value that cannot describe a real dossier.

    Attributes:
        field: the name of the offending field, e.g. ``"birth_date"``.
        reason: what is wrong with it.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class InvalidRuleSet(KetnapError, ValueError):
    """A rule set that cannot be used, e.g. two rules with the same id."""


class InvalidWorkflow(KetnapError):
    """A stage/transition table that cannot work, detected when the workflow is built."""


class NoRegulationInForce(KetnapError, LookupError):
    """No rule set of the workflow is in force on the date of the act."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        super().__init__(f"no rule set is in force on {on.isoformat()}")


class InvalidDocument(KetnapError, ValueError):
    """
    A dossier document that cannot be loaded; nothing half-built is returned.

    The message never quotes personal data (a birth date, a citizen ID), only the path.

    Attributes:
        path: where the problem is, as a JSON path: ``"$.candidate.birth_date"``,
            ``"$.history[3].digest"``, or ``"$"`` for the document as a whole.
        reason: what is wrong there.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class TamperedHistory(InvalidDocument):
    """A history chain that does not verify, or a stage the history does not lead to."""


class DossierNotFound(KetnapError, LookupError):
    """No dossier with this id is stored."""

    def __init__(self, dossier_id: str) -> None:
        self.dossier_id = dossier_id
        super().__init__(f"no stored dossier has id {dossier_id!r}")


class StaleDossier(KetnapError):
    """
    A save refused because the stored dossier changed since this copy was loaded.

    Optimistic concurrency: reload, re-apply the change, save again. Nothing was written.

    Attributes:
        dossier_id: the dossier's id.
        expected: the revision this copy was loaded at (0: never saved).
        found: the revision in the store (None: not stored).
    """

    def __init__(self, dossier_id: str, *, expected: int, found: int | None) -> None:
        self.dossier_id = dossier_id
        self.expected = expected
        self.found = found
        if expected == 0:
            detail = f"is already stored (revision {found}); load it before saving"
        elif found is None:
            detail = f"was loaded at revision {expected} but is no longer stored"
        else:
            detail = (
                f"was loaded at revision {expected} but the store holds revision {found}; "
                "another writer saved first"
            )
        super().__init__(f"dossier {dossier_id!r} {detail}")


class StoreError(KetnapError):
    """A store that cannot be opened or used: not a database, a newer layout, a lock timeout."""
